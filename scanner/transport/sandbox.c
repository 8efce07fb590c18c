/* sandbox.c - one program of an image run where it can do no harm (see
 * sandbox.h). Between fork and exec only system calls are made: keyaudit
 * may have other threads, and the child must not touch their locks. */
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include "scanner/transport/sandbox.h"

#define SANDBOX_CPU_SECONDS	10
#define SANDBOX_MEMORY		(1024ul * 1024 * 1024)
#define SANDBOX_FILES		64

/* The program itself, pid 1 of the new namespaces: confined, then exec. */
static void
confine_exec(const char *root, const char *const argv[])
{
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C",
		NULL };
	const struct { int res; rlim_t max; } lim[] = {
		{ RLIMIT_FSIZE, 0 }, { RLIMIT_CORE, 0 },
		{ RLIMIT_CPU, SANDBOX_CPU_SECONDS }, { RLIMIT_AS, SANDBOX_MEMORY },
		{ RLIMIT_NOFILE, SANDBOX_FILES },
	};
	gid_t none = SANDBOX_GID;

	if (chroot(root) != 0 || chdir("/") != 0)
		_exit(126);
	if (setgroups(0, &none) != 0 ||
	    setresgid(SANDBOX_GID, SANDBOX_GID, SANDBOX_GID) != 0 ||
	    setresuid(SANDBOX_UID, SANDBOX_UID, SANDBOX_UID) != 0 ||
	    getuid() != SANDBOX_UID || geteuid() != SANDBOX_UID)
		_exit(126);
	/* after the uid change, which clears the parent-death signal */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
		_exit(126);
	for (size_t i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
		struct rlimit rl = { lim[i].max, lim[i].max };

		if (setrlimit(lim[i].res, &rl) != 0)
			_exit(126);
	}
	execve(argv[0], (char *const *)argv, envp);
	_exit(126);
}

/* A path mount(2) takes for the object fd names, exactly: the magic link
 * of /proc/self/fd is followed to it, not resolved again. Into buf. */
static const char *
fd_path(int fd, char *buf, size_t len)
{
	char digits[16];
	size_t n = 0, i = 0;
	const char *pre = "/proc/self/fd/";

	do {
		digits[n++] = (char)('0' + fd % 10);
		fd /= 10;
	} while (fd > 0 && n < sizeof(digits));
	for (; *pre != '\0' && i + 1 < len; pre++)
		buf[i++] = *pre;
	while (n > 0 && i + 1 < len)
		buf[i++] = digits[--n];
	buf[i] = '\0';
	return buf;
}

/*
 * The image's /dev is not used (it could hold any device node: root's
 * view is mounted nodev): a fresh tmpfs over it with an empty file on
 * which this machine's /dev/null is bound, the one device sshd opens.
 * Every path is opened without following a link at its last component,
 * below the operator's root, and mounted on through its descriptor.
 */
static void
dev_null(int rootfd)
{
	char path[64];
	int dfd, nfd;

	if ((dfd = openat(rootfd, "dev", O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC)) < 0)
		return;
	if (mount("tmpfs", fd_path(dfd, path, sizeof(path)), "tmpfs",
	    MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=16k,nr_inodes=8,mode=0755") != 0)
		_exit(126);
	close(dfd);
	if ((dfd = openat(rootfd, "dev", O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (nfd = openat(dfd, "null", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
	    0666)) < 0)
		_exit(126);
	if (mount("/dev/null", fd_path(nfd, path, sizeof(path)), NULL, MS_BIND, NULL) != 0)
		_exit(126);
	close(nfd);
	close(dfd);
}

/* The first child: the namespaces and the read-only view of root, then
 * the program as its child, whose status it passes on. */
static void
enter(const char *root, const char *const argv[])
{
	int status, rootfd;
	pid_t pid;

	if (unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC |
	    CLONE_NEWUTS) != 0)
		_exit(126);
	/* nothing mounted here reaches the host's mount table */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		_exit(126);
	/* not MS_REC: a /proc (or anything) mounted inside root stays out */
	if (mount(root, root, NULL, MS_BIND, NULL) != 0 ||
	    mount(NULL, root, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID |
	    MS_NODEV, NULL) != 0)
		_exit(126);
	if ((rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		_exit(126);
	dev_null(rootfd);
	close(rootfd);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
		_exit(126);
	if ((pid = fork()) < 0)
		_exit(126);
	if (pid == 0)
		confine_exec(root, argv);
	if (waitpid(pid, &status, 0) != pid)
		_exit(126);
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

pid_t
sandbox_spawn(const char *root, const char *const argv[], int outfd, int errfd)
{
	pid_t pid;
	int null;

	if (getuid() != 0 || geteuid() != 0 || root == NULL || root[0] != '/')
		return -1;
	if ((null = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		if (dup2(null, 0) < 0 || dup2(outfd, 1) < 0 || dup2(errfd, 2) < 0)
			_exit(126);
		/* every other descriptor keyaudit holds stays here */
		if (close_range(3, ~0u, 0) != 0)
			for (int fd = 3; fd < 65536; fd++)
				close(fd);
		enter(root, argv);
	}
	close(null);
	return pid;
}
