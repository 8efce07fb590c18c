/* reportprev.h - what `keyaudit diff` and the HTML report's --previous
 * trend read of a JSON scan report: findings by identity, over the one
 * document loader (reportjson.h: report_doc_load). No I/O: the caller
 * reads the file (bounded) and hands the bytes. */
#ifndef KA_REPORTPREV_H
#define KA_REPORTPREV_H

#include <stddef.h>

#include "scanner/finding.h"
#include "scanner/strmap.h"

#include "scanner/parse/reportjson.h"

struct json_t;

/* A finding object's identity (finding_identity) under host. */
void report_doc_identity(struct json_t *finding, const char *host, char out[65]);

/* A finding's identity as it will read back from the JSON report, whose
 * strings are made printable (str_printable): what report_doc_identity
 * gives for it there, so a live finding matches its old self. */
void report_finding_identity(const char *host, const struct ka_finding *f, char out[65]);

/* What the HTML report's trend needs of a previous report: each finding's
 * identity, and what a resolved one is shown as. */
struct prev_finding {
	char *check, *host, *user, *path;
	int severity;
	int baselined;
	size_t id;			/* its identity's index in ids */
};

struct report_previous {
	char *name;
	struct strmap ids;		/* identity -> index in v */
	struct prev_finding *v;
	size_t n;
	size_t hosts;
	size_t by_severity[SEV_CRITICAL + 1];	/* findings no baseline accepted */
};

/* Bounds: a report with more findings than this is refused (the trend
 * keeps one entry per finding). */
#define PREVIOUS_FINDINGS_MAX 2000000

int report_previous_parse(const char *name, const char *data, size_t len,
    struct report_previous *p, char **err);
void report_previous_free(struct report_previous *p);

#endif
