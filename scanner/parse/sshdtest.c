/* sshdtest.c - the target's own sshd's words about its configuration
 * (sshd -t, sshd -G stderr) and its version on the wire against its binary
 * (see sshdtest.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/parse/sshdtest.h"
#include "scanner/util.h"

/* sshd's lines are short; anything longer is cut when shown. */
#define LINE_MAX_SHOWN 1024

/*
 * "FILE: line N: ..." (an unknown keyword, error()) or "FILE line N: ..."
 * (a bad value, fatal()): the file and line, when the line names them.
 * servconf.c has written both forms since before 7.4; the file may come
 * after a function name ("func: /etc/ssh/sshd_config line 3: ..."), so it
 * starts at the first '/'.
 */
static void
file_line(const char *s, size_t n, struct sshdtest_msg *m)
{
	for (size_t i = 0; i + 6 < n; i++) {
		size_t j = i + 6, k;
		long num = 0;

		if (memcmp(s + i, " line ", 6) != 0)
			continue;
		for (k = j; k < n && isdigit((unsigned char)s[k]) && k - j < 9; k++)
			num = num * 10 + (s[k] - '0');
		if (k == j || k >= n || s[k] != ':' || num <= 0)
			continue;
		{
			const char *slash = memchr(s, '/', i);
			size_t end = i;

			if (slash == NULL)
				return;
			if (end > 0 && s[end - 1] == ':')
				end--;
			if (end <= (size_t)(slash - s))
				return;
			m->file = xstrndup(slash, end - (size_t)(slash - s));
			m->line = num;
		}
		return;
	}
}

static int
terminating(const char *s, size_t n)
{
	const char *t = memmem(s, n, ": terminating, ", 15);

	return t != NULL && memmem(t, n - (size_t)(t - s), "bad configuration option",
	    24) != NULL;
}

size_t
sshdtest_parse(const char *err, struct sshdtest_msg *out, size_t max)
{
	const char *p = err;
	size_t n = 0, term = (size_t)-1;

	while (p != NULL && *p != '\0' && n < max) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		while (len > 0 && (p[len - 1] == '\r' || p[len - 1] == ' '))
			len--;
		if (len > 0) {
			struct sshdtest_msg *m = &out[n];

			memset(m, 0, sizeof(*m));
			file_line(p, len, m);
			m->text = str_printable(p, len < LINE_MAX_SHOWN ? len :
			    LINE_MAX_SHOWN);
			if (term == (size_t)-1 && terminating(p, len))
				term = n;
			n++;
		}
		p = nl ? nl + 1 : NULL;
	}
	/* "terminating, N bad configuration options" says what the lines
	 * before it said */
	if (term != (size_t)-1 && n > 1) {
		free(out[term].file);
		free(out[term].text);
		memmove(&out[term], &out[term + 1], (n - term - 1) * sizeof(*out));
		n--;
	}
	return n;
}

void
sshdtest_free(struct sshdtest_msg *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].file);
		free(m[i].text);
	}
}

int
sshdtest_environmental(const char *err)
{
	const char *p = err;

	if (err == NULL)
		return 0;
	while (*p == ' ' || *p == '\n')
		p++;
	return strncmp(p, "Missing privilege separation directory", 38) == 0;
}

/* The software version of a banner or version string: "OpenSSH_9.2p1"
 * into *w (its length *wn), the first comment word into *c (*cn, 0 for
 * none). -1 when it is not OpenSSH's. */
static int
split_version(const char *s, const char **w, size_t *wn, const char **c, size_t *cn)
{
	if (strncmp(s, "SSH-", 4) == 0) {
		const char *dash = strchr(s + 4, '-');

		if (dash == NULL)
			return -1;
		s = dash + 1;
	}
	if (strncmp(s, "OpenSSH_", 8) != 0 || !isdigit((unsigned char)s[8]))
		return -1;
	*w = s;
	*wn = strcspn(s, " \r\n");
	s += *wn;
	while (*s == ' ')
		s++;
	*c = s;
	*cn = strcspn(s, " \r\n");
	return 0;
}

int
sshdtest_version_differs(const char *banner, const char *binary)
{
	const char *bw, *bc, *vw, *vc, *bdash, *vdash;
	size_t bwn, bcn, vwn, vcn, short_n;

	if (banner == NULL || binary == NULL ||
	    split_version(banner, &bw, &bwn, &bc, &bcn) != 0 ||
	    split_version(binary, &vw, &vwn, &vc, &vcn) != 0)
		return -1;
	short_n = bwn < vwn ? bwn : vwn;
	if (memcmp(bw, vw, short_n) != 0)
		return 1;
	/* "OpenSSH_8.7" against "OpenSSH_8.7p1": the same, portable suffix
	 * dropped; "OpenSSH_9.2p1" against "OpenSSH_9.2p2" differ above */
	if (bwn != vwn && (bwn > vwn ? bw : vw)[short_n] != 'p')
		return 1;
	if (bcn == 0 || vcn == 0)
		return 0;
	bdash = memchr(bc, '-', bcn);
	vdash = memchr(vc, '-', vcn);
	if (bdash == NULL || vdash == NULL || bdash - bc != vdash - vc ||
	    memcmp(bc, vc, (size_t)(bdash - bc)) != 0)
		return 0;	/* not the same vendor's word: an addendum */
	return bcn != vcn || memcmp(bc, vc, bcn) != 0;
}
