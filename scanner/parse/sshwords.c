/* sshwords.c - OpenSSH's word splitting for configuration lines (misc.c),
 * one copy for both configuration readers. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/parse/sshwords.h"
#include "scanner/util.h"

#define WS " \t\r\n"

char *
ssh_strdelim(char **s)
{
	char *tok, *p;
	int sawequals = 0;

	if (*s == NULL)
		return NULL;
	tok = *s;
	p = strpbrk(tok, WS "\"=");
	if (p == NULL) {
		*s = NULL;
		return tok;
	}
	if (*p == '"') {
		memmove(p, p + 1, strlen(p));
		if ((p = strchr(p, '"')) == NULL) {
			*s = NULL;
			return NULL;
		}
		*p = '\0';
		*s = p + 1 + strspn(p + 1, WS);
		return tok;
	}
	if (*p == '=')
		sawequals = 1;
	*p = '\0';
	p += 1 + strspn(p + 1, WS);
	if (*p == '=' && !sawequals)
		p += 1 + strspn(p + 1, WS);
	*s = p;
	return tok;
}

void
ssh_argv_free(char **av, int ac)
{
	for (int i = 0; i < ac; i++)
		free(av[i]);
	free(av);
}

static int
argv_split(const char *s, int max, int comment, char ***avp, int *acp)
{
	char **av = NULL;
	int ac = 0, cap = 0;
	size_t i = 0;

	*avp = NULL;
	*acp = 0;
	for (; s[i] != '\0'; i++) {
		int quote = 0;
		size_t j = 0;
		char *w;

		if (s[i] == ' ' || s[i] == '\t')
			continue;
		if (comment && s[i] == '#')
			break;
		if (ac >= max) {
			ssh_argv_free(av, ac);
			return -2;
		}
		if (ac == cap) {
			cap = cap ? cap * 2 : 8;
			av = xreallocarray(av, (size_t)cap, sizeof(*av));
		}
		w = av[ac++] = xcalloc(1, strlen(s + i) + 1);
		for (; s[i] != '\0'; i++) {
			char ch = s[i], nx = s[i + 1];

			if (ch == '\\') {
				if (nx == '\'' || nx == '"' || nx == '\\' ||
				    (quote == 0 && nx == ' ')) {
					i++;
					w[j++] = nx;
				} else
					w[j++] = ch;
			} else if (quote == 0 && (ch == ' ' || ch == '\t'))
				break;
			else if (quote == 0 && (ch == '"' || ch == '\''))
				quote = ch;
			else if (quote != 0 && ch == quote)
				quote = 0;
			else
				w[j++] = ch;
		}
		if (s[i] == '\0') {
			if (quote != 0) {
				ssh_argv_free(av, ac);
				return -1;
			}
			break;
		}
	}
	*avp = av;
	*acp = ac;
	return 0;
}

int
ssh_argv_split(const char *s, int max, char ***avp, int *acp)
{
	return argv_split(s, max, 1, avp, acp);
}

int
ssh_argv_split_all(const char *s, int max, char ***avp, int *acp)
{
	return argv_split(s, max, 0, avp, acp);
}

struct ssh_directive *
ssh_directives_add(struct ssh_directives *l, const char *file, int line,
    const char *keyword, const char *rest, int max_args)
{
	struct ssh_directive *d;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	d = &l->v[l->n++];
	memset(d, 0, sizeof(*d));
	d->file = file;
	d->line = line;
	d->spelled = xstrdup(keyword);
	d->keyword = xstrdup(keyword);
	for (char *c = d->keyword; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	d->args = xstrdup(rest ? rest : "");
	if (ssh_argv_split(d->args, max_args, &d->av, &d->ac) != 0) {
		d->av = NULL;
		d->ac = -1;
	}
	d->block = -1;
	return d;
}

void
ssh_directives_free(struct ssh_directives *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].keyword);
		free(l->v[i].spelled);
		free(l->v[i].args);
		ssh_argv_free(l->v[i].av, l->v[i].ac > 0 ? l->v[i].ac : 0);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}
