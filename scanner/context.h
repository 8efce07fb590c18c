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
#include "scanner/parse/sysunit.h"

struct ka_policy;
struct ssh_cert;
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
	/* diagnose --pubkey CERT: the certificate itself (subject is then
	 * its certified key as a plain key: what sshd's log names), and
	 * the file it came from (for "ssh-keygen -L -f FILE"). sshd matches
	 * a certificate only through a CA (cert.c), never a plain line. */
	const struct ssh_cert *subject_cert;
	const char *subject_cert_file;
	const struct diag_facts *diag;
	/* known-hosts: what clients trust; every key a host offers
	 * (net.hostkeys) is judged against it. NULL in a scan. */
	const struct kh_db *known_hosts;
	/* known-hosts --host-cert: certificate files' texts; each applies
	 * to the host offering the key it certifies. NULL: none given. */
	const struct strlist *host_certs;
	/* known-hosts: the client's clock, for certificates' windows */
	int64_t now;
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
	/* effective config for this user: shared by every user whose Match
	 * verdicts are the same (owned by the context), or the user's own
	 * when sshd -T disagreed (eff_own) */
	struct sshd_eff *eff;
	int eff_own;
	/* expanded AuthorizedKeysFile paths whose lines the checks examine;
	 * empty when the host's budget for key lines was spent before this
	 * user (keys_unexamined: the checks say nothing about their lines) */
	struct strlist akfiles;
	int keys_unexamined;
	/* Keywords where keyaudit's engine and the target's `sshd -T` differ;
	 * when there are any, eff is sshd's answer (parsed from its output). */
	struct strlist disagree;
	struct sshd_config *sshd_t_cfg;
};

struct ka_akcache;
struct ka_effcache;
struct ka_krlcache;
struct krl;

/*
 * What one host may cost the checks, whatever it sent (engine.h sets the
 * limits; 0 means none). Past a limit the work is left out and counted
 * here, and the engine reports the count as one net.budget finding, so
 * memory and time stay bounded and the report says what was not examined.
 */
#define KA_BUDGET_TOP 4
struct ka_budget_state {
	size_t max_findings;	/* findings, and skips, recorded */
	size_t max_key_lines;	/* authorized_keys lines parsed (each distinct
				 * content once) */
	size_t max_pairs;	/* key lines examined, summed over accounts */
	size_t max_accounts;	/* accounts audited */
	size_t max_effs;	/* distinct effective sshd configurations
				 * (and sshd -T answers that differ) */
	double deadline;	/* CLOCK_MONOTONIC seconds; 0: none */
	int timeout;		/* the seconds the deadline stands for */

	size_t findings_dropped, skips_dropped;
	struct {
		const struct ka_rule *rule;
		size_t n;
	} dropped[KA_BUDGET_TOP];	/* the rules dropped most, roughly */
	size_t key_lines;		/* parsed */
	size_t files_unparsed, lines_unparsed;
	size_t pairs;			/* examined */
	size_t pair_users, pairs_unexamined;	/* users (lines) left out */
	size_t effs;
	size_t eff_users;		/* users past max_effs: not audited */
	size_t accounts_dropped;	/* users past max_accounts */
	int late;			/* the deadline passed while checking */
	size_t late_users;		/* users not set up at the deadline */
	struct strlist late_work;	/* "family: N of M accounts", "family" */
};

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
	/* the target sshd's release, REL(major, minor) (parse/release.h),
	 * from its binary's version string; 0 unknown (the model's rules) */
	int release;
	/* distribution layers (parse/sysunit.h, docs/distributions.md):
	 * the configuration options on sshd's command line as its systemd
	 * unit gives them (parsed ahead of sshd_config), and socket
	 * activation (socket_on: 1 ssh.socket decides where sshd listens,
	 * 0 it does not, -1 unknown) */
	struct sshd_cmdline cmdline;
	struct sshd_socket socket;
	int socket_on;

	struct ka_user *users;		/* the audited users, snapshot order */
	size_t nusers;

	struct ka_akcache *akcache;
	struct ka_effcache *effcache;
	struct ka_krlcache *krlcache;	/* ctx_krl */
	const struct snap_sshd_t **sshd_t_index;	/* by user, made on first use */
	/* keywords where the engine's global configuration (no connection)
	 * and the target's `sshd -G` differ (only when -G was collected) */
	struct strlist g_disagree;
	const struct sshd_eff *dumped;	/* whose sshd -T text dump holds */
	struct buf dump;
	struct usagelog *usage;		/* ctx_usage */
	struct ka_budget_state budget;
};

/* Limits for ctx_init_budget; any 0 field takes engine.h's default. */
struct ka_budget;

void ctx_init(struct ka_ctx *ctx, const struct snapshot *snap,
    const struct ka_options *opts, struct ka_host_result *out);
/* The same with a host's budget (NULL: the defaults, no deadline). */
void ctx_init_budget(struct ka_ctx *ctx, const struct snapshot *snap,
    const struct ka_options *opts, const struct ka_budget *b,
    struct ka_host_result *out);

/* Has the host's deadline passed? Cheap enough for every user of a loop;
 * once it has, it stays passed. */
int ctx_late(struct ka_ctx *ctx);
/* A check's loop over users (or what) stopped at the deadline after done:
 * remember what was left (for the net.budget finding). Returns 1. */
int ctx_stopped(struct ka_ctx *ctx, const char *family, const char *what,
    size_t done, size_t total);
void ctx_free(struct ka_ctx *ctx);

/* Parsed authorized_keys for a canonical path as the account named reader
 * could read it (sshd opens these files as the user): NULL when there is no
 * content, or reader's credentials could not read it (snap_unreadable_for
 * says why). "" is the owner of a home no account has. */
const struct ak_file *ctx_akfile(struct ka_ctx *ctx, const char *path,
    const char *reader);

/* The KRL a collected RevokedKeys file holds, parsed once per host however
 * many accounts and checks ask: NULL when f is not a KRL (*err NULL: sshd
 * reads it as a list of keys) or when sshd could not load it (*err says
 * why; sshd then refuses every key). */
const struct krl *ctx_krl(struct ka_ctx *ctx, const struct snap_file *f,
    const char **err);

/* Does a HostKey (its KEY.pub as collected) hold the key certificate c
 * certifies, as sshd pairs HostCertificate with HostKey? 1 yes, 0 no
 * HostKey does, -1 some KEY.pub is unknown. g: the global effective
 * config. */
struct ssh_cert;
int host_key_certified(const struct snapshot *s, const struct sshd_eff *g,
    const struct ssh_cert *c);

/* Expand one AuthorizedKeysFile entry for an account: %h %u %U %%, and
 * relative paths under home. NULL on an unknown %-token. */
char *expand_authorized_keys_path(const char *tmpl, const struct snap_account *a);

/*
 * An account's AuthorizedKeysCommand as sshd treats it (keyscmd.c):
 * whether sshd would run it at all (user_key_command_allowed2 and
 * subprocess()'s rules), and whether keyaudit ran it (--run-keys-command)
 * and how that went. KC_UNRUN and KC_RAN: the command may supply keys.
 */
enum ka_kc_state {
	KC_NONE = 0,	/* no command for this account */
	KC_REFUSED,	/* sshd will not run it (why) */
	KC_UNRUN,	/* sshd runs it; keyaudit did not (why, or not asked) */
	KC_FAILED,	/* keyaudit ran it and it failed (why): no keys */
	KC_RAN,		/* keyaudit ran it: run->output is what sshd reads */
};
struct ka_keyscmd {
	enum ka_kc_state state;
	const char *command;	/* AuthorizedKeysCommand as configured */
	const char *runas_cfg;	/* AuthorizedKeysCommandUser as configured */
	char *runas;		/* ... with %u expanded */
	const struct snap_account *runas_acct;
	char *prog;		/* the program (argv[0]) */
	char *why;
	int fatal;		/* sshd ends the connection (a bad %-token) */
	int key_tokens;		/* its arguments use %t %f %k (or %C %D) */
	const struct snap_keyscmd *run;	/* keyaudit's run, or NULL */
};
void ctx_keys_command(const struct ka_ctx *ctx, const struct ka_user *u,
    struct ka_keyscmd *kc);
void ka_keyscmd_free(struct ka_keyscmd *kc);
/* The argument vector sshd runs for u, tokens expanded for key (NULL:
 * stand-ins, for judging the tokens only); the user name appended when the
 * command has no arguments. NULL with *why (allocated) when sshd would not
 * get that far. *needs_key (may be NULL): some argument uses a key or
 * connection token. Free with ssh_argv_free(av, *acp). */
char **ctx_keys_command_argv(const struct ka_ctx *ctx, const struct ka_user *u,
    const struct ak_line *key, int *acp, int *needs_key, char **why);

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

/* Line n (1-based) of a collected file, without its newline; NULL when
 * the file's content was not read whole, or the line is not there. */
char *ctx_file_line(const struct ka_ctx *ctx, const char *path, long n);
/* Lines of a collected file (a last line without newline counts); -1 when
 * its content was not read whole. */
long ctx_file_nlines(const struct ka_ctx *ctx, const char *path);
/* May the fix script edit path as one of sshd's files? 'f': a regular
 * file of root's, writable by nobody else, reached without a symlink,
 * every directory from / root's and writable by nobody else; 'n': not
 * there, in such a directory (an edit creates it); 0: neither. */
char ctx_fix_config_file(const struct ka_ctx *ctx, const char *path);
/* "sshd -t && systemctl reload ssh" (sshd off Debian). */
const char *ctx_reload_cmd(const struct ka_ctx *ctx);
/* Attach to f the edit that makes cfgline (a whole directive) take
 * effect for e: the line that sets kw for e now is changed (the first
 * value wins, so a line added after it would change nothing); a default
 * gets a new line in the drop-in the main file Includes ahead of every
 * Match (Debian's sshd_config.d), else before the main file's first
 * Match, else at its end. The edit's text is the sentence a person
 * follows; its target is set when the fix script may apply it. */
struct ka_action *ctx_fix_config(struct ka_ctx *ctx, struct ka_finding *f,
    const struct sshd_eff *e, const char *kw, const char *cfgline);

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
