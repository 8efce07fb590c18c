/* logclock.h - the time and program of an sshd log line (see logclock.c). */
#ifndef KA_LOGCLOCK_H
#define KA_LOGCLOCK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct log_clock {
	int64_t now;
	int64_t (*zone)(int64_t);
	struct tm now_tm;
	/* the minute of the last syslog line, and of the last RFC 3339 one */
	int sl_valid;
	char sl_key[13];
	int64_t sl_base;
	int iso_valid;
	char iso_key[17], iso_zone[8];
	size_t iso_zl;
	int64_t iso_base;
	/* the last local hour converted */
	int tc_valid, tc_mon, tc_mday, tc_hour;
	int64_t tc_base;
};

/* now: when the log is read, for syslog dates without a year (a log read
 * in January still holds December). zone: the offset from UTC at a time of
 * the zone syslog wrote in (the caller's: a parser reads no clock and no
 * TZ), NULL for UTC. */
void log_clock_init(struct log_clock *c, int64_t now, int64_t (*zone)(int64_t));
/* "Nov 24 08:35:32 " (day padded with a space), as syslog and journalctl
 * -o short write it: bytes used (16), or 0. */
size_t log_clock_syslog(struct log_clock *c, const char *p, size_t n, int64_t *t);
/* RFC 3339 as rsyslog writes it ("2026-11-24T08:35:32.123456+00:00 ") or
 * journalctl -o short-iso ("2026-11-24T08:35:32+0000 "): bytes used, or 0.
 * The time may be before 1970 (negative): callers decide. */
size_t log_clock_iso(struct log_clock *c, const char *p, size_t n, int64_t *t);
/* Is NAME a program sshd logs under (sshd, sshd-session, sshd-auth)? */
int log_sshd_name(const char *p, size_t n);

#endif
