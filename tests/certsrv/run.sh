#!/bin/bash
# certsrv/run.sh - the server's view of a user certificate login (issue 18):
# each scenario sets up sshd (127.0.0.1:2420), a CA and a certificate made by
# ssh-keygen -s (KRLs by ssh-keygen -k), logs in FIRST with the real ssh
# (BatchMode, IdentitiesOnly, -i KEY -o CertificateFile=CERT) and checks
# that it succeeds or fails as the scenario says (and sshd's own log line
# where one names the reason), THEN asks `keyaudit diagnose --local --user U
# --pubkey CERT --from 127.0.0.1 --sshd-config CFG --format json` and wants
# the same verdict and, for a refusal, the cause's check id; then as the
# client ssh was (views: the client alone, and with --local). Also: a scan of
# the same host says nothing of cert.* (a scan has no certificate), and a
# RevokedKeys KRL survives the snapshot JSON byte for byte.
# Accounts: kcsu (the login), kcsv (a second member of group kcsg).
set -u
cd "$(dirname "$0")/../.." || exit 3
SUITE=certsrv
. tests/lib.sh
KA=${KA:-./keyaudit}
PORT=2420
t_need_root
for t in /usr/sbin/sshd ssh ssh-keygen jq; do
	command -v "$t" >/dev/null 2>&1 || { t_nok "needs $t"; t_finish; }
done
if t_in_use 127.0.0.1:$PORT; then
	t_nok "127.0.0.1:$PORT is in use"
	t_finish
fi
t_setup
B=$T_BASE
t_user kcsu || { t_nok "cannot make account kcsu"; t_finish; }
t_user kcsv || { t_nok "cannot make account kcsv"; t_finish; }
t_group kcsg kcsu kcsv
H=$(getent passwd kcsu | cut -d: -f6)

# The keys: the user's, two Ed25519 CAs and an RSA CA, made once.
mkdir -p "$B/k"
for k in u ca ca2; do
	ssh-keygen -q -t ed25519 -N '' -C "$k" -f "$B/k/$k" </dev/null
done
ssh-keygen -q -t rsa -b 3072 -N '' -C carsa -f "$B/k/carsa" </dev/null
ssh-keygen -q -t rsa -b 1024 -N '' -C ursa -f "$B/k/ursa" </dev/null
chmod 0644 "$B/k/"*.pub

# mkcert NAME CA [ssh-keygen options...]: $B/c/NAME-cert.pub certifying
# u.pub (the key stays $B/k/u: ssh never finds the certificate beside it).
mkcert() {
	local name=$1 ca=$2
	shift 2
	mkdir -p "$B/c"
	cp "${UKEY:-$B/k/u}.pub" "$B/c/$name.pub"
	ssh-keygen -q -s "$B/k/$ca" "$@" "$B/c/$name.pub" </dev/null || return 1
	rm -f "$B/c/$name.pub"
}

# reset: kcsu's ~/.ssh empty (0700), no principals file.
reset_user() {
	rm -rf "$H/.ssh"
	install -d -m 0700 -o kcsu -g kcsu "$H/.ssh"
}

# put_user FILE MODE CONTENT: a file in kcsu's ~/.ssh, kcsu's.
put_user() {
	printf '%s\n' "$3" > "$H/.ssh/$1"
	chown kcsu:kcsu "$H/.ssh/$1"
	chmod "$2" "$H/.ssh/$1"
}

# start LINE...: sshd with these lines on top of the defaults.
start() {
	t_sshd_stop srv
	t_sshd srv 127.0.0.1 $PORT "$@" >/dev/null || return 1
	CFG=$B/srv/sshd_config
	LOG=$B/srv/log
}

# ssh_login CERT [KEY]: 0 when the real ssh logs in (CERT "-": the plain key).
ssh_login() {
	local cert=$1 key=${2:-${UKEY:-$B/k/u}}
	local co=()
	[ "$cert" != - ] && co=(-o "CertificateFile=$cert")
	timeout 20 ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes \
	    -o IdentityAgent=none -o StrictHostKeyChecking=no \
	    -o UserKnownHostsFile=/dev/null -o ConnectTimeout=5 -o LogLevel=ERROR \
	    -i "$key" "${co[@]}" -p $PORT kcsu@127.0.0.1 true </dev/null >/dev/null 2>&1
}

# views NAME WANT CERT GOT: keyaudit as the client ssh was (the same key and
# certificate, through an ssh_config): from the client alone the verdict is
# ssh's; with the server view as well (--local) it is ssh's and a refusal's
# cause is the scenario's (the host certificate aside: ssh never offers one,
# so what blocks there is the client's own refusal).
views() {
	local name=$1 want=$2 cert=$3 got=$4 out v c
	{
		printf 'Host *\n\tIdentitiesOnly yes\n\tIdentityAgent none\n'
		printf '\tStrictHostKeyChecking no\n\tUserKnownHostsFile /dev/null\n'
		printf '\tIdentityFile %s\n' "${UKEY:-$B/k/u}"
		[ "$cert" != - ] && printf '\tCertificateFile %s\n' "$cert"
	} > "$B/client_config"
	out=$("$KA" diagnose kcsu@127.0.0.1 -p $PORT -F "$B/client_config" --timeout 10 \
	    --format json 2>"$B/ka-c.err")
	v=$(printf '%s' "$out" | jq -r '.verdict // "none"' 2>/dev/null)
	c=$(printf '%s' "$out" | jq -r '.cause.check // "none"' 2>/dev/null)
	if [ "$v" = "$got" ]; then
		t_ok "$name: client view: $v${c:+ ($c)}"
	else
		t_nok "$name: client view says $v ($c), ssh: $got" "$(cat "$B/ka-c.err")"
	fi
	sleep 0.2
	out=$("$KA" diagnose kcsu@127.0.0.1 -p $PORT -F "$B/client_config" --timeout 10 \
	    --local --user kcsu --sshd-config "$CFG" --from 127.0.0.1 --format json 2>"$B/ka-c.err")
	v=$(printf '%s' "$out" | jq -r '.verdict // "none"' 2>/dev/null)
	c=$(printf '%s' "$out" | jq -r '.cause.check // "none"' 2>/dev/null)
	case $want in
	*.) case $c in "$want"*) c=$want ;; esac ;;
	esac
	if [ "$v" = "$got" ] && { [ "$want" = ok ] || [ "$c" = "$want" ] ||
	    [ "$want" = cert.host-cert ]; }; then
		t_ok "$name: both views: $v${c:+ ($c)}"
	else
		t_nok "$name: both views say $v ($c); ssh: $got, cause $want" \
		    "$(printf '%s' "$out" | jq -c '[.cause.message, [.hosts[0].findings[] | select(.blocks_login) | .check]]' 2>/dev/null; cat "$B/ka-c.err")"
	fi
}

# scenario NAME EXPECT PUBKEY [LOG_ERE]: the real ssh, then keyaudit.
# EXPECT: "ok" or the cause's check id (a prefix ending in "." matches
# the family). PUBKEY: the certificate (or plain key) keyaudit explains;
# ssh offers it with the user's key (a plain key: -i alone).
scenario() {
	local name=$1 want=$2 pub=$3 ere=${4:-} got cause verdict out
	local cert=$pub
	case $pub in *-cert.pub) ;; *) cert=- ;; esac
	sleep 0.2
	if ssh_login "$cert"; then got=ok; else got=refused; fi
	if { [ "$want" = ok ] && [ $got = ok ]; } || { [ "$want" != ok ] && [ $got = refused ]; }; then
		t_ok "$name: real ssh: $got"
	else
		t_nok "$name: real ssh: $got, expected $( [ "$want" = ok ] && echo ok || echo refused)" \
		    "$(tail -n 8 "$LOG")"
		return
	fi
	if [ -n "$ere" ]; then
		sleep 0.3
		if grep -Eq "$ere" "$LOG"; then
			t_ok "$name: sshd logs /$ere/"
		else
			t_nok "$name: sshd's log lacks /$ere/" "$(tail -n 8 "$LOG")"
		fi
	fi
	out=$("$KA" diagnose --local --user kcsu --pubkey "$pub" --from 127.0.0.1 \
	    --sshd-config "$CFG" --format json 2>"$B/ka.err")
	verdict=$(printf '%s' "$out" | jq -r '.verdict // "none"' 2>/dev/null)
	cause=$(printf '%s' "$out" | jq -r '.cause.check // "none"' 2>/dev/null)
	if [ "$want" = ok ]; then
		views "$name" "$want" "$cert" "$got"
		if [ "$verdict" = ok ]; then
			t_ok "$name: keyaudit: ok"
		else
			t_nok "$name: keyaudit says $verdict ($cause), ssh logged in" \
			    "$(printf '%s' "$out" | jq -c '.cause' 2>/dev/null; cat "$B/ka.err")"
		fi
		return
	fi
	case $want in
	*.) case $cause in "$want"*) cause=$want ;; esac ;;
	esac
	views "$name" "$want" "$cert" "$got"
	if [ "$verdict" = refused ] && [ "$cause" = "$want" ]; then
		t_ok "$name: keyaudit: refused, cause $cause"
		if printf '%s' "$out" | jq -e '.cause.remedy | length > 0' >/dev/null 2>&1 ||
		    printf '%s' "$out" | jq -e '.cause.fix != null' >/dev/null 2>&1; then
			t_ok "$name: the cause has a fix"
		else
			t_nok "$name: the cause has no fix" "$(printf '%s' "$out" | jq -c '.cause')"
		fi
	else
		t_nok "$name: keyaudit: $verdict, cause $cause; expected $want" \
		    "$(printf '%s' "$out" | jq -c '[.cause.message, [.hosts[0].findings[] | select(.blocks_login) | .check]]' 2>/dev/null; cat "$B/ka.err")"
	fi
}

TRUST="TrustedUserCAKeys $B/k/ca.pub"

# --- logins that work --------------------------------------------------------

reset_user
mkcert user ca -I kcs-user -n kcsu -V -5m:+1h
start "$TRUST"
scenario "TrustedUserCAKeys, principal = user name" ok "$B/c/user-cert.pub" \
    'Accepted certificate ID "kcs-user"'

reset_user
put_user principals 0600 'ops'
mkcert ops ca -I kcs-ops -n ops,dev -V -5m:+1h
start "$TRUST" "AuthorizedPrincipalsFile %h/.ssh/principals"
scenario "AuthorizedPrincipalsFile names a principal" ok "$B/c/ops-cert.pub"

reset_user
put_user principals 0600 'from="127.0.0.0/8" ops'
start "$TRUST" "AuthorizedPrincipalsFile .ssh/principals"
scenario "principals line with from= admitting the client" ok "$B/c/ops-cert.pub"

reset_user
put_user authorized_keys 0600 "cert-authority,principals=\"dev\" $(cat "$B/k/ca.pub")"
start
scenario "cert-authority line with principals=" ok "$B/c/ops-cert.pub" \
    'Accepted certificate ID "kcs-ops".*found at'

reset_user
start "$TRUST" "AuthorizedPrincipalsCommand /bin/echo ops" "AuthorizedPrincipalsCommandUser nobody"
scenario "AuthorizedPrincipalsCommand prints the principal" ok "$B/c/ops-cert.pub"

# --- each cause --------------------------------------------------------------

reset_user
mkcert other ca2 -I kcs-other -n kcsu -V -5m:+1h
start "$TRUST"
scenario "CA trusted nowhere" cert.ca-untrusted "$B/c/other-cert.pub"

reset_user
start "$TRUST"
scenario "principal is not the user name" cert.principal "$B/c/ops-cert.pub" \
    'name is not a listed principal'

reset_user
put_user principals 0600 'admins'
start "$TRUST" "AuthorizedPrincipalsFile .ssh/principals"
scenario "principals file names no principal of the certificate" cert.principal \
    "$B/c/ops-cert.pub" 'does not contain an authorized principal'

reset_user
put_user principals 0600 'from="10.0.0.0/8" ops'
start "$TRUST" "AuthorizedPrincipalsFile .ssh/principals"
scenario "principals line's from= refuses the client" cert.source-address \
    "$B/c/ops-cert.pub" 'Refused by certificate principals options'

reset_user
put_user authorized_keys 0600 "cert-authority,principals=\"admins\" $(cat "$B/k/ca.pub")"
start
scenario "cert-authority principals= names none" cert.principal "$B/c/ops-cert.pub"

reset_user
mkcert expired ca -I kcs-expired -n kcsu -V -2d:-1d
start "$TRUST"
scenario "expired" cert.expired "$B/c/expired-cert.pub" 'Certificate invalid: expired'

reset_user
mkcert future ca -I kcs-future -n kcsu -V +1d:+2d
start "$TRUST"
scenario "not yet valid" cert.not-yet-valid "$B/c/future-cert.pub" 'not yet valid'

reset_user
mkcert sha1 carsa -t ssh-rsa -I kcs-sha1 -n kcsu -V -5m:+1h
start "TrustedUserCAKeys $B/k/carsa.pub"
scenario "ssh-rsa (SHA-1) CA signature" cert.ca-signature-algorithm "$B/c/sha1-cert.pub" \
    'certificate signature algorithm ssh-rsa'

reset_user
mkcert sha2 carsa -t rsa-sha2-512 -I kcs-sha2 -n kcsu -V -5m:+1h
start "TrustedUserCAKeys $B/k/carsa.pub" "CASignatureAlgorithms ssh-ed25519"
scenario "CASignatureAlgorithms without the CA's algorithm" cert.ca-signature-algorithm \
    "$B/c/sha2-cert.pub"

reset_user
start "$TRUST" "PubkeyAcceptedAlgorithms ssh-ed25519,rsa-sha2-512"
scenario "certificate algorithm not accepted" cert.algorithm "$B/c/user-cert.pub" \
    'not in PubkeyAcceptedAlgorithms'

reset_user
UKEY=$B/k/ursa mkcert rsa1k ca -I kcs-rsa1k -n kcsu -V -5m:+1h
start "$TRUST" "RequiredRSASize 2048"
UKEY=$B/k/ursa scenario "certified RSA key below RequiredRSASize" sshd.rsa-size \
    "$B/c/rsa1k-cert.pub" 'refusing RSA-CERT key'

reset_user
mkcert srcaddr ca -I kcs-src -n kcsu -V -5m:+1h -O source-address=10.0.0.0/8
start "$TRUST"
scenario "source-address excludes the client" cert.source-address "$B/c/srcaddr-cert.pub"

reset_user
mkcert crit ca -I kcs-crit -n kcsu -V -5m:+1h -O critical:frobnicate@example.com=yes
start "$TRUST"
scenario "unknown critical option" cert.critical-option "$B/c/crit-cert.pub" \
    'not supported'

reset_user
mkcert serial ca -I kcs-serial -z 4242 -n kcsu -V -5m:+1h
printf 'serial: 4242\n' > "$B/spec-serial"
ssh-keygen -q -k -f "$B/krl-serial" -s "$B/k/ca.pub" "$B/spec-serial"
start "$TRUST" "RevokedKeys $B/krl-serial"
scenario "revoked by KRL serial" cert.revoked "$B/c/serial-cert.pub" 'revoked'

reset_user
mkcert keyid ca -I kcs-revoked-id -n kcsu -V -5m:+1h
printf 'id: kcs-revoked-id\n' > "$B/spec-id"
ssh-keygen -q -k -f "$B/krl-id" -s "$B/k/ca.pub" "$B/spec-id"
start "$TRUST" "RevokedKeys $B/krl-id"
scenario "revoked by KRL key id" cert.revoked "$B/c/keyid-cert.pub"

reset_user
ssh-keygen -q -k -f "$B/krl-ca" "$B/k/ca.pub"
start "$TRUST" "RevokedKeys $B/krl-ca"
scenario "CA revoked in a KRL" cert.revoked "$B/c/user-cert.pub"

reset_user
printf 'SSHKRL\n\0not a KRL at all' > "$B/krl-bad"
start "$TRUST" "RevokedKeys $B/krl-bad"
scenario "a KRL sshd cannot load refuses every key" cert.krl-invalid "$B/c/user-cert.pub"

reset_user
cp "$B/k/u.pub" "$B/revoked-list"
start "$TRUST" "RevokedKeys $B/revoked-list"
scenario "certified key in a plain RevokedKeys list" cert.revoked "$B/c/user-cert.pub"

reset_user
mkcert host ca -h -I kcs-host -n kcsu -V -5m:+1h
start "$TRUST"
# (ssh itself will not offer a host certificate for a user login, so the
# real ssh's refusal here is its own; keyaudit's view is sshd's)
scenario "host certificate used as a user certificate" cert.host-cert "$B/c/host-cert.pub"

reset_user
put_user principals 0660 'ops'
chgrp kcsg "$H/.ssh/principals"
start "$TRUST" "AuthorizedPrincipalsFile .ssh/principals" "StrictModes yes"
scenario "principals file group-writable (StrictModes)" perm. "$B/c/ops-cert.pub" \
    'bad ownership or modes'

reset_user
put_user authorized_keys 0600 "cert-authority $(cat "$B/k/u.pub")"
start
scenario "cert-authority line holding the user's plain key" akeys.cert-authority-key \
    "$B/k/u.pub"

# --- beyond diagnose ---------------------------------------------------------

# A scan has no certificate: no cert.* path finding, whatever the config.
reset_user
start "$TRUST" "AuthorizedPrincipalsFile .ssh/principals"
n=$("$KA" scan --user kcsu --sshd-config "$CFG" --format json 2>/dev/null |
    jq '[.hosts[].findings[] | select(.check | startswith("cert.")) |
    select(.check | test("^cert\\.(signature-invalid|algorithm|revoked|host-cert|ca-untrusted|ca-signature-algorithm|expired|not-yet-valid|principal|source-address|critical-option)$"))] | length')
if [ "$n" = 0 ]; then
	t_ok "scan: no cert.* path finding without a certificate"
else
	t_nok "scan: $n cert.* path findings"
fi

# RevokedKeys (a binary KRL) through the snapshot JSON, byte for byte.
put_user principals 0600 'kcsu'
start "$TRUST" "RevokedKeys $B/krl-serial" "AuthorizedPrincipalsFile .ssh/principals"
if "$KA" collect -o "$B/snap.json" --user kcsu --sshd-config "$CFG" >/dev/null 2>&1; then
	a=$(jq -r --arg p "$B/krl-serial" '.files[] | select(.path == $p) | .content_b64' "$B/snap.json" |
	    base64 -d | md5sum)
	b=$(md5sum < "$B/krl-serial")
	if [ "$a" = "$b" ]; then
		t_ok "snapshot: the KRL's bytes survive the JSON (base64)"
	else
		t_nok "snapshot: the KRL's content differs after the JSON"
	fi
	# the saved snapshot gives the findings the live view gives
	f1=$("$KA" scan --snapshot "$B/snap.json" --format json 2>/dev/null |
	    jq -cS '[.hosts[].findings[] | {check, path, line, message}] | sort')
	f2=$("$KA" scan --user kcsu --sshd-config "$CFG" --format json 2>/dev/null |
	    jq -cS '[.hosts[].findings[] | {check, path, line, message}] | sort')
	if [ -n "$f1" ] && [ "$f1" = "$f2" ]; then
		t_ok "snapshot: the same findings from the JSON as from the host"
	else
		t_nok "snapshot: findings differ between the JSON and the host" "$f1
$f2"
	fi
	# and the principals file, read as kcsu, is in it
	if jq -e --arg p "$H/.ssh/principals" '.files[] | select(.path == $p)' "$B/snap.json" >/dev/null; then
		t_ok "snapshot: AuthorizedPrincipalsFile collected"
	else
		t_nok "snapshot: AuthorizedPrincipalsFile not collected"
	fi
else
	t_nok "keyaudit collect"
fi
t_sshd_stop srv
t_finish
