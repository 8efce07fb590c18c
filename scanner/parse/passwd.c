/* passwd.c - /etc/passwd, /etc/group and /etc/shadow parsed into snapshot
 * accounts. Pure functions over bytes. Malformed lines are skipped, as
 * getpwnam(3) skips them; the shadow hash is reduced to the two facts sshd
 * uses (locked, expiry) and never stored; the ageing fields pam_unix reads
 * are kept. */
#include <stdlib.h>
#include <string.h>

#include "scanner/parse/passwd.h"

/* Split one line into at most max fields on ':'; returns the field count. */
static size_t
split_fields(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;

	while (n < max) {
		f[n++] = p;
		if ((p = strchr(p, ':')) == NULL)
			break;
		*p++ = '\0';
	}
	return p == NULL ? n : max + 1;
}

static int
parse_id(const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (*end != '\0' || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* Calls fn for each line (without newline, NUL-terminated copy). */
static void
each_line(const char *data, size_t len, void (*fn)(char *line, void *arg), void *arg)
{
	size_t i = 0, lines = 0;

	while (i < len && lines < PASSWD_MAX_LINES) {
		const char *nl = memchr(data + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (data + i)) : len - i;
		char *line;

		if (n <= PASSWD_MAX_LINE && memchr(data + i, '\0', n) == NULL) {
			line = xstrndup(data + i, n);
			if (n > 0 && line[n - 1] == '\r')
				line[n - 1] = '\0';
			fn(line, arg);
			free(line);
		}
		i += n + 1;
		lines++;
	}
}

static void
passwd_line(char *line, void *arg)
{
	struct snapshot *s = arg;
	char *f[7];
	struct snap_account *a;
	uint32_t uid, gid;

	if (line[0] == '#' || line[0] == '+' || line[0] == '-' || line[0] == '\0')
		return;
	if (split_fields(line, f, 7) != 7 || f[0][0] == '\0')
		return;
	if (parse_id(f[2], &uid) || parse_id(f[3], &gid))
		return;
	if (snap_account_by_name(s, f[0]) != NULL)
		return;		/* getpwnam returns the first entry */
	s->accounts = xreallocarray(s->accounts, s->naccounts + 1, sizeof(*s->accounts));
	a = &s->accounts[s->naccounts++];
	memset(a, 0, sizeof(*a));
	a->name = xstrdup(f[0]);
	a->uid = uid;
	a->gid = gid;
	a->gecos = xstrdup(f[4]);
	a->home = xstrdup(f[5]);
	a->shell = xstrdup(f[6]);
	a->expire_day = a->lastchg_day = a->max_days = a->inact_days = -1;
}

void
passwd_parse(const char *data, size_t len, struct snapshot *s)
{
	each_line(data, len, passwd_line, s);
}

static void
group_line(char *line, void *arg)
{
	struct snapshot *s = arg;
	char *f[4], *m, *save = NULL;
	struct snap_group *g;
	uint32_t gid;

	if (line[0] == '#' || line[0] == '+' || line[0] == '-' || line[0] == '\0')
		return;
	if (split_fields(line, f, 4) != 4 || f[0][0] == '\0' || parse_id(f[2], &gid))
		return;
	if (snap_group_by_name(s, f[0]) != NULL)
		return;
	s->groups = xreallocarray(s->groups, s->ngroups + 1, sizeof(*s->groups));
	g = &s->groups[s->ngroups++];
	memset(g, 0, sizeof(*g));
	g->name = xstrdup(f[0]);
	g->gid = gid;
	for (m = strtok_r(f[3], ",", &save); m != NULL; m = strtok_r(NULL, ",", &save))
		if (*m != '\0' && g->members.n < PASSWD_MAX_MEMBERS)
			strlist_add(&g->members, m);
}

void
group_parse(const char *data, size_t len, struct snapshot *s)
{
	each_line(data, len, group_line, s);
}

/* A shadow day count: -1 when empty or not a number (as getspnam). */
static int64_t
shadow_days(const char *f)
{
	char *end;
	long long v;

	if (f[0] == '\0')
		return -1;
	v = strtoll(f, &end, 10);
	return *end == '\0' && v >= 0 && v < INT32_MAX ? v : -1;
}

static void
shadow_line(char *line, void *arg)
{
	struct snapshot *s = arg;
	struct snap_account *a;
	char *f[9];
	size_t n;

	if (line[0] == '#' || line[0] == '\0')
		return;
	n = split_fields(line, f, 9);
	if (n < 2)
		return;
	if ((a = (struct snap_account *)snap_account_by_name(s, f[0])) == NULL ||
	    a->shadow_known)
		return;
	a->shadow_known = 1;
	a->locked = f[1][0] == '!';
	a->expire_day = n >= 8 ? shadow_days(f[7]) : -1;
	a->lastchg_day = n >= 3 ? shadow_days(f[2]) : -1;
	a->max_days = n >= 5 ? shadow_days(f[4]) : -1;
	a->inact_days = n >= 7 ? shadow_days(f[6]) : -1;
}

void
shadow_apply(const char *data, size_t len, struct snapshot *s)
{
	each_line(data, len, shadow_line, s);
}
