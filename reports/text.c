/* text.c - the report for people: per host a header, then what blocks key
 * login, what is unsafe, and what is untidy, each finding with the command
 * that fixes it. Every string from a finding may carry bytes from the target
 * (file names, comments), so all of it goes through str_printable before it
 * reaches a terminal. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reports/report.h"

struct report {
	FILE *out;
	int color;
	int quiet;
	size_t shown;		/* hosts printed, for the blank line between them */
};

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"

static const char *const sev_color[] = {
	"\033[2m",		/* info: dim */
	"\033[36m",		/* low: cyan */
	"\033[33m",		/* medium: yellow */
	"\033[31m",		/* high: red */
	"\033[1;31m",		/* critical: bold red */
};

static enum ka_severity
sev_clamp(int s)
{
	return s < SEV_INFO || s > SEV_CRITICAL ? SEV_INFO : (enum ka_severity)s;
}

/* Colour on/off as one pair, so no branch forgets the reset. */
static const char *
on(const struct report *r, const char *code)
{
	return r->color ? code : "";
}

static const char *
off(const struct report *r)
{
	return r->color ? C_RESET : "";
}

/* fputs of untrusted text, escaped. */
static void
put_safe(FILE *out, const char *s)
{
	char *p = str_printable(s, strlen(s));

	fputs(p, out);
	free(p);
}

static struct report *
r_open(FILE *out, const struct report_opts *o)
{
	struct report *r = xcalloc(1, sizeof(*r));

	r->out = out;
	r->color = o != NULL && o->color;
	r->quiet = o != NULL && o->quiet;
	return r;
}

enum section { SEC_BLOCKING, SEC_SECURITY, SEC_HYGIENE };

static enum section
section_of(const struct ka_finding *f)
{
	if (f->blocks_login)
		return SEC_BLOCKING;
	if (f->severity >= SEV_MEDIUM)
		return SEC_SECURITY;
	return SEC_HYGIENE;
}

static void
print_finding(struct report *r, const struct ka_finding *f)
{
	FILE *out = r->out;
	enum ka_severity sev = sev_clamp((int)f->severity);
	char tag[16], *fix;

	snprintf(tag, sizeof(tag), "[%s]", severity_name(sev));
	fprintf(out, "  %s%-10s%s %s%s%s", on(r, sev_color[sev]), tag, off(r),
	    on(r, C_BOLD), f->rule->id, off(r));
	if (f->user != NULL) {
		fputs(" user=", out);
		put_safe(out, f->user);
	}
	if (f->path != NULL) {
		fputc(' ', out);
		put_safe(out, f->path);
		if (f->line > 0)
			fprintf(out, ":%ld", f->line);
	} else if (f->line > 0)
		fprintf(out, " line %ld", f->line);
	fputs(": ", out);
	put_safe(out, f->message);
	fputc('\n', out);
	if ((fix = report_fix_text(&f->remedy)) != NULL) {
		fprintf(out, "             %sfix:%s ", on(r, C_BOLD), off(r));
		fputs(fix, out);
		fputc('\n', out);
		free(fix);
	}
	if (f->baselined != NULL) {
		fputs("             baselined (does not fail the gate): ", out);
		put_safe(out, f->baselined);
		fputc('\n', out);
	} else if (f->baseline_expired != 0) {
		char d[16];

		ymd_str(f->baseline_expired, d);
		fprintf(out, "             baseline entry expired on %s: fails again\n", d);
	}
}

static void
print_section(struct report *r, const struct ka_host_result *h, enum section sec,
    const char *title)
{
	size_t n = 0;

	for (size_t i = 0; i < h->nfindings; i++)
		if (section_of(&h->findings[i]) == sec)
			n++;
	if (n == 0)
		return;
	fprintf(r->out, "%s%s%s (%zu)\n", on(r, C_BOLD), title, off(r), n);
	for (size_t i = 0; i < h->nfindings; i++)
		if (section_of(&h->findings[i]) == sec)
			print_finding(r, &h->findings[i]);
}

static void
r_host(struct report *r, const struct ka_host_result *h)
{
	FILE *out = r->out;
	size_t blocking = 0;
	enum ka_severity max = sev_clamp(host_result_max_severity(h));

	if (r->quiet && h->nfindings == 0 && h->status == HOST_SCANNED)
		return;
	for (size_t i = 0; i < h->nfindings; i++)
		if (h->findings[i].blocks_login)
			blocking++;
	if (r->shown++ > 0)
		fputc('\n', out);

	fprintf(out, "%s== ", on(r, C_BOLD));
	put_safe(out, h->target);
	if (h->address != NULL && strcmp(h->address, h->target) != 0) {
		fputs(" (", out);
		put_safe(out, h->address);
		if (h->port > 0 && h->port != 22)
			fprintf(out, ":%d", h->port);
		fputc(')', out);
	}
	fprintf(out, "%s: %s", off(r), host_status_name(h->status));
	if (h->status != HOST_SCANNED && h->error != NULL) {
		fputs(" (", out);
		put_safe(out, h->error);
		fputc(')', out);
	}
	if (h->nfindings == 0)
		fputs(", no findings", out);
	else
		fprintf(out, ", %zu finding%s, %zu blocking key login, worst %s%s%s",
		    h->nfindings, h->nfindings == 1 ? "" : "s", blocking,
		    on(r, sev_color[max]), severity_name(max), off(r));
	fputc('\n', out);

	print_section(r, h, SEC_BLOCKING, "Will block key login");
	print_section(r, h, SEC_SECURITY, "Security");
	print_section(r, h, SEC_HYGIENE, "Hygiene");

	if (h->nskips > 0) {
		fprintf(out, "%sskipped:%s\n", on(r, C_DIM), off(r));
		for (size_t i = 0; i < h->nskips; i++) {
			const struct ka_skip *s = &h->skips[i];
			fprintf(out, "  %s%s", on(r, C_DIM), s->rule ? s->rule->id : "?");
			if (s->subject != NULL) {
				fputc(' ', out);
				put_safe(out, s->subject);
			}
			fputs(": ", out);
			put_safe(out, s->reason);
			fprintf(out, "%s\n", off(r));
		}
	}
}

static int
r_close(struct report *r, const struct ka_summary *s)
{
	FILE *out = r->out;
	int first = 1, rc;

	if (r->shown > 0)
		fputc('\n', out);
	fprintf(out, "keyaudit: %zu host%s", s->hosts, s->hosts == 1 ? "" : "s");
	if (s->hosts_failed > 0)
		fprintf(out, " (%zu not scanned)", s->hosts_failed);
	fprintf(out, ", %zu finding%s", s->findings, s->findings == 1 ? "" : "s");
	for (int i = SEV_CRITICAL; i >= SEV_INFO; i--) {
		if (s->by_severity[i] == 0)
			continue;
		fprintf(out, "%s%s%zu %s%s", first ? " (" : ", ", on(r, sev_color[i]),
		    s->by_severity[i], severity_name((enum ka_severity)i), off(r));
		first = 0;
	}
	if (!first)
		fputc(')', out);
	fprintf(out, ", %zu blocking key login; fail-on %s: exit %d\n", s->blocking,
	    severity_name(s->fail_on), s->exit_code);
	if (s->baseline_used) {
		size_t nst = s->baseline_stale ? s->baseline_stale->n : 0;

		fprintf(out, "baseline: %zu finding%s accepted, %zu expired, %zu stale "
		    "entr%s\n", s->baselined, s->baselined == 1 ? "" : "s",
		    s->baseline_expired, nst, nst == 1 ? "y" : "ies");
		for (size_t i = 0; i < nst; i++) {
			fputs("  stale (nothing matches it now): ", out);
			put_safe(out, s->baseline_stale->v[i]);
			fputc('\n', out);
		}
	}
	rc = ferror(out) ? -1 : 0;
	free(r);
	return rc;
}

const struct report_format report_text = { "text", r_open, r_host, r_close };
