/* sshdconf.c - sshd_config as Debian's OpenSSH 9.2p1 sshd reads it, and the
 * effective configuration for one connection, printed the way `sshd -T`
 * prints it.
 *
 * sshd parses its configuration twice: once at startup with no connection
 * (global values; Match blocks are only syntax-checked, except "Match all"),
 * and again per connection where only Match blocks that match are applied,
 * into a fresh set of options whose values then replace the global ones
 * (servconf.c copy_set_server_options). We do the same: parsing records
 * every directive as an event while running the first pass, and
 * sshdconf_effective() replays the events for the second pass. Include is
 * inlined at its position, with sshd's rules for how Match state crosses
 * file boundaries.
 *
 * Everything is pure: files come through sshdconf_io. Input is bounded by
 * SSHDCONF_MAX_DIRECTIVES, SSHDCONF_MAX_ARGS and SSHDCONF_MAX_DEPTH. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/parse/match.h"
#include "scanner/parse/release.h"
#include "scanner/parse/sshmisc.h"
#include "scanner/parse/sshwords.h"
#include "scanner/parse/sshdconf.h"
#include "scanner/parse/sshdkeywords.h"

#define WS		" \t\r\n"
/* Errors kept per configuration; sshd stops at the first anyway. */
#define MAX_ERRORS	200
/* Bytes of configuration text processed, Includes counted each time. */
#define MAX_TOTAL_BYTES	(64u * 1024 * 1024)
/* Files parsed through Include, repeats counted: an Include loop costs
 * sshd 2^depth parses before it gives up; we stop earlier. */
#define MAX_INCLUDED_FILES 1000
/* servconf.c MAX_PORTS. */
#define MAX_PORTS	256
/* sshd's cwd when started by init: derelativise_path() prefixes it. */
#define SSHD_CWD	"/"
#define SSHD_DIR	"/etc/ssh"

/* Include/Match state flags, as servconf.c's SSHCFG_NEVERMATCH/MATCH_ONLY. */
#define ST_NEVERMATCH	0x04
#define ST_MATCH_ONLY	0x08

enum ev_type { EV_DIR, EV_MATCH, EV_INC_BEGIN, EV_INC_END };

/* How a directive combines with what is already set. */
enum ev_mode {
	M_FIRST,	/* first active value wins */
	M_LAST,		/* every active value overwrites */
	M_APPEND,	/* active values accumulate */
	M_FIRSTLIST,	/* the first active directive's whole list wins */
	M_AUTHMETHODS,	/* M_FIRSTLIST, and "any" after a value is fatal */
	M_REKEY,	/* two independent first-wins parts */
	M_MAXSTARTUPS,	/* partial overwrite of three numbers */
	M_UNUSEDCONN,	/* "none" overwrites, a time is first-wins */
	M_PRINCMD,	/* AuthorizedPrincipalsCommand (see apply()) */
	M_SUBSYSTEM,	/* accumulates; a repeated name is fatal */
	M_LISTEN,	/* queued ListenAddress */
};

enum crit_type {
	C_USER, C_GROUP, C_HOST, C_ADDRESS, C_LADDRESS, C_LPORT, C_RDOMAIN,
	C_INVALID, C_VERSION,		/* 9.9 and 10.0 on (release.c) */
};

struct crit {
	enum crit_type t;
	char *arg;
	int port;
};

struct ev {
	enum ev_type type;
	enum ev_mode mode;
	enum sshd_opt slot;
	const struct sshd_keyword *kwd;
	const char *file;		/* interned in sshd_config.names */
	int line;
	char **v;			/* values as sshd -T prints them */
	size_t n;
	int num[3];			/* MaxStartups numbers; ListenAddress port */
	int nnum;
	/* EV_MATCH */
	int all, bad;
	struct crit *crit;
	size_t ncrit;
};

/* One option's value during a pass: pointers into event strings. */
struct vslot {
	const char **v;
	size_t n, cap;
	long origin;			/* event index, -1: none */
	int set;
};

struct optset {
	struct vslot s[O_MAX];
	int ms[3];			/* MaxStartups begin:rate:max */
	long ms_origin;
	long *listen;			/* ListenAddress event indexes */
	size_t nlisten, caplisten;
};

struct sshd_config {
	struct strlist files;		/* read, main first */
	struct strlist names;		/* interned file names */
	struct sshdconf_error *errs;
	size_t nerrs, caperrs;
	struct ev *evs;
	size_t nevs, capevs;
	struct optset global;		/* the startup pass */
	struct ssh_directives dirs;	/* every line read, in order */
	const struct sshdconf_io *io;	/* only during sshdconf_parse() */
	size_t ndirectives, nbytes, nincluded;
	int stopped;			/* a budget ran out */
	int release;			/* io->release: 0 the model release */
};

struct sshd_eff {
	struct sshd_value vals[O_MAX];
};

/* One pass over the events: servconf.c's activep and inc_flags. */
struct runner {
	struct sshd_config *c;
	int pass1;			/* startup pass: record errors */
	const struct sshd_conn *ci;	/* NULL in the startup pass */
	struct optset *o;
	int active;
	unsigned flags;
	struct {
		int oactive;
		unsigned flags;
	} stack[SSHDCONF_MAX_DEPTH + 2];
	int depth;
	/* sshdconf_match_key: record each Match verdict here and apply
	 * nothing (NULL: apply as sshd does) */
	struct buf *key;
	int stopped;			/* ci->stop said so */
};

/* ---------------------------------------------------------------- errors */

static void
add_error(struct sshd_config *c, const char *file, int line, int unknown,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
add_error(struct sshd_config *c, const char *file, int line, int unknown,
    const char *fmt, ...)
{
	struct sshdconf_error *e;
	va_list ap;
	char *msg;

	/* Room is kept for keyaudit's own reasons (a budget, unreadable
	 * files) after sshd's errors. */
	if (c->nerrs >= (unknown ? 2 * MAX_ERRORS : MAX_ERRORS))
		return;
	if (c->nerrs == c->caperrs) {
		c->caperrs = c->caperrs ? c->caperrs * 2 : 8;
		c->errs = xreallocarray(c->errs, c->caperrs, sizeof(*c->errs));
	}
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	e = &c->errs[c->nerrs++];
	e->file = xstrdup(file ? file : "");
	e->line = line;
	e->msg = str_printable(msg, strlen(msg));
	e->unknown = unknown;
	free(msg);
}

/* Printable copy of a piece of input for an error message. */
static char *
pr(const char *s)
{
	return str_printable(s ? s : "<NONE>", s ? strlen(s) : 6);
}

/* ------------------------------------------------------------ tokenising */

struct args {
	char **v;
	int n, pos;
};

static void
args_free(struct args *a)
{
	ssh_argv_free(a->v, a->n);
	memset(a, 0, sizeof(*a));
}

/* -1 on an unterminated quote, -2 past SSHDCONF_MAX_ARGS words. */
static int
args_split(const char *s, struct args *a)
{
	memset(a, 0, sizeof(*a));
	return ssh_argv_split(s, SSHDCONF_MAX_ARGS, &a->v, &a->n);
}

static char *
args_next(struct args *a)
{
	return a->pos < a->n ? a->v[a->pos++] : NULL;
}

static char *
args_peek(struct args *a)
{
	return a->pos < a->n ? a->v[a->pos] : NULL;
}

static int
args_left(const struct args *a)
{
	return a->n - a->pos;
}

/* --------------------------------------------------- number conversions */


/* misc.c atoi_err(). */
static const char *
atoi_err(const char *s, int *out)
{
	long long v;
	const char *e;

	if (s == NULL || *s == '\0')
		return "missing";
	if ((e = ssh_strtonum(s, 0, INT_MAX, &v)) == NULL)
		*out = (int)v;
	return e;
}



/* openbsd-compat scan_scaled(): "1G", "1.5M", "512"; binary units. */
static int
scan_scaled(const char *s, long long *out)
{
	static const char units[] = "BKMGTPE";
	const char *p = s;
	int sign = 0;
	unsigned ndigits = 0, fdigits = 0;
	long long whole = 0, fpart = 0, fact = 1;

	while (isascii((unsigned char)*p) && isspace((unsigned char)*p))
		p++;
	while (*p == '-' || *p == '+') {
		if (sign)
			return -1;
		sign = *p == '-' ? -1 : 1;
		p++;
	}
	for (; isascii((unsigned char)*p) && (isdigit((unsigned char)*p) ||
	    *p == '.'); p++) {
		int d;

		if (*p == '.') {
			if (fdigits > 0)
				return -1;
			fdigits = 1;
			continue;
		}
		d = *p - '0';
		if (fdigits > 0) {
			if (fdigits >= 20)
				continue;
			fdigits++;
			if (fpart > LLONG_MAX / 10 || d > LLONG_MAX - fpart * 10)
				return -1;
			fpart = fpart * 10 + d;
		} else {
			if (++ndigits >= 21)
				return -1;
			if (whole > LLONG_MAX / 10 || d > LLONG_MAX - whole * 10)
				return -1;
			whole = whole * 10 + d;
		}
	}
	if (sign)
		whole *= sign;
	if (*p == '\0') {
		*out = whole;
		return 0;
	}
	for (int i = 0; units[i]; i++) {
		if (*p != units[i] && *p != tolower((unsigned char)units[i]))
			continue;
		if (isalnum((unsigned char)p[1]))
			return -1;
		for (int k = 0; k < i; k++)
			fact *= 1024;
		if (whole > LLONG_MAX / fact || whole < LLONG_MIN / fact)
			return -1;
		whole *= fact;
		while (fpart >= LLONG_MAX / fact || fpart <= LLONG_MIN / fact) {
			fpart /= 10;
			fdigits--;
		}
		fpart *= fact;
		for (unsigned k = 0; fdigits > 0 && k < fdigits - 1; k++)
			fpart /= 10;
		whole += sign == -1 ? -fpart : fpart;
		*out = whole;
		return 0;
	}
	return -1;
}

static const struct {
	const char *name;
	int value;
} ipqos_names[] = {
	{ "none", INT_MAX }, { "af11", 0x28 }, { "af12", 0x30 }, { "af13", 0x38 },
	{ "af21", 0x48 }, { "af22", 0x50 }, { "af23", 0x58 }, { "af31", 0x68 },
	{ "af32", 0x70 }, { "af33", 0x78 }, { "af41", 0x88 }, { "af42", 0x90 },
	{ "af43", 0x98 }, { "cs0", 0x00 }, { "cs1", 0x20 }, { "cs2", 0x40 },
	{ "cs3", 0x60 }, { "cs4", 0x80 }, { "cs5", 0xa0 }, { "cs6", 0xc0 },
	{ "cs7", 0xe0 }, { "ef", 0xb8 }, { "le", 0x04 }, { "lowdelay", 0x10 },
	{ "throughput", 0x08 }, { "reliability", 0x04 },
};

/* misc.c parse_ipqos() followed by iptos2str(): the name sshd -T prints. */
static char *
ipqos_print(const char *s)
{
	char *end;
	long v;

	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < KA_ARRLEN(ipqos_names); i++)
		if (strcasecmp(s, ipqos_names[i].name) == 0) {
			v = ipqos_names[i].value;
			goto found;
		}
	v = strtol(s, &end, 0);
	if (*s == '\0' || *end != '\0' || v < 0 || v > 255)
		return NULL;
found:
	for (size_t i = 0; i < KA_ARRLEN(ipqos_names); i++)
		if (ipqos_names[i].value == v)
			return xstrdup(ipqos_names[i].name);
	return xasprintf("0x%02lx", v);
}

/* ------------------------------------------------------ algorithm lists */

/* Is name an element of the comma list (up to its first empty element, as
 * match_list() sees it)? */
static int
list_has(const char *list, const char *name, size_t nlen)
{
	const char *p = list;

	while (*p != '\0') {
		size_t n = strcspn(p, ",");
		if (n == 0)
			return 0;
		if (n == nlen && strncmp(p, name, n) == 0)
			return 1;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* kex.c kex_names_cat(): a, then the names of b not already in it. */
static char *
names_cat(const char *a, const char *b)
{
	struct buf out;
	const char *p = b;

	if (a == NULL || *a == '\0')
		return xstrdup(b ? b : "");
	if (b == NULL || *b == '\0')
		return xstrdup(a);
	buf_init(&out);
	buf_puts(&out, a);
	while (*p != '\0') {
		size_t n = strcspn(p, ",");
		if (n == 0)
			break;
		if (!list_has(out.data, p, n)) {
			buf_putc(&out, ',');
			buf_append(&out, p, n);
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return buf_steal(&out);
}

/* match.c filter_list(): the elements of list that match (or, deny, do
 * not match) the pattern list filter. */
static char *
filter_names(const char *list, const char *filter, int deny)
{
	struct buf out;
	const char *p = list;

	buf_init(&out);
	buf_puts(&out, "");
	for (;;) {
		size_t n = strcspn(p, ",");
		char *name = xstrndup(p, n);
		int r = match_pattern_list(name, filter, 0);

		if ((deny && r != 1) || (!deny && r == 1)) {
			if (out.len > 0)
				buf_putc(&out, ',');
			buf_puts(&out, name);
		}
		free(name);
		p += n;
		if (*p != ',')
			break;
		p++;
	}
	return buf_steal(&out);
}

/* kex.c kex_assemble_names(): +list appends to the default, -list removes,
 * ^list prepends, a plain list replaces; patterns are expanded against
 * everything the build supports. NULL when nothing is left. */
static char *
assemble_names(const char *spec, const struct sshd_alglists *al)
{
	char *list, *ret = NULL;
	const char *p;

	if (spec == NULL || *spec == '\0')
		return xstrdup(al->def);
	if (*spec == '-')
		return filter_names(al->def, spec + 1, 1);
	if (*spec == '+')
		list = names_cat(al->def, spec + 1);
	else if (*spec == '^')
		list = names_cat(spec + 1, al->def);
	else
		list = xstrdup(spec);
	for (p = list;;) {
		size_t n = strcspn(p, ",");
		char *pat = xstrndup(p, n), *m, *t;

		if (pat[0] == '!') {
			free(pat);
			free(ret);
			ret = NULL;
			goto fail;
		}
		m = filter_names(al->all, pat, 0);
		t = names_cat(ret, m);
		free(ret);
		free(m);
		free(pat);
		ret = t;
		p += n;
		if (*p != ',')
			break;
		p++;
	}
	if (ret != NULL && *ret == '\0') {
		free(ret);
		ret = NULL;
	}
fail:
	free(list);
	return ret;
}

/* Elements of a comma list, stopping at the first empty one (strsep loops
 * in sshd's *_valid() functions). cb returns 0 to reject. */
static int
names_each(const char *list, int (*cb)(const char *name, const void *arg),
    const void *arg)
{
	const char *p = list;

	if (list == NULL || *list == '\0')
		return 0;
	while (*p != '\0') {
		size_t n = strcspn(p, ",");
		char *name;
		int ok;

		if (n == 0)
			break;
		name = xstrndup(p, n);
		ok = cb(name, arg);
		free(name);
		if (!ok)
			return 0;
		p += n;
		if (*p == ',')
			p++;
	}
	return 1;
}

/* sshkey.c sshkey_names_valid2(names, allow_wildcard=1). */
static int
keyname_ok(const char *name, const void *arg)
{
	const int *rel = arg;

	for (size_t i = 0; i < sshd_nkeyimpls; i++) {
		const struct sshd_keyimpl *k = &sshd_keyimpls[i];
		/* a release built without DSA does not know its names */
		if (rel != NULL && *rel != 0 && !release_has_dsa(*rel) &&
		    strncmp(k->shortname, "DSA", 3) == 0)
			continue;
		if (strcmp(name, k->name) == 0 ||
		    (!k->cert && strcasecmp(name, k->shortname) == 0))
			return 1;
	}
	for (size_t i = 0; i < sshd_nkeyimpls; i++) {
		if (rel != NULL && *rel != 0 && !release_has_dsa(*rel) &&
		    strncmp(sshd_keyimpls[i].shortname, "DSA", 3) == 0)
			continue;
		if (match_pattern_list(sshd_keyimpls[i].name, name, 0) != 0)
			return 1;
	}
	return 0;
}

static int
inlist_ok(const char *name, const void *arg)
{
	const char *all = arg;
	return list_has(all, name, strlen(name));
}

static int
kexname_ok(const char *name, const void *arg)
{
	const int *rel = arg;

	if (list_has(sshd_alg_kex.all, name, strlen(name)))
		return 1;
	if (rel != NULL && *rel != 0 && list_has(release_kex_extra(*rel), name,
	    strlen(name)))
		return 1;
	for (size_t i = 0; sshd_gss_kex_prefixes[i]; i++)
		if (strncmp(name, sshd_gss_kex_prefixes[i],
		    strlen(sshd_gss_kex_prefixes[i])) == 0)
			return 1;
	return 0;
}

static int
gsskexname_ok(const char *name, const void *arg)
{
	return strncmp(name, "gss-", 4) == 0 && kexname_ok(name, arg);
}

/* auth2.c auth2_methods_valid(list, 0): every method name known. */
static const char *const auth_method_names[] = {
	"none", "publickey", "gssapi-with-mic", "password",
	"keyboard-interactive", "hostbased",
};

static int
method_known(const char *m, size_t n)
{
	size_t c = strcspn(m, ":");

	if (c < n)
		n = c;
	for (size_t i = 0; i < KA_ARRLEN(auth_method_names); i++)
		if (strlen(auth_method_names[i]) == n &&
		    strncmp(auth_method_names[i], m, n) == 0)
			return 1;
	return 0;
}

static int
methods_valid(const char *list)
{
	const char *p = list;

	if (*list == '\0')
		return 0;
	for (;;) {
		size_t n = strcspn(p, ",");
		if (!method_known(p, n))
			return 0;
		p += n;
		if (*p != ',')
			return 1;
		p++;
	}
}

/* ------------------------------------------------------------ paths */

/* misc.c tilde_expand(): "~" and "~/x" are sshd's own user (root), "~u/x"
 * is u's home. NULL when the user is unknown. */
static char *
tilde_expand(const struct sshdconf_io *io, const char *path)
{
	const char *rest, *home, *slash;
	char *user = NULL, *out;
	size_t hl;

	if (path[0] != '~')
		return xstrdup(path);
	rest = path + 1;
	if (*rest == '/' || *rest == '\0') {
		rest += strspn(rest, "/");
	} else {
		slash = strchr(rest, '/');
		user = slash ? xstrndup(rest, (size_t)(slash - rest)) : xstrdup(rest);
		rest = slash ? slash + 1 + strspn(slash + 1, "/") : "";
	}
	home = io->home_of ? io->home_of(io->ctx, user) : NULL;
	free(user);
	if (home == NULL)
		return NULL;
	hl = strlen(home);
	out = xasprintf("%s%s%s", home, (hl == 0 || home[hl - 1] != '/') ? "/" : "",
	    rest);
	if (strlen(out) >= 4096) {
		free(out);
		return NULL;
	}
	return out;
}

/* servconf.c derelativise_path(). */
static char *
derelativise(const struct sshdconf_io *io, const char *path)
{
	char *t, *r;

	if (strcasecmp(path, "none") == 0)
		return xstrdup("none");
	if ((t = tilde_expand(io, path)) == NULL)
		return NULL;
	if (t[0] == '/')
		return t;
	r = xasprintf("%s/%s", SSHD_CWD, t);
	free(t);
	return r;
}

/* ---------------------------------------------------------- multistates */

struct mstate {
	const char *key;
	const char *print;
};

static const struct mstate ms_flag[] = {
	{ "yes", "yes" }, { "no", "no" }, { NULL, NULL } };
static const struct mstate ms_ignorerhosts[] = {
	{ "yes", "yes" }, { "no", "no" }, { "shosts-only", "shosts-only" },
	{ NULL, NULL } };
static const struct mstate ms_family[] = {
	{ "inet", "inet" }, { "inet6", "inet6" }, { "any", "any" }, { NULL, NULL } };
static const struct mstate ms_rootlogin[] = {
	{ "without-password", "without-password" },
	{ "prohibit-password", "without-password" },
	{ "forced-commands-only", "forced-commands-only" },
	{ "yes", "yes" }, { "no", "no" }, { NULL, NULL } };
static const struct mstate ms_compression[] = {
	{ "yes", "yes" }, { "delayed", "yes" }, { "no", "no" }, { NULL, NULL } };
static const struct mstate ms_gatewayports[] = {
	{ "clientspecified", "clientspecified" }, { "yes", "yes" },
	{ "no", "no" }, { NULL, NULL } };
static const struct mstate ms_tcpfwd[] = {
	{ "yes", "yes" }, { "all", "yes" }, { "no", "no" },
	{ "remote", "remote" }, { "local", "local" }, { NULL, NULL } };

static const char *const loglevels[][2] = {
	{ "SILENT", "SILENT" }, { "QUIET", "SILENT" }, { "FATAL", "FATAL" },
	{ "ERROR", "ERROR" }, { "INFO", "INFO" }, { "VERBOSE", "VERBOSE" },
	{ "DEBUG", "DEBUG" }, { "DEBUG1", "DEBUG" }, { "DEBUG2", "DEBUG2" },
	{ "DEBUG3", "DEBUG3" },
};
static const char *const facilities[] = {
	"DAEMON", "USER", "AUTH", "AUTHPRIV", "LOCAL0", "LOCAL1", "LOCAL2",
	"LOCAL3", "LOCAL4", "LOCAL5", "LOCAL6", "LOCAL7",
};
static const char *const digests[] = { "MD5", "SHA1", "SHA256", "SHA384", "SHA512" };

/* ---------------------------------------------------------------- events */

static void
ev_addv(struct ev *e, char *s)
{
	e->v = xreallocarray(e->v, e->n + 1, sizeof(*e->v));
	e->v[e->n++] = s;
}

static void
ev_free(struct ev *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->v[i]);
	free(e->v);
	for (size_t i = 0; i < e->ncrit; i++)
		free(e->crit[i].arg);
	free(e->crit);
}

static long
ev_push(struct sshd_config *c, struct ev *e)
{
	if (c->nevs == c->capevs) {
		c->capevs = c->capevs ? c->capevs * 2 : 64;
		c->evs = xreallocarray(c->evs, c->capevs, sizeof(*c->evs));
	}
	c->evs[c->nevs] = *e;
	memset(e, 0, sizeof(*e));
	return (long)c->nevs++;
}

/* ------------------------------------------------------------- option sets */

static void
optset_init(struct optset *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < O_MAX; i++)
		o->s[i].origin = -1;
	o->ms[0] = o->ms[1] = o->ms[2] = -1;
	o->ms_origin = -1;
}

static void
optset_free(struct optset *o)
{
	for (int i = 0; i < O_MAX; i++)
		free(o->s[i].v);
	free(o->listen);
	memset(o, 0, sizeof(*o));
}

static void
slot_append(struct vslot *s, const char *v)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4;
		s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	s->v[s->n++] = v;
}

static void
slot_set(struct vslot *s, const struct ev *e, long idx, size_t from, size_t n)
{
	s->n = 0;
	for (size_t i = 0; i < n; i++)
		slot_append(s, e->v[from + i]);
	s->origin = idx;
	s->set = 1;
}

/* ------------------------------------------------------------ the passes */

static int
match_groups(const struct sshd_conn *ci, const char *pattern)
{
	int found = 0;

	if (ci->invalid_user)
		return 0;
	for (size_t i = 0; i < ci->ngroups; i++) {
		if (ci->groups[i] == NULL)
			continue;
		switch (match_pattern_list(ci->groups[i], pattern, 0)) {
		case -1:
			return 0;	/* a negated group vetoes */
		case 1:
			found = 1;
		}
	}
	return found;
}

/* servconf.c match_cfg_line() for a connection; fields missing from ci do
 * not match, as with sshd -T -C. */
/*
 * "Match version": sshd matches its SSH_RELEASE ("OpenSSH_10.0p2"). Only the
 * release is known here, not the portable suffix: a pattern matching the
 * release with any of p1..p3 counts as a match.
 */
static int
version_matches(int rel, const char *pattern)
{
	for (int pl = 1; pl <= 3; pl++) {
		char v[32];

		snprintf(v, sizeof(v), "OpenSSH_%d.%dp%d", rel / 100, rel % 100, pl);
		if (match_pattern_list(v, pattern, 0) == 1)
			return 1;
	}
	return 0;
}

static int
match_eval(const struct ev *e, const struct sshd_conn *ci)
{
	if (e->bad)
		return 0;
	if (e->all)
		return 1;
	if (ci == NULL)
		return 0;
	for (size_t i = 0; i < e->ncrit; i++) {
		const struct crit *k = &e->crit[i];
		int ok = 0;

		switch (k->t) {
		case C_USER:
			ok = ci->user && match_pattern_list(ci->user, k->arg, 0) == 1;
			break;
		case C_GROUP:
			ok = ci->user && match_groups(ci, k->arg);
			break;
		case C_HOST:
			ok = ci->host && match_pattern_list(ci->host, k->arg, 1) == 1;
			break;
		case C_ADDRESS:
			ok = ci->addr && match_addr_list(ci->addr, k->arg) == 1;
			break;
		case C_LADDRESS:
			ok = ci->laddr && match_addr_list(ci->laddr, k->arg) == 1;
			break;
		case C_LPORT:
			ok = ci->lport > 0 && ci->lport == k->port;
			break;
		case C_RDOMAIN:
			ok = ci->rdomain &&
			    match_pattern_list(ci->rdomain, k->arg, 0) == 1;
			break;
		case C_INVALID:
			ok = ci->invalid_user != 0;
			break;
		case C_VERSION:
			ok = version_matches(k->port, k->arg);
			break;
		}
		if (!ok)
			return 0;
	}
	return 1;
}

static void
perr(struct runner *r, const struct ev *e, const char *fmt, const char *arg)
{
	if (r->pass1) {
		char *a = pr(arg);
		add_error(r->c, e->file, e->line, 0, fmt, a);
		free(a);
	}
}

static void
apply(struct runner *r, const struct ev *e, long idx)
{
	struct optset *o = r->o;
	struct vslot *s = &o->s[e->slot];
	int active = r->active;

	switch (e->mode) {
	case M_FIRST:
		if (active && !s->set)
			slot_set(s, e, idx, 0, e->n);
		break;
	case M_LAST:
		if (active)
			slot_set(s, e, idx, 0, e->n);
		break;
	case M_APPEND:
		if (!active)
			break;
		if (e->slot == O_PORT && s->n + e->n > MAX_PORTS) {
			perr(r, e, "too many ports%s", "");
			break;
		}
		if (!s->set)
			s->origin = idx;
		s->set = 1;
		for (size_t i = 0; i < e->n; i++)
			slot_append(s, e->v[i]);
		break;
	case M_FIRSTLIST:
		if (active && !s->set)
			slot_set(s, e, idx, 0, e->n);
		break;
	case M_AUTHMETHODS:
		/* servconf.c tests "any" against what is already set, even
		 * inside a Match block the pass skips. */
		if (e->n == 1 && strcmp(e->v[0], "any") == 0 && s->n > 0) {
			perr(r, e, "\"any\" must appear alone in "
			    "AuthenticationMethods%s", "");
			break;
		}
		if (active && !s->set)
			slot_set(s, e, idx, 0, e->n);
		break;
	case M_REKEY:
		if (active && !o->s[O_REKEY_BYTES].set)
			slot_set(&o->s[O_REKEY_BYTES], e, idx, 0, 1);
		if (active && e->n > 1 && !o->s[O_REKEY_TIME].set)
			slot_set(&o->s[O_REKEY_TIME], e, idx, 1, 1);
		break;
	case M_MAXSTARTUPS:
		/* Written whatever the Match state (the keyword is global). */
		o->ms[0] = e->num[0];
		if (e->nnum == 3) {
			o->ms[1] = e->num[1];
			o->ms[2] = e->num[2];
		} else
			o->ms[2] = e->num[0];
		o->ms_origin = idx;
		break;
	case M_UNUSEDCONN:
		if (active && (strcmp(e->v[0], "none") == 0 || !s->set))
			slot_set(s, e, idx, 0, e->n);
		break;
	case M_PRINCMD:
		/* servconf.c tests AuthorizedKeysCommand here, not the
		 * principals command: it is set (again) until that is. */
		if (active && !o->s[O_AUTHKEYSCOMMAND].set)
			slot_set(s, e, idx, 0, e->n);
		break;
	case M_SUBSYSTEM:
		if (!active)
			break;
		for (size_t i = 0; i < s->n; i++) {
			size_t nl = strcspn(s->v[i], " ");
			if (strlen(e->v[1]) == nl && strncmp(s->v[i], e->v[1], nl) == 0) {
				perr(r, e, "Subsystem '%s' already defined.", e->v[1]);
				return;
			}
		}
		if (!s->set)
			s->origin = idx;
		s->set = 1;
		slot_append(s, e->v[0]);
		break;
	case M_LISTEN:
		if (!active)
			break;
		if (o->nlisten == o->caplisten) {
			o->caplisten = o->caplisten ? o->caplisten * 2 : 4;
			o->listen = xreallocarray(o->listen, o->caplisten,
			    sizeof(*o->listen));
		}
		o->listen[o->nlisten++] = idx;
		break;
	}
}

static void
run_event(struct runner *r, long idx)
{
	const struct ev *e = &r->c->evs[idx];

	switch (e->type) {
	case EV_MATCH:
		if (r->ci != NULL && r->ci->stop != NULL && r->ci->stop(r->ci->stop_arg)) {
			r->stopped = 1;
			break;
		}
		if (r->flags & ST_NEVERMATCH)
			r->active = 0;
		else
			r->active = match_eval(e, r->ci);
		r->flags &= ~ST_MATCH_ONLY;
		if (r->key != NULL)
			buf_putc(r->key, r->active ? '1' : '0');
		break;
	case EV_INC_BEGIN:
		r->stack[r->depth].oactive = r->active;
		r->stack[r->depth].flags = r->flags;
		r->depth++;
		if (r->flags & ST_MATCH_ONLY)
			r->flags = ST_MATCH_ONLY;
		else
			r->flags = r->active ? 0 : ST_NEVERMATCH;
		break;
	case EV_INC_END:
		r->depth--;
		r->active = r->stack[r->depth].oactive;
		r->flags = r->stack[r->depth].flags;
		break;
	case EV_DIR:
		/* Pass 1 refused these lines already; pass 2 skips them. */
		if (r->key != NULL || (!r->active && !(e->kwd->flags & KWF_MATCH)))
			break;
		apply(r, e, idx);
		break;
	}
}

/* ------------------------------------------------------------- parsing */

struct pctx {
	struct sshd_config *c;
	struct runner *r;		/* the startup pass, run as we go */
	const char *file;		/* interned */
	int line;
	int depth;
	long block;			/* the Match holding this line, in dirs */
};

static const char *
intern(struct sshd_config *c, const char *name)
{
	for (size_t i = 0; i < c->names.n; i++)
		if (strcmp(c->names.v[i], name) == 0)
			return c->names.v[i];
	strlist_add(&c->names, name);
	return c->names.v[c->names.n - 1];
}

static void
perror_at(struct pctx *p, const char *fmt, const char *a1, const char *a2)
{
	char *x = pr(a1), *y = pr(a2);

	add_error(p->c, p->file, p->line, 0, fmt, x, y);
	free(x);
	free(y);
}

static void parse_text(struct pctx *p, const char *data, size_t len);
static void budget_exceeded(struct pctx *p, const char *what);

static void
include_file(struct pctx *p, const char *path)
{
	const struct sshdconf_io *io = p->c->io;
	const char *data;
	size_t len;
	struct ev e;
	struct pctx child;

	if (p->depth + 1 > SSHDCONF_MAX_DEPTH) {
		add_error(p->c, p->file, p->line, 0,
		    "Too many recursive configuration includes");
		return;
	}
	if (++p->c->nincluded > MAX_INCLUDED_FILES) {
		budget_exceeded(p, "1000 Included files");
		return;
	}
	if (io->read(io->ctx, path, &data, &len) != 0) {
		char *pp = pr(path);
		add_error(p->c, path, 0, 1, "cannot read %s (Included from %s "
		    "line %d): %s", pp, p->file, p->line, strerror(errno));
		free(pp);
		return;
	}
	if (!strlist_has(&p->c->files, path))
		strlist_add(&p->c->files, path);
	memset(&e, 0, sizeof(e));
	e.type = EV_INC_BEGIN;
	e.file = p->file;
	e.line = p->line;
	run_event(p->r, ev_push(p->c, &e));
	child = *p;
	child.file = intern(p->c, path);
	child.line = 0;
	child.depth = p->depth + 1;
	parse_text(&child, data, len);
	memset(&e, 0, sizeof(e));
	e.type = EV_INC_END;
	e.file = p->file;
	e.line = p->line;
	run_event(p->r, ev_push(p->c, &e));
}

/* An Include pattern as sshd globs it: relative ones under /etc/ssh; "~"
 * is not expanded (servconf.c calls glob(3) without GLOB_TILDE). */
static char *
include_pattern(const char *arg)
{
	if (arg[0] != '/' && arg[0] != '~')
		return xasprintf("%s/%s", SSHD_DIR, arg);
	return xstrdup(arg);
}

static void
do_include(struct pctx *p, struct args *a)
{
	const struct sshdconf_io *io = p->c->io;
	char *arg;
	int n = 0;

	while ((arg = args_next(a)) != NULL) {
		struct strlist m = { 0 };
		char *pat;

		if (*arg == '\0') {
			perror_at(p, "keyword %s empty argument%s", "Include", "");
			return;
		}
		n++;
		pat = include_pattern(arg);
		if (io->glob == NULL || io->glob(io->ctx, pat, &m) != 0) {
			perror_at(p, "include \"%s\" glob failed%s", pat, "");
		} else {
			for (size_t i = 0; i < m.n && !p->c->stopped; i++)
				include_file(p, m.v[i]);
		}
		strlist_free(&m);
		free(pat);
	}
	if (n == 0)
		perror_at(p, "Include missing filename argument%s", "", "");
}

static const struct sshd_keyword *
kw_lookup(const char *name)
{
	for (size_t i = 0; i < sshd_nkeywords; i++)
		if (strcasecmp(name, sshd_keywords[i].name) == 0)
			return &sshd_keywords[i];
	return NULL;
}

/* Stand-ins for what a release does with a keyword the model table reads
 * otherwise: logged and ignored, or known to the release but without an
 * effect the checks use (PerSourcePenalties, SshdSessionPath, ...). */
static const struct sshd_keyword kw_rel_deprecated = { "", K_DEPRECATED, KWF_ALL };
static const struct sshd_keyword kw_rel_ignored = { "", K_IGNORE, KWF_ALL };
/* Before 8.7 (c73b02d92) ChallengeResponseAuthentication (and, until 7.8,
 * SKeyAuthentication) is an option of its own, default yes, that sshd.c
 * then ORs into KbdInteractiveAuthentication (default no). */
static const struct sshd_keyword kw_rel_challenge = { "", K_CHALLENGERESP,
    KWF_GLOBAL };
/* Keywords of releases newer than the model that a check reads (the
 * others newer releases add are kw_rel_ignored): RefuseConnection
 * (9.9, 8d21713b6: monitor.c drops the connection after the user is
 * looked up, whatever the key) and PerSourcePenalties (9.8, 81c1099d2:
 * its words are checked, a wrong one stops sshd). */
static const struct sshd_keyword kw_rel_new[] = {
	{ "refuseconnection", K_REFUSECONNECTION, KWF_ALL },
	{ "persourcepenalties", K_PERSOURCEPENALTIES, KWF_GLOBAL },
};
/* 10.4's GSSAPI spellings (bebc855fd, undone in 10.5 by c14709356). */
static const struct {
	const char *name, *model;
} kw_rel_spellings[] = {
	{ "gssauthentication", "gssapiauthentication" },
	{ "gsscleanupcreds", "gssapicleanupcredentials" },
	{ "gssstrictacceptor", "gssapistrictacceptorcheck" },
};

/*
 * servconf.c sPerSourcePenalties: each word must be one the release knows
 * or sshd stops (refuseconnection: from 9.9, 787597513; invaliduser: from
 * 10.3, 49480f193). No check reads the penalties, so nothing is kept.
 */
static int
penalties_check(struct pctx *p, const char *kw, const struct args *a)
{
	static const struct {
		const char *word;	/* "crash:" takes a time */
		int since;
	} words[] = {
		{ "crash:", 908 }, { "authfail:", 908 }, { "noauth:", 908 },
		{ "grace-exceeded:", 908 }, { "max:", 908 }, { "min:", 908 },
		{ "refuseconnection:", 909 }, { "invaliduser:", 1003 },
	};
	int rel = p->c->release;

	if (a->n == 0) {
		perror_at(p, "no %s specified%s", kw, "");
		return -1;
	}
	for (int i = 0; i < a->n; i++) {
		const char *arg = a->v[i];
		size_t j;

		if (strcasecmp(arg, "no") == 0 || strcasecmp(arg, "yes") == 0) {
			if (i + 1 < a->n) {
				perror_at(p, "keyword PerSourcePenalties \"%s\" argument "
				    "must appear alone.%s", arg, "");
				return -1;
			}
			continue;
		}
		if (strncmp(arg, "max-sources4:", 13) == 0 ||
		    strncmp(arg, "max-sources6:", 13) == 0) {
			const char *err;
			int v;

			if ((err = atoi_err(arg + 13, &v)) != NULL) {
				perror_at(p, "%s value %s.", kw, err);
				return -1;
			}
			continue;
		}
		if (strcmp(arg, "overflow:deny-all") == 0 ||
		    strcmp(arg, "overflow:permissive") == 0 ||
		    strcmp(arg, "overflow6:deny-all") == 0 ||
		    strcmp(arg, "overflow6:permissive") == 0)
			continue;
		for (j = 0; j < KA_ARRLEN(words); j++)
			if (strncmp(arg, words[j].word, strlen(words[j].word)) == 0 &&
			    rel >= words[j].since)
				break;
		if (j == KA_ARRLEN(words)) {
			perror_at(p, "unsupported PerSourcePenalties keyword %s%s", arg, "");
			return -1;
		}
		if (ssh_convtime(arg + strlen(words[j].word)) == -1) {
			perror_at(p, "invalid %s time value.%s", kw, "");
			return -1;
		}
	}
	return 0;
}

/*
 * The keyword as release rel's sshd reads it (release.c), NULL when it
 * refuses it; *scope: where it may appear in that release.
 */
static const struct sshd_keyword *
release_keyword(int rel, const char *kw, unsigned *scope)
{
	struct rel_kw_info info;
	const struct sshd_keyword *k;

	if (release_sshd_keyword(rel, kw, &info) == RKW_UNKNOWN &&
	    !release_vendor_keyword(rel, kw, &info))
		return NULL;
	*scope = (info.scope & RKW_GLOBAL ? KWF_GLOBAL : 0) |
	    (info.scope & RKW_MATCH ? KWF_MATCH : 0);
	if (info.state != RKW_OK)
		return &kw_rel_deprecated;
	if (release_separate_challenge_response(rel) &&
	    (strcasecmp(kw, "challengeresponseauthentication") == 0 ||
	    strcasecmp(kw, "skeyauthentication") == 0))
		return &kw_rel_challenge;
	for (size_t i = 0; i < KA_ARRLEN(kw_rel_new); i++)
		if (strcasecmp(kw, kw_rel_new[i].name) == 0)
			return &kw_rel_new[i];
	if ((k = kw_lookup(kw)) == NULL)
		for (size_t i = 0; i < KA_ARRLEN(kw_rel_spellings); i++)
			if (strcasecmp(kw, kw_rel_spellings[i].name) == 0)
				k = kw_lookup(kw_rel_spellings[i].model);
	if (k == NULL || k->kw == K_DEPRECATED || k->kw == K_UNSUPPORTED ||
	    k->kw == K_IGNORE)
		return &kw_rel_ignored;
	return k;
}

/* servconf.c match_cfg_line() syntax: criteria into e. -1 on error. */
static int
parse_match(struct pctx *p, char **strp, struct ev *e)
{
	char *cp = *strp, *attr, *arg, *eq;
	int nattr = 0, rel = p->c->release;

	while ((attr = ssh_strdelim(&cp)) != NULL && *attr != '\0') {
		struct crit k;

		if (*attr == '#') {
			cp = NULL;
			break;
		}
		nattr++;
		/* 10.0 (3f02368e8) also takes "criterion=value" */
		eq = rel >= REL(10, 0) ? strchr(attr, '=') : NULL;
		if (eq != NULL)
			*eq++ = '\0';
		if (rel != 0 && !release_match_criterion(rel, attr, NULL)) {
			perror_at(p, "Unsupported Match attribute %s%s", attr, "");
			return -1;
		}
		if (rel != 0 && strcasecmp(attr, "invalid-user") == 0) {
			/* takes no argument */
			memset(&k, 0, sizeof(k));
			k.t = C_INVALID;
			k.arg = xstrdup("");
			e->crit = xreallocarray(e->crit, e->ncrit + 1,
			    sizeof(*e->crit));
			e->crit[e->ncrit++] = k;
			continue;
		}
		if (strcasecmp(attr, "all") == 0) {
			arg = NULL;
			if (nattr > 1 || ((arg = ssh_strdelim(&cp)) != NULL &&
			    *arg != '\0' && *arg != '#')) {
				perror_at(p, "'all' cannot be combined with other "
				    "Match attributes%s", "", "");
				return -1;
			}
			if (arg != NULL && *arg == '#')
				cp = NULL;
			e->all = 1;
			*strp = cp;
			return 0;
		}
		if (eq != NULL)
			arg = eq;
		else if ((arg = ssh_strdelim(&cp)) == NULL || *arg == '\0' ||
		    *arg == '#') {
			perror_at(p, "Missing Match criteria for %s%s", attr, "");
			return -1;
		}
		memset(&k, 0, sizeof(k));
		if (strcasecmp(attr, "user") == 0)
			k.t = C_USER;
		else if (strcasecmp(attr, "group") == 0)
			k.t = C_GROUP;
		else if (strcasecmp(attr, "host") == 0)
			k.t = C_HOST;
		else if (strcasecmp(attr, "address") == 0 ||
		    strcasecmp(attr, "localaddress") == 0) {
			k.t = tolower((unsigned char)attr[0]) == 'a' ? C_ADDRESS :
			    C_LADDRESS;
			if (match_addr_list(NULL, arg) != 0) {
				perror_at(p, "Invalid Match %s argument '%s'",
				    k.t == C_ADDRESS ? "address" : "localaddress", arg);
				return -1;
			}
		} else if (strcasecmp(attr, "localport") == 0) {
			k.t = C_LPORT;
			if ((k.port = ssh_a2port(arg)) == -1) {
				perror_at(p, "Invalid LocalPort '%s' on Match line%s",
				    arg, "");
				return -1;
			}
		} else if (strcasecmp(attr, "rdomain") == 0)
			k.t = C_RDOMAIN;
		else if (rel != 0 && strcasecmp(attr, "version") == 0) {
			k.t = C_VERSION;
			k.port = rel;
		} else if (strcasecmp(attr, "invalid-user") == 0 ||
		    strcasecmp(attr, "version") == 0) {
			perror_at(p, "Unsupported Match attribute %s (OpenSSH 10.0 "
			    "added it; this sshd is 9.2)%s", attr, "");
			return -1;
		} else {
			perror_at(p, "Unsupported Match attribute %s%s", attr, "");
			return -1;
		}
		k.arg = xstrdup(arg);
		e->crit = xreallocarray(e->crit, e->ncrit + 1, sizeof(*e->crit));
		e->crit[e->ncrit++] = k;
	}
	if (nattr == 0) {
		perror_at(p, "One or more attributes required for Match%s", "", "");
		return -1;
	}
	*strp = cp;
	return 0;
}

/* Reasons a value is refused, as sshd words them (%s: the argument). */
#define MISSING	"%s missing argument.%s"

static int
flag_value(struct pctx *p, const char *kw, const char *arg,
    const struct mstate *ms, struct ev *e)
{
	if (arg == NULL || *arg == '\0') {
		perror_at(p, MISSING, kw, "");
		return -1;
	}
	for (size_t i = 0; ms[i].key; i++)
		if (strcasecmp(arg, ms[i].key) == 0) {
			ev_addv(e, xstrdup(ms[i].print));
			return 0;
		}
	perror_at(p, "unsupported option \"%s\".%s", arg, "");
	return -1;
}

static int
int_value(struct pctx *p, const char *kw, const char *arg, struct ev *e)
{
	const char *err;
	int v = 0;

	if ((err = atoi_err(arg, &v)) != NULL) {
		char *k = pr(kw);
		perror_at(p, "%s integer value %s.", k, err);
		free(k);
		return -1;
	}
	ev_addv(e, xasprintf("%d", v));
	return 0;
}

static int
time_value(struct pctx *p, const char *arg, struct ev *e)
{
	int v;

	if (arg == NULL || *arg == '\0') {
		perror_at(p, "missing time value.%s", "", "");
		return -1;
	}
	if ((v = ssh_convtime(arg)) == -1) {
		perror_at(p, "invalid time value.%s", "", "");
		return -1;
	}
	ev_addv(e, xasprintf("%d", v));
	return 0;
}

static int
filename_value(struct pctx *p, const char *arg, struct ev *e)
{
	char *v;

	if (arg == NULL || *arg == '\0') {
		perror_at(p, "missing file name.%s", "", "");
		return -1;
	}
	if ((v = derelativise(p->c->io, arg)) == NULL) {
		perror_at(p, "cannot expand %s: no such user%s", arg, "");
		return -1;
	}
	ev_addv(e, v);
	return 0;
}

static int
algs_value(struct pctx *p, const char *arg, int (*ok)(const char *, const void *),
    const void *okarg, const char *what, struct ev *e)
{
	if (arg == NULL || *arg == '\0') {
		perror_at(p, "Missing argument.%s", "", "");
		return -1;
	}
	if (*arg != '-' && !names_each((*arg == '+' || *arg == '^') ? arg + 1 :
	    arg, ok, okarg)) {
		perror_at(p, what, arg, "");
		return -1;
	}
	ev_addv(e, xstrdup(arg));
	return 0;
}

/* The rest of the line after the keyword, as ForceCommand takes it. */
static const char *
rest_of_line(const char *str)
{
	return str + strspn(str, WS);
}

/* hpdelim(): split "host:port" / "[v6]:port"; NULL on a '/' or a bad
 * bracket. *rest is the port part or NULL. */
static char *
hp_split(char *s, char **rest)
{
	char *q = s;

	if (*q == '[') {
		if ((q = strchr(q, ']')) == NULL)
			return NULL;
		q++;
	} else if ((q = strpbrk(q, ":/")) == NULL)
		q = s + strlen(s);
	switch (*q) {
	case '\0':
		*rest = NULL;
		break;
	case ':':
		*q = '\0';
		*rest = q + 1;
		break;
	default:
		return NULL;
	}
	return s;
}

static char *
clean_host(char *h)
{
	size_t n = strlen(h);

	if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
		h[n - 1] = '\0';
		return h + 1;
	}
	return h;
}

/* channels.c permitopen_port(). */
static int
permit_port(const char *s)
{
	int port;

	if (strcmp(s, "*") == 0)
		return 0;
	return (port = ssh_a2port(s)) > 0 ? port : -1;
}

/* AllowUsers/DenyUsers entry valid? (match.c match_user() in test mode) */
static int
user_pattern_ok(const char *pat)
{
	const char *at = strchr(pat, '@');

	return at == NULL || match_addr_list(NULL, at + 1) != -2;
}

/*
 * Parse the arguments of one directive into e (values in sshd -T form).
 * Returns 0, or -1 after recording an error. str is the raw text after the
 * keyword (for the keywords that take the rest of the line).
 */
static int
parse_values(struct pctx *p, const struct sshd_keyword *k, const char *kwname,
    struct args *a, char *str, struct ev *e)
{
	const struct sshdconf_io *io = p->c->io;
	char *arg, *v;
	int n;

	e->mode = M_FIRST;
	switch (k->kw) {
	case K_BAD:
	case K_MATCH:
	case K_INCLUDE:
		return -1;
	case K_DEPRECATED:
	case K_IGNORE:
	case K_UNSUPPORTED:
		/* No effect: sshd only logs them. */
		a->pos = a->n;
		return 1;
	case K_USEPAM: e->slot = O_USEPAM; goto flag;
	case K_PUBKEYAUTH: e->slot = O_PUBKEYAUTH; goto flag;
	case K_HOSTBASEDAUTH: e->slot = O_HOSTBASEDAUTH; goto flag;
	case K_HOSTBASEDNAMEFROMPACKET: e->slot = O_HOSTBASEDNAMEFROMPACKET; goto flag;
	case K_KERBEROSAUTH: e->slot = O_KERBEROSAUTH; goto flag;
	case K_KERBEROSORLOCALPASSWD: e->slot = O_KERBEROSORLOCALPASSWD; goto flag;
	case K_KERBEROSTICKETCLEANUP: e->slot = O_KERBEROSTICKETCLEANUP; goto flag;
	case K_GSSAUTH: e->slot = O_GSSAUTH; goto flag;
	case K_GSSCLEANUPCREDS: e->slot = O_GSSCLEANUPCREDS; goto flag;
	case K_GSSSTRICT: e->slot = O_GSSSTRICT; goto flag;
	case K_GSSKEYEX: e->slot = O_GSSKEYEX; goto flag;
	case K_GSSSTOREREKEY: e->slot = O_GSSSTOREREKEY; goto flag;
	case K_PASSWORDAUTH: e->slot = O_PASSWORDAUTH; goto flag;
	case K_KBDINTAUTH: e->slot = O_KBDINTAUTH; goto flag;
	case K_CHALLENGERESP: e->slot = O_CHALLENGERESP; goto flag;
	case K_REFUSECONNECTION: e->slot = O_REFUSECONNECTION; goto flag;
	case K_PERSOURCEPENALTIES:
		a->pos = a->n;
		return penalties_check(p, kwname, a);
	case K_PRINTMOTD: e->slot = O_PRINTMOTD; goto flag;
	case K_PRINTLASTLOG: e->slot = O_PRINTLASTLOG; goto flag;
	case K_IGNOREUSERKNOWNHOSTS: e->slot = O_IGNOREUSERKNOWNHOSTS; goto flag;
	case K_X11FORWARDING: e->slot = O_X11FORWARDING; goto flag;
	case K_X11USELOCALHOST: e->slot = O_X11USELOCALHOST; goto flag;
	case K_PERMITTTY: e->slot = O_PERMITTTY; goto flag;
	case K_PERMITUSERRC: e->slot = O_PERMITUSERRC; goto flag;
	case K_STRICTMODES: e->slot = O_STRICTMODES; goto flag;
	case K_TCPKEEPALIVE: e->slot = O_TCPKEEPALIVE; goto flag;
	case K_PERMITEMPTYPASSWORDS: e->slot = O_PERMITEMPTYPASSWORDS; goto flag;
	case K_USEDNS: e->slot = O_USEDNS; goto flag;
	case K_ALLOWAGENTFWD: e->slot = O_ALLOWAGENTFWD; goto flag;
	case K_DISABLEFORWARDING: e->slot = O_DISABLEFORWARDING; goto flag;
	case K_STREAMLOCALBINDUNLINK: e->slot = O_STREAMLOCALBINDUNLINK; goto flag;
	case K_EXPOSEAUTHINFO: e->slot = O_EXPOSEAUTHINFO; goto flag;
	case K_DEBIANBANNER: e->slot = O_DEBIANBANNER;
	flag:
		return flag_value(p, kwname, args_next(a), ms_flag, e);
	case K_IGNORERHOSTS:
		e->slot = O_IGNORERHOSTS;
		return flag_value(p, kwname, args_next(a), ms_ignorerhosts, e);
	case K_ADDRESSFAMILY:
		e->slot = O_ADDRESSFAMILY;
		return flag_value(p, kwname, args_next(a), ms_family, e);
	case K_PERMITROOTLOGIN:
		e->slot = O_PERMITROOTLOGIN;
		return flag_value(p, kwname, args_next(a), ms_rootlogin, e);
	case K_COMPRESSION:
		e->slot = O_COMPRESSION;
		return flag_value(p, kwname, args_next(a), ms_compression, e);
	case K_GATEWAYPORTS:
		e->slot = O_GATEWAYPORTS;
		return flag_value(p, kwname, args_next(a), ms_gatewayports, e);
	case K_ALLOWTCPFWD:
		e->slot = O_ALLOWTCPFWD;
		return flag_value(p, kwname, args_next(a), ms_tcpfwd, e);
	case K_ALLOWSTREAMLOCALFWD:
		e->slot = O_ALLOWSTREAMLOCALFWD;
		return flag_value(p, kwname, args_next(a), ms_tcpfwd, e);

	case K_X11DISPLAYOFFSET: e->slot = O_X11DISPLAYOFFSET; goto integer;
	case K_MAXAUTHTRIES: e->slot = O_MAXAUTHTRIES; goto integer;
	case K_MAXSESSIONS: e->slot = O_MAXSESSIONS; goto integer;
	case K_CLIENTALIVECOUNTMAX: e->slot = O_CLIENTALIVECOUNTMAX; goto integer;
	case K_REQUIREDRSASIZE: e->slot = O_REQUIREDRSASIZE;
	integer:
		return int_value(p, kwname, args_next(a), e);
	case K_LOGINGRACETIME:
		e->slot = O_LOGINGRACETIME;
		return time_value(p, args_next(a), e);
	case K_CLIENTALIVEINTERVAL:
		e->slot = O_CLIENTALIVEINTERVAL;
		return time_value(p, args_next(a), e);
	case K_UNUSEDCONNTIMEOUT:
		e->slot = O_UNUSEDCONNTIMEOUT;
		e->mode = M_UNUSEDCONN;
		if ((arg = args_peek(a)) != NULL && strcasecmp(arg, "none") == 0) {
			args_next(a);
			ev_addv(e, xstrdup("none"));
			return 0;
		}
		return time_value(p, args_next(a), e);

	case K_PIDFILE: e->slot = O_PIDFILE; goto filename;
	case K_MODULIFILE: e->slot = O_MODULIFILE; goto filename;
	case K_XAUTHLOCATION: e->slot = O_XAUTHLOCATION; goto filename;
	case K_BANNER: e->slot = O_BANNER; goto filename;
	case K_TRUSTEDUSERCAKEYS: e->slot = O_TRUSTEDUSERCAKEYS; goto filename;
	case K_REVOKEDKEYS: e->slot = O_REVOKEDKEYS;
	filename:
		return filename_value(p, args_next(a), e);
	case K_HOSTKEY:
		e->slot = O_HOSTKEY;
		e->mode = M_APPEND;
		return filename_value(p, args_next(a), e);
	case K_HOSTCERTIFICATE:
		e->slot = O_HOSTCERTIFICATE;
		e->mode = M_APPEND;
		return filename_value(p, args_next(a), e);
	case K_HOSTKEYAGENT:
		e->slot = O_HOSTKEYAGENT;
		arg = args_next(a);
		if (arg == NULL || *arg == '\0') {
			perror_at(p, "missing socket name.%s", "", "");
			return -1;
		}
		if (strcmp(arg, "SSH_AUTH_SOCK") == 0) {
			ev_addv(e, xstrdup(arg));
			return 0;
		}
		return filename_value(p, arg, e);
	case K_SECURITYKEYPROVIDER:
		e->slot = O_SECURITYKEYPROVIDER;
		arg = args_next(a);
		if (arg == NULL || *arg == '\0') {
			perror_at(p, MISSING, kwname, "");
			return -1;
		}
		if (strcasecmp(arg, "internal") == 0) {
			ev_addv(e, xstrdup(arg));
			return 0;
		}
		return filename_value(p, arg, e);
	case K_AUTHPRINCIPALSFILE:
		e->slot = O_AUTHPRINCIPALSFILE;
		arg = args_next(a);
		if (arg == NULL || *arg == '\0') {
			perror_at(p, MISSING, kwname, "");
			return -1;
		}
		if ((v = tilde_expand(io, arg)) == NULL) {
			perror_at(p, "cannot expand %s: no such user%s", arg, "");
			return -1;
		}
		ev_addv(e, v);
		return 0;
	case K_CHROOTDIRECTORY: e->slot = O_CHROOTDIRECTORY; goto rawstring;
	case K_AUTHKEYSCOMMANDUSER: e->slot = O_AUTHKEYSCOMMANDUSER; goto rawstring;
	case K_AUTHPRINCIPALSCOMMANDUSER: e->slot = O_AUTHPRINCIPALSCOMMANDUSER;
	rawstring:
		arg = args_next(a);
		if (arg == NULL || *arg == '\0') {
			perror_at(p, MISSING, kwname, "");
			return -1;
		}
		ev_addv(e, xstrdup(arg));
		return 0;
	case K_RDOMAIN:
		perror_at(p, "setting RDomain not supported on this platform.%s", "", "");
		return -1;

	case K_FORCECOMMAND:
		e->slot = O_FORCECOMMAND;
		if (*str == '\0') {
			perror_at(p, MISSING, kwname, "");
			return -1;
		}
		ev_addv(e, xstrdup(rest_of_line(str)));
		a->pos = a->n;
		return 0;
	case K_AUTHKEYSCOMMAND:
	case K_AUTHPRINCIPALSCOMMAND:
		if (k->kw == K_AUTHKEYSCOMMAND)
			e->slot = O_AUTHKEYSCOMMAND;
		else {
			e->slot = O_AUTHPRINCIPALSCOMMAND;
			e->mode = M_PRINCMD;
		}
		v = (char *)rest_of_line(str);
		if (*v != '/' && strcasecmp(v, "none") != 0) {
			perror_at(p, "%s must be an absolute path%s", kwname, "");
			return -1;
		}
		ev_addv(e, xstrdup(v));
		a->pos = a->n;
		return 0;
	case K_VERSIONADDENDUM:
		e->slot = O_VERSIONADDENDUM;
		v = (char *)rest_of_line(str);
		if (strchr(v, '\r') != NULL) {
			perror_at(p, "Invalid %s argument%s", kwname, "");
			return -1;
		}
		/* servconf.c means to strip a comment here but searches the
		 * keyword alone, so "# ..." stays part of the value. */
		ev_addv(e, xstrdup(*v == '\0' || strcasecmp(v, "none") == 0 ?
		    "none" : v));
		a->pos = a->n;
		return 0;

	case K_HOSTBASEDALGS:
		e->slot = O_HOSTBASEDALGS;
		goto keyalgs;
	case K_HOSTKEYALGS:
		e->slot = O_HOSTKEYALGS;
		goto keyalgs;
	case K_CASIGALGS:
		e->slot = O_CASIGALGS;
		goto keyalgs;
	case K_PUBKEYALGS:
		e->slot = O_PUBKEYALGS;
	keyalgs:
		return algs_value(p, args_next(a), keyname_ok, &p->c->release,
		    "Bad key types '%s'.%s", e);
	case K_CIPHERS:
		e->slot = O_CIPHERS;
		return algs_value(p, args_next(a), inlist_ok, sshd_alg_cipher.all,
		    "Bad SSH2 cipher spec '%s'.%s", e);
	case K_MACS:
		e->slot = O_MACS;
		return algs_value(p, args_next(a), inlist_ok, sshd_alg_mac.all,
		    "Bad SSH2 mac spec '%s'.%s", e);
	case K_KEXALGS:
		e->slot = O_KEXALGS;
		return algs_value(p, args_next(a), kexname_ok, &p->c->release,
		    "Bad SSH2 KexAlgorithms '%s'.%s", e);
	case K_GSSKEXALGS:
		e->slot = O_GSSKEXALGS;
		arg = args_next(a);
		if (arg == NULL || *arg == '\0') {
			perror_at(p, "Missing argument.%s", "", "");
			return -1;
		}
		if (!names_each(arg, gsskexname_ok, NULL)) {
			perror_at(p, "Bad GSSAPI KexAlgorithms '%s'.%s", arg, "");
			return -1;
		}
		ev_addv(e, xstrdup(arg));
		return 0;

	case K_LOGLEVEL:
		e->slot = O_LOGLEVEL;
		arg = args_next(a);
		for (size_t i = 0; arg && i < KA_ARRLEN(loglevels); i++)
			if (strcasecmp(arg, loglevels[i][0]) == 0) {
				ev_addv(e, xstrdup(loglevels[i][1]));
				return 0;
			}
		perror_at(p, "unsupported log level '%s'%s", arg, "");
		return -1;
	case K_SYSLOGFACILITY:
		e->slot = O_SYSLOGFACILITY;
		arg = args_next(a);
		for (size_t i = 0; arg && i < KA_ARRLEN(facilities); i++)
			if (strcasecmp(arg, facilities[i]) == 0) {
				ev_addv(e, xstrdup(facilities[i]));
				return 0;
			}
		perror_at(p, "unsupported log facility '%s'%s", arg, "");
		return -1;
	case K_FINGERPRINTHASH:
		e->slot = O_FINGERPRINTHASH;
		e->mode = M_LAST;
		arg = args_next(a);
		if (arg == NULL || *arg == '\0') {
			perror_at(p, MISSING, kwname, "");
			return -1;
		}
		for (size_t i = 0; i < KA_ARRLEN(digests); i++)
			if (strcasecmp(arg, digests[i]) == 0) {
				ev_addv(e, xstrdup(digests[i]));
				return 0;
			}
		perror_at(p, "Invalid FingerprintHash algorithm \"%s\".%s", arg, "");
		return -1;
	case K_PERMITTUNNEL:
		e->slot = O_PERMITTUNNEL;
		arg = args_next(a);
		if (arg == NULL || *arg == '\0') {
			perror_at(p, MISSING, kwname, "");
			return -1;
		}
		if (strcmp(arg, "no") == 0 || strcmp(arg, "point-to-point") == 0 ||
		    strcmp(arg, "ethernet") == 0 || strcmp(arg, "yes") == 0) {
			ev_addv(e, xstrdup(arg));
			return 0;
		}
		perror_at(p, "bad PermitTunnel argument %s%s", arg, "");
		return -1;
	case K_PERMITUSERENV:
		e->slot = O_PERMITUSERENV;
		arg = args_next(a);
		if (arg == NULL || *arg == '\0') {
			perror_at(p, MISSING, kwname, "");
			return -1;
		}
		ev_addv(e, xstrdup(arg));
		return 0;
	case K_PUBKEYAUTHOPTIONS: {
		int touch = 0, verify = 0;

		e->slot = O_PUBKEYAUTHOPTIONS;
		while ((arg = args_next(a)) != NULL) {
			if (strcasecmp(arg, "none") == 0)
				continue;
			if (strcasecmp(arg, "touch-required") == 0)
				touch = 1;
			else if (strcasecmp(arg, "verify-required") == 0)
				verify = 1;
			else {
				perror_at(p, "unsupported PubkeyAuthOptions option %s%s",
				    arg, "");
				return -1;
			}
		}
		if (touch)
			ev_addv(e, xstrdup("touch-required"));
		if (verify)
			ev_addv(e, xstrdup("verify-required"));
		if (!touch && !verify)
			ev_addv(e, xstrdup("none"));
		return 0;
	}
	case K_STREAMLOCALBINDMASK: {
		char *end;
		long m;

		e->slot = O_STREAMLOCALBINDMASK;
		e->mode = M_LAST;
		arg = args_next(a);
		if (arg == NULL || *arg == '\0') {
			perror_at(p, MISSING, kwname, "");
			return -1;
		}
		m = strtol(arg, &end, 8);
		if (arg == end || m < 0 || m > 0777) {
			perror_at(p, "Invalid %s.%s", kwname, "");
			return -1;
		}
		ev_addv(e, xasprintf("0%lo", m));
		return 0;
	}
	case K_IPQOS: {
		char *q1, *q2;

		e->slot = O_IPQOS;
		e->mode = M_LAST;
		arg = args_next(a);
		if (arg == NULL || *arg == '\0') {
			perror_at(p, MISSING, kwname, "");
			return -1;
		}
		if ((q1 = ipqos_print(arg)) == NULL) {
			perror_at(p, "Bad IPQoS value: %s%s", arg, "");
			return -1;
		}
		arg = args_next(a);
		if (arg == NULL)
			q2 = xstrdup(q1);
		else if ((q2 = ipqos_print(arg)) == NULL) {
			free(q1);
			perror_at(p, "Bad IPQoS value: %s%s", arg, "");
			return -1;
		}
		ev_addv(e, q1);
		ev_addv(e, q2);
		return 0;
	}
	case K_REKEYLIMIT: {
		long long bytes = 0;

		e->slot = O_REKEY_BYTES;
		e->mode = M_REKEY;
		arg = args_next(a);
		if (arg == NULL || *arg == '\0') {
			perror_at(p, MISSING, kwname, "");
			return -1;
		}
		if (strcmp(arg, "default") != 0) {
			if (scan_scaled(arg, &bytes) == -1) {
				perror_at(p, "Bad RekeyLimit number '%s'%s", arg, "");
				return -1;
			}
			if (bytes != 0 && bytes < 16) {
				perror_at(p, "RekeyLimit too small%s", "", "");
				return -1;
			}
		}
		ev_addv(e, xasprintf("%llu", (unsigned long long)bytes));
		if (args_left(a) > 0) {
			if (strcmp(args_peek(a), "none") == 0) {
				args_next(a);
				return 0;
			}
			return time_value(p, args_next(a), e);
		}
		return 0;
	}
	case K_MAXSTARTUPS: {
		int b = 0, r = 0, m = 0;

		e->slot = O_MAXSTARTUPS;
		e->mode = M_MAXSTARTUPS;
		arg = args_next(a);
		if (arg == NULL || *arg == '\0') {
			perror_at(p, MISSING, kwname, "");
			return -1;
		}
		n = sscanf(arg, "%d:%d:%d", &b, &r, &m);
		if (n == 3) {
			if (b > m || r > 100 || r < 1)
				goto badstart;
		} else if (n != 1)
			goto badstart;
		else
			m = b;
		if (m <= 0 || b <= 0)
			goto badstart;
		e->num[0] = b;
		e->num[1] = r;
		e->num[2] = m;
		e->nnum = n;
		return 0;
	badstart:
		perror_at(p, "Invalid %s spec.%s", kwname, "");
		return -1;
	}
	case K_PERSOURCENETBLOCKSIZE: {
		int v4 = 0, v6 = 0;

		e->slot = O_PERSOURCENETBLOCKSIZE;
		e->mode = M_LAST;
		arg = args_next(a);
		if (arg == NULL || *arg == '\0') {
			perror_at(p, MISSING, kwname, "");
			return -1;
		}
		n = sscanf(arg, "%d:%d", &v4, &v6);
		if (n == 2 && (v6 < 0 || v6 > 128))
			n = -1;
		if ((n == 1 || n == 2) && (v4 < 0 || v4 > 32))
			n = -1;
		if (n != 1 && n != 2) {
			perror_at(p, "Invalid %s spec.%s", kwname, "");
			return -1;
		}
		ev_addv(e, xasprintf("%d:%d", v4, v6));
		return 0;
	}
	case K_PERSOURCEMAXSTARTUPS: {
		int val;
		const char *err;

		e->slot = O_PERSOURCEMAXSTARTUPS;
		e->mode = M_LAST;
		arg = args_next(a);
		if (arg == NULL || *arg == '\0') {
			perror_at(p, MISSING, kwname, "");
			return -1;
		}
		if (strcmp(arg, "none") == 0)
			val = INT_MAX;
		else if ((err = atoi_err(arg, &val)) != NULL) {
			perror_at(p, "PerSourceMaxStartups integer value %s.%s", err, "");
			return -1;
		}
		ev_addv(e, val == INT_MAX ? xstrdup("none") : xasprintf("%d", val));
		return 0;
	}

	case K_PORT:
		e->slot = O_PORT;
		e->mode = M_APPEND;
		arg = args_next(a);
		if (arg == NULL || *arg == '\0') {
			perror_at(p, "missing port number.%s", "", "");
			return -1;
		}
		if ((n = ssh_a2port(arg)) <= 0) {
			perror_at(p, "Badly formatted port number.%s", "", "");
			return -1;
		}
		ev_addv(e, xasprintf("%d", n));
		return 0;
	case K_LISTENADDRESS: {
		char *host, *portp = NULL, *colon;
		int port = 0;

		e->slot = O_LISTENADDRESS;
		e->mode = M_LISTEN;
		arg = args_next(a);
		if (arg == NULL || *arg == '\0') {
			perror_at(p, "missing address%s", "", "");
			return -1;
		}
		if (strchr(arg, '[') == NULL && (colon = strchr(arg, ':')) != NULL &&
		    strchr(colon + 1, ':') != NULL)
			host = arg;	/* a bare IPv6 address */
		else {
			if ((host = hp_split(arg, &portp)) == NULL) {
				perror_at(p, "bad address:port usage%s", "", "");
				return -1;
			}
			host = clean_host(host);
			if (portp != NULL && (port = ssh_a2port(portp)) <= 0) {
				perror_at(p, "bad port number%s", "", "");
				return -1;
			}
		}
		if ((arg = args_next(a)) != NULL) {
			if (strcmp(arg, "rdomain") != 0 || args_next(a) == NULL)
				perror_at(p, "bad ListenAddress syntax%s", "", "");
			else
				perror_at(p, "bad routing domain%s", "", "");
			return -1;
		}
		ev_addv(e, xstrdup(host));
		e->num[0] = port;
		e->nnum = 1;
		return 0;
	}
	case K_SUBSYSTEM: {
		struct buf b;
		char *name;

		e->slot = O_SUBSYSTEM;
		e->mode = M_SUBSYSTEM;
		name = args_next(a);
		if (name == NULL || *name == '\0') {
			perror_at(p, MISSING, kwname, "");
			return -1;
		}
		arg = args_next(a);
		if (arg == NULL || *arg == '\0') {
			perror_at(p, "Missing subsystem command.%s", "", "");
			return -1;
		}
		buf_init(&b);
		buf_printf(&b, "%s %s", name, arg);
		while ((arg = args_next(a)) != NULL)
			buf_printf(&b, " %s", arg);
		ev_addv(e, buf_steal(&b));
		ev_addv(e, xstrdup(name));
		return 0;
	}

	case K_ALLOWUSERS: e->slot = O_ALLOWUSERS; goto users;
	case K_DENYUSERS: e->slot = O_DENYUSERS;
	users:
		e->mode = M_APPEND;
		while ((arg = args_next(a)) != NULL) {
			if (*arg == '\0' || !user_pattern_ok(arg)) {
				perror_at(p, "invalid %s pattern: \"%s\"", kwname, arg);
				return -1;
			}
			ev_addv(e, xstrdup(arg));
		}
		return 0;
	case K_ALLOWGROUPS: e->slot = O_ALLOWGROUPS; goto groups;
	case K_DENYGROUPS: e->slot = O_DENYGROUPS;
	groups:
		e->mode = M_APPEND;
		while ((arg = args_next(a)) != NULL) {
			if (*arg == '\0') {
				perror_at(p, "empty %s pattern%s", kwname, "");
				return -1;
			}
			ev_addv(e, xstrdup(arg));
		}
		return 0;
	case K_ACCEPTENV:
		e->slot = O_ACCEPTENV;
		e->mode = M_APPEND;
		while ((arg = args_next(a)) != NULL) {
			if (*arg == '\0' || strchr(arg, '=') != NULL) {
				perror_at(p, "Invalid environment name.%s", "", "");
				return -1;
			}
			ev_addv(e, xstrdup(arg));
		}
		return 0;
	case K_SETENV:
		e->slot = O_SETENV;
		e->mode = M_FIRSTLIST;
		while ((arg = args_next(a)) != NULL) {
			size_t nl;
			int dup = 0;

			if (*arg == '\0' || strchr(arg, '=') == NULL) {
				perror_at(p, "Invalid environment.%s", "", "");
				return -1;
			}
			/* A repeated name keeps its first value. */
			nl = strcspn(arg, "=");
			for (size_t i = 0; i < e->n && !dup; i++)
				dup = strncmp(e->v[i], arg, nl) == 0 && e->v[i][nl] == '=';
			if (!dup)
				ev_addv(e, xstrdup(arg));
		}
		return 0;
	case K_AUTHKEYSFILE:
		e->slot = O_AUTHKEYSFILE;
		e->mode = M_FIRSTLIST;
		while ((arg = args_next(a)) != NULL) {
			if (*arg == '\0') {
				perror_at(p, "keyword %s empty argument%s", kwname, "");
				return -1;
			}
			if ((v = tilde_expand(io, arg)) == NULL) {
				perror_at(p, "cannot expand %s: no such user%s", arg, "");
				return -1;
			}
			ev_addv(e, v);
		}
		return 0;
	case K_AUTHMETHODS: {
		int any = 0, got = 0;

		e->slot = O_AUTHMETHODS;
		e->mode = M_AUTHMETHODS;
		while ((arg = args_next(a)) != NULL) {
			if (strcmp(arg, "any") == 0) {
				if (e->n > 0) {
					perror_at(p, "\"any\" must appear alone in %s%s",
					    kwname, "");
					return -1;
				}
				any = 1;
			} else if (any) {
				perror_at(p, "\"any\" must appear alone in %s%s",
				    kwname, "");
				return -1;
			} else if (!methods_valid(arg)) {
				perror_at(p, "invalid %s method list.%s", kwname, "");
				return -1;
			}
			got = 1;
			ev_addv(e, xstrdup(arg));
		}
		if (!got) {
			perror_at(p, "no %s specified%s", kwname, "");
			return -1;
		}
		return 0;
	}
	case K_LOGVERBOSE:
		e->slot = O_LOGVERBOSE;
		e->mode = M_FIRSTLIST;
		while ((arg = args_next(a)) != NULL) {
			if (*arg == '\0') {
				perror_at(p, "keyword %s empty argument%s", kwname, "");
				return -1;
			}
			if (strcasecmp(arg, "none") == 0 && (e->n > 0 || args_left(a) > 0)) {
				perror_at(p, "keyword %s \"none\" argument must appear "
				    "alone.%s", kwname, "");
				return -1;
			}
			ev_addv(e, xstrdup(arg));
		}
		return 0;
	case K_CHANNELTIMEOUT:
		e->slot = O_CHANNELTIMEOUT;
		e->mode = M_FIRSTLIST;
		while ((arg = args_next(a)) != NULL) {
			if (strcasecmp(arg, "none") == 0) {
				if (e->n > 0 || args_left(a) > 0) {
					perror_at(p, "keyword %s \"none\" argument must "
					    "appear alone.%s", kwname, "");
					return -1;
				}
			} else {
				const char *eq = strchr(arg, '=');
				if (eq == NULL || eq == arg || ssh_convtime(eq + 1) < 0) {
					perror_at(p, "invalid channel timeout %s%s", arg, "");
					return -1;
				}
			}
			ev_addv(e, xstrdup(arg));
		}
		return 0;
	case K_PERMITOPEN:
	case K_PERMITLISTEN: {
		int listen = k->kw == K_PERMITLISTEN;

		e->slot = listen ? O_PERMITLISTEN : O_PERMITOPEN;
		e->mode = M_FIRSTLIST;
		arg = args_next(a);
		if (arg == NULL || *arg == '\0') {
			perror_at(p, MISSING, kwname, "");
			return -1;
		}
		if (strcmp(arg, "any") == 0 || strcmp(arg, "none") == 0) {
			ev_addv(e, xstrdup(arg));
			return 0;
		}
		for (; arg != NULL && *arg != '\0'; arg = args_next(a)) {
			char *copy, *host, *portp = NULL;

			if (listen && strchr(arg, ':') == NULL) {
				copy = xasprintf("*:%s", arg);
				portp = arg;
			} else {
				char *tmp = xstrdup(arg);

				copy = xstrdup(arg);
				host = hp_split(tmp, &portp);
				if (host == NULL) {
					free(tmp);
					free(copy);
					perror_at(p, "%s missing host%s", kwname, "");
					return -1;
				}
				if (portp != NULL)
					portp = arg + (portp - tmp);
				free(tmp);
			}
			if (portp == NULL || permit_port(portp) < 0) {
				free(copy);
				perror_at(p, "%s bad port number%s", kwname, "");
				return -1;
			}
			ev_addv(e, copy);
		}
		return 0;
	}
	}
	return -1;
}

static void
budget_exceeded(struct pctx *p, const char *what)
{
	if (!p->c->stopped)
		add_error(p->c, p->file, p->line, 1, "configuration too large: more "
		    "than %s; keyaudit stopped reading it", what);
	p->c->stopped = 1;
}

/* One line, as servconf.c process_server_config_line_depth(). */
static void
parse_line(struct pctx *p, char *line)
{
	struct sshd_config *c = p->c;
	const struct sshd_keyword *k;
	char *str = line, *kw;
	struct args a;
	struct ev e;
	size_t len = strlen(line);
	unsigned kwflags;
	int r, rc;

	if (len == 0)
		return;
	/* Trailing blanks go; a form feed only at the end of a line. */
	while (len > 1 && strchr(WS "\f", line[len - 1]) != NULL)
		line[--len] = '\0';
	if ((kw = ssh_strdelim(&str)) == NULL)
		return;
	if (*kw == '\0')
		kw = ssh_strdelim(&str);
	if (kw == NULL || *kw == '\0' || *kw == '#')
		return;
	if (++c->ndirectives > SSHDCONF_MAX_DIRECTIVES) {
		budget_exceeded(p, "100000 directives");
		return;
	}
	{
		struct ssh_directive *d = ssh_directives_add(&c->dirs, p->file,
		    p->line, kw, str, SSHDCONF_MAX_ARGS);

		/* A Match runs to the end of its file: sshd restores the
		 * including file's state after an Include. */
		if (strcmp(d->keyword, "match") == 0)
			p->block = (long)c->dirs.n - 1;
		d->block = p->block;
		d->depth = p->depth;
	}
	if (str == NULL || *str == '\0') {
		perror_at(p, "no argument after keyword \"%s\"%s", kw, "");
		return;
	}
	if (c->release != 0) {
		unsigned scope;

		if ((k = release_keyword(c->release, kw, &scope)) == NULL) {
			perror_at(p, "Bad configuration option: %s%s", kw, "");
			return;
		}
		kwflags = scope;
	} else if ((k = kw_lookup(kw)) == NULL) {
		perror_at(p, "Bad configuration option: %s%s", kw, "");
		return;
	} else
		kwflags = k->flags;
	if ((r = args_split(str, &a)) != 0) {
		if (r == -1)
			perror_at(p, "invalid quotes%s", "", "");
		else
			add_error(c, p->file, p->line, 1, "more than %d arguments: "
			    "keyaudit does not read this line", SSHDCONF_MAX_ARGS);
		return;
	}
	if (!p->r->active && !(kwflags & KWF_MATCH)) {
		perror_at(p, "Directive '%s' is not allowed within a Match block%s",
		    kw, "");
		args_free(&a);
		return;
	}
	memset(&e, 0, sizeof(e));
	e.kwd = k;
	e.file = p->file;
	e.line = p->line;
	if (k->kw == K_INCLUDE) {
		do_include(p, &a);
		args_free(&a);
		return;
	}
	if (k->kw == K_MATCH) {
		e.type = EV_MATCH;
		if (parse_match(p, &str, &e) != 0)
			e.bad = 1;
		else if (str != NULL && *str != '\0')
			perror_at(p, "keyword Match extra arguments at end of line%s",
			    "", "");
		run_event(p->r, ev_push(c, &e));
		args_free(&a);
		return;
	}
	e.type = EV_DIR;
	rc = parse_values(p, k, kw, &a, str, &e);
	if (rc == 0 && args_left(&a) > 0)
		perror_at(p, "keyword %s extra arguments at end of line", kw, "");
	if (rc == 0)
		run_event(p->r, ev_push(c, &e));
	else
		ev_free(&e);
	args_free(&a);
}

/*
 * A file's text as load_server_config() keeps it: blanks and CRs at the
 * start of each line dropped, each line cut at a NUL (which also drops its
 * newline, joining it to the next), then split on newlines.
 */
static void
parse_text(struct pctx *p, const char *data, size_t len)
{
	struct buf b;
	size_t i = 0;
	char *s, *line;

	if (p->c->nbytes + len > MAX_TOTAL_BYTES) {
		budget_exceeded(p, "64 MiB of configuration text");
		return;
	}
	p->c->nbytes += len;
	buf_init(&b);
	while (i < len) {
		size_t end = i, keep;

		while (end < len && data[end] != '\n')
			end++;
		if (end < len)
			end++;		/* the newline belongs to the line */
		while (i < end && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r'))
			i++;
		for (keep = i; keep < end && data[keep] != '\0'; keep++)
			;
		buf_append(&b, data + i, keep - i);
		i = end;
	}
	buf_putc(&b, '\0');
	s = b.data;
	while (s != NULL && !p->c->stopped) {
		line = s;
		if ((s = strchr(s, '\n')) != NULL)
			*s++ = '\0';
		p->line++;
		parse_line(p, line);
	}
	buf_free(&b);
}

/* ------------------------------------------------------ listen addresses */

/* The "addr:port" lines sshd -T prints for the ListenAddress/Port/
 * AddressFamily settings of an option set (servconf.c add_listen_addr and
 * format_listen_addrs, numeric addresses only). */
#define LISTEN_LINES_MAX 4096

static void
listen_lines(struct sshd_config *c, const struct optset *o, int record,
    struct strlist *out)
{
	const struct vslot *ports = &o->s[O_PORT];
	const struct vslot *fam = &o->s[O_ADDRESSFAMILY];
	const char *family = fam->set ? fam->v[0] : "any";
	const char *defport[] = { "22" };
	const char *const *pv = ports->set ? ports->v : defport;
	size_t np = ports->set ? ports->n : 1;

	if (o->nlisten == 0) {
		for (size_t i = 0; i < np; i++) {
			if (strcmp(family, "inet") != 0)
				strlist_add_owned(out, xasprintf("[::]:%s", pv[i]));
			if (strcmp(family, "inet6") != 0)
				strlist_add_owned(out, xasprintf("0.0.0.0:%s", pv[i]));
		}
		return;
	}
	for (size_t i = 0; i < o->nlisten; i++) {
		const struct ev *e = &c->evs[o->listen[i]];
		const char *host = e->v[0];
		unsigned char a6[16];
		struct in_addr a4;
		char txt[INET6_ADDRSTRLEN];
		int is6 = 0, numeric = 0;
		char *pct = NULL, *h = xstrdup(host);

		if ((pct = strchr(h, '%')) != NULL)
			*pct = '\0';
		if (inet_pton(AF_INET6, h, a6) == 1) {
			is6 = numeric = 1;
			inet_ntop(AF_INET6, a6, txt, sizeof(txt));
		} else if (match_addr_list(host, "0.0.0.0/0") == 1 &&
		    inet_aton(host, &a4) != 0) {
			numeric = 1;
			inet_ntop(AF_INET, &a4, txt, sizeof(txt));
		}
		free(h);
		if (numeric && ((is6 && strcmp(family, "inet") == 0) ||
		    (!is6 && strcmp(family, "inet6") == 0))) {
			if (record) {
				char *x = pr(host);
				add_error(c, e->file, e->line, 0, "bad addr or host: %s "
				    "(Address family for hostname not supported)", x);
				free(x);
			}
			continue;
		}
		for (size_t j = 0; j < np; j++) {
			const char *port = pv[j];
			char pbuf[16];

			/* Port x ListenAddress grows as a product; sshd itself
			 * cannot start past MAX_LISTEN_SOCKS (16) sockets, so
			 * a config holding thousands is hostile, not a server's */
			if (out->n >= LISTEN_LINES_MAX) {
				if (record)
					add_error(c, e->file, e->line, 0, "more than %d "
					    "listen addresses and ports (sshd listens on "
					    "at most 16 sockets)", LISTEN_LINES_MAX);
				return;
			}
			if (e->num[0] > 0) {
				snprintf(pbuf, sizeof(pbuf), "%d", e->num[0]);
				port = pbuf;
			}
			if (!numeric)
				strlist_add_owned(out, xasprintf("%s:%s", host, port));
			else if (is6)
				strlist_add_owned(out, xasprintf("[%s]:%s", txt, port));
			else
				strlist_add_owned(out, xasprintf("%s:%s", txt, port));
			if (e->num[0] > 0)
				break;
		}
	}
}

/* ---------------------------------------------------- effective values */

/* Every key exchange a 9.9+ build knows: the model's and ML-KEM. */
static const char kex_all_mlkem[] =
	"diffie-hellman-group1-sha1,diffie-hellman-group14-sha1,"
	"diffie-hellman-group14-sha256,diffie-hellman-group16-sha512,"
	"diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha1,"
	"diffie-hellman-group-exchange-sha256,ecdh-sha2-nistp256,"
	"ecdh-sha2-nistp384,ecdh-sha2-nistp521,curve25519-sha256,"
	"curve25519-sha256@libssh.org,sntrup761x25519-sha512,"
	"sntrup761x25519-sha512@openssh.com,mlkem768x25519-sha256";

/* The algorithm lists of slot o for release rel: the model build's, with
 * the compiled defaults that release had (release.c) when rel is not 0. */
static const struct sshd_alglists *
alglists_for(enum sshd_opt o, int rel, struct sshd_alglists *tmp)
{
	if (rel != 0) {
		switch (o) {
		case O_PUBKEYALGS:
		case O_HOSTBASEDALGS:
		case O_HOSTKEYALGS:
			tmp->all = sshd_alg_key.all;
			tmp->def = release_default_pubkey_algs(rel);
			return tmp;
		case O_CASIGALGS:
			tmp->all = sshd_alg_sig.all;
			tmp->def = release_default_ca_algs(rel);
			if (tmp->def == NULL)	/* before 7.9: any */
				tmp->def = sshd_alg_sig.all;
			return tmp;
		default:
			break;
		}
	}
	/* Debian's 9.2 has its own key exchange list (the IANA sntrup name
	 * backported): the model's lists stand for it */
	if (rel != 0 && rel != REL_MODEL) {
		switch (o) {
		case O_KEXALGS:
			tmp->all = *release_kex_extra(rel) != '\0' ?
			    kex_all_mlkem : sshd_alg_kex.all;
			tmp->def = release_default_kex(rel);
			return tmp;
		case O_CIPHERS:
			tmp->all = sshd_alg_cipher.all;
			tmp->def = release_default_ciphers(rel);
			return tmp;
		case O_MACS:
			tmp->all = sshd_alg_mac.all;
			tmp->def = release_default_macs(rel);
			return tmp;
		default:
			break;
		}
	}
	switch (o) {
	case O_CIPHERS:
		return &sshd_alg_cipher;
	case O_MACS:
		return &sshd_alg_mac;
	case O_KEXALGS:
		return &sshd_alg_kex;
	case O_CASIGALGS:
		return &sshd_alg_sig;
	default:
		return &sshd_alg_key;
	}
}

static void
val_set(struct sshd_value *val, const struct sshd_config *c, long origin)
{
	if (origin >= 0) {
		val->file = xstrdup(c->evs[origin].file);
		val->line = c->evs[origin].line;
	}
}

static void
val_add(struct sshd_value *val, const char *s)
{
	val->v = xreallocarray(val->v, val->n + 1, sizeof(*val->v));
	val->v[val->n++] = xstrdup(s);
}

static int
is_none(const char *s)
{
	return strcasecmp(s, "none") == 0;
}

/*
 * Before 8.7: keyboard-interactive is on when either KbdInteractiveAuthentication
 * (default no) or ChallengeResponseAuthentication (default yes, global only)
 * says so; sshd.c sets the first from the second before anything reads it,
 * and sshd -T prints the result.
 */
static void
kbdint_or_challenge(const struct sshd_config *c, struct sshd_eff *e,
    const struct optset *g, const struct optset *mo)
{
	const struct vslot *cr = &g->s[O_CHALLENGERESP];
	struct sshd_value *val = &e->vals[O_KBDINTAUTH];
	int kbd_set = g->s[O_KBDINTAUTH].set ||
	    (mo != NULL && mo->s[O_KBDINTAUTH].set);
	int kbd = kbd_set && val->n > 0 && strcmp(val->v[0], "yes") == 0;
	int ch = !cr->set || strcmp(cr->v[0], "yes") == 0;

	if (kbd || (kbd_set && !ch))
		return;		/* the KbdInteractiveAuthentication line decides */
	for (size_t i = 0; i < val->n; i++)
		free(val->v[i]);
	free(val->v);
	free((char *)val->file);
	val->v = NULL;
	val->n = 0;
	val->file = NULL;
	val->line = 0;
	/* unset (default no) or no: ChallengeResponseAuthentication decides */
	val_add(val, ch ? "yes" : "no");
	val_set(val, c, cr->set ? cr->origin : -1);
}

/*
 * The global options (startup pass, defaults filled) with the set options
 * of the connection pass laid over them: fill_default_server_options()
 * followed by copy_set_server_options().
 */
static struct sshd_eff *
build_eff(struct sshd_config *c, const struct optset *g, const struct optset *mo)
{
	struct sshd_eff *e = xcalloc(1, sizeof(*e));

	for (int o = 0; o < O_FIRST_HIDDEN; o++) {
		const struct sshd_optdef *d = &sshd_opts[o];
		struct sshd_value *val = &e->vals[o];
		const struct vslot *s = &g->s[o];
		const char *const *v;
		size_t n;
		long origin;
		int from_match = 0;

		val->keyword = d->name;
		if (s->set) {
			v = s->v;
			n = s->n;
			origin = s->origin;
		} else {
			v = d->defv;
			for (n = 0; v[n] != NULL; n++)
				;
			origin = -1;
		}
		if (mo != NULL && (d->flags & OF_MCOPY) && mo->s[o].set) {
			v = mo->s[o].v;
			n = mo->s[o].n;
			origin = mo->s[o].origin;
			from_match = 1;
		}
		/* A Match block's PermitUserEnvironment copies only a pattern. */
		if (o == O_PERMITUSERENV && mo != NULL && mo->s[o].set &&
		    strcmp(mo->s[o].v[0], "yes") != 0 && strcmp(mo->s[o].v[0], "no") != 0) {
			v = mo->s[o].v;
			n = mo->s[o].n;
			origin = mo->s[o].origin;
		}
		val_set(val, c, origin);

		switch (o) {
		case O_LISTENADDRESS: {
			struct strlist l = { 0 };

			listen_lines(c, g, 0, &l);
			for (size_t i = 0; i < l.n; i++)
				val_add(val, l.v[i]);
			if (g->nlisten > 0)
				val_set(val, c, g->listen[0]);
			strlist_free(&l);
			continue;
		}
		case O_MAXSTARTUPS: {
			char *x;

			if (g->ms_origin < 0) {
				val_add(val, d->defv[0]);
				continue;
			}
			x = xasprintf("%d:%d:%d", g->ms[0] < 0 ? 10 : g->ms[0],
			    g->ms[1] < 0 ? 30 : g->ms[1], g->ms[2] < 0 ? 100 : g->ms[2]);
			val_add(val, x);
			free(x);
			val_set(val, c, g->ms_origin);
			continue;
		}
		case O_REKEYLIMIT: {
			const struct vslot *sb = &g->s[O_REKEY_BYTES];
			const struct vslot *st = &g->s[O_REKEY_TIME];
			long ob = sb->set ? sb->origin : -1, ot = st->set ? st->origin : -1;
			const char *b = sb->set ? sb->v[0] : "0";
			const char *t = st->set ? st->v[0] : "0";

			if (mo != NULL && mo->s[O_REKEY_BYTES].set) {
				b = mo->s[O_REKEY_BYTES].v[0];
				ob = mo->s[O_REKEY_BYTES].origin;
			}
			if (mo != NULL && mo->s[O_REKEY_TIME].set) {
				t = mo->s[O_REKEY_TIME].v[0];
				ot = mo->s[O_REKEY_TIME].origin;
			}
			val_add(val, b);
			val_add(val, t);
			val_set(val, c, ob >= 0 ? ob : ot);
			continue;
		}
		case O_UNUSEDCONNTIMEOUT:
			/* A time of 0 prints as "none" too. */
			val_add(val, strcmp(v[0], "0") == 0 ? "none" : v[0]);
			continue;
		case O_CHANNELTIMEOUT:
			if (!from_match && n == 1 && is_none(v[0]))
				continue;
			break;
		case O_HOSTKEY:
		case O_HOSTCERTIFICATE:
			for (size_t i = 0; i < n; i++)
				val_add(val, is_none(v[i]) ? "(null)" : v[i]);
			continue;
		case O_FORCECOMMAND:
		case O_CHROOTDIRECTORY:
			val_add(val, is_none(v[0]) ? "none" : v[0]);
			continue;
		default:
			break;
		}
		if (o == O_REQUIREDRSASIZE && c->release != 0 && !s->set &&
		    !from_match) {
			char bits[16];

			snprintf(bits, sizeof(bits), "%d",
			    release_rsa_min_bits(c->release));
			val_add(val, bits);
			continue;
		}
		if (d->flags & OF_ALGS) {
			struct sshd_alglists tmp;
			const struct sshd_alglists *al = alglists_for(o, c->release,
			    &tmp);
			char *x = assemble_names(s->set || from_match ? v[0] : NULL,
			    al);
			/* sshd assembles again after the Match pass, and an empty
			 * list (all removed with -) then becomes the default. */
			if (x == NULL || *x == '\0') {
				free(x);
				x = xstrdup(al->def);
			}
			val_add(val, x);
			free(x);
			continue;
		}
		if ((d->flags & OF_CLEARNONE) && !from_match && n == 1 && is_none(v[0])) {
			val_add(val, "none");
			continue;
		}
		for (size_t i = 0; i < n; i++)
			val_add(val, v[i]);
	}
	if (c->release != 0 && release_separate_challenge_response(c->release))
		kbdint_or_challenge(c, e, g, mo);
	return e;
}

/* Checks sshd makes after filling defaults (sshd.c main()), on the global
 * options of the startup pass. */
static void
startup_checks(struct sshd_config *c)
{
	const struct optset *g = &c->global;
	struct sshd_eff *e;
	struct strlist l = { 0 };
	static const enum sshd_opt algs[] = { O_CIPHERS, O_MACS, O_KEXALGS,
	    O_HOSTKEYALGS, O_HOSTBASEDALGS, O_PUBKEYALGS, O_CASIGALGS };
	const struct sshd_value *v;

	listen_lines(c, g, 1, &l);
	strlist_free(&l);
	for (size_t i = 0; i < KA_ARRLEN(algs); i++) {
		const struct vslot *s = &g->s[algs[i]];
		struct sshd_alglists tmp;
		char *x;

		if (!s->set)
			continue;
		if ((x = assemble_names(s->v[0], alglists_for(algs[i], c->release,
		    &tmp))) == NULL) {
			const struct ev *ev = &c->evs[s->origin];
			char *val = pr(s->v[0]);
			add_error(c, ev->file, ev->line, 0, "%s %s: no algorithm "
			    "of this sshd is left", sshd_opts[algs[i]].name, val);
			free(val);
		}
		free(x);
	}
	e = build_eff(c, g, NULL);
	v = &e->vals[O_AUTHKEYSCOMMAND];
	if (!is_none(v->v[0]) && is_none(e->vals[O_AUTHKEYSCOMMANDUSER].v[0]))
		add_error(c, v->file, v->line, 0, "AuthorizedKeysCommand set "
		    "without AuthorizedKeysCommandUser");
	v = &e->vals[O_AUTHPRINCIPALSCOMMAND];
	if (!is_none(v->v[0]) && is_none(e->vals[O_AUTHPRINCIPALSCOMMANDUSER].v[0]))
		add_error(c, v->file, v->line, 0, "AuthorizedPrincipalsCommand set "
		    "without AuthorizedPrincipalsCommandUser");
	v = &e->vals[O_AUTHMETHODS];
	if (g->s[O_AUTHMETHODS].set && !(v->n == 1 && strcmp(v->v[0], "any") == 0)) {
		size_t ok = 0;

		for (size_t i = 0; i < v->n && !ok; i++) {
			const char *m = v->v[i];
			int good = 1;

			while (good) {
				size_t n = strcspn(m, ","), mn = strcspn(m, ":");
				const char *opt = NULL;

				if (mn > n)
					mn = n;
				if (mn == 9 && strncmp(m, "publickey", 9) == 0)
					opt = e->vals[O_PUBKEYAUTH].v[0];
				else if (mn == 8 && strncmp(m, "password", 8) == 0)
					opt = e->vals[O_PASSWORDAUTH].v[0];
				else if (mn == 20 && strncmp(m, "keyboard-interactive", 20) == 0)
					opt = e->vals[O_KBDINTAUTH].v[0];
				else if (mn == 9 && strncmp(m, "hostbased", 9) == 0)
					opt = e->vals[O_HOSTBASEDAUTH].v[0];
				else if (mn == 15 && strncmp(m, "gssapi-with-mic", 15) == 0)
					opt = e->vals[O_GSSAUTH].v[0];
				if (opt != NULL && strcmp(opt, "yes") != 0)
					good = 0;
				m += n;
				if (*m != ',')
					break;
				m++;
			}
			ok = good;
		}
		if (!ok)
			add_error(c, v->file, v->line, 0, "AuthenticationMethods cannot "
			    "be satisfied by enabled authentication methods");
	}
	sshd_eff_free(e);
}

/* ------------------------------------------------------------------ API */

struct sshd_config *
sshdconf_parse(const char *path, const struct sshdconf_io *io)
{
	struct sshd_config *c = xcalloc(1, sizeof(*c));
	struct runner r;
	struct pctx p;
	const char *data;
	size_t len;

	optset_init(&c->global);
	c->io = io;
	c->release = io != NULL ? io->release : 0;
	memset(&r, 0, sizeof(r));
	r.c = c;
	r.pass1 = 1;
	r.o = &c->global;
	r.active = 1;
	memset(&p, 0, sizeof(p));
	p.c = c;
	p.r = &r;
	p.block = -1;
	for (size_t i = 0; io != NULL && i < io->ncmdopts && !c->stopped; i++) {
		char *line = xstrdup(io->cmdopts[i].text);

		line[strcspn(line, "\r\n")] = '\0';
		p.file = intern(c, io->cmdopts[i].file);
		p.line = io->cmdopts[i].line;
		parse_line(&p, line);
		free(line);
	}
	p.file = intern(c, path);
	p.line = 0;
	p.block = -1;
	if (io == NULL || io->read == NULL || io->read(io->ctx, path, &data, &len) != 0) {
		char *pp = pr(path);
		add_error(c, path, 0, 1, "cannot read %s: %s", pp,
		    io && io->read ? strerror(errno) : "no reader");
		free(pp);
	} else {
		strlist_add(&c->files, path);
		parse_text(&p, data, len);
	}
	startup_checks(c);
	c->io = NULL;
	return c;
}

char *
sshd_value_join(const struct sshd_value *v)
{
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; v != NULL && i < v->n; i++)
		buf_printf(&b, "%s%s", i ? " " : "", v->v[i]);
	return buf_steal(&b);
}

int
sshd_value_equal(const struct sshd_value *x, const struct sshd_value *y)
{
	if (x == NULL || y == NULL)
		return x == y;
	if (x->n != y->n)
		return 0;
	for (size_t i = 0; i < x->n; i++)
		if (strcmp(x->v[i], y->v[i]) != 0)
			return 0;
	return 1;
}

struct memtext {
	const char *name, *text;
};

static int
memtext_read(void *arg, const char *path, const char **data, size_t *len)
{
	const struct memtext *m = arg;

	if (strcmp(path, m->name) != 0) {
		errno = ENOENT;
		return -1;
	}
	*data = m->text;
	*len = strlen(m->text);
	return 0;
}

static int
memtext_glob(void *arg, const char *pattern, struct strlist *out)
{
	(void)arg;
	(void)pattern;
	(void)out;
	return 0;
}

static const char *
memtext_home(void *arg, const char *name)
{
	(void)arg;
	(void)name;
	return NULL;
}

struct sshd_config *
sshdconf_parse_text(const char *name, const char *text, int release)
{
	return sshdconf_parse_text_opts(name, text, release, NULL, 0);
}

struct sshd_config *
sshdconf_parse_text_opts(const char *name, const char *text, int release,
    const struct sshd_cmdopt *opts, size_t nopts)
{
	struct memtext m = { name, text };
	struct sshdconf_io io = { .read = memtext_read, .glob = memtext_glob,
	    .home_of = memtext_home, .ctx = &m, .release = release,
	    .cmdopts = opts, .ncmdopts = nopts };

	return sshdconf_parse(name, &io);
}

void
sshdconf_free(struct sshd_config *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->nerrs; i++) {
		free(c->errs[i].file);
		free(c->errs[i].msg);
	}
	free(c->errs);
	for (size_t i = 0; i < c->nevs; i++)
		ev_free(&c->evs[i]);
	free(c->evs);
	optset_free(&c->global);
	ssh_directives_free(&c->dirs);
	strlist_free(&c->files);
	strlist_free(&c->names);
	free(c);
}

size_t
sshdconf_nerrors(const struct sshd_config *c)
{
	return c->nerrs;
}

const struct sshdconf_error *
sshdconf_error_at(const struct sshd_config *c, size_t i)
{
	return i < c->nerrs ? &c->errs[i] : NULL;
}

const struct strlist *
sshdconf_files(const struct sshd_config *c)
{
	return &c->files;
}

const struct ssh_directives *
sshdconf_directives(const struct sshd_config *c)
{
	return &c->dirs;
}

int
sshdconf_first_match_line(const struct sshd_config *c)
{
	for (size_t i = 0; i < c->dirs.n; i++)
		if (c->dirs.v[i].depth == 0 && strcmp(c->dirs.v[i].keyword, "match") == 0)
			return c->dirs.v[i].line;
	return 0;
}

char *
sshdconf_dropin(const struct sshd_config *c, const char *name)
{
	for (size_t i = 0; i < c->dirs.n; i++) {
		const struct ssh_directive *d = &c->dirs.v[i];

		if (d->depth != 0 || d->block != -1 || strcmp(d->keyword, "include") != 0)
			continue;
		for (int k = 0; k < d->ac; k++) {
			char *pat = include_pattern(d->av[k]), *dir = NULL, *r = NULL;
			const char *slash = strrchr(pat, '/');

			/* An absolute directory with no wildcard, and a last
			 * part the name fits. */
			if (pat[0] == '/' && slash != pat) {
				dir = xstrndup(pat, (size_t)(slash - pat));
				if (strpbrk(dir, "*?[") == NULL && match_pattern(name, slash + 1))
					r = xasprintf("%s/%s", dir, name);
			}
			free(dir);
			free(pat);
			if (r != NULL)
				return r;
		}
	}
	return NULL;
}

struct sshd_eff *
sshdconf_effective(const struct sshd_config *cc, const struct sshd_conn *conn)
{
	struct sshd_config *c = (struct sshd_config *)cc;
	static const struct sshd_conn blank;
	struct optset mo;
	struct runner r;
	struct sshd_eff *e;

	optset_init(&mo);
	memset(&r, 0, sizeof(r));
	r.c = c;
	r.ci = conn ? conn : &blank;
	r.o = &mo;
	r.active = 0;
	r.flags = ST_MATCH_ONLY;
	for (size_t i = 0; i < c->nevs && !r.stopped; i++)
		run_event(&r, (long)i);
	e = build_eff(c, &c->global, &mo);
	optset_free(&mo);
	return e;
}

int
sshdconf_match_key(const struct sshd_config *cc, const struct sshd_conn *conn,
    struct buf *key)
{
	static const struct sshd_conn blank;
	struct runner r;

	memset(&r, 0, sizeof(r));
	r.c = (struct sshd_config *)cc;
	r.ci = conn ? conn : &blank;
	r.flags = ST_MATCH_ONLY;
	r.key = key;
	/* Only Match lines and Include nesting decide which directives apply
	 * (apply() never looks at the connection): their verdicts, in order,
	 * name the effective configuration. */
	for (size_t i = 0; i < cc->nevs && !r.stopped; i++)
		run_event(&r, (long)i);
	buf_putc(key, '\0');
	return r.stopped ? -1 : 0;
}

void
sshd_eff_free(struct sshd_eff *e)
{
	if (e == NULL)
		return;
	for (int o = 0; o < O_MAX; o++) {
		for (size_t i = 0; i < e->vals[o].n; i++)
			free(e->vals[o].v[i]);
		free(e->vals[o].v);
		free((char *)e->vals[o].file);
	}
	free(e);
}

static int
opt_for_keyword(const char *keyword)
{
	const struct sshd_keyword *k;

	for (int o = 0; o < O_FIRST_HIDDEN; o++)
		if (strcasecmp(keyword, sshd_opts[o].name) == 0)
			return o;
	if ((k = kw_lookup(keyword)) == NULL)
		return -1;
	switch (k->kw) {
	case K_KBDINTAUTH: return O_KBDINTAUTH;
	case K_PUBKEYAUTH: return O_PUBKEYAUTH;
	case K_HOSTKEY: return O_HOSTKEY;
	case K_TCPKEEPALIVE: return O_TCPKEEPALIVE;
	case K_GSSCLEANUPCREDS: return O_GSSCLEANUPCREDS;
	case K_PUBKEYALGS: return O_PUBKEYALGS;
	case K_HOSTBASEDALGS: return O_HOSTBASEDALGS;
	default: return -1;
	}
}

const struct sshd_value *
sshd_eff_get(const struct sshd_eff *e, const char *keyword)
{
	int o;

	if (e == NULL || keyword == NULL || (o = opt_for_keyword(keyword)) < 0)
		return NULL;
	return &e->vals[o];
}

const char *
sshd_eff_str(const struct sshd_eff *e, const char *keyword)
{
	const struct sshd_value *v = sshd_eff_get(e, keyword);

	return v != NULL && v->n > 0 ? v->v[0] : NULL;
}

int
sshd_eff_bool(const struct sshd_eff *e, const char *keyword)
{
	const char *s = sshd_eff_str(e, keyword);

	if (s == NULL)
		return -1;
	if (strcmp(s, "yes") == 0)
		return 1;
	if (strcmp(s, "no") == 0)
		return 0;
	return -1;
}

char *
sshd_eff_origin(const struct sshd_eff *e, const char *keyword)
{
	const struct sshd_value *v = sshd_eff_get(e, keyword);

	if (v == NULL || v->file == NULL)
		return xstrdup("default");
	return xasprintf("%s:%d", v->file, v->line);
}

void
sshd_eff_dump(const struct sshd_eff *e, struct buf *out)
{
	if (e == NULL)
		return;
	for (int o = 0; o < O_FIRST_HIDDEN; o++) {
		const struct sshd_optdef *d = &sshd_opts[o];
		const struct sshd_value *v = &e->vals[o];

		switch (d->dump) {
		case D_NONE:
			break;
		case D_ONE:
			buf_printf(out, "%s %s\n", d->name, v->n ? v->v[0] : "none");
			break;
		case D_LINES:
			for (size_t i = 0; i < v->n; i++)
				buf_printf(out, "%s %s\n", d->name, v->v[i]);
			break;
		case D_JOIN:
			if (v->n == 0)
				break;
			buf_puts(out, d->name);
			for (size_t i = 0; i < v->n; i++)
				buf_printf(out, " %s", v->v[i]);
			buf_putc(out, '\n');
			break;
		}
	}
}

int
sshd_eff_accepts_alg(const struct sshd_eff *e, const char *alg)
{
	const char *list = sshd_eff_str(e, "pubkeyacceptedalgorithms");

	return list != NULL && alg != NULL && match_pattern_list(alg, list, 0) == 1;
}
