/* clientconf.c - ssh_config, as OpenSSH 9.2's ssh reads it (readconf.c,
 * ssh.c), for a fleet: every file is read and checked once into a flat list
 * of events (Include files inline, between markers), then each host is
 * resolved by replaying the events the way ssh replays its files: Host and
 * Match switch blocks on and off, the first value obtained wins, and a
 * "Match final" or CanonicalizeHostname asks for a second pass.
 *
 * Lines are checked as ssh checks them, active or not: a line ssh rejects
 * is rejected here with its file and line, whatever host is asked for. The
 * few errors that depend on the host (IgnoreUnknown, %-tokens, ${VAR})
 * come from clientconf_resolve(). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/evp.h>

#include "scanner/parse/clientconf.h"
#include "scanner/parse/sshmisc.h"
#include "scanner/parse/sshwords.h"
#include "scanner/parse/match.h"
#include "scanner/parse/sshdkeywords.h"

#define WS " \t\r\n"
#define SSH_MAX_IDENTITY_FILES 100
#define SSH_MAX_CERTIFICATE_FILES 100
#define SSH_MAX_HOSTS_FILES 32
#define MAX_ARGS 1024

/* What the resolution keeps; every other keyword is only checked. */
enum ckw {
	C_OTHER, C_HOST, C_MATCH, C_INCLUDE, C_HOSTNAME, C_PORT, C_USER,
	C_IDENTITYFILE, C_CERTFILE, C_IDENTITIESONLY, C_PROXYCOMMAND, C_PROXYJUMP,
	C_CONNECTTIMEOUT, C_HOSTKEYALIAS, C_USERKH, C_GLOBALKH, C_STRICT,
	C_CANON, C_IGNOREUNKNOWN,
	/* kept as their first raw value, for diagnose */
	C_PUBKEYAUTH, C_PREFAUTH, C_PUBKEYALGS, C_REQRSA, C_BATCH, C_IDAGENT,
};

/* How a keyword's arguments are checked (readconf.c's cases). */
enum ctype {
	T_FLAG, T_MULTI, T_INT, T_TIME, T_STR, T_STRARR, T_CMD, T_PORT,
	T_CIPHERS, T_MACS, T_KEX, T_KEYALGS, T_GSSKEX, T_IGNORE, T_UNSUPPORTED,
	T_JUMP, T_FWD, T_ESCAPE, T_REKEY, T_CPERSIST, T_TUNDEV, T_IPQOS,
	T_ADDKEYS, T_AGENT, T_FWDAGENT, T_SENDENV, T_SETENV, T_MASK, T_LIST,
	T_CNAMES, T_REMOTEOPEN, T_SPECIAL,
};

static const char *const st_flag[] = { "true", "false", "yes", "no", NULL };
static const char *const st_yna[] = { "true", "false", "yes", "no", "ask", NULL };
static const char *const st_strict[] = { "true", "false", "yes", "no", "ask", "off",
	"accept-new", NULL };
static const char *const st_af[] = { "inet", "inet6", "any", NULL };
static const char *const st_cmaster[] = { "true", "yes", "false", "no", "auto", "ask",
	"autoask", NULL };
static const char *const st_tunnel[] = { "ethernet", "point-to-point", "true", "yes",
	"false", "no", NULL };
static const char *const st_tty[] = { "true", "yes", "false", "no", "force", "auto",
	NULL };
static const char *const st_session[] = { "none", "subsystem", "default", NULL };
static const char *const st_canon[] = { "true", "false", "yes", "no", "always", NULL };
static const char *const st_pubkey[] = { "true", "false", "yes", "no", "unbound",
	"host-bound", NULL };
static const char *const st_compress[] = { "yes", "no", NULL };
static const char *const st_loglevel[] = { "QUIET", "FATAL", "ERROR", "INFO",
	"VERBOSE", "DEBUG", "DEBUG1", "DEBUG2", "DEBUG3", NULL };
static const char *const st_facility[] = { "DAEMON", "USER", "AUTH", "AUTHPRIV",
	"LOCAL0", "LOCAL1", "LOCAL2", "LOCAL3", "LOCAL4", "LOCAL5", "LOCAL6", "LOCAL7",
	NULL };
static const char *const st_fphash[] = { "md5", "sha1", "sha256", "sha384", "sha512",
	NULL };

struct ckeyword {
	const char *name;
	enum ckw kw;
	enum ctype type;
	const char *const *states;
};

/* Debian's OpenSSH 9.2p1 ssh: readconf.c's table plus the gssapi and
 * keepalive patches (checked against ssh -G). */
static const struct ckeyword ckeywords[] = {
	{ "protocol", C_OTHER, T_IGNORE, NULL },
	{ "cipher", C_OTHER, T_IGNORE, NULL },
	{ "fallbacktorsh", C_OTHER, T_IGNORE, NULL },
	{ "globalknownhostsfile2", C_OTHER, T_IGNORE, NULL },
	{ "rhostsauthentication", C_OTHER, T_IGNORE, NULL },
	{ "userknownhostsfile2", C_OTHER, T_IGNORE, NULL },
	{ "useroaming", C_OTHER, T_IGNORE, NULL },
	{ "usersh", C_OTHER, T_IGNORE, NULL },
	{ "useprivilegedport", C_OTHER, T_IGNORE, NULL },
	{ "useblacklistedkeys", C_OTHER, T_IGNORE, NULL },
	{ "afstokenpassing", C_OTHER, T_UNSUPPORTED, NULL },
	{ "kerberosauthentication", C_OTHER, T_UNSUPPORTED, NULL },
	{ "kerberostgtpassing", C_OTHER, T_UNSUPPORTED, NULL },
	{ "rsaauthentication", C_OTHER, T_UNSUPPORTED, NULL },
	{ "rhostsrsaauthentication", C_OTHER, T_UNSUPPORTED, NULL },
	{ "compressionlevel", C_OTHER, T_UNSUPPORTED, NULL },
	{ "gssapiauthentication", C_OTHER, T_FLAG, NULL },
	{ "gssapidelegatecredentials", C_OTHER, T_FLAG, NULL },
	{ "gssapikeyexchange", C_OTHER, T_FLAG, NULL },
	{ "gssapirenewalforcesrekey", C_OTHER, T_FLAG, NULL },
	{ "gssapitrustdns", C_OTHER, T_FLAG, NULL },
	{ "gssapiclientidentity", C_OTHER, T_STR, NULL },
	{ "gssapiserveridentity", C_OTHER, T_STR, NULL },
	{ "gssapikexalgorithms", C_OTHER, T_GSSKEX, NULL },
	{ "pkcs11provider", C_OTHER, T_STR, NULL },
	{ "smartcarddevice", C_OTHER, T_STR, NULL },
	{ "forwardagent", C_OTHER, T_FWDAGENT, NULL },
	{ "forwardx11", C_OTHER, T_FLAG, NULL },
	{ "forwardx11trusted", C_OTHER, T_FLAG, NULL },
	{ "forwardx11timeout", C_OTHER, T_TIME, NULL },
	{ "exitonforwardfailure", C_OTHER, T_FLAG, NULL },
	{ "xauthlocation", C_OTHER, T_STR, NULL },
	{ "gatewayports", C_OTHER, T_FLAG, NULL },
	{ "passwordauthentication", C_OTHER, T_FLAG, NULL },
	{ "kbdinteractiveauthentication", C_OTHER, T_FLAG, NULL },
	{ "kbdinteractivedevices", C_OTHER, T_STR, NULL },
	{ "challengeresponseauthentication", C_OTHER, T_FLAG, NULL },
	{ "skeyauthentication", C_OTHER, T_FLAG, NULL },
	{ "tisauthentication", C_OTHER, T_FLAG, NULL },
	{ "pubkeyauthentication", C_PUBKEYAUTH, T_MULTI, st_pubkey },
	{ "dsaauthentication", C_OTHER, T_MULTI, st_pubkey },
	{ "hostbasedauthentication", C_OTHER, T_FLAG, NULL },
	{ "identityfile", C_IDENTITYFILE, T_STR, NULL },
	{ "identityfile2", C_IDENTITYFILE, T_STR, NULL },
	{ "identitiesonly", C_IDENTITIESONLY, T_FLAG, NULL },
	{ "certificatefile", C_CERTFILE, T_STR, NULL },
	{ "addkeystoagent", C_OTHER, T_ADDKEYS, NULL },
	{ "identityagent", C_IDAGENT, T_AGENT, NULL },
	{ "hostname", C_HOSTNAME, T_STR, NULL },
	{ "hostkeyalias", C_HOSTKEYALIAS, T_STR, NULL },
	{ "proxycommand", C_PROXYCOMMAND, T_CMD, NULL },
	{ "port", C_PORT, T_PORT, NULL },
	{ "ciphers", C_OTHER, T_CIPHERS, NULL },
	{ "macs", C_OTHER, T_MACS, NULL },
	{ "remoteforward", C_OTHER, T_FWD, NULL },
	{ "localforward", C_OTHER, T_FWD, NULL },
	{ "permitremoteopen", C_OTHER, T_REMOTEOPEN, NULL },
	{ "user", C_USER, T_STR, NULL },
	{ "host", C_HOST, T_SPECIAL, NULL },
	{ "match", C_MATCH, T_SPECIAL, NULL },
	{ "escapechar", C_OTHER, T_ESCAPE, NULL },
	{ "globalknownhostsfile", C_GLOBALKH, T_STRARR, NULL },
	{ "userknownhostsfile", C_USERKH, T_STRARR, NULL },
	{ "connectionattempts", C_OTHER, T_INT, NULL },
	{ "batchmode", C_BATCH, T_FLAG, NULL },
	{ "checkhostip", C_OTHER, T_FLAG, NULL },
	{ "stricthostkeychecking", C_STRICT, T_MULTI, st_strict },
	{ "compression", C_OTHER, T_MULTI, st_compress },
	{ "tcpkeepalive", C_OTHER, T_FLAG, NULL },
	{ "keepalive", C_OTHER, T_FLAG, NULL },
	{ "numberofpasswordprompts", C_OTHER, T_INT, NULL },
	{ "syslogfacility", C_OTHER, T_MULTI, st_facility },
	{ "loglevel", C_OTHER, T_MULTI, st_loglevel },
	{ "logverbose", C_OTHER, T_LIST, NULL },
	{ "dynamicforward", C_OTHER, T_FWD, NULL },
	{ "preferredauthentications", C_PREFAUTH, T_STR, NULL },
	{ "hostkeyalgorithms", C_OTHER, T_KEYALGS, NULL },
	{ "casignaturealgorithms", C_OTHER, T_KEYALGS, NULL },
	{ "bindaddress", C_OTHER, T_STR, NULL },
	{ "bindinterface", C_OTHER, T_STR, NULL },
	{ "clearallforwardings", C_OTHER, T_FLAG, NULL },
	{ "enablesshkeysign", C_OTHER, T_FLAG, NULL },
	{ "verifyhostkeydns", C_OTHER, T_MULTI, st_yna },
	{ "nohostauthenticationforlocalhost", C_OTHER, T_FLAG, NULL },
	{ "rekeylimit", C_OTHER, T_REKEY, NULL },
	{ "connecttimeout", C_CONNECTTIMEOUT, T_TIME, NULL },
	{ "addressfamily", C_OTHER, T_MULTI, st_af },
	{ "serveraliveinterval", C_OTHER, T_TIME, NULL },
	{ "protocolkeepalives", C_OTHER, T_TIME, NULL },
	{ "setuptimeout", C_OTHER, T_TIME, NULL },
	{ "serveralivecountmax", C_OTHER, T_INT, NULL },
	{ "sendenv", C_OTHER, T_SENDENV, NULL },
	{ "setenv", C_OTHER, T_SETENV, NULL },
	{ "controlpath", C_OTHER, T_STR, NULL },
	{ "controlmaster", C_OTHER, T_MULTI, st_cmaster },
	{ "controlpersist", C_OTHER, T_CPERSIST, NULL },
	{ "hashknownhosts", C_OTHER, T_FLAG, NULL },
	{ "include", C_INCLUDE, T_SPECIAL, NULL },
	{ "tunnel", C_OTHER, T_MULTI, st_tunnel },
	{ "tunneldevice", C_OTHER, T_TUNDEV, NULL },
	{ "localcommand", C_OTHER, T_CMD, NULL },
	{ "permitlocalcommand", C_OTHER, T_FLAG, NULL },
	{ "remotecommand", C_OTHER, T_CMD, NULL },
	{ "visualhostkey", C_OTHER, T_FLAG, NULL },
	{ "kexalgorithms", C_OTHER, T_KEX, NULL },
	{ "ipqos", C_OTHER, T_IPQOS, NULL },
	{ "requesttty", C_OTHER, T_MULTI, st_tty },
	{ "sessiontype", C_OTHER, T_MULTI, st_session },
	{ "stdinnull", C_OTHER, T_FLAG, NULL },
	{ "forkafterauthentication", C_OTHER, T_FLAG, NULL },
	{ "proxyusefdpass", C_OTHER, T_FLAG, NULL },
	{ "canonicaldomains", C_OTHER, T_LIST, NULL },
	{ "canonicalizefallbacklocal", C_OTHER, T_FLAG, NULL },
	{ "canonicalizehostname", C_CANON, T_MULTI, st_canon },
	{ "canonicalizemaxdots", C_OTHER, T_INT, NULL },
	{ "canonicalizepermittedcnames", C_OTHER, T_CNAMES, NULL },
	{ "streamlocalbindmask", C_OTHER, T_MASK, NULL },
	{ "streamlocalbindunlink", C_OTHER, T_FLAG, NULL },
	{ "revokedhostkeys", C_OTHER, T_STR, NULL },
	{ "fingerprinthash", C_OTHER, T_MULTI, st_fphash },
	{ "updatehostkeys", C_OTHER, T_MULTI, st_yna },
	{ "hostbasedacceptedalgorithms", C_OTHER, T_KEYALGS, NULL },
	{ "hostbasedkeytypes", C_OTHER, T_KEYALGS, NULL },
	{ "pubkeyacceptedalgorithms", C_PUBKEYALGS, T_KEYALGS, NULL },
	{ "pubkeyacceptedkeytypes", C_OTHER, T_KEYALGS, NULL },
	{ "ignoreunknown", C_IGNOREUNKNOWN, T_STR, NULL },
	{ "proxyjump", C_PROXYJUMP, T_JUMP, NULL },
	{ "securitykeyprovider", C_OTHER, T_STR, NULL },
	{ "knownhostscommand", C_OTHER, T_CMD, NULL },
	{ "requiredrsasize", C_REQRSA, T_INT, NULL },
	{ "enableescapecommandline", C_OTHER, T_FLAG, NULL },
};

enum { EV_FILE, EV_INC_BEGIN, EV_INC_END, EV_HOST, EV_MATCH, EV_OPT, EV_UNKNOWN };
enum { M_ALL, M_CANONICAL, M_FINAL, M_HOST, M_ORIGINALHOST, M_USER, M_LOCALUSER,
	M_EXEC };

struct crit {
	int type, neg;
	char *arg;
};

struct cev {
	unsigned char type;
	unsigned char kw;	/* enum ckw, EV_OPT */
	unsigned char userconf;
	const char *file;
	int line;
	char **av;		/* Host patterns, option values, unknown keyword */
	int ac;
	int num;		/* Port, IdentitiesOnly, ConnectTimeout, CanonicalizeHostname */
	struct crit *crit;	/* Match */
	int ncrit;
};

struct clientconf {
	struct cev *ev;
	size_t nev, cap;
	struct strlist names;	/* interned file names */
	struct strlist files;	/* files read, in order */
	char *home, *local_user, *thishost, *shorthost, *uidstr;
	struct clientconf_io io;
	struct ssh_directives dirs;	/* every line read, in order */
	int keep_going;		/* read every line past an error (clientconf_read_all) */
	int has_final;		/* some Match has "final": ssh always makes two passes */
	int seen_ignore;	/* an IgnoreUnknown came before (while parsing) */
	size_t nbytes, nfiles;
	char *err;
};

struct pctx {
	struct clientconf *c;
	const char *file;
	int line;
	int userconf;
	int depth;
	long block;		/* the Host/Match holding this line, in dirs */
};

/* ---------------------------------------------------------------- errors */

static int
perr(struct pctx *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
perr(struct pctx *p, const char *fmt, ...)
{
	va_list ap;
	char *msg, *pm, *pf;

	if (p->c->err != NULL)
		return -1;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	pm = str_printable(msg, strlen(msg));
	pf = str_printable(p->file, strlen(p->file));
	p->c->err = p->line > 0 ? xasprintf("%s:%d: %s", pf, p->line, pm) :
	    xasprintf("%s: %s", pf, pm);
	free(msg);
	free(pm);
	free(pf);
	return -1;
}

/* ------------------------------------------------------------ tokenising */

/* ------------------------------------------------------- value checking */

static void
lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}




static int
state_index(const char *const *states, const char *arg)
{
	for (int i = 0; arg != NULL && states[i] != NULL; i++)
		if (strcasecmp(arg, states[i]) == 0)
			return i;
	return -1;
}

static int
in_list(const char *list, const char *name, size_t n)
{
	const char *p = list;

	while (*p) {
		size_t l = strcspn(p, ",");
		if (l == n && strncmp(p, name, n) == 0)
			return 1;
		p += l + (p[l] == ',');
	}
	return 0;
}

/*
 * An algorithm list as ssh checks it: a leading '-' is not checked, '+'
 * and '^' are dropped, then each name up to the first empty one must be
 * known (key names may be patterns matching a known one).
 */
static int
algs_valid(const char *arg, enum ctype t)
{
	const char *all, *p;

	if (*arg == '-')
		return 1;
	if (*arg == '+' || *arg == '^')
		arg++;
	if (*arg == '\0')
		return 0;
	all = t == T_CIPHERS ? sshd_alg_cipher.all : t == T_MACS ? sshd_alg_mac.all :
	    t == T_KEX ? sshd_alg_kex.all : sshd_alg_key.all;
	for (p = arg; *p != '\0';) {
		size_t n = strcspn(p, ",");
		char *name;
		int ok;

		if (n == 0)
			break;
		name = xstrndup(p, n);
		ok = in_list(all, name, n);
		if (!ok && t == T_KEX)
			for (int i = 0; sshd_gss_kex_prefixes[i] && !ok; i++)
				ok = strncmp(name, sshd_gss_kex_prefixes[i],
				    strlen(sshd_gss_kex_prefixes[i])) == 0;
		if (!ok && t == T_KEYALGS)
			for (const char *q = all; *q != '\0' && !ok;) {
				size_t l = strcspn(q, ",");
				char *k = xstrndup(q, l);
				ok = match_pattern_list(k, name, 0) != 0;
				free(k);
				q += l + (q[l] == ',');
			}
		free(name);
		if (!ok)
			return 0;
		p += n + (p[n] == ',');
	}
	return 1;
}

static int
gsskex_valid(const char *arg)
{
	const char *p = arg;

	if (*arg == '\0')
		return 0;
	while (*p) {
		size_t n = strcspn(p, ","), l;
		int ok = 0;

		for (int i = 0; sshd_gss_kex_prefixes[i] && !ok; i++) {
			l = strlen(sshd_gss_kex_prefixes[i]);
			ok = n >= l && strncmp(p, sshd_gss_kex_prefixes[i], l) == 0;
		}
		if (!ok)
			return 0;
		p += n + (p[n] == ',');
	}
	return 1;
}

/* misc.c dollar_expand() syntax: every "${" closed, no "${}". */
static int
dollar_syntax_ok(const char *s)
{
	const char *e;

	while ((s = strstr(s, "${")) != NULL) {
		if ((e = strchr(s + 2, '}')) == NULL || e == s + 2)
			return 0;
		s = e + 1;
	}
	return 1;
}

static int
env_name_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

/* ----------------------------------------------------- ProxyJump syntax */

static char *
cleanhost(char *h)
{
	size_t n = strlen(h);

	if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
		h[n - 1] = '\0';
		return h + 1;
	}
	return h;
}

/* misc.c parse_user_host_port() / parse_uri("ssh", ...) for one hop. */
static int
parse_hop(const char *s, char **userp, char **hostp, int *portp)
{
	char *sdup = xstrdup(s), *tmp = sdup, *cp, *user = NULL, *host = NULL;
	int port = 0, rc = -1;
	int uri = strncmp(s, "ssh://", 6) == 0;

	if (uri)
		tmp += 6;
	if ((cp = uri ? strchr(tmp, '@') : strrchr(tmp, '@')) != NULL) {
		*cp = '\0';
		if (*tmp == '\0')
			goto out;
		if (uri && strchr(tmp, ';') != NULL)
			*strchr(tmp, ';') = '\0';
		user = xstrdup(tmp);
		tmp = cp + 1;
	}
	/* hpdelim(): [host] or up to ':' ('/' is only allowed in a URI path,
	 * which a jump host may not have) */
	if (*tmp == '[') {
		if ((cp = strchr(tmp, ']')) == NULL)
			goto out;
		cp++;
	} else
		cp = tmp + strcspn(tmp, ":/");
	if (*cp == '/' || (*cp != '\0' && *cp != ':'))
		goto out;
	if (*cp == ':') {
		*cp++ = '\0';
		if (*cp != '\0' && (port = ssh_a2port(cp)) <= 0)
			goto out;
		if (uri && *cp == '\0')
			goto out;
	}
	if (*tmp == '\0')
		goto out;
	host = xstrdup(cleanhost(tmp));
	if (uri && *host == '\0')
		goto out;
	rc = 0;
out:
	if (rc == 0) {
		if (userp)
			*userp = user, user = NULL;
		if (hostp)
			*hostp = host, host = NULL;
		if (portp)
			*portp = port;
	}
	free(user);
	free(host);
	free(sdup);
	return rc;
}

int
clientconf_jump_split(const char *spec, char **extra, char **user, char **host, int *port)
{
	char *s = xstrdup(spec), *cp, *last;
	size_t n;
	int rc = 0;

	if (extra)
		*extra = NULL;
	if (user)
		*user = NULL;
	if (host)
		*host = NULL;
	if (port)
		*port = 0;
	if ((cp = strchr(s, '#')) != NULL)
		*cp = '\0';
	n = strlen(s);
	while (n > 0 && strchr(WS, s[n - 1]) != NULL)
		s[--n] = '\0';
	/* every hop must parse; the last one is where ssh goes */
	for (char *hop = s, *next; hop != NULL && rc == 0; hop = next) {
		if ((next = strchr(hop, ',')) != NULL)
			*next++ = '\0';
		if (parse_hop(hop, NULL, NULL, NULL) != 0)
			rc = -1;
		if (next != NULL)
			next[-1] = ',';
	}
	if (rc == 0) {
		last = strrchr(s, ',');
		if (last != NULL && extra)
			*extra = xstrndup(s, (size_t)(last - s));
		rc = parse_hop(last ? last + 1 : s, user, host, port);
	}
	free(s);
	return rc;
}

/* ----------------------------------------------------------------- parse */

static struct cev *
ev_push(struct pctx *p, int type)
{
	struct clientconf *c = p->c;
	struct cev *e;

	if (c->nev >= CLIENTCONF_MAX_DIRECTIVES) {
		perr(p, "more than %d directives (keyaudit's limit)",
		    CLIENTCONF_MAX_DIRECTIVES);
		return NULL;
	}
	if (c->nev == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->ev = xreallocarray(c->ev, c->cap, sizeof(*c->ev));
	}
	e = &c->ev[c->nev++];
	memset(e, 0, sizeof(*e));
	e->type = (unsigned char)type;
	e->file = p->file;
	e->line = p->line;
	e->userconf = (unsigned char)p->userconf;
	return e;
}

static int read_file(struct pctx *parent, const char *path, int userconf,
    int checkperm, int depth, int must_exist);

/* readconf.c match_cfg_line(), syntax only: the criteria into e. */
static int
parse_match(struct pctx *p, char *cp, struct cev *e)
{
	char *attrib, *arg;
	int attributes = 0;

	while ((attrib = ssh_strdelim(&cp)) != NULL && *attrib != '\0') {
		struct crit cr = { 0 };
		const char *oattrib = attrib;

		if (*attrib == '#')
			break;
		if ((cr.neg = attrib[0] == '!'))
			attrib++;
		if (strcasecmp(attrib, "all") == 0) {
			if (attributes > 1 || ((arg = ssh_strdelim(&cp)) != NULL &&
			    *arg != '\0' && *arg != '#'))
				return perr(p, "'%s' cannot be combined with other Match "
				    "attributes", oattrib);
			cr.type = M_ALL;
			e->crit = xreallocarray(e->crit, (size_t)e->ncrit + 1, sizeof(cr));
			e->crit[e->ncrit++] = cr;
			return 0;
		}
		attributes++;
		if (strcasecmp(attrib, "canonical") == 0 || strcasecmp(attrib, "final") == 0) {
			cr.type = strcasecmp(attrib, "final") == 0 ? M_FINAL : M_CANONICAL;
			if (cr.type == M_FINAL)
				p->c->has_final = 1;
		} else {
			if ((arg = ssh_strdelim(&cp)) == NULL || *arg == '\0' || *arg == '#')
				return perr(p, "Missing Match criteria for %s (Bad Match "
				    "condition)", attrib);
			if (strcasecmp(attrib, "host") == 0)
				cr.type = M_HOST;
			else if (strcasecmp(attrib, "originalhost") == 0)
				cr.type = M_ORIGINALHOST;
			else if (strcasecmp(attrib, "user") == 0)
				cr.type = M_USER;
			else if (strcasecmp(attrib, "localuser") == 0)
				cr.type = M_LOCALUSER;
			else if (strcasecmp(attrib, "exec") == 0)
				cr.type = M_EXEC;
			else
				return perr(p, "Unsupported Match attribute %s (expected all, "
				    "canonical, final, exec, host, originalhost, user or "
				    "localuser)", attrib);
			cr.arg = xstrdup(arg);
		}
		e->crit = xreallocarray(e->crit, (size_t)e->ncrit + 1, sizeof(cr));
		e->crit[e->ncrit++] = cr;
	}
	if (attributes == 0)
		return perr(p, "One or more attributes required for Match");
	return 0;
}

static int
do_include(struct pctx *p, char **av, int ac)
{
	for (int i = 0; i < ac; i++) {
		struct strlist m = { 0 };
		char *arg = av[i], *pat;
		int rc = 0;

		if (*arg == '\0')
			return perr(p, "keyword include empty argument");
		if (*arg == '~' && !p->userconf)
			return perr(p, "bad include path %s (a system file may not "
			    "include '~' paths)", arg);
		if (*arg != '/' && *arg != '~')
			pat = xasprintf("%s/%s", p->userconf ? "~/.ssh" : "/etc/ssh", arg);
		else
			pat = xstrdup(arg);
		/* glob(3) GLOB_TILDE */
		if (pat[0] == '~') {
			const char *slash = strchr(pat, '/'), *home = NULL;
			size_t ul = slash ? (size_t)(slash - pat - 1) : strlen(pat) - 1;

			if (ul == 0)
				home = p->c->home;
			else if (p->c->io.home_of != NULL) {
				char *u = xstrndup(pat + 1, ul);
				home = p->c->io.home_of(p->c->io.ctx, u);
				free(u);
			}
			if (home != NULL) {
				char *np = xasprintf("%s%s", home, slash ? slash : "");
				free(pat);
				pat = np;
			}
		}
		if (p->c->io.glob == NULL || p->c->io.glob(p->c->io.ctx, pat, &m) != 0) {
			perr(p, "glob failed for %s.", pat);
			rc = -1;
		}
		for (size_t k = 0; k < m.n && (rc == 0 || p->c->keep_going); k++) {
			if (ev_push(p, EV_INC_BEGIN) == NULL ||
			    read_file(p, m.v[k], p->userconf, 1, p->depth + 1, 0) != 0 ||
			    ev_push(p, EV_INC_END) == NULL)
				rc = -1;
		}
		strlist_free(&m);
		free(pat);
		if (rc != 0 && !p->c->keep_going)
			return -1;
	}
	return 0;
}

/* Arguments a keyword takes (readconf.c's cases); e keeps what resolution
 * needs. ac/av: the words after the keyword; rest: the raw text. */
static int
parse_values(struct pctx *p, const struct ckeyword *k, const char *kwname,
    char **av, int ac, char *rest, struct cev *e)
{
	const char *arg = ac > 0 ? av[0] : NULL;
	int used = 1, v;
	long t;

	switch (k->type) {
	case T_FLAG:
	case T_MULTI:
		if (arg == NULL || *arg == '\0')
			return perr(p, "missing argument.");
		if ((v = state_index(k->states ? k->states : st_flag, arg)) < 0) {
			if (k->kw == C_OTHER && k->states == st_loglevel)
				return perr(p, "unsupported log level '%s'", arg);
			if (k->states == st_facility)
				return perr(p, "unsupported log facility '%s'", arg);
			if (k->states == st_fphash)
				return perr(p, "Invalid hash algorithm \"%s\".", arg);
			return perr(p, "unsupported option \"%s\" for %s.", arg, kwname);
		}
		if (k->kw == C_IDENTITIESONLY)
			e->num = strcasecmp(arg, "yes") == 0 || strcasecmp(arg, "true") == 0;
		else if (k->kw == C_CANON)
			e->num = v <= 3 ? v % 2 == 0 : 2;	/* true/yes 1, false/no 0 */
		else if (k->kw == C_STRICT) {
			static const char *const printed[] = { "true", "false", "true",
				"false", "ask", "false", "accept-new" };
			e->av = xcalloc(1, sizeof(*e->av));
			e->av[0] = xstrdup(printed[v]);
			e->ac = 1;
		}
		break;
	case T_INT: {
		long long n;
		const char *why = arg == NULL || *arg == '\0' ? "missing" :
		    ssh_strtonum(arg, 0, INT_MAX, &n);
		if (why != NULL)
			return perr(p, "integer value %s.", why);
		break;
	}
	case T_TIME:
		if (arg == NULL || *arg == '\0')
			return perr(p, "missing time value.");
		if (strcmp(arg, "none") == 0)
			t = -1;
		else if ((t = ssh_convtime(arg)) == -1)
			return perr(p, "invalid time value.");
		e->num = (int)t;
		break;
	case T_STR:
		if (arg == NULL || *arg == '\0')
			return perr(p, "Missing argument.");
		e->av = xcalloc(1, sizeof(*e->av));
		e->av[0] = xstrdup(arg);
		e->ac = 1;
		break;
	case T_STRARR:
	case T_LIST:
		for (int i = 0; i < ac; i++) {
			if (*av[i] == '\0')
				return perr(p, "keyword %s empty argument", kwname);
			if (strcasecmp(av[i], "none") == 0 && ac > 1)
				return perr(p, "keyword %s \"none\" argument must appear "
				    "alone.", kwname);
		}
		if (k->type == T_STRARR) {
			e->av = xcalloc((size_t)ac, sizeof(*e->av));
			for (int i = 0; i < ac; i++)
				e->av[i] = xstrdup(av[i]);
			e->ac = ac;
		}
		used = ac;
		break;
	case T_CMD:
		/* the raw rest of the line, quotes and comments included */
		e->av = xcalloc(1, sizeof(*e->av));
		e->av[0] = xstrdup(rest + strspn(rest, WS "="));
		e->ac = 1;
		used = ac;
		break;
	case T_JUMP: {
		char *s = rest + strspn(rest, WS "="), *cm;
		if (strcasecmp(s, "none") != 0 &&
		    clientconf_jump_split(s, NULL, NULL, NULL, NULL) != 0)
			return perr(p, "Invalid ProxyJump \"%s\"", s);
		e->av = xcalloc(1, sizeof(*e->av));
		e->av[0] = xstrdup(s);
		if ((cm = strchr(e->av[0], '#')) != NULL)
			*cm = '\0';
		for (size_t n = strlen(e->av[0]); n > 0 && strchr(WS, e->av[0][n - 1]); n--)
			e->av[0][n - 1] = '\0';
		e->ac = 1;
		used = ac;
		break;
	}
	case T_PORT:
		if (arg == NULL || *arg == '\0')
			return perr(p, "Missing argument.");
		if ((e->num = ssh_a2port(arg)) <= 0)
			return perr(p, "Bad port '%s'.", arg);
		break;
	case T_CIPHERS:
	case T_MACS:
	case T_KEX:
	case T_KEYALGS:
		if (arg == NULL || *arg == '\0')
			return perr(p, "Missing argument.");
		if (!algs_valid(arg, k->type))
			return perr(p, "Bad %s '%s' (not an algorithm this ssh supports).",
			    kwname, arg);
		break;
	case T_GSSKEX:
		if (arg == NULL || !gsskex_valid(arg))
			return perr(p, "Bad GSSAPI KexAlgorithms '%s'.", arg ? arg : "");
		break;
	case T_IGNORE:
		used = ac;
		break;
	case T_UNSUPPORTED:
		/* ssh only warns */
		used = ac;
		break;
	case T_FWD:
		if (arg == NULL || *arg == '\0')
			return perr(p, "Missing argument.");
		used = ac > 2 ? 2 : ac;
		if (strcmp(kwname, "localforward") == 0 && ac < 2)
			return perr(p, "Missing target argument.");
		break;
	case T_ESCAPE:
		if (arg == NULL || *arg == '\0')
			return perr(p, "Missing argument.");
		if (!(strcmp(arg, "none") == 0 || arg[1] == '\0' ||
		    (arg[0] == '^' && arg[2] == '\0' && (unsigned char)arg[1] >= 64 &&
		    (unsigned char)arg[1] < 128)))
			return perr(p, "Bad escape character.");
		break;
	case T_REKEY: {
		if (arg == NULL || *arg == '\0')
			return perr(p, "Missing argument.");
		if (strcmp(arg, "default") != 0) {
			char *end;
			unsigned long long n = strtoull(arg, &end, 10);
			if (end == arg || (*end != '\0' && strchr("KkMmGgTtPpEe", *end) == NULL) ||
			    (*end != '\0' && end[1] != '\0'))
				return perr(p, "Bad number '%s'", arg);
			if (n != 0 && n < 16 && *end == '\0')
				return perr(p, "RekeyLimit too small");
		}
		if (ac > 1 && strcmp(av[1], "none") != 0 && ssh_convtime(av[1]) == -1)
			return perr(p, "invalid time value.");
		used = ac > 1 ? 2 : 1;
		break;
	}
	case T_CPERSIST:
		if (arg == NULL || *arg == '\0')
			return perr(p, "Missing ControlPersist argument.");
		if (strcmp(arg, "no") != 0 && strcmp(arg, "false") != 0 &&
		    strcmp(arg, "yes") != 0 && strcmp(arg, "true") != 0 &&
		    ssh_convtime(arg) < 0)
			return perr(p, "Bad ControlPersist argument.");
		break;
	case T_TUNDEV:
		if (arg == NULL || *arg == '\0')
			return perr(p, "Missing argument.");
		break;
	case T_IPQOS:
		if (arg == NULL || *arg == '\0')
			return perr(p, "Bad IPQoS value: %s", arg ? arg : "");
		used = ac > 1 ? 2 : 1;
		break;
	case T_ADDKEYS: {
		const char *const st[] = { "true", "false", "yes", "no", "ask", "confirm",
			NULL };
		int s = state_index(st, arg);
		const char *a2 = ac > 1 ? av[1] : NULL;

		if (s == 5 && a2 != NULL) {
			if (ssh_convtime(a2) == -1)
				return perr(p, "invalid time value.");
		} else if (s == -1 && a2 == NULL) {
			if (arg == NULL || ssh_convtime(arg) == -1)
				return perr(p, "unsupported option");
		} else if (s == -1 || a2 != NULL)
			return perr(p, "unsupported option");
		used = a2 != NULL ? 2 : 1;
		break;
	}
	case T_FWDAGENT:
		if (arg == NULL || *arg == '\0')
			return perr(p, "missing argument.");
		if (state_index(st_flag, arg) >= 0)
			break;
		/* not yes/no: an agent socket path */
		__attribute__((fallthrough));
	case T_AGENT:
		if (arg == NULL || *arg == '\0')
			return perr(p, "Missing argument.");
		if (!dollar_syntax_ok(arg))
			return perr(p, "Invalid environment expansion %s.", arg);
		if (arg[0] == '$' && arg[1] != '{' && !env_name_ok(arg + 1))
			return perr(p, "Invalid environment name %s.", arg);
		break;
	case T_SENDENV:
		for (int i = 0; i < ac; i++)
			if (*av[i] == '\0' || strchr(av[i], '=') != NULL)
				return perr(p, "Invalid environment name.");
		used = ac;
		break;
	case T_SETENV:
		for (int i = 0; i < ac; i++)
			if (strchr(av[i], '=') == NULL)
				return perr(p, "Invalid SetEnv.");
		used = ac;
		break;
	case T_MASK: {
		char *end;
		long m;
		if (arg == NULL || *arg == '\0')
			return perr(p, "Missing StreamLocalBindMask argument.");
		m = strtol(arg, &end, 8);
		if (end == arg || m < 0 || m > 0777)
			return perr(p, "Bad mask.");
		break;
	}
	case T_CNAMES:
		for (int i = 0; i < ac; i++) {
			const char *colon = strchr(av[i], ':');
			if (strcasecmp(av[i], "none") == 0) {
				if (i > 0 || ac > 1)
					return perr(p, "keyword %s \"none\" argument must "
					    "appear alone.", kwname);
			} else if (strcmp(av[i], "*") != 0 && (colon == NULL || colon[1] == '\0'))
				return perr(p, "Invalid permitted CNAME \"%s\"", av[i]);
		}
		used = ac;
		break;
	case T_REMOTEOPEN:
		if (ac == 0)
			return perr(p, "missing %s specification", kwname);
		used = ac;
		break;
	case T_SPECIAL:
		break;
	}
	if (ac > used)
		return perr(p, "keyword %s extra arguments at end of line", kwname);
	if (k->kw >= C_PUBKEYAUTH && e->av == NULL && arg != NULL) {
		e->av = xcalloc(1, sizeof(*e->av));
		e->av[0] = xstrdup(arg);
		e->ac = 1;
	}
	return 0;
}

static const struct ckeyword *
kw_lookup(const char *name)
{
	for (size_t i = 0; i < KA_ARRLEN(ckeywords); i++)
		if (strcmp(name, ckeywords[i].name) == 0)
			return &ckeywords[i];
	return NULL;
}

/* readconf.c process_config_line_depth(), without the applying. */
static int
parse_line(struct pctx *p, char *line)
{
	const struct ckeyword *k;
	char *str = line, *keyword, **av = NULL;
	size_t len = strlen(line);
	struct cev *e;
	int ac = 0, r, rc = -1;

	if (len == 0)
		return 0;
	for (len--; len > 0; len--) {
		if (strchr(WS "\f", line[len]) == NULL)
			break;
		line[len] = '\0';
	}
	if ((keyword = ssh_strdelim(&str)) == NULL)
		return 0;
	if (*keyword == '\0')
		keyword = ssh_strdelim(&str);
	if (keyword == NULL || *keyword == '\0' || *keyword == '\n' || *keyword == '#')
		return 0;
	if (str != NULL)
		str += strspn(str, WS);
	if (p->c->dirs.n >= CLIENTCONF_MAX_DIRECTIVES)
		return perr(p, "more than %d directives (keyaudit's limit)",
		    CLIENTCONF_MAX_DIRECTIVES);
	{
		struct ssh_directive *d = ssh_directives_add(&p->c->dirs, p->file,
		    p->line, keyword, str, MAX_ARGS);

		/* A block ends at the next Host or Match, or with its file. */
		if (strcmp(d->keyword, "host") == 0 || strcmp(d->keyword, "match") == 0)
			p->block = (long)p->c->dirs.n - 1;
		d->block = p->block;
		d->depth = p->depth;
		d->user = p->userconf;
	}
	lower(keyword);
	if (str == NULL || *str == '\0')
		return perr(p, "no argument after keyword \"%s\"", keyword);
	k = kw_lookup(keyword);
	if (k == NULL && !p->c->seen_ignore)
		return perr(p, "Bad configuration option: %s (not an ssh_config "
		    "keyword)", keyword);
	if ((r = ssh_argv_split(str, MAX_ARGS, &av, &ac)) != 0)
		return r == -1 ? perr(p, "invalid quotes") :
		    perr(p, "more than %d arguments (keyaudit's limit)", MAX_ARGS);
	if (k == NULL) {
		/* the IgnoreUnknown in force decides, per host */
		if ((e = ev_push(p, EV_UNKNOWN)) == NULL)
			goto out;
		e->av = xcalloc(1, sizeof(*e->av));
		e->av[0] = xstrdup(keyword);
		e->ac = 1;
		rc = 0;
		goto out;
	}
	switch (k->kw) {
	case C_HOST:
		for (int i = 0; i < ac; i++)
			if (*av[i] == '\0') {
				perr(p, "keyword %s empty argument", keyword);
				goto out;
			}
		if ((e = ev_push(p, EV_HOST)) == NULL)
			goto out;
		e->av = av;
		e->ac = ac;
		av = NULL;
		ac = 0;
		rc = 0;
		goto out;
	case C_MATCH: {
		char *copy = xstrdup(str);
		if ((e = ev_push(p, EV_MATCH)) == NULL) {
			free(copy);
			goto out;
		}
		rc = parse_match(p, copy, e);
		free(copy);
		goto out;
	}
	case C_INCLUDE:
		rc = do_include(p, av, ac);
		goto out;
	default:
		break;
	}
	if ((e = ev_push(p, EV_OPT)) == NULL)
		goto out;
	e->kw = (unsigned char)k->kw;
	rc = parse_values(p, k, keyword, av, ac, str, e);
	if (k->kw == C_IGNOREUNKNOWN)
		p->c->seen_ignore = 1;
	if (k->kw == C_OTHER && rc == 0) {
		/* checked, nothing to keep */
		ssh_argv_free(e->av, e->ac);
		p->c->nev--;
	}
out:
	ssh_argv_free(av, ac);
	return rc;
}

static int
read_file(struct pctx *parent, const char *path, int userconf, int checkperm,
    int depth, int must_exist)
{
	struct clientconf *c = parent->c;
	struct pctx p;
	char *data = NULL, *s, *next;
	size_t len = 0;
	int rc = 0;

	if (depth > CLIENTCONF_MAX_DEPTH)
		return perr(parent, "Too many recursive configuration includes "
		    "(more than %d levels)", CLIENTCONF_MAX_DEPTH);
	if (++c->nfiles > CLIENTCONF_MAX_FILES)
		return perr(parent, "more than %d configuration files (keyaudit's "
		    "limit)", CLIENTCONF_MAX_FILES);
	if (c->io.read(c->io.ctx, path, checkperm, &data, &len) != 0) {
		int e = errno;

		if (e == ENOENT && !must_exist)
			return 0;
		if (e == EPERM)
			return perr(parent, "Bad owner or permissions on %s (ssh refuses "
			    "a file not owned by root or the user, or writable by "
			    "others)", path);
		if (e == EFBIG)
			return perr(parent, "%s is larger than %u bytes (keyaudit's limit)",
			    path, CLIENTCONF_MAX_FILE_BYTES);
		if (depth == 0 && !must_exist)
			return 0;	/* ssh ignores an unreadable default file */
		return perr(parent, "Can't open user config file %s: %s", path,
		    strerror(e));
	}
	if ((c->nbytes += len) > CLIENTCONF_MAX_BYTES) {
		free(data);
		return perr(parent, "more than %u bytes of configuration (keyaudit's "
		    "limit)", CLIENTCONF_MAX_BYTES);
	}
	strlist_add(&c->files, path);
	memset(&p, 0, sizeof(p));
	p.c = c;
	p.file = strlist_intern(&c->names, path);
	p.userconf = userconf;
	p.depth = depth;
	/* an included file starts in its Include's block */
	p.block = depth > 0 ? parent->block : -1;
	if (depth == 0 && ev_push(&p, EV_FILE) == NULL) {
		free(data);
		return -1;
	}
	/* getline() then C strings: a NUL ends its line early */
	data = xrealloc(data, len + 1);
	data[len] = '\0';
	for (s = data; (rc == 0 || c->keep_going) && s < data + len; s = next) {
		char *nl = memchr(s, '\n', (size_t)(data + len - s));

		next = nl ? nl + 1 : data + len;
		if (nl)
			*nl = '\0';
		p.line++;
		if (parse_line(&p, s) != 0)
			rc = -1;
	}
	free(data);
	return c->keep_going ? 0 : rc;
}

static char *
default_hostname(const struct clientconf_io *io)
{
	const char *h = io->local_hostname ? io->local_hostname(io->ctx) : NULL;

	return xstrdup(h != NULL && *h != '\0' ? h : "localhost");
}

static struct clientconf *
clientconf_new(const char *home, const char *local_user, const struct clientconf_io *io)
{
	struct clientconf *c = xcalloc(1, sizeof(*c));

	c->io = *io;
	c->home = xstrdup(home ? home : "/");
	c->local_user = xstrdup(local_user ? local_user : "root");
	c->thishost = default_hostname(io);
	c->shorthost = xstrndup(c->thishost, strcspn(c->thishost, "."));
	c->uidstr = xasprintf("%ld", io->local_uid ? io->local_uid(io->ctx) : 0L);
	return c;
}

/* ssh's default files: ~/.ssh/config (user, checked), then the system's. */
static int
read_defaults(struct clientconf *c, int user)
{
	static const char sys[] = "/etc/ssh/ssh_config";
	struct pctx top;
	int rc = 0;

	memset(&top, 0, sizeof(top));
	top.c = c;
	if (user) {
		char *path = xasprintf("%s/.ssh/config", c->home);

		top.file = path;
		rc = read_file(&top, path, 1, 1, 0, 0);
		free(path);
	}
	top.file = sys;
	if (rc == 0 || c->keep_going)
		rc = read_file(&top, sys, 0, 0, 0, 0);
	return rc;
}

struct clientconf *
clientconf_load(const char *const *files, size_t nfiles, const char *home,
    const char *local_user, const struct clientconf_io *io, char **err)
{
	struct clientconf *c = clientconf_new(home, local_user, io);
	struct pctx top;
	int rc = 0;

	*err = NULL;
	memset(&top, 0, sizeof(top));
	top.c = c;
	if (nfiles == 0 || files == NULL) {
		rc = read_defaults(c, 1);
	} else {
		for (size_t i = 0; i < nfiles && rc == 0; i++) {
			if (strcasecmp(files[i], "none") == 0)
				continue;
			top.file = files[i];
			rc = read_file(&top, files[i], 1, 0, 0, 1);
		}
	}
	if (rc != 0 || c->err != NULL) {
		*err = c->err ? c->err : xstrdup("ssh_config: cannot be read");
		c->err = NULL;
		clientconf_free(c);
		return NULL;
	}
	return c;
}

struct clientconf *
clientconf_read_all(const char *home, const char *local_user,
    const struct clientconf_io *io, char **err)
{
	struct clientconf *c = clientconf_new(home, local_user, io);

	c->keep_going = 1;
	(void)read_defaults(c, home != NULL);
	*err = c->err;
	c->err = NULL;
	return c;
}

void
clientconf_free(struct clientconf *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->nev; i++) {
		struct cev *e = &c->ev[i];
		ssh_argv_free(e->av, e->ac);
		for (int k = 0; k < e->ncrit; k++)
			free(e->crit[k].arg);
		free(e->crit);
	}
	free(c->ev);
	ssh_directives_free(&c->dirs);
	strlist_free(&c->names);
	strlist_free(&c->files);
	free(c->home);
	free(c->local_user);
	free(c->thishost);
	free(c->shorthost);
	free(c->uidstr);
	free(c->err);
	free(c);
}

const struct strlist *
clientconf_files(const struct clientconf *c)
{
	return &c->files;
}

const struct ssh_directives *
clientconf_directives(const struct clientconf *c)
{
	return &c->dirs;
}

/* --------------------------------------------------------------- resolve */

/* The options as ssh fills them in, first value wins (NULL/-1 unset). */
struct ropts {
	const char *hostname, *user, *hka, *strict, *ignore;
	const char *proxy_command, *jump;
	const char *raw[C_IDAGENT - C_PUBKEYAUTH + 1];	/* C_PUBKEYAUTH.. */
	int port, idonly, ctimeout, ctimeout_set, canon;
	struct strlist ids;
	unsigned char *id_user;
	struct strlist certs;		/* CertificateFile, in order */
	unsigned char *cert_user;
	const char *const *ukh, *const *gkh;
	int nukh, ngkh;
};

struct rctx {
	const struct clientconf *c;
	struct ropts o;
	const char *host;		/* ssh.c's host: as given, then final */
	const char *orig;		/* the host as given (%n, originalhost) */
	const struct cev *hostname_ev;	/* where HostName came from */
	int final;
	struct strlist *notes;
	char *err;
};

static int
rerr(struct rctx *r, const struct cev *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
rerr(struct rctx *r, const struct cev *e, const char *fmt, ...)
{
	va_list ap;
	char *msg, *pm;

	if (r->err != NULL)
		return -1;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	pm = str_printable(msg, strlen(msg));
	r->err = e ? xasprintf("%s:%d: %s", e->file, e->line, pm) : xstrdup(pm);
	free(msg);
	free(pm);
	return -1;
}

/*
 * misc.c percent_expand / percent_dollar_expand: %c for each c in keys
 * (vals parallel), %%, and with dollar ${VAR}. NULL and *why on an unknown
 * token, a trailing '%' or an unset or malformed variable.
 */
static char *
expand(const struct clientconf *c, const char *s, const char *keys,
    const char *const *vals, int dollar, char **why)
{
	struct buf b;

	buf_init(&b);
	for (; *s != '\0'; s++) {
		if (dollar && s[0] == '$' && s[1] == '{') {
			const char *end = strchr(s + 2, '}'), *val;
			char *var;

			if (end == NULL || end == s + 2) {
				*why = xstrdup(end == NULL ? "environment variable missing "
				    "closing '}'" : "zero-length environment variable");
				buf_free(&b);
				return NULL;
			}
			var = xstrndup(s + 2, (size_t)(end - s - 2));
			val = c->io.getenv ? c->io.getenv(c->io.ctx, var) : NULL;
			if (val == NULL) {
				*why = xasprintf("env var ${%s} has no value", var);
				free(var);
				buf_free(&b);
				return NULL;
			}
			free(var);
			buf_puts(&b, val);
			s = end;
			continue;
		}
		if (*s != '%') {
			buf_putc(&b, *s);
			continue;
		}
		s++;
		if (*s == '%') {
			buf_putc(&b, '%');
			continue;
		}
		if (*s == '\0') {
			*why = xstrdup("invalid format: '%' at the end");
			buf_free(&b);
			return NULL;
		}
		{
			const char *k = strchr(keys, *s);
			if (k == NULL) {
				*why = xasprintf("unknown key %%%c", *s);
				buf_free(&b);
				return NULL;
			}
			buf_puts(&b, vals[k - keys]);
		}
	}
	if (b.data == NULL)
		return xstrdup("");
	return buf_steal(&b);
}

/* misc.c tilde_expand_filename() with the given home / home_of. */
static char *
tilde(const struct clientconf *c, const char *f, char **why)
{
	const char *home, *path = NULL;
	char *copy, *user = NULL, *r;
	size_t hl;

	if (*f != '~')
		return xstrdup(f);
	copy = xstrdup(f + 1);
	if (*copy == '/') {
		path = copy + strspn(copy, "/");
		if (*path == '\0')
			path = NULL;
	} else if (*copy != '\0') {
		char *sl = strchr(copy, '/');
		user = copy;
		if (sl != NULL) {
			*sl = '\0';
			path = sl + 1 + strspn(sl + 1, "/");
			if (*path == '\0')
				path = NULL;
		}
	}
	home = user == NULL ? c->home :
	    c->io.home_of ? c->io.home_of(c->io.ctx, user) : NULL;
	if (home == NULL) {
		*why = xasprintf("No such user %s", user);
		free(copy);
		return NULL;
	}
	hl = strlen(home);
	r = xasprintf("%s%s%s", home, hl == 0 || home[hl - 1] != '/' ? "/" : "",
	    path ? path : "");
	free(copy);
	return r;
}

/* The host for Match host: HostName (with %h) once set, else the host. */
static const char *
match_host(struct rctx *r, const struct cev *e, char **tofree)
{
	const char *keys = "h";
	const char *vals[1];
	char *why = NULL;

	*tofree = NULL;
	if (r->final || r->o.hostname == NULL)
		return r->final && r->o.hostname ? r->o.hostname : r->host;
	vals[0] = r->host;
	if ((*tofree = expand(r->c, r->o.hostname, keys, vals, 0, &why)) == NULL) {
		rerr(r, e, "HostName \"%s\" (from %s:%d): %s", r->o.hostname,
		    r->hostname_ev->file, r->hostname_ev->line, why);
		free(why);
		return NULL;
	}
	return *tofree;
}

/* readconf.c match_cfg_line() evaluation: 1, 0, or -1 on error. */
static int
eval_match(struct rctx *r, const struct cev *e)
{
	int result = 1;
	const char *ruser = r->o.user ? r->o.user : r->c->local_user;

	for (int i = 0; i < e->ncrit; i++) {
		const struct crit *cr = &e->crit[i];
		char *tofree = NULL;
		const char *h;
		int m = 0;

		switch (cr->type) {
		case M_ALL:
			if (result)
				result = cr->neg ? 0 : 1;
			return result;
		case M_CANONICAL:
		case M_FINAL:
			m = r->final;
			break;
		case M_HOST:
			if ((h = match_host(r, e, &tofree)) == NULL)
				return -1;
			m = match_pattern_list(h, cr->arg, 1) == 1;
			free(tofree);
			break;
		case M_ORIGINALHOST:
			m = match_pattern_list(r->orig, cr->arg, 1) == 1;
			break;
		case M_USER:
			m = match_pattern_list(ruser, cr->arg, 0) == 1;
			break;
		case M_LOCALUSER:
			m = match_pattern_list(r->c->local_user, cr->arg, 0) == 1;
			break;
		case M_EXEC:
			/* never run anything: the block does not apply */
			if (result == 1 && r->notes != NULL) {
				char *n = xasprintf("%s:%d: Match exec \"%s\" was not run; "
				    "keyaudit treats the block as not matching", e->file,
				    e->line, cr->arg);
				if (!strlist_has(r->notes, n))
					strlist_add(r->notes, n);
				free(n);
			}
			result = 0;
			continue;
		}
		if (m == cr->neg)
			result = 0;
	}
	return result;
}

static int
apply_opt(struct rctx *r, const struct cev *e)
{
	struct ropts *o = &r->o;

	switch (e->kw) {
	case C_HOSTNAME:
		if (o->hostname == NULL) {
			o->hostname = e->av[0];
			r->hostname_ev = e;
		}
		break;
	case C_PORT:
		if (o->port < 0)
			o->port = e->num;
		break;
	case C_USER:
		if (o->user == NULL)
			o->user = e->av[0];
		break;
	case C_IDENTITYFILE:
		for (size_t i = 0; i < o->ids.n; i++)
			if (o->id_user[i] == e->userconf && strcmp(o->ids.v[i], e->av[0]) == 0)
				return 0;
		if (o->ids.n >= SSH_MAX_IDENTITY_FILES)
			return rerr(r, e, "Too many identity files specified (max %d).",
			    SSH_MAX_IDENTITY_FILES);
		strlist_add(&o->ids, e->av[0]);
		o->id_user = xrealloc(o->id_user, o->ids.n);
		o->id_user[o->ids.n - 1] = e->userconf;
		break;
	case C_CERTFILE:
		/* readconf.c add_certificate_file: a name already given by
		 * the same kind of file is not added twice */
		for (size_t i = 0; i < o->certs.n; i++)
			if (o->cert_user[i] == e->userconf &&
			    strcmp(o->certs.v[i], e->av[0]) == 0)
				return 0;
		if (o->certs.n >= SSH_MAX_CERTIFICATE_FILES)
			return rerr(r, e, "Too many certificate files specified (max %d)",
			    SSH_MAX_CERTIFICATE_FILES);
		strlist_add(&o->certs, e->av[0]);
		o->cert_user = xrealloc(o->cert_user, o->certs.n);
		o->cert_user[o->certs.n - 1] = e->userconf;
		break;
	case C_IDENTITIESONLY:
		if (o->idonly < 0)
			o->idonly = e->num;
		break;
	case C_PROXYCOMMAND:
		/* observed: Debian's 9.2 lets a ProxyCommand follow
		 * "ProxyJump none" (upstream readconf.c would skip it) */
		if ((o->jump == NULL || strcasecmp(o->jump, "none") == 0) &&
		    o->proxy_command == NULL)
			o->proxy_command = e->av[0];
		break;
	case C_PROXYJUMP:
		if (o->proxy_command == NULL && o->jump == NULL)
			o->jump = e->av[0];
		break;
	case C_CONNECTTIMEOUT:
		/* "none" is ssh's own "unset" (-1): a later value still wins */
		if (!o->ctimeout_set && e->num >= 0) {
			o->ctimeout_set = 1;
			o->ctimeout = e->num;
		}
		break;
	case C_HOSTKEYALIAS:
		if (o->hka == NULL)
			o->hka = e->av[0];
		break;
	case C_USERKH:
	case C_GLOBALKH: {
		const char *const **v = e->kw == C_USERKH ? &o->ukh : &o->gkh;
		int *n = e->kw == C_USERKH ? &o->nukh : &o->ngkh;
		if (*n == 0) {
			if (e->ac > SSH_MAX_HOSTS_FILES)
				return rerr(r, e, "too many %s entries.", e->kw == C_USERKH ?
				    "userknownhostsfile" : "globalknownhostsfile");
			*v = (const char *const *)e->av;
			*n = e->ac;
		}
		break;
	}
	case C_STRICT:
		if (o->strict == NULL)
			o->strict = e->av[0];
		break;
	case C_CANON:
		if (o->canon < 0)
			o->canon = e->num;
		break;
	case C_IGNOREUNKNOWN:
		if (o->ignore == NULL)
			o->ignore = e->av[0];
		break;
	default:
		if (e->kw >= C_PUBKEYAUTH && e->ac > 0 && o->raw[e->kw - C_PUBKEYAUTH] == NULL)
			o->raw[e->kw - C_PUBKEYAUTH] = e->av[0];
		break;
	}
	return 0;
}

/* One pass over the events, as ssh reads its files once. */
static int
run_pass(struct rctx *r)
{
	const struct clientconf *c = r->c;
	struct { int active, never; } stack[CLIENTCONF_MAX_DEPTH + 2];
	int sp = 0, active = 1, never = 0;

	for (size_t i = 0; i < c->nev; i++) {
		const struct cev *e = &c->ev[i];
		int m;

		switch (e->type) {
		case EV_FILE:
			active = 1;
			never = 0;
			sp = 0;
			break;
		case EV_INC_BEGIN:
			if (sp < (int)KA_ARRLEN(stack)) {
				stack[sp].active = active;
				stack[sp].never = never;
				sp++;
			}
			never = never || !active;
			break;
		case EV_INC_END:
			if (sp > 0) {
				sp--;
				active = stack[sp].active;
				never = stack[sp].never;
			}
			break;
		case EV_HOST:
			active = 0;
			if (never)
				break;
			for (int k = 0; k < e->ac; k++) {
				int neg = e->av[k][0] == '!';
				if (match_pattern(r->host, e->av[k] + neg)) {
					if (neg) {
						active = 0;
						break;
					}
					active = 1;
				}
			}
			break;
		case EV_MATCH:
			if ((m = eval_match(r, e)) < 0)
				return -1;
			active = never ? 0 : m;
			break;
		case EV_UNKNOWN:
			if (r->o.ignore == NULL ||
			    match_pattern_list(e->av[0], r->o.ignore, 1) != 1)
				return rerr(r, e, "Bad configuration option: %s (not an "
				    "ssh_config keyword, and not in the IgnoreUnknown in "
				    "force)", e->av[0]);
			break;
		case EV_OPT:
			if (active && apply_opt(r, e) != 0)
				return -1;
			break;
		}
	}
	return 0;
}

/* ssh.c is_addr() and resolve_addr(): numeric addresses are not
 * lower-cased but written canonically (127.1 -> 127.0.0.1). */
static char *
canonical_host(const char *h)
{
	struct in_addr a4;
	unsigned char a6[16];
	char out[INET6_ADDRSTRLEN];
	int fast = strchr(h, '%') != NULL || strchr(h, ':') != NULL ||
	    strspn(h, "0123456789.") == strlen(h);

	if (strchr(h, '%') == NULL && strpbrk(h, " \t\n") == NULL) {
		if (inet_pton(AF_INET6, h, a6) == 1 &&
		    inet_ntop(AF_INET6, a6, out, sizeof(out)) != NULL)
			return strcasecmp(out, h) == 0 ? xstrdup(h) : xstrdup(out);
		if (strchr(h, ':') == NULL && inet_aton(h, &a4) != 0 &&
		    inet_ntop(AF_INET, &a4, out, sizeof(out)) != NULL)
			return strcasecmp(out, h) == 0 ? xstrdup(h) : xstrdup(out);
	}
	if (fast)
		return xstrdup(h);
	{
		char *l = xstrdup(h);
		lower(l);
		return l;
	}
}

/* %C: SHA-1 of local host, host, port and user, in hex (ssh_connection_hash). */
static void
hexsha1(const char *a, const char *b, const char *c3, const char *d, char out[41])
{
	char *all = xasprintf("%s%s%s%s", a, b, c3, d);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_Digest(all, strlen(all), md, &n, EVP_sha1(), NULL) != 1 || n != 20)
		memset(md, 0, n = 20);
	for (unsigned int i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	free(all);
}

void
client_host_free(struct client_host *h)
{
	if (h == NULL)
		return;
	free(h->hostname);
	free(h->user);
	strlist_free(&h->identity_files);
	strlist_free(&h->certificate_files);
	free(h->proxy_command);
	free(h->proxy_jump);
	free(h->host_key_alias);
	strlist_free(&h->user_known_hosts);
	strlist_free(&h->global_known_hosts);
	free(h->strict_host_key_checking);
	free(h->pubkey_authentication);
	free(h->preferred_authentications);
	free(h->pubkey_accepted_algorithms);
	free(h->required_rsa_size);
	free(h->batch_mode);
	free(h->identity_agent);
	strlist_free(&h->notes);
	memset(h, 0, sizeof(*h));
}

static int
has_space_or_cntrl(const char *s)
{
	for (; *s; s++)
		if (isspace((unsigned char)*s) || iscntrl((unsigned char)*s))
			return 1;
	return 0;
}

static int
valid_ruser(const char *s)
{
	if (*s == '-')
		return 0;
	for (size_t i = 0; s[i] != '\0'; i++) {
		if (strchr("'`\";&<>|(){}", s[i]) != NULL)
			return 0;
		if (isspace((unsigned char)s[i]) && s[i + 1] == '-')
			return 0;
		if (s[i] == '\\' && s[i + 1] == '\0')
			return 0;
	}
	return 1;
}

int
clientconf_resolve(const struct clientconf *c, const char *host, const char *user,
    int port, struct client_host *out, char **err)
{
	static const char *const def_ids[] = { "~/.ssh/id_rsa", "~/.ssh/id_ecdsa",
		"~/.ssh/id_ecdsa_sk", "~/.ssh/id_ed25519", "~/.ssh/id_ed25519_sk",
		"~/.ssh/id_xmss", "~/.ssh/id_dsa" };
	static const char *const def_ukh[] = { "~/.ssh/known_hosts",
		"~/.ssh/known_hosts2" };
	static const char *const def_gkh[] = { "/etc/ssh/ssh_known_hosts",
		"/etc/ssh/ssh_known_hosts2" };
	struct rctx r;
	char *final_host = NULL, *portstr = NULL, *hka = NULL, *why = NULL;
	char chash[41];
	const char *keyalias;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	*err = NULL;
	if (host == NULL || *host == '\0') {
		*err = xstrdup("ssh_config: empty host name");
		return -1;
	}
	/* ssh.c valid_hostname() / valid_ruser() (Debian's CVE-2023-51385
	 * fix): names given to ssh may not carry shell metacharacters */
	if (*host == '-' || strpbrk(host, "'`\"$\\;&<>|(){},") != NULL ||
	    has_space_or_cntrl(host)) {
		char *ph = str_printable(host, strlen(host));
		*err = xasprintf("host '%s': hostname contains invalid characters", ph);
		free(ph);
		return -1;
	}
	if (user != NULL && !valid_ruser(user)) {
		char *pu = str_printable(user, strlen(user));
		*err = xasprintf("user '%s': remote username contains invalid characters", pu);
		free(pu);
		return -1;
	}
	memset(&r, 0, sizeof(r));
	r.c = c;
	r.host = host;
	r.orig = host;
	r.notes = &out->notes;
	r.o.port = port > 0 ? port : -1;
	r.o.user = user;
	r.o.idonly = -1;
	r.o.canon = -1;
	if (run_pass(&r) != 0)
		goto out;
	/* ssh.c: HostName takes %h, then the name is lower-cased */
	if (r.o.hostname != NULL) {
		const char *vals[1] = { host };
		char *h = expand(c, r.o.hostname, "h", vals, 0, &why);
		if (h == NULL) {
			rerr(&r, r.hostname_ev, "HostName \"%s\": %s", r.o.hostname, why);
			goto out;
		}
		final_host = canonical_host(h);
		free(h);
	} else
		final_host = canonical_host(host);
	if (c->has_final || r.o.canon > 0) {
		r.final = 1;
		r.host = final_host;
		r.o.hostname = final_host;
		if (run_pass(&r) != 0)
			goto out;
	}
	out->hostname = xstrdup(final_host);
	out->port = r.o.port > 0 ? r.o.port : 22;
	out->user = xstrdup(r.o.user ? r.o.user : c->local_user);
	out->identities_only = r.o.idonly > 0;
	if (r.o.proxy_command && strcasecmp(r.o.proxy_command, "none") != 0)
		out->proxy_command = xstrdup(r.o.proxy_command);
	if (r.o.jump && strcasecmp(r.o.jump, "none") != 0)
		out->proxy_jump = xstrdup(r.o.jump);
	out->connect_timeout = r.o.ctimeout_set && r.o.ctimeout > 0 ? r.o.ctimeout : 0;
	if (r.o.hka != NULL) {
		hka = xstrdup(r.o.hka);
		lower(hka);
		out->host_key_alias = xstrdup(hka);
	}
	out->strict_host_key_checking = xstrdup(r.o.strict ? r.o.strict : "ask");
	{
		char **dst[] = { &out->pubkey_authentication, &out->preferred_authentications,
			&out->pubkey_accepted_algorithms, &out->required_rsa_size,
			&out->batch_mode, &out->identity_agent };

		for (size_t i = 0; i < KA_ARRLEN(dst); i++)
			if (r.o.raw[i] != NULL)
				*dst[i] = xstrdup(r.o.raw[i]);
	}

	/* the %-tokens of ssh.c's DEFAULT_CLIENT_PERCENT_EXPAND_ARGS */
	portstr = xasprintf("%d", out->port);
	keyalias = hka ? hka : host;
	hexsha1(c->thishost, final_host, portstr, out->user, chash);
	{
		const char *vals[] = { chash, c->shorthost, c->uidstr, keyalias,
			c->thishost, host, portstr, c->home, final_host, out->user,
			c->local_user };
		const char *keys = "CLiklnpdhru";

		if (r.o.ids.n == 0) {
			out->identity_files_default = 1;
			for (size_t i = 0; i < KA_ARRLEN(def_ids); i++)
				strlist_add(&r.o.ids, def_ids[i]);
		}
		for (size_t i = 0; i < r.o.ids.n; i++) {
			char *t, *x;

			if (strcasecmp(r.o.ids.v[i], "none") == 0)
				continue;
			if ((t = tilde(c, r.o.ids.v[i], &why)) == NULL ||
			    (x = expand(c, t, keys, vals, 1, &why)) == NULL) {
				rerr(&r, NULL, "IdentityFile \"%s\": %s", r.o.ids.v[i], why);
				free(t);
				goto out;
			}
			free(t);
			strlist_add_owned(&out->identity_files, x);
		}
		/* ssh.c load_public_identity_files: the same expansions */
		for (size_t i = 0; i < r.o.certs.n; i++) {
			char *t, *x;

			if ((t = tilde(c, r.o.certs.v[i], &why)) == NULL ||
			    (x = expand(c, t, keys, vals, 1, &why)) == NULL) {
				rerr(&r, NULL, "CertificateFile \"%s\": %s", r.o.certs.v[i], why);
				free(t);
				goto out;
			}
			free(t);
			strlist_add_owned(&out->certificate_files, x);
		}
		if (r.o.nukh == 0) {
			r.o.ukh = def_ukh;
			r.o.nukh = 2;
		}
		if (!(r.o.nukh == 1 && strcasecmp(r.o.ukh[0], "none") == 0))
			for (int i = 0; i < r.o.nukh; i++) {
				char *t, *x;

				if ((t = tilde(c, r.o.ukh[i], &why)) == NULL ||
				    (x = expand(c, t, keys, vals, 1, &why)) == NULL) {
					rerr(&r, NULL, "UserKnownHostsFile \"%s\": %s",
					    r.o.ukh[i], why);
					free(t);
					goto out;
				}
				free(t);
				strlist_add_owned(&out->user_known_hosts, x);
			}
	}
	if (r.o.ngkh == 0) {
		r.o.gkh = def_gkh;
		r.o.ngkh = 2;
	}
	if (!(r.o.ngkh == 1 && strcasecmp(r.o.gkh[0], "none") == 0))
		for (int i = 0; i < r.o.ngkh; i++)
			strlist_add(&out->global_known_hosts, r.o.gkh[i]);
	rc = 0;
out:
	if (rc != 0) {
		*err = r.err ? r.err : xstrdup("ssh_config: resolution failed");
		r.err = NULL;
		client_host_free(out);
	}
	free(r.err);
	free(why);
	free(final_host);
	free(portstr);
	free(hka);
	strlist_free(&r.o.ids);
	free(r.o.id_user);
	strlist_free(&r.o.certs);
	free(r.o.cert_user);
	return rc;
}
