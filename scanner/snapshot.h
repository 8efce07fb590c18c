/* snapshot.h - everything a check may know about one host, as plain data.
 *
 * A transport (local, ssh, file) fills a snapshot; checks only read it. There
 * is no I/O behind any function here: the snapshot is what was collected, and
 * a path that was not collected is simply unknown. The same snapshot written
 * to JSON and read back must give the same findings (snapjson.c). */
#ifndef KA_SNAPSHOT_H
#define KA_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "scanner/util.h"

/* Bytes of a file's content a transport keeps; sshd reads all of it, we read
 * this much and say so (snap_file.truncated). */
#define SNAP_CONTENT_LIMIT (8u * 1024 * 1024)
/* Symlink hops before a path is declared a loop (Linux uses 40). */
#define SNAP_MAX_LINKS 40

enum snap_ftype {
	SNAP_NOENT = 0,	/* lstat said ENOENT/ENOTDIR: the path does not exist */
	SNAP_REG,
	SNAP_DIR,
	SNAP_LNK,
	SNAP_FIFO,
	SNAP_SOCK,
	SNAP_CHR,
	SNAP_BLK,
	SNAP_UNKNOWN,	/* lstat failed for another reason (see error) */
};

/* An account whose own credentials could not read a file that its
 * configuration names (sshd reads those as the user): why, as open(2) or the
 * collector said. "" names the owner of a home no account has. */
struct snap_denial {
	char *user;
	char *why;
};

/* One lstat(2) result, plus content when the collector was asked for it. */
struct snap_file {
	char *path;		/* absolute path on the target, no --root prefix */
	enum snap_ftype type;
	char *error;		/* lstat error text when type == SNAP_UNKNOWN */
	uint32_t mode;		/* permission bits, 07777 */
	uint32_t uid, gid;
	int64_t size, mtime;
	char *link;		/* readlink(2) for SNAP_LNK */

	int has_content;	/* content below was read */
	char *content;		/* NUL-terminated; may contain NULs inside */
	size_t content_len;
	int truncated;		/* content stopped at SNAP_CONTENT_LIMIT */
	char *read_error;	/* nobody's read succeeded: the last failure */
	/* Files an account reaches through paths it controls are read with
	 * that account's credentials (see README, "read as the user"): the
	 * content above is what some reader could read; these accounts could
	 * not, and must not be shown it. */
	struct snap_denial *denied;
	size_t ndenied;
	/* its SELinux context (the security.selinux attribute, e.g.
	 * "unconfined_u:object_r:ssh_home_t:s0"), collected where SELinux
	 * is enabled; NULL not known */
	char *selinux;
};

struct snap_account {
	char *name;
	uint32_t uid, gid;
	char *gecos, *home, *shell;
	/* From the shadow file when it could be read; never the hash itself. */
	int shadow_known;
	int locked;		/* password field starts with '!' (Linux LOCKED_PASSWD_PREFIX) */
	int64_t expire_day;	/* shadow field 8, days since epoch, -1 = never */
	/* Password ageing (fields 3, 5, 7), as getspnam(3) gives them: -1 for
	 * an empty field. pam_unix's account phase reads them (checks/pam.c). */
	int64_t lastchg_day, max_days, inact_days;
};

struct snap_group {
	char *name;
	uint32_t gid;
	struct strlist members;
};

/* Facts about a client private key. The key material itself never enters a
 * snapshot: only what keyaudit needs to judge it. */
struct snap_clientkey {
	char *path;		/* private key path; its metadata is in files */
	char *format;		/* "openssh", "pem", "pkcs8", "unknown" */
	int encrypted;		/* 1 passphrase, 0 none, -1 unknown */
	char *pub_type;		/* key type from the private key, if known */
	char *pub_fp;		/* SHA256 fingerprint from the private key, if known */
	char *source;		/* "default" or "~/.ssh/config:LINE" */
};

/* A private key an audited account keeps in ~/.ssh on this host (id_rsa,
 * id_ed25519, ...), judged from its first two lines only (userkey_facts):
 * collector.sh decides with the shell's read builtin, so no key byte leaves
 * the host. */
struct snap_userkey {
	char *user;
	char *path;
	char *format;		/* "openssh", "pem", "pkcs8", "unknown" */
	int encrypted;		/* 1 passphrase, 0 none, -1 unknown */
};

/* The matches of one sshd_config Include pattern, sorted as glob(3) does. */
struct snap_glob {
	char *pattern;
	struct strlist matches;
};

/* What the target's own `sshd -T -C user=U[,addr=A]` printed for one
 * audited user (run only with privileges: sshd -T reads host keys). */
struct snap_sshd_t {
	char *user;
	char *output;		/* stdout, or NULL when it failed */
	char *error;		/* why it failed (exit status, first stderr line) */
};

/* One AuthorizedKeysCommand run on this machine for an audited user
 * (--run-keys-command, the local transport only), as sshd would run it:
 * its output is judged like an authorized_keys file's. Or why it was not
 * run (ran = 0, error says why: a key token and no key to give it). */
#define SNAP_KEYSCMD_OUTPUT_LIMIT (1024u * 1024)
struct snap_keyscmd {
	char *user;		/* the audited account */
	char *command;		/* the argument vector as run, printable */
	char *runas;		/* AuthorizedKeysCommandUser, expanded */
	int ran;		/* 1: it was started */
	int status;		/* exit status; -1 killed or did not exit */
	char *error;		/* why it failed or was not run, or NULL */
	char *output;		/* stdout, up to SNAP_KEYSCMD_OUTPUT_LIMIT */
	size_t len;
	int truncated;		/* more output than the limit */
	char *key_fp;		/* the key its %f/%k/%t tokens stood for, or NULL */
};

/* What the ssh transport learnt on the wire, before and while logging in.
 * A check reads these; only the transport sets them. failure names the
 * stage that stopped the scan (NULL: the collector ran). */
/* The plain facts of the snapshot and of its network part, declared once:
 * X(TYPE, field, "json name", "collector record" or NULL, min, max). The
 * struct fields, snapshot_free, the snapshot JSON (snapjson.c) and the
 * collector stream (collect_stream.c) are all made from these lists, so a
 * new fact is its line here and whoever fills it (a transport). TYPE: STR
 * (char *, owned), I64 (int64_t), INT (int), BOOL (int, 0 or 1). */
#define SNAP_NET_FACTS(X) \
	/* the name connected to, ssh_config applied (HostName, not an alias) */ \
	X(STR, host, "host", NULL, 0, 0) \
	X(STR, address, "address", NULL, 0, 0)	/* the address connected to */ \
	X(INT, port, "port", NULL, 0, 65535) \
	X(STR, via, "via", NULL, 0, 0)		/* "ProxyJump HOST" / "ProxyCommand ..." */ \
	/* resolve refused timeout no-banner not-ssh ssh1 throttled kex-failed \
	 * hostkey-unknown hostkey-changed hostkey-revoked no-publickey \
	 * auth-failed collect-failed error, or NULL */ \
	X(STR, failure, "failure", NULL, 0, 0) \
	X(STR, error, "error", NULL, 0, 0)	/* one printable line about the failure */ \
	X(INT, tries, "tries", NULL, 0, 1000)	/* connection attempts (throttling retries) */ \
	X(STR, banner, "banner", NULL, 0, 0)	/* the server's identification, printable */ \
	X(STR, kex, "kex", NULL, 0, 0)		/* negotiated key exchange */ \
	X(STR, hostkey_type, "hostkey_type", NULL, 0, 0)	/* e.g. "ssh-ed25519" */ \
	X(STR, hostkey, "hostkey", NULL, 0, 0)	/* base64 blob of the host key */ \
	X(STR, hostkey_fp, "hostkey_fp", NULL, 0, 0)	/* "SHA256:..." */ \
	/* "ok" "new" "changed" "revoked", NULL unchecked; the deciding entry's \
	 * "FILE:LINE"; the name looked up ("[h]:2222") */ \
	X(STR, known_hosts, "known_hosts", NULL, 0, 0) \
	X(STR, known_hosts_where, "known_hosts_where", NULL, 0, 0) \
	X(STR, known_hosts_name, "known_hosts_name", NULL, 0, 0) \
	/* the client's StrictHostKeyChecking for this host as ssh -G prints \
	 * it (true false ask accept-new), NULL: not resolved (ssh's default, \
	 * ask): what ssh -o BatchMode=yes does with the verdict above */ \
	X(STR, strict_host_key_checking, "strict_host_key_checking", NULL, 0, 0) \
	/* a host known_hosts pins only by @cert-authority: its HostCertificate \
	 * file as collected, judged as ssh judges a certificate (hostcerts.c): \
	 * "pending" (not collected yet), "ok" "fail" "revoked" "missing" \
	 * "unbound" (it certifies another key than the one on the wire); the \
	 * file; one printable sentence saying what was verified how */ \
	X(STR, hostcert, "hostcert", NULL, 0, 0) \
	X(STR, hostcert_path, "hostcert_path", NULL, 0, 0) \
	X(STR, hostcert_why, "hostcert_why", NULL, 0, 0) \
	X(STR, login_user, "login_user", NULL, 0, 0)	/* who we logged in as */ \
	X(STR, login_with, "login_with", NULL, 0, 0)	/* "agent" or the identity file */ \
	X(STR, sudo, "sudo", NULL, 0, 0)	/* --sudo: "ok" or "denied", else NULL */

#define SNAP_FACT_CTYPE_STR char *
#define SNAP_FACT_CTYPE_I64 int64_t
#define SNAP_FACT_CTYPE_INT int
#define SNAP_FACT_CTYPE_BOOL int
#define SNAP_FACT_FIELD(t, f, j, r, lo, hi) SNAP_FACT_CTYPE_##t f;

struct snap_net {
	int probed;		/* an SSH connection was attempted */
	SNAP_NET_FACTS(SNAP_FACT_FIELD)
	struct strlist hostkeys;	/* known-hosts: every key the host offers,
				 * one connection per algorithm as ssh-keyscan,
				 * as "type base64" lines */
	int auth_known;		/* auth_methods below came from a "none" request */
	struct strlist auth_methods;	/* as the server listed them */
};

enum snap_fact_type { SNAP_FACT_STR, SNAP_FACT_I64, SNAP_FACT_INT, SNAP_FACT_BOOL };

/* One line of a facts list, as data (snapshot.c). */
struct snap_fact {
	const char *json;	/* its JSON name */
	const char *record;	/* the collector record carrying it, or NULL */
	enum snap_fact_type type;
	size_t off;		/* in struct snapshot or struct snap_net */
	int64_t min, max;	/* I64, INT */
};
extern const struct snap_fact snapshot_facts[], snap_net_facts[];	/* end: json NULL */

/* One source of sshd's log lines (keys, scan --unused-days): a file on the
 * target or "journalctl". Not the whole log: the line it begins with (where
 * the log window opens), every line usagelog reads, and its last line;
 * newest first across sources, at most SNAP_AUTHLOG_LIMIT bytes in all
 * (the oldest dropped: truncated, and lines then starts mid-line). */
#define SNAP_AUTHLOG_LIMIT (16u * 1024 * 1024)
struct snap_authlog {
	char *source;
	char *lines;		/* NULL when not read (see error) */
	size_t len;
	int truncated;
	char *error;		/* why it was not read */
};

struct snap_file_index;
struct snap_lookup;

#define SNAPSHOT_FACTS(X) \
	X(STR, target, "target", NULL, 0, 0)	/* as the user named it: "local", "web1" */ \
	X(STR, hostname, "hostname", "host", 0, 0) \
	X(STR, transport, "transport", NULL, 0, 0)	/* "local", "ssh", "file" */ \
	X(I64, collected_at, "collected_at", "time", 0, INT64_MAX)	/* checks' "now" */ \
	X(STR, root, "root", NULL, 0, 0)	/* --root DIR, or NULL */ \
	X(STR, sshd_version, "sshd_version", NULL, 0, 0)	/* sshd's version, or NULL */ \
	X(STR, sshd_config_path, "sshd_config_path", "config", 0, 0)	/* as sshd reads it */ \
	X(BOOL, privileged, "privileged", NULL, 0, 1)	/* root-only files were readable */ \
	X(BOOL, accounts_known, "accounts_known", NULL, 0, 1)	/* passwd was readable */ \
	X(STR, client_user, "client_user", NULL, 0, 0)	/* whose ~/.ssh/id_* was read */ \
	/* the audited accounts were named (--user): judged whatever they hold */ \
	X(BOOL, users_named, "users_named", "named", 0, 1) \
	/* the ssh transport stopped before collecting: only net facts are known */ \
	X(BOOL, net_only, "net_only", NULL, 0, 1) \
	/* the target's own `sshd -t -f CONFIG`, run once with privileges (it \
	 * loads the host keys): it ran, its exit status (-1: killed at the \
	 * time limit), its first stderr lines (printable, bounded) */ \
	X(BOOL, sshd_test_ran, "sshd_test_ran", "sshdtran", 0, 1) \
	X(INT, sshd_test_rc, "sshd_test_rc", "sshdtrc", -1, 255) \
	X(STR, sshd_test_err, "sshd_test_err", "sshdterr", 0, 0) \
	/* without privileges, `sshd -G -f CONFIG` (OpenSSH 9.3+: the effective \
	 * configuration for no connection, no host keys needed): its output, \
	 * or why it gave none (exit status and first stderr lines) */ \
	X(STR, sshd_g, "sshd_g", "sshdg", 0, 0) \
	X(STR, sshd_g_err, "sshd_g_err", "sshdgerr", 0, 0) \
	/* SELinux: "enforcing", "permissive" (/sys/fs/selinux/enforce) or \
	 * "disabled" (no selinuxfs); NULL not known (--root, old snapshots) */ \
	X(STR, selinux, "selinux", "semode", 0, 0) \
	/* --run-keys-command was asked for and this machine was collected */ \
	X(BOOL, keys_commands_run, "keys_commands_run", NULL, 0, 1)

struct snapshot {
	SNAPSHOT_FACTS(SNAP_FACT_FIELD)

	/* accounts */
	struct snap_account *accounts;
	size_t naccounts;
	struct snap_group *groups;
	size_t ngroups;

	struct strlist users;	/* accounts being audited, in order */

	struct snap_file *files;
	size_t nfiles, capfiles;
	struct snap_file_index *index;
	struct snap_lookup *lookup;	/* account/group indexes (a cache) */

	struct snap_glob *globs;
	size_t nglobs;

	struct snap_clientkey *clientkeys;
	size_t nclientkeys;

	struct snap_userkey *userkeys;
	size_t nuserkeys;

	struct snap_sshd_t *sshd_t;
	size_t nsshd_t;

	struct snap_keyscmd *keyscmds;
	size_t nkeyscmds;

	/* sshd's logs, newest source first; asked: they were looked for. */
	int authlogs_asked;
	struct snap_authlog *authlogs;
	size_t nauthlogs;

	struct snap_net net;
};

void snapshot_init(struct snapshot *s);
void snapshot_free(struct snapshot *s);
void snap_net_free(struct snap_net *n);
struct snap_authlog *snap_authlog_add(struct snapshot *s, const char *source);
struct snap_userkey *snap_userkey_add(struct snapshot *s, const char *user,
    const char *path);

/* Record that user's credentials could not read f (why); the content stays
 * for the others. Without content, why becomes the read_error too. */
void snap_file_deny(struct snap_file *f, const char *user, const char *why);
/* Why user may not see f's content: its denial, or f's read_error when
 * nobody read it; NULL when f's content is user's to see. */
const char *snap_unreadable_for(const struct snap_file *f, const char *user);

/* Lookups. NULL when the path was not collected. */
const struct snap_file *snap_file_get(const struct snapshot *s, const char *path);
/* A collected file's content for a reader callback (sshdconf_io,
 * clientconf_io): 0, or -1 with errno ENOENT (not there), EISDIR or
 * EACCES (no content). */
int snap_file_data(const struct snap_file *f, const char **data, size_t *len);
/* Adds (or returns the existing) entry for path; the caller fills it. */
struct snap_file *snap_file_add(struct snapshot *s, const char *path);

const struct snap_account *snap_account_by_name(const struct snapshot *s, const char *name);
const struct snap_account *snap_account_by_uid(const struct snapshot *s, uint32_t uid);
/* The name of uid's account, or "uid N" written into buf, for messages. */
const char *snap_owner_name(const struct snapshot *s, uint32_t uid, char *buf,
    size_t len);
const struct snap_group *snap_group_by_gid(const struct snapshot *s, uint32_t gid);
const struct snap_group *snap_group_by_name(const struct snapshot *s, const char *name);
const struct snap_sshd_t *snap_sshd_t_for(const struct snapshot *s, const char *user);
const struct snap_keyscmd *snap_keyscmd_for(const struct snapshot *s, const char *user);
struct snap_keyscmd *snap_keyscmd_add(struct snapshot *s, const char *user);
const struct snap_glob *snap_glob_get(const struct snapshot *s, const char *pattern);
struct snap_glob *snap_glob_add(struct snapshot *s, const char *pattern);

/*
 * A view: a snapshot that shares everything of base (accounts, groups,
 * file contents, logs) but owns its file table, its globs and its caches,
 * so a few files can be replaced or added without a deep copy (preflight:
 * "after" is "before" with the proposed files). The view drops base's
 * sshd -T, -t and -G answers: they describe base's configuration, not the
 * view's.
 * base must outlive the view; snap_view_free frees only what the view
 * owns (files added to it with snap_file_add, globs).
 */
void snap_view_init(struct snapshot *view, const struct snapshot *base);
void snap_view_free(struct snapshot *view, const struct snapshot *base);

/* Is account a member of gid, by primary group or by the group's member list? */
int snap_account_in_group(const struct snapshot *s, const struct snap_account *a, uint32_t gid);

/* Debian's user-group-modes rule (secure_permissions() in its sshd and ssh):
 * a group-writable file is safe when every account whose primary group is gid
 * is the user, the member list holds at most the file's owner, and the group
 * is not empty. */
int snap_group_private(const struct snapshot *s, uint32_t gid, uint32_t user_uid,
    uint32_t owner_uid);

/*
 * Resolve path the way realpath(3) would on the target, using only the lstat
 * results in the snapshot. Returns 0 and the canonical path in *out, or -1
 * with a reason in *why: "missing" (a component does not exist), "loop",
 * "notdir", or "unknown" (a component was not collected or could not be
 * examined). *out is allocated on success only.
 */
int snap_realpath(const struct snapshot *s, const char *path, char **out, const char **why);

/* The resolution algorithm itself, over any lstat source: the local
 * collector passes one that calls lstat(2) and records the answer, so
 * collection and judgement walk exactly the same components. */
typedef const struct snap_file *(*path_lookup_fn)(void *arg, const char *path);
int path_resolve(const char *path, path_lookup_fn lookup, void *arg, char **out,
    const char **why);

/* The file at a canonical path, following nothing. */
const struct snap_file *snap_stat(const struct snapshot *s, const char *canon);

const char *snap_ftype_name(enum snap_ftype t);
enum snap_ftype snap_ftype_from_name(const char *name);

/* "/a/b/c" -> "/a/b"; "/a" -> "/". Caller frees. */
char *path_dirname(const char *path);
/* Join and normalise "." and ".." lexically (no symlinks). Caller frees. */
char *path_join(const char *dir, const char *rel);

#endif
