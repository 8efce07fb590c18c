/* inventory.h - what `keyaudit scan` is pointed at: targets named on the
 * command line ("[user@]host[:port]", "local") and inventory files (a plain
 * host list, or an Ansible INI inventory with groups, children, group vars
 * and host ranges), turned into one list of targets in inventory order.
 *
 * Host and user names later reach a ProxyCommand run by /bin/sh and the
 * argv of `ssh -W`, so only letters, digits, '.', '_' and '-' get through
 * (':' too inside [brackets], for IPv6), and never a leading '-'. */
#ifndef KA_INVENTORY_H
#define KA_INVENTORY_H

#include <stddef.h>

/* Ansible stops nowhere; keyaudit stops here (after range expansion). */
#define INVENTORY_MAX_HOSTS 100000
#define INVENTORY_MAX_BYTES (64u * 1024 * 1024)

struct target {
	char *name;		/* as written: "web1", "deploy@db:2222", "[::1]:2222", "local" */
	char *host;		/* host or ssh_config alias, brackets removed; NULL for "local" */
	char *user;		/* user@ or ansible_user, or NULL */
	int port;		/* :port or ansible_port, 0 = not given */
	char *address;		/* ansible_host, or NULL (connect to host) */
	char *sshd_config;	/* ansible host/group var keyaudit_sshd_config, or NULL */
	char *origin;		/* "FILE:LINE" or "argument" (for error messages) */
};

struct target_list {
	struct target *v;
	size_t n, cap;
};

void target_free(struct target *t);
void target_list_free(struct target_list *l);

/*
 * "[user@]host[:port]", "[user@][v6]:port", "[user@][host]", "[user@]v6"
 * (no port), "local". 0, or -1 with *err (caller frees): one line,
 * "ORIGIN: ...what was wrong, expected what". out is zeroed first and
 * owns its strings on success (target_free).
 */
int target_parse(const char *arg, const char *origin, struct target *out, char **err);

/*
 * Text of an inventory file -> targets appended to out, in inventory order,
 * each host once (its first occurrence). The format is told by content:
 * Ansible INI when any non-comment line is a section header "[name]",
 * "[name:children]" or "[name:vars]"; otherwise a plain host list, one
 * target per line (target_parse syntax), '#' comments (whole line or after
 * a blank), blank lines.
 *
 * limit: NULL, or a comma or colon separated list of group and host names
 * and "all" (Ansible's --limit without patterns); a name that is neither
 * a group nor a host is an error. name: the file name for messages.
 *
 * Group variables (Ansible's rule): a host gets the variables of every group
 * it is in, directly or through [g:children], and of "all"; groups are
 * applied from the shallowest to the deepest (depth = longest chain of
 * parents up to "all"), groups of equal depth by name, so a nearer group
 * wins over a farther ancestor, and the host's own variables win over all.
 * When a host line repeats, its later variables win. When both spellings
 * end up defined, ansible_ssh_host/_port/_user beat ansible_host/_port/
 * _user (Ansible's ssh connection plugin reads them last).
 *
 * 0, or -1 with *err (caller frees) "FILE:LINE: ..." and out unchanged.
 */
int inventory_parse(const char *text, size_t len, const char *name, const char *limit,
    struct target_list *out, char **err);


#endif
