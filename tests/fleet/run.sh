#!/bin/bash
# run.sh - keyaudit scanning a loopback fleet of real sshd instances and
# hostile endpoints (lib.sh): every host gets its own status and findings,
# the scan keeps its deadline, hosts come in inventory order, and nothing
# one host does touches another. Root only. Ends "fleet: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 3
KA=${KA:-$PWD/keyaudit}
SUITE=fleet
. tests/lib.sh
. tests/fleet/lib.sh
# check NAME EXPR [DETAIL]: t_ok when the shell expression EXPR holds
check() { if eval "$2"; then t_ok "$1"; else t_nok "$1" "${3:-}"; fi; }

t_need_root
if ! command -v jq >/dev/null || [ ! -x "$KA" ]; then
	t_nok "fleet: needs jq and $KA"
	t_finish
fi
# under /srv: the collect comparison below looks at /srv, not at /var/lib
t_setup /srv
D=$T_BASE
sum_before=$(cat ~/.ssh/* /etc/ssh/* 2>/dev/null | sha256sum)
if ! fleet_start "$D"; then
	t_nok "the fleet starts" "$(tail -n 5 "$D"/i*/log 2>/dev/null)"
	t_finish
fi
t_ok "12 sshd instances and $(echo $HOSTILE | wc -w) hostile endpoints up"

TIMEOUT=5
scan() {
	"$KA" scan -F "$D/ssh_config" --known-hosts "$D/known_hosts" -i "$D/id_scan" \
	    --timeout $TIMEOUT -j 16 --format json "$@"
}
# status HOST, checks HOST: from the last report
st() { jq -r --arg t "$1" '.hosts[] | select(.target == $t) | .status' "$D/out.json"; }
has() { jq -e --arg t "$1" --arg c "$2" \
    '[.hosts[] | select(.target == $t) | .findings[].check] | index($c) != null' "$D/out.json" >/dev/null; }
hostdump() { jq -c --arg t "$1" '.hosts[] | select(.target == $t) |
    {status, error, f: [.findings[] | .check + ":" + (.user // "")]}' "$D/out.json"; }

# --- the whole fleet, from the Ansible inventory
start=$(date +%s.%N)
scan -f "$D/inventory.ini" --user kafa --user kafb > "$D/out.json" 2> "$D/err"
rc=$?
wall=$(echo "$(date +%s.%N) - $start" | bc)
check "fleet scan exits 1 (findings and unreachable hosts)" '[ $rc -eq 1 ]' "rc=$rc $(cat "$D/err")"
check "report is JSON with every inventory host and the fleet entry" \
    'jq -e "(.hosts | length) == 23" "$D/out.json" >/dev/null' "$(head -c 400 "$D/out.json")"
order=$(jq -r '[.hosts[].target] | join(" ")' "$D/out.json")
want="i1 i2 i3 i4 i10 i5 i6 i7 i8 i9 i11 i12 silent http smtp close endless kexreset ssh1 blackhole refused unresolvable fleet"
check "hosts in inventory order" '[ "$order" = "$want" ]' "$order"
# Each hostile host costs at most its deadline, and they run side by side:
# reported, not asserted (no timed assertions; each host's verdict is below)
echo "# the scan took ${wall}s (--timeout $TIMEOUT, hosts side by side)"

expect() {	# expect HOST STATUS CHECK... (each CHECK present)
	h=$1; s=$2; shift 2
	got=$(st "$h")
	if [ "$got" != "$s" ]; then t_nok "$h: status $s" "$(hostdump "$h")"; return; fi
	for c in "$@"; do
		if ! has "$h" "$c"; then t_nok "$h: $c" "$(hostdump "$h")"; return; fi
	done
	t_ok "$h: $s${*:+, }$*"
}
absent() {	# absent HOST CHECK...
	h=$1; shift
	for c in "$@"; do
		if has "$h" "$c"; then t_nok "$h: no $c" "$(hostdump "$h")"; return; fi
	done
	t_ok "$h: none of $*"
}
for h in i1 i2 i3 i4 i10; do
	expect $h scanned
	check "$h: no net.* or hostkey.* failure" \
	    '! jq -e --arg t $h ".hosts[] | select(.target == \$t) | .findings[] |
	    select(.check | test(\"^(net|hostkey)\\\\.\")) | select(.check != \"net.password-offered\")" \
	    "$D/out.json" >/dev/null' "$(hostdump $h)"
done
absent i1 net.password-offered perm.file-mode akeys.expired
expect i2 scanned akeys.expired
absent i2 net.password-offered
expect i3 scanned perm.file-mode
# passwords on, seen from outside and in i4's sshd_config: reported once,
# from the configuration (the line to change), not twice
expect i4 scanned sshd.password-auth
absent i4 net.password-offered
expect i5 auth-failed net.no-publickey net.password-offered
expect i6 auth-failed net.auth-failed
expect i7 error hostkey.changed
expect i8 error hostkey.unknown
expect i9 error hostkey.revoked
expect i11 error net.collect-failed
check "i11: a host not collected is judged by net/hostkey alone" \
    'jq -e ".hosts[] | select(.target == \"i11\") | (.findings | length) == 1" "$D/out.json" >/dev/null' \
    "$(hostdump i11)"
expect i12 unreachable net.throttled
check "i12: the throttling message counts the tries" \
    'jq -e ".hosts[] | select(.target == \"i12\") | .error | test(\"3 tries\")" "$D/out.json" >/dev/null' \
    "$(hostdump i12)"
expect silent unreachable net.no-banner
expect http unreachable net.not-ssh
expect smtp unreachable net.not-ssh
expect close unreachable net.throttled
expect endless unreachable net.not-ssh
expect kexreset unreachable net.throttled
expect ssh1 unreachable net.ssh1
expect blackhole unreachable net.timeout
expect refused unreachable net.refused
expect unresolvable unreachable net.resolve
# the fleet pass
check "fleet: i1's host key is on i10 too" \
    'jq -e ".hosts[-1] | .target == \"fleet\" and ([.findings[] | select(.check == \"hostkey.shared\") |
    .message | test(\"i1, i10\")] | length) == 1" "$D/out.json" >/dev/null' "$(jq -c '.hosts[-1]' "$D/out.json")"
check "fleet: kafa's key is shared across hosts" \
    'jq -e "[.hosts[-1].findings[] | select(.check == \"keys.shared\") | .message |
    select(test(\"kafa@i1\") and test(\"kafa@i10\"))] | length == 1" "$D/out.json" >/dev/null' \
    "$(jq -c '.hosts[-1]' "$D/out.json")"
check "summary counts 22 hosts, the fleet entry aside" \
    'jq -e ".summary.hosts == 22" "$D/out.json" >/dev/null' "$(jq -c .summary "$D/out.json")"

# sshd never saw an authentication attempt from a host whose key failed.
for i in 7 9; do
	check "i$i: no authentication attempt reached sshd" \
	    '! grep -Eq "publickey|Accepted|Failed|Postponed" "$D/i$i/log"' "$(tail -n 5 "$D/i$i/log")"
done
check "i8: not logged in to without --accept-unknown-hosts" \
    '! grep -q "Accepted publickey" "$D/i8/log"'

# --- --limit, the plain list, --accept-unknown-hosts, --sudo
scan -f "$D/inventory.ini" --limit healthy > "$D/out.json" 2>/dev/null
check "--limit healthy: exactly the healthy group" \
    '[ "$(jq -r "[.hosts[].target] | join(\" \")" "$D/out.json")" = "i1 i2 i3 i4 i10 fleet" ]' \
    "$(jq -c '[.hosts[].target]' "$D/out.json")"
scan -f "$D/hosts.txt" > "$D/out.json" 2>/dev/null
check "plain host list: same statuses" \
    '[ "$(jq -r "[.hosts[] | .status] | join(\" \")" "$D/out.json")" = "scanned scanned scanned scanned scanned auth-failed auth-failed error error error error unreachable scanned" ]' \
    "$(jq -c '[.hosts[] | [.target, .status]]' "$D/out.json")"
# a list whose targets carry the login user (kascan@127.0.0.101:2200), kafa's
# key K on both (i1's sshd_config names the key files; one machine): the
# fleet entry names the account on the host, kafa@127.0.0.101:2200, never
# kafa@kascan@...; and in SARIF the fleet's result sits on the list line of
# the first host involved (line 2), as each host's results sit on its own
printf '# two of the fleet\nkascan@127.0.0.101:2200\nkascan@127.0.0.102:2200\n' > "$D/pair.txt"
scan -f "$D/pair.txt" --user kafa --sshd-config "$D/i1/sshd_config" --sarif "$D/out.sarif" > "$D/out.json" 2>/dev/null
check "fleet entry: accounts as user@host, not user@login@host" \
    '[ -s "$D/out.json" ] && jq -e "[.hosts[-1].findings[] | select(.check == \"keys.shared\") | .message |
    select(test(\"kafa@127.0.0.101:2200, kafa@127.0.0.102:2200\") and (test(\"@kascan@\") | not))] | length == 1" "$D/out.json" >/dev/null' \
    "$(jq -c '[.hosts[-1].findings[].message]' "$D/out.json")"
v=$(t_valid sarif "$D/out.sarif"); vr=$?
if [ $vr != 1 ] && jq -e --arg f "$D/pair.txt" '[.runs[0].results[] | select(.properties.host == "fleet" and .ruleId == "keys.shared") |
    .locations[0].physicalLocation | select(.artifactLocation.uri == $f and .region.startLine == 2)] | length == 1' "$D/out.sarif" >/dev/null; then
	t_ok_schema "SARIF: the fleet's result carries the host list's line (and validates)" sarif
else
	t_nok "SARIF: the fleet's result carries the host list's line (and validates)" \
	    "$v $(jq -c '[.runs[0].results[] | select(.properties.host == "fleet") | [.ruleId, .locations]]' "$D/out.sarif" 2>&1 | head -c 600)"
fi
scan kascan@127.0.0.108:2200 --accept-unknown-hosts > "$D/out.json" 2>/dev/null
expect kascan@127.0.0.108:2200 scanned hostkey.unknown
scan kaplain@127.0.0.101:2200 --sudo > "$D/out.json" 2>/dev/null
expect kaplain@127.0.0.101:2200 scanned net.sudo-denied
scan kascan@127.0.0.101:2200 --sudo --all-users > "$D/out.json" 2>/dev/null
expect kascan@127.0.0.101:2200 scanned
absent kascan@127.0.0.101:2200 net.sudo-denied
scan pcmd3 > "$D/out.json" 2>/dev/null
expect pcmd3 scanned
"$KA" scan -l kascan -p 2200 127.0.0.104 --known-hosts "$D/known_hosts" -i "$D/id_scan" \
    -F /dev/null --format json > "$D/out.json" 2>/dev/null
expect 127.0.0.104 scanned
check "127.0.0.104: passwords reported once (this machine's sshd_config judged in i4's place)" \
    '[ "$(jq "[.hosts[0].findings[].check | select(. == \"net.password-offered\" or . == \"sshd.password-auth\")] | length" "$D/out.json")" = 1 ]' \
    "$(hostdump 127.0.0.104)"
# the agent: no -i and no IdentityFile, the key only in ssh-agent
printf 'Host *\n  Port 2200\n  User kascan\n  UserKnownHostsFile %s\n' "$D/known_hosts" > "$D/agent_config"
SSH_AUTH_SOCK= "$KA" scan -F "$D/agent_config" 127.0.0.101 --format json > "$D/out.json" 2>/dev/null
expect 127.0.0.101 auth-failed net.auth-failed
ssh-agent bash -c "ssh-add -q '$D/id_scan' 2>/dev/null && '$KA' scan -F '$D/agent_config' \
    127.0.0.101 --format json" > "$D/out.json" 2>/dev/null
expect 127.0.0.101 scanned
scan jump2 --user kafa > "$D/out.json" 2>/dev/null
expect jump2 scanned
check "ProxyJump: connected through i1 (i1's log shows the forward)" \
    'grep -q "direct-tcpip\|port forwarding\|Accepted publickey for kascan" "$D/i1/log"'

# --- the progress line: on a terminal only, never with --quiet
if command -v script >/dev/null; then
	script -qc "'$KA' scan -F '$D/ssh_config' 127.0.0.201 127.0.0.101 --timeout 2 >/dev/null" /dev/null > "$D/tty" 2>&1
	check "progress line on a terminal (done/total, rate, failures)" \
	    'grep -q "keyaudit: [0-9]*/2 hosts" "$D/tty"' "$(tr '\r' '\n' < "$D/tty" | head -n 5)"
	# with the report on the same terminal: every progress line ends at a
	# \r (redrawn, or cleared before a host is printed and at the end), so
	# no host's first line continues it and none is left behind
	script -qc "'$KA' scan -F '$D/ssh_config' 127.0.0.201 127.0.0.101 --timeout 2" /dev/null > "$D/tty" 2>&1
	check "progress line cleared before each host's report and at the end" \
	    'perl -0777 -ne '\''my $n = 0; while (/keyaudit: \d+\/\d+ hosts([^\r]*)(\r|\z)/g) { $n++; exit 1 if $2 ne "\r" || $1 =~ /\n|==/ } exit($n ? 0 : 2)'\'' "$D/tty"' \
	    "$(tr '\r' '\n' < "$D/tty" | grep -a -A1 'hosts,' | head -n 6)"
	script -qc "'$KA' scan -F '$D/ssh_config' 127.0.0.201 127.0.0.101 --timeout 2 --quiet >/dev/null" /dev/null > "$D/tty" 2>&1
	check "no progress line with --quiet" '! grep -q "hosts," "$D/tty"' "$(head -c 300 "$D/tty")"
	scan 127.0.0.201 127.0.0.101 --timeout 2 > /dev/null 2> "$D/err"
	check "no progress line when stderr is not a terminal" '! grep -q "hosts," "$D/err"' "$(head -c 300 "$D/err")"
fi

# --- the same machine collected locally and over SSH gives the same facts
W=$(mktemp -d)	# outside D: writing into D would change what is collected
t_cleanup_add file "$W"
"$KA" collect local -o "$W/local.json" --user kafa --user kafb \
    --sshd-config "$D/i1/sshd_config" 2>"$D/err"
"$KA" collect kascan@127.0.0.101:2200 -o "$W/ssh.json" --sudo --user kafa --user kafb \
    --sshd-config "$D/i1/sshd_config" -F "$D/ssh_config" 2>>"$D/err"
if [ -s "$W/local.json" ] && [ -s "$W/ssh.json" ]; then
	for k in accounts groups users globs; do
		a=$(jq -S ".$k" "$W/local.json"); b=$(jq -S ".$k" "$W/ssh.json")
		check "collected both ways: same $k" '[ "$a" = "$b" ]' "$(diff <(echo "$a") <(echo "$b") | head -n 10)"
	done
	# every path the local transport saw, with the same facts
	diffs=$(jq -n --slurpfile l "$W/local.json" --slurpfile s "$W/ssh.json" '
	    ($s[0].files | map({key: .path, value: del(.content_sha256)}) | from_entries) as $sf |
	    [$l[0].files[] | select(.path | test("^/(etc|home|srv|tmp|usr/lib/os-release)")) |
	     select($sf[.path] == null or $sf[.path] != .) | .path]')
	check "collected both ways: same file facts" '[ "$(echo "$diffs" | jq length)" = 0 ]' "$diffs"
	fl=$("$KA" scan --snapshot "$W/local.json" --format json | jq -c '[.hosts[0].findings[] | [.check, .user, .path]] | sort')
	fs=$("$KA" scan --snapshot "$W/ssh.json" --format json | jq -c '[.hosts[0].findings[] | select(.check | test("^(net|hostkey)\\.") | not) | [.check, .user, .path]] | sort')
	check "collected both ways: same findings" '[ "$fl" = "$fs" ]' "local $fl
ssh   $fs"
else
	t_nok "collected both ways" "$(cat "$D/err")"
fi

sum_after=$(cat ~/.ssh/* /etc/ssh/* 2>/dev/null | sha256sum)
check "nothing under ~/.ssh or /etc/ssh changed" '[ "$sum_before" = "$sum_after" ]'

t_finish
