/* clientconf.h - ssh_config read the way OpenSSH's ssh (9.2, readconf.c and
 * ssh.c) reads it, parsed once and then resolved for each host of a fleet:
 * Host and Match blocks, first value wins, Include with globs, the
 * HostName/%-token expansions, and the settings the ssh transport needs.
 *
 * Parsing is pure: files come through struct clientconf_io. Nothing is
 * ever run: "Match exec" is treated as not matching (see client_host.notes).
 * No DNS either: CanonicalizeHostname triggers ssh's second ("final") pass
 * but never changes the name. */
#ifndef KA_CLIENTCONF_H
#define KA_CLIENTCONF_H

#include <stddef.h>

#include "scanner/util.h"
#include "scanner/parse/sshwords.h"

/* Include nesting, as readconf.c's READCONF_MAX_DEPTH. */
#define CLIENTCONF_MAX_DEPTH 16
/* keyaudit's own bounds on what one configuration may hold. */
#define CLIENTCONF_MAX_FILE_BYTES (16u * 1024 * 1024)
#define CLIENTCONF_MAX_BYTES (64u * 1024 * 1024)
#define CLIENTCONF_MAX_FILES 1000
#define CLIENTCONF_MAX_DIRECTIVES 100000

struct clientconf_io {
	/*
	 * The whole file, allocated (the caller frees it), or -1 and errno:
	 * ENOENT missing (skipped where ssh skips it), EPERM when checkperm is
	 * set and the file is not owned by root or the user or is group- or
	 * world-writable (ssh: "Bad owner or permissions"), EFBIG past
	 * CLIENTCONF_MAX_FILE_BYTES. A directory reads as empty, as with ssh.
	 */
	int (*read)(void *ctx, const char *path, int checkperm, char **data, size_t *len);
	/* Matches of an Include pattern (~ already expanded), sorted like
	 * glob(3); no match is 0 with nothing added. -1 on a glob error. */
	int (*glob)(void *ctx, const char *pattern, struct strlist *out);
	/* Home directory of a user for "~user/", or NULL. May be NULL. */
	const char *(*home_of)(void *ctx, const char *name);
	/* An environment variable for ${NAME}, or NULL. May be NULL. */
	const char *(*getenv)(void *ctx, const char *name);
	/* This machine's host name (%l, %L, %C). May be NULL: "localhost". */
	const char *(*local_hostname)(void *ctx);
	/* This user's uid for %i. May be NULL: 0. */
	long (*local_uid)(void *ctx);
	void *ctx;
};

/* The real filesystem, environment, gethostname() and getuid(). */
extern const struct clientconf_io clientconf_io_fs;

struct clientconf;

/*
 * files: the -F files; NULL/0: ssh's defaults, ~/.ssh/config then
 * /etc/ssh/ssh_config. Missing default files are fine; a missing -F file
 * is an error, and "-F none" reads nothing. home and local_user: for "~",
 * %d and %u (and the default User). io (and its ctx) must outlive the
 * result. NULL and *err "FILE:LINE: ..." (caller frees) for what ssh
 * itself rejects (ssh -G exits 255) and for keyaudit's limits.
 */
struct clientconf *clientconf_load(const char *const *files, size_t nfiles,
    const char *home, const char *local_user, const struct clientconf_io *io,
    char **err);
void clientconf_free(struct clientconf *c);
/* Every file read, in order (for evidence and collection). */
const struct strlist *clientconf_files(const struct clientconf *c);
/* Every directive line read, in the order ssh reads them (see struct
 * ssh_directive; Host and Match open blocks, user marks the user's files). */
const struct ssh_directives *clientconf_directives(const struct clientconf *c);

/*
 * For checks that judge what the files say rather than resolve a host:
 * ssh's default files (home's .ssh/config when home is not NULL, then
 * /etc/ssh/ssh_config), every line of every file read past an error, as ssh
 * reads a whole file before it gives up on it. Never NULL; *err is the
 * first error ssh (or a keyaudit limit) would stop at, or NULL (caller
 * frees). With *err set, ask only clientconf_directives() and
 * clientconf_files() of the result.
 */
struct clientconf *clientconf_read_all(const char *home, const char *local_user,
    const struct clientconf_io *io, char **err);

struct client_host {
	char *hostname;		/* HostName with %h/%% expanded, else the host as given;
				 * lower-cased unless an address, as ssh -G prints it */
	int port;		/* the target's port, else Port, else 22 */
	char *user;		/* the target's user, else User, else local_user */
	struct strlist identity_files;	/* expanded (~, %d %u %l %L %h %r %p %n %k %i %C %%,
				 * ${VAR}); "none" dropped; ssh's defaults when unset */
	int identity_files_default;	/* 1: no IdentityFile was set (a -i file
				 * would replace these defaults, as with ssh) */
	struct strlist certificate_files;	/* CertificateFile, expanded as
				 * IdentityFile; none set: ssh tries FILE-cert(.pub)
				 * beside each identity file */
	int identities_only;
	char *proxy_command;	/* raw (the transport expands %h %p %r %n), NULL when
				 * unset or "none" */
	char *proxy_jump;	/* raw "[user@]host[:port][,...]", NULL when unset or "none" */
	int connect_timeout;	/* seconds, 0 = unset (or "none", or 0) */
	char *host_key_alias;	/* lower-cased, or NULL */
	struct strlist user_known_hosts;	/* expanded; ssh's defaults when unset;
						 * empty for "none" */
	struct strlist global_known_hosts;	/* as written (ssh does not expand
						 * them); defaults when unset */
	char *strict_host_key_checking;	/* as ssh -G prints it: true, false, ask,
					 * accept-new */
	/* First values as written, NULL when unset (ssh's defaults apply):
	 * what diagnose needs to tell whether ssh would offer a key at all. */
	char *pubkey_authentication;	/* yes/no/unbound/host-bound */
	char *preferred_authentications;
	char *pubkey_accepted_algorithms;	/* may start with + - ^ */
	char *required_rsa_size;
	char *batch_mode;
	char *identity_agent;	/* raw (ssh expands ~ %d ${VAR}); "none" */
	struct strlist notes;	/* "FILE:LINE: ..." what keyaudit did not do
				 * as ssh would (Match exec) */
};

/*
 * The settings ssh would use for `ssh [-l user] [-p port] host`. user NULL
 * and port 0: not given. 0, or -1 and *err for what ssh rejects only for
 * this host (an unknown keyword not covered by the IgnoreUnknown in force,
 * an unknown %-token in HostName, ${VAR} unset, "~user" unknown, too many
 * files). Read-only on c: many threads may resolve at once when the io
 * callbacks are thread-safe (clientconf_io_fs's are).
 */
int clientconf_resolve(const struct clientconf *c, const char *host, const char *user,
    int port, struct client_host *out, char **err);
void client_host_free(struct client_host *h);

/*
 * The last hop of a ProxyJump value ("a,b,user@c:2222" -> extra "a,b",
 * user "user", host "c", port 2222; "ssh://user@host:port" too), the way
 * ssh splits it. 0, or -1 when ssh would reject it. Each out pointer may be
 * NULL; strings are allocated, NULL when absent; *port 0 when absent.
 */
int clientconf_jump_split(const char *spec, char **extra, char **user, char **host,
    int *port);

#endif
