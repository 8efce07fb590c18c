#!/bin/bash
# run.sh - PAM's account phase (UsePAM yes) against a real sshd: a copy of
# the cached Debian 12 root (tests/debroot.sh) runs its own sshd chrooted on
# 127.0.0.1:2540, so its /etc/pam.d, /etc/nologin, access.conf, time.conf,
# shadow ageing and faillock tallies can be changed without touching this
# machine's PAM. For each case the real `ssh -o BatchMode=yes` with kam1's
# key runs `true`, and `keyaudit scan --root COPY` must agree: a blocking
# pam.* finding with the expected id and file:line exactly when ssh fails.
# diagnose (--local --root COPY, the real connection) names the same cause
# for the refusals. What cannot be run for real here (a zone other than
# UTC, AuthenticationMethods with a password after the key) is in the unit
# tests (tests/unit/test_pam.c).
#
#   tests/pam/run.sh        ends "pam: N passed, N failed"
# Port 127.0.0.1:2540. The account kam1 is made inside the copy only.
set -u
cd "$(dirname "$0")/../.." || exit 3
SUITE=pam
. tests/lib.sh
. tests/debroot.sh
KA=${KEYAUDIT:-$PWD/keyaudit}
PORT=2540
t_need_root
t_setup
# proc mounted in the copy, undone before lib.sh removes it
trap 'debroot_unmount; t_cleanup' EXIT
t0=$(date +%s)

if ! R=$(debroot_get bookworm); then
	t_nok "the bookworm root could be built (debootstrap)"
	t_finish
fi
C=$T_BASE/root
debroot_copy "$R" "$C" || { t_nok "copy of the bookworm root"; t_finish; }
echo "file $C" >> "$T_BASE/cleanup.list"
ssh-keygen -q -t ed25519 -N '' -C kam1@pam -f "$T_BASE/key" </dev/null
chroot "$C" useradd --create-home --shell /bin/bash --password "$DEBROOT_HASH" kam1 \
    >/dev/null 2>&1 &&
    chroot "$C" install -d -m 0700 -o kam1 -g kam1 /home/kam1/.ssh &&
    install -m 0600 "$T_BASE/key.pub" "$C/home/kam1/.ssh/authorized_keys" &&
    chroot "$C" chown kam1:kam1 /home/kam1/.ssh/authorized_keys ||
    t_nok "kam1 made in the copy"

# The copy's own sshd, its own configuration, on 127.0.0.1:2540.
debroot_sshd "$C" 127.0.0.1 "$PORT" 2>"$T_BASE/why" || {
	t_nok "the copy's sshd listens on 127.0.0.1:$PORT" "$(cat "$T_BASE/why")"
	t_finish
}
for k in "$C"/etc/ssh/ssh_host_*_key.pub; do
	echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$k")"
done > "$T_BASE/kh"

# login: the real ssh, kam1's key, BatchMode, no tty; 0 when `true` ran
login() {
	ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o "UserKnownHostsFile=$T_BASE/kh" \
	    -o IdentitiesOnly=yes -o IdentityAgent=none -o ConnectTimeout=5 -i "$T_BASE/key" \
	    -p "$PORT" kam1@127.0.0.1 true </dev/null >"$T_BASE/ssh.out" 2>&1
}
# scan: kam1 audited in the copy, the client's address as sshd sees it
scan() {
	"$KA" scan --root "$C" --user kam1 --from 127.0.0.1 --format json >"$T_BASE/scan.json" \
	    2>"$T_BASE/scan.err"
}
# blocking: "check path:line" of every blocking pam.* finding
blocking() {
	jq -r '.hosts[].findings[] | select(.blocks_login and (.check | startswith("pam."))) |
	    "\(.check) \(.path):\(.line // 0)"' "$T_BASE/scan.json" | sort
}
pamall() {
	jq -r '.hosts[].findings[] | select(.check | startswith("pam.")) |
	    "\(.check) \(.path):\(.line // 0) blocks=\(.blocks_login) \(.message)"' "$T_BASE/scan.json"
}
# lineof FILE REGEX: the number of the first line of FILE (in the copy)
lineof() {
	grep -n -E -- "$2" "$C$1" | head -n 1 | cut -d: -f1
}

# case_ok NAME: ssh logs in and keyaudit reports nothing blocking in pam.*
case_ok() {
	local rc got
	login
	rc=$?
	scan
	got=$(blocking)
	if [ $rc = 0 ] && [ -z "$got" ]; then
		t_ok "$1: ssh logs in, no blocking pam finding"
	else
		t_nok "$1: ssh exit $rc, keyaudit: ${got:-nothing blocking}" \
		    "$(cat "$T_BASE/ssh.out"; pamall; tail -n 3 "$C/var/log/kasshd.log")"
	fi
}
# case_refused NAME "check path:line": ssh fails, keyaudit blocks with exactly that
case_refused() {
	local rc got
	login
	rc=$?
	scan
	got=$(blocking)
	if [ $rc != 0 ] && [ "$got" = "$2" ]; then
		t_ok "$1: ssh fails (exit $rc) and keyaudit says $2"
	else
		t_nok "$1: ssh exit $rc, keyaudit: ${got:-nothing blocking}, want $2" \
		    "$(cat "$T_BASE/ssh.out"; pamall; tail -n 3 "$C/var/log/kasshd.log")"
	fi
}
# diag_cause WANT: diagnose over the real connection, the copy as the server
# view: its cause is WANT
diag_cause() {
	local got
	"$KA" diagnose "kam1@127.0.0.1:$PORT" -i "$T_BASE/key" --known-hosts "$T_BASE/kh" \
	    --local --root "$C" --format json >"$T_BASE/diag.json" 2>"$T_BASE/diag.err"
	got=$(jq -r '"\(.verdict) \(.cause.check // "-")"' "$T_BASE/diag.json" 2>/dev/null)
	[ "$got" = "$1" ] && t_ok "diagnose: $got" ||
	    t_nok "diagnose: $got, want $1" "$(cat "$T_BASE/diag.err"; jq -c '.steps' "$T_BASE/diag.json" 2>/dev/null | head -c 2000)"
}

SSHD_PAM=/etc/pam.d/sshd
cp "$C$SSHD_PAM" "$T_BASE/sshd.pam"
restore_pam() { cp "$T_BASE/sshd.pam" "$C$SSHD_PAM"; }

# --- 0. stock Debian 12 stack, nothing set
case_ok "stock stack"

# --- 1. nologin: /etc/nologin, then /var/run/nologin (-> /run/nologin)
NL=$(lineof $SSHD_PAM '^account[[:space:]]+required[[:space:]]+pam_nologin')
echo "maintenance" > "$C/etc/nologin"
case_refused "/etc/nologin exists" "pam.nologin $SSHD_PAM:$NL"
diag_cause "refused pam.nologin"
rm -f "$C/etc/nologin"
echo "maintenance" > "$C/run/nologin"
case_refused "/var/run/nologin exists" "pam.nologin $SSHD_PAM:$NL"
rm -f "$C/run/nologin"
# pam_nologin commented out: the file no longer matters
sed -i 's/^account[[:space:]]*required[[:space:]]*pam_nologin/#&/' "$C$SSHD_PAM"
echo "maintenance" > "$C/etc/nologin"
case_ok "/etc/nologin without pam_nologin in the stack"
rm -f "$C/etc/nologin"
restore_pam

# --- 2. pam_unix's password ageing (common-account's pam_unix line)
UL=$(lineof /etc/pam.d/common-account '^account.*pam_unix\.so')
chroot "$C" chage -d 0 kam1
case_refused "chage -d 0 (a change forced)" "pam.password-expired /etc/pam.d/common-account:$UL"
grep -q "Password change required but no TTY available" "$T_BASE/ssh.out" &&
    t_ok "sshd accepted the key and asked for a password change without a tty" ||
    t_nok "sshd's password change message" "$(cat "$T_BASE/ssh.out")"
chroot "$C" chage -d 2020-01-01 -M 30 kam1
case_refused "password older than its maximum age" "pam.password-expired /etc/pam.d/common-account:$UL"
chroot "$C" chage -d 2020-01-01 -M 30 -I 5 kam1
case_refused "past the maximum age and the inactive period" "pam.password-expired /etc/pam.d/common-account:$UL"
grep -q "Permission denied\|Connection closed\|closed by" "$T_BASE/ssh.out" &&
    t_ok "past the inactive period sshd refuses at authentication" ||
    t_nok "refused before the session" "$(cat "$T_BASE/ssh.out")"
chroot "$C" chage -d "$(date -u +%F)" -M 30 -I -1 kam1
case_ok "password changed today, maximum 30 days"
chroot "$C" chage -M 99999 kam1

# --- 3. pam_access (enabled in the sshd stack, access.conf rules)
sed -i 's/^# account  required     pam_access.so/account  required     pam_access.so/' "$C$SSHD_PAM"
grep -q '^account  required     pam_access.so' "$C$SSHD_PAM" || t_nok "pam_access enabled in the copy"
cp "$C/etc/security/access.conf" "$T_BASE/access.conf"
case_ok "pam_access with the stock access.conf (all comments)"
echo "-:kam1:ALL" >> "$C/etc/security/access.conf"
AL=$(lineof /etc/security/access.conf '^-:kam1:ALL')
case_refused "access.conf denies kam1 from ALL" "pam.access /etc/security/access.conf:$AL"
diag_cause "refused pam.access"
cp "$T_BASE/access.conf" "$C/etc/security/access.conf"
printf '+:kam1:127.0.0.1\n-:ALL:ALL\n' >> "$C/etc/security/access.conf"
case_ok "access.conf allows kam1 from 127.0.0.1 first"
cp "$T_BASE/access.conf" "$C/etc/security/access.conf"
printf -- '-:kam1:10.0.0.0/8 192.168.\n-:(kam1):ALL EXCEPT 127.0.0.1\n' >> "$C/etc/security/access.conf"
case_ok "access.conf denies other networks only, EXCEPT the client"
cp "$T_BASE/access.conf" "$C/etc/security/access.conf"
printf -- '-:ALL EXCEPT root:127.0.0.0/8\n' >> "$C/etc/security/access.conf"
AL=$(lineof /etc/security/access.conf '^-:ALL EXCEPT root')
case_refused "access.conf denies everyone but root from 127.0.0.0/8" "pam.access /etc/security/access.conf:$AL"
cp "$T_BASE/access.conf" "$C/etc/security/access.conf"
restore_pam

# --- 4. pam_time: a window that excludes now (the copy's zone is UTC)
sed -i 's/^@include common-account/account required pam_time.so\n&/' "$C$SSHD_PAM"
cp "$C/etc/security/time.conf" "$T_BASE/time.conf"
h=$(date -u +%H)
h=${h#0}
a=$(( (h + 2) % 24 )); b=$(( (h + 3) % 24 ))
[ $b -lt $a ] && b=$a
W=$(printf 'Al%02d00-%02d59' $a $b)
echo "sshd;*;kam1;$W" >> "$C/etc/security/time.conf"
TL=$(lineof /etc/security/time.conf "^sshd;\\*;kam1;")
case_refused "time.conf allows kam1 only $W (UTC)" "pam.time /etc/security/time.conf:$TL"
cp "$T_BASE/time.conf" "$C/etc/security/time.conf"
echo "sshd;*;kam1;!$W" >> "$C/etc/security/time.conf"
case_ok "time.conf refuses kam1 only $W"
cp "$T_BASE/time.conf" "$C/etc/security/time.conf"
echo "sshd;tty*;kam1;$W" >> "$C/etc/security/time.conf"
case_ok "time.conf rule for other ttys (sshd's PAM_TTY is ssh)"
cp "$T_BASE/time.conf" "$C/etc/security/time.conf"
restore_pam

# --- 5. pam_faillock: a locked account still logs in with its key
sed -i 's/^@include common-auth/auth required pam_faillock.so preauth\n&/; s/^@include common-account/account required pam_faillock.so\n&/' "$C$SSHD_PAM"
mkdir -p "$C/run/faillock"
python3 - "$C/run/faillock/kam1" <<'EOF'
import struct, sys, time
now = int(time.time())
with open(sys.argv[1], "wb") as f:
    for i in range(5):
        f.write(struct.pack("<52sHHQ", b"192.0.2.1", 0, 3, now - 60 + i))
EOF
chmod 600 "$C/run/faillock/kam1"
scan
FL=$(jq -r '.hosts[].findings[] | select(.check == "pam.faillock") | "\(.path) blocks=\(.blocks_login)"' "$T_BASE/scan.json")
[ "$FL" = "/var/run/faillock/kam1 blocks=false" ] &&
    t_ok "pam.faillock reported for a locked kam1, not blocking" ||
    t_nok "pam.faillock: '$FL'" "$(pamall)"
chroot "$C" faillock --user kam1 2>/dev/null | grep -q 'V$\|  V ' &&
    t_ok "faillock (the copy's own tool) lists the records as valid" ||
    t_nok "faillock --user kam1" "$(chroot "$C" faillock --user kam1 2>&1)"
case_ok "locked by pam_faillock, key login"
[ ! -s "$C/run/faillock/kam1" ] &&
    t_ok "the key login cleared the tally (pam_faillock in the account stack)" ||
    t_nok "tally after a key login" "$(od -c "$C/run/faillock/kam1" | head -3)"
scan
[ -z "$(jq -r '.hosts[].findings[] | select(.check == "pam.faillock")' "$T_BASE/scan.json")" ] &&
    t_ok "an empty tally: no pam.faillock" || t_nok "pam.faillock after reset" "$(pamall)"
rm -rf "$C/run/faillock"
restore_pam

# --- 6. an include libpam cannot read: every login refused
sed -i 's/^@include common-account/@include common-account-missing/' "$C$SSHD_PAM"
ML=$(lineof $SSHD_PAM '^@include common-account-missing')
case_refused "an @include of a missing file" "pam.account-refused $SSHD_PAM:$ML"
restore_pam
# a substack whose file says pam_deny: refused, blamed on pam_deny's line
printf 'account requisite pam_deny.so\n' > "$C/etc/pam.d/kam-deny"
sed -i 's/^@include common-account/account substack kam-deny\n&/' "$C$SSHD_PAM"
case_refused "a substack of pam_deny" "pam.account-refused /etc/pam.d/kam-deny:1"
# sufficient pam_permit before it: done, the substack never runs
sed -i 's/^account substack kam-deny/account sufficient pam_permit.so\n&/' "$C$SSHD_PAM"
case_ok "sufficient pam_permit before the denying substack"
rm -f "$C/etc/pam.d/kam-deny"
restore_pam

# --- 7. UsePAM no: none of the pam checks apply
cp "$C/etc/ssh/sshd_config" "$T_BASE/sshd_config"
sed -i 's/^UsePAM yes/UsePAM no/' "$C/etc/ssh/sshd_config"
echo "maintenance" > "$C/etc/nologin"
chroot "$C" chage -d 0 kam1
scan
[ -z "$(jq -r '.hosts[].findings[] | select(.check | startswith("pam."))' "$T_BASE/scan.json")" ] &&
    t_ok "UsePAM no: no pam.* finding (nologin file, forced change)" ||
    t_nok "UsePAM no" "$(pamall)"
rm -f "$C/etc/nologin"
chroot "$C" chage -d "$(date -u +%F)" kam1
cp "$T_BASE/sshd_config" "$C/etc/ssh/sshd_config"

# --- 8. the collector (collector.sh under the copy's own /bin/sh, as the
# ssh transport runs it) and the local transport collect the same PAM files
# and give the same pam findings
echo "maintenance" > "$C/etc/nologin"
sed -i 's/^# account  required     pam_access.so/account  required     pam_access.so accessfile=\/etc\/security\/kam-access.conf/' "$C$SSHD_PAM"
echo "-:kam1:ALL" > "$C/etc/security/kam-access.conf"
sed -i 's/^@include common-auth/auth required pam_faillock.so preauth\n&/' "$C$SSHD_PAM"
mkdir -p "$C/run/faillock"
: > "$C/run/faillock/kam1"
TB=build/tests/test_collect_stream
[ -x "$TB" ] || make -s "$TB" >/dev/null 2>&1
if [ -x "$TB" ]; then
	printf 'keyaudit-collect 1\nuser kam1\nfrom 127.0.0.1\nsshdt 0\nend\n' |
	    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin chroot "$C" /bin/sh -c \
	    "$(cat scanner/transport/collector.sh)" keyaudit-collector >"$T_BASE/stream" 2>/dev/null
	"$TB" --parse-stream <"$T_BASE/stream" >"$T_BASE/exec.json" 2>"$T_BASE/exec.err"
	"$KA" collect --root "$C" --user kam1 -o "$T_BASE/local.json" 2>/dev/null
	pamfiles() {
		jq -r '.files[] | select(.path | test("^/etc/pam.d/|nologin|^/etc/security/|faillock|^/etc/localtime")) |
		    "\(.path) \(.type) \(.content != null)"' "$1" | sort
	}
	pamglobs() { jq -c '[.globs[] | select(.pattern | test("faillock"))]' "$1"; }
	pamfiles "$T_BASE/local.json" > "$T_BASE/local.paths"
	pamfiles "$T_BASE/exec.json" > "$T_BASE/exec.paths"
	if [ -s "$T_BASE/local.paths" ] && cmp -s "$T_BASE/local.paths" "$T_BASE/exec.paths" &&
	    [ "$(pamglobs "$T_BASE/local.json")" = "$(pamglobs "$T_BASE/exec.json")" ] &&
	    grep -q '^/etc/security/kam-access.conf file true$' "$T_BASE/local.paths" &&
	    grep -q '^/run/faillock/kam1 file true$' "$T_BASE/local.paths"; then
		t_ok "collector.sh and the local transport collect the same PAM files ($(wc -l < "$T_BASE/local.paths"), the stack, accessfile=, tallies)"
	else
		t_nok "PAM files: local against collector.sh" "$(cat "$T_BASE/exec.err"; diff "$T_BASE/local.paths" "$T_BASE/exec.paths"; pamglobs "$T_BASE/local.json"; pamglobs "$T_BASE/exec.json")"
	fi
	pf() {
		"$KA" scan --snapshot "$1" --from 127.0.0.1 --format json 2>/dev/null |
		    jq -r '.hosts[].findings[] | select(.check | startswith("pam.")) | "\(.check) \(.path):\(.line)"' | sort
	}
	a=$(pf "$T_BASE/local.json")
	b=$(pf "$T_BASE/exec.json")
	[ -n "$a" ] && [ "$a" = "$b" ] &&
	    t_ok "the same pam findings from both snapshots: $(echo $a)" ||
	    t_nok "pam findings: local '$a', collector '$b'"
else
	t_skip "collector.sh against the local transport" "$TB could not be built"
fi
rm -f "$C/etc/nologin" "$C/etc/security/kam-access.conf"
rm -rf "$C/run/faillock"
restore_pam

echo "# pam suite: $(( $(date +%s) - t0 )) s"
t_finish
