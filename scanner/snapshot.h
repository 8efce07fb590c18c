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
};

struct snap_account {
	char *name;
	uint32_t uid, gid;
	char *gecos, *home, *shell;
	/* From the shadow file when it could be read; never the hash itself. */
	int shadow_known;
	int locked;		/* password field starts with '!' (Linux LOCKED_PASSWD_PREFIX) */
	int64_t expire_day;	/* shadow field 8, days since epoch, -1 = never */
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

/* What the ssh transport learnt on the wire, before and while logging in.
 * A check reads these; only the transport sets them. failure names the
 * stage that stopped the scan (NULL: the collector ran). */
struct snap_net {
	int probed;		/* an SSH connection was attempted */
	char *address;		/* the address connected to (or NULL) */
	int port;
	char *via;		/* "ProxyJump HOST" / "ProxyCommand ..." or NULL */
	char *failure;		/* resolve refused timeout no-banner not-ssh ssh1
				 * throttled kex-failed hostkey-unknown
				 * hostkey-changed hostkey-revoked no-publickey
				 * auth-failed collect-failed error, or NULL */
	char *error;		/* one printable line about the failure */
	int tries;		/* connection attempts made (throttling retries) */
	char *banner;		/* the server's identification line, printable */
	char *kex;		/* negotiated key exchange */
	char *hostkey_type;	/* e.g. "ssh-ed25519" */
	char *hostkey;		/* base64 blob of the host key */
	char *hostkey_fp;	/* "SHA256:..." */
	struct strlist hostkeys;	/* known-hosts: every key the host offers,
				 * one connection per algorithm as ssh-keyscan,
				 * as "type base64" lines */
	char *known_hosts;	/* "ok" "new" "changed" "revoked", NULL unchecked */
	char *known_hosts_where; /* "FILE:LINE" of the deciding entry */
	char *known_hosts_name;	/* the name looked up ("[h]:2222") */
	int auth_known;		/* auth_methods below came from a "none" request */
	struct strlist auth_methods;	/* as the server listed them */
	char *login_user;	/* who we logged in as */
	char *login_with;	/* "agent" or the identity file that worked */
	char *sudo;		/* --sudo: "ok" or "denied"; NULL without --sudo */
};

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

struct snapshot {
	/* identity */
	char *target;		/* as the user named it: "local", "web1", ... */
	char *hostname;
	char *transport;	/* "local", "ssh", "file" */
	int64_t collected_at;	/* unix time; checks use it as "now" */
	char *root;		/* --root DIR, or NULL */
	char *sshd_version;	/* `sshd -V` first line, or NULL */
	char *sshd_config_path;	/* the main file, as sshd would read it */
	int privileged;		/* collector could read root-only files */

	/* accounts */
	struct snap_account *accounts;
	size_t naccounts;
	struct snap_group *groups;
	size_t ngroups;
	int accounts_known;	/* passwd was readable */

	struct strlist users;	/* accounts being audited, in order */
	char *client_user;	/* whose client side (~/.ssh/id_*) was read, or NULL */

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

	/* sshd's logs, newest source first; asked: they were looked for. */
	int authlogs_asked;
	struct snap_authlog *authlogs;
	size_t nauthlogs;

	struct snap_net net;
	int net_only;		/* the ssh transport stopped before collecting:
				 * only the net facts are known */
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
/* Adds (or returns the existing) entry for path; the caller fills it. */
struct snap_file *snap_file_add(struct snapshot *s, const char *path);

const struct snap_account *snap_account_by_name(const struct snapshot *s, const char *name);
const struct snap_account *snap_account_by_uid(const struct snapshot *s, uint32_t uid);
const struct snap_group *snap_group_by_gid(const struct snapshot *s, uint32_t gid);
const struct snap_group *snap_group_by_name(const struct snapshot *s, const char *name);
const struct snap_sshd_t *snap_sshd_t_for(const struct snapshot *s, const char *user);
const struct snap_glob *snap_glob_get(const struct snapshot *s, const char *pattern);
struct snap_glob *snap_glob_add(struct snapshot *s, const char *pattern);

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
