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
		cc = prepare_targets(a, &tl, &co, &ko, &ss);
		rc = scan_collect(&ss, &snap, &err);
		clientconf_free(cc);
		target_list_free(&tl);
		if (rc != 0) {
			char *p = str_printable(err, strlen(err));
			fprintf(stderr, "keyaudit: %s\n", p);
			free(p);
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
	else {
		mode_t old = umask(077);
		fp = fopen(a->output, "w");
		umask(old);
	}
	if (fp == NULL) {
		fprintf(stderr, "keyaudit: %s: cannot write snapshot: %s\n", a->output,
		    strerror(errno));
		rc = EXIT_USAGE;
	} else {
		fputs(json, fp);
		fputc('\n', fp);
		if (fflush(fp) != 0 || ferror(fp) || (fp != stdout && fclose(fp) != 0)) {
			fprintf(stderr, "keyaudit: %s: writing the snapshot failed\n", a->output);
			rc = EXIT_INTERNAL;
		}
	}
	free(json);
	snapshot_free(&snap);
	return rc;
}
