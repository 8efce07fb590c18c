/* report.c - the list of report formats and the run summary they share. */
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"

static const struct report_format *const formats[] = {
	&report_text,
	&report_json,
	&report_junit,
	&report_sarif,
	&report_prom,
	&report_fixscript,
	&report_html,
};

const struct report_format *
report_format_find(const char *name)
{
	for (size_t i = 0; i < KA_ARRLEN(formats); i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}

char *
report_fix_text(const struct ka_remedy *r)
{
	char *fix = remedy_text(r), *t;

	if (fix == NULL)
		return NULL;
	t = str_terminal(fix);
	free(fix);
	return t;
}

int
finding_fails_gate(const struct ka_finding *f, enum ka_severity fail_on)
{
	return f->baselined == NULL && f->severity >= fail_on;
}

void
summary_add_host(struct ka_summary *s, const struct ka_host_result *h)
{
	s->hosts++;
	if (h->status != HOST_SCANNED)
		s->hosts_failed++;
	for (size_t i = 0; i < h->nfindings; i++) {
		if (h->findings[i].baselined != NULL) {
			s->baselined++;
			continue;
		}
		s->baseline_expired += h->findings[i].baseline_expired != 0;
		s->findings++;
		s->by_severity[h->findings[i].severity]++;
		if (h->findings[i].blocks_login)
			s->blocking++;
	}
}
