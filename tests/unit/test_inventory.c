/* test_inventory.c - targets and inventories (scanner/parse/inventory.c): the
 * target syntax and its name checks, plain host lists, Ansible INI
 * (groups, children defined later, group variables and their precedence,
 * host ranges, --limit), and every error message with its file:line. */
#include <unistd.h>

#include "tests/unit/testutil.h"
#include "scanner/parse/inventory.h"
#include "scanner/fileio.h"

static void
parse_ok(const char *text, const char *limit, struct target_list *l)
{
	char *err = NULL;

	memset(l, 0, sizeof(*l));
	if (inventory_parse(text, strlen(text), "inv", limit, l, &err) != 0)
		fail_msg("inventory did not parse: %s", err);
	assert_null(err);
}

/* The error for text: one line, starting with want_prefix, saying says. */
static void
parse_err(const char *text, const char *limit, const char *want_prefix, const char *says)
{
	struct target_list l = { 0 };
	char *err = NULL;

	assert_int_equal(inventory_parse(text, strlen(text), "inv", limit, &l, &err), -1);
	assert_int_equal(l.n, 0);
	assert_non_null(err);
	assert_null(strchr(err, '\n'));
	if (strncmp(err, want_prefix, strlen(want_prefix)) != 0)
		fail_msg("error '%s' does not start with '%s'", err, want_prefix);
	if (strstr(err, says) == NULL)
		fail_msg("error '%s' does not say '%s'", err, says);
	free(err);
}

static const struct target *
find(const struct target_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	fail_msg("no target %s", name);
	return NULL;
}

/* ------------------------------------------------------- target_parse */

static void
test_target_forms(void **state)
{
	static const struct {
		const char *arg, *host, *user;
		int port;
	} ok[] = {
		{ "web1", "web1", NULL, 0 },
		{ "deploy@db:2222", "db", "deploy", 2222 },
		{ "[::1]:2222", "::1", NULL, 2222 },
		{ "root@[fe80::1]:22", "fe80::1", "root", 22 },
		{ "[web1]", "web1", NULL, 0 },
		{ "[web1]:65535", "web1", NULL, 65535 },
		{ "::1", "::1", NULL, 0 },
		{ "ops@2001:db8::7", "2001:db8::7", "ops", 0 },
		{ "Web-1.Example_Net", "Web-1.Example_Net", NULL, 0 },
		{ "u.s-e_r@h:1", "h", "u.s-e_r", 1 },
		{ "192.0.2.1:22", "192.0.2.1", NULL, 22 },
	};
	struct target t;
	char *err = NULL;

	for (size_t i = 0; i < KA_ARRLEN(ok); i++) {
		if (target_parse(ok[i].arg, NULL, &t, &err) != 0)
			fail_msg("%s: %s", ok[i].arg, err);
		assert_string_equal(t.name, ok[i].arg);
		assert_string_equal(t.host, ok[i].host);
		if (ok[i].user)
			assert_string_equal(t.user, ok[i].user);
		else
			assert_null(t.user);
		assert_int_equal(t.port, ok[i].port);
		assert_string_equal(t.origin, "argument");
		assert_null(t.address);
		assert_null(t.sshd_config);
		target_free(&t);
	}
	assert_int_equal(target_parse("local", "argument", &t, &err), 0);
	assert_string_equal(t.name, "local");
	assert_null(t.host);
	target_free(&t);
}

static void
test_target_errors(void **state)
{
	static const struct {
		const char *arg, *says;
	} bad[] = {
		{ "", "empty target" },
		{ "web;rm -rf /", "has ';', which is not allowed" },
		{ "web$(id)", "has '$'" },
		{ "we b", "has ' '" },
		{ "-oProxyCommand=x", "starts with '-'" },
		{ "-web", "starts with '-'" },
		{ "x@-web", "starts with '-'" },
		{ "-u@web", "user '-u' starts with '-'" },
		{ "a;b@web", "user 'a;b' has ';'" },
		{ "a@b@web", "user 'a@b' has '@'" },
		{ "@web", "empty user before '@'" },
		{ "root@", "empty host after '@'" },
		{ "web:0", "bad port '0'" },
		{ "web:65536", "bad port '65536'" },
		{ "web:22x", "bad port '22x'" },
		{ "web:", "bad port ''" },
		{ "web:ssh", "bad port 'ssh'" },
		{ "[::1", "'[' without ']'" },
		{ "[::1]x", "unexpected 'x' after ']'" },
		{ "[::1]:0", "bad port" },
		{ "[a:b]:22", "not an IPv6 address" },
		{ "[we%b]", "has '%'" },
		{ "a:b:c", "several ':' but is not an IPv6 address" },
		{ "web\x1b[31m", "has '\\x1b'" },
		{ ":22", "empty host" },
	};
	struct target t;
	char *err = NULL;

	for (size_t i = 0; i < KA_ARRLEN(bad); i++) {
		assert_int_equal(target_parse(bad[i].arg, "argument", &t, &err), -1);
		assert_non_null(err);
		assert_null(t.name);
		if (strncmp(err, "argument: ", 10) != 0 || strstr(err, bad[i].says) == NULL)
			fail_msg("%s: error '%s' does not say '%s'", bad[i].arg, err, bad[i].says);
		assert_null(strchr(err, '\n'));
		free(err);
	}
	{
		char big[1100];
		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		assert_int_equal(target_parse(big, "argument", &t, &err), -1);
		assert_non_null(strstr(err, "longer than 1024"));
		free(err);
	}
}

/* --------------------------------------------------------- plain lists */

static void
test_plain_list(void **state)
{
	struct target_list l;

	parse_ok("# fleet\n"
	    "\n"
	    "web1\n"
	    "  deploy@db:2222   # the database\r\n"
	    "[::1]:2200\n"
	    "local\n"
	    "web1\n"
	    "\t# indented comment\n"
	    "ops@web1\n", NULL, &l);
	assert_int_equal(l.n, 5);
	assert_string_equal(l.v[0].name, "web1");
	assert_string_equal(l.v[0].origin, "inv:3");
	assert_string_equal(l.v[1].name, "deploy@db:2222");
	assert_string_equal(l.v[1].user, "deploy");
	assert_int_equal(l.v[1].port, 2222);
	assert_string_equal(l.v[1].origin, "inv:4");
	assert_string_equal(l.v[2].host, "::1");
	assert_null(l.v[3].host);
	assert_string_equal(l.v[4].name, "ops@web1");
	assert_string_equal(l.v[4].origin, "inv:9");
	target_list_free(&l);

	/* --limit on a plain list: hosts (by name or host part) and all */
	parse_ok("web1\ndeploy@db:2222\nweb2\n", "db,web2", &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].name, "deploy@db:2222");
	assert_string_equal(l.v[1].name, "web2");
	target_list_free(&l);
	parse_ok("web1\nweb2\n", "all", &l);
	assert_int_equal(l.n, 2);
	target_list_free(&l);
	parse_ok("", NULL, &l);
	assert_int_equal(l.n, 0);
	target_list_free(&l);
}

static void
test_plain_errors(void **state)
{
	parse_err("web1\n\nbad;host\n", NULL, "inv:3: target 'bad;host': ", "has ';'");
	parse_err("web1\nweb#2\n", NULL, "inv:2: ", "has '#'");
	parse_err("web1\n-oProxyCommand=sh\n", NULL, "inv:2: ", "starts with '-'");
	parse_err("web1:99999\n", NULL, "inv:1: ", "bad port");
	parse_err("web1\n", "nosuch", "inv: --limit 'nosuch'", "not a host");
	parse_err("web1\n", "", "inv: ", "empty --limit");
	{
		static const char nul[] = "web1\nwe\0b\n";
		struct target_list l = { 0 };
		char *err = NULL;

		assert_int_equal(inventory_parse(nul, sizeof(nul) - 1, "inv", NULL, &l, &err),
		    -1);
		assert_non_null(strstr(err, "inv:2: NUL byte"));
		free(err);
	}
}

/* ---------------------------------------------------------- Ansible INI */

static const char ansible[] =
    "# an Ansible inventory\n"
    "lone ansible_user=bob\n"
    "[web]\n"
    "web[01:03].example.com ansible_port=2222\n"
    "db-[a:c] keyaudit_sshd_config=/etc/ssh/alt_config\n"
    "[::1]:2200\n"
    "[web:vars]\n"
    "ansible_user = 'deploy' # a comment\n"
    "unrelated_var=\"anything at all; $(ok)\"\n"
    "[prod:children]\n"
    "web\n"
    "later   # defined below\n"
    "[later]\n"
    "x[1:10:4] ansible_host=10.0.0.1 ansible_ssh_host=10.9.9.9\n"
    "legacy ansible_ssh_host=192.0.2.9 ansible_ssh_port=2022 ansible_ssh_user=old\n"
    "[all:vars]\n"
    "ansible_port=22\n"
    "ansible_user=root\n"
    "[later:vars]\n"
    "ansible_user=\"lateruser\"\n"
    "; another comment style\n"
    "[prod:vars]\n"
    "ansible_user=produser\n"
    "keyaudit_sshd_config=/etc/ssh/prod_config\n";

static void
test_ini(void **state)
{
	struct target_list l;
	const struct target *t;

	parse_ok(ansible, NULL, &l);
	assert_int_equal(l.n, 12);
	/* inventory order, ranges expanded in place */
	assert_string_equal(l.v[0].name, "lone");
	assert_string_equal(l.v[1].name, "web01.example.com");
	assert_string_equal(l.v[3].name, "web03.example.com");
	assert_string_equal(l.v[4].name, "db-a");
	assert_string_equal(l.v[6].name, "db-c");
	assert_string_equal(l.v[7].name, "::1");
	assert_string_equal(l.v[8].name, "x1");
	assert_string_equal(l.v[9].name, "x5");
	assert_string_equal(l.v[10].name, "x9");
	assert_string_equal(l.v[11].name, "legacy");

	t = find(&l, "lone");
	assert_string_equal(t->user, "bob");	/* host var beats all:vars */
	assert_int_equal(t->port, 22);
	assert_string_equal(t->origin, "inv:2");
	t = find(&l, "web02.example.com");
	assert_string_equal(t->host, "web02.example.com");
	assert_string_equal(t->user, "deploy");	/* web (depth 2) beats prod (1), all (0) */
	assert_int_equal(t->port, 2222);
	assert_string_equal(t->sshd_config, "/etc/ssh/prod_config");
	assert_string_equal(t->origin, "inv:4");
	t = find(&l, "db-b");
	assert_string_equal(t->sshd_config, "/etc/ssh/alt_config");
	t = find(&l, "::1");
	assert_int_equal(t->port, 2200);	/* NAME:PORT is the host's own */
	t = find(&l, "x5");
	assert_string_equal(t->user, "lateruser");
	assert_string_equal(t->address, "10.9.9.9");	/* ansible_ssh_host is read last */
	t = find(&l, "legacy");
	assert_string_equal(t->address, "192.0.2.9");
	assert_int_equal(t->port, 2022);
	assert_string_equal(t->user, "old");
	target_list_free(&l);
}

static void
test_ini_limit(void **state)
{
	struct target_list l;

	parse_ok(ansible, "prod", &l);
	assert_int_equal(l.n, 11);	/* web and later, through children */
	assert_string_equal(l.v[0].name, "web01.example.com");
	target_list_free(&l);
	parse_ok(ansible, "later:lone", &l);
	assert_int_equal(l.n, 5);
	assert_string_equal(l.v[0].name, "lone");
	target_list_free(&l);
	parse_ok(ansible, "db-b,::1", &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].name, "db-b");
	assert_string_equal(l.v[1].name, "::1");
	target_list_free(&l);
	parse_ok(ansible, "ungrouped", &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].name, "lone");
	target_list_free(&l);
	parse_ok(ansible, "all", &l);
	assert_int_equal(l.n, 12);
	target_list_free(&l);
	parse_err(ansible, "prod,nosuch", "inv: --limit 'nosuch'",
	    "neither a group nor a host");
}

/* Equal depth: groups apply by name, the later name winning; the same
 * host in two groups once, at its first place. */
static void
test_ini_precedence(void **state)
{
	struct target_list l;

	parse_ok("[b]\nh1\nh2 ansible_user=own\n[a]\nh1\nh0\n"
	    "[a:vars]\nansible_user=from_a\n[b:vars]\nansible_user=from_b\n"
	    "[parent:children]\nb\n[parent:vars]\nansible_port=2000\n"
	    "[b:vars]\nansible_port=3000\n", NULL, &l);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].name, "h1");
	assert_string_equal(l.v[0].user, "from_b");	/* a and b: b is deeper */
	assert_int_equal(l.v[0].port, 3000);
	assert_string_equal(l.v[1].user, "own");
	assert_string_equal(l.v[2].name, "h0");
	assert_string_equal(l.v[2].user, "from_a");
	assert_int_equal(l.v[2].port, 0);
	target_list_free(&l);

	/* same depth: alphabetical, the later name wins */
	parse_ok("[b]\nh\n[a]\nh\n[a:vars]\nansible_user=from_a\n[b:vars]\n"
	    "ansible_user=from_b\n", NULL, &l);
	assert_string_equal(l.v[0].user, "from_b");
	target_list_free(&l);

	/* a repeated host line: later variables win; its port stays */
	parse_ok("[g]\nh:2200 ansible_user=one\n[k]\nh:2300 ansible_user=two\n", NULL, &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].user, "two");
	assert_int_equal(l.v[0].port, 2200);
	assert_string_equal(l.v[0].origin, "inv:2");
	target_list_free(&l);
}

static void
test_ini_ranges(void **state)
{
	struct target_list l;

	parse_ok("[r]\nn[1:3]-[a:b]\nz[:2]\nw[08:10]\nq[A:C:2]\nstep[1:10:3]x:2222\n",
	    NULL, &l);
	assert_int_equal(l.n, 6 + 3 + 3 + 2 + 4);
	assert_string_equal(l.v[0].name, "n1-a");
	assert_string_equal(l.v[1].name, "n1-b");
	assert_string_equal(l.v[5].name, "n3-b");
	assert_string_equal(l.v[6].name, "z0");
	assert_string_equal(l.v[8].name, "z2");
	assert_string_equal(l.v[9].name, "w08");
	assert_string_equal(l.v[11].name, "w10");
	assert_string_equal(l.v[12].name, "qA");
	assert_string_equal(l.v[13].name, "qC");
	assert_string_equal(l.v[14].name, "step1x");
	assert_string_equal(l.v[17].name, "step10x");
	assert_int_equal(l.v[17].port, 2222);
	target_list_free(&l);

	/* a leading range is a range, not a bracketed host */
	parse_ok("[r]\n[1:2]web\n[fe80::2]:22\n", NULL, &l);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].name, "1web");
	assert_string_equal(l.v[2].name, "fe80::2");
	target_list_free(&l);
}

static void
test_ini_errors(void **state)
{
	static const struct {
		const char *text, *prefix, *says;
	} cases[] = {
		{ "[g]\nweb[01:5]\n", "inv:2: ", "equal length" },
		{ "[g]\nweb[1:3\n", "inv:2: ", "unterminated host range" },
		{ "[g]\nweb1:3]\n", "inv:2: ", "']' without '['" },
		{ "[g]\nweb[1]\n", "inv:2: ", "[begin:end] or [begin:end:step]" },
		{ "[g]\nweb[1:2:3:4]\n", "inv:2: ", "[begin:end]" },
		{ "[g]\nweb[1:]\n", "inv:2: ", "end value" },
		{ "[g]\nweb[5:1]\n", "inv:2: ", "begin <= end" },
		{ "[g]\nweb[1:5:0]\n", "inv:2: ", "step must be" },
		{ "[g]\nweb[a:5]\n", "inv:2: ", "numbers (at most 9 digits) or single letters" },
		{ "[g]\nweb[1:200000]\n", "inv:2: ", "more than 100000 hosts" },
		{ "[g]\nw[1:1000]x[1:1000]\n", "inv:2: ", "more than 100000 hosts" },
		{ "[g]\nbad;name\n", "inv:2: ", "host 'bad;name' has ';'" },
		{ "[g]\n-bad\n", "inv:2: ", "starts with '-'" },
		{ "[g]\nr[1:2]$x\n", "inv:2: ", "has '$'" },
		{ "[g]\nroot@web\n", "inv:2: ", "ansible_user=NAME" },
		{ "[g]\nweb:0\n", "inv:2: ", "bad port '0'" },
		{ "[g]\nweb:\n", "inv:2: ", "bad port ''" },
		{ "[g]\na:b:c\n", "inv:2: ", "not an IPv6 address" },
		{ "[g]\nweb \"unterminated\n", "inv:2: ", "unterminated quote" },
		{ "[g]\nweb novalue\n", "inv:2: ", "expected key=value host variable, got "
		  "'novalue'" },
		{ "[g]\nweb =x\n", "inv:2: ", "empty variable name" },
		{ "[g]\nweb ansible_port=http\n", "inv:2: ", "bad ansible_port 'http'" },
		{ "[g]\nweb ansible_ssh_port=70000\n", "inv:2: ", "bad ansible_ssh_port" },
		{ "[g]\nweb ansible_user=\"a b\"\n", "inv:2: ", "ansible_user 'a b' has ' '" },
		{ "[g]\nweb ansible_user=-x\n", "inv:2: ", "starts with '-'" },
		{ "[g]\nweb ansible_user=\n", "inv:2: ", "empty ansible_user" },
		{ "[g]\nweb ansible_host=evil;cmd\n", "inv:2: ", "ansible_host 'evil;cmd'" },
		{ "[g]\nweb ansible_host=1:2:3\n", "inv:2: ", "not an IPv6 address" },
		{ "[g]\nweb keyaudit_sshd_config=relative\n", "inv:2: ",
		  "not an absolute path" },
		{ "[g:vars]\nansible_port=22\n[g]\nh\n[g:vars]\nansible_port=x\n",
		  "inv:6: ", "bad ansible_port 'x'" },
		{ "[g]\nh\n[g:vars]\nno equals sign\n", "inv:4: ", "expected key=value in [g:vars]" },
		{ "[g]\nh\n[g:children]\nbad child\n", "inv:4: ", "expected a group name" },
		{ "[a:children]\nb\n[a]\nh\n", "inv:2: ", "[a:children] names group 'b', "
		  "which no [b] or [b:children] section defines" },
		{ "[g]\nh\n[x:vars]\nk=v\n", "inv:3: ", "[x:vars] is for group 'x'" },
		{ "[a:children]\nb\n[b:children]\nc\n[c:children]\na\n", "inv:6: ",
		  "children sections: a -> b -> c -> a" },
		{ "[a:children]\na\n", "inv:2: ", "children sections: a -> a" },
		{ "[a:children]\nall\n", "inv:2: ", "'all' cannot be a child" },
		{ "[g:hosts]\nh\n[k]\n[g:weird]\nh\n", "inv:4: ", "unknown type 'weird'" },
		{ "[g]\nh\n[bad group]\nh\n", "inv:3: ", "invalid section header" },
		{ "[g]\nh\nwe\001b\n", "inv:3: ", "has '\\x01'" },
	};

	for (size_t i = 0; i < KA_ARRLEN(cases); i++)
		parse_err(cases[i].text, NULL, cases[i].prefix, cases[i].says);
}

/* A [g:children] may name a group defined further down (Ansible does). */
static void
test_ini_children_later(void **state)
{
	struct target_list l;

	parse_ok("[top:children]\nmid\n[mid:children]\nleaf\n[leaf]\nh1\n[other]\nh2\n",
	    "top", &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].name, "h1");
	target_list_free(&l);
}

/* Detection: only [name], [name:children] and [name:vars] make it INI. */
static void
test_detection(void **state)
{
	struct target_list l;

	parse_ok("[::1]:22\nweb1\n", NULL, &l);	/* plain: no header */
	assert_int_equal(l.n, 2);
	target_list_free(&l);
	parse_ok("# [g]\nweb1\n", NULL, &l);	/* a commented header */
	assert_int_equal(l.n, 1);
	target_list_free(&l);
	parse_ok("web1\n[g:vars]\nansible_user=x\n[g]\nweb2\n", NULL, &l);
	assert_int_equal(l.n, 2);
	assert_null(l.v[0].user);		/* web1 is ungrouped */
	assert_string_equal(l.v[1].user, "x");
	target_list_free(&l);
}

/* What the issue found mishandled: ansible_connection=local (this
 * machine, not a host to ssh to), an inventory of ungrouped hosts with
 * variables and no section (Ansible INI, not a plain list), and a host
 * named 'local' (keyaudit's word for this machine, Ansible's for a host). */
static void
test_ini_local_and_ungrouped(void **state)
{
	struct target_list l;

	parse_ok("[ctl]\nctrl ansible_connection=local ansible_user=x "
	    "keyaudit_sshd_config=/etc/ssh/other\n[web]\nweb1 ansible_connection=ssh\n"
	    "[web:vars]\nansible_connection=smart\n", NULL, &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].name, "ctrl");
	assert_null(l.v[0].host);			/* this machine */
	assert_null(l.v[0].user);
	assert_string_equal(l.v[0].sshd_config, "/etc/ssh/other");
	assert_string_equal(l.v[0].origin, "inv:2");
	assert_string_equal(l.v[1].host, "web1");
	target_list_free(&l);
	/* a group var says it for every host of the group */
	parse_ok("[ctl]\nc1\nc2\n[ctl:vars]\nansible_connection=local\n", NULL, &l);
	assert_int_equal(l.n, 2);
	assert_null(l.v[0].host);
	assert_null(l.v[1].host);
	target_list_free(&l);

	/* no section at all, variables on the host lines */
	parse_ok("web1 ansible_host=10.0.0.1 ansible_port=2222\n"
	    "web2 ansible_user=deploy # a comment\nweb3\n", NULL, &l);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].address, "10.0.0.1");
	assert_int_equal(l.v[0].port, 2222);
	assert_string_equal(l.v[1].user, "deploy");
	assert_string_equal(l.v[2].host, "web3");
	target_list_free(&l);
	/* a plain list stays a plain list, comments and all */
	parse_ok("web1 # a=b\nlocal\n", NULL, &l);
	assert_int_equal(l.n, 2);
	assert_null(l.v[1].host);
	target_list_free(&l);

	/* 'local' in an INI inventory must say which it is */
	parse_err("[x]\nlocal\n", NULL, "inv:2: ", "add ansible_connection=local");
	parse_ok("[x]\nlocal ansible_connection=local\n", NULL, &l);
	assert_null(l.v[0].host);
	target_list_free(&l);
	parse_ok("[x]\nlocal ansible_host=10.0.0.9\n", NULL, &l);
	assert_string_equal(l.v[0].host, "local");
	assert_string_equal(l.v[0].address, "10.0.0.9");
	target_list_free(&l);

	/* a connection keyaudit cannot follow: an error naming the host's
	 * line, unless --limit leaves the host out */
	parse_err("[win]\nw1\n[win:vars]\nansible_connection=winrm\n[lin]\nl1\n", NULL,
	    "inv:2: ", "ansible_connection=winrm is not one keyaudit can audit");
	parse_ok("[win]\nw1\n[win:vars]\nansible_connection=winrm\n[lin]\nl1\n", "lin", &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].host, "l1");
	target_list_free(&l);
	parse_err("[g]\nh ansible_connection='a b'\n", NULL, "inv:2: ", "not a plugin name");
}

/* Appends to what is there; leaves it alone on an error. */
static void
test_append(void **state)
{
	struct target_list l = { 0 };
	char *err = NULL;

	assert_int_equal(inventory_parse("a\nb\n", 4, "one", NULL, &l, &err), 0);
	assert_int_equal(inventory_parse("[g]\nc\n", 6, "two", NULL, &l, &err), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[2].origin, "two:2");
	assert_int_equal(inventory_parse("[g]\nbad;\n", 9, "three", NULL, &l, &err), -1);
	free(err);
	assert_int_equal(l.n, 3);
	target_list_free(&l);
}

static void
test_limits(void **state)
{
	struct buf b;
	struct target_list l = { 0 };
	char *err = NULL;

	/* 100000 hosts is fine, one more is not */
	parse_ok("[g]\nh[1:100000]\n", NULL, &l);
	assert_int_equal(l.n, 100000);
	target_list_free(&l);
	parse_err("[g]\nh[1:100000]\n[k]\nextra\n", NULL, "inv:4: ", "more than 100000 hosts");
	buf_init(&b);
	for (int i = 0; i <= INVENTORY_MAX_HOSTS; i++)
		buf_printf(&b, "h%d\n", i);
	assert_int_equal(inventory_parse(b.data, b.len, "inv", NULL, &l, &err), -1);
	assert_non_null(strstr(err, "inv:100001: more than 100000 hosts"));
	free(err);
	buf_free(&b);
	/* one range written many times stops too */
	buf_init(&b);
	buf_puts(&b, "[g]\n");
	for (int i = 0; i < 11; i++)
		buf_puts(&b, "h[1:100000]\n");
	assert_int_equal(inventory_parse(b.data, b.len, "inv", NULL, &l, &err), -1);
	assert_non_null(strstr(err, "generate more than"));
	free(err);
	buf_free(&b);
	assert_int_equal(inventory_parse("x", (size_t)INVENTORY_MAX_BYTES + 1, "inv", NULL,
	    &l, &err), -1);
	assert_non_null(strstr(err, "larger than"));
	free(err);
}

static void
test_load(void **state)
{
	char path[] = "/tmp/keyaudit-inv-XXXXXX";
	struct target_list l = { 0 };
	char *err = NULL;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "[web]\nweb1 ansible_user=u\n", 26), 26);
	close(fd);
	assert_int_equal(inventory_load(path, NULL, &l, &err), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].user, "u");
	assert_non_null(strstr(l.v[0].origin, ":2"));
	target_list_free(&l);
	unlink(path);
	assert_int_equal(inventory_load(path, NULL, &l, &err), -1);
	assert_non_null(strstr(err, "cannot open inventory"));
	free(err);
	assert_int_equal(inventory_load("/tmp", NULL, &l, &err), -1);
	assert_non_null(strstr(err, "is a directory"));
	free(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_target_forms),
		cmocka_unit_test(test_target_errors),
		cmocka_unit_test(test_plain_list),
		cmocka_unit_test(test_plain_errors),
		cmocka_unit_test(test_ini),
		cmocka_unit_test(test_ini_limit),
		cmocka_unit_test(test_ini_precedence),
		cmocka_unit_test(test_ini_ranges),
		cmocka_unit_test(test_ini_errors),
		cmocka_unit_test(test_ini_children_later),
		cmocka_unit_test(test_detection),
		cmocka_unit_test(test_ini_local_and_ungrouped),
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
