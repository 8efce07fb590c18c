/* sshbuf.h - one bounded reader (and the small writer) of SSH's wire format (RFC 4251: bytes,
 * uint32, uint64, length-prefixed strings, mpints), reading as OpenSSH's
 * sshbuf_get_* do. Used for key blobs and certificates (authkeys.c,
 * knownhosts.c), the OpenSSH private key container (privkey.c) and
 * ssh-agent replies (identities.c).
 *
 * Every read is bounded by the buffer. A read that does not fit consumes
 * nothing, returns -1 and sets err; once err is set every later read fails
 * too, so a parser may read a whole structure and look at err once. Strings
 * are returned in place (pointers into the buffer), except cstrings. */
#ifndef KA_SSHBUF_H
#define KA_SSHBUF_H

#include <stddef.h>
#include <stdint.h>

/* sshbuf.h SSHBUF_SIZE_MAX: no string may claim more. */
#define SSHBUF_SIZE_MAX		0x8000000
/* sshbuf.h SSHBUF_MAX_BIGNUM: 16384 bits. */
#define SSHBUF_MAX_BIGNUM	(16384 / 8)

struct sshbuf {
	const unsigned char *data;
	size_t len, pos;
	int err;
};

void sshbuf_init(struct sshbuf *b, const void *data, size_t len);
/* Bytes not read yet (0 once err is set). */
size_t sshbuf_left(const struct sshbuf *b);

int sshbuf_get_u8(struct sshbuf *b, uint8_t *v);
int sshbuf_get_u32(struct sshbuf *b, uint32_t *v);
int sshbuf_get_u64(struct sshbuf *b, uint64_t *v);
int sshbuf_skip(struct sshbuf *b, size_t n);
/* A uint32 length and that many bytes, in place. */
int sshbuf_get_string(struct sshbuf *b, const unsigned char **d, size_t *n);
/* A string as a C string, allocated: a NUL is allowed only as its last
 * byte (sshbuf_get_cstring). */
int sshbuf_get_cstring(struct sshbuf *b, char **s);
/* The next string as a reader of its own (a nested structure). */
int sshbuf_get_sub(struct sshbuf *b, struct sshbuf *sub);

/* An mpint as sshbuf_get_bignum2_bytes_direct reads it: positive, at
 * most SSHBUF_MAX_BIGNUM bytes once a leading zero is dropped; *d and *n
 * without leading zeros. 0, or one of these (err is set for each). */
enum { SSHBUF_TRUNCATED = -1, SSHBUF_NEGATIVE = -2, SSHBUF_TOO_LARGE = -3 };
int sshbuf_get_bignum2(struct sshbuf *b, const unsigned char **d, size_t *n);

/* The writing side, into a growing struct buf (util.h): a uint32 and a
 * length-prefixed string, as sshbuf_put_u32 / sshbuf_put_string write
 * them (key blobs for fingerprints, agent requests). */
struct buf;
void sshbuf_put_u32(struct buf *b, uint32_t v);
void sshbuf_put_string(struct buf *b, const void *d, size_t n);

#endif
