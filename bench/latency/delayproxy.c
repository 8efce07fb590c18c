/*
 * delayproxy - a userspace delay line in front of a loopback server, for
 * bench/latency (this machine has no netem). Every chunk read from either
 * side is written to the other side DELAY ms after it was read, in order,
 * per direction; the two directions and all connections run independently
 * (one epoll loop, a timed queue per direction), so RTT = 2 x DELAY and a
 * connection pays for its round trips only.
 *
 *   delayproxy -d DELAY_MS -l LISTEN_PORT -t TARGET_PORT [-o COUNTS] [-r READY]
 *
 * Listens on 127.0.0.1:LISTEN_PORT and connects each client to
 * 127.0.0.1:TARGET_PORT DELAY ms after accepting it (the SYN's trip: the
 * server hears of the connection when it would over a real link); what the
 * client sends meanwhile waits in its queue. The client's connect returns
 * at once, so each connection is one RTT cheaper than on a link, for every
 * tool alike.
 *
 * Round trips (the count printed per connection) are counted causally, not
 * from clocks: every chunk gets a depth. A chunk read from the server has
 * the depth of the newest client chunk already delivered to the server
 * (the connection itself is a client chunk of depth 1); a chunk read from
 * the client has the depth of the newest server chunk already delivered to
 * the client, plus one. A connection's round trips are the largest server
 * depth: the longest chain "client flight, then a server flight sent after
 * it arrived", which is how many times the client waited a whole RTT. The
 * count does not depend on the delay or the machine's load as long as each
 * side answers in less than DELAY (a server slower than that adds one).
 * Also printed: turns (direction changes in read order), bytes each way,
 * the connection's duration. DELAYPROXY_TRACE=FILE logs every chunk: its
 * connection, time, direction, depth and size.
 *
 * One line per connection is appended to COUNTS (default stderr) when it
 * ends:  conn=N port=P rt=R turns=T c2s=BYTES s2c=BYTES ms=DURATION
 * READY, if given, is created once listening. SIGTERM/SIGINT: flush, exit.
 */
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK		65536
#define QUEUE_MAX	(4 * 1024 * 1024)	/* per direction; reading stops above */

struct chunk {
	struct chunk *next;
	int64_t due;		/* ms, monotonic */
	int depth;
	int eof;		/* a shutdown(SHUT_WR) to pass on, no data */
	size_t len, off;
	unsigned char data[];
};

struct conn;

/* One direction: bytes read from 'from', written to 'to'. */
struct dir {
	struct conn *c;
	int from, to;
	struct chunk *head, *tail;
	size_t queued;
	int read_eof, write_done;
	int delivered_depth;	/* newest depth written to 'to' */
	unsigned long long bytes;
	int blocked;		/* 'to' took part of the head: wait for EPOLLOUT */
	unsigned events;	/* registered for 'from' (0: not in epoll) */
};

struct conn {
	unsigned long id;
	struct dir c2s, s2c;
	int last_dir;		/* 0 none, 1 c2s, 2 s2c */
	int rt, turns, dead;
	int64_t start;
	int64_t connect_due;	/* the upstream connect, once the SYN "arrived" */
	int target_port;
	struct conn *next_dead;
};

static int delay_ms, epfd;
static FILE *counts, *trace;
static volatile sig_atomic_t stop;
static unsigned long nconns;
static int listen_port;

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* The interest of fd: EPOLLIN while its reading direction has room,
 * EPOLLOUT while its writing direction has a due chunk it could not write. */
static void
update_fd(struct conn *c, int fd)
{
	struct dir *rd = fd == c->c2s.from ? &c->c2s : &c->s2c;
	struct dir *wr = fd == c->c2s.to ? &c->c2s : &c->s2c;
	struct epoll_event e;

	memset(&e, 0, sizeof(e));
	if (!rd->read_eof && rd->queued < QUEUE_MAX)
		e.events |= EPOLLIN;
	if (wr->blocked)
		e.events |= EPOLLOUT;
	if (e.events == rd->events)
		return;
	/* none wanted: out of epoll, or a hung-up socket would wake us in a
	 * loop until the other direction's queue is due */
	e.data.ptr = rd;
	epoll_ctl(epfd, e.events == 0 ? EPOLL_CTL_DEL : rd->events == 0 ?
	    EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &e);
	rd->events = e.events;
}

static void
conn_end(struct conn *c)
{
	if (c->dead)
		return;
	c->dead = 1;
	fprintf(counts, "conn=%lu port=%d rt=%d turns=%d c2s=%llu s2c=%llu ms=%lld\n",
	    c->id, listen_port, c->rt, c->turns, c->c2s.bytes, c->s2c.bytes,
	    (long long)(now_ms() - c->start));
	fflush(counts);
	close(c->c2s.from);
	if (c->c2s.to >= 0)
		close(c->c2s.to);
	c->c2s.from = c->c2s.to = c->s2c.from = c->s2c.to = -1;
}

static void
dir_free(struct dir *d)
{
	struct chunk *k, *n;

	for (k = d->head; k != NULL; k = n) {
		n = k->next;
		free(k);
	}
	d->head = d->tail = NULL;
	d->queued = 0;
}

static void
enqueue(struct dir *d, const void *buf, size_t len, int eof)
{
	struct chunk *k = malloc(sizeof(*k) + len);

	if (k == NULL) {
		perror("delayproxy: malloc");
		exit(1);
	}
	k->next = NULL;
	k->due = now_ms() + delay_ms;
	k->eof = eof;
	k->len = len;
	k->off = 0;
	memcpy(k->data, buf, len);
	/* the causal depth (see the top of the file) */
	if (d == &d->c->c2s)
		k->depth = d->c->s2c.delivered_depth + 1;
	else {
		k->depth = d->c->c2s.delivered_depth;
		if (!eof && len > 0 && k->depth > d->c->rt)
			d->c->rt = k->depth;
	}
	if (trace != NULL)
		fprintf(trace, "conn=%lu t=%lld %s depth=%d len=%zu%s\n", d->c->id,
		    (long long)(now_ms() - d->c->start), d == &d->c->c2s ? "c>s" : "s>c",
		    k->depth, len, eof ? " eof" : "");
	if (d->tail)
		d->tail->next = k;
	else
		d->head = k;
	d->tail = k;
	d->queued += len;
}

/* Write what is due on d. 0 fine, -1 the connection is over. */
static int
flush_dir(struct dir *d, int64_t now)
{
	struct chunk *k;

	while ((k = d->head) != NULL && k->due <= now) {
		if (k->eof) {
			shutdown(d->to, SHUT_WR);
			d->write_done = 1;
		} else {
			ssize_t n = write(d->to, k->data + k->off, k->len - k->off);

			/* ENOTCONN: the server's connect is still under way */
			if (n < 0 && (errno == EAGAIN || errno == EINTR || errno == ENOTCONN)) {
				d->blocked = 1;
				break;
			}
			if (n < 0)
				return -1;
			d->delivered_depth = k->depth;
			k->off += (size_t)n;
			if (k->off < k->len) {
				d->blocked = 1;
				break;
			}
			d->blocked = 0;
		}
		d->queued -= k->len;
		d->head = k->next;
		if (d->head == NULL)
			d->tail = NULL;
		free(k);
	}
	return 0;
}

static int
conn_over(struct conn *c)
{
	return c->c2s.write_done && c->s2c.write_done;
}

/* Read what 'from' has into d's queue. */
static void
read_dir(struct dir *d)
{
	unsigned char buf[CHUNK];
	int which = d == &d->c->c2s ? 1 : 2;

	while (!d->read_eof && d->queued < QUEUE_MAX) {
		ssize_t n = read(d->from, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == ENOTCONN))
			break;
		/* a reset is an end too: what was read before it still goes */
		if (n <= 0) {
			d->read_eof = 1;
			enqueue(d, "", 0, 1);
			break;
		}
		if (d->c->last_dir != which) {
			d->c->turns++;
			d->c->last_dir = which;
		}
		d->bytes += (unsigned long long)n;
		enqueue(d, buf, (size_t)n, 0);
	}
}

static void
add_fd(struct dir *d, int fd)
{
	struct epoll_event e;

	memset(&e, 0, sizeof(e));
	e.events = EPOLLIN;
	e.data.ptr = d;
	epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &e);
	d->events = EPOLLIN;
}

static struct conn **all;
static size_t nall, aall;

/* The upstream half of c, not blocking: a server with a full backlog must
 * not stall the other connections (what the client sent waits queued). */
static int
connect_up(struct conn *c)
{
	struct sockaddr_in sa;
	int sfd, one = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)c->target_port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((sfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) < 0 ||
	    (connect(sfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 &&
	    errno != EINPROGRESS)) {
		fprintf(stderr, "delayproxy: connect to port %d: %s\n", c->target_port,
		    strerror(errno));
		if (sfd >= 0)
			close(sfd);
		return -1;
	}
	setsockopt(sfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->c2s.to = c->s2c.from = sfd;
	add_fd(&c->s2c, sfd);
	c->connect_due = 0;
	return 0;
}

static void
accept_one(int lfd, int target_port)
{
	struct conn *c;
	int cfd, one = 1;

	if ((cfd = accept(lfd, NULL, NULL)) < 0)
		return;
	setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	set_nonblock(cfd);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		exit(1);
	c->id = ++nconns;
	c->start = now_ms();
	c->c2s.c = c->s2c.c = c;
	c->c2s.from = c->s2c.to = cfd;
	c->c2s.to = c->s2c.from = -1;
	c->target_port = target_port;
	/* The server hears of the connection DELAY ms later, as over a real
	 * link (the SYN's trip); its first words answer the connection. */
	c->connect_due = c->start + delay_ms;
	c->c2s.delivered_depth = 1;
	add_fd(&c->c2s, cfd);
	if (nall == aall) {
		aall = aall ? aall * 2 : 256;
		if ((all = realloc(all, aall * sizeof(*all))) == NULL)
			exit(1);
	}
	all[nall++] = c;
}

/* The earliest due time of any waiting chunk, or -1. */
static int64_t
next_due(void)
{
	int64_t t = -1;

	for (size_t i = 0; i < nall; i++) {
		struct conn *c = all[i];
		if (c->connect_due) {
			if (t < 0 || c->connect_due < t)
				t = c->connect_due;
		} else if (c->c2s.head && (t < 0 || c->c2s.head->due < t))
			t = c->c2s.head->due;
		if (c->s2c.head && (t < 0 || c->s2c.head->due < t))
			t = c->s2c.head->due;
	}
	return t;
}

static void
service(struct conn *c, int64_t now)
{
	if (c->dead)
		return;
	if (c->connect_due) {
		if (now < c->connect_due)
			return;
		if (connect_up(c) != 0) {
			conn_end(c);
			return;
		}
	}
	if (flush_dir(&c->c2s, now) != 0 || flush_dir(&c->s2c, now) != 0 || conn_over(c)) {
		conn_end(c);
		return;
	}
	update_fd(c, c->c2s.from);
	update_fd(c, c->s2c.from);
}

/* Drop finished connections from the table. */
static void
reap(void)
{
	size_t j = 0;

	for (size_t i = 0; i < nall; i++) {
		if (all[i]->dead) {
			dir_free(&all[i]->c2s);
			dir_free(&all[i]->s2c);
			free(all[i]);
		} else
			all[j++] = all[i];
	}
	nall = j;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sa;
	struct rlimit rl;
	struct sigaction sig;
	const char *ready = NULL;
	int lfd, opt, target = 0, one = 1;
	struct epoll_event e, evs[256];

	counts = stderr;
	/* DELAYPROXY_TRACE=FILE: every chunk, its direction, depth, size */
	if (getenv("DELAYPROXY_TRACE") != NULL &&
	    (trace = fopen(getenv("DELAYPROXY_TRACE"), "a")) != NULL)
		setvbuf(trace, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "d:l:t:o:r:")) != -1) {
		switch (opt) {
		case 'd': delay_ms = atoi(optarg); break;
		case 'l': listen_port = atoi(optarg); break;
		case 't': target = atoi(optarg); break;
		case 'o':
			if ((counts = fopen(optarg, "a")) == NULL) {
				perror(optarg);
				return 2;
			}
			break;
		case 'r': ready = optarg; break;
		default: goto usage;
		}
	}
	if (delay_ms < 0 || listen_port <= 0 || target <= 0 || optind != argc)
		goto usage;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	memset(&sig, 0, sizeof(sig));
	sig.sa_handler = on_signal;
	sigaction(SIGTERM, &sig, NULL);
	sigaction(SIGINT, &sig, NULL);
	signal(SIGPIPE, SIG_IGN);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)listen_port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(lfd, 1024) != 0) {
		fprintf(stderr, "delayproxy: listen on 127.0.0.1:%d: %s\n", listen_port,
		    strerror(errno));
		return 1;
	}
	set_nonblock(lfd);
	if ((epfd = epoll_create1(0)) < 0)
		return 1;
	memset(&e, 0, sizeof(e));
	e.events = EPOLLIN;
	e.data.ptr = NULL;
	epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &e);
	if (ready != NULL) {
		FILE *f = fopen(ready, "w");
		if (f != NULL)
			fclose(f);
	}

	while (!stop) {
		int64_t due = next_due(), now = now_ms();
		int timeout = due < 0 ? 1000 : due <= now ? 0 : (int)(due - now);
		int n = epoll_wait(epfd, evs, 256, timeout);

		if (n < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++) {
			struct dir *d = evs[i].data.ptr;

			if (d == NULL) {
				for (int k = 0; k < 64; k++) {
					size_t before = nall;
					accept_one(lfd, target);
					if (nall == before)
						break;
				}
				continue;
			}
			if (d->c->dead)
				continue;
			if ((evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) &&
			    (d->events & EPOLLIN))
				read_dir(d);
		}
		now = now_ms();
		for (size_t i = 0; i < nall; i++)
			service(all[i], now);
		reap();
	}
	for (size_t i = 0; i < nall; i++)
		conn_end(all[i]);
	fflush(counts);
	return 0;
usage:
	fprintf(stderr, "usage: delayproxy -d DELAY_MS -l LISTEN_PORT -t TARGET_PORT "
	    "[-o COUNTS] [-r READY]\n");
	return 2;
}
