/* pam.h - the PAM configuration sshd's service reads (/etc/pam.d/sshd and
 * every file it includes) parsed into libpam's handler list, that list
 * walked the way libpam walks it (Linux-PAM libpam/pam_dispatch.c), and the
 * files of the account modules that can refuse a key login: access.conf
 * (pam_access), time.conf (pam_time), faillock.conf and pam_faillock's
 * tally records. Pure functions over bytes: files come through a reader. */
#ifndef KA_PAM_H
#define KA_PAM_H

#include <stddef.h>
#include <stdint.h>

#include "scanner/util.h"

/* libpam's return codes (security/_pam_types.h): the numbers index a
 * line's actions, so they are libpam's own. */
enum {
	PAMRC_SUCCESS = 0, PAMRC_SYSTEM_ERR = 4, PAMRC_PERM_DENIED = 6,
	PAMRC_AUTH_ERR = 7, PAMRC_USER_UNKNOWN = 10, PAMRC_NEW_AUTHTOK_REQD = 12,
	PAMRC_ACCT_EXPIRED = 13, PAMRC_IGNORE = 25, PAMRC_ABORT = 26,
	PAMRC_AUTHTOK_EXPIRED = 27, PAMRC_MODULE_UNKNOWN = 28,
	PAMRC_COUNT = 32
};
/* libpam's PAM_MUST_FAIL_CODE */
#define PAMRC_MUST_FAIL PAMRC_PERM_DENIED
/* "success", "perm_denied", ... (the names a [value=action] control uses) */
const char *pam_rc_name(int rc);

/* A line's action for a return code (pam_private.h): <= 0 a verdict,
 * > 0 jump over that many lines. */
enum {
	PAMACT_IGNORE = 0, PAMACT_OK = -1, PAMACT_DONE = -2, PAMACT_BAD = -3,
	PAMACT_DIE = -4, PAMACT_RESET = -5, PAMACT_UNDEF = -6
};

enum pam_type { PAM_T_AUTH, PAM_T_ACCOUNT, PAM_T_SESSION, PAM_T_PASSWORD };

#define PAM_DIR "/etc/pam.d"	/* where libpam looks first (PAM_CONFIG_D) */
#define PAM_MAX_TALLIES 1000	/* tally files collected per directory */
#define PAM_MAX_LEVEL 16	/* libpam's PAM_SUBSTACK_MAX_LEVEL */
#define PAM_MAX_FILES 64	/* files one stack may read */
#define PAM_MAX_ENTRIES 1024
#define PAM_MAX_ARGS 64

enum pam_kind {
	PAM_E_MODULE,
	PAM_E_SUBSTACK,		/* a "substack" line: its lines follow, one level down */
	PAM_E_MUST_FAIL,	/* an include libpam could not read: always fails */
};

struct pam_entry {
	enum pam_kind kind;
	int level;		/* substack depth, 0 = the service's own */
	int actions[PAMRC_COUNT];
	char *module;		/* as written: "pam_unix.so" or a path */
	char *name;		/* its base name without ".so": "pam_unix" */
	struct strlist args;
	char *file;		/* where the line is */
	int line;
	int optional_module;	/* type written "-account": a missing module is skipped */
};

struct pam_stack {
	enum pam_type type;
	struct pam_entry *v;
	size_t n;
	char *service_file;	/* the file read for the service (sshd or other) */
	struct strlist files;	/* every file read, in order */
	/* a file the stack depends on could not be read (not "does not
	 * exist": libpam treats those as it does, see MUST_FAIL): "PATH: why" */
	char *unreadable;
	char *missing;		/* neither the service's file nor "other" exists */
};

/* Read the file at path: 0 with its bytes, or -1 with errno ENOENT (not
 * there) or another errno (there, not read). */
typedef int (*pam_read_fn)(void *arg, const char *path, const char **data, size_t *len);

/* The handlers libpam loads for service and type from pamdir (normally
 * "/etc/pam.d"): the service's file, else "other"; @include, include and
 * substack followed as libpam follows them. */
void pam_stack_load(struct pam_stack *st, enum pam_type type, const char *pamdir,
    const char *service, pam_read_fn rd, void *arg);
void pam_stack_free(struct pam_stack *st);

/* Every file a pam.d file names (include, @include, substack targets) into
 * includes, resolved against pamdir, for collectors that must follow them
 * without loading a stack. */
void pam_file_includes(const char *data, size_t len, const char *pamdir,
    struct strlist *includes);
/* The files module arguments name on any line of a pam.d file: accessfile=,
 * conf=, file= (absolute) into paths; dir= into dirs (pam_faillock's tally
 * directory); the modules its lines run into modules ("pam_access"). What a
 * collector reads besides the stack: a module's own files only when some
 * line names the module. */
void pam_file_paths(const char *data, size_t len, struct strlist *paths,
    struct strlist *dirs, struct strlist *modules);
/* faillock.conf's "dir = PATH", or NULL. Caller frees. */
char *pam_faillock_conf_dir(const char *data, size_t len);
/* The value of a module argument "key=value", or NULL. */
const char *pam_arg(const struct pam_entry *e, const char *key);
int pam_has_arg(const struct pam_entry *e, const char *word);

/*
 * The walk. res[i] is what entry i's module returns (a PAMRC_*), or -1
 * when it is not known; pam_stack_decide walks the stack for every way the
 * unknown ones could answer (success, perm_denied, ignore; at most
 * PAM_MAX_UNKNOWN of them, else the verdict is unknown) and says whether
 * they all agree.
 */
#define PAM_MAX_UNKNOWN 6
struct pam_outcome {
	int status;		/* what pam_acct_mgmt returns */
	long decider;		/* the entry whose result set status, -1 none */
	long cause;		/* the entry to blame: decider, or when that is a
				 * line that always fails (pam_deny, a must-fail
				 * include) the last module run before it that
				 * failed; -1 none */
	unsigned char *ran;	/* ran[i]: entry i's module was called */
};
struct pam_verdict {
	int known;		/* every way the unknown modules answer lets the
				 * login in, in to a password change, or refuses */
	struct pam_outcome first;	/* with the unknown modules succeeding */
	struct pam_outcome worst;	/* a refusal if any walk refused */
	long depends_on;	/* an unknown entry that changes the verdict, -1 */
};
void pam_stack_run(const struct pam_stack *st, const int *res, struct pam_outcome *o);
void pam_stack_decide(const struct pam_stack *st, const int *res, struct pam_verdict *v);
void pam_verdict_free(struct pam_verdict *v);
void pam_outcome_free(struct pam_outcome *o);

/* --- pam_access: access.conf ("+|- : users : origins", first match wins) */
struct pam_access_who {
	const char *user;
	const char *const *groups;	/* every group of the user, primary first */
	size_t ngroups;
	const char *from;	/* PAM_RHOST: the client's address (sshd, UseDNS no); NULL unknown */
	char fs;		/* field separator (fieldsep=), ':' */
	char sep;		/* list separator besides blanks (listsep=), ',' */
	int nodefgroup;
};
/* 1 the line allows, 0 it denies (PAMRC_PERM_DENIED), -1 no line decides
 * (access is granted), -2 a line that may decide could not be evaluated
 * (netgroups, names to resolve, an unknown client address): *line says
 * which. */
int pam_access_eval(const char *data, size_t len, const struct pam_access_who *w,
    int *line);

/* --- pam_time: time.conf ("services;ttys;users;times") */
struct pam_time_who {
	const char *service;	/* "sshd" */
	const char *tty;	/* "ssh": what sshd sets PAM_TTY to on Linux */
	const char *user;
	int64_t now;		/* local time, seconds since the epoch */
};
/* PAMRC_SUCCESS, or PAMRC_PERM_DENIED with the first denying rule's line
 * in *line; -1 when a rule could not be read (*line). */
int pam_time_eval(const char *data, size_t len, const struct pam_time_who *w, int *line);

/* --- pam_faillock */
struct pam_faillock_opts {
	char *dir;		/* tally directory, "/var/run/faillock" */
	int64_t deny, fail_interval, unlock_time, root_unlock_time;
	int even_deny_root;
	char *admin_group;
	int local_users_only;
	int conf_line_dir;	/* the faillock.conf line that set dir, 0 none */
	int conf_line_deny;
};
void pam_faillock_defaults(struct pam_faillock_opts *o);
/* faillock.conf ("key = value", or a bare flag), then the module's
 * arguments, as pam_faillock's args_parse orders them. */
void pam_faillock_conf(struct pam_faillock_opts *o, const char *data, size_t len);
void pam_faillock_args(struct pam_faillock_opts *o, const struct pam_entry *e);
void pam_faillock_free(struct pam_faillock_opts *o);

/* A tally file: 64-byte records (source[52], reserved u16, status u16,
 * time u64, the target's byte order: little-endian assumed). */
#define PAM_TALLY_RECORD 64
#define PAM_TALLY_MAX (64u * 1024)	/* bytes read of one tally file */
struct pam_tally {
	unsigned failures;	/* valid records within fail_interval of the latest */
	unsigned records;	/* valid records */
	int64_t latest;		/* time of the latest valid record, 0 none */
	int locked;		/* pam_faillock's preauth would refuse at now */
	int64_t unlock_at;	/* when it unlocks, 0 never (unlock_time 0) */
};
void pam_tally_eval(const unsigned char *data, size_t len, const struct pam_faillock_opts *o,
    int is_admin, int64_t now, struct pam_tally *t);

#endif
