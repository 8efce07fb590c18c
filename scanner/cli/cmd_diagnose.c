/* cmd_diagnose.c - `keyaudit diagnose`: the command line of the walk in
 * diagnose.c. Exit 0 when the login works, 1 when it does not, 2 for a
 * usage or input error, 3 for an internal one. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/diagnose.h"
#include "scanner/cli/cli.h"
#include "scanner/cli/cmd.h"
#include "scanner/fileio.h"

static const char *const diagnose_formats[] = { "text", "json", NULL };

static const struct cmd_option diagnose_options[] = {
	{ NULL, "client options (as for ssh and keyaudit scan):", 0 },
	{ &opt_identity, "identity file (repeatable); without -i: the agent and\n"
	    "ssh_config's IdentityFiles, as ssh would offer them", 0 },
	{ &opt_sshconf, NULL, 0 },
	{ &opt_login, "login name (the target's user@ wins)", 0 },
	{ &opt_port, "port (the target's :port wins)", 0 },
	{ &opt_known_hosts, "known_hosts file(s) instead of ssh_config's (repeatable)", 0 },
	{ &opt_accept_unknown, "treat an unknown host key as StrictHostKeyChecking\n"
	    "accept-new", 0 },
	{ &opt_host_cert, "the host's HostCertificate (repeatable), for a host\n"
	    "known_hosts pins only by @cert-authority: libssh cannot be\n"
	    "shown it on the wire (a server view reads it itself)", 0 },
	{ &opt_timeout, "per connection", 0 },
	{ NULL, "a view of the server (optional; without one only the client side is explained):", 0 },
	{ &opt_local, NULL, 0 },
	{ &opt_root, "with --local: the server's files are under DIR (an image)", 0 },
	{ &opt_via, NULL, 0 },
	{ &opt_via_identity, NULL, 0 },
	{ &opt_sudo, "with --via: collect as root through sudo -n", 0 },
	{ &opt_server_snapshot, NULL, 0 },
	{ &opt_sshd_config, "the server's sshd_config (with --local or --via)", 0 },
	{ &opt_user, "the account on the server (default: the login name)", 0 },
	{ &opt_pubkey, NULL, 0 },
	{ &opt_from, "the client address sshd sees (default: this connection's)", 0 },
	{ &opt_run_keys_command, "with --local: run the account's AuthorizedKeysCommand\n"
	    "as sshd would, its %t %f %k standing for the key being\n"
	    "diagnosed, and judge its output (10 s, 1 MiB at most)", 0 },
	{ &opt_auth_log, "sshd's log on this machine to quote (repeatable; default\n"
	    "with --local: /var/log/auth.log, /var/log/secure)", 0 },
	{ &opt_policy, "site policy (severities, disabled checks)", 0 },
	{ NULL, "output:", 0 },
	{ &opt_format, "the verdict", 0 },
	{ &opt_no_color, NULL, 0 },
	{ &opt_help, NULL, 0 },
	{ NULL, NULL, 0 },
};

const struct cmd_entry cmd_diagnose_entry = {
	.name = "diagnose",
	.synopsis = "diagnose [user@]host[:port] [-i KEY]... [options]\n"
	    "diagnose --local --user USER --pubkey KEY.pub [options]",
	.summary = "why this key login fails, and the fix",
	.about =
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
	"cause is net.key-refused and keyaudit prints the command that shows why.\n",
	.formats = diagnose_formats,
	.options = diagnose_options,
	.epilog =
	"exit status: 0 the login works, 1 it does not, 2 usage or input error,\n"
	"3 internal error.\n"
	"\n"
	"examples:\n"
	"  keyaudit diagnose deploy@web1 -i ~/.ssh/deploy_ed25519\n"
	"  keyaudit diagnose deploy@web1 --via admin@web1 --sudo\n"
	"  sudo keyaudit diagnose --local --user deploy --pubkey deploy.pub \\\n"
	"      --from 192.0.2.7\n",
	.exec = cmd_diagnose,
};

/* diagnose's own combinations of options: one line, exit 2. */
#define usage(...) cli_usage("diagnose", __VA_ARGS__)

int
cmd_diagnose(struct cli_args *a)
{
	struct diag_setup s;
	struct diag_result r;
	struct strlist cert_texts = { 0 };
	const char *home = getenv("HOME");
	struct passwd *pw = getpwuid(getuid());
	char *err = NULL;
	int views, rc;

	for (size_t i = 0; i < a->auth_logs.n; i++)
		if (access(a->auth_logs.v[i], R_OK) != 0)
			usage("--auth-log %s: %s", a->auth_logs.v[i], strerror(errno));
	if (a->users.n > 1)
		usage("--user: give one account");
	if (a->positional.n > 1)
		usage("one target only; '%s' is extra", a->positional.v[1]);
	memset(&s, 0, sizeof(s));
	s.target = a->positional.n ? a->positional.v[0] : NULL;
	s.sshconf_file = a->sshconf_file;
	s.login = a->login;
	s.port = a->port;
	s.accept_unknown = a->accept_unknown;
	s.timeout = a->timeout;
	s.user = a->users.n ? a->users.v[0] : NULL;
	s.pubkey = a->pubkey;
	s.from = a->from;
	s.sshd_config = a->sshd_config;
	s.root = a->root;
	s.via = a->via;
	s.sudo = a->sudo;
	s.server_snapshot = a->server_snapshot;
	views = a->local + (s.via != NULL) + (s.server_snapshot != NULL);
	if (views > 1)
		usage("--local, --via and --server-snapshot are different views of the "
		    "server: give one");
	if (s.target == NULL && !a->local)
		usage("a target is needed ([user@]host[:port]), or --local on the server");
	if (s.root != NULL && !a->local)
		usage("--root reads the server's files on this machine: it needs --local");
	if (a->run_keys_command && (!a->local || s.root != NULL))
		usage("--run-keys-command runs this machine's own command: it needs "
		    "--local, without --root");
	s.run_keys_command = a->run_keys_command;
	if (s.sudo && s.via == NULL)
		usage("--sudo applies to --via");
	if (a->via_identities.n > 0 && s.via == NULL)
		usage("--via-identity applies to --via");
	if (s.sshd_config != NULL && !a->local && s.via == NULL)
		usage("--sshd-config applies to --local or --via");
	s.view = a->local ? VIEW_LOCAL : s.via ? VIEW_VIA : s.server_snapshot ? VIEW_SNAPSHOT :
	    VIEW_NONE;
	s.identities = &a->identities;
	s.known_hosts = &a->known_hosts;
	if (a->host_certs.n > 0 && s.target == NULL)
		usage("--host-cert applies to a connection: give a target");
	for (size_t i = 0; i < a->host_certs.n; i++) {
		struct buf b;

		buf_init(&b);
		if (read_input_file(a->host_certs.v[i], 1024 * 1024, &b, &err) != 0)
			cli_input_error(err);
		strlist_add(&cert_texts, b.data ? b.data : "");
		buf_free(&b);
	}
	s.host_certs = &a->host_certs;
	s.host_cert_texts = &cert_texts;
	s.via_identities = &a->via_identities;
	s.auth_logs = &a->auth_logs;
	s.policy = a->policy;
	s.local_user = pw ? pw->pw_name : "root";
	s.home = home && *home ? home : pw ? pw->pw_dir : "/";

	rc = diagnose_run(&s, &r, &err);
	strlist_free(&cert_texts);
	if (rc != 0) {
		ka_eprintf("keyaudit: %s", err);
		free(err);
		diag_result_free(&r);
		return EXIT_USAGE;
	}
	if (strcmp(a->format, "json") == 0)
		diag_print_json(stdout, &r);
	else
		diag_print_text(stdout, &r, !a->no_color && getenv("NO_COLOR") == NULL &&
		    isatty(STDOUT_FILENO));
	rc = strcmp(r.verdict, "ok") == 0 ? 0 : 1;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fputs("keyaudit: writing the report failed\n", stderr);
		rc = EXIT_INTERNAL;
	}
	diag_result_free(&r);
	return rc;
}
