/* fixscript.c - --fix-script FILE: the suggested fixes as a POSIX shell
 * script for a person to review and run; keyaudit never runs it. One shell
 * function per host, then a dispatcher: `sh fixes.sh HOST` on the host, or
 * `ssh HOST sudo sh -s HOST < fixes.sh` from here.
 *
 * A fix becomes a command only when it is one of a few idempotent verbs
 * (chmod, chown, chgrp, usermod, groupadd -f, touch, systemctl reload)
 * and every word of it is plain or single-quoted text, so
 * a name a hostile host chose (a user "x;rm -rf /") can never become shell
 * syntax. Everything else (config lines to add, prose, line deletions that
 * are not idempotent) is written as a comment for the person to do. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"

struct report {
	FILE *out;
	struct strlist hosts;
	size_t commands, manual;
};

static const char *const verbs[] = {
	"chmod", "chown", "chgrp", "usermod", "groupadd", "touch", "systemctl",
};

static int
safe_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    strchr("_./:,=+@%-*", c) != NULL;
}

/*
 * The command part of a fix (before "   # comment") as words, or -1: words
 * of safe characters or '...' without a quote inside, joined by single
 * spaces, "&&" between commands, each command an allowed verb.
 */
static int
runnable(const char *fix, size_t *len)
{
	const char *p = fix, *end = strstr(fix, " #");
	int at_verb = 1, words = 0;

	*len = end ? (size_t)(end - fix) : strlen(fix);
	while ((size_t)(p - fix) < *len) {
		const char *w = p;
		size_t n;

		if (*p == ' ') {
			p++;
			continue;
		}
		if (p[0] == '&' && p[1] == '&' && (p[2] == ' ' || p[2] == '\0') && !at_verb) {
			at_verb = 1;
			p += 2;
			continue;
		}
		while ((size_t)(p - fix) < *len && *p != ' ') {
			if (*p == '\'') {
				const char *q = strchr(p + 1, '\'');
				if (q == NULL || (size_t)(q - fix) >= *len)
					return -1;
				p = q + 1;
			} else if (safe_char(*p))
				p++;
			else
				return -1;
		}
		n = (size_t)(p - w);
		if (at_verb) {
			size_t v;

			for (v = 0; v < KA_ARRLEN(verbs); v++)
				if (strlen(verbs[v]) == n && strncmp(verbs[v], w, n) == 0)
					break;
			if (v == KA_ARRLEN(verbs))
				return -1;
			/* only the idempotent forms */
			if ((strncmp(w, "groupadd", n) == 0 && strncmp(p, " -f ", 4) != 0) ||
			    (strncmp(w, "systemctl", n) == 0 && strncmp(p, " reload ", 8) != 0))
				return -1;
			at_verb = 0;
		}
		words++;
	}
	return words > 0 && !at_verb ? 0 : -1;
}

/* Text from findings as comment lines: printable, no line break. */
static void
comment(FILE *out, const char *prefix, const char *s)
{
	char *p = str_printable(s, strlen(s));

	fprintf(out, "\t# %s%s\n", prefix, p);
	free(p);
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
	fprintf(out, "#!/bin/sh\n"
	    "# keyaudit fix script, written %s. keyaudit never runs it: review it.\n"
	    "# Each host's fixes run on that host, as root:\n"
	    "#   sh THIS_FILE HOST                     (on the host itself)\n"
	    "#   ssh HOST sudo sh -s HOST < THIS_FILE  (from here)\n"
	    "# Commands are idempotent (running twice changes nothing more); what is\n"
	    "# not a safe command is left as a comment for you to do.\n"
	    "set -eu\n", when);
	return r;
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
		size_t len;

		fputc('\n', r->out);
		comment(r->out, "", what);
		free(what);
		if (f->baselined != NULL)
			comment(r->out, "baselined: ", f->baselined);
		if (f->fix == NULL)
			comment(r->out, "no fix to suggest", "");
		else if (runnable(f->fix, &len) == 0) {
			fprintf(r->out, "\t%.*s\n", (int)len, f->fix);
			r->commands++;
		} else {
			comment(r->out, "by hand: ", f->fix);
			r->manual++;
		}
	}
	fprintf(r->out, "}\n");
	free(name);
}

static int
r_close(struct report *r, const struct ka_summary *s)
{
	int rc;

	(void)s;
	fprintf(r->out, "\n# %zu command%s, %zu fix%s by hand\ncase ${1-} in\n", r->commands,
	    r->commands == 1 ? "" : "s", r->manual, r->manual == 1 ? "" : "es");
	for (size_t i = 0; i < r->hosts.n; i++) {
		char *q = shell_quote(r->hosts.v[i]);
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
