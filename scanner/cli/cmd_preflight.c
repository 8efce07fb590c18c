/* cmd_preflight.c - `keyaudit preflight`: before a change lands, who loses
 * (or gains) key login. The host is collected once (this machine, a saved
 * snapshot, or each host of a fleet over SSH, as scan collects it); the
 * proposal is laid over it in memory (scanner/preflight.c) and both are
 * judged by the same engine. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/cli/cli.h"
#include "scanner/preflight.h"
#include "reports/preflight.h"

#ifndef KA_VERSION
#define KA_VERSION "0.0.0"
#endif

static const char *const preflight_formats[] = { "text", "json", "junit", "sarif", "html", NULL };

static const struct cmd_option preflight_options[] = {
	{ NULL, "the proposal:", 0 },
	{ &opt_proposed_sshd_config, NULL, 0 },
	{ &opt_proposed_keys, NULL, 0 },
	{ &opt_proposed_root, NULL, 0 },
	{ NULL, "targets (none: the local machine):", 0 },
	{ &opt_inventory, NULL, 0 },
	{ &opt_limit, NULL, 0 },
	{ &opt_snapshot, NULL, 0 },
	{ NULL, "connecting (ssh_config is honoured as ssh honours it):", 0 },
	CMD_OPTIONS_CONNECT,
	{ NULL, "what to judge:", 0 },
	{ &opt_user, NULL, 0 },
	{ &opt_all_users, NULL, 0 },
	{ &opt_root, NULL, 0 },
	{ &opt_sshd_config, "the current sshd_config (default /etc/ssh/sshd_config)", 0 },
	{ &opt_from_each, NULL, 0 },
	{ &opt_must_keep, NULL, 0 },
	{ NULL, "reports:", 0 },
	{ &opt_format, NULL, 0 },
	{ &opt_json, NULL, 0 },
	{ &opt_html, NULL, 0 },
	{ &opt_junit, NULL, 0 },
	{ &opt_sarif, NULL, 0 },
	{ &opt_quiet, NULL, 0 },
	{ &opt_help, NULL, 0 },
	{ NULL, NULL, 0 },
};

const struct cmd_entry cmd_preflight_entry = {
	.name = "preflight",
	.synopsis = "preflight --proposed-sshd-config NEW [--sshd-config CURRENT]\n"
	"preflight [TARGET... | --snapshot FILE | -f INVENTORY] [options]",
	.summary = "who loses or gains key login with a proposed change",
	.about =
	"Before an sshd_config, authorized_keys or image change lands, say exactly who\n"
	"loses (or gains) key login: every audited account, from each --from address,\n"
	"before (the host as collected) and after (the same snapshot with the proposal\n"
	"applied in memory: nothing is written, nothing collected twice), judged by the\n"
	"same checks as scan, with the finding that decides. Changes that open password\n"
	"or keyboard-interactive login are findings (preflight.password-opened,\n"
	"preflight.kbdint-opened).\n"
	"\n"
	"  TARGET                [user@]host[:port], an ssh_config alias, or 'local'\n",
	.formats = preflight_formats,
	.options = preflight_options,
	.epilog =
	"exit status: 0 nobody who can log in now loses key login; 1 somebody does, a\n"
	"--must-keep account is refused after, or (with --must-keep) a host could not\n"
	"be evaluated; 2 bad input; 3 internal error. A proposed configuration sshd\n"
	"would reject refuses every account (sshd.syntax): sshd would not start.\n",
	.exec = cmd_preflight,
};

/* What each host says of the --must-keep accounts (found where its
 * snapshot is: a worker thread for a fleet): absent, or there but not
 * among the accounts judged. */
struct must_keep_facts {
	struct strlist absent, unjudged;
};

static void
must_keep_facts(const struct strlist *names, const struct snapshot *s,
    const struct pf_host *h, struct must_keep_facts *mk)
{
	for (size_t k = 0; k < names->n; k++) {
		const char *u = names->v[k];
		int judged = 0;

		if (s->accounts_known && snap_account_by_name(s, u) == NULL) {
			strlist_add(&mk->absent, u);
			continue;
		}
		for (size_t j = 0; j < h->nacc && !judged; j++)
			judged = strcmp(h->acc[j].user, u) == 0;
		if (!judged)
			strlist_add(&mk->unjudged, u);
	}
}

/* --must-keep names an account of every host evaluated: else exit 2. */
static void
check_must_keep(const struct pf_host *hosts, const struct must_keep_facts *mk, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (hosts[i].error != NULL)
			continue;
		if (mk[i].absent.n > 0)
			cli_input_error(xasprintf("--must-keep %s: no such account on %s",
			    mk[i].absent.v[0], hosts[i].target));
		if (mk[i].unjudged.n > 0)
			cli_usage("preflight", "--must-keep %s: not among the accounts judged on "
			    "%s (add --user %s or --all-users)", mk[i].unjudged.v[0],
			    hosts[i].target, mk[i].unjudged.v[0]);
	}
}

static void
must_keep_free(struct must_keep_facts *mk, size_t n)
{
	for (size_t i = 0; mk != NULL && i < n; i++) {
		strlist_free(&mk[i].absent);
		strlist_free(&mk[i].unjudged);
	}
	free(mk);
}

struct fleet_state {
	const struct pf_proposal *p;
	const struct strlist *froms;
	const struct ka_options *ko;
	struct pf_host *hosts;
	struct must_keep_facts *mk;
	const struct strlist *must_keep;
	const struct target_list *tl;
};

/* A worker thread: the host's own snapshot, the proposal over it. */
static void
on_snapshot(void *arg, size_t i, const struct snapshot *s)
{
	struct fleet_state *fs = arg;
	struct pf_host *h = &fs->hosts[i];
	struct snapshot after;

	if (s->net_only) {
		h->status = scan_status(s);
		if (h->status == HOST_SCANNED)
			h->status = HOST_ERROR;
		free(h->error);
		h->error = xasprintf("not collected (%s): %s", s->net.failure ?
		    s->net.failure : "error", s->net.error ? s->net.error : "no details");
		return;
	}
	preflight_view(s, fs->p, NULL, &after);
	preflight_host(s, &after, fs->froms, fs->ko, h);
	preflight_view_free(&after, s);
	must_keep_facts(fs->must_keep, s, h, &fs->mk[i]);
}

/* The calling thread: hosts the local transport could not collect never
 * reach on_snapshot; their result says why. */
static void
on_emit(void *arg, struct ka_host_result *hr, int fleet)
{
	struct fleet_state *fs = arg;

	if (fleet)
		return;
	for (size_t i = 0; i < fs->tl->n; i++)
		if (strcmp(fs->tl->v[i].name, hr->target) == 0 &&
		    fs->hosts[i].nacc == 0 && fs->hosts[i].error == NULL &&
		    hr->status != HOST_SCANNED) {
			fs->hosts[i].status = hr->status;
			fs->hosts[i].error = xstrdup(hr->error ? hr->error : "not collected");
		}
}

struct report_job {
	const char *format;
	const struct pf_report *r;
};

static int
report_job_write(FILE *fp, void *arg)
{
	const struct report_job *j = arg;

	return pf_report(fp, j->format, j->r);
}

/* --json/--junit/--sarif/--html FILE: whole or not at all (outfile.h). */
static int
write_report(const char *path, const char *format, const struct pf_report *r)
{
	struct report_job j = { format, r };

	return outfile_write(path, report_job_write, &j);
}

/* The "after" of a host: the proposal over it, or (--proposed-root) the
 * image collected as --root collects, with any NEW laid over it too.
 * On this machine (no --root), the files only the proposed configuration
 * names (a moved AuthorizedKeysFile) were never collected: a second read
 * of this machine with NEW as its sshd_config (extra) supplies them; the
 * host's own files stay as collected. */
static int
after_of(const struct cli_args *a, const struct collect_opts *co,
    const struct pf_proposal *p, const struct snapshot *before,
    struct snapshot *img, struct snapshot *extra, struct snapshot *after, char **err)
{
	snapshot_init(img);
	snapshot_init(extra);
	if (a->proposed_root != NULL) {
		struct collect_opts ic = *co;

		ic.root = a->proposed_root;
		ic.sshd_config = NULL;
		/* the image is judged for the accounts before was */
		if (!ic.all_users)
			ic.users = &before->users;
		ic.client = 0;
		ic.logs = 0;
		if (transport_local.collect("local", &ic, img, err) != 0)
			return -1;
		free(img->target);
		img->target = xstrdup(before->target ? before->target : "local");
		preflight_view(img, p, NULL, after);
		return 0;
	}
	if (a->snapshots.n == 0 && a->root == NULL && p->has_main && p->main.path != NULL) {
		struct collect_opts ec = *co;
		char *e = NULL;

		ec.sshd_config = p->main.path;
		if (transport_local.collect("local", &ec, extra, &e) != 0) {
			/* what the first read could read, the second can: only
			 * the proposal's own files may differ, and it has them */
			free(e);
			snapshot_free(extra);
			snapshot_init(extra);
		}
	}
	preflight_view(before, p, extra->nfiles > 0 ? extra : NULL, after);
	return 0;
}

int
cmd_preflight(struct cli_args *a)
{
	struct pf_proposal p;
	struct collect_opts co;
	struct ka_options ko;
	struct pf_host *hosts = NULL;
	struct must_keep_facts *mk = NULL;
	struct pf_report rep;
	size_t nhosts = 0;
	char *err = NULL;
	int rc = 0;

	if (a->proposed_sshd_config == NULL && a->proposed_root == NULL &&
	    a->proposed_keys == NULL)
		cli_usage("preflight", "missing --proposed-sshd-config NEW (or "
		    "--proposed-keys DIR, --proposed-root DIR): nothing is proposed");
	if (a->snapshots.n > 0 && (a->positional.n > 0 || a->inventory != NULL))
		cli_usage("preflight", "--snapshot judges saved snapshots; targets and -f "
		    "collect live hosts: use one or the other");
	if (a->snapshots.n > 0 && (a->root || a->users.n || a->all_users || a->sshd_config))
		cli_usage("preflight", "--snapshot holds what was collected; --root, --user, "
		    "--all-users and --sshd-config apply when collecting");
	if (a->limit != NULL && a->inventory == NULL)
		cli_usage("preflight", "--limit selects from an inventory: give -f FILE");
	if (a->proposed_root != NULL && args_remote(a))
		cli_usage("preflight", "--proposed-root is an image on this machine; it "
		    "cannot be the after of remote targets");
	if (preflight_load(&p, a->proposed_sshd_config, a->proposed_keys, &err) != 0)
		cli_input_error(err);

	/* with --user, the --must-keep accounts are judged too */
	if (a->users.n > 0)
		for (size_t k = 0; k < a->must_keep.n; k++)
			if (!strlist_has(&a->users, a->must_keep.v[k]))
				strlist_add(&a->users, a->must_keep.v[k]);
	collect_opts_from(a, &co);
	co.from_addr = NULL;
	co.logs = 0;
	co.client = 0;
	memset(&ko, 0, sizeof(ko));

	if (args_remote(a)) {
		struct target_list tl;
		struct clientconf *cc;
		struct scan_setup ss;
		struct fleet_state fs;
		struct ka_options kscan = ko;
		struct strlist net = { 0 };

		/* scan's own checking of each host is not the answer (the two
		 * runs in on_snapshot are): only the cheap net family runs */
		strlist_add(&net, "net");
		kscan.only = &net;
		cc = prepare_targets(a, &tl, &co, &kscan, &ss, NULL);
		nhosts = tl.n;
		hosts = xcalloc(nhosts + 1, sizeof(*hosts));
		for (size_t i = 0; i < nhosts; i++) {
			pf_host_init(&hosts[i], tl.v[i].name);
			if (tl.v[i].origin != NULL && strcmp(tl.v[i].origin, "argument") != 0)
				hosts[i].origin = xstrdup(tl.v[i].origin);
		}
		memset(&fs, 0, sizeof(fs));
		fs.p = &p;
		fs.froms = &a->froms;
		fs.ko = &ko;
		fs.hosts = hosts;
		fs.mk = mk = xcalloc(nhosts + 1, sizeof(*mk));
		fs.must_keep = &a->must_keep;
		fs.tl = &tl;
		ss.progress = !a->quiet && isatty(STDERR_FILENO);
		ss.on_snapshot = on_snapshot;
		ss.snapshot_arg = &fs;
		ss.emit = on_emit;
		ss.emit_arg = &fs;
		if (scan_run(&ss, &err) != 0)
			cli_input_error(err);
		check_must_keep(hosts, mk, nhosts);
		clientconf_free(cc);
		target_list_free(&tl);
		strlist_free(&net);
	} else {
		nhosts = a->snapshots.n > 0 ? a->snapshots.n : 1;
		hosts = xcalloc(nhosts + 1, sizeof(*hosts));
		mk = xcalloc(nhosts + 1, sizeof(*mk));
		for (size_t i = 0; i < nhosts; i++) {
			struct snapshot snap, *before = &snap, img, extra, after;
			int crc;

			snapshot_init(before);
			if (a->snapshots.n > 0)
				crc = transport_file.collect(a->snapshots.v[i], &co, before, &err);
			else
				crc = collect_here(&co, before, &err);
			if (crc != 0)
				cli_input_error(err);
			pf_host_init(&hosts[i], before->target);
			if (a->snapshots.n > 0)
				hosts[i].origin = xstrdup(a->snapshots.v[i]);
			if (before->net_only) {
				hosts[i].status = HOST_ERROR;
				hosts[i].error = xasprintf("the snapshot holds no host state (%s)",
				    before->net.failure ? before->net.failure : "not collected");
				snapshot_free(before);
				continue;
			}
			if (after_of(a, &co, &p, before, &img, &extra, &after, &err) != 0)
				cli_input_error(err);
			preflight_host(before, &after, &a->froms, &ko, &hosts[i]);
			preflight_view_free(&after, a->proposed_root != NULL ? &img : before);
			snapshot_free(&img);
			snapshot_free(&extra);
			must_keep_facts(&a->must_keep, before, &hosts[i], &mk[i]);
			snapshot_free(before);
		}
		check_must_keep(hosts, mk, nhosts);
	}

	memset(&rep, 0, sizeof(rep));
	rep.version = KA_VERSION;
	rep.hosts = hosts;
	rep.nhosts = nhosts;
	rep.must_keep = &a->must_keep;
	pf_summarise(&rep);
	rep.exit_code = rep.lose > 0 || rep.kept_refused > 0 ||
	    (a->must_keep.n > 0 && rep.not_evaluated > 0) ? EXIT_FINDINGS : 0;
	rc = rep.exit_code;
	if (pf_report(stdout, a->format, &rep) != 0 || fflush(stdout) != 0)
		rc = EXIT_INTERNAL;
	if (a->json_file != NULL && write_report(a->json_file, "json", &rep) != 0)
		rc = EXIT_INTERNAL;
	if (a->junit_file != NULL && write_report(a->junit_file, "junit", &rep) != 0)
		rc = EXIT_INTERNAL;
	if (a->sarif_file != NULL && write_report(a->sarif_file, "sarif", &rep) != 0)
		rc = EXIT_INTERNAL;
	if (a->html_file != NULL && write_report(a->html_file, "html", &rep) != 0)
		rc = EXIT_INTERNAL;

	for (size_t i = 0; i < nhosts; i++)
		pf_host_free(&hosts[i]);
	free(hosts);
	must_keep_free(mk, nhosts);
	preflight_proposal_free(&p);
	return rc;
}
