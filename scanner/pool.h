/* pool.h - N hosts scanned by J threads, results handed back in input order
 * on the calling thread, with a bounded window so memory does not grow with
 * the number of hosts (a slow host holds up emission, not the workers'
 * memory: they stop taking new hosts WINDOW ahead of it). */
#ifndef KA_POOL_H
#define KA_POOL_H

#include <stddef.h>

struct pool_ops {
	/* On a worker thread: scan host i into result (result_size bytes,
	 * zeroed). */
	void (*work)(void *arg, size_t i, void *result);
	/* On the calling thread, for i = 0, 1, 2, ... in order; then the
	 * result is zeroed for reuse (emit frees what it owns). */
	void (*emit)(void *arg, size_t i, void *result);
	/* On the calling thread, whenever a host finishes and at least every
	 * 200 ms, and once at the end (rate-limit it yourself); may be NULL. */
	void (*tick)(void *arg, size_t done, size_t running);
};

void pool_run(size_t n, int jobs, size_t result_size, const struct pool_ops *ops,
    void *arg);

#endif
