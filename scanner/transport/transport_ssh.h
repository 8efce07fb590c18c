/* transport_ssh.h - one remote host becomes one snapshot over ONE libssh
 * connection and ONE exec of the embedded collector. Every way a host can
 * fail is recorded in the snapshot's net facts (the net.* and hostkey.*
 * checks turn them into findings); nothing here prints or exits. */
#ifndef KA_TRANSPORT_SSH_H
#define KA_TRANSPORT_SSH_H

#include "scanner/parse/knownhosts.h"
#include "scanner/transport/transport.h"

/* Where and how to connect, after the inventory and ssh_config are applied. */
struct ssh_target {
	const char *name;		/* as the user named it: the report's target */
	const char *host;		/* where to connect (HostName) */
	int port;
	const char *user;		/* login user */
	const char *proxy_command;	/* ssh_config ProxyCommand, raw, or NULL */
	const char *proxy_jump;		/* ssh_config ProxyJump, or NULL */
	const char *kh_name;		/* HostKeyAlias, or NULL: host */
	const struct strlist *identities;	/* identity files, in order */
	int identities_only;		/* no agent keys */
	int connect_timeout;		/* ssh_config ConnectTimeout, 0 unset */
	const char *ssh_config;		/* -F FILE, handed to a ProxyJump ssh */
	const struct strlist *cli_identities;	/* -i files, handed to it too */
};

struct ssh_session_struct;

struct ssh_scan_opts {
	int timeout;			/* seconds for the whole host */
	int accept_unknown;		/* --accept-unknown-hosts */
	int sudo;			/* --sudo */
	const struct kh_db *known_hosts;
	const struct collect_opts *collect;
	/* diagnose: once the host key is known (whatever known_hosts said,
	 * see s->net), hand the session to this instead of logging in and
	 * collecting. It runs under the same deadline watchdog. */
	void (*session_hook)(void *arg, struct ssh_session_struct *ssh,
	    struct snapshot *s, double deadline);
	void *hook_arg;
	/* known-hosts: no login; every host key the server has, one
	 * connection per algorithm (net.hostkeys), within the deadline. */
	int keyscan;
};

/* The deadlines' clock: monotonic seconds. */
double ssh_now(void);

/* Once, before any thread scans: libssh's global state and the deadline
 * watchdog. */
void ssh_transport_init(void);

/* Never fails as a call: what went wrong is in out->net (failure, error),
 * and out->net_only says the host was not collected. Safe to run from many
 * threads at once, each with its own target. */
void ssh_scan(const struct ssh_target *t, const struct ssh_scan_opts *o,
    struct snapshot *out);

/* "host" or "[v6]:port"-safe checks for names that will reach a shell
 * through ProxyCommand %h/%r or an ssh argv: letters, digits, . _ - (and :
 * for IPv6), not starting with '-'. */
int ssh_name_ok(const char *s, int allow_colon);

#endif
