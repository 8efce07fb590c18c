/* html.c - the HTML report of scan and known-hosts (--html FILE, --format
 * html): one self-contained page (htmlpage.h). Hosts stream: each host's
 * section is written as it arrives and forgotten, so memory stays flat for
 * any fleet; what only the end knows (the summary, the trend against
 * --previous, the CA trust map) is written last and placed first by the
 * page's style (flex order), on screen and printed. The CA trust map keeps
 * a bounded table as hosts pass. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reports/report.h"
#include "reports/htmlpage.h"
#include "scanner/parse/reportprev.h"
#include "scanner/digest.h"

/* The CA trust map's bounds: CAs drawn, hosts named per CA (the rest are
 * counted). */
#define CAMAP_CAS	64
#define CAMAP_HOSTS	200

struct ca_entry {
	char *fp;			/* "SHA256:..." */
	char *what;			/* "TYPE BITS" */
	struct strlist hosts;		/* "host (scope)" */
	size_t nhosts;			/* all that trust it */
};

struct report {
	FILE *out;
	size_t hosts;			/* sections written */
	int fleet_seen;
	int in_after;			/* the entries after the fleet's are open */
	struct ca_entry ca[CAMAP_CAS];
	size_t nca, ca_dropped;		/* CAs past the bound */
	/* --previous */
	const struct report_previous *prev;
	unsigned char *seen;		/* per previous identity */
	size_t new_, unchanged;
};

static struct report *
r_open(FILE *out, const struct report_opts *o)
{
	struct report *r = xcalloc(1, sizeof(*r));
	const char *cmd = o->command ? o->command : "scan";
	char *title = xasprintf("keyaudit %s report", cmd);

	r->out = out;
	r->prev = o->previous;
	if (r->prev != NULL)
		r->seen = xcalloc(strmap_count(&r->prev->ids) + 1, 1);
	html_page_open(out, title, "SSH public-key login: what blocks it and what is unsafe, "
	    "per host", HTML_FILTERS);
	fputs("<main id=\"hosts\" class=\"grps\">\n", out);
	free(title);
	return r;
}

/* The fleet entry: named "fleet", no digest, and only fleet rules. */
static int
is_fleet(const struct ka_host_result *h)
{
	if (strcmp(h->target, "fleet") != 0 || h->digest != NULL || h->port != 0)
		return 0;
	for (size_t i = 0; i < h->nfindings; i++)
		if (!h->findings[i].rule->fleet)
			return 0;
	return 1;
}

/* Is this finding in the previous report? Marks it seen. */
static int
is_new(struct report *r, const char *host, const struct ka_finding *f)
{
	char id[65];
	size_t k;

	if (r->prev == NULL)
		return 0;
	report_finding_identity(host, f, id);
	k = strmap_find(&r->prev->ids, id, strlen(id));
	if (k == STRMAP_NONE) {
		r->new_++;
		return 1;
	}
	r->seen[k] = 1;
	r->unchanged++;
	return 0;
}

void
html_put_finding(FILE *out, const struct ka_finding *f, int is_new)
{
	int sev = (int)f->severity;
	char *fix;

	if (sev < SEV_INFO || sev > SEV_CRITICAL)
		sev = SEV_INFO;
	fprintf(out, "<div class=\"item f\" data-sev=\"%d\" data-check=\"", sev);
	html_put(out, f->rule->id);
	fputs("\" data-user=\"", out);
	html_put(out, f->user);
	fputs("\" data-path=\"", out);
	html_put(out, f->path);
	fputs("\"><div class=\"fh\">", out);
	html_sev_badge(out, sev);
	fputs(" <code class=\"ck\">", out);
	html_put(out, f->rule->id);
	fputs("</code>", out);
	if (f->blocks_login)
		fputs(" <span class=\"tag blk\">blocks login</span>", out);
	if (is_new)
		fputs(" <span class=\"tag new\">new</span>", out);
	if (f->baselined != NULL)
		fputs(" <span class=\"tag\">baselined</span>", out);
	fputs("</div><dl>", out);
	if (f->user != NULL) {
		fputs("<dt>user</dt><dd class=\"u\">", out);
		html_put(out, f->user);
		fputs("</dd>", out);
	}
	if (f->path != NULL || f->line > 0) {
		fputs("<dt>where</dt><dd><code class=\"p\">", out);
		html_put(out, f->path);
		if (f->line > 0)
			fprintf(out, "%s%ld", f->path ? ":" : "line ", f->line);
		fputs("</code></dd>", out);
	}
	if (f->key_fp != NULL) {
		fputs("<dt>key</dt><dd><code>", out);
		html_put(out, f->key_fp);
		fputs("</code></dd>", out);
	}
	fputs("</dl><p class=\"msg\">", out);
	html_put(out, f->message);
	fputs("</p>", out);
	if ((fix = report_fix_text(&f->remedy)) != NULL) {
		fputs("<pre class=\"fix\"><code>", out);
		html_put_terminal(out, fix);
		fputs("</code></pre>", out);
		free(fix);
	}
	if (f->baselined != NULL) {
		fputs("<p class=\"sub\">baselined (does not fail the gate): ", out);
		html_put(out, f->baselined);
		fputs("</p>", out);
	} else if (f->baseline_expired != 0) {
		char d[16];

		ymd_str(f->baseline_expired, d);
		fprintf(out, "<p class=\"sub\">baseline entry expired on %s: fails again</p>", d);
	}
	fputs("</div>\n", out);
}

static void
put_finding(struct report *r, const char *host, const struct ka_finding *f)
{
	html_put_finding(r->out, f, is_new(r, host, f));
}

static size_t
count_blocking(const struct ka_host_result *h)
{
	size_t n = 0;

	for (size_t i = 0; i < h->nfindings; i++)
		n += h->findings[i].blocks_login != 0;
	return n;
}

static void
put_section(struct report *r, const struct ka_host_result *h, int fleet)
{
	FILE *out = r->out;
	int worst = host_result_max_severity(h);

	if (fleet)
		fputs("</main>\n<section id=\"fleet\" class=\"grps\"><h2>Fleet</h2>"
		    "<p class=\"sub\">across hosts: shared keys, cloned host keys, known_hosts "
		    "staleness, user CAs</p>\n", out);
	fprintf(out, "<section class=\"grp host%s\" id=\"h%zu\" data-idx=\"%zu\" "
	    "data-worst=\"%d\" data-host=\"", fleet ? " fleet" : "", r->hosts, r->hosts, worst);
	html_put(out, h->target);
	fputs("\"><div class=\"hh\"><h2 class=\"hn\">", out);
	html_put(out, h->target);
	fputs("</h2> ", out);
	fprintf(out, "<span class=\"%s\">", h->status == HOST_SCANNED ? "st-ok" : "st-bad");
	html_put(out, host_status_name(h->status));
	fprintf(out, "</span> <span class=\"sub\">%zu finding%s, %zu blocking</span> ",
	    h->nfindings, h->nfindings == 1 ? "" : "s", count_blocking(h));
	html_sev_badge(out, worst);
	fputs("</div><div class=\"body\">", out);
	if (h->address != NULL || h->hostkey != NULL || h->origin != NULL) {
		fputs("<dl class=\"meta\">", out);
		if (h->address != NULL) {
			fputs("<dt>address</dt><dd><code>", out);
			html_put(out, h->address);
			if (h->port > 0)
				fprintf(out, " port %d", h->port);
			fputs("</code></dd>", out);
		}
		if (h->hostkey != NULL) {
			fputs("<dt>host key</dt><dd><code>", out);
			html_put(out, h->hostkey);
			fputs("</code></dd>", out);
		}
		if (h->origin != NULL) {
			fputs("<dt>named at</dt><dd><code>", out);
			html_put(out, h->origin);
			fputs("</code></dd>", out);
		}
		fputs("</dl>", out);
	}
	if (h->error != NULL) {
		fputs("<p class=\"st-bad msg\">", out);
		html_put(out, h->error);
		fputs("</p>", out);
	}
	if (h->nfindings == 0)
		fputs("<p class=\"empty\">no findings</p>", out);
	for (size_t i = 0; i < h->nfindings; i++)
		put_finding(r, h->target, &h->findings[i]);
	if (h->nskips > 0) {
		fprintf(out, "<h3>%zu check%s could not run</h3><ul>", h->nskips,
		    h->nskips == 1 ? "" : "s");
		for (size_t i = 0; i < h->nskips; i++) {
			fputs("<li><code>", out);
			html_put(out, h->skips[i].rule ? h->skips[i].rule->id : "");
			fputs("</code> ", out);
			html_put(out, h->skips[i].subject);
			fputs(": ", out);
			html_put(out, h->skips[i].reason);
			fputs("</li>", out);
		}
		fputs("</ul>", out);
	}
	fputs("</div></section>\n", out);
	if (fleet)
		fputs("</section>\n", out);
}

/* One "SHA256:... SHA1:... TYPE BITS SCOPE" of a host's digest. */
static void
ca_add(struct report *r, const char *host, const char *line)
{
	char *dup = xstrdup(line), *p = dup, *fp, *what;
	const char *f[4];
	struct ca_entry *e = NULL;

	for (int k = 0; k < 4; k++)
		f[k] = strsep(&p, " ");
	if (f[3] == NULL || strncmp(f[0], "SHA256:", 7) != 0) {
		free(dup);
		return;
	}
	fp = (char *)f[0];
	for (size_t i = 0; i < r->nca && e == NULL; i++)
		if (strcmp(r->ca[i].fp, fp) == 0)
			e = &r->ca[i];
	if (e == NULL && r->nca == CAMAP_CAS) {
		r->ca_dropped++;
		free(dup);
		return;
	}
	if (e == NULL) {
		e = &r->ca[r->nca++];
		e->fp = xstrdup(fp);
		what = xasprintf("%s %s", f[2], f[3]);
		e->what = what;
	}
	e->nhosts++;
	if (e->hosts.n < CAMAP_HOSTS)
		strlist_add_owned(&e->hosts, xasprintf("%s (%s)", host,
		    p != NULL && *p ? p : "all users"));
	free(dup);
}

static void
r_host(struct report *r, const struct ka_host_result *h)
{
	int fleet = !r->fleet_seen && is_fleet(h);

	if (fleet)
		r->fleet_seen = 1;
	else if (r->fleet_seen && !r->in_after) {
		/* known-hosts' known_hosts entry: after the fleet's, in the flow */
		fputs("<div id=\"after\" class=\"grps\">\n", r->out);
		r->in_after = 1;
	}
	put_section(r, h, fleet);
	r->hosts++;
	if (h->digest != NULL)
		for (size_t i = 0; i < h->digest->cas.n; i++)
			ca_add(r, h->target, h->digest->cas.v[i]);
}

static void
put_camap(struct report *r)
{
	FILE *out = r->out;

	fputs("<section id=\"camap\" class=\"box\"><h2>User CA trust map</h2>", out);
	if (r->nca == 0) {
		fputs("<p class=\"empty\">no scanned host trusts a user CA "
		    "(TrustedUserCAKeys, cert-authority)</p></section>\n", out);
		return;
	}
	fputs("<table><thead><tr><th>CA key</th><th>trusted by (accounts)</th></tr></thead>"
	    "<tbody>", out);
	for (size_t i = 0; i < r->nca; i++) {
		struct ca_entry *e = &r->ca[i];

		fputs("<tr class=\"ca\"><td><code>", out);
		html_put(out, e->fp);
		fputs("</code> ", out);
		html_put(out, e->what);
		fprintf(out, "</td><td>%zu host%s<ul>", e->nhosts, e->nhosts == 1 ? "" : "s");
		for (size_t k = 0; k < e->hosts.n; k++) {
			fputs("<li>", out);
			html_put(out, e->hosts.v[k]);
			fputs("</li>", out);
		}
		if (e->nhosts > e->hosts.n)
			fprintf(out, "<li>and %zu more</li>", e->nhosts - e->hosts.n);
		fputs("</ul></td></tr>", out);
	}
	fputs("</tbody></table>", out);
	if (r->ca_dropped > 0)
		fprintf(out, "<p class=\"sub\">%zu more trust entries of CAs past the first %d "
		    "are not drawn</p>", r->ca_dropped, CAMAP_CAS);
	fputs("</section>\n", out);
}

static void
card(FILE *out, const char *label, size_t n, const char *cls)
{
	fprintf(out, "<div class=\"card%s%s\"><b>%zu</b>%s</div>", cls ? " " : "",
	    cls ? cls : "", n, label);
}

/* new / resolved / unchanged and per-severity deltas against --previous;
 * the resolved findings listed (bounded: they are the previous report's). */
static void
put_trend(struct report *r, const struct ka_summary *s)
{
	const struct report_previous *p = r->prev;
	FILE *out = r->out;
	size_t resolved = 0, listed = 0;

	for (size_t i = 0; i < p->n; i++)
		resolved += !r->seen[p->v[i].id];
	fputs("<h3>Trend against ", out);
	html_put(out, p->name);
	fputs("</h3><div class=\"cards\" id=\"trend\">", out);
	card(out, "new", r->new_, "t-new");
	card(out, "resolved", resolved, "t-resolved");
	card(out, "unchanged", r->unchanged, "t-unchanged");
	fputs("</div><table class=\"deltas\"><thead><tr><th>severity</th><th>before</th>"
	    "<th>now</th><th>change</th></tr></thead><tbody>", out);
	for (int sv = SEV_CRITICAL; sv >= SEV_INFO; sv--) {
		long d = (long)s->by_severity[sv] - (long)p->by_severity[sv];

		fputs("<tr><td>", out);
		html_sev_badge(out, sv);
		fprintf(out, "</td><td>%zu</td><td>%zu</td><td class=\"d\" data-sev=\"%d\">%+ld"
		    "</td></tr>", p->by_severity[sv], s->by_severity[sv], sv, d);
	}
	fputs("</tbody></table>", out);
	if (resolved == 0)
		return;
	fputs("<h3>Resolved findings</h3><ul id=\"resolved-list\">", out);
	for (size_t i = 0; i < p->n && listed < 500; i++) {
		const struct prev_finding *f = &p->v[i];

		if (r->seen[f->id])
			continue;
		listed++;
		fputs("<li>", out);
		html_sev_badge(out, f->severity);
		fputs(" <code>", out);
		html_put(out, f->check);
		fputs("</code> ", out);
		html_put(out, f->host);
		if (f->user != NULL) {
			fputs(" user ", out);
			html_put(out, f->user);
		}
		if (f->path != NULL) {
			fputs(" <code>", out);
			html_put(out, f->path);
			fputs("</code>", out);
		}
		fputs("</li>", out);
	}
	if (resolved > listed)
		fprintf(out, "<li>and %zu more</li>", resolved - listed);
	fputs("</ul>", out);
}

static void
put_summary(struct report *r, const struct ka_summary *s)
{
	FILE *out = r->out;
	int worst = -1;

	for (int sv = SEV_CRITICAL; sv >= SEV_INFO && worst < 0; sv--)
		if (s->by_severity[sv] > 0)
			worst = sv;
	fputs("<section id=\"summary\" class=\"box\"><h2>Summary</h2><div class=\"cards\">", out);
	card(out, "hosts", s->hosts, "c-hosts");
	card(out, "hosts failed", s->hosts_failed, "c-failed");
	card(out, "findings", s->findings, "c-findings");
	card(out, "blocking", s->blocking, "c-blocking");
	fputs("<div class=\"card c-worst\">", out);
	html_sev_badge(out, worst);
	fputs("<br>worst severity</div></div><div class=\"cards\">", out);
	for (int sv = SEV_CRITICAL; sv >= SEV_INFO; sv--) {
		fprintf(out, "<div class=\"card c-sev\" data-sev=\"%d\"><b>%zu</b>", sv,
		    s->by_severity[sv]);
		html_sev_badge(out, sv);
		fputs("</div>", out);
	}
	fputs("</div>", out);
	fprintf(out, "<p class=\"sub\">gate: --fail-on %s; exit status %d", severity_name(s->fail_on),
	    s->exit_code);
	if (s->baseline_used)
		fprintf(out, "; baseline accepted %zu, %zu expired, %zu stale entr%s",
		    s->baselined, s->baseline_expired,
		    s->baseline_stale ? s->baseline_stale->n : 0,
		    s->baseline_stale && s->baseline_stale->n == 1 ? "y" : "ies");
	fputs("</p>", out);
	if (r->prev != NULL)
		put_trend(r, s);
	fputs("</section>\n", out);
}

static int
r_close(struct report *r, const struct ka_summary *s)
{
	FILE *out = r->out;
	int rc;

	if (!r->fleet_seen)
		fputs("</main>\n", out);
	if (r->in_after)
		fputs("</div>\n", out);
	if (r->hosts == 0)
		fputs("<p class=\"empty\">no hosts</p>\n", out);
	put_camap(r);
	put_summary(r, s);
	html_page_close(out);
	rc = ferror(out) ? -1 : 0;
	for (size_t i = 0; i < r->nca; i++) {
		free(r->ca[i].fp);
		free(r->ca[i].what);
		strlist_free(&r->ca[i].hosts);
	}
	free(r->seen);
	free(r);
	return rc;
}

const struct report_format report_html = { "html", r_open, r_host, r_close };
