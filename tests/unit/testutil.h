/* testutil.h - helpers shared by the cmocka unit tests: read fixtures, run
 * the engine over a snapshot, look findings up. Header-only so each test is
 * one file. */
#ifndef KA_TESTUTIL_H
#define KA_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "scanner/engine.h"
#include "scanner/snapshot.h"
#include "scanner/transport.h"

/* Tests run from the repository root (make does that). */
static inline char *
tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char tmp[65536];
	size_t n;

	if (f == NULL)
		fail_msg("cannot open fixture %s", path);
	buf_init(&b);
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		buf_append(&b, tmp, n);
	fclose(f);
	if (len)
		*len = b.len;
	return buf_steal(&b);
}

static inline void
tu_load_snapshot(const char *path, struct snapshot *s)
{
	size_t len;
	char *text = tu_read_file(path, &len), *err = NULL;

	snapshot_init(s);
	if (snapshot_from_json(text, len, path, s, &err) != 0)
		fail_msg("%s: %s", path, err);
	free(text);
}

/* Run every check over the snapshot JSON at path. */
static inline void
tu_scan_fixture(const char *path, struct ka_host_result *out)
{
	struct snapshot s;
	struct ka_options o = { 0 };

	tu_load_snapshot(path, &s);
	host_result_init(out, s.target);
	engine_check_snapshot(&s, &o, out);
	snapshot_free(&s);
}

/* First finding with this check id (and user/path when not NULL). */
static inline const struct ka_finding *
tu_find(const struct ka_host_result *r, const char *check, const char *user,
    const char *path)
{
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct ka_finding *f = &r->findings[i];
		if (strcmp(f->rule->id, check) != 0)
			continue;
		if (user && (!f->user || strcmp(f->user, user) != 0))
			continue;
		if (path && (!f->path || strcmp(f->path, path) != 0))
			continue;
		return f;
	}
	return NULL;
}

static inline size_t
tu_count(const struct ka_host_result *r, const char *check)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nfindings; i++)
		if (check == NULL || strcmp(r->findings[i].rule->id, check) == 0)
			n++;
	return n;
}

static inline void
tu_dump(const struct ka_host_result *r)
{
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct ka_finding *f = &r->findings[i];
		fprintf(stderr, "  %s user=%s path=%s line=%ld blocks=%d: %s\n",
		    f->rule->id, f->user ? f->user : "-", f->path ? f->path : "-",
		    f->line, f->blocks_login, f->message);
	}
}

#endif
