/* test_preflight.c - the proposal as a view over a snapshot (nothing of the
 * snapshot changes, accounts are shared, files replaced or added, Include
 * globs updated) and the verdict per account (ok/refused, the cause). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "scanner/preflight.h"
#include "checks/check.h"
#include "testutil.h"

#define FX "fixtures/snapshots/akeys-ok.json"

static void
propose(struct pf_proposal *p, const char *main)
{
	memset(p, 0, sizeof(*p));
	p->has_main = 1;
	p->main.data = xstrdup(main);
	p->main.len = strlen(main);
}

static void
test_view_shares_and_replaces(void **state)
{
	struct snapshot s, v;
	struct pf_proposal p;
	const struct snap_file *f;
	const char *old;

	(void)state;
	tu_load_snapshot(FX, &s);
	old = snap_file_get(&s, "/etc/ssh/sshd_config")->content;
	propose(&p, "AllowUsers bob\n");
	preflight_view(&s, &p, NULL, &v);
	assert_ptr_equal(v.accounts, s.accounts);	/* no deep copy */
	f = snap_file_get(&v, "/etc/ssh/sshd_config");
	assert_non_null(f);
	assert_string_equal(f->content, "AllowUsers bob\n");
	/* before is untouched */
	assert_ptr_equal(snap_file_get(&s, "/etc/ssh/sshd_config")->content, old);
	assert_int_equal(v.nsshd_t, 0);
	preflight_view_free(&v, &s);
	preflight_proposal_free(&p);
	snapshot_free(&s);
}

static void
test_view_adds_dropin_to_glob(void **state)
{
	struct snapshot s, v;
	struct pf_proposal p;
	const struct snap_glob *g;

	(void)state;
	tu_load_snapshot(FX, &s);
	propose(&p, "Include /etc/ssh/sshd_config.d/*.conf\n");
	p.etc = xcalloc(1, sizeof(*p.etc));
	p.netc = 1;
	p.etc[0].path = xstrdup("/etc/ssh/sshd_config.d/50-x.conf");
	p.etc[0].data = xstrdup("DenyUsers alice\n");
	p.etc[0].len = strlen(p.etc[0].data);
	preflight_view(&s, &p, NULL, &v);
	g = snap_glob_get(&v, "/etc/ssh/sshd_config.d/*.conf");
	assert_non_null(g);
	assert_int_equal(g->matches.n, 1);
	assert_string_equal(g->matches.v[0], "/etc/ssh/sshd_config.d/50-x.conf");
	assert_int_equal(snap_file_get(&v, "/etc/ssh/sshd_config.d")->type, SNAP_DIR);
	assert_null(snap_file_get(&s, "/etc/ssh/sshd_config.d/50-x.conf"));
	preflight_view_free(&v, &s);
	preflight_proposal_free(&p);
	snapshot_free(&s);
}

static void
test_view_proposed_keys(void **state)
{
	struct snapshot s, v;
	struct pf_proposal p;
	struct pf_host h;
	const struct snap_file *f;

	(void)state;
	tu_load_snapshot(FX, &s);
	memset(&p, 0, sizeof(p));
	p.keys = xcalloc(1, sizeof(*p.keys));
	p.nkeys = 1;
	p.keys[0].path = xstrdup("alice");
	p.keys[0].data = xstrdup("# nothing but a comment\n");
	p.keys[0].len = strlen(p.keys[0].data);
	preflight_view(&s, &p, NULL, &v);
	f = snap_file_get(&v, "/home/alice/.ssh/authorized_keys");
	assert_non_null(f);
	assert_string_equal(f->content, "# nothing but a comment\n");
	assert_string_not_equal(snap_file_get(&s, "/home/alice/.ssh/authorized_keys")->content,
	    f->content);
	pf_host_init(&h, s.target);
	preflight_host(&s, &v, NULL, NULL, &h);
	assert_int_equal(h.nacc, 1);
	assert_int_equal(h.acc[0].before, PF_OK);
	assert_int_equal(h.acc[0].after, PF_REFUSED);
	assert_true(strncmp(h.causes.findings[h.acc[0].cause].rule->id, "akeys.", 6) == 0);
	pf_host_free(&h);
	preflight_view_free(&v, &s);
	preflight_proposal_free(&p);
	snapshot_free(&s);
}

static void
test_from_each(void **state)
{
	struct snapshot s, v;
	struct pf_proposal p;
	struct pf_host h;
	struct strlist froms = { 0 };

	(void)state;
	tu_load_snapshot(FX, &s);
	propose(&p, "Match Address 10.0.0.0/8\n  DenyUsers alice\n");
	preflight_view(&s, &p, NULL, &v);
	strlist_add(&froms, "10.9.9.9");
	strlist_add(&froms, "192.0.2.1");
	pf_host_init(&h, s.target);
	preflight_host(&s, &v, &froms, NULL, &h);
	assert_int_equal(h.nacc, 2);
	assert_string_equal(h.acc[0].from, "10.9.9.9");
	assert_int_equal(h.acc[0].after, PF_REFUSED);
	assert_ptr_equal(h.causes.findings[h.acc[0].cause].rule, &rule_account_deny_users);
	assert_int_equal(h.acc[1].after, PF_OK);
	assert_int_equal(h.acc[1].cause, -1);
	pf_host_free(&h);
	strlist_free(&froms);
	preflight_view_free(&v, &s);
	preflight_proposal_free(&p);
	snapshot_free(&s);
}

static const struct pf_account *
judge(const char *main, struct pf_host *h)
{
	struct snapshot s, v;
	struct pf_proposal p;

	tu_load_snapshot(FX, &s);
	propose(&p, main);
	preflight_view(&s, &p, NULL, &v);
	pf_host_init(h, s.target);
	preflight_host(&s, &v, NULL, NULL, h);
	preflight_view_free(&v, &s);
	preflight_proposal_free(&p);
	snapshot_free(&s);
	assert_int_equal(h->nacc, 1);
	return &h->acc[0];
}

static void
test_verdicts(void **state)
{
	struct pf_host h;
	const struct pf_account *a;

	(void)state;
	a = judge("PasswordAuthentication no\nKbdInteractiveAuthentication no\n", &h);
	assert_int_equal(a->before, PF_OK);
	assert_int_equal(a->after, PF_OK);
	assert_int_equal(a->cause, -1);
	pf_host_free(&h);

	a = judge("AllowUsers bob\n", &h);
	assert_int_equal(a->after, PF_REFUSED);
	assert_ptr_equal(h.causes.findings[a->cause].rule, &rule_account_not_allow_users);
	pf_host_free(&h);

	a = judge("NoSuchKeyword 1\nAllowUsers bob\n", &h);
	assert_ptr_equal(h.causes.findings[a->cause].rule, &rule_sshd_syntax);
	pf_host_free(&h);

	a = judge("AuthorizedKeysFile /etc/ssh/keys/%u\n", &h);
	assert_int_equal(a->after, PF_REFUSED);
	assert_ptr_equal(h.causes.findings[a->cause].rule, &rule_akeys_missing);
	pf_host_free(&h);

	a = judge("PasswordAuthentication yes\n", &h);
	assert_int_equal(a->after, PF_OK);
	assert_int_equal(a->pw_before, 0);
	assert_int_equal(a->pw_after, 1);
	assert_int_equal(h.findings.nfindings, 1);
	assert_ptr_equal(h.findings.findings[0].rule, &rule_preflight_password_opened);
	pf_host_free(&h);

	/* a second factor nobody has: password alone is not opened */
	a = judge("PasswordAuthentication yes\nAuthenticationMethods publickey,password\n", &h);
	assert_int_equal(a->pw_after, 0);
	pf_host_free(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_view_shares_and_replaces),
		cmocka_unit_test(test_view_adds_dropin_to_glob),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_view_proposed_keys),
		cmocka_unit_test(test_from_each),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
