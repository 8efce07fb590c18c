/* test_pam.c - PAM's stack as libpam loads and walks it (scanner/parse/pam.c)
 * and the account modules' files: controls, include/@include/substack,
 * jumps, done/die, what is blamed; access.conf, time.conf, faillock.conf
 * and tally records. The expected verdicts follow Linux-PAM 1.5's
 * pam_handlers.c, pam_dispatch.c, pam_access, pam_time and pam_faillock;
 * tests/pam/run.sh holds the same cases against a real sshd. */
#include <errno.h>

#include "tests/unit/testutil.h"
#include "scanner/parse/pam.h"

/* Files for the reader: NULL-terminated path/content pairs. */
struct files {
	const char *const *v;
};

static int
rd(void *arg, const char *path, const char **data, size_t *len)
{
	const struct files *f = arg;

	for (size_t i = 0; f->v[i] != NULL; i += 2)
		if (strcmp(f->v[i], path) == 0) {
			if (f->v[i + 1] == NULL) {
				errno = EACCES;
				return -1;
			}
			*data = f->v[i + 1];
			*len = strlen(f->v[i + 1]);
			return 0;
		}
	errno = ENOENT;
	return -1;
}

static void
load(struct pam_stack *st, const char *const *v)
{
	struct files f = { v };

	pam_stack_load(st, PAM_T_ACCOUNT, "/etc/pam.d", "sshd", rd, &f);
}

/* Walk with results by module name: "pam_x", "rc" pairs; pam_deny refuses,
 * the others succeed. */
static int
walk(const struct pam_stack *st, const char *const *by, long *cause)
{
	int res[PAM_MAX_ENTRIES];
	struct pam_outcome o;
	int status;

	for (size_t i = 0; i < st->n; i++) {
		res[i] = st->v[i].name != NULL && strcmp(st->v[i].name, "pam_deny") == 0 ?
		    PAMRC_AUTH_ERR : PAMRC_SUCCESS;
		for (size_t j = 0; by != NULL && by[j] != NULL; j += 2)
			if (st->v[i].name != NULL && strcmp(st->v[i].name, by[j]) == 0)
				res[i] = atoi(by[j + 1]);
	}
	pam_stack_run(st, res, &o);
	status = o.status;
	if (cause != NULL)
		*cause = o.cause;
	pam_outcome_free(&o);
	return status;
}

static const char debian_account[] =
    "account\t[success=1 new_authtok_reqd=done default=ignore]\tpam_unix.so \n"
    "account\trequisite\t\t\tpam_deny.so\n"
    "account\trequired\t\t\tpam_permit.so\n";

static void
test_debian_stack(void **state)
{
	const char *const v[] = {
		"/etc/pam.d/sshd", "# comment\n@include common-auth\n"
		    "account    required     pam_nologin.so\n"
		    "# account  required     pam_access.so\n"
		    "@include common-account\n"
		    "session optional pam_motd.so\n",
		"/etc/pam.d/common-auth", "auth [success=1 default=ignore] pam_unix.so nullok\n",
		"/etc/pam.d/common-account", debian_account,
		NULL };
	const char *const expired[] = { "pam_unix", "13", NULL };	/* acct_expired */
	const char *const change[] = { "pam_unix", "12", NULL };	/* new_authtok_reqd */
	const char *const nologin[] = { "pam_nologin", "7", "pam_unix", "27", NULL };
	struct pam_stack st;
	long cause;

	load(&st, v);
	assert_int_equal(st.n, 4);
	assert_string_equal(st.v[0].name, "pam_nologin");
	assert_string_equal(st.v[0].file, "/etc/pam.d/sshd");
	assert_int_equal(st.v[0].line, 3);
	assert_string_equal(st.v[1].name, "pam_unix");
	assert_string_equal(st.v[1].file, "/etc/pam.d/common-account");
	assert_int_equal(st.v[1].line, 1);
	assert_int_equal(st.v[1].actions[PAMRC_SUCCESS], 1);
	assert_int_equal(st.v[1].actions[PAMRC_NEW_AUTHTOK_REQD], PAMACT_DONE);
	assert_int_equal(st.v[1].actions[PAMRC_ACCT_EXPIRED], PAMACT_IGNORE);
	assert_int_equal(st.files.n, 3);	/* sshd, common-auth, common-account */

	assert_int_equal(walk(&st, NULL, NULL), PAMRC_SUCCESS);
	/* pam_unix's failure is ignored, pam_deny refuses: blame pam_unix */
	assert_int_equal(walk(&st, expired, &cause), PAMRC_AUTH_ERR);
	assert_int_equal(cause, 1);
	assert_int_equal(walk(&st, change, &cause), PAMRC_NEW_AUTHTOK_REQD);
	/* the first required failure stays the status */
	assert_int_equal(walk(&st, nologin, &cause), PAMRC_AUTH_ERR);
	assert_int_equal(cause, 0);
	pam_stack_free(&st);
}

static void
test_controls(void **state)
{
	const char *const v[] = {
		"/etc/pam.d/sshd",
		"account sufficient pam_a.so\n"
		"account requisite pam_b.so\n"
		"account required pam_c.so\n"
		"account optional pam_d.so\n",
		NULL };
	const char *const a_ok_c_bad[] = { "pam_c", "6", NULL };
	const char *const a_bad_b_bad[] = { "pam_a", "7", "pam_b", "6", "pam_c", "9", NULL };
	const char *const d_bad[] = { "pam_a", "7", "pam_d", "6", NULL };
	const char *const all_ignore[] = { "pam_a", "25", "pam_b", "25", "pam_c", "25",
	    "pam_d", "25", NULL };
	struct pam_stack st;
	long cause;

	load(&st, v);
	assert_int_equal(st.n, 4);
	/* sufficient succeeds: done, c never runs */
	assert_int_equal(walk(&st, a_ok_c_bad, NULL), PAMRC_SUCCESS);
	/* requisite dies with its own code */
	assert_int_equal(walk(&st, a_bad_b_bad, &cause), PAMRC_PERM_DENIED);
	assert_int_equal(cause, 1);
	/* optional failing alone does not matter */
	assert_int_equal(walk(&st, d_bad, NULL), PAMRC_SUCCESS);
	/* nobody said yes: libpam's sanity check fails it */
	assert_int_equal(walk(&st, all_ignore, NULL), PAMRC_PERM_DENIED);
	pam_stack_free(&st);
}

static void
test_substack_include(void **state)
{
	const char *const v[] = {
		"/etc/pam.d/sshd",
		"account substack sub\n"
		"account required pam_after.so\n"
		"account include inc\n",
		"/etc/pam.d/sub", "account sufficient pam_s1.so\naccount required pam_s2.so\n",
		"/etc/pam.d/inc", "account sufficient pam_i1.so\naccount required pam_i2.so\n"
		    "auth required pam_notme.so\n",
		NULL };
	const char *const i2_bad[] = { "pam_i2", "6", NULL };
	const char *const s1_no_s2_bad[] = { "pam_s1", "7", "pam_s2", "6", NULL };
	struct pam_stack st;
	long cause;

	load(&st, v);
	/* substack marker, s1, s2, after, i1, i2 */
	assert_int_equal(st.n, 6);
	assert_int_equal(st.v[0].kind, PAM_E_SUBSTACK);
	assert_int_equal(st.v[1].level, 1);
	assert_int_equal(st.v[3].level, 0);
	/* s1 sufficient ends the substack only; i1 sufficient ends it all */
	assert_int_equal(walk(&st, i2_bad, NULL), PAMRC_SUCCESS);
	assert_int_equal(walk(&st, s1_no_s2_bad, &cause), PAMRC_PERM_DENIED);
	assert_int_equal(cause, 2);
	pam_stack_free(&st);
}

static void
test_missing_and_unreadable(void **state)
{
	const char *const inc[] = { "/etc/pam.d/sshd", "@include gone\naccount required pam_permit.so\n", NULL };
	const char *const other[] = { "/etc/pam.d/other", "account required pam_deny.so\n", NULL };
	const char *const none[] = { NULL };
	const char *const unread[] = { "/etc/pam.d/sshd", "@include secret\n",
	    "/etc/pam.d/secret", NULL, NULL };
	const char *const jump[] = { "/etc/pam.d/sshd", "account [success=3 default=bad] pam_permit.so\n"
	    "account required pam_permit.so\n", NULL };
	struct pam_stack st;
	long cause;

	load(&st, inc);
	assert_int_equal(st.v[0].kind, PAM_E_MUST_FAIL);
	assert_int_equal(walk(&st, NULL, &cause), PAMRC_PERM_DENIED);
	assert_int_equal(cause, 0);
	pam_stack_free(&st);
	/* no sshd file: "other" */
	load(&st, other);
	assert_string_equal(st.service_file, "/etc/pam.d/other");
	assert_int_equal(walk(&st, NULL, NULL), PAMRC_AUTH_ERR);
	pam_stack_free(&st);
	load(&st, none);
	assert_non_null(st.missing);
	assert_int_equal(walk(&st, NULL, NULL), PAMRC_PERM_DENIED);
	pam_stack_free(&st);
	load(&st, unread);
	assert_non_null(st.unreadable);
	pam_stack_free(&st);
	/* a jump past the end: libpam's "bad jump in stack" */
	load(&st, jump);
	assert_int_equal(walk(&st, NULL, NULL), PAMRC_PERM_DENIED);
	pam_stack_free(&st);
}

static void
test_decide_unknown(void **state)
{
	const char *const v[] = { "/etc/pam.d/sshd",
	    "account sufficient pam_sss.so\naccount required pam_nologin.so\n", NULL };
	const char *const w[] = { "/etc/pam.d/sshd",
	    "account required pam_nologin.so\naccount required pam_sss.so\n", NULL };
	struct pam_stack st;
	struct pam_verdict vd;
	int res[2];

	load(&st, v);
	res[0] = -1;
	res[1] = PAMRC_AUTH_ERR;
	pam_stack_decide(&st, res, &vd);
	assert_false(vd.known);
	assert_int_equal(vd.depends_on, 0);
	assert_int_equal(vd.worst.cause, 1);
	pam_verdict_free(&vd);
	pam_stack_free(&st);
	/* a refusal before the unknown module stands whatever it says */
	load(&st, w);
	res[0] = PAMRC_AUTH_ERR;
	res[1] = -1;
	pam_stack_decide(&st, res, &vd);
	assert_true(vd.known);
	assert_int_equal(vd.first.status, PAMRC_AUTH_ERR);
	assert_int_equal(vd.first.cause, 0);
	pam_verdict_free(&vd);
	pam_stack_free(&st);
}

static void
test_file_refs(void **state)
{
	const char data[] = "@include common-account\n"
	    "account required pam_access.so accessfile=/etc/security/ssh-access.conf\n"
	    "auth required pam_faillock.so preauth dir=/var/lib/faillock conf=/etc/fl.conf\n"
	    "-account substack /etc/pam.d/abs\n";
	struct strlist inc = { 0 }, paths = { 0 }, dirs = { 0 }, mods = { 0 };

	pam_file_includes(data, strlen(data), "/etc/pam.d", &inc);
	assert_int_equal(inc.n, 2);
	assert_string_equal(inc.v[0], "/etc/pam.d/common-account");
	assert_string_equal(inc.v[1], "/etc/pam.d/abs");
	pam_file_paths(data, strlen(data), &paths, &dirs, &mods);
	assert_int_equal(mods.n, 2);
	assert_string_equal(mods.v[0], "pam_access");
	assert_string_equal(mods.v[1], "pam_faillock");
	assert_int_equal(paths.n, 2);
	assert_string_equal(paths.v[0], "/etc/security/ssh-access.conf");
	assert_string_equal(paths.v[1], "/etc/fl.conf");
	assert_int_equal(dirs.n, 1);
	assert_string_equal(dirs.v[0], "/var/lib/faillock");
	strlist_free(&inc);
	strlist_free(&paths);
	strlist_free(&dirs);
	strlist_free(&mods);
}

static int
access_for(const char *conf, const char *user, const char *from, int *line)
{
	const char *groups[] = { user, "wheel" };
	struct pam_access_who w = { user, groups, 2, from, ':', ',', 0 };

	return pam_access_eval(conf, strlen(conf), &w, line);
}

static void
test_access(void **state)
{
	int line;

	assert_int_equal(access_for("# nothing\n", "kam1", "127.0.0.1", &line), -1);
	assert_int_equal(access_for("-:kam1:ALL\n", "kam1", "127.0.0.1", &line), 0);
	assert_int_equal(line, 1);
	/* first match wins */
	assert_int_equal(access_for("+:kam1:127.0.0.1\n-:ALL:ALL\n", "kam1", "127.0.0.1", &line), 1);
	assert_int_equal(access_for("+:kam1:127.0.0.1\n-:ALL:ALL\n", "kam1", "10.1.1.1", &line), 0);
	assert_int_equal(line, 2);
	/* groups: (name), or a bare name that is no user */
	assert_int_equal(access_for("-:(wheel):ALL\n", "kam1", "127.0.0.1", &line), 0);
	assert_int_equal(access_for("-:wheel:ALL\n", "kam1", "127.0.0.1", &line), 0);
	/* EXCEPT, networks, prefixes, domains, LOCAL */
	assert_int_equal(access_for("-:ALL EXCEPT kam1:ALL\n", "kam1", "127.0.0.1", &line), -1);
	assert_int_equal(access_for("-:kam1:ALL EXCEPT 127.0.0.0/8\n", "kam1", "127.0.0.1", &line), -1);
	assert_int_equal(access_for("-:kam1:ALL EXCEPT 127.0.0.0/8\n", "kam1", "192.0.2.1", &line), 0);
	assert_int_equal(access_for("-:kam1:192.0.\n", "kam1", "192.0.2.1", &line), 0);
	assert_int_equal(access_for("-:kam1:LOCAL\n", "kam1", "192.0.2.1", &line), -1);
	assert_int_equal(access_for("-:kam1:.example.com\n", "kam1", "h.example.com", &line), 0);
	/* what cannot be known here: netgroups, host names, no address */
	assert_int_equal(access_for("-:@admins:ALL\n", "kam1", "127.0.0.1", &line), -2);
	assert_int_equal(access_for("-:kam1:gw.example.com\n", "kam1", "127.0.0.1", &line), -2);
	assert_int_equal(access_for("-:kam1:10.0.0.0/8\n", "kam1", NULL, &line), -2);
	/* a line without its newline, or without three fields, is skipped */
	assert_int_equal(access_for("-:kam1:ALL", "kam1", "127.0.0.1", &line), -1);
	assert_int_equal(access_for("-:kam1\n", "kam1", "127.0.0.1", &line), -1);
}

static int
time_at(const char *conf, int64_t now, int *line)
{
	struct pam_time_who w = { "sshd", "ssh", "kam1", now };

	return pam_time_eval(conf, strlen(conf), &w, line);
}

static void
test_time(void **state)
{
	/* 2026-01-05 was a Monday; 10:30 UTC */
	int64_t mon1030 = 1767609000;
	int line;

	assert_int_equal(time_at("sshd;*;kam1;Wk0900-1700\n", mon1030, &line), PAMRC_SUCCESS);
	assert_int_equal(time_at("sshd;*;kam1;Wd0000-2400\n", mon1030, &line), PAMRC_PERM_DENIED);
	assert_int_equal(line, 1);
	assert_int_equal(time_at("# c\nsshd;*;kam1;!Mo0000-2400\n", mon1030, &line), PAMRC_PERM_DENIED);
	assert_int_equal(line, 2);
	/* "AlMo": every day but Monday */
	assert_int_equal(time_at("sshd;*;kam1;AlMo0000-2400\n", mon1030, &line), PAMRC_PERM_DENIED);
	/* over midnight from Sunday 22:00: Monday 10:30 is outside */
	assert_int_equal(time_at("sshd;*;kam1;Su2200-0600\n", mon1030, &line), PAMRC_PERM_DENIED);
	assert_int_equal(time_at("sshd;*;kam1;Su2200-0600\n", mon1030 - 8 * 3600, &line), PAMRC_SUCCESS);
	/* rules for others: other services, ttys, users */
	assert_int_equal(time_at("login;*;kam1;!Al0000-2400\n", mon1030, &line), PAMRC_SUCCESS);
	assert_int_equal(time_at("sshd;tty*;kam1;!Al0000-2400\n", mon1030, &line), PAMRC_SUCCESS);
	assert_int_equal(time_at("sshd;*;!kam1;!Al0000-2400\n", mon1030, &line), PAMRC_SUCCESS);
	assert_int_equal(time_at("sshd;*;kam*|root;!Al0000-2400\n", mon1030, &line), PAMRC_PERM_DENIED);
	assert_int_equal(time_at("sshd;*;kam1;bogus\n", mon1030, &line), -1);
}

static void
test_faillock(void **state)
{
	const char conf[] = "# faillock.conf\ndir = /var/lib/faillock\n deny=5\n"
	    "unlock_time = 120\neven_deny_root\n";
	unsigned char tally[PAM_TALLY_RECORD * 6];
	struct pam_faillock_opts o;
	struct pam_tally t;
	int64_t now = 1767225600;

	pam_faillock_defaults(&o);
	assert_string_equal(o.dir, "/var/run/faillock");
	assert_int_equal(o.deny, 3);
	pam_faillock_conf(&o, conf, strlen(conf));
	assert_string_equal(o.dir, "/var/lib/faillock");
	assert_int_equal(o.conf_line_dir, 2);
	assert_int_equal(o.deny, 5);
	assert_int_equal(o.unlock_time, 120);
	assert_true(o.even_deny_root);
	memset(tally, 0, sizeof(tally));
	for (int i = 0; i < 6; i++) {
		unsigned char *r = tally + i * PAM_TALLY_RECORD;
		uint64_t tm = (uint64_t)(now - 60 + i);

		memcpy(r, "192.0.2.1", 9);
		r[54] = i == 5 ? 0 : 3;	/* the last one not valid */
		for (int b = 0; b < 8; b++)
			r[56 + b] = (unsigned char)(tm >> (8 * b));
	}
	pam_tally_eval(tally, sizeof(tally), &o, 0, now, &t);
	assert_int_equal(t.records, 5);
	assert_int_equal(t.failures, 5);
	assert_true(t.locked);
	assert_int_equal(t.unlock_at, now - 56 + 120);
	/* after unlock_time */
	pam_tally_eval(tally, sizeof(tally), &o, 0, now + 200, &t);
	assert_false(t.locked);
	/* one short of deny */
	pam_tally_eval(tally, 4 * PAM_TALLY_RECORD, &o, 0, now, &t);
	assert_false(t.locked);
	/* root is exempt without even_deny_root */
	o.even_deny_root = 0;
	pam_tally_eval(tally, sizeof(tally), &o, 1, now, &t);
	assert_false(t.locked);
	/* a torn record at the end is ignored */
	o.even_deny_root = 1;
	pam_tally_eval(tally, sizeof(tally) - 10, &o, 0, now, &t);
	assert_int_equal(t.records, 5);
	pam_faillock_free(&o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_stack),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_substack_include),
		cmocka_unit_test(test_missing_and_unreadable),
		cmocka_unit_test(test_decide_unknown),
		cmocka_unit_test(test_file_refs),
		cmocka_unit_test(test_access),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_faillock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
