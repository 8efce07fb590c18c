/* remedy.c - building and rendering the actions of a finding (remedy.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/remedy.h"

static void
action_free(struct ka_action *a)
{
	strlist_free(&a->argv);
	free(a->target.path);
	free(a->text);
	free(a->file);
	free(a->old);
	free(a->repl);
	free(a->config);
}

void
remedy_free(struct ka_remedy *r)
{
	for (size_t i = 0; i < r->n; i++)
		action_free(&r->v[i]);
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

void
remedy_copy(struct ka_remedy *dst, const struct ka_remedy *src)
{
	dst->n = src->n;
	dst->v = src->n ? xcalloc(src->n, sizeof(*dst->v)) : NULL;
	for (size_t i = 0; i < src->n; i++) {
		const struct ka_action *s = &src->v[i];
		struct ka_action *d = &dst->v[i];

		*d = *s;
		memset(&d->argv, 0, sizeof(d->argv));
		for (size_t j = 0; j < s->argv.n; j++)
			strlist_add(&d->argv, s->argv.v[j]);
		d->target.path = dup_or_null(s->target.path);
		d->text = dup_or_null(s->text);
		d->file = dup_or_null(s->file);
		d->old = dup_or_null(s->old);
		d->repl = dup_or_null(s->repl);
		d->config = dup_or_null(s->config);
	}
}

static struct ka_action *
add(struct ka_remedy *r, enum ka_act_kind kind)
{
	struct ka_action *a;

	r->v = xreallocarray(r->v, r->n + 1, sizeof(*r->v));
	a = &r->v[r->n++];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	return a;
}

struct ka_action *
remedy_run(struct ka_remedy *r, enum ka_act_where where, int as_user,
    const char *arg0, ...)
{
	struct ka_action *a;
	const char *w;
	va_list ap;

	if (r == NULL)
		return NULL;
	a = add(r, ACT_RUN);
	a->where = where;
	a->as_user = as_user;
	va_start(ap, arg0);
	for (w = arg0; w != NULL; w = va_arg(ap, const char *))
		strlist_add(&a->argv, w);
	va_end(ap);
	return a;
}

struct ka_action *
remedy_manual(struct ka_remedy *r, const char *fmt, ...)
{
	struct ka_action *a;
	va_list ap;

	if (r == NULL)
		return NULL;
	a = add(r, ACT_MANUAL);
	va_start(ap, fmt);
	a->text = xvasprintf(fmt, ap);
	va_end(ap);
	return a;
}

struct ka_action *
remedy_decide(struct ka_remedy *r, const char *const *argv, const char *fmt, ...)
{
	struct ka_action *a, cmd = { 0 };
	char *why, *c;
	va_list ap;

	if (r == NULL)
		return NULL;
	va_start(ap, fmt);
	why = xvasprintf(fmt, ap);
	va_end(ap);
	cmd.kind = ACT_RUN;
	for (size_t i = 0; argv[i] != NULL; i++)
		strlist_add(&cmd.argv, argv[i]);
	c = action_command(&cmd);
	a = remedy_manual(r, "%s%s%s", why, c ? ": " : "", c ? c : "");
	free(c);
	free(why);
	strlist_free(&cmd.argv);
	return a;
}

void
action_target(struct ka_action *a, const char *path, char type, uint32_t uid)
{
	if (a == NULL)
		return;
	free(a->target.path);
	a->target.path = xstrdup(path);
	a->target.type = type;
	a->target.uid = uid;
}

struct ka_action *
remedy_edit(struct ka_remedy *r, int as_user, const char *file, long line,
    const char *old, const char *repl, const char *config, const char *text)
{
	struct ka_action *a;

	if (r == NULL)
		return NULL;
	a = add(r, ACT_EDIT);
	a->as_user = as_user;
	a->file = xstrdup(file);
	a->line = line;
	a->old = dup_or_null(old);
	a->repl = dup_or_null(repl);
	a->config = dup_or_null(config);
	a->text = dup_or_null(text);
	return a;
}

long
action_old_lines(const struct ka_action *a)
{
	long n = 1;

	if (a->kind != ACT_EDIT || a->old == NULL)
		return 0;
	for (const char *p = a->old; *p; p++)
		if (*p == '\n')
			n++;
	return n;
}

int
remedy_word_ok(const char *s)
{
	if (s == NULL || *s == '\0' || *s == '-')
		return 0;
	/* quoted, any byte is one word to the shell; but a person reads the
	 * command before pasting it, and a bidi override or a byte that is no
	 * UTF-8 makes it read as another command */
	return str_shows_as_is(s, strlen(s));
}

char *
action_command(const struct ka_action *a)
{
	struct buf b;

	if (a->kind != ACT_RUN || a->argv.n == 0)
		return NULL;
	buf_init(&b);
	for (size_t i = 0; i < a->argv.n; i++) {
		char *q = shell_quote(a->argv.v[i]);

		if (i > 0)
			buf_putc(&b, ' ');
		buf_puts(&b, q);
		free(q);
	}
	return buf_steal(&b);
}

/* An edit as a sentence: "in F line N, change 'OLD' to 'NEW'", "in F
 * lines N-M, join 'A' and 'B' into 'AB'", "in F line N, delete 'OLD'",
 * "add 'NEW' to F before line N". A wrapped key's parts are shown as they
 * are: the join is what the reader checks. */
static char *
edit_text(const struct ka_action *a)
{
	long n = action_old_lines(a);
	const char *who = a->as_user ? "as the user: " : "";
	char *old, *t, *p;

	if (a->old == NULL)
		return xasprintf("%sadd '%s' to %s before line %ld", who,
		    a->repl ? a->repl : "", a->file, a->line);
	old = xstrdup(a->old);
	for (p = old; (p = strchr(p, '\n')) != NULL; )
		*p = ' ';
	if (a->repl == NULL)
		t = n > 1 ? xasprintf("%sin %s lines %ld-%ld, delete them", who, a->file,
		    a->line, a->line + n - 1) :
		    xasprintf("%sin %s line %ld, delete '%s'", who, a->file, a->line, old);
	else if (n > 1)
		t = xasprintf("%sin %s lines %ld-%ld, join the %ld parts into one line: "
		    "'%s'", who, a->file, a->line, a->line + n - 1, n, a->repl);
	else
		t = xasprintf("%sin %s line %ld, change '%s' to '%s'", who, a->file,
		    a->line, old, a->repl);
	free(old);
	return t;
}

char *
action_text(const struct ka_action *a)
{
	char *cmd, *t;

	switch (a->kind) {
	case ACT_RUN:
		cmd = action_command(a);
		if (cmd == NULL)
			return xstrdup("");
		t = xasprintf("%s%s%s", a->where == ACT_CLIENT ? "on the client: " : "",
		    a->as_user && a->where == ACT_SERVER ? "as the user: " : "", cmd);
		free(cmd);
		return t;
	case ACT_EDIT:
		if (a->text != NULL)
			return xstrdup(a->text);
		return edit_text(a);
	case ACT_MANUAL:
		break;
	}
	return xstrdup(a->text ? a->text : "");
}

/* Commands in a row that run in the same place as the same account read
 * as one line: "on the client: chown u F && chmod 600 F". */
static int
same_place(const struct ka_action *a, const struct ka_action *b)
{
	return a->kind == ACT_RUN && b->kind == ACT_RUN && a->where == b->where &&
	    a->as_user == b->as_user;
}

char *
remedy_text(const struct ka_remedy *r)
{
	struct buf b;

	if (r->n == 0)
		return NULL;
	buf_init(&b);
	for (size_t i = 0; i < r->n; i++) {
		char *t = i > 0 && same_place(&r->v[i - 1], &r->v[i]) ?
		    action_command(&r->v[i]) : action_text(&r->v[i]);

		if (i > 0)
			buf_puts(&b, same_place(&r->v[i - 1], &r->v[i]) ? " && " : "; then ");
		buf_puts(&b, t);
		free(t);
	}
	return buf_steal(&b);
}
