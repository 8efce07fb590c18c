/* policy.c - the site policy file (--policy FILE): per-check severity and
 * disabling, expected sshd_config values, and PCRE2 constraints on values.
 *
 * The parser is pure and bounded. Keywords and expected values are checked
 * by running them through the sshd_config engine itself, so a policy can
 * only name keywords sshd knows and values sshd accepts, and an expected
 * value is kept in the form `sshd -T` prints (the form the checks compare
 * against: "prohibit-password" becomes "without-password", "5m" becomes
 * "300"). */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <pcre2.h>

#include "scanner/util.h"
#include "scanner/finding.h"
#include "scanner/policy.h"
#include "scanner/parse/sshdconf.h"
#include "checks/check.h"

/* Limits: a policy is a short hand-written file. */
#define POLICY_MAX_BYTES	(1024 * 1024)
#define POLICY_MAX_LINE		4096
#define POLICY_MAX_ENTRIES	10000
#define POLICY_MAX_PATTERN	1024
/* What the regex engine may spend on one value: a pathological pattern
 * fails the match instead of hanging a scan. */
#define POLICY_MATCH_LIMIT	1000000
#define POLICY_DEPTH_LIMIT	10000
#define POLICY_HEAP_LIMIT	(16 * 1024)	/* KiB */
#define POLICY_MAX_SUBJECT	(1024 * 1024)

struct pcheck {
	char *id;		/* rule id or family */
	int family;
	int disabled;		/* 1 disable, -1 enable (an opt-in rule), 0 neither */
	int severity;		/* -1: not set */
	int line;
};

struct pexpect {
	char *keyword;		/* canonical, lower-case */
	char *value;		/* as sshd -T prints it, values joined by ' ' */
	int line;
};

struct pcons {
	struct policy_constraint pub;
	pcre2_code *re;
};

struct ka_policy {
	char *name;
	struct pcheck *checks;
	size_t nchecks;
	struct pexpect *expects;
	size_t nexpects;
	struct pcons *cons;
	size_t ncons;
	pcre2_match_context *mctx;
};

/* ------------------------------------------------------------ sshd engine */

/* The canonical keyword name sshd -T prints, or NULL when sshd has no such
 * keyword (Match and Include are no settings either). */
static char *
canonical_keyword(const struct sshd_eff *empty, const char *kw)
{
	const struct sshd_value *v;

	if (strcasecmp(kw, "match") == 0 || strcasecmp(kw, "include") == 0)
		return NULL;
	if ((v = sshd_eff_get(empty, kw)) == NULL || v->keyword == NULL)
		return NULL;
	return xstrdup(v->keyword);
}

/* ---------------------------------------------------------------- parsing */

struct pstate {
	const char *name;
	int line;
	char **err;
	struct ka_policy *p;
	struct sshd_config *emptycfg;
	struct sshd_eff *empty;
};

static int
perr(struct pstate *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
perr(struct pstate *st, const char *fmt, ...)
{
	va_list ap;
	char *msg, *name;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	name = str_printable(st->name, strlen(st->name));
	*st->err = xasprintf("%s:%d: %s", name, st->line, msg);
	free(name);
	free(msg);
	return -1;
}

/* A piece of input fit for an error message: printable and short. */
static char *
shown(const char *s)
{
	size_t n = strlen(s);
	char *p, *r;

	if (n <= 64)
		return str_printable(s, n);
	p = str_printable(s, 64);
	r = xasprintf("%s...", p);
	free(p);
	return r;
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* Cut the next blank-separated word off *sp; NULL at the end of the line. */
static char *
next_word(char **sp)
{
	char *s = *sp, *w;

	while (is_blank(*s))
		s++;
	if (*s == '\0') {
		*sp = s;
		return NULL;
	}
	w = s;
	while (*s != '\0' && !is_blank(*s))
		s++;
	if (*s != '\0')
		*s++ = '\0';
	*sp = s;
	return w;
}

/* The rest of the line without its leading and trailing blanks. */
static char *
rest_of(char *s)
{
	size_t n;

	while (is_blank(*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_blank(s[n - 1]))
		s[--n] = '\0';
	return s;
}

static int
family_exists(const char *name)
{
	for (size_t i = 0; ka_checks[i] != NULL; i++)
		if (strcmp(ka_checks[i]->family, name) == 0)
			return 1;
	return 0;
}

/* w: ID, "disable" | ID, "enable" | ID, "severity", LEVEL */
static int
parse_check(struct pstate *st, char **w, size_t n)
{
	struct ka_policy *p = st->p;
	struct pcheck *c;
	int family = 0, sev = -1, disabled = 0;
	char *s;

	if (check_rule(w[0]) == NULL) {
		if (!family_exists(w[0])) {
			s = shown(w[0]);
			perr(st, "expected a check id or family (as `keyaudit checks` "
			    "lists them), found '%s'", s);
			free(s);
			return -1;
		}
		family = 1;
	}
	if (n == 2 && strcmp(w[1], "disable") == 0)
		disabled = 1;
	else if (n == 2 && strcmp(w[1], "enable") == 0)
		disabled = -1;
	else if (n == 3 && strcmp(w[1], "severity") == 0) {
		if ((sev = severity_from_name(w[2])) < 0) {
			s = shown(w[2]);
			perr(st, "expected a severity (info, low, medium, high or "
			    "critical), found '%s'", s);
			free(s);
			return -1;
		}
	} else
		return perr(st, "expected 'check ID severity LEVEL', 'check ID disable' "
		    "or 'check ID enable'");
	for (size_t i = 0; i < p->nchecks; i++) {
		if (strcmp(p->checks[i].id, w[0]) == 0) {
			s = shown(w[0]);
			perr(st, "expected one 'check' line per id, but '%s' is also set "
			    "on line %d", s, p->checks[i].line);
			free(s);
			return -1;
		}
	}
	p->checks = xreallocarray(p->checks, p->nchecks + 1, sizeof(*p->checks));
	c = &p->checks[p->nchecks++];
	c->id = xstrdup(w[0]);
	c->family = family;
	c->disabled = disabled;
	c->severity = sev;
	c->line = st->line;
	return 0;
}

/* The keyword of an expect/forbid/require line, canonical, or an error. */
static char *
keyword_of(struct pstate *st, const char *kw)
{
	char *canon, *s;

	if ((canon = canonical_keyword(st->empty, kw)) != NULL)
		return canon;
	s = shown(kw);
	perr(st, "expected an sshd_config keyword (as `sshd -T` prints it), "
	    "found '%s'", s);
	free(s);
	return NULL;
}

/* The value as sshd -T would print it, or an error in sshd's words. */
static char *
normalise_value(struct pstate *st, const char *canon, const char *value)
{
	struct sshd_config *c;
	struct sshd_eff *e;
	const struct sshd_value *v;
	char *text = xasprintf("%s %s\n", canon, value), *s;
	struct buf b;

	c = sshdconf_parse_text("policy", text, 0);
	free(text);
	for (size_t i = 0; i < sshdconf_nerrors(c); i++) {
		const struct sshdconf_error *er = sshdconf_error_at(c, i);

		s = shown(value);
		perr(st, "expected a value sshd accepts for %s, found '%s' (%s)",
		    canon, s, er->msg);
		free(s);
		sshdconf_free(c);
		return NULL;
	}
	e = sshdconf_effective(c, NULL);
	v = sshd_eff_get(e, canon);
	buf_init(&b);
	buf_puts(&b, "");
	for (size_t i = 0; v != NULL && i < v->n; i++)
		buf_printf(&b, "%s%s", i ? " " : "", v->v[i]);
	sshd_eff_free(e);
	sshdconf_free(c);
	return buf_steal(&b);
}

static int
parse_expect(struct pstate *st, const char *kw, const char *rest)
{
	struct ka_policy *p = st->p;
	struct pexpect *x;
	char *canon, *value;

	if (kw == NULL || *rest == '\0')
		return perr(st, "expected 'expect KEYWORD VALUE...'");
	if ((canon = keyword_of(st, kw)) == NULL)
		return -1;
	for (size_t i = 0; i < p->nexpects; i++) {
		if (strcmp(p->expects[i].keyword, canon) == 0) {
			perr(st, "expected one 'expect' line per keyword, but %s is "
			    "also expected on line %d", canon, p->expects[i].line);
			free(canon);
			return -1;
		}
	}
	if ((value = normalise_value(st, canon, rest)) == NULL) {
		free(canon);
		return -1;
	}
	p->expects = xreallocarray(p->expects, p->nexpects + 1, sizeof(*p->expects));
	x = &p->expects[p->nexpects++];
	x->keyword = canon;
	x->value = value;
	x->line = st->line;
	return 0;
}

static int
parse_constraint(struct pstate *st, enum policy_kind kind, const char *kw,
    const char *rest)
{
	struct ka_policy *p = st->p;
	const char *verb = kind == POLICY_FORBID ? "forbid" : "require";
	char *canon, *s;
	const char *re, *end;
	uint32_t opts = 0;
	pcre2_code *code;
	int errcode;
	PCRE2_SIZE erroff;
	struct pcons *c;
	size_t len;

	if (kw == NULL || *rest == '\0')
		return perr(st, "expected '%s KEYWORD /REGEX/' (or /REGEX/i)", verb);
	if ((canon = keyword_of(st, kw)) == NULL)
		return -1;
	re = rest;
	end = strrchr(re, '/');
	if (re[0] != '/' || end == re) {
		perr(st, "expected /REGEX/ or /REGEX/i after %s %s", verb, canon);
		free(canon);
		return -1;
	}
	for (const char *f = end + 1; *f != '\0'; f++) {
		if (*f != 'i') {
			free(canon);
			return perr(st, "expected only the flag 'i' after the closing '/'");
		}
		opts |= PCRE2_CASELESS;
	}
	re++;
	len = (size_t)(end - re);
	if (len == 0) {
		free(canon);
		return perr(st, "expected a non-empty regular expression between the slashes");
	}
	if (len > POLICY_MAX_PATTERN) {
		free(canon);
		return perr(st, "expected a regular expression of at most %d bytes",
		    POLICY_MAX_PATTERN);
	}
	code = pcre2_compile((PCRE2_SPTR)re, len, opts, &errcode, &erroff, NULL);
	if (code == NULL) {
		PCRE2_UCHAR msg[256];

		if (pcre2_get_error_message(errcode, msg, sizeof(msg)) < 0)
			strcpy((char *)msg, "unknown error");
		free(canon);
		return perr(st, "expected a valid regular expression: %s at offset %zu",
		    (char *)msg, (size_t)erroff);
	}
	/* JIT when the library has it; the interpreter otherwise. */
	(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	p->cons = xreallocarray(p->cons, p->ncons + 1, sizeof(*p->cons));
	c = &p->cons[p->ncons++];
	memset(c, 0, sizeof(*c));
	c->pub.kind = kind;
	c->pub.keyword = canon;
	s = xstrndup(re, len);
	c->pub.pattern = s;
	c->pub.file = xstrdup(st->name);
	c->pub.line = st->line;
	c->re = code;
	return 0;
}

static int
parse_line(struct pstate *st, char *line)
{
	char *s = line, *verb, *w[4], *kw;
	size_t n;

	if ((verb = next_word(&s)) == NULL || verb[0] == '#')
		return 0;
	if (strcmp(verb, "check") == 0) {
		for (n = 0; n < KA_ARRLEN(w) && (w[n] = next_word(&s)) != NULL; n++)
			;
		if (n < 2 || n > 3 || *rest_of(s) != '\0')
			return perr(st, "expected 'check ID severity LEVEL', "
			    "'check ID disable' or 'check ID enable'");
		return parse_check(st, w, n);
	}
	if (strcmp(verb, "expect") == 0) {
		kw = next_word(&s);
		return parse_expect(st, kw, rest_of(s));
	}
	if (strcmp(verb, "forbid") == 0 || strcmp(verb, "require") == 0) {
		kw = next_word(&s);
		return parse_constraint(st, verb[0] == 'f' ? POLICY_FORBID :
		    POLICY_REQUIRE, kw, rest_of(s));
	}
	s = shown(verb);
	perr(st, "expected 'check', 'expect', 'forbid' or 'require', found '%s'", s);
	free(s);
	return -1;
}

int
policy_parse(const char *data, size_t len, const char *name,
    struct ka_policy **out, char **err)
{
	struct pstate st;
	size_t pos = 0;
	int rc = 0;

	*out = NULL;
	*err = NULL;
	memset(&st, 0, sizeof(st));
	st.name = name ? name : "policy";
	st.err = err;
	st.line = 1;
	if (len > POLICY_MAX_BYTES)
		return perr(&st, "expected a policy file of at most %d bytes",
		    POLICY_MAX_BYTES);
	st.p = xcalloc(1, sizeof(*st.p));
	st.p->name = xstrdup(st.name);
	st.emptycfg = sshdconf_parse_text("policy", "", 0);
	st.empty = sshdconf_effective(st.emptycfg, NULL);
	st.line = 0;
	while (pos < len && rc == 0) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (data + pos)) : len - pos;
		char *line;

		st.line++;
		if (n > POLICY_MAX_LINE) {
			rc = perr(&st, "expected a line of at most %d bytes",
			    POLICY_MAX_LINE);
			break;
		}
		if (memchr(data + pos, '\0', n) != NULL) {
			rc = perr(&st, "expected text, found a NUL byte");
			break;
		}
		if (st.p->nchecks + st.p->nexpects + st.p->ncons >= POLICY_MAX_ENTRIES) {
			rc = perr(&st, "expected at most %d settings", POLICY_MAX_ENTRIES);
			break;
		}
		line = xstrndup(data + pos, n);
		if (n > 0 && line[n - 1] == '\r')
			line[n - 1] = '\0';
		/* Patterns and values end up in reports as they are. */
		for (const char *c = line; *c != '\0' && rc == 0; c++)
			if (((unsigned char)*c < 0x20 && *c != '\t') || *c == 0x7f)
				rc = perr(&st, "expected printable text, found control "
				    "character 0x%02x", (unsigned char)*c);
		if (rc == 0)
			rc = parse_line(&st, line);
		free(line);
		pos += n + (nl ? 1 : 0);
	}
	sshd_eff_free(st.empty);
	sshdconf_free(st.emptycfg);
	if (rc != 0) {
		policy_free(st.p);
		return -1;
	}
	st.p->mctx = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(st.p->mctx, POLICY_MATCH_LIMIT);
	pcre2_set_depth_limit(st.p->mctx, POLICY_DEPTH_LIMIT);
	pcre2_set_heap_limit(st.p->mctx, POLICY_HEAP_LIMIT);
	*out = st.p;
	return 0;
}

void
policy_free(struct ka_policy *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nchecks; i++)
		free(p->checks[i].id);
	free(p->checks);
	for (size_t i = 0; i < p->nexpects; i++) {
		free(p->expects[i].keyword);
		free(p->expects[i].value);
	}
	free(p->expects);
	for (size_t i = 0; i < p->ncons; i++) {
		free((char *)p->cons[i].pub.keyword);
		free((char *)p->cons[i].pub.pattern);
		free((char *)p->cons[i].pub.file);
		pcre2_code_free(p->cons[i].re);
	}
	free(p->cons);
	pcre2_match_context_free(p->mctx);
	free(p->name);
	free(p);
}

/* ---------------------------------------------------------------- queries */

/* The line for a rule id: its own first, then its family's. */
static const struct pcheck *
check_for(const struct ka_policy *p, const char *id)
{
	const struct pcheck *fam = NULL;
	size_t flen = strcspn(id, ".");

	for (size_t i = 0; i < p->nchecks; i++) {
		const struct pcheck *c = &p->checks[i];

		if (!c->family && strcmp(c->id, id) == 0)
			return c;
		if (c->family && strlen(c->id) == flen && strncmp(c->id, id, flen) == 0)
			fam = c;
	}
	return fam;
}

int
policy_check_enabled(const struct ka_policy *p, const char *check_id)
{
	const struct pcheck *c;

	if (p == NULL || check_id == NULL || (c = check_for(p, check_id)) == NULL)
		return 1;
	return c->disabled <= 0;
}

int
policy_check_opted_in(const struct ka_policy *p, const char *check_id)
{
	const struct pcheck *c;

	return p != NULL && check_id != NULL && (c = check_for(p, check_id)) != NULL &&
	    c->disabled < 0;
}

int
policy_severity(const struct ka_policy *p, const char *check_id, int def)
{
	const struct pcheck *c;

	if (p == NULL || check_id == NULL)
		return def;
	/* A rule's own line that only disables it leaves the family's
	 * severity in force. */
	if ((c = check_for(p, check_id)) != NULL && c->severity >= 0)
		return c->severity;
	if (c != NULL && !c->family) {
		char *fam = xstrndup(check_id, strcspn(check_id, "."));
		const struct pcheck *f = check_for(p, fam);

		free(fam);
		if (f != NULL && f->family && f->severity >= 0)
			return f->severity;
	}
	return def;
}

const char *
policy_expect(const struct ka_policy *p, const char *keyword)
{
	if (p == NULL || keyword == NULL)
		return NULL;
	for (size_t i = 0; i < p->nexpects; i++)
		if (strcasecmp(p->expects[i].keyword, keyword) == 0)
			return p->expects[i].value;
	return NULL;
}

size_t
policy_nexpects(const struct ka_policy *p)
{
	return p == NULL ? 0 : p->nexpects;
}

const char *
policy_expect_keyword(const struct ka_policy *p, size_t i)
{
	if (p == NULL || i >= p->nexpects)
		return NULL;
	return p->expects[i].keyword;
}

size_t
policy_nconstraints(const struct ka_policy *p)
{
	return p == NULL ? 0 : p->ncons;
}

const struct policy_constraint *
policy_constraint_at(const struct ka_policy *p, size_t i)
{
	if (p == NULL || i >= p->ncons)
		return NULL;
	return &p->cons[i].pub;
}

/*
 * A value the regex engine gives up on (match or heap limit) counts as a
 * violation of the constraint: a forbid "matches", a require does not.
 * That surfaces the value instead of passing it unchecked.
 */
int
policy_constraint_matches(const struct ka_policy *p, size_t i, const char *value)
{
	pcre2_match_data *md;
	size_t len;
	int rc;

	if (p == NULL || i >= p->ncons || value == NULL)
		return 0;
	len = strlen(value);
	if (len > POLICY_MAX_SUBJECT)
		len = POLICY_MAX_SUBJECT;
	md = pcre2_match_data_create_from_pattern(p->cons[i].re, NULL);
	rc = pcre2_match(p->cons[i].re, (PCRE2_SPTR)value, len, 0, 0, md, p->mctx);
	pcre2_match_data_free(md);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	return p->cons[i].pub.kind == POLICY_FORBID;
}

