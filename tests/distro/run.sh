#!/bin/bash
# run.sh - the distribution layers around sshd_config (docs/distributions.md),
# each against a root scanned with `keyaudit scan --root DIR`, and against
# this machine's real sshd wherever it can decide:
#
#   - systemd socket activation: a copy of the stock Debian bookworm root
#     (tests/debroot.sh) with ssh.socket enabled, drop-ins in /etc and in
#     /run/systemd/generator, a reset (ListenStream=), a masked socket:
#     sshd.socket-overrides exactly when ssh.socket listens elsewhere than
#     sshd_config's Port/ListenAddress say;
#   - vendor drop-ins: 50-cloud-init.conf turning passwords back on in the
#     same copy (sshd.dropin-overrides naming both lines, sshd.password-auth
#     naming the drop-in); then the same layout under this machine's sshd
#     on 127.0.0.1:2530: sshd -T and the methods the running sshd offers
#     agree, scanned locally and over ssh (collector.sh);
#   - RHEL 8 (crypto policy on sshd's command line through sshd.service,
#     /etc/sysconfig/sshd and CRYPTO_POLICY) and RHEL 9 (the back-end
#     Included by 50-redhat.conf): trees written here from what RHEL ships
#     (no RHEL machine here: the file texts are this suite's, from
#     knowledge of the packages); a key type the FIPS policy forbids is
#     sshd.key-algorithm from the back-end file; sshd -T -o decides the
#     -o precedence;
#   - openSUSE: /usr/etc/ssh/sshd_config when /etc/ssh/sshd_config is
#     missing, with /etc/ssh/sshd_config.d read before the vendor's;
#   - collector.sh run by the Debian copy's own /bin/sh in a chroot
#     collects the same units, drop-ins, links and main file as the local
#     transport under --root (socket layout and the /usr/etc fallback);
#   - StrictModes: Red Hat's sshd refuses a group-writable home that
#     Debian's and Ubuntu's user-group-modes patch accepts.
#
#   tests/distro/run.sh        ends "distro: N passed, N failed"
# Accounts kd1 (on this machine) and kd2-kd6 (inside the trees only);
# port 127.0.0.1:2530.
set -u
cd "$(dirname "$0")/../.." || exit 3
SUITE=distro
. tests/lib.sh
. tests/debroot.sh
KA=${KEYAUDIT:-$PWD/keyaudit}
SSHD=/usr/sbin/sshd
t_need_root
t_setup

T0=$(date +%s)
W=$T_BASE/w
mkdir -p "$W"
ssh-keygen -q -t ed25519 -N '' -C kd@distro -f "$T_BASE/ed" </dev/null
ssh-keygen -q -t ecdsa -N '' -C kd@distro -f "$T_BASE/ec" </dev/null

# has FILE.json CHECK [PATH [LINE]]: a finding of CHECK (at PATH:LINE)
has() {
	jq -e --arg c "$2" --arg p "${3:-}" --arg l "${4:-}" '[.hosts[].findings[] |
	    select(.check == $c and ($p == "" or .path == $p) and
	    ($l == "" or (.line|tostring) == $l))] | length > 0' "$1" >/dev/null
}
# hasnt FILE.json CHECK [PATH [LINE]]: no such finding
hasnt() { ! has "$@"; }
# msg FILE.json CHECK: the messages of CHECK's findings
msg() { jq -r --arg c "$2" '.hosts[].findings[] | select(.check == $c) | .message' "$1"; }
fix() { jq -r --arg c "$2" '.hosts[].findings[] | select(.check == $c) | .fix' "$1"; }
scan_root() { "$KA" scan --root "$1" "${@:2}" --format json > "$W/out.json" 2> "$W/err"; }

# units FILE.json: the unit files, environment files and unit globs of a
# snapshot, one line each
units() {
	jq -r '(.files[] | select(.path | test("systemd|^/etc/default/ssh|sysconfig|crypto-policies|^/usr/etc/ssh|^/etc/ssh/sshd_config$")) |
	    "\(.path) \(.type) \(.content != null)"), (.globs[] | select(.pattern | test("systemd")) |
	    "glob \(.pattern) \(.matches | join(","))"), "config \(.sshd_config_path)"' "$1" | sort
}
# chroot_collect ROOT USER: collector.sh run by the root's own /bin/sh
# inside it, its stream made a snapshot (test_collect_stream --parse-stream)
TB=${TB:-$PWD/build/tests/test_collect_stream}
chroot_collect() {
	"$TB" --script > "$1/tmp/kd-collector.sh"
	printf 'keyaudit-collect 1\nconfig /etc/ssh/sshd_config\nuser %s\nsshdt 0\nend\n' "$2" |
	    chroot "$1" /bin/sh /tmp/kd-collector.sh | "$TB" --parse-stream
	rm -f "$1/tmp/kd-collector.sh"
}

# ------------------------------------------------------------ Debian root
R=$(debroot_get bookworm 2>/dev/null)
if [ -z "$R" ] || [ ! -d "$R" ]; then
	t_skip "socket activation and drop-ins on a Debian root" "no bookworm root"
else
	C=$T_BASE/bookworm
	debroot_copy "$R" "$C"
	t_cleanup_add file "$C"
	U=$DEBROOT_USER
	WANTS=$C/etc/systemd/system/sockets.target.wants
	# stock: ssh.service, socket disabled, Port unset
	scan_root "$C" --user "$U"
	t_check "stock bookworm: no sshd.socket-overrides" hasnt "$W/out.json" sshd.socket-overrides
	echo "Port 2222" >> "$C/etc/ssh/sshd_config"
	PL=$(grep -c '' "$C/etc/ssh/sshd_config")
	scan_root "$C" --user "$U"
	t_check "Port 2222, ssh.socket not enabled: no finding" hasnt "$W/out.json" sshd.socket-overrides
	mkdir -p "$WANTS"
	ln -s /lib/systemd/system/ssh.socket "$WANTS/ssh.socket"
	scan_root "$C" --user "$U"
	if has "$W/out.json" sshd.socket-overrides /etc/ssh/sshd_config "$PL" &&
	    msg "$W/out.json" sshd.socket-overrides | grep -q "ListenStream=22 (/usr/lib/systemd/system/ssh.socket:7)"; then
		t_ok "ssh.socket enabled, ListenStream=22: Port 2222 at sshd_config:$PL has no effect"
	else
		t_nok "ssh.socket enabled: sshd.socket-overrides at sshd_config:$PL" "$(cat "$W/out.json" "$W/err")"
	fi
	fix "$W/out.json" sshd.socket-overrides | grep -q "ssh.socket.d/listen.conf.*'ListenStream=2222'" &&
	    t_ok "the fix names a drop-in with ListenStream=2222" ||
	    t_nok "the fix names a drop-in" "$(fix "$W/out.json" sshd.socket-overrides)"
	# a drop-in without the reset adds 2222 to 22: still not what sshd_config says
	mkdir -p "$C/etc/systemd/system/ssh.socket.d"
	printf '[Socket]\nListenStream=2222\n' > "$C/etc/systemd/system/ssh.socket.d/listen.conf"
	scan_root "$C" --user "$U"
	t_check "drop-in ListenStream=2222 without the reset: 22 and 2222, reported" \
	    has "$W/out.json" sshd.socket-overrides
	printf '[Socket]\nListenStream=\nListenStream=2222\n' > "$C/etc/systemd/system/ssh.socket.d/listen.conf"
	scan_root "$C" --user "$U"
	t_check "drop-in 'ListenStream=' then 2222: agrees, nothing reported" \
	    hasnt "$W/out.json" sshd.socket-overrides
	# a later drop-in (by name, whatever its directory) comes after
	mkdir -p "$C/run/systemd/generator/ssh.socket.d"
	printf '# Automatically generated by sshd-socket-generator\n[Socket]\nListenStream=\nListenStream=127.0.0.1:22\n' \
	    > "$C/run/systemd/generator/ssh.socket.d/zz-addresses.conf"
	scan_root "$C" --user "$U"
	if has "$W/out.json" sshd.socket-overrides &&
	    fix "$W/out.json" sshd.socket-overrides | grep -q "daemon-reload"; then
		t_ok "a generator drop-in sorted last wins (127.0.0.1:22), the fix reloads the generator"
	else
		t_nok "generator drop-in order" "$(cat "$W/out.json")"
	fi
	# the same name in /etc hides the generator's
	cp "$C/etc/systemd/system/ssh.socket.d/listen.conf" "$C/etc/systemd/system/ssh.socket.d/zz-addresses.conf"
	scan_root "$C" --user "$U"
	t_check "/etc's zz-addresses.conf hides /run/systemd/generator's" hasnt "$W/out.json" sshd.socket-overrides
	# collector.sh run inside the copy (chroot, its own /bin/sh) collects
	# what the local transport collects under --root
	if [ -x "$TB" ]; then
		chroot_collect "$C" "$U" > "$W/chroot.json" 2> "$W/err"
		"$KA" collect --root "$C" --user "$U" -o "$W/root.json" 2>>"$W/err"
		if [ -n "$(units "$W/root.json")" ] &&
		    diff <(units "$W/root.json") <(units "$W/chroot.json") > "$W/diff"; then
			t_ok "collector.sh in the root and the local transport under --root collect the same units"
		else
			t_nok "collector.sh in the root: units" "$(cat "$W/diff" "$W/err")"
		fi
	else
		t_skip "collector.sh in the root" "no $TB"
	fi
	rm -rf "$C/etc/systemd/system/ssh.socket.d" "$C/run/systemd/generator"
	# masked: systemd does not load it, sshd listens itself
	ln -s /dev/null "$C/etc/systemd/system/ssh.socket"
	scan_root "$C" --user "$U"
	t_check "masked ssh.socket: nothing reported" hasnt "$W/out.json" sshd.socket-overrides
	rm -f "$C/etc/systemd/system/ssh.socket" "$WANTS/ssh.socket"
	sed -i '$d' "$C/etc/ssh/sshd_config"

	# vendor drop-in: cloud-init's password line read before sshd_config's
	echo "PasswordAuthentication no" >> "$C/etc/ssh/sshd_config"
	ML=$(grep -c '' "$C/etc/ssh/sshd_config")
	scan_root "$C" --user "$U"
	t_check "PasswordAuthentication no in sshd_config: no sshd.password-auth" \
	    hasnt "$W/out.json" sshd.password-auth
	echo "PasswordAuthentication yes" > "$C/etc/ssh/sshd_config.d/50-cloud-init.conf"
	scan_root "$C" --user "$U"
	D=/etc/ssh/sshd_config.d/50-cloud-init.conf
	if has "$W/out.json" sshd.dropin-overrides /etc/ssh/sshd_config "$ML" &&
	    msg "$W/out.json" sshd.dropin-overrides | grep -qF "$D:1"; then
		t_ok "50-cloud-init.conf: sshd.dropin-overrides at sshd_config:$ML names $D:1"
	else
		t_nok "sshd.dropin-overrides" "$(cat "$W/out.json")"
	fi
	if has "$W/out.json" sshd.password-auth "$D" 1 &&
	    jq -e --arg d "$D" '[.hosts[].findings[] | select(.check == "sshd.password-auth") |
	    .remedy[]? | select(.edit.file == $d and .edit.line == 1)] | length > 0' "$W/out.json" >/dev/null; then
		t_ok "sshd.password-auth points at the drop-in, its fix edits the drop-in's line"
	else
		t_nok "sshd.password-auth origin and fix" "$(jq '.hosts[].findings[] | select(.check == "sshd.password-auth")' "$W/out.json")"
	fi
	# the same value twice is no override; a Match block is not the main file's global line
	echo "PasswordAuthentication no" > "$C/etc/ssh/sshd_config.d/50-cloud-init.conf"
	scan_root "$C" --user "$U"
	t_check "same value in the drop-in: no sshd.dropin-overrides" hasnt "$W/out.json" sshd.dropin-overrides
	# openSUSE's layout in the copy: collector.sh falls back to /usr/etc too
	if [ -x "$TB" ]; then
		mkdir -p "$C/usr/etc/ssh"
		mv "$C/etc/ssh/sshd_config" "$C/usr/etc/ssh/sshd_config"
		chroot_collect "$C" "$U" > "$W/chroot.json" 2> "$W/err"
		"$KA" collect --root "$C" --user "$U" -o "$W/root.json" 2>>"$W/err"
		if [ "$(jq -r .sshd_config_path "$W/chroot.json")" = /usr/etc/ssh/sshd_config ] &&
		    diff <(units "$W/root.json") <(units "$W/chroot.json") > "$W/diff"; then
			t_ok "no /etc/ssh/sshd_config: collector.sh and --root both read /usr/etc/ssh/sshd_config"
		else
			t_nok "collector.sh vendor config" "$(cat "$W/diff" "$W/err"; jq .sshd_config_path "$W/chroot.json")"
		fi
		mv "$C/usr/etc/ssh/sshd_config" "$C/etc/ssh/sshd_config"
	fi
fi

# ------------------------------------------- this machine's sshd decides
# A config directory of our own, laid out as Debian's: the Include first.
t_user kd1 /bin/sh
t_keyfile kd1 "$T_BASE/ec.pub"
M=$T_BASE/mine
mkdir -p "$M/sshd_config.d"
echo "PasswordAuthentication yes" > "$M/sshd_config.d/50-cloud-init.conf"
if t_sshd real 127.0.0.1 2530 "Include $M/sshd_config.d/*.conf" "PasswordAuthentication no" \
    "KbdInteractiveAuthentication no" "UsePAM no" "AllowUsers kd1"; then
	CFG=$T_BASE/real/sshd_config
	real=$("$SSHD" -T -f "$CFG" -C user=kd1 | grep -i '^passwordauthentication ')
	mine=$("$KA" sshd-config -f "$CFG" -C user=kd1 | grep -i '^passwordauthentication ')
	t_check "sshd -T and keyaudit sshd-config agree: the drop-in wins ($real)" \
	    test "$real" = "passwordauthentication yes" -a "$mine" = "$real"
	# what the running sshd offers: password among the methods
	cp "$T_BASE/ec" "$W/id" && chmod 600 "$W/id"
	offered=$(ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no \
	    -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o PreferredAuthentications=none \
	    -p 2530 kd1@127.0.0.1 true 2>&1 | grep -o 'Permission denied ([^)]*)')
	case $offered in
	*password*) t_ok "the running sshd offers passwords: $offered" ;;
	*) t_nok "the running sshd offers passwords" "$offered" ;;
	esac
	# the key still logs in (the drop-in changes nothing for keys)
	t_check "kd1 logs in with its key" ssh -F /dev/null -o BatchMode=yes \
	    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
	    -o IdentitiesOnly=yes -i "$W/id" -p 2530 kd1@127.0.0.1 true
	"$KA" scan --sshd-config "$CFG" --user kd1 --format json > "$W/local.json" 2> "$W/err"
	has "$W/local.json" sshd.dropin-overrides "$CFG" 2 &&
	    has "$W/local.json" sshd.password-auth "$M/sshd_config.d/50-cloud-init.conf" 1 &&
	    t_ok "local scan: sshd.dropin-overrides at $CFG:2, password-auth from the drop-in" ||
	    t_nok "local scan of the real layout" "$(cat "$W/local.json" "$W/err")"
	# the same over ssh: collector.sh reads the drop-in and the units
	t_known_hosts real 127.0.0.1 2530 > "$W/kh"
	"$KA" scan kd1@127.0.0.1:2530 -i "$W/id" --known-hosts "$W/kh" --sshd-config "$CFG" \
	    --format json > "$W/ssh.json" 2> "$W/err"
	has "$W/ssh.json" sshd.dropin-overrides "$CFG" 2 &&
	    has "$W/ssh.json" sshd.password-auth "$M/sshd_config.d/50-cloud-init.conf" 1 &&
	    t_ok "ssh scan (collector.sh): the same two findings" ||
	    t_nok "ssh scan of the real layout" "$(cat "$W/ssh.json" "$W/err")"
	"$KA" collect kd1@127.0.0.1:2530 -i "$W/id" --known-hosts "$W/kh" -o "$W/ssh-snap.json" 2>"$W/err"
	"$KA" collect -o "$W/local-snap.json" 2>>"$W/err"
	if [ -n "$(units "$W/local-snap.json")" ] &&
	    diff <(units "$W/local-snap.json") <(units "$W/ssh-snap.json") > "$W/diff"; then
		t_ok "collector.sh and the local transport collect the same unit files ($(units "$W/local-snap.json" | wc -l) entries)"
	else
		t_nok "unit files collected alike" "$(cat "$W/diff" "$W/err")"
	fi
	t_sshd_stop real
else
	t_skip "this machine's sshd on 127.0.0.1:2530" "$T_SSHD_WHY"
fi

# sshd.dropin-overrides exactly where the real sshd says the main line has
# no effect: its values (sshd -T of the main file alone) are not all among
# the values sshd -T gives with the drop-in read first
P=$T_BASE/pairs
mkdir -p "$P/d"
agree=0 total=0 wrong=
while IFS='|' read -r kw main drop; do
	[ -n "$kw" ] || continue
	total=$((total + 1))
	printf '%s %s\n' "$kw" "$main" > "$P/alone"
	printf 'Include %s/d/*.conf\n%s %s\n' "$P" "$kw" "$main" > "$P/both"
	printf '%s %s\n' "$kw" "$drop" > "$P/d/50-vendor.conf"
	lkw=$(echo "$kw" | tr 'A-Z' 'a-z')
	[ "$lkw" = pubkeyacceptedkeytypes ] && lkw=pubkeyacceptedalgorithms
	[ "$lkw" = port ] && lkw=listenaddress
	"$SSHD" -T -f "$P/alone" -h /etc/ssh/ssh_host_ed25519_key 2>/dev/null | grep -i "^$lkw " > "$P/m"
	"$SSHD" -T -f "$P/both" -h /etc/ssh/ssh_host_ed25519_key 2>/dev/null | grep -i "^$lkw " > "$P/b"
	if [ -s "$P/m" ] && grep -vxFf "$P/b" "$P/m" >/dev/null; then want=1; else want=0; fi
	"$KA" scan --sshd-config "$P/both" --user root --checks sshd.dropin-overrides \
	    --format json > "$W/pair.json" 2>/dev/null
	if has "$W/pair.json" sshd.dropin-overrides; then got=1; else got=0; fi
	if [ "$want" = "$got" ]; then agree=$((agree + 1)); else wrong="$wrong $kw($main|$drop: sshd $want keyaudit $got)"; fi
done <<'PAIRS'
PasswordAuthentication|no|yes
PasswordAuthentication|yes|yes
X11Forwarding|YES|yes
LoginGraceTime|2m|120
LoginGraceTime|2m|3m
PermitRootLogin|without-password|prohibit-password
PermitRootLogin|no|yes
AcceptEnv|LANG|LC_*
AuthorizedKeysFile|.ssh/a .ssh/b|.ssh/a
AuthorizedKeysFile|.ssh/a|.ssh/a
MaxAuthTries|3|6
PubkeyAcceptedKeyTypes|ssh-ed25519|ssh-ed25519,rsa-sha2-256
Port|2222|22
ClientAliveInterval|1h|3600
PAIRS
t_check "sshd.dropin-overrides where sshd -T says the main line has no effect ($agree of $total)${wrong:+:$wrong}" \
    test "$agree" = "$total"

# ------------------------------------------------------------- RHEL trees
# passwd/group/shadow with root and one account (uid 1002..), its home and key
mk_base() {
	local r=$1 user=$2 uid=$3 key=$4
	mkdir -p "$r/etc/ssh/sshd_config.d" "$r/home" "$r/root" "$r/usr/lib/systemd/system" \
	    "$r/usr/sbin" "$r/usr/bin" "$r/bin"
	printf 'root:x:0:0:root:/root:/bin/bash\n%s:x:%s:%s::/home/%s:/bin/bash\n' \
	    "$user" "$uid" "$uid" "$user" > "$r/etc/passwd"
	printf 'root:x:0:\n%s:x:%s:\n' "$user" "$uid" > "$r/etc/group"
	printf 'root:*:19000:0:99999:7:::\n%s:!!:19000:0:99999:7:::\n' "$user" > "$r/etc/shadow"
	chmod 600 "$r/etc/shadow"
	: > "$r/bin/bash"
	chmod 755 "$r/bin/bash"
	install -d -m 0700 -o "$uid" -g "$uid" "$r/home/$user" "$r/home/$user/.ssh"
	install -m 0600 -o "$uid" -g "$uid" "$key" "$r/home/$user/.ssh/authorized_keys"
}
rhel_sshd_config8() {
	cat <<'EOF'
#	$OpenBSD: sshd_config,v 1.103 2018/04/09 20:41:22 tj Exp $

# This is the sshd server system-wide configuration file.  See
# sshd_config(5) for more information.

HostKey /etc/ssh/ssh_host_rsa_key
HostKey /etc/ssh/ssh_host_ecdsa_key
HostKey /etc/ssh/ssh_host_ed25519_key

# This system is following system-wide crypto policy. The changes to
# crypto properties (Ciphers, MACs, ...) will not have any effect here.
# They will be overridden by command-line options passed to the server
# on command line.
# Please, check manual pages for update-crypto-policies(8) and sshd_config(5).

SyslogFacility AUTHPRIV
PermitRootLogin yes
AuthorizedKeysFile	.ssh/authorized_keys
PasswordAuthentication yes
ChallengeResponseAuthentication no
GSSAPIAuthentication yes
GSSAPICleanupCredentials no
UsePAM yes
X11Forwarding yes
PrintMotd no
AcceptEnv LANG LC_CTYPE LC_NUMERIC LC_TIME LC_COLLATE LC_MONETARY LC_MESSAGES
AcceptEnv LC_PAPER LC_NAME LC_ADDRESS LC_TELEPHONE LC_MEASUREMENT
AcceptEnv LC_IDENTIFICATION LC_ALL LANGUAGE
AcceptEnv XMODIFIERS
Subsystem	sftp	/usr/libexec/openssh/sftp-server
EOF
}
FIPS_PUBKEY=ecdsa-sha2-nistp256,ecdsa-sha2-nistp256-cert-v01@openssh.com,ecdsa-sha2-nistp384,ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521,ecdsa-sha2-nistp521-cert-v01@openssh.com,rsa-sha2-256,rsa-sha2-256-cert-v01@openssh.com,rsa-sha2-512,rsa-sha2-512-cert-v01@openssh.com
FIPS_CIPHERS=aes256-gcm@openssh.com,aes256-ctr,aes128-gcm@openssh.com,aes128-ctr
FIPS_MACS=hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha2-256,hmac-sha2-512
FIPS_KEX=ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group14-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512
FIPS_CASIG=ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-256,rsa-sha2-512

R8=$T_BASE/rhel8
mk_base "$R8" kd2 1002 "$T_BASE/ed.pub"
rhel_sshd_config8 > "$R8/etc/ssh/sshd_config"
printf 'NAME="Red Hat Enterprise Linux"\nVERSION="8.10 (Ootpa)"\nID="rhel"\nID_LIKE="fedora"\nVERSION_ID="8.10"\nPLATFORM_ID="platform:el8"\n' \
    > "$R8/etc/os-release"
cat > "$R8/usr/lib/systemd/system/sshd.service" <<'EOF'
[Unit]
Description=OpenSSH server daemon
Documentation=man:sshd(8) man:sshd_config(5)
After=network.target sshd-keygen.target
Wants=sshd-keygen.target

[Service]
Type=notify
EnvironmentFile=-/etc/crypto-policies/back-ends/opensshserver.config
EnvironmentFile=-/etc/sysconfig/sshd
ExecStart=/usr/sbin/sshd -D $OPTIONS $CRYPTO_POLICY
ExecReload=/bin/kill -HUP $MAINPID
KillMode=process
Restart=on-failure
RestartSec=42s

[Install]
WantedBy=multi-user.target
EOF
mkdir -p "$R8/etc/sysconfig" "$R8/etc/crypto-policies/back-ends" "$R8/usr/share/crypto-policies/FIPS"
cat > "$R8/etc/sysconfig/sshd" <<'EOF'
# Configuration file for the sshd service.

# The server keys are automatically generated if they are missing.
# To change the automatic creation, adjust sshd.service options for
# example using  systemctl enable sshd-keygen@dsa.service  to allow creation
# of DSA key or  systemctl mask sshd-keygen@rsa.service  to disable RSA key
# creation.

# Do not change this option unless you have hardware random
# generator and you REALLY know what you are doing

SSH_USE_STRONG_RNG=0
# SSH_USE_STRONG_RNG=1

# System-wide crypto policy:
# To opt-out, uncomment the following line
# CRYPTO_POLICY=
EOF
printf "CRYPTO_POLICY='-oCiphers=%s -oMACs=%s -oGSSAPIKeyExchange=no -oKexAlgorithms=%s -oHostKeyAlgorithms=%s -oPubkeyAcceptedKeyTypes=%s -oCASignatureAlgorithms=%s'\n" \
    "$FIPS_CIPHERS" "$FIPS_MACS" "$FIPS_KEX" "$FIPS_PUBKEY" "$FIPS_PUBKEY" "$FIPS_CASIG" \
    > "$R8/usr/share/crypto-policies/FIPS/opensshserver.txt"
ln -s /usr/share/crypto-policies/FIPS/opensshserver.txt "$R8/etc/crypto-policies/back-ends/opensshserver.config"
BE=/etc/crypto-policies/back-ends/opensshserver.config

scan_root "$R8" --user kd2
if has "$W/out.json" sshd.key-algorithm &&
    jq -e --arg b "$BE" '[.hosts[].findings[] | select(.check == "sshd.key-algorithm") |
    select((.message | contains($b)) or .path == $b)] | length > 0' "$W/out.json" >/dev/null; then
	t_ok "RHEL 8 FIPS policy on the command line: the ed25519 key is sshd.key-algorithm from $BE"
else
	t_nok "RHEL 8 FIPS: sshd.key-algorithm from the back-end" "$(jq '.hosts[].findings[] | select(.check | test("sshd"))' "$W/out.json"; cat "$W/err")"
fi
fix "$W/out.json" sshd.key-algorithm | grep -q "'-o PubkeyAcceptedKeyTypes=.*update-crypto-policies.*CRYPTO_POLICY=" &&
    t_ok "the fix is the policy (or CRYPTO_POLICY= in /etc/sysconfig/sshd), never an edit of the back-end" ||
    t_nok "RHEL 8 fix" "$(fix "$W/out.json" sshd.key-algorithm)"
# the ecdsa key is allowed
install -m 0600 -o 1002 -g 1002 "$T_BASE/ec.pub" "$R8/home/kd2/.ssh/authorized_keys"
scan_root "$R8" --user kd2
t_check "RHEL 8 FIPS: an ecdsa key is accepted" hasnt "$W/out.json" sshd.key-algorithm
install -m 0600 -o 1002 -g 1002 "$T_BASE/ed.pub" "$R8/home/kd2/.ssh/authorized_keys"
# the opt-out in /etc/sysconfig/sshd: sshd_config alone decides
sed -i 's/^# CRYPTO_POLICY=$/CRYPTO_POLICY=/' "$R8/etc/sysconfig/sshd"
scan_root "$R8" --user kd2
t_check "CRYPTO_POLICY= in /etc/sysconfig/sshd opts out: ed25519 accepted" \
    hasnt "$W/out.json" sshd.key-algorithm
sed -i 's/^CRYPTO_POLICY=$/# CRYPTO_POLICY=/' "$R8/etc/sysconfig/sshd"
# -o wins over the file: the real sshd with the same options, and keyaudit
# sshd-config --root (the daemon's configuration, command line included)
{
	rhel_sshd_config8 | grep -v '^HostKey\|^Subsystem\|^GSSAPI'
	echo "PubkeyAcceptedAlgorithms ssh-ed25519"
	echo "Ciphers chacha20-poly1305@openssh.com"
} > "$R8/etc/ssh/sshd_config.new"
mv "$R8/etc/ssh/sshd_config.new" "$R8/etc/ssh/sshd_config"
opts=$(sed -n "s/^CRYPTO_POLICY='\(.*\)'$/\1/p" "$R8/usr/share/crypto-policies/FIPS/opensshserver.txt")
# shellcheck disable=SC2086
real=$("$SSHD" -T -f "$R8/etc/ssh/sshd_config" -h /etc/ssh/ssh_host_ed25519_key $opts 2>&1 |
    grep -E '^(pubkeyacceptedalgorithms|ciphers|macs|kexalgorithms|casignaturealgorithms|hostkeyalgorithms) ' | sort)
mine=$("$KA" sshd-config --root "$R8" 2>&1 |
    grep -E '^(pubkeyacceptedalgorithms|ciphers|macs|kexalgorithms|casignaturealgorithms|hostkeyalgorithms) ' | sort)
if [ -n "$real" ] && [ "$real" = "$mine" ] && echo "$real" | grep -q "^ciphers $FIPS_CIPHERS$"; then
	t_ok "sshd -T -o ...: the command line wins over sshd_config, keyaudit agrees (6 keywords)"
else
	t_nok "-o precedence against sshd -T" "$(diff <(echo "$real") <(echo "$mine"))"
fi
# a matching Match block still applies over -o (sshd copies its values over)
printf 'Match User bob\n\tPubkeyAcceptedAlgorithms ssh-ed25519\n' > "$W/match.conf"
cat "$R8/etc/ssh/sshd_config" "$W/match.conf" > "$W/r8m.conf"
cp "$R8/etc/ssh/sshd_config" "$W/r8.conf"
cp "$W/r8m.conf" "$R8/etc/ssh/sshd_config"
agree=0
for u in bob al; do
	# shellcheck disable=SC2086
	real=$("$SSHD" -T -f "$W/r8m.conf" -h /etc/ssh/ssh_host_ed25519_key $opts \
	    -C "user=$u,host=h,addr=127.0.0.1" 2>&1 | grep '^pubkeyacceptedalgorithms ')
	mine=$("$KA" sshd-config --root "$R8" -C "user=$u,host=h,addr=127.0.0.1" 2>&1 |
	    grep '^pubkeyacceptedalgorithms ')
	[ -n "$real" ] && [ "$real" = "$mine" ] && agree=$((agree + 1))
done
t_check "sshd -T -C: a Match block wins over -o for bob, -o for the others; keyaudit agrees" \
    test "$agree" = 2
cp "$W/r8.conf" "$R8/etc/ssh/sshd_config"
scan_root "$R8" --user kd2
t_check "PubkeyAcceptedAlgorithms ssh-ed25519 in sshd_config does not help: still refused" \
    has "$W/out.json" sshd.key-algorithm
t_check "no sshd.engine-disagrees or sshd.syntax from the command line" \
    jq -e '[.hosts[].findings[] | select(.check == "sshd.syntax" or .check == "sshd.engine-disagrees")] | length == 0' "$W/out.json" >/dev/null

# RHEL 9: the back-end is an Include of 50-redhat.conf
R9=$T_BASE/rhel9
mk_base "$R9" kd3 1003 "$T_BASE/ed.pub"
printf 'NAME="Red Hat Enterprise Linux"\nVERSION="9.4 (Plow)"\nID="rhel"\nID_LIKE="fedora"\nVERSION_ID="9.4"\nPLATFORM_ID="platform:el9"\n' \
    > "$R9/etc/os-release"
cat > "$R9/etc/ssh/sshd_config" <<'EOF'
#	$OpenBSD: sshd_config,v 1.104 2021/07/02 05:11:21 dtucker Exp $

# This is the sshd server system-wide configuration file.  See
# sshd_config(5) for more information.

# To modify the system-wide sshd configuration, create a  *.conf  file under
#  /etc/ssh/sshd_config.d/  which will be automatically included below
Include /etc/ssh/sshd_config.d/*.conf

#PermitRootLogin prohibit-password
AuthorizedKeysFile	.ssh/authorized_keys
#PasswordAuthentication yes
Subsystem	sftp	/usr/libexec/openssh/sftp-server
EOF
cat > "$R9/etc/ssh/sshd_config.d/50-redhat.conf" <<'EOF'
# This system is following system-wide crypto policy. The changes to
# crypto properties (Ciphers, MACs, ...) will not have any effect in
# this or following included files. To override some configuration option,
# write it before this block or in a file included before this block,
# sorted by the name of the file
Include /etc/crypto-policies/back-ends/opensshserver.config

SyslogFacility AUTHPRIV

ChallengeResponseAuthentication no

GSSAPIAuthentication yes
GSSAPICleanupCredentials no

UsePAM yes

X11Forwarding yes

# It is recommended to use pam_motd in /etc/pam.d/sshd instead of PrintMotd,
# as it is more configurable and versatile than the built-in version.
PrintMotd no
EOF
cat > "$R9/usr/lib/systemd/system/sshd.service" <<'EOF'
[Unit]
Description=OpenSSH server daemon
Documentation=man:sshd(8) man:sshd_config(5)
After=network.target sshd-keygen.target
Wants=sshd-keygen.target

[Service]
Type=notify
EnvironmentFile=-/etc/sysconfig/sshd
ExecStart=/usr/sbin/sshd -D $OPTIONS
ExecReload=/bin/kill -HUP $MAINPID
KillMode=process
Restart=on-failure
RestartSec=42s

[Install]
WantedBy=multi-user.target
EOF
mkdir -p "$R9/etc/sysconfig" "$R9/etc/crypto-policies/back-ends" "$R9/usr/share/crypto-policies/FIPS"
printf '# Configuration file for the sshd service.\n\n# OPTIONS=\n' > "$R9/etc/sysconfig/sshd"
{
	echo "Ciphers $FIPS_CIPHERS"
	echo "MACs $FIPS_MACS"
	echo "GSSAPIKeyExchange no"
	echo "KexAlgorithms $FIPS_KEX"
	echo "HostKeyAlgorithms $FIPS_PUBKEY"
	echo "PubkeyAcceptedKeyTypes $FIPS_PUBKEY"
	echo "CASignatureAlgorithms $FIPS_CASIG"
	echo "RequiredRSASize 2048"
} > "$R9/usr/share/crypto-policies/FIPS/opensshserver.txt"
ln -s /usr/share/crypto-policies/FIPS/opensshserver.txt "$R9$BE"
scan_root "$R9" --user kd3
if has "$W/out.json" sshd.key-algorithm &&
    jq -e --arg b "$BE" '[.hosts[].findings[] | select(.check == "sshd.key-algorithm") |
    select((.message | contains($b)) or .path == $b)] | length > 0' "$W/out.json" >/dev/null; then
	t_ok "RHEL 9 FIPS policy through 50-redhat.conf's Include: sshd.key-algorithm from $BE"
else
	t_nok "RHEL 9 FIPS: sshd.key-algorithm" "$(jq '.hosts[].findings[] | select(.check | test("sshd"))' "$W/out.json"; cat "$W/err")"
fi
if jq -e '[.hosts[].findings[] | select(.check == "sshd.key-algorithm") | .remedy[]? |
    select(.edit.file == "/etc/ssh/sshd_config.d/40-keyaudit.conf")] | length > 0' "$W/out.json" >/dev/null; then
	t_ok "the fix adds a drop-in read before 50-redhat.conf, never edits the back-end"
else
	t_nok "RHEL 9 fix" "$(jq '.hosts[].findings[] | select(.check == "sshd.key-algorithm") | .remedy' "$W/out.json")"
fi
# the fix works as the real sshd reads it: a 40- drop-in wins over the policy
sed "s#/etc/#$R9/etc/#" "$R9/etc/ssh/sshd_config" > "$W/r9.conf"
sed "s#/etc/#$R9/etc/#" "$R9/etc/ssh/sshd_config.d/50-redhat.conf" > "$W/50-redhat.conf.tmp"
mv "$W/50-redhat.conf.tmp" "$R9/etc/ssh/sshd_config.d/50-redhat.conf.real"
echo "PubkeyAcceptedAlgorithms +ssh-ed25519" > "$R9/etc/ssh/sshd_config.d/40-keyaudit.conf"
real=$("$SSHD" -T -f "$W/r9.conf" -h /etc/ssh/ssh_host_ed25519_key 2>&1 | grep '^pubkeyacceptedalgorithms ')
rm -f "$R9/etc/ssh/sshd_config.d/50-redhat.conf.real"
case $real in
*ssh-ed25519*) t_ok "this machine's sshd: a 40- drop-in comes before the policy's Include" ;;
*) t_nok "40- drop-in order under the real sshd" "$real" ;;
esac
scan_root "$R9" --user kd3
t_check "with the 40- drop-in keyaudit accepts the ed25519 key too" hasnt "$W/out.json" sshd.key-algorithm
rm -f "$R9/etc/ssh/sshd_config.d/40-keyaudit.conf"

# ---------------------------------------------------------------- openSUSE
RS=$T_BASE/suse
mk_base "$RS" kd4 1004 "$T_BASE/ed.pub"
rm -rf "$RS/etc/ssh/sshd_config"
printf 'NAME="openSUSE Tumbleweed"\nID="opensuse-tumbleweed"\nID_LIKE="opensuse suse"\nVERSION_ID="20241201"\n' \
    > "$RS/etc/os-release"
mkdir -p "$RS/usr/etc/ssh/sshd_config.d"
cat > "$RS/usr/etc/ssh/sshd_config" <<'EOF'
# This is the sshd server system-wide configuration file.  See
# sshd_config(5) for more information.

# To modify the system-wide sshd configuration, create a  *.conf  file under
#  /etc/ssh/sshd_config.d/  which will be automatically included below.
# Don't edit this configuration file itself if possible to avoid update
# problems.
Include /etc/ssh/sshd_config.d/*.conf
Include /usr/etc/ssh/sshd_config.d/*.conf

AuthorizedKeysFile	.ssh/authorized_keys
KbdInteractiveAuthentication no
UsePAM yes
X11Forwarding yes
Subsystem	sftp	/usr/libexec/ssh/sftp-server
EOF
echo "PasswordAuthentication yes" > "$RS/usr/etc/ssh/sshd_config.d/50-vendor.conf"
scan_root "$RS" --user kd4
"$KA" collect --root "$RS" --user kd4 -o "$W/suse.json" 2>/dev/null
if [ "$(jq -r .sshd_config_path "$W/suse.json")" = /usr/etc/ssh/sshd_config ] &&
    has "$W/out.json" sshd.password-auth /usr/etc/ssh/sshd_config.d/50-vendor.conf 1; then
	t_ok "openSUSE: no /etc/ssh/sshd_config, sshd reads /usr/etc/ssh/sshd_config and its drop-ins"
else
	t_nok "openSUSE vendor config" "$(jq .sshd_config_path "$W/suse.json"; cat "$W/out.json")"
fi
echo "PasswordAuthentication no" > "$RS/etc/ssh/sshd_config.d/50-admin.conf"
scan_root "$RS" --user kd4
t_check "openSUSE: /etc/ssh/sshd_config.d is read before /usr/etc's (passwords off)" \
    hasnt "$W/out.json" sshd.password-auth
printf 'Include /etc/ssh/sshd_config.d/*.conf\nPasswordAuthentication yes\n' > "$RS/etc/ssh/sshd_config"
"$KA" collect --root "$RS" --user kd4 -o "$W/suse.json" 2>/dev/null
t_check "openSUSE: an /etc/ssh/sshd_config of the admin's replaces the vendor's" \
    test "$(jq -r .sshd_config_path "$W/suse.json")" = /etc/ssh/sshd_config

# ------------------------------------------------------------- StrictModes
# a home writable by the account's private group: Red Hat's sshd refuses,
# Debian's and Ubuntu's user-group-modes patch accepts
strict_tree() {
	local r=$1 user=$2 uid=$3
	mk_base "$r" "$user" "$uid" "$T_BASE/ec.pub"
	printf 'AuthorizedKeysFile .ssh/authorized_keys\nStrictModes yes\n' > "$r/etc/ssh/sshd_config"
	chmod 0775 "$r/home/$user"
}
RR=$T_BASE/strict-rhel
strict_tree "$RR" kd5 1005
printf 'ID="rhel"\nID_LIKE="fedora"\nVERSION_ID="9.4"\n' > "$RR/etc/os-release"
scan_root "$RR" --user kd5
t_check "RHEL (os-release, no Debian sshd): group-writable home is perm.dir-mode" \
    has "$W/out.json" perm.dir-mode /home/kd5
printf 'x\0OpenSSH_8.0p1\0y' > "$RR/usr/sbin/sshd"
scan_root "$RR" --user kd5
t_check "RHEL 8's sshd binary (OpenSSH_8.0p1): upstream rule, perm.dir-mode" \
    has "$W/out.json" perm.dir-mode /home/kd5
RU=$T_BASE/strict-ubuntu
strict_tree "$RU" kd6 1006
printf 'ID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"\n' > "$RU/etc/os-release"
scan_root "$RU" --user kd6
t_check "Ubuntu (os-release): the private group's write is accepted (perm.group-writable-upg, no perm.dir-mode)" \
    bash -c "! jq -e '[.hosts[].findings[] | select(.check == \"perm.dir-mode\")] | length > 0' '$W/out.json' >/dev/null &&
    jq -e '[.hosts[].findings[] | select(.check == \"perm.group-writable-upg\")] | length > 0' '$W/out.json' >/dev/null"
printf 'x\0OpenSSH_9.6p1 Ubuntu-3ubuntu13.5\0y' > "$RU/usr/sbin/sshd"
scan_root "$RU" --user kd6
t_check "Ubuntu's sshd binary (OpenSSH_9.6p1 Ubuntu-3ubuntu13.5): still accepted" \
    hasnt "$W/out.json" perm.dir-mode

echo "# distro suite: $(( $(date +%s) - T0 )) s"
t_finish
