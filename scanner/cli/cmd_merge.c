/* cmd_merge.c - `keyaudit merge REPORT.json...`: one report from the JSON
 * reports of a sharded scan (--shard K/N), or of scanners in separate
 * network zones. The hosts come back in the whole inventory's order, the
 * shards' own fleet entries are dropped and the fleet pass runs again over
 * every host's digest, and every format is written from the merged result
 * as scan writes it. A shard missing or given twice, shards of different
 * inventories, a host in two reports: exit 2, naming the files. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scanner/cli/cli.h"
#include "scanner/fileio.h"
#include "scanner/fleet.h"
#include "scanner/strmap.h"
#include "scanner/parse/reportjson.h"
#include "checks/check.h"

static const char *const merge_formats[] = { "text", "json", "junit", "sarif", "prom", "html",
	NULL };

static const struct cmd_option merge_options[] = {
	{ NULL, "the fleet checks (give what the shards were given):", 0 },
	{ &opt_checks, NULL, 0 },
	{ &opt_policy, NULL, 0 },
	{ NULL, "reports (every format from the merged result):", 0 },
	CMD_OPTIONS_REPORTS,
	{ &opt_previous, NULL, 0 },
	{ &opt_fix_script, NULL, 0 },
	{ &opt_fail_on, NULL, 0 },
	{ &opt_quiet, NULL, 0 },
	{ &opt_no_color, NULL, 0 },
	{ &opt_help, NULL, 0 },
	{ NULL, NULL, 0 },
};

const struct cmd_entry cmd_merge_entry = {
	.name = "merge",
	.synopsis = "merge REPORT.json... [--format FMT] [--json FILE] [options]",
	.summary = "one report from the JSON reports of shards (--shard) or zones",
	.about =
	"Join JSON scan reports (scan --json FILE) into one: the shards of one\n"
	"inventory (scan --shard K/N; every shard exactly once), or whole scans\n"
	"of separate network zones. Hosts come in the whole inventory's order (for\n"
	"zones: report by report), and the fleet checks (shared keys, cloned and\n"
	"changed host keys, CA trust) run again over every host's digest. A host in\n"
	"two reports, a shard missing or given twice, or shards of different\n"
	"inventories are errors.\n\n",
	.formats = merge_formats,
	.options = merge_options,
	.epilog = "exit status: as scan's: 0 clean, 1 a host failed or a finding is at --fail-on,\n"
	    "2 usage or input error (the message names the file and what is wrong).\n",
	.exec = cmd_merge,
};

struct merged {
	struct scan_report_host *h;
	size_t doc;
};

static void
check_shards(const struct cli_args *a, const struct scan_report *d, size_t n)
{
	const struct strlist *f = &a->positional;
	size_t nsharded = 0, *who, total = 0;
	struct buf miss;

	for (size_t i = 0; i < n; i++)
		nsharded += d[i].sharded;
	if (nsharded == 0)
		return;
	if (nsharded < n) {
		size_t s = 0, u = 0;

		while (!d[s].sharded)
			s++;
		while (d[u].sharded)
			u++;
		cli_input_error(xasprintf("%s is shard %u/%u of an inventory, %s is not a "
		    "shard: merge the shards of one scan, or whole reports", f->v[s],
		    d[s].shard_k, d[s].shard_n, f->v[u]));
	}
	for (size_t i = 1; i < n; i++) {
		if (d[i].shard_n != d[0].shard_n)
			cli_input_error(xasprintf("%s is a shard of %u, %s of %u: shards of "
			    "different scans", f->v[0], d[0].shard_n, f->v[i], d[i].shard_n));
		if (strcmp(d[i].inventory, d[0].inventory) != 0 ||
		    d[i].inventory_hosts != d[0].inventory_hosts)
			cli_input_error(xasprintf("%s and %s are shards of different "
			    "inventories (%zu hosts, inventory %.12s; %zu hosts, inventory "
			    "%.12s)", f->v[0], f->v[i], d[0].inventory_hosts, d[0].inventory,
			    d[i].inventory_hosts, d[i].inventory));
	}
	who = xcalloc(d[0].shard_n, sizeof(*who));
	for (size_t i = 0; i < n; i++) {
		if (who[d[i].shard_k] != 0)
			cli_input_error(xasprintf("shard %u of %u given twice: %s and %s",
			    d[i].shard_k, d[i].shard_n, f->v[who[d[i].shard_k] - 1], f->v[i]));
		who[d[i].shard_k] = i + 1;
		total += d[i].nhosts;
	}
	buf_init(&miss);
	for (unsigned k = 0; k < d[0].shard_n; k++)
		if (who[k] == 0)
			buf_printf(&miss, "%s%u", miss.len ? ", " : "", k);
	if (miss.len > 0)
		cli_input_error(xasprintf("shard%s %s of %u missing (shards count from 0; "
		    "%zu report%s given)", strchr(miss.data, ',') ? "s" : "", miss.data,
		    d[0].shard_n, n, n == 1 ? "" : "s"));
	buf_free(&miss);
	free(who);
	if (total != d[0].inventory_hosts)
		cli_input_error(xasprintf("the %zu shards hold %zu hosts, their inventory "
		    "%zu: a shard report is incomplete", n, total, d[0].inventory_hosts));
}

static int
by_index(const void *x, const void *y)
{
	const struct merged *a = x, *b = y;

	return a->h->index < b->h->index ? -1 : a->h->index > b->h->index;
}

/* Every host once, in the order the merged report lists them. */
static struct merged *
gather(const struct cli_args *a, struct scan_report *d, size_t n, size_t *count)
{
	const struct strlist *f = &a->positional;
	struct strmap seen = { 0 };
	struct merged *m;
	size_t total = 0, k = 0;

	for (size_t i = 0; i < n; i++)
		total += d[i].nhosts;
	m = xcalloc(total + 1, sizeof(*m));
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < d[i].nhosts; j++) {
			struct scan_report_host *h = &d[i].hosts[j];
			const char *t = h->hr.target;
			size_t at;
			int added;

			at = strmap_add(&seen, t, strlen(t), i, &added);
			if (!added)
				cli_input_error(xasprintf("host %s is in %s and in %s", t,
				    f->v[strmap_at(&seen, at)->value], f->v[i]));
			if (h->hr.status == HOST_SCANNED && !h->has_digest)
				cli_input_error(xasprintf("%s: $.hosts[%zu].digest: missing (the "
				    "fleet checks need each scanned host's digest: a report "
				    "of this keyaudit, scan --json)", f->v[i], h->pos));
			if (d[0].sharded && (h->index < 0 ||
			    (size_t)h->index >= d[i].inventory_hosts))
				cli_input_error(xasprintf("%s: $.hosts[%zu].index: expected the "
				    "host's place in the inventory of %zu hosts", f->v[i], h->pos,
				    d[i].inventory_hosts));
			m[k].h = h;
			m[k++].doc = i;
		}
	strmap_free(&seen);
	/* shards: the unsharded scan's order; zones: report by report */
	if (n > 0 && d[0].sharded) {
		qsort(m, k, sizeof(*m), by_index);
		for (size_t i = 1; i < k; i++)
			if (m[i].h->index == m[i - 1].h->index)
				cli_input_error(xasprintf("%s and %s both hold host %ld of the "
				    "inventory", f->v[m[i - 1].doc], f->v[m[i].doc], m[i].h->index));
	}
	*count = k;
	return m;
}

int
cmd_merge(struct cli_args *a)
{
	struct scan_report *docs;
	struct merged *m;
	struct emit_ctx ec;
	struct report_opts ro;
	struct report_scope scope;
	struct ka_options ko;
	struct ka_summary sum;
	struct sink sinks[SINKS_MAX];
	size_t n = a->positional.n, nh, nsinks, *index;
	int rc;

	if (n == 0)
		cli_usage("merge", "give the JSON reports to merge");
	if (a->previous != NULL && a->html_file == NULL && strcmp(a->format, "html") != 0)
		cli_usage("merge", "--previous is the HTML report's trend: give --html FILE "
		    "or --format html");
	check_names(a);
	docs = xcalloc(n, sizeof(*docs));
	for (size_t i = 0; i < n; i++) {
		struct buf b;
		char *err = NULL;

		buf_init(&b);
		if (read_input_file(a->positional.v[i], REPORT_JSON_MAX, &b, &err) != 0 ||
		    scan_report_parse(b.data ? b.data : "", b.len, a->positional.v[i], check_rule,
		    &docs[i], &err) != 0)
			cli_input_error(err);
		buf_free(&b);
	}
	check_shards(a, docs, n);
	m = gather(a, docs, n, &nh);

	memset(&ko, 0, sizeof(ko));
	ko.only = a->checks.n ? &a->checks : NULL;
	ko.policy = a->policy;
	/* The merged JSON carries indexes and digests too: it can be merged
	 * again (the zones of zones). */
	index = xcalloc(nh + 1, sizeof(*index));
	for (size_t i = 0; i < nh; i++)
		index[i] = docs[0].sharded ? (size_t)m[i].h->index : i;
	memset(&scope, 0, sizeof(scope));
	scope.index = index;
	scope.ntargets = nh;
	memset(&ro, 0, sizeof(ro));
	ro.command = "scan";
	ro.quiet = a->quiet;
	ro.color = want_color(a, "text");
	ro.scope = &scope;
	memset(&sum, 0, sizeof(sum));
	sum.fail_on = a->fail_on;
	nsinks = open_sinks(sinks, a, &ro);
	memset(&ec, 0, sizeof(ec));
	ec.sum = &sum;
	ec.sinks = sinks;
	ec.nsinks = nsinks;
	ec.now = (int64_t)time(NULL);
	for (size_t i = 0; i < nh; i++) {
		m[i].h->hr.digest = m[i].h->has_digest ? &m[i].h->digest : NULL;
		emit_host(&ec, &m[i].h->hr, 0);
		m[i].h->hr.digest = NULL;
	}
	/* as scan_run: every host in order, a failed one with its empty
	 * digest, and the fleet entry after two hosts or more */
	if (nh >= 2) {
		struct fleet *fl = fleet_new();
		struct ka_host_result fr;

		for (size_t i = 0; i < nh; i++)
			fleet_add(fl, m[i].h->hr.target, m[i].h->hr.origin, &m[i].h->digest);
		host_result_init(&fr, "fleet");
		fleet_check(fl, &ko, &fr);
		emit_host(&ec, &fr, 1);
		host_result_free(&fr);
		fleet_free(fl);
	}
	rc = summary_exit(&sum);
	for (size_t k = 0; k < nsinks; k++)
		if (close_sink(&sinks[k], &sum, 1) != 0)
			rc = EXIT_INTERNAL;
	free(index);
	free(m);
	for (size_t i = 0; i < n; i++)
		scan_report_free(&docs[i]);
	free(docs);
	return rc;
}
