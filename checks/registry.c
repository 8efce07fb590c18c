/* registry.c - the one list of check families. Adding a family is one file
 * under checks/ and one line here. */
#include <string.h>

#include "checks/check.h"

const struct ka_check *const ka_checks[] = {
	&check_net,
	&check_hostkey,
	&check_account,
	&check_sshd,
	&check_pam,
	&check_sshdpolicy,
	&check_distro,
	&check_policy,
	&check_sshfiles,
	&check_hostcert,
	&check_sshd_t,
	&check_perm,
	&check_selinux,
	&check_keyscmd,	/* before akeys: akeys weighs its findings */
	&check_akeys,
	&check_certca,
	&check_client,
	&check_sshclient,
	&check_clientauth,
	&check_keys,
	&check_cert,	/* after perm and akeys: it weighs their findings */
	NULL,
};

const struct ka_rule *
check_rule(const char *id)
{
	for (size_t i = 0; ka_checks[i] != NULL; i++) {
		const struct ka_check *c = ka_checks[i];
		for (size_t j = 0; j < c->nrules; j++)
			if (strcmp(c->rules[j]->id, id) == 0)
				return c->rules[j];
	}
	return NULL;
}

int
check_selected(const struct ka_rule *r, const struct strlist *only)
{
	size_t flen;

	if (only == NULL || only->n == 0)
		return 1;
	flen = strcspn(r->id, ".");
	for (size_t i = 0; i < only->n; i++) {
		if (strcmp(only->v[i], r->id) == 0)
			return 1;
		if (strlen(only->v[i]) == flen && strncmp(only->v[i], r->id, flen) == 0)
			return 1;
	}
	return 0;
}
