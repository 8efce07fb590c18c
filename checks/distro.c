/* distro.c - the distribution layers that make an sshd_config line say one
 * thing while sshd does another: systemd's ssh.socket deciding where sshd
 * listens (Ubuntu 22.10+), and a vendor drop-in read before the main file
 * (Debian's Include at the top of sshd_config: the first value wins).
 * docs/distributions.md describes every layer. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/check.h"

const struct ka_rule rule_sshd_socket_overrides = {
	.id = "sshd.socket-overrides", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "ssh.socket decides where sshd listens, not Port/ListenAddress",
	.help = "With systemd socket activation (ssh.socket enabled: Ubuntu 22.10 and "
	    "later), systemd opens the listening socket from ListenStream= and hands it "
	    "to sshd, which then ignores Port and ListenAddress. A port or address "
	    "changed in sshd_config has no effect until ssh.socket says the same.",
};

const struct ka_rule rule_sshd_dropin_overrides = {
	.id = "sshd.dropin-overrides", .severity = SEV_MEDIUM, .blocks_login = 0,
	.title = "a drop-in file overrides a setting of the main sshd_config",
	.help = "sshd keeps the first value it reads for most keywords, and the Include "
	    "of sshd_config.d at the top of Debian's and Ubuntu's sshd_config (and "
	    "RHEL's, Fedora's, SUSE's) reads the drop-ins first: a vendor file such as "
	    "50-cloud-init.conf decides, and the line in sshd_config has no effect. "
	    "Medium whichever value is safer: the file people edit no longer says what "
	    "sshd does.",
};

static const struct ka_rule *const rules[] = {
	&rule_sshd_socket_overrides,
	&rule_sshd_dropin_overrides,
};

/* ------------------------------------------------------------ ssh.socket */

static int
set_equal(const struct strlist *a, const struct strlist *b)
{
	for (size_t i = 0; i < a->n; i++)
		if (!strlist_has(b, a->v[i]))
			return 0;
	for (size_t i = 0; i < b->n; i++)
		if (!strlist_has(a, b->v[i]))
			return 0;
	return 1;
}

static int
value_has(const struct sshd_value *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i], s) == 0)
			return 1;
	return 0;
}

/* The ListenStream= lines that would listen where sshd_config says:
 * "PORT" for every address of a port, else each "addr:port". */
static void
wanted_listen(const struct sshd_value *la, struct buf *out)
{
	for (size_t i = 0; i < la->n; i++) {
		const char *v = la->v[i], *c = strrchr(v, ':');
		char *other;

		if (c == NULL)
			continue;
		if (strncmp(v, "0.0.0.0:", 8) == 0) {
			other = xasprintf("[::]%s", c);
			buf_printf(out, ", 'ListenStream=%s'", value_has(la, other) ?
			    c + 1 : v);
			free(other);
		} else if (strncmp(v, "[::]:", 5) == 0) {
			other = xasprintf("0.0.0.0%s", c);
			if (!value_has(la, other))
				buf_printf(out, ", 'ListenStream=%s'", v);
			free(other);
		} else
			buf_printf(out, ", 'ListenStream=%s'", v);
	}
}

static void
check_socket(struct ka_ctx *ctx)
{
	const struct sshd_socket *k = &ctx->socket;
	const struct sshd_value *port = sshd_eff_get(ctx->global, "port");
	const struct sshd_value *la = sshd_eff_get(ctx->global, "listenaddress");
	const struct sshd_value *set = NULL;
	struct strlist sock = { 0 }, sshd = { 0 };
	struct buf where, want;
	const char *dropin = NULL;
	char *qdrop, *fix;
	int generated = 0;

	if (ctx->socket_on != 1 || la == NULL || port == NULL)
		return;
	/* only a setting someone wrote can be overridden */
	if (la->file != NULL)
		set = la;
	else if (port->file != NULL)
		set = port;
	if (set == NULL)
		return;
	for (size_t i = 0; i < k->listen.n; i++)
		unit_listen_addrs(k->listen.v[i].value, &sock);
	for (size_t i = 0; i < la->n; i++)
		strlist_add(&sshd, la->v[i]);
	if (set_equal(&sock, &sshd)) {
		strlist_free(&sock);
		strlist_free(&sshd);
		return;
	}
	buf_init(&where);
	for (size_t i = 0; i < k->listen.n; i++) {
		const struct unit_value *v = &k->listen.v[i];

		buf_printf(&where, "%sListenStream=%s (%s:%d)", i ? ", " : "",
		    v->value, v->file, v->line);
		if (strncmp(v->file, "/etc/", 5) == 0)
			dropin = v->file;
		if (strncmp(v->file, "/run/systemd/generator/", 23) == 0)
			generated = 1;
	}
	if (k->listen.n == 0)
		buf_puts(&where, "no ListenStream= at all");
	buf_init(&want);
	wanted_listen(la, &want);
	qdrop = shell_quote(dropin != NULL ? dropin : "");
	if (generated)
		fix = xasprintf("sshd-socket-generator writes ListenStream= from sshd_config "
		    "when systemd reloads its units: run systemctl daemon-reload && "
		    "systemctl restart %s", k->unit);
	else if (dropin != NULL)
		fix = xasprintf("edit the drop-in %s: under [Socket], 'ListenStream=' (an "
		    "empty line clears the list) then%s; run systemctl daemon-reload && "
		    "systemctl restart %s (or turn socket activation off: systemctl "
		    "disable --now %s && systemctl enable --now ssh.service)", qdrop,
		    want.data ? want.data + 1 : " the addresses wanted", k->unit, k->unit);
	else {
		char *path = xasprintf("/etc/systemd/system/%s.d/listen.conf", k->unit);
		char *qp = shell_quote(path);

		fix = xasprintf("create the drop-in %s holding '[Socket]', 'ListenStream=' "
		    "(an empty line clears the list)%s; run systemctl daemon-reload && "
		    "systemctl restart %s (or turn socket activation off: systemctl "
		    "disable --now %s && systemctl enable --now ssh.service)", qp,
		    want.data ? want.data : "", k->unit, k->unit);
		free(qp);
		free(path);
	}
	ctx_finding(ctx, &rule_sshd_socket_overrides, NULL, set->file, set->line, fix,
	    "sshd is socket-activated (%s enables %s) and listens where %s says: %s; "
	    "the %s set at %s:%d has no effect", k->wants, k->unit, k->unit, where.data,
	    set == la ? "ListenAddress/Port" : "Port", set->file, set->line);
	free(fix);
	free(qdrop);
	buf_free(&want);
	buf_free(&where);
	strlist_free(&sock);
	strlist_free(&sshd);
}

/* --------------------------------------------------------------- drop-ins */

/* Does the main file's line take effect: are the values it sets, read
 * as sshd reads them (units, aliases, case: "2m" is 120), all among the
 * effective ones (a keyword that accumulates keeps both files' values)?
 * A line sshd would refuse is sshd.syntax's, not ours: in effect. */
static int
line_in_effect(const struct ka_ctx *ctx, const struct ssh_directive *d,
    const struct sshd_value *v)
{
	char *text = xasprintf("%s %s\n", d->spelled, d->args ? d->args : "");
	struct sshd_config *c = sshdconf_parse_text("line", text, ctx->release);
	struct sshd_eff *e = sshdconf_effective(c, NULL);
	const struct sshd_value *m = sshd_eff_get(e, d->keyword);
	int in = 1;

	for (size_t i = 0; m != NULL && m->file != NULL && in && i < m->n; i++) {
		in = 0;
		for (size_t j = 0; j < v->n && !in; j++)
			in = strcmp(m->v[i], v->v[j]) == 0;
	}
	sshd_eff_free(e);
	sshdconf_free(c);
	free(text);
	return in;
}

static void
check_dropins(struct ka_ctx *ctx)
{
	const struct ssh_directives *dirs = sshdconf_directives(ctx->sshd);
	const struct strlist *files = sshdconf_files(ctx->sshd);
	const char *main_cfg;
	struct strlist seen = { 0 };

	if (files->n == 0)
		return;
	main_cfg = files->v[0];
	for (size_t i = 0; i < dirs->n; i++) {
		const struct ssh_directive *d = &dirs->v[i];
		const struct sshd_value *v;
		char *fix;

		if (d->block != -1 || d->depth != 0 || strcmp(d->file, main_cfg) != 0 ||
		    strlist_has(&seen, d->keyword))
			continue;
		v = sshd_eff_get(ctx->global, d->keyword);
		/* the winner must be a file the main one Includes (not the
		 * command line, not a compiled default) */
		if (v == NULL || v->file == NULL || strcmp(v->file, main_cfg) == 0 ||
		    !strlist_has(files, v->file) || line_in_effect(ctx, d, v))
			continue;
		strlist_add(&seen, d->keyword);
		{
			char *val = sshd_value_join(v);

			fix = xasprintf("decide which value sshd should use and write it in "
			    "%s line %d (sshd reads that file first and keeps the first "
			    "value), or delete that line so the one in %s applies; then "
			    "run: %s", v->file, v->line, main_cfg, ctx_reload_cmd(ctx));
			ctx_finding(ctx, &rule_sshd_dropin_overrides, NULL, d->file, d->line,
			    fix, "%s %s at %s:%d has no effect: %s:%d, read first through "
			    "Include, sets %s %s", d->spelled, d->args, d->file, d->line,
			    v->file, v->line, d->spelled, val);
			free(val);
			free(fix);
		}
	}
	strlist_free(&seen);
}

static void
run(struct ka_ctx *ctx)
{
	if (!ctx->sshd_config_found)
		return;
	check_socket(ctx);
	check_dropins(ctx);
}

const struct ka_check check_distro = { "sshd", rules, KA_ARRLEN(rules), run };
