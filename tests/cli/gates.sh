#!/bin/bash
# gates.sh - keyaudit as a CI gate: SARIF validated against the SARIF 2.1.0
# schema (jsonschema), results anchored on the inventory line of each host,
# fingerprints that survive a reworded or moved finding; baselines (accept,
# expire, stale, new findings still fail), and the JUnit/SARIF shape of a
# baselined finding. Fake systems under --root and refused loopback ports:
# no root, no sshd.
#   tests/cli/gates.sh        ends "gates: N passed, N failed"
set -u
cd "$(dirname "$0")/../.." || exit 3
KA=${KA:-$PWD/keyaudit}
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
SUITE=gates
. tests/lib.sh
t_setup "${TMPDIR:-/tmp}"	# no sshd StrictModes walk starts below it
T=$T_BASE

me=$(id -u); mygid=$(id -g)
# mkroot DIR: alice with one key, a world-writable authorized_keys (perm)
# and a line sshd drops (akeys.bad-options) at line 2.
mkroot() {
	R=$1
	mkdir -p "$R/etc/ssh" "$R/home/alice/.ssh" "$R/bin"
	chmod 755 "$R" "$R/etc" "$R/etc/ssh" "$R/home" "$R/bin"
	printf 'root:x:0:0:root:/root:/bin/sh\nalice:x:%s:%s::/home/alice:/bin/sh\n' "$me" "$mygid" >"$R/etc/passwd"
	printf 'root:x:0:\nalice:x:%s:\n' "$mygid" >"$R/etc/group"
	printf '#!/bin/sh\n' >"$R/bin/sh"; chmod 755 "$R/bin/sh"
	printf 'PasswordAuthentication no\nKbdInteractiveAuthentication no\n' >"$R/etc/ssh/sshd_config"
	[ -f "$T/k.pub" ] || ssh-keygen -q -t ed25519 -N '' -C alice@test -f "$T/k" >/dev/null
	{ cat "$T/k.pub"; echo "no-such-option $(cat "$T/k.pub")"; } >"$R/home/alice/.ssh/authorized_keys"
	chmod 755 "$R/home/alice"; chmod 700 "$R/home/alice/.ssh"; chmod 666 "$R/home/alice/.ssh/authorized_keys"
}
mkroot "$T/r1"
scan() { "$KA" scan --root "$T/r1" --user alice "$@" 2>"$T/err"; }

# --- SARIF
scan --format sarif >"$T/a.sarif"
t_valid_sarif "SARIF validates against the 2.1.0 schema" "$T/a.sarif"
jq -e '.version == "2.1.0" and (.runs[0].tool.driver.rules | length) == ([.runs[0].tool.driver.rules[].id] | unique | length) and
    all(.runs[0].tool.driver.rules[]; (.fullDescription.text | length) > 20 and .help.text != null)' "$T/a.sarif" >/dev/null &&
    t_ok "SARIF: one rule per check, each with its help text" || t_nok "SARIF rules"
n=$("$KA" checks | wc -l)
[ "$(jq '.runs[0].tool.driver.rules | length' "$T/a.sarif")" = "$n" ] && t_ok "SARIF: all $n checks are rules" || t_nok "SARIF: rule count"
jq -e '[.runs[0].results[] | select(.ruleId == "perm.file-mode" and .level == "error" and
    (.partialFingerprints["keyaudit/v1"] | test("^[0-9a-f]{64}$")))] | length == 1' "$T/a.sarif" >/dev/null &&
    t_ok "SARIF: the world-writable file is an error with a fingerprint" ||
    t_nok "SARIF: perm.file-mode result" "$(jq -c '.runs[0].results[] | [.ruleId, .level]' "$T/a.sarif")"
jq -e 'all(.runs[0].results[]; .runs == null and (.ruleIndex | type) == "number")' "$T/a.sarif" >/dev/null &&
    jq -e '[.runs[0].results[] | .ruleIndex as $i | .ruleId] as $ids | true' "$T/a.sarif" >/dev/null &&
    [ "$(jq -r '.runs[0].results[0].ruleIndex as $i | .runs[0].tool.driver.rules[$i].id == .runs[0].results[0].ruleId' "$T/a.sarif")" = true ] &&
    t_ok "SARIF: ruleIndex points at the rule" || t_nok "SARIF: ruleIndex"

# the fingerprint survives a moved line and a reworded message; another
# finding has another one
fp() { jq -r --arg c "$2" '.runs[0].results[] | select(.ruleId == $c) | .partialFingerprints["keyaudit/v1"]' "$1"; }
line() { jq -r --arg c "$2" '.runs[0].results[] | select(.ruleId == $c) | .properties.line' "$1"; }
f1=$(fp "$T/a.sarif" akeys.bad-options)
{ echo "# a comment moves the dead line down"; cat "$T/r1/home/alice/.ssh/authorized_keys"; } >"$T/ak"
cat "$T/ak" >"$T/r1/home/alice/.ssh/authorized_keys"
scan --format sarif >"$T/b.sarif"
f2=$(fp "$T/b.sarif" akeys.bad-options)
[ -n "$f1" ] && [ "$f1" = "$f2" ] && [ "$(line "$T/a.sarif" akeys.bad-options)" = 2 ] && [ "$(line "$T/b.sarif" akeys.bad-options)" = 3 ] &&
    t_ok "SARIF: a finding keeps its fingerprint when its line moves (2 -> 3)" || t_nok "SARIF: fingerprint stable" "$f1 / $f2"
[ "$f1" != "$(fp "$T/a.sarif" perm.file-mode)" ] && t_ok "SARIF: different findings, different fingerprints" || t_nok "SARIF: fingerprints differ"

# anchored on the inventory: each host's results point at its line
printf '# fleet\n127.0.0.1:1\n\n# another\nlocalhost:2\n' >"$T/inv"
"$KA" scan -f "$T/inv" --timeout 3 --sarif "$T/inv.sarif" --format json >"$T/inv.json" 2>"$T/err"
t_valid_sarif "SARIF of an inventory scan validates" "$T/inv.sarif"
jq -e --arg f "$T/inv" '[.runs[0].results[] | select(.properties.host == "127.0.0.1:1") |
    .locations[0].physicalLocation | select(.artifactLocation.uri == $f and .region.startLine == 2)] | length >= 1' "$T/inv.sarif" >/dev/null &&
    jq -e --arg f "$T/inv" '[.runs[0].results[] | select(.properties.host == "localhost:2") |
    .locations[0].physicalLocation | select(.region.startLine == 5)] | length >= 1' "$T/inv.sarif" >/dev/null &&
    t_ok "SARIF: results sit on the inventory line of their host (2 and 5)" ||
    t_nok "SARIF: anchored on the inventory" "$(jq -c '[.runs[0].results[] | [.properties.host, .ruleId, .locations[0].physicalLocation]]' "$T/inv.sarif")"
# entries that are no host (known-hosts' judgement of the known_hosts files,
# the fleet pass) point at a file too: a bad known_hosts line at its line
printf '# pinned\nnot a known_hosts line\n' >"$T/kh"
"$KA" known-hosts 127.0.0.1:1 --known-hosts "$T/kh" --timeout 3 --sarif "$T/kh.sarif" >/dev/null 2>"$T/err"
v=$(t_valid sarif "$T/kh.sarif"); vr=$?
[ $vr != 1 ] && jq -e --arg f "$T/kh" '[.runs[0].results[] | select(.ruleId == "hostkey.bad-line") |
    .locations[0].physicalLocation | select(.artifactLocation.uri == $f and .region.startLine == 2)] | length == 1' "$T/kh.sarif" >/dev/null &&
    t_ok_schema "SARIF: known-hosts' findings about a known_hosts file sit on its line (and validate)" sarif ||
    t_nok "SARIF: known_hosts entry located" "$v $(jq -c '[.runs[0].results[] | [.ruleId, .locations[0].physicalLocation]]' "$T/kh.sarif")"

# --- baselines
mkroot "$T/r1"
scan --write-baseline "$T/bl.json" >/dev/null
jq -e '.keyaudit_baseline == 1 and (.entries | length) > 2 and all(.entries[]; .id and .reason and .check and .host)' "$T/bl.json" >/dev/null &&
    t_ok "--write-baseline: one entry per finding, each with a reason" || t_nok "--write-baseline" "$(head -c 600 "$T/bl.json")"
nf=$(jq '.entries | length' "$T/bl.json")
scan --baseline "$T/bl.json" --format json >"$T/b1.json"; rc=$?
[ $rc = 0 ] && jq -e --argjson n "$nf" '.summary.baseline.accepted == $n and .summary.findings == 0 and
    all(.hosts[0].findings[]; .baselined != null)' "$T/b1.json" >/dev/null &&
    t_ok "--baseline: the $nf accepted findings are reported, marked, and pass the gate (exit 0)" ||
    t_nok "--baseline accepts (exit $rc)" "$(jq -c .summary "$T/b1.json")"
# a new problem fails, the accepted ones stay accepted
chmod 777 "$T/r1/home/alice/.ssh"
scan --baseline "$T/bl.json" --format json >"$T/b2.json"; rc=$?
[ $rc = 1 ] && jq -e '[.hosts[0].findings[] | select(.baselined == null) | .check] | index("perm.dir-mode") != null' "$T/b2.json" >/dev/null &&
    t_ok "--baseline: a new finding (perm.dir-mode) fails the gate (exit 1)" || t_nok "--baseline: new finding (exit $rc)" "$(jq -c '[.hosts[0].findings[] | [.check, .baselined]]' "$T/b2.json")"
chmod 700 "$T/r1/home/alice/.ssh"
# an expired entry fails again
jq '(.entries[] | select(.check == "perm.file-mode") | .expires) = "2020-01-31"' "$T/bl.json" >"$T/bl2.json"
scan --baseline "$T/bl2.json" --format json >"$T/b3.json"; rc=$?
[ $rc = 1 ] && jq -e '.hosts[0].findings[] | select(.check == "perm.file-mode") | .baseline_expired == "2020-01-31" and .baselined == null' "$T/b3.json" >/dev/null &&
    t_ok "--baseline: an entry past its expiry fails again (exit 1), saying when it expired" || t_nok "--baseline: expired (exit $rc)"
jq '(.entries[] | select(.check == "perm.file-mode") | .expires) = "2099-12-31"' "$T/bl.json" >"$T/bl3.json"
scan --baseline "$T/bl3.json" >/dev/null; [ $? = 0 ] && t_ok "--baseline: an expiry to come still accepts" || t_nok "--baseline: future expiry"
# fixed: its entry is stale, and listed
chmod 600 "$T/r1/home/alice/.ssh/authorized_keys"
scan --baseline "$T/bl.json" --format json >"$T/b4.json"
scan --baseline "$T/bl.json" >"$T/b4.txt"
jq -e '.summary.baseline.stale | length == 1 and (.[0] | startswith("perm.file-mode on local"))' "$T/b4.json" >/dev/null &&
    grep -q "stale (nothing matches it now): perm.file-mode on local" "$T/b4.txt" &&
    t_ok "--baseline: a fixed finding's entry is listed as stale (JSON and text)" || t_nok "--baseline: stale" "$(jq -c .summary "$T/b4.json")"
chmod 666 "$T/r1/home/alice/.ssh/authorized_keys"
# rewriting keeps reasons and expiries
jq '(.entries[] | select(.check == "perm.file-mode") | .reason) = "shared dev box, ticket 42" |
    (.entries[] | select(.check == "perm.file-mode") | .expires) = "2099-12-31"' "$T/bl.json" >"$T/bl4.json"
scan --baseline "$T/bl4.json" --write-baseline "$T/bl5.json" >/dev/null
jq -e '.entries[] | select(.check == "perm.file-mode") | .reason == "shared dev box, ticket 42" and .expires == "2099-12-31"' "$T/bl5.json" >/dev/null &&
    t_ok "--write-baseline with --baseline keeps each entry's reason and expiry" || t_nok "--write-baseline keeps reasons"
# the reports of a baselined scan
scan --baseline "$T/bl.json" --junit "$T/b.xml" --sarif "$T/b.sarif" >/dev/null
t_valid_junit "JUnit with a baseline validates" "$T/b.xml"
[ "$(xmllint --xpath 'count(//testcase/failure)' "$T/b.xml")" = 0 ] &&
    [ "$(xmllint --xpath 'count(//testcase/skipped[starts-with(@message, "accepted ")])' "$T/b.xml")" -ge 2 ] &&
    t_ok "JUnit: baselined findings are skipped, not failures" || t_nok "JUnit: baselined as skipped"
v=$(t_valid sarif "$T/b.sarif"); vr=$?
[ $vr != 1 ] && jq -e 'all(.runs[0].results[]; .suppressions[0].kind == "external")' "$T/b.sarif" >/dev/null &&
    t_ok_schema "SARIF: baselined results carry an external suppression (and validate)" sarif || t_nok "SARIF suppressions" "$v"
# bad baselines: exit 2, one line naming the file
scan --baseline "$T/none.json" >/dev/null; rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -q "none.json: no such file (a first baseline is written with --write-baseline $T/none.json)" "$T/err" &&
    t_ok "a missing baseline: exit 2, one line pointing at --write-baseline" || t_nok "missing baseline (exit $rc)" "$(cat "$T/err")"
printf '{"keyaudit_baseline": 1, "entries": [{"check": "perm.file-mode", "host": "local"}]}' >"$T/bad1.json"
scan --baseline "$T/bad1.json" >/dev/null; rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -q "bad1.json: entries\[0\]: expected \"check\", \"host\" and a non-empty \"reason\"" "$T/err" &&
    t_ok "a baseline entry without a reason: exit 2, one line" || t_nok "baseline without reason (exit $rc)" "$(cat "$T/err")"
jq '.entries[0].host = "elsewhere"' "$T/bl.json" >"$T/bad2.json"
scan --baseline "$T/bad2.json" >/dev/null; rc=$?
[ $rc = 2 ] && grep -q "entries\[0\]: \"id\" does not match" "$T/err" && t_ok "an edited entry whose id no longer matches: exit 2" ||
    t_nok "baseline id mismatch (exit $rc)" "$(cat "$T/err")"
printf '{"keyaudit_baseline": 1,\n "entries": [}\n' >"$T/bad3.json"
scan --baseline "$T/bad3.json" >/dev/null; rc=$?
[ $rc = 2 ] && grep -q "bad3.json: line 2: expected JSON" "$T/err" && t_ok "a baseline that is not JSON: exit 2, with its line" ||
    t_nok "baseline not JSON (exit $rc)" "$(cat "$T/err")"

"$KA" known-hosts 127.0.0.1:1 --baseline "$T/bl.json" >/dev/null 2>"$T/err"; rc=$?
[ $rc = 2 ] && grep -q "not an option of 'known-hosts' (it belongs to scan)" "$T/err" && t_ok "known-hosts --baseline: exit 2, not silently ignored" ||
    t_nok "known-hosts --baseline (exit $rc)" "$(cat "$T/err")"
"$KA" collect -o "$T/c.json" --sarif "$T/c.sarif" >/dev/null 2>"$T/err"; rc=$?
[ $rc = 2 ] && [ ! -e "$T/c.json" ] && t_ok "collect --sarif: exit 2, nothing written" || t_nok "collect --sarif (exit $rc)"

# --- keyaudit diff: two scans of the same machine, between them a key added,
# a problem fixed and a new one made; and two snapshots whose host key differs
mkroot "$T/r2"
scan2() { "$KA" scan --root "$T/r2" --user alice --format json "$@" 2>"$T/err"; }
scan2 >"$T/old.json"
ssh-keygen -q -t ed25519 -N '' -C new@test -f "$T/k2" >/dev/null
cat "$T/k2.pub" >>"$T/r2/home/alice/.ssh/authorized_keys"
chmod 600 "$T/r2/home/alice/.ssh/authorized_keys"
chmod 777 "$T/r2/home/alice/.ssh"
scan2 >"$T/new.json"
"$KA" diff "$T/old.json" "$T/new.json" --format json >"$T/d.json" 2>"$T/err"; rc=$?
fp2=$(ssh-keygen -lf "$T/k2.pub" | cut -d' ' -f2)
[ $rc = 1 ] && jq -e --arg fp "$fp2" '(.keys_added | length) == 1 and .keys_added[0].fingerprint == $fp and
    .keys_added[0].line == 3 and (.keys_removed | length) == 0 and
    ([.new_findings[].check] | index("perm.dir-mode")) != null and
    ([.resolved_findings[].check] | index("perm.file-mode")) != null and
    ([.new_findings[].check] | index("akeys.bad-options")) == null' "$T/d.json" >/dev/null &&
    t_ok "diff: the key added (line 3), perm.dir-mode new, perm.file-mode resolved, the dead line not new; exit 1" ||
    t_nok "diff (exit $rc)" "$(jq -c '{keys_added, new: [.new_findings[].check], resolved: [.resolved_findings[].check]}' "$T/d.json") $(cat "$T/err")"
"$KA" diff "$T/old.json" "$T/old.json" >"$T/d.txt"; rc=$?
[ $rc = 0 ] && grep -q "^0 new findings at or above high: exit 0" "$T/d.txt" && t_ok "diff of a scan with itself: nothing, exit 0" ||
    t_nok "diff with itself (exit $rc)" "$(cat "$T/d.txt")"
"$KA" diff "$T/old.json" "$T/new.json" --fail-on critical >/dev/null; [ $? = 0 ] &&
    t_ok "diff --fail-on critical: nothing critical is new, exit 0" || t_nok "diff --fail-on critical"
"$KA" diff "$T/old.json" "$T/new.json" >"$T/d.txt"
grep -q "^  + local alice ssh-ed25519 $fp2 " "$T/d.txt" && grep -q "^new findings (" "$T/d.txt" &&
    t_ok "diff: the text lists the added key and the new findings" || t_nok "diff text" "$(cat "$T/d.txt")"
"$KA" scan --snapshot fixtures/snapshots/net-auth-failed.json --format json >"$T/h1.json" 2>/dev/null
jq '.net.hostkey_fp = "SHA256:xyz"' fixtures/snapshots/net-auth-failed.json >"$T/net2.json"
"$KA" scan --snapshot "$T/net2.json" --format json >"$T/h2.json" 2>/dev/null
"$KA" diff "$T/h1.json" "$T/h2.json" --format json >"$T/d2.json"
jq -e '.hostkeys_changed == [{"host": "web1", "old": "ssh-ed25519 SHA256:abc", "new": "ssh-ed25519 SHA256:xyz"}]' "$T/d2.json" >/dev/null &&
    t_ok "diff: a changed host key" || t_nok "diff: host key" "$(jq -c .hostkeys_changed "$T/d2.json")"
"$KA" diff "$T/old.json" "$T/nope.json" 2>"$T/err" >/dev/null; rc=$?
[ $rc = 2 ] && grep -q "nope.json: no such file" "$T/err" && t_ok "diff: a missing report: exit 2" || t_nok "diff: missing report (exit $rc)"
"$KA" diff "$T/old.json" "$T/bl.json" 2>"$T/err" >/dev/null; rc=$?
[ $rc = 2 ] && grep -q "expected a keyaudit JSON report" "$T/err" && t_ok "diff: not a scan report: exit 2, one line" ||
    t_nok "diff: not a report (exit $rc)" "$(cat "$T/err")"

# --- --fix-script: valid sh; a name a hostile host chose never becomes a command
jq --arg inj "x;touch $T/pwned" '(.accounts[] | select(.name == "alice") | .name) = $inj |
    .users = [$inj]' fixtures/snapshots/account-nologin.json >"$T/hostile.json"
"$KA" scan --snapshot "$T/hostile.json" --checks account --fix-script "$T/fix.sh" >/dev/null 2>&1
sh -n "$T/fix.sh" && t_ok "--fix-script: the script parses (sh -n)" || t_nok "--fix-script: sh -n"
grep -q "^	# by hand: decide whether .*: usermod -s /bin/sh 'x;touch" "$T/fix.sh" &&
    [ -z "$(grep -v '^	*#' "$T/fix.sh" | grep usermod)" ] &&
    t_ok "--fix-script: an account change is a decision, a comment, and the hostile name in it is quoted" ||
    t_nok "--fix-script: hostile name" "$(grep -n usermod "$T/fix.sh")"
sh "$T/fix.sh" fx >/dev/null 2>&1; rc=$?
[ $rc = 0 ] && [ ! -e "$T/pwned" ] && t_ok "--fix-script: running it for that host runs nothing of the name" ||
    t_nok "--fix-script: ran (exit $rc) or injected"
sh "$T/fix.sh" nosuchhost >/dev/null 2>&1; [ $? = 2 ] && t_ok "--fix-script: an unknown host: exit 2, nothing run" ||
    t_nok "--fix-script: unknown host"
"$KA" scan --snapshot fixtures/snapshots/sshdpol-match-password.json --fix-script "$T/fix2.sh" >/dev/null 2>&1
grep -q "^	# by hand: in /etc/ssh/sshd_config line 11 (in its Match block), change the line to" "$T/fix2.sh" &&
    grep -q '^	# by hand: give each person' "$T/fix2.sh" && [ -z "$(sed -n '/^keyaudit_fix/,/^}/p' "$T/fix2.sh" | grep -v '^	#' | grep -v '^	:$' | grep -v '^keyaudit_fix\|^}\|^$')" ] &&
    t_ok "--fix-script: config lines and prose stay comments" || t_nok "--fix-script: prose" "$(grep -v '^	#' "$T/fix2.sh" | head)"

# --- Prometheus textfile, read by the real node_exporter textfile collector
NE=$(command -v prometheus-node-exporter || command -v node_exporter || true)
mkdir -p "$T/prom"
jq '.target = "we\"b\\1\nx"' fixtures/snapshots/account-locked-no-pam.json >"$T/odd.json"
"$KA" scan --snapshot fixtures/snapshots/account-locked-no-pam.json --snapshot "$T/odd.json" \
    --prom "$T/prom/keyaudit.prom" >/dev/null 2>&1
ls "$T/prom" | grep -q tmp && t_nok "--prom leaves no temporary file" || t_ok "--prom leaves no temporary file"
# a write that fails (here the file size limit): exit 3, one line naming the
# file asked for (never its temporary) and why, the previous metrics kept
cp "$T/prom/keyaudit.prom" "$T/prom.before"
(trap '' XFSZ; ulimit -f 1; "$KA" scan --snapshot fixtures/snapshots/account-locked-no-pam.json \
    --prom "$T/prom/keyaudit.prom" >/dev/null 2>"$T/err"); rc=$?
[ $rc = 3 ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -q "keyaudit: $T/prom/keyaudit.prom: writing the report failed: File too large" "$T/err" &&
    ! grep -q '\.tmp\.' "$T/err" && cmp -s "$T/prom.before" "$T/prom/keyaudit.prom" && [ "$(ls "$T/prom")" = keyaudit.prom ] &&
    t_ok "--prom write error: exit 3, one line naming the file (not its temporary) and why, old metrics kept" ||
    t_nok "--prom write error (exit $rc)" "$(cat "$T/err"; ls "$T/prom")"
grep -q '^keyaudit_check_pass{host="fx",check="account.locked"} 0$' "$T/prom/keyaudit.prom" &&
    grep -q '^keyaudit_check_pass{host="fx",check="perm.file-mode"} 1$' "$T/prom/keyaudit.prom" &&
    grep -q '^keyaudit_findings{host="fx",severity="high"} [1-9]' "$T/prom/keyaudit.prom" &&
    t_ok "--prom: a failing and a passing check, findings by severity" || t_nok "--prom samples" "$(head -n 5 "$T/prom/keyaudit.prom")"
[ "$(grep -c '^# TYPE keyaudit_check_pass gauge$' "$T/prom/keyaudit.prom")" = 1 ] &&
    t_ok "--prom: each metric's samples under one TYPE line" || t_nok "--prom: grouped metrics"
if [ -n "$NE" ]; then
	"$NE" --web.listen-address=127.0.0.1:9489 --collector.disable-defaults --collector.textfile \
	    --collector.textfile.directory="$T/prom" >"$T/ne.log" 2>&1 &
	nepid=$!
	for _ in $(seq 1 50); do
		$PY -c 'import urllib.request, sys; sys.stdout.write(urllib.request.urlopen("http://127.0.0.1:9489/metrics").read().decode())' >"$T/ne.out" 2>/dev/null && break
		sleep 0.1
	done
	kill $nepid 2>/dev/null; wait $nepid 2>/dev/null
	grep -q '^node_textfile_scrape_error 0$' "$T/ne.out" &&
	    grep -q '^keyaudit_check_pass{check="account.locked",host="fx"} 0$' "$T/ne.out" &&
	    grep -qF 'keyaudit_findings{host="we\"b\\\\1\\x0ax",severity="high"}' "$T/ne.out" &&
	    grep -q '^keyaudit_last_run_timestamp_seconds ' "$T/ne.out" &&
	    t_ok "node_exporter's textfile collector reads --prom without error (escaped labels included)" ||
	    t_nok "node_exporter reads --prom" "$(grep -E 'textfile|keyaudit_findings' "$T/ne.out" | head -n 8; tail -n 5 "$T/ne.log")"
else
	t_nok "node_exporter is not installed (apt-get install prometheus-node-exporter)"
fi

# --- the systemd service and timer of contrib/: systemd accepts them, and
# their command line runs (paths moved under $T, an inventory of refused ports)
mkdir -p "$T/sd" "$T/var"
# (the unit's own paths first: $T may itself lie under /var/lib)
sed -e "s|/var/lib/keyaudit|$T/var|g" -e "s|/var/lib/prometheus/node-exporter|$T/var|g" \
    -e "s|/usr/local/bin/keyaudit|$KA|" -e "s|/etc/keyaudit/inventory|$T/inv|" \
    contrib/systemd/keyaudit-scan.service >"$T/sd/keyaudit-scan.service"
cp contrib/systemd/keyaudit-scan.timer "$T/sd/"
if command -v systemd-analyze >/dev/null 2>&1; then
	systemd-analyze verify "$T/sd/keyaudit-scan.service" "$T/sd/keyaudit-scan.timer" >"$T/sd.err" 2>&1 &&
	    t_ok "systemd-analyze verify accepts the service and the timer" || t_nok "systemd-analyze verify" "$(cat "$T/sd.err")"
else
	t_skip "systemd-analyze verify" "systemd-analyze is not installed"
fi
cmd=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$T/sd/keyaudit-scan.service" | sed -e 's/^ExecStart=//' -e 's/\\$//' | tr '\n' ' ')
# shellcheck disable=SC2086
$cmd --timeout 3 >/dev/null 2>&1; rc=$?
[ $rc = 1 ] && [ -s "$T/var/keyaudit.prom" ] && [ -s "$T/var/last.json" ] &&
    t_ok "the service's command runs: exit 1 (SuccessExitStatus), metrics and JSON written" ||
    t_nok "the service's command (exit $rc)" "$cmd"

# --- the CI examples of contrib/ci: their keyaudit commands, as written, run
# here (an inventory of refused ports: exit 1, the gate failing as it must
# for unreachable hosts) and write reports their consumers accept
mkdir -p "$T/ci/home/.ssh" "$T/ci/bin"
ln -s "$KA" "$T/ci/bin/keyaudit"
cp "$T/k" "$T/ci/home/.ssh/keyaudit"
printf '127.0.0.1:1\nlocalhost:2\n' >"$T/ci/inventory"
: >"$T/ci/known_hosts"
(cd "$T/ci" && PATH="$T/ci/bin:$PATH" HOME="$T/ci/home" keyaudit scan -f inventory --timeout 3 \
    --write-baseline keyaudit-baseline.json >/dev/null 2>&1)
for y in github-actions gitlab-ci; do
	$PY -c 'import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
def walk(x):
    if isinstance(x, dict):
        for k, v in x.items():
            if k in ("run", "script") and isinstance(v, str):
                yield from v.splitlines()
            elif k == "script" and isinstance(v, list):
                yield from v
            else:
                yield from walk(v)
    elif isinstance(x, list):
        for v in x:
            yield from walk(v)
for c in walk(doc):
    if c.startswith("keyaudit "):
        print(c)' "contrib/ci/$y.yml" >"$T/ci/$y.cmds" 2>"$T/ci/err"
	n=$(wc -l <"$T/ci/$y.cmds")
	bad=
	while IFS= read -r c; do
		rm -f "$T/ci/keyaudit.sarif" "$T/ci/keyaudit.xml" "$T/ci/keyaudit-hostkeys.xml"
		(cd "$T/ci" && PATH="$T/ci/bin:$PATH" HOME="$T/ci/home" bash -c "$c --timeout 3" >/dev/null 2>"$T/ci/cmd.err")
		rc=$?
		[ $rc = 1 ] || bad="$bad [$c: exit $rc $(head -c 200 "$T/ci/cmd.err")]"
		for f in keyaudit.xml keyaudit-hostkeys.xml; do
			[ -f "$T/ci/$f" ] && { t_valid junit "$T/ci/$f" >/dev/null; [ $? = 1 ]; } && bad="$bad [$f invalid]"
		done
		[ -f "$T/ci/keyaudit.sarif" ] && { t_valid sarif "$T/ci/keyaudit.sarif" >/dev/null; [ $? = 1 ]; } && bad="$bad [sarif invalid]"
	done <"$T/ci/$y.cmds"
	[ "$n" -ge 2 ] && [ -z "$bad" ] && t_ok_schema "contrib/ci/$y.yml: its $n keyaudit commands run (exit 1 on unreachable hosts), reports valid" junit sarif ||
	    t_nok "contrib/ci/$y.yml ($n commands)" "$bad $(cat "$T/ci/err")"
done

# --- make install: the program, its manual page, bash completion
make -s install DESTDIR="$T/dest" PREFIX=/usr >"$T/inst.log" 2>&1
[ -x "$T/dest/usr/bin/keyaudit" ] && [ -f "$T/dest/usr/share/man/man1/keyaudit.1" ] &&
    [ -f "$T/dest/usr/share/bash-completion/completions/keyaudit" ] &&
    t_ok "make install DESTDIR PREFIX: binary, man page, completion" || t_nok "make install" "$(cat "$T/inst.log")"
w=$(groff -man -Tascii -wall "$T/dest/usr/share/man/man1/keyaudit.1" 2>&1 >"$T/man.raw")
sed "s/.\x08//g" "$T/man.raw" >"$T/man.txt"
[ -z "$w" ] && grep -q "keyaudit diff" "$T/man.txt" && t_ok "keyaudit.1 renders without a groff warning" || t_nok "man page" "$w"
missing=
for c in diagnose scan keys known-hosts diff collect checks sshd-config; do
	grep -q "^ *$c\b" "$T/man.txt" || missing="$missing $c"
done
[ -z "$missing" ] && t_ok "the man page describes every command" || t_nok "the man page lacks:$missing"
# the completion asks the installed keyaudit for commands and options
comp() { PATH="$T/dest/usr/bin:$PATH" bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _keyaudit; echo "${COMPREPLY[*]}"' _ \
    "$T/dest/usr/share/bash-completion/completions/keyaudit" "$@"; }
[ "$(comp keyaudit di)" = "diagnose diff" ] && [ "$(comp keyaudit scan --fail-on c)" = critical ] &&
    [ "$(comp keyaudit scan --checks keys.un)" = "keys.unused keys.unregistered" ] &&
    [ "$(comp keyaudit keys --format c)" = csv ] &&
    t_ok "bash completion: commands, severities, check ids, per-command formats" ||
    t_nok "bash completion" "$(comp keyaudit di) / $(comp keyaudit scan --fail-on c)"


# SARIF fixes are made from the remedy's edits: the line that wins, replaced
"$KA" scan --snapshot fixtures/snapshots/sshd-pubkey-disabled-dropin-wins.json --format sarif \
    >"$T/fix.sarif" 2>/dev/null
"$KA" scan --snapshot fixtures/snapshots/sshd-pubkey-disabled-dropin-wins.json --format json \
    >"$T/fix.json" 2>/dev/null
e=$(jq -c '[.hosts[0].findings[] | select(.check == "sshd.pubkey-disabled") | .remedy[] |
    select(.edit) | .edit | {file, line, new}][0]' "$T/fix.json")
v=$(t_valid sarif "$T/fix.sarif"); vr=$?
[ $vr != 1 ] && [ "$e" != null ] && jq -e --argjson e "$e" '[.runs[0].results[] | select(.ruleId == "sshd.pubkey-disabled") |
    .fixes[0].artifactChanges[0] | select(.artifactLocation.uri == $e.file and
    .replacements[0].deletedRegion.startLine == $e.line and .replacements[0].insertedContent.text == $e.new)] |
    length == 1' "$T/fix.sarif" >/dev/null &&
    t_ok_schema "SARIF fixes: the JSON remedy's edit (file, line, new) as an artifact change (and validate)" sarif ||
    t_nok "SARIF fixes from the remedy's edit" "$e $v $(jq -c '[.runs[0].results[] | .fixes]' "$T/fix.sarif")"

# --- one option table: --help, the parser, the man page and the completion
# name exactly the same options for every command
"$KA" --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' >"$T/cmds"
scripts/manpage.sh "$KA" <docs/keyaudit.1.in >"$T/keyaudit.1"
cmp -s "$T/keyaudit.1" docs/keyaudit.1 && t_ok "docs/keyaudit.1 is what scripts/manpage.sh makes from the table (make man)" ||
    t_nok "docs/keyaudit.1 is stale: run make man" "$(diff "$T/keyaudit.1" docs/keyaudit.1 | head -n 8)"
# opts_help CMD: the options --help lists, one per line, sorted
opts_help() {
	"$KA" "$1" --help | sed -n 's/^  \(-[^ ].*\)$/\1/p' | sed 's/  .*//; s/ [^-][^ ]*$//; s/,/ /g' |
	    tr ' ' '\n' | grep '^-' | sort -u
}
# opts_man CMD: the options of the man page's section for CMD
opts_man() {
	awk -v s=".SS \"keyaudit $(echo "$1" | sed 's/-/\\\\-/g')\"" '
	    $0 == s { on = 1; next } /^\.S[SH] / { on = 0 } on && prev == ".TP" { print } { prev = $0 }' docs/keyaudit.1 |
	    sed 's/^\.B "//; s/"$//; s/\\-/-/g' | sed 's/ [^-][^ ]*$//; s/,/ /g' | tr ' ' '\n' | grep '^-' | sort -u
}
: >"$T/all.opts"
while read -r c; do opts_help "$c" >>"$T/all.opts"; done <"$T/cmds"
sort -u -o "$T/all.opts" "$T/all.opts"
while read -r c; do
	opts_help "$c" >"$T/h.$c"
	opts_man "$c" >"$T/m.$c"
	comp keyaudit "$c" - | tr ' ' '\n' | grep . | sort -u >"$T/c.$c"
	bad=""
	cmp -s "$T/h.$c" "$T/m.$c" || bad="$bad man: $(diff "$T/h.$c" "$T/m.$c" | grep '^[<>]' | tr '\n' ' ')"
	cmp -s "$T/h.$c" "$T/c.$c" || bad="$bad completion: $(diff "$T/h.$c" "$T/c.$c" | grep '^[<>]' | tr '\n' ' ')"
	# every listed option is one the parser takes (then --help stops it
	# before anything runs; a value that is no file or number is an input
	# error, not a refusal); every other one it refuses
	"$KA" "$c" --help | sed -n 's/^  \(-[^ ].*\)$/\1/p' | sed 's/  .*//' |
	    awk '$NF !~ /^-/ { for (i = 1; i < NF; i++) { o = $i; sub(/,$/, "", o); print o } }' >"$T/a.$c"
	while read -r o; do
		[ "$o" = -h ] || [ "$o" = --help ] && continue
		if grep -qx -- "$o" "$T/a.$c"; then
			"$KA" "$c" "$o" /nonexistent/ka-value --help >/dev/null 2>"$T/e" </dev/null
		else
			"$KA" "$c" "$o" --help >/dev/null 2>"$T/e" </dev/null
		fi
		grep -q -e "not an option" -e "unknown option" "$T/e" && bad="$bad parser refuses $o;"
	done <"$T/h.$c"
	comm -23 "$T/all.opts" "$T/h.$c" >"$T/other.$c"
	while read -r o; do
		"$KA" "$c" "$o" --help >/dev/null 2>"$T/e" </dev/null && bad="$bad parser takes $o;"
		grep -q -e "not an option of '$c'" -e "unknown option" "$T/e" || bad="$bad $o: $(cat "$T/e");"
	done <"$T/other.$c"
	[ -s "$T/h.$c" ] && [ -z "$bad" ] && t_ok "$c: --help, the parser, the man page and the completion agree on $(wc -l <"$T/h.$c") options" ||
	    t_nok "$c: options disagree" "$bad"
done <"$T/cmds"

t_finish
