/* agentproxy.c - the one-key agent libssh talks to during diagnose (see
 * agentproxy.h). A thread serves one end of a socketpair: the identity
 * list is the one identity being offered; a sign request for it goes to
 * the real agent (a fresh connection each time) with the signing key's
 * blob put in; anything else is refused. Every message is bounded as
 * ssh's authfd.c bounds agent replies. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "scanner/parse/sshbuf.h"
#include "scanner/transport/agentproxy.h"
#include "scanner/util.h"

#define MSG_MAX (256 * 1024)		/* authfd.c MAX_AGENT_REPLY_LEN */
#define AGENT_TIMEOUT_MS 10000
#define AGENT_FAILURE 5
#define AGENTC_REQUEST_IDENTITIES 11
#define AGENT_IDENTITIES_ANSWER 12
#define AGENTC_SIGN_REQUEST 13

struct agent_proxy {
	pthread_t thread;
	pthread_mutex_t lock;
	int fd;			/* our end */
	int stop;
	char *real;
	unsigned char *offer, *sign;
	size_t offer_len, sign_len;
};

/* All n bytes, or -1 (error, end of file, past the deadline, or stop). */
static int
xfer(struct agent_proxy *p, int fd, void *buf, size_t n, int writing, int ms)
{
	unsigned char *c = buf;
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (n > 0) {
		struct pollfd pfd = { fd, writing ? POLLOUT : POLLIN, 0 };
		long el;
		ssize_t r;
		int stop;

		pthread_mutex_lock(&p->lock);
		stop = p->stop;
		pthread_mutex_unlock(&p->lock);
		clock_gettime(CLOCK_MONOTONIC, &t);
		el = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (stop || (ms > 0 && el >= ms))
			return -1;
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		r = writing ? send(fd, c, n, MSG_NOSIGNAL) : recv(fd, c, n, 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return -1;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

/* One message to fd, length first. */
static int
send_msg(struct agent_proxy *p, int fd, const struct buf *m)
{
	struct buf f;
	int rc;

	buf_init(&f);
	sshbuf_put_u32(&f, (uint32_t)m->len);
	buf_append(&f, m->data, m->len);
	rc = xfer(p, fd, f.data, f.len, 1, AGENT_TIMEOUT_MS);
	buf_free(&f);
	return rc;
}

/* One message from fd (ms 0: wait until stopped). */
static int
recv_msg(struct agent_proxy *p, int fd, struct buf *m, int ms)
{
	unsigned char h[4];
	struct sshbuf hb;
	uint32_t len;

	buf_init(m);
	sshbuf_init(&hb, h, 4);
	if (xfer(p, fd, h, 4, 0, ms) != 0 || sshbuf_get_u32(&hb, &len) != 0 ||
	    len == 0 || len > MSG_MAX)
		return -1;
	buf_reserve(m, len);
	if (xfer(p, fd, m->data, len, 0, AGENT_TIMEOUT_MS) != 0)
		return -1;
	m->len = len;
	return 0;
}

/* The sign request for the listed key, re-addressed to the signing key,
 * through the real agent; the agent's reply (or a failure) in *rep. */
static void
sign(struct agent_proxy *p, const struct buf *req, struct buf *rep)
{
	struct sshbuf r;
	const unsigned char *key, *data;
	size_t kl, dl;
	uint32_t flags;
	uint8_t type;
	struct buf fwd;
	struct sockaddr_un sa;
	int fd = -1, ok = 0;

	buf_init(rep);
	buf_init(&fwd);
	sshbuf_init(&r, req->data, req->len);
	pthread_mutex_lock(&p->lock);
	if (sshbuf_get_u8(&r, &type) == 0 && sshbuf_get_string(&r, &key, &kl) == 0 &&
	    sshbuf_get_string(&r, &data, &dl) == 0 && sshbuf_get_u32(&r, &flags) == 0 &&
	    p->offer != NULL && kl == p->offer_len && memcmp(key, p->offer, kl) == 0) {
		buf_putc(&fwd, AGENTC_SIGN_REQUEST);
		sshbuf_put_string(&fwd, p->sign, p->sign_len);
		sshbuf_put_string(&fwd, data, dl);
		sshbuf_put_u32(&fwd, flags);
		ok = 1;
	}
	pthread_mutex_unlock(&p->lock);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (ok && strlen(p->real) < sizeof(sa.sun_path)) {
		memcpy(sa.sun_path, p->real, strlen(p->real));
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	}
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    send_msg(p, fd, &fwd) == 0 && recv_msg(p, fd, rep, AGENT_TIMEOUT_MS) == 0) {
		buf_free(&fwd);
		close(fd);
		return;
	}
	if (fd >= 0)
		close(fd);
	buf_free(&fwd);
	buf_free(rep);
	buf_init(rep);
	buf_putc(rep, AGENT_FAILURE);
}

static void *
serve(void *arg)
{
	struct agent_proxy *p = arg;
	struct buf req, rep;

	while (recv_msg(p, p->fd, &req, 0) == 0) {
		buf_init(&rep);
		if ((unsigned char)req.data[0] == AGENTC_REQUEST_IDENTITIES) {
			buf_putc(&rep, AGENT_IDENTITIES_ANSWER);
			pthread_mutex_lock(&p->lock);
			sshbuf_put_u32(&rep, p->offer != NULL ? 1 : 0);
			if (p->offer != NULL) {
				sshbuf_put_string(&rep, p->offer, p->offer_len);
				sshbuf_put_string(&rep, "", 0);
			}
			pthread_mutex_unlock(&p->lock);
		} else if ((unsigned char)req.data[0] == AGENTC_SIGN_REQUEST) {
			buf_free(&rep);
			sign(p, &req, &rep);
		} else
			buf_putc(&rep, AGENT_FAILURE);
		buf_free(&req);
		if (send_msg(p, p->fd, &rep) != 0) {
			buf_free(&rep);
			break;
		}
		buf_free(&rep);
	}
	buf_free(&req);
	return NULL;
}

struct agent_proxy *
agent_proxy_start(const char *real_sock, int *lib_fd)
{
	struct agent_proxy *p;
	int sv[2];

	*lib_fd = -1;
	if (real_sock == NULL || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return NULL;
	p = xcalloc(1, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	p->fd = sv[1];
	p->real = xstrdup(real_sock);
	if (pthread_create(&p->thread, NULL, serve, p) != 0) {
		close(sv[0]);
		close(sv[1]);
		pthread_mutex_destroy(&p->lock);
		free(p->real);
		free(p);
		return NULL;
	}
	*lib_fd = sv[0];
	return p;
}

void
agent_proxy_set(struct agent_proxy *p, const unsigned char *offer, size_t offer_len,
    const unsigned char *sign_blob, size_t sign_len)
{
	pthread_mutex_lock(&p->lock);
	free(p->offer);
	free(p->sign);
	p->offer = xmalloc(offer_len ? offer_len : 1);
	memcpy(p->offer, offer, offer_len);
	p->offer_len = offer_len;
	p->sign = xmalloc(sign_len ? sign_len : 1);
	memcpy(p->sign, sign_blob, sign_len);
	p->sign_len = sign_len;
	pthread_mutex_unlock(&p->lock);
}

void
agent_proxy_stop(struct agent_proxy *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_mutex_unlock(&p->lock);
	shutdown(p->fd, SHUT_RDWR);
	pthread_join(p->thread, NULL);
	close(p->fd);
	pthread_mutex_destroy(&p->lock);
	free(p->offer);
	free(p->sign);
	free(p->real);
	free(p);
}
