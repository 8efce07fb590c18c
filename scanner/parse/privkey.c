/* privkey.c - what keyaudit may know about a private key without keeping
 * it: its container format, whether a passphrase protects it, and (for the
 * OpenSSH format, which stores the public half in clear) the key type and
 * fingerprint. Also the redaction that keeps pasted private keys out of
 * every snapshot. Pure functions over bytes; decoded bytes are wiped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/util.h"
#include "scanner/parse/privkey.h"
#include "scanner/parse/sshbuf.h"

/* Base64 characters of the OpenSSH container decoded at most: the header
 * and public key come first and fit easily (a 16384-bit RSA public key is
 * about 2 KiB), so the private section need not be decoded at all. */
#define PK_B64_PREFIX 16384

#define OPENSSH_BEGIN "-----BEGIN OPENSSH PRIVATE KEY-----"
#define OPENSSH_END "-----END OPENSSH PRIVATE KEY-----"
#define OPENSSH_MAGIC "openssh-key-v1"	/* followed by one NUL */

/* Offset of needle in [h, h + hlen), or -1. */
static long
mem_find(const char *h, size_t hlen, const char *needle)
{
	size_t nlen = strlen(needle);

	if (nlen == 0)
		return 0;
	for (size_t i = 0; i + nlen <= hlen; i++)
		if (h[i] == needle[0] && memcmp(h + i, needle, nlen) == 0)
			return (long)i;
	return -1;
}

static int
mem_starts(const char *s, size_t n, const char *prefix)
{
	size_t plen = strlen(prefix);

	return n >= plen && memcmp(s, prefix, plen) == 0;
}

/* Line iterator: sets line and n (without the newline or a trailing CR) and
 * returns the offset of the next line, or len when this was the last. */
static size_t
next_line(const char *data, size_t len, size_t off, const char **line, size_t *n)
{
	const char *eol = memchr(data + off, '\n', len - off);
	size_t end = eol ? (size_t)(eol - data) : len;

	*line = data + off;
	*n = end - off;
	if (*n > 0 && (*line)[*n - 1] == '\r')
		(*n)--;
	return eol ? end + 1 : len;
}

static int
is_b64(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
}

/* A key type name as it appears in a blob: short and plain, or not one. */
static char *
type_name(const unsigned char *s, size_t n)
{
	if (n == 0 || n > 64)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '@' || c == '.' || c == '_'))
			return NULL;
	}
	return xstrndup((const char *)s, n);
}

/*
 * The OpenSSH container (PROTOCOL.key): "openssh-key-v1\0", string
 * ciphername, string kdfname, string kdfoptions, uint32 number of keys, then
 * each public key blob, then the (possibly encrypted) private section.
 */
static void
openssh_facts(const char *data, size_t len, int *encrypted, char **pub_type,
    char **pub_fp, unsigned char **pub_blob, size_t *pub_bloblen)
{
	struct buf b64;
	unsigned char *bin = NULL;
	const unsigned char *s, *blob;
	size_t off, n, cap = 0, slen, bloblen;
	const char *line;
	long dlen;
	struct sshbuf r, kb;
	uint32_t nkeys;
	int bad = 0;

	/* Reserved once, so no realloc leaves a copy of key bytes behind. */
	buf_init(&b64);
	buf_reserve(&b64, PK_B64_PREFIX);
	off = next_line(data, len, 0, &line, &n);	/* the BEGIN line */
	while (off < len && b64.len < PK_B64_PREFIX) {
		off = next_line(data, len, off, &line, &n);
		if (mem_starts(line, n, OPENSSH_END))
			break;
		for (size_t i = 0; i < n && b64.len < PK_B64_PREFIX; i++) {
			unsigned char c = (unsigned char)line[i];
			if (c == ' ' || c == '\t')
				continue;
			if (!is_b64(c)) {
				bad = 1;
				break;
			}
			buf_putc(&b64, c);
		}
		if (bad)
			break;
	}
	if (bad || b64.len < 4)
		goto out;
	/* Decode whole quanta only: a prefix cut mid-quantum is not base64. */
	if (b64.len >= PK_B64_PREFIX)
		b64.len -= b64.len % 4;
	cap = (b64.len / 4) * 3 + 3;
	bin = xmalloc(cap);
	if ((dlen = base64_decode(b64.data, b64.len, bin, cap)) < 0)
		goto out;
	if ((size_t)dlen < sizeof(OPENSSH_MAGIC) ||
	    memcmp(bin, OPENSSH_MAGIC, sizeof(OPENSSH_MAGIC)) != 0)
		goto out;
	sshbuf_init(&r, bin, (size_t)dlen);
	if (sshbuf_skip(&r, sizeof(OPENSSH_MAGIC)) != 0 ||
	    sshbuf_get_string(&r, &s, &slen) != 0)	/* ciphername */
		goto out;
	*encrypted = !(slen == 4 && memcmp(s, "none", 4) == 0);
	if (sshbuf_get_string(&r, &s, &slen) != 0 ||	/* kdfname */
	    sshbuf_get_string(&r, &s, &slen) != 0 ||	/* kdfoptions */
	    sshbuf_get_u32(&r, &nkeys) != 0 || nkeys == 0 ||
	    sshbuf_get_string(&r, &blob, &bloblen) != 0)
		goto out;
	sshbuf_init(&kb, blob, bloblen);
	if (sshbuf_get_string(&kb, &s, &slen) != 0 ||
	    (*pub_type = type_name(s, slen)) == NULL)
		goto out;
	*pub_fp = fingerprint_sha256(blob, bloblen);
	if (pub_blob != NULL) {
		*pub_blob = xmalloc(bloblen);
		memcpy(*pub_blob, blob, bloblen);
		*pub_bloblen = bloblen;
	}
 out:
	if (bin != NULL) {
		explicit_bzero(bin, cap);
		free(bin);
	}
	if (b64.data != NULL)
		explicit_bzero(b64.data, b64.cap);
	buf_free(&b64);
}

/* Is [line, line + n) exactly the BEGIN line of this PEM label? */
static int
pem_label(const char *line, size_t n, const char *label)
{
	char want[64];
	size_t wl;

	wl = (size_t)snprintf(want, sizeof(want), "-----BEGIN %s-----", label);
	return n == wl && memcmp(line, want, wl) == 0;
}

void
privkey_facts(const char *data, size_t len, char **format, int *encrypted,
    char **pub_type, char **pub_fp)
{
	const char *line;
	size_t off, n;

	*format = NULL;
	*encrypted = -1;
	*pub_type = NULL;
	*pub_fp = NULL;

	/* ssh reads its own format only when the file starts with the
	 * marker (sshkey.c private2_uudecode); anything else goes to
	 * OpenSSL's PEM reader, which skips text before a BEGIN line. */
	if (mem_starts(data, len, OPENSSH_BEGIN)) {
		*format = xstrdup("openssh");
		openssh_facts(data, len, encrypted, pub_type, pub_fp, NULL, NULL);
		return;
	}
	for (off = 0; off < len; ) {
		off = next_line(data, len, off, &line, &n);
		if (pem_label(line, n, "RSA PRIVATE KEY") ||
		    pem_label(line, n, "DSA PRIVATE KEY") ||
		    pem_label(line, n, "EC PRIVATE KEY")) {
			*format = xstrdup("pem");
			if (line[11] == 'R')
				*pub_type = xstrdup("ssh-rsa");
			else if (line[11] == 'D')
				*pub_type = xstrdup("ssh-dss");
			/* RFC 1421 headers come before the first blank line. */
			*encrypted = 0;
			while (off < len) {
				off = next_line(data, len, off, &line, &n);
				if (n == 0 || mem_starts(line, n, "-----END "))
					break;
				if (mem_find(line, n, ":") < 0)
					break;
				if (mem_starts(line, n, "Proc-Type:") &&
				    mem_find(line, n, "ENCRYPTED") >= 0)
					*encrypted = 1;
			}
			return;
		}
		if (pem_label(line, n, "PRIVATE KEY")) {
			*format = xstrdup("pkcs8");
			*encrypted = 0;
			return;
		}
		if (pem_label(line, n, "ENCRYPTED PRIVATE KEY")) {
			*format = xstrdup("pkcs8");
			*encrypted = 1;
			return;
		}
	}
	*format = xstrdup("unknown");
}

int
privkey_public_blob(const char *data, size_t len, unsigned char **blob, size_t *bloblen)
{
	char *type = NULL, *fp = NULL;
	int encrypted = -1;

	*blob = NULL;
	*bloblen = 0;
	if (mem_starts(data, len, OPENSSH_BEGIN))
		openssh_facts(data, len, &encrypted, &type, &fp, blob, bloblen);
	free(type);
	free(fp);
	return *blob != NULL ? 0 : -1;
}

/*
 * Block markers. A block starts at a line that (after blanks) is a PEM or
 * OpenSSH "-----BEGIN ...PRIVATE KEY-----", an ssh.com "---- BEGIN SSH2
 * ENCRYPTED PRIVATE KEY ----", or a PuTTY "PuTTY-User-Key-File-" header,
 * the starts scanner/parse/authkeys.c recognises, so the akeys family still sees
 * (and reports) where a key was pasted. Markers are matched exactly, so
 * what is kept of a line is a marker and nothing else.
 */
enum blk { BLK_NONE, BLK_PEM, BLK_SSH2, BLK_PUTTY };

#define PEM_TAIL "PRIVATE KEY-----"
#define PEM_LABEL_MAX 40
#define SSH2_BEGIN "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----"
#define SSH2_END "---- END SSH2 ENCRYPTED PRIVATE KEY ----"
#define PUTTY_BEGIN "PuTTY-User-Key-File-"
#define PUTTY_END "Private-MAC:"

/* Length of "-----<kw> LABEL PRIVATE KEY-----" at s (LABEL: capitals,
 * digits, blanks, as in "OPENSSH ", "RSA ", "ENCRYPTED "), or 0. */
static size_t
pem_marker(const char *s, size_t n, const char *kw)
{
	char start[16];
	size_t i, tl = strlen(PEM_TAIL);

	snprintf(start, sizeof(start), "-----%s ", kw);
	if (!mem_starts(s, n, start))
		return 0;
	for (i = strlen(start); i < n && i <= strlen(start) + PEM_LABEL_MAX; i++) {
		if (n - i >= tl && memcmp(s + i, PEM_TAIL, tl) == 0)
			return i + tl;
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == ' '))
			return 0;
	}
	return 0;
}

static enum blk
block_begin(const char *s, size_t n, size_t *mlen)
{
	size_t m;

	if ((m = pem_marker(s, n, "BEGIN")) > 0) {
		*mlen = m;
		return BLK_PEM;
	}
	if (mem_starts(s, n, SSH2_BEGIN)) {
		*mlen = strlen(SSH2_BEGIN);
		return BLK_SSH2;
	}
	if (mem_starts(s, n, PUTTY_BEGIN)) {
		/* "PuTTY-User-Key-File-3: ssh-ed25519" holds no key material;
		 * whatever follows the type word on a mangled line might. */
		size_t t;

		m = strlen(PUTTY_BEGIN);
		while (m < n && s[m] != ' ' && s[m] != '\t' && s[m] != '\r')
			m++;
		for (t = m + 1; m < n && s[m] == ' ' && t < n && ((s[t] >= 'a' &&
		    s[t] <= 'z') || (s[t] >= '0' && s[t] <= '9') || s[t] == '-' ||
		    s[t] == '@' || s[t] == '.'); t++)
			;
		if (t > m + 1)
			m = t;
		*mlen = m;
		return BLK_PUTTY;
	}
	return BLK_NONE;
}

/* Where the END marker of a block of kind k starts in the line, and its
 * length; -1 when the line does not end the block. Material glued before
 * the marker is not part of it. */
static long
block_end(enum blk k, const char *s, size_t n, size_t *mlen)
{
	long at;

	for (size_t off = 0; off < n; off += (size_t)at + 1) {
		if (k == BLK_PEM) {
			if ((at = mem_find(s + off, n - off, "-----END ")) < 0)
				return -1;
			if ((*mlen = pem_marker(s + off + at, n - off - (size_t)at,
			    "END")) > 0)
				return (long)off + at;
			continue;
		}
		if ((at = mem_find(s + off, n - off, k == BLK_SSH2 ? SSH2_END :
		    PUTTY_END)) < 0)
			return -1;
		/* Of a PuTTY MAC line only the name stays, not the value. */
		*mlen = strlen(k == BLK_SSH2 ? SSH2_END : PUTTY_END);
		return (long)off + at;
	}
	return -1;
}

char *
redact_private_blocks(const char *data, size_t len, size_t *outlen)
{
	struct buf out;
	enum blk in = BLK_NONE;
	size_t off = 0, mlen, lead;
	int changed = 0;

	buf_init(&out);
	while (off < len) {
		const char *line = data + off, *eol;
		size_t n, kept, before = out.len;
		long at;

		eol = memchr(line, '\n', len - off);
		n = eol ? (size_t)(eol - line) : len - off;
		off += n + (eol != NULL);

		if (in == BLK_NONE) {
			for (lead = 0; lead < n && (line[lead] == ' ' || line[lead] == '\t'); lead++)
				;
			in = block_begin(line + lead, n - lead, &mlen);
			if (in == BLK_NONE)
				buf_append(&out, line, n);
			else {
				kept = lead + mlen;
				buf_append(&out, line, kept);
				/* A whole key pasted on one line ends here too. */
				at = block_end(in, line + kept, n - kept, &mlen);
				if (at >= 0) {
					/* One blank keeps the two markers apart. */
					if (at > 0) {
						buf_putc(&out, ' ');
						if (at > 1 || line[kept] != ' ')
							changed = 1;
					}
					buf_append(&out, line + kept + at, mlen);
					in = BLK_NONE;
				}
			}
		} else if ((at = block_end(in, line, n, &mlen)) >= 0) {
			buf_append(&out, line + at, mlen);
			in = BLK_NONE;
		}
		/* Only markers were kept, never a CR after them: a line lost
		 * something other than its CR when it came out shorter. */
		if (out.len - before < n &&
		    !(out.len - before + 1 == n && line[n - 1] == '\r'))
			changed = 1;
		if (eol != NULL)
			buf_putc(&out, '\n');
	}
	if (!changed) {
		if (out.data != NULL)
			explicit_bzero(out.data, out.len);
		buf_free(&out);
		return NULL;
	}
	*outlen = out.len;
	return buf_steal(&out);
}

void
userkey_facts(const char *l1, const char *l2, const char **format, int *encrypted)
{
	/* base64 of "openssh-key-v1\0", cipher "none", kdf "none" */
	static const char plain[] = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9u";
	static const char magic[] = "b3BlbnNzaC1rZXktdjEAAAAA";

	*format = "unknown";
	*encrypted = -1;
	if (strcmp(l1, OPENSSH_BEGIN) == 0) {
		*format = "openssh";
		if (strncmp(l2, plain, sizeof(plain) - 1) == 0)
			*encrypted = 0;
		else if (strncmp(l2, magic, sizeof(magic) - 1) == 0)
			*encrypted = 1;
	} else if (strcmp(l1, "-----BEGIN RSA PRIVATE KEY-----") == 0 ||
	    strcmp(l1, "-----BEGIN DSA PRIVATE KEY-----") == 0 ||
	    strcmp(l1, "-----BEGIN EC PRIVATE KEY-----") == 0) {
		*format = "pem";
		*encrypted = strncmp(l2, "Proc-Type:", 10) == 0 &&
		    strstr(l2, "ENCRYPTED") != NULL;
	} else if (strcmp(l1, "-----BEGIN PRIVATE KEY-----") == 0) {
		*format = "pkcs8";
		*encrypted = 0;
	} else if (strcmp(l1, "-----BEGIN ENCRYPTED PRIVATE KEY-----") == 0) {
		*format = "pkcs8";
		*encrypted = 1;
	}
}
