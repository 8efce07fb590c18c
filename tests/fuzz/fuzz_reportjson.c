/* fuzz_reportjson.c - the report reader merge uses: any bytes give host
 * results or a one-line error, and what loads survives being written by
 * the JSON sink, read again (the same hosts), and run through the fleet
 * pass. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/fleet.h"
#include "scanner/parse/reportjson.h"
#include "checks/check.h"
#include "reports/report.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scan_report doc, again;
	struct report_opts ro = { .command = "scan" };
	struct ka_summary sum = { 0 };
	struct ka_options ko = { 0 };
	struct ka_host_result fr;
	struct fleet *fl;
	struct report *r;
	char *err = NULL, *text = NULL;
	size_t len = 0;
	FILE *fp;

	if (scan_report_parse((const char *)data, size, "fuzz", check_rule, &doc, &err) != 0) {
		if (err == NULL || strchr(err, '\n') != NULL || doc.nhosts != 0)
			__builtin_trap();
		free(err);
		return 0;
	}
	fp = open_memstream(&text, &len);
	if (fp == NULL)
		__builtin_trap();
	r = report_json.open(fp, &ro);
	fl = fleet_new();
	for (size_t i = 0; i < doc.nhosts; i++) {
		doc.hosts[i].hr.digest = doc.hosts[i].has_digest ? &doc.hosts[i].digest : NULL;
		report_json.host(r, &doc.hosts[i].hr);
		fleet_add(fl, doc.hosts[i].hr.target, doc.hosts[i].hr.origin, &doc.hosts[i].digest);
	}
	report_json.close(r, &sum);
	fclose(fp);
	if (scan_report_parse(text, len, "again", check_rule, &again, &err) != 0 ||
	    again.nhosts != doc.nhosts)
		__builtin_trap();
	for (size_t i = 0; i < doc.nhosts; i++)
		if (strcmp(again.hosts[i].hr.target, doc.hosts[i].hr.target) != 0 ||
		    again.hosts[i].hr.nfindings != doc.hosts[i].hr.nfindings)
			__builtin_trap();
	host_result_init(&fr, "fleet");
	fleet_check(fl, &ko, &fr);
	host_result_free(&fr);
	fleet_free(fl);
	scan_report_free(&again);
	scan_report_free(&doc);
	free(text);
	return 0;
}
