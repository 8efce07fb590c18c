/* context.h - what checks share about one host: the snapshot, and the things
 * derived from it once (parsed sshd_config, each user's effective config and
 * authorized_keys files, which StrictModes rule this sshd build applies).
 * Derived data only; nothing here does I/O. */
#ifndef KA_CONTEXT_H
#define KA_CONTEXT_H

#include "scanner/snapshot.h"
#include "scanner/finding.h"
#include "scanner/parse/sshdconf.h"
#include "scanner/parse/clientconf.h"
#include "scanner/parse/authkeys.h"

struct ka_policy;
struct diag_facts;
struct kh_db;
struct keyreg;

struct ka_options {
	const char *from_addr;		/* --from: client address for Match/from= */
	const struct strlist *only;	/* --checks, or NULL for all */
	const struct ka_policy *policy;	/* --policy, or NULL for the defaults */
	/* diagnose: the one key whose login is explained (its line-level
	 * findings decide; the key is checked even where no file lists it),
	 * and what the client connection showed. NULL in a scan. */
	const struct ak_line *subject;
	const struct diag_facts *diag;
	/* known-hosts: what clients trust; every key a host offers
	 * (net.hostkeys) is judged against it. NULL in a scan. */
	const struct kh_db *known_hosts;
	/* keys: --unused-days (0: no login in the whole log window; the rule
	 * runs where the host's logs were collected), --max-key-age (0: not
	 * asked), --key-registry (or NULL). */
	int unused_days;
	int max_key_age;
	const struct keyreg *registry;
};

struct ka_user {
	const char *name;
	const struct snap_account *acct;	/* NULL: no such account */
	const char **groups;			/* group names, primary first */
	size_t ngroups;
	struct sshd_eff *eff;			/* effective config for this user */
	struct strlist akfiles;			/* expanded AuthorizedKeysFile paths */
	/* Keywords where keyaudit's engine and the target's `sshd -T` differ;
	 * when there are any, eff is sshd's answer (parsed from its output). */
	struct strlist disagree;
	struct sshd_config *sshd_t_cfg;
};

struct ka_akcache;

struct ka_ctx {
	const struct snapshot *snap;
	const struct ka_options *opts;
	struct ka_host_result *out;

	struct sshd_config *sshd;	/* parsed from the snapshot's files */
	struct sshd_eff *global;	/* effective config without a connection */
	int sshd_config_found;		/* the main file was collected and read */

	/* Debian/Ubuntu "user-group-modes": group-writable allowed when the
	 * group holds only the owner. upg_rule says which rule and why. */
	int upg_allowed;
	char *upg_rule;
	/* the target's os-release ID and ID_LIKE, or NULL */
	char *os_id, *os_like;

	struct ka_user *users;		/* the audited users, snapshot order */
	size_t nusers;

	struct ka_akcache *akcache;
	struct usagelog *usage;		/* ctx_usage */
};

void ctx_init(struct ka_ctx *ctx, const struct snapshot *snap,
    const struct ka_options *opts, struct ka_host_result *out);
void ctx_free(struct ka_ctx *ctx);

/* Parsed authorized_keys for a canonical path as the account named reader
 * could read it (sshd opens these files as the user): NULL when there is no
 * content, or reader's credentials could not read it (snap_unreadable_for
 * says why). "" is the owner of a home no account has. */
const struct ak_file *ctx_akfile(struct ka_ctx *ctx, const char *path,
    const char *reader);

/* Expand one AuthorizedKeysFile entry for an account: %h %u %U %%, and
 * relative paths under home. NULL on an unknown %-token. */
char *expand_authorized_keys_path(const char *tmpl, const struct snap_account *a);

/* The main sshd_config path of the host. */
const char *ctx_sshd_config_path(const struct ka_ctx *ctx);
/* Where a finding about a setting points: the line that set it, or the
 * main file (line 0) for a compiled default. */
void ctx_setting_where(const struct ka_ctx *ctx, const struct sshd_eff *e,
    const char *kw, const char **path, long *line);

/* Every accepted key login in the host's collected logs, or NULL when its
 * logs were not looked for (built once). */
struct usagelog;
const struct usagelog *ctx_usage(struct ka_ctx *ctx);

/* Every key line (AK_KEY, and AK_BAD_OPTIONS: a key sshd drops) of every
 * audited account's AuthorizedKeysFile(s), each canonical file once per
 * user; st is the file (NULL when not collected). */
typedef void (*ctx_key_fn)(struct ka_ctx *ctx, const struct ka_user *u,
    const char *path, const struct snap_file *st, const struct ak_line *l, void *arg);
void ctx_foreach_key(struct ka_ctx *ctx, ctx_key_fn fn, void *arg);

/* Is a rule selected by --checks and not disabled by the policy? */
int ctx_rule_active(const struct ka_ctx *ctx, const struct ka_rule *r);

/* Add a finding only when its rule is active; the policy may change its
 * severity. Returns NULL when the rule is not active. */
struct ka_finding *ctx_finding(struct ka_ctx *ctx, const struct ka_rule *rule,
    const char *user, const char *path, long line, const char *fix,
    const char *fmt, ...) __attribute__((format(printf, 7, 8)));
void ctx_skip(struct ka_ctx *ctx, const struct ka_rule *rule, const char *subject,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Which paths a printed command may change (prescribe.c). FIX_IN_HOME:
 * below the account's own home, FIX_HOME: the home itself, reached from
 * via (the path sshd uses) without a symlink at or below the home;
 * FIX_SYSTEM: sshd's own root-owned file under /etc/ssh. *why says why
 * not, for FIX_NONE. */
enum { FIX_NONE = 0, FIX_IN_HOME, FIX_HOME, FIX_SYSTEM };
int ctx_fix_target(const struct ka_ctx *ctx, const struct snap_account *a,
    const char *via, const char *path, const char **why);
int ctx_fix_system(const struct ka_ctx *ctx, const char *path);
/* Attach "VERB [ARG] PATH" to f (NULL: nothing): a root command on the
 * server with PATH as its checked target when ctx_fix_target or
 * ctx_fix_system allows it, else prose naming the command and why it is a
 * person's decision. touch is for a PATH that does not exist. */
struct ka_action *ctx_fix_path(struct ka_ctx *ctx, struct ka_finding *f,
    const struct snap_account *a, const char *via, const char *verb,
    const char *arg, const char *path);

/* The sshd_config I/O backed by a snapshot (also used by the transports to
 * read what they collected). */
void ctx_sshdconf_io(const struct snapshot *snap, struct sshdconf_io *io);
/* The ssh_config I/O over the files an sshd_config I/O reads (a snapshot's,
 * or the disk's while collecting), which must outlive it. */
void ctx_clientconf_io(const struct sshdconf_io *files, struct clientconf_io *io);

/* This machine's offset from UTC at t (localtime_r): the zone syslog lines
 * without one are read in. */
int64_t local_zone(int64_t t);

#endif
