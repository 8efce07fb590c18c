/* sysunit.c - systemd's layers around sshd: the socket that listens for it
 * and the command line its service unit gives it. See sysunit.h; the rules
 * are systemd.unit(5), systemd.syntax(7), systemd.exec(5) (EnvironmentFile=)
 * and systemd.service(5) (ExecStart= word splitting). */
#include <stdlib.h>
#include <string.h>

#include "scanner/parse/sysunit.h"
#include "scanner/parse/sshmisc.h"

#define WSP " \t"

const char *const sysunit_dirs[] = {
	"/etc/systemd/system",
	"/run/systemd/system",
	"/run/systemd/generator",	/* Ubuntu's sshd-socket-generator */
	"/usr/local/lib/systemd/system",
	"/usr/lib/systemd/system",
	"/lib/systemd/system",		/* Debian before merged /usr */
	NULL,
};

const char *const sysunit_units[] = {
	"ssh.socket", "sshd.socket", "ssh.service", "sshd.service", NULL,
};

/* Enable links of the sockets, and the environment files the stock
 * service units name (Debian's /etc/default/ssh, Red Hat's
 * /etc/sysconfig/sshd and RHEL 8's crypto-policies back-end). */
const char *const sysunit_files[] = {
	"/etc/systemd/system/sockets.target.wants/ssh.socket",
	"/etc/systemd/system/sockets.target.wants/sshd.socket",
	"/etc/default/ssh",
	"/etc/sysconfig/sshd",
	"/etc/crypto-policies/back-ends/opensshserver.config",
	NULL,
};

void
unit_values_free(struct unit_values *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].value);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void
values_add(struct unit_values *l, const char *file, int line, char *value)
{
	if (l->n >= SYSUNIT_MAX_VALUES) {
		free(value);
		return;
	}
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n].value = value;
	l->v[l->n].file = file;
	l->v[l->n].line = line;
	l->n++;
}

static char *
trim(char *s)
{
	size_t n;

	s += strspn(s, WSP);
	n = strlen(s);
	while (n > 0 && strchr(WSP "\r", s[n - 1]) != NULL)
		s[--n] = '\0';
	return s;
}

/* Logical lines of a unit or environment file: a line ending in a
 * backslash continues on the next (systemd joins them with a blank). cb
 * gets each line and the number of its first physical line. */
static void
each_line(const char *text, size_t len, void (*cb)(char *line, int lno, void *arg),
    void *arg)
{
	struct buf b;
	size_t i = 0;
	int lno = 0, first = 0;

	buf_init(&b);
	while (i < len) {
		size_t e = i;
		char *l;
		size_t n;

		while (e < len && text[e] != '\n')
			e++;
		lno++;
		if (b.len == 0)
			first = lno;
		buf_append(&b, text + i, e - i);
		i = e < len ? e + 1 : e;
		buf_putc(&b, '\0');
		b.len--;
		n = b.len;
		l = b.data;
		while (n > 0 && (l[n - 1] == '\r' || l[n - 1] == ' ' || l[n - 1] == '\t'))
			n--;
		/* a comment line does not continue */
		if (n > 0 && l[n - 1] == '\\' && l[strspn(l, WSP)] != '#' &&
		    l[strspn(l, WSP)] != ';' && i < len) {
			b.len = n - 1;
			buf_putc(&b, ' ');
			continue;
		}
		l[n] = '\0';
		cb(l, first, arg);
		b.len = 0;
	}
	buf_free(&b);
}

struct collect_arg {
	const char *file, *section, *key;
	int in;
	struct unit_values *out;
};

static void
collect_line(char *line, int lno, void *arg)
{
	struct collect_arg *a = arg;
	char *l = trim(line), *eq;

	if (*l == '\0' || *l == '#' || *l == ';')
		return;
	if (*l == '[') {
		char *end = strchr(l, ']');
		a->in = end != NULL && (size_t)(end - l - 1) == strlen(a->section) &&
		    strncmp(l + 1, a->section, strlen(a->section)) == 0;
		return;
	}
	if (!a->in || (eq = strchr(l, '=')) == NULL)
		return;
	*eq = '\0';
	if (strcmp(trim(l), a->key) != 0)
		return;
	l = trim(eq + 1);
	if (*l == '\0') {
		/* the empty assignment resets the list */
		unit_values_free(a->out);
		return;
	}
	values_add(a->out, a->file, lno, xstrdup(l));
}

void
unit_collect(const char *file, const char *text, size_t len,
    const char *section, const char *key, struct unit_values *out)
{
	struct collect_arg a = { file, section, key, 0, out };

	each_line(text, len, collect_line, &a);
}

/* systemd's unquoting of an environment file value: '...' literally,
 * "..." with backslash escapes, and outside quotes a backslash escapes
 * the next byte. */
static char *
env_unquote(const char *v)
{
	struct buf b;
	char q = 0;

	buf_init(&b);
	for (; *v; v++) {
		if (q == 0 && (*v == '\'' || *v == '"')) {
			q = *v;
			continue;
		}
		if (q != 0 && *v == q) {
			q = 0;
			continue;
		}
		if (*v == '\\' && q != '\'' && v[1] != '\0')
			v++;
		buf_putc(&b, *v);
	}
	buf_putc(&b, '\0');
	return buf_steal(&b);
}

struct env_arg {
	const char *file;
	struct unit_values *env;
};

static void
env_line(char *line, int lno, void *arg)
{
	struct env_arg *a = arg;
	char *l = trim(line), *eq, *name, *val;
	size_t nlen;

	if (*l == '\0' || *l == '#' || *l == ';' || (eq = strchr(l, '=')) == NULL)
		return;
	*eq = '\0';
	name = trim(l);
	if (strncmp(name, "export", 6) == 0 && strchr(WSP, name[6]) != NULL &&
	    name[6] != '\0')
		name = trim(name + 6);
	if (*name == '\0')
		return;
	nlen = strlen(name);
	val = env_unquote(trim(eq + 1));
	for (size_t i = 0; i < a->env->n; i++) {
		struct unit_value *v = &a->env->v[i];
		if (strncmp(v->value, name, nlen) == 0 && v->value[nlen] == '=') {
			free(v->value);
			v->value = xasprintf("%s=%s", name, val);
			v->file = a->file;
			v->line = lno;
			free(val);
			return;
		}
	}
	values_add(a->env, a->file, lno, xasprintf("%s=%s", name, val));
	free(val);
}

void
envfile_apply(const char *file, const char *text, size_t len,
    struct unit_values *env)
{
	struct env_arg a = { file, env };

	each_line(text, len, env_line, &a);
}

void
sshd_cmdline_free(struct sshd_cmdline *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].text);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static const struct unit_value *
env_get(const struct unit_values *env, const char *name, size_t nlen)
{
	for (size_t i = 0; env != NULL && i < env->n; i++)
		if (strncmp(env->v[i].value, name, nlen) == 0 &&
		    env->v[i].value[nlen] == '=')
			return &env->v[i];
	return NULL;
}

struct word {
	char *s;
	const char *file;
	int line;
};

struct words {
	struct word *v;
	size_t n;
};

static void
word_add(struct words *w, char *s, const char *file, int line)
{
	if (w->n >= SYSUNIT_MAX_WORDS) {
		free(s);
		return;
	}
	w->v = xreallocarray(w->v, w->n + 1, sizeof(*w->v));
	w->v[w->n].s = s;
	w->v[w->n].file = file;
	w->v[w->n].line = line;
	w->n++;
}

static int
is_name_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/* One ExecStart= word, unquoted, then expanded: a word that is exactly
 * $NAME becomes the variable's value split on blanks (several words, or
 * none); ${NAME} anywhere is replaced by the value as it is. */
static void
expand_word(const char *w, int quoted, const struct unit_value *exec,
    const struct unit_values *env, struct words *out)
{
	struct buf b;
	const char *file = exec->file;
	int line = exec->line;

	if (!quoted && w[0] == '$' && w[1] != '{' && w[1] != '\0') {
		size_t n = strlen(w + 1);
		const struct unit_value *v;

		for (size_t i = 0; i < n; i++)
			if (!is_name_char((unsigned char)w[1 + i]))
				goto plain;
		if ((v = env_get(env, w + 1, n)) != NULL) {
			char *copy = xstrdup(v->value + n + 1), *p = copy, *t;
			while ((t = strsep(&p, WSP "\n")) != NULL)
				if (*t != '\0')
					word_add(out, xstrdup(t), v->file, v->line);
			free(copy);
		}
		return;
	}
plain:
	buf_init(&b);
	for (const char *p = w; *p; p++) {
		const char *end;
		const struct unit_value *v;

		if (p[0] == '$' && p[1] == '{' && (end = strchr(p, '}')) != NULL) {
			if ((v = env_get(env, p + 2, (size_t)(end - p - 2))) != NULL) {
				buf_puts(&b, v->value + (end - p - 2) + 1);
				file = v->file;
				line = v->line;
			}
			p = end;
			continue;
		}
		if (p[0] == '$' && p[1] == '$')
			p++;
		buf_putc(&b, *p);
	}
	buf_putc(&b, '\0');
	word_add(out, buf_steal(&b), file, line);
}

/* systemd's word splitting of a command line: blanks separate, "..." and
 * '...' group (C escapes inside double quotes), a backslash escapes. */
static void
split_exec(const struct unit_value *exec, const struct unit_values *env,
    struct words *out)
{
	const char *p = exec->value;

	/* the special prefixes: - @ : + ! !! */
	while (*p == '-' || *p == '@' || *p == ':' || *p == '+' || *p == '!')
		p++;
	for (;;) {
		struct buf b;
		int quoted = 0;
		char q = 0;

		p += strspn(p, WSP);
		if (*p == '\0')
			break;
		buf_init(&b);
		for (; *p && (q != 0 || strchr(WSP, *p) == NULL); p++) {
			if (q == 0 && (*p == '"' || *p == '\'')) {
				q = *p;
				quoted = 1;
				continue;
			}
			if (q != 0 && *p == q) {
				q = 0;
				continue;
			}
			if (*p == '\\' && q != '\'' && p[1] != '\0')
				p++;
			buf_putc(&b, *p);
		}
		buf_putc(&b, '\0');
		expand_word(b.data, quoted, exec, env, out);
		buf_free(&b);
	}
}

static void
cmdopt_add(struct sshd_cmdline *c, char *text, const char *file, int line)
{
	if (c->n >= SYSUNIT_MAX_WORDS) {
		free(text);
		return;
	}
	c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	c->v[c->n].text = text;
	c->v[c->n].file = file;
	c->v[c->n].line = line;
	c->n++;
}

/* sshd.c's getopt string: the letters that take an argument. */
#define SSHD_ARG_OPTS "CEbcfghkopu"
#define SSHD_FLAG_OPTS "46DGQRTdeiqrtV"

int
sshd_cmdline_parse(const struct unit_value *exec, const struct unit_values *env,
    struct sshd_cmdline *out)
{
	struct words w = { 0 };
	const char *prog, *base;
	size_t i;

	split_exec(exec, env, &w);
	if (w.n == 0)
		goto fail;
	prog = w.v[0].s;
	base = strrchr(prog, '/') ? strrchr(prog, '/') + 1 : prog;
	if (strcmp(base, "sshd") != 0)
		goto fail;
	/* getopt: options up to the first non-option word or "--" */
	for (i = 1; i < w.n; i++) {
		const char *a = w.v[i].s;

		if (strcmp(a, "--") == 0 || a[0] != '-' || a[1] == '\0')
			break;
		for (size_t j = 1; a[j] != '\0'; j++) {
			const char *arg;
			const char *file = w.v[i].file;
			int line = w.v[i].line;

			if (strchr(SSHD_ARG_OPTS, a[j]) == NULL)
				continue;	/* a flag, or one sshd refuses */
			if (a[j + 1] != '\0')
				arg = a + j + 1;
			else if (i + 1 < w.n) {
				arg = w.v[++i].s;
				file = w.v[i].file;
				line = w.v[i].line;
			} else
				arg = NULL;
			if (arg != NULL && a[j] == 'o')
				cmdopt_add(out, xstrdup(arg), file, line);
			else if (arg != NULL && a[j] == 'p')
				cmdopt_add(out, xasprintf("Port %s", arg), file, line);
			break;
		}
	}
	for (i = 0; i < w.n; i++)
		free(w.v[i].s);
	free(w.v);
	return 0;
fail:
	for (i = 0; i < w.n; i++)
		free(w.v[i].s);
	free(w.v);
	return -1;
}

int
unit_listen_addrs(const char *value, struct strlist *out)
{
	const char *colon;
	long long port;
	char *addr;

	if (value[0] == '/' || value[0] == '@' || strncmp(value, "vsock:", 6) == 0)
		return -1;
	if (strspn(value, "0123456789") == strlen(value)) {
		if (ssh_strtonum(value, 1, 65535, &port) != NULL)
			return -1;
		strlist_add_owned(out, xasprintf("0.0.0.0:%lld", port));
		strlist_add_owned(out, xasprintf("[::]:%lld", port));
		return 0;
	}
	if ((colon = strrchr(value, ':')) == NULL ||
	    ssh_strtonum(colon + 1, 1, 65535, &port) != NULL)
		return -1;
	addr = xstrndup(value, (size_t)(colon - value));
	/* "addr%dev" binds to a device; sshd -T prints the bare address */
	addr[strcspn(addr, "%")] = '\0';
	/* "[v6]:port" as written, or a bare address */
	strlist_add_owned(out, xasprintf("%s:%lld", addr, port));
	free(addr);
	return 0;
}

/* ---------------------------------------------------------------- snapshot */

/* A collected file's content, symlinks followed; NULL when it is not
 * there or was not read. */
static const struct snap_file *
read_file(const struct snapshot *s, const char *path)
{
	const struct snap_file *f = snap_file_get(s, path);
	char *canon = NULL;
	const char *why;

	if (f != NULL && f->type == SNAP_LNK) {
		if (snap_realpath(s, path, &canon, &why) != 0)
			return NULL;
		f = snap_file_get(s, canon);
		free(canon);
	}
	return f != NULL && f->has_content ? f : NULL;
}

/* A unit as systemd loads it: its file (the first directory that has it)
 * and its drop-ins (UNIT.d/ *.conf of every directory, by file name, a
 * name in a higher directory hiding the same name below). 1 found, 0 not
 * there, -1 masked or not collected. */
struct unit {
	const struct snap_file *main;
	struct strlist dropins;	/* paths, in the order they apply */
};

static int
cmp_base(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;

	return strcmp(strrchr(x, '/') + 1, strrchr(y, '/') + 1);
}

static int
unit_load(const struct snapshot *s, const char *name, struct unit *u)
{
	memset(u, 0, sizeof(*u));
	for (size_t d = 0; sysunit_dirs[d] != NULL && u->main == NULL; d++) {
		char *p = xasprintf("%s/%s", sysunit_dirs[d], name);
		const struct snap_file *f = snap_file_get(s, p);

		free(p);
		if (f == NULL)
			return -1;	/* not collected: unknown */
		if (f->type == SNAP_NOENT)
			continue;
		if (f->type == SNAP_LNK && f->link != NULL &&
		    strcmp(f->link, "/dev/null") == 0)
			return -1;	/* masked */
		if ((u->main = read_file(s, f->path)) == NULL)
			return -1;
	}
	for (size_t d = 0; sysunit_dirs[d] != NULL; d++) {
		char *pat = xasprintf("%s/%s.d/*.conf", sysunit_dirs[d], name);
		const struct snap_glob *g = snap_glob_get(s, pat);

		free(pat);
		for (size_t i = 0; g != NULL && i < g->matches.n &&
		    u->dropins.n < SYSUNIT_MAX_DROPINS; i++) {
			const char *m = g->matches.v[i], *base = strrchr(m, '/');
			int hidden = 0;

			for (size_t j = 0; base && j < u->dropins.n; j++)
				if (strcmp(strrchr(u->dropins.v[j], '/'), base) == 0)
					hidden = 1;
			if (base != NULL && !hidden)
				strlist_add(&u->dropins, m);
		}
	}
	if (u->dropins.n > 1)
		qsort(u->dropins.v, u->dropins.n, sizeof(*u->dropins.v), cmp_base);
	return u->main != NULL;
}

/* key= of [section] over the unit and its drop-ins. */
static void
unit_setting(const struct snapshot *s, const struct unit *u, const char *section,
    const char *key, struct unit_values *out)
{
	unit_collect(u->main->path, u->main->content, u->main->content_len,
	    section, key, out);
	for (size_t i = 0; i < u->dropins.n; i++) {
		const struct snap_file *f = read_file(s, u->dropins.v[i]);
		const struct snap_file *st = snap_file_get(s, u->dropins.v[i]);

		if (f != NULL && st != NULL)
			unit_collect(st->path, f->content, f->content_len, section,
			    key, out);
	}
}

void
sshd_socket_free(struct sshd_socket *k)
{
	unit_values_free(&k->listen);
	strlist_free(&k->dropins);
	memset(k, 0, sizeof(*k));
}

int
sysunit_socket(const struct snapshot *s, struct sshd_socket *out)
{
	static const char *const wants[] = {
		"/etc/systemd/system/sockets.target.wants/ssh.socket",
		"/etc/systemd/system/sockets.target.wants/sshd.socket",
	};
	int unknown = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < 2; i++) {
		const struct snap_file *w = snap_file_get(s, wants[i]);
		const char *name = strrchr(wants[i], '/') + 1;
		struct unit u;
		int r;

		if (w == NULL) {
			unknown = 1;
			continue;
		}
		if (w->type == SNAP_NOENT)
			continue;
		if ((r = unit_load(s, name, &u)) != 1) {
			strlist_free(&u.dropins);
			if (r < 0)
				unknown = 1;
			continue;
		}
		out->unit = sysunit_units[i];
		out->path = u.main->path;
		out->wants = w->path;
		unit_setting(s, &u, "Socket", "ListenStream", &out->listen);
		out->dropins = u.dropins;
		return 1;
	}
	return unknown ? -1 : 0;
}

void
sysunit_sshd_cmdline(const struct snapshot *s, struct sshd_cmdline *out)
{
	static const char *const services[] = { "ssh.service", "sshd.service" };

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < 2; i++) {
		struct unit u;
		struct unit_values envf = { 0 }, exec = { 0 }, env = { 0 };

		if (unit_load(s, services[i], &u) != 1) {
			strlist_free(&u.dropins);
			continue;
		}
		unit_setting(s, &u, "Service", "EnvironmentFile", &envf);
		unit_setting(s, &u, "Service", "ExecStart", &exec);
		for (size_t j = 0; j < envf.n; j++) {
			const char *p = envf.v[j].value;
			const struct snap_file *f, *st;

			p += *p == '-';
			st = snap_file_get(s, p);
			if ((f = read_file(s, p)) != NULL && st != NULL)
				envfile_apply(st->path, f->content, f->content_len, &env);
		}
		/* a service other than oneshot has one ExecStart= */
		if (exec.n > 0 &&
		    sshd_cmdline_parse(&exec.v[exec.n - 1], &env, out) == 0)
			out->unit = u.main->path;
		unit_values_free(&envf);
		unit_values_free(&exec);
		unit_values_free(&env);
		strlist_free(&u.dropins);
		if (out->unit != NULL)
			return;
	}
}
