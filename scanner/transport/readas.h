/* readas.h - read the files an account controls with that account's own
 * credentials, as sshd does (temporarily_use_uid before it opens
 * authorized_keys): a forked child drops to the account's uid, gid and
 * groups, opens each path non-blocking, keeps regular files only, and sends
 * the bytes back over a pipe; the parent bounds time and size. What comes
 * back is exactly what the account could read: a link to a root-only file,
 * or a directory swapped for such a link mid-scan, gives EACCES, never the
 * file's bytes. */
#ifndef KA_READAS_H
#define KA_READAS_H

#include <stddef.h>
#include <sys/types.h>

/* Seconds one account's reader may take before it is killed. */
#define READAS_SECONDS 10
/* Bytes of a private key's head judged by userkey_facts (as collector.sh). */
#define READAS_KEYHEAD 200

enum readas_kind {
	READAS_CONTENT,		/* the whole file, at most SNAP_CONTENT_LIMIT */
	READAS_KEYHEAD_BYTES,	/* its first READAS_KEYHEAD bytes */
};

struct readas_item {
	const char *path;	/* as on the target (inside the image with rootfd) */
	enum readas_kind kind;
	/* the answer: data (NUL-terminated, len bytes) or why, never both */
	char *data;
	size_t len;
	int truncated;
	char *why;
};

/* Who reads: with switch_to 0 the child keeps keyaudit's identity (keyaudit
 * is not root: it reads as itself). */
struct readas_cred {
	int switch_to;
	uid_t uid;
	gid_t gid;
	gid_t *groups;		/* supplementary groups, computed before fork */
	size_t ngroups;
};

/* Fill every item's answer. rootfd: -1, or --root DIR opened O_PATH (paths
 * then resolve inside it). Never fails as a whole: an item the reader did
 * not answer gets why. */
void readas_run(const struct readas_cred *c, int rootfd, struct readas_item *items,
    size_t n);
void readas_free(struct readas_item *items, size_t n);

/* The supplementary groups of an account, as initgroups(3) would set them
 * (getgrouplist: NSS included); at most 65536. */
gid_t *readas_grouplist(const char *name, gid_t gid, size_t *n);

#endif
