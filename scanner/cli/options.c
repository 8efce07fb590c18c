/* options.c - every command-line option, declared once: its name, letter,
 * type, range, default, help and the field of struct cli_args it fills.
 * Commands pick from these in cmd.c; --timeout means the same wherever it
 * is accepted because there is one of it. */
#include <stddef.h>
#include <stdlib.h>

#include "scanner/cli/cmd.h"
#include "scanner/parse/baseline.h"
#include "scanner/parse/keyreg.h"
#include "scanner/policy.h"
#include "scanner/fileio.h"
#include "scanner/parse/reportprev.h"

#define F(x) offsetof(struct cli_args, x)

/* A previous report is read whole, as keyaudit diff reads one. */
#define PREVIOUS_FILE_MAX (1024u * 1024 * 1024)

static int
load_policy(const char *path, void *field, char **err)
{
	return policy_load(path, (struct ka_policy **)field, err);
}

static int
load_baseline(const char *path, void *field, char **err)
{
	struct baseline *b = xcalloc(1, sizeof(*b));

	if (baseline_load(path, b, err) != 0) {
		free(b);
		return -1;
	}
	*(struct baseline **)field = b;
	return 0;
}

static int
load_registry(const char *path, void *field, char **err)
{
	struct keyreg *r = xcalloc(1, sizeof(*r));

	if (keyreg_load(path, r, err) != 0) {
		free(r);
		return -1;
	}
	*(struct keyreg **)field = r;
	return 0;
}

/* A JSON report, read as keyaudit diff reads one (scanner/parse/reportprev.h). */
static int
load_previous(const char *path, void *field, char **err)
{
	struct report_previous *p = xcalloc(1, sizeof(*p));
	struct buf b;
	int rc;

	buf_init(&b);
	rc = read_input_file(path, PREVIOUS_FILE_MAX, &b, err);
	if (rc == 0)
		rc = report_previous_parse(path, b.data, b.len, p, err);
	buf_free(&b);
	if (rc != 0) {
		free(p);
		return -1;
	}
	*(struct report_previous **)field = p;
	return 0;
}

/* targets */
const struct cli_option opt_inventory = { .name = "inventory", .letter = 'f',
	.type = OT_STR, .once = 1, .arg = "FILE", .field = F(inventory),
	.help = "a host list (one target per line, # comments) or an\n"
	"Ansible INI inventory (groups, [g:children], ansible_host,\n"
	"ansible_port, ansible_user, keyaudit_sshd_config)" };
const struct cli_option opt_limit = { .name = "limit", .type = OT_STR, .arg = "GROUP",
	.field = F(limit),
	.help = "only these inventory groups or hosts (comma-separated)" };
const struct cli_option opt_shard = { .name = "shard", .type = OT_STR, .once = 1,
	.arg = "K/N", .field = F(shard),
	.help = "scan only shard K of N (K from 0: Kubernetes'\n"
	"JOB_COMPLETION_INDEX): the targets whose name hashes\n"
	"(SHA-256) to K mod N; 'keyaudit merge' joins the reports" };
const struct cli_option opt_snapshot = { .name = "snapshot", .type = OT_LIST,
	.arg = "FILE", .field = F(snapshots),
	.help = "audit a snapshot written by 'keyaudit collect' (repeatable)" };

/* connecting */
const struct cli_option opt_sshconf = { .name = NULL, .letter = 'F', .type = OT_PATH,
	.arg = "FILE", .field = F(sshconf_file),
	.help = "ssh_config to use instead of ~/.ssh/config and\n"
	"/etc/ssh/ssh_config" };
const struct cli_option opt_identity = { .name = "identity", .letter = 'i',
	.type = OT_PATHS, .arg = "FILE", .field = F(identities),
	.help = "try this private key first (repeatable); then the agent\n"
	"and ssh_config's IdentityFile" };
const struct cli_option opt_login = { .name = "login", .letter = 'l', .type = OT_STR,
	.arg = "USER", .field = F(login),
	.help = "log in as USER where the target names none" };
const struct cli_option opt_port = { .name = "port", .letter = 'p', .type = OT_NUM,
	.arg = "N", .field = F(port), .min = 1, .max = 65535,
	.help = "port where the target names none" };
const struct cli_option opt_jobs = { .name = "jobs", .letter = 'j', .type = OT_NUM,
	.arg = "N", .field = F(jobs), .min = 1, .max = 1024, .def = "32",
	.help = "hosts at once" };
const struct cli_option opt_timeout = { .name = "timeout", .type = OT_NUM,
	.arg = "SECONDS", .field = F(timeout), .min = 1, .max = 86400, .def = "10",
	.help = "per remote host, from name lookup to the end of checking (a host past it gets net.budget)" };
const struct cli_option opt_known_hosts = { .name = "known-hosts", .type = OT_PATHS,
	.arg = "FILE", .field = F(known_hosts), .readable = 1,
	.help = "check host keys against FILE (repeatable) instead of\n"
	"ssh_config's UserKnownHostsFile/GlobalKnownHostsFile.\n"
	"known_hosts is never written." };
const struct cli_option opt_host_cert = { .name = "host-cert", .type = OT_PATHS,
	.arg = "FILE", .field = F(host_certs), .readable = 1,
	.help = "a host's HostCertificate (repeatable), judged against\n"
	"@cert-authority as ssh would judge it on the wire (libssh\n"
	"cannot ask a host for its certificate); a certificate\n"
	"applies to the host that offers the key it certifies" };
const struct cli_option opt_accept_unknown = { .name = "accept-unknown-hosts",
	.type = OT_FLAG, .field = F(accept_unknown),
	.help = "log in to hosts whose key is in no known_hosts file\n"
	"(reported as hostkey.unknown). A changed or revoked\n"
	"host key is never logged in to." };
const struct cli_option opt_sudo = { .name = "sudo", .type = OT_FLAG, .field = F(sudo),
	.help = "run the collector with 'sudo -n' to read root-only\n"
	"files; without sudo rights the audit runs unprivileged" };

/* what to audit */
const struct cli_option opt_user = { .name = "user", .type = OT_LIST, .arg = "NAME",
	.field = F(users),
	.help = "audit this account (repeatable; default: the login user)" };
const struct cli_option opt_all_users = { .name = "all-users", .type = OT_FLAG,
	.field = F(all_users),
	.help = "every account in /etc/passwd (needs root on the target)" };
const struct cli_option opt_run_keys_command = { .name = "run-keys-command",
	.type = OT_FLAG, .field = F(run_keys_command),
	.help = "run each account's AuthorizedKeysCommand as sshd would\n"
	"(as AuthorizedKeysCommandUser, sshd's tokens and\n"
	"environment, 10 s and 1 MiB at most) and judge its output\n"
	"like an authorized_keys file. This machine only: not for\n"
	"ssh targets, --root or snapshots. A scan has no offered\n"
	"key: a command using %t %f %k runs only in diagnose" };
const struct cli_option opt_root = { .name = "root", .type = OT_STR, .arg = "DIR",
	.field = F(root),
	.help = "audit the system mounted at DIR as if it were / (local)" };
const struct cli_option opt_sshd_config = { .name = "sshd-config", .type = OT_PATH,
	.arg = "FILE", .field = F(sshd_config), .rooted = 1,
	.help = "read this sshd_config instead of /etc/ssh/sshd_config" };
const struct cli_option opt_from = { .name = "from", .type = OT_STR, .arg = "ADDR",
	.field = F(from),
	.help = "the client address, for from= options and Match Address" };
const struct cli_option opt_checks = { .name = "checks", .type = OT_CSV, .arg = "LIST",
	.field = F(checks),
	.help = "only these checks: ids or families, comma-separated\n"
	"(e.g. perm,akeys.expired,net; see 'keyaudit checks')" };
const struct cli_option opt_policy = { .name = "policy", .type = OT_LOAD, .arg = "FILE",
	.field = F(policy), .load = load_policy,
	.help = "site policy: severities, disabled checks, expected\n"
	"values, regex constraints (see docs/policy.md)" };

/* stale keys */
const struct cli_option opt_unused_days = { .name = "unused-days", .type = OT_NUM,
	.arg = "N", .field = F(unused_days), .min = 0, .max = 36500,
	.help = "read each host's sshd logs (auth.log, secure, their\n"
	"rotations, else the journal) and report keys with no\n"
	"login for N days (keys.unused; 0: none in the whole log\n"
	"window). Logs shorter than N days, LogLevel below INFO\n"
	"or unreadable logs give keys.no-usage-data instead" };
const struct cli_option opt_auth_log = { .name = "auth-log", .type = OT_PATHS,
	.arg = "FILE", .field = F(auth_logs),
	.help = "read this log on each host instead (repeatable; for\n"
	"hosts that log elsewhere); implies --unused-days 0" };
const struct cli_option opt_max_key_age = { .name = "max-key-age", .type = OT_NUM,
	.arg = "DAYS", .field = F(max_key_age), .min = 1, .max = 36500,
	.help = "report key lines older than DAYS (keys.old): the\n"
	"registry's date, else the file's last change" };
const struct cli_option opt_key_registry = { .name = "key-registry", .type = OT_LOAD,
	.arg = "FILE", .field = F(registry), .load = load_registry,
	.help = "CSV of fingerprint,owner,expires[,added] (a header line\n"
	"may name them in any order): keys nobody claims and\n"
	"keys past their expiry (keys.unregistered)" };

/* reports */
const struct cli_option opt_format = { .name = "format", .type = OT_FORMAT, .arg = "FMT",
	.field = F(format), .help = "the report on standard output" };
const struct cli_option opt_json = { .name = "json", .type = OT_STR, .arg = "FILE",
	.field = F(json_file), .help = "also write the JSON report to FILE" };
const struct cli_option opt_html = { .name = "html", .type = OT_STR, .arg = "FILE",
	.field = F(html_file),
	.help = "also write the HTML report to FILE (one page, no network:\n"
	"summary, hosts, findings and fixes, filters)" };
const struct cli_option opt_previous = { .name = "previous", .type = OT_LOAD,
	.arg = "REPORT.json", .field = F(previous), .load = load_previous,
	.help = "an earlier JSON report: the HTML report shows what is\n"
	"new, resolved and unchanged since" };
const struct cli_option opt_junit = { .name = "junit", .type = OT_STR, .arg = "FILE",
	.field = F(junit_file), .help = "also write a JUnit-XML report to FILE" };
const struct cli_option opt_sarif = { .name = "sarif", .type = OT_STR, .arg = "FILE",
	.field = F(sarif_file),
	.help = "also write SARIF 2.1.0 (GitHub code scanning): results\n"
	"point at the inventory line that named each host" };
const struct cli_option opt_prom = { .name = "prom", .type = OT_STR, .arg = "FILE",
	.field = F(prom_file),
	.help = "also write node_exporter textfile metrics (pass/fail per\n"
	"host and check, findings by severity, durations)" };
const struct cli_option opt_fix_script = { .name = "fix-script", .type = OT_STR,
	.arg = "FILE", .field = F(fix_script),
	.help = "write the suggested fixes as a shell script to review\n"
	"(one function per host; keyaudit never runs it)" };
const struct cli_option opt_baseline = { .name = "baseline", .type = OT_LOAD,
	.arg = "FILE", .field = F(baseline), .load = load_baseline,
	.help = "accepted findings: reported, marked, not failing the gate\n"
	"until their expiry; entries nothing matches are listed" };
const struct cli_option opt_write_baseline = { .name = "write-baseline", .type = OT_STR,
	.arg = "FILE", .field = F(write_baseline),
	.help = "write every finding of this run as a baseline (reasons\n"
	"and expiries of --baseline's entries are kept)" };
const struct cli_option opt_fail_on = { .name = "fail-on", .type = OT_SEVERITY,
	.arg = "SEVERITY", .field = F(fail_on), .def = "high",
	.help = "exit 1 at or above: info low medium high critical" };
const struct cli_option opt_quiet = { .name = "quiet", .type = OT_FLAG, .field = F(quiet),
	.help = "no progress line; text: leave out hosts with nothing to report" };
const struct cli_option opt_no_color = { .name = "no-color", .type = OT_FLAG,
	.field = F(no_color),
	.help = "no ANSI colour (also when NO_COLOR is set or not a terminal)" };

/* collect */
const struct cli_option opt_output = { .name = "output", .letter = 'o', .type = OT_STR,
	.arg = "FILE", .field = F(output),
	.help = "where to write the snapshot ('-' for standard output)" };

/* known-hosts */
const struct cli_option opt_pin = { .name = "pin", .type = OT_STR, .arg = "FILE",
	.field = F(pin),
	.help = "write what the hosts offer as a sorted known_hosts FILE\n"
	"(one line per host and key type) and judge nothing" };
const struct cli_option opt_hash = { .name = "hash", .type = OT_FLAG, .field = F(hash),
	.help = "with --pin: hashed host names, as ssh-keygen -H" };
const struct cli_option opt_inventory_complete = { .name = "inventory-complete",
	.type = OT_FLAG, .field = F(inventory_complete),
	.help = "the inventory is the whole fleet: report entries for\n"
	"other hosts (hostkey.orphan)" };

/* diagnose */
const struct cli_option opt_local = { .name = "local", .type = OT_FLAG, .field = F(local),
	.help = "this machine is the server: read sshd_config, the account\n"
	"and its files here (run as root to read other users' files)" };
const struct cli_option opt_via = { .name = "via", .type = OT_STR,
	.arg = "[USER@]HOST[:PORT]", .field = F(via),
	.help = "log in to the server with a second, working account\n"
	"and collect its side (read-only, one exec, as scan does)" };
const struct cli_option opt_via_identity = { .name = "via-identity", .type = OT_PATHS,
	.arg = "FILE", .field = F(via_identities),
	.help = "identity for --via (repeatable)" };
const struct cli_option opt_server_snapshot = { .name = "server-snapshot",
	.type = OT_STR, .arg = "FILE", .field = F(server_snapshot), .readable = 1,
	.help = "a snapshot saved by 'keyaudit collect --user USER'" };
const struct cli_option opt_pubkey = { .name = "pubkey", .type = OT_STR,
	.arg = "FILE.pub", .field = F(pubkey), .readable = 1,
	.help = "the key to explain (default: the key ssh got furthest with)" };

/* sshd-config */
const struct cli_option opt_conn_spec = { .name = NULL, .letter = 'C', .type = OT_STR,
	.arg = "SPEC", .field = F(conn_spec),
	.help = "the connection Match blocks are evaluated for, as sshd -T\n"
	"takes it: user=U,host=H,addr=A,laddr=L,lport=P,rdomain=R" };

/* preflight */
const struct cli_option opt_proposed_sshd_config = { .name = "proposed-sshd-config",
	.type = OT_PATH, .arg = "NEW", .field = F(proposed_sshd_config), .once = 1,
	.help = "the proposed sshd_config (replaces the host's main file;\n"
	"its Includes read the host's files), or a directory\n"
	"mirroring /etc/ssh (each file replaces or adds\n"
	"/etc/ssh/RELPATH; NEW/sshd_config the main file)" };
const struct cli_option opt_proposed_keys = { .name = "proposed-keys", .type = OT_PATH,
	.arg = "DIR", .field = F(proposed_keys), .once = 1,
	.help = "DIR/USER replaces USER's first AuthorizedKeysFile" };
const struct cli_option opt_proposed_root = { .name = "proposed-root", .type = OT_PATH,
	.arg = "DIR", .field = F(proposed_root), .once = 1,
	.help = "the proposal is an image: after is this system mounted\n"
	"at DIR (read as --root DIR reads it)" };
const struct cli_option opt_must_keep = { .name = "must-keep", .type = OT_LIST,
	.arg = "USER", .field = F(must_keep),
	.help = "exit 1 when USER is refused after the change, whatever\n"
	"it was before (repeatable; an account that does not\n"
	"exist is exit 2)" };
/* --from as preflight takes it: the same client address, once per address
 * given (Match Address and from= differ per client). */
const struct cli_option opt_from_each = { .name = "from", .type = OT_LIST, .arg = "ADDR",
	.field = F(froms),
	.help = "the client address, for from= options and Match Address\n"
	"(repeatable: each account is judged from each address)" };

const struct cli_option opt_help = { .name = "help", .letter = 'h', .type = OT_FLAG,
	.field = F(help), .help = "this text" };
