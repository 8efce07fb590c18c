#!/bin/bash
# run.sh - the certificate authority configuration (checks/certca.c, the
# keys inventory's certificate rows, the fleet's trust map): first what a
# real sshd does with each configuration the severities speak of, with
# real ssh; then keyaudit's findings for the same files, locally and across
# a loopback fleet; then `keys --format json`. CAs, certificates and KRLs
# are made by ssh-keygen (-s, -k). Root only: accounts kcq*, sshd on
# 127.0.0.1:2440 and 127.0.0.141-144:2440. Ends "certca: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 3
KA=${KA:-$PWD/keyaudit}
SUITE=certca
. tests/lib.sh
check() { if eval "$2"; then t_ok "$1"; else t_nok "$1" "${3:-}"; fi; }

t_need_root
if ! command -v jq >/dev/null || [ ! -x "$KA" ]; then
	t_nok "certca: needs jq and $KA"
	t_finish
fi
t_setup
D=$T_BASE
PORT=2440
A=kcqa		# logs in with a certificate (and a plain key)
B=kcqb		# cert-authority lines in its authorized_keys
S=kcqscan	# the fleet's scan account (sudo)
for u in $A $B $S; do
	t_user $u || { t_nok "account $u"; t_finish; }
done

# --- keys, certificates, KRLs ------------------------------------------------
K=$D/k
mkdir -p "$K"
chmod 755 "$K"
kg() { ssh-keygen -q -N '' -C "$2" "${@:3}" -f "$K/$1" </dev/null >/dev/null; }
kg ca1 "ca one" -t ed25519
kg ca2 "ca two (retired)" -t ed25519
kg dsa "dsa ca" -t dsa
kg rsa1k "short rsa ca" -t rsa -b 1024
# a comment that would drive a terminal and a spreadsheet
kg evil "$(printf '=cmd|x\033[31mred\xe2\x80\xaeevil')" -t ed25519
kg ua "a plain" -t ed25519
kg uc "a cert" -t ed25519
ssh-keygen -q -s "$K/ca1" -I "kcqa cert" -n $A -z 5 "$K/uc.pub" || t_nok "ssh-keygen -s"
cp "$K/ua" "$K/ua.key"
# the same key certified by the weak CAs (a copy each: -s writes KEY-cert.pub)
for w in dsa rsa1k; do
	cp "$K/uc" "$K/uc_$w"
	cp "$K/uc.pub" "$K/uc_$w.pub"
	ssh-keygen -q -s "$K/$w" -I "kcqa $w cert" -n $A -z 9 "$K/uc_$w.pub" || t_nok "ssh-keygen -s $w"
done
chmod 600 "$K"/ua "$K"/uc "$K"/uc_dsa "$K"/uc_rsa1k
# a KRL revoking serial 7 of ca1 and the key ca2 (version 2), an older one
# (version 1) revoking serial 6 of ca1
printf 'serial: 7\n' > "$K/spec7"
printf 'serial: 6\n' > "$K/spec6"
ssh-keygen -q -k -f "$K/new.krl" -s "$K/ca1.pub" -z 2 "$K/spec7" 2>/dev/null &&
    ssh-keygen -q -k -u -f "$K/new.krl" "$K/ca2.pub" 2>/dev/null || t_nok "ssh-keygen -k new.krl"
ssh-keygen -q -k -f "$K/old.krl" -s "$K/ca1.pub" -z 1 "$K/spec6" 2>/dev/null || t_nok "ssh-keygen -k old.krl"
ssh-keygen -q -k -f "$K/empty.krl" -z 1 2>/dev/null || t_nok "ssh-keygen -k empty.krl"
# a KRL sshd cannot load: a real header (version 9, a comment), then a
# section of an unknown type
python3 - "$K/bad.krl" <<'EOF'
import struct, sys
def s(b): return struct.pack(">I", len(b)) + b
d = b"SSHKRL\n\0" + struct.pack(">IQQQ", 1, 9, 1767225600, 0) + s(b"") + s(b"kcq broken krl")
d += bytes([0x7f]) + s(b"junk")
open(sys.argv[1], "wb").write(d)
EOF

# --- the sshd under test -----------------------------------------------------
E=$D/etc
mkdir -p "$E/keys" "$E/ca"
chmod 755 "$E" "$E/keys" "$E/ca"
cat "$K/ua.pub" > "$E/keys/$A"
: > "$E/keys/$B"
chmod 644 "$E/keys/"*
cp "$K/ca1.pub" "$E/ca/trusted"
chmod 644 "$E/ca/trusted"
cp "$K/empty.krl" "$E/revoked"
chmod 644 "$E/revoked"
t_sshd s1 127.0.0.1 $PORT "AuthorizedKeysFile $E/keys/%u" \
    "TrustedUserCAKeys $E/ca/trusted" "RevokedKeys $E/revoked" ||
    { t_nok "sshd s1 starts" "$T_SSHD_WHY"; t_finish; }
CFG=$D/s1/sshd_config
ssh-keyscan -p $PORT 127.0.0.1 2>/dev/null > "$D/known_hosts"
# login KEY [CERT]: real ssh as kcqa with that key (and certificate) only
login() {
	ssh -n -F /dev/null -p $PORT -o BatchMode=yes -o IdentitiesOnly=yes \
	    -o UserKnownHostsFile="$D/known_hosts" -o StrictHostKeyChecking=yes \
	    -o IdentityAgent=none -i "$1" ${2:+-o CertificateFile="$2"} \
	    -o ConnectTimeout=5 $A@127.0.0.1 true 2>/dev/null
}
diag() {	# diag KEY.pub: diagnose's verdict and cause for kcqa's key
	"$KA" diagnose --local --user $A --pubkey "$1" --from 127.0.0.1 \
	    --sshd-config "$CFG" --format json 2>/dev/null |
	    jq -r '(.verdict // "none") + " " + (.cause.check // "none")' 2>/dev/null
}
scan_local() {	# scan_local OUT [args]: scan this machine with s1's config
	out=$1
	shift
	"$KA" scan --sshd-config "$CFG" --user $A --user $B --format json "$@" > "$out" 2> "$out.err"
}
has() {		# has OUT CHECK [MESSAGE-REGEX]: the report holds the finding
	jq -e --arg c "$2" --arg m "${3:-.}" '[.hosts[0].findings[] |
	    select(.check == $c and (.message | test($m)))] | length > 0' "$1" >/dev/null
}
certs() { jq -c '[.hosts[0].findings[] | select(.check | startswith("cert.")) |
    .check + ":" + (.user // "") + ":" + (.path // "")]' "$1"; }

# (a) what sshd does ----------------------------------------------------------
check "sshd: the certificate of ca1 logs in (TrustedUserCAKeys, user name as principal)" \
    'login "$K/uc" "$K/uc-cert.pub"' "$(tail -n 5 "$D/s1/log")"
check "sshd: the plain key logs in" 'login "$K/ua"'
mv "$E/ca/trusted" "$E/ca/trusted.away"
check "sshd: TrustedUserCAKeys missing: the certificate is refused" \
    '! login "$K/uc" "$K/uc-cert.pub"'
check "sshd: TrustedUserCAKeys missing: the plain key still logs in" 'login "$K/ua"'
d=$(diag "$K/ua.pub")
check "diagnose: TrustedUserCAKeys missing does not stop the plain key" '[ "$d" = "ok none" ]' "$d"
d=$(diag "$K/uc-cert.pub")
check "diagnose: TrustedUserCAKeys missing: the certificate is refused as cert.ca-untrusted (checks/cert.c)" \
    '[ "$d" = "refused cert.ca-untrusted" ]' "$d"
scan_local "$D/missing.json"
check "scan: TrustedUserCAKeys missing is cert.ca-file-missing (high)" \
    'has "$D/missing.json" cert.ca-file-missing "no such file" &&
    jq -e "[.hosts[0].findings[] | select(.check == \"cert.ca-file-missing\")][0] |
    .severity == \"high\" and .blocks_login == false" "$D/missing.json" >/dev/null' "$(certs "$D/missing.json")"
mv "$E/ca/trusted.away" "$E/ca/trusted"
# a line sshd cannot read stops the file: a CA after it is not trusted
{ echo "not a key"; cat "$K/ca1.pub"; } > "$E/ca/trusted"
check "sshd: a bad line before the CA in TrustedUserCAKeys: the certificate is refused" \
    '! login "$K/uc" "$K/uc-cert.pub"'
scan_local "$D/badline.json"
check "scan: that line is cert.ca-file-missing at line 1" \
    'has "$D/badline.json" cert.ca-file-missing "line 1 is not a public key"' "$(certs "$D/badline.json")"
# a certificate line is read (and matches no CA): the CA after it counts
{ cat "$K/uc-cert.pub"; cat "$K/ca1.pub"; } > "$E/ca/trusted"
check "sshd: a certificate line before the CA in TrustedUserCAKeys: the certificate logs in" \
    'login "$K/uc" "$K/uc-cert.pub"'
scan_local "$D/certline.json"
check "scan: that line is no cert.ca-file-missing" '! has "$D/certline.json" cert.ca-file-missing' \
    "$(certs "$D/certline.json")"
cp "$K/ca1.pub" "$E/ca/trusted"
check "sshd: with the file back the certificate logs in again" 'login "$K/uc" "$K/uc-cert.pub"'

cp "$K/bad.krl" "$E/revoked"
check "sshd: an unloadable KRL in RevokedKeys: the plain key is refused" '! login "$K/ua"'
check "sshd: an unloadable KRL: the certificate is refused too" \
    '! login "$K/uc" "$K/uc-cert.pub"'
check "sshd logs it as an error checking the key" \
    'grep -q "Error checking authentication key.*revoked keys file" "$D/s1/log"' "$(tail -n 5 "$D/s1/log")"
scan_local "$D/badkrl.json"
check "scan: cert.krl-invalid, blocking, with the KRL's version, date and comment" \
    'has "$D/badkrl.json" cert.krl-invalid "KRL version 9, generated 2026-01-01T00:00:00Z, comment \"kcq broken krl\"" &&
    jq -e "[.hosts[0].findings[] | select(.check == \"cert.krl-invalid\")][0].blocks_login" "$D/badkrl.json" >/dev/null' \
    "$(certs "$D/badkrl.json") $(jq -c '.hosts[0].findings[] | select(.check == "cert.krl-invalid") | .message' "$D/badkrl.json")"
d=$(diag "$K/ua.pub")
check "diagnose: the plain key under an unloadable KRL: refused, cause cert.krl-invalid" \
    '[ "$d" = "refused cert.krl-invalid" ]' "$d"
d=$(diag "$K/uc-cert.pub")
check "diagnose: the certificate under an unloadable KRL: refused, cause cert.krl-invalid" \
    '[ "$d" = "refused cert.krl-invalid" ]' "$d"
cp "$K/new.krl" "$E/revoked"
check "sshd: a KRL that loads: the plain key logs in" 'login "$K/ua"'
d=$(diag "$K/ua.pub")
check "diagnose: the plain key with a KRL that loads: ok" '[ "$d" = "ok none" ]' "$d"
scan_local "$D/goodkrl.json"
check "scan: no cert.krl-invalid for a KRL that loads" '! has "$D/goodkrl.json" cert.krl-invalid' \
    "$(certs "$D/goodkrl.json")"

# (b) the CA configuration as findings ----------------------------------------
scan_local "$D/clean.json"
check "scan: a sound CA configuration: no cert.* finding" \
    '[ "$(certs "$D/clean.json")" = "[]" ]' "$(certs "$D/clean.json")"
chmod 666 "$E/ca/trusted"
scan_local "$D/w1.json"
check "scan: TrustedUserCAKeys mode 0666 is cert.ca-file-writable (critical)" \
    'has "$D/w1.json" cert.ca-file-writable "mode 0666" && jq -e "[.hosts[0].findings[] |
    select(.check == \"cert.ca-file-writable\")][0].severity == \"critical\"" "$D/w1.json" >/dev/null' \
    "$(certs "$D/w1.json")"
chmod 644 "$E/ca/trusted"
chown $B "$E/ca"
scan_local "$D/w2.json"
check "scan: a directory above it owned by $B is cert.ca-file-writable" \
    'has "$D/w2.json" cert.ca-file-writable "$E/ca is a directory mode 0755 owner $B"' "$(certs "$D/w2.json")"
chown root "$E/ca"
cat "$K/ca1.pub" "$K/dsa.pub" "$K/rsa1k.pub" > "$E/ca/trusted"
# what sshd 9.2 makes of them: the 1024-bit RSA CA's certificate logs in
# (the risk), the DSA CA's is refused (CASignatureAlgorithms has no ssh-dss)
check "sshd: a certificate of the 1024-bit RSA CA logs in" \
    'login "$K/uc_rsa1k" "$K/uc_rsa1k-cert.pub"' "$(tail -n 3 "$D/s1/log")"
check "sshd: a certificate of the DSA CA is refused" \
    '! login "$K/uc_dsa" "$K/uc_dsa-cert.pub"'
scan_local "$D/weak.json"
check "scan: a DSA and a 1024-bit RSA CA are cert.ca-weak, twice" \
    '[ "$(jq "[.hosts[0].findings[] | select(.check == \"cert.ca-weak\")] | length" "$D/weak.json")" = 2 ] &&
    has "$D/weak.json" cert.ca-weak "ssh-dss" && has "$D/weak.json" cert.ca-weak "1024 bits"' \
    "$(certs "$D/weak.json")"
cp "$K/ca1.pub" "$E/ca/trusted"
# B: ca1 on a cert-authority line (also global), ca2 without principals=
{ echo "cert-authority,principals=\"ops\" $(cat "$K/ca1.pub")"
  echo "cert-authority $(cat "$K/ca2.pub")"; } > "$E/keys/$B"
scan_local "$D/lines.json"
check "scan: ca1 both global and on $B's line is cert.ca-trusted-twice (low)" \
    'has "$D/lines.json" cert.ca-trusted-twice "both by TrustedUserCAKeys"' "$(certs "$D/lines.json")"
check "scan: ca2's cert-authority line without principals= is cert.ca-unrestricted, once" \
    '[ "$(jq "[.hosts[0].findings[] | select(.check == \"cert.ca-unrestricted\")] | length" "$D/lines.json")" = 1 ]' \
    "$(certs "$D/lines.json")"
# AuthorizedPrincipalsFile missing for a named account (sshd restarted
# with it)
mkdir -p "$E/principals"
chmod 755 "$E/principals"
t_sshd_stop s1
t_sshd s1 127.0.0.1 $PORT "AuthorizedKeysFile $E/keys/%u" \
    "TrustedUserCAKeys $E/ca/trusted" "RevokedKeys $E/revoked" \
    "AuthorizedPrincipalsFile $E/principals/%u" || t_nok "sshd s1 restarts" "$T_SSHD_WHY"
"$KA" collect --sshd-config "$CFG" --user $A --user $B -o "$D/snap.json" 2>/dev/null
scan_local "$D/princ.json"
collected=
jq -e --arg p "$E/principals/$A" '.files[] | select(.path == $p)' "$D/snap.json" >/dev/null && collected=1
if [ -n "$collected" ]; then
	check "scan: $A's principals file missing is cert.principals-file-missing (medium)" \
	    'has "$D/princ.json" cert.principals-file-missing "no such file"' "$(certs "$D/princ.json")"
else
	t_skip "scan: cert.principals-file-missing against a real host" \
	    "the collector does not read AuthorizedPrincipalsFile yet (branch certsrv); unit-tested on snapshots"
fi
check "sshd: with AuthorizedPrincipalsFile and no file, the certificate is refused" \
    '! login "$K/uc" "$K/uc-cert.pub"'
echo $A > "$E/principals/$A"
chmod 644 "$E/principals/$A"
check "sshd: with $A listed in it, the certificate logs in" 'login "$K/uc" "$K/uc-cert.pub"'

# (c) keys --format json -------------------------------------------------------
cat "$K/ca1.pub" "$K/evil.pub" > "$E/ca/trusted"
"$KA" keys --sshd-config "$CFG" --user $A --user $B --format json > "$D/keys.json" 2>"$D/keys.err"
krow() { jq -c --arg k "$1" '[.keys[] | select(.kind == $k)]' "$D/keys.json"; }
ca1=$(ssh-keygen -l -f "$K/ca1.pub" | awk '{print $2}')
check "keys: ca1 from TrustedUserCAKeys: kind ca, scope all users, user null, file:line" \
    'jq -e --arg fp "$ca1" --arg p "$E/ca/trusted" "[.keys[] | select(.kind == \"ca\" and .fingerprint == \$fp and
    .path == \$p and .line == 1 and .user == null and .scope == \"all users\" and .type == \"ssh-ed25519\" and .bits == 256)] |
    length == 1" "$D/keys.json" >/dev/null' "$(krow ca)"
check "keys: ca1 on $B's cert-authority line: kind ca, scope $B, principals ops" \
    'jq -e --arg fp "$ca1" "[.keys[] | select(.kind == \"ca\" and .fingerprint == \$fp and .user == \"$B\" and
    .scope == \"$B\" and .principals == \"ops\")] | length == 1" "$D/keys.json" >/dev/null' "$(krow ca)"
if [ -n "$collected" ]; then
	check "keys: the principals file of $A: kind principals, the names it lists" \
	    'jq -e "[.keys[] | select(.kind == \"principals\" and .user == \"$A\" and .principals == \"$A\")] | length == 1" \
	    "$D/keys.json" >/dev/null' "$(krow principals)"
else
	check "keys: the principals file of $A: a row of kind principals (not collected yet)" \
	    'jq -e "[.keys[] | select(.kind == \"principals\" and .user == \"$A\" and .status == \"not collected\")] | length == 1" \
	    "$D/keys.json" >/dev/null' "$(krow principals)"
fi
check "keys: RevokedKeys: kind revoked, a KRL with its version" \
    'jq -e "[.keys[] | select(.kind == \"revoked\" and .type == \"KRL\" and (.status | test(\"KRL version 2\")))] |
    length == 1" "$D/keys.json" >/dev/null' "$(krow revoked)"
check "keys: a CA comment with control and bidi characters is escaped in JSON" \
    'jq -e "[.keys[] | select(.kind == \"ca\" and (.comment // \"\" | test(\"x1b|u202e\")))] | length == 1" \
    "$D/keys.json" >/dev/null && ! grep -q "$(printf "\033")" "$D/keys.json"' "$(krow ca)"
"$KA" keys --sshd-config "$CFG" --user $A --user $B --format csv > "$D/keys.csv" 2>/dev/null
check "keys: csv has kind,scope,principals and the CA rows, the formula defused" \
    'head -n 1 "$D/keys.csv" | grep -q ",kind,scope,principals$" && grep -q "^local,,.*,ca,all users," "$D/keys.csv" &&
    grep -q "'"'"'=cmd" "$D/keys.csv" && ! grep -q "$(printf "\033")" "$D/keys.csv"' "$(head -n 5 "$D/keys.csv")"
"$KA" keys --sshd-config "$CFG" --user $A --user $B > "$D/keys.txt" 2>/dev/null
check "keys: the table shows the CA rows" \
    'grep -q "ca: trusted CA (TrustedUserCAKeys) / for all users" "$D/keys.txt" &&
    ! grep -q "$(printf "\033")" "$D/keys.txt"' "$(cat "$D/keys.txt")"

# (d) a configuration without CAs gets no cert.* finding ------------------------
: > "$E/keys/$B"
t_sshd_config s0 127.0.0.1 $PORT "AuthorizedKeysFile $E/keys/%u"
"$KA" scan --sshd-config "$D/s0/sshd_config" --user $A --user $B --format json > "$D/stock.json" 2>/dev/null
check "scan: no TrustedUserCAKeys, no cert-authority line: no cert.* finding" \
    '[ "$(jq -c "[.hosts[0].findings[] | select(.check | startswith(\"cert.\")) ]" "$D/stock.json")" = "[]" ]' \
    "$(certs "$D/stock.json")"
"$KA" scan --user $A --format json > "$D/stock2.json" 2>/dev/null
if ! grep -qi '^[[:space:]]*TrustedUserCAKeys' /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf 2>/dev/null; then
	check "scan: this machine's own sshd_config: no cert.* finding" \
	    '[ "$(jq -c "[.hosts[0].findings[] | select(.check | startswith(\"cert.\")) ]" "$D/stock2.json")" = "[]" ]' \
	    "$(certs "$D/stock2.json")"
fi

. tests/certca/fleet.sh

t_finish
