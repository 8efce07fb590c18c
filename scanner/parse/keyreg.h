/* keyreg.h - a site's key registry (--key-registry FILE): who owns each
 * authorized key and until when, as CSV. keys.unregistered reports keys no
 * entry claims and keys past their registered expiry; keys.old and the
 * inventory use the date a key was added. Parsing is pure; a bad file is an
 * input error naming FILE:LINE and what was expected. */
#ifndef KA_KEYREG_H
#define KA_KEYREG_H

#include <stddef.h>
#include <stdint.h>

#define KEYREG_FILE_MAX (64u * 1024 * 1024)	/* bigger: not a registry */
#define KEYREG_LINE_MAX 4096

struct keyreg_entry {
	char *fp;		/* "SHA256:" + 43 base64 characters */
	char *owner;		/* printable, may be "" */
	int64_t expires;	/* 00:00 UTC the day after the date (valid
				 * through that day); 0 never */
	int64_t added;		/* 00:00 UTC of the date; 0 unknown */
	long line;
};

struct keyreg {
	struct keyreg_entry *v;	/* sorted by fp */
	size_t n;
};

/* 0, or -1 with a one-line "NAME:LINE: what was expected" in *err. */
int keyreg_parse(const char *data, size_t len, const char *name, struct keyreg *out,
    char **err);

const struct keyreg_entry *keyreg_find(const struct keyreg *r, const char *fp);
void keyreg_free(struct keyreg *r);

#endif
