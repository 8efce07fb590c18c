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
#include "scanner/transport/transport.h"
#include "scanner/parse/snapjson.h"
#include "checks/check.h"

/* A finding's remedy as text (NULL when it has none); the strings live
 * until the test process ends, so assertions can compare them in place. */
static inline const char *
tu_fix(const struct ka_finding *f)
{
	static struct strlist keep;
	char *t = remedy_text(&f->remedy);

	if (t == NULL)
		return NULL;
	strlist_add_owned(&keep, t);
	return t;
}

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

/*
 * The hardening families (sshd settings that weaken the host, the files sshd
 * trusts, the client's ssh_config) judge OpenSSH's defaults too, so they
 * would add the same findings to every fixture. They run on their own
 * fixtures (named sshdpol-, policy-, files-, sshclient-); every other
 * fixture runs all the other checks.
 */
/* A regular file put into a snapshot made in memory (replacing what was
 * there at path). */
static inline void
tu_put_file(struct snapshot *s, const char *path, uint32_t mode, uint32_t uid,
    const char *content)
{
	struct snap_file *f = snap_file_add(s, path);

	free(f->content);
	f->type = SNAP_REG;
	f->mode = mode;
	f->uid = f->gid = uid;
	f->content = xstrdup(content);
	f->content_len = strlen(content);
	f->has_content = 1;
	f->size = (int64_t)f->content_len;
}

static inline int
tu_hardening_fixture(const char *path)
{
	static const char *const prefixes[] = { "sshdpol-", "policy-", "files-",
	    "sshclient-" };
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++)
		if (strncmp(base, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	return 0;
}

/* Every rule id except the hardening families' and the site rules, for
 * --checks. */
static inline void
tu_login_rules(struct strlist *only)
{
	const struct ka_check *hard[] = { &check_sshdpolicy, &check_sshfiles,
	    &check_sshclient };

	for (size_t i = 0; ka_checks[i] != NULL; i++) {
		int skip = 0;
		for (size_t h = 0; h < sizeof(hard) / sizeof(*hard); h++)
			skip |= ka_checks[i] == hard[h];
		for (size_t j = 0; !skip && j < ka_checks[i]->nrules; j++)
			if (!ka_checks[i]->rules[j]->opt_in)
				strlist_add(only, ka_checks[i]->rules[j]->id);
	}
}

/* Run the checks over the snapshot JSON at path: all of them on a
 * hardening fixture, the others elsewhere. */
static inline void
tu_scan_fixture(const char *path, struct ka_host_result *out)
{
	struct snapshot s;
	struct strlist only = { 0 };
	struct ka_options o = { 0 };

	if (!tu_hardening_fixture(path)) {
		tu_login_rules(&only);
		o.only = &only;
	}
	tu_load_snapshot(path, &s);
	host_result_init(out, s.target);
	engine_check_snapshot(&s, &o, out);
	snapshot_free(&s);
	strlist_free(&only);
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
