/* sshclient.c - the client half of the hardening policy: settings in the
 * client user's ~/.ssh/config and the system-wide /etc/ssh/ssh_config that
 * let ssh fall back to passwords, accept unknown host keys silently, or
 * hand the user's agent to remote hosts.
 *
 * ssh reads ~/.ssh/config, then /etc/ssh/ssh_config, and for each keyword
 * keeps the first value that applies to the destination (readconf.c). A
 * value set for every host ends the search for all later lines; a value in
 * a Host or Match block applies to the hosts it matches. So each directive
 * is reported for the hosts it really decides, and ssh's compiled default
 * when nothing decides for "every other host". Plain data only: the files
 * come from the snapshot. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/check.h"

const struct ka_rule rule_client_password_auth = {
	.id = "client.password-auth", .severity = SEV_LOW, .blocks_login = 0,
	.title = "ssh falls back to password login",
	.help = "With PasswordAuthentication yes (ssh's default) a failing key quietly "
	    "turns into a password prompt: key problems go unnoticed, and a "
	    "password typed at a server you did not mean to reach is given away. "
	    "Once keys work, set it to no.",
};

const struct ka_rule rule_client_strict_host_key_checking = {
	.id = "client.strict-host-key-checking", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "ssh accepts unknown host keys without asking",
	.help = "StrictHostKeyChecking no connects to any host key it has never seen "
	    "(and adds it), so a man in the middle on the first connection is "
	    "never noticed. accept-new keeps the convenience for new hosts and "
	    "still refuses changed keys; ask (the default) and yes are stricter. "
	    "Not reported for a Host block whose every pattern names one of "
	    "systemd-ssh-proxy's local transports (unix/, vsock/, vsock-mux/, "
	    "machine/: Debian 13's /etc/ssh/ssh_config.d/20-systemd-ssh-proxy.conf): "
	    "those names cannot be resolved, so ssh reaches them only through that "
	    "block's proxy over an AF_UNIX or AF_VSOCK socket on this machine, never "
	    "across a network where a man in the middle could sit.",
};

const struct ka_rule rule_client_forward_agent = {
	.id = "client.forward-agent", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "ssh forwards the user's agent",
	.help = "With ForwardAgent on, root on the remote host (or anyone who controls "
	    "it) can use the forwarded agent to log in wherever the user's keys "
	    "work, for as long as the session lasts. ProxyJump reaches hosts "
	    "behind a bastion without forwarding the agent.",
};

static const struct ka_rule *const rules[] = {
	&rule_client_password_auth,
	&rule_client_strict_host_key_checking,
	&rule_client_forward_agent,
};

#define SSHC_MAX_FILES 64
#define SSHC_MAX_BYTES (16u * 1024 * 1024)
#define SSHC_MAX_DIRECTIVES 100000

struct cdir {
	const char *file;
	int line;
	int kw;			/* index into kws[] */
	char *value;		/* first argument, unquoted */
	int all;		/* applies to every host */
	char *scope;		/* the Host/Match line, or NULL */
	int user;		/* from the user's files */
	int local;		/* in a Host block of local transports only */
};

struct cconf {
	struct cdir *v;
	size_t n, cap;
	struct strlist names;
	size_t nfiles;
	size_t nbytes;
};

struct ckw {
	const char *name;	/* lower-case */
	const char *spelled;
	const struct ka_rule *rule;
	const char *def;	/* ssh's compiled default */
	const char *good;	/* the fix value */
};

static const struct ckw kws[] = {
	{ "passwordauthentication", "PasswordAuthentication", &rule_client_password_auth,
	  "yes", "no" },
	{ "stricthostkeychecking", "StrictHostKeyChecking",
	  &rule_client_strict_host_key_checking, "ask", "accept-new" },
	{ "forwardagent", "ForwardAgent", &rule_client_forward_agent, "no", "no" },
};

/* Is this value the weak one? */
static int
weak(int kw, const char *v)
{
	switch (kw) {
	case 0:
		return strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0;
	case 1:
		return strcasecmp(v, "no") == 0 || strcasecmp(v, "off") == 0 ||
		    strcasecmp(v, "false") == 0;
	default:
		/* yes, or an agent socket path or $VARIABLE */
		return strcasecmp(v, "no") != 0 && strcasecmp(v, "false") != 0;
	}
}

static int
blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Does a Host line match every host? Only a plain "*" among its patterns,
 * with no negation, does. */
static int
host_all(const char *args)
{
	char *copy = xstrdup(args), *save = NULL, *t;
	int star = 0, neg = 0;

	for (t = strtok_r(copy, " \t,", &save); t != NULL; t = strtok_r(NULL, " \t,", &save)) {
		if (t[0] == '!')
			neg = 1;
		else if (strcmp(t, "*") == 0 || strcmp(t, "\"*\"") == 0)
			star = 1;
	}
	free(copy);
	return star && !neg;
}

/* Does every pattern of a Host line name one of systemd-ssh-proxy's local
 * transports (an AF_UNIX path, an AF_VSOCK CID, a machined machine)? Such a
 * name holds a '/', so no resolver answers for it: ssh gets there only
 * through the block's ProxyCommand, on this machine. */
static int
host_local(const char *args)
{
	static const char *const pfx[] = { "unix/", "vsock/", "vsock-mux/", "machine/" };
	char *copy = xstrdup(args), *save = NULL, *t;
	int n = 0, local = 1;

	for (t = strtok_r(copy, " \t,", &save); t != NULL && local;
	    t = strtok_r(NULL, " \t,", &save)) {
		int ok = 0;

		for (size_t i = 0; i < KA_ARRLEN(pfx) && !ok; i++)
			ok = strncmp(t, pfx[i], strlen(pfx[i])) == 0;
		local = ok;
		n++;
	}
	free(copy);
	return local && n > 0;
}

struct walk {
	struct cconf *cc;
	const struct sshdconf_io *io;
	const char *home;	/* the client user's, for ~ and user Includes */
	int user;
};

static void read_file(struct walk *w, const char *path, int all, const char *scope,
    int depth);

static void
include(struct walk *w, const char *args, int all, const char *scope, int depth)
{
	char *copy = xstrdup(args), *save = NULL, *t;

	for (t = strtok_r(copy, " \t", &save); t != NULL; t = strtok_r(NULL, " \t", &save)) {
		struct strlist m = { 0 };
		char *pat;
		size_t n = strlen(t);

		if (n >= 2 && t[0] == '"' && t[n - 1] == '"') {
			t[n - 1] = '\0';
			t++;
		}
		if (strncmp(t, "~/", 2) == 0)
			pat = w->home ? xasprintf("%s/%s", w->home, t + 2) : NULL;
		else if (t[0] == '/')
			pat = xstrdup(t);
		else if (w->user)
			pat = w->home ? xasprintf("%s/.ssh/%s", w->home, t) : NULL;
		else
			pat = xasprintf("/etc/ssh/%s", t);
		if (pat == NULL)
			continue;
		if (strpbrk(pat, "*?[") == NULL)
			strlist_add(&m, pat);
		else
			(void)w->io->glob(w->io->ctx, pat, &m);
		for (size_t i = 0; i < m.n; i++)
			read_file(w, m.v[i], all, scope, depth + 1);
		strlist_free(&m);
		free(pat);
	}
	free(copy);
}

static void
read_file(struct walk *w, const char *path, int all, const char *scope, int depth)
{
	struct cconf *cc = w->cc;
	const char *data, *file;
	char *myscope = scope ? xstrdup(scope) : NULL;
	size_t len, pos = 0;
	int lineno = 0;

	if (depth > 16 || cc->nfiles++ >= SSHC_MAX_FILES ||
	    cc->nbytes >= SSHC_MAX_BYTES ||
	    w->io->read(w->io->ctx, path, &data, &len) != 0) {
		free(myscope);
		return;
	}
	cc->nbytes += len;
	file = strlist_intern(&cc->names, path);
	while (pos < len && cc->n < SSHC_MAX_DIRECTIVES) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (data + pos)) : len - pos;
		const char *s = data + pos, *e, *k, *nul = memchr(s, '\0', n);
		char *kw, *args;
		int ki = -1;

		lineno++;
		pos += n + (nl ? 1 : 0);
		e = nul ? nul : s + n;
		while (s < e && blank((unsigned char)*s))
			s++;
		if (s == e || *s == '#')
			continue;
		for (k = s; s < e && !blank((unsigned char)*s) && *s != '='; s++)
			;
		kw = xstrndup(k, (size_t)(s - k));
		for (char *c = kw; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		while (s < e && blank((unsigned char)*s))
			s++;
		if (s < e && *s == '=')
			s++;
		while (s < e && blank((unsigned char)*s))
			s++;
		while (e > s && blank((unsigned char)e[-1]))
			e--;
		args = xstrndup(s, (size_t)(e - s));
		if (strcmp(kw, "host") == 0 || strcmp(kw, "match") == 0) {
			/* A block ends at the next Host/Match or the end of the
			 * file; an included file's blocks do not leak out. */
			all = strcmp(kw, "host") == 0 ? host_all(args) :
			    strcasecmp(args, "all") == 0;
			free(myscope);
			myscope = xasprintf("%s %s", kw[0] == 'h' ? "Host" : "Match", args);
		} else if (strcmp(kw, "include") == 0)
			include(w, args, all, myscope, depth);
		for (size_t i = 0; i < KA_ARRLEN(kws); i++)
			if (strcmp(kw, kws[i].name) == 0)
				ki = (int)i;
		if (ki >= 0 && *args != '\0') {
			struct cdir *d;
			size_t vn = strcspn(args, " \t");

			if (cc->n == cc->cap) {
				cc->cap = cc->cap ? cc->cap * 2 : 16;
				cc->v = xreallocarray(cc->v, cc->cap, sizeof(*cc->v));
			}
			d = &cc->v[cc->n++];
			d->file = file;
			d->line = lineno;
			d->kw = ki;
			if (vn >= 2 && args[0] == '"' && args[vn - 1] == '"')
				d->value = xstrndup(args + 1, vn - 2);
			else
				d->value = xstrndup(args, vn);
			d->all = all;
			d->scope = myscope ? xstrdup(myscope) : NULL;
			d->local = myscope != NULL && strncmp(myscope, "Host ", 5) == 0 &&
			    host_local(myscope + 5);
			d->user = w->user;
		}
		free(args);
		free(kw);
	}
	free(myscope);
}

static void
cconf_free(struct cconf *cc)
{
	for (size_t i = 0; i < cc->n; i++) {
		free(cc->v[i].value);
		free(cc->v[i].scope);
	}
	free(cc->v);
	strlist_free(&cc->names);
}

/* Was the file collected (present or known to be missing)? */
static int
known(const struct ka_ctx *ctx, const char *path)
{
	const struct snap_file *f = snap_file_get(ctx->snap, path);

	return f != NULL && (f->type == SNAP_NOENT || f->has_content ||
	    f->type == SNAP_LNK);
}

static void
report_directive(struct ka_ctx *ctx, const struct cdir *d, const char *user)
{
	const struct ckw *k = &kws[d->kw];
	char *v = str_printable(d->value, strlen(d->value));
	char *scope = d->scope ? str_printable(d->scope, strlen(d->scope)) : NULL;
	char *fix = xasprintf("in %s line %d, change the line to '%s %s'%s", d->file,
	    d->line, k->spelled, k->good, d->all ? "" : " (or drop it, if these "
	    "hosts do not need it)");

	ctx_finding(ctx, k->rule, d->user ? user : NULL, d->file, d->line, fix,
	    "%s %s (%s:%d) %s%s%s", k->spelled, v, d->file, d->line,
	    d->all ? "applies to every host" : "applies to hosts matching '",
	    d->all ? "" : scope, d->all ? "" : "'");
	free(fix);
	free(scope);
	free(v);
}

/*
 * One keyword, for one side: the user's files (they decide for the client
 * user only) or the system file (it decides for every user who does not
 * override it, so it is judged on its own).
 */
static void
check_keyword(struct ka_ctx *ctx, const struct cconf *cc, int ki, int user_side,
    const char *user, const char *sysconf, int sys_known)
{
	const struct ckw *k = &kws[ki];
	int decided = 0;

	for (size_t i = 0; i < cc->n && !decided; i++) {
		const struct cdir *d = &cc->v[i];

		if (d->kw != ki || d->user != user_side)
			continue;
		if (k->rule == &rule_client_strict_host_key_checking && d->local)
			continue;
		if (weak(ki, d->value))
			report_directive(ctx, d, user);
		decided = d->all;
	}
	if (user_side || decided || !sys_known || !weak(ki, k->def))
		return;
	{
		char *fix = xasprintf("add '%s %s' to %s before its first Host or "
		    "Match line", k->spelled, k->good, sysconf);

		ctx_finding(ctx, k->rule, NULL, sysconf, 0, fix, "%s does not set "
		    "%s for every host, so ssh uses its default, %s, wherever a "
		    "user's own config does not say otherwise", sysconf, k->spelled,
		    k->def);
		free(fix);
	}
}

static void
run(struct ka_ctx *ctx)
{
	static const char sysconf[] = "/etc/ssh/ssh_config";
	const struct snap_account *a = ctx->snap->client_user ?
	    snap_account_by_name(ctx->snap, ctx->snap->client_user) : NULL;
	struct sshdconf_io io;
	struct cconf cc;
	struct walk w;
	char *ucfg = NULL;
	int sys_known;

	memset(&cc, 0, sizeof(cc));
	ctx_sshdconf_io(ctx->snap, &io);
	w.cc = &cc;
	w.io = &io;
	w.home = a ? a->home : NULL;
	if (a != NULL) {
		ucfg = path_join(a->home, ".ssh/config");
		w.user = 1;
		read_file(&w, ucfg, 1, NULL, 0);
	}
	w.user = 0;
	read_file(&w, sysconf, 1, NULL, 0);
	sys_known = known(ctx, sysconf);
	if (!sys_known && (ucfg == NULL || !known(ctx, ucfg))) {
		for (size_t i = 0; i < KA_ARRLEN(rules); i++)
			ctx_skip(ctx, rules[i], sysconf, "neither %s nor the client "
			    "user's ~/.ssh/config was collected", sysconf);
	} else {
		for (size_t i = 0; i < KA_ARRLEN(kws); i++) {
			check_keyword(ctx, &cc, (int)i, 1, a ? a->name : NULL,
			    sysconf, sys_known);
			check_keyword(ctx, &cc, (int)i, 0, NULL, sysconf, sys_known);
		}
	}
	cconf_free(&cc);
	free(ucfg);
}

const struct ka_check check_sshclient = { "client", rules, KA_ARRLEN(rules), run };
