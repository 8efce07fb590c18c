#!/bin/bash
# run.sh - `keyaudit known-hosts` against a loopback fleet and the real
# OpenSSH (root). Six sshd instances on 127.0.0.1:2281-2286 and one on
# 127.0.0.87:22 (the port where ssh looks up the bare name), each with its
# own host keys. The fleet is pinned (--pin, plain and --hash), then drifts
# on purpose: a regenerated key, a key type added, a key type removed, a
# cloned host key, a revoked key, a host nobody pinned. For every host the
# real `ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o
# UserKnownHostsFile=PIN` is the oracle: it gets past the host key (and is
# refused a login) exactly when keyaudit reports nothing blocking for it,
# and its complaint (CHANGED, REVOKED, unknown) is the check keyaudit names.
# The pin itself is compared with ssh-keyscan, and each pinned name with
# ssh-keygen -F. Nothing outside the run's directory is written; ssh never
# writes a known_hosts file (StrictHostKeyChecking=yes, UpdateHostKeys no).
#   tests/knownhosts/run.sh            ends "known-hosts: N passed, N failed"
set -u
cd "$(dirname "$0")/../.." || exit 3
KA=${KEYAUDIT:-$PWD/keyaudit}
SSHD=/usr/sbin/sshd
SUITE=known-hosts
. tests/lib.sh

t_need_root
for t in "$SSHD" ssh ssh-keygen ssh-keyscan jq; do
	command -v "$t" >/dev/null 2>&1 || { t_nok "tool $t is missing"; t_finish; }
done
[ -x "$KA" ] || { t_nok "$KA not built"; t_finish; }

[ -n "${KA_KH_KEEP:-}" ] && KA_TEST_KEEP=1
t_setup "${TMPDIR:-/tmp}"	# no sshd StrictModes walk starts below it
D=$T_BASE

# Hosts: name -> address:port.
declare -A ADDR=( [h1]=127.0.0.1:2281 [h2]=127.0.0.1:2282 [h3]=127.0.0.1:2283
    [h4]=127.0.0.1:2284 [h5]=127.0.0.1:2285 [h6]=127.0.0.1:2286 [h7]=127.0.0.87:22
    [h8]=127.0.0.1:2288 )
HOSTS="h1 h2 h3 h4 h5 h6 h7"
for h in $HOSTS h8; do
	a=${ADDR[$h]}
	if t_in_use "$a"; then
		t_nok "$a is in use"
		t_finish
	fi
done

keygen() { ssh-keygen -q -t "$2" ${3:+-b "$3"} -N '' -C "kh-$1" -f "$D/$1" </dev/null >/dev/null; }

# host_keys H TYPE...: fresh host keys of those types for H.
host_keys() {
	local h=$1 t
	shift
	rm -f "$D/$h".hk_*
	for t in "$@"; do
		case $t in
		ecdsa384) keygen "$h.hk_$t" ecdsa 384 ;;
		rsa) keygen "$h.hk_$t" rsa 3072 ;;
		*) keygen "$h.hk_$t" "$t" ;;
		esac
	done
}

# start H: (re)start H's sshd with the host keys in $D/H.hk_* (and the
# config line in $EXTRA_H).
start() {
	local h=$1 a=${ADDR[$1]} k extra="EXTRA_$1"
	local lines=()
	t_sshd_stop "$h"
	for k in "$D/$h".hk_*; do
		case $k in *.pub) ;; *) lines+=("HostKey $k") ;; esac
	done
	lines+=("AuthorizedKeysFile none")
	[ -n "${!extra:-}" ] && lines+=("${!extra}")
	t_sshd "$h" "${a%:*}" "${a##*:}" "${lines[@]}" >/dev/null ||
	    { t_nok "sshd $h did not start: $T_SSHD_WHY"; t_finish; }
}
stop() {
	t_sshd_stop "$1"
}

# The name ssh looks up for H: host for port 22, else [host]:port.
khname() {
	local a=${ADDR[$1]}
	[ "${a##*:}" = 22 ] && echo "${a%:*}" || echo "[${a%:*}]:${a##*:}"
}
target() { local a=${ADDR[$1]}; echo "${a%:*}:${a##*:}"; }

# oracle H FILE: what the real ssh does with H's host key: ok changed
# revoked unknown (or other: the first line it printed).
oracle() {
	local a=${ADDR[$1]} out
	out=$(timeout 20 ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes \
	    -o UserKnownHostsFile="$2" -o GlobalKnownHostsFile=/dev/null \
	    -o UpdateHostKeys=no -o ConnectTimeout=5 -o PubkeyAuthentication=no \
	    -p "${a##*:}" "nobody@${a%:*}" true 2>&1 </dev/null)
	case $out in
	*"REVOKED HOST KEY"*) echo revoked ;;
	*"IDENTIFICATION HAS CHANGED"*) echo changed ;;
	*"No "*"host key is known"*|*"authenticity of host"*|*"Host key verification failed"*) echo unknown ;;
	*"Permission denied"*) echo ok ;;
	*) printf '%s\n' "$out" | head -n 1 ;;
	esac
}

# ka FILE OUT TARGET...: keyaudit known-hosts as JSON; sets KRC.
ka() {
	local kh=$1 out=$2
	shift 2
	"$KA" known-hosts --known-hosts "$kh" --timeout 10 --format json "$@" \
	    > "$out" 2> "$out.err"
	KRC=$?
}

# blocking H OUT: the blocking hostkey check keyaudit names for H, or ok.
blocking() {
	jq -r --arg t "$(target "$1")" '[.hosts[] | select(.target == $t) | .findings[] |
	    select(.blocks_login and (.check | startswith("hostkey."))) | .check] |
	    if length == 0 then "ok" else .[0] end' "$2" 2>/dev/null || echo "(no JSON)"
}

has() {	# has H CHECK OUT: H (or the entry named H) has a finding CHECK
	jq -e --arg t "$1" --arg c "$2" '[.hosts[] | select(.target == $t) | .findings[] |
	    select(.check == $c)] | length > 0' "$3" >/dev/null 2>&1
}

# Each host's keys, and the fleet up.
host_keys h1 ed25519 ecdsa rsa
host_keys h2 ed25519 rsa
host_keys h3 ed25519 ecdsa
host_keys h4 ed25519
host_keys h5 ed25519 rsa
host_keys h6 ed25519
host_keys h7 ed25519 ecdsa
for h in $HOSTS; do start "$h"; done
TARGETS=()
for h in $HOSTS; do TARGETS+=("$(target "$h")"); done

# --- 1. the pin equals ssh-keyscan; each name is found by ssh-keygen -F
if "$KA" known-hosts --pin "$D/pin" "${TARGETS[@]}" > "$D/pin.out" 2>&1; then
	t_ok "pin: keyaudit known-hosts --pin exits 0"
else
	t_nok "pin: keyaudit known-hosts --pin exits 0" "$(cat "$D/pin.out")"
fi
: > "$D/keyscan"
for h in $HOSTS; do
	a=${ADDR[$h]}
	ssh-keyscan -T 5 -p "${a##*:}" "${a%:*}" 2>/dev/null >> "$D/keyscan"
done
if diff <(grep -v '^#' "$D/pin") <(LC_ALL=C sort -u "$D/keyscan") > "$D/pin.diff"; then
	t_ok "pin: the same lines as ssh-keyscan (sorted), $(grep -vc '^#' "$D/pin") keys"
else
	t_nok "pin: the same lines as ssh-keyscan" "$(cat "$D/pin.diff")"
fi
"$KA" known-hosts --pin "$D/pin.hashed" --hash "${TARGETS[@]}" > /dev/null 2>&1
for h in $HOSTS; do
	n=$(ls "$D/$h".hk_*.pub | wc -l)
	for f in pin pin.hashed; do
		got=$(ssh-keygen -F "$(khname "$h")" -f "$D/$f" 2>/dev/null | grep -vc '^#')
		[ "$got" = "$n" ] && t_ok "$f: ssh-keygen -F $(khname "$h") finds its $n keys" ||
		    t_nok "$f: ssh-keygen -F $(khname "$h") finds its $n keys (got $got)"
	done
done
if grep -v '^#' "$D/pin.hashed" | cut -d' ' -f1 | grep -qv '^|1|'; then
	t_nok "--hash: every name hashed"
else
	t_ok "--hash: every name hashed"
fi

# --- 2. no drift: nothing to report, every host passes ssh's check
for f in pin pin.hashed; do
	ka "$D/$f" "$D/nodrift.json" "${TARGETS[@]}"
	n=$(jq '[.hosts[].findings[]] | length' "$D/nodrift.json" 2>/dev/null)
	[ "$KRC" = 0 ] && [ "$n" = 0 ] && t_ok "no drift ($f): exit 0, no findings" ||
	    t_nok "no drift ($f): exit 0, no findings (exit $KRC, $n findings)" \
	    "$(jq -c '[.hosts[] | {target, f: [.findings[].check]}]' "$D/nodrift.json" 2>&1; cat "$D/nodrift.json.err")"
done
for h in $HOSTS; do
	o=$(oracle "$h" "$D/pin.hashed")
	[ "$o" = ok ] && t_ok "no drift: ssh accepts $h's key from the hashed pin" ||
	    t_nok "no drift: ssh accepts $h's key from the hashed pin (ssh: $o)"
done

# the README's CI gate before anything drifted
printf '%s\n' "${TARGETS[@]}" > "$D/inventory"
(cd "$D" && "$KA" known-hosts -f inventory --known-hosts pin --junit kh-ok.xml \
    --timeout 10 > gate-ok.out 2>&1)
g=$?
[ "$g" = 0 ] && t_ok "README gate: exit 0 while the fleet matches its pin" ||
    t_nok "README gate: exit 0 while the fleet matches its pin (got $g)" "$(tail -n 5 "$D/gate-ok.out")"

# --- 3. drift, one break per host
host_keys h1 ed25519 ecdsa rsa				# h1: every key regenerated
cp "$D/h2.hk_ed25519" "$D/h2.keep"; cp "$D/h2.hk_ed25519.pub" "$D/h2.keep.pub"
keygen h2.hk_ecdsa384 ecdsa 384				# h2: a key type added
rm -f "$D"/h3.hk_ecdsa*					# h3: a key type removed
cp "$D/h1.hk_ed25519" "$D/h4.hk_ed25519"		# h4: h1's (new) key, cloned
cp "$D/h1.hk_ed25519.pub" "$D/h4.hk_ed25519.pub"
echo "@revoked [127.0.0.1]:2285 $(cut -d' ' -f1,2 "$D/h5.hk_ed25519.pub")" > "$D/revoked"
host_keys h7 ed25519					# h7: port 22, ed25519 rotated, ecdsa gone
for h in h1 h2 h3 h4 h7; do start "$h"; done
# h5's ed25519 key is withdrawn: its line becomes @revoked, and an older
# ed25519 key of h5's stays (ssh still prefers ed25519 and meets the revoked
# key); h6 is not pinned at all; a second, older ed25519 entry for h2 (a
# rotation nobody cleaned up); an entry ssh never selects; a line ssh skips;
# a host that left the fleet.
keygen old ed25519
drifted() {
	grep -v -e '^\[127.0.0.1\]:2286 ' -e "^\[127.0.0.1\]:2285 $(cut -d' ' -f1,2 "$D/h5.hk_ed25519.pub")\$" "$D/pin"
	cat "$D/revoked"
	echo "[127.0.0.1]:2285 $(cut -d' ' -f1,2 "$D/old.pub")"
	echo "[127.0.0.1]:2282 $(cut -d' ' -f1,2 "$D/old.pub")"
	echo "[127.0.0.1]:22 $(cut -d' ' -f1,2 "$D/old.pub")"
	echo "this line is not a known_hosts entry"
	echo "ghost.example.org $(cut -d' ' -f1,2 "$D/old.pub")"
}
drifted > "$D/pin.drift"
printf '%s\n' "${TARGETS[@]}" > "$D/inventory"
"$KA" known-hosts -f "$D/inventory" --inventory-complete --known-hosts "$D/pin.drift" \
    --timeout 10 --format json > "$D/drift.json" 2> "$D/drift.json.err"
KRC=$?
[ "$KRC" = 1 ] && t_ok "drift: exit 1 (changed and revoked keys are critical)" ||
    t_nok "drift: exit 1 (got $KRC)" "$(cat "$D/drift.json.err")"

# the README's CI gate, as written: -f inventory --known-hosts PIN --junit
(cd "$D" && "$KA" known-hosts -f inventory --known-hosts pin.drift --junit kh.xml \
    --timeout 10 > gate.out 2>&1)
g=$?
[ "$g" = 1 ] && t_ok "README gate: exit 1 on the drifted pin" ||
    t_nok "README gate: exit 1 on the drifted pin (got $g)" "$(tail -n 5 "$D/gate.out")"
t_valid_junit "README gate: the JUnit report is valid against junit-10.xsd" "$D/kh.xml"
grep -q 'hostkey.changed' "$D/kh.xml" && t_ok "README gate: the JUnit report names hostkey.changed" ||
    t_nok "README gate: the JUnit report names hostkey.changed"

# keyaudit's blocking verdict per host against the real ssh
declare -A WANT=( [h1]=changed [h2]=ok [h3]=ok [h4]=changed [h5]=revoked [h6]=unknown [h7]=changed )
for h in $HOSTS; do
	o=$(oracle "$h" "$D/pin.drift")
	k=$(blocking "$h" "$D/drift.json")
	if [ "$o" != "${WANT[$h]}" ]; then
		t_nok "drift $h: scenario broken: ssh says $o, expected ${WANT[$h]}"
	elif [ "$k" = "$([ "$o" = ok ] && echo ok || echo "hostkey.$o")" ]; then
		t_ok "drift $h: keyaudit and ssh agree ($o)"
	else
		t_nok "drift $h: ssh says $o, keyaudit's blocking finding is $k" \
		    "$(jq -c --arg t "$(target "$h")" '.hosts[] | select(.target == $t) | [.findings[] | [.check, .blocks_login, .message]]' "$D/drift.json")"
	fi
done

# blocks_login means one thing in every command: what ssh -o BatchMode=yes
# does under the client's StrictHostKeyChecking. h6, which nobody pinned:
# under ask (ssh's default) ssh refuses it, and scan and known-hosts both
# call hostkey.unknown blocking; under accept-new ssh gets past the host
# key, and neither does.
t6=$(target h6)
for shkc in ask accept-new; do
	printf 'Host *\n  StrictHostKeyChecking %s\n' "$shkc" > "$D/cfg.$shkc"
	"$KA" scan -F "$D/cfg.$shkc" --known-hosts "$D/pin.drift" --timeout 10 --format json \
	    "$t6" > "$D/u-scan.json" 2>/dev/null
	"$KA" known-hosts -F "$D/cfg.$shkc" --known-hosts "$D/pin.drift" --timeout 10 \
	    --format json "$t6" > "$D/u-kh.json" 2>/dev/null
	bs=$(jq -r '[.hosts[0].findings[] | select(.check == "hostkey.unknown") | .blocks_login] | join(",")' "$D/u-scan.json" 2>&1)
	bk=$(jq -r '[.hosts[0].findings[] | select(.check == "hostkey.unknown") | .blocks_login] | join(",")' "$D/u-kh.json" 2>&1)
	cp "$D/pin.drift" "$D/pin.$shkc"	# accept-new writes the key there
	out=$(timeout 20 ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=$shkc \
	    -o UserKnownHostsFile="$D/pin.$shkc" -o GlobalKnownHostsFile=/dev/null \
	    -o UpdateHostKeys=no -o ConnectTimeout=5 -o PubkeyAuthentication=no \
	    -p "${t6##*:}" "nobody@${t6%:*}" true 2>&1 </dev/null)
	case $out in *"Permission denied"*) want=false ;; *) want=true ;; esac
	[ "$bs" = "$want" ] && [ "$bk" = "$want" ] &&
	    t_ok "hostkey.unknown under StrictHostKeyChecking $shkc: scan and known-hosts agree with ssh (blocks: $want)" ||
	    t_nok "hostkey.unknown under StrictHostKeyChecking $shkc: scan says $bs, known-hosts $bk, ssh: $want" "$out"
done

# the non-blocking drift each host shows
expect() {	# expect NAME TARGET CHECK
	if has "$2" "$3" "$D/drift.json"; then
		t_ok "drift $1: $3"
	else
		t_nok "drift $1: $3" "$(jq -c --arg t "$2" '.hosts[] | select(.target == $t) | [.findings[].check]' "$D/drift.json")"
	fi
}
expect h2 "$(target h2)" hostkey.new-type
expect h3 "$(target h3)" hostkey.gone
expect h7 "$(target h7)" hostkey.gone
expect h2 "$(target h2)" hostkey.conflict
expect fleet fleet hostkey.shared
expect files known_hosts hostkey.unmatchable
expect files known_hosts hostkey.bad-line
expect files known_hosts hostkey.orphan
# the changed key names the line that trusts the old one, and the fix removes it
line=$(jq -r --arg t "$(target h1)" '[.hosts[] | select(.target == $t) | .findings[] |
    select(.check == "hostkey.changed")][0] | "\(.path):\(.line)"' "$D/drift.json")
want=$(grep -n "^\[127.0.0.1\]:2281 ssh-ed25519 " "$D/pin.drift" | cut -d: -f1)
[ "$line" = "$D/pin.drift:$want" ] && t_ok "drift h1: the changed ed25519 key cites $line" ||
    t_nok "drift h1: the changed ed25519 key cites line $want (got $line)"
jq -r '.hosts[].findings[] | select(.check == "hostkey.changed") | .fix' "$D/drift.json" |
    grep -q "ssh-keygen -R '\[127.0.0.1\]:2281' -f $D/pin.drift" &&
    t_ok "drift h1: the fix is ssh-keygen -R '[127.0.0.1]:2281' -f FILE" ||
    t_nok "drift h1: the fix is ssh-keygen -R"
# no finding for the hosts that did not drift in that way
if has "$(target h2)" hostkey.changed "$D/drift.json"; then
	t_nok "drift h2: an added key type is not a changed key"
else
	t_ok "drift h2: an added key type is not a changed key"
fi
# nothing was written
if cmp -s "$D/pin.drift" <(drifted); then
	t_ok "known_hosts files are never written"
else
	t_nok "known_hosts files are never written"
fi

# --- 4. re-pinned after review: the gate passes again
"$KA" known-hosts --pin "$D/pin2" "${TARGETS[@]}" > /dev/null 2>&1
ka "$D/pin2" "$D/repin.json" "${TARGETS[@]}"
n=$(jq '[.hosts[] | select(.target != "fleet") | .findings[]] | length' "$D/repin.json" 2>/dev/null)
[ "$n" = 0 ] && t_ok "re-pinned: no drift left (only the cloned key remains, as fleet)" ||
    t_nok "re-pinned: no drift left ($n findings)" "$(jq -c '[.hosts[] | {target, f: [.findings[].check]}]' "$D/repin.json")"

# --- 5. an unreachable host is a per-host finding, the others are judged
ka "$D/pin2" "$D/down.json" "${TARGETS[@]}" 127.0.0.1:2289
st=$(jq -r '.hosts[] | select(.target == "127.0.0.1:2289") | .status' "$D/down.json" 2>/dev/null)
[ "$st" = unreachable ] && [ "$KRC" = 1 ] && t_ok "a dead port: unreachable, exit 1" ||
    t_nok "a dead port: unreachable, exit 1 (status $st, exit $KRC)"

# --- 6. an account's own known_hosts, found by a scan, against the fleet
# kakh on this machine pinned h3 long ago (another ed25519 key): the scan
# of this machine and h3 holds the file against what h3 presents, and the
# real ssh run as kakh agrees that it refuses.
t_user kakh
install -d -m 0700 -o kakh -g kakh /home/kakh/.ssh
{
	echo "[127.0.0.1]:2283 $(cut -d' ' -f1,2 "$D/old.pub")"
	grep '^\[127.0.0.1\]:2282 ' "$D/pin2"
} > /home/kakh/.ssh/known_hosts
chown kakh:kakh /home/kakh/.ssh/known_hosts
chmod 0600 /home/kakh/.ssh/known_hosts
"$KA" scan local "$(target h3)" "$(target h2)" --user kakh --known-hosts "$D/pin2" \
    --timeout 10 --format json > "$D/scan.json" 2> "$D/scan.json.err"
o=$(runuser -u kakh -- ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes \
    -o UpdateHostKeys=no -o PubkeyAuthentication=no -p 2283 nobody@127.0.0.1 true 2>&1)
case $o in *"IDENTIFICATION HAS CHANGED"*) o=changed ;; *) o=other ;; esac
n=$(jq '[.hosts[] | select(.target == "fleet") | .findings[] | select(.check == "hostkey.changed")
    | select(.path == "local:/home/kakh/.ssh/known_hosts" and .line == 1)] | length' "$D/scan.json" 2>/dev/null)
if [ "$o" = changed ] && [ "$n" = 1 ]; then
	t_ok "scan: kakh's known_hosts pins another key for h3; ssh as kakh refuses, the fleet pass names its line 1"
else
	t_nok "scan: kakh's stale entry for h3 (ssh as kakh: $o, findings at line 1: $n)" \
	    "$(jq -c '[.hosts[] | {target, f: [.findings[] | [.check, .path, .line]]}]' "$D/scan.json" 2>&1; head -3 "$D/scan.json.err")"
fi
n=$(jq '[.hosts[] | select(.target == "fleet") | .findings[] | select(.check == "hostkey.changed")] | length' "$D/scan.json" 2>/dev/null)
[ "$n" = 1 ] && t_ok "scan: kakh's correct entry for h2 is not reported" ||
    t_nok "scan: only the stale entry is reported ($n changed findings)"

# --- 7. a host that signs only with ssh-rsa (SHA-1): ssh 9.2 cannot
# negotiate; keyaudit says so, still lists the key, and calls it weak.
EXTRA_h8="HostKeyAlgorithms ssh-rsa"
host_keys h8 rsa
start h8
o=$(timeout 20 ssh -F /dev/null -o BatchMode=yes -o UserKnownHostsFile=/dev/null \
    -o GlobalKnownHostsFile=/dev/null -p 2288 nobody@127.0.0.1 true 2>&1 </dev/null)
"$KA" known-hosts --pin "$D/pin.h8" "$(target h8)" > /dev/null 2>&1
ka "$D/pin.h8" "$D/h8.json" "$(target h8)"
k=$(jq -c '[.hosts[0].findings[] | .check] | sort' "$D/h8.json" 2>/dev/null)
case $o in *"no matching host key type"*) o=refused ;; esac
if [ "$o" = refused ] && [ "$k" = '["hostkey.weak","net.kex-failed"]' ] &&
    grep -q "^\[127.0.0.1\]:2288 ssh-rsa " "$D/pin.h8"; then
	t_ok "ssh-rsa only: ssh cannot negotiate, keyaudit names net.kex-failed and hostkey.weak and still pins the key"
else
	t_nok "ssh-rsa only (ssh: $o, keyaudit: $k)" "$(cat "$D/pin.h8")"
fi

# --- 8. entries ssh can never select, proven by ssh itself: "[h]:22" for
# a port-22 host and "h:port" without brackets leave the host unknown.
{
	echo "[127.0.0.87]:22 $(cut -d' ' -f1,2 "$D/h7.hk_ed25519.pub")"
	echo "127.0.0.1:2282 $(cut -d' ' -f1,2 "$D/h2.hk_ed25519.pub")"
} > "$D/unmatchable"
ka "$D/unmatchable" "$D/unm.json" "$(target h7)" "$(target h2)"
for h in h7 h2; do
	o=$(oracle "$h" "$D/unmatchable")
	k=$(blocking "$h" "$D/unm.json")
	[ "$o" = unknown ] && [ "$k" = hostkey.unknown ] &&
	    t_ok "unmatchable: ssh and keyaudit find no entry for $h" ||
	    t_nok "unmatchable: $h (ssh: $o, keyaudit: $k)"
done
n=$(jq '[.hosts[] | select(.target == "known_hosts") | .findings[] | select(.check == "hostkey.unmatchable")] | length' "$D/unm.json")
[ "$n" = 2 ] && t_ok "unmatchable: both lines reported" || t_nok "unmatchable: both lines reported ($n)"

# --- 9. hostile endpoints: a tarpit and an HTTP server among the hosts
# cost one per-host finding each and change nothing for the others.
if cc -O2 -Wall -Wextra -Werror -o "$D/hostile" tests/fleet/hostile.c 2>"$D/cc.err"; then
	for e in blackhole:88 http:89; do
		"$D/hostile" "${e%%:*}" "127.0.0.${e##*:}" 2290 > "$D/hostile.${e%%:*}" 2>&1 &
		t_cleanup_add pid $!
	done
	for _ in $(seq 1 50); do
		[ "$(cat "$D"/hostile.* 2>/dev/null | grep -c ready)" -ge 2 ] && break
		sleep 0.1
	done
	"$KA" known-hosts --known-hosts "$D/pin2" --timeout 3 --format json \
	    127.0.0.88:2290 "$(target h2)" 127.0.0.89:2290 > "$D/hostile.json" 2> "$D/hostile.err"
	t=$(jq -r '[.hosts[] | select(.target == "127.0.0.88:2290") | .findings[].check] | join(",")' "$D/hostile.json" 2>/dev/null)
	w=$(jq -r '[.hosts[] | select(.target == "127.0.0.89:2290") | .findings[].check] | join(",")' "$D/hostile.json" 2>/dev/null)
	h=$(jq -r --arg t "$(target h2)" '[.hosts[] | select(.target == $t) | .status] | join(",")' "$D/hostile.json" 2>/dev/null)
	[ "$t" = net.timeout ] && t_ok "hostile: the tarpit is net.timeout" || t_nok "hostile: the tarpit is net.timeout (got $t)"
	[ "$w" = net.not-ssh ] && t_ok "hostile: the HTTP server is net.not-ssh" || t_nok "hostile: the HTTP server is net.not-ssh (got $w)"
	[ "$h" = scanned ] && t_ok "hostile: h2 between them is judged as usual" || t_nok "hostile: h2 is judged (status $h)"
else
	t_nok "hostile endpoints build" "$(cat "$D/cc.err")"
fi

t_finish
