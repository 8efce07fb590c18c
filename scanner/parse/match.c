/* match.c - OpenSSH's pattern language, reimplemented from its documented
 * behaviour (match.c, addrmatch.c in openssh-portable): `*` and `?`
 * wildcards, comma lists where a matching `!pattern` vetoes, address lists
 * mixing CIDR blocks and wildcards, and AllowUsers/DenyUsers entries.
 *
 * Everything here is pure and bounded: the wildcard matcher backtracks to
 * the last star only, so it runs in O(len(s) * len(pattern)) where the
 * recursive original can go exponential on patterns like "*a*a*a*a*b". */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/parse/match.h"
#include "scanner/util.h"

/* Longest single pattern of a list (its buffer is 1024 bytes and a pattern
 * that fills it fails); OpenSSH gives up (no match) beyond it. */
#define SUBPATTERN_MAX 1022

int
match_pattern(const char *s, const char *pattern)
{
	const char *p = pattern, *star = NULL, *resume = NULL;

	while (*s != '\0') {
		if (*p == '*') {
			/* Remember where to retry if what follows fails. */
			star = p++;
			resume = s;
		} else if (*p != '\0' && (*p == '?' || *p == *s)) {
			p++;
			s++;
		} else if (star != NULL) {
			/* Let the last star swallow one more character. */
			p = star + 1;
			s = ++resume;
		} else
			return 0;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

int
match_pattern_list(const char *s, const char *list, int dolower)
{
	char sub[SUBPATTERN_MAX + 2];
	char *ls = NULL;
	const char *p = list, *subject = s;
	size_t n;
	int negated, positive = 0, ret;

	if (dolower) {
		ls = xstrdup(s);
		for (char *c = ls; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		subject = ls;
	}
	while (*p != '\0') {
		negated = *p == '!';
		if (negated)
			p++;
		for (n = 0; p[n] != '\0' && p[n] != ','; n++) {
			if (n >= SUBPATTERN_MAX) {
				ret = 0;	/* as OpenSSH: an overlong pattern fails all */
				goto out;
			}
			sub[n] = dolower ? (char)tolower((unsigned char)p[n]) : p[n];
		}
		sub[n] = '\0';
		p += n;
		if (*p == ',')
			p++;
		if (match_pattern(subject, sub)) {
			if (negated) {
				ret = -1;
				goto out;
			}
			positive = 1;
		}
	}
	ret = positive;
out:
	free(ls);
	return ret;
}

/* An address as addrmatch.c keeps it: family, bytes, IPv6 scope. */
struct xaddr {
	int af;
	unsigned char a[16];
	uint32_t scope;
};

/*
 * IPv4 in the inet_aton(3) forms glibc's getaddrinfo(AI_NUMERICHOST)
 * accepts: one to four parts, each decimal, 0-octal or 0x-hex, the last
 * filling the remaining bytes ("127.1" is 127.0.0.1). Nothing may follow.
 */
static int
parse_ipv4(const char *s, unsigned char out[4])
{
	uint64_t part[4];
	int nparts = 0;
	const char *p = s;

	for (;;) {
		uint64_t v = 0;
		int base = 10;

		if (!isdigit((unsigned char)*p))
			return -1;
		if (*p == '0') {
			p++;
			/* "0x" needs a hex digit after it, else it is "0" and
			 * an 'x' that does not belong. */
			if ((*p == 'x' || *p == 'X') && isxdigit((unsigned char)p[1])) {
				base = 16;
				p++;
			} else
				base = 8;
		}
		for (;; p++) {
			int d;

			if (isdigit((unsigned char)*p))
				d = *p - '0';
			else if (base == 16 && isxdigit((unsigned char)*p))
				d = tolower((unsigned char)*p) - 'a' + 10;
			else
				break;
			if (d >= base)
				return -1;
			v = v * (uint64_t)base + (uint64_t)d;
			if (v > 0xffffffffULL)
				return -1;
		}
		if (nparts >= 4)
			return -1;
		part[nparts++] = v;
		if (*p == '.') {
			p++;
			continue;
		}
		if (*p != '\0')
			return -1;
		break;
	}
	{
		uint64_t val = part[nparts - 1];
		static const uint64_t lastmax[] = { 0xffffffffULL, 0xffffffULL,
		    0xffffULL, 0xffULL };

		if (val > lastmax[nparts - 1])
			return -1;
		for (int i = 0; i < nparts - 1; i++) {
			if (part[i] > 0xff)
				return -1;
			val |= part[i] << (24 - 8 * i);
		}
		out[0] = (unsigned char)(val >> 24);
		out[1] = (unsigned char)(val >> 16);
		out[2] = (unsigned char)(val >> 8);
		out[3] = (unsigned char)val;
	}
	return 0;
}

/* Numeric address, IPv4 or IPv6 with an optional numeric %scope. Interface
 * names as scopes are not resolved (that would be I/O). */
static int
addr_parse(const char *s, struct xaddr *x)
{
	char buf[64];
	const char *pct;
	size_t n = strlen(s);

	memset(x, 0, sizeof(*x));
	if (n == 0 || n >= sizeof(buf))
		return -1;
	if (parse_ipv4(s, x->a) == 0) {
		x->af = AF_INET;
		return 0;
	}
	memcpy(buf, s, n + 1);
	if ((pct = strchr(s, '%')) != NULL) {
		char *end;
		unsigned long sc;

		buf[pct - s] = '\0';
		if (!isdigit((unsigned char)pct[1]))
			return -1;
		sc = strtoul(pct + 1, &end, 10);
		if (*end != '\0' || sc > 0xffffffffUL)
			return -1;
		x->scope = (uint32_t)sc;
	}
	if (inet_pton(AF_INET6, buf, x->a) != 1)
		return -1;
	x->af = AF_INET6;
	return 0;
}

/* "addr[/len]": 0 ok, -1 not an address (try it as a wildcard), -2 an
 * address with a bad mask or host bits set (an error in the list). */
static int
cidr_parse(const char *s, struct xaddr *x, unsigned *masklen)
{
	char buf[64];
	char *slash, *end;
	unsigned long ml = 0;
	size_t n = strlen(s);
	unsigned max, full, i;

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n + 1);
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash++ = '\0';
		if (*slash < '0' || *slash > '9')
			return -1;
		ml = strtoul(slash, &end, 10);
		if (*end != '\0' || ml > 128)
			return -1;
	}
	if (addr_parse(buf, x) != 0)
		return -1;
	max = x->af == AF_INET ? 32 : 128;
	if (slash == NULL)
		ml = max;
	if (ml > max)
		return -2;
	/* Every bit after the mask must be clear. */
	full = x->af == AF_INET ? 4 : 16;
	for (i = 0; i < full * 8; i++) {
		if (i < ml)
			continue;
		if (x->a[i / 8] & (0x80 >> (i % 8)))
			return -2;
	}
	*masklen = (unsigned)ml;
	return 0;
}

static int
net_contains(const struct xaddr *host, const struct xaddr *net, unsigned masklen)
{
	unsigned i;

	if (host->af != net->af)
		return 0;
	for (i = 0; i < masklen; i++) {
		unsigned char bit = 0x80 >> (i % 8);
		if ((host->a[i / 8] & bit) != (net->a[i / 8] & bit))
			return 0;
	}
	/* The IPv6 scope takes no part (as observed with OpenSSH 9.2). */
	return 1;
}

int
match_addr_list(const char *addr, const char *list)
{
	struct xaddr try, net;
	const char *p = list;
	char *item;
	unsigned masklen;
	int ret = 0;

	if (addr != NULL && addr_parse(addr, &try) != 0)
		return 0;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		int neg = 0, found = 0, r;

		item = xstrndup(p, n);
		if (item[0] == '!')
			neg = 1;
		if (item[neg] == '\0') {
			free(item);
			return -2;
		}
		r = cidr_parse(item + neg, &net, &masklen);
		if (r == -2) {
			free(item);
			return -2;
		}
		if (addr != NULL) {
			if (r == 0)
				found = net_contains(&try, &net, masklen);
			else
				found = match_pattern(addr, item + neg);
		}
		free(item);
		if (found) {
			if (neg)
				return -1;
			ret = 1;
		}
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	return ret;
}

/* Characters addr_match_cidr_list lets through to the address parser. */
#define CIDR_CHARS	"0123456789abcdefABCDEF.:/"
/* INET6_ADDRSTRLEN + 3: the longest entry it reads. */
#define CIDR_ENTRY_MAX	(46 + 3)

int
match_cidr_list(const char *addr, const char *list)
{
	struct xaddr try, net;
	const char *p = list;
	unsigned masklen;
	int ret = 0, r;

	if (addr != NULL && addr_parse(addr, &try) != 0)
		return 0;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char *item;

		if (n == 0 || n > CIDR_ENTRY_MAX)
			return -1;
		item = xstrndup(p, n);
		/* sshd notes bad characters and reads on: a later entry
		 * that matches still decides (addr_match_cidr_list) */
		if (strspn(item, CIDR_CHARS) != n)
			ret = -1;
		r = cidr_parse(item, &net, &masklen);
		free(item);
		if (r != 0)
			return -1;
		if (addr != NULL && net_contains(&try, &net, masklen))
			ret = 1;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	return ret;
}

int
match_user_entry(const char *user, const char *host, const char *addr,
    const char *pattern)
{
	const char *at = strchr(pattern, '@');
	char *upat;
	int ok, mip, mhost;

	if (user == NULL)
		return 0;
	if (at == NULL)
		return match_pattern(user, pattern);
	upat = xstrndup(pattern, (size_t)(at - pattern));
	ok = match_pattern(user, upat);
	free(upat);
	if (!ok)
		return 0;
	/* With UseDNS no (the default) sshd's "host" is the address. */
	if (host == NULL)
		host = addr;
	if (host == NULL || addr == NULL)
		return 0;
	mip = match_addr_list(addr, at + 1);
	if (mip == -2 || mip == -1)
		return 0;
	mhost = match_pattern_list(host, at + 1, 1);
	if (mhost == -1)
		return 0;
	return mhost == 1 || mip == 1;
}
