/* cmd_scan.c - `keyaudit scan`: audit hosts over SSH, this machine, an
 * image under --root, or saved snapshots, and report in inventory order. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scanner/cli/cli.h"
#include "scanner/parse/inventory.h"

static const char *const scan_formats[] = { "text", "json", "junit", "sarif", "prom", "html", NULL };

static const struct cmd_option scan_options[] = {
	{ NULL, "targets (none: the local machine):", 0 },
	{ &opt_inventory, NULL, 0 },
	{ &opt_limit, NULL, 0 },
	{ &opt_shard, NULL, 0 },
	{ &opt_snapshot, NULL, 0 },
	{ NULL, "connecting (ssh_config is honoured as ssh honours it):", 0 },
	CMD_OPTIONS_CONNECT,
	{ NULL, "what to audit:", 0 },
	CMD_OPTIONS_ACCOUNTS,
	{ &opt_run_keys_command, NULL, 0 },
	{ &opt_checks, NULL, 0 },
	{ &opt_policy, NULL, 0 },
	{ NULL, "stale keys (the keys checks; see also 'keyaudit keys'):", 0 },
	{ &opt_unused_days, NULL, 0 },
	{ &opt_auth_log, NULL, 0 },
	{ &opt_max_key_age, NULL, 0 },
	{ &opt_key_registry, NULL, 0 },
	{ NULL, "reports (hosts always come in inventory order; after two or more hosts a\n"
	    "last entry named 'fleet' holds keys shared across hosts and cloned host keys):", 0 },
	CMD_OPTIONS_REPORTS,
	{ &opt_fix_script, NULL, 0 },
	{ &opt_previous, NULL, 0 },
	{ &opt_baseline, NULL, 0 },
	{ &opt_write_baseline, NULL, 0 },
	{ &opt_fail_on, NULL, 0 },
	{ &opt_quiet, NULL, 0 },
	{ &opt_no_color, NULL, 0 },
	{ &opt_help, NULL, 0 },
	{ NULL, NULL, 0 },
};

const struct cmd_entry cmd_scan_entry = {
	.name = "scan",
	.synopsis = "scan [TARGET...] [-f INVENTORY] [options]",
	.summary = "audit hosts over SSH, or this machine (default)",
	.about =
	"Audit key login on hosts over SSH (one connection and one read-only command\n"
	"per host, many hosts at once), on this machine, on an image under --root, or\n"
	"in saved snapshots, and report what blocks it and what is unsafe.\n"
	"\n"
	"  TARGET                [user@]host[:port], [user@][v6addr]:port, an ssh_config\n"
	"                        alias, or 'local'\n",
	.formats = scan_formats,
	.options = scan_options,
	.exec = cmd_scan,
};

int
cmd_scan(struct cli_args *a)
{
	struct emit_ctx ec;
	struct strlist stale = { 0 };
	struct collect_opts co;
	struct report_opts ro;
	struct ka_options ko;
	struct ka_summary sum;
	struct sink sinks[SINKS_MAX];
	size_t nsinks = 0, nhosts;
	int rc = 0;

	check_names(a);
	if (a->snapshots.n > 0 && (a->root || a->users.n || a->all_users || a->sshd_config))
		cli_usage("scan", "--snapshot audits what was collected; --root, --user, "
		    "--all-users and --sshd-config apply when collecting");
	if (a->snapshots.n > 0 && (a->positional.n > 0 || a->inventory != NULL))
		cli_usage("scan", "--snapshot audits saved snapshots; targets and -f scan "
		    "live hosts: use one or the other");
	if (a->run_keys_command && (a->root != NULL || a->snapshots.n > 0))
		cli_usage("scan", "--run-keys-command runs this machine's own commands: "
		    "not with --root or --snapshot");
	if (a->limit != NULL && a->inventory == NULL)
		cli_usage("scan", "--limit selects from an inventory: give -f FILE");
	if (a->shard != NULL && !args_remote(a))
		cli_usage("scan", "--shard splits the targets of a scan over SSH: give "
		    "targets or -f FILE");
	if (a->previous != NULL && a->html_file == NULL && strcmp(a->format, "html") != 0)
		cli_usage("scan", "--previous is the HTML report's trend: give --html FILE "
		    "or --format html");
	collect_opts_from(a, &co);
	memset(&ko, 0, sizeof(ko));
	ko.from_addr = a->from;
	ko.only = a->checks.n ? &a->checks : NULL;
	ko.policy = a->policy;
	ko.unused_days = a->unused_days > 0 ? a->unused_days : 0;
	ko.max_key_age = a->max_key_age;
	ko.registry = a->registry;
	memset(&ro, 0, sizeof(ro));
	ro.command = "scan";
	ro.quiet = a->quiet;
	ro.color = want_color(a, "text");

	memset(&sum, 0, sizeof(sum));
	sum.fail_on = a->fail_on;
	memset(&ec, 0, sizeof(ec));
	ec.baseline = a->baseline;
	ec.now = (int64_t)time(NULL);
	if (a->write_baseline != NULL)
		ec.writer = baseline_writer_new(a->baseline, ec.now);
	if (args_remote(a)) {
		struct target_list tl;
		struct clientconf *cc = NULL;
		struct scan_setup ss;
		struct report_scope scope;
		char *err = NULL;

		/* Every input error (exit 2) is found before a report is opened. */
		cc = prepare_targets(a, &tl, &co, &ko, &ss, &scope);
		ro.scope = &scope;
		ss.progress = !a->quiet && isatty(STDERR_FILENO);
		nsinks = open_sinks(sinks, a, &ro);
		ec.sum = &sum;
		ec.sinks = sinks;
		ec.nsinks = nsinks;
		ss.emit = emit_host;
		ss.emit_arg = &ec;
		if (scan_run(&ss, &err) != 0) {
			ka_eprintf("keyaudit: %s", err);
			free(err);
			rc = EXIT_USAGE;
		}
		clientconf_free(cc);
		target_list_free(&tl);
		scope_free(&scope);
		goto finish;
	}
	/* Collect the first host before opening reports, so an input error
	 * (exit 2) never leaves a half-written report behind. */
	nhosts = a->snapshots.n > 0 ? a->snapshots.n : 1;
	for (size_t i = 0; i < nhosts; i++) {
		struct snapshot snap;
		struct ka_host_result hr;
		char *err = NULL;
		int crc;

		snapshot_init(&snap);
		if (a->snapshots.n > 0)
			crc = transport_file.collect(a->snapshots.v[i], &co, &snap, &err);
		else
			crc = collect_here(&co, &snap, &err);
		if (crc != 0) {
			ka_eprintf("keyaudit: %s", err);
			free(err);
			snapshot_free(&snap);
			rc = EXIT_USAGE;
			break;
		}
		if (i == 0)
			nsinks = open_sinks(sinks, a, &ro);
		host_result_init(&hr, snap.target);
		if (a->snapshots.n > 0)
			hr.origin = xstrdup(a->snapshots.v[i]);
		engine_check_snapshot(&snap, &ko, &hr);
		ec.sum = &sum;
		ec.sinks = sinks;
		ec.nsinks = nsinks;
		emit_host(&ec, &hr, 0);
		host_result_free(&hr);
		snapshot_free(&snap);
	}
finish:
	if (a->baseline != NULL) {
		baseline_stale(a->baseline, &stale);
		sum.baseline_stale = &stale;
		sum.baseline_used = 1;
	}
	if (rc == 0)
		rc = summary_exit(&sum);
	for (size_t k = 0; k < nsinks; k++)
		if (close_sink(&sinks[k], &sum, rc != EXIT_USAGE) != 0 && rc != EXIT_USAGE)
			rc = EXIT_INTERNAL;
	if (ec.writer != NULL && write_baseline(a->write_baseline, ec.writer) != 0 &&
	    rc != EXIT_USAGE)
		rc = EXIT_INTERNAL;
	strlist_free(&stale);
	return rc;
}
