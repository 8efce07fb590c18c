/* logclock.c - the time and program of an sshd log line, shared by the
 * readers of sshd's logs (authlog.c: one attempt's lines; usagelog.c: last
 * use of each key): syslog dates (no year, no zone: this machine's local
 * time, the year from "now"), RFC 3339 and journalctl short-iso, and the
 * program names sshd logs under. The previous line's minute is cached:
 * most lines of a log share it. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scanner/parse/logclock.h"
#include "scanner/util.h"

static int
is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

/* The number in the count digits at p[at], all of them before n. */
static int
num(const char *p, size_t n, size_t at, size_t count, int *v)
{
	int x = 0;

	if (at > n || count > n - at)
		return 0;
	for (size_t i = 0; i < count; i++) {
		if (!is_digit(p[at + i]))
			return 0;
		x = x * 10 + (p[at + i] - '0');
	}
	*v = x;
	return 1;
}

/* Are the n bytes (8 to 16) at a and b the same? Two overlapping words. */
static int
same(const char *a, const char *b, size_t n)
{
	uint64_t x, y, z, w;

	memcpy(&x, a, 8);
	memcpy(&y, b, 8);
	memcpy(&z, a + n - 8, 8);
	memcpy(&w, b + n - 8, 8);
	return ((x ^ y) | (z ^ w)) == 0;
}

void
log_clock_init(struct log_clock *c, int64_t now, int64_t (*zone)(int64_t))
{
	time_t tt;

	memset(c, 0, sizeof(*c));
	c->now = now;
	c->zone = zone;
	tt = (time_t)(now + (zone ? zone(now) : 0));
	if (gmtime_r(&tt, &c->now_tm) == NULL)
		memset(&c->now_tm, 0, sizeof(c->now_tm));
}

/* The start of an hour of a syslog date, in local time (syslog writes no
 * zone; the log is most likely this machine's). The year is now's, or the
 * one before when that would put the line in the future: a log read in
 * January still holds December. */
static int64_t
local_hour(struct log_clock *u, int mon, int mday, int hour)
{
	int64_t utc = 0, t = 0;

	if (u->tc_valid && u->tc_mon == mon && u->tc_mday == mday && u->tc_hour == hour)
		return u->tc_base;
	for (int back = 0; back < 2; back++) {
		utc = days_from_civil(u->now_tm.tm_year + 1900 - back, mon + 1, mday) *
		    86400 + hour * 3600;
		/* the offset where the result lands, not where the guess does */
		t = utc - (u->zone ? u->zone(utc) : 0);
		t = utc - (u->zone ? u->zone(t) : 0);
		if (t <= u->now + 2 * 86400)
			break;
	}
	u->tc_valid = 1;
	u->tc_mon = mon;
	u->tc_mday = mday;
	u->tc_hour = hour;
	u->tc_base = t;
	return t;
}

/* "Nov 24 08:35:32 " (day padded with a space), as syslog and journalctl
 * -o short write it: bytes used, or 0. */
size_t
log_clock_syslog(struct log_clock *u, const char *p, size_t n, int64_t *t)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int mon = -1, mday, hh, mm, ss;

	if (n < 16 || p[15] != ' ')
		return 0;
	if (u->sl_valid && same(p, u->sl_key, sizeof(u->sl_key)) &&
	    num(p, n, 13, 2, &ss) && ss <= 60) {
		*t = u->sl_base + ss;
		return 16;
	}
	if (p[3] != ' ' || p[6] != ' ' || p[9] != ':' || p[12] != ':')
		return 0;
	for (int i = 0; i < 12; i++)
		if (memcmp(p, months + 3 * i, 3) == 0)
			mon = i;
	if (mon < 0 || !num(p, n, p[4] == ' ' ? 5 : 4, p[4] == ' ' ? 1 : 2, &mday) ||
	    !num(p, n, 7, 2, &hh) || !num(p, n, 10, 2, &mm) || !num(p, n, 13, 2, &ss) ||
	    mday < 1 || mday > 31 || hh > 23 || mm > 59 || ss > 60)
		return 0;
	u->sl_base = local_hour(u, mon, mday, hh) + mm * 60;
	memcpy(u->sl_key, p, sizeof(u->sl_key));
	u->sl_valid = 1;
	*t = u->sl_base + ss;
	return 16;
}

/* RFC 3339 as rsyslog writes it ("2026-11-24T08:35:32.123456+00:00 ") or
 * journalctl -o short-iso ("2026-11-24T08:35:32+0000 "): bytes used, or 0. */
size_t
log_clock_iso(struct log_clock *u, const char *p, size_t n, int64_t *t)
{
	int y, mo, d, hh, mm, ss, oh = 0, om = 0, sign = 1;
	size_t i = 19, zone;

	if (n < 21)
		return 0;
	if (u->iso_valid && same(p, u->iso_key, 16) && p[16] == u->iso_key[16] &&
	    num(p, n, 17, 2, &ss) && ss <= 60) {
		if (p[i] == '.')
			for (i++; i < n && is_digit(p[i]); i++)
				;
		if (u->iso_zl < n - i && memcmp(p + i, u->iso_zone, u->iso_zl) == 0 &&
		    p[i + u->iso_zl] == ' ') {
			*t = u->iso_base + ss;
			return i + u->iso_zl + 1;
		}
		i = 19;
	}
	if (p[4] != '-' || p[7] != '-' || p[10] != 'T' || p[13] != ':' || p[16] != ':' ||
	    !num(p, n, 0, 4, &y) || !num(p, n, 5, 2, &mo) || !num(p, n, 8, 2, &d) ||
	    !num(p, n, 11, 2, &hh) || !num(p, n, 14, 2, &mm) || !num(p, n, 17, 2, &ss) ||
	    mo < 1 || mo > 12 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60)
		return 0;
	if (p[i] == '.')
		for (i++; i < n && is_digit(p[i]); i++)
			;
	zone = i;
	if (i < n && p[i] == 'Z')
		i++;
	else if (i < n && (p[i] == '+' || p[i] == '-')) {
		sign = p[i] == '-' ? -1 : 1;
		if (!num(p, n, i + 1, 2, &oh))
			return 0;
		i += 3;
		if (i < n && p[i] == ':')
			i++;
		if (!num(p, n, i, 2, &om) || oh > 23 || om > 59)
			return 0;
		i += 2;
	} else
		return 0;
	if (i >= n || p[i] != ' ')
		return 0;
	u->iso_base = days_from_civil(y, mo, d) * 86400 + hh * 3600 + mm * 60 -
	    sign * (oh * 3600 + om * 60);
	memcpy(u->iso_key, p, sizeof(u->iso_key));
	u->iso_zl = i - zone;
	memcpy(u->iso_zone, p + zone, u->iso_zl);
	u->iso_valid = 1;
	*t = u->iso_base + ss;
	return i + 1;
}

/* Program names sshd logs under: the listener, and since OpenSSH 9.8 the
 * per-connection sshd-session (10.0 adds sshd-auth). */
int
log_sshd_name(const char *p, size_t n)
{
	switch (n) {
	case 4:
		return memcmp(p, "sshd", 4) == 0;
	case 9:
		return memcmp(p, "sshd-auth", 9) == 0;
	case 12:
		return memcmp(p, "sshd-session", 12) == 0;
	}
	return 0;
}
