/* fuzz_knownhosts.c - libFuzzer target: any bytes as a known_hosts file.
 * The parser must never crash, hang or leak; and for names taken from the
 * input, kh_check (name index, HMAC midstates) must give the verdict a
 * brute-force walk over kh_line_matches gives, or the target aborts. */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/parse/knownhosts.h"
#include "checks/check.h"
#include "scanner/util.h"

#define A_B64 "AAAAC3NzaC1lZDI1NTE5AAAAIAeBt7LazlK6pTHjNZ+IFbsED09+3elf0MK5RlN8kv4H"
#define MAX_NAMES 12

/* ssh's loop for a plain key on port 22, written the slow, obvious way. */
static enum kh_status
oracle(const struct kh_db *db, const char *name, const char *fp, long *line)
{
	enum kh_status st = KH_NEW;

	*line = 0;
	for (size_t i = 0; i < kh_db_nlines(db); i++) {
		const struct kh_line *l = kh_db_line(db, i);

		if (l->marker != KH_MARK_NONE || !kh_line_matches(l, name))
			continue;
		*line = l->line;
		if (!l->is_cert && strcmp(l->fp, fp) == 0)
			return KH_OK;
		st = KH_CHANGED;
	}
	return st;
}

static int
revoked(const struct kh_db *db, const char *name, const char *fp, long *line)
{
	for (size_t i = 0; i < kh_db_nlines(db); i++) {
		const struct kh_line *l = kh_db_line(db, i);

		if (l->marker == KH_MARK_REVOKED && kh_line_matches(l, name) &&
		    strcmp(l->fp, fp) == 0) {
			*line = l->line;
			return 1;
		}
	}
	return 0;
}

/* The whole verdict for one looked-up name. */
static enum kh_status
full(const struct kh_db *db, const char *name, const char *fp, long *line)
{
	enum kh_status st = oracle(db, name, fp, line);
	long rline;

	if (revoked(db, name, fp, &rline)) {
		*line = rline;
		return KH_REVOKED;
	}
	return st;
}

/* Port 22 looks up the name; another port "[name]:port", and when that
 * knows nothing, the bare name for an exact match (or a revocation). */
static void
one(const struct kh_db *db, const char *name, int port,
    const unsigned char *blob, size_t len, const char *fp)
{
	struct kh_verdict v;
	enum kh_status want, bare;
	long wline, bline;
	char *lname = xstrdup(name), *lk;

	for (char *c = lname; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	lk = port == 22 ? xstrdup(lname) : xasprintf("[%s]:%d", lname, port);
	kh_check(db, name, port, NULL, blob, len, &v);
	if (v.error != NULL)
		abort();	/* the keys used here are always readable */
	want = full(db, lk, fp, &wline);
	if (want == KH_NEW && port != 22) {
		bare = full(db, lname, fp, &bline);
		if (bare == KH_OK || bare == KH_REVOKED) {
			want = bare;
			wline = bline;
		}
	}
	if (want == KH_NEW)
		wline = 0;
	if (v.status != want || v.line != wline) {
		fprintf(stderr, "kh_check '%s' port %d: %s line %ld, brute force "
		    "%s line %ld\n", name, port, kh_status_name(v.status), v.line,
		    kh_status_name(want), wline);
		abort();
	}
	kh_verdict_free(&v);
	free(lk);
	free(lname);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kh_db *db = kh_db_new();
	unsigned char a[64];
	long alen = base64_decode(A_B64, strlen(A_B64), a, sizeof(a));
	const char *afp = NULL;
	char *names[MAX_NAMES];
	size_t nn = 0;
	char *o;

	kh_db_add(db, "fuzz", (const char *)data, size);
	kh_db_set_time(db, 2000000000);
	for (size_t i = 0; i < kh_db_nerrors(db); i++)
		(void)kh_db_error_at(db, i);

	/* Names: the first name of each host field, as written and with its
	 * '!' and wildcards dropped; the keys: A and each line's own key. */
	names[nn++] = xstrdup("host.example");
	for (size_t i = 0; i < kh_db_nlines(db) && nn < MAX_NAMES; i++) {
		const struct kh_line *l = kh_db_line(db, i);
		char *n, *w;

		if (l->hosts == NULL || l->hashed)
			continue;
		n = xstrndup(l->hosts, strcspn(l->hosts, ","));
		for (char *r = w = n; *r; r++)
			if (*r != '!' && *r != '*' && *r != '?')
				*w++ = *r;
		*w = '\0';
		names[nn++] = n;
	}
	for (size_t i = 0; i < kh_db_nlines(db); i++) {
		const struct kh_line *l = kh_db_line(db, i);

		if (l->kind == KH_LINE_KEY && strcmp(l->keytype, "ssh-ed25519") == 0 &&
		    l->bloblen == (size_t)alen && memcmp(l->blob, a, (size_t)alen) == 0)
			afp = l->fp;
	}
	for (size_t j = 0; j < nn; j++) {
		if (afp != NULL) {
			one(db, names[j], 22, a, (size_t)alen, afp);
			one(db, names[j], 2222, a, (size_t)alen, afp);
		}
		for (size_t i = 0; i < kh_db_nlines(db) && i < 4; i++) {
			const struct kh_line *l = kh_db_line(db, i);

			if (l->kind == KH_LINE_KEY && !l->is_cert) {
				one(db, names[j], 22, l->blob, l->bloblen, l->fp);
				one(db, names[j], 2222, l->blob, l->bloblen, l->fp);
			}
		}
		/* certificates go through the rest of kh_check; only
		 * crashes count there */
		for (size_t i = 0; i < kh_db_nlines(db) && i < 4; i++) {
			const struct kh_line *l = kh_db_line(db, i);
			struct kh_verdict v;

			if (l->kind != KH_LINE_KEY)
				continue;
			kh_check(db, names[j], 2200, l->keytype, l->blob,
			    l->bloblen, &v);
			kh_verdict_free(&v);
		}
	}
	o = kh_order_hostkeyalgs(db, names[nn - 1], 2222,
	    "ssh-ed25519-cert-v01@openssh.com,ssh-ed25519,ecdsa-sha2-nistp256,"
	    "rsa-sha2-512,bogus,,ssh-rsa");
	free(o);
	/* The files' own findings (known-hosts): every finding names a line
	 * of the input. */
	{
		struct ka_host_result r;
		struct ka_options ko;
		struct strlist inv = { 0 };

		memset(&ko, 0, sizeof(ko));
		for (size_t j = 0; j < nn; j++)
			strlist_add(&inv, names[j]);
		host_result_init(&r, "known_hosts");
		hostkey_db_check(db, &inv, &ko, &r);
		for (size_t j = 0; j < r.nfindings; j++)
			if (r.findings[j].line < 1 || r.findings[j].path == NULL)
				abort();
		host_result_free(&r);
		strlist_free(&inv);
	}
	for (size_t j = 0; j < nn; j++)
		free(names[j]);
	kh_db_free(db);
	return 0;
}
