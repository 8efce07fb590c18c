/*
 * certtool.c - a test driver for the certificate and KRL parsers, so
 * tests/certparse/run.sh can hold them against ssh-keygen -L and -Q. Not a
 * user-facing command: it reads files directly and prints what the parsers
 * say.
 *
 *   certtool describe CERTFILE     cert_describe (exit 1: unreadable)
 *   certtool verify CERTFILE       "valid", "invalid: why" (exit 1),
 *                                  "uncheckable: why" (exit 2)
 *   certtool revoked KRL FILE...   per file "FILE: revoked: why" (exit 1
 *                                  if any is) or "FILE: ok"; a file is a
 *                                  certificate or a plain public key
 *   certtool krlinfo KRL           header facts and counts
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/parse/cert.h"
#include "scanner/parse/krl.h"
#include "scanner/util.h"

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char tmp[65536];
	size_t n;

	if (f == NULL) {
		perror(path);
		exit(3);
	}
	buf_init(&b);
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		buf_append(&b, tmp, n);
	fclose(f);
	*len = b.len;
	return buf_steal(&b);
}

static int
describe(const char *path)
{
	struct ssh_cert c;
	size_t len;
	char *text = slurp(path, &len), *err = NULL, *d;

	if (cert_parse_text(text, len, &c, &err) != 0) {
		fprintf(stderr, "%s: %s\n", path, err);
		free(err);
		free(text);
		return 1;
	}
	d = cert_describe(&c);
	fputs(d, stdout);
	free(d);
	cert_free(&c);
	free(text);
	return 0;
}

static int
verify(const char *path)
{
	struct ssh_cert c;
	size_t len;
	char *text = slurp(path, &len), *err = NULL;
	int rc;

	if (cert_parse_text(text, len, &c, &err) != 0) {
		printf("unreadable: %s\n", err);
		free(err);
		free(text);
		return 3;
	}
	rc = cert_verify(&c, &err);
	if (rc == 1)
		printf("valid\n");
	else if (rc == 0)
		printf("invalid: %s\n", err);
	else
		printf("uncheckable: %s\n", err);
	free(err);
	cert_free(&c);
	free(text);
	return rc == 1 ? 0 : rc == 0 ? 1 : 2;
}

/* A public key file's first key: "TYPE BASE64 ...". */
static unsigned char *
plain_blob(const char *text, size_t *len)
{
	const char *p = strchr(text, ' ');
	size_t n;
	unsigned char *blob;
	long r;

	if (p == NULL)
		return NULL;
	p++;
	n = strcspn(p, " \t\r\n");
	blob = xmalloc(n + 1);
	if ((r = base64_decode(p, n, blob, n + 1)) < 0) {
		free(blob);
		return NULL;
	}
	*len = (size_t)r;
	return blob;
}

static int
revoked(const char *krlpath, char **files, int n)
{
	size_t klen, len, blen;
	char *kdata = slurp(krlpath, &klen), *err = NULL, *why;
	struct krl *k = krl_parse((unsigned char *)kdata, klen, &err);
	int any = 0;

	if (k == NULL) {
		fprintf(stderr, "%s: %s\n", krlpath, err);
		free(err);
		free(kdata);
		return 3;
	}
	for (int i = 0; i < n; i++) {
		char *text = slurp(files[i], &len);
		struct ssh_cert c;
		unsigned char *blob;
		int r = 0;

		why = NULL;
		if (strstr(text, "-cert-v01@openssh.com ") == text ||
		    (strstr(text, "-cert-v01@openssh.com ") != NULL &&
		    strchr(text, ' ') > strstr(text, "-cert-v01@openssh.com"))) {
			if (cert_parse_text(text, len, &c, &err) != 0) {
				printf("%s: unreadable: %s\n", files[i], err);
				free(err);
				err = NULL;
				free(text);
				continue;
			}
			/* sshd checks the CA key on its own, then the
			 * certificate (and its key). */
			r = krl_key_revoked(k, c.ca_blob, c.ca_bloblen, &why);
			if (!r)
				r = krl_cert_revoked(k, &c, &why);
			cert_free(&c);
		} else if ((blob = plain_blob(text, &blen)) != NULL) {
			r = krl_key_revoked(k, blob, blen, &why);
			free(blob);
		} else {
			printf("%s: unreadable\n", files[i]);
			free(text);
			continue;
		}
		if (r) {
			printf("%s: revoked: %s\n", files[i], why);
			any = 1;
		} else
			printf("%s: ok\n", files[i]);
		free(why);
		free(text);
	}
	krl_free(k);
	free(kdata);
	return any;
}

static int
krlinfo(const char *path)
{
	size_t len;
	char *data = slurp(path, &len), *err = NULL;
	struct krl *k = krl_parse((unsigned char *)data, len, &err);
	struct krl_counts n;

	if (k == NULL) {
		printf("error: %s\n", err);
		free(err);
		free(data);
		return 1;
	}
	krl_counts(k, &n);
	printf("version %llu\ngenerated %llu\ncomment %s\n",
	    (unsigned long long)krl_version(k),
	    (unsigned long long)krl_generated(k), krl_comment(k));
	printf("serials %llu\nkey_ids %zu\nkeys %zu\nsha1 %zu\nsha256 %zu\n"
	    "cas %zu\n", (unsigned long long)n.serials, n.key_ids, n.keys,
	    n.sha1, n.sha256, n.cas);
	krl_free(k);
	free(data);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "describe") == 0)
		return describe(argv[2]);
	if (argc == 3 && strcmp(argv[1], "verify") == 0)
		return verify(argv[2]);
	if (argc >= 4 && strcmp(argv[1], "revoked") == 0)
		return revoked(argv[2], argv + 3, argc - 3);
	if (argc == 3 && strcmp(argv[1], "krlinfo") == 0)
		return krlinfo(argv[2]);
	fprintf(stderr, "usage: certtool describe|verify CERT | revoked KRL "
	    "FILE... | krlinfo KRL\n");
	return 3;
}
