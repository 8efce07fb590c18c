/* clientconf_io.c - the real filesystem behind clientconf: read a file
 * (with ssh's owner and mode check where ssh makes it), expand an Include
 * glob, look up a user's home, the environment and this machine's name. */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/parse/clientconf.h"

static int
fs_read(void *ctx, const char *path, int checkperm, char **data, size_t *len)
{
	struct stat st;
	struct buf b;
	char tmp[65536];
	ssize_t n;
	int fd, e;

	(void)ctx;
	*data = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto fail;
	/* readconf.c read_config_file_depth(), SSHCONF_CHECKPERM */
	if (checkperm && ((st.st_uid != 0 && st.st_uid != getuid()) ||
	    (st.st_mode & 022) != 0)) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	buf_init(&b);
	if (S_ISREG(st.st_mode)) {
		while ((n = read(fd, tmp, sizeof(tmp))) != 0) {
			if (n < 0) {
				if (errno == EINTR)
					continue;
				e = errno;
				buf_free(&b);
				close(fd);
				errno = e;
				return -1;
			}
			if (b.len + (size_t)n > CLIENTCONF_MAX_FILE_BYTES) {
				buf_free(&b);
				close(fd);
				errno = EFBIG;
				return -1;
			}
			buf_append(&b, tmp, (size_t)n);
		}
	}
	/* anything else (a directory) reads as nothing, as fopen+getline */
	close(fd);
	*len = b.len;
	*data = buf_steal(&b);
	return 0;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

static int
fs_glob(void *ctx, const char *pattern, struct strlist *out)
{
	glob_t g;
	int r;

	(void)ctx;
	memset(&g, 0, sizeof(g));
	r = glob(pattern, 0, NULL, &g);
	if (r == GLOB_NOMATCH) {
		globfree(&g);
		return 0;
	}
	if (r != 0) {
		globfree(&g);
		return -1;
	}
	for (size_t i = 0; i < g.gl_pathc; i++)
		strlist_add(out, g.gl_pathv[i]);
	globfree(&g);
	return 0;
}

/* Thread-safe: the answer is kept in a small per-thread cache. */
static const char *
fs_home_of(void *ctx, const char *name)
{
	static __thread char home[4096];
	struct passwd pw, *res = NULL;
	char buf[16384];

	(void)ctx;
	if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) != 0 || res == NULL ||
	    strlen(pw.pw_dir) >= sizeof(home))
		return NULL;
	memcpy(home, pw.pw_dir, strlen(pw.pw_dir) + 1);
	return home;
}

static const char *
fs_getenv(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

static const char *
fs_hostname(void *ctx)
{
	static __thread char name[256];

	(void)ctx;
	if (gethostname(name, sizeof(name) - 1) != 0)
		return NULL;
	name[sizeof(name) - 1] = '\0';
	return name;
}

static long
fs_uid(void *ctx)
{
	(void)ctx;
	return (long)getuid();
}

const struct clientconf_io clientconf_io_fs = {
	fs_read, fs_glob, fs_home_of, fs_getenv, fs_hostname, fs_uid, NULL,
};
