/* pool.c - the worker pool behind `scan -j N`. Workers take the next host
 * index, scan it, and mark its slot in a ring of WINDOW results; the calling
 * thread emits slots in index order as they complete. A worker never runs
 * more than WINDOW hosts ahead of the next one to emit, so at most WINDOW
 * results exist at once whatever the fleet size. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scanner/pool.h"
#include "scanner/util.h"

struct pool {
	const struct pool_ops *ops;
	void *arg;
	size_t n, window, size;
	unsigned char *results;
	unsigned char *done;
	size_t next_take, next_emit, finished, running;
	pthread_mutex_t lock;
	pthread_cond_t can_take, has_done;
};

static void *
worker(void *p_)
{
	struct pool *p = p_;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		size_t i;

		while (p->next_take < p->n && p->next_take >= p->next_emit + p->window)
			pthread_cond_wait(&p->can_take, &p->lock);
		if (p->next_take >= p->n)
			break;
		i = p->next_take++;
		p->running++;
		pthread_mutex_unlock(&p->lock);
		p->ops->work(p->arg, i, p->results + (i % p->window) * p->size);
		pthread_mutex_lock(&p->lock);
		p->running--;
		p->finished++;
		p->done[i % p->window] = 1;
		pthread_cond_signal(&p->has_done);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

void
pool_run(size_t n, int jobs, size_t result_size, const struct pool_ops *ops, void *arg)
{
	struct pool p;
	pthread_t *threads;
	pthread_condattr_t ca;
	sigset_t all, old;
	int nthreads = 0;

	if (n == 0)
		return;
	if (jobs < 1)
		jobs = 1;
	if ((size_t)jobs > n)
		jobs = (int)n;
	memset(&p, 0, sizeof(p));
	p.ops = ops;
	p.arg = arg;
	p.n = n;
	p.window = (size_t)jobs * 4;
	p.size = result_size;
	p.results = xcalloc(p.window, result_size);
	p.done = xcalloc(p.window, 1);
	pthread_mutex_init(&p.lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p.has_done, &ca);
	pthread_cond_init(&p.can_take, NULL);
	pthread_condattr_destroy(&ca);

	/* Workers take no signals; SIGINT stays with the calling thread. A
	 * fault is the faulting thread's own and cannot be blocked (the
	 * kernel then kills without running a handler, and outfile.c's
	 * removes the temporary files on a crash). */
	threads = xcalloc((size_t)jobs, sizeof(*threads));
	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGFPE);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (int t = 0; t < jobs; t++)
		if (pthread_create(&threads[nthreads], NULL, worker, &p) == 0)
			nthreads++;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (nthreads == 0) {
		/* No threads at all: do the work here, in order. */
		for (size_t i = 0; i < n; i++) {
			ops->work(arg, i, p.results);
			ops->emit(arg, i, p.results);
			memset(p.results, 0, result_size);
		}
		goto out;
	}

	pthread_mutex_lock(&p.lock);
	while (p.next_emit < n) {
		size_t slot = p.next_emit % p.window;

		if (p.done[slot]) {
			pthread_mutex_unlock(&p.lock);
			ops->emit(arg, p.next_emit, p.results + slot * p.size);
			memset(p.results + slot * p.size, 0, p.size);
			pthread_mutex_lock(&p.lock);
			p.done[slot] = 0;
			p.next_emit++;
			pthread_cond_broadcast(&p.can_take);
			continue;
		}
		{
			struct timespec ts;
			size_t finished = p.finished, running = p.running;

			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_nsec += 200 * 1000 * 1000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&p.has_done, &p.lock, &ts);
			if (ops->tick != NULL) {
				pthread_mutex_unlock(&p.lock);
				ops->tick(arg, finished, running);
				pthread_mutex_lock(&p.lock);
			}
		}
	}
	pthread_mutex_unlock(&p.lock);
	for (int t = 0; t < nthreads; t++)
		pthread_join(threads[t], NULL);
out:
	if (ops->tick != NULL)
		ops->tick(arg, n, 0);
	free(threads);
	free(p.results);
	free(p.done);
	pthread_mutex_destroy(&p.lock);
	pthread_cond_destroy(&p.has_done);
	pthread_cond_destroy(&p.can_take);
}
