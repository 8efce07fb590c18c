/* prescribe.c - which paths a printed command may change, for checks that
 * prescribe chmod/chown/touch.
 *
 * keyaudit runs as root among users who control their homes, so a command it
 * prints (and the fix script runs) must not be steerable: a user who links
 * ~/.ssh/authorized_keys to /etc/shadow must get prose, not "chown u
 * /etc/shadow". A path may be changed by a command only when it is
 *   - inside the account's own home (the home itself or below it), reached
 *     from the path sshd uses without any symlink at or below the home, the
 *     home being no system directory and no other account's home or parent
 *     of one; or
 *   - one of sshd's own files under /etc/ssh whose every directory from /
 *     is root's and writable by nobody else, reached without a symlink.
 * Everything else becomes prose that names the command and why it is left to
 * a person. Pure: reads the snapshot only. */
#include <stdlib.h>
#include <string.h>

#include "scanner/context.h"

/* Directories many accounts or the system depend on: never "a home". */
static const char *const system_dirs[] = {
	"/", "/bin", "/boot", "/dev", "/dev/shm", "/etc", "/home", "/lib", "/lib32",
	"/lib64", "/media", "/mnt", "/nonexistent", "/opt", "/proc", "/run", "/sbin",
	"/srv", "/sys", "/tmp", "/usr", "/usr/bin", "/usr/lib", "/usr/local",
	"/usr/sbin", "/var", "/var/lib", "/var/run", "/var/spool", "/var/tmp",
	"/var/www",
};

static int
is_system_dir(const char *p)
{
	for (size_t i = 0; i < KA_ARRLEN(system_dirs); i++)
		if (strcmp(p, system_dirs[i]) == 0)
			return 1;
	return 0;
}

/* Is inner equal to outer or below it? */
static int
within(const char *inner, const char *outer)
{
	size_t n = strlen(outer);

	if (strcmp(outer, "/") == 0)
		return inner[0] == '/';
	return strncmp(inner, outer, n) == 0 && (inner[n] == '\0' || inner[n] == '/');
}

static char *
canonical(const struct snapshot *s, const char *path)
{
	char *c = NULL;
	const char *why;

	return snap_realpath(s, path, &c, &why) == 0 ? c : NULL;
}

/* The canonical home of a, when it is a's alone; NULL otherwise. */
static char *
own_home(const struct snapshot *s, const struct snap_account *a)
{
	char *home;

	if (a->home == NULL || a->home[0] != '/' || (home = canonical(s, a->home)) == NULL)
		return NULL;
	if (is_system_dir(home) || is_system_dir(a->home)) {
		free(home);
		return NULL;
	}
	for (size_t i = 0; i < s->naccounts; i++) {
		const struct snap_account *b = &s->accounts[i];
		char *bc;
		int shared;

		/* an account "at home" in / or /var owns neither */
		if (b == a || strcmp(b->name, a->name) == 0 || b->home == NULL ||
		    b->home[0] != '/' || is_system_dir(b->home))
			continue;
		/* another account's home equal to or below this one (a
		 * parent of theirs is not this account's to change), or this
		 * one below theirs */
		shared = within(b->home, a->home) || within(a->home, b->home);
		if (!shared && (bc = canonical(s, b->home)) != NULL) {
			shared = within(bc, home) || within(home, bc);
			free(bc);
		}
		if (shared) {
			free(home);
			return NULL;
		}
	}
	return home;
}

/* The canonical form of via, when no symlink lies at or below home (the
 * home's own canonical form being homec); NULL otherwise. */
static char *
no_link_below(const struct snapshot *s, const char *home, const char *homec,
    const char *via)
{
	size_t hl = strlen(home);
	char *c, *expect;
	const char *rel;

	while (hl > 1 && home[hl - 1] == '/')
		hl--;
	if (strncmp(via, home, hl) != 0 || (via[hl] != '\0' && via[hl] != '/'))
		return NULL;
	if ((c = canonical(s, via)) == NULL)
		return NULL;
	for (rel = via + hl; *rel == '/'; rel++)
		;
	expect = *rel ? path_join(homec, rel) : xstrdup(homec);
	if (strcmp(expect, c) != 0) {
		free(c);
		c = NULL;
	}
	free(expect);
	return c;
}

int
ctx_fix_target(const struct ka_ctx *ctx, const struct snap_account *a,
    const char *via, const char *path, const char **why)
{
	const struct snapshot *s = ctx->snap;
	char *homec, *viac;
	int rc = FIX_NONE;

	*why = "it is not inside the account's own home";
	if (a == NULL || via == NULL || path == NULL || path[0] != '/')
		return FIX_NONE;
	if ((homec = own_home(s, a)) == NULL) {
		*why = "the account's home is a system directory or shared with "
		    "another account";
		return FIX_NONE;
	}
	viac = no_link_below(s, a->home, homec, via);
	/* the path changed is the one sshd uses, or a directory above it,
	 * and inside the home */
	if (viac != NULL && within(viac, path) && within(path, homec))
		rc = strcmp(path, homec) == 0 ? FIX_HOME : FIX_IN_HOME;
	else if (viac == NULL && within(via, a->home))
		*why = "the account reaches it through a symlink it controls";
	free(viac);
	free(homec);
	return rc;
}

int
ctx_fix_system(const struct ka_ctx *ctx, const char *path)
{
	const struct snapshot *s = ctx->snap;
	char *c, *dir;
	int ok;

	if (path == NULL || strncmp(path, "/etc/ssh/", 9) != 0 ||
	    (c = canonical(s, path)) == NULL)
		return FIX_NONE;
	ok = strcmp(c, path) == 0;
	free(c);
	for (dir = path_dirname(path); ok; ) {
		const struct snap_file *d = snap_stat(s, dir);
		char *up;

		ok = d != NULL && d->type == SNAP_DIR && d->uid == 0 && !(d->mode & 022);
		if (strcmp(dir, "/") == 0)
			break;
		up = path_dirname(dir);
		free(dir);
		dir = up;
	}
	free(dir);
	return ok ? FIX_SYSTEM : FIX_NONE;
}

/* The type letter of a target, or 0 when it cannot be one. */
static char
target_type(const struct snap_file *f)
{
	if (f == NULL)
		return 0;
	if (f->type == SNAP_NOENT)
		return 'n';
	if (f->type == SNAP_REG)
		return 'f';
	if (f->type == SNAP_DIR)
		return 'd';
	return 0;
}

struct ka_action *
ctx_fix_path(struct ka_ctx *ctx, struct ka_finding *f, const struct snap_account *a,
    const char *via, const char *verb, const char *arg, const char *path)
{
	const struct snap_file *st = snap_stat(ctx->snap, path);
	struct ka_action *act;
	char type = target_type(st);
	const char *why;
	int where, link;

	if (f == NULL)
		return NULL;
	where = ctx_fix_target(ctx, a, via, path, &why);
	link = where == FIX_NONE && strstr(why, "symlink") != NULL;
	if (where == FIX_NONE && ctx_fix_system(ctx, path) == FIX_SYSTEM)
		where = FIX_SYSTEM;
	/* a home is the account's, but handing it over is not repair */
	if (where == FIX_HOME && strcmp(verb, "chown") == 0) {
		where = FIX_NONE;
		why = "handing a home directory to an account is a decision";
	}
	if (where != FIX_NONE && (type == 0 || (type == 'n') != (strcmp(verb, "touch") == 0))) {
		where = FIX_NONE;
		why = "it is not what the command expects (a regular file or directory)";
	}
	if (where != FIX_NONE && arg != NULL && !remedy_word_ok(arg)) {
		where = FIX_NONE;
		why = "a name in it would read as an option";
	}
	if (where == FIX_NONE) {
		struct ka_action tmp = { 0 };
		char *cmd;

		strlist_add(&tmp.argv, verb);
		if (arg != NULL)
			strlist_add(&tmp.argv, arg);
		strlist_add(&tmp.argv, path);
		tmp.kind = ACT_RUN;
		cmd = action_command(&tmp);
		strlist_free(&tmp.argv);
		if (link)
			act = remedy_manual(&f->remedy, "not a command: %s reaches %s "
			    "through a symlink it controls. If that is not meant, replace "
			    "the link with %s's own file (as %s); keyaudit never changes "
			    "what such a link points at (%s would change %s for everything "
			    "else that uses it)", via, path, a->name, a->name, cmd, path);
		else
			act = remedy_manual(&f->remedy, "not a command, %s: decide by hand "
			    "(for %s, %s would change %s for everything else that uses it)",
			    why, a != NULL ? a->name : "the account", cmd, path);
		free(cmd);
		return act;
	}
	act = arg != NULL ? remedy_run(&f->remedy, ACT_SERVER, 0, verb, arg, path, NULL) :
	    remedy_run(&f->remedy, ACT_SERVER, 0, verb, path, NULL);
	action_target(act, path, type, type == 'n' ? 0 : st->uid);
	return act;
}

/* ------------------------------------------------------------ edits */

char *
ctx_file_line(const struct ka_ctx *ctx, const char *path, long n)
{
	const struct snap_file *f = snap_file_get(ctx->snap, path);
	const char *p, *end, *nl;

	if (f == NULL || !f->has_content || f->content == NULL || f->truncated || n < 1)
		return NULL;
	p = f->content;
	end = p + f->content_len;
	for (long i = 1; p < end; i++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (i == n) {
			/* a line holding a NUL is not one an edit can name */
			if (memchr(p, '\0', (size_t)(nl - p)) != NULL)
				return NULL;
			return xstrndup(p, (size_t)(nl - p));
		}
		p = nl + 1;
	}
	return NULL;
}

long
ctx_file_nlines(const struct ka_ctx *ctx, const char *path)
{
	const struct snap_file *f = snap_file_get(ctx->snap, path);
	long n = 0;

	if (f == NULL || !f->has_content || f->content == NULL || f->truncated)
		return -1;
	for (size_t i = 0; i < f->content_len; i++)
		if (f->content[i] == '\n')
			n++;
	if (f->content_len > 0 && f->content[f->content_len - 1] != '\n')
		n++;
	return n;
}

/* Is every directory from dir up to / root's and writable by nobody else? */
static int
root_dirs(const struct snapshot *s, const char *dir0)
{
	char *dir = xstrdup(dir0);
	int ok = 1;

	for (;;) {
		const struct snap_file *d = snap_stat(s, dir);
		char *up;

		/* "/" itself is not always collected: the fix script's cd -P
		 * and pwd -P see it as it is when it runs */
		if (d == NULL && strcmp(dir, "/") == 0)
			break;
		ok = d != NULL && d->type == SNAP_DIR && d->uid == 0 && !(d->mode & 022);
		if (!ok || strcmp(dir, "/") == 0)
			break;
		up = path_dirname(dir);
		free(dir);
		dir = up;
	}
	free(dir);
	return ok;
}

char
ctx_fix_config_file(const struct ka_ctx *ctx, const char *path)
{
	const struct snapshot *s = ctx->snap;
	const struct snap_file *f;
	char *c = NULL, *dir;
	const char *why;
	int ok;

	if (path == NULL || path[0] != '/' || !remedy_word_ok(path))
		return 0;
	dir = path_dirname(path);
	/* a drop-in directory no glob found anything in was not collected:
	 * its parents vouch, the fix script checks it (root's, writable by
	 * nobody else) when it runs */
	if (snap_stat(s, dir) == NULL && strcmp(dir, "/") != 0) {
		char *up = path_dirname(dir);

		ok = root_dirs(s, up);
		free(up);
		free(dir);
		if (!ok)
			return 0;
		f = snap_stat(s, path);
		return f == NULL ? 'n' : 0;
	}
	ok = root_dirs(s, dir);
	free(dir);
	if (!ok)
		return 0;
	/* a file no glob matched was not collected: the fix script creates
	 * it only when it still is not there */
	f = snap_stat(s, path);
	if (f == NULL || f->type == SNAP_NOENT)
		return 'n';
	if (snap_realpath(s, path, &c, &why) != 0)
		return 0;
	ok = strcmp(c, path) == 0;
	free(c);
	f = snap_stat(s, path);
	if (!ok || f == NULL || f->type != SNAP_REG || f->uid != 0 || (f->mode & 022))
		return 0;
	return 'f';
}

/* Debian and Ubuntu call the unit ssh, everyone else sshd. */
const char *
ctx_reload_cmd(const struct ka_ctx *ctx)
{
	return ctx->upg_allowed ? "sshd -t && systemctl reload ssh" :
	    "sshd -t && systemctl reload sshd";
}

/* The leading blanks of line (a Match block's indentation), then text. */
static char *
indented(const char *line, const char *text)
{
	size_t n = line != NULL ? strspn(line, " \t") : 0;

	return xasprintf("%.*s%s", (int)n, line != NULL ? line : "", text);
}

/* The option on sshd's command line (parse/sysunit.c) that sets v in e,
 * or NULL. Several options come from one line (RHEL 8's CRYPTO_POLICY):
 * the one whose keyword is v's. */
static const struct sshd_cmdopt *
cmdline_origin(const struct ka_ctx *ctx, const struct sshd_eff *e,
    const struct sshd_value *v)
{
	for (size_t i = 0; i < ctx->cmdline.n; i++) {
		const struct sshd_cmdopt *o = &ctx->cmdline.v[i];
		char *kw;
		int same;

		if (strcmp(o->file, v->file) != 0 || o->line != v->line)
			continue;
		kw = xstrndup(o->text, strcspn(o->text, "= \t"));
		same = sshd_eff_get(e, kw) == v;
		free(kw);
		if (same)
			return o;
	}
	return NULL;
}

/*
 * A value no edit of sshd_config can change in place: an option on sshd's
 * command line (RHEL 8 puts the crypto policy there; -o wins over every
 * file), or a line of the crypto policy's back-end that RHEL 9/10 Include
 * (update-crypto-policies writes it: an edit is lost at the next update,
 * and a drop-in read before 50-redhat.conf wins instead). NULL: neither.
 */
static struct ka_action *
fix_distro_layer(struct ka_ctx *ctx, struct ka_finding *f, const struct sshd_eff *e,
    const struct sshd_value *v, const char *cfgline)
{
	const struct sshd_cmdopt *o = cmdline_origin(ctx, e, v);
	struct ka_action *a;
	char *text, *dropin, *qf;
	char type;
	long line;

	if (o != NULL) {
		qf = shell_quote(o->file);
		text = xasprintf("sshd's command line sets this: '-o %s' comes from %s "
		    "line %d through %s, and an option there wins over every "
		    "configuration file. To have '%s': %s; then run: systemctl restart %s",
		    o->text, qf, o->line, ctx->cmdline.unit ? ctx->cmdline.unit :
		    "sshd's service unit", cfgline,
		    strstr(o->file, "crypto-policies") != NULL ?
		    "Choose a crypto policy that allows it (update-crypto-policies "
		    "--set POLICY[:SUBPOLICY]), or take sshd out of the policy with "
		    "'CRYPTO_POLICY=' in /etc/sysconfig/sshd and set it in sshd_config" :
		    "Change or remove that option", ctx->upg_allowed ? "ssh" : "sshd");
		a = remedy_manual(&f->remedy, "%s", text);
		free(text);
		free(qf);
		return a;
	}
	if (strncmp(v->file, "/etc/crypto-policies/", 21) != 0 &&
	    strncmp(v->file, "/usr/share/crypto-policies/", 27) != 0)
		return NULL;
	qf = shell_quote(v->file);
	dropin = sshdconf_dropin(ctx->sshd, "40-keyaudit.conf");
	if (dropin == NULL) {
		a = remedy_manual(&f->remedy, "the system-wide crypto policy sets this "
		    "(%s line %d, written by update-crypto-policies): choose a policy "
		    "that allows it (update-crypto-policies --set POLICY[:SUBPOLICY]) or "
		    "put '%s' before the Include of that file; then run: %s", qf,
		    v->line, cfgline, ctx_reload_cmd(ctx));
		free(qf);
		return a;
	}
	text = xasprintf("the system-wide crypto policy sets this (%s line %d, "
	    "written by update-crypto-policies: do not edit it); add '%s' to %s, "
	    "read before 50-redhat.conf Includes the policy, or choose a policy that "
	    "allows it (update-crypto-policies --set POLICY[:SUBPOLICY]); then run: %s",
	    qf, v->line, cfgline, dropin, ctx_reload_cmd(ctx));
	type = ctx_fix_config_file(ctx, dropin);
	line = type == 'n' ? 1 : ctx_file_nlines(ctx, dropin) + 1;
	if (line < 1)
		a = remedy_manual(&f->remedy, "%s", text);
	else {
		a = remedy_edit(&f->remedy, 0, dropin, line, NULL, cfgline,
		    ctx_sshd_config_path(ctx), text);
		if (type == 'f' || type == 'n')
			action_target(a, dropin, type, 0);
	}
	free(text);
	free(dropin);
	free(qf);
	return a;
}

struct ka_action *
ctx_fix_config(struct ka_ctx *ctx, struct ka_finding *f, const struct sshd_eff *e,
    const char *kw, const char *cfgline)
{
	const struct sshd_value *v = sshd_eff_get(e, kw);
	const struct sshd_value *g = sshd_eff_get(ctx->global, kw);
	const char *main_cfg = ctx_sshd_config_path(ctx);
	struct ka_action *a;
	char *text, *old, *repl, *dropin, type;
	const char *file;
	long line;
	int match_line;

	if (f == NULL)
		return NULL;
	if (v != NULL && v->file != NULL && (a = fix_distro_layer(ctx, f, e, v, cfgline)) != NULL)
		return a;
	if (v != NULL && v->file != NULL) {
		int in_match = e != ctx->global && (g == NULL || g->file == NULL ||
		    strcmp(g->file, v->file) != 0 || g->line != v->line);

		text = xasprintf("in %s line %d%s, change the line to '%s', then run: %s",
		    v->file, v->line, in_match ? " (in its Match block)" : "", cfgline,
		    ctx_reload_cmd(ctx));
		old = ctx_file_line(ctx, v->file, v->line);
		if (old == NULL) {
			/* the line was not read: a person looks at it */
			a = remedy_manual(&f->remedy, "%s", text);
			free(text);
			return a;
		}
		repl = indented(old, cfgline);
		a = remedy_edit(&f->remedy, 0, v->file, v->line, old, repl, main_cfg, text);
		if (ctx_fix_config_file(ctx, v->file) == 'f')
			action_target(a, v->file, 'f', 0);
		free(repl);
		free(old);
		free(text);
		return a;
	}
	dropin = sshdconf_dropin(ctx->sshd, "50-keyaudit.conf");
	match_line = sshdconf_first_match_line(ctx->sshd);
	type = 0;
	if (dropin != NULL) {
		text = xasprintf("add '%s' to %s, then run: %s", cfgline, dropin,
		    ctx_reload_cmd(ctx));
		file = dropin;
		type = ctx_fix_config_file(ctx, dropin);
		line = type == 'n' ? 1 : ctx_file_nlines(ctx, dropin) + 1;
	} else if (match_line > 0) {
		text = xasprintf("add '%s' to %s before line %d (its first Match block), "
		    "then run: %s", cfgline, main_cfg, match_line, ctx_reload_cmd(ctx));
		file = main_cfg;
		line = match_line;
	} else {
		text = xasprintf("add '%s' to %s, then run: %s", cfgline, main_cfg,
		    ctx_reload_cmd(ctx));
		file = main_cfg;
		line = ctx_file_nlines(ctx, main_cfg) + 1;
	}
	if (type == 0 && file == main_cfg)
		type = ctx_fix_config_file(ctx, main_cfg) == 'f' ? 'f' : 0;
	if (line < 1) {
		a = remedy_manual(&f->remedy, "%s", text);
	} else {
		a = remedy_edit(&f->remedy, 0, file, line, NULL, cfgline, main_cfg, text);
		if (type == 'f')
			action_target(a, file, 'f', 0);
		else if (type == 'n')
			action_target(a, file, 'n', 0);
	}
	free(text);
	free(dropin);
	return a;
}
