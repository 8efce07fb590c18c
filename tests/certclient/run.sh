#!/bin/bash
# certclient/run.sh - the client side of a certificate login (issue 18):
# what ssh offers (FILE-cert.pub beside an identity file, CertificateFile,
# the agent's certificates, IdentitiesOnly) and what it cannot sign, side by
# side with `keyaudit diagnose` (client view: no view of the server).
#
# Each scenario first runs the real ssh (the oracle) as the client account
# kccc with BatchMode and the scenario's -i, ssh_config and agent; then
# `keyaudit diagnose kccu@127.0.0.1:2430` as kccc with the same -i, -F and
# agent, and requires the same verdict, the scenario's cause and, where set,
# words in the cause's message and the subject (.key). One real sshd on
# 127.0.0.1:2430 trusts the CA ca.pub (TrustedUserCAKeys); its config is
# rewritten and sshd restarted when a scenario changes it.
#
# Usage (as root): bash tests/certclient/run.sh [NAME-SUBSTRING...]
set -u
cd "$(dirname "$0")/../.." || exit 1
SUITE=certclient
. tests/lib.sh
t_need_root

PORT=2430
TIMEOUT=4
KA=${KEYAUDIT:-$PWD/keyaudit}
for t in /usr/sbin/sshd ssh ssh-keygen ssh-agent ssh-add jq runuser; do
	command -v "$t" >/dev/null 2>&1 || { t_nok "missing tool: $t"; t_finish; }
done
[ -x "$KA" ] || { t_nok "$KA not found (run make first)"; t_finish; }
if t_in_use "127.0.0.1:$PORT"; then
	t_nok "127.0.0.1:$PORT is in use"
	t_finish
fi

t_setup
B=$T_BASE
C=$B/c			# the client's files (kccc, 0700)
S=$B/s			# the server's: CAs, sshd's config and log
K=$B/keys		# the pristine keys and certificates
mkdir -m 0700 "$K"
mkdir -m 0755 "$S" "$B/bin"
install -m 0755 "$KA" "$B/bin/keyaudit"
KEYAUDIT=$B/bin/keyaudit
t_user kccc /bin/bash || { t_nok "account kccc"; t_finish; }
t_user kccu /bin/bash || { t_nok "account kccu"; t_finish; }
mkdir -m 0700 "$C"
chown kccc:kccc "$C"

gen() {	# gen NAME TYPE [BITS]
	ssh-keygen -q -t "$2" ${3:+-b "$3"} -N '' -C "kcc-$1" -f "$K/$1" </dev/null >/dev/null
}
sign() {	# sign CA KEY ID [ssh-keygen options...]: KEY-cert.pub
	local ca=$1 key=$2 id=$3
	shift 3
	ssh-keygen -q -s "$S/$ca" -I "$id" "$@" "$K/$key.pub" </dev/null >/dev/null
}
{
	ssh-keygen -q -t ed25519 -N '' -C kcc-ca -f "$S/ca" &&
	ssh-keygen -q -t ed25519 -N '' -C kcc-ca-other -f "$S/ca_other" &&
	ssh-keygen -q -t ed25519 -N '' -C kcc-host -f "$S/hk" &&
	gen k ed25519 && gen k2 ed25519 && gen r rsa 3072 && gen e ed25519 &&
	gen n ed25519 && gen u ed25519 && gen h ed25519 && gen ec ecdsa 384 &&
	sign ca k kcc-k -n kccu &&
	sign ca k2 kcc-k2 -n kccu &&
	sign ca r kcc-r -n kccu &&
	sign ca ec kcc-ec -n kccu &&
	sign ca e kcc-expired -n kccu -V 20200101000000:20200102000000 &&
	sign ca n kcc-future -n kccu -V 20990101000000:20990102000000 &&
	sign ca_other u kcc-untrusted -n kccu &&
	gen p ed25519 && sign ca p kcc-other-principal -n someone-else &&
	sign ca h kcc-host-cert -h -n kccu
	gen bad ed25519 && sign ca bad kcc-bad -n kccu &&
	# the last byte of the CA's signature changed: ssh cannot load it
	python3 -c 'import base64, sys
t, b, *c = open(sys.argv[1]).read().split()
d = bytearray(base64.b64decode(b)); d[-1] ^= 1
open(sys.argv[1], "w").write(t + " " + base64.b64encode(bytes(d)).decode() + "\n")' "$K/bad-cert.pub"
} || { t_nok "keys and certificates"; t_finish; }
KH=$C/known_hosts

# ---------------------------------------------------------------------------
# The world of one scenario.

SSHD_RUNNING=
SSHD_LINES=

reset() {
	stop_agent
	rm -rf "${C:?}"/* /home/kccu/.ssh /home/kccc/.ssh
	install -d -m 0700 -o kccu -g kccu /home/kccu/.ssh
	: > /home/kccu/.ssh/authorized_keys
	chown kccu:kccu /home/kccu/.ssh/authorized_keys
	chmod 0600 /home/kccu/.ssh/authorized_keys
	echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$S/hk.pub")" > "$KH"
	chmod 0644 "$KH"
	EXPECT= KEYS=() CC=() AGENT=() SC=() WANT_MSG= WANT_KEY= WANT_FINDING= VIEW= WANT_TEXT=
}

# put NAME [AS]: a key (and its certificate and .pub) in the client's dir.
put() {
	local f to=${2:-$1}
	for f in "$K/$1" "$K/$1.pub" "$K/$1-cert.pub"; do
		[ -e "$f" ] || continue
		install -m 0600 -o kccc -g kccc "$f" "$C/$to${f#"$K/$1"}"
	done
	chmod 0644 "$C/$to".pub "$C/$to"-cert.pub 2>/dev/null
	return 0
}

authorize() {	# authorize KEY: its plain key in kccu's authorized_keys
	cat "$K/$1.pub" >> /home/kccu/.ssh/authorized_keys
}

write_cfg() {
	local l
	{
		for l in "${CC[@]}"; do
			echo "$l"
		done
		echo "Host *"
		echo "    UserKnownHostsFile $KH"
		echo "    GlobalKnownHostsFile /dev/null"
		echo "    StrictHostKeyChecking yes"
		echo "    BatchMode yes"
		echo "    ConnectTimeout $TIMEOUT"
		echo "    ConnectionAttempts 1"
	} > "$C/ssh_config"
	chown kccc:kccc "$C/ssh_config"
	chmod 0644 "$C/ssh_config"
}

start_sshd() {
	local lines
	lines=$(printf '%s\n' "TrustedUserCAKeys $S/ca.pub" "HostKey $S/hk" "${SC[@]}")
	[ -n "$SSHD_RUNNING" ] && [ "$lines" = "$SSHD_LINES" ] && return 0
	t_sshd_stop s
	SSHD_RUNNING=
	T_SSHD_LOG=$S/sshd.log t_sshd s 127.0.0.1 "$PORT" "TrustedUserCAKeys $S/ca.pub" \
	    "HostKey $S/hk" "${SC[@]}" >/dev/null || return 1
	SSHD_RUNNING=1 SSHD_LINES=$lines
}

# an ssh-agent of kccc's holding the keys given as paths under $C (ssh-add
# loads FILE-cert.pub beside FILE too)
AGENT_PID= SOCK=
start_agent() {
	local k out
	SOCK=$C/agent/sock
	install -d -m 0700 -o kccc -g kccc "$C/agent"
	out=$(runuser -u kccc -- ssh-agent -a "$SOCK") || return 1
	AGENT_PID=$(printf '%s\n' "$out" | sed -n 's/^SSH_AGENT_PID=\([0-9]*\);.*/\1/p')
	t_cleanup_add proc "$AGENT_PID ssh-agent"
	for k in "$@"; do
		runuser -u kccc -- env -i SSH_AUTH_SOCK="$SOCK" ssh-add -q "$C/$k" \
		    </dev/null >/dev/null 2>&1 || return 1
	done
}
stop_agent() {
	[ -n "$AGENT_PID" ] && t_kill "$AGENT_PID" ssh-agent
	AGENT_PID= SOCK=
}

as_client() {
	runuser -u kccc -- env -i PATH=/usr/bin:/bin:/usr/sbin:/sbin HOME=/home/kccc \
	    USER=kccc LOGNAME=kccc LANG=C ${SOCK:+SSH_AUTH_SOCK="$SOCK"} "$@"
}

# ---------------------------------------------------------------------------
# The scenarios: each describes its world; EXPECT is "ok" or the cause's id.

NAMES=()
sc() { NAMES+=("$1"); }

sc cert-beside-i
cert-beside-i() {	# -i k with k-cert.pub beside it; the plain key is unknown
	put k
	KEYS=("$C/k")
	EXPECT=ok WANT_KEY='ssh-ed25519-cert-v01@openssh.com .*k-cert\.pub'
}

sc i-names-the-certificate
i-names-the-certificate() {	# -i KEY-cert.pub, KEY beside it: ssh offers the
	# certificate and then tries to load KEY-cert.pub itself to sign
	put k
	KEYS=("$C/k-cert.pub")
	EXPECT=client.cert-no-key WANT_KEY='ssh-ed25519-cert-v01@openssh.com'
}

sc default-identity-cert
default-identity-cert() {	# no -i, no IdentityFile: ~/.ssh/id_ed25519 and
	# its id_ed25519-cert.pub, ssh's defaults
	install -d -m 0700 -o kccc -g kccc /home/kccc/.ssh
	install -m 0600 -o kccc -g kccc "$K/k" /home/kccc/.ssh/id_ed25519
	install -m 0644 -o kccc -g kccc "$K/k.pub" /home/kccc/.ssh/id_ed25519.pub
	install -m 0644 -o kccc -g kccc "$K/k-cert.pub" /home/kccc/.ssh/id_ed25519-cert.pub
	EXPECT=ok WANT_KEY='ssh-ed25519-cert-v01@openssh.com .*id_ed25519-cert\.pub'
}

sc plain-key-first
plain-key-first() {	# the plain key is authorized too: ssh offers it first,
	# and it is the key that logs in
	put k
	authorize k
	KEYS=("$C/k")
	EXPECT=ok WANT_KEY='^ssh-ed25519 SHA256:'
}

sc certificatefile
certificatefile() {	# CertificateFile (elsewhere) + IdentityFile of its key
	put k2
	install -d -m 0700 -o kccc -g kccc "$C/certs"
	mv "$C/k2-cert.pub" "$C/certs/mine.pub"
	CC=("CertificateFile $C/certs/mine.pub" "IdentityFile $C/k2")
	EXPECT=ok WANT_KEY='cert-v01@openssh.com .*certs/mine\.pub'
}

sc agent-cert
agent-cert() {		# only the agent holds k and its certificate
	put k
	AGENT=(k)
	EXPECT=ok WANT_KEY='ssh-ed25519-cert-v01@openssh.com'
}

sc agent-plain-signs-certificatefile
agent-plain-signs-certificatefile() {	# the agent holds the plain key only;
	# ssh offers the CertificateFile and has the agent sign with the key
	put k
	install -d -m 0700 -o kccc -g kccc "$C/certs" "$C/plain"
	mv "$C/k-cert.pub" "$C/certs/k.cert"
	mv "$C/k" "$C/plain/k"
	rm -f "$C/k.pub"
	CC=("CertificateFile $C/certs/k.cert")
	AGENT=(plain/k)
	EXPECT=ok WANT_KEY='cert-v01@openssh.com .*certs/k\.cert'
}

sc identitiesonly-agent-cert
identitiesonly-agent-cert() {	# IdentitiesOnly: the agent's certificate is
	# used because KEY-cert.pub beside -i KEY is the same certificate
	put k
	CC=("IdentitiesOnly yes")
	KEYS=("$C/k")
	AGENT=(k)
	EXPECT=ok WANT_KEY='ssh-ed25519-cert-v01@openssh.com'
}

sc identitiesonly-hides-agent-cert
identitiesonly-hides-agent-cert() {	# IdentitiesOnly: the agent's certificate
	# is never offered; the -i key is unknown to the server
	put k
	put u k_other
	rm -f "$C/k_other-cert.pub"
	CC=("IdentitiesOnly yes")
	KEYS=("$C/k_other")
	AGENT=(k)
	EXPECT=client.identities-only WANT_MSG="agent's certificate"
}

sc identitiesonly-certificatefile-agent-key
identitiesonly-certificatefile-agent-key() {	# IdentitiesOnly + CertificateFile,
	# the key only in the agent: ssh drops the agent's identities (no
	# identity file holds them) and has nothing to sign with
	put k
	install -d -m 0700 -o kccc -g kccc "$C/certs"
	cp "$C/k-cert.pub" "$C/certs/k.cert"
	chown kccc:kccc "$C/certs/k.cert"
	CC=("IdentitiesOnly yes" "CertificateFile $C/certs/k.cert")
	AGENT=(k)
	EXPECT=client.cert-no-key WANT_MSG='IdentitiesOnly'
}

sc cert-without-private-key
cert-without-private-key() {	# a CertificateFile whose key no file or agent holds
	put k2
	install -d -m 0700 -o kccc -g kccc "$C/certs"
	mv "$C/k2-cert.pub" "$C/certs/k2-cert.pub"
	rm -f "$C/k2" "$C/k2.pub"
	put u
	rm -f "$C/u-cert.pub"
	CC=("CertificateFile $C/certs/k2-cert.pub")
	KEYS=("$C/u")
	EXPECT=client.cert-no-key WANT_MSG='no private key'
}

sc cert-of-another-key
cert-of-another-key() {	# k-cert.pub certifies k2, not k
	put k
	install -m 0644 -o kccc -g kccc "$K/k2-cert.pub" "$C/k-cert.pub"
	KEYS=("$C/k")
	EXPECT=client.cert-mismatch WANT_MSG='contents do not match public'
}

sc cert-expired
cert-expired() {	# the certificate expired in 2020: ssh offers it, sshd refuses
	put e
	KEYS=("$C/e")
	EXPECT=client.cert-expired WANT_MSG="expired at 2020-01-0[12].*client's clock"
	WANT_KEY='cert-v01@openssh.com' WANT_TEXT='expired at 2020-01-0'
}

sc cert-not-yet-valid
cert-not-yet-valid() {	# valid from 2099
	put n
	KEYS=("$C/n")
	EXPECT=client.cert-not-yet-valid WANT_MSG="valid only from 2099.*client's clock"
}

sc untrusted-ca-falls-back-to-plain-key
untrusted-ca-falls-back-to-plain-key() {	# the CertificateFile (offered first) is
	# signed by a CA sshd does not trust; the plain key is authorized
	put u
	install -d -m 0700 -o kccc -g kccc "$C/certs"
	mv "$C/u-cert.pub" "$C/certs/u-cert.pub"
	authorize u
	CC=("CertificateFile $C/certs/u-cert.pub" "IdentityFile $C/u")
	EXPECT=ok WANT_KEY='^ssh-ed25519 SHA256:'
}

sc rsa-cert-sha2-512
rsa-cert-sha2-512() {	# sshd takes only rsa-sha2-512-cert-v01@openssh.com
	put r
	SC=("PubkeyAcceptedAlgorithms rsa-sha2-512-cert-v01@openssh.com")
	KEYS=("$C/r")
	EXPECT=ok WANT_KEY='ssh-rsa-cert-v01@openssh.com'
}

sc rsa-cert-server-takes-only-sha2-256
rsa-cert-server-takes-only-sha2-256() {	# ssh signs the certificate with
	# rsa-sha2-512-cert-v01 (server-sig-algs names the plain rsa-sha2-512),
	# which this sshd does not take: refused, by ssh as by libssh
	put r
	SC=("PubkeyAcceptedAlgorithms rsa-sha2-256-cert-v01@openssh.com")
	KEYS=("$C/r")
	EXPECT=net.key-refused
}

sc rsa-cert-client-picks-sha2-256
rsa-cert-client-picks-sha2-256() {	# the client's PubkeyAcceptedAlgorithms
	# names only rsa-sha2-256-cert-v01: ssh (and keyaudit) sign with it
	put r
	SC=("PubkeyAcceptedAlgorithms rsa-sha2-256-cert-v01@openssh.com")
	CC=("PubkeyAcceptedAlgorithms rsa-sha2-256-cert-v01@openssh.com")
	KEYS=("$C/r")
	EXPECT=ok WANT_KEY='ssh-rsa-cert-v01@openssh.com'
}

sc ecdsa-cert
ecdsa-cert() {		# ecdsa-sha2-nistp384-cert-v01@openssh.com beside -i
	put ec
	KEYS=("$C/ec")
	EXPECT=ok WANT_KEY='ecdsa-sha2-nistp384-cert-v01@openssh.com'
}

sc rsa-agent-cert-sha2-512
rsa-agent-cert-sha2-512() {	# the same through the agent (sign flags)
	put r
	SC=("PubkeyAcceptedAlgorithms rsa-sha2-512-cert-v01@openssh.com")
	AGENT=(r)
	EXPECT=ok WANT_KEY='ssh-rsa-cert-v01@openssh.com'
}

sc host-cert-beside-key
host-cert-beside-key() {	# a host certificate as h-cert.pub: ssh ignores it
	put h
	KEYS=("$C/h")
	EXPECT=net.key-refused
}

sc cert-bad-signature
cert-bad-signature() {	# ssh does not load a certificate whose CA signature
	# fails: only the plain key is offered (and refused)
	put bad
	KEYS=("$C/bad")
	EXPECT=net.key-refused WANT_MSG='refused every key ssh offered \(1\)'
}

sc certificatefile-turns-off-cert-beside
certificatefile-turns-off-cert-beside() {	# any CertificateFile: ssh no longer
	# looks for k-cert.pub (the CertificateFile is an untrusted one)
	put k
	put u
	install -d -m 0700 -o kccc -g kccc "$C/certs"
	mv "$C/u-cert.pub" "$C/certs/u-cert.pub"
	CC=("CertificateFile $C/certs/u-cert.pub")
	KEYS=("$C/k")
	EXPECT=net.key-refused
}

sc agent-cert-maxauthtries
agent-cert-maxauthtries() {	# MaxAuthTries 3: the plain key and the
	# certificate are offered one at a time, as ssh does (the agent proxy)
	put k
	put k2 z
	rm -f "$C/z-cert.pub"
	SC=("MaxAuthTries 3")
	AGENT=(z k)
	EXPECT=ok WANT_KEY='ssh-ed25519-cert-v01@openssh.com'
}

# With a view of the server (--local, as root, reading sshd's files): the
# certificate that got furthest is the subject the server side explains.

sc server-view-cert-ok
server-view-cert-ok() {
	put k
	KEYS=("$C/k")
	VIEW=local EXPECT=ok WANT_KEY='certificate "kcc-k"'
}

sc server-view-cert-expired
server-view-cert-expired() {	# the host's clock says so too: cert.expired
	put e
	KEYS=("$C/e")
	VIEW=local EXPECT=cert.expired WANT_KEY='certificate "kcc-expired"'
	WANT_FINDING=client.cert-expired
}

sc server-view-cert-principal
server-view-cert-principal() {	# the certificate names another principal
	put p
	KEYS=("$C/p")
	VIEW=local EXPECT=cert.principal WANT_KEY='certificate "kcc-other-principal"'
}

sc server-view-cert-untrusted-ca
server-view-cert-untrusted-ca() {	# a CertificateFile from a CA sshd does not trust
	put u
	install -d -m 0700 -o kccc -g kccc "$C/certs"
	mv "$C/u-cert.pub" "$C/certs/u-cert.pub"
	CC=("CertificateFile $C/certs/u-cert.pub" "IdentityFile $C/u")
	VIEW=local EXPECT=cert.ca-untrusted WANT_KEY='certificate "kcc-untrusted"'
}

# ---------------------------------------------------------------------------

run_one() {
	local name=$1 n=$2 args k why= v cause msg key ssh_rc ka_rc out
	reset
	if ! "$name" > "$B/setup.$n.log" 2>&1; then
		t_nok "$name: set-up failed" "$(tail -n 3 "$B/setup.$n.log")"
		return
	fi
	write_cfg
	if ! start_sshd; then
		t_nok "$name: sshd: $T_SSHD_WHY"
		return
	fi
	if [ "${#AGENT[@]}" -gt 0 ] && ! start_agent "${AGENT[@]}"; then
		t_nok "$name: ssh-agent set-up failed"
		return
	fi
	args=()
	for k in "${KEYS[@]}"; do
		args+=(-i "$k")
	done
	# 1. the oracle
	as_client timeout 20 ssh -v -F "$C/ssh_config" "${args[@]}" -p "$PORT" \
	    kccu@127.0.0.1 true </dev/null > "$B/ssh.$n.log" 2>&1
	ssh_rc=$?
	if [ "$EXPECT" = ok ] && [ "$ssh_rc" -ne 0 ]; then
		t_nok "$name: scenario broken: ssh should log in, rc $ssh_rc" \
		    "$(grep -Ev '^debug1: (Reading|Connecting|Local|Remote|compat|kex|SSH2|expecting|rekey)' "$B/ssh.$n.log" | tail -n 6)"
		return
	fi
	if [ "$EXPECT" != ok ] && [ "$ssh_rc" -eq 0 ]; then
		t_nok "$name: scenario broken: ssh logged in, expected $EXPECT to stop it"
		return
	fi
	# 2. keyaudit, as the same account with the same inputs
	out=$B/ka.$n.json
	if [ "$VIEW" = local ]; then
		# reading kccu's 0700 ~/.ssh needs root, as on a real server
		env -i PATH=/usr/bin:/bin:/usr/sbin:/sbin HOME=/root LANG=C \
		    ${SOCK:+SSH_AUTH_SOCK="$SOCK"} timeout 60 "$KEYAUDIT" diagnose \
		    "kccu@127.0.0.1:$PORT" "${args[@]}" -F "$C/ssh_config" \
		    --timeout "$TIMEOUT" --format json --no-color --local \
		    --sshd-config "$S/sshd_config" --auth-log "$S/sshd.log" \
		    </dev/null > "$out" 2> "$out.err"
	else
		as_client timeout 60 "$KEYAUDIT" diagnose "kccu@127.0.0.1:$PORT" "${args[@]}" \
		    -F "$C/ssh_config" --timeout "$TIMEOUT" --format json --no-color \
		    </dev/null > "$out" 2> "$out.err"
	fi
	ka_rc=$?
	v=$(jq -r '.verdict' "$out" 2>/dev/null) || v="(not JSON)"
	cause=$(jq -r '.cause.check // "null"' "$out" 2>/dev/null)
	msg=$(jq -r '.cause.message // ""' "$out" 2>/dev/null)
	key=$(jq -r '.key // ""' "$out" 2>/dev/null)
	if [ "$EXPECT" = ok ]; then
		[ "$v" = ok ] && [ "$cause" = null ] && [ "$ka_rc" = 0 ] ||
		    why="expected ok got $v/$cause (exit $ka_rc)"
	else
		[ "$v" = refused ] && [ "$cause" = "$EXPECT" ] && [ "$ka_rc" = 1 ] ||
		    why="expected refused/$EXPECT got $v/$cause (exit $ka_rc)"
	fi
	if [ -z "$why" ] && [ -n "$WANT_MSG" ] && ! printf '%s\n' "$msg" | grep -qE -- "$WANT_MSG"; then
		why="expected the cause's message to match /$WANT_MSG/ got: $msg"
	fi
	if [ -z "$why" ] && [ -n "$WANT_KEY" ] && ! printf '%s\n' "$key" | grep -qE -- "$WANT_KEY"; then
		why="expected .key to match /$WANT_KEY/ got: $key"
	fi
	if [ -z "$why" ] && [ -n "$WANT_FINDING" ] &&
	    ! jq -e --arg c "$WANT_FINDING" '[.findings[]?.check] | index($c) != null' "$out" >/dev/null 2>&1; then
		why="expected $WANT_FINDING among .findings got $(jq -c '[.findings[]?.check]' "$out" 2>/dev/null)"
	fi
	if [ -z "$why" ] && [ -n "$WANT_TEXT" ]; then
		# the text report says it too
		as_client timeout 60 "$KEYAUDIT" diagnose "kccu@127.0.0.1:$PORT" "${args[@]}" \
		    -F "$C/ssh_config" --timeout "$TIMEOUT" --no-color </dev/null > "$out.txt" 2>&1
		grep -qE -- "$WANT_TEXT" "$out.txt" ||
		    why="expected the text report to match /$WANT_TEXT/ got: $(head -c 600 "$out.txt")"
	fi
	if [ -n "$why" ]; then
		t_nok "$name: $why (ssh rc $ssh_rc)" "$(grep -E 'Offering|Server accepts|Authenticated|denied|match|Load key|no such identity|Certificate' "$B/ssh.$n.log" | head -n 6 | sed 's/^/ssh: /'
			jq -c '[.steps[4].summary, [.findings[]? | [.check, .message]]]' "$out" 2>/dev/null | head -c 1500 | sed 's/^/keyaudit: /'
			head -n 3 "$out.err" | sed 's/^/keyaudit stderr: /')"
		return
	fi
	t_ok "$name: ssh and keyaudit${VIEW:+ --$VIEW}: ${EXPECT}"
}

ran=0
for i in "${!NAMES[@]}"; do
	name=${NAMES[$i]}
	if [ $# -gt 0 ]; then
		want=
		for p in "$@"; do
			case $name in *"$p"*) want=1 ;; esac
		done
		[ -n "$want" ] || continue
	fi
	run_one "$name" "$((i + 1))"
	ran=$((ran + 1))
done
stop_agent
t_sshd_stop s
echo "# $ran scenarios"
t_finish
