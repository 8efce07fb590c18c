/* release.c - OpenSSH release numbers from version strings, and the tables
 * of what differs between releases (see release.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "scanner/parse/release.h"

/* Digits at *p as a number below limit, advancing *p; -1 when none. */
static int
number(const char **p, int limit)
{
	int n = 0;

	if (!isdigit((unsigned char)**p))
		return -1;
	while (isdigit((unsigned char)**p)) {
		n = n * 10 + (**p - '0');
		if (n >= limit)
			return -1;
		(*p)++;
	}
	return n;
}

int
release_parse(const char *s)
{
	const char *p;
	int major, minor;

	if (s == NULL)
		return 0;
	for (p = strstr(s, "OpenSSH_"); p != NULL; p = strstr(p + 1, "OpenSSH_")) {
		const char *q = p + 8;

		if ((major = number(&q, 100)) < 1 || *q++ != '.' ||
		    (minor = number(&q, 100)) < 0)
			continue;
		return REL(major, minor);
	}
	return 0;
}

const char *
release_str(int rel, char *buf, unsigned len)
{
	if (rel <= 0)
		snprintf(buf, len, "unknown");
	else
		snprintf(buf, len, "%d.%d", rel / 100, rel % 100);
	return buf;
}
