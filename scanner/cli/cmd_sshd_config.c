/* cmd_sshd_config.c - `keyaudit sshd-config`: the effective sshd
 * configuration printed as `sshd -T` prints it, Include and Match evaluated,
 * without root or host keys. */
#include <stdlib.h>
#include <string.h>

#include "scanner/cli/cli.h"
#include "scanner/context.h"
#include "scanner/parse/sshdconf.h"

static const struct cmd_option sshdcfg_options[] = {
	{ &opt_sshd_config, "the sshd_config to read (default /etc/ssh/sshd_config)", 'f' },
	{ &opt_conn_spec, NULL, 0 },
	{ &opt_root, "read the system mounted at DIR as if it were /", 0 },
	{ &opt_help, NULL, 0 },
	{ NULL, NULL, 0 },
};

const struct cmd_entry cmd_sshd_config_entry = {
	.name = "sshd-config",
	.synopsis = "sshd-config [-f FILE] [-C user=U,host=H,addr=A,laddr=L,lport=P]\n"
	    "[--root DIR]",
	.summary = "print the effective sshd config (sshd -T form)",
	.about =
	"Print the effective sshd configuration the way 'sshd -T' prints it, with\n"
	"Include and Match evaluated, without needing root or host keys. Without\n"
	"-f it is the running daemon's configuration: the -o options its systemd\n"
	"unit puts on its command line (RHEL 8's crypto policy, Debian's\n"
	"SSHD_OPTS) come first and win, as with 'sshd -T -o ...'.\n\n",
	.options = sshdcfg_options,
	.exec = cmd_sshd_config,
};

/* -C user=U,host=H,addr=A,laddr=L,lport=P,rdomain=R as sshd -T takes it. */
static void
parse_conn_spec(const char *spec, struct sshd_conn *c, char **store)
{
	char *copy = xstrdup(spec), *save = NULL, *t;

	*store = copy;
	for (t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(t, '=');
		if (eq == NULL)
			cli_usage("sshd-config", "-C %s: expected key=value pairs", spec);
		*eq++ = '\0';
		if (strcmp(t, "user") == 0)
			c->user = eq;
		else if (strcmp(t, "host") == 0)
			c->host = eq;
		else if (strcmp(t, "addr") == 0)
			c->addr = eq;
		else if (strcmp(t, "laddr") == 0)
			c->laddr = eq;
		else if (strcmp(t, "lport") == 0) {
			char *end;
			long p = strtol(eq, &end, 10);
			if (*eq == '\0' || *end != '\0' || p < 0 || p > 65535)
				cli_usage("sshd-config", "-C lport=%s: not a port number", eq);
			c->lport = (int)p;
		} else if (strcmp(t, "rdomain") == 0)
			c->rdomain = eq;
		else
			cli_usage("sshd-config", "-C: unknown key '%s' (user, host, addr, "
			    "laddr, lport, rdomain)", t);
	}
}

/* Text of lines (sshd -T's form) to stdout, each line through str_terminal:
 * a value from a config under --root or an Include is the image's choice. */
static void
print_lines(const char *text)
{
	for (const char *p = text; *p != '\0';) {
		size_t n = strcspn(p, "\n");
		char *l = xstrndup(p, n), *t = str_terminal(l);

		printf("%s\n", t);
		free(t);
		free(l);
		p += n + (p[n] == '\n');
	}
}

/* The account's primary group first, then the groups that list it. */
static const char **
groups_of(const struct snapshot *snap, const struct snap_account *acct, size_t *ng)
{
	const struct snap_group *pg = snap_group_by_gid(snap, acct->gid);
	const char **groups = xcalloc(snap->ngroups + 1, sizeof(*groups));

	*ng = 0;
	if (pg)
		groups[(*ng)++] = pg->name;
	for (size_t i = 0; i < snap->ngroups; i++)
		if (&snap->groups[i] != pg && strlist_has(&snap->groups[i].members, acct->name))
			groups[(*ng)++] = snap->groups[i].name;
	return groups;
}

int
cmd_sshd_config(struct cli_args *a)
{
	const char *spec = a->conn_spec;
	struct collect_opts co;
	struct snapshot snap;
	struct sshdconf_io io;
	struct sshd_config *cfg;
	struct sshd_conn conn;
	struct sshd_eff *eff;
	struct strlist users = { 0 };
	struct sshd_cmdline cmdline = { 0 };
	struct buf out;
	char *err = NULL, *specstore = NULL;
	const char **groups = NULL;
	int rc = 0;

	if (a->positional.n > 0)
		cli_usage("sshd-config", "%s: unexpected argument", a->positional.v[0]);
	memset(&conn, 0, sizeof(conn));
	if (spec)
		parse_conn_spec(spec, &conn, &specstore);
	memset(&co, 0, sizeof(co));
	co.root = a->root;
	co.sshd_config = a->sshd_config;
	if (conn.user)
		strlist_add(&users, conn.user);
	co.users = &users;
	snapshot_init(&snap);
	if (transport_local.collect("local", &co, &snap, &err) != 0) {
		ka_eprintf("keyaudit: %s", err);
		free(err);
		rc = EXIT_USAGE;
		goto out;
	}
	ctx_sshdconf_io(&snap, &io);
	/* the daemon's own configuration: with the options its systemd
	 * unit puts on its command line (RHEL 8's crypto policy), as
	 * `sshd -T -o ...` with them prints it */
	if (a->sshd_config == NULL) {
		sysunit_sshd_cmdline(&snap, &cmdline);
		io.cmdopts = cmdline.v;
		io.ncmdopts = cmdline.n;
	}
	cfg = sshdconf_parse(snap.sshd_config_path, &io);
	for (size_t i = 0; i < sshdconf_nerrors(cfg); i++) {
		const struct sshdconf_error *e = sshdconf_error_at(cfg, i);
		/* FILE:LINE for a line sshd would reject; a file that could
		 * not be read has no line (never "FILE:0") */
		if (e->line > 0)
			ka_eprintf("keyaudit: %s:%d: %s", e->file, e->line, e->msg);
		else if (strstr(e->msg, e->file) != NULL)
			ka_eprintf("keyaudit: %s", e->msg);
		else
			ka_eprintf("keyaudit: %s: %s", e->file, e->msg);
		rc = EXIT_USAGE;
	}
	if (rc == 0) {
		const struct snap_account *acct = conn.user ?
		    snap_account_by_name(&snap, conn.user) : NULL;

		if (acct != NULL) {
			size_t ng;
			conn.groups = groups = groups_of(&snap, acct, &ng);
			conn.ngroups = ng;
		} else if (conn.user != NULL)
			conn.invalid_user = 1;
		eff = sshdconf_effective(cfg, spec ? &conn : NULL);
		buf_init(&out);
		sshd_eff_dump(eff, &out);
		print_lines(out.data ? out.data : "");
		buf_free(&out);
		sshd_eff_free(eff);
	}
	sshdconf_free(cfg);
	sshd_cmdline_free(&cmdline);
out:
	free(groups);
	free(specstore);
	strlist_free(&users);
	snapshot_free(&snap);
	return rc;
}
