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
	preflight_view(&s, &p, &v);
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
	preflight_view(&s, &p, &v);
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

static const struct pf_account *
judge(const char *main, struct pf_host *h)
{
	struct snapshot s, v;
	struct pf_proposal p;

	tu_load_snapshot(FX, &s);
	propose(&p, main);
	preflight_view(&s, &p, &v);
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
