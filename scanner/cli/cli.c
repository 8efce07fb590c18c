/* cli.c - what scan, known-hosts, keys and collect share (cli.h): targets,
 * ssh_config, the collection set-up, report sinks and the exit status. */
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/cli/cli.h"
#include "scanner/parse/inventory.h"
#include "scanner/parse/reportjson.h"
#include "checks/check.h"
#include "scanner/fileio.h"

static void
open_sink_file(struct sink *s, const char *format, const char *path,
    const struct report_opts *ro)
{
	char *err = NULL;

	s->fmt = report_format_find(format);
	s->path = path;
	/* A report file appears whole or not at all (CI artifacts, and the
	 * textfile collector reading --prom while a scan runs): written
	 * under a temporary name beside it, renamed at the end. */
	if (path == NULL)
		s->fp = stdout;
	else {
		if (outfile_open(&s->out, path, 0666, &err) != 0)
			cli_usage(NULL, "cannot write the report: %s", err);
		s->fp = s->out.fp;
	}
	s->r = s->fmt->open(s->fp, ro);
}

int
close_sink(struct sink *s, const struct ka_summary *sum, int keep)
{
	int rc, e;
	char *err = NULL;

	/* a report fails at its last write or flush: keep why */
	errno = 0;
	rc = s->fmt->close(s->r, sum);
	e = errno;

	if (s->path == NULL) {
		if (fflush(s->fp) != 0 || ferror(s->fp))
			rc = -1;
	} else if (rc != 0 || !keep)
		outfile_abort(&s->out);
	else if (outfile_commit(&s->out, &err) != 0)
		rc = -1;
	/* the file asked for, never its temporary */
	if (rc != 0 && err != NULL)
		ka_eprintf("keyaudit: writing the report failed: %s", err);
	else if (rc != 0)
		ka_eprintf("keyaudit: %s: writing the report failed%s%s",
		    s->path ? s->path : "standard output", e ? ": " : "", e ? strerror(e) : "");
	free(err);
	return rc;
}

size_t
open_sinks(struct sink *sinks, const struct cli_args *a, struct report_opts *ro)
{
	const struct {
		const char *path;
		const char *format;
	} files[SINKS_MAX - 1] = {
		{ a->json_file, "json" }, { a->junit_file, "junit" },
		{ a->sarif_file, "sarif" }, { a->prom_file, "prom" },
		{ a->fix_script, "fix-script" }, { a->html_file, "html" },
	};
	size_t n = 0;

	ro->fail_on = a->fail_on;	/* JUnit's failures are the gate's */
	ro->previous = a->previous;
	open_sink_file(&sinks[n++], a->format, NULL, ro);
	ro->color = 0;
	for (size_t i = 0; i < KA_ARRLEN(files); i++)
		if (files[i].path != NULL)
			open_sink_file(&sinks[n++], files[i].format, files[i].path, ro);
	return n;
}

int
summary_exit(struct ka_summary *sum)
{
	int max = -1;

	for (int sv = SEV_CRITICAL; sv >= 0 && max < 0; sv--)
		if (sum->by_severity[sv] > 0)
			max = sv;
	sum->exit_code = (sum->hosts_failed > 0 || max >= (int)sum->fail_on) ?
	    EXIT_FINDINGS : 0;
	return sum->exit_code;
}

void
emit_host(void *arg, struct ka_host_result *hr, int fleet)
{
	struct emit_ctx *e = arg;

	baseline_apply(e->baseline, hr, e->now);
	if (e->writer != NULL)
		baseline_writer_add(e->writer, hr);
	summary_add_host(e->sum, hr);
	if (fleet)
		e->sum->hosts--;	/* the fleet entry is not a host */
	for (size_t k = 0; k < e->nsinks; k++)
		e->sinks[k].fmt->host(e->sinks[k].r, hr);
}

/* The baseline file replaced whole (a temporary file beside it, renamed):
 * an interrupted run never leaves half a baseline. */
int
write_baseline(const char *path, struct baseline_writer *w)
{
	struct outfile o;
	char *err = NULL;
	int rc;

	if (outfile_open(&o, path, 0666, &err) != 0) {
		ka_eprintf("keyaudit: --write-baseline %s", err);
		baseline_writer_finish(w, NULL);
		free(err);
		return -1;
	}
	rc = baseline_writer_finish(w, o.fp);
	if (rc != 0)
		outfile_abort(&o);
	else
		rc = outfile_commit(&o, &err);
	if (err != NULL)
		ka_eprintf("keyaudit: --write-baseline %s", err);
	else if (rc != 0)
		ka_eprintf("keyaudit: --write-baseline %s: writing failed", path);
	free(err);
	return rc;
}

int
args_remote(const struct cli_args *a)
{
	const struct strlist *t = &a->positional;

	return a->snapshots.n == 0 && (a->inventory != NULL || t->n > 1 ||
	    (t->n == 1 && strcmp(t->v[0], "local") != 0));
}

void
collect_opts_from(const struct cli_args *a, struct collect_opts *co)
{
	memset(co, 0, sizeof(*co));
	co->root = a->root;
	co->sshd_config = a->sshd_config;
	co->users = &a->users;
	co->all_users = a->all_users;
	co->run_keys_command = a->run_keys_command && a->root == NULL;
	co->client = a->root == NULL;
	co->from_addr = a->from;
	co->log_files = &a->auth_logs;
	co->logs = a->auth_logs.n > 0 || a->unused_days >= 0;
}

/* This machine, where a log named with --auth-log must exist (on a remote
 * host it is the host's fact: keys.no-usage-data). */
int
collect_here(const struct collect_opts *co, struct snapshot *snap, char **err)
{
	if (transport_local.collect("local", co, snap, err) != 0)
		return -1;
	for (size_t i = 0; co->log_files != NULL && co->log_files->n > 0 &&
	    i < snap->nauthlogs; i++)
		if (snap->authlogs[i].error != NULL) {
			*err = xasprintf("--auth-log %s: %s", snap->authlogs[i].source,
			    snap->authlogs[i].error);
			return -1;
		}
	return 0;
}

/* --shard K/N: keep the targets of shard K, and say in sc which part of
 * which inventory they are (each kept target's position in the whole list,
 * the whole list's identity and size). Without --shard sc says the list is
 * whole. */
static void
shard_targets(const struct cli_args *a, struct target_list *tl, struct report_scope *sc)
{
	size_t *index = xcalloc(tl->n + 1, sizeof(*index)), kept = 0;
	const char **names;
	char *err = NULL;

	memset(sc, 0, sizeof(*sc));
	sc->index = index;
	if (a->shard == NULL) {
		for (size_t i = 0; i < tl->n; i++)
			index[i] = i;
		sc->ntargets = tl->n;
		return;
	}
	if (shard_spec_parse(a->shard, &sc->k, &sc->n, &err) != 0)
		cli_usage(a->command, "%s", err);
	names = xcalloc(tl->n + 1, sizeof(*names));
	for (size_t i = 0; i < tl->n; i++)
		names[i] = tl->v[i].name;
	inventory_identity(names, tl->n, sc->inventory);
	free(names);
	sc->sharded = 1;
	sc->inventory_hosts = tl->n;
	for (size_t i = 0; i < tl->n; i++) {
		if (shard_of(tl->v[i].name, sc->n) != sc->k) {
			target_free(&tl->v[i]);
			continue;
		}
		index[kept] = i;
		tl->v[kept++] = tl->v[i];
	}
	tl->n = kept;
	sc->ntargets = kept;
}

void
scope_free(struct report_scope *sc)
{
	free((void *)sc->index);
	memset(sc, 0, sizeof(*sc));
}

/* Positional targets, then the inventory, in that order; exit 2 on a bad one. */
static void
build_targets(const struct cli_args *a, struct target_list *tl)
{
	char *err = NULL;

	memset(tl, 0, sizeof(*tl));
	for (size_t i = 0; i < a->positional.n; i++) {
		struct target t;

		if (target_parse(a->positional.v[i], "argument", &t, &err) != 0)
			cli_usage(a->command, "%s", err);
		tl->v = xreallocarray(tl->v, tl->n + 1, sizeof(*tl->v));
		tl->v[tl->n++] = t;
	}
	if (a->inventory != NULL) {
		struct target_list inv = { 0 };

		if (inventory_load(a->inventory, a->limit, &inv, &err) != 0)
			cli_input_error(err);
		tl->v = xreallocarray(tl->v, tl->n + inv.n + 1, sizeof(*tl->v));
		memcpy(tl->v + tl->n, inv.v, inv.n * sizeof(*inv.v));
		tl->n += inv.n;
		free(inv.v);
		if (inv.n == 0 && a->positional.n == 0)
			cli_usage(a->command, "%s: no hosts%s%s", a->inventory,
			    a->limit ? " in --limit " : "", a->limit ? a->limit : "");
	}
}

/* The invoking user's name and home, for ssh_config's ~ and %u. */
static void
local_identity(const char **user, const char **home)
{
	struct passwd *pw = getpwuid(getuid());
	const char *h = getenv("HOME");

	*user = pw ? pw->pw_name : "root";
	*home = h && *h ? h : pw ? pw->pw_dir : "/";
}

/* ssh_config for the remote targets: -F FILE alone, else the user's and
 * the system's, as ssh reads them. Exit 2 on a file ssh would reject. */
static struct clientconf *
load_sshconf(const struct cli_args *a, const char *user, const char *home)
{
	const char *files[1] = { a->sshconf_file };
	char *err = NULL;
	struct clientconf *cc;

	cc = clientconf_load(a->sshconf_file ? files : NULL, a->sshconf_file ? 1 : 0,
	    home, user, &clientconf_io_fs, &err);
	if (cc == NULL)
		cli_input_error(err);
	return cc;
}

static void
setup_from(struct scan_setup *ss, const struct cli_args *a, const struct target_list *tl,
    const struct collect_opts *co, const struct ka_options *ko, const struct clientconf *cc)
{
	memset(ss, 0, sizeof(*ss));
	ss->targets = tl;
	ss->collect = co;
	ss->checks = ko;
	ss->sshconf = cc;
	ss->sshconf_file = a->sshconf_file;
	ss->identities = &a->identities;
	ss->login = a->login;
	ss->port = a->port;
	ss->known_hosts = &a->known_hosts;
	ss->jobs = a->jobs;
	ss->timeout = a->timeout;
	ss->accept_unknown = a->accept_unknown;
	ss->sudo = a->sudo;
	local_identity(&ss->local_user, &ss->home);
}

struct clientconf *
prepare_targets(const struct cli_args *a, struct target_list *tl,
    const struct collect_opts *co, const struct ka_options *ko, struct scan_setup *ss,
    struct report_scope *scope)
{
	struct clientconf *cc = NULL;
	struct report_scope own;
	int remote = 0;

	build_targets(a, tl);
	shard_targets(a, tl, scope != NULL ? scope : &own);
	if (scope == NULL)
		scope_free(&own);
	for (size_t i = 0; i < tl->n; i++)
		remote |= tl->v[i].host != NULL;
	if (remote) {
		if (a->root != NULL)
			cli_usage(a->command, "--root audits an image on this machine; "
			    "it cannot apply to remote targets");
		setup_from(ss, a, tl, co, ko, NULL);
		cc = load_sshconf(a, ss->local_user, ss->home);
	}
	setup_from(ss, a, tl, co, ko, cc);
	return cc;
}

int
want_color(const struct cli_args *a, const char *textual)
{
	return !a->no_color && getenv("NO_COLOR") == NULL && isatty(STDOUT_FILENO) &&
	    strcmp(a->format, textual) == 0;
}

/* --checks names rules or families that exist: exit 2 otherwise. */
void
check_names(const struct cli_args *a)
{
	for (size_t i = 0; i < a->checks.n; i++) {
		int known = check_rule(a->checks.v[i]) != NULL;
		for (size_t j = 0; !known && ka_checks[j] != NULL; j++)
			known = strcmp(ka_checks[j]->family, a->checks.v[i]) == 0;
		if (!known)
			cli_usage(a->command, "--checks: unknown check or family '%s'",
			    a->checks.v[i]);
	}
}
