/*
 * keyscmd_run.c - --run-keys-command: run each audited account's
 * AuthorizedKeysCommand on this machine exactly as sshd would
 * (auth2-pubkey.c user_key_command_allowed2, misc.c subprocess): only where
 * sshd's rules let it run (scanner/keyscmd.c), the same argument vector and
 * %-tokens, as AuthorizedKeysCommandUser with its uid, gid and groups (never
 * as root unless that is the configured user), sshd's minimal environment,
 * stdin from /dev/null. Unlike sshd, keyaudit bounds it: KEYSCMD_SECONDS,
 * then the whole process group is killed, and SNAP_KEYSCMD_OUTPUT_LIMIT
 * bytes of output. The output lands in the snapshot; checks judge it.
 * Never for --root (another system's programs) or a saved snapshot.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scanner/context.h"
#include "scanner/parse/sshwords.h"
#include "scanner/transport/readas.h"
#include "scanner/transport/transport.h"

/* Seconds one command may run (sshd itself waits up to LoginGraceTime). */
#define KEYSCMD_SECONDS 10
/* Accounts whose command is run in one collection: the rest are reported
 * as not run, so --all-users on a large host stays bounded. */
#define KEYSCMD_MAX_RUNS 64
/* ... and all of them at most this long (a host of slow commands). */
#define KEYSCMD_TOTAL_SECONDS 60

/* Does the command's text use %C or %D (the connection: no scan has one)? */
static int
uses_connection_token(const char *cmd)
{
	for (const char *p = cmd; *p != '\0'; p++) {
		if (*p != '%')
			continue;
		if (p[1] == '%') {
			p++;
			continue;
		}
		if (p[1] == 'C' || p[1] == 'D')
			return 1;
	}
	return 0;
}

/* The argument vector as one printable line, each word quoted as needed. */
static char *
assemble(char **av, int ac)
{
	struct buf b;

	buf_init(&b);
	buf_puts(&b, "");
	for (int i = 0; i < ac; i++) {
		char *q = shell_quote(av[i]), *p = str_printable(q, strlen(q));

		buf_printf(&b, "%s%s", i ? " " : "", p);
		free(q);
		free(p);
	}
	return buf_steal(&b);
}

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The child: sshd's subprocess() from the fork on. Never returns. */
static void
child(char **av, const struct snap_account *a, const gid_t *groups, size_t ngroups,
    int out)
{
	char *env[6];
	char e_user[300], e_logname[300], e_home[4200];
	int devnull;

	setsid();	/* its own process group: a timeout kills all of it */
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	if ((devnull = open("/dev/null", O_RDWR)) < 0 ||
	    dup2(devnull, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
	    dup2(devnull, STDERR_FILENO) < 0)
		_exit(126);
	closefrom(STDERR_FILENO + 1);
	/* groups, gid, uid: in that order, and all of them (readas.c) */
	if (geteuid() == 0 &&
	    (syscall(SYS_setgroups, ngroups, groups) != 0 ||
	    syscall(SYS_setresgid, a->gid, a->gid, a->gid) != 0 ||
	    syscall(SYS_setresuid, a->uid, a->uid, a->uid) != 0))
		_exit(126);
	if (a->uid != 0 && (geteuid() == 0 || getegid() != a->gid))
		_exit(126);
	snprintf(e_user, sizeof(e_user), "USER=%s", a->name);
	snprintf(e_logname, sizeof(e_logname), "LOGNAME=%s", a->name);
	snprintf(e_home, sizeof(e_home), "HOME=%s", a->home);
	/* sshd's _PATH_STDPATH on glibc; LANG only if sshd itself has one,
	 * which a service manager's sshd usually has not */
	env[0] = (char *)"PATH=/usr/bin:/bin:/usr/sbin:/sbin";
	env[1] = e_user;
	env[2] = e_logname;
	env[3] = e_home;
	env[4] = NULL;
	execve(av[0], av, env);
	_exit(127);
}

/* Run av as a; fill k. */
static void
run_one(struct snap_keyscmd *k, char **av, const struct snap_account *a)
{
	gid_t *groups = NULL;
	size_t ngroups = 0;
	int p[2], status = 0, killed = 0;
	struct buf out;
	double end;
	pid_t pid;

	if (geteuid() != 0 && geteuid() != a->uid) {
		k->error = xasprintf("keyaudit runs it as %s only as root", a->name);
		return;
	}
	if (geteuid() == 0)
		groups = readas_grouplist(a->name, a->gid, &ngroups);
	if (pipe2(p, O_CLOEXEC) != 0) {
		k->error = xasprintf("pipe: %s", strerror(errno));
		free(groups);
		return;
	}
	if ((pid = fork()) < 0) {
		k->error = xasprintf("fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		free(groups);
		return;
	}
	if (pid == 0) {
		close(p[0]);
		child(av, a, groups, ngroups, p[1]);
	}
	free(groups);
	close(p[1]);
	k->ran = 1;
	buf_init(&out);
	end = mono() + KEYSCMD_SECONDS;
	for (;;) {
		struct pollfd pfd = { p[0], POLLIN, 0 };
		double left = end - mono();
		char tmp[8192];
		ssize_t n;

		if (left <= 0) {
			killed = 1;
			break;
		}
		if (poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		if ((n = read(p[0], tmp, sizeof(tmp))) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out.len + (size_t)n > SNAP_KEYSCMD_OUTPUT_LIMIT) {
			buf_append(&out, tmp, SNAP_KEYSCMD_OUTPUT_LIMIT - out.len);
			k->truncated = 1;
			killed = 2;
			break;
		}
		buf_append(&out, tmp, (size_t)n);
	}
	close(p[0]);
	if (killed)
		kill(-pid, SIGKILL);
	/* output closed: wait for the exit, as bounded as the rest */
	while (!killed) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (mono() >= end) {
			killed = 1;
			kill(-pid, SIGKILL);
			break;
		}
		usleep(10000);
	}
	if (killed)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	k->output = out.data ? out.data : xstrdup("");
	k->len = out.len;
	if (killed == 1)
		k->error = xasprintf("it did not finish within %d seconds (keyaudit "
		    "killed it; sshd would keep waiting, up to LoginGraceTime)",
		    KEYSCMD_SECONDS);
	else if (killed == 2)
		k->error = xasprintf("it printed more than %u bytes (keyaudit stopped "
		    "reading and killed it)", SNAP_KEYSCMD_OUTPUT_LIMIT);
	else if (WIFEXITED(status)) {
		k->status = WEXITSTATUS(status);
		if (k->status == 127)
			k->error = xstrdup("it exited with status 127: the program could "
			    "not be executed (sshd logs \"execve ... failed\") or says it "
			    "was not found");
		else if (k->status == 126)
			k->error = xstrdup("it exited with status 126: it could not be "
			    "started as its user (or says it cannot execute)");
	} else if (WIFSIGNALED(status))
		k->error = xasprintf("it was killed by signal %d: sshd ignores its "
		    "output", WTERMSIG(status));
}

void
keyscmd_collect(struct snapshot *s, const struct collect_opts *o)
{
	struct ka_host_result scratch;
	struct ka_options none = { 0 };
	struct ka_ctx ctx;
	size_t runs = 0;
	double stop = mono() + KEYSCMD_TOTAL_SECONDS;

	if (!o->run_keys_command || o->root != NULL)
		return;
	s->keys_commands_run = 1;
	host_result_init(&scratch, "collect");
	ctx_init(&ctx, s, &none, &scratch);
	for (size_t i = 0; i < ctx.nusers; i++) {
		const struct ka_user *u = &ctx.users[i];
		struct ka_keyscmd kc;
		struct snap_keyscmd *k;
		const struct ak_line *key = o->keys_command_key;
		char **av, *why = NULL;
		int ac;

		ctx_keys_command(&ctx, u, &kc);
		/* only what sshd would run, and only once it is known that it would */
		if (kc.state != KC_UNRUN || kc.why != NULL || kc.run != NULL) {
			ka_keyscmd_free(&kc);
			continue;
		}
		k = snap_keyscmd_add(s, u->name);
		k->runas = xstrdup(kc.runas);
		if (kc.runas_acct == NULL)
			k->error = xasprintf("AuthorizedKeysCommandUser %s is not known "
			    "(the account list was not read)", kc.runas);
		else if (uses_connection_token(kc.command))
			k->error = xstrdup("its arguments use %C or %D (the connection): "
			    "keyaudit cannot give it what sshd would");
		else if (kc.key_tokens && key == NULL)
			k->error = xstrdup("its arguments use %t, %f or %k (the key the "
			    "client offers) and a scan has no key: 'keyaudit diagnose "
			    "--run-keys-command' runs it with the key being diagnosed");
		else if (runs >= KEYSCMD_MAX_RUNS)
			k->error = xasprintf("only the first %d accounts' commands are run",
			    KEYSCMD_MAX_RUNS);
		else if (mono() + KEYSCMD_SECONDS > stop)
			k->error = xasprintf("the %d seconds keyaudit gives all commands of "
			    "a host were spent", KEYSCMD_TOTAL_SECONDS);
		else if ((av = ctx_keys_command_argv(&ctx, u, kc.key_tokens ? key : NULL,
		    &ac, NULL, &why)) == NULL)
			k->error = why;
		else {
			/* execve wants the vector NULL-terminated */
			av = xreallocarray(av, (size_t)ac + 1, sizeof(*av));
			av[ac] = NULL;
			k->command = assemble(av, ac);
			if (kc.key_tokens && key->fp != NULL)
				k->key_fp = xstrdup(key->fp);
			run_one(k, av, kc.runas_acct);
			runs++;
			ssh_argv_free(av, ac);
		}
		ka_keyscmd_free(&kc);
	}
	ctx_free(&ctx);
	host_result_free(&scratch);
}
