/* transport_ssh.c - one remote host, one connection, one round trip.
 *
 * The stages are those of ssh itself, and each failure is named by the
 * stage it stopped at, so the net.* checks can say what to fix:
 *
 *   name lookup -> TCP (or ProxyCommand/ProxyJump) -> the server's banner
 *   -> key exchange -> host key vs known_hosts -> "none" (which methods are
 *   offered) -> agent and identity files -> one exec of the collector.
 *
 * We open the socket ourselves and only then hand it to libssh: that is how
 * refused, silent (tarpit), non-SSH and SSH-1 servers are told apart before
 * libssh would lump them into one "connection failed", and how a deadline
 * can cover everything: a watchdog thread shuts the socket down when a
 * host's time is up, which wakes any libssh call blocked on it.
 *
 * A server that closes before its banner or drops us during key exchange is
 * what sshd's MaxStartups and PerSourcePenalties look like from outside, so
 * those are retried with backoff, and the tries are counted.
 *
 * Nothing from the inventory or the network reaches a shell: the exec
 * command is a fixed string, parameters go to the collector's stdin, and a
 * ProxyJump runs ssh from an argv. Only a ProxyCommand the operator wrote in
 * ssh_config is run by /bin/sh, as ssh runs it, after its %h %p %r tokens
 * were checked to be plain names (ssh_name_ok). */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "scanner/parse/clientconf.h"
#include "scanner/parse/khcert.h"
#include "scanner/transport/collector.h"
#include "scanner/transport/hostcerts.h"
#include "scanner/transport/transport_ssh.h"
#include "scanner/parse/collect_stream.h"

extern char **environ;

#define BANNER_PEEK	4096	/* more than this without a complete SSH line: not SSH */
#define MAX_TRIES	3	/* connections for a throttling server */
/* OpenSSH 9.2's default HostKeyAlgorithms without certificates, in its
 * order; libssh drops what it cannot do. */
#define HOSTKEY_ALGS	KH_DEFAULT_HOSTKEY_ALGS
#define BANNER_QUIET	2.0	/* seconds to wait for a banner before sending ours */
#define STDERR_LIMIT	4096u

/* ---- time ------------------------------------------------------------- */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

double
ssh_now(void)
{
	return now_s();
}

static int
ms_left(double deadline)
{
	double left = deadline - now_s();

	if (left <= 0)
		return 0;
	return left > 3600 ? 3600000 : (int)(left * 1000) + 1;
}

/* ---- the watchdog --------------------------------------------------------
 * Each scanning thread registers the socket it is using with a deadline;
 * at the deadline the watchdog shuts it down (never closes it: the fd stays
 * owned by whoever opened it, so it cannot be reused under us). */

#define WD_SLOTS 1024

static struct wd_slot {
	int used, fd;
	double deadline;
} wd_slots[WD_SLOTS];
static pthread_mutex_t wd_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t wd_once = PTHREAD_ONCE_INIT;

static void *
wd_main(void *arg)
{
	(void)arg;
	for (;;) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		double t;

		nanosleep(&ts, NULL);
		t = now_s();
		pthread_mutex_lock(&wd_lock);
		for (size_t i = 0; i < WD_SLOTS; i++)
			if (wd_slots[i].used && wd_slots[i].fd >= 0 &&
			    t >= wd_slots[i].deadline) {
				shutdown(wd_slots[i].fd, SHUT_RDWR);
				wd_slots[i].fd = -1;
			}
		pthread_mutex_unlock(&wd_lock);
	}
	return NULL;
}

static void
wd_start(void)
{
	pthread_t t;
	sigset_t all, old;

	/* The watchdog takes no signals: they belong to the main thread
	 * (but its own faults, which cannot be blocked: see pool.c). */
	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGFPE);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&t, NULL, wd_main, NULL) == 0)
		pthread_detach(t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* A slot for this host, or -1 when all are taken (then libssh's own
 * per-call timeouts are the only bound). */
static int
wd_arm(int fd, double deadline)
{
	int slot = -1;

	pthread_mutex_lock(&wd_lock);
	for (int i = 0; i < WD_SLOTS && slot < 0; i++)
		if (!wd_slots[i].used) {
			wd_slots[i].used = 1;
			wd_slots[i].fd = fd;
			wd_slots[i].deadline = deadline;
			slot = i;
		}
	pthread_mutex_unlock(&wd_lock);
	return slot;
}

static void
wd_disarm(int slot)
{
	if (slot < 0)
		return;
	pthread_mutex_lock(&wd_lock);
	wd_slots[slot].used = 0;
	wd_slots[slot].fd = -1;
	pthread_mutex_unlock(&wd_lock);
}

void
ssh_transport_init(void)
{
	/* A server or proxy that goes away mid-write must cost that host an
	 * error, not the whole scan a SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	ssh_init();
	pthread_once(&wd_once, wd_start);
}

/* ---- names ---------------------------------------------------------------- */

int
ssh_name_ok(const char *s, int allow_colon)
{
	if (s == NULL || *s == '\0' || *s == '-' || strlen(s) > 1024)
		return 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-' ||
		    (allow_colon && *p == ':')))
			return 0;
	return 1;
}

/* ---- one attempt's state ---------------------------------------------------- */

struct conn {
	const struct ssh_target *t;
	const struct ssh_scan_opts *o;
	struct snapshot *s;
	double deadline;
	int fd;			/* ours until handed to libssh */
	int slot;		/* watchdog slot */
	pid_t proxy;		/* ProxyCommand/ProxyJump child, or 0 */
	int proxy_err;		/* its stderr (a pipe), or -1 */
	ssh_session ssh;
	int in_kex;		/* handshake() ran: libssh read the server */
};

static void
set_failure(struct snapshot *s, const char *failure, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_failure(struct snapshot *s, const char *failure, const char *fmt, ...)
{
	va_list ap;
	char *msg, *pr;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	pr = str_printable(msg, strlen(msg));
	free(msg);
	free(s->net.failure);
	free(s->net.error);
	s->net.failure = xstrdup(failure);
	s->net.error = pr;
}

static void
conn_close(struct conn *c)
{
	wd_disarm(c->slot);
	c->slot = -1;
	c->in_kex = 0;
	if (c->ssh != NULL) {
		ssh_disconnect(c->ssh);
		ssh_free(c->ssh);	/* closes the fd it was given */
		c->ssh = NULL;
		c->fd = -1;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->proxy > 0) {
		int st;

		kill(c->proxy, SIGTERM);
		for (int i = 0; i < 20 && waitpid(c->proxy, &st, WNOHANG) == 0; i++) {
			struct timespec ts = { 0, 10 * 1000 * 1000 };
			nanosleep(&ts, NULL);
			if (i == 19) {
				kill(c->proxy, SIGKILL);
				waitpid(c->proxy, &st, 0);
			}
		}
		c->proxy = 0;
	}
	if (c->proxy_err >= 0)
		close(c->proxy_err);
	c->proxy_err = -1;
}

/* The first line a proxy wrote to stderr, printable, or NULL. */
static char *
proxy_stderr(struct conn *c)
{
	char tmp[STDERR_LIMIT];
	ssize_t n;

	if (c->proxy_err < 0)
		return NULL;
	n = read(c->proxy_err, tmp, sizeof(tmp) - 1);
	if (n <= 0)
		return NULL;
	tmp[n] = '\0';
	tmp[strcspn(tmp, "\r\n")] = '\0';
	return *tmp ? str_printable(tmp, strlen(tmp)) : NULL;
}

/* ---- name lookup with a deadline ---------------------------------------------- */

/* getaddrinfo_a so that a dead resolver cannot outlast the host's deadline.
 * A lookup given up on cannot always be cancelled: its request is then
 * left to finish on its own (a few bytes, once per such host). */
static int
lookup(struct conn *c, struct addrinfo **res)
{
	struct gaicb *req = xcalloc(1, sizeof(*req));
	struct addrinfo *hints = xcalloc(1, sizeof(*hints));
	char *port = xasprintf("%d", c->t->port);
	const struct gaicb *list[1] = { req };
	int rc;

	hints->ai_family = AF_UNSPEC;
	hints->ai_socktype = SOCK_STREAM;
	hints->ai_flags = AI_ADDRCONFIG;
	req->ar_name = xstrdup(c->t->host);
	req->ar_service = port;
	req->ar_request = hints;
	if ((rc = getaddrinfo_a(GAI_NOWAIT, (struct gaicb **)list, 1, NULL)) != 0) {
		set_failure(c->s, "resolve", "cannot look up %s: %s", c->t->host,
		    gai_strerror(rc));
		goto done;
	}
	for (;;) {
		int left = ms_left(c->deadline);
		struct timespec ts = { left / 1000, (left % 1000) * 1000000L };

		rc = gai_error(req);
		if (rc != EAI_INPROGRESS)
			break;
		if (left == 0 || (gai_suspend(list, 1, &ts) == EAI_AGAIN &&
		    ms_left(c->deadline) == 0)) {
			if (gai_cancel(req) != EAI_CANCELED) {
				set_failure(c->s, "resolve", "looking up %s did not finish "
				    "in %d s", c->t->host, c->o->timeout);
				return -1;	/* req is the resolver's now */
			}
			rc = EAI_AGAIN;
			break;
		}
	}
	if (rc == 0) {
		*res = req->ar_result;
		req->ar_result = NULL;
	} else
		set_failure(c->s, "resolve", "%s does not resolve: %s", c->t->host,
		    rc == EAI_AGAIN ? "the name server did not answer in time" :
		    gai_strerror(rc));
done:
	free((char *)req->ar_name);
	free(port);
	free(hints);
	free(req);
	return rc == 0 ? 0 : -1;
}

static void
addr_text(const struct sockaddr *sa, char *buf, size_t len)
{
	const void *a = sa->sa_family == AF_INET6 ?
	    (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr :
	    (const void *)&((const struct sockaddr_in *)sa)->sin_addr;

	if (inet_ntop(sa->sa_family, a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
}

/* TCP to each address in turn, as ssh does: refused tries the next one. */
static int
tcp_connect(struct conn *c)
{
	struct addrinfo *res = NULL;
	int refused = 0, timedout = 0, other = 0;
	char last[128] = "", why[160] = "";

	if (lookup(c, &res) != 0)
		return -1;
	for (struct addrinfo *ai = res; ai != NULL && c->fd < 0; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, ai->ai_protocol);
		struct pollfd pfd;
		int err = 0;
		socklen_t elen = sizeof(err);

		addr_text(ai->ai_addr, last, sizeof(last));
		if (fd < 0) {
			snprintf(why, sizeof(why), "socket: %s", strerror(errno));
			other++;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
			err = errno;
		} else {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			pfd.revents = 0;
			while (poll(&pfd, 1, ms_left(c->deadline)) < 0 && errno == EINTR)
				;
			if (!(pfd.revents & (POLLOUT | POLLERR | POLLHUP)))
				err = ETIMEDOUT;
			else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
				err = errno;
		}
		if (err == 0) {
			int one = 1;

			/* libssh writes a packet at a time (the collector's
			 * input, then its EOF): with Nagle the second waits for
			 * the first one's ACK, a delayed ACK's 40 ms or an RTT */
			(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			c->fd = fd;
			free(c->s->net.address);
			c->s->net.address = xstrdup(last);
			break;
		}
		close(fd);
		if (err == ECONNREFUSED)
			refused++;
		else if (err == ETIMEDOUT)
			timedout++;
		else {
			snprintf(why, sizeof(why), "%s", strerror(err));
			other++;
		}
		if (ms_left(c->deadline) == 0)
			break;
	}
	freeaddrinfo(res);
	if (c->fd >= 0)
		return 0;
	free(c->s->net.address);
	c->s->net.address = *last ? xstrdup(last) : NULL;
	if (timedout)
		set_failure(c->s, "timeout", "no answer from %s port %d within %d s",
		    *last ? last : c->t->host, c->t->port, c->o->timeout);
	else if (refused)
		set_failure(c->s, "refused", "connection refused by %s port %d",
		    *last ? last : c->t->host, c->t->port);
	else
		set_failure(c->s, "error", "cannot connect to %s port %d: %s",
		    *last ? last : c->t->host, c->t->port, *why ? why : "no address");
	return -1;
}

/* ---- proxies ------------------------------------------------------------------- */

/* ProxyCommand tokens as ssh expands them; the names were checked first. */
static char *
expand_proxy(const struct ssh_target *t)
{
	struct buf b;

	buf_init(&b);
	for (const char *p = t->proxy_command; *p; p++) {
		if (*p != '%' || p[1] == '\0') {
			buf_putc(&b, *p);
			continue;
		}
		switch (*++p) {
		case '%': buf_putc(&b, '%'); break;
		case 'h': buf_puts(&b, t->host); break;
		case 'n': buf_puts(&b, t->name); break;
		case 'p': buf_printf(&b, "%d", t->port); break;
		case 'r': buf_puts(&b, t->user); break;
		default: buf_putc(&b, '%'); buf_putc(&b, *p); break;
		}
	}
	return buf_steal(&b);
}

/* ProxyJump [user@]host[:port][,...]: ssh -W to the last hop, through the
 * others with -J, from an argv (no shell). */
static int
jump_argv(const struct ssh_target *t, int timeout, struct strlist *argv, char **err)
{
	char *extra = NULL, *user = NULL, *hop = NULL;
	int port = 0;

	if (clientconf_jump_split(t->proxy_jump, &extra, &user, &hop, &port) != 0 ||
	    !ssh_name_ok(hop, 1) || (user && !ssh_name_ok(user, 0)) ||
	    (extra && extra[0] == '-')) {
		*err = xasprintf("ProxyJump %s: not a [user@]host[:port] list", t->proxy_jump);
		free(extra);
		free(user);
		free(hop);
		return -1;
	}
	strlist_add(argv, "ssh");
	strlist_add(argv, "-o");
	strlist_add(argv, "BatchMode=yes");
	strlist_add(argv, "-o");
	strlist_add_owned(argv, xasprintf("ConnectTimeout=%d", timeout > 0 ? timeout : 10));
	if (t->ssh_config != NULL) {
		strlist_add(argv, "-F");
		strlist_add(argv, t->ssh_config);
	}
	for (size_t i = 0; t->cli_identities && i < t->cli_identities->n; i++) {
		strlist_add(argv, "-i");
		strlist_add(argv, t->cli_identities->v[i]);
	}
	if (user) {
		strlist_add(argv, "-l");
		strlist_add(argv, user);
	}
	if (port) {
		strlist_add(argv, "-p");
		strlist_add_owned(argv, xasprintf("%d", port));
	}
	if (extra) {
		strlist_add(argv, "-J");
		strlist_add(argv, extra);
	}
	strlist_add(argv, "-W");
	strlist_add_owned(argv, strchr(t->host, ':') ?
	    xasprintf("[%s]:%d", t->host, t->port) : xasprintf("%s:%d", t->host, t->port));
	strlist_add(argv, "--");
	strlist_add(argv, hop);
	free(extra);
	free(user);
	free(hop);
	return 0;
}

static int
proxy_connect(struct conn *c)
{
	struct strlist argv = { 0 };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t def;
	int sv[2], ep[2], rc;
	char *err = NULL, *cmd = NULL;

	if (!ssh_name_ok(c->t->host, 1) || !ssh_name_ok(c->t->user, 0)) {
		set_failure(c->s, "error", "host %s or user %s is not a plain name; refusing "
		    "to put it into a proxy command", c->t->host, c->t->user);
		return -1;
	}
	if (c->t->proxy_jump != NULL) {
		if (jump_argv(c->t, c->o->timeout, &argv, &err) != 0) {
			set_failure(c->s, "error", "%s", err);
			free(err);
			return -1;
		}
		c->s->net.via = xasprintf("ProxyJump %s", c->t->proxy_jump);
	} else {
		cmd = expand_proxy(c->t);
		strlist_add(&argv, "/bin/sh");
		strlist_add(&argv, "-c");
		strlist_add_owned(&argv, xasprintf("exec %s", cmd));
		c->s->net.via = xasprintf("ProxyCommand %s", c->t->proxy_command);
		free(cmd);
	}
	strlist_add_owned(&argv, NULL);
	argv.n--;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 ||
	    pipe2(ep, O_CLOEXEC | O_NONBLOCK) != 0) {
		set_failure(c->s, "error", "socketpair: %s", strerror(errno));
		strlist_free(&argv);
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
	posix_spawn_file_actions_adddup2(&fa, ep[1], 2);
	/* The proxy gets SIGPIPE back (we ignore it) and an empty mask. */
	posix_spawnattr_init(&attr);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	posix_spawnattr_setsigdefault(&attr, &def);
	sigemptyset(&def);
	posix_spawnattr_setsigmask(&attr, &def);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	rc = posix_spawnp(&c->proxy, argv.v[0], &fa, &attr, argv.v, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(sv[1]);
	close(ep[1]);
	strlist_free(&argv);
	if (rc != 0) {
		close(sv[0]);
		close(ep[0]);
		c->proxy = 0;
		set_failure(c->s, "error", "cannot start the proxy: %s", strerror(rc));
		return -1;
	}
	c->fd = sv[0];
	c->proxy_err = ep[0];
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
	return 0;
}

/* ---- the banner, before libssh sees it ------------------------------------------------ */

/* 0: go on with the handshake (an SSH-2 banner is waiting, or nothing came
 * yet: an HTTP server, say, answers only after the client's own banner,
 * which libssh sends); 1: closed before any byte (retry); -1: failure
 * recorded. Only peeks: libssh reads it all again. */
static int
probe_banner(struct conn *c)
{
	char buf[BANNER_PEEK + 1];
	ssize_t n = 0;
	double quiet_until = now_s() + BANNER_QUIET;

	for (;;) {
		struct pollfd pfd = { c->fd, POLLIN | POLLRDHUP, 0 };
		int left = ms_left(c->deadline), quiet = ms_left(quiet_until);
		char *line, *nl;

		if (n == 0 && (quiet == 0 || poll(&pfd, 1, quiet < left ? quiet : left) == 0))
			return 0;
		if (n > 0 && (left == 0 || poll(&pfd, 1, left) == 0)) {
			char *pr = str_printable(buf, strcspn(buf, "\r\n") > 80 ? 80 :
			    strcspn(buf, "\r\n"));
			set_failure(c->s, "not-ssh", "the server sent \"%s\" and no "
			    "complete SSH banner line in %d s", pr, c->o->timeout);
			free(pr);
			return -1;
		}
		/* Lines and then a hang-up before any SSH banner: sshd's
		 * "Exceeded MaxStartups" (and "Not allowed at this time" of
		 * PerSourcePenalties) look like this. */
		if (n > 0 && (pfd.revents & (POLLRDHUP | POLLHUP))) {
			size_t len = strcspn(buf, "\r\n");
			char *pr = str_printable(buf, len > 120 ? 120 : len);

			set_failure(c->s, "throttled", "the server said \"%s\" and closed "
			    "the connection before its banner", pr);
			free(pr);
			return 1;
		}
		n = recv(c->fd, buf, BANNER_PEEK, MSG_PEEK);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			if (n == 0 || errno == ECONNRESET)
				return 1;
			set_failure(c->s, "error", "reading the banner: %s", strerror(errno));
			return -1;
		}
		buf[n] = '\0';
		/* RFC 4253 4.2: lines before the version line are allowed. */
		for (line = buf; (nl = memchr(line, '\n', (size_t)(buf + n - line))) != NULL;
		    line = nl + 1) {
			size_t len = (size_t)(nl - line);
			char *pr;

			if (len > 0 && line[len - 1] == '\r')
				len--;
			if (len < 4 || strncmp(line, "SSH-", 4) != 0) {
				if (line == buf && (strncmp(line, "HTTP/", 5) == 0 ||
				    strncmp(line, "220", 3) == 0 || strncmp(line, "<", 1) == 0 ||
				    memchr(line, '\0', len) != NULL)) {
					pr = str_printable(line, len > 80 ? 80 : len);
					set_failure(c->s, "not-ssh", "the server on port %d does "
					    "not speak SSH: it sent \"%s\"", c->t->port, pr);
					free(pr);
					return -1;
				}
				continue;
			}
			pr = str_printable(line, len > 255 ? 255 : len);
			free(c->s->net.banner);
			c->s->net.banner = pr;
			if (strncmp(line, "SSH-2.0-", 8) == 0 || strncmp(line, "SSH-1.99-", 9) == 0)
				return 0;
			set_failure(c->s, strncmp(line, "SSH-1.", 6) == 0 ? "ssh1" : "not-ssh",
			    "the server speaks %s only (\"%s\"); ssh and keyaudit need SSH-2",
			    strncmp(line, "SSH-1.", 6) == 0 ? "SSH-1" : "an unknown SSH version",
			    pr);
			return -1;
		}
		if (n >= BANNER_PEEK) {
			char *pr = str_printable(buf, 60);
			set_failure(c->s, "not-ssh", "the server sent %d bytes without a "
			    "complete SSH banner line (\"%s...\")", BANNER_PEEK, pr);
			free(pr);
			return -1;
		}
		/* Incomplete line: wait for more without spinning on the peek. */
		{
			struct timespec ts = { 0, 20 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
	}
}

/* A server silent until the client speaks (HTTP) and then gone looks like
 * throttling to libssh. One extra connection tells them apart: say our
 * banner ourselves and see what comes back. 1 when it is not SSH (failure
 * recorded), else 0. */
static int
identify_port(struct conn *c)
{
	static const char hello[] = "SSH-2.0-keyaudit_probe\r\n";
	char buf[512];
	ssize_t n = 0;
	int saved_fd = c->fd, rc = 0;
	char *failure = c->s->net.failure, *error = c->s->net.error;

	c->s->net.failure = c->s->net.error = NULL;
	c->fd = -1;
	if (tcp_connect(c) != 0) {
		free(c->s->net.failure);
		free(c->s->net.error);
		goto out;
	}
	if (send(c->fd, hello, sizeof(hello) - 1, MSG_NOSIGNAL) > 0) {
		struct pollfd pfd = { c->fd, POLLIN, 0 };
		int left = ms_left(c->deadline);

		if (poll(&pfd, 1, left < 2000 ? left : 2000) > 0)
			n = recv(c->fd, buf, sizeof(buf) - 1, 0);
	}
	close(c->fd);
	if (n > 0 && strncmp(buf, "SSH-", 4) != 0) {
		char *pr = str_printable(buf, strcspn(buf, "\r\n") < (size_t)n ?
		    strcspn(buf, "\r\n") : (size_t)n);
		if (strlen(pr) > 80)
			pr[80] = '\0';
		set_failure(c->s, "not-ssh", "the server on port %d does not speak SSH: "
		    "after an SSH banner it answered \"%s\"", c->t->port, pr);
		free(pr);
		free(failure);
		free(error);
		c->fd = saved_fd;
		return 1;
	}
out:
	c->s->net.failure = failure;
	c->s->net.error = error;
	c->fd = saved_fd;
	return rc;
}

/* ---- libssh handshake ------------------------------------------------------------------ */

static int
is_throttle_error(const char *e)
{
	return strstr(e, "closed by remote") || strstr(e, "reset by peer") ||
	    strstr(e, "disconnected") || strstr(e, "Connection closed") ||
	    strstr(e, "Broken pipe") || strstr(e, "Socket error: Success");
}

/* c's libssh session on its socket, not yet connected. 0, or -1 with the
 * failure recorded. */
static int
session_new(struct conn *c, const char *hostkey_algos)
{
	long secs = ms_left(c->deadline) / 1000 + 1;
	int verbosity = SSH_LOG_NOLOG, no = 0;
	socket_t fd = c->fd;

	if ((c->ssh = ssh_new()) == NULL) {
		set_failure(c->s, "error", "libssh: out of memory");
		return -1;
	}
	ssh_options_set(c->ssh, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
	ssh_options_set(c->ssh, SSH_OPTIONS_PROCESS_CONFIG, &no);
	ssh_options_set(c->ssh, SSH_OPTIONS_HOST, c->t->host);
	ssh_options_set(c->ssh, SSH_OPTIONS_PORT, &c->t->port);
	ssh_options_set(c->ssh, SSH_OPTIONS_USER, c->t->user);
	ssh_options_set(c->ssh, SSH_OPTIONS_TIMEOUT, &secs);
	/* known_hosts is ours to judge (never libssh's, never written). */
	ssh_options_set(c->ssh, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
	ssh_options_set(c->ssh, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
	if (hostkey_algos != NULL)
		ssh_options_set(c->ssh, SSH_OPTIONS_HOSTKEYS, hostkey_algos);
	ssh_options_set(c->ssh, SSH_OPTIONS_FD, &fd);
	return 0;
}

/*
 * Our banner goes out with the connection, as ssh sends its own: libssh
 * says it first thing, and waiting for the server's before starting it
 * (probe_banner) cost a round trip, since sshd sends its KEXINIT only once
 * our banner came. Not blocking, ssh_connect sends the banner and returns;
 * probe_banner then peeks at the server's words before libssh reads them.
 * When the server spoke already, the probe runs first, as before. 0, or
 * -1 with the failure recorded.
 */
static int
handshake_start(struct conn *c, const char *hostkey_algos)
{
	int waiting = 0;

	if (ioctl(c->fd, FIONREAD, &waiting) == 0 && waiting > 0)
		return 0;
	if (session_new(c, hostkey_algos) != 0)
		return -1;
	ssh_set_blocking(c->ssh, 0);
	(void)ssh_connect(c->ssh);	/* SSH_AGAIN; an error shows in handshake() */
	return 0;
}

/* probe_banner, unless libssh already read the banner (it arrived in the
 * instant between handshake_start's look and its poll). */
static int
probe_unless_read(struct conn *c)
{
	if (c->ssh != NULL && ssh_get_serverbanner(c->ssh) != NULL)
		return 0;
	return probe_banner(c);
}

/* 0 handshake done; 1 dropped during kex (retry); -1 failure recorded. */
static int
handshake(struct conn *c, const char *hostkey_algos)
{
	const char *e, *sb;

	if (c->ssh == NULL && session_new(c, hostkey_algos) != 0)
		return -1;
	c->in_kex = 1;
	ssh_set_blocking(c->ssh, 1);
	if (ssh_connect(c->ssh) == SSH_OK)
		return 0;
	c->fd = -1;		/* libssh owns it now */
	e = ssh_get_error(c->ssh);
	sb = ssh_get_serverbanner(c->ssh);
	if (sb == NULL && c->s->net.banner == NULL && (ms_left(c->deadline) == 0 ||
	    strstr(e, "imeout"))) {
		set_failure(c->s, "no-banner", "the server accepted the connection but "
		    "sent no SSH banner in %d s", c->o->timeout);
		return -1;
	}
	if (strstr(e, "banner") != NULL || strstr(e, "rotocol mismatch") != NULL) {
		set_failure(c->s, "not-ssh", "the server on port %d does not speak SSH: %s",
		    c->t->port, e);
		return -1;
	}
	if (ms_left(c->deadline) == 0) {
		set_failure(c->s, "timeout", "the key exchange did not finish in %d s",
		    c->o->timeout);
		return -1;
	}
	if (is_throttle_error(e)) {
		set_failure(c->s, "throttled", "the server dropped the connection %s (%s)",
		    sb != NULL || c->s->net.banner != NULL ? "during key exchange" :
		    "before its banner", e);
		return 1;
	}
	set_failure(c->s, strstr(e, "kex") || strstr(e, "match for method") ||
	    strstr(e, "algorithm") ? "kex-failed" : "error", "key exchange failed: %s", e);
	return -1;
}

/* Host key facts, then the known_hosts verdict. 0: go on and log in. */
static int
check_host_key(struct conn *c)
{
	struct snap_net *n = &c->s->net;
	ssh_key key = NULL;
	char *b64 = NULL;
	unsigned char *blob = NULL;
	long bloblen = -1;
	const char *type, *kex = ssh_get_kex_algo(c->ssh), *banner = ssh_get_serverbanner(c->ssh);
	struct kh_verdict v;
	const char *khname = c->t->kh_name ? c->t->kh_name : c->t->host;
	int rc = 0;

	if (banner != NULL) {
		free(n->banner);
		n->banner = str_printable(banner, strlen(banner));
	}
	if (kex != NULL)
		n->kex = xstrdup(kex);
	if (ssh_get_server_publickey(c->ssh, &key) == SSH_OK &&
	    ssh_pki_export_pubkey_base64(key, &b64) == SSH_OK) {
		blob = xmalloc(strlen(b64));
		bloblen = base64_decode(b64, strlen(b64), blob, strlen(b64));
	}
	if (bloblen <= 0) {
		set_failure(c->s, "error", "no host key from the server: %s",
		    ssh_get_error(c->ssh));
		ssh_key_free(key);
		ssh_string_free_char(b64);
		free(blob);
		return -1;
	}
	type = ssh_key_type_to_char(ssh_key_type(key));
	n->hostkey_type = xstrdup(type ? type : "unknown");
	n->hostkey = xstrdup(b64);
	n->hostkey_fp = fingerprint_sha256(blob, (size_t)bloblen);
	ssh_string_free_char(b64);
	ssh_key_free(key);
	if (c->o->known_hosts == NULL) {
		free(blob);
		return 0;
	}
	kh_check(c->o->known_hosts, khname, c->t->kh_name ? 0 : c->t->port,
	    n->hostkey_type, blob, (size_t)bloblen, &v);
	free(blob);
	n->known_hosts_name = xstrdup(v.lookup ? v.lookup : khname);
	if (v.file != NULL)
		n->known_hosts_where = xasprintf("%s:%ld", v.file, v.line);
	switch (v.status) {
	case KH_OK:
		n->known_hosts = xstrdup("ok");
		break;
	case KH_NEW:
		n->known_hosts = xstrdup("new");
		/* Pinned by a CA alone: ssh would be shown the certificate,
		 * libssh cannot ask for it; log in, read the host's
		 * HostCertificate and judge that (hostcert_settle). */
		if (khc_ca_line(c->o->known_hosts, khname, c->t->kh_name ? 0 :
		    c->t->port) != NULL) {
			n->hostcert = xstrdup("pending");
			break;
		}
		if (!c->o->accept_unknown) {
			set_failure(c->s, "hostkey-unknown", "host key %s %s for %s is not in "
			    "known_hosts; not logging in", n->hostkey_type, n->hostkey_fp,
			    n->known_hosts_name);
			rc = -1;
		}
		break;
	case KH_CHANGED:
		n->known_hosts = xstrdup("changed");
		if (v.error != NULL) {
			set_failure(c->s, "hostkey-changed", "the host key of %s cannot be "
			    "used (%s); not logging in", n->known_hosts_name, v.error);
			rc = -1;
			break;
		}
		set_failure(c->s, "hostkey-changed", "host key for %s is %s %s, but "
		    "known_hosts (%s) has another %s key; not logging in", n->known_hosts_name,
		    n->hostkey_type, n->hostkey_fp, n->known_hosts_where ?
		    n->known_hosts_where : "?", v.known_type ? v.known_type : "another");
		rc = -1;
		break;
	case KH_REVOKED:
		n->known_hosts = xstrdup("revoked");
		set_failure(c->s, "hostkey-revoked", "host key %s %s of %s is marked "
		    "@revoked in %s; not logging in", n->hostkey_type, n->hostkey_fp,
		    n->known_hosts_name, n->known_hosts_where ? n->known_hosts_where : "?");
		rc = -1;
		break;
	}
	kh_verdict_free(&v);
	return rc;
}

/* ---- authentication ------------------------------------------------------------------- */

static void
note_methods(struct snap_net *n, int m)
{
	static const struct { int bit; const char *name; } names[] = {
		{ SSH_AUTH_METHOD_PUBLICKEY, "publickey" },
		{ SSH_AUTH_METHOD_PASSWORD, "password" },
		{ SSH_AUTH_METHOD_INTERACTIVE, "keyboard-interactive" },
		{ SSH_AUTH_METHOD_HOSTBASED, "hostbased" },
		{ SSH_AUTH_METHOD_GSSAPI_MIC, "gssapi-with-mic" },
	};

	n->auth_known = 1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (m & names[i].bit)
			strlist_add(&n->auth_methods, names[i].name);
}

/* One identity file. A key that loads is signed with at once: asking the
 * server first whether it would take the key (ssh_userauth_try_publickey,
 * a PK_OK query) costs a round trip, and the scan signs anyway when the
 * answer is yes; a refused signature says the same as a refused query. The
 * query stays for a key that does not load (a passphrase): its answer
 * tells "refused" from "unreadable", as before. 1 logged in, 0 refused,
 * -1 unusable. */
static int
try_identity(struct conn *c, const char *path, struct buf *tried)
{
	ssh_key pub = NULL, priv = NULL;
	int rc;

	if (ssh_pki_import_privkey_file(path, NULL, NULL, NULL, &priv) != SSH_OK) {
		char *pubpath = xasprintf("%s.pub", path);

		rc = SSH_AUTH_SUCCESS;
		if (ssh_pki_import_pubkey_file(pubpath, &pub) == SSH_OK) {
			rc = ssh_userauth_try_publickey(c->ssh, NULL, pub);
			ssh_key_free(pub);
		}
		free(pubpath);
		buf_printf(tried, "%s%s (%s)", tried->len ? ", " : "", path,
		    rc != SSH_AUTH_SUCCESS ? "refused" : "unreadable or has a passphrase");
		return rc != SSH_AUTH_SUCCESS ? 0 : -1;
	}
	rc = ssh_userauth_publickey(c->ssh, NULL, priv);
	ssh_key_free(priv);
	if (rc == SSH_AUTH_SUCCESS)
		return 1;
	buf_printf(tried, "%s%s (refused)", tried->len ? ", " : "", path);
	return 0;
}

static int
authenticate(struct conn *c)
{
	struct snap_net *n = &c->s->net;
	struct buf tried;
	int rc, methods;

	n->login_user = xstrdup(c->t->user);
	rc = ssh_userauth_none(c->ssh, NULL);
	if (rc == SSH_AUTH_SUCCESS) {
		n->login_with = xstrdup("none");
		return 0;
	}
	if (rc == SSH_AUTH_ERROR) {
		set_failure(c->s, ms_left(c->deadline) ? "error" : "timeout",
		    "authentication failed: %s", ssh_get_error(c->ssh));
		return -1;
	}
	methods = ssh_userauth_list(c->ssh, NULL);
	note_methods(n, methods);
	if (!(methods & SSH_AUTH_METHOD_PUBLICKEY)) {
		set_failure(c->s, "no-publickey", "the server does not offer publickey "
		    "authentication to %s", c->t->user);
		return -1;
	}
	buf_init(&tried);
	if (!c->t->identities_only && getenv("SSH_AUTH_SOCK") != NULL) {
		if (ssh_userauth_agent(c->ssh, NULL) == SSH_AUTH_SUCCESS) {
			n->login_with = xstrdup("agent");
			buf_free(&tried);
			return 0;
		}
		buf_puts(&tried, "agent keys (refused)");
	}
	for (size_t i = 0; c->t->identities && i < c->t->identities->n; i++) {
		if (ms_left(c->deadline) == 0)
			break;
		if (access(c->t->identities->v[i], R_OK) != 0)
			continue;
		if (try_identity(c, c->t->identities->v[i], &tried) == 1) {
			n->login_with = xstrdup(c->t->identities->v[i]);
			buf_free(&tried);
			return 0;
		}
	}
	if (ms_left(c->deadline) == 0)
		set_failure(c->s, "timeout", "authentication did not finish in %d s",
		    c->o->timeout);
	else
		set_failure(c->s, "auth-failed", "no key was accepted for %s (tried: %s)",
		    c->t->user, tried.len ? tried.data : "no agent, no readable identity file");
	buf_free(&tried);
	return -1;
}

/* ---- the collector ----------------------------------------------------------------------- */

static char *exec_plain, *exec_sudo;
static pthread_once_t exec_once = PTHREAD_ONCE_INIT;

/* Fixed text: the quoted script and nothing from any host or inventory. */
static void
exec_build(void)
{
	char *q = shell_quote(collector_script);

	exec_plain = xasprintf("exec /bin/sh -c %s keyaudit-collector", q);
	/* root needs no sudo; otherwise sudo -n or, when it asks for a
	 * password or is missing, the unprivileged collector that says so. */
	exec_sudo = xasprintf("if [ \"$(id -u)\" = 0 ]; then p=; a=; elif sudo -n true "
	    "</dev/null >/dev/null 2>&1; then p='sudo -n'; a=sudo; else p=; "
	    "a=sudo-denied; fi; exec $p /bin/sh -c %s keyaudit-collector $a", q);
	free(q);
}

static int
collect(struct conn *c)
{
	ssh_channel ch = ssh_channel_new(c->ssh);
	struct buf out, errb;
	char *input = NULL, *err = NULL, tmp[65536];
	size_t inlen;
	int rc = -1, status;

	pthread_once(&exec_once, exec_build);
	buf_init(&out);
	buf_init(&errb);
	/* the collector's own deadline on the host: when keyaudit stops waiting,
	 * nothing it started there is left running */
	if ((input = collector_params(c->o->collect, 1,
	    (ms_left(c->deadline) + 999) / 1000, &inlen, &err)) == NULL) {
		set_failure(c->s, "error", "%s", err);
		goto done;
	}
	if (ch == NULL || ssh_channel_open_session(ch) != SSH_OK ||
	    ssh_channel_request_exec(ch, c->o->sudo ? exec_sudo : exec_plain) != SSH_OK) {
		set_failure(c->s, ms_left(c->deadline) ? "collect-failed" : "timeout",
		    "the server refused to run the collector: %s", ssh_get_error(c->ssh));
		goto done;
	}
	for (size_t w = 0; w < inlen; ) {
		int n = ssh_channel_write(ch, input + w, (uint32_t)(inlen - w));
		if (n <= 0)
			break;
		w += (size_t)n;
	}
	ssh_channel_send_eof(ch);
	for (;;) {
		int left = ms_left(c->deadline), n;

		if (left == 0)
			break;
		/*
		 * stderr is read as it comes, the first STDERR_LIMIT bytes
		 * kept: libssh calls a channel at its end only once both
		 * streams are drained (a remote that wrote a line to stderr
		 * and exited cost the whole --timeout, spinning), and a
		 * remote that fills stderr must not stall its stdout.
		 */
		while ((n = ssh_channel_read_nonblocking(ch, tmp, sizeof(tmp), 1)) > 0)
			if (errb.len < STDERR_LIMIT)
				buf_append(&errb, tmp, (size_t)n < STDERR_LIMIT - errb.len ?
				    (size_t)n : STDERR_LIMIT - errb.len);
		if (n == SSH_ERROR)
			break;
		/* a slice, so stderr is looked at while stdout is silent */
		n = ssh_channel_read_timeout(ch, tmp, sizeof(tmp), 0, left < 200 ? left : 200);
		if (n == SSH_AGAIN || n == 0) {
			/* the end: EOF or a closed channel, and nothing left
			 * in either stream (the next turn reads what is) */
			if ((ssh_channel_is_eof(ch) || ssh_channel_is_closed(ch)) &&
			    ssh_channel_poll(ch, 0) <= 0 && ssh_channel_poll(ch, 1) <= 0)
				break;
			continue;
		}
		if (n < 0)
			break;
		if (out.len + (size_t)n > COLLECT_STREAM_LIMIT) {
			set_failure(c->s, "collect-failed", "the collector printed more "
			    "than %u bytes", COLLECT_STREAM_LIMIT);
			goto done;
		}
		buf_append(&out, tmp, (size_t)n);
	}
	if (ms_left(c->deadline) == 0) {
		set_failure(c->s, "collect-failed", "logged in, but collection did not "
		    "finish in %d s (%zu bytes received; a slow or very large host: raise "
		    "--timeout)", c->o->timeout, out.len);
		goto done;
	}
	while (errb.len < STDERR_LIMIT && !ssh_channel_is_closed(ch)) {
		int n = ssh_channel_read_timeout(ch, tmp, sizeof(tmp), 1, 100);
		if (n <= 0)
			break;
		buf_append(&errb, tmp, (size_t)n < STDERR_LIMIT - errb.len ?
		    (size_t)n : STDERR_LIMIT - errb.len);
	}
	status = ssh_channel_get_exit_status(ch);
	{
		struct snap_net keep = c->s->net;
		char *target = xstrdup(c->t->name);

		/* The parser fills a fresh snapshot; the net facts are ours. */
		memset(&c->s->net, 0, sizeof(c->s->net));
		snapshot_free(c->s);
		rc = collect_stream_parse(out.data ? out.data : "", out.len, target, "ssh",
		    c->s, &err);
		free(target);
		if (keep.sudo == NULL && c->s->net.sudo != NULL)
			keep.sudo = c->s->net.sudo;
		else
			free(c->s->net.sudo);
		c->s->net = keep;
		c->s->net_only = 1;	/* until the stream proved whole */
	}
	if (rc != 0) {
		char *first = NULL;
		const char *src = errb.len ? errb.data : out.data;
		size_t srclen = errb.len ? errb.len : out.len;

		if (src != NULL && srclen > 0)
			first = str_printable(src, strcspn(src, "\n") < srclen ?
			    strcspn(src, "\n") : srclen);
		set_failure(c->s, "collect-failed", "the collector did not run to its end "
		    "(exit status %d%s%s): %s", status, first ? "; it said: " : "",
		    first ? first : "", err);
		free(first);
		rc = -1;
	}
done:
	if (out.data != NULL)
		explicit_bzero(out.data, out.len);
	buf_free(&out);
	buf_free(&errb);
	free(input);
	free(err);
	if (ch != NULL) {
		ssh_channel_close(ch);
		ssh_channel_free(ch);
	}
	return rc;
}

/* ---- every host key, as ssh-keyscan ----------------------------------------- */

/* One connection per family: the server shows the key of the first
 * algorithm both sides offer, so asking for one at a time lists them all. */
static const char *const keyscan_algs[] = {
	"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521", "rsa-sha2-512,rsa-sha2-256", "ssh-rsa", "ssh-dss",
};

/* The family's key type ("rsa-sha2-512,..." -> "ssh-rsa"). */
static const char *
keyscan_type(const char *alg)
{
	return strncmp(alg, "rsa-sha2", 8) == 0 ? "ssh-rsa" : alg;
}

static int
has_type(const struct strlist *l, const char *type)
{
	size_t n = strlen(type);

	for (size_t i = 0; i < l->n; i++)
		if (strncmp(l->v[i], type, n) == 0 && l->v[i][n] == ' ')
			return 1;
	return 0;
}

/* The key the session's server presented, as "type base64", or NULL. */
static char *
presented_key(ssh_session ssh)
{
	ssh_key key = NULL;
	char *b64 = NULL, *line = NULL;
	const char *type;

	if (ssh_get_server_publickey(ssh, &key) == SSH_OK &&
	    ssh_pki_export_pubkey_base64(key, &b64) == SSH_OK &&
	    (type = ssh_key_type_to_char(ssh_key_type(key))) != NULL)
		line = xasprintf("%s %s", type, b64);
	ssh_string_free_char(b64);
	ssh_key_free(key);
	return line;
}

static void
keyscan(struct conn *first)
{
	struct snapshot *s = first->s;
	const struct ssh_target *t = first->t;
	char *line;

	/* The name the keys are listed under: the one ssh looks up first,
	 * HostKeyAlias verbatim, else host or [host]:port. */
	free(s->net.known_hosts_name);
	s->net.known_hosts_name = t->kh_name ? xstrdup(t->kh_name) :
	    t->port == 22 ? xstrdup(t->host) : xasprintf("[%s]:%d", t->host, t->port);
	if (first->ssh != NULL && (line = presented_key(first->ssh)) != NULL)
		strlist_add_owned(&s->net.hostkeys, line);
	for (size_t i = 0; i < sizeof(keyscan_algs) / sizeof(keyscan_algs[0]); i++) {
		struct snapshot scratch;
		struct conn c;
		int rc;

		if (has_type(&s->net.hostkeys, keyscan_type(keyscan_algs[i])))
			continue;
		if (ms_left(first->deadline) == 0)
			break;
		memset(&c, 0, sizeof(c));
		snapshot_init(&scratch);
		c.t = first->t;
		c.o = first->o;
		c.s = &scratch;
		c.fd = -1;
		c.slot = -1;
		c.proxy_err = -1;
		c.deadline = first->deadline;
		rc = (c.t->proxy_command || c.t->proxy_jump) ? proxy_connect(&c) : tcp_connect(&c);
		if (rc == 0) {
			c.slot = wd_arm(c.fd, c.deadline);
			/* A family the server does not have fails the key exchange;
			 * libssh without it (DSA) falls back to others: keep only
			 * the type asked for. */
			if (probe_banner(&c) == 0 && handshake(&c, keyscan_algs[i]) == 0 &&
			    (line = presented_key(c.ssh)) != NULL) {
				const char *want = keyscan_type(keyscan_algs[i]);
				if (strncmp(line, want, strlen(want)) == 0 &&
				    line[strlen(want)] == ' ' && !has_type(&s->net.hostkeys, want)) {
					/* Reached only when rsa-sha2 failed: the host signs
					 * with SHA-1 alone, which OpenSSH 8.8+ refuses. */
					if (strcmp(keyscan_algs[i], "ssh-rsa") == 0) {
						char *tagged = xasprintf("%s sha1-only", line);
						free(line);
						line = tagged;
					}
					strlist_add_owned(&s->net.hostkeys, line);
				} else
					free(line);
			}
		}
		conn_close(&c);
		snapshot_free(&scratch);
	}
}

/* ---- one host ----------------------------------------------------------------------------- */

void
ssh_scan(const struct ssh_target *t, const struct ssh_scan_opts *o, struct snapshot *s)
{
	struct conn c;
	double start = now_s(), backoff = 0.5;
	int timeout = o->timeout > 0 ? o->timeout : 10;
	char *algos = NULL;

	memset(&c, 0, sizeof(c));
	c.t = t;
	c.o = o;
	c.s = s;
	c.fd = -1;
	c.slot = -1;
	c.proxy_err = -1;
	c.deadline = start + timeout;
	s->target = xstrdup(t->name);
	s->transport = xstrdup("ssh");
	s->net.probed = 1;
	s->net.host = t->host ? xstrdup(t->host) : NULL;
	s->net.port = t->port;
	s->net_only = 1;
	/* Ask for the key type known_hosts has, as ssh does (else a host
	 * known by its ECDSA key would show its Ed25519 key and look changed). */
	if (o->known_hosts != NULL)
		algos = kh_order_hostkeyalgs(o->known_hosts, t->kh_name ? t->kh_name : t->host,
		    t->kh_name ? 0 : t->port, HOSTKEY_ALGS);

	for (int try = 1; try <= MAX_TRIES; try++) {
		int rc;
		double attempt_deadline = c.deadline;

		s->net.tries = try;
		/* ConnectTimeout bounds the TCP connect only, as in ssh. */
		if (t->connect_timeout > 0 && start + t->connect_timeout < c.deadline &&
		    t->proxy_command == NULL && t->proxy_jump == NULL)
			c.deadline = now_s() + t->connect_timeout;
		rc = (t->proxy_command || t->proxy_jump) ? proxy_connect(&c) : tcp_connect(&c);
		c.deadline = attempt_deadline;
		if (rc != 0)
			break;
		c.slot = wd_arm(c.fd, c.deadline);
		if ((rc = handshake_start(&c, algos)) == 0 && (rc = probe_unless_read(&c)) == 0 &&
		    (rc = handshake(&c, algos)) == 0) {
			free(s->net.failure);
			free(s->net.error);
			s->net.failure = s->net.error = NULL;
			if (o->session_hook != NULL) {
				(void)check_host_key(&c);
				o->session_hook(o->hook_arg, c.ssh, s, c.deadline);
			} else if (o->keyscan) {
				if (check_host_key(&c) == 0 || s->net.hostkey_fp != NULL)
					keyscan(&c);
			} else if (check_host_key(&c) == 0 && authenticate(&c) == 0 &&
			    collect(&c) == 0) {
				s->net_only = 0;
				if (s->net.hostcert != NULL)
					hostcert_settle(s, o->known_hosts, t->kh_name ?
					    t->kh_name : t->host, t->kh_name ? 0 : t->port,
					    (int64_t)time(NULL));
			}
			break;
		}
		if (rc == 1 && (s->net.failure == NULL || strcmp(s->net.failure, "throttled") != 0))
			set_failure(s, "throttled", "the server closed the connection before "
			    "sending its banner");
		/* A proxy that closed our end and complained is a failed proxy,
		 * not a throttling server. */
		if (rc == 1 && c.proxy > 0) {
			struct timespec ts = { 0, 100 * 1000 * 1000 };
			char *pe;

			nanosleep(&ts, NULL);
			if ((pe = proxy_stderr(&c)) != NULL) {
				set_failure(s, "error", "the %s failed: %s", t->proxy_jump ?
				    "ProxyJump" : "ProxyCommand", pe);
				free(pe);
				break;
			}
		}
		if (rc == 1 && try == 1 && t->proxy_command == NULL && t->proxy_jump == NULL &&
		    s->net.banner == NULL && c.ssh != NULL && c.in_kex &&
		    ssh_get_serverbanner(c.ssh) == NULL && identify_port(&c))
			rc = -1;
		if (rc != 1) {
			char *pe = proxy_stderr(&c);
			if (pe != NULL && s->net.error != NULL) {
				char *both = xasprintf("%s (proxy: %s)", s->net.error, pe);
				free(s->net.error);
				s->net.error = both;
			}
			free(pe);
			break;
		}
		conn_close(&c);
		if (try == MAX_TRIES || now_s() + backoff >= c.deadline)
			break;
		{
			struct timespec ts = { (time_t)backoff,
			    (long)((backoff - (int)backoff) * 1e9) };
			nanosleep(&ts, NULL);
		}
		backoff *= 2;
	}
	if (s->net.failure != NULL && strcmp(s->net.failure, "throttled") == 0) {
		char *msg = xasprintf("%s (%d tr%s)", s->net.error, s->net.tries,
		    s->net.tries == 1 ? "y" : "ies");
		free(s->net.error);
		s->net.error = msg;
	}
	conn_close(&c);
	/* A host whose key exchange fails (only ssh-rsa, say) still has keys
	 * known-hosts should list: ask for each family on its own. */
	if (o->keyscan && s->net.failure != NULL &&
	    strcmp(s->net.failure, "kex-failed") == 0 && s->net.hostkeys.n == 0) {
		keyscan(&c);
	}
	free(algos);
	if (s->collected_at == 0)
		s->collected_at = (int64_t)time(NULL);
	if (s->hostname == NULL)
		s->hostname = xstrdup(t->host);
}
