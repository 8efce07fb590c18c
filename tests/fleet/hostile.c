/* hostile.c - misbehaving "SSH servers" on loopback for the fleet test:
 * each mode is one way a port can fail a scanner. One process, poll(2),
 * bounded: at most MAXCONN connections, nothing buffered beyond a line.
 *
 *   hostile MODE ADDR PORT     prints "ready" once listening, runs until killed
 *
 *   silent    accepts and never says anything (a tarpit)
 *   http      an HTTP server: answers the client's first line with 400, closes
 *   smtp      greets with "220 ... ESMTP" and waits
 *   close     accepts and closes at once (MaxStartups from outside)
 *   endless   "SSH-2.0-" and then a line that never ends, slowly
 *   kexreset  a valid banner, reads the client's banner and KEXINIT, resets
 *   ssh1      "SSH-1.5-..." and waits
 *   binary    a banner of random bytes (NULs, escapes, no line end), then more
 *   huge      "SSH-2.0-" and 4 MB of banner in one burst, as fast as it goes
 *   blackhole never accepts; fills its own accept queue so SYNs are dropped
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXCONN 256

struct conn {
	int fd;
	int state;		/* mode-specific progress */
	size_t got;		/* bytes read */
	double next;		/* endless: when to send the next chunk */
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
reset_close(int fd)
{
	struct linger l = { 1, 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

static int
listen_on(const char *addr, int port, int backlog)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, backlog) != 0) {
		perror("hostile: listen");
		return -1;
	}
	return fd;
}

/* Connections to ourselves that are never accepted: with backlog 0 the
 * queue holds one, and further SYNs are dropped (the client times out). */
static void
fill_queue(const char *addr, int port)
{
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	inet_pton(AF_INET, addr, &sa.sin_addr);
	for (int i = 0; i < 4; i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		connect(fd, (struct sockaddr *)&sa, sizeof(sa));	/* kept open */
	}
}

int
main(int argc, char **argv)
{
	struct conn c[MAXCONN];
	const char *mode, *addr;
	int lfd, port, n = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: hostile MODE ADDR PORT\n");
		return 2;
	}
	mode = argv[1];
	addr = argv[2];
	port = atoi(argv[3]);
	signal(SIGPIPE, SIG_IGN);
	if ((lfd = listen_on(addr, port, strcmp(mode, "blackhole") == 0 ? 0 : 64)) < 0)
		return 1;
	if (strcmp(mode, "blackhole") == 0) {
		fill_queue(addr, port);
		printf("ready\n");
		fflush(stdout);
		for (;;)
			pause();
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		struct pollfd pfd[MAXCONN + 1];
		double t = now();

		pfd[0].fd = lfd;
		pfd[0].events = n < MAXCONN ? POLLIN : 0;
		for (int i = 0; i < n; i++) {
			pfd[i + 1].fd = c[i].fd;
			pfd[i + 1].events = POLLIN;
		}
		poll(pfd, (nfds_t)n + 1, 20);
		if (pfd[0].revents & POLLIN) {
			int fd = accept(lfd, NULL, NULL);

			if (fd >= 0) {
				const char *hello = NULL;

				if (strcmp(mode, "close") == 0) {
					close(fd);
					fd = -1;
				} else if (strcmp(mode, "smtp") == 0)
					hello = "220 mail.example ESMTP\r\n";
				else if (strcmp(mode, "ssh1") == 0)
					hello = "SSH-1.5-OpenSSH_2.0\r\n";
				else if (strcmp(mode, "kexreset") == 0)
					hello = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n";
				else if (strcmp(mode, "endless") == 0 || strcmp(mode, "huge") == 0)
					hello = "SSH-2.0-";
				if (hello != NULL)
					(void)!write(fd, hello, strlen(hello));
				if (fd >= 0) {
					c[n].fd = fd;
					c[n].state = 0;
					c[n].got = 0;
					c[n].next = t;
					n++;
				}
			}
		}
		for (int i = 0; i < n; i++) {
			char buf[4096];
			int drop = 0;

			if (pfd[i + 1].revents & (POLLIN | POLLHUP | POLLERR)) {
				ssize_t r = read(c[i].fd, buf, sizeof(buf));

				if (r <= 0)
					drop = 1;
				else {
					c[i].got += (size_t)r;
					if (strcmp(mode, "http") == 0 && memchr(buf, '\n', (size_t)r)) {
						static const char resp[] = "HTTP/1.1 400 Bad Request\r\n"
						    "Content-Length: 0\r\nConnection: close\r\n\r\n";
						(void)!write(c[i].fd, resp, sizeof(resp) - 1);
						drop = 1;
					}
					/* the banner line, then (some of) KEXINIT */
					if (strcmp(mode, "kexreset") == 0 && c[i].got > 64) {
						reset_close(c[i].fd);
						c[i] = c[--n];
						i--;
						continue;
					}
				}
			}
			if (!drop && strcmp(mode, "binary") == 0 && c[i].state < 64) {
				for (size_t k = 0; k < sizeof(buf); k++)
					buf[k] = (char)(rand() & 0xff);
				if (write(c[i].fd, buf, sizeof(buf)) < 0 && errno != EAGAIN)
					drop = 1;
				c[i].state++;
			}
			if (!drop && strcmp(mode, "huge") == 0 && c[i].state < 1024) {
				memset(buf, 'y', sizeof(buf));
				if (write(c[i].fd, buf, sizeof(buf)) < 0 && errno != EAGAIN)
					drop = 1;
				c[i].state++;
			}
			if (!drop && strcmp(mode, "endless") == 0 && t >= c[i].next) {
				memset(buf, 'x', 512);
				if (write(c[i].fd, buf, 512) < 0 && errno != EAGAIN)
					drop = 1;
				c[i].next = t + 0.05;
			}
			if (drop) {
				close(c[i].fd);
				c[i] = c[--n];
				i--;
			}
		}
	}
}
