/* fixscript.c - --fix-script FILE: the suggested fixes as a POSIX shell
 * script for a person to review and run as root on each host; keyaudit never
 * runs it. One shell function per host, then a dispatcher: `sh fixes.sh HOST`
 * on the host, or `ssh HOST sudo sh -s HOST < fixes.sh` from here.
 *
 * The script is written for a machine whose users may be hostile. A remedy
 * becomes a live command only when it is a server command run as root whose
 * path the check vouched for (remedy.h's target: inside the account's own
 * home or sshd's root-owned files, reached without a symlink), and its verb
 * is chmod with a mode that only takes bits away (or gives the owner its own
 * read/search bit back), chown, or touch of a missing root file. Each such
 * command goes through a guard function that, when it runs, enters the
 * directory by its real name (cd -P, then pwd -P must be the scanned path),
 * checks the path is still the scanned type and owner, not a symlink, and a
 * file with one link, then acts on the name relative to that directory
 * (chown -h never follows a link). So a symlink swapped in after the scan
 * makes the command skip with a message, and one swapped in during the
 * instant between check and chmod can only tighten a mode.
 *
 * Edits with a target are live too (of sshd's files only for a finding
 * that blocks a login: a hardening change is for a person to review), after the commands (an ownership fix
 * may be what lets the account write its own file), each file's from its
 * last line up so the line numbers of the ones still to come stay right:
 * an edit of sshd's root-owned files as root (a backup beside it, the edit
 * only when the scanned line still reads the same, sshd -t, the backup put
 * back when sshd -t refuses it; one reload at the end of the host); an edit
 * of an account's own authorized_keys as that account (setpriv, no
 * terminal), which can do nothing the account could not do itself.
 * Everything else -- prose, client-side commands, other commands as the
 * user -- is a comment, and every word in it that came from a host is
 * escaped. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reports/report.h"

struct report {
	FILE *out;
	struct strlist hosts;
	size_t commands, edits, manual;
	/* the host's live edits, applied after its commands */
	struct pending {
		const struct ka_action *a;
		size_t seq;
	} *pend;
	size_t npend;
};

/* chmod modes that cannot widen access whatever file they land on. */
static const char *const narrowing_modes[] = {
	"go-w", "g-w", "o-w", "go-rwx", "u+r", "u+x", "u+rw", "600", "0600", "700",
};

static const char preamble[] =
"#!/bin/sh\n"
"# keyaudit fix script, written %s. keyaudit never runs it: review it.\n"
"# Each host's fixes run on that host, as root:\n"
"#   sh THIS_FILE HOST                     (on the host itself)\n"
"#   ssh HOST sudo sh -s HOST < THIS_FILE  (from here)\n"
"# Every command checks, when it runs, that the path it changes is still what\n"
"# the scan saw (same type and owner, no symlink on the way, one link) and\n"
"# skips with a message otherwise. Running it twice changes nothing more.\n"
"# Edits come last, each file from its last line up: sshd's files as root\n"
"# for what blocks a login (hardening changes are left for you to review)\n"
"# (a backup beside the file, sshd -t, the backup restored when sshd -t\n"
"# refuses the edit, then one reload), an account's authorized_keys as that\n"
"# account; an edit whose line no longer reads as scanned is skipped.\n"
"# What is a decision (accounts, groups, shared directories, steps on the\n"
"# client) is a comment for you to do.\n"
"set -u\n"
"\n"
"# ka_at TYPE UID PATH: cd to PATH's directory by its real name (PATH itself\n"
"# for a directory) and check PATH; KA_N is the name to act on.\n"
"ka_at() {\n"
"\tcase $1 in\n"
"\td) ka_d=$3; KA_N=. ;;\n"
"\t*) ka_d=${3%%/*}; KA_N=${3##*/}; [ -n \"$ka_d\" ] || ka_d=/ ;;\n"
"\tesac\n"
"\tif ! cd -P -- \"$ka_d\" 2>/dev/null || [ \"$(pwd -P)\" != \"$ka_d\" ]; then\n"
"\t\techo \"keyaudit-fix: skipped $3: its directory is not what was scanned\" >&2\n"
"\t\treturn 1\n"
"\tfi\n"
"\tif [ \"$1\" = n ]; then\n"
"\t\t[ \"$(stat -c %%u .)\" = 0 ] && [ ! -e \"$KA_N\" ] && [ ! -L \"$KA_N\" ] && return 0\n"
"\t\techo \"keyaudit-fix: skipped $3: it exists now, or its directory is not root's\" >&2\n"
"\t\treturn 1\n"
"\tfi\n"
"\tif [ -L \"$KA_N\" ] || { [ \"$1\" = f ] && [ ! -f \"$KA_N\" ]; }; then\n"
"\t\techo \"keyaudit-fix: skipped $3: no longer a regular file\" >&2\n"
"\t\treturn 1\n"
"\tfi\n"
"\tka_s=$(stat -c '%%u %%h' -- \"$KA_N\" 2>/dev/null)\n"
"\tcase $1:$ka_s in\n"
"\tf:\"$2 1\"|d:\"$2 \"*) return 0 ;;\n"
"\tesac\n"
"\techo \"keyaudit-fix: skipped $3: its owner or link count changed since the scan\" >&2\n"
"\treturn 1\n"
"}\n"
"# ka_chmod MODE TYPE UID PATH, ka_chown OWNER TYPE UID PATH, ka_touch PATH\n"
"ka_chmod() (\n"
"\tka_at \"$2\" \"$3\" \"$4\" || exit 0\n"
"\tchmod \"$1\" -- \"$KA_N\" && echo \"keyaudit-fix: chmod $1 $4\"\n"
")\n"
"ka_chown() (\n"
"\tka_at \"$2\" \"$3\" \"$4\" || exit 0\n"
"\tchown -h -- \"$1\" \"$KA_N\" && echo \"keyaudit-fix: chown $1 $4\"\n"
")\n"
"ka_touch() (\n"
"\tka_at n 0 \"$1\" || exit 0\n"
"\t: >> \"$KA_N\" && echo \"keyaudit-fix: created $1\"\n"
")\n"
"# The edit itself, on stdin to stdout: KA_OP replace|delete|insert at line\n"
"# KA_LINE, whose lines read KA_OLD (lines joined by newlines). KA_MOVE=1:\n"
"# an authorized_keys block found once elsewhere is edited there. Exit 3:\n"
"# the lines no longer read as scanned.\n"
"KA_AWK='\n"
"function blk(s, j) {\n"
"\tif (s < 1 || s + no - 1 > NR) return 0\n"
"\tfor (j = 1; j <= no; j++) if (l[s + j - 1] != o[j]) return 0\n"
"\treturn 1\n"
"}\n"
"{ l[NR] = $0 }\n"
"END {\n"
"\top = ENVIRON[\"KA_OP\"]; L = ENVIRON[\"KA_LINE\"] + 0\n"
"\tno = split(ENVIRON[\"KA_OLD\"], o, \"\\n\")\n"
"\tif (op == \"insert\") { if (L < 1 || L > NR + 1) exit 3; at = L; no = 0 }\n"
"\telse if (blk(L)) at = L\n"
"\telse if (ENVIRON[\"KA_MOVE\"] == 1) {\n"
"\t\tc = 0\n"
"\t\tfor (i = 1; i <= NR; i++) if (blk(i)) { c++; at = i }\n"
"\t\tif (c != 1) exit 3\n"
"\t} else exit 3\n"
"\tfor (i = 1; i < at; i++) print l[i]\n"
"\tif (op != \"delete\") print ENVIRON[\"KA_NEW\"]\n"
"\tfor (i = at + no; i <= NR; i++) print l[i]\n"
"}'\n"
"KA_STAMP=$(date +%%Y%%m%%d%%H%%M%%S)\n"
"KA_EDITS=0\n"
"KA_RELOAD=\n"
"# ka_edit OP TYPE PATH LINE OLD NEW CONFIG: one of sshd's root-owned files,\n"
"# as root; then sshd -t -f CONFIG, the backup put back when it refuses.\n"
"KA_MADE=\n"
"ka_edit() {\n"
"\tKA_EDITS=$((KA_EDITS + 1))\n"
"\t# a drop-in this run made: later lines go at its end\n"
"\tif [ \"$2\" = n ] && case \" $KA_MADE \" in *\" $3 \"*) true ;; *) false ;; esac; then\n"
"\t\tset -- \"$1\" f \"$3\" \"$(($(wc -l < \"$3\") + 1))\" \"$5\" \"$6\" \"$7\"\n"
"\tfi\n"
"\t(\n"
"\tka_at \"$2\" 0 \"$3\" || exit 1\n"
"\tif [ -n \"$(find . -maxdepth 0 -perm /022)\" ]; then\n"
"\t\techo \"keyaudit-fix: skipped $3: its directory is writable by others now\" >&2\n"
"\t\texit 1\n"
"\tfi\n"
"\t# one backup of the file as it was before this run; an undo copy of it\n"
"\t# as it was before this edit\n"
"\tka_b=.$KA_N.keyaudit-$KA_STAMP\n"
"\tka_t=$(mktemp ./.keyaudit-edit.XXXXXX) && ka_u=$(mktemp ./.keyaudit-undo.XXXXXX) || exit 1\n"
"\tif [ \"$2\" = n ]; then : > \"$KA_N\" && chmod 644 \"$KA_N\" && ka_b=\n"
"\telse { [ -e \"$ka_b\" ] || cp -p -- \"$KA_N\" \"$ka_b\"; } && cat \"$KA_N\" > \"$ka_u\"; fi || { rm -f \"$ka_t\" \"$ka_u\"; exit 1; }\n"
"\tif ! KA_OP=$1 KA_LINE=$4 KA_OLD=$5 KA_NEW=$6 KA_MOVE=0 awk \"$KA_AWK\" < \"$KA_N\" > \"$ka_t\"; then\n"
"\t\trm -f \"$ka_t\" \"$ka_u\"\n"
"\t\t[ \"$2\" = n ] && rm -f \"$KA_N\"\n"
"\t\techo \"keyaudit-fix: skipped $3 line $4: it no longer reads as scanned\" >&2\n"
"\t\texit 1\n"
"\tfi\n"
"\tcat \"$ka_t\" > \"$KA_N\"; rm -f \"$ka_t\"\n"
"\tif ka_e=$(\"${KA_SSHD:-/usr/sbin/sshd}\" -t -f \"$7\" 2>&1); then\n"
"\t\trm -f \"$ka_u\"\n"
"\t\tif [ -n \"$ka_b\" ]; then ka_b=\"backup: ${3%%/*}/$ka_b\"; else ka_b=\"a new file\"; fi\n"
"\t\techo \"keyaudit-fix: edited $3 line $4 ($ka_b)\"\n"
"\t\texit 0\n"
"\tfi\n"
"\tif [ \"$2\" = n ]; then rm -f \"$KA_N\"; else cat \"$ka_u\" > \"$KA_N\"; fi\n"
"\trm -f \"$ka_u\"\n"
"\techo \"keyaudit-fix: sshd -t refused the edit of $3 line $4, so it was undone: $ka_e\" >&2\n"
"\texit 1\n"
"\t) || return 0\n"
"\tKA_RELOAD=$7\n"
"\t[ \"$2\" = n ] && KA_MADE=\"$KA_MADE $3\"\n"
"\treturn 0\n"
"}\n"
"# ka_uedit OP UID PATH LINE OLD NEW: an account's own file, as that account\n"
"# (no terminal: setsid; its output filtered), which may do no more than\n"
"# the account could; a block that moved is found by its content.\n"
"ka_uedit() {\n"
"\tKA_EDITS=$((KA_EDITS + 1))\n"
"\t( ka_at f \"$2\" \"$3\" ) || return 0\n"
"\tka_g=$(id -g -- \"+$2\" 2>/dev/null)\n"
"\t[ -n \"$ka_g\" ] || { echo \"keyaudit-fix: skipped $3: no account has uid $2\" >&2; return 0; }\n"
"\tka_o=$(setsid -w setpriv --reuid=\"$2\" --regid=\"$ka_g\" --clear-groups --reset-env -- \\\n"
"\t    env KA_OP=\"$1\" KA_LINE=\"$4\" KA_OLD=\"$5\" KA_NEW=\"$6\" KA_MOVE=1 KA_AWK=\"$KA_AWK\" \\\n"
"\t    KA_B=\"keyaudit-$KA_STAMP\" sh -c '\n"
"\t\tf=$1; d=${f%%/*}; b=$d/.${f##*/}.$KA_B\n"
"\t\tt=$(mktemp \"$d/.keyaudit-edit.XXXXXX\") || exit 1\n"
"\t\tawk \"$KA_AWK\" < \"$f\" > \"$t\" || { s=$?; rm -f \"$t\"; exit $s; }\n"
"\t\t{ [ -e \"$b\" ] || cp -- \"$f\" \"$b\"; } && cat \"$t\" > \"$f\"; s=$?; rm -f \"$t\"; exit $s' ka \"$3\" \\\n"
"\t    </dev/null 2>&1; echo \" $?\")\n"
"\tprintf '%%s\\n' \"${ka_o%% *}\" | tr -cd '[:print:]\\n' | grep . >&2\n"
"\tif [ \"${ka_o##* }\" = 0 ]; then\n"
"\t\techo \"keyaudit-fix: edited $3 line $4, as uid $2\"\n"
"\telse\n"
"\t\techo \"keyaudit-fix: skipped $3 line $4: it no longer reads as scanned, or uid $2 could not write it\" >&2\n"
"\tfi\n"
"}\n"
"# ka_reload: sshd rereads the configuration the edits were checked with.\n"
"ka_reload() {\n"
"\t[ -n \"$KA_RELOAD\" ] || return 0\n"
"\tka_pf=$(\"${KA_SSHD:-/usr/sbin/sshd}\" -T -f \"$KA_RELOAD\" 2>/dev/null | awk '$1 == \"pidfile\" { print $2; exit }')\n"
"\tka_pid=$(cat -- \"${ka_pf:-/run/sshd.pid}\" 2>/dev/null)\n"
"\tcase $ka_pid in ''|*[!0-9]*) ka_pid= ;; esac\n"
"\tif [ -n \"$ka_pid\" ] && case $(readlink \"/proc/$ka_pid/exe\") in */sshd*) true ;; *) false ;; esac; then\n"
"\t\tkill -HUP \"$ka_pid\" && echo \"keyaudit-fix: reloaded sshd (pid $ka_pid)\"\n"
"\telif [ \"$KA_RELOAD\" = /etc/ssh/sshd_config ] && command -v systemctl >/dev/null 2>&1; then\n"
"\t\t{ systemctl reload ssh 2>/dev/null || systemctl reload sshd; } && echo \"keyaudit-fix: reloaded sshd\"\n"
"\telse\n"
"\t\techo \"keyaudit-fix: reload the sshd that reads $KA_RELOAD by hand\" >&2\n"
"\tfi\n"
"\tKA_RELOAD=\n"
"}\n";

/* Text from findings as comment lines: printable, no line break. */
static void
comment(FILE *out, const char *prefix, const char *s)
{
	char *p = str_printable(s, strlen(s));

	fprintf(out, "\t# %s%s\n", prefix, p);
	free(p);
}

static int
in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/* The guarded live form of a, or NULL when a stays a comment. */
static char *
live_command(const struct ka_action *a)
{
	const struct ka_act_target *t = &a->target;
	const char *verb;
	char *qarg, *qpath, *cmd = NULL;

	/* a path that does not show as it is (a bidi override, a control byte)
	 * would make the reviewed line read as another: a comment, escaped */
	if (a->kind != ACT_RUN || a->where != ACT_SERVER || a->as_user ||
	    t->path == NULL || t->path[0] != '/' || a->argv.n < 2 ||
	    !str_shows_as_is(t->path, strlen(t->path)) ||
	    strcmp(a->argv.v[a->argv.n - 1], t->path) != 0 ||
	    (t->type != 'f' && t->type != 'd' && t->type != 'n'))
		return NULL;
	verb = a->argv.v[0];
	if (strcmp(verb, "touch") == 0 && a->argv.n == 2 && t->type == 'n') {
		qpath = shell_quote(t->path);
		cmd = xasprintf("ka_touch %s", qpath);
		free(qpath);
		return cmd;
	}
	if (a->argv.n != 3 || t->type == 'n' || !remedy_word_ok(a->argv.v[1]))
		return NULL;
	/* 0640 lets a group read: only on sshd's own files, where no user can
	 * swap anything in (ctx_fix_system vouched for every directory) */
	if (strcmp(verb, "chmod") == 0 &&
	    !in_list(a->argv.v[1], narrowing_modes, KA_ARRLEN(narrowing_modes)) &&
	    !(strcmp(a->argv.v[1], "0640") == 0 && strncmp(t->path, "/etc/ssh/", 9) == 0))
		return NULL;
	if (strcmp(verb, "chmod") != 0 && strcmp(verb, "chown") != 0)
		return NULL;
	qarg = shell_quote(a->argv.v[1]);
	qpath = shell_quote(t->path);
	cmd = xasprintf("ka_%s %s %c %u %s", verb, qarg, t->type, (unsigned)t->uid, qpath);
	free(qarg);
	free(qpath);
	return cmd;
}

/* Every line of s (an edit's old or new text) shows as it is; a tab (a
 * Match block's indentation) is a blank to the reader. */
static int
lines_show(const char *s)
{
	if (s == NULL)
		return 1;
	for (const char *p = s;;) {
		size_t n = strcspn(p, "\n\t");

		if (!str_shows_as_is(p, n))
			return 0;
		if (p[n] == '\0')
			return 1;
		p += n + 1;
	}
}

/* The live form of an edit the check vouched for, or NULL. */
static char *
live_edit(const struct ka_action *a)
{
	const struct ka_act_target *t = &a->target;
	const char *op;
	char *qp, *qo, *qn, *qc, *cmd;

	if (a->kind != ACT_EDIT || t->path == NULL || a->file == NULL ||
	    strcmp(t->path, a->file) != 0 || t->path[0] != '/' ||
	    !str_shows_as_is(t->path, strlen(t->path)) || a->line < 1 ||
	    (a->old == NULL && a->repl == NULL) || !lines_show(a->old) ||
	    (a->repl != NULL && strchr(a->repl, '\n') != NULL) || !lines_show(a->repl))
		return NULL;
	if (a->as_user ? t->type != 'f' || t->uid == 0 :
	    (t->type != 'f' && t->type != 'n') || t->uid != 0 || a->config == NULL ||
	    a->config[0] != '/' || !str_shows_as_is(a->config, strlen(a->config)))
		return NULL;
	if (t->type == 'n' && (a->old != NULL || a->line != 1))
		return NULL;
	op = a->old == NULL ? "insert" : a->repl == NULL ? "delete" : "replace";
	qp = shell_quote(t->path);
	qo = shell_quote(a->old ? a->old : "");
	qn = shell_quote(a->repl ? a->repl : "");
	if (a->as_user) {
		cmd = xasprintf("ka_uedit %s %u %s %ld %s %s", op, (unsigned)t->uid, qp,
		    a->line, qo, qn);
	} else {
		qc = shell_quote(a->config);
		cmd = xasprintf("ka_edit %s %c %s %ld %s %s %s", op, t->type, qp, a->line,
		    qo, qn, qc);
		free(qc);
	}
	free(qp);
	free(qo);
	free(qn);
	return cmd;
}

static int
same_edit(const struct ka_action *a, const struct ka_action *b)
{
	return strcmp(a->file, b->file) == 0 && a->line == b->line &&
	    a->as_user == b->as_user && (a->old == NULL) == (b->old == NULL) &&
	    (a->repl == NULL) == (b->repl == NULL) &&
	    (a->old == NULL || strcmp(a->old, b->old) == 0) &&
	    (a->repl == NULL || strcmp(a->repl, b->repl) == 0);
}

/* Each file's edits from its last line up; at one line, a change of the
 * line before an insertion above it; else in the report's order. */
static int
edit_order(const void *pa, const void *pb)
{
	const struct pending *x = pa, *y = pb;
	const struct ka_action *a = x->a, *b = y->a;
	int c = strcmp(a->file, b->file);

	if (c != 0)
		return c;
	if (a->line != b->line)
		return a->line > b->line ? -1 : 1;
	if ((a->old == NULL) != (b->old == NULL))
		return a->old == NULL ? 1 : -1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static struct report *
r_open(FILE *out, const struct report_opts *o)
{
	struct report *r = xcalloc(1, sizeof(*r));
	char when[32];
	time_t t = time(NULL);
	struct tm tm;

	(void)o;
	r->out = out;
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(out, preamble, when);
	return r;
}

/* A root edit of sshd's configuration is live when the finding blocks a
 * login (the repair this script is for); a hardening change (password
 * login off, forwarding off) changes the server for everyone and is
 * reviewed and applied by a person. */
static void
put_remedy(struct report *r, const struct ka_remedy *rem, int blocks)
{
	for (size_t i = 0; i < rem->n; i++) {
		const struct ka_action *a = &rem->v[i];
		char *live = live_command(a), *t;

		if (live != NULL) {
			fprintf(r->out, "\t%s\n", live);
			free(live);
			r->commands++;
			continue;
		}
		if ((live = live_edit(a)) != NULL && !blocks && !a->as_user) {
			free(live);
			t = action_text(a);
			comment(r->out, "by hand: ", t);
			comment(r->out, "  (a change for every account, so not run: review it)", "");
			free(t);
			r->manual++;
			continue;
		}
		if (live != NULL) {
			free(live);
			t = action_text(a);
			comment(r->out, "edit, applied after the commands below: ", t);
			free(t);
			r->pend = xreallocarray(r->pend, r->npend + 1, sizeof(*r->pend));
			r->pend[r->npend].a = a;
			r->pend[r->npend].seq = r->npend;
			r->npend++;
			continue;
		}
		t = action_text(a);
		comment(r->out, "by hand: ", t);
		free(t);
		r->manual++;
	}
}

static void
r_host(struct report *r, const struct ka_host_result *h)
{
	size_t n = r->hosts.n;
	char *name = str_printable(h->target, strlen(h->target));

	strlist_add(&r->hosts, h->target);
	fprintf(r->out, "\n# --- %s: %zu finding%s\nkeyaudit_fix_%zu() {\n", name, h->nfindings,
	    h->nfindings == 1 ? "" : "s", n);
	fprintf(r->out, "\t:\n");
	for (size_t i = 0; i < h->nfindings; i++) {
		const struct ka_finding *f = &h->findings[i];
		char *what = xasprintf("[%s] %s: %s", severity_name(f->severity), f->rule->id,
		    f->message);

		fputc('\n', r->out);
		comment(r->out, "", what);
		free(what);
		if (f->baselined != NULL)
			comment(r->out, "baselined: ", f->baselined);
		if (f->remedy.n == 0)
			comment(r->out, "no fix to suggest", "");
		else
			put_remedy(r, &f->remedy, f->blocks_login);
	}
	if (r->npend > 0) {
		int root = 0;

		/* qsort is not stable: ties fall back to the report's order */
		qsort(r->pend, r->npend, sizeof(*r->pend), edit_order);
		fprintf(r->out, "\n\t# the edits, each file from its last line up\n");
		for (size_t i = 0; i < r->npend; i++) {
			char *live;

			if (i > 0 && same_edit(r->pend[i - 1].a, r->pend[i].a))
				continue;
			live = live_edit(r->pend[i].a);
			fprintf(r->out, "\t%s\n", live);
			free(live);
			r->edits++;
			root |= !r->pend[i].a->as_user;
		}
		if (root)
			fprintf(r->out, "\tka_reload\n");
		free(r->pend);
		r->pend = NULL;
		r->npend = 0;
	}
	fprintf(r->out, "}\n");
	free(name);
}

static int
r_close(struct report *r, const struct ka_summary *s)
{
	int rc;

	(void)s;
	fprintf(r->out, "\n# %zu command%s, %zu edit%s, %zu step%s by hand\ncase ${1-} in\n",
	    r->commands, r->commands == 1 ? "" : "s", r->edits, r->edits == 1 ? "" : "s",
	    r->manual, r->manual == 1 ? "" : "s");
	for (size_t i = 0; i < r->hosts.n; i++) {
		const char *h = r->hosts.v[i];
		char *q;

		/* a name that does not show as it is (a snapshot's target may be
		 * anything) gets no pattern a reader could misread: its function
		 * is named in a comment instead */
		if (!str_shows_as_is(h, strlen(h))) {
			q = str_printable(h, strlen(h));
			fprintf(r->out, "# %s: run keyaudit_fix_%zu (the name has characters "
			    "that do not show as they are)\n", q, i);
			free(q);
			continue;
		}
		q = shell_quote(h);
		fprintf(r->out, "%s) keyaudit_fix_%zu ;;\n", q, i);
		free(q);
	}
	fprintf(r->out, "*) echo \"usage: sh $0 HOST (a host of this script)\" >&2; exit 2 ;;\n"
	    "esac\n");
	rc = fflush(r->out) != 0 || ferror(r->out) ? -1 : 0;
	strlist_free(&r->hosts);
	free(r);
	return rc;
}

const struct report_format report_fixscript = { "fix-script", r_open, r_host, r_close };
