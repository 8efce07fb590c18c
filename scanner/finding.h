/* finding.h - what a check says about a host, and the per-host result that
 * reports receive. Findings are data: checks create them, reports print them,
 * nobody else edits them. */
#ifndef KA_FINDING_H
#define KA_FINDING_H

#include <stddef.h>
#include <stdint.h>
#include "scanner/util.h"
#include "scanner/remedy.h"

enum ka_severity {
	SEV_INFO = 0,
	SEV_LOW,
	SEV_MEDIUM,
	SEV_HIGH,
	SEV_CRITICAL,
};

const char *severity_name(enum ka_severity s);
/* -1 when name is not a severity */
int severity_from_name(const char *name);

/* One check id with the metadata `keyaudit checks` lists. */
/* One check id with its metadata. Every rule is a named object in its
 * family's file under checks/ (rule_perm_file_mode for "perm.file-mode"),
 * declared in checks/check.h: code refers to a rule by that handle, so a
 * misspelt rule is a compile error, not a run-time one. */
struct host_digest;

struct ka_rule {
	const char *id;			/* "family.name", stable */
	enum ka_severity severity;	/* default severity */
	int blocks_login;		/* default: this alone makes the key login fail */
	const char *title;		/* one line */
	const char *help;		/* a paragraph: why it matters, what sshd does */
	/* A site rule: off unless a policy's 'check ID enable' or --checks
	 * names it (it judges a choice some sites make and others do not). */
	int opt_in;
	/* Where diagnose meets it in sshd's order (CHAIN_*, check.h): the
	 * cause of a failed login is the blocking finding of lowest rank. 0:
	 * never a cause. */
	int chain;
	/* Emitted by the fleet pass over every host's digest (fleet.c), not
	 * by a host's checks. */
	int fleet;
};

struct ka_finding {
	const struct ka_rule *rule;
	enum ka_severity severity;
	int blocks_login;
	char *user;			/* or NULL */
	char *path;			/* or NULL */
	long line;			/* 0 = none */
	char *message;			/* evidence included */
	struct ka_remedy remedy;	/* what to do (remedy.h); may be empty */
	char *key_fp;			/* key fingerprint the finding is about, or NULL */
	/* --baseline: the reason an entry accepts this finding (it then does
	 * not fail the gate), or NULL; expired: an entry matched but its
	 * expiry has passed (the finding fails again). Owned by the baseline. */
	const char *baselined;
	int64_t baseline_expired;
	/* Where a report that points at files (SARIF) anchors this finding
	 * when it is not the host's origin: "FILE:LINE" or "FILE", or NULL.
	 * The fleet entry's findings take the inventory line of a host
	 * involved; the known_hosts entry's the known_hosts line. */
	char *origin;
};

/* A check that could not run for this host or subject, and why. */
struct ka_skip {
	const struct ka_rule *rule;
	char *subject;
	char *reason;
};

enum ka_host_status {
	HOST_SCANNED = 0,
	HOST_UNREACHABLE,
	HOST_AUTH_FAILED,
	HOST_ERROR,
};
const char *host_status_name(enum ka_host_status s);

struct ka_host_result {
	char *target;
	char *address;			/* or NULL */
	int port;			/* 0 = not applicable (local) */
	enum ka_host_status status;
	char *error;			/* or NULL */
	struct ka_finding *findings;
	size_t nfindings, capfindings;
	struct ka_skip *skips;
	size_t nskips;
	/* check ids that ran for this host (for JUnit passes), in registry order */
	const struct ka_rule **ran;
	size_t nran;
	double duration;		/* seconds */
	/* where the host was named: "FILE:LINE" of an inventory, a snapshot
	 * FILE, or NULL (an argument, this machine) */
	char *origin;
	/* what `keyaudit diff` compares besides findings: the host key the
	 * connection met ("TYPE SHA256:..."), and each authorized key line as
	 * "USER\tFINGERPRINT\tTYPE\tPATH\tLINE" */
	char *hostkey;
	struct strlist keys;
	/* The host's fleet digest (scanner/digest.h), borrowed: set by the
	 * scan for every inventory host (a failed one may have presented host
	 * keys) while the report sinks see it, NULL otherwise (diagnose, the
	 * fleet entry). Never freed with the result. */
	const struct host_digest *digest;
};

void host_result_init(struct ka_host_result *r, const char *target);
void host_result_free(struct ka_host_result *r);
/* Removes the findings drop() says yes to; returns how many. */
size_t host_result_drop(struct ka_host_result *r,
    int (*drop)(const struct ka_finding *, void *), void *arg);

/* Add a finding with the rule's default severity and blocks_login. Strings
 * are copied; NULL is allowed for user, path, fix. A fix given here is prose
 * (remedy_manual): commands are attached with remedy_run, so nothing becomes
 * runnable by accident. Returns the finding so a caller can adjust severity,
 * blocks_login or its remedy. */
struct ka_finding *finding_add(struct ka_host_result *r, const struct ka_rule *rule,
    const char *user, const char *path, long line, const char *fix,
    const char *fmt, ...) __attribute__((format(printf, 7, 8)));
void skip_add(struct ka_host_result *r, const struct ka_rule *rule,
    const char *subject, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A finding's stable identity (the SARIF fingerprint, the baseline key):
 * SHA-256 over check, host, user, path and key fingerprint, never the
 * message or line, which change with wording and edits. 64 hex digits. */
void finding_identity(const char *host, const struct ka_finding *f, char out[65]);


/* Sort findings: blocking first, then severity (high to low), then check
 * id, user, path, line: the order every report uses. */
void host_result_sort(struct ka_host_result *r);

/* Highest severity present, or -1 when there are no findings. */
int host_result_max_severity(const struct ka_host_result *r);

#endif
