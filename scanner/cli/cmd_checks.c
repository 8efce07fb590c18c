/* cmd_checks.c - `keyaudit checks`: every rule the registry holds. */
#include <stdio.h>
#include <string.h>

#include "scanner/cli/cmd.h"
#include "checks/check.h"

static const char *const checks_formats[] = { "text", "json", NULL };

static const struct cmd_option checks_options[] = {
	{ &opt_format, "the list", 0 },
	{ &opt_help, NULL, 0 },
	{ NULL, NULL, 0 },
};

const struct cmd_entry cmd_checks_entry = {
	.name = "checks",
	.synopsis = "checks [--format text|json]",
	.summary = "list every check: id, severity, blocks-login, title",
	.about =
	"List every check keyaudit runs: its id (use with --checks), default\n"
	"severity, whether it alone makes the key login fail, and what it checks.\n\n",
	.formats = checks_formats,
	.options = checks_options,
	.exec = cmd_checks,
};

int
cmd_checks(struct cli_args *a)
{
	int json = strcmp(a->format, "json") == 0;

	if (a->positional.n > 0)
		cli_usage("checks", "%s: unexpected argument", a->positional.v[0]);
	if (json)
		fputs("[", stdout);
	for (size_t i = 0, n = 0; ka_checks[i] != NULL; i++) {
		const struct ka_check *c = ka_checks[i];
		for (size_t j = 0; j < c->nrules; j++, n++) {
			const struct ka_rule *r = c->rules[j];
			if (json)
				printf("%s\n {\"id\": \"%s\", \"severity\": \"%s\", "
				    "\"blocks_login\": %s, \"opt_in\": %s, \"fleet\": %s, "
				    "\"title\": \"%s\"}",
				    n ? "," : "", r->id, severity_name(r->severity),
				    r->blocks_login ? "true" : "false",
				    r->opt_in ? "true" : "false", r->fleet ? "true" : "false",
				    r->title);
			else
				printf("%-34s %-8s %-13s %s%s\n", r->id,
				    severity_name(r->severity),
				    r->blocks_login ? "blocks-login" : "-", r->title,
				    r->opt_in ? " (off unless a policy enables it)" : "");
		}
	}
	if (json)
		fputs("\n]\n", stdout);
	if (fflush(stdout) != 0 || ferror(stdout))
		return EXIT_INTERNAL;
	return 0;
}
