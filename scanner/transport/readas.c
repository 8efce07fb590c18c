/* readas.c - a forked reader with an account's credentials (readas.h).
 *
 * The child runs in a process that may have other threads (a local target
 * in a fleet scan), so between fork and _exit it only makes system calls:
 * no malloc, no stdio, no strerror; the credentials change by raw
 * syscalls, which affect the one thread the child has. It talks to the
 * parent in frames of  u32 index, u8 type, u32 length, payload:
 *
 *	'D' bytes of the item	'E' the item is whole (payload: truncated 0/1)
 *	'X' open/read failed (payload: errno)	'W' not read: why (text)
 *	'F' the reader could not become the account (payload: errno)
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/magic.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scanner/snapshot.h"
#include "scanner/transport/inroot.h"
#include "scanner/transport/readas.h"

extern char **environ;

#define WHY_LIMIT 256u

/* ---- the child ------------------------------------------------------------ */

static int
put_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
frame(int fd, uint32_t idx, char type, const void *p, uint32_t len)
{
	unsigned char h[9];

	memcpy(h, &idx, 4);
	h[4] = (unsigned char)type;
	memcpy(h + 5, &len, 4);
	if (put_all(fd, h, sizeof(h)) != 0)
		return -1;
	return len ? put_all(fd, p, len) : 0;
}

static int
frame_errno(int fd, uint32_t idx, char type, int e)
{
	int32_t v = e;

	return frame(fd, idx, type, &v, sizeof(v));
}

static int
frame_text(int fd, uint32_t idx, const char *why)
{
	return frame(fd, idx, 'W', why, (uint32_t)strlen(why));
}

static const char *
nonregular(mode_t m)
{
	if (S_ISDIR(m))
		return "not a regular file (a directory)";
	if (S_ISFIFO(m))
		return "not a regular file (a FIFO): not opened for reading";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "not a regular file (a device)";
	if (S_ISSOCK(m))
		return "not a regular file (a socket)";
	return "not a regular file";
}

/* procfs, sysfs and their kin are the kernel's view of processes and
 * devices, not files a user keeps: /proc/self/environ read here would be
 * this forked copy of keyaudit's own memory. */
static int
kernel_fs(long type)
{
	switch (type) {
	case PROC_SUPER_MAGIC: case SYSFS_MAGIC: case DEBUGFS_MAGIC:
	case SECURITYFS_MAGIC: case TRACEFS_MAGIC: case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC: case BPF_FS_MAGIC: case EFIVARFS_MAGIC:
	case PSTOREFS_MAGIC: case SELINUX_MAGIC: case DEVPTS_SUPER_MAGIC:
		return 1;
	}
	return 0;
}

static void
child_read(int out, int rootfd, uint32_t idx, const struct readas_item *it)
{
	static char buf[65536];
	size_t limit = it->kind == READAS_CONTENT ? SNAP_CONTENT_LIMIT : READAS_KEYHEAD;
	size_t total = 0;
	unsigned char trunc = 0;
	struct statfs sfs;
	struct stat st;
	int flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC, fd;

	/* as sshd's auth_openfile: non-blocking, then the type from the open
	 * file itself, so a FIFO swapped in after any earlier test is never
	 * waited on */
	fd = rootfd >= 0 ? inroot_open(rootfd, it->path, flags) : open(it->path, flags);
	if (fd < 0) {
		frame_errno(out, idx, 'X', errno);
		return;
	}
	if (fstat(fd, &st) != 0) {
		frame_errno(out, idx, 'X', errno);
		close(fd);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		frame_text(out, idx, nonregular(st.st_mode));
		close(fd);
		return;
	}
	if (fstatfs(fd, &sfs) != 0 || kernel_fs((long)sfs.f_type)) {
		frame_text(out, idx, "on a kernel file system (proc, sys): not read");
		close(fd);
		return;
	}
	while (total < limit) {
		size_t want = limit - total < sizeof(buf) ? limit - total : sizeof(buf);
		ssize_t n = read(fd, buf, want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			frame_errno(out, idx, 'X', errno);
			close(fd);
			return;
		}
		if (n == 0)
			break;
		if (frame(out, idx, 'D', buf, (uint32_t)n) != 0)
			_exit(1);
		total += (size_t)n;
	}
	if (total == limit && it->kind == READAS_CONTENT && read(fd, buf, 1) > 0)
		trunc = 1;
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	frame(out, idx, 'E', &trunc, 1);
}

/* Become the account: groups, then gid, then uid (the order that leaves no
 * way back), and prove root cannot be regained. 0, or an errno. */
static int
child_become(const struct readas_cred *c)
{
	uid_t r, e, s;

	if (!c->switch_to)
		return 0;
	if (syscall(SYS_setgroups, c->ngroups, c->groups) != 0 ||
	    syscall(SYS_setresgid, c->gid, c->gid, c->gid) != 0 ||
	    syscall(SYS_setresuid, c->uid, c->uid, c->uid) != 0)
		return errno ? errno : EPERM;
	if (syscall(SYS_getresuid, &r, &e, &s) != 0 || r != c->uid || e != c->uid ||
	    s != c->uid)
		return EPERM;
	if (c->uid != 0 && syscall(SYS_setresuid, 0, 0, 0) == 0)
		return EPERM;
	return 0;
}

static void __attribute__((noreturn))
child(const struct readas_cred *c, int rootfd, int out, const struct readas_item *items,
    size_t n)
{
	int e;

	/* keyaudit's environment is in this copy of its memory: wipe it, so
	 * nothing the account makes us read can show it */
	for (char **p = environ; p != NULL && *p != NULL; p++)
		explicit_bzero(*p, strlen(*p));
	environ = NULL;
	/* every other descriptor (report files, sockets) is keyaudit's */
	{
		int lo = out < rootfd ? out : rootfd, hi = out < rootfd ? rootfd : out;

		if (rootfd < 0) {
			lo = out;
			hi = out;
		}
		if (lo > 3)
			syscall(SYS_close_range, 3, lo - 1, 0);
		if (hi > lo + 1)
			syscall(SYS_close_range, lo + 1, hi - 1, 0);
		syscall(SYS_close_range, hi + 1, ~0U, 0);
	}
	if (chdir("/") != 0)
		_exit(1);
	if ((e = child_become(c)) != 0) {
		frame_errno(out, 0, 'F', e);
		_exit(1);
	}
	/* no ptrace or core of a process that read an account's files */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	for (size_t i = 0; i < n; i++)
		child_read(out, rootfd, (uint32_t)i, &items[i]);
	_exit(0);
}

/* ---- the parent ----------------------------------------------------------- */

struct acc {
	struct buf *bufs;	/* per item */
	unsigned char hdr[9];
	size_t hdrlen;
	uint32_t idx, left;
	char type;
	struct buf pay;		/* payload of W/X/E/F frames */
	int bad;
};

static long
ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

static void
set_why(struct readas_item *it, char *why)
{
	if (it->why != NULL || it->data != NULL) {
		free(why);
		return;
	}
	it->why = why;
}

/* One whole frame: apply it. -1 when the stream is not what the child
 * writes (then nothing more of it is believed). */
static int
apply(struct acc *a, struct readas_item *items, size_t n, const char *payload, size_t len)
{
	struct readas_item *it;
	int32_t e;

	if (a->type == 'F') {
		if (len != 4)
			return -1;
		memcpy(&e, payload, 4);
		for (size_t i = 0; i < n; i++)
			set_why(&items[i], xasprintf("content not read: cannot read as "
			    "the user (%s)", strerror(e)));
		return 0;
	}
	if (a->idx >= n)
		return -1;
	it = &items[a->idx];
	if (it->data != NULL || it->why != NULL)
		return -1;
	switch (a->type) {
	case 'D':
		if (a->bufs[a->idx].len + len > (it->kind == READAS_CONTENT ?
		    SNAP_CONTENT_LIMIT : READAS_KEYHEAD))
			return -1;
		buf_append(&a->bufs[a->idx], payload, len);
		return 0;
	case 'E':
		if (len != 1)
			return -1;
		it->truncated = payload[0] != 0;
		it->len = a->bufs[a->idx].len;
		buf_putc(&a->bufs[a->idx], '\0');
		a->bufs[a->idx].len--;
		it->data = buf_steal(&a->bufs[a->idx]);
		return 0;
	case 'X':
		if (len != 4)
			return -1;
		memcpy(&e, payload, 4);
		it->why = xstrdup(strerror(e));
		return 0;
	case 'W':
		if (len == 0 || len > WHY_LIMIT)
			return -1;
		it->why = xstrndup(payload, len);
		return 0;
	}
	return -1;
}

/* Feed bytes from the pipe through the framing. */
static int
feed(struct acc *a, struct readas_item *items, size_t n, const char *p, size_t len)
{
	while (len > 0) {
		if (a->hdrlen < sizeof(a->hdr)) {
			size_t k = sizeof(a->hdr) - a->hdrlen < len ? sizeof(a->hdr) - a->hdrlen : len;

			memcpy(a->hdr + a->hdrlen, p, k);
			a->hdrlen += k;
			p += k;
			len -= k;
			if (a->hdrlen < sizeof(a->hdr))
				return 0;
			memcpy(&a->idx, a->hdr, 4);
			a->type = (char)a->hdr[4];
			memcpy(&a->left, a->hdr + 5, 4);
			if (a->left > sizeof(((struct acc *)0)->hdr) + 65536)
				return -1;
			a->pay.len = 0;
			if (a->left > 0)
				continue;
		} else {
			size_t k = a->left < len ? a->left : len;

			buf_append(&a->pay, p, k);
			p += k;
			len -= k;
			a->left -= (uint32_t)k;
			if (a->left > 0)
				return 0;
		}
		if (apply(a, items, n, a->pay.data ? a->pay.data : "", a->pay.len) != 0)
			return -1;
		if (a->pay.data != NULL)
			explicit_bzero(a->pay.data, a->pay.len);
		a->hdrlen = 0;
	}
	return 0;
}

void
readas_run(const struct readas_cred *c, int rootfd, struct readas_item *items, size_t n)
{
	struct acc a;
	struct timespec t0;
	const char *gone = NULL;
	int p[2], status, killed = 0;
	pid_t pid;

	if (n == 0)
		return;
	if (pipe2(p, O_CLOEXEC) != 0) {
		for (size_t i = 0; i < n; i++)
			set_why(&items[i], xasprintf("not read: pipe: %s", strerror(errno)));
		return;
	}
	pid = fork();
	if (pid < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		for (size_t i = 0; i < n; i++)
			set_why(&items[i], xasprintf("not read: fork: %s", strerror(e)));
		return;
	}
	if (pid == 0) {
		close(p[0]);
		child(c, rootfd, p[1], items, n);
	}
	close(p[1]);
	memset(&a, 0, sizeof(a));
	a.bufs = xcalloc(n, sizeof(*a.bufs));
	buf_init(&a.pay);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd pfd = { p[0], POLLIN, 0 };
		long left = READAS_SECONDS * 1000L - ms_since(&t0);
		char tmp[65536];
		ssize_t r;

		if (left <= 0) {
			gone = "the reader did not finish in time";
			break;
		}
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR) {
			gone = "poll failed";
			break;
		}
		if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		r = read(p[0], tmp, sizeof(tmp));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (feed(&a, items, n, tmp, (size_t)r) != 0) {
			gone = "the reader's answer was malformed";
			break;
		}
	}
	close(p[0]);
	if (gone != NULL) {
		kill(pid, SIGKILL);
		killed = 1;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	for (size_t i = 0; i < n; i++) {
		if (a.bufs[i].data != NULL)
			explicit_bzero(a.bufs[i].data, a.bufs[i].len);
		buf_free(&a.bufs[i]);
		if (items[i].data == NULL && items[i].why == NULL)
			items[i].why = xasprintf("not read: %s", killed ? gone :
			    "the reader ended early");
	}
	free(a.bufs);
	if (a.pay.data != NULL)
		explicit_bzero(a.pay.data, a.pay.len);
	buf_free(&a.pay);
}

void
readas_free(struct readas_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (items[i].data != NULL)
			explicit_bzero(items[i].data, items[i].len);
		free(items[i].data);
		free(items[i].why);
		items[i].data = items[i].why = NULL;
	}
}

gid_t *
readas_grouplist(const char *name, gid_t gid, size_t *n)
{
	int cnt = 64;
	gid_t *g = xcalloc((size_t)cnt, sizeof(*g));

	while (getgrouplist(name, gid, g, &cnt) < 0) {
		if (cnt <= 0 || cnt > 65536) {
			cnt = 1;
			g[0] = gid;
			break;
		}
		g = xreallocarray(g, (size_t)cnt, sizeof(*g));
	}
	*n = (size_t)cnt;
	return g;
}
