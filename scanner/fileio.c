/* fileio.c - files keyaudit reads on the machine it runs on because a user
 * named them (an inventory, a policy, a baseline, a key registry, a public
 * key, a log) or ssh reads them there (known_hosts): read whole and bounded,
 * then handed to the pure parsers under scanner/parse. The parsers and the
 * checks never open a file; this is where that happens instead. */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "scanner/fileio.h"
#include "scanner/policy.h"
#include "scanner/parse/baseline.h"
#include "scanner/parse/inventory.h"
#include "scanner/parse/keyreg.h"
#include "scanner/parse/usagelog.h"

#define READ_CHUNK (256 * 1024)

/* Whole file into memory, bounded. 0; 1 when it does not exist; -1 + *err. */
int
read_file_bounded(const char *path, size_t limit, struct buf *b, char **err)
{
	FILE *f = fopen(path, "r");
	char tmp[65536];
	size_t n;

	if (f == NULL) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 1;
		*err = xasprintf("%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0) {
		if (b->len + n > limit) {
			fclose(f);
			*err = xasprintf("%s: larger than %zu MiB", path, limit >> 20);
			return -1;
		}
		buf_append(b, tmp, n);
	}
	if (ferror(f)) {
		fclose(f);
		*err = xasprintf("%s: read error (a directory?)", path);
		return -1;
	}
	fclose(f);
	return 0;
}

int
read_input_file(const char *path, size_t limit, struct buf *b, char **err)
{
	int rc = read_file_bounded(path, limit, b, err);

	if (rc == 1)
		*err = xasprintf("%s: no such file", path);
	return rc == 0 ? 0 : -1;
}

int
baseline_load(const char *path, struct baseline *out, char **err)
{
	struct buf b;
	int rc;

	buf_init(&b);
	memset(out, 0, sizeof(*out));
	rc = read_file_bounded(path, BASELINE_FILE_MAX, &b, err);
	if (rc == 1) {
		/* the first run of a gate has none yet: say how one is made */
		*err = xasprintf("%s: no such file (a first baseline is written with "
		    "--write-baseline %s)", path, path);
		rc = -1;
	}
	if (rc == 0)
		rc = baseline_parse(b.data ? b.data : "", b.len, path, out, err);
	buf_free(&b);
	return rc;
}

int
keyreg_load(const char *path, struct keyreg *out, char **err)
{
	struct buf b;
	int rc;

	buf_init(&b);
	memset(out, 0, sizeof(*out));
	rc = read_input_file(path, KEYREG_FILE_MAX, &b, err);
	if (rc == 0)
		rc = keyreg_parse(b.data ? b.data : "", b.len, path, out, err);
	buf_free(&b);
	return rc;
}

int
policy_load(const char *path, struct ka_policy **out, char **err)
{
	struct buf b;
	char *e = NULL;
	int rc;

	*out = NULL;
	buf_init(&b);
	if ((rc = read_file_bounded(path, POLICY_FILE_MAX, &b, &e)) != 0) {
		/* e already starts with the path */
		*err = rc > 0 ? xasprintf("%s: cannot read policy: no such file", path) :
		    xasprintf("cannot read policy: %s", e);
		free(e);
		buf_free(&b);
		return -1;
	}
	rc = policy_parse(b.data ? b.data : "", b.len, path, out, err);
	buf_free(&b);
	return rc;
}

int
inventory_load(const char *path, const char *limit, struct target_list *out, char **err)
{
	struct stat st;
	struct buf b;
	char tmp[65536];
	ssize_t n;
	int fd, rc;

	*err = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		*err = xasprintf("%s: cannot open inventory: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		*err = xasprintf("%s: is a directory (expected an inventory file)", path);
		close(fd);
		return -1;
	}
	buf_init(&b);
	while ((n = read(fd, tmp, sizeof(tmp))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			*err = xasprintf("%s: cannot read inventory: %s", path, strerror(errno));
			break;
		}
		if (b.len + (size_t)n > INVENTORY_MAX_BYTES) {
			*err = xasprintf("%s: larger than %u bytes (keyaudit's limit)", path,
			    INVENTORY_MAX_BYTES);
			break;
		}
		buf_append(&b, tmp, (size_t)n);
	}
	close(fd);
	if (*err != NULL) {
		buf_free(&b);
		return -1;
	}
	rc = inventory_parse(b.data ? b.data : "", b.len, path, limit, out, err);
	buf_free(&b);
	return rc;
}

static int
read_plain(struct usagelog *u, int fd, char *buf, const char *path, char **err)
{
	ssize_t r;

	while ((r = read(fd, buf, READ_CHUNK)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			*err = xasprintf("%s: %s", path, strerror(errno));
			return -1;
		}
		usagelog_feed(u, buf, (size_t)r);
	}
	return 0;
}

static int
read_gzip(struct usagelog *u, int fd, char *buf, const char *path, char **err)
{
	gzFile gz;
	const char *msg;
	int r, zerr = Z_OK;

	if ((gz = gzdopen(fd, "rb")) == NULL) {
		*err = xasprintf("%s: gzip: %s", path, strerror(errno ? errno : ENOMEM));
		close(fd);
		return -1;
	}
	gzbuffer(gz, 128 * 1024);
	while ((r = gzread(gz, buf, READ_CHUNK)) > 0)
		usagelog_feed(u, buf, (size_t)r);
	/* a truncated file reads as its end, with the error set */
	msg = gzerror(gz, &zerr);
	/* zlib puts its name for the file first: "<fd:3>: " */
	if (strncmp(msg, "<fd:", 4) == 0 && strstr(msg, ": ") != NULL)
		msg = strstr(msg, ": ") + 2;
	if (r < 0 || (zerr != Z_OK && zerr != Z_STREAM_END)) {
		*err = xasprintf("%s: gzip: %s", path, zerr == Z_ERRNO ?
		    strerror(errno) : zerr == Z_BUF_ERROR ? "truncated" : msg);
		gzclose(gz);
		return -1;
	}
	gzclose(gz);
	return 0;
}

int
usagelog_read_file(struct usagelog *u, const char *path, char **err)
{
	unsigned char magic[2];
	struct stat st;
	char *buf;
	int fd, rc;

	*err = NULL;
	/* the file starts a line of its own */
	usagelog_break(u, 1);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		*err = xasprintf("%s: %s", path, strerror(EISDIR));
		close(fd);
		return -1;
	}
	buf = xmalloc(READ_CHUNK);
	/* gzip by its magic; pread leaves the offset (and fails on a pipe,
	 * which is then read as text) */
	if (pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
		rc = read_gzip(u, fd, buf, path, err);	/* closes fd */
	else {
		rc = read_plain(u, fd, buf, path, err);
		close(fd);
	}
	free(buf);
	/* the last line ends with the file; a broken one is dropped */
	usagelog_break(u, rc == 0);
	return rc;
}
