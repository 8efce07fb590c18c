/* pam.c - PAM's stack for a service, as libpam (Linux-PAM 1.x) loads and
 * walks it, and the configuration files of the account modules that decide
 * whether sshd's key login survives pam_acct_mgmt (see pam.h). Written from
 * Linux-PAM's documented and implemented behaviour: pam_handlers.c (lines,
 * controls, include/substack), pam_dispatch.c (the walk), pam_access,
 * pam_time, pam_faillock. Pure: every file comes through the caller. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/parse/pam.h"
#include "scanner/parse/match.h"

#define PAM_MAX_LINE 8192	/* libpam's BUF_SIZE is 1024; longer is kept */

static const char *const rc_names[PAMRC_COUNT] = {
	"success", "open_err", "symbol_err", "service_err", "system_err",
	"buf_err", "perm_denied", "auth_err", "cred_insufficient",
	"authinfo_unavail", "user_unknown", "maxtries", "new_authtok_reqd",
	"acct_expired", "session_err", "cred_unavail", "cred_expired",
	"cred_err", "no_module_data", "conv_err", "authtok_err",
	"authtok_recover_err", "authtok_lock_busy", "authtok_disable_aging",
	"try_again", "ignore", "abort", "authtok_expired", "module_unknown",
	"bad_item", "conv_again", "incomplete",
};

const char *
pam_rc_name(int rc)
{
	return rc >= 0 && rc < PAMRC_COUNT ? rc_names[rc] : "unknown";
}

/* --- loading ------------------------------------------------------------ */

struct loader {
	struct pam_stack *st;
	const char *pamdir;
	pam_read_fn rd;
	void *arg;
	size_t nread;
};

static void
set_all(int *actions, int act)
{
	for (int i = 0; i < PAMRC_COUNT; i++)
		actions[i] = act;
}

static void
set_default(int *actions, int act)
{
	for (int i = 0; i < PAMRC_COUNT; i++)
		if (actions[i] == PAMACT_UNDEF)
			actions[i] = act;
}

/* One "value=action" list (brackets removed), as _pam_parse_control: a
 * later "default=" fills only what is still undefined. 0, or -1 when
 * libpam would reject it (then every value is "bad"). */
static int
parse_control(int *actions, char *s)
{
	char *save = NULL, *tok;

	for (tok = strtok_r(s, " \t\n", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t\n", &save)) {
		char *eq = strchr(tok, '='), *end;
		int rc = -1, act;

		if (eq == NULL)
			return -1;
		*eq++ = '\0';
		for (int i = 0; i < PAMRC_COUNT; i++)
			if (strcasecmp(tok, rc_names[i]) == 0)
				rc = i;
		if (rc < 0 && strcasecmp(tok, "default") != 0)
			return -1;
		if (strcasecmp(eq, "ignore") == 0)
			act = PAMACT_IGNORE;
		else if (strcasecmp(eq, "ok") == 0)
			act = PAMACT_OK;
		else if (strcasecmp(eq, "done") == 0)
			act = PAMACT_DONE;
		else if (strcasecmp(eq, "bad") == 0)
			act = PAMACT_BAD;
		else if (strcasecmp(eq, "die") == 0)
			act = PAMACT_DIE;
		else if (strcasecmp(eq, "reset") == 0)
			act = PAMACT_RESET;
		else {
			long n = strtol(eq, &end, 10);
			if (*eq == '\0' || *end != '\0' || n <= 0 || n > 1000)
				return -1;
			act = (int)n;
		}
		if (rc >= 0)
			actions[rc] = act;
		else
			set_default(actions, act);
	}
	return 0;
}

/* Split a logical line into tokens; a token starting with '[' runs to its
 * ']' (blanks included). Returns the count, at most max. */
static size_t
tokens(char *p, char **tok, size_t max)
{
	size_t n = 0;

	while (n < max) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		tok[n++] = p;
		if (*p == '[') {
			char *e = strchr(p, ']');
			p = e ? e + 1 : p + strlen(p);
		} else
			p += strcspn(p, " \t");
		if (*p == '\0')
			break;
		*p++ = '\0';
	}
	return n;
}

static int
type_of(const char *t, int *optional)
{
	*optional = t[0] == '-';
	if (*optional)
		t++;
	if (strcasecmp(t, "auth") == 0)
		return PAM_T_AUTH;
	if (strcasecmp(t, "account") == 0)
		return PAM_T_ACCOUNT;
	if (strcasecmp(t, "session") == 0)
		return PAM_T_SESSION;
	if (strcasecmp(t, "password") == 0)
		return PAM_T_PASSWORD;
	return -1;
}

static char *
resolve(const char *pamdir, const char *name)
{
	return name[0] == '/' ? xstrdup(name) : xasprintf("%s/%s", pamdir, name);
}

static struct pam_entry *
add_entry(struct loader *l, enum pam_kind kind, int level, const char *file, int line)
{
	struct pam_stack *st = l->st;
	struct pam_entry *e;

	if (st->n >= PAM_MAX_ENTRIES)
		return NULL;
	st->v = xreallocarray(st->v, st->n + 1, sizeof(*st->v));
	e = &st->v[st->n++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->level = level;
	e->file = xstrdup(file);
	e->line = line;
	set_all(e->actions, PAMACT_BAD);
	return e;
}

/* The next logical line: '\' joins lines, '#' to the end is a comment.
 * Returns its first physical line number, 0 at the end. */
static int
next_line(const char **pp, const char *end, int *lineno, struct buf *out)
{
	const char *p = *pp;
	int first;

	if (p >= end)
		return 0;
	out->len = 0;
	buf_reserve(out, 1);
	out->data[0] = '\0';
	first = *lineno + 1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t n = (size_t)(le - p);
		const char *hash = memchr(p, '#', n);
		int cont;

		(*lineno)++;
		if (hash != NULL)
			n = (size_t)(hash - p);
		while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		cont = hash == NULL && n > 0 && p[n - 1] == '\\';
		if (cont)
			n--;
		if (out->len + n < PAM_MAX_LINE)
			buf_append(out, p, n);
		p = nl ? nl + 1 : end;
		if (!cont)
			break;
		buf_append(out, " ", 1);
	}
	*pp = p;
	return first;
}

static int load_file(struct loader *l, const char *path, int type, int level, int depth);

/* A line that includes name: its lines, or a must-fail handler when it
 * cannot be read (pam_handlers.c does the same). */
static void
include(struct loader *l, const char *name, int type, int level, int depth,
    const char *file, int line)
{
	char *path = resolve(l->pamdir, name);

	if (load_file(l, path, type, level, depth + 1) != 0)
		add_entry(l, PAM_E_MUST_FAIL, level, file, line);
	free(path);
}

static void
parse_line(struct loader *l, char *s, int type, int level, int depth,
    const char *file, int line)
{
	char *tok[PAM_MAX_ARGS + 3];
	size_t n = tokens(s, tok, KA_ARRLEN(tok));
	struct pam_entry *e;
	int t, opt, actions[PAMRC_COUNT], inc = 0, sub = 0;
	const char *slash;

	if (n == 0)
		return;
	if (strcasecmp(tok[0], "@include") == 0) {
		if (n >= 2)
			include(l, tok[1], type, level, depth, file, line);
		return;
	}
	if (n < 3 || (t = type_of(tok[0], &opt)) < 0 || t != type)
		return;
	set_all(actions, PAMACT_UNDEF);
	if (strcasecmp(tok[1], "required") == 0) {
		actions[PAMRC_SUCCESS] = actions[PAMRC_NEW_AUTHTOK_REQD] = PAMACT_OK;
		actions[PAMRC_IGNORE] = PAMACT_IGNORE;
		set_default(actions, PAMACT_BAD);
	} else if (strcasecmp(tok[1], "requisite") == 0) {
		actions[PAMRC_SUCCESS] = actions[PAMRC_NEW_AUTHTOK_REQD] = PAMACT_OK;
		actions[PAMRC_IGNORE] = PAMACT_IGNORE;
		set_default(actions, PAMACT_DIE);
	} else if (strcasecmp(tok[1], "optional") == 0) {
		actions[PAMRC_SUCCESS] = actions[PAMRC_NEW_AUTHTOK_REQD] = PAMACT_OK;
		set_default(actions, PAMACT_IGNORE);
	} else if (strcasecmp(tok[1], "sufficient") == 0) {
		actions[PAMRC_SUCCESS] = actions[PAMRC_NEW_AUTHTOK_REQD] = PAMACT_DONE;
		set_default(actions, PAMACT_IGNORE);
	} else if (strcasecmp(tok[1], "include") == 0) {
		inc = 1;
	} else if (strcasecmp(tok[1], "substack") == 0) {
		inc = sub = 1;
	} else {
		char *c = tok[1];
		size_t cl = strlen(c);

		if (c[0] == '[') {
			c++;
			cl--;
			if (cl > 0 && c[cl - 1] == ']')
				c[--cl] = '\0';
		}
		if (parse_control(actions, c) != 0)
			set_all(actions, PAMACT_BAD);
		set_default(actions, PAMACT_BAD);
	}
	if (inc) {
		if (sub) {
			if (level + 1 > PAM_MAX_LEVEL) {
				add_entry(l, PAM_E_MUST_FAIL, level, file, line);
				return;
			}
			if ((e = add_entry(l, PAM_E_SUBSTACK, level, file, line)) == NULL)
				return;
			e->module = xstrdup(tok[2]);
			e->name = xstrdup(tok[2]);
		}
		include(l, tok[2], type, level + sub, depth, file, line);
		return;
	}
	if ((e = add_entry(l, PAM_E_MODULE, level, file, line)) == NULL)
		return;
	memcpy(e->actions, actions, sizeof(actions));
	e->optional_module = opt;
	e->module = xstrdup(tok[2]);
	slash = strrchr(tok[2], '/');
	e->name = xstrdup(slash ? slash + 1 : tok[2]);
	if (strlen(e->name) > 3 && strcmp(e->name + strlen(e->name) - 3, ".so") == 0)
		e->name[strlen(e->name) - 3] = '\0';
	for (size_t i = 3; i < n; i++) {
		char *a = tok[i];
		size_t al = strlen(a);

		/* "[accessfile=/x y]": brackets keep blanks in one argument */
		if (a[0] == '[' && al >= 2 && a[al - 1] == ']') {
			a[al - 1] = '\0';
			a++;
		}
		strlist_add(&e->args, a);
	}
}

/* 0 read (or refused to read it again: a loop), -1 not there or not read. */
static int
load_file(struct loader *l, const char *path, int type, int level, int depth)
{
	const char *data, *p, *end;
	size_t len;
	struct buf b;
	int lineno = 0, first;

	if (depth > PAM_MAX_LEVEL || l->nread >= PAM_MAX_FILES)
		return -1;
	if (l->rd(l->arg, path, &data, &len) != 0) {
		if (errno != ENOENT && l->st->unreadable == NULL)
			l->st->unreadable = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	l->nread++;
	if (!strlist_has(&l->st->files, path))
		strlist_add(&l->st->files, path);
	buf_init(&b);
	p = data;
	end = data + len;
	while ((first = next_line(&p, end, &lineno, &b)) != 0)
		parse_line(l, b.data, type, level, depth, path, first);
	buf_free(&b);
	return 0;
}

void
pam_stack_load(struct pam_stack *st, enum pam_type type, const char *pamdir,
    const char *service, pam_read_fn rd, void *arg)
{
	struct loader l = { st, pamdir, rd, arg, 0 };
	char *path;

	memset(st, 0, sizeof(*st));
	st->type = type;
	path = resolve(pamdir, service);
	if (load_file(&l, path, type, 0, 0) == 0) {
		st->service_file = path;
		return;
	}
	free(path);
	if (st->unreadable != NULL)
		return;
	path = resolve(pamdir, "other");
	if (load_file(&l, path, type, 0, 0) == 0) {
		st->service_file = path;
		return;
	}
	if (st->unreadable == NULL)
		st->missing = xasprintf("%s/%s and %s", pamdir, service, path);
	free(path);
}

void
pam_stack_free(struct pam_stack *st)
{
	for (size_t i = 0; i < st->n; i++) {
		free(st->v[i].module);
		free(st->v[i].name);
		free(st->v[i].file);
		strlist_free(&st->v[i].args);
	}
	free(st->v);
	free(st->service_file);
	free(st->unreadable);
	free(st->missing);
	strlist_free(&st->files);
	memset(st, 0, sizeof(*st));
}

void
pam_file_includes(const char *data, size_t len, const char *pamdir,
    struct strlist *includes)
{
	const char *p = data, *end = data + len;
	struct buf b;
	int lineno = 0;

	buf_init(&b);
	while (next_line(&p, end, &lineno, &b) != 0) {
		char *tok[4];
		size_t n = tokens(b.data, tok, 4);
		const char *name = NULL;
		char *path;

		if (n >= 2 && strcasecmp(tok[0], "@include") == 0)
			name = tok[1];
		else if (n >= 3 && (strcasecmp(tok[1], "include") == 0 ||
		    strcasecmp(tok[1], "substack") == 0))
			name = tok[2];
		if (name == NULL)
			continue;
		path = resolve(pamdir, name);
		if (!strlist_has(includes, path))
			strlist_add(includes, path);
		free(path);
	}
	buf_free(&b);
}

void
pam_file_paths(const char *data, size_t len, struct strlist *paths, struct strlist *dirs,
    struct strlist *modules)
{
	const char *p = data, *end = data + len;
	struct buf b;
	int lineno = 0;

	buf_init(&b);
	while (next_line(&p, end, &lineno, &b) != 0) {
		char *tok[PAM_MAX_ARGS + 3];
		size_t n = tokens(b.data, tok, KA_ARRLEN(tok));
		int opt;

		if (n >= 3 && type_of(tok[0], &opt) >= 0 && strcasecmp(tok[1], "include") != 0 &&
		    strcasecmp(tok[1], "substack") != 0) {
			const char *slash = strrchr(tok[2], '/');
			char *m = xstrdup(slash ? slash + 1 : tok[2]);
			size_t ml = strlen(m);

			if (ml > 3 && strcmp(m + ml - 3, ".so") == 0)
				m[ml - 3] = '\0';
			if (!strlist_has(modules, m))
				strlist_add(modules, m);
			free(m);
		}
		for (size_t i = 3; i < n; i++) {
			const char *v = strchr(tok[i], '=');
			struct strlist *to = NULL;

			if (v == NULL || v[1] != '/')
				continue;
			if (strncmp(tok[i], "accessfile=", 11) == 0 ||
			    strncmp(tok[i], "conf=", 5) == 0 || strncmp(tok[i], "file=", 5) == 0)
				to = paths;
			else if (strncmp(tok[i], "dir=", 4) == 0)
				to = dirs;
			if (to != NULL && !strlist_has(to, v + 1))
				strlist_add(to, v + 1);
		}
	}
	buf_free(&b);
}

char *
pam_faillock_conf_dir(const char *data, size_t len)
{
	struct pam_faillock_opts o;
	char *dir = NULL;

	pam_faillock_defaults(&o);
	pam_faillock_conf(&o, data, len);
	if (o.conf_line_dir > 0)
		dir = xstrdup(o.dir);
	pam_faillock_free(&o);
	return dir;
}

const char *
pam_arg(const struct pam_entry *e, const char *key)
{
	size_t kl = strlen(key);

	for (size_t i = 0; i < e->args.n; i++)
		if (strncmp(e->args.v[i], key, kl) == 0 && e->args.v[i][kl] == '=')
			return e->args.v[i] + kl + 1;
	return NULL;
}

int
pam_has_arg(const struct pam_entry *e, const char *word)
{
	return strlist_has(&e->args, word);
}

/* --- the walk (pam_dispatch.c's _pam_dispatch_aux, for a fresh chain) --- */

enum { IMP_UNDEF, IMP_POSITIVE, IMP_NEGATIVE };

static int
always_fails(const struct pam_entry *e)
{
	return e->kind == PAM_E_MUST_FAIL ||
	    (e->kind == PAM_E_MODULE && strcmp(e->name, "pam_deny") == 0);
}

void
pam_stack_run(const struct pam_stack *st, const int *res, struct pam_outcome *o)
{
	struct { int imp, status; long decider; } sub[PAM_MAX_LEVEL + 2];
	int imp = IMP_UNDEF, status = PAMRC_MUST_FAIL, prev = 0;
	long decider = -1;
	size_t i;

	o->ran = xcalloc(st->n ? st->n : 1, 1);
	sub[0].imp = imp;
	sub[0].status = status;
	sub[0].decider = -1;
	for (i = 0; i < st->n; prev = st->v[i].level, i++) {
		const struct pam_entry *e = &st->v[i];
		int lvl = e->level, rc, act;

		if (prev < lvl && lvl <= PAM_MAX_LEVEL + 1) {
			sub[lvl].imp = imp;
			sub[lvl].status = status;
			sub[lvl].decider = decider;
		}
		if (e->kind == PAM_E_SUBSTACK)
			continue;
		rc = e->kind == PAM_E_MUST_FAIL ? PAMRC_MUST_FAIL : res[i];
		if (rc < 0 || rc >= PAMRC_COUNT)
			rc = PAMRC_MUST_FAIL;
		o->ran[i] = 1;
		act = e->actions[rc];
		switch (act) {
		case PAMACT_RESET:
			imp = sub[lvl].imp;
			status = sub[lvl].status;
			decider = sub[lvl].decider;
			break;
		case PAMACT_OK:
		case PAMACT_DONE:
			if (imp == IMP_UNDEF || (imp == IMP_POSITIVE && status == PAMRC_SUCCESS)) {
				imp = IMP_POSITIVE;
				status = rc;
				decider = (long)i;
			}
			if (imp == IMP_POSITIVE && act == PAMACT_DONE)
				goto decision;
			break;
		case PAMACT_BAD:
		case PAMACT_DIE:
			if (imp != IMP_NEGATIVE) {
				imp = IMP_NEGATIVE;
				status = rc == PAMRC_IGNORE ? PAMRC_MUST_FAIL : rc;
				decider = (long)i;
			}
			if (act == PAMACT_DIE)
				goto decision;
			break;
		case PAMACT_IGNORE:
			break;
		default:
			if (act > 0) {
				while (i + 1 < st->n && st->v[i + 1].level >= lvl && act > 0) {
					do
						i++;
					while (i + 1 < st->n && st->v[i + 1].level > lvl);
					act--;
				}
			}
			if (act != 0) {	/* a jump past the end: libpam's "bad jump" */
				imp = IMP_NEGATIVE;
				status = PAMRC_MUST_FAIL;
				decider = (long)i;
			}
		}
		continue;
decision:
		while (i + 1 < st->n && st->v[i + 1].level >= lvl)
			i++;
	}
	if (status == PAMRC_SUCCESS && imp != IMP_POSITIVE)
		status = PAMRC_MUST_FAIL;
	o->status = status;
	o->decider = status == PAMRC_SUCCESS ? -1 : decider;
	o->cause = o->decider;
	/* pam_deny (or an include that failed) refuses for whatever failed
	 * before it: Debian's common-account jumps over pam_deny only when
	 * pam_unix succeeds. Blame the last module that ran and failed. */
	if (o->cause >= 0 && always_fails(&st->v[o->cause])) {
		for (long j = o->cause - 1; j >= 0; j--) {
			int r = st->v[j].kind == PAM_E_MODULE && o->ran[j] ? res[j] : -1;
			if (r > 0 && r != PAMRC_IGNORE && !always_fails(&st->v[j])) {
				o->cause = j;
				break;
			}
		}
	}
}

void
pam_outcome_free(struct pam_outcome *o)
{
	free(o->ran);
	o->ran = NULL;
}

/* Verdicts are the same when the login fares the same: in, in to a
 * password change, or refused (by whichever module: a refusal that stands
 * whatever an unknown module says is certain; the walk where the unknown
 * modules succeed names the module to blame). */
static int
same(const struct pam_outcome *a, const struct pam_outcome *b)
{
	int ca = a->status == PAMRC_SUCCESS ? 0 : a->status == PAMRC_NEW_AUTHTOK_REQD ? 1 : 2;
	int cb = b->status == PAMRC_SUCCESS ? 0 : b->status == PAMRC_NEW_AUTHTOK_REQD ? 1 : 2;

	return ca == cb;
}

void
pam_stack_decide(const struct pam_stack *st, const int *res, struct pam_verdict *v)
{
	static const int tries[] = { PAMRC_SUCCESS, PAMRC_PERM_DENIED, PAMRC_IGNORE };
	long unknown[PAM_MAX_UNKNOWN];
	size_t nu = 0, combos = 1;
	int *r;

	memset(v, 0, sizeof(*v));
	v->depends_on = -1;
	r = xcalloc(st->n ? st->n : 1, sizeof(*r));
	for (size_t i = 0; i < st->n; i++) {
		r[i] = res[i];
		if (st->v[i].kind == PAM_E_MODULE && res[i] < 0) {
			if (nu == PAM_MAX_UNKNOWN) {
				v->depends_on = (long)i;
				nu++;
				break;
			}
			unknown[nu++] = (long)i;
		}
	}
	for (size_t k = 0; k < nu && k < PAM_MAX_UNKNOWN; k++)
		r[unknown[k]] = PAMRC_SUCCESS;
	pam_stack_run(st, r, &v->first);
	if (nu > PAM_MAX_UNKNOWN) {
		free(r);
		v->worst = v->first;
		v->worst.ran = NULL;
		return;
	}
	v->known = 1;
	v->worst = v->first;
	v->worst.ran = NULL;
	for (size_t k = 0; k < nu; k++)
		combos *= 3;
	for (size_t c = 1; c < combos; c++) {
		struct pam_outcome o;
		size_t x = c;

		for (size_t k = 0; k < nu; k++) {
			r[unknown[k]] = tries[x % 3];
			x /= 3;
		}
		pam_stack_run(st, r, &o);
		if (!same(&o, &v->first)) {
			if (v->known) {
				v->known = 0;
				/* the first unknown module the two walks ran */
				for (size_t k = 0; k < nu; k++)
					if (o.ran[unknown[k]]) {
						v->depends_on = unknown[k];
						break;
					}
			}
			if (v->worst.status == PAMRC_SUCCESS && o.status != PAMRC_SUCCESS) {
				free(v->worst.ran);
				v->worst = o;
				continue;
			}
		}
		pam_outcome_free(&o);
	}
	if (v->worst.ran == NULL) {
		v->worst.ran = xcalloc(st->n ? st->n : 1, 1);
		memcpy(v->worst.ran, v->first.ran, st->n);
	}
	free(r);
}

void
pam_verdict_free(struct pam_verdict *v)
{
	pam_outcome_free(&v->first);
	pam_outcome_free(&v->worst);
}

/* --- pam_access --------------------------------------------------------- */

enum { M_NO = 0, M_YES = 1, M_UNKNOWN = 2 };

typedef int (*tok_match_fn)(const char *tok, const struct pam_access_who *w);

static int
in_group(const struct pam_access_who *w, const char *g)
{
	for (size_t i = 0; i < w->ngroups; i++)
		if (strcmp(w->groups[i], g) == 0)
			return 1;
	return 0;
}

static int
user_tok(const char *tok, const struct pam_access_who *w)
{
	size_t tl = strlen(tok);
	const char *at;

	if (tok[0] == '@')
		return M_UNKNOWN;	/* a netgroup: NIS, not in the snapshot */
	if (tok[0] == '(' && tl > 2 && tok[tl - 1] == ')') {
		char *g = xstrndup(tok + 1, tl - 2);
		int m = in_group(w, g);
		free(g);
		return m ? M_YES : M_NO;
	}
	if ((at = strchr(tok, '@')) != NULL && at != tok) {
		/* user@host: the user part, then the origin */
		char *u = xstrndup(tok, (size_t)(at - tok));
		int m = user_tok(u, w);
		free(u);
		if (m != M_YES)
			return m;
		if (w->from == NULL)
			return M_UNKNOWN;
		return strcasecmp(at + 1, w->from) == 0 ? M_YES : M_UNKNOWN;
	}
	if (strcasecmp(tok, "ALL") == 0 || strcasecmp(tok, w->user) == 0)
		return M_YES;
	if (!w->nodefgroup && in_group(w, tok))
		return M_YES;
	return M_NO;
}

static int
is_ipv4(const char *s)
{
	int dots = 0;

	for (; *s; s++) {
		if (*s == '.')
			dots++;
		else if (!isdigit((unsigned char)*s))
			return 0;
	}
	return dots == 3;
}

static int
from_tok(const char *tok, const struct pam_access_who *w)
{
	size_t tl = strlen(tok), fl;

	if (strcasecmp(tok, "ALL") == 0)
		return M_YES;
	if (w->from == NULL)
		return M_UNKNOWN;
	if (tok[0] == '@')
		return M_UNKNOWN;
	if (strcasecmp(tok, w->from) == 0)
		return M_YES;
	if (strcasecmp(tok, "LOCAL") == 0)
		return M_NO;	/* sshd always sets PAM_RHOST: a remote login */
	fl = strlen(w->from);
	if (tok[0] == '.')
		return fl > tl && strcasecmp(tok, w->from + fl - tl) == 0 ? M_YES :
		    is_ipv4(w->from) ? M_UNKNOWN : M_NO;
	if (tok[tl - 1] == '.')
		return is_ipv4(w->from) ? (strncmp(tok, w->from, tl) == 0 ? M_YES : M_NO) :
		    M_UNKNOWN;
	if (strchr(tok, '/') != NULL) {
		int m = strchr(tok + (strchr(tok, '/') - tok) + 1, '.') == NULL ?
		    match_cidr_list(w->from, tok) : -1;
		return m == 1 ? M_YES : m == 0 ? M_NO : M_UNKNOWN;
	}
	if (is_ipv4(tok) || strchr(tok, ':') != NULL)
		return M_NO;	/* an address that is not the client's */
	return M_UNKNOWN;	/* a host name: pam_access resolves it */
}

/* list_match: tokens up to EXCEPT; a match stands unless the rest after
 * EXCEPT matches too. */
static int
list_match(char *list, const struct pam_access_who *w, tok_match_fn fn)
{
	char seps[8] = " \t\n";
	char *save = NULL, *tok;
	int m = M_NO;

	seps[3] = w->sep ? w->sep : ',';
	for (tok = strtok_r(list, seps, &save); tok != NULL; tok = strtok_r(NULL, seps, &save)) {
		int r;

		if (strcasecmp(tok, "EXCEPT") == 0)
			return M_NO;
		if ((r = fn(tok, w)) == M_YES) {
			m = M_YES;
			break;
		}
		if (r == M_UNKNOWN)
			return M_UNKNOWN;
	}
	if (m == M_NO)
		return M_NO;
	while ((tok = strtok_r(NULL, seps, &save)) != NULL && strcasecmp(tok, "EXCEPT") != 0)
		;
	if (tok == NULL)
		return M_YES;
	{
		int ex = list_match(save, w, fn);
		return ex == M_NO ? M_YES : ex == M_YES ? M_NO : M_UNKNOWN;
	}
}

int
pam_access_eval(const char *data, size_t len, const struct pam_access_who *w, int *line)
{
	const char *p = data, *end = data + len;
	char fs[2] = { w->fs ? w->fs : ':', '\0' };
	int lineno = 0;

	*line = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n;
		char *l, *perm, *users, *froms, *save = NULL;
		int m;

		lineno++;
		if (nl == NULL)		/* pam_access skips a line without its newline */
			break;
		n = (size_t)(nl - p);
		if (n >= 4096 || p[0] == '#') {
			p = nl + 1;
			continue;
		}
		l = xstrndup(p, n);
		p = nl + 1;
		while (n > 0 && isspace((unsigned char)l[n - 1]))
			l[--n] = '\0';
		if (l[0] == '\0' || (perm = strtok_r(l, fs, &save)) == NULL ||
		    (users = strtok_r(NULL, fs, &save)) == NULL ||
		    (froms = strtok_r(NULL, "\n", &save)) == NULL ||
		    (perm[0] != '+' && perm[0] != '-')) {
			free(l);
			continue;
		}
		m = list_match(users, w, user_tok);
		if (m == M_YES)
			m = list_match(froms, w, from_tok);
		if (m != M_NO) {
			int allow = perm[0] == '+';
			free(l);
			*line = lineno;
			return m == M_UNKNOWN ? -2 : allow;
		}
		free(l);
	}
	return -1;
}

/* --- pam_time ----------------------------------------------------------- */

/* is_same: '*' matches any run of characters. */
static int
time_same(const char *have, const char *pat)
{
	return match_pattern(have, pat);
}

/* Days: a bit per weekday, Sunday = bit 0 (tm_wday). */
static int
day_bits(const char **pp)
{
	static const struct { const char *d; int bits; } days[] = {
		{ "Su", 1 }, { "Mo", 2 }, { "Tu", 4 }, { "We", 8 }, { "Th", 16 },
		{ "Fr", 32 }, { "Sa", 64 }, { "Wk", 62 }, { "Wd", 65 }, { "Al", 127 },
	};
	const char *p = *pp;
	int bits = 0, any = 0;

	for (;;) {
		size_t k;
		for (k = 0; k < KA_ARRLEN(days); k++)
			if (strncasecmp(p, days[k].d, 2) == 0)
				break;
		if (k == KA_ARRLEN(days))
			break;
		bits ^= days[k].bits;	/* "AlFr": every day but Friday */
		any = 1;
		p += 2;
	}
	*pp = p;
	return any ? bits : -1;
}

static int
hhmm(const char *p, int *v)
{
	for (int i = 0; i < 4; i++)
		if (!isdigit((unsigned char)p[i]))
			return -1;
	*v = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
	return 0;
}

/* One time token "DAYShhmm-hhmm": 1 now is in it, 0 not, -1 bad. */
static int
time_tok(const char *tok, int64_t now)
{
	int64_t day = now >= 0 ? now / 86400 : (now - 86399) / 86400;
	int64_t sec = now - day * 86400;
	int wday = (int)(((day % 7) + 11) % 7);	/* 1970-01-01 was a Thursday */
	int yday = (wday + 6) % 7;
	int cur = (int)(sec / 3600) * 100 + (int)(sec % 3600) / 60;
	int bits, start, stop;

	if ((bits = day_bits(&tok)) < 0 || hhmm(tok, &start) != 0 || tok[4] != '-' ||
	    hhmm(tok + 5, &stop) != 0 || tok[9] != '\0')
		return -1;
	if (start < stop)
		return (bits >> wday & 1) && start <= cur && cur < stop;
	/* over midnight: from start today, or until stop on the day after */
	return ((bits >> wday & 1) && cur >= start) || ((bits >> yday & 1) && cur < stop);
}

/* A logic list "a&b|!c", left to right as pam_time's logic_field. */
static int
logic(const char *field, int (*fn)(const char *, const void *), const void *arg)
{
	int acc = 1, op = '&';
	const char *p = field;

	while (*p) {
		int neg = 0, v;
		size_t n;
		char *t;

		while (*p == '!') {
			neg = !neg;
			p++;
		}
		n = strcspn(p, "&|");
		t = xstrndup(p, n);
		v = fn(t, arg);
		free(t);
		if (v < 0)
			return -1;
		v = neg ? !v : v;
		acc = op == '&' ? acc && v : acc || v;
		p += n;
		if (*p == '\0')
			break;
		op = *p++;
	}
	return acc;
}

static int
str_fn(const char *t, const void *arg)
{
	return time_same((const char *)arg, t);
}

static int
now_fn(const char *t, const void *arg)
{
	return time_tok(t, *(const int64_t *)arg);
}

int
pam_time_eval(const char *data, size_t len, const struct pam_time_who *w, int *line)
{
	const char *p = data, *end = data + len;
	int lineno = 0, rc = PAMRC_SUCCESS;

	*line = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		char *l = xstrndup(p, (size_t)(le - p)), *f[4], *q, *h;
		int at = ++lineno, n = 0, m;

		p = nl ? nl + 1 : end;
		/* '\' continues a rule; blanks are not significant */
		while (p < end && strlen(l) > 0 && l[strlen(l) - 1] == '\\') {
			const char *nl2 = memchr(p, '\n', (size_t)(end - p));
			const char *le2 = nl2 ? nl2 : end;
			char *more = xstrndup(p, (size_t)(le2 - p));
			char *j;
			l[strlen(l) - 1] = '\0';
			j = xasprintf("%s%s", l, more);
			free(l);
			free(more);
			l = j;
			lineno++;
			p = nl2 ? nl2 + 1 : end;
		}
		if ((h = strchr(l, '#')) != NULL)
			*h = '\0';
		for (q = h = l; *q; q++)
			if (!isspace((unsigned char)*q))
				*h++ = *q;
		*h = '\0';
		if (l[0] == '\0') {
			free(l);
			continue;
		}
		for (q = l; n < 4; n++) {
			f[n] = q;
			if ((q = strchr(q, ';')) == NULL) {
				n++;
				break;
			}
			*q++ = '\0';
		}
		if (n != 4 || q != NULL) {
			free(l);
			*line = at;
			return -1;
		}
		m = logic(f[0], str_fn, w->service);
		if (m > 0)
			m = logic(f[1], str_fn, w->tty);
		if (m > 0)
			m = logic(f[2], str_fn, w->user);
		if (m > 0) {
			m = logic(f[3], now_fn, &w->now);
			if (m < 0) {
				free(l);
				*line = at;
				return -1;
			}
			if (m == 0 && rc == PAMRC_SUCCESS) {
				rc = PAMRC_PERM_DENIED;
				*line = at;
			}
		}
		free(l);
	}
	return rc;
}

/* --- pam_faillock ------------------------------------------------------- */

void
pam_faillock_defaults(struct pam_faillock_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->dir = xstrdup("/var/run/faillock");
	o->deny = 3;
	o->fail_interval = 900;
	o->unlock_time = 600;
	o->root_unlock_time = -1;	/* = unlock_time unless set */
}

static void
faillock_opt(struct pam_faillock_opts *o, const char *k, const char *v, int line)
{
	char *end;
	long long n = v ? strtoll(v, &end, 10) : 0;
	int num = v != NULL && *v != '\0' && *end == '\0' && n >= 0 && n <= 604800;

	if (strcmp(k, "dir") == 0 && v != NULL && v[0] == '/') {
		free(o->dir);
		o->dir = xstrdup(v);
		o->conf_line_dir = line;
	} else if (strcmp(k, "deny") == 0 && num) {
		o->deny = n;
		o->conf_line_deny = line;
	} else if (strcmp(k, "fail_interval") == 0 && num && n > 0)
		o->fail_interval = n;
	else if (strcmp(k, "unlock_time") == 0 && v != NULL)
		o->unlock_time = strcmp(v, "never") == 0 ? 0 : num ? n : o->unlock_time;
	else if (strcmp(k, "root_unlock_time") == 0 && v != NULL)
		o->root_unlock_time = strcmp(v, "never") == 0 ? 0 : num ? n : o->root_unlock_time;
	else if (strcmp(k, "even_deny_root") == 0)
		o->even_deny_root = 1;
	else if (strcmp(k, "local_users_only") == 0)
		o->local_users_only = 1;
	else if (strcmp(k, "admin_group") == 0 && v != NULL) {
		free(o->admin_group);
		o->admin_group = xstrdup(v);
	}
}

void
pam_faillock_conf(struct pam_faillock_opts *o, const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	int lineno = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		char *l = xstrndup(p, (size_t)(le - p)), *k, *v, *h;

		lineno++;
		p = nl ? nl + 1 : end;
		if ((h = strchr(l, '#')) != NULL)
			*h = '\0';
		k = l + strspn(l, " \t");
		v = strchr(k, '=');
		if (v != NULL) {
			char *ke = v;
			*v++ = '\0';
			while (ke > k && isspace((unsigned char)ke[-1]))
				*--ke = '\0';
			v += strspn(v, " \t");
		}
		h = (v != NULL ? v : k) + strlen(v != NULL ? v : k);
		while (h > (v != NULL ? v : k) && isspace((unsigned char)h[-1]))
			*--h = '\0';
		if (*k != '\0')
			faillock_opt(o, k, v, lineno);
		free(l);
	}
}

void
pam_faillock_args(struct pam_faillock_opts *o, const struct pam_entry *e)
{
	for (size_t i = 0; i < e->args.n; i++) {
		char *k = xstrdup(e->args.v[i]), *v = strchr(k, '=');

		if (v != NULL)
			*v++ = '\0';
		if (strcmp(k, "conf") != 0)
			faillock_opt(o, k, v, 0);
		free(k);
	}
}

void
pam_faillock_free(struct pam_faillock_opts *o)
{
	free(o->dir);
	free(o->admin_group);
	memset(o, 0, sizeof(*o));
}

static uint64_t
le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

void
pam_tally_eval(const unsigned char *data, size_t len, const struct pam_faillock_opts *o,
    int is_admin, int64_t now, struct pam_tally *t)
{
	size_t n = (len > PAM_TALLY_MAX ? PAM_TALLY_MAX : len) / PAM_TALLY_RECORD;
	uint64_t latest = 0;
	int64_t unlock = is_admin ? (o->root_unlock_time >= 0 ? o->root_unlock_time :
	    o->unlock_time) : o->unlock_time;

	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < n; i++) {
		const unsigned char *r = data + i * PAM_TALLY_RECORD;
		unsigned status = (unsigned)r[54] | (unsigned)r[55] << 8;
		uint64_t tm = le64(r + 56);

		if (!(status & 1))
			continue;
		t->records++;
		if (tm > latest)
			latest = tm;
	}
	for (size_t i = 0; i < n; i++) {
		const unsigned char *r = data + i * PAM_TALLY_RECORD;
		unsigned status = (unsigned)r[54] | (unsigned)r[55] << 8;
		uint64_t tm = le64(r + 56);

		if ((status & 1) && latest - tm < (uint64_t)o->fail_interval)
			t->failures++;
	}
	t->latest = latest > INT64_MAX ? INT64_MAX : (int64_t)latest;
	if (is_admin && !o->even_deny_root)
		return;
	if (o->deny > 0 && t->failures >= o->deny) {
		if (unlock != 0 && t->latest + unlock < now)
			return;
		t->locked = 1;
		t->unlock_at = unlock != 0 ? t->latest + unlock : 0;
	}
}
