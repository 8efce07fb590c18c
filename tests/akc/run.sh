#!/bin/bash
# run.sh - AuthorizedKeysCommand against this machine's real sshd: one sshd
# on 127.0.0.1:2550 gives each account (kx1..kx7) its own command in a
# Match block (a script printing the key, one that checks whom it runs as
# and the key's fingerprint, one that fails, one sshd refuses for its
# ownership, one whose AuthorizedKeysCommandUser does not exist, one that
# hangs, one printing the key behind an unknown option). For each, the
# real ssh login is the oracle; keyaudit scan and diagnose --local must
# agree with it with --run-keys-command, and without it must never claim
# a login fails that works. Root only, under a minute.
#   bash tests/akc/run.sh
# Ends "akc: N passed, N failed".
cd "$(dirname "$0")/../.." || exit 3
SUITE=akc
. tests/lib.sh
t_need_root
t_setup
B=$T_BASE
KA=${KEYAUDIT:-./keyaudit}
PORT=2550

t_user kxcmd /usr/sbin/nologin || exit 3
for u in kx1 kx2 kx3 kx4 kx5 kx6 kx7; do
	t_user "$u" || exit 3
	ssh-keygen -q -t ed25519 -N '' -C "$u" -f "$B/$u" </dev/null || exit 3
done
# the keys the commands print: readable by kxcmd, in root's directories
install -d -m 0755 "$B/keys" "$B/bin"
for u in kx1 kx2 kx3 kx4 kx5 kx6 kx7; do
	install -m 0644 "$B/$u.pub" "$B/keys/$u.pub"
done

# kx1: prints the user's key (sshd passes %u)
cat > "$B/bin/akc-print" <<EOF
#!/bin/sh
cat "$B/keys/\$1.pub"
EOF
# kx2: the key only when run as kxcmd, with sshd's environment and the
# key's own fingerprint as %f
cat > "$B/bin/akc-whoami" <<EOF
#!/bin/sh
[ "\$(id -un)" = kxcmd ] || exit 0
[ "\$HOME" = "\$(getent passwd kxcmd | cut -d: -f6)" ] || exit 0
[ "\$USER" = kxcmd ] && [ "\$LOGNAME" = kxcmd ] || exit 0
[ -z "\${SSH_CONNECTION-}" ] && [ -z "\${KA_LEAK-}" ] || exit 0
[ "\$(id -G | tr ' ' '\n' | grep -c .)" = "\$(id -G kxcmd | tr ' ' '\n' | grep -c .)" ] || exit 0
fp=\$(ssh-keygen -lf "$B/keys/\$1.pub" | cut -d' ' -f2)
[ "\$fp" = "\$2" ] || exit 0
cat "$B/keys/\$1.pub"
EOF
# kx3: prints the key, then fails: sshd ignores the output
cat > "$B/bin/akc-fail" <<EOF
#!/bin/sh
cat "$B/keys/\$1.pub"
exit 1
EOF
# kx7: the key behind an option sshd does not know: the line is dead
cat > "$B/bin/akc-badopt" <<EOF
#!/bin/sh
printf 'no-such-option '
cat "$B/keys/\$1.pub"
EOF
# kx6: never ends (keyaudit's 10 s; sshd would wait LoginGraceTime)
cat > "$B/bin/akc-hang" <<EOF
#!/bin/sh
cat "$B/keys/\$1.pub"
exec sleep 60
EOF
chmod 0755 "$B/bin"/*
# kx4: a copy of akc-print in a directory kxcmd owns: sshd refuses it
install -d -m 0755 -o kxcmd "$B/kxbin"
install -m 0755 "$B/bin/akc-print" "$B/kxbin/akc-print"

if ! t_sshd akc 127.0.0.1 $PORT \
    "AuthorizedKeysFile .ssh/authorized_keys" \
    "Match User kx1" \
    "	AuthorizedKeysCommand $B/bin/akc-print %u" \
    "	AuthorizedKeysCommandUser kxcmd" \
    "Match User kx2" \
    "	AuthorizedKeysCommand $B/bin/akc-whoami %u %f" \
    "	AuthorizedKeysCommandUser kxcmd" \
    "Match User kx3" \
    "	AuthorizedKeysCommand $B/bin/akc-fail %u" \
    "	AuthorizedKeysCommandUser kxcmd" \
    "Match User kx4" \
    "	AuthorizedKeysCommand $B/kxbin/akc-print %u" \
    "	AuthorizedKeysCommandUser kxcmd" \
    "Match User kx5" \
    "	AuthorizedKeysCommand $B/bin/akc-print %u" \
    "	AuthorizedKeysCommandUser kxnobody" \
    "Match User kx6" \
    "	AuthorizedKeysCommand $B/bin/akc-hang %u" \
    "	AuthorizedKeysCommandUser kxcmd" \
    "Match User kx7" \
    "	AuthorizedKeysCommand $B/bin/akc-badopt %u" \
    "	AuthorizedKeysCommandUser kxcmd"; then
	t_nok "sshd starts" "$T_SSHD_WHY"
	t_finish
fi
CFG=$B/akc/sshd_config

# login USER: the real ssh, 0 when the key logs in
login() {
	cp "$B/$1" "$B/$1.k" && chmod 600 "$B/$1.k"
	timeout 20 ssh -n -i "$B/$1.k" -p $PORT -o BatchMode=yes -o IdentitiesOnly=yes \
	    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
	    -o ConnectTimeout=5 -o LogLevel=ERROR "$1@127.0.0.1" true </dev/null >/dev/null 2>&1
}

# scan USER [--run-keys-command]: JSON of keyaudit's scan of this machine
scan() {
	local u=$1
	shift
	KA_LEAK=1 SSH_CONNECTION="x" "$KA" scan --sshd-config "$CFG" --user "$u" \
	    --from 127.0.0.1 --format json "$@" 2>"$B/err"
}

# diag USER [--run-keys-command]: the verdict of diagnose --local
diag() {
	local u=$1
	shift
	KA_LEAK=1 "$KA" diagnose --local --sshd-config "$CFG" --user "$u" \
	    --pubkey "$B/$u.pub" --from 127.0.0.1 --format json "$@" 2>"$B/err" |
	    jq -r .verdict
}

blocking() { jq -r '[.hosts[0].findings[] | select(.blocks_login) | .check] | sort | join(",")'; }
has() { jq -e --arg c "$2" --arg u "$1" '.hosts[0].findings[] | select(.check == $c and .user == $u)' >/dev/null; }

# case USER OK(0|1) NOFLAG-BLOCKING FLAG-BLOCKING FLAG-FINDING
#   OK: does the real ssh log in; *-BLOCKING: the blocking checks keyaudit's
#   scan must report ("" none) without and with --run-keys-command
case_() {
	local u=$1 ok=$2 want0=$3 want1=$4 fnd=$5 j0 j1 got0 got1 v0 v1 want_v
	if [ "$ok" = 1 ]; then
		login "$u" && t_ok "$u: ssh logs in" || t_nok "$u: ssh logs in" "$(tail -n 5 "$B/akc/log")"
		want_v=ok
	else
		login "$u" && t_nok "$u: ssh is refused" || t_ok "$u: ssh is refused"
		want_v=refused
	fi
	j0=$(scan "$u")
	got0=$(echo "$j0" | blocking)
	[ "$got0" = "$want0" ] && t_ok "$u: scan blocks with [$want0]" ||
	    t_nok "$u: scan blocks with [$want0]" "got [$got0]$(echo "$j0" | jq -r '.hosts[0].findings[] | "\n\(.check): \(.message)"')"
	j1=$(scan "$u" --run-keys-command)
	got1=$(echo "$j1" | blocking)
	[ "$got1" = "$want1" ] && t_ok "$u: scan --run-keys-command blocks with [$want1]" ||
	    t_nok "$u: scan --run-keys-command blocks with [$want1]" "got [$got1]$(echo "$j1" | jq -r '.hosts[0].findings[] | "\n\(.check): \(.message)"')"
	echo "$j1" | has "$u" "$fnd" && t_ok "$u: scan --run-keys-command reports $fnd" ||
	    t_nok "$u: scan --run-keys-command reports $fnd" "$(echo "$j1" | jq -r '.hosts[0].findings[] | "\(.check): \(.message)"')"
	# diagnose: with the flag it agrees with ssh; without, it never says
	# refused where ssh logs in
	v1=$(diag "$u" --run-keys-command)
	[ "$v1" = "$want_v" ] && t_ok "$u: diagnose --run-keys-command says $want_v" ||
	    t_nok "$u: diagnose --run-keys-command says $want_v" "got $v1 $(cat "$B/err")"
	v0=$(diag "$u")
	if [ "$ok" = 1 ]; then
		[ "$v0" != refused ] && t_ok "$u: diagnose without the flag does not say refused" ||
		    t_nok "$u: diagnose without the flag does not say refused" "got $v0"
	else
		t_ok "$u: diagnose without the flag says $v0 (ssh: refused)"
	fi
}

start=$(date +%s)
case_ kx1 1 "" "" sshd.keys-command
# %f: a scan has no key, so even with the flag the command is not run
case_ kx2 1 "" "" sshd.keys-command
case_ kx3 0 "" "akeys.missing,sshd.keys-command-failed" sshd.keys-command-failed
case_ kx4 0 "akeys.missing,sshd.keys-command-failed" "akeys.missing,sshd.keys-command-failed" sshd.keys-command-failed
case_ kx5 0 "akeys.missing,sshd.keys-command-failed" "akeys.missing,sshd.keys-command-failed" sshd.keys-command-failed
# its output is judged like a file: the dead line is akeys.bad-options
case_ kx7 0 "" "akeys.bad-options,akeys.no-usable-key" akeys.bad-options

# over a real connection with the server's view from this machine: the
# key ssh offered stands for %f
cp "$B/kx2" "$B/kx2.k" && chmod 600 "$B/kx2.k"
v=$("$KA" diagnose "kx2@127.0.0.1" -p $PORT -i "$B/kx2.k" --accept-unknown --local \
    --sshd-config "$CFG" --run-keys-command --format json 2>"$B/err" | jq -r .verdict)
[ "$v" = ok ] && t_ok "kx2: diagnose over ssh --local --run-keys-command says ok" ||
    t_nok "kx2: diagnose over ssh --local --run-keys-command says ok" "got $v $(cat "$B/err")"

# kx6: the command never ends; keyaudit gives up after 10 s and kills its
# whole process group (no sleep left behind)
t0=$(date +%s)
j=$(scan kx6 --run-keys-command)
t1=$(date +%s)
echo "$j" | jq -r '.hosts[0].findings[] | select(.check == "sshd.keys-command-failed") | .message' |
    grep -q "did not finish within 10 seconds" && t_ok "kx6: a hanging command is stopped at 10 s ($((t1 - t0)) s)" ||
    t_nok "kx6: a hanging command is stopped at 10 s" "$(echo "$j" | jq -r '.hosts[0].findings[] | "\(.check): \(.message)"')"
pgrep -u kxcmd sleep >/dev/null && t_nok "kx6: its process group is gone" "$(pgrep -a -u kxcmd)" ||
    t_ok "kx6: its process group is gone"

# the command never runs under --root or from a snapshot
"$KA" scan --root / --run-keys-command --user kx1 >/dev/null 2>&1
[ $? = 2 ] && t_ok "--root with --run-keys-command is a usage error" || t_nok "--root with --run-keys-command is a usage error"
"$KA" collect -o "$B/snap.json" --sshd-config "$CFG" --user kx1 >/dev/null 2>&1
j=$("$KA" scan --snapshot "$B/snap.json" --format json 2>/dev/null)
[ "$(echo "$j" | blocking)" = "" ] && echo "$j" | has kx1 sshd.keys-command &&
    t_ok "a snapshot of kx1: keys-command, nothing blocking" || t_nok "a snapshot of kx1: keys-command, nothing blocking" "$j"
# SELinux, collected by both transports. This machine has no SELinux: a
# private mount namespace gets a selinuxfs stand-in (a tmpfs on /sys/fs with
# selinux/enforce), and kx8's files get security.selinux attributes (root may
# set them on ext4 without an LSM). What is tested is the collection (the
# local transport's lgetxattr, the collector's stat -c %C) and the rule on
# what was collected; the verdict itself is the modelled policy's, no real
# enforcing sshd confirms it here.
TB=${KA_TEST_COLLECT:-build/tests/test_collect_stream}
label() { python3 -c 'import os, sys; os.setxattr(sys.argv[1], "security.selinux", sys.argv[2].encode() + b"\0", follow_symlinks=False)' "$@"; }
if ! command -v unshare >/dev/null || ! command -v python3 >/dev/null || [ ! -x "$TB" ]; then
	t_skip "selinux" "needs unshare, python3 and $TB"
elif ! t_user kx8 || ! t_keyfile kx8 "$B/kx1.pub" ||
    ! label /home/kx8 unconfined_u:object_r:user_home_dir_t:s0 2>"$B/err" ||
    ! label /home/kx8/.ssh unconfined_u:object_r:ssh_home_t:s0 ||
    ! label /home/kx8/.ssh/authorized_keys unconfined_u:object_r:user_tmp_t:s0; then
	t_skip "selinux" "cannot label files here: $(cat "$B/err")"
else
	for mode in 1 0; do
		unshare -m sh -c 'mount -t tmpfs kx-selinux /sys/fs && mkdir /sys/fs/selinux &&
		    echo "$1" > /sys/fs/selinux/enforce &&
		    "$2" --local-snapshot kx8 > "$3/l$1.json" && "$2" --exec-snapshot kx8 > "$3/e$1.json"' \
		    sh "$mode" "$TB" "$B" 2>"$B/err" || t_nok "selinux: collect in a namespace" "$(cat "$B/err")"
		for tr in l e; do
			n=local; [ $tr = e ] && n=collector
			j=$("$KA" scan --snapshot "$B/$tr$mode.json" --checks perm.selinux-label --format json 2>&1)
			if [ $mode = 1 ]; then
				jq -e '.selinux == "enforcing"' "$B/$tr$mode.json" >/dev/null &&
				    [ "$(jq -r '.files[] | select(.path == "/home/kx8/.ssh/authorized_keys") | .selinux' "$B/$tr$mode.json")" = unconfined_u:object_r:user_tmp_t:s0 ] &&
				    t_ok "selinux ($n): enforcing and the key file's label collected" ||
				    t_nok "selinux ($n): enforcing and the key file's label collected" "$(jq -c '{selinux, f: [.files[] | select(.path | startswith("/home/kx8")) | {path, selinux}]}' "$B/$tr$mode.json")"
				echo "$j" | jq -e '.hosts[0].findings[] | select(.check == "perm.selinux-label" and .user == "kx8" and .path == "/home/kx8/.ssh/authorized_keys" and .blocks_login and (.fix | test("restorecon -Rv /home/kx8/.ssh/authorized_keys")))' >/dev/null &&
				    t_ok "selinux ($n): user_tmp_t key file is perm.selinux-label, fix restorecon -Rv" ||
				    t_nok "selinux ($n): user_tmp_t key file is perm.selinux-label, fix restorecon -Rv" "$j"
			else
				jq -e '.selinux == "permissive"' "$B/$tr$mode.json" >/dev/null &&
				    [ "$(echo "$j" | jq '[.hosts[0].findings[] | select(.check == "perm.selinux-label")] | length')" = 0 ] &&
				    t_ok "selinux ($n): permissive, nothing to say" || t_nok "selinux ($n): permissive, nothing to say" "$j"
			fi
		done
	done
fi
echo "# $(($(date +%s) - start)) s"
t_finish
