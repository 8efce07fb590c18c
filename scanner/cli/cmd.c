/* cmd.c - the command table, and everything made from it: option parsing
 * (getopt_long built from a command's declared options), --help, the
 * top-level help and the dispatch. A command is a const struct cmd_entry in
 * its cmd_*.c file, listed once below. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/cli/cmd.h"
#include "scanner/parse/reportprev.h"
#include "scanner/parse/baseline.h"
#include "scanner/parse/keyreg.h"
#include "scanner/policy.h"

#ifndef KA_VERSION
#define KA_VERSION "0.0.0"
#endif

extern const struct cmd_entry cmd_diagnose_entry, cmd_scan_entry, cmd_keys_entry,
    cmd_known_hosts_entry, cmd_diff_entry, cmd_collect_entry, cmd_checks_entry,
    cmd_sshd_config_entry, cmd_preflight_entry, cmd_merge_entry;

const struct cmd_entry *const cmd_table[] = {
	&cmd_diagnose_entry,
	&cmd_scan_entry,
	&cmd_keys_entry,
	&cmd_known_hosts_entry,
	&cmd_diff_entry,
	&cmd_merge_entry,
	&cmd_collect_entry,
	&cmd_checks_entry,
	&cmd_sshd_config_entry,
	&cmd_preflight_entry,
	NULL,
};

/* The first column of help and of the help's option lines. */
#define HELP_COL 24
#define HELP_WIDTH 79

void
cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	char *m;

	/* the message echoes arguments and inventory text: ka_eprintf escapes */
	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	if (cmd)
		ka_eprintf("keyaudit: %s (see 'keyaudit %s --help')", m, cmd);
	else
		ka_eprintf("keyaudit: %s", m);
	free(m);
	exit(EXIT_USAGE);
}

void
cli_input_error(const char *msg)
{
	ka_eprintf("keyaudit: %s", msg);
	exit(EXIT_USAGE);
}

static int
letter_of(const struct cmd_option *co)
{
	if (co->letter == -1)
		return 0;
	return co->letter ? co->letter : co->opt->letter;
}

/* "-f, --inventory FILE", "-F FILE", "--quiet" */
static char *
option_label(const struct cmd_option *co)
{
	const struct cli_option *o = co->opt;
	int l = letter_of(co);
	struct buf b;

	buf_init(&b);
	if (l && o->name)
		buf_printf(&b, "-%c, --%s", l, o->name);
	else if (l)
		buf_printf(&b, "-%c", l);
	else
		buf_printf(&b, "--%s", o->name);
	if (o->arg)
		buf_printf(&b, " %s", o->arg);
	return buf_steal(&b);
}

/* "  LABEL   text", the text filled to WIDTH columns from HELP_COL (its
 * newlines are spaces: the table's strings need not be wrapped by hand). */
static void
print_wrapped(FILE *fp, const char *label, const char *text)
{
	const char *p = text;
	int col, start;

	if (strlen(label) + 2 >= HELP_COL - 1)
		col = fprintf(fp, "  %s  ", label);
	else
		col = fprintf(fp, "  %-*s", HELP_COL - 2, label);
	start = col;
	while (*p != '\0') {
		size_t n;

		while (*p == ' ' || *p == '\n')
			p++;
		n = strcspn(p, " \n");
		if (n == 0)
			break;
		if (col > start && col + 1 + (int)n > HELP_WIDTH) {
			fprintf(fp, "\n%*s", HELP_COL, "");
			col = start = HELP_COL;
		}
		col += fprintf(fp, "%s%.*s", col > start ? " " : "", (int)n, p);
		p += n;
	}
	fputc('\n', fp);
}

static char *
formats_text(const struct cmd_entry *ce)
{
	struct buf b;
	size_t n = 0;

	buf_init(&b);
	while (ce->formats[n] != NULL)
		n++;
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ",
		    ce->formats[i], i == 0 ? " (default)" : "");
	return buf_steal(&b);
}

static void
print_help(const struct cmd_entry *ce, FILE *fp)
{
	const char *p = ce->synopsis;

	for (int first = 1; *p != '\0'; first = 0) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);

		fprintf(fp, "%s keyaudit %.*s\n", first ? "usage:" : "      ", (int)n, p);
		p += n + (eol != NULL);
	}
	fprintf(fp, "\n%s", ce->about);
	for (const struct cmd_option *co = ce->options; co->opt || co->help; co++) {
		char *label, *text;

		if (co->opt == NULL) {
			fprintf(fp, "\n%s\n", co->help);
			continue;
		}
		label = option_label(co);
		if (co->opt->type == OT_FORMAT) {
			char *f = formats_text(ce);
			text = xasprintf("%s: %s", co->help ? co->help : co->opt->help, f);
			free(f);
		} else if (co->opt->def != NULL)
			text = xasprintf("%s (default %s)", co->help ? co->help : co->opt->help,
			    co->opt->def);
		else
			text = xstrdup(co->help ? co->help : co->opt->help);
		print_wrapped(fp, label, text);
		free(text);
		free(label);
	}
	if (ce->epilog)
		fprintf(fp, "\n%s", ce->epilog);
}

/* Which commands take option NAME (for "not an option of this command"). */
static char *
owners_of(const char *name, int letter)
{
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; cmd_table[i] != NULL; i++)
		for (const struct cmd_option *co = cmd_table[i]->options; co->opt || co->help;
		    co++)
			if (co->opt && ((name && co->opt->name && strcmp(co->opt->name, name) == 0) ||
			    (!name && letter && letter_of(co) == letter))) {
				buf_printf(&b, "%s%s", b.len ? ", " : "", cmd_table[i]->name);
				break;
			}
	return b.len ? buf_steal(&b) : (buf_free(&b), NULL);
}

static void
unknown_option(const struct cmd_entry *ce, const char *arg, int letter)
{
	char name[64] = "";
	char *owners;

	if (arg != NULL && strncmp(arg, "--", 2) == 0) {
		size_t n = strcspn(arg + 2, "=");
		snprintf(name, sizeof(name), "%.*s", (int)(n < 60 ? n : 60), arg + 2);
	}
	owners = owners_of(name[0] ? name : NULL, name[0] ? 0 : letter);
	if (owners != NULL) {
		char *o = owners;
		cli_usage(ce->name, "%s%s: not an option of '%s' (it belongs to %s)",
		    name[0] ? "--" : "-", name[0] ? name : (char[]){ (char)letter, 0 },
		    ce->name, o);
	}
	if (letter)
		cli_usage(ce->name, "-%c: unknown option or missing argument", letter);
	cli_usage(ce->name, "%s: unknown option or missing argument", arg ? arg : "?");
}

static char *
absolute(const char *cmd, const char *path)
{
	char cwd[PATH_MAX];

	if (path[0] == '/')
		return xstrdup(path);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		cli_usage(cmd, "cannot resolve %s: %s", path, strerror(errno));
	return xasprintf("%s/%s", cwd, path);
}

static void
split_csv(struct strlist *out, const char *arg)
{
	char *copy = xstrdup(arg), *save = NULL, *t;

	for (t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (*t)
			strlist_add(out, t);
	free(copy);
}

static const char *
flag_name(const struct cmd_option *co, char *tmp, size_t n)
{
	if (co->opt->name)
		snprintf(tmp, n, "--%s", co->opt->name);
	else
		snprintf(tmp, n, "-%c", letter_of(co));
	return tmp;
}

/* One option's value into its field; given: how often it came before. */
static void
set_value(const struct cmd_entry *ce, const struct cmd_option *co, const char *v,
    struct cli_args *a, int given, int as_letter)
{
	const struct cli_option *o = co->opt;
	void *field = (char *)a + o->field;
	char nm[64], *err = NULL, *end;
	long n;
	int sev, ok;

	/* errors name the option the way it was typed */
	if (as_letter)
		snprintf(nm, sizeof(nm), "-%c", letter_of(co));
	else
		flag_name(co, nm, sizeof(nm));
	if (given && (o->once || o->type == OT_LOAD))
		cli_usage(ce->name, "%s: give one %s", nm, o->arg ? o->arg : "value");
	if (o->readable && access(v, R_OK) != 0)
		cli_usage(ce->name, "%s %s: %s", nm, v, strerror(errno));
	switch (o->type) {
	case OT_FLAG:
		*(int *)field = 1;
		break;
	case OT_STR:
		*(const char **)field = v;
		break;
	case OT_PATH:
		free(*(char **)field);
		*(char **)field = xstrdup(v);	/* made absolute after parsing */
		break;
	case OT_LIST:
		strlist_add((struct strlist *)field, v);
		break;
	case OT_PATHS:
		strlist_add_owned((struct strlist *)field, absolute(ce->name, v));
		break;
	case OT_CSV:
		split_csv((struct strlist *)field, v);
		break;
	case OT_NUM:
		errno = 0;
		n = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || errno != 0 || n < o->min || n > o->max)
			cli_usage(ce->name, "%s %s: expected a whole number from %ld to %ld",
			    nm, v, o->min, o->max);
		*(int *)field = (int)n;
		break;
	case OT_SEVERITY:
		if ((sev = severity_from_name(v)) < 0)
			cli_usage(ce->name, "%s %s: expected info, low, medium, high or "
			    "critical", nm, v);
		*(enum ka_severity *)field = (enum ka_severity)sev;
		break;
	case OT_FORMAT:
		ok = 0;
		for (size_t i = 0; ce->formats[i] != NULL; i++)
			ok |= strcmp(ce->formats[i], v) == 0;
		if (!ok) {
			char *f = formats_text(ce);
			cli_usage(ce->name, "%s %s: expected %s", nm, v, f);
		}
		*(const char **)field = v;
		break;
	case OT_LOAD:
		if (o->load(v, field, &err) != 0)
			cli_input_error(err);
		break;
	}
}

/* Whether s is one of this command's options as typed ("--sudo",
 * "--via=x", "-i", "-ifile"): getopt hands it over as the value of an
 * option given without one ("--via --sudo"), which then fails later with a
 * message about the wrong word. */
static int
is_option_word(const struct cmd_entry *ce, const char *s)
{
	if (s == NULL || s[0] != '-' || s[1] == '\0')
		return 0;
	for (const struct cmd_option *co = ce->options; co->opt || co->help; co++) {
		size_t n;

		if (co->opt == NULL)
			continue;
		if (s[1] == '-' && co->opt->name != NULL && (n = strlen(co->opt->name)) > 0 &&
		    strncmp(s + 2, co->opt->name, n) == 0 && (s[2 + n] == '\0' || s[2 + n] == '='))
			return 1;
		if (s[1] != '-' && letter_of(co) != 0 && s[1] == letter_of(co))
			return 1;
	}
	return 0;
}

void
cli_parse(const struct cmd_entry *ce, int argc, char **argv, struct cli_args *a)
{
	struct option longopts[64];
	char shortopts[128];
	int given[64];
	size_t nl = 0, ns = 0, nopt = 0;
	const struct cmd_option *opts = ce->options;
	int c, idx;

	memset(a, 0, sizeof(*a));
	memset(given, 0, sizeof(given));
	a->command = ce->name;
	a->unused_days = -1;
	a->fail_on = SEV_HIGH;
	if (ce->formats)
		a->format = ce->formats[0];
	shortopts[ns++] = ':';
	for (const struct cmd_option *co = opts; co->opt || co->help; co++, nopt++) {
		int l;

		if (co->opt == NULL)
			continue;
		if (nl + 1 >= KA_ARRLEN(longopts) || ns + 3 >= sizeof(shortopts) ||
		    nopt >= KA_ARRLEN(given))
			abort();	/* the tables outgrew these arrays */
		if (co->opt->name)
			longopts[nl++] = (struct option){ co->opt->name,
			    co->opt->arg ? required_argument : no_argument, NULL,
			    256 + (int)nopt };
		if ((l = letter_of(co)) != 0) {
			shortopts[ns++] = (char)l;
			if (co->opt->arg)
				shortopts[ns++] = ':';
		}
		if (co->opt->def)
			set_value(ce, co, co->opt->def, a, 0, 0);
	}
	longopts[nl] = (struct option){ NULL, 0, NULL, 0 };
	shortopts[ns] = '\0';

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, &idx)) != -1) {
		const struct cmd_option *co = NULL;
		size_t k = 0;

		if (c >= 256)
			k = (size_t)(c - 256);
		else if (c != '?' && c != ':') {
			for (k = 0; opts[k].opt || opts[k].help; k++)
				if (opts[k].opt && letter_of(&opts[k]) == c)
					break;
		}
		if (c != '?' && c != ':' && (opts[k].opt || opts[k].help))
			co = &opts[k];
		if (co == NULL) {
			if (c == ':') {
				char nm[64];
				if (optopt >= 256)
					k = (size_t)(optopt - 256);
				else
					for (k = 0; opts[k].opt || opts[k].help; k++)
						if (opts[k].opt && optopt != 0 &&
						    letter_of(&opts[k]) == optopt)
							break;
				if (optopt != 0 && opts[k].opt)
					cli_usage(ce->name, "%s needs %s",
					    flag_name(&opts[k], nm, sizeof(nm)), opts[k].opt->arg);
				cli_usage(ce->name, "%s needs an argument", argv[optind - 1]);
			}
			unknown_option(ce, optopt ? NULL : argv[optind - 1], optopt);
		}
		if (co->opt == &opt_help) {
			print_help(ce, stdout);
			exit(0);
		}
		if (co->opt->arg != NULL && is_option_word(ce, optarg)) {
			char nm[64];

			if (c < 256)
				snprintf(nm, sizeof(nm), "-%c", c);
			else
				flag_name(co, nm, sizeof(nm));
			cli_usage(ce->name, "%s needs %s (got the option %s)", nm, co->opt->arg,
			    optarg);
		}
		set_value(ce, co, optarg, a, given[k], c < 256);
		given[k]++;
	}
	for (int i = optind; i < argc; i++)
		strlist_add(&a->positional, argv[i]);
	/* paths made absolute once --root is known */
	for (const struct cmd_option *co = opts; co->opt || co->help; co++) {
		char **field;

		if (co->opt == NULL || co->opt->type != OT_PATH)
			continue;
		field = (char **)((char *)a + co->opt->field);
		if (*field != NULL && !(co->opt->rooted && a->root != NULL)) {
			char *abs = absolute(ce->name, *field);
			free(*field);
			*field = abs;
		}
	}
}

void
cli_args_free(struct cli_args *a)
{
	strlist_free(&a->positional);
	strlist_free(&a->snapshots);
	strlist_free(&a->identities);
	strlist_free(&a->known_hosts);
	strlist_free(&a->host_certs);
	strlist_free(&a->users);
	strlist_free(&a->checks);
	strlist_free(&a->auth_logs);
	strlist_free(&a->via_identities);
	free(a->sshconf_file);
	free(a->sshd_config);
	free(a->proposed_sshd_config);
	free(a->proposed_keys);
	free(a->proposed_root);
	strlist_free(&a->must_keep);
	strlist_free(&a->froms);
	policy_free(a->policy);
	if (a->registry != NULL) {
		keyreg_free(a->registry);
		free(a->registry);
	}
	if (a->previous != NULL) {
		report_previous_free(a->previous);
		free(a->previous);
	}
	if (a->baseline != NULL) {
		baseline_free(a->baseline);
		free(a->baseline);
	}
	memset(a, 0, sizeof(*a));
}

static void
print_main_help(FILE *fp)
{
	fputs("usage: keyaudit COMMAND [options]\n"
	    "\n"
	    "Audit SSH public-key login: why a key login fails, and whether key access is\n"
	    "set up safely. Verdicts follow OpenSSH's own rules (StrictModes, sshd_config,\n"
	    "authorized_keys options).\n"
	    "\n"
	    "commands:\n", fp);
	for (size_t i = 0; cmd_table[i] != NULL; i++)
		print_wrapped(fp, cmd_table[i]->name, cmd_table[i]->summary);
	fputs("\n"
	    "  keyaudit COMMAND --help   options of a command\n"
	    "  keyaudit --version\n"
	    "\n"
	    "exit status: 0 nothing at or above --fail-on, 1 findings at or above it (or a\n"
	    "host that could not be scanned), 2 usage or input error, 3 internal error.\n",
	    fp);
}

int
main(int argc, char **argv)
{
	struct cli_args a;
	const char *cmd;
	int rc;

	if (argc < 2) {
		print_main_help(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("keyaudit %s\n", KA_VERSION);
		return 0;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		print_main_help(stdout);
		return 0;
	}
	for (size_t i = 0; cmd_table[i] != NULL; i++) {
		if (strcmp(cmd_table[i]->name, cmd) != 0)
			continue;
		cli_parse(cmd_table[i], argc - 1, argv + 1, &a);
		rc = cmd_table[i]->exec(&a);
		cli_args_free(&a);
		return rc;
	}
	cli_usage(NULL, "'%s' is not a command; commands: diagnose, scan, keys, known-hosts, "
	    "diff, collect, checks, sshd-config, preflight (see 'keyaudit --help')", cmd);
}
