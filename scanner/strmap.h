/* strmap.h - the one string-keyed table: byte-string keys (a pointer and a
 * length, so a slice of a line is looked up without a copy) to a size_t
 * value. Open addressing with linear probing, at most half full; each slot
 * holds the top half of the key's hash beside the entry's index, so a probe
 * reads an entry only when it is most likely the one. Entries are kept in
 * insertion order and numbered from 0; the map copies every key it adds
 * into blocks that never move, so strmap_at(m, i)->key stays valid until
 * strmap_free. Growth is bounded by the limit given to strmap_init. A
 * zeroed struct strmap is an empty map with no limit. */
#ifndef KA_STRMAP_H
#define KA_STRMAP_H

#include <stddef.h>
#include <stdint.h>

#define STRMAP_NONE SIZE_MAX

struct strmap_entry {
	const char *key;	/* the map's copy, NUL-terminated */
	size_t len;
	uint64_t hash;
	size_t value;
};

struct strmap_block;

struct strmap {
	uint64_t *slot;		/* hash >> 32 << 32 | index + 1; 0: free */
	size_t cap;		/* slots: a power of two, at least 2 * n */
	struct strmap_entry *ent;
	size_t n, entcap, limit;
	struct strmap_block *blocks;	/* key copies, the one being filled first */
};

/* limit: entries at most (0: as many as 32-bit indexes allow). */
void strmap_init(struct strmap *m, size_t limit);
void strmap_free(struct strmap *m);
/* The index of key, or STRMAP_NONE. */
size_t strmap_find(const struct strmap *m, const void *key, size_t len);
/* key's value in *value: 1, or 0 when it is not there. */
int strmap_get(const struct strmap *m, const void *key, size_t len, size_t *value);
/* The index of key, added with value when new (*added 1, else 0 and the
 * old value stays); STRMAP_NONE when it is new and the map is full.
 * added may be NULL. */
size_t strmap_add(struct strmap *m, const void *key, size_t len, size_t value,
    int *added);
/* Entry i (0 <= i < strmap_count). */
const struct strmap_entry *strmap_at(const struct strmap *m, size_t i);
size_t strmap_count(const struct strmap *m);
/* Set entry i's value. */
void strmap_set(struct strmap *m, size_t i, size_t value);

/* The hash the map uses (eight bytes at a time), for tables of another
 * shape (a bounded cache) that want the same one. */
uint64_t strmap_hash(const void *key, size_t len);

#endif
