/* fuzz_inventory.c - libFuzzer target: any bytes as an inventory file (plain
 * list or Ansible INI). A first line "LIMIT=..." becomes the --limit, and
 * every line is also tried as a command-line target: nothing may crash,
 * hang, leak, or let a name with a forbidden character through. */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/parse/inventory.h"
#include "scanner/util.h"

static int
name_ok(const char *s, int colon)
{
	if (s == NULL)
		return 1;
	if (*s == '-' || *s == '\0')
		return 0;
	for (; *s; s++)
		if (!(isascii((unsigned char)*s) && (isalnum((unsigned char)*s) ||
		    *s == '.' || *s == '_' || *s == '-' || (colon && *s == ':'))))
			return 0;
	return 1;
}

static void
check(const struct target *t)
{
	if (!name_ok(t->host, 1) || !name_ok(t->user, 0) || !name_ok(t->address, 1) ||
	    t->port < 0 || t->port > 65535)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct target_list l = { 0 };
	char *limit = NULL, *err = NULL, *text = xstrndup((const char *)data, size);
	const char *body = (const char *)data;
	size_t blen = size;

	if (size > 6 && memcmp(data, "LIMIT=", 6) == 0) {
		const char *nl = memchr(data, '\n', size);
		size_t n = nl ? (size_t)(nl - body) : size;

		limit = xstrndup(body + 6, n - 6);
		body += nl ? n + 1 : n;
		blen -= nl ? n + 1 : n;
	}
	if (inventory_parse(body, blen, "fuzz", limit, &l, &err) == 0) {
		for (size_t i = 0; i < l.n; i++)
			check(&l.v[i]);
	} else if (err == NULL || strchr(err, '\n') != NULL)
		abort();
	free(err);
	target_list_free(&l);
	for (char *line = text, *next; line != NULL; line = next) {
		struct target t;

		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		err = NULL;
		if (target_parse(line, "argument", &t, &err) == 0) {
			check(&t);
			target_free(&t);
		}
		free(err);
	}
	free(text);
	free(limit);
	return 0;
}
