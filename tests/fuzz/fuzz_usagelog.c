/* fuzz_usagelog.c - libFuzzer target: any bytes as an sshd log for
 * scanner/parse/usagelog.c, fed whole and again in pieces the input chooses
 * (gzip input also through usagelog_read_file). Nothing may crash, hang,
 * leak or read past the data; and the target aborts unless the pieces read
 * as the whole, every key is printable and well-formed, sorted, and the
 * counts add up. */
#include <sys/mman.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scanner/parse/usagelog.h"
#include "scanner/util.h"
#include "scanner/fileio.h"

#define NOW	1795514400	/* 2026-11-24 10:00:00 UTC */

static int
shown_ok(const char *s)
{
	size_t n;

	if (s == NULL || *s == '\0')
		return 0;
	n = strlen(s);
	return !str_has_control(s, n) && utf8_valid(s, n);
}

static int
fp_ok(const char *s)
{
	size_t n = strlen(s);

	return (n == 50 && strncmp(s, "SHA256:", 7) == 0) ||
	    (n == 51 && strncmp(s, "MD5:", 4) == 0) || n == 47;
}

/* The keys and window as text, after checking what must hold. */
static char *
check(const struct usagelog *u, size_t len)
{
	struct buf b;
	int64_t first, last;
	unsigned long lines, accepted, sum = 0;
	const struct key_use *prev = NULL;

	usagelog_window(u, &first, &last, &lines, &accepted);
	if ((first == 0) != (last == 0) || first > last || lines > len + 1 ||
	    accepted > lines || usagelog_count(u) > accepted)
		abort();
	buf_init(&b);
	buf_printf(&b, "%lld %lld %lu %lu\n", (long long)first, (long long)last,
	    lines, accepted);
	for (size_t i = 0; i < usagelog_count(u); i++) {
		const struct key_use *k = usagelog_at(u, i);

		if (k == NULL || !shown_ok(k->user) || !shown_ok(k->fp) || !fp_ok(k->fp) ||
		    !shown_ok(k->type) || !shown_ok(k->last_addr) || k->count == 0 ||
		    (k->file != NULL && !shown_ok(k->file)) ||
		    (k->file == NULL && k->line != 0) || k->line < 0 ||
		    (k->last != 0 && (k->last < first || k->last > last)))
			abort();
		if (prev != NULL) {
			int c = strcmp(prev->user, k->user);

			if (c > 0 || (c == 0 && strcmp(prev->fp, k->fp) >= 0))
				abort();
		}
		prev = k;
		sum += k->count;
		buf_printf(&b, "%s %s %s %lld %s %lu %s:%ld %d\n", k->user, k->fp,
		    k->type, (long long)k->last, k->last_addr, k->count,
		    k->file ? k->file : "-", k->line, k->cert);
	}
	if (usagelog_at(u, usagelog_count(u)) != NULL ||
	    sum + usagelog_dropped(u) != accepted)
		abort();
	return buf_steal(&b);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data;
	struct usagelog *u = usagelog_new(NOW);
	char *whole, *pieces;
	uint64_t h = 1469598103934665603ULL;

	/* whole */
	usagelog_feed(u, d, size);
	usagelog_end(u);
	whole = check(u, size);
	usagelog_free(u);

	/* in pieces of 1 to 64 bytes, their sizes drawn from the data */
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 1099511628211ULL;
	u = usagelog_new(NOW);
	for (size_t pos = 0; pos < size;) {
		size_t n = 1 + (h >> 58);

		h = h * 6364136223846793005ULL + 1442695040888963407ULL;
		if (n > size - pos)
			n = size - pos;
		usagelog_feed(u, d + pos, n);
		pos += n;
	}
	usagelog_end(u);
	pieces = check(u, size);
	usagelog_free(u);
	if (strcmp(whole, pieces) != 0)
		abort();
	free(whole);
	free(pieces);

	/* gzip goes through the file reader too */
	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
		int fd = memfd_create("usagelog", 0);
		char path[64], *err = NULL;

		if (fd >= 0 && write(fd, data, size) == (ssize_t)size) {
			snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
			u = usagelog_new(NOW);
			if (usagelog_read_file(u, path, &err) != 0 &&
			    (err == NULL || strchr(err, '\n') != NULL))
				abort();
			free(err);
			free(check(u, SIZE_MAX - 1));
			usagelog_free(u);
		}
		if (fd >= 0)
			close(fd);
	}
	return 0;
}
