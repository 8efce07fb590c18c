/* usagelog.h - when each authorized key last logged in, read from sshd's
 * logs, for the `keyaudit keys` inventory: a key nobody has used for a year
 * is one to remove. Reads syslog and RFC 3339 files, journalctl -o short and
 * short-iso output and `sshd -E` files (no time), plain or gzip, detected
 * per line and per file; counts only sshd's own "Accepted publickey" lines
 * and takes the authorized_keys FILE:LINE from the "Accepted key ... found
 * at" line that LogLevel VERBOSE adds just before. */
#ifndef KA_USAGELOG_H
#define KA_USAGELOG_H

#include <stddef.h>
#include <stdint.h>

#define USAGELOG_MAX_LINE	8192	/* longer lines are skipped */
#define USAGELOG_MAX_KEYS	1000000	/* distinct (user, fingerprint) kept */

/* One (user, fingerprint): every accepted login with that key, aggregated. */
struct key_use {
	char *user;		/* printable */
	const char *fp;		/* "SHA256:..." as logged */
	char *type;		/* as logged: "ED25519", "RSA", "ED25519-CERT" ... */
	int64_t last;		/* unix time of the last accepted login, 0 unknown */
	char *last_addr;	/* where that login came from */
	unsigned long count;	/* accepted logins */
	char *file;		/* authorized_keys FILE of the last login when */
	long line;		/* VERBOSE said so ("found at FILE:LINE"), else NULL/0 */
	int cert;		/* a certificate: fp is its key's (the CA's before
				 * OpenSSH 8.2, which logged no other) and file:line
				 * the cert-authority line that trusted it */
};

struct usagelog;

/* now: the time the logs are read at, for syslog dates without a year;
 * 0 = time(NULL). Syslog dates without a zone are in local time. */
struct usagelog *usagelog_new(int64_t now);

/* Any amount of data: lines may be split across calls (the tail is kept
 * until its newline). Memory stays bounded: a line longer than
 * USAGELOG_MAX_LINE is skipped, and past USAGELOG_MAX_KEYS distinct
 * (user, fp) new ones are only counted (usagelog_dropped). The data need
 * not end in a NUL. */
void usagelog_feed(struct usagelog *u, const char *data, size_t len);
/* The end of the data: the last line even without a newline. */
void usagelog_end(struct usagelog *u);
/* A line ends here whatever follows (a file's start or end); keep: 0 drops
 * the unfinished line instead (a file that could not be read whole). */
void usagelog_break(struct usagelog *u, int keep);


/* The keys, sorted by user then fingerprint (strcmp), valid until the next
 * feed or free. */
size_t usagelog_count(const struct usagelog *u);
const struct key_use *usagelog_at(const struct usagelog *u, size_t i);

/* The logins of user with the key fp, or NULL (a binary search). */
const struct key_use *usagelog_find(const struct usagelog *u, const char *user,
    const char *fp);

/* The time the logs cover: the earliest and latest timestamp of any line
 * (0 when none had one), the lines read, and the accepted publickey logins
 * among them. */
void usagelog_window(const struct usagelog *u, int64_t *first, int64_t *last,
    unsigned long *lines, unsigned long *accepted);
/* Accepted logins not kept because the table was full. */
unsigned long usagelog_dropped(const struct usagelog *u);
/* Fewer keys than USAGELOG_MAX_KEYS (a caller's budget; the tests). */
void usagelog_set_max_keys(struct usagelog *u, size_t max);

void usagelog_free(struct usagelog *u);

/* Did the login u describes go through this key line? VERBOSE logs name the
 * file:line, and then only that line was used (a key may be listed twice);
 * INFO logs name only the key. NULL: no login (or u NULL). */
const struct key_use *key_line_use(const struct usagelog *u, const char *user,
    const char *fp, const char *path, long line);

/* The zone syslog lines without one were written in (log_clock_init):
 * by default UTC; the engine sets the local zone's. */
void usagelog_set_zone(struct usagelog *u, int64_t (*zone)(int64_t));

#endif
