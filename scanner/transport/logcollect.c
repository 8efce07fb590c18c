/* logcollect.c - sshd's login lines from this machine (or --root DIR) into
 * a snapshot, for the last use of each key. It is collector.sh's log
 * section in C and must stay byte for byte the same (tests/cli/collector.sh
 * compares them): the same sources in the same order, the same awk filter,
 * the same budget kept as `tail -c` keeps it.
 *
 * Only a few lines of a log matter, so a log of any size costs one pass and
 * at most twice SNAP_AUTHLOG_LIMIT of memory. Under --root every log path
 * resolves inside the image (inroot.c): its /var/log/auth.log may be a link
 * to /etc/shadow, and the first line of a log is kept. */
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "scanner/transport/inroot.h"
#include "scanner/transport/transport.h"

extern char **environ;

#define JOURNAL_SECONDS	60	/* collector.sh: timeout 60 journalctl */
#define MAX_ROTATIONS	99

/*
 * The awk program of collector.sh, as a stream: the first line of a source,
 * every line with one of the needles, and the last line when it was not
 * printed already. Lines are as awk splits them (on LF; a last line without
 * one gets one). The output keeps only its newest `keep` bytes.
 */
struct lfilter {
	struct buf line;	/* the line being read */
	struct buf last;	/* the last line not printed */
	struct buf out;
	size_t keep;
	unsigned long nr, printed;
};

static const char *const needles[] = {
	"Accepted publickey for ", "Accepted key ", "Accepted certificate ID ",
};

static void
out_add(struct lfilter *f, const char *p, size_t n)
{
	buf_append(&f->out, p, n);
	/* tail -c: only the newest keep bytes can survive */
	if (f->out.len > 2 * f->keep + 65536) {
		memmove(f->out.data, f->out.data + f->out.len - f->keep, f->keep);
		f->out.len = f->keep;
	}
}

static int
wanted(const char *p, size_t n)
{
	for (size_t i = 0; i < KA_ARRLEN(needles); i++)
		if (memmem(p, n, needles[i], strlen(needles[i])) != NULL)
			return 1;
	return 0;
}

static void
end_line(struct lfilter *f)
{
	f->nr++;
	if (f->nr == 1 || wanted(f->line.data, f->line.len)) {
		out_add(f, f->line.data, f->line.len);
		out_add(f, "\n", 1);
		f->printed = f->nr;
	} else {
		f->last.len = 0;
		buf_append(&f->last, f->line.data, f->line.len);
	}
	f->line.len = 0;
}

static void
lfilter_feed(struct lfilter *f, const char *p, size_t n)
{
	while (n > 0) {
		const char *nl = memchr(p, '\n', n);
		size_t k = nl ? (size_t)(nl - p) : n;

		/* A line is only ever searched for short needles; one longer than
		 * any log line is cut (awk would keep it whole). */
		if (f->line.len < 65536)
			buf_append(&f->line, p, k < 65536 - f->line.len ? k : 65536 - f->line.len);
		if (nl == NULL)
			return;
		end_line(f);
		p += k + 1;
		n -= k + 1;
	}
}

static void
lfilter_end(struct lfilter *f)
{
	if (f->line.len > 0)
		end_line(f);
	if (f->nr > f->printed) {
		out_add(f, f->last.data, f->last.len);
		out_add(f, "\n", 1);
	}
}

/* The filtered text into a, as collector.sh's logdata: tail -c budget+1,
 * the shell's $(...) drops NUL bytes, more than budget left means older
 * lines were dropped. */
static void
store(struct snap_authlog *a, struct lfilter *f, size_t *budget)
{
	size_t start = f->out.len > *budget + 1 ? f->out.len - (*budget + 1) : 0, n = 0;
	char *t = xmalloc(f->out.len - start + 1);

	for (size_t i = start; i < f->out.len; i++)
		if (f->out.data[i] != '\0')
			t[n++] = f->out.data[i];
	if (n > *budget) {
		memmove(t, t + 1, n - 1);
		n--;
		a->truncated = 1;
		*budget = 0;
	} else
		*budget -= n;
	t[n] = '\0';
	a->lines = t;
	a->len = n;
}

static void
lfilter_init(struct lfilter *f, size_t budget)
{
	memset(f, 0, sizeof(*f));
	buf_init(&f->line);
	buf_init(&f->last);
	buf_init(&f->out);
	f->keep = budget + 1;
}

static void
lfilter_free(struct lfilter *f)
{
	buf_free(&f->line);
	buf_free(&f->last);
	buf_free(&f->out);
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* One file, as collector.sh's logsrc: the checks in the same order, gzip
 * by name. */
static void
log_file(struct snapshot *s, int rootfd, const char *path, size_t *budget)
{
	struct snap_authlog *a = snap_authlog_add(s, path);
	char *hp = xstrdup(path);
	struct lfilter f;
	struct stat st;
	char tmp[65536];
	int fd = -1, failed = 0;

	if (*budget == 0) {
		a->error = xstrdup("not read: the 16 MiB for log lines went to newer logs");
		goto out;
	}
	if (rootfd >= 0) {
		fd = inroot_open(rootfd, path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
		if (fd < 0 || fstat(fd, &st) != 0) {
			a->error = xstrdup(fd < 0 && errno != ENOENT && errno != ENOTDIR ?
			    "not readable by the collector's user" : "no such file");
			goto out;
		}
		if (!S_ISREG(st.st_mode)) {
			a->error = xstrdup("not a regular file");
			goto out;
		}
	} else if (stat(hp, &st) != 0) {
		a->error = xstrdup("no such file");
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		a->error = xstrdup("not a regular file");
		goto out;
	}
	if (fd < 0 && (access(hp, R_OK) != 0 ||
	    (fd = open(hp, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) < 0)) {
		a->error = xstrdup("not readable by the collector's user");
		goto out;
	}
	lfilter_init(&f, *budget);
	if (ends_with(path, ".gz")) {
		gzFile gz = gzdopen(fd, "rb");
		int n;

		fd = -1;
		if (gz == NULL)
			failed = 1;
		else {
			gzbuffer(gz, sizeof(tmp));
			while ((n = gzread(gz, tmp, sizeof(tmp))) > 0) {
				if (gzdirect(gz)) {
					failed = 1;
					break;
				}
				lfilter_feed(&f, tmp, (size_t)n);
			}
			if (n < 0)
				failed = 1;
			gzclose(gz);
		}
	} else {
		ssize_t n;

		while ((n = read(fd, tmp, sizeof(tmp))) > 0)
			lfilter_feed(&f, tmp, (size_t)n);
	}
	if (failed)
		a->error = xstrdup("could not be decompressed");
	else {
		lfilter_end(&f);
		store(a, &f, budget);
	}
	lfilter_free(&f);
out:
	if (fd >= 0)
		close(fd);
	free(hp);
}

static int
exists(int rootfd, const char *path)
{
	struct stat st;
	int fd;

	if (rootfd < 0)
		return stat(path, &st) == 0;
	if ((fd = inroot_open(rootfd, path, O_PATH)) < 0)
		return 0;
	close(fd);
	return 1;
}

/* journalctl's sshd lines, at most JOURNAL_SECONDS; what came before a
 * timeout still counts, as with timeout(1). sshd logs under three names:
 * sshd (every release), sshd-session (9.8 on: the per-connection process
 * that logs "Accepted publickey"), sshd-auth (10.0 on: the unprivileged
 * pre-authentication process), as log_sshd_name knows them. */
static void
log_journal(struct snapshot *s, size_t *budget)
{
	static const char *const paths[] = { "/usr/bin/journalctl", "/bin/journalctl" };
	const char *argv[] = { NULL, "-q", "--no-pager", "-o", "short-iso", "-t", "sshd",
		"-t", "sshd-session", "-t", "sshd-auth", NULL };
	posix_spawn_file_actions_t fa;
	struct snap_authlog *a;
	struct timespec start, now;
	struct lfilter f;
	int po[2], status;
	pid_t pid;

	for (size_t i = 0; i < KA_ARRLEN(paths) && argv[0] == NULL; i++)
		if (access(paths[i], X_OK) == 0)
			argv[0] = paths[i];
	if (argv[0] == NULL)
		return;
	a = snap_authlog_add(s, "journalctl");
	lfilter_init(&f, *budget);
	if (pipe(po) != 0)
		goto done;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addclose(&fa, po[0]);
	status = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(po[1]);
	if (status != 0) {
		close(po[0]);
		goto done;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd pfd = { po[0], POLLIN, 0 };
		char tmp[65536];
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= JOURNAL_SECONDS) {
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&pfd, 1, 500) <= 0)
			continue;
		if ((n = read(po[0], tmp, sizeof(tmp))) <= 0)
			break;
		lfilter_feed(&f, tmp, (size_t)n);
	}
	close(po[0]);
	waitpid(pid, &status, 0);
done:
	lfilter_end(&f);
	store(a, &f, budget);
	lfilter_free(&f);
}

void
collect_auth_logs(struct snapshot *s, const char *root, const struct strlist *files)
{
	static const char *const bases[] = { "/var/log/auth.log", "/var/log/secure" };
	size_t budget = SNAP_AUTHLOG_LIMIT;
	int any = 0, rootfd = -1;

	if (root != NULL && root[0] != '\0' && strcmp(root, "/") != 0 &&
	    (rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return;
	s->authlogs_asked = 1;
	if (files != NULL && files->n > 0) {
		for (size_t i = 0; i < files->n; i++)
			log_file(s, rootfd, files->v[i], &budget);
		goto out;
	}
	for (size_t b = 0; b < KA_ARRLEN(bases); b++) {
		char *pat, *p, **m = NULL;
		size_t nm = 0;
		glob_t g;
		int rc;

		if (exists(rootfd, bases[b])) {
			log_file(s, rootfd, bases[b], &budget);
			any = 1;
		}
		for (int n = 1; n <= MAX_ROTATIONS; n++) {
			p = xasprintf("%s.%d", bases[b], n);
			if (!exists(rootfd, p)) {
				free(p);
				p = xasprintf("%s.%d.gz", bases[b], n);
				if (!exists(rootfd, p)) {
					free(p);
					break;
				}
			}
			log_file(s, rootfd, p, &budget);
			free(p);
			any = 1;
		}
		/* logrotate dateext: newest (last in glob's order) first */
		pat = xasprintf("%s-[0-9]*", bases[b]);
		if (rootfd >= 0)
			rc = inroot_glob(rootfd, pat, 4096, &m, &nm);
		else if ((rc = glob(pat, 0, NULL, &g)) == 0) {
			m = g.gl_pathv;
			nm = g.gl_pathc;
		}
		for (size_t i = nm; rc == 0 && i-- > 0;) {
			if (!exists(rootfd, m[i]))
				continue;
			log_file(s, rootfd, m[i], &budget);
			any = 1;
		}
		if (rc == 0 && rootfd >= 0)
			inroot_globfree(m, nm);
		else if (rc == 0)
			globfree(&g);
		free(pat);
	}
	if (!any && rootfd < 0)
		log_journal(s, &budget);
out:
	if (rootfd >= 0)
		close(rootfd);
}
