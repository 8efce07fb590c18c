/* finding.c - storage and ordering of findings and per-host results. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <openssl/sha.h>

#include "scanner/finding.h"

static const char *const sev_names[] = { "info", "low", "medium", "high", "critical" };

const char *
severity_name(enum ka_severity s)
{
	if ((size_t)s < KA_ARRLEN(sev_names))
		return sev_names[s];
	return "info";
}

int
severity_from_name(const char *name)
{
	for (size_t i = 0; i < KA_ARRLEN(sev_names); i++)
		if (strcmp(sev_names[i], name) == 0)
			return (int)i;
	return -1;
}

static const char *const status_names[] = { "scanned", "unreachable", "auth-failed", "error" };

const char *
host_status_name(enum ka_host_status s)
{
	if ((size_t)s < KA_ARRLEN(status_names))
		return status_names[s];
	return "error";
}

void
host_result_init(struct ka_host_result *r, const char *target)
{
	memset(r, 0, sizeof(*r));
	r->target = xstrdup(target ? target : "local");
}

static void
finding_free(struct ka_finding *f)
{
	free(f->user);
	free(f->path);
	free(f->message);
	remedy_free(&f->remedy);
	free(f->key_fp);
	free(f->origin);
}

size_t
host_result_drop(struct ka_host_result *r, int (*drop)(const struct ka_finding *, void *),
    void *arg)
{
	size_t keep = 0, n = r->nfindings;

	for (size_t i = 0; i < n; i++) {
		if (drop(&r->findings[i], arg))
			finding_free(&r->findings[i]);
		else
			r->findings[keep++] = r->findings[i];
	}
	r->nfindings = keep;
	return n - keep;
}

void
host_result_free(struct ka_host_result *r)
{
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		finding_free(&r->findings[i]);
	free(r->findings);
	for (i = 0; i < r->nskips; i++) {
		free(r->skips[i].subject);
		free(r->skips[i].reason);
	}
	free(r->skips);
	free(r->ran);
	free(r->target);
	free(r->address);
	free(r->error);
	free(r->origin);
	free(r->hostkey);
	strlist_free(&r->keys);
	memset(r, 0, sizeof(*r));
}

struct ka_finding *
finding_add(struct ka_host_result *r, const struct ka_rule *rule, const char *user,
    const char *path, long line, const char *fix, const char *fmt, ...)
{
	struct ka_finding *f;
	va_list ap;

	if (r->nfindings == r->capfindings) {
		r->capfindings = r->capfindings ? r->capfindings * 2 : 16;
		r->findings = xreallocarray(r->findings, r->capfindings, sizeof(*r->findings));
	}
	f = &r->findings[r->nfindings++];
	memset(f, 0, sizeof(*f));
	f->rule = rule;
	f->severity = rule->severity;
	f->blocks_login = rule->blocks_login;
	f->user = user ? xstrdup(user) : NULL;
	f->path = path ? xstrdup(path) : NULL;
	f->line = line;
	if (fix != NULL)
		remedy_manual(&f->remedy, "%s", fix);
	va_start(ap, fmt);
	f->message = xvasprintf(fmt, ap);
	va_end(ap);
	return f;
}

void
skip_add(struct ka_host_result *r, const struct ka_rule *rule, const char *subject,
    const char *fmt, ...)
{
	struct ka_skip *s;
	va_list ap;

	r->skips = xreallocarray(r->skips, r->nskips + 1, sizeof(*r->skips));
	s = &r->skips[r->nskips++];
	s->rule = rule;
	s->subject = subject ? xstrdup(subject) : NULL;
	va_start(ap, fmt);
	s->reason = xvasprintf(fmt, ap);
	va_end(ap);
}

static int
strcmp_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int
finding_cmp(const void *pa, const void *pb)
{
	const struct ka_finding *a = pa, *b = pb;
	int c;

	if (a->blocks_login != b->blocks_login)
		return b->blocks_login - a->blocks_login;
	if (a->severity != b->severity)
		return (int)b->severity - (int)a->severity;
	if ((c = strcmp(a->rule->id, b->rule->id)) != 0)
		return c;
	if ((c = strcmp_null(a->user, b->user)) != 0)
		return c;
	if ((c = strcmp_null(a->path, b->path)) != 0)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return strcmp(a->message, b->message);
}

void
host_result_sort(struct ka_host_result *r)
{
	if (r->nfindings > 1)
		qsort(r->findings, r->nfindings, sizeof(*r->findings), finding_cmp);
}

int
host_result_max_severity(const struct ka_host_result *r)
{
	int max = -1;

	for (size_t i = 0; i < r->nfindings; i++)
		if ((int)r->findings[i].severity > max)
			max = (int)r->findings[i].severity;
	return max;
}

void
finding_identity(const char *host, const struct ka_finding *f, char out[65])
{
	const char *parts[] = { f->rule->id, host, f->user, f->path, f->key_fp };
	unsigned char md[SHA256_DIGEST_LENGTH];
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < KA_ARRLEN(parts); i++) {
		/* NUL after each part (and "\001" for an absent one) keeps
		 * ("ab", "c") apart from ("a", "bc") */
		if (parts[i] != NULL)
			buf_append(&b, parts[i], strlen(parts[i]) + 1);
		else
			buf_append(&b, "\001", 2);
	}
	SHA256((const unsigned char *)b.data, b.len, md);
	buf_free(&b);
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}
