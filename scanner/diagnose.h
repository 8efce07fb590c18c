/* diagnose.h - why one key login fails: the chain ssh and sshd walk
 * (client, network, host key, methods, key, server, session), observed
 * from the client with a real connection and, when keyaudit can see the
 * server (this machine, a second login, a saved snapshot), explained from
 * the server's side in sshd's own order. The first broken link is the
 * cause; what would break next comes after it. */
#ifndef KA_DIAGNOSE_H
#define KA_DIAGNOSE_H

#include <stdint.h>
#include <stdio.h>

#include "scanner/parse/authkeys.h"
#include "scanner/parse/clientconf.h"
#include "scanner/finding.h"
#include "scanner/transport/identities.h"
#include "scanner/util.h"

struct ka_policy;

enum diag_view { VIEW_NONE = 0, VIEW_LOCAL, VIEW_VIA, VIEW_SNAPSHOT };

struct diag_setup {
	const char *target;		/* [user@]host[:port] or alias; NULL: --local only */
	const struct strlist *identities;	/* -i files */
	const char *sshconf_file;	/* -F */
	const char *login;		/* -l */
	int port;			/* -p, 0 = not given */
	const struct strlist *known_hosts;	/* --known-hosts; empty: ssh_config's */
	/* --host-cert files and their contents: the host's HostCertificate,
	 * judged without a server view for a host pinned by @cert-authority */
	const struct strlist *host_certs, *host_cert_texts;
	int accept_unknown;		/* --accept-unknown-hosts: as StrictHostKeyChecking no */
	int timeout;			/* seconds per connection */
	const char *local_user, *home;

	enum diag_view view;
	const char *user;		/* --user: the account on the server */
	const char *pubkey;		/* --pubkey FILE.pub */
	const char *from;		/* --from: the client address sshd sees */
	const char *root, *sshd_config;	/* --local: --root, --sshd-config */
	const char *via;		/* --via [user@]host[:port] */
	const struct strlist *via_identities;	/* --via-identity */
	int sudo;			/* --via ... --sudo */
	int run_keys_command;		/* --local: run AuthorizedKeysCommand */
	const char *server_snapshot;	/* --server-snapshot FILE */
	const struct strlist *auth_logs;	/* --auth-log FILEs */
	const struct ka_policy *policy;
};


enum diag_status { STEP_SKIP = 0, STEP_PASS, STEP_FAIL };

#define DIAG_STEPS 7
struct diag_step {
	const char *name;	/* client network hostkey methods key server session */
	enum diag_status status;
	char *summary;		/* one printable line */
};

struct diag_result {
	char *target;
	char *user;
	char *key_desc;			/* the key under diagnosis, or NULL */
	const char *verdict;		/* ok refused unreachable error */
	int predicted;			/* no connection was made: --local etc. only */
	/* --local without --pubkey: no one key was judged, but whether sshd
	 * lets in the keys the account's files list */
	int any_key;
	struct diag_step steps[DIAG_STEPS];
	struct ka_host_result hr;	/* every finding, cause first */
	long cause;			/* index into hr.findings, -1 none */
	char *server_hint;		/* the command that would show the server side */
	struct strlist log;		/* sshd's lines for this attempt */
	char *log_source;
};

/* 0, or -1 with a one-line *err for input errors (exit 2). */
int diagnose_run(const struct diag_setup *s, struct diag_result *r, char **err);
void diag_result_free(struct diag_result *r);

/* reports/diagnose.c */
void diag_print_text(FILE *fp, const struct diag_result *r, int color);
void diag_print_json(FILE *fp, const struct diag_result *r);


#endif
