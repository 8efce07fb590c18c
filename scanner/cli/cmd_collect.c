/* cmd_collect.c - `keyaudit collect`: one host's snapshot saved as JSON,
 * nothing checked; `scan --snapshot FILE` audits it later. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scanner/cli/cli.h"
#include "scanner/parse/inventory.h"
#include "scanner/parse/snapjson.h"

static const struct cmd_option collect_options[] = {
	{ &opt_output, NULL, 0 },
	{ NULL, "what to collect (TARGET: as for scan; default: this machine):", 0 },
	{ &opt_user, NULL, 0 },
	{ &opt_all_users, NULL, 0 },
	{ &opt_root, NULL, 0 },
	{ &opt_sshd_config, NULL, 0 },
	{ &opt_from, NULL, 0 },
	{ &opt_unused_days, "also save sshd's login lines (as scan)", 0 },
	{ &opt_auth_log, "also save this log's login lines (repeatable; as scan)", 0 },
	{ NULL, "connecting (as for scan):", 0 },
	{ &opt_sshconf, NULL, 0 },
	{ &opt_identity, NULL, 0 },
	{ &opt_login, NULL, 0 },
	{ &opt_port, NULL, 0 },
	{ &opt_timeout, NULL, 0 },
	{ &opt_known_hosts, NULL, 0 },
	{ &opt_accept_unknown, NULL, 0 },
	{ &opt_sudo, NULL, 0 },
	{ &opt_help, NULL, 0 },
	{ NULL, NULL, 0 },
};

const struct cmd_entry cmd_collect_entry = {
	.name = "collect",
	.synopsis = "collect [TARGET] -o FILE [--user NAME...] [--all-users]\n"
	    "[--root DIR] [--sshd-config FILE] [scan's connection options]",
	.summary = "save a snapshot of one host, check nothing",
	.about =
	"Save everything the checks read about one host (default: this machine) as\n"
	"snapshot JSON, and check nothing. 'keyaudit scan --snapshot FILE' later gives\n"
	"the same findings as a live scan at the time of collection. The file is\n"
	"created mode 0600; private keys are never read into it (only whether they\n"
	"have a passphrase).\n\n",
	.options = collect_options,
	.exec = cmd_collect,
};

int
cmd_collect(struct cli_args *a)
{
	struct collect_opts co;
	struct snapshot snap;
	struct outfile out;
	char *err = NULL, *json;
	FILE *fp;
	int rc = 0;

	if (a->output == NULL)
		cli_usage("collect", "-o FILE is required");
	if (a->positional.n > 1)
		cli_usage("collect", "collect saves one host: give one TARGET");
	collect_opts_from(a, &co);
	snapshot_init(&snap);
	if (args_remote(a)) {
		struct target_list tl;
		struct clientconf *cc;
		struct scan_setup ss;
		struct ka_options ko;

		memset(&ko, 0, sizeof(ko));
		cc = prepare_targets(a, &tl, &co, &ko, &ss, NULL);
		rc = scan_collect(&ss, &snap, &err);
		clientconf_free(cc);
		target_list_free(&tl);
		if (rc != 0) {
			ka_eprintf("keyaudit: %s", err);
			free(err);
			snapshot_free(&snap);
			return EXIT_FINDINGS;
		}
	} else if (collect_here(&co, &snap, &err) != 0) {
		snapshot_free(&snap);
		cli_input_error(err);
	}
	json = snapshot_to_json(&snap);
	if (strcmp(a->output, "-") == 0)
		fp = stdout;
	/* 0600: a snapshot holds every account's key lines */
	else if (outfile_open(&out, a->output, 0600, &err) == 0)
		fp = out.fp;
	else {
		ka_eprintf("keyaudit: cannot write the snapshot: %s", err);
		free(err);
		err = NULL;
		fp = NULL;
		rc = EXIT_USAGE;
	}
	if (fp != NULL) {
		fputs(json, fp);
		fputc('\n', fp);
		if (fp == stdout ? fflush(fp) != 0 || ferror(fp) :
		    outfile_commit(&out, &err) != 0) {
			ka_eprintf("keyaudit: writing the snapshot failed: %s",
			    err ? err : a->output);
			free(err);
			rc = EXIT_INTERNAL;
		}
	}
	free(json);
	snapshot_free(&snap);
	return rc;
}
