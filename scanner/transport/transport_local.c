/* transport_local.c - fill a snapshot from the machine keyaudit runs on, or
 * from an image mounted at --root DIR as if DIR were "/".
 *
 * Every path is resolved here with the same algorithm the checks use later
 * (path_resolve), recording each lstat on the way, so a snapshot holds
 * exactly the components StrictModes will walk. Symlinks are followed by
 * hand, and under --root every system call resolves inside DIR (inroot.c),
 * so a link in the image never leads to this machine's files. Metadata is
 * root's (sshd's StrictModes walk runs as root); the content of what an
 * account controls (its AuthorizedKeysFiles, known_hosts, ~/.ssh/id_*) is
 * read with the account's credentials (readas.c), as sshd reads it.
 * Read-only: nothing is ever opened for writing, no FIFO or device is ever
 * opened for reading. */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "scanner/transport/inroot.h"
#include "scanner/transport/readas.h"
#include "scanner/transport/sandbox.h"
#include "scanner/transport/transport.h"
#include "scanner/context.h"
#include "scanner/parse/pam.h"
#include "scanner/parse/passwd.h"
#include "scanner/parse/privkey.h"
#include "scanner/parse/release.h"

extern char **environ;

/* sshd -T prints ~100 lines; anything near this is not sshd -T. */
#define SPAWN_OUTPUT_LIMIT (256u * 1024)
#define SPAWN_SECONDS 10

/* sshd is about 1 MiB; the version string sits in its read-only data. */
#define SSHD_BINARY_LIMIT (16u * 1024 * 1024)

struct lc {
	struct snapshot *snap;
	const char *root;	/* "" when none */
	int rootfd;		/* --root DIR opened O_PATH, or -1 */
	int selinux;		/* SELinux is enabled here: keep each label */
};

/* lstat(2), readlink(2) and open(2) of a target path: under --root inside
 * the image (the directories on the way resolve there too). */
static int
lc_lstat(const struct lc *lc, const char *path, struct stat *st)
{
	return lc->rootfd >= 0 ? inroot_lstat(lc->rootfd, path, st) : lstat(path, st);
}

static ssize_t
lc_readlink(const struct lc *lc, const char *path, char *buf, size_t size)
{
	return lc->rootfd >= 0 ? inroot_readlink(lc->rootfd, path, buf, size) :
	    readlink(path, buf, size);
}

static int
lc_open(const struct lc *lc, const char *path, int flags)
{
	return lc->rootfd >= 0 ? inroot_open(lc->rootfd, path, flags) :
	    open(path, flags | O_CLOEXEC);
}

static char *
host_path(const struct lc *lc, const char *path)
{
	return xasprintf("%s%s", lc->root, path);
}

static enum snap_ftype
ftype_of(mode_t m)
{
	if (S_ISREG(m))
		return SNAP_REG;
	if (S_ISDIR(m))
		return SNAP_DIR;
	if (S_ISLNK(m))
		return SNAP_LNK;
	if (S_ISFIFO(m))
		return SNAP_FIFO;
	if (S_ISSOCK(m))
		return SNAP_SOCK;
	if (S_ISCHR(m))
		return SNAP_CHR;
	if (S_ISBLK(m))
		return SNAP_BLK;
	return SNAP_UNKNOWN;
}

/* path_lookup_fn: lstat one component and remember the answer. */
static const struct snap_file *
lstat_record(void *arg, const char *path)
{
	struct lc *lc = arg;
	const struct snap_file *old = snap_file_get(lc->snap, path);
	struct snap_file *f;
	struct stat st;

	if (old != NULL)
		return old;
	f = snap_file_add(lc->snap, path);
	if (lc_lstat(lc, path, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			f->type = SNAP_NOENT;
		else {
			f->type = SNAP_UNKNOWN;
			f->error = xstrdup(strerror(errno));
		}
		return f;
	}
	f->type = ftype_of(st.st_mode);
	f->mode = st.st_mode & 07777;
	f->uid = st.st_uid;
	f->gid = st.st_gid;
	f->size = st.st_size;
	f->mtime = st.st_mtime;
	if (lc->selinux) {
		/* the context sshd's domain is checked against (ls -Z) */
		char ctxbuf[256];
		ssize_t n = lgetxattr(path, "security.selinux", ctxbuf, sizeof(ctxbuf) - 1);

		if (n > 0) {
			ctxbuf[n] = '\0';
			f->selinux = str_printable(ctxbuf, strnlen(ctxbuf, (size_t)n));
		}
	}
	if (f->type == SNAP_LNK) {
		char buf[4096];
		ssize_t n = lc_readlink(lc, path, buf, sizeof(buf) - 1);
		if (n >= 0) {
			buf[n] = '\0';
			f->link = xstrdup(buf);
		} else {
			f->type = SNAP_UNKNOWN;
			f->error = xstrdup(strerror(errno));
		}
	}
	return f;
}

/* Content as it is kept: a pasted private key blanked line for line. */
static void
set_content(struct snap_file *f, struct buf *b)
{
	size_t rlen;
	char *red = redact_private_blocks(b->data ? b->data : "", b->len, &rlen);

	if (red != NULL) {
		explicit_bzero(b->data, b->len);
		buf_free(b);
		f->content = red;
		f->content_len = rlen;
	} else {
		f->content_len = b->len;
		f->content = buf_steal(b);
	}
	f->has_content = 1;
	free(f->read_error);
	f->read_error = NULL;
}

/* Read a system file's content as keyaudit (sshd reads these as root),
 * bounded; never blocks on odd files. A file some account could not read
 * through its own paths is still read here: the denial is that account's. */
static void
read_content(struct lc *lc, struct snap_file *f)
{
	struct stat st;
	struct buf b;
	char tmp[65536];
	ssize_t n;
	int fd;

	if (f->has_content || (f->read_error != NULL && f->ndenied == 0) ||
	    f->type != SNAP_REG)
		return;
	free(f->read_error);
	f->read_error = NULL;
	fd = lc_open(lc, f->path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0) {
		f->read_error = xstrdup(strerror(errno));
		return;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		f->read_error = xstrdup("changed while being read");
		close(fd);
		return;
	}
	buf_init(&b);
	while (b.len < SNAP_CONTENT_LIMIT) {
		size_t want = sizeof(tmp);
		if (want > SNAP_CONTENT_LIMIT - b.len)
			want = SNAP_CONTENT_LIMIT - b.len;
		n = read(fd, tmp, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			f->read_error = xstrdup(strerror(errno));
			break;
		}
		if (n == 0)
			break;
		buf_append(&b, tmp, (size_t)n);
	}
	if (b.len >= SNAP_CONTENT_LIMIT && read(fd, tmp, 1) > 0)
		f->truncated = 1;
	close(fd);
	if (f->read_error != NULL) {
		buf_free(&b);
		return;
	}
	set_content(f, &b);
}

/* Resolve path recording every component; read the final file's content
 * when asked. Returns the final entry, or NULL when it does not resolve. */
static struct snap_file *
collect_path(struct lc *lc, const char *path, int content)
{
	char *canon = NULL;
	const char *why;
	struct snap_file *f;

	if (path == NULL || path[0] != '/')
		return NULL;
	lstat_record(lc, path);
	if (path_resolve(path, lstat_record, lc, &canon, &why) != 0)
		return NULL;
	f = (struct snap_file *)snap_file_get(lc->snap, canon);
	free(canon);
	if (f != NULL && content)
		read_content(lc, f);
	return f;
}

/* Whole small system file (passwd, group, ...), or NULL. */
static const struct snap_file *
system_file(struct lc *lc, const char *path)
{
	const struct snap_file *f = collect_path(lc, path, 1);

	return f != NULL && f->has_content ? f : NULL;
}

/* sshdconf_io backed by the disk; records everything it reads. */
static int
disk_read(void *arg, const char *path, const char **data, size_t *len)
{
	struct snap_file *f = collect_path(arg, path, 1);

	return snap_file_data(f, data, len);
}

static int
disk_glob(void *arg, const char *pattern, struct strlist *out)
{
	struct lc *lc = arg;
	struct snap_glob *sg = snap_glob_add(lc->snap, pattern);
	char **m = NULL;
	size_t n = 0;
	glob_t g;
	int rc;

	if (lc->rootfd >= 0)
		rc = inroot_glob(lc->rootfd, pattern, 4096, &m, &n);
	else if ((rc = glob(pattern, 0, NULL, &g)) == 0) {
		m = g.gl_pathv;
		n = g.gl_pathc < 4096 ? g.gl_pathc : 4096;
	}
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (!strlist_has(&sg->matches, m[i]))
			strlist_add(&sg->matches, m[i]);
	if (rc == 0 || rc == GLOB_NOMATCH) {
		for (size_t i = 0; i < sg->matches.n; i++)
			strlist_add(out, sg->matches.v[i]);
	}
	if (rc == 0 && lc->rootfd >= 0)
		inroot_globfree(m, n);
	else if (rc == 0)
		globfree(&g);
	return rc == 0 || rc == GLOB_NOMATCH ? 0 : -1;
}

static const char *
disk_home_of(void *arg, const char *name)
{
	struct lc *lc = arg;
	const struct snap_account *a;

	a = name ? snap_account_by_name(lc->snap, name) : snap_account_by_uid(lc->snap, 0);
	return a ? a->home : NULL;
}

/*
 * The version sshd announces in its banner, read from the binary itself:
 * `sshd -V` prints only "OpenSSH_9.2" on Debian, while the banner string
 * "OpenSSH_9.2p1 Debian-2+deb12u10" (which decides the StrictModes rule) is
 * compiled in. Works under --root too, and runs nothing. The longest
 * "OpenSSH_<digits>.<digits>p<digits>[ <suffix>]" in the file wins.
 */
static char *
sshd_version(struct lc *lc)
{
	char *data, *best = NULL;
	size_t len = 0, bestlen = 0;
	struct stat st;
	ssize_t n;
	int fd;

	fd = lc_open(lc, "/usr/sbin/sshd", O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	data = xmalloc(SSHD_BINARY_LIMIT);
	while (len < SSHD_BINARY_LIMIT &&
	    (n = read(fd, data + len, SSHD_BINARY_LIMIT - len)) > 0)
		len += (size_t)n;
	close(fd);
	for (size_t i = 0; i + 8 < len; i++) {
		const char *p = data + i;
		size_t j = 8;

		if (p[0] != 'O' || memcmp(p, "OpenSSH_", 8) != 0)
			continue;
		while (i + j < len && isdigit((unsigned char)p[j]))
			j++;
		if (j == 8 || i + j >= len || p[j] != '.')
			continue;
		for (j++; i + j < len && isdigit((unsigned char)p[j]); j++)
			;
		if (i + j >= len || p[j] != 'p')
			continue;
		for (j++; i + j < len && isdigit((unsigned char)p[j]); j++)
			;
		if (i + j + 1 < len && p[j] == ' ' && isalnum((unsigned char)p[j + 1]))
			for (j++; i + j < len && (isalnum((unsigned char)p[j]) ||
			    strchr(".+~_-", p[j])) && p[j] != '\0'; j++)
				;
		if (j > bestlen && j < 128) {
			best = data + i;
			bestlen = j;
		}
	}
	best = best ? xstrndup(best, bestlen) : NULL;
	free(data);
	return best;
}

/*
 * Run argv (no shell: every argument is passed as is) with stdin from
 * /dev/null; collect stdout and stderr, each bounded, for at most
 * SPAWN_SECONDS. With a root, argv[0] is the image's program, run in the
 * sandbox (sandbox.c). Returns the exit status, or -1 when it could not
 * run or was killed.
 */
static int
spawn_capture(const char *root, const char *const argv[], struct buf *out,
    struct buf *err)
{
	posix_spawn_file_actions_t fa;
	int po[2], pe[2], status, open_fds = 2;
	struct timespec start, now;
	pid_t pid;

	if (pipe2(po, O_CLOEXEC) != 0)
		return -1;
	if (pipe2(pe, O_CLOEXEC) != 0) {
		close(po[0]);
		close(po[1]);
		return -1;
	}
	if (root != NULL) {
		pid = sandbox_spawn(root, argv, po[1], pe[1]);
		status = pid < 0;
	} else {
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
		posix_spawn_file_actions_adddup2(&fa, po[1], 1);
		posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
		posix_spawn_file_actions_addclose(&fa, po[0]);
		posix_spawn_file_actions_addclose(&fa, pe[0]);
		status = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
		posix_spawn_file_actions_destroy(&fa);
	}
	close(po[1]);
	close(pe[1]);
	if (status != 0) {
		close(po[0]);
		close(pe[0]);
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (open_fds > 0) {
		struct pollfd pfd[2] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 } };
		char tmp[8192];

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= SPAWN_SECONDS)
			break;
		if (poll(pfd, 2, 500) <= 0)
			continue;
		for (int k = 0; k < 2; k++) {
			struct buf *b = k == 0 ? out : err;
			ssize_t n;

			if (pfd[k].fd < 0 || !(pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(pfd[k].fd, tmp, sizeof(tmp));
			if (n <= 0) {
				close(pfd[k].fd);
				if (k == 0)
					po[0] = -1;
				else
					pe[0] = -1;
				open_fds--;
			} else if (b->len < SPAWN_OUTPUT_LIMIT)
				buf_append(b, tmp, (size_t)n);
		}
	}
	if (po[0] >= 0)
		close(po[0]);
	if (pe[0] >= 0)
		close(pe[0]);
	if (open_fds > 0)
		kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) != pid || open_fds > 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * With privileges, ask the target's own sshd for each audited user's
 * effective configuration (sshd -T loads host keys, so it needs root). The
 * engine compares its own answer with this one; sshd's wins.
 */
static void
collect_sshd_t(struct lc *lc, const struct collect_opts *o)
{
	struct snapshot *s = lc->snap;

	if (o->root != NULL || geteuid() != 0 || access("/usr/sbin/sshd", X_OK) != 0)
		return;
	s->sshd_t = xcalloc(s->users.n, sizeof(*s->sshd_t));
	for (size_t i = 0; i < s->users.n; i++) {
		const char *u = s->users.v[i];
		struct snap_sshd_t *t;
		struct buf out, err;
		char *spec;
		int rc;

		/* -C takes a comma list: a name with ',' or '=' cannot be said. */
		if (strpbrk(u, ",=") != NULL || u[0] == '-')
			continue;
		if (o->from_addr != NULL && strpbrk(o->from_addr, ",=") == NULL)
			spec = xasprintf("user=%s,host=%s,addr=%s", u, o->from_addr,
			    o->from_addr);
		else
			spec = xasprintf("user=%s", u);
		{
			const char *argv[] = { "/usr/sbin/sshd", "-T", "-f",
			    s->sshd_config_path, "-C", spec, NULL };
			buf_init(&out);
			buf_init(&err);
			rc = spawn_capture(NULL, argv, &out, &err);
		}
		t = &s->sshd_t[s->nsshd_t++];
		t->user = xstrdup(u);
		if (rc == 0 && out.len > 0 && out.len < SPAWN_OUTPUT_LIMIT)
			t->output = buf_steal(&out);
		else {
			char *first = err.data ? xstrndup(err.data, strcspn(err.data, "\n")) :
			    xstrdup("");
			char *pr = str_printable(first, strlen(first));
			t->error = rc < 0 ? xasprintf("sshd -T did not finish in %d s",
			    SPAWN_SECONDS) : xasprintf("sshd -T exited %d: %s", rc, pr);
			free(first);
			free(pr);
		}
		buf_free(&out);
		buf_free(&err);
		free(spec);
	}
}

/* At most this much of what sshd -t or -G said on stderr is kept. */
#define STDERR_LINES	10
#define STDERR_BYTES	2048

/* The first lines of a program's stderr, each made printable (the
 * collector's stderrlines keeps the same). */
static char *
stderr_lines(const struct buf *err)
{
	const char *p = err->data ? err->data : "";
	size_t left = err->len;
	struct buf b;

	buf_init(&b);
	for (int n = 0; left > 0 && n < STDERR_LINES && b.len < STDERR_BYTES; n++) {
		const char *nl = memchr(p, '\n', left);
		size_t len = nl ? (size_t)(nl - p) : left, shown = len;
		char *pr;

		/* sshd ends its stderr lines with CR LF */
		if (shown > 0 && p[shown - 1] == '\r')
			shown--;
		pr = str_printable(p, shown < STDERR_BYTES ? shown : STDERR_BYTES);

		buf_printf(&b, "%s%s", n ? "\n" : "", pr);
		free(pr);
		if (nl == NULL)
			break;
		left -= len + 1;
		p = nl + 1;
	}
	if (b.len > STDERR_BYTES) {
		b.len = STDERR_BYTES;
		b.data[b.len] = '\0';
	}
	if (b.len == 0) {
		buf_free(&b);
		return xstrdup("");
	}
	return buf_steal(&b);
}

/* `sshd -G -f CONFIG` (root NULL: this machine's; else the image's, in
 * the sandbox): its output, or why it gave none. */
static void
sshd_dump_g(struct snapshot *s, const char *root)
{
	const char *argv[] = { "/usr/sbin/sshd", "-G", "-f", s->sshd_config_path, NULL };
	struct buf out, err;
	int rc;

	buf_init(&out);
	buf_init(&err);
	rc = spawn_capture(root, argv, &out, &err);
	if (rc == 0 && out.len > 0 && out.len < SPAWN_OUTPUT_LIMIT)
		s->sshd_g = buf_steal(&out);
	else {
		char *e = stderr_lines(&err);

		s->sshd_g_err = rc < 0 ? xasprintf("sshd -G did not finish in %d s",
		    SPAWN_SECONDS) : rc == 126 && root != NULL && e[0] == '\0' ?
		    xstrdup("sshd -G failed: the sandbox could not be made") :
		    xasprintf("sshd -G failed: %s", e);
		free(e);
	}
	buf_free(&out);
	buf_free(&err);
}

/*
 * The target's own verdict on its configuration: with privileges `sshd -t
 * -f CONFIG` once (it loads the host keys, so it needs root), its exit
 * status and first stderr lines; without them `sshd -G -f CONFIG` (9.3+:
 * the effective configuration for no connection, no host keys read), so
 * the engine can still be compared with sshd. Under --root the image's
 * binary is code from the image: run as root, a chroot would not hold it
 * in, so `sshd -t` is never run there; `sshd -G` is, as root only and for
 * a release that has it, in the sandbox (sandbox.c: nobody, read-only,
 * no network, its own PID namespace, bounded).
 */
static void
collect_sshd_verdict(struct lc *lc, const struct collect_opts *o)
{
	struct snapshot *s = lc->snap;
	struct buf out, err;
	int rc, rel = release_parse(s->sshd_version);

	if (o->root != NULL && lc->root[0] != '\0') {
		struct stat st;

		if (geteuid() == 0 && rel >= REL(9, 3) &&
		    lc_lstat(lc, "/usr/sbin/sshd", &st) == 0 && S_ISREG(st.st_mode))
			sshd_dump_g(s, o->root);
		return;
	}
	if (access("/usr/sbin/sshd", X_OK) != 0)
		return;
	if (geteuid() != 0) {
		if (rel == 0 || rel >= REL(9, 3))
			sshd_dump_g(s, NULL);
		return;
	}
	buf_init(&out);
	buf_init(&err);
	{
		const char *argv[] = { "/usr/sbin/sshd", "-t", "-f", s->sshd_config_path,
			NULL };

		rc = spawn_capture(NULL, argv, &out, &err);
	}
	s->sshd_test_ran = 1;
	s->sshd_test_rc = rc < 0 ? -1 : rc;
	if (rc < 0)
		s->sshd_test_err = xasprintf("sshd -t did not finish in %d s", SPAWN_SECONDS);
	else if (rc != 0)
		s->sshd_test_err = stderr_lines(&err);
	buf_free(&out);
	buf_free(&err);
}

static void
collect_accounts(struct lc *lc)
{
	struct snapshot *s = lc->snap;
	const struct snap_file *f;

	if ((f = system_file(lc, "/etc/passwd")) != NULL) {
		passwd_parse(f->content, f->content_len, s);
		s->accounts_known = 1;
	}
	if ((f = system_file(lc, "/etc/group")) != NULL)
		group_parse(f->content, f->content_len, s);
	/* shadow is root-only; its content is never kept in the snapshot. */
	{
		struct snap_file *sf = collect_path(lc, "/etc/shadow", 1);
		if (sf != NULL && sf->has_content) {
			shadow_apply(sf->content, sf->content_len, s);
			s->privileged = 1;
			explicit_bzero(sf->content, sf->content_len);
			free(sf->content);
			sf->content = NULL;
			sf->content_len = 0;
			sf->has_content = 0;
		}
	}
}

/*
 * PAM (checks/pam.c): sshd's service file (/etc/pam.d/sshd, else other)
 * and every file it includes; the files module arguments name; and the
 * files of the account modules its lines run: pam_nologin's nologin files,
 * pam_access's access.conf, pam_time's time.conf (and where /etc/localtime
 * points), pam_sepermit's sepermit.conf, pam_faillock's faillock.conf and
 * tally directories (as a glob,
 * DIR/ *, each tally read whole). All are root's files, read as keyaudit.
 * collector.sh collects the same set.
 */
static void
collect_pam(struct lc *lc)
{
	static const struct { const char *module, *path; } own[] = {
		{ "pam_nologin", "/etc/nologin" }, { "pam_nologin", "/var/run/nologin" },
		{ "pam_access", "/etc/security/access.conf" },
		{ "pam_time", "/etc/security/time.conf" },
		{ "pam_faillock", "/etc/security/faillock.conf" },
		{ "pam_sepermit", "/etc/security/sepermit.conf" },
	};
	struct strlist todo = { 0 }, paths = { 0 }, dirs = { 0 }, mods = { 0 };
	const struct snap_file *f;

	strlist_add(&todo, PAM_DIR "/sshd");
	strlist_add(&todo, PAM_DIR "/other");
	for (size_t i = 0; i < todo.n && i < PAM_MAX_FILES; i++) {
		if ((f = system_file(lc, todo.v[i])) == NULL)
			continue;
		pam_file_includes(f->content, f->content_len, PAM_DIR, &todo);
		pam_file_paths(f->content, f->content_len, &paths, &dirs, &mods);
	}
	for (size_t i = 0; i < KA_ARRLEN(own); i++)
		if (strlist_has(&mods, own[i].module) && !strlist_has(&paths, own[i].path))
			strlist_add(&paths, own[i].path);
	if (strlist_has(&mods, "pam_faillock") && !strlist_has(&dirs, "/var/run/faillock"))
		strlist_add(&dirs, "/var/run/faillock");
	for (size_t i = 0; i < paths.n; i++) {
		char *dir;

		if ((f = system_file(lc, paths.v[i])) == NULL)
			continue;
		/* faillock.conf (or a conf= file) may move the tallies */
		if (strlist_has(&mods, "pam_faillock") &&
		    (dir = pam_faillock_conf_dir(f->content, f->content_len)) != NULL) {
			if (!strlist_has(&dirs, dir))
				strlist_add(&dirs, dir);
			free(dir);
		}
	}
	/* pam_time reads local time: where /etc/localtime points says the zone */
	if (strlist_has(&mods, "pam_time"))
		collect_path(lc, "/etc/localtime", 0);
	for (size_t i = 0; i < dirs.n; i++) {
		struct strlist m = { 0 };
		char *pat = xasprintf("%s/*", dirs.v[i]);

		disk_glob(lc, pat, &m);
		/* a tally is 64 bytes a failure: a bigger file is not read */
		for (size_t j = 0; j < m.n && j < PAM_MAX_TALLIES; j++) {
			struct snap_file *t = collect_path(lc, m.v[j], 0);

			if (t != NULL && t->type == SNAP_REG && t->size <= (int64_t)PAM_TALLY_MAX)
				read_content(lc, t);
		}
		strlist_free(&m);
		free(pat);
	}
	strlist_free(&todo);
	strlist_free(&paths);
	strlist_free(&dirs);
	strlist_free(&mods);
}

static int
choose_users(struct lc *lc, const struct collect_opts *o, char **err)
{
	struct snapshot *s = lc->snap;

	if (o->all_users) {
		if (geteuid() != 0 && o->root == NULL) {
			*err = xstrdup("--all-users needs root (other users' files "
			    "cannot be read otherwise)");
			return -1;
		}
		for (size_t i = 0; i < s->naccounts; i++)
			strlist_add(&s->users, s->accounts[i].name);
		return 0;
	}
	if (o->users != NULL && o->users->n > 0) {
		for (size_t i = 0; i < o->users->n; i++)
			if (!strlist_has(&s->users, o->users->v[i]))
				strlist_add(&s->users, o->users->v[i]);
		s->users_named = 1;
		return 0;
	}
	{
		struct passwd *pw = getpwuid(getuid());
		if (pw == NULL) {
			*err = xasprintf("cannot find the invoking user (uid %u) in the "
			    "password database; name one with --user", (unsigned)getuid());
			return -1;
		}
		strlist_add(&s->users, pw->pw_name);
		/* An account from NSS (LDAP, sssd) is not in /etc/passwd. */
		if (o->root == NULL && snap_account_by_name(s, pw->pw_name) == NULL) {
			struct snap_account *a;
			s->accounts = xreallocarray(s->accounts, s->naccounts + 1,
			    sizeof(*s->accounts));
			a = &s->accounts[s->naccounts++];
			memset(a, 0, sizeof(*a));
			a->name = xstrdup(pw->pw_name);
			a->uid = pw->pw_uid;
			a->gid = pw->pw_gid;
			a->gecos = xstrdup(pw->pw_gecos ? pw->pw_gecos : "");
			a->home = xstrdup(pw->pw_dir ? pw->pw_dir : "/");
			a->shell = xstrdup(pw->pw_shell ? pw->pw_shell : "");
			a->expire_day = a->lastchg_day = a->max_days = a->inact_days = -1;
		}
	}
	return 0;
}

/* What one account's reader is asked: content for a snapshot entry, or the
 * head of a private key in ~/.ssh (files[i] NO_FILE). The files are kept
 * as indexes: collecting more paths grows (moves) the snapshot's array. */
#define NO_FILE SIZE_MAX
struct uread {
	struct readas_item *items;
	size_t *files;
	size_t n;
};

static void
uread_add(struct uread *r, const char *path, enum readas_kind kind, size_t f)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].kind == kind && strcmp(r->items[i].path, path) == 0)
			return;
	r->items = xreallocarray(r->items, r->n + 1, sizeof(*r->items));
	r->files = xreallocarray(r->files, r->n + 1, sizeof(*r->files));
	memset(&r->items[r->n], 0, sizeof(r->items[r->n]));
	r->items[r->n].path = xstrdup(path);
	r->items[r->n].kind = kind;
	r->files[r->n++] = f;
}

/* Resolve path as collect_path does (root's lstat walk: sshd's StrictModes
 * walk is root's too) and queue its content for the account's reader. */
static void
collect_user_path(struct lc *lc, struct uread *r, const char *path)
{
	struct snap_file *f = collect_path(lc, path, 0);

	if (f != NULL && f->type == SNAP_REG)
		uread_add(r, f->path, READAS_CONTENT, (size_t)(f - lc->snap->files));
}

/* The private keys an account keeps in ~/.ssh, judged from their first 200
 * bytes as collector.sh judges them (userkey_facts): queued when root's
 * lstat says a regular file; the reader reads them as the account. */
static void
queue_userkeys(struct lc *lc, struct uread *r, const struct snap_account *a)
{
	static const char *const names[] = { USERKEY_NAMES };

	for (size_t i = 0; i < KA_ARRLEN(names); i++) {
		char *rel = xasprintf(".ssh/%s", names[i]);
		char *path = path_join(a->home, rel);
		struct stat st;

		if (lc_lstat(lc, path, &st) == 0 && S_ISREG(st.st_mode))
			uread_add(r, path, READAS_KEYHEAD_BYTES, NO_FILE);
		free(path);
		free(rel);
	}
}

static void
userkey_from(struct lc *lc, const char *user, const char *path, char *buf)
{
	char *l2 = "", *nl;
	const char *format;
	struct snap_userkey *k;
	int enc;

	if ((nl = strchr(buf, '\n')) != NULL) {
		*nl = '\0';
		l2 = nl + 1;
		if ((nl = strchr(l2, '\n')) != NULL)
			*nl = '\0';
	}
	if (buf[0] && buf[strlen(buf) - 1] == '\r')
		buf[strlen(buf) - 1] = '\0';
	if (l2[0] && l2[strlen(l2) - 1] == '\r')
		l2[strlen(l2) - 1] = '\0';
	userkey_facts(buf, l2, &format, &enc);
	k = snap_userkey_add(lc->snap, user, path);
	k->format = xstrdup(format);
	k->encrypted = enc;
}

/* Who reads for an account: as root, the account itself with the groups
 * initgroups(3) would give it (from the image's group file under --root,
 * whose accounts NSS does not know); otherwise (and for uid 0) keyaudit as
 * itself, still in a child, so a FIFO or /proc never reaches this process.
 * collector.sh draws the same line. */
static void
account_cred(const struct lc *lc, const char *name, uint32_t uid, uint32_t gid,
    int with_groups, struct readas_cred *c)
{
	const struct snapshot *s = lc->snap;

	memset(c, 0, sizeof(*c));
	if (geteuid() != 0 || uid == 0)
		return;
	c->switch_to = 1;
	c->uid = uid;
	c->gid = gid;
	if (!with_groups) {
		c->groups = xcalloc(1, sizeof(*c->groups));
		c->groups[0] = gid;
		c->ngroups = 1;
	} else if (lc->rootfd < 0)
		c->groups = readas_grouplist(name, gid, &c->ngroups);
	else {
		c->groups = xcalloc(s->ngroups + 1, sizeof(*c->groups));
		c->groups[c->ngroups++] = gid;
		for (size_t i = 0; i < s->ngroups && c->ngroups < 65536; i++)
			if (s->groups[i].gid != gid && strlist_has(&s->groups[i].members, name))
				c->groups[c->ngroups++] = s->groups[i].gid;
	}
}

/* Run one account's reader and keep what it read: content where the
 * account could read it, its denial where it could not (the content some
 * other reader got stays, for the others). Reading as keyaudit itself, a
 * failure is the file's read_error, as any read of keyaudit's. */
static void
uread_run(struct lc *lc, struct uread *r, const char *who, const struct readas_cred *c)
{
	readas_run(c, lc->rootfd, r->items, r->n);
	for (size_t i = 0; i < r->n; i++) {
		struct readas_item *it = &r->items[i];
		struct snap_file *f = r->files[i] == NO_FILE ? NULL :
		    &lc->snap->files[r->files[i]];

		if (it->kind == READAS_KEYHEAD_BYTES) {
			if (it->data != NULL)
				userkey_from(lc, who, it->path, it->data);
		} else if (it->why != NULL && c->switch_to)
			snap_file_deny(f, who, it->why);
		else if (it->why != NULL) {
			if (!f->has_content && f->read_error == NULL)
				f->read_error = xstrdup(it->why);
		} else if (!f->has_content) {
			struct buf b;

			buf_init(&b);
			buf_append(&b, it->data, it->len);
			set_content(f, &b);
			f->truncated = it->truncated;
		}
	}
	readas_free(r->items, r->n);
	for (size_t i = 0; i < r->n; i++)
		free((char *)r->items[i].path);
	free(r->items);
	free(r->files);
	memset(r, 0, sizeof(*r));
}

/* Files the checks will read for each audited user, from the effective
 * sshd config for that user. */
static void
collect_user_files(struct lc *lc)
{
	struct snapshot *s = lc->snap;
	struct ka_host_result scratch;
	struct ka_options none = { 0 };
	struct ka_ctx ctx;
	struct uread ur = { 0 };
	/* with content: the CA and revocation files; modes only: the
	 * commands (StrictModes-like checks on what sshd runs) */
	const char *kw[] = { "revokedkeys", "trustedusercakeys", "authorizedkeyscommand",
	    "authorizedprincipalscommand" };

	host_result_init(&scratch, "collect");
	ctx_init(&ctx, s, &none, &scratch);
	for (size_t i = 0; i < KA_ARRLEN(kw); i++) {
		const char *v = sshd_eff_str(ctx.global, kw[i]);
		char *prog;

		if (v == NULL || v[0] != '/')
			continue;
		/* a command's program is its first word */
		prog = i < 2 ? xstrdup(v) : xstrndup(v, strcspn(v, " \t"));
		collect_path(lc, prog, i < 2);
		free(prog);
	}
	/* Host private keys: their modes only, never their content; their
	 * public halves (KEY.pub) with content, to match a HostCertificate
	 * to its key as sshd does; the certificates themselves (public). */
	{
		const struct sshd_value *hk = sshd_eff_get(ctx.global, "hostkey");
		const struct sshd_value *hc = sshd_eff_get(ctx.global, "hostcertificate");

		for (size_t i = 0; hk != NULL && i < hk->n; i++)
			if (hk->v[i][0] == '/') {
				char *pub = xasprintf("%s.pub", hk->v[i]);

				collect_path(lc, hk->v[i], 0);
				collect_path(lc, pub, 1);
				free(pub);
			}
		for (size_t i = 0; hc != NULL && i < hc->n; i++)
			if (hc->v[i][0] == '/')
				collect_path(lc, hc->v[i], 1);
	}
	for (size_t i = 0; i < ctx.nusers; i++) {
		struct ka_user *u = &ctx.users[i];
		const char *shell;

		if (u->acct == NULL)
			continue;
		collect_path(lc, u->acct->home, 0);
		{
			/* this account's AuthorizedKeysCommand (a Match may set
			 * one): its program's modes, for sshd's safe_path */
			const char *kc = sshd_eff_str(u->eff, "authorizedkeyscommand");
			char *prog;

			if (kc != NULL && kc[0] == '/') {
				prog = xstrndup(kc, strcspn(kc, " \t"));
				collect_path(lc, prog, 0);
				free(prog);
			}
		}
		shell = u->acct->shell[0] ? u->acct->shell : "/bin/sh";
		collect_path(lc, shell, 0);
		{
			/* What the account trusts when it logs in elsewhere: the
			 * fleet pass holds it against the keys the hosts present. */
			char *kh = path_join(u->acct->home, ".ssh/known_hosts");
			collect_user_path(lc, &ur, kh);
			free(kh);
		}
		for (size_t j = 0; j < u->akfiles.n; j++)
			collect_user_path(lc, &ur, u->akfiles.v[j]);
		{
			/* AuthorizedPrincipalsFile: opened as the user, with
			 * StrictModes, like authorized_keys (auth_openprincipals) */
			const char *pf = sshd_eff_str(u->eff, "authorizedprincipalsfile");
			char *pfp;

			if (pf != NULL && strcmp(pf, "none") != 0 &&
			    (pfp = expand_authorized_keys_path(pf, u->acct)) != NULL) {
				collect_user_path(lc, &ur, pfp);
				free(pfp);
			}
		}
		queue_userkeys(lc, &ur, u->acct);
		if (ur.n > 0) {
			struct readas_cred c;

			account_cred(lc, u->acct->name, u->acct->uid, u->acct->gid, 1, &c);
			uread_run(lc, &ur, u->acct->name, &c);
			free(c.groups);
		}
		{
			const char *rk = sshd_eff_str(u->eff, "revokedkeys");
			const char *cr = sshd_eff_str(u->eff, "chrootdirectory");
			char *crp;

			const char *pc = sshd_eff_str(u->eff, "authorizedprincipalscommand");

			if (rk != NULL && rk[0] == '/')
				collect_path(lc, rk, 1);
			/* the command's program: its first word, as sshd
			 * runs it (argv_split) */
			if (pc != NULL && pc[0] == '/') {
				char *prog = xstrndup(pc, strcspn(pc, " \t"));

				collect_path(lc, prog, 0);
				free(prog);
			}
			if (cr != NULL && strcasecmp(cr, "none") != 0 &&
			    (crp = expand_authorized_keys_path(cr, u->acct)) != NULL) {
				collect_path(lc, crp, 0);
				free(crp);
			}
		}
	}
	ctx_free(&ctx);
	host_result_free(&scratch);
}

/*
 * Homes left behind (--all-users): a directory beside the homes of the
 * people's accounts (uid 1000 and up) that is no account's home keeps its
 * authorized_keys for whoever is given that name next. collector.sh looks
 * in the same places, in the same order.
 */
static void
collect_left_homes(struct lc *lc)
{
	const struct snapshot *s = lc->snap;
	struct strlist parents = { 0 };

	for (size_t i = 0; i < s->naccounts; i++) {
		const char *h = s->accounts[i].home;
		const char *slash = strrchr(h, '/');

		if (s->accounts[i].uid < 1000 || h[0] != '/' || slash == h ||
		    slash[1] == '\0')
			continue;
		{
			char *p = xstrndup(h, (size_t)(slash - h));
			strlist_intern(&parents, p);
			free(p);
		}
	}
	for (size_t i = 0; i < parents.n; i++) {
		struct strlist m = { 0 };
		char *pat = xasprintf("%s/*", parents.v[i]);

		disk_glob(lc, pat, &m);
		for (size_t j = 0; j < m.n; j++) {
			struct stat st;
			int home = 0, dir;

			/* lstat only: collector.sh's test -d && ! test -L */
			dir = lc_lstat(lc, m.v[j], &st) == 0 && S_ISDIR(st.st_mode);
			if (!dir)
				continue;
			for (size_t k = 0; k < s->naccounts && !home; k++)
				home = strcmp(s->accounts[k].home, m.v[j]) == 0;
			if (!home) {
				/* no account: read as whoever owns the directory (a
				 * user may make one beside the homes, under a 1777
				 * parent), with that gid alone */
				char *ak = xasprintf("%s/.ssh/authorized_keys", m.v[j]);
				struct uread ur = { 0 };
				struct readas_cred c;

				collect_user_path(lc, &ur, ak);
				if (ur.n > 0) {
					account_cred(lc, "", st.st_uid, st.st_gid, 0, &c);
					uread_run(lc, &ur, "", &c);
					free(c.groups);
				}
				free(ak);
			}
		}
		strlist_free(&m);
		free(pat);
	}
	strlist_free(&parents);
}

static void
add_clientkey(struct lc *lc, const char *path, const char *source)
{
	struct snapshot *s = lc->snap;
	struct snap_clientkey *k;
	struct snap_file *f;
	char *pub;

	for (size_t i = 0; i < s->nclientkeys; i++)
		if (strcmp(s->clientkeys[i].path, path) == 0)
			return;
	f = collect_path(lc, path, 0);
	if (f == NULL && strcmp(source, "default") == 0)
		return;
	s->clientkeys = xreallocarray(s->clientkeys, s->nclientkeys + 1, sizeof(*s->clientkeys));
	k = &s->clientkeys[s->nclientkeys++];
	memset(k, 0, sizeof(*k));
	k->path = xstrdup(path);
	k->source = xstrdup(source);
	k->encrypted = -1;
	if (f != NULL && f->type == SNAP_REG) {
		/* Read for facts only; the bytes never reach the snapshot. */
		char *hp = host_path(lc, f->path);
		int fd = open(hp, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
		free(hp);
		if (fd >= 0) {
			char *data = xmalloc(65536);
			ssize_t n = read(fd, data, 65535);
			close(fd);
			if (n >= 0) {
				privkey_facts(data, (size_t)n, &k->format, &k->encrypted,
				    &k->pub_type, &k->pub_fp);
				explicit_bzero(data, (size_t)n);
			} else
				f->read_error = xstrdup(strerror(errno));
			free(data);
		} else
			f->read_error = xstrdup(strerror(errno));
	}
	if (k->format == NULL)
		k->format = xstrdup("unknown");
	pub = xasprintf("%s.pub", path);
	collect_path(lc, pub, 1);
	free(pub);
}

/*
 * The system's ssh_config and, recursively, what its Include lines name,
 * the way collector.sh collects it on a remote host: relative patterns
 * under /etc/ssh, "~" skipped (ssh refuses it in a system file), only
 * patterns with a wildcard globbed.
 */
static void
collect_ssh_config(struct lc *lc, const char *path, int depth)
{
	struct snap_file *f = collect_path(lc, path, 1);
	const char *p, *end;

	if (f == NULL || !f->has_content || depth > SSHDCONF_MAX_DEPTH)
		return;
	for (p = f->content, end = f->content + f->content_len; p < end; ) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = xstrndup(p, n), *kw, *t, *save = NULL;

		p = nl ? nl + 1 : end;
		kw = strtok_r(line, " \t=\r", &save);
		if (kw == NULL || strcasecmp(kw, "Include") != 0) {
			free(line);
			continue;
		}
		while ((t = strtok_r(NULL, " \t\r", &save)) != NULL) {
			struct strlist m = { 0 };
			size_t tl = strlen(t);
			char *pat;

			if (tl >= 2 && t[0] == '"' && t[tl - 1] == '"') {
				t[tl - 1] = '\0';
				t++;
			}
			if (t[0] == '~')
				continue;
			pat = t[0] == '/' ? xstrdup(t) : xasprintf("/etc/ssh/%s", t);
			if (strpbrk(pat, "*?[") == NULL)
				strlist_add(&m, pat);
			else
				disk_glob(lc, pat, &m);
			for (size_t i = 0; i < m.n; i++)
				collect_ssh_config(lc, m.v[i], depth + 1);
			strlist_free(&m);
			free(pat);
		}
		free(line);
	}
}

/*
 * The client user's ssh_config files (~/.ssh/config, then the system's) and
 * what their Include lines name, read through clientconf.c: the files the
 * client checks will read from the snapshot, quotes, "~user/" and all.
 */
static void
collect_client_config(struct lc *lc, const struct snap_account *a)
{
	struct sshdconf_io files = { .read = disk_read, .glob = disk_glob,
	    .home_of = disk_home_of, .ctx = lc };
	struct clientconf_io io;
	char *err = NULL;

	ctx_clientconf_io(&files, &io);
	clientconf_free(clientconf_read_all(a->home, a->name, &io, &err));
	free(err);
}

/* IdentityFile lines of ~/.ssh/config, any Host block: tilde-expanded. */
static void
collect_client(struct lc *lc, const struct snap_account *a)
{
	static const char *const defaults[] = {
		"id_rsa", "id_ecdsa", "id_ecdsa_sk", "id_ed25519", "id_ed25519_sk", "id_dsa",
	};
	char *cfgpath = xasprintf("%s/.ssh/config", a->home);
	struct snap_file *cfg;

	lc->snap->client_user = xstrdup(a->name);
	for (size_t i = 0; i < KA_ARRLEN(defaults); i++) {
		char *p = xasprintf("%s/.ssh/%s", a->home, defaults[i]);
		add_clientkey(lc, p, "default");
		free(p);
	}
	collect_client_config(lc, a);
	cfg = collect_path(lc, cfgpath, 1);
	if (cfg != NULL && cfg->has_content) {
		const char *p = cfg->content, *end = cfg->content + cfg->content_len;
		long lineno = 0;

		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
			char *line = xstrndup(p, n), *kw, *val, *save = NULL;

			lineno++;
			kw = strtok_r(line, " \t=", &save);
			val = kw ? strtok_r(NULL, " \t=\r", &save) : NULL;
			if (kw && val && strcasecmp(kw, "IdentityFile") == 0) {
				char *path, *src;
				if (val[0] == '"') {
					val++;
					val[strcspn(val, "\"")] = '\0';
				}
				if (strncmp(val, "~/", 2) == 0)
					path = xasprintf("%s/%s", a->home, val + 2);
				else if (val[0] == '/')
					path = xstrdup(val);
				else
					path = xasprintf("%s/.ssh/%s", a->home, val);
				src = xasprintf("%s:%ld", cfgpath, lineno);
				if (strchr(path, '%') == NULL)
					add_clientkey(lc, path, src);
				free(path);
				free(src);
			}
			free(line);
			p = nl ? nl + 1 : end;
		}
	}
	free(cfgpath);
}

/* The main sshd_config as sshd finds it: openSUSE's vendordir patch reads
 * /usr/etc/ssh/sshd_config when /etc/ssh/sshd_config does not exist
 * (docs/distributions.md; collector.sh decides the same way). */
static const char *
sshd_config_path(struct lc *lc, const struct collect_opts *o)
{
	const char *etc = o->sshd_config ? o->sshd_config : "/etc/ssh/sshd_config";

	if (strcmp(etc, "/etc/ssh/sshd_config") == 0 &&
	    collect_path(lc, etc, 0) == NULL &&
	    collect_path(lc, "/usr/etc/ssh/sshd_config", 0) != NULL)
		return "/usr/etc/ssh/sshd_config";
	return etc;
}

/* systemd's layers around sshd (parse/sysunit.c): the ssh units of every
 * unit directory with their drop-ins, the links that enable the sockets,
 * the environment files the stock units name. collector.sh collects the
 * same list in the same order. */
static void
collect_sysunits(struct lc *lc)
{
	for (size_t d = 0; sysunit_dirs[d] != NULL; d++) {
		for (size_t u = 0; sysunit_units[u] != NULL; u++) {
			char *p = xasprintf("%s/%s", sysunit_dirs[d], sysunit_units[u]);
			char *pat = xasprintf("%s.d/*.conf", p);
			struct strlist m = { 0 };

			collect_path(lc, p, 1);
			if (disk_glob(lc, pat, &m) == 0)
				for (size_t i = 0; i < m.n; i++)
					collect_path(lc, m.v[i], 1);
			strlist_free(&m);
			free(pat);
			free(p);
		}
	}
	for (size_t i = 0; sysunit_files[i] != NULL; i++)
		collect_path(lc, sysunit_files[i], 1);
}

/* SELinux's mode on this machine (selinuxfs, as getenforce reads it); its
 * labels are kept only where it is enabled. Not under --root: an image's
 * files carry the labels of the system they sit on. */
static void
selinux_mode(struct lc *lc)
{
	char b[8] = "";
	int fd = open("/sys/fs/selinux/enforce", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		if (errno == ENOENT)
			lc->snap->selinux = xstrdup("disabled");
		return;
	}
	n = read(fd, b, sizeof(b) - 1);
	close(fd);
	if (n <= 0)
		return;
	lc->snap->selinux = xstrdup(b[0] == '1' ? "enforcing" : "permissive");
	lc->selinux = 1;
}

static int
local_collect_in(struct lc *lcp, const char *target, const struct collect_opts *o,
    struct snapshot *s, char **err)
{
	struct lc lc = *lcp;
	struct sshdconf_io io = { .read = disk_read, .glob = disk_glob,
	    .home_of = disk_home_of, .ctx = &lc };
	struct sshd_config *cfg;
	char host[256];

	*err = NULL;
	if (o->root != NULL) {
		struct stat st;
		if (o->root[0] != '/' || stat(o->root, &st) != 0 || !S_ISDIR(st.st_mode)) {
			*err = xasprintf("--root %s: not an absolute path to a directory", o->root);
			return -1;
		}
		if (strcmp(o->root, "/") == 0)
			lc.root = "";
		else if ((lc.rootfd = open(o->root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
			*err = xasprintf("--root %s: %s", o->root, strerror(errno));
			return -1;
		}
		lcp->rootfd = lc.rootfd;
	}
	s->target = xstrdup(target ? target : "local");
	s->transport = xstrdup("local");
	s->collected_at = (int64_t)time(NULL);
	s->root = o->root ? xstrdup(o->root) : NULL;
	if (o->root == NULL && gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		s->hostname = xstrdup(host);
	} else {
		const struct snap_file *h = system_file(&lc, "/etc/hostname");
		s->hostname = h ? xstrndup(h->content, strcspn(h->content, "\r\n")) : NULL;
	}
	s->sshd_version = sshd_version(&lc);
	if (o->root == NULL)
		selinux_mode(&lc);
	collect_path(&lc, "/etc/os-release", 1);
	collect_path(&lc, "/usr/lib/os-release", 1);

	collect_accounts(&lc);
	collect_pam(&lc);
	if (choose_users(&lc, o, err) != 0)
		return -1;
	s->privileged = s->privileged || geteuid() == 0;

	s->sshd_config_path = xstrdup(sshd_config_path(&lc, o));
	cfg = sshdconf_parse(s->sshd_config_path, &io);
	sshdconf_free(cfg);
	collect_sysunits(&lc);
	collect_user_files(&lc);
	collect_sshd_t(&lc, o);
	collect_sshd_verdict(&lc, o);
	if (o->logs)
		collect_auth_logs(s, o->root, o->log_files);

	collect_ssh_config(&lc, "/etc/ssh/ssh_config", 0);
	/* after ssh_config: the globs come in collector.sh's order */
	if (o->all_users)
		collect_left_homes(&lc);
	if (o->client && o->root == NULL) {
		const struct snap_account *a = snap_account_by_uid(s, getuid());
		if (a != NULL)
			collect_client(&lc, a);
	}
	/* last: it judges what was collected, as sshd would, before it runs */
	keyscmd_collect(s, o);
	return 0;
}

static int
local_collect(const char *target, const struct collect_opts *o, struct snapshot *s,
    char **err)
{
	struct lc lc = { s, o->root ? o->root : "", -1, 0 };
	int rc;

	rc = local_collect_in(&lc, target, o, s, err);
	if (lc.rootfd >= 0)
		close(lc.rootfd);
	return rc;
}

const struct transport transport_local = { "local", local_collect };
