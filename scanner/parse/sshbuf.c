/* sshbuf.c - the one reader of SSH's wire format (see sshbuf.h). */
#include <string.h>

#include "scanner/parse/sshbuf.h"
#include "scanner/util.h"

void
sshbuf_init(struct sshbuf *b, const void *data, size_t len)
{
	b->data = data;
	b->len = data != NULL ? len : 0;
	b->pos = 0;
	b->err = 0;
}

size_t
sshbuf_left(const struct sshbuf *b)
{
	return b->err ? 0 : b->len - b->pos;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* n more bytes are there to read, or err is set. */
static int
need(struct sshbuf *b, size_t n)
{
	if (b->err || b->len - b->pos < n) {
		b->err = 1;
		return -1;
	}
	return 0;
}

int
sshbuf_get_u8(struct sshbuf *b, uint8_t *v)
{
	if (need(b, 1) != 0)
		return -1;
	*v = b->data[b->pos++];
	return 0;
}

int
sshbuf_get_u32(struct sshbuf *b, uint32_t *v)
{
	if (need(b, 4) != 0)
		return -1;
	*v = be32(b->data + b->pos);
	b->pos += 4;
	return 0;
}

int
sshbuf_get_u64(struct sshbuf *b, uint64_t *v)
{
	uint32_t hi, lo;

	if (need(b, 8) != 0)
		return -1;
	(void)sshbuf_get_u32(b, &hi);
	(void)sshbuf_get_u32(b, &lo);
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

int
sshbuf_skip(struct sshbuf *b, size_t n)
{
	if (need(b, n) != 0)
		return -1;
	b->pos += n;
	return 0;
}

int
sshbuf_get_string(struct sshbuf *b, const unsigned char **d, size_t *n)
{
	uint32_t len;

	if (need(b, 4) != 0)
		return -1;
	len = be32(b->data + b->pos);
	if (len > SSHBUF_SIZE_MAX - 4 || need(b, (size_t)len + 4) != 0) {
		b->err = 1;
		return -1;
	}
	*d = b->data + b->pos + 4;
	*n = len;
	b->pos += (size_t)len + 4;
	return 0;
}

int
sshbuf_get_cstring(struct sshbuf *b, char **s)
{
	const unsigned char *d, *z;
	size_t n, pos = b->pos;

	if (sshbuf_get_string(b, &d, &n) != 0)
		return -1;
	if (n > 0 && (z = memchr(d, '\0', n)) != NULL && z < d + n - 1) {
		b->pos = pos;
		b->err = 1;
		return -1;
	}
	if (n > 0 && d[n - 1] == '\0')
		n--;
	*s = xstrndup((const char *)d, n);
	return 0;
}

int
sshbuf_get_sub(struct sshbuf *b, struct sshbuf *sub)
{
	const unsigned char *d;
	size_t n;

	if (sshbuf_get_string(b, &d, &n) != 0)
		return -1;
	sshbuf_init(sub, d, n);
	return 0;
}

int
sshbuf_get_bignum2(struct sshbuf *b, const unsigned char **d, size_t *n)
{
	const unsigned char *p;
	size_t len, pos = b->pos;

	if (sshbuf_get_string(b, &p, &len) != 0)
		return SSHBUF_TRUNCATED;
	if (len != 0 && (p[0] & 0x80) != 0) {
		b->pos = pos;
		b->err = 1;
		return SSHBUF_NEGATIVE;
	}
	if (len > SSHBUF_MAX_BIGNUM + 1 || (len == SSHBUF_MAX_BIGNUM + 1 && p[0] != 0)) {
		b->pos = pos;
		b->err = 1;
		return SSHBUF_TOO_LARGE;
	}
	while (len > 0 && *p == 0) {
		p++;
		len--;
	}
	*d = p;
	*n = len;
	return 0;
}

void
sshbuf_put_u32(struct buf *b, uint32_t v)
{
	unsigned char x[4] = { v >> 24, v >> 16, v >> 8, v };

	buf_append(b, x, 4);
}

void
sshbuf_put_string(struct buf *b, const void *d, size_t n)
{
	sshbuf_put_u32(b, (uint32_t)n);
	if (n > 0)
		buf_append(b, d, n);
}
