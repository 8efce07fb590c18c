/* inroot.c - resolve paths of an image at --root DIR inside DIR (inroot.h). */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/transport/inroot.h"
#include "scanner/util.h"

/* Component by component, each O_NOFOLLOW: for kernels without openat2.
 * ".." is refused rather than interpreted: callers pass canonical paths. */
static int
walk_open(int rootfd, const char *path, int flags)
{
	/* no malloc: readas.c calls this between fork and exec */
	char copy[4096], *p = copy, *comp;
	size_t len = strlen(path);
	int dfd, fd = -1, e;

	if (len >= sizeof(copy)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(copy, path, len + 1);
	if ((dfd = fcntl(rootfd, F_DUPFD_CLOEXEC, 3)) < 0)
		return -1;
	for (;;) {
		char *slash;
		int nfd;

		while (*p == '/')
			p++;
		comp = p;
		slash = strchr(p, '/');
		if (slash != NULL)
			*slash = '\0';
		p = slash ? slash + 1 : p + strlen(p);
		while (*p == '/')
			p++;
		if (strcmp(comp, "..") == 0) {
			errno = EXDEV;
			break;
		}
		if (*p == '\0') {
			/* the last component */
			fd = openat(dfd, comp[0] && strcmp(comp, ".") ? comp : ".",
			    flags | O_NOFOLLOW | O_CLOEXEC);
			break;
		}
		if (comp[0] == '\0' || strcmp(comp, ".") == 0)
			continue;
		nfd = openat(dfd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0)
			break;
		close(dfd);
		dfd = nfd;
	}
	e = errno;
	close(dfd);
	errno = e;
	return fd;
}

int
inroot_open(int rootfd, const char *path, int flags)
{
	struct open_how how;
	long fd;

	memset(&how, 0, sizeof(how));
	how.flags = (unsigned)(flags | O_CLOEXEC);
	/* RESOLVE_IN_ROOT: "/" and ".." stop at rootfd, absolute links start
	 * there; no magic links (/proc/self/fd/N would leave the image). */
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	do
		fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN);
	if (fd >= 0 || errno != ENOSYS)
		return (int)fd;
	return walk_open(rootfd, path, flags);
}

/* The directory holding path, opened inside the image, and path's last
 * component in *base (a pointer into path). "/" itself has no parent. */
static int
parent_fd(int rootfd, const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	if (slash == NULL || slash[1] == '\0') {
		errno = EINVAL;
		return -1;
	}
	*base = slash + 1;
	dir = slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
	fd = inroot_open(rootfd, dir, O_PATH | O_DIRECTORY);
	free(dir);
	return fd;
}

int
inroot_lstat(int rootfd, const char *path, struct stat *st)
{
	const char *base;
	int dfd, rc, e;

	if (strcmp(path, "/") == 0)
		return fstat(rootfd, st);
	if ((dfd = parent_fd(rootfd, path, &base)) < 0)
		return -1;
	rc = fstatat(dfd, base, st, AT_SYMLINK_NOFOLLOW);
	e = errno;
	close(dfd);
	errno = e;
	return rc;
}

ssize_t
inroot_readlink(int rootfd, const char *path, char *buf, size_t size)
{
	const char *base;
	ssize_t n;
	int dfd, e;

	if ((dfd = parent_fd(rootfd, path, &base)) < 0)
		return -1;
	n = readlinkat(dfd, base, buf, size);
	e = errno;
	close(dfd);
	errno = e;
	return n;
}

/* glob's ALTDIRFUNC hooks take no argument: the image of this thread. */
static __thread int glob_rootfd = -1;

static void *
g_opendir(const char *name)
{
	int fd = inroot_open(glob_rootfd, name[0] ? name : "/", O_RDONLY | O_DIRECTORY);
	DIR *d;

	if (fd < 0)
		return NULL;
	if ((d = fdopendir(fd)) == NULL)
		close(fd);
	return d;
}

static struct dirent *
g_readdir(void *d)
{
	return readdir(d);
}

static void
g_closedir(void *d)
{
	closedir(d);
}

static int
g_lstat(const char *name, struct stat *st)
{
	return inroot_lstat(glob_rootfd, name, st);
}

static int
g_stat(const char *name, struct stat *st)
{
	int fd = inroot_open(glob_rootfd, name, O_PATH), rc, e;

	if (fd < 0)
		return -1;
	rc = fstat(fd, st);
	e = errno;
	close(fd);
	errno = e;
	return rc;
}

int
inroot_glob(int rootfd, const char *pattern, size_t limit, char ***matches, size_t *n)
{
	glob_t g;
	int rc;

	memset(&g, 0, sizeof(g));
	g.gl_opendir = g_opendir;
	g.gl_readdir = g_readdir;
	g.gl_closedir = g_closedir;
	g.gl_lstat = g_lstat;
	g.gl_stat = g_stat;
	glob_rootfd = rootfd;
	rc = glob(pattern, GLOB_ALTDIRFUNC, NULL, &g);
	glob_rootfd = -1;
	*matches = NULL;
	*n = 0;
	if (rc != 0)
		return rc;
	*matches = xcalloc(g.gl_pathc ? g.gl_pathc : 1, sizeof(**matches));
	for (size_t i = 0; i < g.gl_pathc && i < limit; i++)
		(*matches)[(*n)++] = xstrdup(g.gl_pathv[i]);
	globfree(&g);
	return 0;
}

void
inroot_globfree(char **matches, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(matches[i]);
	free(matches);
}
