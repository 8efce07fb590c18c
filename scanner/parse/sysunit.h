/* sysunit.h - the distribution layers around sshd_config that decide what
 * sshd really does, read from a snapshot: systemd's ssh.socket (socket
 * activation: ListenStream= decides the address and port, not Port or
 * ListenAddress) and sshd's command line as its service unit builds it
 * (ExecStart= with $VARS from EnvironmentFile=: RHEL 8's CRYPTO_POLICY,
 * Debian's SSHD_OPTS), whose -o options win over every file.
 *
 * Pure: the text functions parse bytes, the snapshot functions read only
 * what a transport collected (sysunit_paths and sysunit_globs name it). */
#ifndef KA_SYSUNIT_H
#define KA_SYSUNIT_H

#include <stddef.h>

#include "scanner/snapshot.h"
#include "scanner/parse/sshdconf.h"

/* Bounds: values of one setting, words of one command line. */
#define SYSUNIT_MAX_VALUES 256
#define SYSUNIT_MAX_WORDS 1024
/* Drop-ins of one unit taken (a snapshot is the target's word: its globs
 * may list thousands). */
#define SYSUNIT_MAX_DROPINS 256

/* One value of a unit setting (or of an environment variable), and where
 * it was set. file points into the caller's strings (a snapshot path). */
struct unit_value {
	char *value;
	const char *file;
	int line;
};

struct unit_values {
	struct unit_value *v;
	size_t n;
};

void unit_values_free(struct unit_values *l);

/*
 * The assignments of key= in [section] of one unit file or drop-in text,
 * appended to out in order, as systemd's list settings take them: an empty
 * assignment ("ListenStream=") empties the list. Comments (# ;), blank
 * lines and backslash continuations are handled as systemd does.
 */
void unit_collect(const char *file, const char *text, size_t len,
    const char *section, const char *key, struct unit_values *out);

/*
 * One environment file (EnvironmentFile=) applied over env (each value
 * "NAME=VALUE", a later assignment replacing an earlier one): NAME=VALUE
 * lines, single or double quotes removed, comments skipped.
 */
void envfile_apply(const char *file, const char *text, size_t len,
    struct unit_values *env);

struct sshd_cmdline {
	struct sshd_cmdopt *v;
	size_t n;
	const char *unit;	/* the service unit read, NULL: none */
};

void sshd_cmdline_free(struct sshd_cmdline *c);

/*
 * Split an ExecStart= value the way systemd does (quotes, $NAME split into
 * words, ${NAME} one word) with env, and keep sshd's configuration options
 * in order (getopt over sshd's option string). exec is the value with its
 * origin. Returns 0, or -1 when the command is not sshd.
 */
int sshd_cmdline_parse(const struct unit_value *exec, const struct unit_values *env,
    struct sshd_cmdline *out);

/* "addr:port" lines of one ListenStream= value, in sshd -T's listenaddress
 * form ("22" listens on every address: "0.0.0.0:22" and "[::]:22");
 * 0, or -1 when the value is no TCP socket (a path, vsock:). */
int unit_listen_addrs(const char *value, struct strlist *out);

/* ---------------------------------------------------------------- snapshot */

/* systemd's system unit directories, highest priority first (the subset
 * that holds ssh units in practice), and the files and globs a transport
 * must collect for the functions below. NULL-terminated. */
extern const char *const sysunit_dirs[];
extern const char *const sysunit_units[];	/* ssh.socket sshd.socket ... */
extern const char *const sysunit_files[];	/* enable links, environment files */

/* Socket activation as the snapshot shows it. */
struct sshd_socket {
	const char *unit;	/* "ssh.socket" or "sshd.socket" */
	const char *path;	/* its unit file */
	const char *wants;	/* the link that enables it */
	struct unit_values listen;	/* ListenStream= that stand */
	struct strlist dropins;	/* drop-ins read, in order */
};

/*
 * Is sshd socket-activated: ssh.socket (or sshd.socket) enabled by a link
 * in /etc/systemd/system/sockets.target.wants and not masked? 1 and *out
 * filled, 0 no, -1 unknown (its files were not collected).
 */
int sysunit_socket(const struct snapshot *s, struct sshd_socket *out);
void sshd_socket_free(struct sshd_socket *k);

/* The configuration options on sshd's command line, from ssh.service or
 * sshd.service (the first that exists) and its environment files. */
void sysunit_sshd_cmdline(const struct snapshot *s, struct sshd_cmdline *out);

#endif
