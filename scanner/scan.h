/* scan.h - a scan of many targets: each target resolved through ssh_config,
 * collected by its transport (local or ssh) on a worker thread, checked
 * there, and handed back in inventory order; then the fleet pass. */
#ifndef KA_SCAN_H
#define KA_SCAN_H

#include "scanner/parse/clientconf.h"
#include "scanner/context.h"
#include "scanner/parse/inventory.h"
#include "scanner/transport/transport.h"

struct kh_db;

struct scan_setup {
	const struct target_list *targets;
	const struct collect_opts *collect;	/* --user, --all-users, --sshd-config, --from */
	const struct ka_options *checks;
	const struct clientconf *sshconf;	/* NULL: no remote target */
	const char *sshconf_file;		/* -F FILE, or NULL */
	const struct strlist *identities;	/* -i FILEs */
	const char *login;			/* -l USER, or NULL */
	int port;				/* -p PORT, 0 = not given */
	const struct strlist *known_hosts;	/* --known-hosts FILEs; empty: ssh_config's */
	int jobs, timeout, accept_unknown, sudo;
	int progress;				/* a progress line on stderr */
	int keyscan;				/* known-hosts: host keys only, no login */
	struct strlist *hostkeys;		/* keyscan: one list per target (inventory
						 * order), filled with "NAME type base64"
						 * lines, NAME as ssh looks it up; or NULL */
	const char *local_user, *home;		/* for ssh_config defaults */

	/* keys: each host's snapshot, on its worker thread (i: the target's
	 * index), before it is freed. NULL: not wanted. */
	void (*on_snapshot)(void *arg, size_t i, const struct snapshot *s);
	void *snapshot_arg;

	/* Called in inventory order on the calling thread. */
	/* hr may be marked (--baseline) before it is reported */
	void (*emit)(void *arg, struct ka_host_result *hr, int fleet);
	void *emit_arg;
};

/* Runs the whole scan; the fleet result (target "fleet") is emitted last
 * when there were two hosts or more. 0, or -1 with *err for an input error
 * found before any host was scanned (a --known-hosts file that cannot be
 * read). */
int scan_run(const struct scan_setup *s, char **err);

/* keyaudit collect: the first target collected, nothing checked. 0, or -1
 * with *err when the host could not be collected (the net facts say why). */
int scan_collect(const struct scan_setup *s, struct snapshot *out, char **err);

/* The known_hosts files ssh reads for a host: given (--known-hosts), else
 * its UserKnownHostsFile then GlobalKnownHostsFile. Appended to out. */
void scan_known_hosts_files(const struct client_host *ch, const struct strlist *given,
    struct strlist *out);
/* Those files read into one db. A missing file is skipped as ssh skips it;
 * *err (caller frees) names the first that could not be read, or, with
 * strict, the first missing one. The db holds every file that was read. */
struct kh_db *scan_load_known_hosts(const struct strlist *files, int strict, char **err);

/* A host's status from its snapshot's net facts. */
enum ka_host_status scan_status(const struct snapshot *s);

#endif
