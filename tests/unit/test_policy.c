/* test_policy.c - the policy file (scanner/parse/policy.c): its parser and every
 * error it reports, expected values normalised through the sshd_config
 * engine, the PCRE2 constraints and their limits; then whole scans of
 * fixtures/snapshots/policy-*.json with a policy, for the policy family and
 * for the built-in checks whose expectation or severity a policy changes. */
#include <time.h>

#include "tests/unit/testutil.h"
#include "scanner/policy.h"
#include "scanner/fileio.h"

static struct ka_policy *
parse_ok(const char *text)
{
	struct ka_policy *p = NULL;
	char *err = NULL;

	if (policy_parse(text, strlen(text), "site.policy", &p, &err) != 0)
		fail_msg("policy did not parse: %s", err);
	assert_non_null(p);
	assert_null(err);
	return p;
}

static char *
parse_err(const char *text, size_t len)
{
	struct ka_policy *p = (struct ka_policy *)1;
	char *err = NULL;

	assert_int_equal(policy_parse(text, len, "site.policy", &p, &err), -1);
	assert_null(p);
	assert_non_null(err);
	assert_null(strchr(err, '\n'));
	return err;
}

/* Run every check over a fixture with a policy. */
static void
scan(const char *fixture, const struct ka_policy *p, struct ka_host_result *r)
{
	struct snapshot s;
	struct ka_options o = { 0 };
	char *path = xasprintf("fixtures/snapshots/%s.json", fixture);

	o.policy = p;
	tu_load_snapshot(path, &s);
	host_result_init(r, s.target);
	engine_check_snapshot(&s, &o, r);
	snapshot_free(&s);
	free(path);
}

/* ---------------------------------------------------------- parsing */

static void
test_parse_full(void **state)
{
	struct ka_policy *p = parse_ok(
	    "# site policy\n"
	    "\n"
	    "   # indented comment\n"
	    "check sshd.log-level severity high\r\n"
	    "check akeys.dsa disable\n"
	    "check perm severity critical\n"
	    "expect\tMaxAuthTries   3\n"
	    "forbid Ciphers /cbc|arcfour/i\n"
	    "require MACs /etm@openssh\\.com/\n");

	assert_int_equal(policy_check_enabled(p, "akeys.dsa"), 0);
	assert_int_equal(policy_check_enabled(p, "akeys.rsa-weak"), 1);
	assert_int_equal(policy_check_enabled(p, "sshd.log-level"), 1);
	assert_int_equal(policy_severity(p, "sshd.log-level", SEV_LOW), SEV_HIGH);
	assert_int_equal(policy_severity(p, "sshd.max-auth-tries", SEV_LOW), SEV_LOW);
	assert_int_equal(policy_severity(p, "perm.file-mode", SEV_HIGH), SEV_CRITICAL);
	assert_string_equal(policy_expect(p, "maxauthtries"), "3");
	assert_string_equal(policy_expect(p, "MaxAuthTries"), "3");
	assert_null(policy_expect(p, "loglevel"));
	assert_int_equal(policy_nexpects(p), 1);
	assert_string_equal(policy_expect_keyword(p, 0), "maxauthtries");
	assert_null(policy_expect_keyword(p, 1));

	assert_int_equal(policy_nconstraints(p), 2);
	{
		const struct policy_constraint *c = policy_constraint_at(p, 0);

		assert_int_equal(c->kind, POLICY_FORBID);
		assert_string_equal(c->keyword, "ciphers");
		assert_string_equal(c->pattern, "cbc|arcfour");
		assert_string_equal(c->file, "site.policy");
		assert_int_equal(c->line, 8);
		c = policy_constraint_at(p, 1);
		assert_int_equal(c->kind, POLICY_REQUIRE);
		assert_string_equal(c->keyword, "macs");
		assert_string_equal(c->pattern, "etm@openssh\\.com");
		assert_int_equal(c->line, 9);
		assert_null(policy_constraint_at(p, 2));
	}
	/* i makes the first caseless; the second is not */
	assert_int_equal(policy_constraint_matches(p, 0, "AES256-CBC"), 1);
	assert_int_equal(policy_constraint_matches(p, 0, "aes256-ctr"), 0);
	assert_int_equal(policy_constraint_matches(p, 1, "hmac-sha2-256-etm@openssh.com"), 1);
	assert_int_equal(policy_constraint_matches(p, 1, "HMAC-SHA2-256-ETM@OPENSSH.COM"), 0);
	assert_int_equal(policy_constraint_matches(p, 1, "hmac-sha2-256-etmXopenssh.com"), 0);
	policy_free(p);
}

static void
test_null_policy(void **state)
{
	assert_int_equal(policy_check_enabled(NULL, "sshd.log-level"), 1);
	assert_int_equal(policy_severity(NULL, "sshd.log-level", SEV_MEDIUM), SEV_MEDIUM);
	assert_null(policy_expect(NULL, "loglevel"));
	assert_int_equal(policy_nconstraints(NULL), 0);
	assert_int_equal(policy_nexpects(NULL), 0);
	assert_null(policy_constraint_at(NULL, 0));
	assert_int_equal(policy_constraint_matches(NULL, 0, "x"), 0);
	policy_free(NULL);
}

static void
test_empty_policy(void **state)
{
	struct ka_policy *p = parse_ok("");

	assert_int_equal(policy_check_enabled(p, "perm.file-mode"), 1);
	assert_int_equal(policy_nconstraints(p), 0);
	policy_free(p);
	p = parse_ok("# only a comment, no newline");
	policy_free(p);
}

/* A rule's own line beats its family's, whatever the order. */
static void
test_family_and_rule(void **state)
{
	struct ka_policy *p = parse_ok(
	    "check sshd.log-level severity high\n"
	    "check sshd disable\n"
	    "check akeys severity low\n"
	    "check akeys.duplicate disable\n");

	assert_int_equal(policy_check_enabled(p, "sshd.password-auth"), 0);
	assert_int_equal(policy_check_enabled(p, "sshd.max-auth-tries"), 0);
	assert_int_equal(policy_check_enabled(p, "sshd.log-level"), 1);
	assert_int_equal(policy_severity(p, "sshd.log-level", SEV_LOW), SEV_HIGH);
	assert_int_equal(policy_check_enabled(p, "akeys.dsa"), 1);
	assert_int_equal(policy_severity(p, "akeys.dsa", SEV_HIGH), SEV_LOW);
	assert_int_equal(policy_check_enabled(p, "akeys.duplicate"), 0);
	/* "sshdx" is not the family "sshd" */
	assert_int_equal(policy_check_enabled(p, "perm.file-mode"), 1);
	policy_free(p);
}

/* Expected values are kept as sshd -T prints them. */
static void
test_expect_normalised(void **state)
{
	struct ka_policy *p = parse_ok(
	    "expect PermitRootLogin prohibit-password\n"
	    "expect ClientAliveInterval 5m\n"
	    "expect LogLevel verbose\n"
	    "expect ChallengeResponseAuthentication no\n"
	    "expect AllowGroups ssh-users admins\n"
	    "expect PubkeyAcceptedAlgorithms -ssh-rsa\n");

	assert_string_equal(policy_expect(p, "permitrootlogin"), "without-password");
	assert_string_equal(policy_expect(p, "clientaliveinterval"), "300");
	assert_string_equal(policy_expect(p, "loglevel"), "VERBOSE");
	/* the old name is stored under the keyword sshd -T prints */
	assert_string_equal(policy_expect(p, "kbdinteractiveauthentication"), "no");
	assert_null(policy_expect(p, "challengeresponseauthentication"));
	assert_string_equal(policy_expect(p, "allowgroups"), "ssh-users admins");
	/* a +/- list is resolved against this build's defaults */
	assert_non_null(strstr(policy_expect(p, "pubkeyacceptedalgorithms"), "ssh-ed25519,"));
	assert_null(strstr(policy_expect(p, "pubkeyacceptedalgorithms"), "ssh-rsa,"));
	policy_free(p);
}

struct bad {
	const char *text;
	const char *err;
};

static void
test_errors(void **state)
{
	static const struct bad bad[] = {
		{ "frobnicate x\n", "site.policy:1: expected 'check', 'expect', 'forbid' "
		  "or 'require', found 'frobnicate'" },
		{ "\n\ncheck sshd.nope disable\n", "site.policy:3: expected a check id "
		  "or family (as `keyaudit checks` lists them), found 'sshd.nope'" },
		{ "check nofamily severity low\n", "site.policy:1: expected a check id "
		  "or family (as `keyaudit checks` lists them), found 'nofamily'" },
		{ "check sshd.log-level\n", "site.policy:1: expected 'check ID severity "
		  "LEVEL', 'check ID disable' or 'check ID enable'" },
		{ "check sshd.log-level severity\n", "site.policy:1: expected 'check ID "
		  "severity LEVEL', 'check ID disable' or 'check ID enable'" },
		{ "check sshd.log-level disable now\n", "site.policy:1: expected 'check "
		  "ID severity LEVEL', 'check ID disable' or 'check ID enable'" },
		{ "check sshd.log-level severity huge\n", "site.policy:1: expected a "
		  "severity (info, low, medium, high or critical), found 'huge'" },
		{ "check sshd.log-level severity high extra\n", "site.policy:1: expected "
		  "'check ID severity LEVEL', 'check ID disable' or 'check ID enable'" },
		{ "check perm disable\ncheck perm severity low\n", "site.policy:2: "
		  "expected one 'check' line per id, but 'perm' is also set on line 1" },
		{ "expect MaxAuthTries\n", "site.policy:1: expected 'expect KEYWORD VALUE...'" },
		{ "expect\n", "site.policy:1: expected 'expect KEYWORD VALUE...'" },
		{ "expect NoSuchKeyword yes\n", "site.policy:1: expected an sshd_config "
		  "keyword (as `sshd -T` prints it), found 'NoSuchKeyword'" },
		{ "expect Match User x\n", "site.policy:1: expected an sshd_config "
		  "keyword (as `sshd -T` prints it), found 'Match'" },
		{ "expect MaxAuthTries many\n", "site.policy:1: expected a value sshd "
		  "accepts for maxauthtries, found 'many' (maxauthtries integer value invalid.)" },
		{ "expect LogLevel LOUD\n", NULL },
		{ "expect MaxAuthTries 3\nexpect maxauthtries 4\n", "site.policy:2: "
		  "expected one 'expect' line per keyword, but maxauthtries is also "
		  "expected on line 1" },
		{ "forbid Ciphers\n", "site.policy:1: expected 'forbid KEYWORD /REGEX/' "
		  "(or /REGEX/i)" },
		{ "require\n", "site.policy:1: expected 'require KEYWORD /REGEX/' "
		  "(or /REGEX/i)" },
		{ "forbid Ciphers cbc\n", "site.policy:1: expected /REGEX/ or /REGEX/i "
		  "after forbid ciphers" },
		{ "forbid Ciphers /cbc\n", "site.policy:1: expected /REGEX/ or /REGEX/i "
		  "after forbid ciphers" },
		{ "forbid Ciphers //\n", "site.policy:1: expected a non-empty regular "
		  "expression between the slashes" },
		{ "forbid Ciphers /cbc/g\n", "site.policy:1: expected only the flag 'i' "
		  "after the closing '/'" },
		{ "forbid Ciphers /(cbc/\n", "site.policy:1: expected a valid regular "
		  "expression: missing closing parenthesis at offset 4" },
		{ "forbid Bogus /x/\n", "site.policy:1: expected an sshd_config keyword "
		  "(as `sshd -T` prints it), found 'Bogus'" },
		{ "check perm disable\x1b[2J\n", "site.policy:1: expected printable "
		  "text, found control character 0x1b" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char *err = parse_err(bad[i].text, strlen(bad[i].text));

		if (bad[i].err != NULL && strcmp(err, bad[i].err) != 0)
			fail_msg("case %zu: got\n  %s\nexpected\n  %s", i, err, bad[i].err);
		if (bad[i].err == NULL && strncmp(err, "site.policy:1: expected a value "
		    "sshd accepts for loglevel, found 'LOUD'", 70) != 0)
			fail_msg("case %zu: got %s", i, err);
		free(err);
	}
}

static void
test_limits(void **state)
{
	char *err, *big, *long_re;
	struct buf b;

	/* NUL inside a line */
	err = parse_err("check perm disable\ncheck\0x\n", 26);
	assert_string_equal(err, "site.policy:2: expected text, found a NUL byte");
	free(err);

	/* a line longer than 4096 bytes */
	big = xcalloc(1, 5000);
	memset(big, 'a', 4999);
	err = parse_err(big, 4999);
	assert_string_equal(err, "site.policy:1: expected a line of at most 4096 bytes");
	free(err);
	free(big);

	/* a file larger than 1 MiB */
	big = xcalloc(1, 1024 * 1024 + 2);
	memset(big, '\n', 1024 * 1024 + 1);
	err = parse_err(big, 1024 * 1024 + 1);
	assert_string_equal(err, "site.policy:1: expected a policy file of at most "
	    "1048576 bytes");
	free(err);
	free(big);

	/* a pattern over 1024 bytes */
	buf_init(&b);
	buf_puts(&b, "forbid Ciphers /");
	for (int i = 0; i < 1100; i++)
		buf_putc(&b, 'x');
	buf_puts(&b, "/\n");
	long_re = buf_steal(&b);
	err = parse_err(long_re, strlen(long_re));
	assert_string_equal(err, "site.policy:1: expected a regular expression of "
	    "at most 1024 bytes");
	free(err);
	free(long_re);

	/* the error names a file whose name has control characters safely */
	{
		struct ka_policy *p = NULL;

		assert_int_equal(policy_parse("x\n", 2, "a\nb", &p, &err), -1);
		assert_null(strchr(err, '\n'));
		free(err);
	}
}

/* A catastrophic pattern stops at the match limit instead of hanging, and
 * the value counts as a violation. */
static void
test_backtracking_bounded(void **state)
{
	struct ka_policy *p = parse_ok("forbid Banner /^(a+)+$/\nrequire Banner /^(a|a)+$/\n");
	char subject[4096];
	struct timespec t0, t1;
	double secs;

	memset(subject, 'a', sizeof(subject) - 2);
	subject[sizeof(subject) - 2] = '!';
	subject[sizeof(subject) - 1] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(policy_constraint_matches(p, 0, subject), 1);
	assert_int_equal(policy_constraint_matches(p, 1, subject), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(secs < 5.0);
	/* and an ordinary value is still judged normally */
	assert_int_equal(policy_constraint_matches(p, 0, "aaaa"), 1);
	assert_int_equal(policy_constraint_matches(p, 0, "aaab"), 0);
	policy_free(p);
}

/* ------------------------------------------------- scans with a policy */

static size_t
count_prefix(const struct ka_host_result *r, const char *prefix)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nfindings; i++)
		if (strncmp(r->findings[i].rule->id, prefix, strlen(prefix)) == 0)
			n++;
	return n;
}

static void
test_scan_forbid(void **state)
{
	struct ka_policy *p = parse_ok("forbid Ciphers /cbc$/\n");
	struct ka_host_result r;
	const struct ka_finding *f;

	scan("policy-ciphers", p, &r);
	assert_int_equal(tu_count(&r, "policy.forbid"), 1);
	f = tu_find(&r, "policy.forbid", NULL, "/etc/ssh/sshd_config");
	assert_non_null(f);
	assert_int_equal(f->line, 10);
	assert_int_equal(f->severity, SEV_MEDIUM);
	assert_int_equal(f->blocks_login, 0);
	assert_null(f->user);
	/* the item in the middle of the list is named, the fix leaves it out */
	assert_non_null(strstr(f->message, "'aes256-cbc' matches /cbc$/"));
	assert_non_null(strstr(f->message, "site.policy:1"));
	assert_string_equal(tu_fix(f), "in /etc/ssh/sshd_config line 10, change the line "
	    "to 'Ciphers aes128-ctr,aes256-gcm@openssh.com', then run: sshd -t && "
	    "systemctl reload ssh");
	host_result_free(&r);
	policy_free(p);

	/* nothing forbidden present: nothing reported */
	p = parse_ok("forbid Ciphers /arcfour|3des/\nforbid MACs /md5/i\n");
	scan("policy-ciphers", p, &r);
	assert_int_equal(count_prefix(&r, "policy."), 0);
	host_result_free(&r);
	policy_free(p);

	/* every item forbidden: no line to paste, say what is needed */
	p = parse_ok("forbid MACs /hmac/\n");
	scan("policy-ciphers", p, &r);
	f = tu_find(&r, "policy.forbid", NULL, NULL);
	assert_non_null(f);
	assert_int_equal(f->line, 11);
	assert_non_null(strstr(tu_fix(f), "'MACs <a value not matching /hmac/>'"));
	host_result_free(&r);
	policy_free(p);
}

static void
test_scan_require(void **state)
{
	struct ka_policy *p = parse_ok("require MACs /-etm@openssh\\.com$/\n"
	    "require Ciphers /gcm/\n");
	struct ka_host_result r;
	const struct ka_finding *f;

	scan("policy-ciphers", p, &r);
	assert_int_equal(tu_count(&r, "policy.require"), 1);
	f = tu_find(&r, "policy.require", NULL, NULL);
	assert_non_null(f);
	assert_int_equal(f->line, 11);
	assert_non_null(strstr(f->message, "MACs hmac-sha2-256,hmac-sha1"));
	assert_non_null(strstr(f->message, "no value matches"));
	host_result_free(&r);
	policy_free(p);

	/* require on a keyword left at its default judges the default */
	p = parse_ok("require KexAlgorithms /sntrup761x25519/\n"
	    "require Banner /issue/\n");
	scan("policy-ciphers", p, &r);
	assert_int_equal(tu_count(&r, "policy.require"), 1);
	f = tu_find(&r, "policy.require", NULL, NULL);
	assert_non_null(strstr(f->message, "Banner none (OpenSSH default)"));
	assert_int_equal(f->line, 0);
	host_result_free(&r);
	policy_free(p);
}

static void
test_scan_expect_other_keyword(void **state)
{
	struct ka_policy *p = parse_ok("expect ClientAliveInterval 5m\n");
	struct ka_host_result r;
	const struct ka_finding *f;

	scan("policy-ciphers", p, &r);
	f = tu_find(&r, "policy.expect", NULL, NULL);
	assert_non_null(f);
	assert_int_equal(tu_count(&r, "policy.expect"), 1);
	assert_non_null(strstr(f->message, "ClientAliveInterval 0 (OpenSSH default)"));
	assert_string_equal(tu_fix(f), "add 'ClientAliveInterval 300' to "
	    "/etc/ssh/sshd_config, then run: sshd -t && systemctl reload ssh");
	host_result_free(&r);

	/* the fixture that sets 300 meets it */
	scan("policy-match-user", p, &r);
	assert_int_equal(tu_count(&r, "policy.expect"), 0);
	host_result_free(&r);
	policy_free(p);
}

/* A Match block gives alice another value: reported for her alone. */
static void
test_scan_expect_match_user(void **state)
{
	struct ka_policy *p = parse_ok("expect MaxSessions 10\n");
	struct ka_host_result r;
	const struct ka_finding *f;

	scan("policy-match-user", p, &r);
	assert_int_equal(tu_count(&r, "policy.expect"), 1);
	f = tu_find(&r, "policy.expect", "alice", NULL);
	assert_non_null(f);
	assert_int_equal(f->line, 12);
	assert_non_null(strstr(f->message, "in a Match block that applies to alice"));
	assert_non_null(strstr(tu_fix(f), "(in its Match block)"));
	host_result_free(&r);
	policy_free(p);
}

/* expect on a keyword with a built-in check changes that check, and no
 * policy.expect duplicates it. */
static void
test_scan_expect_builtin(void **state)
{
	struct ka_policy *p = parse_ok("expect MaxAuthTries 2\nexpect PermitRootLogin no\n"
	    "expect LogLevel DEBUG\nexpect RequiredRSASize 4096\n");
	struct ka_host_result r;
	const struct ka_finding *f;

	scan("policy-match-user", p, &r);
	assert_int_equal(tu_count(&r, "policy.expect"), 0);
	/* host: 3 > 2; alice's Match block sets 2, which meets it */
	assert_int_equal(tu_count(&r, "sshd.max-auth-tries"), 1);
	f = tu_find(&r, "sshd.max-auth-tries", NULL, NULL);
	assert_null(f->user);
	assert_int_equal(f->line, 3);
	assert_non_null(strstr(f->message, "the policy allows at most 2"));
	assert_non_null(strstr(tu_fix(f), "'MaxAuthTries 2'"));
	/* prohibit-password (the default) is not "no" */
	f = tu_find(&r, "sshd.permit-root-login", NULL, NULL);
	assert_non_null(f);
	assert_non_null(strstr(f->message, "without-password (OpenSSH default)"));
	assert_non_null(strstr(tu_fix(f), "'PermitRootLogin no'"));
	f = tu_find(&r, "sshd.log-level", NULL, NULL);
	assert_non_null(f);
	assert_non_null(strstr(tu_fix(f), "'LogLevel DEBUG'"));
	f = tu_find(&r, "sshd.required-rsa-size", NULL, NULL);
	assert_non_null(f);
	assert_non_null(strstr(tu_fix(f), "'RequiredRSASize 4096'"));
	host_result_free(&r);
	policy_free(p);

	/* expecting what the defaults give silences the baseline check */
	p = parse_ok("expect AllowTcpForwarding yes\nexpect MaxAuthTries 6\n");
	scan("policy-defaults", p, &r);
	assert_int_equal(tu_count(&r, "sshd.tcp-forwarding"), 0);
	assert_int_equal(tu_count(&r, "sshd.max-auth-tries"), 0);
	assert_int_equal(tu_count(&r, "sshd.log-level"), 1);
	host_result_free(&r);
	policy_free(p);

	/* expect AllowGroups replaces the presence check */
	p = parse_ok("expect AllowGroups admins\n");
	scan("policy-defaults", p, &r);
	f = tu_find(&r, "sshd.no-allow-list", NULL, NULL);
	assert_non_null(f);
	assert_non_null(strstr(f->message, "the policy expects AllowGroups admins"));
	host_result_free(&r);
	scan("sshdpol-hardened-ok", p, &r);
	assert_int_equal(tu_count(&r, "sshd.no-allow-list"), 1);
	host_result_free(&r);
	policy_free(p);
}

static void
test_scan_disable_and_severity(void **state)
{
	struct ka_policy *p;
	struct ka_host_result r;
	size_t base;

	scan("policy-defaults", NULL, &r);
	base = r.nfindings;
	assert_int_equal(tu_count(&r, "sshd.log-level"), 1);
	host_result_free(&r);

	p = parse_ok("check sshd.log-level disable\n");
	scan("policy-defaults", p, &r);
	assert_int_equal(tu_count(&r, "sshd.log-level"), 0);
	assert_int_equal(r.nfindings, base - 1);
	host_result_free(&r);
	policy_free(p);

	/* the family off, one rule back on at its own severity */
	p = parse_ok("check sshd disable\ncheck sshd.max-auth-tries severity critical\n");
	scan("policy-defaults", p, &r);
	assert_int_equal(r.nfindings, 1);
	assert_string_equal(r.findings[0].rule->id, "sshd.max-auth-tries");
	assert_int_equal(r.findings[0].severity, SEV_CRITICAL);
	host_result_free(&r);
	policy_free(p);

	p = parse_ok("check sshd severity info\n");
	scan("policy-defaults", p, &r);
	assert_int_equal(r.nfindings, base);
	for (size_t i = 0; i < r.nfindings; i++)
		if (strncmp(r.findings[i].rule->id, "sshd.", 5) == 0)
			assert_int_equal(r.findings[i].severity, SEV_INFO);
	host_result_free(&r);
	policy_free(p);

	/* the policy family's own rules obey the same lines */
	p = parse_ok("forbid Ciphers /cbc/\ncheck policy.forbid severity critical\n");
	scan("policy-ciphers", p, &r);
	assert_int_equal(tu_find(&r, "policy.forbid", NULL, NULL)->severity, SEV_CRITICAL);
	host_result_free(&r);
	policy_free(p);
	p = parse_ok("forbid Ciphers /cbc/\ncheck policy disable\n");
	scan("policy-ciphers", p, &r);
	assert_int_equal(count_prefix(&r, "policy."), 0);
	host_result_free(&r);
	policy_free(p);
}

/* forbid/require also work on keywords a built-in check covers. */
static void
test_scan_constraint_on_covered_keyword(void **state)
{
	struct ka_policy *p = parse_ok("forbid AllowTcpForwarding /^no$/\n");
	struct ka_host_result r;

	scan("sshdpol-hardened-ok", p, &r);
	assert_int_equal(tu_count(&r, "policy.forbid"), 1);
	assert_int_equal(r.nfindings, 1);
	host_result_free(&r);
	policy_free(p);
}

/* The example policies shipped in fixtures/policy/ parse. */
static void
test_examples_parse(void **state)
{
	static const char *const files[] = {
		"fixtures/policy/cis-like.policy", "fixtures/policy/relaxed-dev.policy",
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		size_t len;
		char *text = tu_read_file(files[i], &len), *err = NULL;
		struct ka_policy *p = NULL;

		if (policy_parse(text, len, files[i], &p, &err) != 0)
			fail_msg("%s", err);
		policy_free(p);
		free(text);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_full),
		cmocka_unit_test(test_null_policy),
		cmocka_unit_test(test_empty_policy),
		cmocka_unit_test(test_family_and_rule),
		cmocka_unit_test(test_expect_normalised),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_backtracking_bounded),
		cmocka_unit_test(test_scan_forbid),
		cmocka_unit_test(test_scan_require),
		cmocka_unit_test(test_scan_expect_other_keyword),
		cmocka_unit_test(test_scan_expect_match_user),
		cmocka_unit_test(test_scan_expect_builtin),
		cmocka_unit_test(test_scan_disable_and_severity),
		cmocka_unit_test(test_scan_constraint_on_covered_keyword),
		cmocka_unit_test(test_examples_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
