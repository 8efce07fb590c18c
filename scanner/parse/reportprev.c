/* reportprev.c - findings of a JSON scan report by identity
 * (reportprev.h), for `keyaudit diff` and the HTML report's trend; each bad
 * place named by its JSON path. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "scanner/parse/reportprev.h"

static const char *
jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

void
report_doc_identity(json_t *f, const char *host, char out[65])
{
	struct ka_rule rule = { .id = jstr(f, "check") ? jstr(f, "check") : "?",
	    .title = "", .help = "" };
	struct ka_finding k;

	memset(&k, 0, sizeof(k));
	k.rule = &rule;
	k.user = (char *)jstr(f, "user");
	k.path = (char *)jstr(f, "path");
	k.key_fp = (char *)jstr(f, "key_fp");
	finding_identity(host, &k, out);
}

static char *
printable(const char *s)
{
	return s != NULL ? str_printable(s, strlen(s)) : NULL;
}

void
report_finding_identity(const char *host, const struct ka_finding *f, char out[65])
{
	struct ka_finding k;
	char *h = printable(host);

	memset(&k, 0, sizeof(k));
	k.rule = f->rule;
	k.user = printable(f->user);
	k.path = printable(f->path);
	k.key_fp = printable(f->key_fp);
	finding_identity(h, &k, out);
	free(k.user);
	free(k.path);
	free(k.key_fp);
	free(h);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* One finding of hosts[i]; -1 with *err naming its path. */
static int
add_finding(struct report_previous *p, json_t *f, const char *host, size_t i, size_t j,
    char **err)
{
	struct prev_finding *pf;
	char id[65];
	size_t k;
	int sev;

	if (!json_is_object(f) || jstr(f, "check") == NULL || jstr(f, "severity") == NULL ||
	    (sev = severity_from_name(jstr(f, "severity"))) < 0) {
		*err = xasprintf("%s: hosts[%zu].findings[%zu]: expected an object with a "
		    "\"check\" and a \"severity\" (info low medium high critical)", p->name, i, j);
		return -1;
	}
	if (p->n >= PREVIOUS_FINDINGS_MAX) {
		*err = xasprintf("%s: more than %d findings", p->name, PREVIOUS_FINDINGS_MAX);
		return -1;
	}
	report_doc_identity(f, host, id);
	if ((k = strmap_add(&p->ids, id, strlen(id), p->n, NULL)) == STRMAP_NONE) {
		*err = xasprintf("%s: more than %d findings", p->name, PREVIOUS_FINDINGS_MAX);
		return -1;
	}
	if ((p->n & (p->n - 1)) == 0)
		p->v = xreallocarray(p->v, p->n ? p->n * 2 : 1, sizeof(*p->v));
	pf = &p->v[p->n++];
	pf->check = xstrdup(jstr(f, "check"));
	pf->host = xstrdup(host);
	pf->user = dup_or_null(jstr(f, "user"));
	pf->path = dup_or_null(jstr(f, "path"));
	pf->severity = sev;
	pf->id = k;
	pf->baselined = json_object_get(f, "baselined") != NULL;
	if (!pf->baselined)
		p->by_severity[sev]++;
	return 0;
}

int
report_previous_parse(const char *name, const char *data, size_t len,
    struct report_previous *p, char **err)
{
	struct report_doc d;
	json_t *h, *fs, *f;
	size_t i, j;

	memset(p, 0, sizeof(*p));
	p->name = xstrdup(name);
	strmap_init(&p->ids, PREVIOUS_FINDINGS_MAX);
	if (report_doc_load(name, data, len, &d, err) != 0)
		goto fail;
	json_array_foreach(d.hosts, i, h) {
		const char *host = jstr(h, "target");

		fs = json_object_get(h, "findings");
		if (host == NULL || !json_is_array(fs)) {
			*err = xasprintf("%s: hosts[%zu]: expected an object with a \"target\" "
			    "string and a \"findings\" array", name, i);
			goto fail_doc;
		}
		if (strcmp(host, "fleet") != 0 || i + 1 != json_array_size(d.hosts))
			p->hosts++;
		json_array_foreach(fs, j, f)
			if (add_finding(p, f, host, i, j, err) != 0)
				goto fail_doc;
	}
	report_doc_free(&d);
	return 0;
fail_doc:
	report_doc_free(&d);
fail:
	report_previous_free(p);
	return -1;
}

void
report_previous_free(struct report_previous *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].check);
		free(p->v[i].host);
		free(p->v[i].user);
		free(p->v[i].path);
	}
	free(p->v);
	free(p->name);
	strmap_free(&p->ids);
	memset(p, 0, sizeof(*p));
}
