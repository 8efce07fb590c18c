/* transport_file.c - a snapshot saved earlier by `keyaudit collect`, for
 * offline audits and test fixtures. The target is the file's path. */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/transport/transport.h"
#include "scanner/parse/snapjson.h"

/* Larger than any real snapshot (10,000 accounts is ~30 MB). */
#define SNAPFILE_MAX (1024L * 1024 * 1024)

static int
file_collect(const char *target, const struct collect_opts *o, struct snapshot *s,
    char **err)
{
	struct stat st;
	struct buf b;
	char tmp[65536];
	ssize_t n;
	int fd, rc;

	(void)o;
	*err = NULL;
	if ((fd = open(target, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		*err = xasprintf("%s: cannot open snapshot: %s", target, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*err = xasprintf("%s: not a regular file (a snapshot JSON file was expected)",
		    target);
		close(fd);
		return -1;
	}
	if (st.st_size > SNAPFILE_MAX) {
		*err = xasprintf("%s: %lld bytes is larger than a snapshot can be (%ld MiB)",
		    target, (long long)st.st_size, SNAPFILE_MAX / (1024 * 1024));
		close(fd);
		return -1;
	}
	buf_init(&b);
	while ((n = read(fd, tmp, sizeof(tmp))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || b.len + (size_t)n > (size_t)SNAPFILE_MAX) {
			*err = n < 0 ? xasprintf("%s: read error: %s", target, strerror(errno)) :
			    xasprintf("%s: grew past %ld MiB while being read", target,
			    SNAPFILE_MAX / (1024 * 1024));
			close(fd);
			buf_free(&b);
			return -1;
		}
		buf_append(&b, tmp, (size_t)n);
	}
	close(fd);
	rc = snapshot_from_json(b.data ? b.data : "", b.len, target, s, err);
	buf_free(&b);
	return rc;
}

const struct transport transport_file = { "file", file_collect };
