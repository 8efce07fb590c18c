/* diagnose.c - the two forms of a diagnosis: a short story for a person
 * (one line per step, the cause with its evidence and fix, what sshd
 * logged, what breaks next) and one JSON object for scripts
 * (DESIGN.md: verdict, cause, steps, findings). Everything from the hosts
 * was made printable when it was recorded; it is escaped again here. */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "reports/report.h"
#include "scanner/diagnose.h"

#ifndef KA_VERSION
#define KA_VERSION "0.0.0"
#endif

static const char *
mark(enum diag_status st, int color)
{
	switch (st) {
	case STEP_PASS:
		return color ? "\033[32m\u2714\033[0m" : "\u2714";
	case STEP_FAIL:
		return color ? "\033[1;31m\u2718\033[0m" : "\u2718";
	default:
		return color ? "\033[2m\u2013\033[0m" : "\u2013";
	}
}

static void
print_safe(FILE *fp, const char *s)
{
	char *p = str_printable(s, strlen(s));

	fputs(p, fp);
	free(p);
}

static void
print_finding(FILE *fp, const struct ka_finding *f, const char *lead, int color)
{
	char *fix;

	fprintf(fp, "%s%s%s%s [%s]: ", lead, color ? "\033[1m" : "", f->rule->id,
	    color ? "\033[0m" : "", severity_name(f->severity));
	print_safe(fp, f->message);
	fputc('\n', fp);
	if (f->path != NULL) {
		fprintf(fp, "%*s  where: ", (int)strlen(lead), "");
		print_safe(fp, f->path);
		if (f->line > 0)
			fprintf(fp, ":%ld", f->line);
		fputc('\n', fp);
	}
	if ((fix = report_fix_text(&f->remedy)) != NULL) {
		fprintf(fp, "%*s  fix:   ", (int)strlen(lead), "");
		fputs(fix, fp);
		fputc('\n', fp);
		free(fix);
	}
}

void
diag_print_text(FILE *fp, const struct diag_result *r, int color)
{
	size_t others = 0, next = 0;

	fputs("keyaudit diagnose ", fp);
	if (r->target == NULL || strchr(r->target, '@') == NULL) {
		print_safe(fp, r->user ? r->user : "?");
		fputc('@', fp);
	}
	print_safe(fp, r->target ? r->target : "?");
	if (r->key_desc != NULL) {
		fputs("  key ", fp);
		print_safe(fp, r->key_desc);
	} else if (r->any_key)
		fputs("  key none given (--pubkey KEY.pub judges one)", fp);
	fputs("\n\n", fp);
	for (int i = 0; i < DIAG_STEPS; i++) {
		const struct diag_step *s = &r->steps[i];

		if (s->name == NULL)
			continue;
		fprintf(fp, "  %s %-8s ", mark(s->status, color), s->name);
		print_safe(fp, s->summary ? s->summary : s->status == STEP_SKIP ?
		    "not reached" : "");
		fputc('\n', fp);
	}
	fprintf(fp, "\nverdict: %s%s%s%s%s\n", color ? "\033[1m" : "", r->verdict,
	    color ? "\033[0m" : "", r->any_key ? " for the keys the account's files "
	    "list" : "", r->predicted ? r->any_key ? " (predicted from the server's "
	    "configuration; no key was given, no login was tried)" : " (predicted "
	    "from the server's configuration; no login was tried)" : "");
	if (r->cause >= 0)
		print_finding(fp, &r->hr.findings[r->cause], "cause:   ", color);
	else if (strcmp(r->verdict, "ok") != 0)
		fputs("cause:   not found (see the steps above)\n", fp);
	if (r->log.n > 0) {
		fputs("sshd logged", fp);
		if (r->log_source != NULL) {
			fputs(" (", fp);
			print_safe(fp, r->log_source);
			fputc(')', fp);
		}
		fputs(":\n", fp);
		for (size_t i = 0; i < r->log.n; i++) {
			fputs("  ", fp);
			print_safe(fp, r->log.v[i]);
			fputc('\n', fp);
		}
	}
	if (r->server_hint != NULL) {
		fputs("the server side: ", fp);
		print_safe(fp, r->server_hint);
		fputc('\n', fp);
	}
	for (size_t i = 0; i < r->hr.nfindings; i++) {
		const struct ka_finding *f = &r->hr.findings[i];

		if ((long)i == r->cause)
			continue;
		if (!f->blocks_login) {
			others++;
			continue;
		}
		if (next++ == 0)
			fputs(strcmp(r->verdict, "ok") == 0 ? "\nalso blocking (for other "
			    "keys or later steps):\n" : "\nthen (what breaks next, once "
			    "the cause is fixed):\n", fp);
		print_finding(fp, f, "  ", color);
	}
	if (others > 0)
		fprintf(fp, "\n%zu other finding%s (not blocking this login): "
		    "--format json lists them\n", others, others == 1 ? "" : "s");
}

void
diag_print_json(FILE *fp, const struct diag_result *r)
{
	json_t *o = json_object(), *a, *host;
	char *text;

	json_object_set_new(o, "keyaudit", report_jstr(KA_VERSION));
	json_object_set_new(o, "schema", json_integer(1));
	json_object_set_new(o, "command", json_string("diagnose"));
	json_object_set_new(o, "target", report_jstr(r->target));
	json_object_set_new(o, "user", report_jstr(r->user));
	json_object_set_new(o, "key", report_jstr(r->key_desc));
	json_object_set_new(o, "verdict", json_string(r->verdict));
	json_object_set_new(o, "predicted", json_boolean(r->predicted));
	json_object_set_new(o, "cause", r->cause >= 0 ?
	    report_json_finding(&r->hr.findings[r->cause], r->target) : json_null());
	a = json_array();
	for (int i = 0; i < DIAG_STEPS; i++) {
		const struct diag_step *s = &r->steps[i];
		json_t *so;

		if (s->name == NULL)
			continue;
		so = json_object();
		json_object_set_new(so, "name", json_string(s->name));
		json_object_set_new(so, "status", json_string(s->status == STEP_PASS ?
		    "pass" : s->status == STEP_FAIL ? "fail" : "skip"));
		json_object_set_new(so, "summary", report_jstr(s->summary));
		json_array_append_new(a, so);
	}
	json_object_set_new(o, "steps", a);
	a = json_array();
	for (size_t i = 0; i < r->hr.nfindings; i++)
		if ((long)i != r->cause)
			json_array_append_new(a, report_json_finding(&r->hr.findings[i],
			    r->target));
	json_object_set_new(o, "findings", a);
	a = json_array();
	for (size_t i = 0; i < r->log.n; i++)
		json_array_append_new(a, report_jstr(r->log.v[i]));
	json_object_set_new(o, "log", a);
	json_object_set_new(o, "log_source", report_jstr(r->log_source));
	json_object_set_new(o, "server_hint", report_jstr(r->server_hint));
	host = report_json_host(&r->hr);
	/* the host's status says what happened to this login: ok when it
	 * works, else unreachable, auth-failed or error as in a scan */
	if (strcmp(r->verdict, "ok") == 0)
		json_object_set_new(host, "status", json_string("ok"));
	a = json_array();
	json_array_append_new(a, host);
	json_object_set_new(o, "hosts", a);
	{
		struct ka_summary sum;

		memset(&sum, 0, sizeof(sum));
		sum.fail_on = SEV_HIGH;
		summary_add_host(&sum, &r->hr);
		sum.exit_code = strcmp(r->verdict, "ok") == 0 ? 0 : 1;
		json_object_set_new(o, "summary", report_json_summary(&sum));
	}
	text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (text != NULL) {
		fputs(text, fp);
		fputc('\n', fp);
		free(text);
	}
}
