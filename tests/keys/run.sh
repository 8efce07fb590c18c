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
SUITE=keys
. tests/lib.sh

t_need_root
for t in /usr/sbin/sshd ssh ssh-keygen jq useradd userdel; do
	command -v "$t" >/dev/null 2>&1 || { t_nok "tool $t is missing"; t_finish; }
done
t_in_use 127.0.0.1:2277 && { t_nok "127.0.0.1:2277 in use"; t_finish; }
[ -n "${KA_KEYS_KEEP:-}" ] && KA_TEST_KEEP=1
t_setup /var/tmp
D=$T_BASE
U=kaky
t_user $U
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
# The sshd whose log is read, and whose config the scans below read: the
# config keeps its own host key and pid file paths, and no keyword but
# these (tests/lib.sh's defaults less KbdInteractiveAuthentication).
T_SSHD_DEFAULTS='UsePAM no
LogLevel VERBOSE
PasswordAuthentication no'
T_SSHD_CONFIG=$D/sshd_config T_SSHD_LOG=$D/sshd.log \
    t_sshd keys 127.0.0.1 2277 "HostKey $D/hk" "PidFile $D/sshd.pid" ||
    { t_nok "sshd on 127.0.0.1:2277 starts" "$T_SSHD_WHY"; t_finish; }
echo "[127.0.0.1]:2277 $(cut -d' ' -f1,2 "$D/hk.pub")" > "$D/kh"
login() {
	ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -o UserKnownHostsFile="$D/kh" \
	    -o GlobalKnownHostsFile=/dev/null -i "$D/$1" -p 2277 $U@127.0.0.1 true </dev/null >/dev/null 2>&1
}
login k1 && login k1 && login k3 && t_ok "ssh logs in with k1 twice and k3" || t_nok "ssh logs in with k1 and k3"
login k4 && t_nok "k4 (a dead line) must not log in"	# a refused attempt in the log
sleep 0.3

# 1. this machine, with the log
"$KA" keys --user $U --auth-log "$D/sshd.log" --format json > "$D/keys.json" 2> "$D/keys.err"
rc=$?
[ "$rc" = 0 ] && t_ok "keys: exit 0" || t_nok "keys: exit 0 (got $rc)" "$(cat "$D/keys.err")"
row() {	# row LINE FIELD
	jq -r --argjson l "$1" --arg f "$2" '.keys[] | select(.user == "kaky" and .line == $l) | .[$f] | tostring' "$D/keys.json"
}
fp() { ssh-keygen -lf "$D/$1.pub" | cut -d' ' -f2; }
[ "$(jq '[.keys[] | select(.user == "kaky")] | length' "$D/keys.json")" = 5 ] &&
    t_ok "five rows: every key line of the file" || t_nok "five rows" "$(jq -c '.keys' "$D/keys.json")"
[ "$(row 1 fingerprint)" = "$(fp k1)" ] && [ "$(row 1 used)" = true ] && [ "$(row 1 logins)" = 2 ] &&
    t_ok "line 1 (k1): used, 2 logins, as ssh-keygen -l names it" || t_nok "line 1 (k1) used twice" "$(row 1 logins) $(row 1 used)"
[ "$(row 3 used)" = true ] && [ "$(row 3 logins)" = 1 ] && [ "$(row 3 last_from)" = 127.0.0.1 ] &&
    t_ok "line 3 (k3): used once, from 127.0.0.1" || t_nok "line 3 (k3) used once"
[ "$(row 2 used)" = false ] && [ "$(row 2 last_used)" = null ] &&
    t_ok "line 2 (k2): never used in the log" || t_nok "line 2 (k2) never used"
[ "$(row 4 used)" = false ] && t_ok "line 4 (k1 again): not the line sshd used" || t_nok "line 4 not used"
case $(row 5 status) in dead:*) t_ok "line 5: dead (bad option)" ;; *) t_nok "line 5 dead" "$(row 5 status)" ;; esac
[ "$(row 1 last_used)" = null ] && t_ok "sshd -E has no time: used, last_used unknown" ||
    t_nok "sshd -E has no time (got $(row 1 last_used))"
# the log names exactly these lines
for l in 1 3; do
	grep -q "found at /home/$U/.ssh/authorized_keys:$l" "$D/sshd.log" && t_ok "sshd's log names line $l too" ||
	    t_nok "sshd's log names line $l"
done

# 2. the other formats
"$KA" keys --user $U --auth-log "$D/sshd.log" --format csv > "$D/keys.csv"
head -n 1 "$D/keys.csv" | grep -q '^host,user,path,line,type,bits,fingerprint,' && t_ok "csv: header" || t_nok "csv: header"
[ "$(grep -c "^local,$U," "$D/keys.csv")" = 5 ] && t_ok "csv: five rows" || t_nok "csv: five rows"
"$KA" keys --user $U --auth-log "$D/sshd.log" > "$D/keys.txt"
grep -q "authorized_keys:2 .*never (in the logs)" "$D/keys.txt" && t_ok "table: k2 never used" ||
    t_nok "table: k2 never used" "$(cat "$D/keys.txt")"

# 3. a snapshot of this machine (logs collected with it) gives the same rows
"$KA" collect -o "$D/snap.json" --user $U --auth-log "$D/sshd.log" >/dev/null 2>&1
"$KA" keys --snapshot "$D/snap.json" --format json > "$D/snap-keys.json"
[ "$(jq -c '[.keys[] | [.line, .used, .logins]]' "$D/snap-keys.json")" = "$(jq -c '[.keys[] | select(.user == "kaky") | [.line, .used, .logins]]' "$D/keys.json")" ] &&
    t_ok "snapshot: the same rows, from the logs it holds" || t_nok "snapshot: the same rows" "$(jq -c '.keys' "$D/snap-keys.json")"

# 4. over SSH: the collector reads the log on the host, as the login user
# (the scan logs in with k1: one login more each time)
"$KA" keys "$U@127.0.0.1:2277" -i "$D/k1" --known-hosts "$D/kh" --auth-log "$D/sshd.log" \
    --format json > "$D/remote0.json" 2>/dev/null
jq -e '.logs[0].sources[0] | endswith("sshd.log: not readable by the collector'"'"'s user")' "$D/remote0.json" >/dev/null &&
    t_ok "over SSH: a log $U cannot read is named as such" || t_nok "over SSH: unreadable log" "$(jq -c .logs "$D/remote0.json")"
"$KA" scan "$U@127.0.0.1:2277" -i "$D/k1" --known-hosts "$D/kh" --auth-log "$D/sshd.log" \
    --format json > "$D/remote0s.json" 2>/dev/null
jq -e '[.hosts[0].findings[] | select(.check == "keys.no-usage-data" and (.fix | contains("--sudo")))] | length == 1' "$D/remote0s.json" >/dev/null &&
    t_ok "over SSH: keys.no-usage-data says to scan with --sudo" ||
    t_nok "over SSH: no-usage-data for an unreadable log" "$(jq -c '[.hosts[0].findings[] | select(.check | startswith("keys."))]' "$D/remote0s.json")"
chmod 0644 "$D/sshd.log"
"$KA" keys "$U@127.0.0.1:2277" -i "$D/k1" --known-hosts "$D/kh" --auth-log "$D/sshd.log" \
    --format json > "$D/remote.json" 2> "$D/remote.err"
rc=$?
sleep 0.3
n=$(jq '[.keys[] | select(.host == "kaky@127.0.0.1:2277")] | length' "$D/remote.json" 2>/dev/null)
[ "$rc" = 0 ] && [ "$n" = 5 ] && t_ok "over SSH: five rows for kaky@127.0.0.1:2277" ||
    t_nok "over SSH: five rows (exit $rc, $n rows)" "$(cat "$D/remote.err")"
[ "$(jq -c '[.keys[] | [.line, .used, .logins]]' "$D/remote.json")" = '[[1,true,5],[2,false,0],[3,true,1],[4,false,0],[5,false,0]]' ] &&
    t_ok "over SSH: the host's own log read there (k1 5 logins with the scans', k2 none)" ||
    t_nok "over SSH: usage from the host's log" "$(jq -c '[.keys[] | [.line, .used, .logins]], .logs' "$D/remote.json")"

# 5. usage errors
"$KA" keys --format yaml >/dev/null 2>&1; [ $? = 2 ] && t_ok "--format yaml: exit 2" || t_nok "--format yaml: exit 2"
"$KA" keys --auth-log "$D/nope" 2> "$D/err" >/dev/null; [ $? = 2 ] && grep -q "nope: no such file" "$D/err" &&
    t_ok "a missing --auth-log on this machine: exit 2, says so" || t_nok "missing --auth-log: exit 2" "$(cat "$D/err")"
"$KA" keys --snapshot "$D/snap.json" --auth-log "$D/sshd.log" >/dev/null 2>&1; [ $? = 2 ] &&
    t_ok "--auth-log with --snapshot: exit 2" || t_nok "--auth-log with --snapshot: exit 2"

# 6. the stale-key checks (scan): more accounts, a root key file, a registry
S=kakl
t_user $S
install -d -m 0700 -o $S -g $S /home/$S/.ssh
cat "$D/k2.pub" > /home/$S/.ssh/authorized_keys	# k2: shared with kaky
chown $S:$S /home/$S/.ssh/authorized_keys; chmod 0600 /home/$S/.ssh/authorized_keys
touch -d '400 days ago' /home/$S/.ssh/authorized_keys
install -d -m 0755 "$D/ak"
ssh-keygen -q -t ed25519 -N '' -C root-any -f "$D/k5" </dev/null
{ cat "$D/k5.pub"; echo "from=\"10.0.0.1\",command=\"/bin/true\" $(cat "$D/k4.pub")"; } > "$D/ak/root"
chmod 0600 "$D/ak/root"
{ cat "$D/sshd_config"; printf 'Match User root\n\tAuthorizedKeysFile %s/ak/%%u\n' "$D"; } > "$D/sshd_config2"
{
	echo 'fingerprint,owner,expires,added'
	echo "$(fp k1),alice@example.com,,2020-01-01"
	echo "$(fp k2),bob@example.com,2021-01-01,"
	echo "$(fp k5),ops@example.com,never,"
	echo "$(fp k4),ops@example.com,never,"
} > "$D/registry.csv"
scan() { "$KA" scan --sshd-config "$D/sshd_config2" --user $U --user $S --user root --format json "$@" 2> "$D/scan.err"; }
has() {	# has FILE CHECK USER LINE [TEXT]: one finding so
	jq -e --arg c "$2" --arg u "$3" --argjson l "$4" --arg t "${5:-}" \
	    '[.hosts[0].findings[] | select(.check == $c and (.user // "") == $u and (.line // 0) == $l and (.message | contains($t)))] | length == 1' "$1" >/dev/null
}
count() { jq --arg c "$2" '[.hosts[0].findings[] | select(.check == $c)] | length' "$1"; }
AKY=/home/$U/.ssh/authorized_keys
# private keys kept on the server: one without a passphrase, one with
ssh-keygen -q -t ed25519 -N '' -C left-here -f /home/$U/.ssh/id_ed25519 </dev/null
ssh-keygen -q -t rsa -b 2048 -N 'a passphrase' -f /home/$U/.ssh/id_rsa </dev/null
chown $U:$U /home/$U/.ssh/id_*
scan --auth-log "$D/sshd.log" --unused-days 0 > "$D/s1.json"
{ has "$D/s1.json" keys.unused $U 2 "$(fp k2)" && has "$D/s1.json" keys.unused $U 4 "$(fp k1)" &&
    has "$D/s1.json" keys.unused $S 1 && has "$D/s1.json" keys.unused root 1 &&
    [ "$(count "$D/s1.json" keys.unused)" = 5 ]; } &&
    t_ok "keys.unused: k2 (both accounts), line 4, root's two keys; not the lines sshd logged" ||
    t_nok "keys.unused" "$(jq -c '[.hosts[0].findings[] | select(.check | startswith("keys.")) | [.check, .user, .line]]' "$D/s1.json") $(cat "$D/scan.err")"
has "$D/s1.json" keys.unused $U 2 "which give no times" && t_ok "keys.unused: says the -E log has no times" ||
    t_nok "keys.unused: window" "$(jq -c '.hosts[0].findings[] | select(.check == "keys.unused") | .message' "$D/s1.json")"
has "$D/s1.json" keys.shared "" 0 "$S, $U" && t_ok "keys.shared: k2 authorized for $S and $U (sorted)" ||
    t_nok "keys.shared" "$(jq -c '[.hosts[0].findings[] | select(.check == "keys.shared")]' "$D/s1.json")"
[ "$(count "$D/s1.json" keys.orphaned)" = 0 ] && t_ok "keys.orphaned: none while every account can log in" || t_nok "no keys.orphaned yet"
has "$D/s1.json" keys.root-unrestricted root 1 "$(fp k5)" && [ "$(count "$D/s1.json" keys.root-unrestricted)" = 1 ] &&
    t_ok "keys.root-unrestricted: root's key without from=/command=, not the restricted one" ||
    t_nok "keys.root-unrestricted" "$(jq -c '[.hosts[0].findings[] | select(.check == "keys.root-unrestricted")]' "$D/s1.json")"
[ "$(count "$D/s1.json" keys.no-expiry)" = 0 ] && t_ok "keys.no-expiry: off without a policy" || t_nok "keys.no-expiry off by default"
# sshd agrees: the unrestricted root line is the one it would accept from anywhere
grep -q "^$(cut -d' ' -f1,2 "$D/k5.pub")" "$D/ak/root" && t_ok "root's file holds k5 bare" || t_nok "root's file"

# locked and nologin accounts: their keys are orphaned (and sshd refuses them: UsePAM no)
usermod -L $S
login2() { ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -o UserKnownHostsFile="$D/kh" \
    -o GlobalKnownHostsFile=/dev/null -i "$D/$1" -p 2277 $S@127.0.0.1 true </dev/null >/dev/null 2>&1; }
scan --unused-days 0 --auth-log "$D/sshd.log" > "$D/s2.json"
{ has "$D/s2.json" keys.orphaned $S 1 "is locked" && ! login2 k2; } &&
    t_ok "keys.orphaned: $S is locked and still has a key (sshd refuses it: UsePAM no)" ||
    t_nok "keys.orphaned (locked)" "$(jq -c '[.hosts[0].findings[] | select(.check == "keys.orphaned")]' "$D/s2.json")"
usermod -U $S; usermod -p '*' $S; usermod -s /usr/sbin/nologin $S
scan --unused-days 0 --auth-log "$D/sshd.log" > "$D/s3.json"
has "$D/s3.json" keys.orphaned $S 1 "nologin" && t_ok "keys.orphaned: a nologin shell" ||
    t_nok "keys.orphaned (nologin)" "$(jq -c '[.hosts[0].findings[] | select(.check == "keys.orphaned")]' "$D/s3.json")"
usermod -s /bin/sh $S

# a home left behind by a removed account still holds keys (--all-users)
getent passwd kagone >/dev/null && userdel -r kagone >/dev/null 2>&1
t_cleanup_add file /home/kagone
# (its files are the account's, as they were when it left: keyaudit reads a
# home no account has as the home's owner, and a root-only ~/.ssh in it
# would be "Permission denied" to that owner, as to whoever gets the home)
useradd -m -u 1996 -s /bin/sh kagone && install -d -m 0700 -o kagone -g kagone /home/kagone/.ssh &&
    cat "$D/k3.pub" "$D/k4.pub" > /home/kagone/.ssh/authorized_keys &&
    chown kagone:kagone /home/kagone/.ssh/authorized_keys && userdel kagone
"$KA" scan --all-users --checks keys --sshd-config "$D/sshd_config2" --format json > "$D/s11.json" 2>/dev/null
has "$D/s11.json" keys.orphaned "" 1 "/home/kagone is no account's home" &&
    jq -e '[.hosts[0].findings[] | select(.check == "keys.orphaned" and .path == "/home/kagone/.ssh/authorized_keys") | .message | contains("2 keys")] == [true]' "$D/s11.json" >/dev/null &&
    t_ok "keys.orphaned: a removed account's home still authorizes 2 keys" ||
    t_nok "keys.orphaned (left-behind home)" "$(jq -c '[.hosts[0].findings[] | select(.check == "keys.orphaned")]' "$D/s11.json")"
rm -rf /home/kagone

has "$D/s1.json" keys.private-key-no-passphrase $U 0 "id_ed25519" &&
    [ "$(count "$D/s1.json" keys.private-key-no-passphrase)" = 1 ] &&
    t_ok "keys.private-key-no-passphrase: $U's id_ed25519, not the protected id_rsa" ||
    t_nok "keys.private-key-no-passphrase" "$(jq -c '[.hosts[0].findings[] | select(.check == "keys.private-key-no-passphrase")]' "$D/s1.json")"
# ssh itself agrees: it loads the first without asking, the second asks
ssh-keygen -y -P '' -f /home/$U/.ssh/id_ed25519 >/dev/null 2>&1 && ! ssh-keygen -y -P '' -f /home/$U/.ssh/id_rsa >/dev/null 2>&1 &&
    t_ok "ssh-keygen -y -P '': opens id_ed25519, not id_rsa" || t_nok "ssh-keygen agrees on the passphrases"

# the registry and the ages
scan --key-registry "$D/registry.csv" --max-key-age 30 > "$D/s4.json"
{ has "$D/s4.json" keys.unregistered $U 3 "nobody claims" && has "$D/s4.json" keys.unregistered $U 2 "expired on 2021-01-01" &&
    has "$D/s4.json" keys.unregistered $S 1 "expired on 2021-01-01" && [ "$(count "$D/s4.json" keys.unregistered)" = 3 ]; } &&
    t_ok "keys.unregistered: k3 unclaimed, k2 past its registered expiry (both accounts); k1, k4, k5 claimed" ||
    t_nok "keys.unregistered" "$(jq -c '[.hosts[0].findings[] | select(.check == "keys.unregistered") | [.user, .line, .message]]' "$D/s4.json") $(cat "$D/scan.err")"
{ has "$D/s4.json" keys.old $U 1 "added on 2020-01-01 (the key registry's date)" &&
    has "$D/s4.json" keys.old $S 1 "its file last changed" && [ "$(count "$D/s4.json" keys.old)" = 3 ]; } &&
    t_ok "keys.old: k1 by the registry's date (twice), $S's line by its file's mtime; new files not" ||
    t_nok "keys.old" "$(jq -c '[.hosts[0].findings[] | select(.check == "keys.old") | [.user, .line, .message]]' "$D/s4.json")"
[ "$(count "$D/s4.json" keys.unused)" = 0 ] && t_ok "no log read: no keys.unused" || t_nok "keys.unused without logs"
"$KA" keys --user $S --user $U --key-registry "$D/registry.csv" --format json > "$D/k6.json" 2>/dev/null
{ [ "$(jq -r '.keys[] | select(.user == "kakl") | .age_days' "$D/k6.json")" = 400 ] &&
    [ "$(jq -r '.keys[] | select(.user == "kaky" and .line == 1) | .owner' "$D/k6.json")" = alice@example.com ] &&
    [ "$(jq -r '.keys[] | select(.user == "kaky" and .line == 1) | .added' "$D/k6.json")" = 2020-01-01T00:00:00Z ]; } &&
    t_ok "keys: age from the file (400 days), owner and added from the registry" ||
    t_nok "keys: age and owner" "$(jq -c '[.keys[] | [.user, .line, .age_days, .owner, .added]]' "$D/k6.json")"
printf 'AuthorizedKeysCommand /bin/true\nAuthorizedKeysCommandUser nobody\n' > "$D/sshd_config_akc"
"$KA" keys --user $U --sshd-config "$D/sshd_config_akc" --format json > "$D/k7.json" 2>/dev/null
jq -e '.logs[0].notes | length == 1 and (.[0] | contains("AuthorizedKeysCommand /bin/true (for kaky)"))' "$D/k7.json" >/dev/null &&
    t_ok "keys: a note where AuthorizedKeysCommand grants keys no file lists" ||
    t_nok "keys: AuthorizedKeysCommand note" "$(jq -c '.logs' "$D/k7.json")"
printf 'x\n' > "$D/bad.csv"
scan --key-registry "$D/bad.csv" > /dev/null; rc=$?
[ $rc = 2 ] && grep -q "bad.csv:1:" "$D/scan.err" && t_ok "a bad registry: exit 2, file:line" || t_nok "bad registry: exit 2 (got $rc)" "$(cat "$D/scan.err")"
printf 'check keys.no-expiry enable\n' > "$D/expiry.policy"
scan --policy "$D/expiry.policy" > "$D/s5.json"
[ "$(count "$D/s5.json" keys.no-expiry)" = 7 ] && has "$D/s5.json" keys.no-expiry root 2 &&
    t_ok "keys.no-expiry: enabled by policy, every usable key without expiry-time" ||
    t_nok "keys.no-expiry" "$(jq -c '[.hosts[0].findings[] | select(.check == "keys.no-expiry") | [.user, .line]]' "$D/s5.json")"

# no usage data: a log the host does not have, LogLevel ERROR, logs without times
scan --unused-days 0 --auth-log "$D/nope.log" > /dev/null; rc=$?
[ $rc = 2 ] && grep -q "nope.log: no such file" "$D/scan.err" && t_ok "scan: a missing --auth-log on this machine: exit 2" ||
    t_nok "scan: missing --auth-log: exit 2 (got $rc)" "$(cat "$D/scan.err")"
"$KA" scan "$U@127.0.0.1:2277" -i "$D/k1" --known-hosts "$D/kh" --unused-days 0 --auth-log "$D/nope.log" \
    --format json > "$D/s6.json" 2> "$D/scan.err"
has "$D/s6.json" keys.no-usage-data "" 0 "no such file" && [ "$(count "$D/s6.json" keys.unused)" = 0 ] &&
    t_ok "keys.no-usage-data: the host has no such log (and no key is called unused)" ||
    t_nok "keys.no-usage-data (no log)" "$(jq -c '[.hosts[0].findings[] | select(.check | startswith("keys."))]' "$D/s6.json") $(cat "$D/scan.err")"
sed 's/^LogLevel.*/LogLevel ERROR/' "$D/sshd_config2" > "$D/sshd_config3"
"$KA" scan --sshd-config "$D/sshd_config3" --user $U --format json --unused-days 0 --auth-log "$D/sshd.log" > "$D/s7.json" 2>/dev/null
has "$D/s7.json" keys.no-usage-data "" 5 "LogLevel ERROR" && [ "$(count "$D/s7.json" keys.unused)" = 0 ] &&
    t_ok "keys.no-usage-data: LogLevel ERROR logs no logins" ||
    t_nok "keys.no-usage-data (LogLevel)" "$(jq -c '[.hosts[0].findings[] | select(.check | startswith("keys."))]' "$D/s7.json")"
scan --unused-days 30 --auth-log "$D/sshd.log" > "$D/s8.json"
has "$D/s8.json" keys.no-usage-data "" 0 "give no times" && [ "$(count "$D/s8.json" keys.unused)" = 0 ] &&
    t_ok "keys.no-usage-data: --unused-days with a log without times" ||
    t_nok "keys.no-usage-data (no times)" "$(jq -c '[.hosts[0].findings[] | select(.check | startswith("keys."))]' "$D/s8.json")"

# over SSH, the scan reads the host's log there
"$KA" scan "$U@127.0.0.1:2277" -i "$D/k1" --known-hosts "$D/kh" --unused-days 0 --auth-log "$D/sshd.log" \
    --format json > "$D/s9.json" 2> "$D/scan.err"
has "$D/s9.json" keys.private-key-no-passphrase $U 0 "id_ed25519" &&
    [ "$(count "$D/s9.json" keys.private-key-no-passphrase)" = 1 ] &&
    t_ok "over SSH: the collector judges $U's private keys there (no key byte sent)" ||
    t_nok "over SSH: keys.private-key-no-passphrase" "$(jq -c '[.hosts[0].findings[] | select(.check | startswith("keys.private"))]' "$D/s9.json")"
grep -q "BEGIN OPENSSH PRIVATE KEY" "$D/s9.json" && t_nok "the report holds private key text" || t_ok "no private key text in the report"
has "$D/s9.json" keys.unused $U 2 "$(fp k2)" && [ "$(count "$D/s9.json" keys.unused)" = 2 ] &&
    t_ok "over SSH: keys.unused from the host's own log (k2 and line 4)" ||
    t_nok "over SSH: keys.unused" "$(jq -c '[.hosts[0].findings[] | select(.check | startswith("keys.")) | [.check, .user, .line]]' "$D/s9.json") $(cat "$D/scan.err")"

# --fix-script, run for real: a world-writable authorized_keys makes sshd
# refuse k1; the script (run twice: idempotent) lets it in again
chmod 0666 /home/$U/.ssh/authorized_keys
login k1 && t_nok "sshd refuses a world-writable authorized_keys" || t_ok "sshd refuses a world-writable authorized_keys"
"$KA" scan --user $U --checks perm --fix-script "$D/fix.sh" >/dev/null 2>&1
grep -q "^	ka_chmod go-w f $(id -u $U) /home/$U/.ssh/authorized_keys$" "$D/fix.sh" &&
    t_ok "--fix-script: the chmod is a command, guarded by the scanned type and owner" ||
    t_nok "--fix-script: chmod" "$(cat "$D/fix.sh")"
sh "$D/fix.sh" local && sh "$D/fix.sh" local && login k1 &&
    [ "$(stat -c %a /home/$U/.ssh/authorized_keys)" = 644 ] &&
    t_ok "--fix-script run twice: the same result, and sshd accepts k1 again" ||
    t_nok "--fix-script run" "$(stat -c %a /home/$U/.ssh/authorized_keys)"
chmod 0600 /home/$U/.ssh/authorized_keys

# 7. syslog: an sshd on 2278 logging to syslog (rsyslogd started here when
# nothing listens on /dev/log), read from the default places with times
RSPID= AUTHNEW=
if [ ! -S /dev/log ] && command -v rsyslogd >/dev/null 2>&1; then
	[ -e /var/log/auth.log ] || AUTHNEW=1
	printf 'module(load="imuxsock")\nauth,authpriv.* /var/log/auth.log\n' > "$D/rsyslog.conf"
	[ -n "$AUTHNEW" ] && t_cleanup_add file /var/log/auth.log
	t_cleanup_add file /dev/log
	rsyslogd -f "$D/rsyslog.conf" -i "$D/rsyslog.pid" >/dev/null 2>&1
	for _ in $(seq 1 50); do [ -S /dev/log ] && break; sleep 0.1; done
	RSPID=$(cat "$D/rsyslog.pid" 2>/dev/null)
	[ -n "$RSPID" ] && t_cleanup_add pid "$RSPID"
fi
if [ -S /dev/log ]; then
	T_SSHD_CONFIG=$D/sshd_config_sl T_SSHD_LOG=syslog \
	    t_sshd syslog 127.0.0.1 2278 "HostKey $D/hk" "PidFile $D/sshd2.pid" ||
	    t_nok "sshd on 127.0.0.1:2278 (syslog) starts" "$T_SSHD_WHY"
	echo "[127.0.0.1]:2278 $(cut -d' ' -f1,2 "$D/hk.pub")" >> "$D/kh"
	ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -o UserKnownHostsFile="$D/kh" \
	    -o GlobalKnownHostsFile=/dev/null -i "$D/k3" -p 2278 $U@127.0.0.1 true </dev/null >/dev/null 2>&1 ||
	    t_nok "ssh to the syslog sshd"
	sleep 1
	t_sshd_stop syslog
	"$KA" keys --user $U --format json > "$D/sl.json" 2>/dev/null
	{ [ "$(jq -r '.keys[] | select(.line == 3) | .last_used' "$D/sl.json")" != null ] &&
	    jq -e '.logs[0].first != null and (.logs[0].sources | length) > 0' "$D/sl.json" >/dev/null; } &&
	    t_ok "syslog: this machine's default logs give k3's last login a time, and the window" ||
	    t_nok "syslog: default logs" "$(jq -c '.logs, [.keys[] | [.line, .last_used]]' "$D/sl.json")"
	if su -s /bin/sh $U -c 'test -r /var/log/auth.log'; then
		"$KA" keys "$U@127.0.0.1:2277" -i "$D/k1" --known-hosts "$D/kh" --format json > "$D/sl2.json" 2>/dev/null
		[ "$(jq -r '.keys[] | select(.line == 3) | .last_used' "$D/sl2.json")" != null ] &&
		    t_ok "syslog over SSH: the collector finds the same default logs" ||
		    t_nok "syslog over SSH" "$(jq -c '.logs, [.keys[] | [.line, .last_used]]' "$D/sl2.json")"
	else
		t_skip "syslog over SSH" "$U cannot read /var/log/auth.log here"
	fi
	if [ -n "$AUTHNEW" ]; then
		scan --unused-days 1 > "$D/s10.json"
		has "$D/s10.json" keys.no-usage-data "" 0 "fewer than --unused-days 1" &&
		    t_ok "keys.no-usage-data: logs younger than --unused-days" ||
		    t_nok "keys.no-usage-data (short window)" "$(jq -c '[.hosts[0].findings[] | select(.check | startswith("keys."))]' "$D/s10.json")"
	fi
else
	t_skip "syslog" "no /dev/log and no rsyslogd (make test-deps installs rsyslog)"
fi
if [ -n "$RSPID" ]; then
	kill "$RSPID" 2>/dev/null
	sleep 0.2
	rm -f /dev/log
	RSPID=
fi
[ -n "$AUTHNEW" ] && rm -f /var/log/auth.log
userdel -r $S >/dev/null 2>&1
t_finish
