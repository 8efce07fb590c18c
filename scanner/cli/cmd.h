/* cmd.h - the command line as data, after tmux's cmd_entry: every option is
 * declared once (options.c: name, letter, type, range, default, help, the
 * field it fills), every command once (cmd.c: its synopsis, its options in
 * the order --help shows them, its report formats, the function that runs
 * it). Parsing, --help, the bash completion (which reads --help) and the
 * man page test all come from these two tables. */
#ifndef KA_CMD_H
#define KA_CMD_H

#include <stddef.h>

#include "scanner/util.h"
#include "scanner/finding.h"

#define EXIT_FINDINGS 1
#define EXIT_USAGE 2
#define EXIT_INTERNAL 3

struct ka_policy;
struct keyreg;
struct baseline;
struct report_previous;

/* Every option value of every command: one field per option, filled by
 * cli_parse from the option table. A command reads only the fields of the
 * options it declares (the others keep their zero or default). */
struct cli_args {
	const char *command;		/* "scan", ... */
	struct strlist positional;	/* TARGET..., OLD NEW, ... */

	/* targets */
	const char *inventory;
	const char *limit;
	const char *shard;		/* --shard K/N as given */
	struct strlist snapshots;
	/* connecting */
	char *sshconf_file;
	struct strlist identities;
	const char *login;
	int port;
	int jobs;
	int timeout;
	struct strlist known_hosts;
	struct strlist host_certs;	/* known-hosts --host-cert */
	int accept_unknown;
	int sudo;
	/* what to audit */
	struct strlist users;
	int all_users;
	int run_keys_command;
	const char *root;
	char *sshd_config;
	const char *from;
	struct strlist checks;
	struct ka_policy *policy;
	/* stale keys */
	int unused_days;		/* -1: not given */
	struct strlist auth_logs;
	int max_key_age;		/* 0: not given */
	struct keyreg *registry;
	/* reports */
	const char *format;
	const char *json_file;
	const char *html_file;
	struct report_previous *previous;
	const char *junit_file;
	const char *sarif_file;
	const char *prom_file;
	const char *fix_script;
	struct baseline *baseline;
	const char *write_baseline;
	enum ka_severity fail_on;
	int quiet;
	int no_color;
	/* collect */
	const char *output;
	/* known-hosts */
	const char *pin;
	int hash;
	int inventory_complete;
	/* diagnose */
	int local;
	const char *via;
	struct strlist via_identities;
	const char *server_snapshot;
	const char *pubkey;
	/* sshd-config */
	const char *conn_spec;
	/* preflight */
	char *proposed_sshd_config;
	char *proposed_keys;
	char *proposed_root;
	struct strlist must_keep;
	struct strlist froms;		/* --from, repeatable */

	int help;
};

enum opt_type {
	OT_FLAG,	/* int = 1 */
	OT_STR,		/* const char *, the last one given wins */
	OT_PATH,	/* char *, made absolute (under --root: as given) */
	OT_LIST,	/* struct strlist, repeatable */
	OT_PATHS,	/* struct strlist of absolute paths, repeatable */
	OT_CSV,		/* struct strlist, comma-separated, repeatable */
	OT_NUM,		/* int within [min, max] */
	OT_SEVERITY,	/* enum ka_severity */
	OT_FORMAT,	/* const char *, one of the command's formats */
	OT_LOAD,	/* a file read whole when given: once only (load()) */
};

/* One option, declared once for every command that takes it. */
struct cli_option {
	const char *name;		/* long name without "--" */
	int letter;			/* short option, or 0 */
	enum opt_type type;
	const char *arg;		/* metavariable: FILE, N, ... (NULL for flags) */
	size_t field;			/* offsetof(struct cli_args, ...) */
	long min, max;			/* OT_NUM */
	const char *def;		/* default shown by --help and set before parsing */
	int readable;			/* the file must be readable (checked at once) */
	int once;			/* given twice is a usage error */
	int rooted;			/* OT_PATH: a path on the system --root names */
	/* OT_LOAD: read the file into the field; 0, or -1 with *err set. */
	int (*load)(const char *path, void *field, char **err);
	const char *help;		/* lines joined by \n; indented by --help */
};

/* An option as one command takes it: the shared declaration, and what
 * this command says differently (help, or its own letter). A NULL option
 * with help is a heading in --help. */
struct cmd_option {
	const struct cli_option *opt;
	const char *help;		/* NULL: the option's own */
	int letter;			/* 0: the option's own; -1: none */
};

/* Option groups several commands take the same way. */
#define CMD_OPTIONS_CONNECT \
	{ &opt_sshconf, NULL, 0 }, \
	{ &opt_identity, NULL, 0 }, \
	{ &opt_login, NULL, 0 }, \
	{ &opt_port, NULL, 0 }, \
	{ &opt_jobs, NULL, 0 }, \
	{ &opt_timeout, NULL, 0 }, \
	{ &opt_known_hosts, NULL, 0 }, \
	{ &opt_accept_unknown, NULL, 0 }, \
	{ &opt_sudo, NULL, 0 }
#define CMD_OPTIONS_ACCOUNTS \
	{ &opt_user, NULL, 0 }, \
	{ &opt_all_users, NULL, 0 }, \
	{ &opt_root, NULL, 0 }, \
	{ &opt_sshd_config, NULL, 0 }, \
	{ &opt_from, NULL, 0 }
#define CMD_OPTIONS_REPORTS \
	{ &opt_format, NULL, 0 }, \
	{ &opt_json, NULL, 0 }, \
	{ &opt_html, NULL, 0 }, \
	{ &opt_junit, NULL, 0 }, \
	{ &opt_sarif, NULL, 0 }, \
	{ &opt_prom, NULL, 0 }

struct cmd_entry {
	const char *name;
	const char *synopsis;		/* after "usage: keyaudit ", lines joined by \n */
	const char *summary;		/* one line for 'keyaudit --help' */
	const char *about;		/* paragraph(s) of --help */
	const char *const *formats;	/* --format values, the first is the default */
	const struct cmd_option *options;	/* ends with { NULL, NULL, 0 } */
	const char *epilog;		/* examples, exit status; or NULL */
	int (*exec)(struct cli_args *);
};

extern const struct cmd_entry *const cmd_table[];

/* The declared options (options.c). */
extern const struct cli_option
    opt_inventory, opt_limit, opt_shard, opt_snapshot, opt_sshconf, opt_identity, opt_login,
    opt_port, opt_jobs, opt_timeout, opt_known_hosts, opt_host_cert, opt_accept_unknown, opt_sudo,
    opt_user, opt_all_users, opt_run_keys_command, opt_root, opt_sshd_config, opt_from, opt_checks,
    opt_policy, opt_unused_days, opt_auth_log, opt_max_key_age, opt_key_registry,
    opt_format, opt_json, opt_html, opt_previous, opt_junit, opt_sarif, opt_prom, opt_fix_script,
    opt_baseline, opt_write_baseline, opt_fail_on, opt_quiet, opt_no_color,
    opt_output, opt_pin, opt_hash, opt_inventory_complete, opt_local, opt_via,
    opt_via_identity, opt_server_snapshot, opt_pubkey, opt_conn_spec, opt_help,
    opt_proposed_sshd_config, opt_proposed_keys, opt_proposed_root, opt_must_keep,
    opt_from_each;

/* Parse argv (argv[0] is the command's name) into a, by the command's
 * table; prints --help and exits 0 when asked, exits 2 on a usage error. */
void cli_parse(const struct cmd_entry *ce, int argc, char **argv, struct cli_args *a);
void cli_args_free(struct cli_args *a);

/* One line "keyaudit: MSG (see 'keyaudit CMD --help')" and exit 2. */
void cli_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
/* "keyaudit: MSG" (escaped: it may quote a file) and exit 2: bad input. */
void cli_input_error(const char *msg) __attribute__((noreturn));

/* Each command (cmd_*.c). */
int cmd_scan(struct cli_args *a);
int cmd_diagnose(struct cli_args *a);
int cmd_keys(struct cli_args *a);
int cmd_known_hosts(struct cli_args *a);
int cmd_diff(struct cli_args *a);
int cmd_collect(struct cli_args *a);
int cmd_checks(struct cli_args *a);
int cmd_sshd_config(struct cli_args *a);
int cmd_preflight(struct cli_args *a);
int cmd_merge(struct cli_args *a);

#endif
