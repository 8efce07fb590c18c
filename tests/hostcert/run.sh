#!/bin/bash
# run.sh - host certificates (issue 18) against a real sshd with
# HostCertificate and the real ssh with @cert-authority pins (root). Each
# scenario is first checked with `ssh -o StrictHostKeyChecking=yes -o
# BatchMode=yes -o UserKnownHostsFile=KH` (it logs in, or refuses the host
# and says why), then keyaudit must give the matching verdict twice:
# `keyaudit known-hosts HOST -p 2450 --known-hosts KH --host-cert CERT`
# (libssh 0.10 cannot be shown a certificate: the host's HostCertificate
# file is given) and `keyaudit scan USER@HOST -p 2450 --known-hosts KH`
# (a host pinned only by a CA is logged in to and its HostCertificate, as
# the collector read it, is judged), with the cert.host-cert-* findings
# of the host's own side; and `keyaudit diagnose --local` (the verdict,
# and hostkey.cert-untrusted as the cause where ssh refuses). sshd instances on 127.0.0.1:2450 and
# 127.0.0.151-159:2450, one at a time; accounts kch*.
#   tests/hostcert/run.sh            ends "hostcert: N passed, N failed"
set -u
cd "$(dirname "$0")/../.." || exit 3
KA=${KEYAUDIT:-$PWD/keyaudit}
SUITE=hostcert
. tests/lib.sh

t_need_root
for t in /usr/sbin/sshd ssh ssh-keygen jq; do
	command -v "$t" >/dev/null 2>&1 || { t_nok "tool $t is missing"; t_finish; }
done
[ -x "$KA" ] || { t_nok "$KA not built"; t_finish; }
t_setup
D=$T_BASE
PORT=2450

kg() { ssh-keygen -q -N '' -C "kch-$1" -f "$D/$1" "${@:2}" </dev/null >/dev/null; }
# sign KEY CA ARGS...: KEY-cert.pub, a host certificate unless ARGS say
sign() { local k=$1 ca=$2; shift 2; ssh-keygen -q -s "$D/$ca" -I "kch-$k" -h "$@" "$D/$k.pub" 2>/dev/null; }

kg ca -t ed25519
kg ca2 -t ed25519
kg rsaca -t rsa -b 2048
kg id -t ed25519		# the login key of kch1
t_user kch1 || { t_nok "account kch1"; t_finish; }
t_keyfile kch1 "$D/id.pub"

# oracle ADDR KH: what the real ssh does with the host: ok, or
# "refused: REASON" (its first complaint).
oracle() {
	local out rc
	out=$(timeout 20 ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes \
	    -o UserKnownHostsFile="$2" -o GlobalKnownHostsFile=/dev/null \
	    -o UpdateHostKeys=no -o ConnectTimeout=5 -o IdentitiesOnly=yes \
	    -i "$D/id" -p $PORT "kch1@$1" true 2>&1 </dev/null)
	rc=$?
	if [ $rc = 0 ]; then echo ok; return; fi
	case $out in
	*"REVOKED HOST KEY"*) echo "refused: revoked" ;;
	*"Certificate invalid: expired"*) echo "refused: expired" ;;
	*"not yet valid"*) echo "refused: not-yet-valid" ;;
	*"not a listed principal"*) echo "refused: principal" ;;
	*"disallowed algorithm"*) echo "refused: signature-algorithm" ;;
	*"No "*"host key is known"*|*"Host key verification failed"*) echo "refused: unknown" ;;
	*) echo "other: $(printf '%s' "$out" | head -n 1)" ;;
	esac
}

# ka_kh ADDR KH CERT: known-hosts; the host's findings "check:blocks" sorted
ka_kh() {
	"$KA" known-hosts "$1" -p $PORT --known-hosts "$2" ${3:+--host-cert "$3"} \
	    --format json 2>"$D/kh.err" > "$D/kh.json"
	jq -r --arg t "$1" '[.hosts[] | select(.target == $t) | .findings[] |
	    "\(.check):\(.blocks_login)"] | sort | join(" ")' "$D/kh.json"
}
# ka_scan ADDR KH: scan as kch1; "STATUS check:blocks..." (hostkey.* and cert.host-cert*)
ka_scan() {
	"$KA" scan "kch1@$1" -p $PORT -i "$D/id" --known-hosts "$2" \
	    --sshd-config "$D/$NAME/sshd_config" --format json 2>"$D/scan.err" > "$D/scan.json"
	jq -r '.hosts[0] | [.status] + ([.findings[] | select(.check | test("^hostkey[.]|^cert[.]host-cert")) |
	    "\(.check):\(.blocks_login)"] | sort) | join(" ")' "$D/scan.json"
}

# scenario NAME ADDR KH_LINES CERT WANT_SSH WANT_KH WANT_SCAN [SSHD_LINE...]
# CERT: the HostCertificate (and --host-cert) file; WANT_*: exact strings.
scenario() {
	local name=$1 addr=$2 khl=$3 cert=$4 want_ssh=$5 want_kh=$6 want_scan=$7 got
	shift 7
	NAME=$name
	printf '%s\n' "$khl" > "$D/$name.kh"
	if ! t_sshd "$name" "$addr" $PORT "HostKey $D/hk" ${cert:+"HostCertificate $cert"} "$@"; then
		t_nok "$name: sshd starts" "$T_SSHD_WHY"
		return
	fi
	got=$(oracle "$addr" "$D/$name.kh")
	if [ "$got" = "$want_ssh" ]; then
		t_ok "$name: ssh: $got"
	else
		t_nok "$name: ssh: expected $want_ssh, got $got"
	fi
	got=$(ka_kh "$addr" "$D/$name.kh" "$cert")
	if [ "$got" = "$want_kh" ]; then
		t_ok "$name: known-hosts: ${got:-no findings}"
	else
		t_nok "$name: known-hosts: expected '$want_kh', got '$got'" "$(jq -c '.hosts[0].findings[] | [.check, .message]' "$D/kh.json" 2>/dev/null; cat "$D/kh.err")"
	fi
	got=$(ka_scan "$addr" "$D/$name.kh")
	if [ "$got" = "$want_scan" ]; then
		t_ok "$name: scan: $got"
	else
		t_nok "$name: scan: expected '$want_scan', got '$got'" "$(jq -c '.hosts[0] | [.error, [.findings[] | select(.check | test("^hostkey|^cert|^net")) | [.check, .message]]]' "$D/scan.json" 2>/dev/null; cat "$D/scan.err")"
	fi
	# the same verdict from the snapshot `keyaudit collect` saves (net.hostcert*)
	"$KA" collect "kch1@$addr" -p $PORT -i "$D/id" --known-hosts "$D/$name.kh" \
	    --sshd-config "$D/$name/sshd_config" -o "$D/snap.json" >/dev/null 2>&1
	"$KA" scan --snapshot "$D/snap.json" --format json > "$D/snapscan.json" 2>/dev/null
	got=$(jq -r '.hosts[0] | [.status] + ([.findings[] | select(.check | test("^hostkey[.]|^cert[.]host-cert")) |
	    "\(.check):\(.blocks_login)"] | sort) | join(" ")' "$D/snapscan.json")
	if [ "$got" = "$want_scan" ]; then
		t_ok "$name: collect, then scan --snapshot: the same ($(jq -r '.net.hostcert // "no certificate judged"' "$D/snap.json"))"
	else
		t_nok "$name: scan --snapshot: expected '$want_scan', got '$got'"
	fi
	# diagnose with the server view read here (--local): the login is
	# made as ssh would try it, the certificate judged from the host's file
	local want_diag="refused hostkey.cert-untrusted"
	[ "$want_ssh" = ok ] && want_diag="ok "
	"$KA" diagnose "kch1@$addr" -p $PORT -i "$D/id" --known-hosts "$D/$name.kh" --local \
	    --sshd-config "$D/$name/sshd_config" --format json > "$D/diag.json" 2> "$D/diag.err"
	got=$(jq -r '"\(.verdict) \(if .cause then .cause.check else "" end)"' "$D/diag.json" 2>/dev/null)
	if [ "$got" = "$want_diag" ]; then
		t_ok "$name: diagnose --local: $got"
	else
		t_nok "$name: diagnose --local: expected '$want_diag', got '$got'" "$(jq -c '[.verdict, .cause, [.hosts[0].findings[]? | [.check, .blocks_login]]]' "$D/diag.json" 2>/dev/null; head -c 600 "$D/diag.json"; cat "$D/diag.err")"
	fi
	# diagnose from the client alone, given the host's certificate
	# (--host-cert): the same verdict
	if [ -n "$cert" ]; then
		"$KA" diagnose "kch1@$addr" -p $PORT -i "$D/id" --known-hosts "$D/$name.kh" \
		    --host-cert "$cert" --format json > "$D/diagc.json" 2> "$D/diagc.err"
		got=$(jq -r '"\(.verdict) \(if .cause then .cause.check else "" end)"' "$D/diagc.json" 2>/dev/null)
		if [ "$got" = "$want_diag" ]; then
			t_ok "$name: diagnose --host-cert (no server view): $got"
		else
			t_nok "$name: diagnose --host-cert: expected '$want_diag', got '$got'" "$(jq -c '[.verdict, .cause.message, [.hosts[0].findings[]? | [.check, .blocks_login]]]' "$D/diagc.json" 2>/dev/null; cat "$D/diagc.err")"
		fi
	fi
	# the reason ssh gave is the reason keyaudit gives, and the scan says
	# what it verified how
	local phrase=
	case $want_ssh in
	"refused: expired") phrase="expired" ;;
	"refused: not-yet-valid") phrase="not yet valid" ;;
	"refused: principal") phrase="not a listed principal" ;;
	"refused: signature-algorithm") phrase="disallowed algorithm" ;;
	"refused: revoked") phrase="@revoked" ;;
	esac
	if [ -n "$phrase" ]; then
		if jq -e --arg p "$phrase" '[.hosts[0].findings[] | select(.check == "hostkey.cert-untrusted") |
		    .message | contains($p) and contains("not presented on the wire")] | any' \
		    "$D/kh.json" >/dev/null &&
		    jq -e --arg p "$phrase" '[.hosts[0].findings[] | select(.check == "hostkey.cert-untrusted") |
		    .message | contains($p) and contains("as collected, not presented on the wire")] | any' \
		    "$D/scan.json" >/dev/null; then
			t_ok "$name: keyaudit's reason is ssh's ($phrase), and says the file was judged"
		else
			t_nok "$name: reason '$phrase' in both messages" "$(jq -c '[.hosts[0].findings[] | select(.check == "hostkey.cert-untrusted") | .message]' "$D/kh.json" "$D/scan.json")"
		fi
	fi
	[ -n "${EXTRA:-}" ] && "$EXTRA"
	t_sshd_stop "$name"
}

kg hk -t ed25519	# the host key every sshd serves
kg other -t ed25519	# a key no sshd holds
CA="$(cat "$D/ca.pub")"
CA2="$(cat "$D/ca2.pub")"
RSACA="$(cat "$D/rsaca.pub")"
NOW_OK="-V -5m:+1h"

# certify NAME CA ARGS...: $D/NAME-cert.pub for the host key
certify() { local n=$1 ca=$2; shift 2; cp "$D/hk.pub" "$D/$n.pub"; sign "$n" "$ca" "$@"; }

# without --host-cert, known-hosts cannot verify a CA-pinned host and says so
no_cert_given() {
	if "$KA" known-hosts 127.0.0.1 -p $PORT --known-hosts "$D/valid.kh" --format json 2>/dev/null |
	    jq -e '[.hosts[0].findings[] | select(.check == "hostkey.unknown") | .message |
	    contains("cannot ask a host for its certificate")] | any' >/dev/null; then
		t_ok "valid: known-hosts without --host-cert: hostkey.unknown, not verified, saying why"
	else
		t_nok "valid: known-hosts without --host-cert"
	fi
}

# 1. a valid host certificate pinned by @cert-authority: ssh logs in
certify valid ca -n 127.0.0.1,127.0.0.151,127.0.0.152,127.0.0.153,127.0.0.154,127.0.0.155,127.0.0.156,127.0.0.157,127.0.0.158,127.0.0.159 $NOW_OK
EXTRA=no_cert_given
scenario valid 127.0.0.1 "@cert-authority [127.0.0.1]:$PORT $CA" "$D/valid-cert.pub" \
    ok "" "scanned"
EXTRA=

# 2. the wrong CA pinned
scenario wrong-ca 127.0.0.151 "@cert-authority [127.0.0.151]:$PORT $CA2" "$D/valid-cert.pub" \
    "refused: unknown" "hostkey.cert-untrusted:true hostkey.unknown:true" \
    "scanned hostkey.cert-untrusted:true hostkey.unknown:true"

# 3. the name ssh connects to is not a principal
certify princ ca -n host.example,127.0.0.1 $NOW_OK
scenario principal 127.0.0.152 "@cert-authority [127.0.0.152]:$PORT $CA" "$D/princ-cert.pub" \
    "refused: principal" "hostkey.cert-untrusted:true hostkey.unknown:true" \
    "scanned cert.host-cert-principals:false hostkey.cert-untrusted:true hostkey.unknown:true"

# 4. expired
certify expired ca -n 127.0.0.153 -V 20200101:20200201
scenario expired 127.0.0.153 "@cert-authority [127.0.0.153]:$PORT $CA" "$D/expired-cert.pub" \
    "refused: expired" "hostkey.cert-untrusted:true hostkey.unknown:true" \
    "scanned cert.host-cert-expired:false hostkey.cert-untrusted:true hostkey.unknown:true"

# 5. not yet valid
certify future ca -n 127.0.0.154 -V +1d:+30d
scenario not-yet-valid 127.0.0.154 "@cert-authority [127.0.0.154]:$PORT $CA" "$D/future-cert.pub" \
    "refused: not-yet-valid" "hostkey.cert-untrusted:true hostkey.unknown:true" \
    "scanned cert.host-cert-not-yet-valid:false hostkey.cert-untrusted:true hostkey.unknown:true"

# 6. the CA is @revoked: ssh refuses outright
scenario revoked-ca 127.0.0.155 "@cert-authority [127.0.0.155]:$PORT $CA
@revoked [127.0.0.155]:$PORT $CA" "$D/valid-cert.pub" \
    "refused: revoked" "hostkey.cert-untrusted:true" \
    "scanned hostkey.cert-untrusted:true"

# 7. signed ssh-rsa (SHA-1): refused by ssh's CASignatureAlgorithms
certify sha1 rsaca -t ssh-rsa -n 127.0.0.156 $NOW_OK
scenario ssh-rsa-signed 127.0.0.156 "@cert-authority [127.0.0.156]:$PORT $RSACA" "$D/sha1-cert.pub" \
    "refused: signature-algorithm" "hostkey.cert-untrusted:true hostkey.unknown:true" \
    "scanned cert.host-cert-signature-algorithm:false hostkey.cert-untrusted:true hostkey.unknown:true"

# 8. a HostCertificate for a key sshd does not hold: sshd ignores it (its
# log says so), serves the plain key, and ssh knows no plain key. The
# certificate given to known-hosts certifies no key the host offers.
cp "$D/other.pub" "$D/nokey.pub"
sign nokey ca -n 127.0.0.157 $NOW_OK
scenario no-key 127.0.0.157 "@cert-authority [127.0.0.157]:$PORT $CA" "$D/nokey-cert.pub" \
    "refused: unknown" "hostkey.unknown:true" \
    "scanned cert.host-cert-no-key:false hostkey.cert-untrusted:true hostkey.unknown:true"
if grep -q "No matching private key for certificate: $D/nokey-cert.pub" "$D/no-key/log"; then
	t_ok "no-key: sshd logs 'No matching private key for certificate'"
else
	t_nok "no-key: sshd's log" "$(cat "$D/no-key/log")"
fi

# 9. a wildcard @cert-authority pattern covers the host
scenario wildcard 127.0.0.158 "@cert-authority [127.0.0.15?]:$PORT,*.example $CA" "$D/valid-cert.pub" \
    ok "" "scanned"

# 10. a certificate whose signature is broken: sshd cannot load it
python3 - "$D/valid-cert.pub" "$D/broken-cert.pub" <<'PY'
import base64, sys
t = open(sys.argv[1]).read().split()
b = bytearray(base64.b64decode(t[1]))
b[-3] ^= 0x01
open(sys.argv[2], "w").write(t[0] + " " + base64.b64encode(bytes(b)).decode() + "\n")
PY
scenario broken-signature 127.0.0.159 "@cert-authority [127.0.0.159]:$PORT $CA" "$D/broken-cert.pub" \
    "refused: unknown" "hostkey.cert-untrusted:true hostkey.unknown:true" \
    "scanned cert.host-cert-invalid:false hostkey.cert-untrusted:true hostkey.unknown:true"

# 11. no principals: valid for any name (sshkey_cert_check_host)
certify anyname ca $NOW_OK
scenario no-principals 127.0.0.151 "@cert-authority * $CA" "$D/anyname-cert.pub" \
    ok "" "scanned"

# 12. the CA pinned under the bare name only (ssh retries it off port 22)
scenario bare-name 127.0.0.152 "@cert-authority 127.0.0.152 $CA" "$D/valid-cert.pub" \
    ok "" "scanned"

t_finish
