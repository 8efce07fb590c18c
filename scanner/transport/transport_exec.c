/* transport_exec.c - a snapshot of this machine taken by running the
 * embedded collector with /bin/sh, exactly as the ssh transport will run it
 * on a remote host over one exec channel. It exists to prove the collector:
 * its snapshot must equal transport_local's (tests/cli/collector.sh).
 *
 * The script is a fixed string; the options travel on its stdin as data and
 * are never part of a command line. Output and time are bounded. */
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scanner/transport/collector.h"
#include "scanner/parse/collect_stream.h"

#define EXEC_SECONDS 120
#define EXEC_STDERR_LIMIT 4096u

/* sh must not pick anything up from our environment (ENV, BASH_ENV, ...). */
static char *const exec_env[] = {
	"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL
};

static long
elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - start->tv_sec) * 1000 +
	    (now.tv_nsec - start->tv_nsec) / 1000000;
}

/*
 * Run the collector with input on stdin; stdout into out (at most
 * COLLECT_STREAM_LIMIT), the start of stderr into errb. 0, or -1 with *err.
 */
static int
run_collector(const char *input, size_t inlen, struct buf *out, struct buf *errb,
    char **err)
{
	char *const argv[] = { "/bin/sh", "-c", (char *)collector_script,
	    "keyaudit-collector", NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	struct timespec start;
	size_t written = 0;
	int status, rc = -1, killed = 0;
	const char *why = NULL;
	pid_t pid;

	if (pipe2(pin, O_CLOEXEC) != 0 || pipe2(pout, O_CLOEXEC) != 0 ||
	    pipe2(perr, O_CLOEXEC) != 0) {
		*err = xasprintf("collector: pipe: %s", strerror(errno));
		goto close_all;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pin[0], 0);
	posix_spawn_file_actions_adddup2(&fa, pout[1], 1);
	posix_spawn_file_actions_adddup2(&fa, perr[1], 2);
	/* its own process group, as under sshd: at its deadline the collector
	 * kills that group, everything it started, and never keyaudit */
	posix_spawnattr_init(&at);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	status = posix_spawn(&pid, argv[0], &fa, &at, argv, exec_env);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	if (status != 0) {
		*err = xasprintf("collector: cannot run /bin/sh: %s", strerror(status));
		goto close_all;
	}
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	pin[0] = pout[1] = perr[1] = -1;
	fcntl(pin[1], F_SETFL, O_NONBLOCK);
	clock_gettime(CLOCK_MONOTONIC, &start);

	while (pout[0] >= 0 || perr[0] >= 0) {
		struct pollfd pfd[3] = {
			{ pout[0], POLLIN, 0 }, { perr[0], POLLIN, 0 },
			{ pin[1], POLLOUT, 0 },
		};
		long left = EXEC_SECONDS * 1000L - elapsed_ms(&start);
		char tmp[65536];

		if (left <= 0) {
			why = "did not finish in time";
			break;
		}
		if (poll(pfd, 3, left > 500 ? 500 : (int)left) < 0 && errno != EINTR) {
			why = "poll failed";
			break;
		}
		if (pin[1] >= 0 && (pfd[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t n = write(pin[1], input + written, inlen - written);
			if (n > 0)
				written += (size_t)n;
			if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == inlen) {
				close(pin[1]);
				pin[1] = -1;
			}
		}
		for (int k = 0; k < 2; k++) {
			int *fd = k == 0 ? &pout[0] : &perr[0];
			ssize_t n;

			if (*fd < 0 || !(pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(*fd, tmp, sizeof(tmp));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				close(*fd);
				*fd = -1;
			} else if (k == 0) {
				if (out->len + (size_t)n > COLLECT_STREAM_LIMIT) {
					why = "printed more than the output limit";
					break;
				}
				buf_append(out, tmp, (size_t)n);
			} else if (errb->len < EXEC_STDERR_LIMIT)
				buf_append(errb, tmp, (size_t)n);
		}
		if (why != NULL)
			break;
	}
	if (why != NULL) {
		kill(-pid, SIGKILL);
		killed = 1;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (killed)
		*err = xasprintf("collector %s (%d s, %u bytes)", why, EXEC_SECONDS,
		    COLLECT_STREAM_LIMIT);
	else
		rc = 0;
close_all:
	for (int k = 0; k < 2; k++) {
		if (pin[k] >= 0)
			close(pin[k]);
		if (pout[k] >= 0)
			close(pout[k]);
		if (perr[k] >= 0)
			close(perr[k]);
	}
	return rc;
}

static int
exec_collect(const char *target, const struct collect_opts *o, struct snapshot *s,
    char **err)
{
	struct buf out, errb;
	size_t inlen;
	char *input;
	int rc;

	*err = NULL;
	if (o->root != NULL) {
		*err = xstrdup("the exec transport collects this machine as it runs; "
		    "--root is for the local transport");
		return -1;
	}
	if ((input = collector_params(o, 1, EXEC_SECONDS, &inlen, err)) == NULL)
		return -1;
	buf_init(&out);
	buf_init(&errb);
	rc = run_collector(input, inlen, &out, &errb, err);
	free(input);
	if (rc == 0) {
		rc = collect_stream_parse(out.data ? out.data : "", out.len,
		    target ? target : "local", "exec", s, err);
		if (rc != 0 && errb.len > 0) {
			/* The shell's own complaint explains a cut stream best. */
			char *first = xstrndup(errb.data, strcspn(errb.data, "\n"));
			char *pr = str_printable(first, strlen(first));
			char *both = xasprintf("%s (stderr: %s)", *err, pr);

			free(first);
			free(pr);
			free(*err);
			*err = both;
		}
	}
	if (out.data != NULL)
		explicit_bzero(out.data, out.len);	/* may hold pasted private keys */
	buf_free(&out);
	buf_free(&errb);
	return rc;
}

const struct transport transport_exec = { "exec", exec_collect };
