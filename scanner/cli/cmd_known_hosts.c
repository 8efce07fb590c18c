/* cmd_known_hosts.c - `keyaudit known-hosts`: every host key the targets
 * offer (no login) judged against known_hosts as ssh would, the files
 * themselves judged, or a pin of what the hosts offer. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scanner/cli/cli.h"
#include "scanner/parse/inventory.h"
#include "scanner/parse/knownhosts.h"
#include "checks/check.h"
#include "scanner/fileio.h"

static const char *const kh_formats[] = { "text", "json", "junit", "sarif", "prom", "html", NULL };

static const struct cmd_option kh_options[] = {
	{ NULL, "targets:", 0 },
	{ &opt_inventory, NULL, 0 },
	{ &opt_limit, NULL, 0 },
	{ &opt_shard, NULL, 0 },
	{ NULL, "connecting (no login; ssh_config is honoured as ssh honours it):", 0 },
	{ &opt_sshconf, NULL, 0 },
	{ &opt_login, "the user name ssh_config's Match user sees", 0 },
	{ &opt_port, NULL, 0 },
	{ &opt_jobs, NULL, 0 },
	{ &opt_timeout, NULL, 0 },
	{ NULL, "what to judge against:", 0 },
	{ &opt_known_hosts, "the trusted keys (repeatable; e.g. a file kept in a\n"
	    "repository); default: ssh_config's UserKnownHostsFile\n"
	    "and GlobalKnownHostsFile (as resolved for the first target)", 0 },
	{ &opt_host_cert, NULL, 0 },
	{ &opt_inventory_complete, NULL, 0 },
	{ &opt_pin, NULL, 0 },
	{ &opt_hash, NULL, 0 },
	{ &opt_checks, NULL, 0 },
	{ &opt_policy, NULL, 0 },
	{ NULL, "reports:", 0 },
	CMD_OPTIONS_REPORTS,
	{ &opt_fail_on, "exit 1 at or above: info low medium high critical\n"
	    "(changed and revoked keys are critical)", 0 },
	{ &opt_quiet, NULL, 0 },
	{ &opt_no_color, NULL, 0 },
	{ &opt_help, NULL, 0 },
	{ NULL, NULL, 0 },
};

const struct cmd_entry cmd_known_hosts_entry = {
	.name = "known-hosts",
	.synopsis = "known-hosts [TARGET...] [-f INVENTORY] [--known-hosts FILE]...\n"
	    "[--inventory-complete] [options]\n"
	    "known-hosts [TARGET...] [-f INVENTORY] --pin FILE [--hash]",
	.summary = "every host key the hosts offer, judged against known_hosts;\n"
	    "--pin FILE writes them for a CI drift gate",
	.about =
	"Collect every host key each target offers (one connection per algorithm, as\n"
	"ssh-keyscan; nothing is logged in to) and judge it against known_hosts as ssh\n"
	"would: hostkey.changed, revoked, unknown, new-type, gone (a stale entry),\n"
	"conflict (two entries disagree), weak, shared (one key on several hosts).\n"
	"A last entry named 'known_hosts' judges the files: lines ssh skips\n"
	"(bad-line), entries ssh can never select (unmatchable), weak trusted keys, and\n"
	"with --inventory-complete entries for hosts outside the inventory (orphan).\n"
	"known_hosts is never written.\n",
	.formats = kh_formats,
	.options = kh_options,
	.epilog =
	"pin, then gate on drift in CI:\n"
	"  keyaudit known-hosts -f inventory --pin fleet_known_hosts   # once, reviewed\n"
	"  keyaudit known-hosts -f inventory --known-hosts fleet_known_hosts \\\n"
	"      --junit kh.xml\n",
	.exec = cmd_known_hosts,
};

/* Every name ssh may look the inventory's hosts up by, for hostkey.orphan. */
static void
inventory_names(const struct target_list *tl, const struct clientconf *cc,
    const struct cli_args *a, struct strlist *names)
{
	for (size_t i = 0; i < tl->n; i++) {
		const struct target *t = &tl->v[i];
		struct client_host ch;
		char *err = NULL;

		if (t->host == NULL)
			continue;
		strlist_add(names, t->host);
		if (t->address != NULL)
			strlist_add(names, t->address);
		memset(&ch, 0, sizeof(ch));
		if (clientconf_resolve(cc, t->address ? t->address : t->host,
		    t->user ? t->user : a->login, t->port ? t->port : a->port, &ch, &err) != 0) {
			free(err);
			continue;
		}
		strlist_add(names, ch.hostname);
		strlist_add_owned(names, xasprintf("[%s]:%d", ch.hostname, ch.port));
		if (ch.host_key_alias != NULL)
			strlist_add(names, ch.host_key_alias);
		client_host_free(&ch);
	}
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The pin file: sorted, one line per host and key type, written whole
 * (into its temporary, opened before the scan, then renamed over it) so a
 * half-written pin never exists. */
static int
write_pin(struct outfile *pin, struct strlist *lists, size_t n, int hash)
{
	struct strlist all = { 0 };
	FILE *fp = pin->fp;
	char *path = xstrdup(pin->path), *err = NULL;
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < lists[i].n; j++)
			if (!strlist_has(&all, lists[i].v[j]))
				strlist_add(&all, lists[i].v[j]);
	if (all.n > 1)
		qsort(all.v, all.n, sizeof(*all.v), cmp_str);
	fprintf(fp, "# keyaudit known-hosts --pin: %zu keys\n", all.n);
	for (size_t i = 0; i < all.n && rc == 0; i++) {
		const char *sp = strchr(all.v[i], ' ');
		char *name = xstrndup(all.v[i], (size_t)(sp - all.v[i]));
		char *h = hash ? kh_hash_name(name) : NULL;

		if (hash && h == NULL)
			rc = -1;
		else
			fprintf(fp, "%s%s\n", h ? h : name, sp);
		free(h);
		free(name);
	}
	if (rc != 0)
		outfile_abort(pin);
	else
		rc = outfile_commit(pin, &err);
	if (err != NULL)
		ka_eprintf("keyaudit: writing the pin failed: %s", err);
	else if (rc != 0)
		ka_eprintf("keyaudit: %s: writing the pin failed", path);
	free(err);
	free(path);
	strlist_free(&all);
	return rc;
}

int
cmd_known_hosts(struct cli_args *a)
{
	static const char *const cmd = "known-hosts";
	struct collect_opts co;
	struct report_opts ro;
	struct ka_options ko;
	struct ka_summary sum;
	struct sink sinks[SINKS_MAX];
	struct target_list tl;
	struct clientconf *cc;
	struct scan_setup ss;
	struct emit_ctx ec;
	struct strlist files = { 0 }, certs = { 0 }, *pins = NULL;
	struct kh_db *db = NULL;
	struct outfile pin = { .slot = -1 };
	size_t nsinks = 0;
	char *err = NULL;
	int rc = 0;

	check_names(a);
	if (a->hash && a->pin == NULL)
		cli_usage(cmd, "--hash applies to --pin");
	if (a->pin && a->known_hosts.n)
		cli_usage(cmd, "--pin writes what the hosts offer; --known-hosts judges "
		    "against a file: use one or the other");
	if (a->inventory_complete && a->inventory == NULL)
		cli_usage(cmd, "--inventory-complete needs the inventory: give -f FILE");
	if (a->limit != NULL && a->inventory == NULL)
		cli_usage(cmd, "--limit selects from an inventory: give -f FILE");
	if (a->shard != NULL && a->inventory_complete)
		cli_usage(cmd, "--inventory-complete judges known_hosts against the whole "
		    "inventory: not with --shard");
	if (a->positional.n == 0 && a->inventory == NULL)
		cli_usage(cmd, "give targets or -f INVENTORY");
	collect_opts_from(a, &co);
	memset(&ko, 0, sizeof(ko));
	ko.only = a->checks.n ? &a->checks : NULL;
	ko.policy = a->policy;
	cc = prepare_targets(a, &tl, &co, &ko, &ss, NULL);
	for (size_t i = 0; i < tl.n; i++)
		if (tl.v[i].host == NULL)
			cli_usage(cmd, "'local' has no host keys to scan over SSH: give host names");
	ss.keyscan = 1;
	/* the pin's temporary now, like the reports': an unwritable place is
	 * an input error before any host is asked */
	if (a->pin != NULL && outfile_open(&pin, a->pin, 0666, &err) != 0)
		cli_usage(NULL, "cannot write the pin: %s", err);

	/* What clients trust: the files given, else ssh_config's (as
	 * resolved for the first target). */
	if (a->pin == NULL) {
		struct client_host ch;
		const struct target *t = &tl.v[0];

		memset(&ch, 0, sizeof(ch));
		if (a->known_hosts.n == 0 && clientconf_resolve(cc, t->address ? t->address :
		    t->host, t->user ? t->user : a->login, t->port ? t->port : a->port, &ch,
		    &err) != 0)
			cli_usage(cmd, "%s", err);
		scan_known_hosts_files(&ch, &a->known_hosts, &files);
		client_host_free(&ch);
		db = scan_load_known_hosts(&files, a->known_hosts.n > 0, &err);
		if (err != NULL)
			cli_input_error(err);
		ko.known_hosts = db;
		for (size_t i = 0; i < a->host_certs.n; i++) {
			struct buf b;

			buf_init(&b);
			if (read_input_file(a->host_certs.v[i], 1024 * 1024, &b, &err) != 0)
				cli_input_error(err);
			strlist_add(&certs, b.data ? b.data : "");
			buf_free(&b);
		}
		ko.host_certs = &certs;
		ko.now = (int64_t)time(NULL);
	} else
		ss.hostkeys = pins = xcalloc(tl.n + 1, sizeof(*pins));

	memset(&ro, 0, sizeof(ro));
	ro.command = cmd;
	ro.quiet = a->quiet;
	ro.color = want_color(a, "text");
	memset(&sum, 0, sizeof(sum));
	sum.fail_on = a->fail_on;
	ss.progress = !a->quiet && isatty(STDERR_FILENO);
	nsinks = open_sinks(sinks, a, &ro);
	memset(&ec, 0, sizeof(ec));
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
	if (rc == 0 && a->pin == NULL) {
		struct ka_host_result hr;
		struct strlist names = { 0 };

		if (a->inventory_complete)
			inventory_names(&tl, cc, a, &names);
		host_result_init(&hr, "known_hosts");
		hostkey_db_check(db, a->inventory_complete ? &names : NULL, &ko, &hr);
		emit_host(&ec, &hr, 1);
		host_result_free(&hr);
		strlist_free(&names);
	}
	if (rc == 0 && a->pin != NULL && write_pin(&pin, pins, tl.n, a->hash) != 0)
		rc = EXIT_INTERNAL;
	outfile_abort(&pin);	/* not written: the old pin stays */
	if (rc == 0)
		rc = summary_exit(&sum);
	for (size_t k = 0; k < nsinks; k++)
		if (close_sink(&sinks[k], &sum, rc != EXIT_USAGE) != 0 && rc != EXIT_USAGE)
			rc = EXIT_INTERNAL;
	for (size_t i = 0; pins != NULL && i < tl.n; i++)
		strlist_free(&pins[i]);
	free(pins);
	strlist_free(&files);
	strlist_free(&certs);
	if (db != NULL)
		kh_db_free(db);
	clientconf_free(cc);
	target_list_free(&tl);
	return rc;
}
