/* inventory.c - targets from the command line and from inventory files: a
 * plain host list, or an Ansible INI inventory (groups, [g:children],
 * [g:vars], host ranges such as web[01:20] and db-[a:f]). Parsing is pure;
 * only inventory_load() reads a file.
 *
 * Every name that leaves this file has been checked against a small
 * alphabet, because the ssh transport hands host and user names to
 * /bin/sh (ProxyCommand %h %r) and to the argv of `ssh -W`. */
#include <sys/stat.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/parse/inventory.h"
#include "scanner/strmap.h"
#include "scanner/util.h"

#define TARGET_MAX_LEN 1024
#define PATH_VAR_MAX 4096
/* Host names a range may generate, duplicates included, before we stop:
 * keeps "web[1:100000]" written a thousand times from spinning. */
#define MAX_GENERATED (10u * INVENTORY_MAX_HOSTS)
#define MAX_GROUPS 100000

static const char allowed_msg[] = "letters, digits, '.', '_' and '-'";

/* ------------------------------------------------------------ targets */

void
target_free(struct target *t)
{
	if (t == NULL)
		return;
	free(t->name);
	free(t->host);
	free(t->user);
	free(t->address);
	free(t->sshd_config);
	free(t->origin);
	memset(t, 0, sizeof(*t));
}

void
target_list_free(struct target_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		target_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static struct target *
target_list_add(struct target_list *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

static int
name_char(int c)
{
	return isascii(c) && (isalnum(c) || c == '.' || c == '_' || c == '-');
}

/* Why s is not a host name keyaudit will pass on, or NULL when it is.
 * what: "host", "ansible_host", ... for the message. colon: ':' allowed
 * (inside brackets, or an IPv6 address). */
static char *
host_problem(const char *what, const char *s, int colon)
{
	char *ps, *pc;
	char *msg;

	if (*s == '\0')
		return xasprintf("empty %s name", what);
	if (s[0] == '-') {
		ps = str_printable(s, strlen(s));
		msg = xasprintf("%s '%s' starts with '-', which is not allowed "
		    "(it would read as an option)", what, ps);
		free(ps);
		return msg;
	}
	for (const char *p = s; *p != '\0'; p++) {
		if (name_char((unsigned char)*p) || (colon && *p == ':'))
			continue;
		ps = str_printable(s, strlen(s));
		pc = str_printable(p, 1);
		msg = xasprintf("%s '%s' has '%s', which is not allowed (allowed: %s%s)",
		    what, ps, pc, allowed_msg, colon ? ", and ':' in an IPv6 address" :
		    "; ':' only inside [] for IPv6");
		free(ps);
		free(pc);
		return msg;
	}
	return NULL;
}

static char *
user_problem(const char *what, const char *s)
{
	char *ps, *pc, *msg;

	if (*s == '\0')
		return xasprintf("empty %s", what);
	if (s[0] == '-') {
		ps = str_printable(s, strlen(s));
		msg = xasprintf("%s '%s' starts with '-', which is not allowed "
		    "(it would read as an option)", what, ps);
		free(ps);
		return msg;
	}
	for (const char *p = s; *p != '\0'; p++) {
		if (name_char((unsigned char)*p))
			continue;
		ps = str_printable(s, strlen(s));
		pc = str_printable(p, 1);
		msg = xasprintf("%s '%s' has '%s', which is not allowed (allowed: %s)",
		    what, ps, pc, allowed_msg);
		free(ps);
		free(pc);
		return msg;
	}
	return NULL;
}

static int
is_ipv6(const char *s)
{
	unsigned char a[16];

	return inet_pton(AF_INET6, s, a) == 1;
}

/* "1".."65535", digits only (no service names). 0 when not. */
static int
port_value(const char *s)
{
	long v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 5 || strspn(s, "0123456789") != n)
		return 0;
	v = strtol(s, NULL, 10);
	return v >= 1 && v <= 65535 ? (int)v : 0;
}

static char *
port_problem(const char *what, const char *s)
{
	char *ps = str_printable(s, strlen(s));
	char *msg = xasprintf("bad %s '%s' (expected a number from 1 to 65535)", what, ps);

	free(ps);
	return msg;
}

/*
 * Splits "host", "host:port", "[x]", "[x]:port" or a bare IPv6 address
 * (no port). *host is allocated; *port 0 when absent. NULL, or the problem.
 */
static char *
split_hostport(const char *s, char **host, int *port)
{
	const char *c;
	char *h = NULL, *msg;
	size_t ncolon = 0;

	*host = NULL;
	*port = 0;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL)
			return xstrdup("'[' without ']' (expected [host] or [IPv6]:port)");
		h = xstrndup(s + 1, (size_t)(close - s - 1));
		if (close[1] == ':') {
			if ((*port = port_value(close + 2)) == 0) {
				msg = port_problem("port", close + 2);
				free(h);
				return msg;
			}
		} else if (close[1] != '\0') {
			char *pr = str_printable(close + 1, strlen(close + 1));
			msg = xasprintf("unexpected '%s' after ']' (expected :port or nothing)", pr);
			free(pr);
			free(h);
			return msg;
		}
		if ((msg = host_problem("host", h, 1)) != NULL) {
			free(h);
			return msg;
		}
		if (strchr(h, ':') != NULL && !is_ipv6(h)) {
			char *ph = str_printable(h, strlen(h));
			msg = xasprintf("'%s' inside [] has ':' but is not an IPv6 address", ph);
			free(ph);
			free(h);
			return msg;
		}
		*host = h;
		return NULL;
	}
	for (c = s; *c != '\0'; c++)
		ncolon += *c == ':';
	if (ncolon == 1) {
		c = strchr(s, ':');
		h = xstrndup(s, (size_t)(c - s));
		if ((*port = port_value(c + 1)) == 0) {
			free(h);
			return port_problem("port", c + 1);
		}
	} else if (ncolon > 1) {
		if (!is_ipv6(s)) {
			char *ps = str_printable(s, strlen(s));
			msg = xasprintf("'%s' has several ':' but is not an IPv6 address "
			    "(expected host:port, [IPv6]:port or a bare IPv6 address)", ps);
			free(ps);
			return msg;
		}
		h = xstrdup(s);
	} else
		h = xstrdup(s);
	if ((msg = host_problem("host", h, ncolon > 1)) != NULL) {
		free(h);
		return msg;
	}
	*host = h;
	return NULL;
}

int
target_parse(const char *arg, const char *origin, struct target *out, char **err)
{
	const char *at, *rest;
	char *msg = NULL, *user = NULL, *host = NULL;
	size_t len = arg ? strlen(arg) : 0;
	int port = 0;

	memset(out, 0, sizeof(*out));
	*err = NULL;
	if (origin == NULL)
		origin = "argument";
	if (len == 0) {
		*err = xasprintf("%s: empty target (expected [user@]host[:port] or local)",
		    origin);
		return -1;
	}
	if (len > TARGET_MAX_LEN) {
		*err = xasprintf("%s: target longer than %d characters", origin,
		    TARGET_MAX_LEN);
		return -1;
	}
	if (strcmp(arg, "local") == 0) {
		out->name = xstrdup(arg);
		out->origin = xstrdup(origin);
		return 0;
	}
	rest = arg;
	if ((at = strrchr(arg, '@')) != NULL) {
		user = xstrndup(arg, (size_t)(at - arg));
		rest = at + 1;
		if (*user == '\0')
			msg = xstrdup("empty user before '@' (expected user@host)");
		else
			msg = user_problem("user", user);
	}
	if (msg == NULL && *rest == '\0')
		msg = xstrdup("empty host after '@' (expected user@host)");
	if (msg == NULL)
		msg = split_hostport(rest, &host, &port);
	if (msg != NULL) {
		char *pa = str_printable(arg, len);
		*err = xasprintf("%s: target '%s': %s", origin, pa, msg);
		free(pa);
		free(msg);
		free(user);
		free(host);
		return -1;
	}
	out->name = xstrdup(arg);
	out->host = host;
	out->user = user;
	out->port = port;
	out->origin = xstrdup(origin);
	return 0;
}

/* ------------------------------------------------------ line iteration */

struct lines {
	const char *p, *end;
	int lineno;
};

/* The next line without its newline (and a CR before it), leading and
 * trailing blanks trimmed. 0 at the end. */
static int
next_line(struct lines *ls, const char **s, size_t *n)
{
	const char *b, *e, *nl;

	if (ls->p >= ls->end)
		return 0;
	b = ls->p;
	nl = memchr(b, '\n', (size_t)(ls->end - b));
	e = nl ? nl : ls->end;
	ls->p = nl ? nl + 1 : ls->end;
	ls->lineno++;
	while (b < e && (*b == ' ' || *b == '\t'))
		b++;
	while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	*s = b;
	*n = (size_t)(e - b);
	return 1;
}

/* ------------------------------------------------------ plain host list */

static int
parse_plain(const char *text, size_t len, const char *name, struct target_list *out,
    struct strmap *seen, char **err)
{
	struct lines ls = { text, text + len, 0 };
	const char *s;
	size_t n;

	while (next_line(&ls, &s, &n)) {
		struct target t;
		char *line, *origin, *hash;
		size_t dummy;

		if (n == 0 || *s == '#')
			continue;
		if (memchr(s, '\0', n) != NULL) {
			*err = xasprintf("%s:%d: NUL byte in a host line", name, ls.lineno);
			return -1;
		}
		line = xstrndup(s, n);
		/* a comment after a blank; '#' elsewhere is a bad character */
		for (hash = line; (hash = strchr(hash, '#')) != NULL; hash++)
			if (hash > line && (hash[-1] == ' ' || hash[-1] == '\t')) {
				*hash = '\0';
				break;
			}
		n = strlen(line);
		while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
			line[--n] = '\0';
		origin = xasprintf("%s:%d", name, ls.lineno);
		if (target_parse(line, origin, &t, err) != 0) {
			free(origin);
			free(line);
			return -1;
		}
		free(origin);
		free(line);
		if (strmap_get(seen, t.name, strlen(t.name), &dummy)) {
			target_free(&t);
			continue;
		}
		if (out->n >= INVENTORY_MAX_HOSTS) {
			*err = xasprintf("%s:%d: more than %d hosts (keyaudit's limit)", name,
			    ls.lineno, INVENTORY_MAX_HOSTS);
			target_free(&t);
			return -1;
		}
		*target_list_add(out) = t;
		strmap_add(seen, t.name, strlen(t.name), out->n - 1, NULL);
	}
	return 0;
}

/* ----------------------------------------------------------- Ansible INI */

/* The connection variables keyaudit reads; everything else is ignored. */
enum { V_HOST, V_SSH_HOST, V_PORT, V_SSH_PORT, V_USER, V_SSH_USER, V_SSHD_CONFIG,
	V_CONNECTION, NVARS };

static const char *const var_names[NVARS] = {
	"ansible_host", "ansible_ssh_host", "ansible_port", "ansible_ssh_port",
	"ansible_user", "ansible_ssh_user", "keyaudit_sshd_config", "ansible_connection",
};

/* ansible_connection values keyaudit can follow: the ssh ones (it connects
 * with its own SSH client) and local (Ansible runs on the control node
 * itself: keyaudit audits this machine). */
static const char *const ssh_connections[] = { "ssh", "smart", "paramiko",
	"paramiko_ssh", NULL };

struct vars {
	char *v[NVARS];
};

struct idx {
	size_t *v;
	size_t n, cap;
};

struct group {
	char *name;
	int declared;		/* by [g] or [g:children] */
	int ref_line;		/* first mention, for "undefined group" */
	int ref_vars;		/* that mention was a [g:vars] header */
	char *ref_parent;	/* or a [parent:children] line */
	struct idx hosts, children, child_lines, parents;
	struct vars vars;
	int depth;
	unsigned mark;
	size_t indeg;
};

struct ihost {
	char *name;		/* inventory hostname */
	char *host;		/* brackets removed */
	int line;
	struct idx groups;	/* direct */
	struct vars vars;
};

struct ini {
	const char *file;
	struct group *g;
	size_t ng, capg;
	struct ihost *h;
	size_t nh, caph;
	struct strmap gmap, hmap;
	size_t generated;
	unsigned mark;
	char *err;
};

static void
idx_add(struct idx *x, size_t v)
{
	if (x->n == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 4;
		x->v = xreallocarray(x->v, x->cap, sizeof(*x->v));
	}
	x->v[x->n++] = v;
}

static int
idx_has(const struct idx *x, size_t v)
{
	for (size_t i = 0; i < x->n; i++)
		if (x->v[i] == v)
			return 1;
	return 0;
}

static void
vars_free(struct vars *v)
{
	for (int i = 0; i < NVARS; i++)
		free(v->v[i]);
}

static void
ini_free(struct ini *in)
{
	for (size_t i = 0; i < in->ng; i++) {
		struct group *g = &in->g[i];
		free(g->name);
		free(g->ref_parent);
		free(g->hosts.v);
		free(g->children.v);
		free(g->child_lines.v);
		free(g->parents.v);
		vars_free(&g->vars);
	}
	for (size_t i = 0; i < in->nh; i++) {
		free(in->h[i].name);
		free(in->h[i].host);
		free(in->h[i].groups.v);
		vars_free(&in->h[i].vars);
	}
	free(in->g);
	free(in->h);
	strmap_free(&in->gmap);
	strmap_free(&in->hmap);
	free(in->err);
}

static int
ini_error(struct ini *in, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
ini_error(struct ini *in, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (in->err != NULL)
		return -1;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	in->err = line > 0 ? xasprintf("%s:%d: %s", in->file, line, msg) :
	    xasprintf("%s: %s", in->file, msg);
	free(msg);
	return -1;
}

/* The group's index, created (undeclared) on first mention. -1 past the
 * group limit. */
static long
group_get(struct ini *in, const char *name, int line)
{
	size_t i;

	if (strmap_get(&in->gmap, name, strlen(name), &i))
		return (long)i;
	if (in->ng >= MAX_GROUPS)
		return ini_error(in, line, "more than %d groups (keyaudit's limit)",
		    MAX_GROUPS);
	if (in->ng == in->capg) {
		in->capg = in->capg ? in->capg * 2 : 16;
		in->g = xreallocarray(in->g, in->capg, sizeof(*in->g));
	}
	memset(&in->g[in->ng], 0, sizeof(in->g[0]));
	in->g[in->ng].name = xstrdup(name);
	in->g[in->ng].ref_line = line;
	strmap_add(&in->gmap, name, strlen(name), in->ng, NULL);
	return (long)in->ng++;
}

/*
 * Ansible's section regex: "[" name (no ':', ']' or blank) [":" tag (word
 * characters)] "]", then blanks and an optional "#" comment. 1 when s is
 * one; name and tag point into s.
 */
static int
section_header(const char *s, size_t n, const char **name, size_t *nlen,
    const char **tag, size_t *tlen)
{
	size_t i = 1, j;

	if (n < 3 || s[0] != '[')
		return 0;
	while (i < n && s[i] != ':' && s[i] != ']' && !isspace((unsigned char)s[i]))
		i++;
	if (i == 1 || i >= n)
		return 0;
	*name = s + 1;
	*nlen = i - 1;
	*tag = NULL;
	*tlen = 0;
	if (s[i] == ':') {
		j = ++i;
		while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_'))
			i++;
		if (i == j)
			return 0;
		*tag = s + j;
		*tlen = i - j;
	}
	if (i >= n || s[i] != ']')
		return 0;
	i++;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	return i == n || s[i] == '#';
}

static int
tag_is(const char *tag, size_t tlen, const char *word)
{
	return tlen == strlen(word) && strncmp(tag, word, tlen) == 0;
}

/* Is this text an INI inventory (a [name], [name:children] or [name:vars]
 * header on some non-comment line)? */
static int
looks_like_ini(const char *text, size_t len)
{
	struct lines ls = { text, text + len, 0 };
	const char *s, *nm, *tag;
	size_t n, nl, tl;

	while (next_line(&ls, &s, &n)) {
		if (n == 0 || *s == '#' || *s == ';')
			continue;
		if (section_header(s, n, &nm, &nl, &tag, &tl) &&
		    (tag == NULL || tag_is(tag, tl, "children") || tag_is(tag, tl, "vars")))
			return 1;
		/* an ungrouped host with variables ("web1 ansible_host=10.0.0.1"):
		 * valid Ansible INI with no section at all, never a plain target */
		{
			size_t a = 0;

			while (a < n && !isspace((unsigned char)s[a]))
				a++;
			while (a < n && isspace((unsigned char)s[a]))
				a++;
			if (a < n && s[a] != '#' && memchr(s + a, '=', n - a) != NULL)
				return 1;
		}
	}
	return 0;
}

/*
 * Words of a host line as Python's shlex.split(comments=True) gives them:
 * blanks separate, '...' and "..." quote, a backslash escapes the next
 * character (inside double quotes only \ and "), and '#' outside quotes
 * ends the line. -1 on an unterminated quote.
 */
static int
shlex_words(const char *s, struct strlist *out)
{
	struct buf w;
	int quote = 0, inword = 0;

	buf_init(&w);
	for (;; s++) {
		char c = *s;

		if (quote == 0 && (c == '\0' || c == ' ' || c == '\t' || c == '#')) {
			if (inword)
				strlist_add(out, w.data ? w.data : "");
			w.len = 0;
			if (w.data)
				w.data[0] = '\0';
			inword = 0;
			if (c == '\0' || c == '#')
				break;
			continue;
		}
		if (c == '\0') {
			buf_free(&w);
			return -1;
		}
		inword = 1;
		if (quote == 0 && (c == '\'' || c == '"'))
			quote = c;
		else if (quote != 0 && c == quote)
			quote = 0;
		else if (c == '\\' && quote != '\'' && s[1] != '\0' &&
		    (quote == 0 || s[1] == '"' || s[1] == '\\'))
			buf_putc(&w, *++s);
		else
			buf_putc(&w, c);
	}
	buf_free(&w);
	return 0;
}

/* A value as Ansible's literal_eval leaves a string: surrounding quotes
 * removed. Unquoted values lose a trailing " #comment" (Ansible would keep
 * it; no value keyaudit reads can contain one). */
static char *
unquote_value(const char *v)
{
	size_t n;
	char *r, *h;
	const char *close;

	if ((v[0] == '\'' || v[0] == '"') && (close = strchr(v + 1, v[0])) != NULL) {
		const char *after = close + 1 + strspn(close + 1, " \t");

		if (*after == '\0' || (*after == '#' && after > close + 1))
			return xstrndup(v + 1, (size_t)(close - v - 1));
	}
	r = xstrdup(v);
	for (h = r; (h = strchr(h, '#')) != NULL; h++)
		if (h > r && (h[-1] == ' ' || h[-1] == '\t')) {
			*h = '\0';
			break;
		}
	n = strlen(r);
	while (n > 0 && (r[n - 1] == ' ' || r[n - 1] == '\t'))
		r[--n] = '\0';
	return r;
}

/* Checks and stores key=value into vars (keys keyaudit does not read are
 * accepted and dropped). */
static int
set_var(struct ini *in, int line, struct vars *vs, const char *key, const char *value)
{
	char *msg = NULL, *v;
	int k;

	if (*key == '\0')
		return ini_error(in, line, "empty variable name before '=' "
		    "(expected key=value)");
	for (k = 0; k < NVARS; k++)
		if (strcmp(key, var_names[k]) == 0)
			break;
	if (k == NVARS)
		return 0;
	v = xstrdup(value);
	switch (k) {
	case V_HOST:
	case V_SSH_HOST: {
		size_t n = strlen(v);
		if (n >= 2 && v[0] == '[' && v[n - 1] == ']') {
			memmove(v, v + 1, n - 2);
			v[n - 2] = '\0';
		}
		msg = host_problem(key, v, strchr(v, ':') != NULL);
		if (msg == NULL && strchr(v, ':') != NULL && !is_ipv6(v)) {
			char *pv = str_printable(v, strlen(v));
			msg = xasprintf("%s '%s' has ':' but is not an IPv6 address", key, pv);
			free(pv);
		}
		break;
	}
	case V_PORT:
	case V_SSH_PORT:
		if (port_value(v) == 0)
			msg = port_problem(key, v);
		break;
	case V_USER:
	case V_SSH_USER:
		msg = user_problem(key, v);
		break;
	case V_CONNECTION:
		/* checked for the hosts selected (a --limit may leave out the
		 * winrm group): here only that it is a plain word */
		for (const char *c = v; *c != '\0' && msg == NULL; c++)
			if (!name_char((unsigned char)*c)) {
				char *pv = str_printable(v, strlen(v));
				msg = xasprintf("ansible_connection '%s' is not a plugin name",
				    pv);
				free(pv);
			}
		if (*v == '\0')
			msg = xstrdup("empty ansible_connection (expected ssh or local)");
		break;
	case V_SSHD_CONFIG:
		if (v[0] != '/' || strlen(v) > PATH_VAR_MAX ||
		    str_has_control(v, strlen(v))) {
			char *pv = str_printable(v, strlen(v));
			msg = xasprintf("keyaudit_sshd_config '%s' is not an absolute path "
			    "(expected /path/to/sshd_config, no control characters)", pv);
			free(pv);
		}
		break;
	}
	if (msg != NULL) {
		ini_error(in, line, "%s", msg);
		free(msg);
		free(v);
		return -1;
	}
	free(vs->v[k]);
	vs->v[k] = v;
	return 0;
}

/* One [start:end[:step]] of a host pattern. */
struct range {
	int alpha;
	long beg, end, step;
	int width;		/* zero padding, 0 = none */
};

static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

static int
all_digits(const char *s)
{
	return *s != '\0' && strspn(s, "0123456789") == strlen(s);
}

/* Parses the text between [ and ]. NULL, or the problem. */
static char *
range_parse(const char *spec, struct range *r)
{
	char *copy = xstrdup(spec), *part[4], *p = copy, *msg = NULL;
	int n = 0;

	memset(r, 0, sizeof(*r));
	while (n < 4) {
		part[n++] = p;
		if ((p = strchr(p, ':')) == NULL)
			break;
		*p++ = '\0';
	}
	if (n != 2 && n != 3) {
		msg = xstrdup("host range must be [begin:end] or [begin:end:step]");
		goto out;
	}
	if (*part[0] == '\0')
		part[0] = "0";
	if (*part[1] == '\0') {
		msg = xstrdup("host range must specify its end value ([begin:end])");
		goto out;
	}
	r->step = 1;
	if (n == 3) {
		if (!all_digits(part[2]) || strlen(part[2]) > 6 ||
		    (r->step = strtol(part[2], NULL, 10)) < 1) {
			msg = xstrdup("host range step must be a number from 1 to 999999");
			goto out;
		}
	}
	if (part[0][0] == '0' && strlen(part[0]) > 1) {
		r->width = (int)strlen(part[0]);
		if (strlen(part[1]) != strlen(part[0])) {
			msg = xstrdup("host range must have begin and end of equal length "
			    "when begin has leading zeros (e.g. [01:20])");
			goto out;
		}
	}
	if (strlen(part[0]) == 1 && strlen(part[1]) == 1 &&
	    isalpha((unsigned char)part[0][0]) && isalpha((unsigned char)part[1][0]) &&
	    isascii((unsigned char)part[0][0]) && isascii((unsigned char)part[1][0])) {
		r->alpha = 1;
		r->beg = strchr(letters, part[0][0]) - letters;
		r->end = strchr(letters, part[1][0]) - letters;
	} else if (all_digits(part[0]) && all_digits(part[1]) &&
	    strlen(part[0]) <= 9 && strlen(part[1]) <= 9) {
		r->beg = strtol(part[0], NULL, 10);
		r->end = strtol(part[1], NULL, 10);
	} else {
		msg = xstrdup("host range bounds must be numbers (at most 9 digits) or "
		    "single letters, e.g. [1:20] or [a:f]");
		goto out;
	}
	if (r->beg > r->end)
		msg = xstrdup("host range must have begin <= end");
out:
	free(copy);
	return msg;
}

static long
range_count(const struct range *r)
{
	return (r->end - r->beg) / r->step + 1;
}

static void
range_put(struct buf *b, const struct range *r, long i)
{
	long v = r->beg + i * r->step;

	if (r->alpha)
		buf_putc(b, letters[v]);
	else
		buf_printf(b, "%0*ld", r->width, v);
}

/* Expands a host pattern's ranges into out, left to right like Ansible.
 * NULL, or the problem. */
static char *
expand_ranges(struct ini *in, const char *pat, struct strlist *out)
{
	struct strlist lit = { 0 };
	struct range *rs = NULL;
	size_t nr = 0;
	const char *p = pat;
	unsigned long total = 1;
	char *msg = NULL;

	for (;;) {
		const char *o = strchr(p, '['), *c = strchr(p, ']');

		if (c != NULL && (o == NULL || c < o)) {
			msg = xstrdup("']' without '[' in host pattern");
			goto out;
		}
		if (o == NULL) {
			strlist_add(&lit, p);
			break;
		}
		if (c == NULL) {
			msg = xstrdup("unterminated host range: '[' without ']' "
			    "(expected [begin:end] or [begin:end:step])");
			goto out;
		}
		{
			char *l = xstrndup(p, (size_t)(o - p));
			char *spec = xstrndup(o + 1, (size_t)(c - o - 1));

			strlist_add_owned(&lit, l);
			rs = xreallocarray(rs, nr + 1, sizeof(*rs));
			msg = range_parse(spec, &rs[nr]);
			free(spec);
			if (msg != NULL)
				goto out;
			total *= (unsigned long)range_count(&rs[nr]);
			nr++;
			if (total > INVENTORY_MAX_HOSTS) {
				msg = xasprintf("host range expands to more than %d hosts "
				    "(keyaudit's limit)", INVENTORY_MAX_HOSTS);
				goto out;
			}
		}
		p = c + 1;
	}
	in->generated += total;
	if (in->generated > MAX_GENERATED) {
		msg = xasprintf("host ranges generate more than %u names in all "
		    "(keyaudit's limit)", MAX_GENERATED);
		goto out;
	}
	for (unsigned long k = 0; k < total; k++) {
		struct buf b;
		unsigned long rem = k;
		long digit[64];
		size_t i;

		if (nr > 64) {
			msg = xstrdup("more than 64 ranges in one host pattern");
			goto out;
		}
		/* the last range varies fastest, as Ansible nests them */
		for (i = nr; i-- > 0;) {
			long cnt = range_count(&rs[i]);
			digit[i] = (long)(rem % (unsigned long)cnt);
			rem /= (unsigned long)cnt;
		}
		buf_init(&b);
		for (i = 0; i < nr; i++) {
			buf_puts(&b, lit.v[i]);
			range_put(&b, &rs[i], digit[i]);
		}
		buf_puts(&b, lit.v[nr]);
		strlist_add_owned(out, buf_steal(&b));
	}
out:
	strlist_free(&lit);
	free(rs);
	return msg;
}

/*
 * A host pattern: "name", "name:port", "[v6]", "[v6]:port", a bare IPv6
 * address, with [a:b] ranges in the name. Hosts are added to group gi.
 */
static int
host_line(struct ini *in, int line, long gi, const char *text)
{
	struct strlist w = { 0 }, names = { 0 };
	char *msg = NULL, *base = NULL;
	int port = 0, rc = -1;
	size_t i;

	if (shlex_words(text, &w) != 0) {
		char *pt = str_printable(text, strlen(text));
		ini_error(in, line, "unterminated quote in host line '%s'", pt);
		free(pt);
		goto out;
	}
	if (w.n == 0) {
		rc = 0;
		goto out;
	}
	{
		const char *pat = w.v[0], *close;
		int depth = 0;
		size_t ncolon = 0, lastcolon = 0;

		if (strchr(pat, '@') != NULL) {
			char *pp = str_printable(pat, strlen(pat));
			ini_error(in, line, "host '%s' has '@': inventory names are hosts "
			    "only (set the login with ansible_user=NAME)", pp);
			free(pp);
			goto out;
		}
		close = pat[0] == '[' ? strchr(pat, ']') : NULL;
		if (close != NULL) {
			char *inner = xstrndup(pat + 1, (size_t)(close - pat - 1));
			int addr = strchr(inner, ':') == NULL ? strchr(inner, '[') == NULL :
			    is_ipv6(inner);

			free(inner);
			if (addr && (close[1] == '\0' || close[1] == ':')) {
				msg = split_hostport(pat, &base, &port);
				if (msg != NULL)
					goto bad;
				strlist_add(&names, base);
				goto vars;
			}
		}
		for (i = 0; pat[i] != '\0'; i++) {
			if (pat[i] == '[')
				depth++;
			else if (pat[i] == ']' && --depth < 0) {
				msg = xstrdup("']' without '[' in host pattern");
				goto bad;
			}
			else if (pat[i] == ':' && depth == 0) {
				ncolon++;
				lastcolon = i;
			}
		}
		if (ncolon > 1) {
			if (!is_ipv6(pat)) {
				char *pp = str_printable(pat, strlen(pat));
				msg = xasprintf("'%s' has several ':' but is not an IPv6 "
				    "address (expected name, name:port or [IPv6]:port)", pp);
				free(pp);
				goto bad;
			}
			base = xstrdup(pat);
			if ((msg = host_problem("host", base, 1)) != NULL)
				goto bad;
			strlist_add(&names, base);
			goto vars;
		}
		if (ncolon == 1) {
			if ((port = port_value(pat + lastcolon + 1)) == 0) {
				msg = port_problem("port", pat + lastcolon + 1);
				goto bad;
			}
			base = xstrndup(pat, lastcolon);
		} else
			base = xstrdup(pat);
		if (strpbrk(base, "[]") != NULL) {
			if ((msg = expand_ranges(in, base, &names)) != NULL)
				goto bad;
		} else
			strlist_add(&names, base);
		for (i = 0; i < names.n; i++)
			if ((msg = host_problem("host", names.v[i], 0)) != NULL)
				goto bad;
	}
vars:
	for (i = 0; i < names.n; i++) {
		size_t hi;
		struct ihost *h;

		if (!strmap_get(&in->hmap, names.v[i], strlen(names.v[i]), &hi)) {
			if (in->nh >= INVENTORY_MAX_HOSTS) {
				ini_error(in, line, "more than %d hosts (keyaudit's limit)",
				    INVENTORY_MAX_HOSTS);
				goto out;
			}
			if (in->nh == in->caph) {
				in->caph = in->caph ? in->caph * 2 : 64;
				in->h = xreallocarray(in->h, in->caph, sizeof(*in->h));
			}
			h = &in->h[in->nh];
			memset(h, 0, sizeof(*h));
			h->name = xstrdup(names.v[i]);
			h->host = xstrdup(names.v[i]);
			h->line = line;
			/* Ansible keeps NAME:PORT as the host's own ansible_port,
			 * from the host's first line only */
			if (port != 0)
				h->vars.v[V_PORT] = xasprintf("%d", port);
			strmap_add(&in->hmap, h->name, strlen(h->name), in->nh, NULL);
			hi = in->nh++;
		}
		h = &in->h[hi];
		if (!idx_has(&h->groups, (size_t)gi)) {
			idx_add(&h->groups, (size_t)gi);
			idx_add(&in->g[gi].hosts, hi);
		}
		for (size_t k = 1; k < w.n; k++) {
			char *eq = strchr(w.v[k], '='), *key, *val;
			int r;

			if (eq == NULL) {
				char *pk = str_printable(w.v[k], strlen(w.v[k]));
				ini_error(in, line, "expected key=value host variable, got '%s'", pk);
				free(pk);
				goto out;
			}
			key = xstrndup(w.v[k], (size_t)(eq - w.v[k]));
			val = unquote_value(eq + 1);
			r = set_var(in, line, &h->vars, key, val);
			free(key);
			free(val);
			if (r != 0)
				goto out;
		}
	}
	rc = 0;
	goto out;
bad:
	ini_error(in, line, "%s", msg);
out:
	free(msg);
	free(base);
	strlist_free(&w);
	strlist_free(&names);
	return rc;
}

static int
vars_line(struct ini *in, int line, long gi, const char *s, size_t n)
{
	const char *eq = memchr(s, '=', n);
	char *key, *val, *raw;
	size_t kl;
	int r;

	if (eq == NULL) {
		char *ps = str_printable(s, n);
		r = ini_error(in, line, "expected key=value in [%s:vars], got '%s'",
		    in->g[gi].name, ps);
		free(ps);
		return r;
	}
	kl = (size_t)(eq - s);
	while (kl > 0 && (s[kl - 1] == ' ' || s[kl - 1] == '\t'))
		kl--;
	key = xstrndup(s, kl);
	eq++;
	while (eq < s + n && (*eq == ' ' || *eq == '\t'))
		eq++;
	raw = xstrndup(eq, (size_t)(s + n - eq));
	val = unquote_value(raw);
	r = set_var(in, line, &in->g[gi].vars, key, val);
	free(key);
	free(val);
	free(raw);
	return r;
}

static int
children_line(struct ini *in, int line, long gi, const char *s, size_t n)
{
	size_t i = 0, j;
	char *name;
	long ci;

	while (i < n && s[i] != ':' && s[i] != ']' && !isspace((unsigned char)s[i]))
		i++;
	j = i;
	while (j < n && isspace((unsigned char)s[j]))
		j++;
	if (i == 0 || (j < n && s[j] != '#')) {
		char *ps = str_printable(s, n);
		int r = ini_error(in, line, "expected a group name in [%s:children], "
		    "got '%s'", in->g[gi].name, ps);
		free(ps);
		return r;
	}
	name = xstrndup(s, i);
	if (strcmp(name, "all") == 0) {
		free(name);
		return ini_error(in, line, "group 'all' cannot be a child of '%s' "
		    "(every group is already in 'all')", in->g[gi].name);
	}
	if ((ci = group_get(in, name, line)) < 0) {
		free(name);
		return -1;
	}
	if (in->g[ci].ref_line == line && !in->g[ci].declared &&
	    in->g[ci].ref_parent == NULL && !in->g[ci].ref_vars)
		in->g[ci].ref_parent = xstrdup(in->g[gi].name);
	free(name);
	if (!idx_has(&in->g[gi].children, (size_t)ci)) {
		idx_add(&in->g[gi].children, (size_t)ci);
		idx_add(&in->g[gi].child_lines, (size_t)line);
		idx_add(&in->g[ci].parents, (size_t)gi);
	}
	return 0;
}

/* The first parent of gi that Kahn's pass left over. */
static size_t
left_parent(const struct ini *in, size_t gi)
{
	for (size_t k = 0; k < in->g[gi].parents.n; k++)
		if (in->g[in->g[gi].parents.v[k]].indeg != 0)
			return in->g[gi].parents.v[k];
	return gi;
}

/* Kahn's order over the children edges; a cycle is reported with its path. */
static int
order_groups(struct ini *in, struct idx *order)
{
	struct idx queue = { 0 };
	size_t head = 0;

	for (size_t i = 0; i < in->ng; i++)
		in->g[i].indeg = in->g[i].parents.n;
	for (size_t i = 0; i < in->ng; i++)
		if (in->g[i].indeg == 0)
			idx_add(&queue, i);
	while (head < queue.n) {
		size_t gi = queue.v[head++];

		idx_add(order, gi);
		for (size_t k = 0; k < in->g[gi].children.n; k++) {
			size_t c = in->g[gi].children.v[k];
			if (--in->g[c].indeg == 0)
				idx_add(&queue, c);
		}
	}
	free(queue.v);
	if (order->n == in->ng)
		return 0;
	/* Every group left over has a parent left over: walk up until one
	 * repeats, and that walk is a cycle. */
	{
		unsigned char *seen = xcalloc(in->ng, 1);
		struct idx up = { 0 };
		struct buf path;
		size_t cur = 0, x;
		int line = 0;

		while (in->g[cur].indeg == 0)
			cur++;
		while (!seen[cur]) {
			seen[cur] = 1;
			cur = left_parent(in, cur);
		}
		x = cur;
		do {
			idx_add(&up, x);
			x = left_parent(in, x);
		} while (x != cur && up.n < in->ng);
		/* up holds child, parent, grandparent...; print it downwards */
		buf_init(&path);
		buf_puts(&path, in->g[cur].name);
		for (size_t k = up.n; k-- > 0;)
			buf_printf(&path, " -> %s", in->g[up.v[k]].name);
		{
			struct group *p = &in->g[up.n > 1 ? up.v[1] : cur];
			for (size_t k = 0; k < p->children.n; k++)
				if (p->children.v[k] == cur)
					line = (int)p->child_lines.v[k];
		}
		ini_error(in, line, "group cycle through :children sections: %s "
		    "(a group cannot contain itself)", path.data);
		buf_free(&path);
		free(up.v);
		free(seen);
		return -1;
	}
}

static void
merge_vars(const char *out[NVARS], const struct vars *v)
{
	for (int k = 0; k < NVARS; k++)
		if (v->v[k] != NULL)
			out[k] = v->v[k];
}

static int
cmp_groups(const void *a, const void *b, void *arg)
{
	const struct ini *in = arg;
	const struct group *x = &in->g[*(const size_t *)a], *y = &in->g[*(const size_t *)b];

	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Every group host hi is in (directly, through parents, and "all"). */
static void
host_groups(struct ini *in, size_t hi, struct idx *out)
{
	struct idx stack = { 0 };

	in->mark++;
	out->n = 0;
	for (size_t k = 0; k < in->h[hi].groups.n; k++)
		idx_add(&stack, in->h[hi].groups.v[k]);
	while (stack.n > 0) {
		size_t g = stack.v[--stack.n];

		if (in->g[g].mark == in->mark)
			continue;
		in->g[g].mark = in->mark;
		idx_add(out, g);
		for (size_t k = 0; k < in->g[g].parents.n; k++)
			idx_add(&stack, in->g[g].parents.v[k]);
	}
	free(stack.v);
}

/* Selects the hosts named by limit. */
static int
apply_limit(struct ini *in, const char *limit, unsigned char *sel)
{
	char *copy = xstrdup(limit), *save = NULL, *item;
	int rc = 0;

	for (item = strtok_r(copy, ",", &save); item != NULL && rc == 0;
	    item = strtok_r(NULL, ",", &save)) {
		struct strlist parts = { 0 };
		size_t v;

		/* a host name with ':' (IPv6) stays whole */
		if (strmap_get(&in->hmap, item, strlen(item), &v))
			strlist_add(&parts, item);
		else {
			char *s2 = NULL, *part;
			for (part = strtok_r(item, ":", &s2); part != NULL;
			    part = strtok_r(NULL, ":", &s2))
				strlist_add(&parts, part);
		}
		for (size_t p = 0; p < parts.n && rc == 0; p++) {
			const char *nm = parts.v[p];

			if (strmap_get(&in->gmap, nm, strlen(nm), &v) && in->g[v].declared) {
				struct idx stack = { 0 };

				in->mark++;
				idx_add(&stack, v);
				while (stack.n > 0) {
					size_t g = stack.v[--stack.n];

					if (in->g[g].mark == in->mark)
						continue;
					in->g[g].mark = in->mark;
					for (size_t k = 0; k < in->g[g].hosts.n; k++)
						sel[in->g[g].hosts.v[k]] = 1;
					for (size_t k = 0; k < in->g[g].children.n; k++)
						idx_add(&stack, in->g[g].children.v[k]);
				}
				free(stack.v);
			} else if (strmap_get(&in->hmap, nm, strlen(nm), &v))
				sel[v] = 1;
			else {
				char *pn = str_printable(nm, strlen(nm));
				rc = ini_error(in, 0, "--limit '%s' is neither a group nor a "
				    "host of this inventory (expected group or host names, "
				    "or all)", pn);
				free(pn);
			}
		}
		strlist_free(&parts);
	}
	free(copy);
	return rc;
}

static int
parse_ini(struct ini *in, const char *text, size_t len, const char *limit,
    struct target_list *out)
{
	struct lines ls = { text, text + len, 0 };
	struct idx order = { 0 }, groups = { 0 };
	unsigned char *sel = NULL;
	const char *s;
	size_t n;
	long all, ungrouped, gi;
	enum { S_HOSTS, S_CHILDREN, S_VARS } state = S_HOSTS;
	int rc = -1;

	all = group_get(in, "all", 0);
	ungrouped = group_get(in, "ungrouped", 0);
	in->g[all].declared = in->g[ungrouped].declared = 1;
	gi = ungrouped;
	while (next_line(&ls, &s, &n)) {
		const char *nm, *tag;
		size_t nl, tl;
		char *line;

		if (n == 0 || *s == '#' || *s == ';')
			continue;
		if (memchr(s, '\0', n) != NULL) {
			ini_error(in, ls.lineno, "NUL byte in the line");
			goto out;
		}
		if (section_header(s, n, &nm, &nl, &tag, &tl)) {
			char *gname = xstrndup(nm, nl);

			if (tag == NULL || tag_is(tag, tl, "hosts"))
				state = S_HOSTS;
			else if (tag_is(tag, tl, "children"))
				state = S_CHILDREN;
			else if (tag_is(tag, tl, "vars"))
				state = S_VARS;
			else {
				char *pt = str_printable(tag, tl), *pg = str_printable(gname,
				    strlen(gname));
				ini_error(in, ls.lineno, "section [%s:%s] has unknown type '%s' "
				    "(expected [%s], [%s:children] or [%s:vars])", pg, pt, pt,
				    pg, pg, pg);
				free(pt);
				free(pg);
				free(gname);
				goto out;
			}
			gi = group_get(in, gname, ls.lineno);
			free(gname);
			if (gi < 0)
				goto out;
			if (state != S_VARS)
				in->g[gi].declared = 1;
			else if (!in->g[gi].declared && in->g[gi].ref_line == ls.lineno)
				in->g[gi].ref_vars = 1;
			continue;
		}
		if (*s == '[' && s[n - 1] == ']') {
			char *ps = str_printable(s, n);
			ini_error(in, ls.lineno, "invalid section header '%s' (expected "
			    "[group], [group:children] or [group:vars], with no blanks)", ps);
			free(ps);
			goto out;
		}
		line = xstrndup(s, n);
		switch (state) {
		case S_HOSTS:
			rc = host_line(in, ls.lineno, gi, line);
			break;
		case S_VARS:
			rc = vars_line(in, ls.lineno, gi, s, n);
			break;
		case S_CHILDREN:
			rc = children_line(in, ls.lineno, gi, s, n);
			break;
		}
		free(line);
		if (rc != 0)
			goto out;
		rc = -1;
	}
	/* Ansible allows a child group defined later, but it must be defined. */
	{
		long bad = -1;

		for (size_t i = 0; i < in->ng; i++)
			if (!in->g[i].declared && (bad < 0 ||
			    in->g[i].ref_line < in->g[bad].ref_line))
				bad = (long)i;
		if (bad >= 0) {
			struct group *g = &in->g[bad];
			char *pg = str_printable(g->name, strlen(g->name));

			if (g->ref_parent != NULL)
				ini_error(in, g->ref_line, "[%s:children] names group '%s', "
				    "which no [%s] or [%s:children] section defines", g->ref_parent,
				    pg, pg, pg);
			else
				ini_error(in, g->ref_line, "[%s:vars] is for group '%s', which "
				    "no [%s] or [%s:children] section defines", pg, pg, pg, pg);
			free(pg);
			goto out;
		}
	}
	if (order_groups(in, &order) != 0)
		goto out;
	/* depth: "all" 0, a group with no declared parent 1, else one more
	 * than its deepest parent */
	for (size_t i = 0; i < in->ng; i++)
		in->g[i].depth = (long)i == all ? 0 : 1;
	for (size_t k = 0; k < order.n; k++) {
		struct group *g = &in->g[order.v[k]];
		for (size_t c = 0; c < g->children.n; c++)
			if (in->g[g->children.v[c]].depth < g->depth + 1)
				in->g[g->children.v[c]].depth = g->depth + 1;
	}
	/* "ungrouped" holds exactly the hosts in no other group */
	in->g[ungrouped].hosts.n = 0;
	for (size_t hi = 0; hi < in->nh; hi++) {
		struct idx *hg = &in->h[hi].groups;
		size_t keep = 0;

		for (size_t k = 0; k < hg->n; k++)
			if ((long)hg->v[k] != ungrouped && (long)hg->v[k] != all)
				hg->v[keep++] = hg->v[k];
		hg->n = keep;
		if (keep == 0) {
			idx_add(hg, (size_t)ungrouped);
			idx_add(&in->g[ungrouped].hosts, hi);
		}
		if (!idx_has(&in->g[all].hosts, hi))
			idx_add(&in->g[all].hosts, hi);
	}
	sel = xcalloc(in->nh ? in->nh : 1, 1);
	if (limit == NULL)
		memset(sel, 1, in->nh);
	else if (apply_limit(in, limit, sel) != 0)
		goto out;
	for (size_t hi = 0; hi < in->nh; hi++) {
		const char *v[NVARS] = { 0 };
		struct ihost *h = &in->h[hi];
		struct target *t;
		int local;

		if (!sel[hi])
			continue;
		host_groups(in, hi, &groups);
		if (!idx_has(&groups, (size_t)all))
			idx_add(&groups, (size_t)all);
		qsort_r(groups.v, groups.n, sizeof(*groups.v), cmp_groups, in);
		for (size_t k = 0; k < groups.n; k++)
			merge_vars(v, &in->g[groups.v[k]].vars);
		merge_vars(v, &h->vars);
		if (v[V_CONNECTION] != NULL && strcmp(v[V_CONNECTION], "local") != 0) {
			int known = 0;

			for (size_t k = 0; ssh_connections[k] != NULL; k++)
				known |= strcmp(v[V_CONNECTION], ssh_connections[k]) == 0;
			if (!known) {
				char *pn = str_printable(h->name, strlen(h->name));
				ini_error(in, h->line, "host '%s': ansible_connection=%s is "
				    "not one keyaudit can audit through (ssh, smart, paramiko "
				    "or local); leave it out with --limit", pn, v[V_CONNECTION]);
				free(pn);
				goto out;
			}
		}
		local = v[V_CONNECTION] != NULL && strcmp(v[V_CONNECTION], "local") == 0;
		/* 'local' is keyaudit's name for this machine (on the command
		 * line and in a host list); Ansible would ssh to a host of that
		 * name. Said either way, it is clear: */
		if (!local && strcmp(h->name, "local") == 0 && v[V_HOST] == NULL &&
		    v[V_SSH_HOST] == NULL) {
			ini_error(in, h->line, "host 'local' is keyaudit's name for this "
			    "machine, and Ansible's for a host to ssh to: add "
			    "ansible_connection=local to audit this machine, or "
			    "ansible_host=ADDRESS for a host named local");
			goto out;
		}
		t = target_list_add(out);
		t->name = xstrdup(h->name);
		/* ansible_connection=local: Ansible runs on the control node, so
		 * keyaudit audits this machine (no ssh, no host/port/user) */
		t->host = local ? NULL : xstrdup(h->host);
		t->origin = xasprintf("%s:%d", in->file, h->line);
		if (local) {
			if (v[V_SSHD_CONFIG])
				t->sshd_config = xstrdup(v[V_SSHD_CONFIG]);
			continue;
		}
		/* Ansible's ssh plugin lists ansible_ssh_* after ansible_* and
		 * the last one defined wins */
		if (v[V_PORT] || v[V_SSH_PORT])
			t->port = port_value(v[V_SSH_PORT] ? v[V_SSH_PORT] : v[V_PORT]);
		if (v[V_USER] || v[V_SSH_USER])
			t->user = xstrdup(v[V_SSH_USER] ? v[V_SSH_USER] : v[V_USER]);
		if (v[V_HOST] || v[V_SSH_HOST])
			t->address = xstrdup(v[V_SSH_HOST] ? v[V_SSH_HOST] : v[V_HOST]);
		if (v[V_SSHD_CONFIG])
			t->sshd_config = xstrdup(v[V_SSHD_CONFIG]);
	}
	rc = 0;
out:
	free(sel);
	free(order.v);
	free(groups.v);
	return rc;
}

/* ---------------------------------------------------------- entry points */

static int
plain_limit(const struct target_list *l, size_t from, const char *name,
    const char *limit, unsigned char *sel, char **err)
{
	char *copy = xstrdup(limit), *save = NULL, *item;
	int rc = 0;

	for (item = strtok_r(copy, ",", &save); item != NULL && rc == 0;
	    item = strtok_r(NULL, ",", &save)) {
		struct strlist parts = { 0 };
		int whole = 0;

		for (size_t i = from; i < l->n && !whole; i++)
			whole = strcmp(l->v[i].name, item) == 0 ||
			    (l->v[i].host && strcmp(l->v[i].host, item) == 0);
		if (whole)
			strlist_add(&parts, item);
		else {
			char *s2 = NULL, *part;
			for (part = strtok_r(item, ":", &s2); part != NULL;
			    part = strtok_r(NULL, ":", &s2))
				strlist_add(&parts, part);
		}
		for (size_t p = 0; p < parts.n && rc == 0; p++) {
			int found = 0;

			for (size_t i = from; i < l->n; i++)
				if (strcmp(parts.v[p], "all") == 0 ||
				    strcmp(l->v[i].name, parts.v[p]) == 0 ||
				    (l->v[i].host && strcmp(l->v[i].host, parts.v[p]) == 0)) {
					sel[i - from] = 1;
					found = 1;
				}
			if (!found && strcmp(parts.v[p], "all") != 0) {
				char *pn = str_printable(parts.v[p], strlen(parts.v[p]));
				*err = xasprintf("%s: --limit '%s' is not a host of this "
				    "host list (expected host names or all; a plain list has "
				    "no groups)", name, pn);
				free(pn);
				rc = -1;
			}
		}
		strlist_free(&parts);
	}
	free(copy);
	return rc;
}

int
inventory_parse(const char *text, size_t len, const char *name, const char *limit,
    struct target_list *out, char **err)
{
	struct target_list tmp = { 0 };
	int rc;

	*err = NULL;
	if (name == NULL)
		name = "inventory";
	if (len > INVENTORY_MAX_BYTES) {
		*err = xasprintf("%s: larger than %u bytes (keyaudit's limit)", name,
		    INVENTORY_MAX_BYTES);
		return -1;
	}
	if (limit != NULL && *limit == '\0') {
		*err = xasprintf("%s: empty --limit (expected group or host names)", name);
		return -1;
	}
	if (looks_like_ini(text, len)) {
		struct ini in;

		memset(&in, 0, sizeof(in));
		in.file = name;
		rc = parse_ini(&in, text, len, limit, &tmp);
		if (rc != 0) {
			*err = in.err;
			in.err = NULL;
		}
		ini_free(&in);
	} else {
		struct strmap seen = { 0 };

		rc = parse_plain(text, len, name, &tmp, &seen, err);
		strmap_free(&seen);
		if (rc == 0 && limit != NULL) {
			unsigned char *sel = xcalloc(tmp.n ? tmp.n : 1, 1);
			size_t keep = 0;

			rc = plain_limit(&tmp, 0, name, limit, sel, err);
			for (size_t i = 0; rc == 0 && i < tmp.n; i++) {
				if (sel[i])
					tmp.v[keep++] = tmp.v[i];
				else
					target_free(&tmp.v[i]);
			}
			if (rc == 0)
				tmp.n = keep;
			free(sel);
		}
	}
	if (rc != 0) {
		target_list_free(&tmp);
		return -1;
	}
	for (size_t i = 0; i < tmp.n; i++)
		*target_list_add(out) = tmp.v[i];
	free(tmp.v);
	return 0;
}

