#!/bin/sh
# collector.sh - the embedded sh collector against the local transport, on
# this machine: the same users and sshd_config collected both ways must give
# identical snapshot facts (every path both contain, accounts, groups, globs,
# sshd -T) and identical findings. Run under /bin/sh (the exec transport),
# and under `busybox sh` with BusyBox applets when busybox is installed.
# As root both read an account's files as the account (kaukey's here); on a
# host with no setpriv or runuser (BusyBox) the collector must say that
# content was not read as the user, never read it as root.
# Usage: tests/cli/collector.sh [KEYAUDIT [TEST_COLLECT_STREAM]]
set -u
cd "$(dirname "$0")/../.." || exit 3
KA=${1:-./keyaudit}
TB=${2:-build/tests/test_collect_stream}
SUITE=collector
. tests/lib.sh
ok() { t_ok "$1"; }
bad() { t_nok "$(printf '%s' "$1" | head -c 600)"; }
# Inside a case, results are kept until the case is final (see run_case).
RES=
rok() { RES="${RES}ok	$1
"; }
rbad() { RES="${RES}bad	$(printf '%s' "$1" | tr '\n' ' ' | head -c 600)
"; }

# run_case FUNCTION: other tests running in parallel add and remove accounts
# (/etc/passwd changes between the two collections), so a case that differs
# is collected again, up to 5 times; only its last attempt counts.
run_case() {
	try=1
	while :; do
		RES=
		"$1"
		case $RES in *"bad	"*) ;; *) break ;; esac
		[ $try -ge 5 ] && break
		try=$((try + 1))
		sleep 1
	done
	printf '%s' "$RES" | while IFS='	' read -r kind msg; do
		echo "$kind	$msg"
	done > "$W/res"
	while IFS='	' read -r kind msg; do
		if [ "$kind" = ok ]; then ok "$msg"; else bad "$msg (attempt $try)"; fi
	done < "$W/res"
}

if ! command -v jq >/dev/null 2>&1 || [ ! -x "$KA" ] || [ ! -x "$TB" ]; then
	t_nok "collector: needs jq, $KA and $TB"
	t_finish
fi
T=$(mktemp -d)	# the tree being collected: nothing is written to it later
W=$(mktemp -d)	# results
trap 'rm -rf "$T" "$W"' EXIT

# A configuration that exercises Include, Match, symlinks, odd names,
# RevokedKeys and a relative AuthorizedKeysFile, on top of the real users.
mkdir -p "$T/conf.d" "$T/keys" "$T/odd
dir" "$T/real"
ssh-keygen -q -t ed25519 -N '' -C k -f "$T/k" >/dev/null 2>&1
cp "$T/k.pub" "$T/keys/root"
cp "$T/k.pub" "$T/odd
dir/root"
chmod 0666 "$T/keys/root"
ln -s "$T/odd
dir" "$T/link"
ln -s ../real "$T/conf.d/rel"
ln -s loop1 "$T/loop2"
ln -s loop2 "$T/loop1"
cp "$T/k.pub" "$T/revoked"
# A host key with its certificate (HostCertificate: content, like KEY.pub;
# the private key: its modes only).
ssh-keygen -q -t ed25519 -N '' -C hk -f "$T/hk" >/dev/null 2>&1
ssh-keygen -q -t ed25519 -N '' -C ca -f "$T/ca" >/dev/null 2>&1
ssh-keygen -q -s "$T/ca" -I collector -h -n collector.test "$T/hk.pub" >/dev/null 2>&1
rm -f "$T/ca"
printf 'PermitRootLogin prohibit-password\n' > "$T/real/b.conf"
cat > "$T/sshd_config" <<EOF
Include $T/conf.d/*.conf $T/conf.d/rel/*.conf $T/nomatch/*
AuthorizedKeysFile $T/keys/%u .ssh/authorized_keys %h/.ssh/authorized_keys2
RevokedKeys $T/revoked
AuthorizedKeysCommand $T/loop1/cmd
AuthorizedKeysCommandUser nobody
AuthorizedPrincipalsFile .ssh/principals_%u
AuthorizedPrincipalsCommand $T/pcmd %u
AuthorizedPrincipalsCommandUser nobody
HostKey $T/hk
HostCertificate $T/hk-cert.pub
EOF
printf '#!/bin/sh\necho "$1"\n' > "$T/pcmd"
chmod 0755 "$T/pcmd"
cat > "$T/conf.d/a.conf" <<EOF
# comment
Match User root
	AuthorizedKeysFile $T/link/%u "$T/keys/%u"
EOF
chmod -R go-w "$T"
rm -f "$T/k"

USERS="root nobody sshd"
# An account keeping private keys of every format in ~/.ssh (user_keys).
UK=
if [ "$(id -u)" = 0 ] && command -v useradd >/dev/null 2>&1; then
	getent passwd kaukey >/dev/null && userdel -r kaukey >/dev/null 2>&1
	if useradd -m -s /bin/sh kaukey >/dev/null 2>&1; then
		UK=$(getent passwd kaukey | cut -d: -f6)
		mkdir -p "$UK/.ssh"
		ssh-keygen -q -t ed25519 -N '' -f "$UK/.ssh/id_ed25519" </dev/null
		ssh-keygen -q -t rsa -b 2048 -m PEM -N 'passphrase' -f "$UK/.ssh/id_rsa" </dev/null
		ssh-keygen -q -t ecdsa -m PKCS8 -N '' -f "$UK/.ssh/id_ecdsa" </dev/null
		ssh-keygen -q -t ed25519 -N 'pw' -f "$UK/.ssh/id_ed25519_sk" </dev/null
		printf 'not a key\r\nat all\n' > "$UK/.ssh/id_dsa"
		ln -s id_rsa "$UK/.ssh/id_ecdsa_sk"
		# content read as kaukey: a key file and known_hosts (0600)
		cp "$T/k.pub" "$UK/.ssh/authorized_keys"
		# a principals file (AuthorizedPrincipalsFile in the test
		# config), read as kaukey too, and group-writable
		printf 'kaukey\nfrom="10.0.0.0/8" ops\n' > "$UK/.ssh/principals_kaukey"
		chmod 0620 "$UK/.ssh/principals_kaukey"
		echo "[127.0.0.1]:2222 $(cut -d' ' -f1,2 "$T/k.pub")" > "$UK/.ssh/known_hosts"
		chmod 0600 "$UK/.ssh/known_hosts"
		chown -R kaukey: "$UK"
		USERS="$USERS kaukey"
		trap 'rm -rf "$T" "$W"; userdel -r kaukey >/dev/null 2>&1' EXIT
	fi
fi
me=$(id -un 2>/dev/null)
case " $USERS " in *" $me "*) ;; *) USERS="$USERS $me" ;; esac

# compare_files NAME LOCAL_JSON EXEC_JSON: every path both recorded, the same
compare_files() {
	n=$1
	l=$2
	e=$3
	# ... nor are its files: the client's key files and ~/.ssh/config.
	jq -S '[.client_keys[]? | .path, .path + ".pub"] as $c |
	    .files | map(select(.path as $p | ($c | index([$p]) | not) and
	    ($p | test("/[.]ssh/(config|id_[^/]*)$") | not))) |
	    map({(.path): .}) | add' "$l" > "$l.f"
	jq -S '.files | map({(.path): .}) | add' "$e" > "$e.f"
	# Other tests write into /tmp meanwhile: its own mtime may move.
	for f in "$l.f" "$e.f"; do
		jq --arg t "$(dirname "$T")" 'if .[$t] then .[$t] |= del(.mtime, .size)
		    else . end' "$f" > "$f.x" && mv "$f.x" "$f"
	done
	common=$(jq -n --slurpfile l "$l.f" --slurpfile e "$e.f" \
	    '[$l[0] | keys[] | select($e[0][.] != null)] | length')
	diff=$(jq -n --slurpfile l "$l.f" --slurpfile e "$e.f" \
	    '[$l[0] | keys[] as $k | select($e[0][$k] != null and
	    $e[0][$k] != $l[0][$k]) | {path: $k, local: $l[0][$k], exec: $e[0][$k]}]')
	if [ "$diff" = "[]" ] && [ "$common" -gt 10 ]; then
		rok "$n: $common common file entries identical"
	else
		rbad "$n: file entries differ ($common common): $diff"
	fi
	onlylocal=$(jq -n --slurpfile l "$l.f" --slurpfile e "$e.f" \
	    '[$l[0] | keys[] | select($e[0][.] == null)]')
	if [ "$onlylocal" = "[]" ]; then
		rok "$n: every path the local transport recorded is in the exec snapshot"
	else
		rbad "$n: paths only in the local snapshot: $onlylocal"
	fi
}

# compare NAME LOCAL_JSON EXEC_JSON
compare() {
	n=$1
	l=$2
	e=$3
	compare_files "$n" "$l" "$e"
	# The client side (~/.ssh/id_*) is not the collector's job yet.
	jq 'del(.client_keys) | .client_user = null' "$l" > "$l.srv"
	for k in hostname sshd_version sshd_config_path privileged accounts_known \
	    accounts groups users globs sshd_t user_keys sshd_test_ran sshd_test_rc \
	    sshd_test_err sshd_g sshd_g_err; do
		a=$(jq -cS ".$k" "$l.srv")
		b=$(jq -cS ".$k" "$e")
		if [ "$a" = "$b" ]; then
			rok "$n: $k"
		else
			rbad "$n: $k differs: local $(printf %.300s "$a") exec $(printf %.300s "$b")"
		fi
	done
	f1=$("$KA" scan --snapshot "$l.srv" --format json 2>/dev/null |
	    jq -cS '[.hosts[].findings[] | {check, user, path, line, severity, message}] | sort')
	f2=$("$KA" scan --snapshot "$e" --format json 2>/dev/null |
	    jq -cS '[.hosts[].findings[] | {check, user, path, line, severity, message}] | sort')
	if [ -n "$f1" ] && [ "$f1" = "$f2" ]; then
		rok "$n: identical findings ($(printf '%s' "$f1" | jq length))"
	else
		rbad "$n: findings differ: local $f1 exec $f2"
	fi
}

# 1. The real configuration, through the exec transport (/bin/sh).
uargs=
for u in $USERS; do uargs="$uargs --user $u"; done
case_system() {
	# shellcheck disable=SC2086
	"$KA" collect -o "$W/l1.json" $uargs >/dev/null 2>&1 || rbad "keyaudit collect"
	# shellcheck disable=SC2086
	if "$TB" --exec-snapshot $USERS > "$W/e1.json" 2> "$W/e1.err"; then
		compare "system config" "$W/l1.json" "$W/e1.json"
	else
		rbad "exec transport: $(cat "$W/e1.err")"
	fi
}
run_case case_system
if [ -n "$UK" ]; then
	got=$(jq -c '[.user_keys[] | select(.user == "kaukey") | [(.path | sub(".*/"; "")), .format, .encrypted]] | sort' "$W/e1.json")
	want='[["id_dsa","unknown",null],["id_ecdsa","pkcs8",false],["id_ed25519","openssh",false],["id_ed25519_sk","openssh",true],["id_rsa","pem",true]]'
	if [ "$got" = "$want" ]; then
		ok "user_keys: every format judged from two lines (a symlink skipped)"
	else
		bad "user_keys: $got"
	fi
fi

# 2. The test configuration.
case_test() {
	# shellcheck disable=SC2086
	"$KA" collect -o "$W/l2.json" --sshd-config "$T/sshd_config" $uargs >/dev/null 2>&1 ||
	    rbad "keyaudit collect --sshd-config"
	# shellcheck disable=SC2086
	if "$TB" --exec-snapshot -f "$T/sshd_config" $USERS > "$W/e2.json" 2> "$W/e2.err"; then
		compare "test config" "$W/l2.json" "$W/e2.json"
		if jq -e --arg p "$T/odd
dir/root" '.files[] | select(.path == $p and .content != null)' "$W/e2.json" >/dev/null; then
			rok "a path with a newline survives, with its content"
		else
			rbad "the path with a newline is missing"
		fi
		if [ -n "$UK" ] && jq -e --arg p "$UK/.ssh/principals_kaukey" '.files[] |
		    select(.path == $p and .content == "kaukey\nfrom=\"10.0.0.0/8\" ops\n")' \
		    "$W/e2.json" >/dev/null && jq -e --arg p "$T/pcmd" '.files[] |
		    select(.path == $p and .content == null)' "$W/e2.json" >/dev/null; then
			rok "AuthorizedPrincipalsFile read as the user (%u, relative to home), the principals command's modes"
		elif [ -n "$UK" ]; then
			rbad "principals file or command not collected: $(jq -c '[.files[] | select(.path | test("principals|pcmd"))]' "$W/e2.json")"
		fi
		for j in "$W/l2.json" "$W/e2.json"; do
			if [ "$(jq -r --arg c "$T/hk-cert.pub" --arg p "$T/hk.pub" --arg k "$T/hk" \
			    '([.files[] | select(.path == $c or .path == $p) | .content != null] |
			    length == 2 and all), ([.files[] | select(.path == $k) |
			    .content == null] | length == 1 and all)' "$j" |
			    tr '\n' ' ')" = "true true " ]; then
				rok "$(basename "$j"): HostCertificate and HostKey.pub with content, the HostKey without"
			else
				rbad "$(basename "$j"): HostCertificate, HostKey.pub or HostKey not as expected"
			fi
		done
	else
		rbad "exec transport (test config): $(cat "$W/e2.err")"
	fi
}
run_case case_test

"$TB" --script > "$W/script"

# noswitch_compare NAME LOCAL_JSON EXEC_JSON: a collector that could not
# switch users: kaukey's files carry "cannot read as the user" and no
# content, its private keys are not judged, and everything else is equal.
NOSW="content not read: cannot read as the user"
noswitch_compare() {
	n=$1
	l=$2
	e=$3
	if [ -z "$UK" ]; then
		rok "$n: no account to read as (not root)"
		return
	fi
	denied=$(jq -c --arg w "$NOSW" '[.files[] | select(.unreadable_by != null) |
	    {path, has: (.content != null), u: [.unreadable_by[] | select(.error == $w) | .user]}] | sort_by(.path)' "$e")
	want=$(jq -c --arg h "$UK" '[.files[] | select((.path == $h + "/.ssh/authorized_keys" or
	    .path == $h + "/.ssh/known_hosts" or .path == $h + "/.ssh/principals_kaukey") and
	    .content != null) | {path, has: false, u: ["kaukey"]}] | sort_by(.path)' "$l")
	if [ "$denied" = "$want" ] && [ "$(printf '%s' "$want" | jq length)" = 3 ]; then
		rok "$n: kaukey's three files (keys, known_hosts, principals): not read, 'cannot read as the user'"
	else
		rbad "$n: kaukey's files: exec $denied, expected $want"
	fi
	if jq -e '[.user_keys[] | select(.user == "kaukey")] | length == 0' "$e" >/dev/null; then
		rok "$n: kaukey's private keys not judged (never read as root)"
	else
		rbad "$n: kaukey's private keys were read: $(jq -c .user_keys "$e")"
	fi
	jq 'del(.user_keys[]? | select(.user == "kaukey")) | del(.files[] | select(.unreadable_by != null))' "$e" > "$e.ns"
	jq --arg h "$UK" 'del(.user_keys[]? | select(.user == "kaukey")) |
	    del(.files[] | select(.path == $h + "/.ssh/authorized_keys" or .path == $h + "/.ssh/known_hosts" or
	    .path == $h + "/.ssh/principals_kaukey"))' "$l" > "$l.ns"
	compare_files "$n" "$l.ns" "$e.ns"
}

case_noswitch() {
	# shellcheck disable=SC2086
	"$KA" collect -o "$W/l8.json" --sshd-config "$T/sshd_config" $uargs >/dev/null 2>&1 ||
	    rbad "keyaudit collect (no-switch case)"
	if env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin KA_COLLECTOR_TESTPATH="$W/nosw" \
	    /bin/sh -c "$(cat "$W/script")" keyaudit-collector < "$W/params" > "$W/ns.out" 2> "$W/ns.err" &&
	    "$TB" --parse-stream < "$W/ns.out" > "$W/e8.json" 2>> "$W/ns.err"; then
		noswitch_compare "no setpriv, no runuser" "$W/l8.json" "$W/e8.json"
	else
		rbad "no-switch collector: $(head -c 500 "$W/ns.err")"
	fi
}

case_busybox() {
	# shellcheck disable=SC2086
	"$KA" collect -o "$W/l3.json" --sshd-config "$T/sshd_config" $uargs >/dev/null 2>&1 ||
	    rbad "keyaudit collect (busybox case)"
	if env -i PATH="$W/bb:/usr/sbin:/usr/bin:/sbin:/bin" KA_COLLECTOR_TESTPATH="$W/bb" \
	    "$W/bb/sh" -c "$(cat "$W/script")" < "$W/params" > "$W/bb.out" 2> "$W/bb.err" &&
	    "$TB" --parse-stream < "$W/bb.out" > "$W/e3.json" 2>> "$W/bb.err"; then
		noswitch_compare "busybox" "$W/l3.json" "$W/e3.json"
	else
		rbad "busybox sh: $(head -c 500 "$W/bb.err")"
	fi
}

# 3. A host with no way to switch users: setpriv and runuser fail there.
mkdir "$W/nosw"
for a in setpriv runuser; do
	printf '#!/bin/sh\nexit 127\n' > "$W/nosw/$a"
	chmod 755 "$W/nosw/$a"
done
{
	printf 'keyaudit-collect 1\nconfig %s\n' "$T/sshd_config"
	for u in $USERS; do printf 'user %s\n' "$u"; done
	printf 'sshdt 1\nend\n'
} > "$W/params"
run_case case_noswitch

# 3a. The same under BusyBox: its sh and its applets (stat, head, readlink...),
# and like a BusyBox host neither setpriv nor runuser.
if command -v busybox >/dev/null 2>&1; then
	mkdir "$W/bb"
	for a in sh stat head wc tr grep sed readlink id uname date timeout; do
		ln -s "$(command -v busybox)" "$W/bb/$a"
	done
	cp "$W/nosw/setpriv" "$W/nosw/runuser" "$W/bb/"
	run_case case_busybox
else
	t_skip "busybox sh and applets" "busybox is not installed (make test-deps installs it)"
fi

# 3b. sshd's logs: explicit files of every kind (syslog with CRLF and a last
# line without a newline, gzip, not gzip, a directory, a missing file), and a
# log over the 16 MiB budget: the same sources, kept lines and truncation
# both ways.
L=$W/logs
mkdir "$L" "$L/dir"
printf 'Jan  5 10:00:00 h sshd[1]: Server listening\nJan  5 10:00:01 h sshd[2]: Accepted publickey for bob from 1.2.3.4 port 5 ssh2: ED25519 SHA256:abc\r\nJan  5 10:00:02 h sshd[2]: pam\nJan  5 10:00:03 h sshd[2]: the end' > "$L/auth.log"
printf 'Jan  4 10:00:00 h sshd[1]: start\nJan  4 10:00:01 h sshd[3]: Accepted key ED25519 SHA256:abc found at /x:1\nJan  4 10:00:01 h sshd[3]: Accepted publickey for bob from 1.2.3.4 port 5 ssh2: ED25519 SHA256:abc\n' | gzip > "$L/auth.log.2.gz"
echo 'not gzip' > "$L/bad.gz"
awk 'BEGIN { for (i = 0; i < 150000; i++) printf "2025-01-01T00:00:%02d+00:00 h sshd[%d]: Accepted publickey for u%d from 10.0.0.1 port 22 ssh2: ED25519 SHA256:%043d\n", i % 60, i, i, i }' > "$L/big.log"
largs="--auth-log $L/auth.log --auth-log $L/auth.log.2.gz --auth-log $L/bad.gz --auth-log $L/dir --auth-log $L/none --auth-log $L/big.log --auth-log $L/auth.log"
case_logs() {
	# shellcheck disable=SC2086
	"$TB" --local-snapshot $largs root > "$W/l5.json" 2> "$W/l5.err" || rbad "local: $(cat "$W/l5.err")"
	# shellcheck disable=SC2086
	"$TB" --exec-snapshot $largs root > "$W/e5.json" 2> "$W/e5.err" || rbad "exec: $(cat "$W/e5.err")"
	a=$(jq -cS '.auth_logs' "$W/l5.json" | md5sum)
	b=$(jq -cS '.auth_logs' "$W/e5.json" | md5sum)
	if [ "$a" = "$b" ] && [ "$(jq '.auth_logs | length' "$W/e5.json")" = 7 ]; then
		rok "logs: seven sources, identical both ways"
	else
		rbad "logs differ: local $(jq -c '[.auth_logs[] | {source, error, truncated, n: (.lines // "" | length)}]' "$W/l5.json") exec $(jq -c '[.auth_logs[] | {source, error, truncated, n: (.lines // "" | length)}]' "$W/e5.json")"
	fi
	if jq -e '.auth_logs[5].truncated == true and ([.auth_logs[].lines // "" | length] | add) == 16777216 and .auth_logs[6].error != null' "$W/e5.json" >/dev/null; then
		rok "logs: 16 MiB in all, the newest kept, later sources not read"
	else
		rbad "logs: budget not applied: $(jq -c '[.auth_logs[] | {source, error, truncated, n: (.lines // "" | length)}]' "$W/e5.json")"
	fi
	if jq -e '.auth_logs[0].lines == "Jan  5 10:00:00 h sshd[1]: Server listening\nJan  5 10:00:01 h sshd[2]: Accepted publickey for bob from 1.2.3.4 port 5 ssh2: ED25519 SHA256:abc\r\nJan  5 10:00:03 h sshd[2]: the end\n"' "$W/e5.json" >/dev/null; then
		rok "logs: first line, accepted lines and last line kept, nothing else"
	else
		rbad "logs: kept lines: $(jq -c '.auth_logs[0]' "$W/e5.json")"
	fi
	# the default sources (auth.log, rotations, the journal), whatever this machine has
	"$KA" collect -o "$W/l6.json" --user root --unused-days 0 >/dev/null 2>&1 || rbad "keyaudit collect --unused-days"
	"$TB" --exec-snapshot --logs root > "$W/e6.json" 2> "$W/e6.err" || rbad "exec: $(cat "$W/e6.err")"
	if [ "$(jq -cS '.auth_logs' "$W/l6.json" | md5sum)" = "$(jq -cS '.auth_logs' "$W/e6.json" | md5sum)" ]; then
		rok "logs: this machine's default sources identical ($(jq -c '[.auth_logs[].source]' "$W/e6.json"))"
	else
		rbad "default logs differ: local $(jq -c '[.auth_logs[] | {source, error, n: (.lines // "" | length)}]' "$W/l6.json") exec $(jq -c '[.auth_logs[] | {source, error, n: (.lines // "" | length)}]' "$W/e6.json")"
	fi
}
run_case case_logs

# 3c. --all-users: every account, and a home left behind by a removed
# account (uid 1000 and up beside the others) with its authorized_keys.
case_all() {
	"$KA" collect -o "$W/l7.json" --all-users >/dev/null 2>&1 || rbad "keyaudit collect --all-users"
	"$TB" --exec-snapshot --all-users > "$W/e7.json" 2> "$W/e7.err" || rbad "exec: $(cat "$W/e7.err")"
	compare "all users" "$W/l7.json" "$W/e7.json"
	if [ -n "$LEFT" ] && jq -e --arg p "$LEFT/.ssh/authorized_keys" '.files[] | select(.path == $p and .content != null)' "$W/e7.json" >/dev/null; then
		rok "all users: the left-behind home's authorized_keys is read"
	elif [ -n "$LEFT" ]; then
		rbad "all users: $LEFT/.ssh/authorized_keys not collected"
	fi
}
LEFT=
if [ "$(id -u)" = 0 ] && command -v useradd >/dev/null 2>&1; then
	getent passwd kaleft >/dev/null && userdel -r kaleft >/dev/null 2>&1
	if useradd -m -u 1995 -s /bin/sh kaleft >/dev/null 2>&1; then
		LEFT=$(getent passwd kaleft | cut -d: -f6)
		mkdir -p "$LEFT/.ssh" && cp "$T/k.pub" "$LEFT/.ssh/authorized_keys"
		userdel kaleft
	fi
fi
run_case case_all
[ -n "$LEFT" ] && rm -rf "$LEFT"

case_nobody() {
	if su -s /bin/sh nobody -c "$D/ka collect -o -" > "$W/l4.json" 2> "$W/l4.err" &&
	    su -s /bin/sh nobody -c "$D/tb --exec-snapshot" > "$W/e4.json" 2>> "$W/l4.err"; then
		compare "as nobody" "$W/l4.json" "$W/e4.json"
	else
		rbad "as nobody: $(head -c 300 "$W/l4.err")"
	fi
}

# 4. Unprivileged: shadow unreadable, no sshd -T, the invoking user only.
if [ "$(id -u)" = 0 ] && command -v su >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
	D=$(mktemp -d)
	chmod 755 "$D"
	cp "$KA" "$D/ka"
	cp "$TB" "$D/tb"
	chmod 755 "$D/ka" "$D/tb"
	run_case case_nobody
	rm -rf "$D"
else
	echo "skip unprivileged run: needs root, su and a nobody account"
fi

# 5. Few processes: it runs on every host of a fleet. Every command the
# script looks up in PATH is a wrapper here that counts its runs (the
# wrappers write; the script does not).
mkdir "$W/cnt"
for a in stat head wc tr grep sed readlink id uname date timeout getent dd cat setpriv runuser env sleep; do
	real=$(command -v "$a") || continue
	printf '#!/bin/sh\necho %s >> "%s/calls"\nexec %s "$@"\n' "$a" "$W" "$real" \
	    > "$W/cnt/$a"
	chmod 755 "$W/cnt/$a"
done
# runs PARAMS_FILE: how many commands one collection ran ("bad" when its
# output does not parse).
runs() {
	: > "$W/calls"
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin KA_COLLECTOR_TESTPATH="$W/cnt" \
	    /bin/sh -c "$(cat "$W/script")" keyaudit-collector < "$1" \
	    > "$W/cnt.out" 2>/dev/null
	if "$TB" --parse-stream < "$W/cnt.out" > /dev/null 2>&1; then
		wc -l < "$W/calls" | tr -d ' '
	else
		echo bad
	fi
}
printf 'keyaudit-collect 1\nuser root\nsshdt 0\nend\n' > "$W/p1"
n1=$(runs "$W/p1")
case $n1 in
[0-9]*) if [ "$n1" -le 15 ]; then
		ok "one user costs $n1 processes (at most 15)"
	else
		bad "one user costs $n1 processes (more than 15): $(sort "$W/calls" | uniq -c | tr '\n' ' ')"
	fi ;;
*) bad "the counted collection did not parse" ;;
esac
if [ "$(id -u)" = 0 ]; then
	printf 'keyaudit-collect 1\nall\nsshdt 0\nend\n' > "$W/pall"
	na=$(runs "$W/pall")
	nu=$(grep -c '^[^#]' /etc/passwd)
	# Each account with files of its own costs its reader, started by
	# root through timeout and setpriv (what the reader runs is the
	# account's, not counted here); the first reader also costs a probe
	# of setpriv and of dd.
	nr=$(grep -c '^setpriv$' "$W/calls")
	nr=$((nr > 0 ? nr - 1 : 0))
	case $na in
	[0-9]*) if [ "$na" -le $((n1 + 10 + 2 + 2 * nr)) ]; then
			ok "all $nu users cost $na processes (one user: $n1; $nr accounts read with their own credentials)"
		else
			bad "all $nu users cost $na processes (one user: $n1; $nr readers): $(sort "$W/calls" | uniq -c | tr '\n' ' ')"
		fi ;;
	*) bad "the counted --all-users collection did not parse" ;;
	esac
fi

# 6. The collector writes nothing: the tree it read is unchanged (nobody
# else writes there), and the script redirects output only to /dev/null or
# to another descriptor.
ls -lAR "$T" > "$W/tree1" 2>&1; before=$(md5sum < "$W/tree1")
"$TB" --exec-snapshot -f "$T/sshd_config" root > /dev/null 2>&1
ls -lAR "$T" > "$W/tree2" 2>&1; after=$(md5sum < "$W/tree2")
if [ "$before" = "$after" ]; then
	ok "the collector changed nothing in the tree it read"
else
	bad "the collector changed the tree it read: $(diff "$W/tree1" "$W/tree2")"
fi
writes=$(grep -n '>' "$W/script" 2>/dev/null | grep -v '^[0-9]*:[[:space:]]*#' |
    sed -e 's/[0-9]*>&[0-9]//g' -e 's|[0-9]*>[[:space:]]*/dev/null||g' \
    -e 's/-gt\|-lt//g' | grep '>')
if [ -s "$W/script" ] && [ -z "$writes" ]; then
	ok "the script redirects only to /dev/null or a descriptor"
else
	bad "the script may write: $writes"
fi

t_finish
