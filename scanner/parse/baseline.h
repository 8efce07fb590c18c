/* baseline.h - accepted findings (--baseline FILE, --write-baseline FILE):
 * a CI gate that fails on what is new, not on what a team already decided
 * to live with. An entry names a finding by its stable identity (check,
 * host, user, path, key fingerprint: finding_identity, never the message),
 * says why it was accepted and, optionally, until when. A baselined finding
 * is still reported, marked, and does not fail the gate; past its expiry it
 * fails again; an entry nothing matched is listed as stale. */
#ifndef KA_BASELINE_H
#define KA_BASELINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scanner/finding.h"

#define BASELINE_FILE_MAX (64u * 1024 * 1024)

struct baseline_entry {
	char id[65];
	char *check, *host, *user, *path, *key_fp;	/* user..key_fp may be NULL */
	char *reason;
	int64_t expires;	/* 00:00 UTC after the day given; 0 never */
	int used;		/* matched a finding of this run */
};

struct baseline {
	struct baseline_entry *v;	/* sorted by id */
	size_t n;
};

/* 0, or -1 with a one-line "NAME: what was expected" (with the JSON line
 * where the parser knows it) in *err. */
int baseline_parse(const char *data, size_t len, const char *name, struct baseline *out,
    char **err);
void baseline_free(struct baseline *b);

/* Mark h's findings that an entry accepts (until now): f->baselined. An
 * entry past its expiry leaves the finding failing, with
 * f->baseline_expired set. */
void baseline_apply(struct baseline *b, struct ka_host_result *h, int64_t now);

/* Entries no finding matched, as "check host user path: reason" lines. */
void baseline_stale(const struct baseline *b, struct strlist *out);

/* A baseline accepting every finding of the results given, keeping the
 * reason and expiry of entries old already has (old may be NULL). */
struct baseline_writer;
struct baseline_writer *baseline_writer_new(const struct baseline *old, int64_t now);
void baseline_writer_add(struct baseline_writer *w, const struct ka_host_result *h);
/* Writes the JSON document (out NULL: only frees); 0, or -1 when writing
 * failed. Frees w. */
int baseline_writer_finish(struct baseline_writer *w, FILE *out);

#endif
