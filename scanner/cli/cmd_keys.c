/* cmd_keys.c - `keyaudit keys`: the key inventory, one row per key line of
 * every audited account, with last use from each host's own sshd logs, and
 * the CAs, principals files and revocation files certificates go through. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/cli/cli.h"
#include "scanner/keylist.h"
#include "scanner/parse/inventory.h"

static const char *const keys_formats[] = { "table", "csv", "json", "html", NULL };

static const struct cmd_option keys_options[] = {
	{ NULL, "targets (none: the local machine):", 0 },
	{ &opt_inventory, NULL, 0 },
	{ &opt_limit, NULL, 0 },
	{ &opt_shard, NULL, 0 },
	{ &opt_snapshot, NULL, 0 },
	{ NULL, "connecting (as for scan):", 0 },
	CMD_OPTIONS_CONNECT,
	{ NULL, "what to list:", 0 },
	CMD_OPTIONS_ACCOUNTS,
	{ &opt_auth_log, "the log to read last use from, a path on each host\n"
	    "(repeatable; syslog, RFC 3339, journalctl -o\n"
	    "short/short-iso, sshd -E; plain or gzip). Default on\n"
	    "every host: /var/log/auth.log and /var/log/secure with\n"
	    "their rotations (.1, .2.gz, ..., -DATE), else the\n"
	    "journal (sshd, sshd-session). The collector sends\n"
	    "only the login lines, the newest 16 MiB.", 0 },
	{ &opt_key_registry, "add each key's owner from this CSV of\n"
	    "fingerprint,owner,expires[,added]", 0 },
	{ NULL, "output:", 0 },
	{ &opt_format, "the inventory", 0 },
	{ &opt_html, "also write the inventory as an HTML page to FILE", 0 },
	{ &opt_quiet, "no progress line", 0 },
	{ &opt_help, NULL, 0 },
	{ NULL, NULL, 0 },
};

const struct cmd_entry cmd_keys_entry = {
	.name = "keys",
	.synopsis = "keys [TARGET...] [-f INVENTORY] [--user NAME...|--all-users]\n"
	    "[--auth-log FILE]... [--format table|csv|json] [options]",
	.summary = "every authorized key, its owner, and when it was last used\n"
	    "(from each host's sshd logs)",
	.about =
	"The key inventory: one row per key line of every audited account's\n"
	"AuthorizedKeysFile(s) (the files sshd reads for that user, Match blocks\n"
	"applied): host, user, file:line, type, bits, fingerprint, comment, options,\n"
	"status (usable, expired, or dead: a line sshd drops), when the file was last\n"
	"modified, and when the key last logged in according to sshd's logs (and from\n"
	"where, how often).\n"
	"\n"
	"Certificate trust is listed with them (column/field kind): each CA sshd\n"
	"trusts for user certificates (kind ca: a TrustedUserCAKeys line, for all\n"
	"users or the accounts whose Match names it, or a cert-authority line, for\n"
	"its account, with its principals= restriction), each account's\n"
	"AuthorizedPrincipalsFile (kind principals: the names it lists) and each\n"
	"RevokedKeys file (kind revoked: a KRL's version, date, comment and counts).\n",
	.formats = keys_formats,
	.options = keys_options,
	.epilog =
	"A key not in the logs was not used in the window the logs cover (printed\n"
	"after the table; json: logs); LogLevel VERBOSE also names the file:line each\n"
	"login used. 'keyaudit scan --unused-days N' turns this into findings.\n",
	.exec = cmd_keys,
};

struct keys_state {
	struct key_rows *rows;		/* one per target */
	const struct ka_options *ko;
};

static void
keys_snapshot(void *arg, size_t i, const struct snapshot *s)
{
	struct keys_state *ks = arg;

	if (!s->net_only)
		keylist_rows(s, ks->ko, &ks->rows[i]);
}

/* Hosts that could not be collected are reported on stderr; the rows are
 * the inventory of the others. */
static void
keys_emit(void *arg, struct ka_host_result *hr, int fleet)
{
	int *failed = arg;

	if (fleet || hr->status == HOST_SCANNED)
		return;
	ka_eprintf("keyaudit: %s: %s: %s", hr->target, host_status_name(hr->status),
	    hr->error ? hr->error : "not collected");
	(*failed)++;
}

static int
rows_write_html(FILE *fp, void *arg)
{
	keylist_print(fp, arg, "html");
	return 0;
}

/* --html FILE: the page appears whole or not at all (outfile.h). */
static int
write_html(const char *path, const struct key_rows *rows)
{
	return outfile_write(path, rows_write_html, (void *)rows);
}

int
cmd_keys(struct cli_args *a)
{
	static const char *const cmd = "keys";
	struct collect_opts co;
	struct ka_options ko;
	struct key_rows all = { 0 };
	int failed = 0, nhosts;
	char *err = NULL;

	if (a->snapshots.n > 0 && (a->root || a->users.n || a->all_users || a->sshd_config))
		cli_usage(cmd, "--snapshot lists what was collected; --root, --user, "
		    "--all-users and --sshd-config apply when collecting");
	if (a->snapshots.n > 0 && (a->positional.n > 0 || a->inventory != NULL))
		cli_usage(cmd, "--snapshot lists saved snapshots; targets and -f reach "
		    "live hosts: use one or the other");
	if (a->limit != NULL && a->inventory == NULL)
		cli_usage(cmd, "--limit selects from an inventory: give -f FILE");
	if (a->shard != NULL && !args_remote(a))
		cli_usage(cmd, "--shard splits targets over SSH: give targets or -f FILE");
	collect_opts_from(a, &co);
	co.client = 0;
	co.logs = 1;
	memset(&ko, 0, sizeof(ko));
	ko.from_addr = a->from;
	ko.registry = a->registry;
	nhosts = a->snapshots.n > 0 ? (int)a->snapshots.n : 1;

	if (args_remote(a)) {
		struct target_list tl;
		struct clientconf *cc = NULL;
		struct scan_setup ss;
		struct keys_state ks;

		cc = prepare_targets(a, &tl, &co, &ko, &ss, NULL);
		ks.rows = xcalloc(tl.n + 1, sizeof(*ks.rows));
		ks.ko = &ko;
		ss.on_snapshot = keys_snapshot;
		ss.snapshot_arg = &ks;
		ss.emit = keys_emit;
		ss.emit_arg = &failed;
		ss.progress = !a->quiet && isatty(STDERR_FILENO);
		if (scan_run(&ss, &err) != 0)
			cli_input_error(err);
		for (size_t i = 0; i < tl.n; i++)
			keylist_move(&all, &ks.rows[i]);
		free(ks.rows);
		clientconf_free(cc);
		target_list_free(&tl);
	} else {
		if (a->auth_logs.n > 0 && a->snapshots.n > 0)
			cli_usage(cmd, "--auth-log: a snapshot holds the logs it was collected with");
		for (int i = 0; i < nhosts; i++) {
			struct snapshot snap;
			int crc;

			snapshot_init(&snap);
			crc = a->snapshots.n > 0 ?
			    transport_file.collect(a->snapshots.v[i], &co, &snap, &err) :
			    collect_here(&co, &snap, &err);
			if (crc != 0)
				cli_input_error(err);
			keylist_rows(&snap, &ko, &all);
			snapshot_free(&snap);
		}
	}

	keylist_print(stdout, &all, a->format);
	if (a->html_file != NULL && write_html(a->html_file, &all) != 0)
		failed = -1;
	keylist_free(&all);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fputs("keyaudit: writing the inventory failed\n", stderr);
		return EXIT_INTERNAL;
	}
	if (failed < 0)
		return EXIT_INTERNAL;
	return failed > 0 ? EXIT_FINDINGS : 0;
}
