/* transport.h - how one target becomes one snapshot. Three transports:
 * local (system calls, optionally under --root), ssh (one connection, one
 * collector exec; a later issue), and file (a snapshot saved as JSON). */
#ifndef KA_TRANSPORT_H
#define KA_TRANSPORT_H

#include "scanner/snapshot.h"

struct ak_line;

struct collect_opts {
	const char *root;		/* --root DIR or NULL */
	const char *sshd_config;	/* --sshd-config FILE or NULL (default path) */
	const struct strlist *users;	/* --user NAMEs; empty: the invoking user */
	int all_users;			/* --all-users */
	int client;			/* also read the invoking user's client side */
	const char *from_addr;		/* --from: addr= for sshd -T -C */
	int logs;			/* look for sshd's login lines */
	const struct strlist *log_files;	/* --auth-log: these, not the defaults */
	/* --run-keys-command: run each audited account's AuthorizedKeysCommand
	 * as sshd would (this machine only, never under root); key: the key
	 * its %t %f %k tokens stand for (diagnose's), NULL in a scan */
	int run_keys_command;
	const struct ak_line *keys_command_key;
};

/* 0 on success; -1 with a one-line message in *err (caller frees). A
 * transport that collected partially still returns 0: gaps are data. */
struct transport {
	const char *name;
	int (*collect)(const char *target, const struct collect_opts *o,
	    struct snapshot *out, char **err);
};

extern const struct transport transport_local;
extern const struct transport transport_file;

/* --run-keys-command, after a local collection (keyscmd_run.c): each
 * audited account's AuthorizedKeysCommand run as sshd would, into
 * s->keyscmds. Nothing without o->run_keys_command or with o->root. */
void keyscmd_collect(struct snapshot *s, const struct collect_opts *o);

/* The local transport's half of collector.sh's log section: the same
 * sources in the same order, filtered and bounded the same way (logcollect.c). */
void collect_auth_logs(struct snapshot *s, const char *root,
    const struct strlist *files);

#endif
