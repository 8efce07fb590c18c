/* identities.c - the keys ssh offers for one host, in ssh's order
 * (ssh.c load_public_identity_files, sshconnect2.c pubkey_prepare):
 * CertificateFile certificates first, then agent keys in the agent's order
 * (those an identity file names are "preferred" there), then the remaining
 * files, each followed by its FILE-cert.pub when no CertificateFile is set;
 * then the client's PubkeyAcceptedAlgorithms and RequiredRSASize drop keys
 * before any is offered. For each certificate, the identity whose private
 * key signs for it (sign_and_send_pubkey). A private key is read only for
 * its public half and whether a passphrase protects it; the bytes are
 * wiped. */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "scanner/parse/authkeys.h"
#include "scanner/parse/cert.h"
#include "scanner/transport/identities.h"
#include "scanner/parse/match.h"
#include "scanner/parse/sshbuf.h"
#include "scanner/transport/transport.h"
#include "scanner/parse/privkey.h"
#include "scanner/fileio.h"

/* ssh 9.2's compiled-in client PubkeyAcceptedAlgorithms (myproposal.h). */
static const char default_algs[] =
    "ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,"
    "ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com,"
    "sk-ssh-ed25519-cert-v01@openssh.com,sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,"
    "rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,"
    "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
    "sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,"
    "rsa-sha2-512,rsa-sha2-256";

#define KEYFILE_MAX (1024 * 1024)	/* ssh's own limit on a key file is 1 MiB */
#define AGENT_REPLY_MAX (256 * 1024)	/* authfd.c MAX_AGENT_REPLY_LEN */
#define SSH2_AGENTC_REQUEST_IDENTITIES 11
#define SSH2_AGENT_IDENTITIES_ANSWER 12

/* The effective list for a +, - or ^ value, as kex_assemble_names. */
char *
ident_effective_algs(const char *v)
{
	struct buf b;
	char *copy, *tok, *save = NULL;

	if (v == NULL || *v == '\0')
		return xstrdup(default_algs);
	if (v[0] == '+')
		return xasprintf("%s,%s", default_algs, v + 1);
	if (v[0] == '^')
		return xasprintf("%s,%s", v + 1, default_algs);
	if (v[0] != '-')
		return xstrdup(v);
	buf_init(&b);
	copy = xstrdup(default_algs);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (match_pattern_list(tok, v + 1, 0) != 1)
			buf_printf(&b, "%s%s", b.len ? "," : "", tok);
	free(copy);
	return b.data ? buf_steal(&b) : xstrdup("");
}

int
ident_alg_accepted(const char *client_algs, const char *keytype)
{
	char *list = ident_effective_algs(client_algs);
	int ok = match_pattern_list(keytype, list, 0) == 1;

	/* An RSA key is usable when any RSA signature algorithm is. */
	if (!ok && strcmp(keytype, "ssh-rsa") == 0)
		ok = match_pattern_list("rsa-sha2-512", list, 0) == 1 ||
		    match_pattern_list("rsa-sha2-256", list, 0) == 1;
	if (!ok && strcmp(keytype, "ssh-rsa-cert-v01@openssh.com") == 0)
		ok = match_pattern_list("rsa-sha2-512-cert-v01@openssh.com", list, 0) == 1 ||
		    match_pattern_list("rsa-sha2-256-cert-v01@openssh.com", list, 0) == 1;
	free(list);
	return ok;
}

/* Is this parsed line a certificate ssh can read? */
static int
ident_cert_usable(const struct ak_line *l)
{
	/* authkeys.c refuses every certificate line (sshd never matches one
	 * there) but keeps its blob; whether ssh can read it is cert.c's */
	struct ssh_cert c;
	char *err = NULL;
	int ok;

	if (!l->is_cert || l->blob == NULL || l->fp == NULL)
		return 0;
	memset(&c, 0, sizeof(c));
	ok = cert_parse(l->blob, l->bloblen, &c, &err) == 0;
	if (ok)
		cert_free(&c);
	free(err);
	return ok;
}

/*
 * The certificate fields the client side judges (scanner/parse/cert.c):
 * user or host, key id, validity window. ssh reads a certificate with its
 * CA signature checked (sshkey.c cert_parse) and passes over one that does
 * not verify without a word: skip says so.
 */
static void
cert_window(struct identity *k)
{
	struct ssh_cert c;
	char *err = NULL;

	memset(&c, 0, sizeof(c));
	if (cert_parse(k->blob, k->bloblen, &c, &err) != 0) {
		k->skip = xasprintf("ssh cannot read the certificate: %s", err ? err : "?");
		free(err);
		return;
	}
	k->cert_kind = c.kind;
	k->cert_valid_after = c.valid_after;
	k->cert_valid_before = c.valid_before;
	k->cert_key_id = c.key_id ? str_printable(c.key_id, strlen(c.key_id)) : NULL;
	if (cert_verify(&c, &err) == 0)
		k->skip = xstrdup("the CA's signature on the certificate does not verify: "
		    "ssh does not load it");
	free(err);
	cert_free(&c);
}

/* Fill the public-key fields from a blob, through the authorized_keys line
 * parser so type, fingerprint and size are computed one way everywhere. */
static int
set_public(struct identity *k, const unsigned char *blob, size_t len)
{
	struct ak_line l;
	char *b64 = base64_encode(blob, len), *line;
	struct sshbuf b;
	const unsigned char *t;
	size_t tl;
	char type[128];

	sshbuf_init(&b, blob, len);
	if (sshbuf_get_string(&b, &t, &tl) != 0 || tl == 0 || tl >= sizeof(type))
		goto bad;
	memcpy(type, t, tl);
	type[tl] = '\0';
	line = xasprintf("%s %s", type, b64);
	memset(&l, 0, sizeof(l));
	ak_parse_line(line, strlen(line), 0, &l);
	free(line);
	free(b64);
	if (l.status != AK_KEY && !ident_cert_usable(&l)) {
		ak_line_free(&l);
		return -1;
	}
	k->type = xstrdup(l.blob_type ? l.blob_type : type);
	k->blob = l.blob;
	k->bloblen = l.bloblen;
	l.blob = NULL;
	k->fp = xstrdup(l.fp);
	k->bits = l.bits;
	k->is_cert = l.is_cert;
	ak_line_free(&l);
	if (k->is_cert)
		cert_window(k);
	return 0;
 bad:
	free(b64);
	return -1;
}

/* FILE.pub as sshkey_load_public reads it: one "type base64 comment" line. */
static int
load_pub_file(struct identity *k, const char *pubpath)
{
	struct buf b;
	struct ak_line l;
	char *err = NULL;
	int rc = -1;

	buf_init(&b);
	if (read_file_bounded(pubpath, KEYFILE_MAX, &b, &err) != 0) {
		free(err);
		buf_free(&b);
		return -1;
	}
	memset(&l, 0, sizeof(l));
	{
		const char *t = b.data ? b.data : "";
		const char *nl = memchr(t, '\n', b.len);
		size_t n = nl ? (size_t)(nl - t) : b.len;

		if (n > 0 && t[n - 1] == '\r')
			n--;
		ak_parse_line(t, n, 1, &l);
	}
	if ((l.status == AK_KEY || ident_cert_usable(&l)) && l.blob != NULL) {
		rc = set_public(k, l.blob, l.bloblen);
		if (rc == 0 && l.comment != NULL && k->comment == NULL)
			k->comment = str_printable(l.comment, strlen(l.comment));
	}
	ak_line_free(&l);
	buf_free(&b);
	return rc;
}

/* One IdentityFile: what ssh has to offer from it and whether it can sign. */
static void
load_file(struct identity *k, uid_t uid)
{
	struct stat st;
	struct buf b;
	char *err = NULL, *pubpath = xasprintf("%s.pub", k->path);
	char *format = NULL, *ptype = NULL, *pfp = NULL;
	int have_pub;

	have_pub = load_pub_file(k, pubpath) == 0;
	free(pubpath);
	if (stat(k->path, &st) != 0) {
		if (!have_pub)
			k->missing = 1;
		k->unreadable = 1;
		k->why = xasprintf("%s", strerror(errno));
		return;
	}
	k->mode = st.st_mode;
	/* sshkey_perm_ok: only a file of the user's own is judged by mode. */
	if (st.st_uid == uid && (st.st_mode & 077) != 0)
		k->bad_mode = 1;
	buf_init(&b);
	if (!S_ISREG(st.st_mode) || read_file_bounded(k->path, KEYFILE_MAX, &b, &err) != 0) {
		k->unreadable = 1;
		k->why = err ? str_printable(err, strlen(err)) : xstrdup("not a regular file");
		free(err);
		buf_free(&b);
		return;
	}
	privkey_facts(b.data ? b.data : "", b.len, &format, &k->encrypted, &ptype, &pfp);
	if (k->encrypted < 0)
		k->encrypted = 0;
	if (!have_pub) {
		unsigned char *blob;
		size_t bl;
		if (privkey_public_blob(b.data ? b.data : "", b.len, &blob, &bl) == 0) {
			(void)set_public(k, blob, bl);
			free(blob);
		}
	}
	if (pfp != NULL) {
		k->priv_fp = pfp;
		pfp = NULL;
		if (k->fp != NULL && strcmp(k->fp, k->priv_fp) != 0)
			k->pub_mismatch = 1;
	}
	if (b.data != NULL)
		explicit_bzero(b.data, b.cap);
	buf_free(&b);
	free(format);
	free(ptype);
	free(pfp);
}

/* ---- the agent ------------------------------------------------------------ */

static int
io_full(int fd, void *p, size_t n, int writing, double deadline)
{
	unsigned char *c = p;

	while (n > 0) {
		struct pollfd pfd = { fd, writing ? POLLOUT : POLLIN, 0 };
		struct timespec ts;
		double now;
		ssize_t r;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		now = (double)ts.tv_sec + ts.tv_nsec / 1e9;
		if (now >= deadline || poll(&pfd, 1, (int)((deadline - now) * 1000) + 1) <= 0)
			return -1;
		r = writing ? write(fd, c, n) : read(fd, c, n);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return -1;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

static char *
agent_socket(const struct client_host *h, const char *override)
{
	const char *v = override ? override : h->identity_agent;
	const char *home = getenv("HOME");

	if (v == NULL || strcmp(v, "SSH_AUTH_SOCK") == 0)
		v = getenv("SSH_AUTH_SOCK");
	else if (v[0] == '$')
		v = getenv(v + 1);
	if (v == NULL || *v == '\0' || strcasecmp(v, "none") == 0)
		return NULL;
	if (strncmp(v, "~/", 2) == 0 && home != NULL)
		return xasprintf("%s/%s", home, v + 2);
	return xstrdup(v);
}

int
ident_parse_agent_reply(const unsigned char *rep, size_t len, struct identity **keys,
    size_t *nkeys)
{
	struct sshbuf b;
	uint8_t type;
	uint32_t n;

	*keys = NULL;
	*nkeys = 0;
	sshbuf_init(&b, rep, len);
	if (sshbuf_get_u8(&b, &type) != 0 || type != SSH2_AGENT_IDENTITIES_ANSWER ||
	    sshbuf_get_u32(&b, &n) != 0)
		return -1;
	/* each key is two strings, eight bytes at the least */
	if (n > IDENT_MAX_AGENT_KEYS || n > sshbuf_left(&b) / 8)
		return -1;
	*keys = xcalloc(n ? n : 1, sizeof(**keys));
	for (uint32_t i = 0; i < n; i++) {
		struct identity *k = &(*keys)[*nkeys];
		const unsigned char *blob, *cmt;
		size_t bl, cl;

		if (sshbuf_get_string(&b, &blob, &bl) != 0 ||
		    sshbuf_get_string(&b, &cmt, &cl) != 0)
			return -1;
		memset(k, 0, sizeof(*k));
		/* A key type ssh knows and libssh does not is left out, as ssh
		 * leaves out what it cannot parse. */
		if (set_public(k, blob, bl) == 0) {
			k->comment = str_printable((const char *)cmt, cl);
			(*nkeys)++;
		}
	}
	return 0;
}

/* The agent's keys, as SSH2_AGENTC_REQUEST_IDENTITIES lists them. */
static void
agent_list(struct ident_list *out, const char *path, int timeout_ms,
    struct identity **keys, size_t *nkeys)
{
	struct sockaddr_un sa;
	struct timespec ts;
	unsigned char req[5] = { 0, 0, 0, 1, SSH2_AGENTC_REQUEST_IDENTITIES }, hdr[4];
	unsigned char *rep = NULL;
	struct sshbuf hb;
	uint32_t len;
	double deadline;
	int fd;

	*keys = NULL;
	*nkeys = 0;
	out->agent_used = 1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		out->agent_error = xstrdup("the agent socket path is too long");
		return;
	}
	memcpy(sa.sun_path, path, strlen(path));
	clock_gettime(CLOCK_MONOTONIC, &ts);
	deadline = (double)ts.tv_sec + ts.tv_nsec / 1e9 + timeout_ms / 1000.0;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		char *p = str_printable(path, strlen(path));
		out->agent_error = xasprintf("the agent at %s cannot be reached: %s", p,
		    strerror(errno));
		free(p);
		if (fd >= 0)
			close(fd);
		return;
	}
	sshbuf_init(&hb, hdr, sizeof(hdr));
	if (io_full(fd, req, sizeof(req), 1, deadline) != 0 ||
	    io_full(fd, hdr, 4, 0, deadline) != 0 ||
	    sshbuf_get_u32(&hb, &len) != 0 || len < 5 || len > AGENT_REPLY_MAX) {
		out->agent_error = xstrdup("the agent did not answer");
		close(fd);
		return;
	}
	rep = xmalloc(len);
	if (io_full(fd, rep, len, 0, deadline) != 0)
		out->agent_error = xstrdup("the agent gave no key list");
	else if (ident_parse_agent_reply(rep, len, keys, nkeys) != 0)
		out->agent_error = xasprintf("the agent's key list could not be read "
		    "(%zu keys read)", *nkeys);
	out->agent_keys = *nkeys;
	free(rep);
	close(fd);
}

/* ---- the list ------------------------------------------------------------- */

static void
push(struct ident_list *l, size_t *cap, struct identity *k)
{
	if (l->n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		l->v = xreallocarray(l->v, *cap, sizeof(*l->v));
	}
	l->v[l->n++] = *k;
}

static long
required_rsa_size(const struct client_host *h)
{
	char *end;
	long v;

	if (h->required_rsa_size == NULL)
		return 1024;
	v = strtol(h->required_rsa_size, &end, 10);
	return (*end == '\0' && v > 0) ? v : 1024;
}

/* A certificate file as sshkey_load_public reads it: FILE itself, then
 * FILE.pub. 0 when it holds a user or host certificate. */
static int
load_cert_file(struct identity *c, const char *file, int try_pub)
{
	char *pub;
	int rc;

	rc = load_pub_file(c, file);
	if (rc != 0 && try_pub) {
		pub = xasprintf("%s.pub", file);
		rc = load_pub_file(c, pub);
		if (rc == 0) {
			free(c->cert_path);
			c->cert_path = pub;
		} else
			free(pub);
	}
	if (rc == 0 && !c->is_cert)
		return -1;	/* ssh: "is not a certificate", skipped */
	return rc;
}

static void
identity_clear(struct identity *k)
{
	free(k->type);
	free(k->blob);
	free(k->fp);
	free(k->comment);
	free(k->cert_key_id);
	free(k->cert_path);
	k->type = k->fp = k->comment = k->cert_key_id = k->cert_path = NULL;
	k->blob = NULL;
	k->bloblen = 0;
	k->is_cert = 0;
}

/*
 * FILE-cert beside an identity file (ssh.c: only when no CertificateFile
 * is set). ssh keeps the private key's name for it: the certificate is
 * "FILE ED25519-CERT ..." in ssh -v, and ssh loads FILE to sign when no
 * plain key in the list matches it. The private file's facts come along.
 */
static int
sibling_cert(const struct identity *f, struct identity *c)
{
	char *cp = xasprintf("%s-cert", f->path);

	memset(c, 0, sizeof(*c));
	c->cert_path = xstrdup(cp);
	if (load_cert_file(c, cp, 1) != 0) {
		free(cp);
		identity_clear(c);
		return -1;
	}
	free(cp);
	c->source = IDENT_FILE;
	c->path = xstrdup(f->path);
	c->origin = xstrdup(f->origin);
	c->missing = f->missing;
	c->unreadable = f->unreadable;
	c->bad_mode = f->bad_mode;
	c->mode = f->mode;
	c->encrypted = f->encrypted;
	c->priv_fp = f->priv_fp ? xstrdup(f->priv_fp) : NULL;
	c->why = f->why ? xstrdup(f->why) : NULL;
	return 0;
}

/* A CertificateFile entry; ssh skips one it cannot load silently (-v:
 * "certificate file ... type -1"), keyaudit keeps it with why. */
static void
certificate_file(const char *path, struct identity *c)
{
	memset(c, 0, sizeof(*c));
	c->source = IDENT_FILE;
	c->path = xstrdup(path);
	c->cert_path = xstrdup(path);
	c->origin = xstrdup("CertificateFile");
	if (load_cert_file(c, path, 1) != 0) {
		struct stat st;

		identity_clear(c);
		c->cert_path = xstrdup(path);
		c->is_cert = 1;
		if (stat(path, &st) != 0) {
			c->missing = 1;
			c->why = xstrdup(strerror(errno));
		} else {
			c->unreadable = 1;
			c->why = xstrdup("not a certificate ssh can read");
		}
	}
}

/* sshconnect2.c id_filename_matches: the same name, or the certificate's
 * name is the private key's plus ".pub" or "-cert.pub". */
static int
filename_matches(const char *cert, const char *priv)
{
	static const char *const suffixes[] = { ".pub", "-cert.pub" };
	size_t len = strlen(cert), plen = strlen(priv);

	if (strcmp(cert, priv) == 0)
		return 1;
	for (size_t i = 0; i < KA_ARRLEN(suffixes); i++) {
		size_t sl = strlen(suffixes[i]);
		if (len > sl && plen == len - sl &&
		    strcmp(cert + len - sl, suffixes[i]) == 0 &&
		    memcmp(cert, priv, plen) == 0)
			return 1;
	}
	return 0;
}

/*
 * Who signs for each certificate (sign_and_send_pubkey): a plain key of the
 * list with the same public key (an agent's: the agent signs; a file's: ssh
 * loads that file), else for a file's certificate an identity of the same
 * file name that has no public half, else the certificate's own path (or
 * the agent, which holds the certificate with its key).
 */
static void
resolve_signers(struct ident_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		l->v[i].signer = -1;
	for (size_t i = 0; i < l->n; i++) {
		struct identity *c = &l->v[i];

		if (!c->is_cert || c->blob == NULL)
			continue;
		for (size_t j = 0; j < l->n && c->signer < 0; j++) {
			const struct identity *p = &l->v[j];
			if (j != i && !p->is_cert && p->fp != NULL &&
			    p->skip_why != IDENT_SKIP_ALGORITHM &&
			    strcmp(p->fp, c->fp) == 0)
				c->signer = (long)j;
		}
		if (c->signer < 0 && c->source == IDENT_FILE)
			for (size_t j = 0; j < l->n && c->signer < 0; j++) {
				const struct identity *p = &l->v[j];
				if (j != i && p->blob == NULL && p->path != NULL &&
				    p->source == IDENT_FILE && !p->is_cert &&
				    filename_matches(c->path, p->path))
					c->signer = (long)j;
			}
		if (c->signer >= 0 || c->source != IDENT_FILE)
			continue;
		/* ssh loads c->path as the private key */
		if (c->cert_path != NULL && strcmp(c->path, c->cert_path) == 0) {
			int hidden = 0;

			for (size_t j = 0; j < l->nhidden; j++)
				if (!l->hidden[j].is_cert && l->hidden[j].fp != NULL &&
				    strcmp(l->hidden[j].fp, c->fp) == 0)
					hidden = 1;
			c->cert_no_key = 1;
			free(c->why);
			c->why = hidden ? xstrdup("the agent holds its key, but "
			    "IdentitiesOnly keeps ssh from using an agent key no "
			    "IdentityFile names: add the IdentityFile of that key") :
			    xasprintf("no identity file holds its key, and ssh cannot "
			    "load the certificate file %s as a private key", c->path);
		} else if (c->missing || c->unreadable) {
			c->cert_no_key = 1;
		} else if (c->priv_fp != NULL && strcmp(c->priv_fp, c->fp) != 0)
			c->cert_mismatch = 1;
	}
}

void
identities_build(const struct client_host *h, const struct strlist *cli_ids,
    const char *agent_sock, int timeout_ms, struct ident_list *out)
{
	struct identity *files = NULL, *agent = NULL;
	size_t nfiles = 0, nagent = 0, cap = 0, nplain = 0, ncand;
	char *sock;
	long minrsa = required_rsa_size(h);
	uid_t uid = getuid();

	memset(out, 0, sizeof(*out));
	ncand = (cli_ids ? cli_ids->n : 0) + h->identity_files.n;
	/* each file may bring its -cert */
	files = xcalloc(2 * ncand + 1, sizeof(*files));
	{
		struct identity *plain = xcalloc(ncand + 1, sizeof(*plain));

		for (size_t i = 0; cli_ids != NULL && i < cli_ids->n; i++) {
			plain[nplain].path = xstrdup(cli_ids->v[i]);
			plain[nplain++].origin = xstrdup("-i");
		}
		/* -i replaces ssh's default files, not the ones ssh_config names. */
		if (nplain == 0 || !h->identity_files_default)
			for (size_t i = 0; i < h->identity_files.n; i++) {
				if (cli_ids != NULL && strlist_has(cli_ids, h->identity_files.v[i]))
					continue;
				plain[nplain].path = xstrdup(h->identity_files.v[i]);
				plain[nplain++].origin = xstrdup(h->identity_files_default ?
				    "default" : "IdentityFile");
			}
		for (size_t i = 0; i < nplain; i++) {
			plain[i].source = IDENT_FILE;
			load_file(&plain[i], uid);
			/* an identity file that is itself a certificate (-i
			 * KEY-cert.pub): ssh offers it, and cannot load it to
			 * sign unless a key of the list is its key */
			if (plain[i].blob == NULL && !plain[i].missing &&
			    load_cert_file(&plain[i], plain[i].path, 0) == 0) {
				plain[i].cert_path = xstrdup(plain[i].path);
				plain[i].unreadable = 0;
			} else if (plain[i].blob != NULL && plain[i].is_cert)
				/* FILE.pub holds a certificate: ssh offers it as
				 * FILE's key and signs with FILE */
				plain[i].cert_path = xasprintf("%s.pub", plain[i].path);

			files[nfiles++] = plain[i];
			if (h->certificate_files.n == 0 &&
			    sibling_cert(&plain[i], &files[nfiles]) == 0)
				nfiles++;
		}
		free(plain);
	}

	/* CertificateFile certificates lead the list (pubkey_prepare's
	 * "preferred" before the agent is asked). */
	for (size_t i = 0; i < h->certificate_files.n && i < 100; i++) {
		struct identity c;

		certificate_file(h->certificate_files.v[i], &c);
		push(out, &cap, &c);
	}

	if ((sock = agent_socket(h, agent_sock)) != NULL) {
		agent_list(out, sock, timeout_ms, &agent, &nagent);
		out->agent_path = sock;
	}
	for (size_t j = 0; j < nagent; j++) {
		struct identity *a = &agent[j];
		int found = 0;

		if (a->skip == NULL && !strncmp(a->type, "ssh-rsa", 7) && a->bits < minrsa) {
			/* ssh drops it silently ("ignoring ... agent key"). */
			a->skip = xasprintf("the agent's %d-bit RSA key is below RequiredRSASize %ld",
			    a->bits, minrsa);
			a->skip_why = IDENT_SKIP_RSA_SIZE;
		}
		for (size_t i = 0; a->skip == NULL && i < nfiles; i++) {
			struct identity *f = &files[i];
			/* sshkey_equal: the same key, or the same certificate */
			if (f->path == NULL || f->blob == NULL || f->bloblen != a->bloblen ||
			    memcmp(f->blob, a->blob, a->bloblen) != 0)
				continue;
			f->source = IDENT_AGENT_FILE;
			/* The agent signs: mode and passphrase no longer matter. */
			f->bad_mode = f->encrypted = 0;
			push(out, &cap, f);
			f->path = NULL;		/* moved */
			found = 1;
			identity_clear(a);
			break;
		}
		if (found)
			continue;
		if (h->identities_only && a->skip == NULL) {
			a->source = IDENT_AGENT;
			a->origin = xstrdup("agent");
			out->hidden = xreallocarray(out->hidden, out->nhidden + 1,
			    sizeof(*out->hidden));
			out->hidden[out->nhidden++] = *a;
			continue;
		}
		a->source = IDENT_AGENT;
		a->origin = xstrdup("agent");
		push(out, &cap, a);
	}
	free(agent);
	for (size_t i = 0; i < nfiles; i++) {
		if (files[i].path == NULL && files[i].origin != NULL &&
		    files[i].source == IDENT_AGENT_FILE)
			continue;	/* moved to the agent's place */
		push(out, &cap, &files[i]);
	}
	free(files);

	for (size_t i = 0; i < out->n; i++) {
		struct identity *k = &out->v[i];

		if (k->skip != NULL || k->type == NULL)
			continue;
		if (k->is_cert && k->cert_kind != 1) {
			/* pubkey_prepare: "ignoring certificate ...: not a user
			 * certificate" */
			k->skip = xstrdup("not a user certificate: ssh ignores it");
			continue;
		}
		if (!ident_alg_accepted(h->pubkey_accepted_algorithms, k->type)) {
			k->skip = xasprintf("%s keys are not in the client's "
			    "PubkeyAcceptedAlgorithms (%s): ssh does not offer it", k->type,
			    h->pubkey_accepted_algorithms ? h->pubkey_accepted_algorithms :
			    "the default");
			k->skip_why = IDENT_SKIP_ALGORITHM;
		} else if (strcmp(k->type, "ssh-rsa") == 0 && k->bits < minrsa) {
			k->skip = xasprintf("%d-bit RSA key, below RequiredRSASize %ld: ssh "
			    "does not use it", k->bits, minrsa);
			k->skip_why = IDENT_SKIP_RSA_SIZE;
		}
	}
	resolve_signers(out);
}

static void
identity_free(struct identity *k)
{
		free(k->path);
		free(k->origin);
		free(k->comment);
		free(k->type);
		free(k->blob);
		free(k->fp);
		free(k->priv_fp);
		free(k->skip);
		free(k->why);
		free(k->cert_path);
		free(k->cert_key_id);
}

void
ident_list_free(struct ident_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		identity_free(&l->v[i]);
	for (size_t i = 0; i < l->nhidden; i++)
		identity_free(&l->hidden[i]);
	free(l->hidden);
	free(l->v);
	free(l->agent_error);
	free(l->agent_path);
	memset(l, 0, sizeof(*l));
}
