/* preflight.c - the reports of `keyaudit preflight`: who loses or gains key
 * login with a proposed change, per host, account and client address, as
 * text, JSON (the contract in docs/design.md), JUnit and SARIF. Every string
 * a host supplied passes through str_printable (JSON, XML) or str_terminal
 * (text). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "reports/report.h"
#include "reports/preflight.h"
#include "reports/htmlpage.h"
#include "checks/check.h"

static const char *
login_name(enum pf_login l)
{
	return l == PF_OK ? "ok" : "refused";
}

static int
is_must_keep(const struct pf_report *r, const char *user)
{
	return r->must_keep != NULL && strlist_has(r->must_keep, user);
}

void
pf_summarise(struct pf_report *r)
{
	r->lose = r->gain = r->unchanged = r->kept_refused = r->not_evaluated = 0;
	for (size_t i = 0; i < r->nhosts; i++) {
		const struct pf_host *h = &r->hosts[i];

		if (h->error != NULL)
			r->not_evaluated++;
		for (size_t j = 0; j < h->nacc; j++) {
			const struct pf_account *a = &h->acc[j];

			if (a->before == PF_OK && a->after == PF_REFUSED)
				r->lose++;
			else if (a->before == PF_REFUSED && a->after == PF_OK)
				r->gain++;
			else
				r->unchanged++;
			if (a->after == PF_REFUSED && is_must_keep(r, a->user))
				r->kept_refused++;
		}
	}
}

/* ---- JSON -------------------------------------------------------------------- */

static json_t *
cause_json(const struct pf_host *h, long i)
{
	if (i < 0 || (size_t)i >= h->causes.nfindings)
		return json_null();
	return report_json_finding(&h->causes.findings[i], h->target);
}

static json_t *
pair(int before, int after)
{
	return json_pack("{s:s, s:s}", "before", before ? "allowed" : "refused",
	    "after", after ? "allowed" : "refused");
}

/* One JSON document to out, and o freed. */
static int
put_json(FILE *out, json_t *o)
{
	char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	json_decref(o);
	if (text == NULL)
		return -1;
	fputs(text, out);
	fputc('\n', out);
	free(text);
	return ferror(out) ? -1 : 0;
}

int
pf_report_json(FILE *out, const struct pf_report *r)
{
	json_t *o = json_object(), *changes = json_array(), *hosts = json_array(),
	    *findings = json_array();

	json_object_set_new(o, "keyaudit", json_string(r->version));
	json_object_set_new(o, "schema", json_integer(1));
	json_object_set_new(o, "command", json_string("preflight"));
	for (size_t i = 0; i < r->nhosts; i++) {
		const struct pf_host *h = &r->hosts[i];

		json_array_append_new(hosts, json_pack("{s:o, s:s, s:o}", "target",
		    report_jstr(h->target), "status", h->error == NULL ? "evaluated" :
		    h->status != HOST_SCANNED ? host_status_name(h->status) : "error",
		    "error", report_jstr(h->error)));
		for (size_t j = 0; j < h->nacc; j++) {
			const struct pf_account *a = &h->acc[j];

			json_array_append_new(changes, json_pack("{s:o, s:o, s:o, s:s, s:s, "
			    "s:o, s:o, s:o, s:b}",
			    "host", report_jstr(h->target), "user", report_jstr(a->user),
			    "from", report_jstr(a->from),
			    "before", login_name(a->before), "after", login_name(a->after),
			    "cause", cause_json(h, a->cause),
			    "password", pair(a->pw_before, a->pw_after),
			    "kbdinteractive", pair(a->kbd_before, a->kbd_after),
			    "must_keep", is_must_keep(r, a->user)));
		}
		for (size_t k = 0; k < h->findings.nfindings; k++)
			json_array_append_new(findings,
			    report_json_finding(&h->findings.findings[k], h->target));
	}
	json_object_set_new(o, "changes", changes);
	json_object_set_new(o, "summary", json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}",
	    "lose", (json_int_t)r->lose, "gain", (json_int_t)r->gain,
	    "unchanged", (json_int_t)r->unchanged,
	    "must_keep_refused", (json_int_t)r->kept_refused,
	    "hosts_not_evaluated", (json_int_t)r->not_evaluated,
	    "exit_code", (json_int_t)r->exit_code));
	json_object_set_new(o, "hosts", hosts);
	json_object_set_new(o, "findings", findings);
	return put_json(out, o);
}

/* ---- text -------------------------------------------------------------------- */

static void
put_t(FILE *out, const char *s)
{
	char *t = str_terminal(s ? s : "");

	fputs(t, out);
	free(t);
}

static void
who(FILE *out, const struct pf_host *h, const struct pf_account *a, int hosts)
{
	if (hosts) {
		put_t(out, h->target);
		fputc(' ', out);
	}
	put_t(out, a->user);
	if (a->from != NULL) {
		fputs(" from ", out);
		put_t(out, a->from);
	}
}

static void
cause_text(FILE *out, const struct pf_host *h, long i, const char *lead)
{
	const struct ka_finding *f;
	char *fix;

	if (i < 0 || (size_t)i >= h->causes.nfindings)
		return;
	f = &h->causes.findings[i];
	fprintf(out, "      %s %s: ", lead, f->rule->id);
	put_t(out, f->message);
	fputc('\n', out);
	if ((fix = report_fix_text(&f->remedy)) != NULL) {
		fputs("      fix: ", out);
		fputs(fix, out);
		fputc('\n', out);
		free(fix);
	}
}

int
pf_report_text(FILE *out, const struct pf_report *r)
{
	int hosts = r->nhosts > 1;
	size_t ok = 0, refused = 0;

	for (size_t i = 0; i < r->nhosts; i++) {
		const struct pf_host *h = &r->hosts[i];

		if (h->error != NULL) {
			fputs("NOT EVALUATED ", out);
			put_t(out, h->target);
			fputs(": ", out);
			put_t(out, h->error);
			fputc('\n', out);
		}
		for (size_t j = 0; j < h->nacc; j++) {
			const struct pf_account *a = &h->acc[j];

			if (a->before == PF_OK && a->after == PF_REFUSED) {
				fputs("LOSES key login: ", out);
				who(out, h, a, hosts);
				fputs(is_must_keep(r, a->user) ? " (must keep)\n" : "\n", out);
				cause_text(out, h, a->cause, "now blocked by");
			} else if (a->before == PF_REFUSED && a->after == PF_OK) {
				fputs("GAINS key login: ", out);
				who(out, h, a, hosts);
				fputc('\n', out);
				cause_text(out, h, a->cause, "no longer blocked by");
			} else if (a->after == PF_REFUSED && is_must_keep(r, a->user)) {
				fputs("MUST KEEP, refused before and after: ", out);
				who(out, h, a, hosts);
				fputc('\n', out);
				cause_text(out, h, a->cause, "blocked by");
			} else if (a->after == PF_OK)
				ok++;
			else
				refused++;
		}
		for (size_t k = 0; k < h->findings.nfindings; k++) {
			const struct ka_finding *f = &h->findings.findings[k];

			fprintf(out, "%s %s: ", severity_name(f->severity), f->rule->id);
			if (hosts) {
				put_t(out, h->target);
				fputs(": ", out);
			}
			put_t(out, f->message);
			fputc('\n', out);
		}
	}
	fprintf(out, "unchanged: %zu account%s keep key login, %zu stay refused\n",
	    ok, ok == 1 ? "" : "s", refused);
	fprintf(out, "%zu lose key login, %zu gain it, %zu unchanged", r->lose, r->gain,
	    r->unchanged);
	if (r->not_evaluated > 0)
		fprintf(out, "; %zu host%s not evaluated", r->not_evaluated,
		    r->not_evaluated == 1 ? "" : "s");
	fprintf(out, ": exit %d\n", r->exit_code);
	return ferror(out) ? -1 : 0;
}

/* ---- JUnit ------------------------------------------------------------------- */

static void
put_x(FILE *out, const char *s)
{
	char *p = str_printable(s ? s : "", s ? strlen(s) : 0);

	for (const char *c = p; *c != '\0'; c++)
		switch (*c) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&apos;", out); break;
		default: fputc(*c, out);
		}
	free(p);
}

int
pf_report_junit(FILE *out, const struct pf_report *r)
{
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"keyaudit preflight\">\n",
	    out);
	for (size_t i = 0; i < r->nhosts; i++) {
		const struct pf_host *h = &r->hosts[i];
		size_t fails = 0;

		for (size_t j = 0; j < h->nacc; j++)
			fails += (h->acc[j].before == PF_OK && h->acc[j].after == PF_REFUSED) ||
			    (h->acc[j].after == PF_REFUSED && is_must_keep(r, h->acc[j].user));
		fputs("  <testsuite name=\"", out);
		put_x(out, h->target);
		fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%d\">\n",
		    h->nacc + (h->error != NULL), fails, h->error != NULL);
		if (h->error != NULL) {
			fputs("    <testcase classname=\"preflight\" name=\"host\">\n      "
			    "<error message=\"", out);
			put_x(out, h->error);
			fputs("\"/>\n    </testcase>\n", out);
		}
		for (size_t j = 0; j < h->nacc; j++) {
			const struct pf_account *a = &h->acc[j];
			int lose = a->before == PF_OK && a->after == PF_REFUSED;
			int kept = a->after == PF_REFUSED && is_must_keep(r, a->user);

			fputs("    <testcase classname=\"preflight\" name=\"", out);
			put_x(out, a->user);
			if (a->from != NULL) {
				fputs(" from ", out);
				put_x(out, a->from);
			}
			fputs("\"", out);
			if (!lose && !kept) {
				fputs("/>\n", out);
				continue;
			}
			fputs(">\n      <failure message=\"", out);
			put_x(out, lose ? "loses key login" : "must keep key login: refused after");
			fputs("\">", out);
			if (a->cause >= 0) {
				const struct ka_finding *f = &h->causes.findings[a->cause];
				char *fix = report_fix_text(&f->remedy);

				put_x(out, f->rule->id);
				fputs(": ", out);
				put_x(out, f->message);
				if (fix != NULL) {
					fputs("\nfix: ", out);
					put_x(out, fix);
					free(fix);
				}
			}
			fputs("</failure>\n    </testcase>\n", out);
		}
		fputs("  </testsuite>\n", out);
	}
	fputs("</testsuites>\n", out);
	return ferror(out) ? -1 : 0;
}

/* ---- SARIF ------------------------------------------------------------------- */

static json_t *
sarif_result(const struct ka_finding *f, const char *text, const char *host,
    const char *origin, json_t *rules, const char *level)
{
	json_t *res, *loc = json_array();
	const char *uri = f->path ? f->path : origin;
	size_t idx = json_array_size(rules);

	for (size_t i = 0; i < json_array_size(rules); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(rules, i), "id")),
		    f->rule->id) == 0)
			idx = i;
	if (idx == json_array_size(rules))
		json_array_append_new(rules, json_pack("{s:s, s:{s:s}, s:{s:s}, s:{s:s}}",
		    "id", f->rule->id, "shortDescription", "text", f->rule->title,
		    "fullDescription", "text", f->rule->help ? f->rule->help : f->rule->title,
		    "help", "text", f->rule->help ? f->rule->help : f->rule->title));
	if (uri != NULL) {
		json_t *pl = json_pack("{s:{s:o}}", "artifactLocation", "uri", report_jstr(uri));

		if (f->path != NULL && f->line > 0)
			json_object_set_new(pl, "region", json_pack("{s:I}", "startLine",
			    (json_int_t)f->line));
		json_array_append_new(loc, json_pack("{s:o}", "physicalLocation", pl));
	}
	res = json_pack("{s:s, s:I, s:s, s:{s:o}, s:o, s:{s:o, s:o}}",
	    "ruleId", f->rule->id, "ruleIndex", (json_int_t)idx, "level", level,
	    "message", "text", report_jstr(text), "locations", loc,
	    "properties", "host", report_jstr(host), "user", report_jstr(f->user));
	return res;
}

int
pf_report_sarif(FILE *out, const struct pf_report *r)
{
	json_t *rules = json_array(), *results = json_array(), *o;

	for (size_t i = 0; i < r->nhosts; i++) {
		const struct pf_host *h = &r->hosts[i];

		for (size_t j = 0; j < h->nacc; j++) {
			const struct pf_account *a = &h->acc[j];
			char *m;

			if (!(a->before == PF_OK && a->after == PF_REFUSED) || a->cause < 0)
				continue;
			m = xasprintf("%s%s%s loses key login on %s: %s", a->user,
			    a->from ? " from " : "", a->from ? a->from : "", h->target,
			    h->causes.findings[a->cause].message);
			json_array_append_new(results, sarif_result(&h->causes.findings[a->cause],
			    m, h->target, h->origin, rules, "error"));
			free(m);
		}
		for (size_t k = 0; k < h->findings.nfindings; k++)
			json_array_append_new(results, sarif_result(&h->findings.findings[k],
			    h->findings.findings[k].message, h->target, h->origin, rules,
			    "error"));
	}
	o = json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:s, s:o}}, s:o}]}",
	    "$schema", "https://json.schemastore.org/sarif-2.1.0.json",
	    "version", "2.1.0", "runs", "tool", "driver", "name", "keyaudit",
	    "version", r->version, "informationUri", "https://github.com/keyaudit",
	    "rules", rules, "results", results);
	return put_json(out, o);
}

/* ---- HTML -------------------------------------------------------------------- */

/* A change as the filters see it: losing login is high, a must-keep
 * account refused critical, gaining it medium (a review item), no change
 * info. */
static int
change_sev(const struct pf_report *r, const struct pf_account *a)
{
	if (a->after == PF_REFUSED && is_must_keep(r, a->user))
		return SEV_CRITICAL;
	if (a->before == PF_OK && a->after == PF_REFUSED)
		return SEV_HIGH;
	if (a->before == PF_REFUSED && a->after == PF_OK)
		return SEV_MEDIUM;
	return SEV_INFO;
}

static const char *
change_name(const struct pf_account *a)
{
	if (a->before == PF_OK && a->after == PF_REFUSED)
		return "loses";
	if (a->before == PF_REFUSED && a->after == PF_OK)
		return "gains";
	return "unchanged";
}

static void
html_account(FILE *out, const struct pf_report *r, const struct pf_host *h,
    const struct pf_account *a)
{
	const char *ch = change_name(a);

	fprintf(out, "<div class=\"item acc\" data-sev=\"%d\" data-check=\"%s\" data-user=\"",
	    change_sev(r, a), ch);
	html_put(out, a->user);
	fputs("\" data-from=\"", out);
	html_put(out, a->from);
	fputs("\"><div class=\"fh\">", out);
	html_sev_badge(out, change_sev(r, a));
	fprintf(out, " <b>%s key login</b> <span class=\"u\">", ch);
	html_put(out, a->user);
	fputs("</span>", out);
	if (a->from != NULL) {
		fputs(" from <code>", out);
		html_put(out, a->from);
		fputs("</code>", out);
	}
	if (is_must_keep(r, a->user))
		fputs(" <span class=\"tag blk\">must keep</span>", out);
	fprintf(out, "</div><dl><dt>key login</dt><dd>%s &rarr; %s</dd>"
	    "<dt>password</dt><dd>%s &rarr; %s</dd>"
	    "<dt>keyboard-interactive</dt><dd>%s &rarr; %s</dd></dl>",
	    login_name(a->before), login_name(a->after),
	    a->pw_before ? "allowed" : "refused", a->pw_after ? "allowed" : "refused",
	    a->kbd_before ? "allowed" : "refused", a->kbd_after ? "allowed" : "refused");
	if (a->cause >= 0 && (size_t)a->cause < h->causes.nfindings) {
		fputs("<h3>cause</h3>", out);
		html_put_finding(out, &h->causes.findings[a->cause], 0);
	}
	fputs("</div>\n", out);
}

int
pf_report_html(FILE *out, const struct pf_report *r)
{
	html_page_open(out, "keyaudit preflight report",
	    "who loses or gains key login with the proposed change", HTML_FILTERS);
	fputs("<section id=\"summary\" class=\"box\"><h2>Summary</h2><div class=\"cards\">", out);
	fprintf(out, "<div class=\"card c-lose\"><b>%zu</b>lose key login</div>"
	    "<div class=\"card c-gain\"><b>%zu</b>gain key login</div>"
	    "<div class=\"card c-unchanged\"><b>%zu</b>unchanged</div>"
	    "<div class=\"card c-kept\"><b>%zu</b>must-keep refused</div>"
	    "<div class=\"card c-noteval\"><b>%zu</b>hosts not evaluated</div></div>"
	    "<p class=\"sub\">exit status %d</p></section>\n", r->lose, r->gain, r->unchanged,
	    r->kept_refused, r->not_evaluated, r->exit_code);
	fputs("<main id=\"hosts\" class=\"grps\">\n", out);
	for (size_t i = 0; i < r->nhosts; i++) {
		const struct pf_host *h = &r->hosts[i];
		int worst = -1;

		for (size_t j = 0; j < h->nacc; j++)
			if (change_sev(r, &h->acc[j]) > worst)
				worst = change_sev(r, &h->acc[j]);
		fprintf(out, "<section class=\"grp host\" data-idx=\"%zu\" data-worst=\"%d\" "
		    "data-host=\"", i, worst);
		html_put(out, h->target);
		fputs("\"><div class=\"hh\"><h2 class=\"hn\">", out);
		html_put(out, h->target);
		fprintf(out, "</h2> <span class=\"%s\">%s</span></div><div class=\"body\">",
		    h->error ? "st-bad" : "st-ok", h->error == NULL ? "evaluated" :
		    h->status != HOST_SCANNED ? host_status_name(h->status) : "error");
		if (h->error != NULL) {
			fputs("<p class=\"st-bad msg\">", out);
			html_put(out, h->error);
			fputs("</p>", out);
		}
		for (size_t j = 0; j < h->nacc; j++)
			html_account(out, r, h, &h->acc[j]);
		for (size_t k = 0; k < h->findings.nfindings; k++)
			html_put_finding(out, &h->findings.findings[k], 0);
		fputs("</div></section>\n", out);
	}
	fputs("</main>\n", out);
	html_page_close(out);
	return ferror(out) ? -1 : 0;
}

int
pf_report(FILE *out, const char *format, const struct pf_report *r)
{
	if (strcmp(format, "json") == 0)
		return pf_report_json(out, r);
	if (strcmp(format, "junit") == 0)
		return pf_report_junit(out, r);
	if (strcmp(format, "sarif") == 0)
		return pf_report_sarif(out, r);
	if (strcmp(format, "html") == 0)
		return pf_report_html(out, r);
	return pf_report_text(out, r);
}
