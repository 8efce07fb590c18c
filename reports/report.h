/* report.h - report sinks. Each format is one file that receives hosts in
 * inventory order, one at a time, and writes as it goes so memory stays flat
 * however large the fleet. Reports print; they decide no policy. */
#ifndef KA_REPORT_H
#define KA_REPORT_H

#include <stdio.h>

#include "scanner/finding.h"

struct ka_summary {
	size_t hosts;
	size_t hosts_failed;		/* status other than scanned */
	size_t findings;
	size_t by_severity[SEV_CRITICAL + 1];
	size_t blocking;
	enum ka_severity fail_on;
	int exit_code;
	/* --baseline: findings it accepts (not counted above: they do not
	 * fail the gate), entries past their expiry that matched, and the
	 * entries nothing matched ("check on host ...: reason"). */
	size_t baselined, baseline_expired;
	const struct strlist *baseline_stale;
	int baseline_used;
};

struct report_opts {
	int color;			/* ANSI colour allowed */
	int quiet;			/* text: only hosts with findings */
	const char *command;		/* "scan", "diagnose" */
	/* --fail-on: the gate. JUnit fails exactly the findings at or above
	 * it that no baseline accepts, as the exit status does. */
	enum ka_severity fail_on;
	/* A scan of targets (NULL otherwise): what the JSON report needs so
	 * that `keyaudit merge` can join it with others. */
	const struct report_scope *scope;
	/* --previous: the report this run is compared with (the HTML
	 * report's trend), or NULL. */
	const struct report_previous *previous;
};

/* The targets of a scan as the whole inventory knows them. Hosts reach
 * the sinks in this order, each once, then the fleet entry: the i-th host
 * is target i (its position in the whole inventory is index[i]), a host
 * after the last target is the fleet entry. */
struct report_scope {
	const size_t *index;
	size_t ntargets;
	/* --shard K/N: this shard, and the whole inventory's identity
	 * (reportjson.h) and size */
	int sharded;
	unsigned k, n;
	char inventory[65];
	size_t inventory_hosts;
};

/* Whether a finding fails the gate of --fail-on (summary_exit's rule for
 * one finding): at or above it and not accepted by a baseline. */
int finding_fails_gate(const struct ka_finding *f, enum ka_severity fail_on);

struct report;
struct report_previous;

struct report_format {
	const char *name;		/* "text", "json", "junit" */
	struct report *(*open)(FILE *out, const struct report_opts *o);
	void (*host)(struct report *r, const struct ka_host_result *h);
	/* Writes the trailer; returns 0, or -1 when writing failed. Frees r. */
	int (*close)(struct report *r, const struct ka_summary *s);
};

extern const struct report_format report_text;
extern const struct report_format report_json;
extern const struct report_format report_junit;
extern const struct report_format report_sarif;
extern const struct report_format report_prom;
extern const struct report_format report_fixscript;
extern const struct report_format report_html;

/* The format with this name, or NULL. */
const struct report_format *report_format_find(const char *name);

/* reports/json.c's objects, for documents that embed them (diagnose).
 * Strings pass through str_printable. */
struct json_t;
struct json_t *report_jstr(const char *s);
struct json_t *report_json_remedy(const struct ka_remedy *r);
struct json_t *report_json_finding(const struct ka_finding *f, const char *host);
struct json_t *report_json_host(const struct ka_host_result *h);

/* A finding's fix as a person reads and pastes it (NULL when there is
 * none): remedy_text through str_terminal rather than str_printable. Its
 * commands are shell-quoted already, and doubling a backslash inside them
 * would change the word the shell gets ('a'\''b' must stay as it is);
 * controls, bidi and invisible characters are escaped all the same. */
char *report_fix_text(const struct ka_remedy *r);

/* The "summary" object of the JSON report (also diagnose's). */
struct json_t *report_json_summary(const struct ka_summary *s);
void summary_add_host(struct ka_summary *s, const struct ka_host_result *h);

#endif
