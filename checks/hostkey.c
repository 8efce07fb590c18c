/* hostkey.c - the server's host key against known_hosts, as ssh judges it
 * (the verdict itself is knownhosts.c, applied by the ssh transport before it
 * logs in), and the fleet rule for one host key on many hosts. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

static const struct ka_rule rules[] = {
	{ "hostkey.unknown", SEV_MEDIUM, 0, "the host key is not in known_hosts",
	  "ssh with StrictHostKeyChecking would refuse (or ask about) this host. "
	  "keyaudit did not log in unless --accept-unknown-hosts was given. Verify "
	  "the fingerprint out of band, then add the key." },
	{ "hostkey.changed", SEV_CRITICAL, 1, "the host key differs from known_hosts",
	  "ssh refuses to log in (REMOTE HOST IDENTIFICATION HAS CHANGED): either the "
	  "host was reinstalled or its key rotated, or someone is in the middle. "
	  "keyaudit never logs in to such a host." },
	{ "hostkey.revoked", SEV_CRITICAL, 1, "the host key is marked @revoked in known_hosts",
	  "ssh refuses a revoked host key outright. The server still presents a key "
	  "its administrators withdrew: it was compromised or never rotated." },
	{ "hostkey.shared", SEV_HIGH, 0, "one host key on several hosts (cloned image)",
	  "Hosts made from one image without regenerating host keys share a private "
	  "key: any of them can impersonate the others, and known_hosts cannot tell "
	  "them apart. Found by the fleet pass after all hosts were scanned." },
};

static void
run(struct ka_ctx *ctx)
{
	const struct snap_net *n = &ctx->snap->net;
	const char *where = n->known_hosts_where ? n->known_hosts_where : "known_hosts";
	const char *name = n->known_hosts_name ? n->known_hosts_name : ctx->snap->target;
	char *fix;

	if (!n->probed || n->known_hosts == NULL)
		return;
	if (strcmp(n->known_hosts, "new") == 0) {
		fix = xasprintf("compare %s with the host's own `ssh-keygen -lf "
		    "/etc/ssh/ssh_host_*_key.pub`, then add it: ssh-keyscan -p %d %s >> "
		    "~/.ssh/known_hosts", n->hostkey_fp, n->port,
		    n->address ? n->address : ctx->snap->target);
		ctx_finding(ctx, "hostkey.unknown", NULL, NULL, 0, fix,
		    "%s presents %s %s, which no known_hosts entry lists for %s%s",
		    ctx->snap->target, n->hostkey_type, n->hostkey_fp, name,
		    n->failure ? "; not logged in" : " (accepted: --accept-unknown-hosts)");
		free(fix);
	} else if (strcmp(n->known_hosts, "changed") == 0) {
		char *file = xstrndup(where, strcspn(where, ":"));
		fix = xasprintf("if the change is expected (reinstall, key rotation, "
		    "verified out of band): ssh-keygen -R '%s' -f %s, then add the new "
		    "key; otherwise investigate before anyone logs in", name, file);
		ctx_finding(ctx, "hostkey.changed", NULL, NULL, 0, fix, "%s",
		    n->error ? n->error : "the host key changed");
		free(file);
		free(fix);
	} else if (strcmp(n->known_hosts, "revoked") == 0) {
		fix = xstrdup("on the host: generate new host keys (rm /etc/ssh/ssh_host_*; "
		    "ssh-keygen -A; systemctl restart ssh) and distribute them");
		ctx_finding(ctx, "hostkey.revoked", NULL, NULL, 0, fix, "%s",
		    n->error ? n->error : "the host key is revoked");
		free(fix);
	}
}

const struct ka_check check_hostkey = {
	"hostkey", rules, sizeof(rules) / sizeof(rules[0]), run,
};
