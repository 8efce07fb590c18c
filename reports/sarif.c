/* sarif.c - SARIF 2.1.0 for code scanning (GitHub and others): one rule per
 * check with its help text, one result per finding. A result about a host
 * points at the inventory file and line that named the host (or the
 * snapshot file), since a code-scanning alert must sit on a file of the
 * repository; the host, user and path on the host are in the message and
 * the properties. partialFingerprints carry finding_identity(), which does
 * not change with the wording or the line, so an alert keeps its identity
 * across runs. Written as it goes, one host at a time. */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "reports/report.h"
#include "checks/check.h"

#ifndef KA_VERSION
#define KA_VERSION "0.0.0"
#endif

struct report {
	FILE *out;
	size_t results;
	struct buf notes;	/* toolExecutionNotifications, as JSON text */
	size_t nnotes;
	int failed;
};

static const char *
level_of(enum ka_severity s)
{
	return s >= SEV_HIGH ? "error" : s == SEV_MEDIUM ? "warning" : "note";
}

/* GitHub's security-severity bands: critical over 9, high 7 to 8.9, medium
 * 4 to 6.9, low under 4. */
static const char *
security_severity(enum ka_severity s)
{
	static const char *const v[] = { "1.0", "3.0", "5.5", "8.0", "9.5" };

	return v[s <= SEV_CRITICAL ? s : SEV_CRITICAL];
}

static void
put(struct report *r, json_t *j, const char *sep)
{
	char *t = j != NULL ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	if (t == NULL) {
		r->failed = 1;
		json_decref(j);
		return;
	}
	if (fprintf(r->out, "%s%s", sep, t) < 0)
		r->failed = 1;
	free(t);
	json_decref(j);
}

static size_t
rule_index(const struct ka_rule *rule)
{
	size_t n = 0;

	for (size_t i = 0; ka_checks[i] != NULL; i++)
		for (size_t j = 0; j < ka_checks[i]->nrules; j++, n++)
			if (ka_checks[i]->rules[j] == rule)
				return n;
	return 0;
}

static struct report *
r_open(FILE *out, const struct report_opts *o)
{
	struct report *r = xcalloc(1, sizeof(*r));
	json_t *rules = json_array(), *driver;
	char *t;

	(void)o;
	r->out = out;
	buf_init(&r->notes);
	for (size_t i = 0; ka_checks[i] != NULL; i++)
		for (size_t j = 0; j < ka_checks[i]->nrules; j++) {
			const struct ka_rule *k = ka_checks[i]->rules[j];

			json_array_append_new(rules, json_pack("{s:s,s:s,s:{s:s},s:{s:s},"
			    "s:{s:s},s:{s:s},s:{s:s,s:[s,s],s:b}}",
			    "id", k->id, "name", k->id,
			    "shortDescription", "text", k->title,
			    "fullDescription", "text", k->help,
			    "help", "text", k->help,
			    "defaultConfiguration", "level", level_of(k->severity),
			    "properties", "security-severity", security_severity(k->severity),
			    "tags", "security", "ssh", "blocks-login", k->blocks_login));
		}
	driver = json_pack("{s:s,s:s,s:s,s:o}", "name", "keyaudit", "version", KA_VERSION,
	    "informationUri", "https://github.com/keyaudit/keyaudit", "rules", rules);
	t = driver ? json_dumps(driver, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	if (t == NULL)
		r->failed = 1;
	if (fprintf(out, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\","
	    "\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":%s},\"results\":[",
	    t ? t : "{\"name\":\"keyaudit\"}") < 0)
		r->failed = 1;
	free(t);
	json_decref(driver);
	return r;
}

/* "FILE:LINE" or "FILE" into a physicalLocation, or NULL. */
static json_t *
location(const char *origin)
{
	const char *colon;
	char *file, *end;
	long line = 0;
	json_t *pl;

	if (origin == NULL || origin[0] == '\0')
		return NULL;
	colon = strrchr(origin, ':');
	if (colon != NULL && colon[1] != '\0' && (line = strtol(colon + 1, &end, 10)) > 0 &&
	    *end == '\0')
		file = xstrndup(origin, (size_t)(colon - origin));
	else {
		file = xstrdup(origin);
		line = 0;
	}
	pl = json_pack("{s:{s:o}}", "artifactLocation", "uri", report_jstr(file));
	if (line > 0)
		json_object_set_new(pl, "region", json_pack("{s:I}", "startLine", (json_int_t)line));
	free(file);
	return pl;
}

/*
 * SARIF's fixes from the remedy's edits (commands and decisions change no
 * file SARIF could point at; they stay in the message and properties.fix):
 * the lines an edit replaces or deletes (old, one line or a wrapped key's
 * lines), or an empty region where an insertion goes. NULL when the
 * remedy has no edit.
 */
static json_t *
sarif_fixes(const struct ka_remedy *rm)
{
	json_t *fixes = json_array();

	for (size_t i = 0; i < rm->n; i++) {
		const struct ka_action *a = &rm->v[i];
		json_t *region, *fix;
		char *desc, *ins;
		long n;

		if (a->kind != ACT_EDIT || a->file == NULL || a->line < 1)
			continue;
		n = action_old_lines(a);
		if (n > 0)
			region = json_pack("{s:I,s:I}", "startLine", (json_int_t)a->line,
			    "endLine", (json_int_t)(a->line + n - 1));
		else
			region = json_pack("{s:I,s:i,s:I,s:i}", "startLine", (json_int_t)a->line,
			    "startColumn", 1, "endLine", (json_int_t)a->line, "endColumn", 1);
		desc = action_text(a);
		/* an insertion adds whole lines; a replacement keeps the line's end */
		ins = n > 0 ? NULL : xasprintf("%s\n", a->repl != NULL ? a->repl : "");
		fix = json_pack("{s:{s:o},s:[{s:{s:o},s:[{s:o,s:{s:o}}]}]}",
		    "description", "text", report_jstr(desc ? desc : "edit"),
		    "artifactChanges", "artifactLocation", "uri", report_jstr(a->file),
		    "replacements", "deletedRegion", region, "insertedContent", "text",
		    report_jstr(ins != NULL ? ins : a->repl != NULL ? a->repl : ""));
		free(desc);
		free(ins);
		if (fix != NULL)
			json_array_append_new(fixes, fix);
	}
	if (json_array_size(fixes) == 0) {
		json_decref(fixes);
		return NULL;
	}
	return fixes;
}

static void
r_host(struct report *r, const struct ka_host_result *h)
{
	char id[65];

	if (h->status != HOST_SCANNED && h->nfindings == 0) {
		json_t *n = json_pack("{s:{s:o},s:s}", "message", "text",
		    report_jstr(h->error ? h->error : "not scanned"), "level", "error");
		char *t = n ? json_dumps(n, JSON_COMPACT) : NULL;

		if (t != NULL) {
			char *host = str_printable(h->target, strlen(h->target));
			/* the host's name leads the message */
			json_t *m = json_object_get(n, "message");
			char *msg = xasprintf("%s: %s", host,
			    json_string_value(json_object_get(m, "text")));

			json_object_set_new(m, "text", report_jstr(msg));
			free(t);
			t = json_dumps(n, JSON_COMPACT);
			buf_printf(&r->notes, "%s%s", r->nnotes++ ? "," : "", t ? t : "{}");
			free(msg);
			free(host);
		}
		free(t);
		json_decref(n);
	}
	for (size_t i = 0; i < h->nfindings; i++) {
		const struct ka_finding *f = &h->findings[i];
		json_t *res, *loc = location(f->origin ? f->origin : h->origin), *props, *fixes;
		char *text, *fix;

		finding_identity(h->target, f, id);
		fix = remedy_text(&f->remedy);
		text = xasprintf("%s: %s%s%s", h->target, f->message, fix ? " Fix: " : "",
		    fix ? fix : "");
		props = json_pack("{s:o,s:o,s:o,s:s,s:b}", "host", report_jstr(h->target),
		    "user", report_jstr(f->user), "path", report_jstr(f->path),
		    "severity", severity_name(f->severity), "blocks_login", f->blocks_login);
		if (f->line > 0)
			json_object_set_new(props, "line", json_integer(f->line));
		if (fix != NULL) {
			char *t = report_fix_text(&f->remedy);

			json_object_set_new(props, "fix", json_string(t));
			free(t);
		}
		free(fix);
		if (f->key_fp != NULL)
			json_object_set_new(props, "key_fp", report_jstr(f->key_fp));
		res = json_pack("{s:s,s:I,s:s,s:{s:o},s:{s:s},s:o}", "ruleId", f->rule->id,
		    "ruleIndex", (json_int_t)rule_index(f->rule), "level", level_of(f->severity),
		    "message", "text", report_jstr(text),
		    "partialFingerprints", "keyaudit/v1", id, "properties", props);
		if (res != NULL && (fixes = sarif_fixes(&f->remedy)) != NULL)
			json_object_set_new(res, "fixes", fixes);
		if (res != NULL && f->baselined != NULL)
			json_object_set_new(res, "suppressions", json_pack("[{s:s,s:o}]",
			    "kind", "external", "justification", report_jstr(f->baselined)));
		if (res != NULL)
			json_object_set_new(res, "locations", json_pack("[{s:o*,s:[{s:o,s:s}]}]",
			    "physicalLocation", loc, "logicalLocations", "name",
			    report_jstr(h->target), "kind", "resource"));
		else
			json_decref(loc);
		put(r, res, r->results++ ? "," : "");
		free(text);
	}
}

static int
r_close(struct report *r, const struct ka_summary *s)
{
	int rc;

	if (fprintf(r->out, "],\"invocations\":[{\"executionSuccessful\":%s,"
	    "\"exitCode\":%d,\"toolExecutionNotifications\":[%s]}]}]}\n",
	    s->hosts_failed == 0 ? "true" : "false", s->exit_code,
	    r->notes.len ? r->notes.data : "") < 0)
		r->failed = 1;
	rc = r->failed || fflush(r->out) != 0 || ferror(r->out) ? -1 : 0;
	buf_free(&r->notes);
	free(r);
	return rc;
}

const struct report_format report_sarif = { "sarif", r_open, r_host, r_close };
