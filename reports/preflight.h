/* preflight.h - the reports of `keyaudit preflight` (reports/preflight.c):
 * every host's verdicts at once (a preflight's answer is small: one line per
 * account and client address), in one of four formats. */
#ifndef KA_REPORTS_PREFLIGHT_H
#define KA_REPORTS_PREFLIGHT_H

#include <stdio.h>

#include "scanner/preflight.h"

struct pf_report {
	const char *version;
	const struct pf_host *hosts;
	size_t nhosts;
	const struct strlist *must_keep;	/* --must-keep, or NULL */
	int exit_code;
	/* pf_summarise */
	size_t lose, gain, unchanged, kept_refused, not_evaluated;
};

void pf_summarise(struct pf_report *r);
/* format: text json junit sarif html. 0, or -1 when writing failed. */
int pf_report(FILE *out, const char *format, const struct pf_report *r);
int pf_report_text(FILE *out, const struct pf_report *r);
int pf_report_json(FILE *out, const struct pf_report *r);
int pf_report_junit(FILE *out, const struct pf_report *r);
int pf_report_sarif(FILE *out, const struct pf_report *r);
int pf_report_html(FILE *out, const struct pf_report *r);

#endif
