/* cmd_diff.c - `keyaudit diff OLD.json NEW.json`: what changed between two
 * scans (their JSON reports): hosts added and removed, host keys changed,
 * authorized keys added and removed, findings new and resolved. Findings
 * are matched by finding_identity (check, host, user, path, key), so a
 * reworded message or a moved line is not "new". Exit 1 when a new finding
 * at or above --fail-on is not accepted by a baseline. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "scanner/cli/cmd.h"
#include "reports/report.h"
#include "scanner/parse/reportprev.h"
#include "reports/htmlpage.h"
#include "scanner/cli/outfile.h"
#include "scanner/fileio.h"

#define DIFF_FILE_MAX (1024u * 1024 * 1024)

static const char *const diff_formats[] = { "text", "json", "html", NULL };

static const struct cmd_option diff_options[] = {
	{ &opt_format, "the changes", 0 },
	{ &opt_html, "also write the changes as an HTML page to FILE", 0 },
	{ &opt_fail_on, "exit 1 when a new finding is at or above it (findings a\n"
	    "baseline accepted do not count)", 0 },
	{ &opt_help, NULL, 0 },
	{ NULL, NULL, 0 },
};

const struct cmd_entry cmd_diff_entry = {
	.name = "diff",
	.synopsis = "diff OLD.json NEW.json [--format text|json|html] [--html FILE]\n"
	    "[--fail-on SEVERITY]",
	.summary = "what changed between two scans (keys, host keys, findings new\n"
	    "and resolved)",
	.about =
	"Compare two scan reports (keyaudit scan --format json or --json FILE): hosts\n"
	"added and removed, host keys changed, authorized keys added and removed,\n"
	"findings new and resolved. A finding is the same finding when its check,\n"
	"host, user, path and key are (not its message or line).\n\n",
	.formats = diff_formats,
	.options = diff_options,
	.epilog = "exit status: 0 nothing new at --fail-on, 1 something is, 2 usage or input error.\n",
	.exec = cmd_diff,
};

struct doc {
	const char *name;
	json_t *root;
	json_t *hosts;	/* array */
};

static int
load(const char *path, struct doc *d, char **err)
{
	struct report_doc rd;
	struct buf b;
	int rc;

	d->name = path;
	d->root = NULL;
	buf_init(&b);
	rc = read_input_file(path, DIFF_FILE_MAX, &b, err);
	if (rc == 0)
		rc = report_doc_load(path, b.data, b.len, &rd, err);
	buf_free(&b);
	if (rc != 0)
		return -1;
	d->root = rd.root;
	d->hosts = rd.hosts;
	return 0;
}

static const char *
str(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static json_t *
host_named(const struct doc *d, const char *target)
{
	size_t i;
	json_t *h;

	json_array_foreach(d->hosts, i, h)
		if (str(h, "target") != NULL && strcmp(str(h, "target"), target) == 0)
			return h;
	return NULL;
}

static void
identity(json_t *f, const char *host, char out[65])
{
	report_doc_identity(f, host, out);
}

/* Does array a hold a finding with this identity? */
static int
has_finding(json_t *a, const char *host, const char *id)
{
	size_t i;
	json_t *f;
	char other[65];

	json_array_foreach(a, i, f) {
		identity(f, host, other);
		if (strcmp(other, id) == 0)
			return 1;
	}
	return 0;
}

static int
same_key(json_t *a, json_t *b)
{
	const char *ka[] = { "user", "fingerprint", "path" };

	for (size_t i = 0; i < KA_ARRLEN(ka); i++)
		if (str(a, ka[i]) == NULL || str(b, ka[i]) == NULL ||
		    strcmp(str(a, ka[i]), str(b, ka[i])) != 0)
			return 0;
	return 1;
}

static int
has_key(json_t *a, json_t *k)
{
	size_t i;
	json_t *x;

	json_array_foreach(a, i, x)
		if (same_key(x, k))
			return 1;
	return 0;
}

struct result {
	json_t *hosts_added, *hosts_removed, *hostkeys, *keys_added, *keys_removed,
	    *new_findings, *resolved;
	size_t failing;
};

static void
compare_host(struct result *r, json_t *oh, json_t *nh, const char *target, int fail_on)
{
	json_t *of = json_object_get(oh, "findings"), *nf = json_object_get(nh, "findings");
	json_t *ok_ = json_object_get(oh, "keys"), *nk = json_object_get(nh, "keys"), *x;
	const char *ohk = str(oh, "hostkey"), *nhk = str(nh, "hostkey");
	char id[65];
	size_t i;

	if (ohk != NULL && nhk != NULL && strcmp(ohk, nhk) != 0)
		json_array_append_new(r->hostkeys, json_pack("{s:s,s:s,s:s}", "host", target,
		    "old", ohk, "new", nhk));
	json_array_foreach(nf, i, x) {
		identity(x, target, id);
		if (!has_finding(of, target, id)) {
			int sev = severity_from_name(str(x, "severity") ? str(x, "severity") : "");

			json_array_append(r->new_findings, x);
			if (sev >= fail_on && json_object_get(x, "baselined") == NULL)
				r->failing++;
		}
	}
	json_array_foreach(of, i, x) {
		identity(x, target, id);
		if (!has_finding(nf, target, id))
			json_array_append(r->resolved, x);
	}
	/* a host that could not be collected has no keys: not "all removed" */
	if (!json_is_array(ok_) || !json_is_array(nk) ||
	    json_array_size(ok_) + json_array_size(nk) == 0)
		return;
	if (str(nh, "status") == NULL || strcmp(str(nh, "status"), "scanned") != 0 ||
	    str(oh, "status") == NULL || strcmp(str(oh, "status"), "scanned") != 0)
		return;
	json_array_foreach(nk, i, x)
		if (!has_key(ok_, x)) {
			json_t *k = json_deep_copy(x);
			json_object_set_new(k, "host", json_string(target));
			json_array_append_new(r->keys_added, k);
		}
	json_array_foreach(ok_, i, x)
		if (!has_key(nk, x)) {
			json_t *k = json_deep_copy(x);
			json_object_set_new(k, "host", json_string(target));
			json_array_append_new(r->keys_removed, k);
		}
}

/*
 * The reports compared are files anyone may have written, so every string
 * from them is shown through str_terminal: keyaudit's own reports carry
 * text already made printable (its backslashes pass unchanged, so "\x1b"
 * reads as it did in the scan), and a raw escape, bidi character or line
 * break in a forged one is escaped here.
 */
static void
put(const char *s)
{
	char *t = str_terminal(s != NULL ? s : "?");

	fputs(t, stdout);
	free(t);
}

/* printf-style line whose %s arguments are all shown through put(): the
 * words in fmt are keyaudit's own. */
static void
line(const char *fmt, ...)
{
	va_list ap;
	char *m, *t;

	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	t = str_terminal(m);
	printf("%s\n", t);
	free(t);
	free(m);
}

static void
print_finding(json_t *f, const char *mark)
{
	printf("  %s ", mark);
	put(str(f, "host"));
	fputs(" [", stdout);
	put(str(f, "severity"));
	fputs("] ", stdout);
	put(str(f, "check"));
	fputs(": ", stdout);
	put(str(f, "message") ? str(f, "message") : "");
	printf("%s\n", json_object_get(f, "baselined") ? " (baselined)" : "");
}

static void
print_key(json_t *k, const char *mark)
{
	const char *p[] = { str(k, "host"), str(k, "user"), str(k, "type"),
	    str(k, "fingerprint"), str(k, "path") };

	printf("  %s", mark);
	for (int i = 0; i < 4; i++) {
		fputc(' ', stdout);
		put(p[i]);
	}
	fputs(" (", stdout);
	put(p[4]);
	printf(":%lld)\n", (long long)json_integer_value(json_object_get(k, "line")));
}

/* Every string (and object key) of j through str_terminal, for the JSON
 * form: the encoder escapes C0 controls but writes C1 and bidi
 * characters raw. */
static json_t *
terminal_json(json_t *j)
{
	json_t *o, *v;
	const char *k;
	size_t i;
	char *t;

	if (json_is_string(j)) {
		t = str_terminal(json_string_value(j));
		o = json_string(t);
		free(t);
		return o != NULL ? o : json_null();
	}
	if (json_is_array(j)) {
		o = json_array();
		json_array_foreach(j, i, v)
			json_array_append_new(o, terminal_json(v));
		return o;
	}
	if (json_is_object(j)) {
		o = json_object();
		json_object_foreach(j, k, v) {
			t = str_terminal(k);
			json_object_set_new(o, t, terminal_json(v));
			free(t);
		}
		return o;
	}
	return json_incref(j);
}

static void
free_result(struct result *r)
{
	json_decref(r->hosts_added);
	json_decref(r->hosts_removed);
	json_decref(r->hostkeys);
	json_decref(r->keys_added);
	json_decref(r->keys_removed);
	json_decref(r->new_findings);
	json_decref(r->resolved);
}

static void
print_text(const struct result *r, const char *oldn, const char *newn, int fail_on)
{
	size_t i;
	json_t *x;

	line("keyaudit diff %s -> %s", oldn, newn);
	if (json_array_size(r->hosts_added) + json_array_size(r->hosts_removed) > 0) {
		printf("hosts\n");
		json_array_foreach(r->hosts_added, i, x)
			line("  + %s", json_string_value(x));
		json_array_foreach(r->hosts_removed, i, x)
			line("  - %s", json_string_value(x));
	}
	if (json_array_size(r->hostkeys) > 0) {
		printf("host keys changed (%zu)\n", json_array_size(r->hostkeys));
		json_array_foreach(r->hostkeys, i, x)
			line("  ~ %s: %s -> %s", str(x, "host"), str(x, "old"), str(x, "new"));
	}
	if (json_array_size(r->keys_added) + json_array_size(r->keys_removed) > 0) {
		printf("authorized keys (%zu added, %zu removed)\n",
		    json_array_size(r->keys_added), json_array_size(r->keys_removed));
		json_array_foreach(r->keys_added, i, x)
			print_key(x, "+");
		json_array_foreach(r->keys_removed, i, x)
			print_key(x, "-");
	}
	if (json_array_size(r->new_findings) > 0) {
		printf("new findings (%zu)\n", json_array_size(r->new_findings));
		json_array_foreach(r->new_findings, i, x)
			print_finding(x, "+");
	}
	if (json_array_size(r->resolved) > 0) {
		printf("resolved findings (%zu)\n", json_array_size(r->resolved));
		json_array_foreach(r->resolved, i, x)
			print_finding(x, "-");
	}
	printf("%zu new finding%s at or above %s: exit %d\n", r->failing,
	    r->failing == 1 ? "" : "s", severity_name((enum ka_severity)fail_on),
	    r->failing ? 1 : 0);
}

/* ---- HTML: the same result as a page (htmlpage.h) ---------------------------- */

static void
hput(FILE *out, json_t *o, const char *k)
{
	html_put_terminal(out, str(o, k));
}

static void
html_dd(FILE *out, const char *label, json_t *o, const char *k, int code)
{
	if (str(o, k) == NULL)
		return;
	fprintf(out, "<dt>%s</dt><dd>%s", label, code ? "<code>" : "");
	hput(out, o, k);
	fprintf(out, "%s</dd>", code ? "</code>" : "");
}

static void
html_finding(FILE *out, json_t *f, const char *mark)
{
	int sev = severity_from_name(str(f, "severity") ? str(f, "severity") : "");
	json_t *line = json_object_get(f, "line");

	fprintf(out, "<div class=\"item f\" data-sev=\"%d\" data-check=\"", sev);
	hput(out, f, "check");
	fputs("\" data-host=\"", out);
	hput(out, f, "host");
	fputs("\" data-user=\"", out);
	hput(out, f, "user");
	fputs("\" data-path=\"", out);
	hput(out, f, "path");
	fprintf(out, "\"><div class=\"fh\"><span class=\"tag\">%s</span> ", mark);
	html_sev_badge(out, sev);
	fputs(" <code class=\"ck\">", out);
	hput(out, f, "check");
	fputs("</code>", out);
	if (json_is_true(json_object_get(f, "blocks_login")))
		fputs(" <span class=\"tag blk\">blocks login</span>", out);
	if (json_object_get(f, "baselined") != NULL)
		fputs(" <span class=\"tag\">baselined</span>", out);
	fputs("</div><dl>", out);
	html_dd(out, "host", f, "host", 0);
	html_dd(out, "user", f, "user", 0);
	if (str(f, "path") != NULL) {
		fputs("<dt>where</dt><dd><code class=\"p\">", out);
		hput(out, f, "path");
		if (json_is_integer(line))
			fprintf(out, ":%lld", (long long)json_integer_value(line));
		fputs("</code></dd>", out);
	}
	fputs("</dl><p class=\"msg\">", out);
	hput(out, f, "message");
	fputs("</p>", out);
	if (str(f, "fix") != NULL) {
		fputs("<pre class=\"fix\"><code>", out);
		hput(out, f, "fix");
		fputs("</code></pre>", out);
	}
	fputs("</div>\n", out);
}

static void
html_key(FILE *out, json_t *k, const char *mark)
{
	fprintf(out, "<div class=\"item key\" data-check=\"keys-%s\" data-host=\"",
	    strcmp(mark, "added") == 0 ? "added" : "removed");
	hput(out, k, "host");
	fputs("\" data-user=\"", out);
	hput(out, k, "user");
	fputs("\" data-fp=\"", out);
	hput(out, k, "fingerprint");
	fprintf(out, "\"><div class=\"fh\"><span class=\"tag\">%s</span> <code>", mark);
	hput(out, k, "type");
	fputs(" ", out);
	hput(out, k, "fingerprint");
	fputs("</code></div><dl>", out);
	html_dd(out, "host", k, "host", 0);
	html_dd(out, "user", k, "user", 0);
	fputs("<dt>where</dt><dd><code>", out);
	hput(out, k, "path");
	fprintf(out, ":%lld</code></dd></dl></div>\n",
	    (long long)json_integer_value(json_object_get(k, "line")));
}

/* A group of the page: a heading and its items, or nothing when empty. */
static void
html_group(FILE *out, size_t idx, const char *id, const char *title, json_t *a,
    void (*item)(FILE *, json_t *, const char *), const char *mark)
{
	size_t i;
	json_t *x;

	fprintf(out, "<section class=\"grp\" id=\"%s\" data-idx=\"%zu\"><div class=\"hh\">"
	    "<h2>%s (%zu)</h2></div><div class=\"body\">", id, idx, title, json_array_size(a));
	if (json_array_size(a) == 0)
		fputs("<p class=\"empty\">none</p>", out);
	json_array_foreach(a, i, x)
		item(out, x, mark);
	fputs("</div></section>\n", out);
}

static void
html_hostname(FILE *out, json_t *x, const char *mark)
{
	fprintf(out, "<div class=\"item hostchg\" data-check=\"hosts-%s\" data-host=\"", mark);
	html_put_terminal(out, json_string_value(x));
	fprintf(out, "\"><span class=\"tag\">%s</span> ", mark);
	html_put_terminal(out, json_string_value(x));
	fputs("</div>\n", out);
}

static void
html_hostkey(FILE *out, json_t *x, const char *mark)
{
	(void)mark;
	fputs("<div class=\"item hostkey\" data-check=\"hostkey-changed\" data-host=\"", out);
	hput(out, x, "host");
	fputs("\"><dl>", out);
	html_dd(out, "host", x, "host", 0);
	html_dd(out, "before", x, "old", 1);
	html_dd(out, "now", x, "new", 1);
	fputs("</dl></div>\n", out);
}

static int
print_html(FILE *out, const struct result *r, const char *oldn, const char *newn, int fail_on)
{
	struct buf sub;

	buf_init(&sub);
	buf_puts(&sub, "");
	buf_printf(&sub, "%s -> %s", oldn, newn);
	html_page_open(out, "keyaudit diff", sub.data, HTML_FILTERS);
	buf_free(&sub);
	fprintf(out, "<section id=\"summary\" class=\"box\"><h2>Summary</h2><div class=\"cards\">"
	    "<div class=\"card c-new\"><b>%zu</b>new findings</div>"
	    "<div class=\"card c-resolved\"><b>%zu</b>resolved findings</div>"
	    "<div class=\"card c-failing\"><b>%zu</b>new at or above %s</div>"
	    "<div class=\"card c-hostkeys\"><b>%zu</b>host keys changed</div>"
	    "<div class=\"card c-keys\"><b>%zu / %zu</b>keys added / removed</div>"
	    "<div class=\"card c-hosts\"><b>%zu / %zu</b>hosts added / removed</div></div>"
	    "<p class=\"sub\">exit status %d</p></section>\n",
	    json_array_size(r->new_findings), json_array_size(r->resolved), r->failing,
	    severity_name((enum ka_severity)fail_on), json_array_size(r->hostkeys),
	    json_array_size(r->keys_added), json_array_size(r->keys_removed),
	    json_array_size(r->hosts_added), json_array_size(r->hosts_removed),
	    r->failing ? 1 : 0);
	fputs("<main id=\"changes\" class=\"grps\">\n", out);
	html_group(out, 0, "new-findings", "New findings", r->new_findings, html_finding, "new");
	html_group(out, 1, "resolved-findings", "Resolved findings", r->resolved, html_finding,
	    "resolved");
	html_group(out, 2, "hostkeys-changed", "Host keys changed", r->hostkeys, html_hostkey, "");
	html_group(out, 3, "keys-added", "Authorized keys added", r->keys_added, html_key, "added");
	html_group(out, 4, "keys-removed", "Authorized keys removed", r->keys_removed, html_key,
	    "removed");
	html_group(out, 5, "hosts-added", "Hosts added", r->hosts_added, html_hostname, "added");
	html_group(out, 6, "hosts-removed", "Hosts removed", r->hosts_removed, html_hostname,
	    "removed");
	fputs("</main>\n", out);
	html_page_close(out);
	return ferror(out) ? -1 : 0;
}

struct html_job {
	const struct result *r;
	const char *oldn, *newn;
	int fail_on;
};

static int
html_job_write(FILE *fp, void *arg)
{
	const struct html_job *j = arg;

	return print_html(fp, j->r, j->oldn, j->newn, j->fail_on);
}

/* --html FILE: the page appears whole or not at all (outfile.h). */
static int
write_html(const char *path, const struct result *r, const char *oldn, const char *newn,
    int fail_on)
{
	struct html_job j = { r, oldn, newn, fail_on };

	return outfile_write(path, html_job_write, &j);
}

int
cmd_diff(struct cli_args *a)
{
	struct doc od, nd;
	struct result r;
	const char *format = a->format;
	int fail_on = (int)a->fail_on, rc;
	char *err = NULL;
	size_t i;
	json_t *h;

	if (a->positional.n != 2)
		cli_usage("diff", "expected OLD.json NEW.json");
	if (load(a->positional.v[0], &od, &err) != 0 || load(a->positional.v[1], &nd, &err) != 0) {
		ka_eprintf("keyaudit: %s", err);
		free(err);
		json_decref(od.root);
		return 2;
	}
	r.hosts_added = json_array();
	r.hosts_removed = json_array();
	r.hostkeys = json_array();
	r.keys_added = json_array();
	r.keys_removed = json_array();
	r.new_findings = json_array();
	r.resolved = json_array();
	r.failing = 0;
	json_array_foreach(nd.hosts, i, h) {
		const char *t = str(h, "target");
		json_t *oh;

		if (t == NULL)
			continue;
		if ((oh = host_named(&od, t)) == NULL) {
			json_t *empty = json_pack("{s:[],s:[]}", "findings", "keys");

			json_array_append_new(r.hosts_added, json_string(t));
			compare_host(&r, empty, h, t, fail_on);
			json_decref(empty);
		} else
			compare_host(&r, oh, h, t, fail_on);
	}
	json_array_foreach(od.hosts, i, h) {
		const char *t = str(h, "target");

		if (t != NULL && host_named(&nd, t) == NULL) {
			json_t *empty = json_pack("{s:[],s:[]}", "findings", "keys");

			json_array_append_new(r.hosts_removed, json_string(t));
			compare_host(&r, h, empty, t, fail_on);
			json_decref(empty);
		}
	}
	rc = r.failing > 0 ? 1 : 0;
	if (a->html_file != NULL &&
	    write_html(a->html_file, &r, od.name, nd.name, fail_on) != 0)
		rc = 3;
	if (strcmp(format, "html") == 0) {
		if (print_html(stdout, &r, od.name, nd.name, fail_on) != 0)
			rc = 3;
		free_result(&r);
	} else if (strcmp(format, "json") == 0) {
		json_t *o = json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:{s:I,s:s,s:i}}",
		    "command", "diff", "old", od.name, "new", nd.name,
		    "hosts_added", r.hosts_added, "hosts_removed", r.hosts_removed,
		    "hostkeys_changed", r.hostkeys, "keys_added", r.keys_added,
		    "keys_removed", r.keys_removed, "new_findings", r.new_findings,
		    "resolved_findings", r.resolved, "summary", "failing",
		    (json_int_t)r.failing, "fail_on", severity_name((enum ka_severity)fail_on),
		    "exit_code", rc);
		json_t *shown = o ? terminal_json(o) : NULL;
		char *t = shown ? json_dumps(shown, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;

		json_decref(shown);

		if (t != NULL)
			printf("%s\n", t);
		else
			rc = 3;
		free(t);
		json_decref(o);
	} else {
		print_text(&r, od.name, nd.name, fail_on);
		free_result(&r);
	}
	json_decref(od.root);
	json_decref(nd.root);
	if (fflush(stdout) != 0 || ferror(stdout))
		return 3;
	return rc;
}
