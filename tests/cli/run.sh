#!/bin/bash
# Command-line contract tests: exit codes, one-line errors naming file and
# line, snapshot round trips equal to live scans, report validity. They use a
# fake system under --root, so they need neither root nor a running sshd.
set -u
cd "$(dirname "$0")/../.." || exit 3
KA=${KA:-./keyaudit}
SUITE=cli
. tests/lib.sh
t_setup "${TMPDIR:-/tmp}"	# no sshd StrictModes walk starts below it
T=$T_BASE

# expect_exit CODE NAME CMD...: runs CMD, checks its exit status.
expect_exit() {
	want=$1; name=$2; shift 2
	"$@" >"$T/out" 2>"$T/err"; got=$?
	if [ "$got" -eq "$want" ]; then t_ok "$name"; else t_nok "$name (exit $got, want $want)" "$(cat "$T/err")"; fi
}
# The error is exactly one line and mentions every word given.
one_line_error() {
	name=$1; shift
	lines=$(wc -l <"$T/err")
	for w in "$@"; do
		if ! grep -qF -- "$w" "$T/err"; then t_nok "$name: stderr names '$w'" "$(cat "$T/err")"; return; fi
	done
	if [ "$lines" -eq 1 ]; then t_ok "$name: one-line error"; else t_nok "$name: $lines lines on stderr" "$(cat "$T/err")"; fi
}

# A fake system: alice (the invoking uid, so files we create are "hers").
me=$(id -u); mygid=$(id -g)
mkroot() {
	R=$1
	mkdir -p "$R/etc/ssh" "$R/home/alice/.ssh" "$R/bin"
	chmod 755 "$R" "$R/etc" "$R/etc/ssh" "$R/home" "$R/bin"
	printf 'root:x:0:0:root:/root:/bin/sh\nalice:x:%s:%s::/home/alice:/bin/sh\n' "$me" "$mygid" >"$R/etc/passwd"
	printf 'root:x:0:\nalice:x:%s:\n' "$mygid" >"$R/etc/group"
	printf 'ID=debian\n' >"$R/etc/os-release"
	printf '#!/bin/sh\n' >"$R/bin/sh"; chmod 755 "$R/bin/sh"
	printf 'PasswordAuthentication no\nKbdInteractiveAuthentication no\n' >"$R/etc/ssh/sshd_config"
	ssh-keygen -q -t ed25519 -N '' -C alice@test -f "$T/key_$(basename "$R")" >/dev/null
	cp "$T/key_$(basename "$R").pub" "$R/home/alice/.ssh/authorized_keys"
	chmod 755 "$R/home/alice"; chmod 700 "$R/home/alice/.ssh"; chmod 600 "$R/home/alice/.ssh/authorized_keys"
}

# --- basics
expect_exit 0 "--version" "$KA" --version
grep -q "^keyaudit [0-9]" "$T/out" && t_ok "--version prints the version" || t_nok "--version prints the version"
for c in diagnose scan keys known-hosts diff collect checks sshd-config preflight; do
	expect_exit 0 "$c --help" "$KA" "$c" --help
	grep -q "usage: keyaudit $c" "$T/out" && t_ok "$c --help shows usage" || t_nok "$c --help shows usage"
done
expect_exit 2 "unknown command" "$KA" frobnicate
one_line_error "unknown command" frobnicate
expect_exit 2 "unknown option" "$KA" scan --frobnicate
expect_exit 2 "bad --fail-on" "$KA" scan --fail-on severe
one_line_error "bad --fail-on" severe
expect_exit 2 "unknown --checks" "$KA" scan --checks perm,nosuch.check
one_line_error "unknown --checks" nosuch.check
expect_exit 2 "bad --format" "$KA" scan --format yaml
expect_exit 0 "checks" "$KA" checks
n=$(wc -l <"$T/out")
[ "$n" -ge 40 ] && t_ok "checks lists $n checks" || t_nok "checks lists only $n checks"
for id in perm.file-mode perm.dir-mode akeys.bad-options sshd.pubkey-disabled account.locked client.key-mode; do
	grep -q "^$id " "$T/out" && t_ok "checks lists $id" || t_nok "checks lists $id"
done
expect_exit 0 "checks --format json" "$KA" checks --format json
jq -e 'length >= 40 and all(.[]; .id and .severity and (.blocks_login|type=="boolean"))' "$T/out" >/dev/null &&
	t_ok "checks json is well-formed" || t_nok "checks json is well-formed"

# --- diagnose: usage and input errors are exit 2 with one line, before any connection
expect_exit 2 "diagnose without a target" "$KA" diagnose
one_line_error "diagnose without a target" "target"
expect_exit 2 "diagnose: two views" "$KA" diagnose u@127.0.0.1 --local --via a@127.0.0.1
one_line_error "diagnose: two views" "--local" "--via"
expect_exit 2 "diagnose: bad --format" "$KA" diagnose u@127.0.0.1 --format yaml
one_line_error "diagnose: bad --format" "yaml"
expect_exit 2 "diagnose: missing --pubkey" "$KA" diagnose u@127.0.0.1 --pubkey "$T/nope.pub"
one_line_error "diagnose: missing --pubkey" "$T/nope.pub"
expect_exit 2 "diagnose: --sudo without --via" "$KA" diagnose u@127.0.0.1 --sudo
expect_exit 2 "diagnose: --root without --local" "$KA" diagnose u@127.0.0.1 --root /
printf 'not a key\n' > "$T/bad.pub"
expect_exit 2 "diagnose: --pubkey that is not a key" "$KA" diagnose --local --user root --pubkey "$T/bad.pub" --sshd-config /dev/null
one_line_error "diagnose: --pubkey that is not a key" "$T/bad.pub" "line 1"
expect_exit 2 "diagnose: bad target" "$KA" diagnose 'u@-oProxyCommand=x'
one_line_error "diagnose: bad target" "argument"
# --local without --pubkey: no key was judged, and the report says so
# rather than a bare "verdict: ok"
mkroot "$T/rl"
expect_exit 0 "diagnose --local without --pubkey" "$KA" diagnose --local --root "$T/rl" --user alice --no-color
grep -q "^keyaudit diagnose alice@local  key none given (--pubkey KEY.pub judges one)$" "$T/out" &&
    grep -q "^verdict: ok for the keys the account's files list (predicted .*no key was given" "$T/out" &&
    grep -q "server   nothing in sshd's order refuses the keys the account's files list" "$T/out" &&
    t_ok "diagnose --local without --pubkey: says no key was given, and what ok is about" ||
    t_nok "diagnose --local without --pubkey names what was judged" "$(cat "$T/out")"
# an option without its value takes the next option as the value: one line
# naming what was missing, never a later complaint about the wrong word
expect_exit 2 "diagnose --via without its host" "$KA" diagnose u@127.0.0.1 --via
one_line_error "diagnose --via without its host" "--via needs [USER@]HOST[:PORT]"
expect_exit 2 "diagnose --via followed by an option" "$KA" diagnose u@127.0.0.1 --via -i "$T/k"
one_line_error "diagnose --via followed by an option" "--via needs [USER@]HOST[:PORT]" "got the option -i"
expect_exit 2 "diagnose --via --local" "$KA" diagnose --via --local
one_line_error "diagnose --via --local" "--via needs"

# --- known-hosts: usage errors before any connection
expect_exit 2 "known-hosts without a target" "$KA" known-hosts
one_line_error "known-hosts without a target" "targets"
expect_exit 2 "known-hosts: --hash without --pin" "$KA" known-hosts 127.0.0.1 --hash
expect_exit 2 "known-hosts: --pin and --known-hosts" "$KA" known-hosts 127.0.0.1 --pin "$T/p" --known-hosts /dev/null
expect_exit 2 "known-hosts: it logs in nowhere (-i)" "$KA" known-hosts 127.0.0.1 -i "$T/k"
expect_exit 2 "known-hosts: local has no host keys over SSH" "$KA" known-hosts local
expect_exit 2 "known-hosts: a missing --known-hosts file" "$KA" known-hosts 127.0.0.1 --known-hosts "$T/nope"
one_line_error "known-hosts: a missing --known-hosts file" "$T/nope"
expect_exit 2 "scan: --pin belongs to known-hosts" "$KA" scan --pin "$T/p"
[ ! -e "$T/p" ] && t_ok "known-hosts: no pin written on a usage error" || t_nok "known-hosts: no pin written on a usage error"

# --- bad input: one line naming the file (and line), exit 2
expect_exit 2 "missing snapshot" "$KA" scan --snapshot "$T/nope.json"
one_line_error "missing snapshot" "$T/nope.json"
expect_exit 2 "directory as snapshot" "$KA" scan --snapshot "$T"
one_line_error "directory as snapshot" "$T" "not a regular file"
printf '{"keyaudit_snapshot": 1,\n "files": [\n  {"path": "/x",, }\n ]}\n' >"$T/bad.json"
expect_exit 2 "malformed JSON" "$KA" scan --snapshot "$T/bad.json"
one_line_error "malformed JSON" "$T/bad.json:3:"
printf '{"keyaudit_snapshot": 1, "files": [{"path": "/x", "type": "file", "mode": "rwx", "uid": 0, "gid": 0}]}' >"$T/badmode.json"
expect_exit 2 "bad mode in snapshot" "$KA" scan --snapshot "$T/badmode.json"
one_line_error "bad mode in snapshot" "$T/badmode.json" "files[0]" mode
printf '{"something": "else"}' >"$T/other.json"
expect_exit 2 "not a snapshot" "$KA" scan --snapshot "$T/other.json"
one_line_error "not a snapshot" keyaudit_snapshot
expect_exit 2 "unreadable root" "$KA" scan --root "$T/nope"
one_line_error "unreadable root" "$T/nope"

# --- remote targets: every input error is exit 2 before anything is scanned
expect_exit 2 "target with a shell metacharacter" "$KA" scan 'web1;id'
one_line_error "target with a shell metacharacter" 'web1;id'
expect_exit 2 "target with a bad port" "$KA" scan web1:99999
one_line_error "target with a bad port" 99999
expect_exit 2 "target user with a space" "$KA" scan 'a b@web1'
printf 'web1\nweb2:2222\n\n# comment\nbad host here\n' >"$T/hosts.txt"
expect_exit 2 "bad inventory line" "$KA" scan -f "$T/hosts.txt"
one_line_error "bad inventory line" "$T/hosts.txt:5"
printf '[web]\nweb1 ansible_port=22\n[all:children]\nweb\nnosuchgroup\n' >"$T/inv.ini"
expect_exit 2 "unknown child group" "$KA" scan -f "$T/inv.ini"
one_line_error "unknown child group" "$T/inv.ini:5" nosuchgroup
printf '[web]\nweb1\n' >"$T/inv2.ini"
expect_exit 2 "--limit names nothing" "$KA" scan -f "$T/inv2.ini" --limit db
one_line_error "--limit names nothing" db
expect_exit 2 "--limit without -f" "$KA" scan web1 --limit web
expect_exit 2 "missing inventory" "$KA" scan -f "$T/nope.txt"
one_line_error "missing inventory" "$T/nope.txt"
expect_exit 2 "-j 0" "$KA" scan web1 -j 0
one_line_error "-j 0" "-j 0"
expect_exit 2 "--timeout word" "$KA" scan web1 --timeout soon
expect_exit 2 "-p out of range" "$KA" scan web1 -p 0
expect_exit 2 "missing --known-hosts file" "$KA" scan web1 --known-hosts "$T/nope_kh"
one_line_error "missing --known-hosts file" "$T/nope_kh"
printf 'Host web1\n  Port notaport\n' >"$T/ssh_config"
expect_exit 2 "bad ssh_config" "$KA" scan web1 -F "$T/ssh_config"
one_line_error "bad ssh_config" "$T/ssh_config:2"
expect_exit 2 "--root with a remote target" "$KA" scan web1 --root "$T"
expect_exit 2 "--snapshot with targets" "$KA" scan web1 --snapshot "$T/other.json"
expect_exit 2 "collect of two targets" "$KA" collect web1 web2 -o "$T/x.json"
# A host that cannot be reached is a finding (exit 1), in the report's order.
printf 'Host *\n  UserKnownHostsFile /dev/null\n  GlobalKnownHostsFile /dev/null\n' >"$T/ssh_config_ok"
expect_exit 1 "unresolvable and refused hosts: exit 1" "$KA" scan -F "$T/ssh_config_ok" \
	no-such-host.invalid 127.0.0.1:1 --timeout 5 --format json
jq -e '[.hosts[].target] == ["no-such-host.invalid", "127.0.0.1:1", "fleet"] and
    .hosts[0].status == "unreachable" and .hosts[0].findings[0].check == "net.resolve" and
    .hosts[1].status == "unreachable" and .hosts[1].findings[0].check == "net.refused" and
    .hosts[1].findings[0].fix != null and .summary.hosts == 2' "$T/out" >/dev/null &&
	t_ok "unreachable hosts reported in order, each with its finding" ||
	t_nok "unreachable hosts reported in order, each with its finding" "$(head -c 1500 "$T/out")"
# -j and the open-files limit: a soft limit too low for -j is raised up to
# the hard one; past the hard one -j is lowered, with a note, and every
# host is still reported (not lost to EMFILE)
for p in $(seq 1 21); do [ $p = 22 ] || echo "127.0.0.1:$p"; done > "$T/closed.list"
(ulimit -Sn 48 && ulimit -Hn 4096 && exec "$KA" scan -F "$T/ssh_config_ok" -f "$T/closed.list" -j 40 \
    --timeout 5 --format json) > "$T/out" 2> "$T/err"
[ $? = 1 ] && [ "$(jq '[.hosts[] | select(.status == "unreachable")] | length' "$T/out")" = 21 ] &&
    ! grep -q 'lowered' "$T/err" && t_ok "-j 40 with ulimit -n 48 (hard 4096): -j kept (the soft limit may rise), 21 hosts reported" ||
    t_nok "-j 40, soft limit 48: raised" "$(cat "$T/err") $(jq -c '[.hosts[] | {target, status, error}]' "$T/out" 2>&1 | head -c 800)"
(ulimit -n 80 && exec "$KA" scan -F "$T/ssh_config_ok" -f "$T/closed.list" -j 40 \
    --timeout 5 --format json) > "$T/out" 2> "$T/err"
[ $? = 1 ] && [ "$(jq '[.hosts[] | select(.status == "unreachable")] | length' "$T/out")" = 21 ] &&
    grep -q '^keyaudit: -j 21 lowered to 4: the open-files limit (ulimit -n) is 80$' "$T/err" &&
    t_ok "-j 40 with ulimit -n 80 (hard): -j lowered with a note, 21 hosts reported" ||
    t_nok "-j 40, hard limit 80: lowered" "$(cat "$T/err") $(jq -c '[.hosts[] | {target, status, error}]' "$T/out" 2>&1 | head -c 800)"
# the resolve fix names the name looked up: not user@host, not an alias
# (getent knows neither), but ssh_config's HostName
printf 'Host alias1\n  HostName no-such-host.invalid\n  UserKnownHostsFile /dev/null\n' >"$T/ssh_config_alias"
"$KA" scan -F "$T/ssh_config_alias" nobody@no-such-host.invalid alias1 --timeout 5 --format json >"$T/out" 2>/dev/null
[ -s "$T/out" ] && jq -e '[.hosts[0, 1].findings[] | select(.check == "net.resolve") | .fix] |
    length == 2 and all(.[]; startswith("check the name: getent hosts no-such-host.invalid "))' "$T/out" >/dev/null &&
	t_ok "net.resolve's fix: getent hosts the HostName (not user@host, not the alias)" ||
	t_nok "net.resolve's fix names the name looked up" "$(jq -c '[.hosts[].findings[] | .fix]' "$T/out")"
expect_exit 2 "collect without -o" "$KA" collect

# --- a clean fake system, then a broken one
mkroot "$T/r1"
expect_exit 0 "clean system exits 0" "$KA" scan --root "$T/r1" --user alice --format json
jq -e '.schema == 1 and (.hosts|length) == 1 and .hosts[0].status == "scanned"' "$T/out" >/dev/null &&
	t_ok "json report shape" || t_nok "json report shape" "$(head -c 600 "$T/out")"
chmod 777 "$T/r1/home/alice/.ssh"
expect_exit 1 "world-writable .ssh exits 1" "$KA" scan --root "$T/r1" --user alice --format json
jq -e '[.hosts[0].findings[] | select(.check == "perm.dir-mode" and .blocks_login and .path == "/home/alice/.ssh")] | length == 1' "$T/out" >/dev/null &&
	t_ok "perm.dir-mode reported for .ssh" || t_nok "perm.dir-mode reported for .ssh" "$(cat "$T/out")"
jq -e '.hosts[0].findings[] | select(.check == "perm.dir-mode") | .fix | test("chmod go-w")' "$T/out" >/dev/null &&
	t_ok "fix is a chmod" || t_nok "fix is a chmod"
expect_exit 0 "--fail-on critical ignores high" "$KA" scan --root "$T/r1" --user alice --fail-on critical --format json
expect_exit 0 "--checks filters" "$KA" scan --root "$T/r1" --user alice --checks akeys --format json
jq -e '[.hosts[0].findings[] | select(.check|startswith("perm."))] | length == 0' "$T/out" >/dev/null &&
	t_ok "--checks akeys drops perm findings" || t_nok "--checks akeys drops perm findings"

# --- snapshot round trip equals the live scan
expect_exit 1 "live scan" "$KA" scan --root "$T/r1" --user alice --format json
jq -S '.hosts[0].findings' "$T/out" >"$T/live"
expect_exit 0 "collect" "$KA" collect --root "$T/r1" --user alice -o "$T/snap.json"
[ "$(stat -c %a "$T/snap.json")" = 600 ] && t_ok "snapshot written mode 0600" || t_nok "snapshot written mode 0600"
expect_exit 1 "scan --snapshot" "$KA" scan --snapshot "$T/snap.json" --format json
jq -S '.hosts[0].findings' "$T/out" >"$T/offline"
if cmp -s "$T/live" "$T/offline" && [ "$(jq length "$T/live")" -gt 0 ]; then t_ok "snapshot findings equal live findings"
else t_nok "snapshot findings equal live findings" "$(diff "$T/live" "$T/offline")"; fi

# --- policy file: bad lines are input errors with file:line; a good one applies
expect_exit 2 "missing policy file" "$KA" scan --root "$T/r1" --user alice --policy "$T/nope.policy"
one_line_error "missing policy file" "$T/nope.policy"
printf '# site policy\ncheck perm.dir-mode severity critical\ncheck nosuch.rule disable\n' >"$T/bad.policy"
expect_exit 2 "unknown check in policy" "$KA" scan --root "$T/r1" --user alice --policy "$T/bad.policy"
one_line_error "unknown check in policy" "$T/bad.policy:3"
printf 'check perm.dir-mode severity critical\n' >"$T/crit.policy"
expect_exit 1 "policy raises a severity" "$KA" scan --root "$T/r1" --user alice --policy "$T/crit.policy" --fail-on critical --format json
jq -e '.hosts[0].findings[] | select(.check == "perm.dir-mode") | .severity == "critical"' "$T/out" >/dev/null &&
	t_ok "policy severity reported" || t_nok "policy severity reported"
printf 'check perm.dir-mode disable\n' >"$T/off.policy"
"$KA" scan --root "$T/r1" --user alice --policy "$T/off.policy" --format json >"$T/out" 2>/dev/null
jq -e '[.hosts[0].findings[] | select(.check == "perm.dir-mode")] | length == 0' "$T/out" >/dev/null &&
	t_ok "policy disables a check" || t_nok "policy disables a check"

# --- sshd-config prints the effective configuration, sshd -T style
printf 'PasswordAuthentication no\nMatch User alice\n  PasswordAuthentication yes\n' >"$T/m.conf"
expect_exit 0 "sshd-config -f" "$KA" sshd-config -f "$T/m.conf"
grep -qx "passwordauthentication no" "$T/out" && t_ok "sshd-config global value" || t_nok "sshd-config global value"
expect_exit 0 "sshd-config -C user=alice" "$KA" sshd-config -f "$T/m.conf" -C user=alice,host=h,addr=10.0.0.1
grep -qx "passwordauthentication yes" "$T/out" && t_ok "sshd-config applies Match" || t_nok "sshd-config applies Match"
printf 'PasswordAuthentication maybe\n' >"$T/bad.conf"
expect_exit 2 "sshd-config on a bad config" "$KA" sshd-config -f "$T/bad.conf"
grep -q "$T/bad.conf:1" "$T/err" && t_ok "bad config names file:line" || t_nok "bad config names file:line" "$(cat "$T/err")"
expect_exit 2 "sshd-config -f a missing file" "$KA" sshd-config -f "$T/nonexistent.conf"
one_line_error "sshd-config -f a missing file" "$T/nonexistent.conf" "No such file"
grep -q ":0:" "$T/err" && t_nok "a missing config names no line 0" "$(cat "$T/err")" || t_ok "a missing config names no line 0"

# --- JUnit validates against the schema
expect_exit 1 "junit to stdout" "$KA" scan --root "$T/r1" --user alice --format junit
t_valid_junit "junit validates" "$T/out"
expect_exit 1 "--junit FILE" "$KA" scan --root "$T/r1" --user alice --junit "$T/j.xml" --json "$T/j.json"
t_valid_junit "--junit file validates" "$T/j.xml"
jq -e '.hosts[0].findings|length > 0' "$T/j.json" >/dev/null && t_ok "--json file written" || t_nok "--json file written"
# JUnit agrees with the gate: its failures are exactly the findings at or
# above --fail-on (the exit status's rule), the rest stay visible as passing
# testcases with the finding in <system-out>; one testcase per finding, each
# name unique in its suite
for fo in info medium high critical; do
	"$KA" scan --root "$T/r1" --user alice --fail-on $fo --format junit --json "$T/g.json" >"$T/g.xml" 2>/dev/null; rc=$?
	nf=$(jq '.hosts[0].findings | length' "$T/g.json")
	want=$(jq --arg fo $fo '["info","low","medium","high","critical"] as $s |
	    [.hosts[0].findings[] | select(.severity as $v | ($s | index($v)) >= ($s | index($fo)))] | length' "$T/g.json")
	got=$(xmllint --xpath 'count(//testcase[failure])' "$T/g.xml")
	attr=$(xmllint --xpath 'string(//testsuite/@failures)' "$T/g.xml")
	shown=$(xmllint --xpath 'count(//testcase[failure or system-out])' "$T/g.xml")
	dups=$(xmllint --xpath '//testcase/@name' "$T/g.xml" | sort | uniq -d)
	exp=0; [ "$want" -gt 0 ] && exp=1
	v=$(t_valid junit "$T/g.xml"); vr=$?
	if [ "$got" = "$want" ] && [ "$attr" = "$want" ] && [ "$shown" = "$nf" ] && [ -z "$dups" ] && [ $rc = $exp ] &&
	    [ $vr != 1 ]; then
		t_ok_schema "JUnit --fail-on $fo: $got failures = the findings at or above it (exit $rc), all $nf findings shown, names unique" junit
	else
		t_nok "JUnit --fail-on $fo: $got failures ($attr), want $want; $shown of $nf shown; exit $rc; dups: $dups"
	fi
done

# an Ansible host with ansible_connection=local is this machine (here the
# image under --root), not a host to ssh to
printf '[control]\nctrl ansible_connection=local\n' >"$T/local.ini"
"$KA" scan -f "$T/local.ini" --root "$T/r1" --user alice --format json >"$T/out" 2>"$T/err"
[ -s "$T/out" ] && jq -e '.hosts | length == 1 and .[0].target == "ctrl" and .[0].status == "scanned" and .[0].address == null' "$T/out" >/dev/null &&
    t_ok "inventory: ansible_connection=local audits this machine" ||
    t_nok "inventory: ansible_connection=local" "$(cat "$T/err"; head -c 400 "$T/out")"

# --- hostile content: escape sequences never reach the terminal raw
mkroot "$T/r2"
printf 'ssh-ed25519 %s evil\033]0;pwned\007\033[31mred\n' "$(cut -d' ' -f2 "$T/key_r2.pub")" >>"$T/r2/home/alice/.ssh/authorized_keys"
expect_exit 0 "escape sequences in a comment" "$KA" scan --root "$T/r2" --user alice --fail-on critical
if grep -q "$(printf '\033')" "$T/out"; then t_nok "no raw ESC in text output"; else t_ok "no raw ESC in text output"; fi
grep -q "akeys.control-chars" "$T/out" && t_ok "control characters reported" || t_nok "control characters reported" "$(cat "$T/out")"
expect_exit 0 "escape sequences, junit" "$KA" scan --root "$T/r2" --user alice --fail-on critical --format junit
t_valid_junit "junit with escapes validates" "$T/out"

# --- a 2 GB authorized_keys: bounded read, finding says truncated
mkroot "$T/r3"
truncate -s 2G "$T/r3/home/alice/.ssh/authorized_keys"
expect_exit 0 "2 GB authorized_keys (medium finding only)" timeout 60 "$KA" scan --root "$T/r3" --user alice --format json
jq -e '.hosts[0].findings[] | select(.check == "akeys.truncated")' "$T/out" >/dev/null &&
	t_ok "truncated file reported" || t_nok "truncated file reported" "$(head -c 800 "$T/out")"

# --- no colour when not a terminal or NO_COLOR is set
"$KA" scan --root "$T/r1" --user alice >"$T/out" 2>&1
grep -q "$(printf '\033\\[')" "$T/out" && t_nok "no colour when not a terminal" || t_ok "no colour when not a terminal"
if command -v script >/dev/null; then
	NO_COLOR=1 script -qc "$KA scan --root $T/r1 --user alice" /dev/null >"$T/out" 2>&1
	grep -q "$(printf '\033\\[')" "$T/out" && t_nok "NO_COLOR respected on a terminal" || t_ok "NO_COLOR respected on a terminal"
	script -qc "$KA scan --root $T/r1 --user alice" /dev/null >"$T/out" 2>&1
	grep -q "$(printf '\033\\[')" "$T/out" && t_ok "colour on a terminal" || t_nok "colour on a terminal"
fi

# --- preflight: usage errors, exit codes and the JSON contract over a fixture
S=fixtures/snapshots/akeys-ok.json
printf 'PasswordAuthentication no\nKbdInteractiveAuthentication no\n' >"$T/pf-same"
printf 'PasswordAuthentication no\nKbdInteractiveAuthentication no\nAllowUsers bob\n' >"$T/pf-lock"
printf 'PasswordAuthentication yes\nKbdInteractiveAuthentication no\n' >"$T/pf-pw"
printf 'PasswordAuthentication no\nNoSuchKeyword yes\n' >"$T/pf-bad"
expect_exit 2 "preflight without NEW: exit 2" "$KA" preflight --snapshot "$S"
one_line_error "preflight without NEW" "--proposed-sshd-config"
expect_exit 2 "preflight with a missing NEW: exit 2" "$KA" preflight --snapshot "$S" --proposed-sshd-config "$T/nope"
one_line_error "preflight missing NEW" "$T/nope"
expect_exit 2 "preflight --must-keep of no account: exit 2" "$KA" preflight --snapshot "$S" --proposed-sshd-config "$T/pf-same" --must-keep nosuchuser
one_line_error "preflight --must-keep nosuchuser" "nosuchuser"
expect_exit 2 "preflight --snapshot with --user: exit 2" "$KA" preflight --snapshot "$S" --proposed-sshd-config "$T/pf-same" --user alice
expect_exit 0 "preflight of an unchanged config: exit 0" "$KA" preflight --snapshot "$S" --proposed-sshd-config "$T/pf-same" --format json
jq -e '.command == "preflight" and .schema == 1 and (.changes | length) == 1 and .changes[0].user == "alice" and
    .changes[0].before == "ok" and .changes[0].after == "ok" and .changes[0].cause == null and
    .summary == (.summary + {"lose": 0, "gain": 0, "unchanged": 1})' "$T/out" >/dev/null &&
	t_ok "preflight JSON: every account listed, unchanged ok, cause null" || t_nok "preflight JSON unchanged" "$(cat "$T/out")"
expect_exit 1 "preflight AllowUsers leaving alice out: exit 1" "$KA" preflight --snapshot "$S" --proposed-sshd-config "$T/pf-lock" --format json
jq -e '.changes[0].after == "refused" and .changes[0].cause.check == "account.not-allow-users" and .changes[0].cause.line == 3 and .summary.lose == 1' "$T/out" >/dev/null &&
	t_ok "preflight JSON: the lost login and its cause (account.not-allow-users, line 3)" || t_nok "preflight JSON lose" "$(cat "$T/out")"
expect_exit 1 "preflight of a config sshd rejects: exit 1" "$KA" preflight --snapshot "$S" --proposed-sshd-config "$T/pf-bad" --format json
jq -e '.changes[0].cause.check == "sshd.syntax"' "$T/out" >/dev/null && t_ok "preflight: a rejected config refuses with sshd.syntax" ||
	t_nok "preflight sshd.syntax" "$(cat "$T/out")"
expect_exit 0 "preflight opening passwords: exit 0 (nobody loses key login)" "$KA" preflight --snapshot "$S" --proposed-sshd-config "$T/pf-pw" --format json
jq -e '[.findings[].check] == ["preflight.password-opened"] and .changes[0].password == {"before": "refused", "after": "allowed"}' "$T/out" >/dev/null &&
	t_ok "preflight: opening password login is preflight.password-opened" || t_nok "preflight password" "$(cat "$T/out")"
expect_exit 1 "preflight --must-keep alice refused after: exit 1" "$KA" preflight --snapshot "$S" --proposed-sshd-config "$T/pf-lock" --must-keep alice
mkdir -p "$T/pfdir/sshd_config.d"
printf 'Include /etc/ssh/sshd_config.d/*.conf\nPasswordAuthentication no\n' >"$T/pfdir/sshd_config"
printf 'DenyUsers alice\n' >"$T/pfdir/sshd_config.d/50-deny.conf"
expect_exit 1 "preflight NEW as a directory with a drop-in: exit 1" "$KA" preflight --snapshot "$S" --proposed-sshd-config "$T/pfdir" --format json
jq -e '.changes[0].cause.check == "account.deny-users" and (.changes[0].cause.path | endswith("50-deny.conf"))' "$T/out" >/dev/null &&
	t_ok "preflight: the drop-in the directory adds is read through the Include glob" || t_nok "preflight directory" "$(cat "$T/out")"
expect_exit 1 "preflight --junit/--sarif files" "$KA" preflight --snapshot "$S" --proposed-sshd-config "$T/pf-lock" --junit "$T/pf.xml" --sarif "$T/pf.sarif"
xmllint --noout "$T/pf.xml" 2>/dev/null && [ "$(xmllint --xpath 'count(//testcase/failure)' "$T/pf.xml")" = 1 ] &&
	t_ok "preflight JUnit: one failing testcase for the lost login" || t_nok "preflight JUnit" "$(cat "$T/pf.xml")"
t_valid_junit "preflight JUnit validates against junit-10.xsd" "$T/pf.xml"
t_valid_sarif "preflight SARIF validates against the 2.1.0 schema" "$T/pf.sarif"
jq -e '.version == "2.1.0" and (.runs[0].results | length) == 1 and .runs[0].results[0].ruleId == "account.not-allow-users"' "$T/pf.sarif" >/dev/null &&
	t_ok "preflight SARIF: one result per lost login" || t_nok "preflight SARIF" "$(cat "$T/pf.sarif")"

# preflight on a system under --root: an image as the proposal, keys proposed
mkroot "$T/pfr1"; mkroot "$T/pfr2"
cp "$T/pfr1/home/alice/.ssh/authorized_keys" "$T/pfr2/home/alice/.ssh/authorized_keys"
printf 'PasswordAuthentication no\nKbdInteractiveAuthentication no\nDenyUsers alice\n' >"$T/pfr2/etc/ssh/sshd_config"
expect_exit 1 "preflight --root --proposed-root: the image refuses alice, exit 1" "$KA" preflight --root "$T/pfr1" --user alice --proposed-root "$T/pfr2" --format json
jq -e '.changes[0].before == "ok" and .changes[0].after == "refused" and .changes[0].cause.check == "account.deny-users"' "$T/out" >/dev/null &&
	t_ok "preflight --proposed-root: after is the image (account.deny-users)" || t_nok "preflight --proposed-root" "$(cat "$T/out") $(cat "$T/err")"
"$KA" collect --root "$T/pfr1" --user alice -o "$T/pfr1.json" 2>"$T/err"
expect_exit 1 "preflight --snapshot --proposed-root: exit 1" "$KA" preflight --snapshot "$T/pfr1.json" --proposed-root "$T/pfr2" --format json
jq -e '(.changes | length) == 1 and .changes[0].user == "alice" and .changes[0].after == "refused" and .changes[0].cause.check == "account.deny-users"' "$T/out" >/dev/null &&
	t_ok "preflight --snapshot --proposed-root: the image is judged for the snapshot's accounts" || t_nok "preflight snapshot + image" "$(cat "$T/out") $(cat "$T/err")"
mkdir -p "$T/pfkeys"; : >"$T/pfkeys/alice"
expect_exit 1 "preflight --proposed-keys emptying alice's keys: exit 1" "$KA" preflight --root "$T/pfr1" --user alice --proposed-keys "$T/pfkeys" --format json
jq -e '.changes[0].after == "refused" and (.changes[0].cause.check | startswith("akeys."))' "$T/out" >/dev/null &&
	t_ok "preflight --proposed-keys: an empty key file refuses (akeys)" || t_nok "preflight --proposed-keys" "$(cat "$T/out") $(cat "$T/err")"
cp "$T/key_pfr2.pub" "$T/pfkeys/alice"
expect_exit 0 "preflight --proposed-keys with another key: exit 0" "$KA" preflight --root "$T/pfr1" --user alice --proposed-keys "$T/pfkeys"
expect_exit 2 "preflight --proposed-keys of a missing directory: exit 2" "$KA" preflight --root "$T/pfr1" --user alice --proposed-keys "$T/nokeys"
one_line_error "preflight missing --proposed-keys" "$T/nokeys"
printf 'PasswordAuthentication no\nKbdInteractiveAuthentication no\nMatch Address 10.0.0.0/8\n  DenyUsers alice\n' >"$T/pf-addr"
expect_exit 1 "preflight --from twice: exit 1 (one address loses)" "$KA" preflight --snapshot "$S" --proposed-sshd-config "$T/pf-addr" --from 10.1.2.3 --from 192.0.2.7 --format json
jq -e '(.changes | length) == 2 and ([.changes[] | select(.from == "10.1.2.3") | .after] == ["refused"]) and
    ([.changes[] | select(.from == "192.0.2.7") | .after] == ["ok"]) and .summary.lose == 1 and .summary.unchanged == 1' "$T/out" >/dev/null &&
	t_ok "preflight: each account judged from each --from (Match Address)" || t_nok "preflight --from" "$(cat "$T/out")"

# a fleet host that cannot be collected: a hosts entry saying why, no changes;
# it fails the gate only when --must-keep asks for accounts it cannot prove kept
expect_exit 0 "preflight of an unreachable host: exit 0" "$KA" preflight 127.0.0.1:2469 --timeout 3 --proposed-sshd-config "$T/pf-same" --format json
jq -e '(.changes | length) == 0 and .hosts[0].status == "unreachable" and (.hosts[0].error | test("refused")) and .summary.hosts_not_evaluated == 1' "$T/out" >/dev/null &&
	t_ok "preflight: the unreachable host is listed with why, no changes" || t_nok "preflight unreachable" "$(cat "$T/out") $(cat "$T/err")"
expect_exit 1 "preflight --must-keep with an unreachable host: exit 1" "$KA" preflight 127.0.0.1:2469 --timeout 3 --proposed-sshd-config "$T/pf-same" --must-keep root

t_finish
