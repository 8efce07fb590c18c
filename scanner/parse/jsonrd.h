/* jsonrd.h - how the JSON readers (snapshot JSON, scan reports) fail: the
 * first failure is kept as one printable line, "FILE: PATH: what was
 * expected" (input is quoted in messages, so it is made printable once
 * here), and every later call keeps it. */
#ifndef KA_JSONRD_H
#define KA_JSONRD_H

struct json_rd {
	const char *name;	/* the file, or NULL */
	char *err;		/* the first failure, or NULL */
};

/* Records the failure at path (a JSON path or a field name) unless one is
 * recorded already. Always -1. */
int json_rd_fail(struct json_rd *r, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
