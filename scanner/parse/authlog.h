/* authlog.h - the lines of one login attempt picked out of an sshd log.
 * sshd tells why it refused a key only in its log, so diagnose shows those
 * lines next to what it saw from the client. Reads `sshd -E FILE` output
 * (no timestamps: lines are grouped by connection) and syslog or RFC 3339
 * lines (grouped by sshd pid within a time window), detected per line. */
#ifndef KA_AUTHLOG_H
#define KA_AUTHLOG_H

#include <stddef.h>
#include <stdint.h>

#include "scanner/util.h"

#define AUTHLOG_MAX_LINES	40
#define AUTHLOG_MAX_LINE	2048	/* longer lines are cut */

struct authlog_query {
	const char *user;	/* login name, or NULL */
	const char *addr;	/* client address as sshd logs it ("127.0.0.1"), or NULL */
	int port;		/* client source port, 0 unknown */
	const char *fp;		/* "SHA256:..." of the key, or NULL */
	int64_t since, until;	/* unix time window of the attempt; 0 = no bound */
	int64_t now;		/* for syslog lines without a year */
	int64_t (*zone)(int64_t);	/* their zone's UTC offset (NULL: UTC) */
};

/*
 * Appends (printable via str_printable, at most AUTHLOG_MAX_LINES, in file
 * order) the sshd lines of the attempt. Returns the number of lines added.
 * Never fails; garbage and binary input are skipped.
 *
 * The attempt is the last connection in the log (within since..until) from
 * addr+port; with port 0, the last one from addr whose lines name user and
 * fp (each when given). Its lines: those naming its client address and
 * port, those of the sshd processes that served it (syslog pids, the
 * "User child is on pid N" it announced), and in pid-less sshd -E output
 * the lines without an address that come just before one of its own.
 * Syslog lines without a zone are in local time. When the attempt has more
 * lines than the cap, sshd's debugN: lines are the first to go.
 */
size_t authlog_attempt(const char *data, size_t len,
    const struct authlog_query *q, struct strlist *out);

#endif
