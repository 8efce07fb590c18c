/* cmd_diagnose.c - `keyaudit diagnose`: the command line of the walk in
 * diagnose.c. Exit 0 when the login works, 1 when it does not, 2 for a
 * usage or input error, 3 for an internal one. */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/diagnose.h"
#include "scanner/parse/policy.h"

static const char diagnose_help[] =
"usage: keyaudit diagnose [user@]host[:port] [-i KEY]... [options]\n"
"       keyaudit diagnose --local --user USER --pubkey KEY.pub [options]\n"
"\n"
"Why does this key login fail? keyaudit connects as ssh would (same ssh_config,\n"
"same keys in the same order, BatchMode), asks the server about each key before\n"
"signing, logs in and runs `true`. It stops at the first broken link:\n"
"  client   key files, modes, passphrase/agent, ssh_config (PubkeyAuthentication,\n"
"           PreferredAuthentications, IdentitiesOnly, PubkeyAcceptedAlgorithms,\n"
"           RequiredRSASize), too many agent keys for MaxAuthTries\n"
"  network  name, TCP, banner, throttling\n"
"  hostkey  known_hosts under your StrictHostKeyChecking\n"
"  methods  does the server offer publickey\n"
"  key      does the server accept the public key (PK_OK), then the signature\n"
"  server   why sshd refused, in sshd's order (needs a view of the server:\n"
"           --local on the server, --via from here, or --server-snapshot)\n"
"  session  after \"Accepted\": nologin shell, ForceCommand, ChrootDirectory\n"
"sshd never tells a client why it refused a key; without a server view the\n"
"cause is net.key-refused and keyaudit prints the command that shows why.\n"
"\n"
"client options (as for ssh and keyaudit scan):\n"
"  -i FILE               identity file (repeatable); without -i: the agent and\n"
"                        ssh_config's IdentityFiles, as ssh would offer them\n"
"  -F FILE               ssh_config file instead of ~/.ssh/config and /etc/ssh/ssh_config\n"
"  -l USER, -p PORT      login name and port (the target's user@ and :port win)\n"
"  --known-hosts FILE    known_hosts file(s) instead of ssh_config's (repeatable)\n"
"  --accept-unknown-hosts  treat an unknown host key as StrictHostKeyChecking accept-new\n"
"  --timeout SECONDS     per connection (default 10)\n"
"\n"
"a view of the server (optional; without one only the client side is explained):\n"
"  --local               this machine is the server: read sshd_config, the account\n"
"                        and its files here (run as root to read other users' files)\n"
"  --root DIR            with --local: the server's files are under DIR (an image)\n"
"  --via [USER@]HOST[:PORT]  log in to the server with a second, working account\n"
"                        and collect its side (read-only, one exec, as scan does)\n"
"  --via-identity FILE   identity for --via (repeatable)\n"
"  --sudo                with --via: collect as root through sudo -n\n"
"  --server-snapshot FILE  a snapshot saved by 'keyaudit collect --user USER'\n"
"  --sshd-config FILE    the server's sshd_config (with --local or --via)\n"
"  --user USER           the account on the server (default: the login name)\n"
"  --pubkey FILE.pub     the key to explain (default: the key ssh got furthest with)\n"
"  --from ADDR           the client address sshd sees (default: this connection's)\n"
"  --auth-log FILE       sshd's log on this machine to quote (repeatable; default\n"
"                        with --local: /var/log/auth.log, /var/log/secure)\n"
"  --policy FILE         site policy (severities, disabled checks)\n"
"\n"
"output:\n"
"  --format text|json    (default text)\n"
"  --no-color            no colour even on a terminal (also NO_COLOR)\n"
"\n"
"exit status: 0 the login works, 1 it does not, 2 usage or input error,\n"
"3 internal error.\n"
"\n"
"examples:\n"
"  keyaudit diagnose deploy@web1 -i ~/.ssh/deploy_ed25519\n"
"  keyaudit diagnose deploy@web1 --via admin@web1 --sudo\n"
"  sudo keyaudit diagnose --local --user deploy --pubkey deploy.pub --from 192.0.2.7\n";

enum {
	OPT_KNOWN_HOSTS = 256, OPT_ACCEPT_UNKNOWN, OPT_TIMEOUT, OPT_FORMAT, OPT_NO_COLOR,
	OPT_LOCAL, OPT_USER, OPT_PUBKEY, OPT_FROM, OPT_SSHD_CONFIG, OPT_ROOT, OPT_VIA,
	OPT_VIA_IDENTITY, OPT_SUDO, OPT_SERVER_SNAPSHOT, OPT_AUTH_LOG, OPT_POLICY,
};

static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "known-hosts", required_argument, NULL, OPT_KNOWN_HOSTS },
	{ "accept-unknown-hosts", no_argument, NULL, OPT_ACCEPT_UNKNOWN },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "local", no_argument, NULL, OPT_LOCAL },
	{ "user", required_argument, NULL, OPT_USER },
	{ "pubkey", required_argument, NULL, OPT_PUBKEY },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "sshd-config", required_argument, NULL, OPT_SSHD_CONFIG },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "via", required_argument, NULL, OPT_VIA },
	{ "via-identity", required_argument, NULL, OPT_VIA_IDENTITY },
	{ "sudo", no_argument, NULL, OPT_SUDO },
	{ "server-snapshot", required_argument, NULL, OPT_SERVER_SNAPSHOT },
	{ "auth-log", required_argument, NULL, OPT_AUTH_LOG },
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ NULL, 0, NULL, 0 },
};

static void usage(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
usage(const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	ka_eprintf("keyaudit: diagnose: %s (see 'keyaudit diagnose --help')", m);
	free(m);
	exit(2);
}

static int
number(const char *opt, const char *v, long min, long max)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < min || n > max)
		usage("%s %s: expected a whole number from %ld to %ld", opt, v, min, max);
	return (int)n;
}

static struct ka_policy *
read_policy(const char *path)
{
	struct ka_policy *p = NULL;
	char *err = NULL;

	if (policy_load(path, &p, &err) != 0) {
		ka_eprintf("keyaudit: %s", err);
		exit(2);
	}
	return p;
}

static int
readable(const char *opt, const char *path)
{
	if (access(path, R_OK) != 0)
		usage("%s %s: %s", opt, path, strerror(errno));
	return 1;
}

int
cmd_diagnose(int argc, char **argv)
{
	struct diag_setup s;
	struct diag_result r;
	struct strlist ids = { 0 }, kh = { 0 }, via_ids = { 0 }, logs = { 0 };
	struct ka_policy *policy = NULL;
	const char *format = "text", *home = getenv("HOME");
	struct passwd *pw = getpwuid(getuid());
	char *err = NULL;
	int c, local = 0, no_color = 0, views = 0, rc;

	memset(&s, 0, sizeof(s));
	s.timeout = 10;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hi:F:l:p:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(diagnose_help, stdout);
			return 0;
		case 'i':
			strlist_add(&ids, optarg);
			break;
		case 'F':
			s.sshconf_file = optarg;
			break;
		case 'l':
			s.login = optarg;
			break;
		case 'p':
			s.port = number("-p", optarg, 1, 65535);
			break;
		case OPT_KNOWN_HOSTS:
			readable("--known-hosts", optarg);
			strlist_add(&kh, optarg);
			break;
		case OPT_ACCEPT_UNKNOWN:
			s.accept_unknown = 1;
			break;
		case OPT_TIMEOUT:
			s.timeout = number("--timeout", optarg, 1, 3600);
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0)
				usage("--format %s: expected text or json", optarg);
			format = optarg;
			break;
		case OPT_NO_COLOR:
			no_color = 1;
			break;
		case OPT_LOCAL:
			local = 1;
			break;
		case OPT_USER:
			s.user = optarg;
			break;
		case OPT_PUBKEY:
			readable("--pubkey", optarg);
			s.pubkey = optarg;
			break;
		case OPT_FROM:
			s.from = optarg;
			break;
		case OPT_SSHD_CONFIG:
			s.sshd_config = optarg;
			break;
		case OPT_ROOT:
			s.root = optarg;
			break;
		case OPT_VIA:
			s.via = optarg;
			break;
		case OPT_VIA_IDENTITY:
			strlist_add(&via_ids, optarg);
			break;
		case OPT_SUDO:
			s.sudo = 1;
			break;
		case OPT_SERVER_SNAPSHOT:
			readable("--server-snapshot", optarg);
			s.server_snapshot = optarg;
			break;
		case OPT_AUTH_LOG:
			readable("--auth-log", optarg);
			strlist_add(&logs, optarg);
			break;
		case OPT_POLICY:
			policy = read_policy(optarg);
			break;
		default:
			usage("unknown option");
		}
	}
	if (optind < argc)
		s.target = argv[optind++];
	if (optind < argc)
		usage("one target only; '%s' is extra", argv[optind]);
	views = local + (s.via != NULL) + (s.server_snapshot != NULL);
	if (views > 1)
		usage("--local, --via and --server-snapshot are different views of the "
		    "server: give one");
	if (s.target == NULL && !local)
		usage("a target is needed ([user@]host[:port]), or --local on the server");
	if (s.root != NULL && !local)
		usage("--root reads the server's files on this machine: it needs --local");
	if (s.sudo && s.via == NULL)
		usage("--sudo applies to --via");
	if (via_ids.n > 0 && s.via == NULL)
		usage("--via-identity applies to --via");
	if (s.sshd_config != NULL && !local && s.via == NULL)
		usage("--sshd-config applies to --local or --via");
	s.view = local ? VIEW_LOCAL : s.via ? VIEW_VIA : s.server_snapshot ? VIEW_SNAPSHOT :
	    VIEW_NONE;
	s.identities = &ids;
	s.known_hosts = &kh;
	s.via_identities = &via_ids;
	s.auth_logs = &logs;
	s.policy = policy;
	s.local_user = pw ? pw->pw_name : "root";
	s.home = home && *home ? home : pw ? pw->pw_dir : "/";

	if (diagnose_run(&s, &r, &err) != 0) {
		ka_eprintf("keyaudit: %s", err);
		free(err);
		diag_result_free(&r);
		rc = 2;
		goto out;
	}
	if (strcmp(format, "json") == 0)
		diag_print_json(stdout, &r);
	else
		diag_print_text(stdout, &r, !no_color && getenv("NO_COLOR") == NULL &&
		    isatty(STDOUT_FILENO));
	rc = strcmp(r.verdict, "ok") == 0 ? 0 : 1;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fputs("keyaudit: writing the report failed\n", stderr);
		rc = 3;
	}
	diag_result_free(&r);
 out:
	strlist_free(&ids);
	strlist_free(&kh);
	strlist_free(&via_ids);
	strlist_free(&logs);
	policy_free(policy);
	return rc;
}
