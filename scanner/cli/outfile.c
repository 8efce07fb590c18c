/* outfile.c - files written whole through a temporary beside them, which
 * every exit path removes (outfile.h says why). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scanner/cli/outfile.h"
#include "scanner/util.h"

/* The temporaries that exist now. A fixed array of atomic pointers, so the
 * signal handler reads it without a lock or an allocation; a name is freed
 * only after its slot was cleared. keyaudit writes at most 8 files. */
#define OUTFILE_SLOTS 16
static char *_Atomic slots[OUTFILE_SLOTS];
/* A slot taken for a file about to be created: unlink("") removes nothing. */
static char reserved[] = "";

/* The signals that end keyaudit while it may be writing a file: sent
 * (cleanup_signals), and the crashes a library may have when memory runs
 * out (OpenSSL dereferences a lock it failed to allocate) or a bug does
 * (fault_signals). */
static const int cleanup_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
static const int fault_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
/* What a fault signal did before (the default, or a sanitizer's report),
 * done after the temporaries are gone. */
static struct sigaction fault_old[KA_ARRLEN(fault_signals)];

void
outfile_remove_all(void)
{
	for (size_t i = 0; i < OUTFILE_SLOTS; i++) {
		char *p = atomic_load(&slots[i]);

		if (p != NULL)
			(void)unlink(p);
	}
}

/* Remove the temporaries, then die of the same signal (the default action
 * restored, the signal raised again: delivered when the handler returns),
 * so a caller sees "killed by SIGTERM" as before. unlink, sigaction and
 * raise are async-signal-safe. */
static void
on_signal(int sig)
{
	struct sigaction sa;
	int saved = errno;

	outfile_remove_all();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(sig, &sa, NULL);
	(void)raise(sig);
	errno = saved;
}

/* A crash: remove the temporaries, give the signal back to whoever had
 * it before, and let it happen again. A fault returns to the instruction,
 * which faults once more into the old handler with its real siginfo (a
 * core dump, or AddressSanitizer's report); one sent by kill or abort() is
 * raised again. */
static void
on_fault(int sig, siginfo_t *si, void *uc)
{
	int saved = errno;

	(void)uc;
	outfile_remove_all();
	for (size_t i = 0; i < KA_ARRLEN(fault_signals); i++)
		if (fault_signals[i] == sig)
			(void)sigaction(sig, &fault_old[i], NULL);
	if (si == NULL || si->si_code <= 0 || sig == SIGABRT)
		(void)raise(sig);
	errno = saved;
}

static void
on_exit_or_fatal(void)
{
	outfile_remove_all();
}

static mode_t file_umask;

static void
install(void)
{
	struct sigaction sa, old;

	/* a signal someone chose to ignore (nohup's SIGHUP, the ssh
	 * transport's SIGPIPE) stays ignored */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < KA_ARRLEN(cleanup_signals); i++)
		if (sigaction(cleanup_signals[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_IGN)
			(void)sigaction(cleanup_signals[i], &sa, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < KA_ARRLEN(fault_signals); i++)
		if (sigaction(fault_signals[i], NULL, &fault_old[i]) == 0 &&
		    fault_old[i].sa_handler != SIG_IGN)
			(void)sigaction(fault_signals[i], &sa, NULL);
	(void)atexit(on_exit_or_fatal);
	ka_on_fatal(on_exit_or_fatal);
	/* read once, before any worker thread exists: umask() can only be
	 * read by setting it */
	file_umask = umask(077);
	umask(file_umask);
}

static void
unregister(struct outfile *o)
{
	if (o->slot >= 0)
		atomic_store(&slots[o->slot], NULL);
	o->slot = -1;
}

static void
outfile_clear(struct outfile *o)
{
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
	o->fp = NULL;
	o->slot = -1;
}

int
outfile_open(struct outfile *o, const char *path, mode_t mode, char **err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	sigset_t block, old;
	int fd, slot, e;

	memset(o, 0, sizeof(*o));
	o->slot = -1;
	*err = NULL;
	pthread_once(&once, install);
	o->path = xstrdup(path);
	o->tmp = xasprintf("%s.tmp.XXXXXX", path);
	/* Created and registered with the cleanup signals blocked, and with
	 * no allocation in between, so there is no instant at which the file
	 * exists and no exit path knows it. */
	sigemptyset(&block);
	for (size_t i = 0; i < KA_ARRLEN(cleanup_signals); i++)
		sigaddset(&block, cleanup_signals[i]);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (slot = 0; slot < OUTFILE_SLOTS; slot++) {
		char *expect = NULL;

		if (atomic_compare_exchange_strong(&slots[slot], &expect, reserved))
			break;
	}
	if (slot == OUTFILE_SLOTS) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		*err = xasprintf("%s: too many files open for writing", path);
		outfile_clear(o);
		return -1;
	}
	o->slot = slot;
	/* mkostemp: O_CREAT|O_EXCL under a random name, mode 0600. The name
	 * is registered once the file is ours (while it tries names, the
	 * buffer may name someone else's file) */
	fd = mkostemp(o->tmp, O_CLOEXEC);
	e = errno;
	if (fd < 0)
		unregister(o);
	else
		atomic_store(&slots[slot], o->tmp);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (fd < 0) {
		*err = xasprintf("%s: cannot create a file beside it: %s", path, strerror(e));
		outfile_clear(o);
		return -1;
	}
	/* the permissions the file would have had from open(2), or mode
	 * 0600 (snapshots) whatever the umask */
	if (fchmod(fd, mode & ~file_umask) != 0 || (o->fp = fdopen(fd, "w")) == NULL) {
		e = errno;
		close(fd);
		(void)unlink(o->tmp);
		unregister(o);
		*err = xasprintf("%s: %s", path, strerror(e));
		outfile_clear(o);
		return -1;
	}
	return 0;
}

int
outfile_commit(struct outfile *o, char **err)
{
	int e = 0;

	*err = NULL;
	if (o->fp == NULL) {
		*err = xasprintf("%s: not open for writing", o->path ? o->path : "?");
		return -1;
	}
	errno = 0;
	if (fflush(o->fp) != 0 || ferror(o->fp))
		e = errno ? errno : EIO;
	/* on disk before the rename makes it the file: a crash leaves the
	 * old file or the new one, not an empty one */
	else if (fsync(fileno(o->fp)) != 0 && errno != EINVAL)
		e = errno;
	if (fclose(o->fp) != 0 && e == 0)
		e = errno;
	o->fp = NULL;
	if (e == 0 && rename(o->tmp, o->path) != 0)
		e = errno;
	if (e != 0) {
		(void)unlink(o->tmp);
		*err = xasprintf("%s: %s", o->path, strerror(e));
	}
	unregister(o);
	outfile_clear(o);
	return e != 0 ? -1 : 0;
}

void
outfile_abort(struct outfile *o)
{
	if (o->tmp == NULL)
		return;
	if (o->fp != NULL)
		fclose(o->fp);
	(void)unlink(o->tmp);
	unregister(o);
	outfile_clear(o);
}

int
outfile_write(const char *path, int (*write)(FILE *fp, void *arg), void *arg)
{
	struct outfile o;
	char *err = NULL;

	if (outfile_open(&o, path, 0666, &err) != 0)
		goto fail;
	if (write(o.fp, arg) != 0 || ferror(o.fp)) {
		outfile_abort(&o);
		ka_eprintf("keyaudit: %s: writing failed", path);
		return -1;
	}
	if (outfile_commit(&o, &err) == 0)
		return 0;
fail:
	ka_eprintf("keyaudit: %s", err);
	free(err);
	return -1;
}
