#!/bin/bash
# run.sh - `keyaudit keys` against a real sshd on 127.0.0.1:2277 at LogLevel
# VERBOSE (root): an account with three authorized keys (one listed twice,
# one dead by a bad option) logs in with two of them; the inventory must
# show exactly those two used, on the file:line sshd logged, the third
# never, in every output format, from this machine, a snapshot and over SSH.
#   tests/keys/run.sh            ends "keys: N passed, N failed"
set -u
cd "$(dirname "$0")/../.." || exit 3
KA=${KEYAUDIT:-$PWD/keyaudit}
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
nok() {
	failed=$((failed + 1))
	echo "not ok - $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | head -n 12 | sed 's/^/#   /'
	return 0
}
finish() { echo "keys: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }

[ "$(id -u)" -eq 0 ] || { nok "needs root"; finish; }
for t in /usr/sbin/sshd ssh ssh-keygen jq useradd userdel; do
	command -v "$t" >/dev/null 2>&1 || { nok "tool $t is missing"; finish; }
done
ss -Hltn | awk '{ print $4 }' | grep -qxF 127.0.0.1:2277 && { nok "127.0.0.1:2277 in use"; finish; }
D=$(mktemp -d /var/tmp/ka-keys.XXXXXX) || exit 3
chmod 755 "$D"
U=kaky
SPID=
cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	getent passwd $U >/dev/null && userdel -r $U >/dev/null 2>&1
	[ -n "${KA_KEYS_KEEP:-}" ] && echo "# kept $D" || rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
getent passwd $U >/dev/null && userdel -r $U >/dev/null 2>&1
useradd -m -s /bin/sh $U && usermod -p '*' $U && chmod 755 /home/$U
mkdir -p /run/sshd
for k in k1 k2 k3 k4; do ssh-keygen -q -t ed25519 -N '' -C "kaky-$k" -f "$D/$k" </dev/null; done
ssh-keygen -q -t ed25519 -N '' -f "$D/hk" </dev/null
install -d -m 0700 -o $U -g $U /home/$U/.ssh
{
	cat "$D/k1.pub"				# 1 used twice
	cat "$D/k2.pub"				# 2 never used
	echo "from=\"127.0.0.1\" $(cat "$D/k3.pub")"	# 3 used once
	cat "$D/k1.pub"				# 4 k1 again: sshd stops at line 1
	echo "no-such-option $(cat "$D/k4.pub")"	# 5 dead
} > /home/$U/.ssh/authorized_keys
chown $U:$U /home/$U/.ssh/authorized_keys
chmod 0600 /home/$U/.ssh/authorized_keys
cat > "$D/sshd_config" <<EOC
ListenAddress 127.0.0.1:2277
HostKey $D/hk
PidFile $D/sshd.pid
UsePAM no
LogLevel VERBOSE
PasswordAuthentication no
EOC
/usr/sbin/sshd -D -f "$D/sshd_config" -E "$D/sshd.log" </dev/null >/dev/null 2>&1 &
SPID=$!
for _ in $(seq 1 100); do grep -q 'Server listening' "$D/sshd.log" 2>/dev/null && break; sleep 0.05; done
echo "[127.0.0.1]:2277 $(cut -d' ' -f1,2 "$D/hk.pub")" > "$D/kh"
login() {
	ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -o UserKnownHostsFile="$D/kh" \
	    -o GlobalKnownHostsFile=/dev/null -i "$D/$1" -p 2277 $U@127.0.0.1 true </dev/null >/dev/null 2>&1
}
login k1 && login k1 && login k3 && ok "ssh logs in with k1 twice and k3" || nok "ssh logs in with k1 and k3"
login k4 && nok "k4 (a dead line) must not log in"	# a refused attempt in the log
sleep 0.3

# 1. this machine, with the log
"$KA" keys --user $U --auth-log "$D/sshd.log" --format json > "$D/keys.json" 2> "$D/keys.err"
rc=$?
[ "$rc" = 0 ] && ok "keys: exit 0" || nok "keys: exit 0 (got $rc)" "$(cat "$D/keys.err")"
row() {	# row LINE FIELD
	jq -r --argjson l "$1" --arg f "$2" '.keys[] | select(.user == "kaky" and .line == $l) | .[$f] | tostring' "$D/keys.json"
}
fp() { ssh-keygen -lf "$D/$1.pub" | cut -d' ' -f2; }
[ "$(jq '[.keys[] | select(.user == "kaky")] | length' "$D/keys.json")" = 5 ] &&
    ok "five rows: every key line of the file" || nok "five rows" "$(jq -c '.keys' "$D/keys.json")"
[ "$(row 1 fingerprint)" = "$(fp k1)" ] && [ "$(row 1 used)" = true ] && [ "$(row 1 logins)" = 2 ] &&
    ok "line 1 (k1): used, 2 logins, as ssh-keygen -l names it" || nok "line 1 (k1) used twice" "$(row 1 logins) $(row 1 used)"
[ "$(row 3 used)" = true ] && [ "$(row 3 logins)" = 1 ] && [ "$(row 3 last_from)" = 127.0.0.1 ] &&
    ok "line 3 (k3): used once, from 127.0.0.1" || nok "line 3 (k3) used once"
[ "$(row 2 used)" = false ] && [ "$(row 2 last_used)" = null ] &&
    ok "line 2 (k2): never used in the log" || nok "line 2 (k2) never used"
[ "$(row 4 used)" = false ] && ok "line 4 (k1 again): not the line sshd used" || nok "line 4 not used"
case $(row 5 status) in dead:*) ok "line 5: dead (bad option)" ;; *) nok "line 5 dead" "$(row 5 status)" ;; esac
[ "$(row 1 last_used)" = null ] && ok "sshd -E has no time: used, last_used unknown" ||
    nok "sshd -E has no time (got $(row 1 last_used))"
# the log names exactly these lines
for l in 1 3; do
	grep -q "found at /home/$U/.ssh/authorized_keys:$l" "$D/sshd.log" && ok "sshd's log names line $l too" ||
	    nok "sshd's log names line $l"
done

# 2. the other formats
"$KA" keys --user $U --auth-log "$D/sshd.log" --format csv > "$D/keys.csv"
head -n 1 "$D/keys.csv" | grep -q '^host,user,path,line,type,bits,fingerprint,' && ok "csv: header" || nok "csv: header"
[ "$(grep -c "^local,$U," "$D/keys.csv")" = 5 ] && ok "csv: five rows" || nok "csv: five rows"
"$KA" keys --user $U --auth-log "$D/sshd.log" > "$D/keys.txt"
grep -q "authorized_keys:2 .*never (in the logs)" "$D/keys.txt" && ok "table: k2 never used" ||
    nok "table: k2 never used" "$(cat "$D/keys.txt")"

# 3. a snapshot of this machine gives the same rows
"$KA" collect -o "$D/snap.json" --user $U >/dev/null 2>&1
"$KA" keys --snapshot "$D/snap.json" --auth-log "$D/sshd.log" --format json > "$D/snap-keys.json"
[ "$(jq -c '[.keys[] | [.line, .used, .logins]]' "$D/snap-keys.json")" = "$(jq -c '[.keys[] | select(.user == "kaky") | [.line, .used, .logins]]' "$D/keys.json")" ] &&
    ok "snapshot: the same rows" || nok "snapshot: the same rows"

# 4. over SSH (the scan logs in with k1, one login more)
"$KA" keys "$U@127.0.0.1:2277" -i "$D/k1" --known-hosts "$D/kh" --auth-log "$D/sshd.log" \
    --format json > "$D/remote.json" 2> "$D/remote.err"
rc=$?
sleep 0.3
n=$(jq '[.keys[] | select(.host == "kaky@127.0.0.1:2277")] | length' "$D/remote.json" 2>/dev/null)
[ "$rc" = 0 ] && [ "$n" = 5 ] && ok "over SSH: five rows for kaky@127.0.0.1:2277" ||
    nok "over SSH: five rows (exit $rc, $n rows)" "$(cat "$D/remote.err")"

# 5. usage errors
"$KA" keys --format yaml >/dev/null 2>&1; [ $? = 2 ] && ok "--format yaml: exit 2" || nok "--format yaml: exit 2"
"$KA" keys --auth-log "$D/nope" >/dev/null 2>&1; [ $? = 2 ] && ok "a missing --auth-log: exit 2" || nok "missing --auth-log: exit 2"
"$KA" keys a.example b.example --auth-log "$D/sshd.log" >/dev/null 2>&1; [ $? = 2 ] &&
    ok "--auth-log with two hosts: exit 2" || nok "--auth-log with two hosts: exit 2"
finish
