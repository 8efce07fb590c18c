/* fuzz_engine.c - libFuzzer target over the whole engine, the path a
 * hostile host's bytes take in a scan: collector stream -> snapshot ->
 * every check family -> the fleet pass -> every report format (text, json,
 * junit, sarif, prom, fix script). Any bytes must end as a one-line parse
 * error or as reports that are whole: the JSON and SARIF documents parse,
 * the JUnit document is well-formed XML. The per-host budgets (engine.h)
 * are what keep one input's memory and time bounded; the fuzzer's
 * -rss_limit_mb and -timeout are what notice when they do not. The budgets
 * here are small, so that inputs of a few kilobytes reach them: past one,
 * every check must cope with a finding that was not recorded (NULL), and
 * the reports with a host that was only partly examined. No deadline: a
 * run must not depend on the clock. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/parser.h>

#include "scanner/engine.h"
#include "scanner/fleet.h"
#include "scanner/transport/collector.h"
#include "reports/report.h"

/* Every format into memory; the ones with a grammar are parsed back. */
static void
report_all(const struct ka_host_result *hr, const struct ka_host_result *fleet)
{
	const struct report_format *fmts[] = { &report_text, &report_json,
	    &report_junit, &report_sarif, &report_prom, &report_fixscript };
	struct report_opts ro = { .color = 1, .quiet = 0, .command = "scan" };
	struct ka_summary sum;

	memset(&sum, 0, sizeof(sum));
	sum.fail_on = SEV_HIGH;
	summary_add_host(&sum, hr);
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *fp = open_memstream(&buf, &len);
		struct report *r;

		if (fp == NULL)
			abort();
		r = fmts[i]->open(fp, &ro);
		fmts[i]->host(r, hr);
		if (fleet != NULL)
			fmts[i]->host(r, fleet);
		if (fmts[i]->close(r, &sum) != 0)
			abort();
		if (fclose(fp) != 0)
			abort();
		if (fmts[i] == &report_json || fmts[i] == &report_sarif) {
			json_error_t e;
			json_t *j = json_loadb(buf, len, 0, &e);

			if (j == NULL) {
				fprintf(stderr, "%s report does not parse: %s (line %d)\n",
				    fmts[i]->name, e.text, e.line);
				abort();
			}
			json_decref(j);
		} else if (fmts[i] == &report_junit) {
			xmlDocPtr d = xmlReadMemory(buf, (int)len, "junit.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
			    XML_PARSE_HUGE);

			if (d == NULL) {
				fprintf(stderr, "junit report is not well-formed XML\n");
				abort();
			}
			xmlFreeDoc(d);
		}
		free(buf);
	}
}

static const struct ka_budget budget = {
	.findings = 64, .key_lines = 2000, .pairs = 4000, .accounts = 300, .effs = 16,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snapshot s;
	struct ka_host_result hr, fr;
	struct ka_options o;
	struct host_digest dg;
	struct fleet *fl;
	char *err = NULL;

	snapshot_init(&s);
	if (collect_stream_parse((const char *)data, size, "fuzz", "ssh", &s, &err) != 0) {
		if (err == NULL || strchr(err, '\n') != NULL)
			abort();
		free(err);
		snapshot_free(&s);
		return 0;
	}
	memset(&o, 0, sizeof(o));
	/* from= and Match Address are judged only with a client address */
	o.from_addr = "192.0.2.7";
	memset(&dg, 0, sizeof(dg));
	host_result_init(&hr, s.target);
	engine_check_host(&s, &o, &budget, &hr, &dg);
	/* the fleet pass sees this host twice: shared keys and host keys */
	fl = fleet_new();
	fleet_add(fl, "fuzz-a", "fuzz-a.inventory:1", &dg);
	fleet_add(fl, "fuzz-b", NULL, &dg);
	host_result_init(&fr, "fleet");
	fleet_check(fl, &o, &fr);
	report_all(&hr, &fr);
	host_result_free(&fr);
	fleet_free(fl);
	host_digest_free(&dg);
	host_result_free(&hr);
	snapshot_free(&s);
	return 0;
}
