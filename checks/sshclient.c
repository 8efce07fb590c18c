/* sshclient.c - the client half of the hardening policy: settings in the
 * client user's ~/.ssh/config and the system-wide /etc/ssh/ssh_config that
 * let ssh fall back to passwords, accept unknown host keys silently, or
 * hand the user's agent to remote hosts.
 *
 * ssh reads ~/.ssh/config, then /etc/ssh/ssh_config, and for each keyword
 * keeps the first value that applies to the destination (readconf.c). A
 * value set for every host ends the search for all later lines; a value in
 * a Host or Match block applies to the hosts it matches. So each directive
 * is reported for the hosts it really decides, and ssh's compiled default
 * when nothing decides for "every other host". Plain data only: the files
 * come from the snapshot. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/check.h"

const struct ka_rule rule_client_password_auth = {
	.id = "client.password-auth", .severity = SEV_LOW, .blocks_login = 0,
	.title = "ssh falls back to password login",
	.help = "With PasswordAuthentication yes (ssh's default) a failing key quietly "
	    "turns into a password prompt: key problems go unnoticed, and a "
	    "password typed at a server you did not mean to reach is given away. "
	    "Once keys work, set it to no.",
};

const struct ka_rule rule_client_strict_host_key_checking = {
	.id = "client.strict-host-key-checking", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "ssh accepts unknown host keys without asking",
	.help = "StrictHostKeyChecking no connects to any host key it has never seen "
	    "(and adds it), so a man in the middle on the first connection is "
	    "never noticed. accept-new keeps the convenience for new hosts and "
	    "still refuses changed keys; ask (the default) and yes are stricter. "
	    "Not reported for a Host block whose every pattern names one of "
	    "systemd-ssh-proxy's local transports (unix/, vsock/, vsock-mux/, "
	    "machine/: Debian 13's /etc/ssh/ssh_config.d/20-systemd-ssh-proxy.conf): "
	    "those names cannot be resolved, so ssh reaches them only through that "
	    "block's proxy over an AF_UNIX or AF_VSOCK socket on this machine, never "
	    "across a network where a man in the middle could sit.",
};

const struct ka_rule rule_client_forward_agent = {
	.id = "client.forward-agent", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "ssh forwards the user's agent",
	.help = "With ForwardAgent on, root on the remote host (or anyone who controls "
	    "it) can use the forwarded agent to log in wherever the user's keys "
	    "work, for as long as the session lasts. ProxyJump reaches hosts "
	    "behind a bastion without forwarding the agent.",
};

static const struct ka_rule *const rules[] = {
	&rule_client_password_auth,
	&rule_client_strict_host_key_checking,
	&rule_client_forward_agent,
};

/* A directive that sets one of kws[], with what the report needs. */
struct cdir {
	const struct ssh_directive *d;
	int kw;			/* index into kws[] */
	const char *value;	/* first word */
	int all;		/* applies to every host */
	const struct ssh_directive *block;	/* its Host/Match line, or NULL */
};

struct ckw {
	const char *name;	/* lower-case */
	const char *spelled;
	const struct ka_rule *rule;
	const char *def;	/* ssh's compiled default */
	const char *good;	/* the fix value */
};

static const struct ckw kws[] = {
	{ "passwordauthentication", "PasswordAuthentication", &rule_client_password_auth,
	  "yes", "no" },
	{ "stricthostkeychecking", "StrictHostKeyChecking",
	  &rule_client_strict_host_key_checking, "ask", "accept-new" },
	{ "forwardagent", "ForwardAgent", &rule_client_forward_agent, "no", "no" },
};

/* Is this value the weak one? */
static int
weak(int kw, const char *v)
{
	switch (kw) {
	case 0:
		return strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0;
	case 1:
		return strcasecmp(v, "no") == 0 || strcasecmp(v, "off") == 0 ||
		    strcasecmp(v, "false") == 0;
	default:
		/* yes, or an agent socket path or $VARIABLE */
		return strcasecmp(v, "no") != 0 && strcasecmp(v, "false") != 0;
	}
}

/* Does a block line apply to every host? "Match all", or a Host line with
 * a "*" pattern and no negated one (each word is one pattern, as ssh
 * reads Host: "a,*" is a single pattern that "web" does not match). */
static int
block_all(const struct ssh_directive *b)
{
	int star = 0, neg = 0;

	if (strcmp(b->keyword, "match") == 0)
		return b->ac == 1 && strcasecmp(b->av[0], "all") == 0;
	for (int i = 0; i < b->ac; i++) {
		if (b->av[i][0] == '!')
			neg = 1;
		else if (strcmp(b->av[i], "*") == 0)
			star = 1;
	}
	return star && !neg;
}

/* Does every pattern of a Host line name one of systemd-ssh-proxy's local
 * transports (an AF_UNIX path, an AF_VSOCK CID, a machined machine)? Such a
 * name holds a '/', so no resolver answers for it: ssh gets there only
 * through the block's ProxyCommand, on this machine. */
static int
block_local(const struct ssh_directive *b)
{
	static const char *const pfx[] = { "unix/", "vsock/", "vsock-mux/", "machine/" };
	int local = b != NULL && strcmp(b->keyword, "host") == 0 && b->ac > 0;

	for (int i = 0; local && i < b->ac; i++) {
		int ok = 0;

		for (size_t k = 0; k < KA_ARRLEN(pfx) && !ok; k++)
			ok = strncmp(b->av[i], pfx[k], strlen(pfx[k])) == 0;
		local = ok;
	}
	return local;
}

/* The directive at i, when it sets one of kws[] to a value. */
static int
cdir_at(const struct ssh_directives *dl, size_t i, struct cdir *c)
{
	const struct ssh_directive *d = &dl->v[i];

	if (d->ac < 1)
		return 0;
	for (size_t k = 0; k < KA_ARRLEN(kws); k++) {
		if (strcmp(d->keyword, kws[k].name) != 0)
			continue;
		c->d = d;
		c->kw = (int)k;
		c->value = d->av[0];
		c->block = d->block >= 0 ? &dl->v[d->block] : NULL;
		c->all = c->block == NULL || block_all(c->block);
		return 1;
	}
	return 0;
}

/* Was the file collected (present or known to be missing)? */
static int
known(const struct ka_ctx *ctx, const char *path)
{
	const struct snap_file *f = snap_file_get(ctx->snap, path);

	return f != NULL && (f->type == SNAP_NOENT || f->has_content ||
	    f->type == SNAP_LNK);
}

static void
report_directive(struct ka_ctx *ctx, const struct cdir *c, const char *user)
{
	const struct ckw *k = &kws[c->kw];
	const struct ssh_directive *d = c->d;
	char *v = str_printable(c->value, strlen(c->value));
	char *scope = NULL;
	char *fix = xasprintf("in %s line %d, change the line to '%s %s'%s", d->file,
	    d->line, k->spelled, k->good, c->all ? "" : " (or drop it, if these "
	    "hosts do not need it)");

	if (c->block != NULL) {
		char *text = xasprintf("%s %s", c->block->keyword[0] == 'h' ? "Host" :
		    "Match", c->block->args);

		scope = str_printable(text, strlen(text));
		free(text);
	}
	ctx_finding(ctx, k->rule, d->user ? user : NULL, d->file, d->line, fix,
	    "%s %s (%s:%d) %s%s%s", k->spelled, v, d->file, d->line,
	    c->all ? "applies to every host" : "applies to hosts matching '",
	    c->all ? "" : scope, c->all ? "" : "'");
	free(fix);
	free(scope);
	free(v);
}

/*
 * One keyword, for one side: the user's files (they decide for the client
 * user only) or the system file (it decides for every user who does not
 * override it, so it is judged on its own).
 */
static void
check_keyword(struct ka_ctx *ctx, const struct ssh_directives *dl, int ki,
    int user_side, const char *user, const char *sysconf, int sys_known)
{
	const struct ckw *k = &kws[ki];
	int decided = 0;

	for (size_t i = 0; i < dl->n && !decided; i++) {
		struct cdir c;

		if (!cdir_at(dl, i, &c) || c.kw != ki || c.d->user != user_side)
			continue;
		/* no network between ssh and a local transport: no man in
		 * the middle for host key checking to catch */
		if (weak(ki, c.value) && !(k->rule == &rule_client_strict_host_key_checking &&
		    block_local(c.block)))
			report_directive(ctx, &c, user);
		decided = c.all;
	}
	if (user_side || decided || !sys_known || !weak(ki, k->def))
		return;
	{
		char *fix = xasprintf("add '%s %s' to %s before its first Host or "
		    "Match line", k->spelled, k->good, sysconf);

		ctx_finding(ctx, k->rule, NULL, sysconf, 0, fix, "%s does not set "
		    "%s for every host, so ssh uses its default, %s, wherever a "
		    "user's own config does not say otherwise", sysconf, k->spelled,
		    k->def);
		free(fix);
	}
}

static void
run(struct ka_ctx *ctx)
{
	static const char sysconf[] = "/etc/ssh/ssh_config";
	const struct snap_account *a = ctx->snap->client_user ?
	    snap_account_by_name(ctx->snap, ctx->snap->client_user) : NULL;
	struct sshdconf_io files;
	struct clientconf_io io;
	struct clientconf *cc;
	char *ucfg = NULL, *err = NULL;
	int sys_known;

	/* The lines as ssh reads them, past any error ssh would stop at:
	 * a weak line still counts once the error is fixed. */
	ctx_sshdconf_io(ctx->snap, &files);
	ctx_clientconf_io(&files, &io);
	cc = clientconf_read_all(a ? a->home : NULL, a ? a->name : NULL, &io, &err);
	free(err);
	if (a != NULL)
		ucfg = path_join(a->home, ".ssh/config");
	sys_known = known(ctx, sysconf);
	if (!sys_known && (ucfg == NULL || !known(ctx, ucfg))) {
		for (size_t i = 0; i < KA_ARRLEN(rules); i++)
			ctx_skip(ctx, rules[i], sysconf, "neither %s nor the client "
			    "user's ~/.ssh/config was collected", sysconf);
	} else {
		for (size_t i = 0; i < KA_ARRLEN(kws); i++) {
			check_keyword(ctx, clientconf_directives(cc), (int)i, 1,
			    a ? a->name : NULL, sysconf, sys_known);
			check_keyword(ctx, clientconf_directives(cc), (int)i, 0, NULL,
			    sysconf, sys_known);
		}
	}
	clientconf_free(cc);
	free(ucfg);
}

const struct ka_check check_sshclient = { "client", rules, KA_ARRLEN(rules), run };
