#!/bin/bash
# Differential test of the certificate and KRL parsers (scanner/parse/cert.c,
# krl.c) against the real ssh-keygen, over fixtures/certs (made by
# fixtures/certs/make.sh):
#   - every certificate: each field cert_describe gives (type, public key
#     fingerprint, signing CA fingerprint and algorithm, key id, serial,
#     validity, principals, critical options, extensions) equals the line
#     `ssh-keygen -L -f CERT` prints (TZ=UTC);
#   - every certificate: cert_verify's verdict equals whether ssh-keygen
#     can read it at all (cert_parse in sshkey.c verifies the signature);
#   - every KRL x every certificate and public key: the revoked verdict
#     equals `ssh-keygen -Q -f KRL FILE`'s exit status;
#   - every KRL: its header and what it holds, counted, as
#     `ssh-keygen -Q -l` lists them;
#   - source-address lists: match_cidr_list refuses what ssh-keygen -O
#     source-address= refuses.
# Not root: nothing is made on the system.
#
# usage: tests/certparse/run.sh [build/tests/certtool]
set -u
cd "$(dirname "$0")/../.." || exit 3
BIN=${1:-build/tests/certtool}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
SUITE=certparse
. tests/lib.sh
[ -x "$BIN" ] || { t_nok "certtool" "$BIN is not built (make certtool)"; t_finish; }
command -v ssh-keygen >/dev/null || { t_skip certparse "ssh-keygen not found"; t_finish; }
t_setup "${TMPDIR:-/tmp}"
T=$T_BASE
export TZ=UTC
FX=fixtures/certs

# ssh-keygen -L's lines with its indentation taken off, the file line
# dropped: the layout cert_describe keeps.
keygen_L() {
	ssh-keygen -L -f "$1" 2>/dev/null | tail -n +2 | sed 's/^        //'
}

# One field (the line starting with NAME: and, for list fields, the
# indented lines under it).
field() {	# FILE NAME
	awk -v f="$2:" 'index($0, f) == 1 { on = 1; print; next }
	    on && /^        / { print; next } { on = 0 }' "$1"
}

FIELDS="Type|Public key|Signing CA|Key ID|Serial|Valid|Principals|Critical Options|Extensions"
ncert=0
for cert in "$FX"/*-cert.pub; do
	name=$(basename "$cert" -cert.pub)
	keygen_L "$cert" > "$T/want"
	"$BIN" verify "$cert" > "$T/verify" 2>&1
	vrc=$?
	if [ ! -s "$T/want" ]; then
		# ssh-keygen cannot read it: its signature must fail ours
		if [ "$vrc" -eq 1 ]; then
			t_ok "$name: ssh-keygen refuses it, cert_verify says invalid"
		else
			t_nok "$name: ssh-keygen refuses it, cert_verify says" "$(cat "$T/verify")"
		fi
		continue
	fi
	ncert=$((ncert + 1))
	if [ "$vrc" -eq 0 ]; then
		t_ok "$name: signature verifies, as ssh-keygen read it"
	else
		t_nok "$name: ssh-keygen reads it, cert_verify says" "$(cat "$T/verify")"
	fi
	if ! "$BIN" describe "$cert" > "$T/got" 2> "$T/err"; then
		t_nok "$name: cert_parse refused it" "$(cat "$T/err")"
		continue
	fi
	IFS='|'
	for f in $FIELDS; do
		field "$T/want" "$f" > "$T/wf"
		field "$T/got" "$f" > "$T/gf"
		if [ ! -s "$T/wf" ]; then
			t_nok "$name: ssh-keygen -L printed no '$f'"
		elif cmp -s "$T/wf" "$T/gf"; then
			t_ok "$name: $f"
		else
			t_nok "$name: $f" "$(diff "$T/wf" "$T/gf")"
		fi
	done
	unset IFS
	# and nothing more or less than ssh-keygen shows
	if cmp -s "$T/want" "$T/got"; then
		t_ok "$name: the whole of ssh-keygen -L"
	else
		t_nok "$name: the whole of ssh-keygen -L" "$(diff "$T/want" "$T/got")"
	fi
done
[ "$ncert" -ge 20 ] || t_nok "only $ncert certificates ssh-keygen reads"

# KRLs: every certificate ssh-keygen can read and every public key.
files=()
for f in "$FX"/*.pub; do
	case $f in *-cert.pub)
		ssh-keygen -L -f "$f" >/dev/null 2>&1 || continue ;;
	esac
	files+=("$f")
done
nrev=0
for krl in "$FX"/*.krl; do
	kname=$(basename "$krl" .krl)
	if ! "$BIN" krlinfo "$krl" > "$T/info"; then
		t_nok "$kname: krl_parse refused it" "$(cat "$T/info")"
		continue
	fi
	for f in "${files[@]}"; do
		ssh-keygen -Q -f "$krl" "$f" >/dev/null 2>&1
		want=$?
		"$BIN" revoked "$krl" "$f" > "$T/got" 2>&1
		got=$?
		fname=$(basename "$f")
		if [ "$want" -gt 1 ]; then
			t_nok "$kname x $fname: ssh-keygen -Q exit $want"
		elif [ "$want" -eq "$got" ]; then
			[ "$want" -eq 1 ] && nrev=$((nrev + 1))
			t_ok "$kname x $fname: $([ "$want" -eq 1 ] && echo revoked || echo not revoked)"
		else
			t_nok "$kname x $fname: ssh-keygen -Q exit $want, ours $got" "$(cat "$T/got")"
		fi
	done
done
# the KRLs must revoke something of every kind they hold
[ "$nrev" -ge 20 ] && t_ok "$nrev revoked verdicts among them" ||
    t_nok "only $nrev revoked verdicts"

# What ssh-keygen -Q -l (krl_dump) lists, counted as krl_counts counts:
# the header, serials (ranges summed), key ids, explicit keys ("hash:
# SHA256:fp # type"), SHA256 hashes (hex), SHA1 hashes, CA scopes.
dump_counts() {
	ssh-keygen -Q -l -f "$1" 2>/dev/null | awk '
	/^# KRL version / { print "version " $4 }
	/^# Generated at / { g = $4 }
	/^serial: / { split($2, r, "-"); serials += (r[2] == "" ? 1 : r[2] - r[1] + 1) }
	/^id: / { ids++ }
	/^hash: SHA256:.* # / { keys++; next }
	/^hash: SHA256:[0-9a-f]+$/ { sha256++ }
	/^# hash SHA1:/ { sha1++ }
	/^# CA key |^# Wildcard CA/ { cas++ }
	END {
		print "generated " g
		printf "serials %d\nkey_ids %d\nkeys %d\nsha1 %d\nsha256 %d\ncas %d\n",
		    serials, ids, keys, sha1, sha256, cas
	}'
}
for krl in "$FX"/*.krl; do
	kname=$(basename "$krl" .krl)
	dump_counts "$krl" > "$T/wantc"
	"$BIN" krlinfo "$krl" | grep -v '^comment' |
	    while read -r k v; do
		if [ "$k" = generated ]; then
			v=$(date -u -d "@$v" +%Y%m%dT%H%M%S)
		fi
		echo "$k $v"
	    done > "$T/gotc"
	for k in version generated serials key_ids keys sha1 sha256 cas; do
		w=$(sed -n "s/^$k //p" "$T/wantc")
		g=$(sed -n "s/^$k //p" "$T/gotc")
		if [ -n "$w" ] && [ "$w" = "$g" ]; then
			t_ok "$kname: $k $g"
		else
			t_nok "$kname: $k: ssh-keygen -Q -l '$w', ours '$g'"
		fi
	done
done

# source-address lists: ssh-keygen -O source-address= signs only what
# addr_match_cidr_list(NULL, LIST) accepts; so must match_cidr_list.
cp "$FX/k_other.pub" "$T/sa.pub"
# a clone checks the key out 0644, which ssh-keygen refuses to sign with
install -m 0600 "$FX/ca_ed25519.key" "$T/ca.key"
while IFS= read -r list; do
	rm -f "$T/sa-cert.pub"
	ssh-keygen -q -s "$T/ca.key" -I sa -O source-address="$list" \
	    "$T/sa.pub" >/dev/null 2>&1
	want=$?
	[ "$want" -ne 0 ] && want=1
	"$BIN" cidr "$list" >/dev/null
	got=$?
	if [ "$want" -eq "$got" ]; then
		t_ok "source-address '$list': $([ "$want" -eq 0 ] && echo valid || echo invalid)"
	else
		t_nok "source-address '$list': ssh-keygen $want, ours $got"
	fi
done <<'LISTS'
10.0.0.0/8
127.0.0.1
10.0.0.0/8,192.168.1.0/24
::1
2001:db8::/32
10.0.0.1/8
10.0.0.0/33
2001:db8::/129
*
10.0.0.*
!10.0.0.0/8
10.0.0.0/8,
,10.0.0.0/8
host.example
127.1
0x7f.0.0.1
10.0.0.0/
10.0.0.0/x
fe80::1%1
1.2.3.4/32,::/0
0.0.0.0/0
10.0.0.0 /8
LISTS

# A damaged KRL: ssh-keygen refuses it, so must krl_parse.
head -c 60 "$FX/krl_keys.krl" > "$T/short.krl"
printf 'SSHKRL\n\0\0\0\0\2' > "$T/fmt2.krl"
for bad in short fmt2; do
	if ssh-keygen -Q -f "$T/$bad.krl" "$FX/k_other.pub" >/dev/null 2>&1; then
		t_nok "$bad.krl: ssh-keygen loads it"
	elif "$BIN" krlinfo "$T/$bad.krl" >/dev/null; then
		t_nok "$bad.krl: krl_parse loads what ssh-keygen refuses"
	else
		t_ok "$bad.krl: refused by both"
	fi
done
t_finish
