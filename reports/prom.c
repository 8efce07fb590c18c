/* prom.c - the node_exporter textfile collector format (--prom FILE), for
 * periodic scans graphed and alerted on: per host and check a pass (1) or
 * fail (0) gauge, findings per host and severity, whether the host could be
 * scanned, its scan time, and the run's duration and end time. The text
 * format wants every sample of a metric together under one HELP/TYPE, so
 * samples are kept per metric until the end (one line per host and check:
 * a 1,000-host fleet is about 130,000 lines). main.c writes report files to
 * a temporary name and renames them, so node_exporter never reads half a
 * file. Findings a baseline accepts do not fail a check. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reports/report.h"

enum metric { M_PASS, M_FINDINGS, M_BASELINED, M_UP, M_HOST_SECONDS, M_NMETRICS };

static const char *const names[M_NMETRICS] = {
	"keyaudit_check_pass", "keyaudit_findings", "keyaudit_findings_baselined",
	"keyaudit_host_scanned", "keyaudit_host_scan_duration_seconds",
};
static const char *const helps[M_NMETRICS] = {
	"1 when the check ran on the host and found nothing (baselined findings aside), 0 when it found something",
	"Findings on the host by severity, baselined ones not counted",
	"Findings on the host a --baseline entry accepts",
	"1 when the host was scanned, 0 when it could not be (see the status label)",
	"Seconds the host took, from name lookup to the end of its checks",
};

struct report {
	FILE *out;
	struct buf m[M_NMETRICS];
	struct timespec start;
};

/* A label value: backslash, double quote and line feed escaped, as the
 * text format wants; everything else as printable text. */
static void
label(struct buf *b, const char *name, const char *v)
{
	char *p = str_printable(v, strlen(v));

	buf_printf(b, "%s=\"", name);
	for (const char *c = p; *c; c++) {
		if (*c == '\\' || *c == '"')
			buf_putc(b, '\\');
		buf_putc(b, *c);
	}
	buf_putc(b, '"');
	free(p);
}

static struct report *
r_open(FILE *out, const struct report_opts *o)
{
	struct report *r = xcalloc(1, sizeof(*r));

	(void)o;
	r->out = out;
	for (int i = 0; i < M_NMETRICS; i++)
		buf_init(&r->m[i]);
	clock_gettime(CLOCK_MONOTONIC, &r->start);
	return r;
}

static void
sample(struct report *r, enum metric m, const char *host, const char *lname,
    const char *lvalue, double v)
{
	struct buf *b = &r->m[m];

	buf_printf(b, "%s{", names[m]);
	label(b, "host", host);
	if (lname != NULL) {
		buf_putc(b, ',');
		label(b, lname, lvalue);
	}
	buf_printf(b, "} %.6g\n", v);
}

static void
r_host(struct report *r, const struct ka_host_result *h)
{
	size_t sev[SEV_CRITICAL + 1] = { 0 }, baselined = 0;

	for (size_t i = 0; i < h->nfindings; i++) {
		if (h->findings[i].baselined != NULL)
			baselined++;
		else
			sev[h->findings[i].severity]++;
	}
	for (size_t i = 0; i < h->nran; i++) {
		int pass = 1;

		for (size_t j = 0; j < h->nfindings && pass; j++)
			if (h->findings[j].rule == h->ran[i] && h->findings[j].baselined == NULL)
				pass = 0;
		sample(r, M_PASS, h->target, "check", h->ran[i]->id, pass);
	}
	for (int s = SEV_INFO; s <= SEV_CRITICAL; s++)
		sample(r, M_FINDINGS, h->target, "severity", severity_name((enum ka_severity)s),
		    (double)sev[s]);
	sample(r, M_BASELINED, h->target, NULL, NULL, (double)baselined);
	sample(r, M_UP, h->target, "status", host_status_name(h->status),
	    h->status == HOST_SCANNED);
	sample(r, M_HOST_SECONDS, h->target, NULL, NULL,
	    h->duration >= 0 && h->duration < 1e9 ? h->duration : 0);
}

static int
r_close(struct report *r, const struct ka_summary *s)
{
	struct timespec now;
	int rc = 0;

	clock_gettime(CLOCK_MONOTONIC, &now);
	for (int i = 0; i < M_NMETRICS; i++) {
		if (r->m[i].len > 0 &&
		    (fprintf(r->out, "# HELP %s %s\n# TYPE %s gauge\n", names[i], helps[i],
		    names[i]) < 0 || fwrite(r->m[i].data, 1, r->m[i].len, r->out) != r->m[i].len))
			rc = -1;
		buf_free(&r->m[i]);
	}
	if (fprintf(r->out, "# HELP keyaudit_hosts Hosts in the run, and those that could not "
	    "be scanned\n# TYPE keyaudit_hosts gauge\nkeyaudit_hosts{state=\"all\"} %zu\n"
	    "keyaudit_hosts{state=\"failed\"} %zu\n"
	    "# HELP keyaudit_exit_code The exit status of the run (0 pass, 1 findings at "
	    "--fail-on or a host not scanned)\n# TYPE keyaudit_exit_code gauge\n"
	    "keyaudit_exit_code %d\n"
	    "# HELP keyaudit_scan_duration_seconds Seconds the whole run took\n"
	    "# TYPE keyaudit_scan_duration_seconds gauge\nkeyaudit_scan_duration_seconds %.3f\n"
	    "# HELP keyaudit_last_run_timestamp_seconds When the run ended (unix time)\n"
	    "# TYPE keyaudit_last_run_timestamp_seconds gauge\n"
	    "keyaudit_last_run_timestamp_seconds %lld\n", s->hosts, s->hosts_failed,
	    s->exit_code, (double)(now.tv_sec - r->start.tv_sec) +
	    (double)(now.tv_nsec - r->start.tv_nsec) / 1e9, (long long)time(NULL)) < 0)
		rc = -1;
	if (fflush(r->out) != 0 || ferror(r->out))
		rc = -1;
	free(r);
	return rc;
}

const struct report_format report_prom = { "prom", r_open, r_host, r_close };
