/* strmap.c - the one string-keyed table (see strmap.h). */
#include <stdlib.h>
#include <string.h>

#include "scanner/strmap.h"
#include "scanner/util.h"

#define BLOCK_BYTES	(64 * 1024)
#define INDEX_MAX	((size_t)UINT32_MAX - 1)

struct strmap_block {
	struct strmap_block *next;
	size_t size, used;
	char data[];
};

#define SLOT(h, i)	((h) >> 32 << 32 | (uint64_t)(i))
#define SLOT_TAG(v)	((v) >> 32)
#define SLOT_INDEX(v)	((size_t)((v) & 0xffffffffu) - 1)

uint64_t
strmap_hash(const void *key, size_t n)
{
	const unsigned char *p = key;
	uint64_t h = 14695981039346656037ULL, w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	for (w = 0; n > 0; p++, n--)
		w = w << 8 | *p;
	h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	return h ^ h >> 32;
}

void
strmap_init(struct strmap *m, size_t limit)
{
	memset(m, 0, sizeof(*m));
	m->limit = limit;
}

void
strmap_free(struct strmap *m)
{
	struct strmap_block *b, *next;

	for (b = m->blocks; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(m->slot);
	free(m->ent);
	strmap_init(m, m->limit);
}

size_t
strmap_count(const struct strmap *m)
{
	return m->n;
}

const struct strmap_entry *
strmap_at(const struct strmap *m, size_t i)
{
	return &m->ent[i];
}

void
strmap_set(struct strmap *m, size_t i, size_t value)
{
	m->ent[i].value = value;
}

/* The slot holding key, or the free one where it would go. */
static size_t
probe(const struct strmap *m, const void *key, size_t len, uint64_t h)
{
	size_t mask = m->cap - 1, s;

	for (s = h & mask; m->slot[s] != 0; s = (s + 1) & mask) {
		const struct strmap_entry *e;

		if (SLOT_TAG(m->slot[s]) != h >> 32)
			continue;
		e = &m->ent[SLOT_INDEX(m->slot[s])];
		if (e->len == len && memcmp(e->key, key, len) == 0)
			break;
	}
	return s;
}

size_t
strmap_find(const struct strmap *m, const void *key, size_t len)
{
	size_t s;

	if (m->cap == 0)
		return STRMAP_NONE;
	s = probe(m, key, len, strmap_hash(key, len));
	return m->slot[s] != 0 ? SLOT_INDEX(m->slot[s]) : STRMAP_NONE;
}

int
strmap_get(const struct strmap *m, const void *key, size_t len, size_t *value)
{
	size_t i = strmap_find(m, key, len);

	if (i == STRMAP_NONE)
		return 0;
	*value = m->ent[i].value;
	return 1;
}

static void
grow(struct strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64, mask = cap - 1;
	uint64_t *slot = xcalloc(cap, sizeof(*slot));

	for (size_t i = 0; i < m->n; i++) {
		uint64_t h = m->ent[i].hash;
		size_t s = h & mask;

		while (slot[s] != 0)
			s = (s + 1) & mask;
		slot[s] = SLOT(h, i + 1);
	}
	free(m->slot);
	m->slot = slot;
	m->cap = cap;
}

/* A copy of key that never moves. */
static const char *
keep(struct strmap *m, const void *key, size_t len)
{
	struct strmap_block *b = m->blocks;
	char *p;

	if (b == NULL || b->size - b->used < len + 1) {
		size_t size = len + 1 > BLOCK_BYTES / 4 ? len + 1 : BLOCK_BYTES;
		struct strmap_block *nb = xmalloc(sizeof(*nb) + size);

		nb->size = size;
		nb->used = 0;
		if (b != NULL && size != BLOCK_BYTES) {
			/* a large key: a block of its own behind the current
			 * one, which goes on filling */
			nb->next = b->next;
			b->next = nb;
		} else {
			nb->next = b;
			m->blocks = nb;
		}
		b = nb;
	}
	p = b->data + b->used;
	memcpy(p, key, len);
	p[len] = '\0';
	b->used += len + 1;
	return p;
}

size_t
strmap_add(struct strmap *m, const void *key, size_t len, size_t value, int *added)
{
	uint64_t h = strmap_hash(key, len);
	struct strmap_entry *e;
	size_t s;

	if (added != NULL)
		*added = 0;
	if (m->cap == 0)
		grow(m);
	s = probe(m, key, len, h);
	if (m->slot[s] != 0)
		return SLOT_INDEX(m->slot[s]);
	if (m->n >= (m->limit == 0 || m->limit > INDEX_MAX ? INDEX_MAX : m->limit))
		return STRMAP_NONE;
	if (m->n == m->entcap) {
		m->entcap = m->entcap ? m->entcap * 2 : 16;
		m->ent = xreallocarray(m->ent, m->entcap, sizeof(*m->ent));
	}
	e = &m->ent[m->n];
	e->key = keep(m, key, len);
	e->len = len;
	e->hash = h;
	e->value = value;
	m->slot[s] = SLOT(h, ++m->n);
	if (m->n * 2 > m->cap)
		grow(m);
	if (added != NULL)
		*added = 1;
	return m->n - 1;
}
