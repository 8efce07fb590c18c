/* cli.h - what the commands that scan hosts share (cli.c): targets from the
 * arguments and the inventory, the collection and scan set-up, the report
 * sinks on standard output and in files, and the exit status. */
#ifndef KA_CLI_H
#define KA_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "scanner/cli/cmd.h"
#include "scanner/engine.h"
#include "scanner/scan.h"
#include "scanner/parse/baseline.h"
#include "scanner/transport/transport.h"
#include "reports/report.h"
#include "scanner/cli/outfile.h"

/* A report: on standard output, or a file written under a temporary name
 * and renamed when complete. */
struct sink {
	const struct report_format *fmt;
	struct report *r;
	FILE *fp;
	const char *path;
	struct outfile out;	/* path's temporary (outfile.h) */
};

/* Standard output plus one per report file option (--json, --junit,
 * --sarif, --prom, --fix-script). */
#define SINKS_MAX 7

size_t open_sinks(struct sink *sinks, const struct cli_args *a, struct report_opts *ro);
/* The report finished and, for a file, renamed into place; with keep 0
 * (an input error half way) a file is left as it was. */
int close_sink(struct sink *s, const struct ka_summary *sum, int keep);

/* 1 when a host could not be checked or a finding is at --fail-on or above. */
int summary_exit(struct ka_summary *sum);

struct emit_ctx {
	struct ka_summary *sum;
	struct sink *sinks;
	size_t nsinks;
	struct baseline *baseline;		/* --baseline, or NULL */
	struct baseline_writer *writer;		/* --write-baseline, or NULL */
	int64_t now;
};
/* One host's result into the baseline, the summary and every sink. */
void emit_host(void *arg, struct ka_host_result *hr, int fleet);
int write_baseline(const char *path, struct baseline_writer *w);

/* Whether the arguments name hosts to reach over SSH (not only 'local'
 * and not snapshots). */
int args_remote(const struct cli_args *a);
void collect_opts_from(const struct cli_args *a, struct collect_opts *co);
/* This machine; an --auth-log that does not exist here is an error. */
int collect_here(const struct collect_opts *co, struct snapshot *snap, char **err);
/* Targets and the scan set up for them; the ssh_config when a target is
 * remote, else NULL. Exit 2 on a bad target or option. With --shard K/N
 * only shard K's targets are kept; scope (or NULL) says which targets of
 * the whole list these are (report.h), and is freed with scope_free. */
struct clientconf *prepare_targets(const struct cli_args *a, struct target_list *tl,
    const struct collect_opts *co, const struct ka_options *ko, struct scan_setup *ss,
    struct report_scope *scope);
void scope_free(struct report_scope *sc);
/* --checks names rules or families that exist: exit 2 otherwise. */
void check_names(const struct cli_args *a);
/* Colour on standard output for this format. */
int want_color(const struct cli_args *a, const char *textual);

#endif
