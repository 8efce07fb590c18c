/* outfile.h - the files keyaudit writes (the --json/--junit/--sarif/--prom/
 * --fix-script reports, --pin, --write-baseline, collect -o) appear whole or
 * not at all, and no temporary is ever left behind.
 *
 * keyaudit runs as root, often in directories others can write (a CI
 * workspace, a textfile collector's directory), so the temporary is made
 * with mkstemp beside the file: a random name created with O_EXCL, never a
 * name someone could plant a symlink at. It is registered the moment it
 * exists and removed on every way out that is not a successful rename: an
 * error return (outfile_abort), exit() (an atexit handler), the
 * out-of-memory exit of xmalloc and friends (util.c's fatal hook),
 * SIGINT, SIGTERM, SIGHUP and SIGPIPE (a handler that unlinks the
 * registered names and re-raises the signal, so the exit status still says
 * which signal it was), and a crash (SIGSEGV, SIGBUS, SIGILL, SIGFPE,
 * SIGABRT: unlink, then the signal's previous action, so a core dump or a
 * sanitizer's report still happens). */
#ifndef KA_OUTFILE_H
#define KA_OUTFILE_H

#include <stdio.h>
#include <sys/types.h>

struct outfile {
	char *path;		/* the file asked for */
	char *tmp;		/* the temporary beside it; NULL when none is open */
	FILE *fp;		/* write here */
	int slot;		/* its place in the removal list */
};

/* Creates PATH.tmp.XXXXXX in path's directory with the permissions the
 * final file should have (mode & ~umask) and opens it for writing. 0, or
 * -1 with *err ("PATH: why", naming the file asked for). */
int outfile_open(struct outfile *o, const char *path, mode_t mode, char **err);

/* Flushes and syncs the temporary, closes it and renames it over path.
 * 0, or -1 with *err ("PATH: why"; the temporary is removed). */
int outfile_commit(struct outfile *o, char **err);

/* Closes and removes the temporary; path is left as it was. For error
 * paths; a no-op on an outfile that is not open. */
void outfile_abort(struct outfile *o);

/* PATH written whole by write(fp, arg), or left as it was: write's -1 or
 * a stream error aborts. Errors are printed ("keyaudit: PATH: ...", one
 * line). 0, or -1. */
int outfile_write(const char *path, int (*write)(FILE *fp, void *arg), void *arg);

/* Removes every registered temporary now (async-signal-safe: unlink only).
 * Run by the exit, fatal and signal paths; exposed for tests. */
void outfile_remove_all(void);

#endif
