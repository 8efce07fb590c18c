/* fuzz_policy.c - the policy file parser, and every query and regex match
 * on whatever it accepts (the input itself is the subject of each match). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/util.h"
#include "scanner/policy.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ka_policy *p = NULL;
	char *err = NULL, *subject;

	if (policy_parse((const char *)data, size, "fuzz", &p, &err) != 0) {
		if (err == NULL || strchr(err, '\n') != NULL)
			__builtin_trap();
		free(err);
		return 0;
	}
	subject = xstrndup((const char *)data, size > 4096 ? 4096 : size);
	(void)policy_check_enabled(p, "sshd.log-level");
	(void)policy_severity(p, "perm.file-mode", 2);
	(void)policy_expect(p, "maxauthtries");
	for (size_t i = 0; i < policy_nexpects(p); i++)
		(void)policy_expect(p, policy_expect_keyword(p, i));
	for (size_t i = 0; i < policy_nconstraints(p); i++) {
		(void)policy_constraint_at(p, i);
		(void)policy_constraint_matches(p, i, subject);
		(void)policy_constraint_matches(p, i, "");
	}
	free(subject);
	policy_free(p);
	return 0;
}
