/* sshdconf.h - sshd_config parsed the way servconf.c parses it, and the
 * effective configuration for one connection (user, host, address, ...).
 *
 * Parsing is pure: the caller supplies how to read a file and how to expand
 * an Include glob (from a snapshot, or from disk while collecting one). */
#ifndef KA_SSHDCONF_H
#define KA_SSHDCONF_H

#include <stddef.h>

#include "scanner/util.h"
#include "scanner/parse/sshwords.h"

/* Include nesting limit, as servconf.c's SERVCONF_MAX_DEPTH. */
#define SSHDCONF_MAX_DEPTH 16
/* Arguments per directive and directives per configuration we accept. */
#define SSHDCONF_MAX_ARGS 256
#define SSHDCONF_MAX_DIRECTIVES 100000

/* An sshd command-line option that sets a keyword (-o's argument,
 * "Ciphers=aes256-ctr", or "Port N" for -p), and where it was written
 * (sysunit.c: the environment file or unit that put it there). */
struct sshd_cmdopt {
	char *text;
	const char *file;
	int line;
};

struct sshdconf_io {
	/* 0 and the content, or -1 and errno (ENOENT is "no such file"). */
	int (*read)(void *ctx, const char *path, const char **data, size_t *len);
	/* Matches of an Include pattern, sorted like glob(3). 0, or -1 on error. */
	int (*glob)(void *ctx, const char *pattern, struct strlist *out);
	/* Home directory of a user, for "~" (NULL name: sshd's own user, root). */
	const char *(*home_of)(void *ctx, const char *name);
	void *ctx;
	/* The release whose keywords and defaults apply, REL() of
	 * parse/release.h; 0: the model release (REL_MODEL). */
	int release;
	/* sshd's command-line options, applied before the main file as
	 * sshd applies -o: the first value wins, so they win over every
	 * file (but a Match block's value still applies over them). */
	const struct sshd_cmdopt *cmdopts;
	size_t ncmdopts;
};

/* A problem sshd itself would reject the configuration for. */
struct sshdconf_error {
	char *file;
	int line;		/* 0: the file as a whole */
	char *msg;
	int unknown;		/* not sshd's verdict: the file could not be
				 * read, or a keyaudit limit was reached */
};

/* One keyword's effective value and where it came from. */
struct sshd_value {
	const char *keyword;	/* canonical, lower-case, as sshd -T prints it */
	char **v;		/* values, each as sshd -T prints it */
	size_t n;
	const char *file;	/* NULL: OpenSSH's compiled default */
	int line;
};

/* Connection context for Match. Any field may be NULL/0: criteria on unknown
 * fields are treated as sshd -T treats a missing -C field. */
struct sshd_conn {
	const char *user;
	const char *host;
	const char *addr;
	const char *laddr;
	int lport;
	const char *rdomain;
	const char *const *groups;	/* the user's groups, primary first */
	size_t ngroups;
	int invalid_user;
	/* Asked before each Match line when not NULL: nonzero stops the
	 * evaluation there (a caller's deadline; one configuration can hold
	 * tens of thousands of Match lines). The result is then incomplete:
	 * sshdconf_match_key says so, an effective configuration must be
	 * thrown away by the caller that stopped it. */
	int (*stop)(void *arg);
	void *stop_arg;
};

struct sshd_config;
struct sshd_eff;

/* Never NULL; problems are in sshdconf_errors(). */
struct sshd_config *sshdconf_parse(const char *path, const struct sshdconf_io *io);
/* A configuration held in memory, with no Include to follow (sshd -T output,
  * a policy's expected values), read as release's sshd reads its file (0:
  * the model release): an sshd -T answer prints that release's keywords. */
struct sshd_config *sshdconf_parse_text(const char *name, const char *text,
    int release);
/* The same with sshd's command-line options ahead of it (the target's own
 * `sshd -T` output is printed without the options systemd gives the
 * daemon). */
struct sshd_config *sshdconf_parse_text_opts(const char *name, const char *text,
    int release, const struct sshd_cmdopt *opts, size_t nopts);
void sshdconf_free(struct sshd_config *c);
size_t sshdconf_nerrors(const struct sshd_config *c);
const struct sshdconf_error *sshdconf_error_at(const struct sshd_config *c, size_t i);
/* Every file that was read, main file first (for evidence and collection). */
const struct strlist *sshdconf_files(const struct sshd_config *c);
/* Every directive line read, in the order sshd reads them (see struct
 * ssh_directive): the text as written, for what the effective values cannot
 * show. Lines past a keyaudit budget are not in it. */
const struct ssh_directives *sshdconf_directives(const struct sshd_config *c);
/* Line of the main file's first Match, 0 when it has none: a global line
 * added above it takes effect. */
int sshdconf_first_match_line(const struct sshd_config *c);
/* Where sshd would read a drop-in file called name ahead of every Match:
 * "DIR/name" for the main file's first Include outside Match whose pattern
 * is DIR/PATTERN with name fitting PATTERN (Debian's stock
 * Include of sshd_config.d/ *.conf), whether or not DIR exists.
 * NULL when there is none. Caller frees. */
char *sshdconf_dropin(const struct sshd_config *c, const char *name);

/* conn NULL: global section only (what plain sshd -T prints). */
struct sshd_eff *sshdconf_effective(const struct sshd_config *c, const struct sshd_conn *conn);
void sshd_eff_free(struct sshd_eff *e);
/* What decides sshdconf_effective for conn: the verdict of every Match line
 * in order, as '0'/'1' text appended to key (NUL-terminated); 0, or -1 when
 * conn->stop stopped it. Connections
 * with equal keys get equal effective configurations, so a host's accounts
 * can share one per key instead of one each. */
int sshdconf_match_key(const struct sshd_config *c, const struct sshd_conn *conn,
    struct buf *key);
/* Never NULL for a keyword sshd knows (defaults fill the gaps); NULL otherwise. */
const struct sshd_value *sshd_eff_get(const struct sshd_eff *e, const char *keyword);
/* First value, or NULL when the keyword is unset/empty. */
const char *sshd_eff_str(const struct sshd_eff *e, const char *keyword);
/* "yes"-like first value: 1, "no": 0, anything else: -1. */
int sshd_eff_bool(const struct sshd_eff *e, const char *keyword);
/* "file:line" of the value, or "default". Caller frees. */
char *sshd_eff_origin(const struct sshd_eff *e, const char *keyword);
/* A value's words joined by blanks ("" when unset). Caller frees. */
char *sshd_value_join(const struct sshd_value *v);
/* Same words in the same order (two NULLs are equal). */
int sshd_value_equal(const struct sshd_value *x, const struct sshd_value *y);
/* The whole configuration in the form sshd -T prints it. */
void sshd_eff_dump(const struct sshd_eff *e, struct buf *out);

/* Does algorithm name alg appear in the effective PubkeyAcceptedAlgorithms
 * (with +, -, ^ and patterns already applied)? */
int sshd_eff_accepts_alg(const struct sshd_eff *e, const char *alg);

#endif
