#!/bin/sh
# knownhosts-diff.sh - keyaudit's known_hosts parser and host-key verdicts
# against the real OpenSSH:
#  (a) which lines match a name: `ssh-keygen -l -F NAME -f FILE` (only lines
#      whose key ssh can read, hashed ones included) against
#      `test_knownhosts --match NAME FILE`;
#  (b) verdicts: a throwaway sshd on 127.0.0.61:2261 and 127.0.0.62:22 with
#      its own host keys and a host certificate; for each known_hosts case,
#      real `ssh -o StrictHostKeyChecking=yes` (its stderr says OK, NEW,
#      CHANGED or REVOKED, and which line decided) against
#      `test_knownhosts --check FILE... -- HOST PORT KEY` for the key
#      ssh-keyscan reads from the server;
#  (c) the host key algorithm order ssh picks from known_hosts (ssh -vvv
#      "prefer hostkeyalgs") against kh_order_hostkeyalgs().
# ssh never writes a known_hosts file here (StrictHostKeyChecking=yes,
# UpdateHostKeys=no, -F /dev/null); the script checks that ~/.ssh is unchanged.
#
# Usage: tests/cli/knownhosts-diff.sh [-v] BUILD/tests/test_knownhosts
# (b) and (c) need root (sshd); without root only (a) runs.
set -u
verbose=0
[ "${1:-}" = "-v" ] && { verbose=1; shift; }
bin=${1:-}
[ -n "$bin" ] || { echo "usage: $0 [-v] TEST_KNOWNHOSTS_BINARY" >&2; exit 2; }
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
[ -x "$bin" ] || { echo "knownhosts-diff: no test binary at $bin" >&2; exit 2; }
H1=127.0.0.61 P1=2261 H2=127.0.0.62

SUITE=knownhosts-diff
. "$(dirname "$0")/../lib.sh"
t_setup "${TMPDIR:-/tmp}"	# no sshd StrictModes walk starts below it
tmp=$T_BASE

# ~/.ssh must be the same afterwards.
home_ssh=$(getent passwd "$(id -un)" | cut -d: -f6)/.ssh
state_of_home() { ls -la --time-style=full-iso "$home_ssh" 2>/dev/null; cat "$home_ssh"/known_hosts* 2>/dev/null | cksum; }
home_before=$(state_of_home)

keygen() { ssh-keygen -q -t "$1" -N '' -C "$2" -f "$tmp/$2" </dev/null >/dev/null; }
b64() { cut -d' ' -f2 "$tmp/$1.pub"; }

for k in ka kb kc ca ca2; do keygen ed25519 $k; done
keygen rsa ra
keygen ecdsa ea

# --- (a) which lines match a name ---------------------------------------

A=$(b64 ka) B=$(b64 kb) C=$(b64 kc) R=$(b64 ra) E=$(b64 ea)
m=$tmp/match
cat >"$m.plain" <<EOF
# comment
host.example ssh-ed25519 $A
HOST2.Example,host3.example ssh-rsa $R c
*.wild.example ssh-ed25519 $B
!bad.wild.example,*.wild.example ecdsa-sha2-nistp256 $E
[host.example]:2222 ssh-ed25519 $C
[host.example]:* ssh-ed25519 $A
host?.example ssh-ed25519 $B
@cert-authority *.example ssh-ed25519 $(b64 ca)
@revoked host.example ssh-ed25519 $B
@revoked	host.example ssh-ed25519 $B
@revoked	host.example	ssh-ed25519	$B
@REVOKED host.example ssh-ed25519 $B
host.example ssh-rsa $A
host.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAeBt7Laz
host.example ssh-ed25519
host.example
host.example,,x ssh-ed25519 $A
,host4.example ssh-ed25519 $A
 	host5.example	ssh-ed25519  $A  trailing comment
host6.example rsa-sha2-512 $R
Upper.Example ssh-ed25519 $A
10.1.2.3,[10.1.2.3]:2200 ssh-ed25519 $B
host.example 1024 35 12345
host.example ssh-ed25519 ${A}
host.example ssh-ed25519 $A
EOF
printf 'host.example ssh-ed25519 %s\r\n' "$A" >>"$m.plain"
printf 'host.example ssh-ed25519 %s\0junk\n' "$B" >>"$m.plain"
# The same names hashed (ssh-keygen -H writes one line per name).
cp "$m.plain" "$m.hashed"
ssh-keygen -q -H -f "$m.hashed" >/dev/null 2>&1
rm -f "$m.hashed.old"
# A few broken hashed fields.
cat >>"$m.hashed" <<EOF
|2|abc|def ssh-ed25519 $A
|1|VP+MLIQTka+d0KVSO7mgW9cxOds= ssh-ed25519 $A
|1|VP+MLIQTka+d0KVSO7mg|sIkk1Ll6tafP5a0OY/KbUdhzRnc= ssh-ed25519 $A
|1|VP+MLIQTka+d0KVSO7mgW9cxOds=|sIkk1Ll6tafP5a0OY/KbUdhzRnc=,x ssh-ed25519 $A
EOF

names="host.example HOST.EXAMPLE Host.Example host2.example HOST2.EXAMPLE
host3.example a.wild.example bad.wild.example x.bad.wild.example
[host.example]:2222 [host.example]:2200 [HOST.example]:2222 hostx.example
host5.example host6.example upper.example Upper.Example 10.1.2.3
[10.1.2.3]:2200 x host4.example nothing.example example"
for f in "$m.plain" "$m.hashed"; do
	for n in $names; do
		ssh-keygen -l -F "$n" -f "$f" 2>/dev/null |
		    sed -n 's/^# Host .* found: line \([0-9]*\) *\(.*\)$/\1 \2/p' |
		    sed 's/ *$//' >"$tmp/want"
		"$bin" --match "$n" "$f" | sed 's/^.*:\([0-9]*\)/\1/' >"$tmp/got"
		if cmp -s "$tmp/want" "$tmp/got"; then
			t_ok "match $(basename "$f") $n: $(tr '\n' ' ' <"$tmp/want")"
		else
			t_nok "match $(basename "$f") $n: ssh-keygen [$(tr '\n' ' ' <"$tmp/want")] keyaudit [$(tr '\n' ' ' <"$tmp/got")]"
		fi
	done
done

if [ "$(id -u)" != 0 ]; then
	t_skip "verdicts against a real ssh" "sshd needs root"
	t_finish
fi

# --- (b) verdicts against a real ssh -------------------------------------

keygen ed25519 host_ed25519
keygen rsa host_rsa
ssh-keygen -q -s "$tmp/ca" -I kh-diff -h -n "$H1,$H2" -V always:forever \
    "$tmp/host_ed25519.pub" >/dev/null 2>&1
if ! t_sshd kh "$H1" "$P1" "ListenAddress $H2:22" \
    "HostKey $tmp/host_ed25519" "HostKey $tmp/host_rsa" \
    "HostCertificate $tmp/host_ed25519-cert.pub" "AuthorizedKeysFile none"; then
	t_nok "sshd did not start: $T_SSHD_WHY"
	t_finish
fi

# What the server presents, as ssh-keyscan reads it.
ssh-keyscan -t ed25519 -p "$P1" "$H1" 2>/dev/null | grep -v '^#' >"$tmp/srv_ed"
ssh-keyscan -t rsa -p "$P1" "$H1" 2>/dev/null | grep -v '^#' >"$tmp/srv_rsa"
ssh-keyscan -c -t ed25519 -p "$P1" "$H1" 2>/dev/null | grep -v '^#' >"$tmp/srv_cert"
K=$(cut -d' ' -f3 "$tmp/srv_ed")
KR=$(cut -d' ' -f3 "$tmp/srv_rsa")
grep -q ssh-ed25519-cert "$tmp/srv_cert" || t_nok "ssh-keyscan -c gave no certificate"
[ "$K" = "$(b64 host_ed25519)" ] || t_nok "ssh-keyscan key is not the host key"
CA=$(b64 ca) CA2=$(b64 ca2) HK1="[$H1]:$P1"

# ssh's verdict and the line it names, from its stderr.
ssh_verdict() {	# ERRFILE
	st=?
	if grep -q "REVOKED HOST KEY" "$1"; then st=REVOKED
	elif grep -q "REMOTE HOST IDENTIFICATION HAS CHANGED" "$1"; then st=CHANGED
	elif grep -q "Permission denied" "$1"; then st=OK
	elif grep -q "Host key verification failed" "$1"; then st=NEW
	fi
	where=
	case $st in
	OK) where=$(sed -n 's/^debug1: Found \(CA \)\{0,1\}key in \(.*\)$/\2/p' "$1" | tail -n 1) ;;
	CHANGED) where=$(sed -n 's/^Offending [A-Z0-9-]* key in \(.*\)$/\1/p' "$1" | tail -n 1) ;;
	esac
	echo "$st${where:+ $where}"
}

# case NAME HOSTKEYALGS HOST PORT ALIAS KEYFILE -- KNOWN_HOSTS_LINES...
# Lines go to a user file; a line "--global" switches to a global file,
# "--user2" to a second user file.
n=0
case_() {
	name=$1 algs=$2 host=$3 port=$4 alias=$5 keyfile=$6
	shift 7
	n=$((n + 1))
	u1=$tmp/kh$n.user u2=$tmp/kh$n.user2 g=$tmp/kh$n.global
	: >"$u1"; : >"$u2"; : >"$g"
	out=$u1
	for l in "$@"; do
		case $l in
		--global) out=$g ;;
		--user2) out=$u2 ;;
		--hash) ssh-keygen -q -H -f "$out" >/dev/null 2>&1; rm -f "$out.old" ;;
		*) printf '%s\n' "$l" >>"$out" ;;
		esac
	done
	set -- -F /dev/null -v -o BatchMode=yes -o StrictHostKeyChecking=yes \
	    -o "UserKnownHostsFile=$u1 $u2" -o "GlobalKnownHostsFile=$g" \
	    -o UpdateHostKeys=no -o CheckHostIP=no -o HostKeyAlgorithms="$algs" \
	    -o IdentitiesOnly=yes -o IdentityFile=none -o IdentityAgent=none \
	    -o PreferredAuthentications=publickey -o ConnectTimeout=10 -p "$port"
	[ -n "$alias" ] && set -- "$@" -o HostKeyAlias="$alias"
	# ssh ends its log lines with CR LF
	ssh "$@" "nobody@$host" true </dev/null 2>&1 >/dev/null |
	    tr -d '\r' >"$tmp/err"
	want=$(ssh_verdict "$tmp/err")
	if [ -n "$alias" ]; then
		got=$("$bin" --check "$u1" "$u2" "$g" -- "$alias" 0 "$keyfile")
	else
		got=$("$bin" --check "$u1" "$u2" "$g" -- "$host" "$port" "$keyfile")
	fi
	gotv=${got%% lookup=*}
	# ssh names no line for a revoked key
	[ "$want" = REVOKED ] && gotv=${gotv%% *}
	if [ "$want" = "$gotv" ]; then
		t_ok "$name: $want ($got)"
	else
		t_nok "$name: ssh says '$want', keyaudit '$got'"
		[ $verbose = 1 ] && grep -v '^debug' "$tmp/err" | sed 's/^/    ssh: /' | head -8
	fi
}

ED=ssh-ed25519 RSA=rsa-sha2-256 CERT=ssh-ed25519-cert-v01@openssh.com
SE=$tmp/srv_ed SR=$tmp/srv_rsa SC=$tmp/srv_cert

case_ "matching key" $ED $H1 $P1 "" $SE -- "$HK1 ssh-ed25519 $K"
case_ "unknown host" $ED $H1 $P1 "" $SE -- "other.example ssh-ed25519 $K"
case_ "empty files" $ED $H1 $P1 "" $SE --
case_ "other key, same type" $ED $H1 $P1 "" $SE -- "$HK1 ssh-ed25519 $A"
case_ "other type only" $ED $H1 $P1 "" $SE -- "$HK1 ssh-rsa $R"
case_ "others, then the key" $ED $H1 $P1 "" $SE -- "$HK1 ssh-ed25519 $A" \
    "$HK1 ssh-rsa $R" "$HK1 ssh-ed25519 $K"
case_ "two others: last named" $ED $H1 $P1 "" $SE -- "$HK1 ssh-ed25519 $A" \
    "x ssh-ed25519 $K" "$HK1 ecdsa-sha2-nistp256 $E" "y ssh-ed25519 $B"
case_ "revoked" $ED $H1 $P1 "" $SE -- "$HK1 ssh-ed25519 $K" \
    "@revoked $HK1 ssh-ed25519 $K"
case_ "revoked by wildcard" $ED $H1 $P1 "" $SE -- "$HK1 ssh-ed25519 $K" \
    "@revoked * ssh-ed25519 $K"
case_ "revoked for another host" $ED $H1 $P1 "" $SE -- "$HK1 ssh-ed25519 $K" \
    "@revoked other.example ssh-ed25519 $K"
case_ "revoked, no entry" $ED $H1 $P1 "" $SE -- "@revoked $HK1 ssh-ed25519 $K"
case_ "revoked marker with tab (invalid)" $ED $H1 $P1 "" $SE -- \
    "$HK1 ssh-ed25519 $K" "@revoked	$HK1 ssh-ed25519 $K"
case_ "revoked marker with tabs only" $ED $H1 $P1 "" $SE -- \
    "$HK1 ssh-ed25519 $K" "@revoked	$HK1	ssh-ed25519	$K"
case_ "hashed entry" $ED $H1 $P1 "" $SE -- "$HK1 ssh-ed25519 $K" --hash
case_ "hashed other key" $ED $H1 $P1 "" $SE -- "$HK1 ssh-ed25519 $A" --hash
case_ "hashed bare name" $ED $H1 $P1 "" $SE -- "$H1 ssh-ed25519 $K" --hash
case_ "pattern entry" $ED $H1 $P1 "" $SE -- "[127.0.0.6?]:2261 ssh-ed25519 $K"
case_ "pattern port wildcard" $ED $H1 $P1 "" $SE -- "[$H1]:* ssh-ed25519 $K"
case_ "wildcard" $ED $H1 $P1 "" $SE -- "* ssh-ed25519 $K"
case_ "wildcard other key" $ED $H1 $P1 "" $SE -- "* ssh-ed25519 $A"
case_ "negated pattern" $ED $H1 $P1 "" $SE -- "!$HK1,* ssh-ed25519 $K"
case_ "negated other" $ED $H1 $P1 "" $SE -- "!other,* ssh-ed25519 $K"
case_ "negation after match" $ED $H1 $P1 "" $SE -- "*,![127.0.0.61]:* ssh-ed25519 $K"
case_ "bare host only (port retry)" $ED $H1 $P1 "" $SE -- "$H1 ssh-ed25519 $K"
case_ "bare host, other key" $ED $H1 $P1 "" $SE -- "$H1 ssh-ed25519 $A"
case_ "bare host, revoked" $ED $H1 $P1 "" $SE -- "$H1 ssh-ed25519 $K" \
    "@revoked $H1 ssh-ed25519 $K"
case_ "bare host, other type" $ED $H1 $P1 "" $SE -- "$H1 ssh-rsa $R"
case_ "port entry other, bare match" $ED $H1 $P1 "" $SE -- \
    "$HK1 ssh-ed25519 $A" "$H1 ssh-ed25519 $K"
case_ "cert-authority only, plain key" $ED $H1 $P1 "" $SE -- \
    "@cert-authority * ssh-ed25519 $CA"
case_ "bad lines, then the key" $ED $H1 $P1 "" $SE -- "$HK1 ssh-ed25519" \
    "$HK1 ssh-rsa $K" "$HK1" "@bogus $HK1 ssh-ed25519 $A" "$HK1 ssh-ed25519 $K"
case_ "CRLF line" $ED $H1 $P1 "" $SE -- "$HK1 ssh-ed25519 $K"$(printf '\r')
case_ "upper-case entry" $ED $H1 $P1 "" $SE -- "[127.0.0.61]:2261 ssh-ed25519 $K"
case_ "user file beats nothing, global match" $ED $H1 $P1 "" $SE -- \
    "$HK1 ssh-ed25519 $A" --global "$HK1 ssh-ed25519 $K"
case_ "others across files" $ED $H1 $P1 "" $SE -- "$HK1 ssh-ed25519 $A" \
    --user2 "$HK1 ssh-ed25519 $B" --global "$HK1 ssh-rsa $R"
case_ "revoked in global file" $ED $H1 $P1 "" $SE -- "$HK1 ssh-ed25519 $K" \
    --global "@revoked * ssh-ed25519 $K"
# port 22: the bare name, never [host]:22
case_ "port 22 bare" $ED $H2 22 "" $SE -- "$H2 ssh-ed25519 $K"
case_ "port 22 bracketed" $ED $H2 22 "" $SE -- "[$H2]:22 ssh-ed25519 $K"
case_ "port 22 other" $ED $H2 22 "" $SE -- "$H2 ssh-ed25519 $A"
# HostKeyAlias: lower-cased, no port, no retry
case_ "alias" $ED $H1 $P1 MyAlias $SE -- "myalias ssh-ed25519 $K"
case_ "alias upper-case entry" $ED $H1 $P1 MyAlias $SE -- "MYALIAS ssh-ed25519 $K"
case_ "alias with port entry" $ED $H1 $P1 MyAlias $SE -- "[myalias]:$P1 ssh-ed25519 $K"
case_ "alias hashed" $ED $H1 $P1 MyAlias $SE -- "myalias ssh-ed25519 $K" --hash
case_ "alias other key" $ED $H1 $P1 MyAlias $SE -- "myalias ssh-ed25519 $A"
# RSA: the type word does not matter, the key does
case_ "rsa as rsa-sha2-512" $RSA $H1 $P1 "" $SR -- "$HK1 rsa-sha2-512 $KR"
case_ "rsa as ssh-rsa" $RSA $H1 $P1 "" $SR -- "$HK1 ssh-rsa $KR"
case_ "rsa other" $RSA $H1 $P1 "" $SR -- "$HK1 ssh-rsa $R"
case_ "rsa, ed25519 known" $RSA $H1 $P1 "" $SR -- "$HK1 ssh-ed25519 $K"
# certificates
case_ "cert: CA" $CERT $H1 $P1 "" $SC -- "@cert-authority * ssh-ed25519 $CA"
case_ "cert: CA for the name" $CERT $H1 $P1 "" $SC -- "@cert-authority $HK1 ssh-ed25519 $CA"
case_ "cert: CA for the bare name" $CERT $H1 $P1 "" $SC -- "@cert-authority $H1 ssh-ed25519 $CA"
case_ "cert: other CA" $CERT $H1 $P1 "" $SC -- "@cert-authority * ssh-ed25519 $CA2"
case_ "cert: other CA, plain key known" $CERT $H1 $P1 "" $SC -- \
    "@cert-authority * ssh-ed25519 $CA2" "$HK1 ssh-ed25519 $K"
case_ "cert: no CA, plain key known" $CERT $H1 $P1 "" $SC -- "$HK1 ssh-ed25519 $K"
case_ "cert: no CA, other key" $CERT $H1 $P1 "" $SC -- "$HK1 ssh-ed25519 $A"
case_ "cert: CA revoked" $CERT $H1 $P1 "" $SC -- "@cert-authority * ssh-ed25519 $CA" \
    "@revoked * ssh-ed25519 $CA"
case_ "cert: key revoked" $CERT $H1 $P1 "" $SC -- "@cert-authority * ssh-ed25519 $CA" \
    "@revoked * ssh-ed25519 $K"
case_ "cert: principal mismatch (alias)" $CERT $H1 $P1 other $SC -- \
    "@cert-authority * ssh-ed25519 $CA"
case_ "cert: CA line as plain line" $CERT $H1 $P1 "" $SC -- "$HK1 ssh-ed25519 $CA"

# --- (c) host key algorithm order ----------------------------------------

ALGS=$(ssh -F /dev/null -G "$H1" 2>/dev/null | sed -n 's/^hostkeyalgorithms //p')
order_case() {	# NAME PORT LINES...
	name=$1 port=$2
	shift 2
	n=$((n + 1))
	f=$tmp/kh$n.order
	: >"$f"
	for l in "$@"; do printf '%s\n' "$l" >>"$f"; done
	ssh -F /dev/null -vvv -o BatchMode=yes -o StrictHostKeyChecking=yes \
	    -o "UserKnownHostsFile=$f" -o GlobalKnownHostsFile=/dev/null \
	    -o UpdateHostKeys=no -o IdentitiesOnly=yes -o IdentityFile=none \
	    -o IdentityAgent=none -o PreferredAuthentications=publickey \
	    -p "$port" "nobody@$H1" true </dev/null 2>&1 >/dev/null |
	    tr -d '\r' >"$tmp/err"
	want=$(sed -n 's/^debug2: host key algorithms: //p' "$tmp/err" | head -n 1)
	got=$("$bin" --order "$H1" "$port" "$ALGS" "$f")
	if [ -n "$want" ] && [ "$want" = "$got" ]; then
		t_ok "order $name"
	else
		t_nok "order $name: ssh '$want' keyaudit '$got'"
	fi
}
order_case "nothing known" $P1
order_case "rsa known" $P1 "$HK1 ssh-rsa $KR"
order_case "ed25519 known" $P1 "$HK1 ssh-ed25519 $K"
order_case "ecdsa and rsa known" $P1 "$HK1 ssh-rsa $KR" "$HK1 ecdsa-sha2-nistp256 $E"
order_case "CA known" $P1 "@cert-authority * ssh-ed25519 $CA" "$HK1 ssh-rsa $KR"
order_case "bare name only" $P1 "$H1 ssh-rsa $KR"
order_case "rsa known, revoked" $P1 "$HK1 ssh-rsa $KR" "@revoked * ssh-rsa $KR"

# --- ~/.ssh untouched -----------------------------------------------------

if [ "$(state_of_home)" = "$home_before" ]; then
	t_ok "~/.ssh unchanged"
else
	t_nok "~/.ssh changed during the test"
fi
t_finish
