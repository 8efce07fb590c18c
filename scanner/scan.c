/* scan.c - many targets, one report stream. Each worker thread resolves its
 * target through ssh_config, collects it (ssh or local transport), runs the
 * checks and keeps only the findings and a fingerprint digest; the calling
 * thread emits results in inventory order (pool.c) and feeds the fleet pass.
 * A host's failure is its own result: nothing a host does reaches another. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "scanner/engine.h"
#include "scanner/fleet.h"
#include "scanner/pool.h"
#include "scanner/scan.h"
#include "scanner/transport/transport_ssh.h"
#include "scanner/fileio.h"

#define KH_FILE_LIMIT (64u * 1024 * 1024)

/* known_hosts databases, one per distinct list of files (usually one). */
struct kh_cache {
	pthread_mutex_t lock;
	struct kh_entry {
		char *key;
		struct kh_db *db;
	} *v;
	size_t n;
};

struct scan_state {
	const struct scan_setup *s;
	struct kh_cache kh;
	struct fleet *fleet;
	size_t failed;
	double start, last_tick;
	int tick_shown;
};

struct host_out {
	struct ka_host_result hr;
	struct host_digest digest;
	int used;
};

void
scan_known_hosts_files(const struct client_host *ch, const struct strlist *given,
    struct strlist *out)
{
	if (given != NULL && given->n > 0) {
		for (size_t i = 0; i < given->n; i++)
			strlist_add(out, given->v[i]);
		return;
	}
	for (size_t i = 0; i < ch->user_known_hosts.n; i++)
		strlist_add(out, ch->user_known_hosts.v[i]);
	for (size_t i = 0; i < ch->global_known_hosts.n; i++)
		strlist_add(out, ch->global_known_hosts.v[i]);
}

struct kh_db *
scan_load_known_hosts(const struct strlist *files, int strict, char **err)
{
	struct kh_db *db = kh_db_new();

	kh_db_set_time(db, time(NULL));

	*err = NULL;
	for (size_t i = 0; i < files->n; i++) {
		struct buf b;
		char *e = NULL;
		int rc;

		buf_init(&b);
		rc = read_file_bounded(files->v[i], KH_FILE_LIMIT, &b, &e);
		if (rc == 0)
			kh_db_add(db, files->v[i], b.data ? b.data : "", b.len);
		else if ((rc < 0 || strict) && *err == NULL) {
			*err = e ? e : xasprintf("%s: no such file", files->v[i]);
			e = NULL;
		}
		free(e);
		buf_free(&b);
	}
	return db;
}

/* The db for these files, loading it on first use. Missing files are
 * fine, as for ssh; an unreadable one is an error for strict (--known-hosts). */
/* The inventory line a host came from, for reports that point at files
 * (SARIF); NULL for a host named on the command line or this machine. */
static char *
origin_of(const struct target *t)
{
	return t->origin != NULL && strcmp(t->origin, "argument") != 0 ?
	    xstrdup(t->origin) : NULL;
}

static const struct kh_db *
kh_get(struct scan_state *st, const struct strlist *files, int strict, char **err)
{
	struct buf key;
	struct kh_db *db = NULL;

	buf_init(&key);
	for (size_t i = 0; i < files->n; i++)
		buf_printf(&key, "%s\n", files->v[i]);
	buf_putc(&key, '\0');
	pthread_mutex_lock(&st->kh.lock);
	for (size_t i = 0; i < st->kh.n && db == NULL; i++)
		if (strcmp(st->kh.v[i].key, key.data) == 0)
			db = st->kh.v[i].db;
	if (db == NULL) {
		char *e = NULL;

		db = scan_load_known_hosts(files, strict, &e);
		if (e != NULL && err != NULL && *err == NULL)
			*err = e;
		else
			free(e);
		st->kh.v = xreallocarray(st->kh.v, st->kh.n + 1, sizeof(*st->kh.v));
		st->kh.v[st->kh.n].key = xstrdup(key.data);
		st->kh.v[st->kh.n].db = db;
		st->kh.n++;
	}
	pthread_mutex_unlock(&st->kh.lock);
	buf_free(&key);
	return db;
}

enum ka_host_status
scan_status(const struct snapshot *s)
{
	static const char *const unreachable[] = { "resolve", "refused", "timeout",
	    "no-banner", "not-ssh", "ssh1", "throttled", "kex-failed", "error" };
	const char *f = s->net.failure;

	if (!s->net.probed || f == NULL)
		return s->net_only && s->net.hostkeys.n == 0 ? HOST_ERROR : HOST_SCANNED;
	if (strcmp(f, "no-publickey") == 0 || strcmp(f, "auth-failed") == 0)
		return HOST_AUTH_FAILED;
	for (size_t i = 0; i < sizeof(unreachable) / sizeof(unreachable[0]); i++)
		if (strcmp(f, unreachable[i]) == 0)
			return HOST_UNREACHABLE;
	return HOST_ERROR;
}

static void
scan_remote(struct scan_state *st, const struct target *t, struct snapshot *snap)
{
	const struct scan_setup *s = st->s;
	struct client_host ch;
	struct ssh_target tg;
	struct ssh_scan_opts so;
	struct collect_opts co = *s->collect;
	struct strlist ids = { 0 }, khfiles = { 0 };
	const char *user = t->user ? t->user : s->login;
	char *err = NULL;

	memset(&ch, 0, sizeof(ch));
	memset(&so, 0, sizeof(so));
	if (clientconf_resolve(s->sshconf, t->address ? t->address : t->host, user,
	    t->port ? t->port : s->port, &ch, &err) != 0) {
		snap->target = xstrdup(t->name);
		snap->transport = xstrdup("ssh");
		snap->net.probed = 1;
		snap->net_only = 1;
		snap->net.failure = xstrdup("error");
		snap->net.error = err;
		return;
	}
	/* -i first; ssh's default files only when neither -i nor IdentityFile
	 * named any (as ssh does). */
	for (size_t i = 0; s->identities && i < s->identities->n; i++)
		strlist_add(&ids, s->identities->v[i]);
	for (size_t i = 0; i < ch.identity_files.n; i++)
		if (!strlist_has(&ids, ch.identity_files.v[i]) &&
		    !(ch.identity_files_default && ids.n > 0 && s->identities &&
		    s->identities->n > 0))
			strlist_add(&ids, ch.identity_files.v[i]);
	scan_known_hosts_files(&ch, s->known_hosts, &khfiles);
	so.known_hosts = kh_get(st, &khfiles, s->known_hosts != NULL &&
	    s->known_hosts->n > 0, NULL);
	memset(&tg, 0, sizeof(tg));
	tg.name = t->name;
	tg.host = ch.hostname;
	tg.port = ch.port;
	tg.user = ch.user;
	tg.proxy_command = ch.proxy_command;
	tg.proxy_jump = ch.proxy_jump;
	tg.kh_name = ch.host_key_alias;
	tg.identities = &ids;
	tg.identities_only = ch.identities_only;
	tg.connect_timeout = ch.connect_timeout;
	tg.ssh_config = s->sshconf_file;
	tg.cli_identities = s->identities;
	if (t->sshd_config != NULL)
		co.sshd_config = t->sshd_config;
	co.client = 0;
	co.root = NULL;
	so.timeout = s->timeout;
	so.accept_unknown = s->accept_unknown;
	so.sudo = s->sudo;
	so.collect = &co;
	if (s->keyscan) {
		/* The checks judge every key against known_hosts themselves. */
		so.keyscan = 1;
		so.known_hosts = NULL;
	}
	ssh_scan(&tg, &so, snap);
	/* what ssh -o BatchMode=yes does with the host key verdict (the
	 * hostkey checks' blocks_login) */
	free(snap->net.strict_host_key_checking);
	snap->net.strict_host_key_checking = ch.strict_host_key_checking ?
	    xstrdup(ch.strict_host_key_checking) : NULL;
	strlist_free(&ids);
	strlist_free(&khfiles);
	client_host_free(&ch);
}

static void
work(void *arg, size_t i, void *result)
{
	struct scan_state *st = arg;
	const struct target *t = &st->s->targets->v[i];
	struct host_out *out = result;
	struct snapshot snap;
	struct timespec t0, t1;
	struct ka_budget b;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&b, 0, sizeof(b));
	snapshot_init(&snap);
	if (t->host == NULL) {
		char *err = NULL;
		struct collect_opts co = *st->s->collect;

		if (t->sshd_config != NULL)
			co.sshd_config = t->sshd_config;
		if (transport_local.collect("local", &co, &snap, &err) != 0) {
			snapshot_free(&snap);
			host_result_init(&out->hr, t->name);
			out->hr.status = HOST_ERROR;
			out->hr.error = err;
			out->hr.origin = origin_of(t);
			out->used = 1;
			return;
		}
		free(snap.target);
		snap.target = xstrdup(t->name);
	} else {
		/* --timeout covers the whole host, checking included: what a
		 * remote host sent must not cost more time than it may. */
		b.timeout = st->s->timeout > 0 ? st->s->timeout : 10;
		b.deadline = (double)t0.tv_sec + t0.tv_nsec / 1e9 + b.timeout;
		scan_remote(st, t, &snap);
	}
	host_result_init(&out->hr, t->name);
	out->hr.origin = origin_of(t);
	engine_check_host(&snap, st->s->checks, &b, &out->hr, &out->digest);
	if (st->s->on_snapshot != NULL)
		st->s->on_snapshot(st->s->snapshot_arg, i, &snap);
	if (st->s->hostkeys != NULL && snap.net.known_hosts_name != NULL)
		for (size_t k = 0; k < snap.net.hostkeys.n; k++)
			strlist_add_owned(&st->s->hostkeys[i], xasprintf("%s %s",
			    snap.net.known_hosts_name, snap.net.hostkeys.v[k]));
	out->hr.status = scan_status(&snap);
	if (snap.net.probed) {
		out->hr.address = snap.net.address ? xstrdup(snap.net.address) : NULL;
		out->hr.port = snap.net.port;
		if (snap.net.failure != NULL && out->hr.status != HOST_SCANNED)
			out->hr.error = xstrdup(snap.net.error ? snap.net.error : snap.net.failure);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	out->hr.duration = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	out->used = 1;
	snapshot_free(&snap);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
clear_progress(struct scan_state *st)
{
	if (!st->tick_shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	st->tick_shown = 0;
}

static void
emit(void *arg, size_t i, void *result)
{
	struct scan_state *st = arg;
	struct host_out *out = result;

	(void)i;
	if (out->hr.status != HOST_SCANNED)
		st->failed++;
	/* The report may go to the same terminal: the progress line is taken
	 * away before a host is printed (the next tick draws it again below),
	 * or the host's first line would continue it. */
	clear_progress(st);
	/* every host, failed ones too: the fleet pass compares the host
	 * keys a host presented before its login failed, and merge must see
	 * what fleet_add below sees */
	out->hr.digest = &out->digest;
	st->s->emit(st->s->emit_arg, &out->hr, 0);
	out->hr.digest = NULL;
	if (st->fleet != NULL)
		fleet_add(st->fleet, out->hr.target, out->hr.origin, &out->digest);
	host_result_free(&out->hr);
	host_digest_free(&out->digest);
}

/* "done/total, rate, failures, ETA" on one rewritten stderr line. */
static void
tick(void *arg, size_t done, size_t running)
{
	struct scan_state *st = arg;
	size_t total = st->s->targets->n;
	double t = now_s(), el = t - st->start, rate = el > 0 ? done / el : 0;

	if (!st->s->progress)
		return;
	if (done == total && running == 0) {
		clear_progress(st);
		return;
	}
	if (t - st->last_tick < 0.2)
		return;
	st->last_tick = t;
	st->tick_shown = 1;
	if (rate > 0) {
		long eta = (long)((double)(total - done) / rate);
		fprintf(stderr, "\r\033[Kkeyaudit: %zu/%zu hosts, %.1f/s, %zu failed, "
		    "ETA %ld:%02ld", done, total, rate, st->failed, eta / 60, eta % 60);
	} else
		fprintf(stderr, "\r\033[Kkeyaudit: %zu/%zu hosts, %zu running", done,
		    total, running);
	fflush(stderr);
}

/* Descriptors one running host may hold at once (its socket, a
 * ProxyCommand's two pipes, a read-as-user child's pipe), and what the
 * rest of the run keeps open (reports, known_hosts, the terminal). */
#define FILES_PER_HOST 4
#define FILES_RESERVE 64

/* -j as the open-files limit allows: the soft limit (1024 on most
 * systems) is raised to what -j needs, up to the hard limit; past that -j
 * is lowered, with a note, rather than hosts failing with EMFILE halfway
 * through a fleet. */
static int
jobs_for_files(int jobs, size_t hosts)
{
	struct rlimit rl;
	rlim_t need;
	int fit;

	if (hosts < (size_t)jobs)
		jobs = hosts > 0 ? (int)hosts : 1;
	need = (rlim_t)jobs * FILES_PER_HOST + FILES_RESERVE;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur >= need)
		return jobs;
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need)
		rl.rlim_cur = need;
	else
		rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0 && getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return jobs;
	if (rl.rlim_cur >= need)
		return jobs;
	fit = rl.rlim_cur > FILES_RESERVE + FILES_PER_HOST ?
	    (int)((rl.rlim_cur - FILES_RESERVE) / FILES_PER_HOST) : 1;
	ka_eprintf("keyaudit: -j %d lowered to %d: the open-files limit (ulimit -n) is %llu",
	    jobs, fit, (unsigned long long)rl.rlim_cur);
	return fit;
}

int
scan_run(const struct scan_setup *s, char **err)
{
	struct scan_state st;
	struct pool_ops ops = { work, emit, tick };
	size_t n = s->targets->n;

	*err = NULL;
	memset(&st, 0, sizeof(st));
	st.s = s;
	pthread_mutex_init(&st.kh.lock, NULL);
	if (s->sshconf != NULL) {
		ssh_transport_init();
		if (s->known_hosts != NULL && s->known_hosts->n > 0) {
			kh_get(&st, s->known_hosts, 1, err);
			if (*err != NULL)
				goto out;
		}
	}
	if (n >= 2)
		st.fleet = fleet_new();
	st.start = now_s();
	pool_run(n, jobs_for_files(s->jobs, n), sizeof(struct host_out), &ops, &st);
	if (st.fleet != NULL) {
		struct ka_host_result fr;

		host_result_init(&fr, "fleet");
		fleet_check(st.fleet, s->checks, &fr);
		s->emit(s->emit_arg, &fr, 1);
		host_result_free(&fr);
	}
out:
	fleet_free(st.fleet);
	for (size_t i = 0; i < st.kh.n; i++) {
		free(st.kh.v[i].key);
		kh_db_free(st.kh.v[i].db);
	}
	free(st.kh.v);
	pthread_mutex_destroy(&st.kh.lock);
	return *err != NULL ? -1 : 0;
}

int
scan_collect(const struct scan_setup *s, struct snapshot *out, char **err)
{
	struct scan_state st;
	const struct target *t = &s->targets->v[0];
	int rc = 0;

	*err = NULL;
	memset(&st, 0, sizeof(st));
	st.s = s;
	pthread_mutex_init(&st.kh.lock, NULL);
	if (t->host == NULL) {
		struct collect_opts co = *s->collect;

		if (t->sshd_config != NULL)
			co.sshd_config = t->sshd_config;
		rc = transport_local.collect("local", &co, out, err);
	} else {
		ssh_transport_init();
		scan_remote(&st, t, out);
		if (out->net_only) {
			*err = xasprintf("%s: not collected (%s): %s", t->name,
			    out->net.failure ? out->net.failure : "error",
			    out->net.error ? out->net.error : "no details");
			rc = -1;
		}
	}
	for (size_t i = 0; i < st.kh.n; i++) {
		free(st.kh.v[i].key);
		kh_db_free(st.kh.v[i].db);
	}
	free(st.kh.v);
	pthread_mutex_destroy(&st.kh.lock);
	return rc;
}
