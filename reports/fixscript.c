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
 * instant between check and chmod can only tighten a mode. Everything else
 * -- prose, edits, client-side commands, commands as the user -- is a
 * comment, and every word in it that came from a host is escaped. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reports/report.h"

struct report {
	FILE *out;
	struct strlist hosts;
	size_t commands, manual;
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
"# What is a decision (accounts, groups, shared directories, config edits,\n"
"# steps on the client) is a comment for you to do.\n"
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
")\n";

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

static void
put_remedy(struct report *r, const struct ka_remedy *rem)
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
			put_remedy(r, &f->remedy);
	}
	fprintf(r->out, "}\n");
	free(name);
}

static int
r_close(struct report *r, const struct ka_summary *s)
{
	int rc;

	(void)s;
	fprintf(r->out, "\n# %zu command%s, %zu step%s by hand\ncase ${1-} in\n", r->commands,
	    r->commands == 1 ? "" : "s", r->manual, r->manual == 1 ? "" : "s");
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
