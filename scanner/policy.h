/* policy.h - a site's policy file (--policy FILE): per-check severity and
 * disabling, expected values per sshd_config keyword, and PCRE2 constraints
 * on values. Parsing is pure; a bad file is an input error naming file:line. */
#ifndef KA_POLICY_H
#define KA_POLICY_H

#include <stddef.h>

struct ka_policy;

/* 0 and *out, or -1 and a one-line "NAME:LINE: what was expected" in *err. */
int policy_parse(const char *data, size_t len, const char *name,
    struct ka_policy **out, char **err);
void policy_free(struct ka_policy *p);
/* A policy file is small; anything over this is not one. */
#define POLICY_FILE_MAX (1024 * 1024)
/* NULL policy means the built-in defaults everywhere. */
int policy_check_enabled(const struct ka_policy *p, const char *check_id);
/* Does a 'check ID enable' line (or its family's) turn on an opt-in rule? */
int policy_check_opted_in(const struct ka_policy *p, const char *check_id);
/* The severity for a check: the policy's override or def. */
int policy_severity(const struct ka_policy *p, const char *check_id, int def);
/* The expected value the policy sets for an sshd_config keyword (lower-case
 * keyword), or NULL for the built-in expectation. */
const char *policy_expect(const struct ka_policy *p, const char *keyword);
/* The keywords that have an expect line, in file order (for the checks of
 * keywords no built-in check covers). */
size_t policy_nexpects(const struct ka_policy *p);
const char *policy_expect_keyword(const struct ka_policy *p, size_t i);

/* Value constraints ("forbid KEYWORD /re/", "require KEYWORD /re/"). */
enum policy_kind { POLICY_FORBID, POLICY_REQUIRE };
struct policy_constraint {
	enum policy_kind kind;
	const char *keyword;	/* lower-case */
	const char *pattern;	/* as written */
	const char *file;
	int line;
};
size_t policy_nconstraints(const struct ka_policy *p);
const struct policy_constraint *policy_constraint_at(const struct ka_policy *p, size_t i);
/* Does value match constraint i's regular expression? 1 yes, 0 no. */
int policy_constraint_matches(const struct ka_policy *p, size_t i, const char *value);

#endif
