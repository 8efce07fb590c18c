/* policy.c - placeholder until helper "pol" replaces it (NULL policy only). */
#include <stdlib.h>
#include "util.h"
#include "policy.h"

int policy_parse(const char *d, size_t l, const char *n, struct ka_policy **o, char **e) { (void)d; (void)l; *o = NULL; *e = xasprintf("%s: policy files are not supported yet", n); return -1; }
void policy_free(struct ka_policy *p) { (void)p; }
int policy_check_enabled(const struct ka_policy *p, const char *id) { (void)p; (void)id; return 1; }
int policy_severity(const struct ka_policy *p, const char *id, int def) { (void)p; (void)id; return def; }
const char *policy_expect(const struct ka_policy *p, const char *k) { (void)p; (void)k; return NULL; }
size_t policy_nconstraints(const struct ka_policy *p) { (void)p; return 0; }
const struct policy_constraint *policy_constraint_at(const struct ka_policy *p, size_t i) { (void)p; (void)i; return NULL; }
int policy_constraint_matches(const struct ka_policy *p, size_t i, const char *v) { (void)p; (void)i; (void)v; return 0; }
