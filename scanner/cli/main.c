/* main.c - the command line: parse options, pick transports, run the engine,
 * feed the report sinks, and turn the outcome into the exit status that
 * scripts rely on (0 clean, 1 findings at or above --fail-on, 2 usage or
 * input error, 3 internal error). */
#include <sys/stat.h>
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/diagnose.h"
#include "scanner/engine.h"
#include "scanner/keylist.h"
#include "scanner/parse/keyreg.h"
#include "scanner/parse/baseline.h"
#include "scanner/cli/cmd_diff.h"
#include "scanner/parse/knownhosts.h"
#include "scanner/parse/policy.h"
#include "scanner/scan.h"
#include "scanner/transport/transport.h"
#include "checks/check.h"
#include "reports/report.h"

#ifndef KA_VERSION
#define KA_VERSION "0.0.0"
#endif

#define EXIT_FINDINGS 1
#define EXIT_USAGE 2
#define EXIT_INTERNAL 3

static void
usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

static void
usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("keyaudit: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, " (see 'keyaudit %s --help')\n", cmd);
	else
		fputc('\n', stderr);
	exit(EXIT_USAGE);
}

static const char main_help[] =
"usage: keyaudit COMMAND [options]\n"
"\n"
"Audit SSH public-key login: why a key login fails, and whether key access is\n"
"set up safely. Verdicts follow OpenSSH's own rules (StrictModes, sshd_config,\n"
"authorized_keys options).\n"
"\n"
"commands:\n"
"  diagnose [user@]host [-i KEY]  why this key login fails, and the fix\n"
"  scan [TARGET...] [options]    audit hosts over SSH, or this machine (default)\n"
"  keys [TARGET...] [-f INVENTORY]  every authorized key, its owner, and when it\n"
"                                was last used (from each host's sshd logs)\n"
"  known-hosts TARGET... [--known-hosts FILE] [--pin FILE]\n"
"                                every host key the hosts offer against known_hosts\n"
"  diff OLD.json NEW.json        what changed between two scans (keys, host keys,\n"
"                                findings new and resolved)\n"
"  collect [TARGET] -o FILE      save a snapshot of one host, check nothing\n"
"  checks                        list every check: id, severity, blocks-login, title\n"
"  sshd-config [-f FILE] [-C SPEC]  print the effective sshd config (sshd -T form)\n"
"\n"
"  keyaudit COMMAND --help       options of a command\n"
"  keyaudit --version\n"
"\n"
"exit status: 0 nothing at or above --fail-on, 1 findings at or above it (or a\n"
"host that could not be scanned), 2 usage or input error, 3 internal error.\n";

static const char scan_help[] =
"usage: keyaudit scan [TARGET...] [-f INVENTORY] [options]\n"
"\n"
"Audit key login on hosts over SSH (one connection and one read-only command\n"
"per host, many hosts at once), on this machine, on an image under --root, or\n"
"in saved snapshots, and report what blocks it and what is unsafe.\n"
"\n"
"targets (none: the local machine):\n"
"  TARGET                [user@]host[:port], [user@][v6addr]:port, an ssh_config\n"
"                        alias, or 'local'\n"
"  -f, --inventory FILE  a host list (one target per line, # comments) or an\n"
"                        Ansible INI inventory (groups, [g:children], ansible_host,\n"
"                        ansible_port, ansible_user, keyaudit_sshd_config)\n"
"  --limit GROUP         only these inventory groups or hosts (comma-separated)\n"
"  --snapshot FILE       audit a snapshot written by 'keyaudit collect' (repeatable)\n"
"\n"
"connecting (ssh_config is honoured as ssh honours it):\n"
"  -F FILE               ssh_config to use instead of ~/.ssh/config and\n"
"                        /etc/ssh/ssh_config\n"
"  -i, --identity FILE   try this private key first (repeatable); then the agent\n"
"                        and ssh_config's IdentityFile\n"
"  -l, --login USER      log in as USER where the target names none\n"
"  -p, --port N          port where the target names none\n"
"  -j, --jobs N          hosts at once (default 32)\n"
"  --timeout SECONDS     per remote host, name lookup to the end of checking\n"
"                        (default 10)\n"
"  --known-hosts FILE    check host keys against FILE (repeatable) instead of\n"
"                        ssh_config's UserKnownHostsFile/GlobalKnownHostsFile.\n"
"                        known_hosts is never written.\n"
"  --accept-unknown-hosts  log in to hosts whose key is in no known_hosts file\n"
"                        (reported as hostkey.unknown). A changed or revoked\n"
"                        host key is never logged in to.\n"
"  --sudo                run the collector with 'sudo -n' to read root-only\n"
"                        files; without sudo rights the audit runs unprivileged\n"
"\n"
"what to audit:\n"
"  --user NAME           audit this account (repeatable; default: the login user)\n"
"  --all-users           every account in /etc/passwd (needs root on the target)\n"
"  --root DIR            audit the system mounted at DIR as if it were / (local)\n"
"  --sshd-config FILE    read this sshd_config instead of /etc/ssh/sshd_config\n"
"  --from ADDR           the client address, for from= options and Match Address\n"
"  --checks LIST         only these checks: ids or families, comma-separated\n"
"                        (e.g. perm,akeys.expired,net; see 'keyaudit checks')\n"
"  --policy FILE         site policy: severities, disabled checks, expected\n"
"                        values, regex constraints (see docs/policy.md)\n"
"\n"
"stale keys (the keys checks; see also 'keyaudit keys'):\n"
"  --unused-days N       read each host's sshd logs (auth.log, secure, their\n"
"                        rotations, else the journal) and report keys with no\n"
"                        login for N days (keys.unused; 0: none in the whole log\n"
"                        window). Logs shorter than N days, LogLevel below INFO\n"
"                        or unreadable logs give keys.no-usage-data instead\n"
"  --auth-log FILE       read this log on each host instead (repeatable; for\n"
"                        hosts that log elsewhere); implies --unused-days 0\n"
"  --max-key-age DAYS    report key lines older than DAYS (keys.old): the\n"
"                        registry's date, else the file's last change\n"
"  --key-registry FILE   CSV of fingerprint,owner,expires[,added] (a header line\n"
"                        may name them in any order): keys nobody claims and\n"
"                        keys past their expiry (keys.unregistered)\n"
"\n"
"reports (hosts always come in inventory order; after two or more hosts a\n"
"last entry named 'fleet' holds keys shared across hosts and cloned host keys):\n"
"  --format FMT          text (default), json, junit, sarif or prom, on standard output\n"
"  --json FILE           also write the JSON report to FILE\n"
"  --junit FILE          also write a JUnit-XML report to FILE\n"
"  --sarif FILE          also write SARIF 2.1.0 (GitHub code scanning): results\n"
"                        point at the inventory line that named each host\n"
"  --prom FILE           also write node_exporter textfile metrics (pass/fail per\n"
"                        host and check, findings by severity, durations)\n"
"  --fix-script FILE     write the suggested fixes as a shell script to review\n"
"                        (one function per host; keyaudit never runs it)\n"
"  --baseline FILE       accepted findings: reported, marked, not failing the gate\n"
"                        until their expiry; entries nothing matches are listed\n"
"  --write-baseline FILE write every finding of this run as a baseline (reasons\n"
"                        and expiries of --baseline's entries are kept)\n"
"  --fail-on SEVERITY    exit 1 at or above: info low medium high critical (default high)\n"
"  --quiet               no progress line; text: leave out hosts with nothing to report\n"
"  --no-color            no ANSI colour (also when NO_COLOR is set or not a terminal)\n";

static const char collect_help[] =
"usage: keyaudit collect [TARGET] -o FILE [--user NAME...] [--all-users]\n"
"                        [--root DIR] [--sshd-config FILE] [scan's connection options]\n"
"\n"
"Save everything the checks read about one host (default: this machine) as\n"
"snapshot JSON, and check nothing. 'keyaudit scan --snapshot FILE' later gives the same findings\n"
"as a live scan at the time of collection. The file is created mode 0600;\n"
"private keys are never read into it (only whether they have a passphrase).\n"
"\n"
"  -o, --output FILE     where to write the snapshot ('-' for standard output)\n"
"  --unused-days N, --auth-log FILE   also save sshd's login lines (as scan)\n";

static const char known_hosts_help[] =
"usage: keyaudit known-hosts [TARGET...] [-f INVENTORY] [--known-hosts FILE]...\n"
"                            [--inventory-complete] [options]\n"
"       keyaudit known-hosts [TARGET...] [-f INVENTORY] --pin FILE [--hash]\n"
"\n"
"Collect every host key each target offers (one connection per algorithm, as\n"
"ssh-keyscan; nothing is logged in to) and judge it against known_hosts as ssh\n"
"would: hostkey.changed, revoked, unknown, new-type, gone (a stale entry),\n"
"conflict (two entries disagree), weak, shared (one key on several hosts).\n"
"A last entry named 'known_hosts' judges the files: lines ssh skips\n"
"(bad-line), entries ssh can never select (unmatchable), weak trusted keys, and\n"
"with --inventory-complete entries for hosts outside the inventory (orphan).\n"
"known_hosts is never written.\n"
"\n"
"  TARGET, -f, --limit, -F, -l, -p, -j, --timeout   as for scan\n"
"  --known-hosts FILE    the trusted keys (repeatable; e.g. a file kept in a\n"
"                        repository); default: ssh_config's UserKnownHostsFile\n"
"                        and GlobalKnownHostsFile (as resolved for the first target)\n"
"  --inventory-complete  the inventory is the whole fleet: report entries for\n"
"                        other hosts (hostkey.orphan)\n"
"  --pin FILE            write what the hosts offer as a sorted known_hosts FILE\n"
"                        (one line per host and key type) and judge nothing\n"
"  --hash                with --pin: hashed host names, as ssh-keygen -H\n"
"  --format, --json, --junit, --fail-on, --checks, --policy, --quiet, --no-color\n"
"                        as for scan (default --fail-on high: changed and revoked\n"
"                        keys are critical)\n"
"\n"
"pin, then gate on drift in CI:\n"
"  keyaudit known-hosts -f inventory --pin fleet_known_hosts   # once, reviewed\n"
"  keyaudit known-hosts -f inventory --known-hosts fleet_known_hosts --junit kh.xml\n";

static const char keys_help[] =
"usage: keyaudit keys [TARGET...] [-f INVENTORY] [--user NAME...|--all-users]\n"
"                     [--auth-log FILE]... [--format table|csv|json] [options]\n"
"\n"
"The key inventory: one row per key line of every audited account's\n"
"AuthorizedKeysFile(s) (the files sshd reads for that user, Match blocks\n"
"applied): host, user, file:line, type, bits, fingerprint, comment, options,\n"
"status (usable, expired, or dead: a line sshd drops), when the file was last\n"
"modified, and when the key last logged in according to sshd's logs (and from\n"
"where, how often).\n"
"\n"
"  TARGET, -f, --snapshot, --user, --all-users, --root, --sshd-config, and the\n"
"                        connection options: as for scan (default: this machine)\n"
"  --auth-log FILE       the log to read last use from, a path on each host\n"
"                        (repeatable; syslog, RFC 3339, journalctl -o\n"
"                        short/short-iso, sshd -E; plain or gzip). Default on\n"
"                        every host: /var/log/auth.log and /var/log/secure with\n"
"                        their rotations (.1, .2.gz, ..., -DATE), else the\n"
"                        journal (sshd, sshd-session). The collector sends\n"
"                        only the login lines, the newest 16 MiB.\n"
"  --key-registry FILE   add each key's owner from this CSV (see scan --help)\n"
"  --format FMT          table (default), csv or json\n"
"\n"
"A key not in the logs was not used in the window the logs cover (printed\n"
"after the table; json: logs); LogLevel VERBOSE also names the file:line each\n"
"login used. 'keyaudit scan --unused-days N' turns this into findings.\n";

static const char checks_help[] =
"usage: keyaudit checks [--format text|json]\n"
"\n"
"List every check keyaudit runs: its id (use with --checks), default\n"
"severity, whether it alone makes the key login fail, and what it checks.\n";

static const char sshdconfig_help[] =
"usage: keyaudit sshd-config [-f FILE] [-C user=U,host=H,addr=A,laddr=L,lport=P]\n"
"                            [--root DIR]\n"
"\n"
"Print the effective sshd configuration the way 'sshd -T' prints it, with\n"
"Include and Match evaluated, without needing root or host keys.\n";

enum {
	OPT_USER = 1000, OPT_ALL_USERS, OPT_ROOT, OPT_SSHD_CONFIG, OPT_SNAPSHOT,
	OPT_FROM, OPT_CHECKS, OPT_FORMAT, OPT_JSON, OPT_JUNIT, OPT_SARIF, OPT_PROM, OPT_FIX_SCRIPT, OPT_FAIL_ON,
	OPT_QUIET, OPT_NO_COLOR, OPT_HELP, OPT_POLICY, OPT_LIMIT, OPT_TIMEOUT,
	OPT_KNOWN_HOSTS, OPT_ACCEPT_UNKNOWN, OPT_SUDO, OPT_PIN, OPT_HASH,
	OPT_INVENTORY_COMPLETE, OPT_AUTH_LOG, OPT_UNUSED_DAYS, OPT_MAX_KEY_AGE,
	OPT_KEY_REGISTRY, OPT_BASELINE, OPT_WRITE_BASELINE,
};

struct scan_args {
	struct strlist users;
	int all_users;
	const char *root;
	char *sshd_config;
	struct strlist snapshots;
	struct strlist targets;
	const char *from;
	struct strlist checks;
	const char *format;
	const char *json_file;
	const char *junit_file;
	const char *sarif_file;
	const char *prom_file;
	const char *fix_script;
	enum ka_severity fail_on;
	int quiet;
	int no_color;
	const char *output;
	struct ka_policy *policy;
	const char *inventory;
	const char *limit;
	char *sshconf_file;
	struct strlist identities;
	const char *login;
	int port;
	int jobs;
	int timeout;
	struct strlist known_hosts;
	int accept_unknown;
	int sudo;
	const char *pin;
	int hash;
	int inventory_complete;
	struct strlist auth_logs;
	int unused_days;	/* -1: not given */
	int max_key_age;	/* 0: not given */
	struct keyreg *registry;
	struct baseline *baseline;
	const char *write_baseline;
};

static const struct option scan_longopts[] = {
	{ "user", required_argument, NULL, OPT_USER },
	{ "all-users", no_argument, NULL, OPT_ALL_USERS },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "sshd-config", required_argument, NULL, OPT_SSHD_CONFIG },
	{ "snapshot", required_argument, NULL, OPT_SNAPSHOT },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "checks", required_argument, NULL, OPT_CHECKS },
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "junit", required_argument, NULL, OPT_JUNIT },
	{ "sarif", required_argument, NULL, OPT_SARIF },
	{ "prom", required_argument, NULL, OPT_PROM },
	{ "fix-script", required_argument, NULL, OPT_FIX_SCRIPT },
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "output", required_argument, NULL, 'o' },
	{ "inventory", required_argument, NULL, 'f' },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "identity", required_argument, NULL, 'i' },
	{ "login", required_argument, NULL, 'l' },
	{ "port", required_argument, NULL, 'p' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "known-hosts", required_argument, NULL, OPT_KNOWN_HOSTS },
	{ "accept-unknown-hosts", no_argument, NULL, OPT_ACCEPT_UNKNOWN },
	{ "sudo", no_argument, NULL, OPT_SUDO },
	{ "pin", required_argument, NULL, OPT_PIN },
	{ "hash", no_argument, NULL, OPT_HASH },
	{ "inventory-complete", no_argument, NULL, OPT_INVENTORY_COMPLETE },
	{ "auth-log", required_argument, NULL, OPT_AUTH_LOG },
	{ "unused-days", required_argument, NULL, OPT_UNUSED_DAYS },
	{ "max-key-age", required_argument, NULL, OPT_MAX_KEY_AGE },
	{ "key-registry", required_argument, NULL, OPT_KEY_REGISTRY },
	{ "baseline", required_argument, NULL, OPT_BASELINE },
	{ "write-baseline", required_argument, NULL, OPT_WRITE_BASELINE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* Absolute form of a path given on the command line (only without --root:
 * under --root every path is a path on the audited system). */
static char *
absolute_arg(const char *cmd, const char *path, const char *root)
{
	char cwd[PATH_MAX];

	if (path[0] == '/' || root != NULL)
		return xstrdup(path);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		usage_error(cmd, "cannot resolve %s: %s", path, strerror(errno));
	return xasprintf("%s/%s", cwd, path);
}

static void
split_list(struct strlist *out, const char *arg)
{
	char *copy = xstrdup(arg), *save = NULL, *t;

	for (t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (*t)
			strlist_add(out, t);
	free(copy);
}

static struct ka_policy *
load_policy(const char *cmd, const char *path)
{
	struct ka_policy *p = NULL;
	char *err = NULL;

	(void)cmd;
	if (policy_load(path, &p, &err) != 0) {
		fprintf(stderr, "keyaudit: %s\n", err);
		exit(EXIT_USAGE);
	}
	return p;
}

/* A whole number in [min, max] for option opt, or a usage error. */
static int
number_arg(const char *cmd, const char *opt, const char *v, long min, long max)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || n < min || n > max)
		usage_error(cmd, "%s %s: expected a number from %ld to %ld", opt, v, min, max);
	return (int)n;
}

static void
parse_scan_args(const char *cmd, const char *help, int argc, char **argv,
    struct scan_args *a)
{
	char *err = NULL;
	int c, sev;

	memset(a, 0, sizeof(*a));
	a->format = "text";
	a->fail_on = SEV_HIGH;
	a->jobs = 32;
	a->timeout = 10;
	a->unused_days = -1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:hf:F:i:l:p:j:", scan_longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (a->inventory != NULL)
				usage_error(cmd, "-f: give one inventory file");
			a->inventory = optarg;
			break;
		case OPT_LIMIT:
			a->limit = optarg;
			break;
		case 'F':
			free(a->sshconf_file);
			a->sshconf_file = absolute_arg(cmd, optarg, NULL);
			break;
		case 'i':
			strlist_add_owned(&a->identities, absolute_arg(cmd, optarg, NULL));
			break;
		case 'l':
			a->login = optarg;
			break;
		case 'p':
			a->port = number_arg(cmd, "-p", optarg, 1, 65535);
			break;
		case 'j':
			a->jobs = number_arg(cmd, "-j", optarg, 1, 1024);
			break;
		case OPT_TIMEOUT:
			a->timeout = number_arg(cmd, "--timeout", optarg, 1, 86400);
			break;
		case OPT_KNOWN_HOSTS:
			strlist_add_owned(&a->known_hosts, absolute_arg(cmd, optarg, NULL));
			break;
		case OPT_ACCEPT_UNKNOWN:
			a->accept_unknown = 1;
			break;
		case OPT_SUDO:
			a->sudo = 1;
			break;
		case OPT_PIN:
			a->pin = optarg;
			break;
		case OPT_HASH:
			a->hash = 1;
			break;
		case OPT_INVENTORY_COMPLETE:
			a->inventory_complete = 1;
			break;
		case OPT_AUTH_LOG:
			strlist_add_owned(&a->auth_logs, absolute_arg(cmd, optarg, NULL));
			break;
		case OPT_UNUSED_DAYS:
			a->unused_days = number_arg(cmd, "--unused-days", optarg, 0, 36500);
			break;
		case OPT_MAX_KEY_AGE:
			a->max_key_age = number_arg(cmd, "--max-key-age", optarg, 1, 36500);
			break;
		case OPT_BASELINE:
			if (a->baseline != NULL)
				usage_error(cmd, "--baseline: give one baseline file");
			a->baseline = xcalloc(1, sizeof(*a->baseline));
			if (baseline_load(optarg, a->baseline, &err) != 0) {
				fprintf(stderr, "keyaudit: %s\n", err);
				exit(EXIT_USAGE);
			}
			break;
		case OPT_WRITE_BASELINE:
			a->write_baseline = optarg;
			break;
		case OPT_KEY_REGISTRY:
			if (a->registry != NULL)
				usage_error(cmd, "--key-registry: give one registry file");
			a->registry = xcalloc(1, sizeof(*a->registry));
			if (keyreg_load(optarg, a->registry, &err) != 0) {
				fprintf(stderr, "keyaudit: %s\n", err);
				exit(EXIT_USAGE);
			}
			break;
		case OPT_USER:
			strlist_add(&a->users, optarg);
			break;
		case OPT_ALL_USERS:
			a->all_users = 1;
			break;
		case OPT_ROOT:
			a->root = optarg;
			break;
		case OPT_SSHD_CONFIG:
			free(a->sshd_config);
			a->sshd_config = xstrdup(optarg);
			break;
		case OPT_SNAPSHOT:
			strlist_add(&a->snapshots, optarg);
			break;
		case OPT_FROM:
			a->from = optarg;
			break;
		case OPT_CHECKS:
			split_list(&a->checks, optarg);
			break;
		case OPT_POLICY:
			if (a->policy != NULL)
				usage_error(cmd, "--policy: give one policy file");
			a->policy = load_policy(cmd, optarg);
			break;
		case OPT_FORMAT:
			a->format = optarg;
			break;
		case OPT_JSON:
			a->json_file = optarg;
			break;
		case OPT_JUNIT:
			a->junit_file = optarg;
			break;
		case OPT_SARIF:
			a->sarif_file = optarg;
			break;
		case OPT_PROM:
			a->prom_file = optarg;
			break;
		case OPT_FIX_SCRIPT:
			a->fix_script = optarg;
			break;
		case OPT_FAIL_ON:
			if ((sev = severity_from_name(optarg)) < 0)
				usage_error(cmd, "--fail-on %s: expected info, low, medium, "
				    "high or critical", optarg);
			a->fail_on = (enum ka_severity)sev;
			break;
		case OPT_QUIET:
			a->quiet = 1;
			break;
		case OPT_NO_COLOR:
			a->no_color = 1;
			break;
		case 'o':
			a->output = optarg;
			break;
		case 'h':
		case OPT_HELP:
			fputs(help, stdout);
			exit(0);
		default:
			if (optopt != 0 && optopt < 256)
				usage_error(cmd, "-%c: unknown option or missing argument", optopt);
			usage_error(cmd, "%s: unknown option or missing argument",
			    argv[optind - 1]);
		}
	}
	for (int i = optind; i < argc; i++)
		strlist_add(&a->targets, argv[i]);
	if (a->sshd_config != NULL) {
		char *abs = absolute_arg(cmd, a->sshd_config, a->root);
		free(a->sshd_config);
		a->sshd_config = abs;
	}
	if (strcmp(cmd, "keys") == 0) {
		if (strcmp(a->format, "text") == 0)
			a->format = "table";
		if (strcmp(a->format, "table") != 0 && strcmp(a->format, "csv") != 0 &&
		    strcmp(a->format, "json") != 0)
			usage_error(cmd, "--format %s: expected table, csv or json", a->format);
	} else if (report_format_find(a->format) == NULL)
		usage_error(cmd, "--format %s: expected text, json, junit, sarif or prom", a->format);
	if (strcmp(cmd, "keys") != 0 && strcmp(cmd, "scan") != 0 && strcmp(cmd, "collect") != 0 &&
	    (a->auth_logs.n > 0 || a->unused_days >= 0 || a->max_key_age > 0 ||
	    a->registry != NULL))
		usage_error(cmd, "--auth-log, --unused-days, --max-key-age and "
		    "--key-registry belong to 'keyaudit scan' and 'keyaudit keys'");
	for (size_t i = 0; i < a->checks.n; i++) {
		int known = check_rule(a->checks.v[i]) != NULL;
		for (size_t j = 0; !known && ka_checks[j] != NULL; j++)
			known = strcmp(ka_checks[j]->family, a->checks.v[i]) == 0;
		if (!known)
			usage_error(cmd, "--checks: unknown check or family '%s'",
			    a->checks.v[i]);
	}
	if (a->snapshots.n > 0 && (a->root || a->users.n || a->all_users || a->sshd_config))
		usage_error(cmd, "--snapshot audits what was collected; --root, --user, "
		    "--all-users and --sshd-config apply when collecting");
	if (a->snapshots.n > 0 && (a->targets.n > 0 || a->inventory != NULL))
		usage_error(cmd, "--snapshot audits saved snapshots; targets and -f scan "
		    "live hosts: use one or the other");
	if (a->limit != NULL && a->inventory == NULL)
		usage_error(cmd, "--limit selects from an inventory: give -f FILE");
	if (strcmp(cmd, "known-hosts") != 0 && (a->pin || a->hash || a->inventory_complete))
		usage_error(cmd, "--pin, --hash and --inventory-complete belong to "
		    "'keyaudit known-hosts'");
}

static void
free_scan_args(struct scan_args *a)
{
	strlist_free(&a->users);
	strlist_free(&a->snapshots);
	strlist_free(&a->targets);
	strlist_free(&a->checks);
	strlist_free(&a->identities);
	strlist_free(&a->known_hosts);
	strlist_free(&a->auth_logs);
	free(a->sshd_config);
	free(a->sshconf_file);
	policy_free(a->policy);
	if (a->registry != NULL) {
		keyreg_free(a->registry);
		free(a->registry);
	}
	if (a->baseline != NULL) {
		baseline_free(a->baseline);
		free(a->baseline);
	}
}

struct sink {
	const struct report_format *fmt;
	struct report *r;
	FILE *fp;
	const char *path;
	char *tmp;		/* written here, renamed to path when complete */
};

static void
open_sink(struct sink *s, const char *format, const char *path, const struct report_opts *ro)
{
	s->fmt = report_format_find(format);
	s->path = path;
	s->tmp = NULL;
	/* A report file appears whole or not at all (CI artifacts, and the
	 * textfile collector reading --prom while a scan runs): a temporary
	 * file beside it, renamed at the end. */
	if (path == NULL)
		s->fp = stdout;
	else {
		s->tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
		if ((s->fp = fopen(s->tmp, "wx")) == NULL)
			usage_error(NULL, "%s: cannot write report: %s", s->tmp, strerror(errno));
	}
	s->r = s->fmt->open(s->fp, ro);
}

static int
close_sink(struct sink *s, const struct ka_summary *sum)
{
	int rc = s->fmt->close(s->r, sum);

	if (fflush(s->fp) != 0 || ferror(s->fp))
		rc = -1;
	if (s->path != NULL && fclose(s->fp) != 0)
		rc = -1;
	if (s->tmp != NULL && (rc != 0 || rename(s->tmp, s->path) != 0)) {
		rc = -1;
		unlink(s->tmp);
	}
	free(s->tmp);
	s->tmp = NULL;
	if (rc != 0)
		fprintf(stderr, "keyaudit: %s: writing the report failed\n",
		    s->path ? s->path : "standard output");
	return rc;
}

/* The report on standard output, and the --json and --junit files. */
static size_t
open_sinks(struct sink *sinks, const struct scan_args *a, struct report_opts *ro)
{
	size_t n = 0;

	open_sink(&sinks[n++], a->format, NULL, ro);
	ro->color = 0;
	if (a->json_file)
		open_sink(&sinks[n++], "json", a->json_file, ro);
	if (a->junit_file)
		open_sink(&sinks[n++], "junit", a->junit_file, ro);
	if (a->sarif_file)
		open_sink(&sinks[n++], "sarif", a->sarif_file, ro);
	if (a->prom_file)
		open_sink(&sinks[n++], "prom", a->prom_file, ro);
	if (a->fix_script)
		open_sink(&sinks[n++], "fix-script", a->fix_script, ro);
	return n;
}

/* 1 when a host could not be checked or a finding is at --fail-on or above. */
static int
summary_exit(struct ka_summary *sum)
{
	int max = -1;

	for (int sv = SEV_CRITICAL; sv >= 0 && max < 0; sv--)
		if (sum->by_severity[sv] > 0)
			max = sv;
	sum->exit_code = (sum->hosts_failed > 0 || max >= (int)sum->fail_on) ?
	    EXIT_FINDINGS : 0;
	return sum->exit_code;
}

static void
collect_opts_from(const struct scan_args *a, struct collect_opts *co)
{
	memset(co, 0, sizeof(*co));
	co->root = a->root;
	co->sshd_config = a->sshd_config;
	co->users = &a->users;
	co->all_users = a->all_users;
	co->client = a->root == NULL;
	co->from_addr = a->from;
	co->log_files = &a->auth_logs;
	co->logs = a->auth_logs.n > 0 || a->unused_days >= 0;
}

/* This machine, where a log named with --auth-log must exist (on a remote
 * host it is the host's fact: keys.no-usage-data). */
static int
collect_here(const struct collect_opts *co, struct snapshot *snap, char **err)
{
	if (transport_local.collect("local", co, snap, err) != 0)
		return -1;
	for (size_t i = 0; co->log_files != NULL && co->log_files->n > 0 &&
	    i < snap->nauthlogs; i++)
		if (snap->authlogs[i].error != NULL) {
			*err = xasprintf("--auth-log %s: %s", snap->authlogs[i].source,
			    snap->authlogs[i].error);
			return -1;
		}
	return 0;
}

/* Positional targets, then the inventory, in that order; exit 2 on a bad one. */
static void
build_targets(const char *cmd, const struct scan_args *a, struct target_list *tl)
{
	char *err = NULL;

	memset(tl, 0, sizeof(*tl));
	for (size_t i = 0; i < a->targets.n; i++) {
		struct target t;

		if (target_parse(a->targets.v[i], "argument", &t, &err) != 0)
			usage_error(cmd, "%s", err);
		tl->v = xreallocarray(tl->v, tl->n + 1, sizeof(*tl->v));
		tl->v[tl->n++] = t;
	}
	if (a->inventory != NULL) {
		struct target_list inv = { 0 };

		if (inventory_load(a->inventory, a->limit, &inv, &err) != 0) {
			fprintf(stderr, "keyaudit: %s\n", err);
			exit(EXIT_USAGE);
		}
		tl->v = xreallocarray(tl->v, tl->n + inv.n + 1, sizeof(*tl->v));
		memcpy(tl->v + tl->n, inv.v, inv.n * sizeof(*inv.v));
		tl->n += inv.n;
		free(inv.v);
		if (inv.n == 0 && a->targets.n == 0)
			usage_error(cmd, "%s: no hosts%s%s", a->inventory,
			    a->limit ? " in --limit " : "", a->limit ? a->limit : "");
	}
}

/* The invoking user's name and home, for ssh_config's ~ and %u. */
static void
local_identity(const char **user, const char **home)
{
	struct passwd *pw = getpwuid(getuid());
	const char *h = getenv("HOME");

	*user = pw ? pw->pw_name : "root";
	*home = h && *h ? h : pw ? pw->pw_dir : "/";
}

/* ssh_config for the remote targets: -F FILE alone, else the user's and
 * the system's, as ssh reads them. Exit 2 on a file ssh would reject. */
static struct clientconf *
load_sshconf(const char *cmd, const struct scan_args *a, const char *user, const char *home)
{
	const char *files[1] = { a->sshconf_file };
	char *err = NULL;
	struct clientconf *cc;

	(void)cmd;
	cc = clientconf_load(a->sshconf_file ? files : NULL, a->sshconf_file ? 1 : 0,
	    home, user, &clientconf_io_fs, &err);
	if (cc == NULL) {
		fprintf(stderr, "keyaudit: %s\n", err);
		exit(EXIT_USAGE);
	}
	return cc;
}

static void
setup_from(struct scan_setup *ss, const struct scan_args *a, const struct target_list *tl,
    const struct collect_opts *co, const struct ka_options *ko, const struct clientconf *cc)
{
	memset(ss, 0, sizeof(*ss));
	ss->targets = tl;
	ss->collect = co;
	ss->checks = ko;
	ss->sshconf = cc;
	ss->sshconf_file = a->sshconf_file;
	ss->identities = &a->identities;
	ss->login = a->login;
	ss->port = a->port;
	ss->known_hosts = &a->known_hosts;
	ss->jobs = a->jobs;
	ss->timeout = a->timeout;
	ss->accept_unknown = a->accept_unknown;
	ss->sudo = a->sudo;
	local_identity(&ss->local_user, &ss->home);
}

static int
any_remote(const struct target_list *tl)
{
	for (size_t i = 0; i < tl->n; i++)
		if (tl->v[i].host != NULL)
			return 1;
	return 0;
}

static void
check_known_hosts_args(const char *cmd, const struct scan_args *a)
{
	for (size_t i = 0; i < a->known_hosts.n; i++)
		if (access(a->known_hosts.v[i], R_OK) != 0)
			usage_error(cmd, "--known-hosts %s: %s", a->known_hosts.v[i],
			    strerror(errno));
}

/* The targets of a command that may reach remote hosts, and the scan set
 * up for them (ssh_config read only when a target is remote). Returns the
 * ssh_config, or NULL; exit 2 on a bad target or option. */
static struct clientconf *
prepare_targets(const char *cmd, const struct scan_args *a, struct target_list *tl,
    const struct collect_opts *co, const struct ka_options *ko, struct scan_setup *ss)
{
	struct clientconf *cc = NULL;

	build_targets(cmd, a, tl);
	if (any_remote(tl)) {
		if (a->root != NULL)
			usage_error(cmd, "--root audits an image on this machine; "
			    "it cannot apply to remote targets");
		check_known_hosts_args(cmd, a);
		setup_from(ss, a, tl, co, ko, NULL);
		cc = load_sshconf(cmd, a, ss->local_user, ss->home);
	}
	setup_from(ss, a, tl, co, ko, cc);
	return cc;
}

struct emit_ctx {
	struct ka_summary *sum;
	struct sink *sinks;
	size_t nsinks;
	struct baseline *baseline;		/* --baseline, or NULL */
	struct baseline_writer *writer;		/* --write-baseline, or NULL */
	int64_t now;
};

static void
emit_host(void *arg, struct ka_host_result *hr, int fleet)
{
	struct emit_ctx *e = arg;

	baseline_apply(e->baseline, hr, e->now);
	if (e->writer != NULL)
		baseline_writer_add(e->writer, hr);
	summary_add_host(e->sum, hr);
	if (fleet)
		e->sum->hosts--;	/* the fleet entry is not a host */
	for (size_t k = 0; k < e->nsinks; k++)
		e->sinks[k].fmt->host(e->sinks[k].r, hr);
}

/* The baseline file replaced whole (a temporary file beside it, renamed):
 * an interrupted run never leaves half a baseline. */
static int
write_baseline(const char *path, struct baseline_writer *w)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	FILE *fp = fopen(tmp, "wx");
	int rc;

	if (fp == NULL) {
		fprintf(stderr, "keyaudit: --write-baseline %s: %s\n", tmp, strerror(errno));
		baseline_writer_finish(w, NULL);
		free(tmp);
		return -1;
	}
	rc = baseline_writer_finish(w, fp);
	if (fclose(fp) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -1;
	if (rc != 0) {
		fprintf(stderr, "keyaudit: --write-baseline %s: writing failed\n", path);
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

static int
cmd_scan(int argc, char **argv)
{
	struct scan_args a;
	struct emit_ctx ec;
	struct strlist stale = { 0 };
	struct collect_opts co;
	struct report_opts ro;
	struct ka_options ko;
	struct ka_summary sum;
	struct sink sinks[6];
	size_t nsinks = 0, nhosts;
	int rc = 0;

	parse_scan_args("scan", scan_help, argc, argv, &a);
	if (a.output)
		usage_error("scan", "-o belongs to 'keyaudit collect'");
	collect_opts_from(&a, &co);
	memset(&ko, 0, sizeof(ko));
	ko.from_addr = a.from;
	ko.only = a.checks.n ? &a.checks : NULL;
	ko.policy = a.policy;
	ko.unused_days = a.unused_days > 0 ? a.unused_days : 0;
	ko.max_key_age = a.max_key_age;
	ko.registry = a.registry;
	memset(&ro, 0, sizeof(ro));
	ro.command = "scan";
	ro.quiet = a.quiet;
	ro.color = !a.no_color && getenv("NO_COLOR") == NULL && isatty(STDOUT_FILENO) &&
	    strcmp(a.format, "text") == 0;

	memset(&sum, 0, sizeof(sum));
	sum.fail_on = a.fail_on;
	memset(&ec, 0, sizeof(ec));
	ec.baseline = a.baseline;
	ec.now = (int64_t)time(NULL);
	if (a.write_baseline != NULL)
		ec.writer = baseline_writer_new(a.baseline, ec.now);
	if (a.snapshots.n == 0 && (a.inventory != NULL || a.targets.n > 1 ||
	    (a.targets.n == 1 && strcmp(a.targets.v[0], "local") != 0))) {
		struct target_list tl;
		struct clientconf *cc = NULL;
		struct scan_setup ss;
		char *err = NULL;

		/* Every input error (exit 2) is found before a report is opened. */
		cc = prepare_targets("scan", &a, &tl, &co, &ko, &ss);
		ss.progress = !a.quiet && isatty(STDERR_FILENO);
		nsinks = open_sinks(sinks, &a, &ro);
		ec.sum = &sum;
		ec.sinks = sinks;
		ec.nsinks = nsinks;
		ss.emit = emit_host;
		ss.emit_arg = &ec;
		if (scan_run(&ss, &err) != 0) {
			fprintf(stderr, "keyaudit: %s\n", err);
			free(err);
			rc = EXIT_USAGE;
		}
		clientconf_free(cc);
		target_list_free(&tl);
		goto finish;
	}
	/* Collect the first host before opening reports, so an input error
	 * (exit 2) never leaves a half-written report behind. */
	nhosts = a.snapshots.n > 0 ? a.snapshots.n : 1;
	for (size_t i = 0; i < nhosts; i++) {
		struct snapshot snap;
		struct ka_host_result hr;
		char *err = NULL;
		int crc;

		snapshot_init(&snap);
		if (a.snapshots.n > 0)
			crc = transport_file.collect(a.snapshots.v[i], &co, &snap, &err);
		else
			crc = collect_here(&co, &snap, &err);
		if (crc != 0) {
			fprintf(stderr, "keyaudit: %s\n", err);
			free(err);
			snapshot_free(&snap);
			rc = EXIT_USAGE;
			break;
		}
		if (i == 0)
			nsinks = open_sinks(sinks, &a, &ro);
		host_result_init(&hr, snap.target);
		if (a.snapshots.n > 0)
			hr.origin = xstrdup(a.snapshots.v[i]);
		engine_check_snapshot(&snap, &ko, &hr);
		ec.sum = &sum;
		ec.sinks = sinks;
		ec.nsinks = nsinks;
		emit_host(&ec, &hr, 0);
		host_result_free(&hr);
		snapshot_free(&snap);
	}
finish:
	if (a.baseline != NULL) {
		baseline_stale(a.baseline, &stale);
		sum.baseline_stale = &stale;
		sum.baseline_used = 1;
	}
	if (rc == 0)
		rc = summary_exit(&sum);
	for (size_t k = 0; k < nsinks; k++)
		if (close_sink(&sinks[k], &sum) != 0 && rc != EXIT_USAGE)
			rc = EXIT_INTERNAL;
	if (ec.writer != NULL && write_baseline(a.write_baseline, ec.writer) != 0 &&
	    rc != EXIT_USAGE)
		rc = EXIT_INTERNAL;
	strlist_free(&stale);
	free_scan_args(&a);
	return rc;
}

/* Every name ssh may look the inventory's hosts up by, for hostkey.orphan. */
static void
inventory_names(const struct target_list *tl, const struct clientconf *cc,
    const struct scan_args *a, struct strlist *names)
{
	for (size_t i = 0; i < tl->n; i++) {
		const struct target *t = &tl->v[i];
		struct client_host ch;
		char *err = NULL;

		if (t->host == NULL)
			continue;
		strlist_add(names, t->host);
		if (t->address != NULL)
			strlist_add(names, t->address);
		memset(&ch, 0, sizeof(ch));
		if (clientconf_resolve(cc, t->address ? t->address : t->host,
		    t->user ? t->user : a->login, t->port ? t->port : a->port, &ch, &err) != 0) {
			free(err);
			continue;
		}
		strlist_add(names, ch.hostname);
		strlist_add_owned(names, xasprintf("[%s]:%d", ch.hostname, ch.port));
		if (ch.host_key_alias != NULL)
			strlist_add(names, ch.host_key_alias);
		client_host_free(&ch);
	}
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The pin file: sorted, one line per host and key type, written whole
 * (a temporary file renamed over it) so a half-written pin never exists. */
static int
write_pin(const char *path, struct strlist *lists, size_t n, int hash)
{
	struct strlist all = { 0 };
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	FILE *fp;
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < lists[i].n; j++)
			if (!strlist_has(&all, lists[i].v[j]))
				strlist_add(&all, lists[i].v[j]);
	if (all.n > 1)
		qsort(all.v, all.n, sizeof(*all.v), cmp_str);
	if ((fp = fopen(tmp, "w")) == NULL) {
		fprintf(stderr, "keyaudit: %s: cannot write the pin: %s\n", tmp, strerror(errno));
		free(tmp);
		strlist_free(&all);
		return -1;
	}
	fprintf(fp, "# keyaudit known-hosts --pin: %zu keys\n", all.n);
	for (size_t i = 0; i < all.n && rc == 0; i++) {
		const char *sp = strchr(all.v[i], ' ');
		char *name = xstrndup(all.v[i], (size_t)(sp - all.v[i]));
		char *h = hash ? kh_hash_name(name) : NULL;

		if (hash && h == NULL)
			rc = -1;
		else
			fprintf(fp, "%s%s\n", h ? h : name, sp);
		free(h);
		free(name);
	}
	if (fflush(fp) != 0 || ferror(fp) || fclose(fp) != 0 || rc != 0 ||
	    rename(tmp, path) != 0) {
		fprintf(stderr, "keyaudit: %s: writing the pin failed\n", path);
		unlink(tmp);
		rc = -1;
	}
	free(tmp);
	strlist_free(&all);
	return rc;
}

static int
cmd_known_hosts(int argc, char **argv)
{
	static const char *const cmd = "known-hosts";
	struct scan_args a;
	struct collect_opts co;
	struct report_opts ro;
	struct ka_options ko;
	struct ka_summary sum;
	struct sink sinks[6];
	struct target_list tl;
	struct clientconf *cc;
	struct scan_setup ss;
	struct emit_ctx ec;
	struct strlist files = { 0 }, *pins = NULL;
	struct kh_db *db = NULL;
	size_t nsinks = 0;
	char *err = NULL;
	int rc = 0;

	parse_scan_args(cmd, known_hosts_help, argc, argv, &a);
	if (a.output || a.users.n || a.all_users || a.root || a.sshd_config ||
	    a.snapshots.n || a.sudo || a.accept_unknown || a.identities.n || a.from)
		usage_error(cmd, "known-hosts logs in nowhere: -o, -i, --user, --all-users, "
		    "--root, --sshd-config, --snapshot, --sudo, --from and "
		    "--accept-unknown-hosts do not apply");
	if (a.baseline || a.write_baseline || a.fix_script)
		usage_error(cmd, "--baseline, --write-baseline and --fix-script belong to "
		    "'keyaudit scan'");
	if (a.hash && a.pin == NULL)
		usage_error(cmd, "--hash applies to --pin");
	if (a.pin && a.known_hosts.n)
		usage_error(cmd, "--pin writes what the hosts offer; --known-hosts judges "
		    "against a file: use one or the other");
	if (a.inventory_complete && a.inventory == NULL)
		usage_error(cmd, "--inventory-complete needs the inventory: give -f FILE");
	if (a.targets.n == 0 && a.inventory == NULL)
		usage_error(cmd, "give targets or -f INVENTORY");
	collect_opts_from(&a, &co);
	memset(&ko, 0, sizeof(ko));
	ko.only = a.checks.n ? &a.checks : NULL;
	ko.policy = a.policy;
	cc = prepare_targets(cmd, &a, &tl, &co, &ko, &ss);
	for (size_t i = 0; i < tl.n; i++)
		if (tl.v[i].host == NULL)
			usage_error(cmd, "'local' has no host keys to scan over SSH: give host names");
	ss.keyscan = 1;

	/* What clients trust: the files given, else ssh_config's (as
	 * resolved for the first target). */
	if (a.pin == NULL) {
		struct client_host ch;
		const struct target *t = &tl.v[0];

		memset(&ch, 0, sizeof(ch));
		if (a.known_hosts.n == 0 && clientconf_resolve(cc, t->address ? t->address :
		    t->host, t->user ? t->user : a.login, t->port ? t->port : a.port, &ch,
		    &err) != 0)
			usage_error(cmd, "%s", err);
		scan_known_hosts_files(&ch, &a.known_hosts, &files);
		client_host_free(&ch);
		db = scan_load_known_hosts(&files, a.known_hosts.n > 0, &err);
		if (err != NULL) {
			fprintf(stderr, "keyaudit: %s\n", err);
			exit(EXIT_USAGE);
		}
		ko.known_hosts = db;
	} else
		ss.hostkeys = pins = xcalloc(tl.n, sizeof(*pins));

	memset(&ro, 0, sizeof(ro));
	ro.command = cmd;
	ro.quiet = a.quiet;
	ro.color = !a.no_color && getenv("NO_COLOR") == NULL && isatty(STDOUT_FILENO) &&
	    strcmp(a.format, "text") == 0;
	memset(&sum, 0, sizeof(sum));
	sum.fail_on = a.fail_on;
	ss.progress = !a.quiet && isatty(STDERR_FILENO);
	nsinks = open_sinks(sinks, &a, &ro);
	memset(&ec, 0, sizeof(ec));
	ec.sum = &sum;
	ec.sinks = sinks;
	ec.nsinks = nsinks;
	ss.emit = emit_host;
	ss.emit_arg = &ec;
	if (scan_run(&ss, &err) != 0) {
		fprintf(stderr, "keyaudit: %s\n", err);
		free(err);
		rc = EXIT_USAGE;
	}
	if (rc == 0 && a.pin == NULL) {
		struct ka_host_result hr;
		struct strlist names = { 0 };

		if (a.inventory_complete)
			inventory_names(&tl, cc, &a, &names);
		host_result_init(&hr, "known_hosts");
		hostkey_db_check(db, a.inventory_complete ? &names : NULL, &ko, &hr);
		emit_host(&ec, &hr, 1);
		host_result_free(&hr);
		strlist_free(&names);
	}
	if (rc == 0 && a.pin != NULL && write_pin(a.pin, pins, tl.n, a.hash) != 0)
		rc = EXIT_INTERNAL;
	if (rc == 0)
		rc = summary_exit(&sum);
	for (size_t k = 0; k < nsinks; k++)
		if (close_sink(&sinks[k], &sum) != 0 && rc != EXIT_USAGE)
			rc = EXIT_INTERNAL;
	for (size_t i = 0; pins != NULL && i < tl.n; i++)
		strlist_free(&pins[i]);
	free(pins);
	strlist_free(&files);
	if (db != NULL)
		kh_db_free(db);
	clientconf_free(cc);
	target_list_free(&tl);
	free_scan_args(&a);
	return rc;
}

struct keys_state {
	struct key_rows *rows;		/* one per target */
	const struct ka_options *ko;
};

static void
keys_snapshot(void *arg, size_t i, const struct snapshot *s)
{
	struct keys_state *ks = arg;

	if (!s->net_only)
		keylist_rows(s, ks->ko, &ks->rows[i]);
}

/* Hosts that could not be collected are reported on stderr; the rows are
 * the inventory of the others. */
static void
keys_emit(void *arg, struct ka_host_result *hr, int fleet)
{
	int *failed = arg;

	if (fleet || hr->status == HOST_SCANNED)
		return;
	fprintf(stderr, "keyaudit: %s: %s: %s\n", hr->target, host_status_name(hr->status),
	    hr->error ? hr->error : "not collected");
	(*failed)++;
}

static int
cmd_keys(int argc, char **argv)
{
	static const char *const cmd = "keys";
	struct scan_args a;
	struct collect_opts co;
	struct ka_options ko;
	struct key_rows all = { 0 };
	int failed = 0, remote, nhosts;
	char *err = NULL;

	parse_scan_args(cmd, keys_help, argc, argv, &a);
	if (a.output || a.json_file || a.junit_file || a.sarif_file || a.prom_file ||
	    a.fix_script || a.pin ||
	    a.hash || a.inventory_complete || a.baseline || a.write_baseline)
		usage_error(cmd, "-o, --json, --junit, --sarif, --prom, --baseline, --pin, --hash and --inventory-complete "
		    "do not apply; --format table|csv|json");
	if (a.unused_days >= 0 || a.max_key_age > 0)
		usage_error(cmd, "--unused-days and --max-key-age judge keys: they belong to "
		    "'keyaudit scan' (keys lists last use and age for every key)");
	collect_opts_from(&a, &co);
	co.client = 0;
	co.logs = 1;
	memset(&ko, 0, sizeof(ko));
	ko.from_addr = a.from;
	ko.registry = a.registry;
	remote = a.snapshots.n == 0 && (a.inventory != NULL || a.targets.n > 1 ||
	    (a.targets.n == 1 && strcmp(a.targets.v[0], "local") != 0));
	nhosts = a.snapshots.n > 0 ? (int)a.snapshots.n : remote ? -1 : 1;

	if (remote) {
		struct target_list tl;
		struct clientconf *cc = NULL;
		struct scan_setup ss;
		struct keys_state ks;

		cc = prepare_targets(cmd, &a, &tl, &co, &ko, &ss);
		nhosts = (int)tl.n;
		ks.rows = xcalloc(tl.n, sizeof(*ks.rows));
		ks.ko = &ko;
		ss.on_snapshot = keys_snapshot;
		ss.snapshot_arg = &ks;
		ss.emit = keys_emit;
		ss.emit_arg = &failed;
		ss.progress = !a.quiet && isatty(STDERR_FILENO);
		if (scan_run(&ss, &err) != 0) {
			fprintf(stderr, "keyaudit: %s\n", err);
			exit(EXIT_USAGE);
		}
		for (size_t i = 0; i < tl.n; i++)
			keylist_move(&all, &ks.rows[i]);
		free(ks.rows);
		clientconf_free(cc);
		target_list_free(&tl);
	} else {
		if (a.auth_logs.n > 0 && a.snapshots.n > 0)
			usage_error(cmd, "--auth-log: a snapshot holds the logs it was collected with");
		for (int i = 0; i < nhosts; i++) {
			struct snapshot snap;
			int crc;

			snapshot_init(&snap);
			crc = a.snapshots.n > 0 ?
			    transport_file.collect(a.snapshots.v[i], &co, &snap, &err) :
			    collect_here(&co, &snap, &err);
			if (crc != 0) {
				fprintf(stderr, "keyaudit: %s\n", err);
				exit(EXIT_USAGE);
			}
			keylist_rows(&snap, &ko, &all);
			snapshot_free(&snap);
		}
	}

	keylist_print(stdout, &all, a.format);
	keylist_free(&all);
	free_scan_args(&a);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fputs("keyaudit: writing the inventory failed\n", stderr);
		return EXIT_INTERNAL;
	}
	return failed > 0 ? EXIT_FINDINGS : 0;
}

static int
cmd_collect(int argc, char **argv)
{
	struct scan_args a;
	struct collect_opts co;
	struct snapshot snap;
	char *err = NULL, *json;
	FILE *fp;
	int rc = 0;

	parse_scan_args("collect", collect_help, argc, argv, &a);
	if (a.output == NULL)
		usage_error("collect", "-o FILE is required");
	if (a.baseline || a.write_baseline || a.fix_script || a.sarif_file || a.prom_file ||
	    a.json_file || a.junit_file)
		usage_error("collect", "collect checks nothing: reports and baselines belong "
		    "to 'keyaudit scan --snapshot FILE'");
	if (a.snapshots.n > 0)
		usage_error("collect", "--snapshot: a snapshot is already collected");
	if (a.inventory != NULL || a.targets.n > 1)
		usage_error("collect", "collect saves one host: give one TARGET");
	collect_opts_from(&a, &co);
	snapshot_init(&snap);
	if (a.targets.n == 1 && strcmp(a.targets.v[0], "local") != 0) {
		struct target_list tl;
		struct clientconf *cc;
		struct scan_setup ss;
		struct ka_options ko;

		memset(&ko, 0, sizeof(ko));
		cc = prepare_targets("collect", &a, &tl, &co, &ko, &ss);
		rc = scan_collect(&ss, &snap, &err);
		clientconf_free(cc);
		target_list_free(&tl);
		if (rc != 0) {
			fprintf(stderr, "keyaudit: %s\n", err);
			free(err);
			snapshot_free(&snap);
			free_scan_args(&a);
			return EXIT_FINDINGS;
		}
	} else if (collect_here(&co, &snap, &err) != 0) {
		fprintf(stderr, "keyaudit: %s\n", err);
		free(err);
		snapshot_free(&snap);
		free_scan_args(&a);
		return EXIT_USAGE;
	}
	json = snapshot_to_json(&snap);
	if (strcmp(a.output, "-") == 0)
		fp = stdout;
	else {
		mode_t old = umask(077);
		fp = fopen(a.output, "w");
		umask(old);
	}
	if (fp == NULL) {
		fprintf(stderr, "keyaudit: %s: cannot write snapshot: %s\n", a.output,
		    strerror(errno));
		rc = EXIT_USAGE;
	} else {
		fputs(json, fp);
		fputc('\n', fp);
		if (fflush(fp) != 0 || ferror(fp) || (fp != stdout && fclose(fp) != 0)) {
			fprintf(stderr, "keyaudit: %s: writing the snapshot failed\n", a.output);
			rc = EXIT_INTERNAL;
		}
	}
	free(json);
	snapshot_free(&snap);
	free_scan_args(&a);
	return rc;
}

static int
cmd_checks(int argc, char **argv)
{
	int json = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(checks_help, stdout);
			return 0;
		} else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			const char *f = argv[++i];
			if (strcmp(f, "json") == 0)
				json = 1;
			else if (strcmp(f, "text") != 0)
				usage_error("checks", "--format %s: expected text or json", f);
		} else
			usage_error("checks", "%s: unexpected argument", argv[i]);
	}
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
	return 0;
}

/* -C user=U,host=H,addr=A,laddr=L,lport=P,rdomain=R as sshd -T takes it. */
static void
parse_conn_spec(const char *spec, struct sshd_conn *c, char **store)
{
	char *copy = xstrdup(spec), *save = NULL, *t;

	*store = copy;
	for (t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(t, '=');
		if (eq == NULL)
			usage_error("sshd-config", "-C %s: expected key=value pairs", spec);
		*eq++ = '\0';
		if (strcmp(t, "user") == 0)
			c->user = eq;
		else if (strcmp(t, "host") == 0)
			c->host = eq;
		else if (strcmp(t, "addr") == 0)
			c->addr = eq;
		else if (strcmp(t, "laddr") == 0)
			c->laddr = eq;
		else if (strcmp(t, "lport") == 0) {
			char *end;
			long p = strtol(eq, &end, 10);
			if (*eq == '\0' || *end != '\0' || p < 0 || p > 65535)
				usage_error("sshd-config", "-C lport=%s: not a port number", eq);
			c->lport = (int)p;
		} else if (strcmp(t, "rdomain") == 0)
			c->rdomain = eq;
		else
			usage_error("sshd-config", "-C: unknown key '%s' (user, host, addr, "
			    "laddr, lport, rdomain)", t);
	}
}

static int
cmd_sshd_config(int argc, char **argv)
{
	const char *file = NULL, *spec = NULL, *root = NULL;
	struct collect_opts co;
	struct snapshot snap;
	struct sshdconf_io io;
	struct sshd_config *cfg;
	struct sshd_conn conn;
	struct sshd_eff *eff;
	struct strlist users = { 0 };
	struct buf out;
	char *err = NULL, *specstore = NULL, *abs;
	const char **groups = NULL;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(sshdconfig_help, stdout);
			return 0;
		} else if (strcmp(argv[i], "-f") == 0 && i + 1 < argc)
			file = argv[++i];
		else if (strcmp(argv[i], "-C") == 0 && i + 1 < argc)
			spec = argv[++i];
		else if (strcmp(argv[i], "--root") == 0 && i + 1 < argc)
			root = argv[++i];
		else
			usage_error("sshd-config", "%s: unexpected argument", argv[i]);
	}
	memset(&conn, 0, sizeof(conn));
	if (spec)
		parse_conn_spec(spec, &conn, &specstore);
	abs = file ? absolute_arg("sshd-config", file, root) : NULL;
	memset(&co, 0, sizeof(co));
	co.root = root;
	co.sshd_config = abs;
	if (conn.user)
		strlist_add(&users, conn.user);
	co.users = &users;
	snapshot_init(&snap);
	if (transport_local.collect("local", &co, &snap, &err) != 0) {
		fprintf(stderr, "keyaudit: %s\n", err);
		free(err);
		rc = EXIT_USAGE;
		goto out;
	}
	ctx_sshdconf_io(&snap, &io);
	cfg = sshdconf_parse(snap.sshd_config_path, &io);
	for (size_t i = 0; i < sshdconf_nerrors(cfg); i++) {
		const struct sshdconf_error *e = sshdconf_error_at(cfg, i);
		fprintf(stderr, "keyaudit: %s:%d: %s\n", e->file, e->line, e->msg);
		rc = EXIT_USAGE;
	}
	if (rc == 0) {
		const struct snap_account *acct = conn.user ?
		    snap_account_by_name(&snap, conn.user) : NULL;
		if (conn.user != NULL && acct != NULL) {
			size_t ng = 0;
			const struct snap_group *pg = snap_group_by_gid(&snap, acct->gid);
			groups = xcalloc(snap.ngroups + 1, sizeof(*groups));
			if (pg)
				groups[ng++] = pg->name;
			for (size_t i = 0; i < snap.ngroups; i++)
				if (&snap.groups[i] != pg &&
				    strlist_has(&snap.groups[i].members, acct->name))
					groups[ng++] = snap.groups[i].name;
			conn.groups = groups;
			conn.ngroups = ng;
		} else if (conn.user != NULL)
			conn.invalid_user = 1;
		eff = sshdconf_effective(cfg, spec ? &conn : NULL);
		buf_init(&out);
		sshd_eff_dump(eff, &out);
		fwrite(out.data ? out.data : "", 1, out.len, stdout);
		buf_free(&out);
		sshd_eff_free(eff);
	}
	sshdconf_free(cfg);
out:
	free(groups);
	free(specstore);
	free(abs);
	strlist_free(&users);
	snapshot_free(&snap);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		fputs(main_help, stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("keyaudit %s\n", KA_VERSION);
		return 0;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		fputs(main_help, stdout);
		return 0;
	}
	if (strcmp(cmd, "diagnose") == 0)
		return cmd_diagnose(argc - 1, argv + 1);
	if (strcmp(cmd, "known-hosts") == 0)
		return cmd_known_hosts(argc - 1, argv + 1);
	if (strcmp(cmd, "keys") == 0)
		return cmd_keys(argc - 1, argv + 1);
	if (strcmp(cmd, "scan") == 0)
		return cmd_scan(argc - 1, argv + 1);
	if (strcmp(cmd, "collect") == 0)
		return cmd_collect(argc - 1, argv + 1);
	if (strcmp(cmd, "diff") == 0)
		return cmd_diff(argc - 1, argv + 1);
	if (strcmp(cmd, "checks") == 0)
		return cmd_checks(argc - 1, argv + 1);
	if (strcmp(cmd, "sshd-config") == 0)
		return cmd_sshd_config(argc - 1, argv + 1);
	usage_error(NULL, "'%s' is not a command; commands: diagnose, scan, keys, "
	    "known-hosts, diff, collect, checks, sshd-config (see 'keyaudit --help')", cmd);
}
