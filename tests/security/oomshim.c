/* oomshim.c - an LD_PRELOAD library for tests/security/part-escape.sh: the
 * memory runs out half way through writing a file. Once the program has
 * created a file under $KA_OOM_DIR (mkstemp/mkostemp, or fopen for writing,
 * as keyaudit did before outfile.c), the next $KA_OOM_AFTER allocations
 * succeed and every one after them fails with ENOMEM, so keyaudit takes its
 * out-of-memory exit (or an error path) with its temporaries on disk.
 * Built by the test: cc -shared -fPIC -o oomshim.so oomshim.c -ldl */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t sz);
extern void *__libc_realloc(void *p, size_t n);

static volatile int armed;
static volatile long left;

/* Armed by the first file made under $KA_OOM_DIR. */
static void
arm(const char *path)
{
	const char *dir = getenv("KA_OOM_DIR"), *n = getenv("KA_OOM_AFTER");
	size_t dl;

	if (armed || dir == NULL || path == NULL)
		return;
	dl = strlen(dir);
	if (strncmp(path, dir, dl) != 0 || path[dl] != '/')
		return;
	left = n != NULL ? atol(n) : 0;
	armed = 1;
}

static int
fail(void)
{
	if (!armed)
		return 0;
	if (left > 0) {
		left--;
		return 0;
	}
	errno = ENOMEM;
	return 1;
}

void *
malloc(size_t n)
{
	return fail() ? NULL : __libc_malloc(n);
}

void *
calloc(size_t n, size_t sz)
{
	return fail() ? NULL : __libc_calloc(n, sz);
}

void *
realloc(void *p, size_t n)
{
	return fail() ? NULL : __libc_realloc(p, n);
}

static int
made(int fd, const char *path)
{
	if (fd >= 0)
		arm(path);
	return fd;
}

int
mkstemp(char *t)
{
	static int (*real)(char *);

	if (real == NULL)
		real = (int (*)(char *))dlsym(RTLD_NEXT, "mkstemp");
	return made(real(t), t);
}

int
mkstemp64(char *t)
{
	static int (*real)(char *);

	if (real == NULL)
		real = (int (*)(char *))dlsym(RTLD_NEXT, "mkstemp64");
	return made(real(t), t);
}

int
mkostemp(char *t, int flags)
{
	static int (*real)(char *, int);

	if (real == NULL)
		real = (int (*)(char *, int))dlsym(RTLD_NEXT, "mkostemp");
	return made(real(t, flags), t);
}

int
mkostemp64(char *t, int flags)
{
	static int (*real)(char *, int);

	if (real == NULL)
		real = (int (*)(char *, int))dlsym(RTLD_NEXT, "mkostemp64");
	return made(real(t, flags), t);
}

FILE *
fopen(const char *path, const char *mode)
{
	static FILE *(*real)(const char *, const char *);
	FILE *f;

	if (real == NULL)
		real = (FILE *(*)(const char *, const char *))dlsym(RTLD_NEXT, "fopen");
	f = real(path, mode);
	if (f != NULL && strpbrk(mode, "wa") != NULL)
		arm(path);
	return f;
}

FILE *
fopen64(const char *path, const char *mode)
{
	static FILE *(*real)(const char *, const char *);
	FILE *f;

	if (real == NULL)
		real = (FILE *(*)(const char *, const char *))dlsym(RTLD_NEXT, "fopen64");
	f = real(path, mode);
	if (f != NULL && strpbrk(mode, "wa") != NULL)
		arm(path);
	return f;
}
