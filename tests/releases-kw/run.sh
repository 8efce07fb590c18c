#!/bin/bash
# run.sh - keyaudit's release tables (scanner/parse/release.c) and the
# release-aware engine against each cached Debian root's own sshd (issue 20).
# Root. The cached roots (tests/debroot.sh) are never written: each root's
# sshd runs chrooted inside a private mount namespace (unshare -m) where
# this run's scratch directory is bind-mounted on the root's /mnt, a tmpfs on
# its /run, and (for the logins) edited copies of its passwd/shadow/group and
# a scratch /home; all of it vanishes with the namespace.
#
# For each root (bullseye 8.4, bookworm 9.2, trixie 10.0, and sid when
# /var/cache/keyaudit/roots/sid exists):
#   1. every keyword any release's table or Debian's patches know, with a
#      value sshd takes, alone in a config (sshd -t -dd -f): the root's
#      sshd's verdict (accepted, "Deprecated option", "Unsupported option",
#      debug2-only "Deprecated option" = ignored, "Bad configuration
#      option") against the table's (relq kw) and against the engine's
#      (relq conf: the whole sshd_config parser at that release), and the
#      same line inside a Match block ("not allowed within a Match block"
#      against the table's scope);
#   2. every authorized_keys option (and its no- form) on a key line, a real
#      login as kr1 with LogLevel DEBUG: sshd's "bad key options" / "Bad
#      options in" log line against the table's known/unknown;
#   3. sshd -T of an empty config (only the compiled defaults) against the
#      engine's effective configuration at that release for the defaults
#      that changed between releases, and sshd -T's key case against the
#      table.
# Prints the agreement per release; a disagreement is a failure.
#   tests/releases-kw/run.sh [RELEASE...]   ends "releases-kw: N passed, N failed"
# Ports 127.0.0.1:2510-2513; account kr1 exists only inside the namespace.
set -u
cd "$(dirname "$0")/../.." || exit 3
SUITE=releases-kw
. tests/lib.sh
. tests/debroot.sh
t_need_root
t_setup

releases=("$@")
if [ ${#releases[@]} -eq 0 ]; then
	releases=(bullseye bookworm trixie)
	[ -d "$DEBROOT_CACHE/sid" ] && releases+=(sid)
fi
command -v unshare >/dev/null || { t_skip "$SUITE" "no unshare"; t_finish; }

# the helper that asks keyaudit's tables and engine
RELQ=$T_BASE/relq
if ! cc -std=gnu11 -D_GNU_SOURCE -I. -o "$RELQ" tests/releases-kw/relq.c \
    build/libkeyaudit.a -lssh -lpcre2-8 -lxml2 -ljansson -lcrypto -lz 2>"$T_BASE/cc.err"; then
	t_nok "relq builds (make first)" "$(cat "$T_BASE/cc.err")"
	t_finish
fi

# A value each keyword's parser takes (the file paths are inside the root).
declare -A VAL=(
	[acceptenv]=LANG [addressfamily]=any [allowgroups]=root [allowusers]=root
	[authenticationmethods]=any [authorizedkeyscommand]=none
	[authorizedkeyscommanduser]=nobody [authorizedkeysfile]=.ssh/authorized_keys
	[authorizedkeysfile2]=.ssh/authorized_keys2 [authorizedprincipalscommand]=none
	[authorizedprincipalscommanduser]=nobody [authorizedprincipalsfile]=none
	[banner]=none [casignaturealgorithms]=ssh-ed25519 [channeltimeout]=session=5m
	[chrootdirectory]=none [ciphers]=aes128-ctr [clientalivecountmax]=3
	[clientaliveinterval]=0 [fingerprinthash]=sha256 [forcecommand]=none
	[hostbasedacceptedalgorithms]=ssh-ed25519 [hostbasedacceptedkeytypes]=ssh-ed25519
	[hostcertificate]=/mnt/nocert [hostdsakey]=/mnt/hk [hostkey]=/mnt/hk
	[hostkeyagent]=none [hostkeyalgorithms]=ssh-ed25519 [include]=/mnt/empty
	[ipqos]=af21 [kexalgorithms]=curve25519-sha256 [keyregenerationinterval]=3600
	[listenaddress]=127.0.0.1 [logingracetime]=60 [loglevel]=INFO
	[logverbose]='kex.c:*' [macs]=hmac-sha2-256 [match]=all [maxauthtries]=6
	[maxsessions]=10 [maxstartups]=10:30:100 [modulifile]=/etc/ssh/moduli
	[pamservicename]=sshd [permitlisten]=any [permitopen]=any
	[permittunnel]=no [permituserenvironment]=no [permitrootlogin]=no
	[persourcemaxstartups]=none [persourcenetblocksize]=32:128
	[persourcepenalties]=no [persourcepenaltyexemptlist]=127.0.0.1
	[pidfile]=/run/kr.pid [port]=2222 [protocol]=2
	[pubkeyacceptedalgorithms]=ssh-ed25519 [pubkeyacceptedkeytypes]=ssh-ed25519
	[pubkeyauthoptions]=none [rdomain]=%D [rekeylimit]=default [requiredrsasize]=2048
	[revokedkeys]=none [securitykeyprovider]=internal [serverkeybits]=1024
	[setenv]=KR=1 [sshdauthpath]=/usr/lib/openssh/sshd-auth
	[sshdsessionpath]=/usr/lib/openssh/sshd-session [streamlocalbindmask]=0177
	[subsystem]='sftp internal-sftp' [syslogfacility]=AUTH
	[trustedusercakeys]=none [unusedconnectiontimeout]=none [usepam]=no
	[useprivilegeseparation]=sandbox [versionaddendum]=none
	[x11displayoffset]=10 [xauthlocation]=/usr/bin/xauth
	[gssapikexalgorithms]=gss-group14-sha256- [ignorerhosts]=yes
	[pubkeyauthentication]=yes [strictmodes]=yes [tcpkeepalive]=yes [keepalive]=yes
	[x11uselocalhost]=yes [permittty]=yes [permituserrc]=yes
)
VENDOR="gssapikeyexchange gssapistorecredentialsonrekey gssapikexalgorithms
gssapicleanupcreds gssusesessionccache gssapiusesessioncredcache debianbanner
permitblacklistedkeys"
KEYWORDS=$(awk '$2 == "kw" { print $3 }' fixtures/releases/openssh-tags.txt | sort -u)
KEYWORDS="$KEYWORDS $VENDOR"
# authorized_keys options (every name any release knows) with a value
AKOPTS='cert-authority restrict port-forwarding no-port-forwarding
agent-forwarding no-agent-forwarding x11-forwarding no-x11-forwarding pty no-pty
user-rc no-user-rc touch-required no-touch-required verify-required
no-verify-required command="true" principals="kr1" environment="KR=1"
from="127.0.0.1" permitopen="127.0.0.1:1" permitlisten="1234" tunnel="0"
expiry-time="20991231" no-restrict bogus-option'

# part 3's configs (a release that refuses one is skipped for it: part 1
# covers the refusal); compared on TKEYS
TCASES=(
	'KbdInteractiveAuthentication no'
	'ChallengeResponseAuthentication no'
	'KbdInteractiveAuthentication yes\nChallengeResponseAuthentication no'
	'KbdInteractiveAuthentication no\nChallengeResponseAuthentication no'
	'PubkeyAcceptedKeyTypes +ssh-rsa'
	'PubkeyAcceptedKeyTypes -rsa-sha2-256'
	'PubkeyAcceptedAlgorithms +ssh-rsa'
	'HostbasedAcceptedKeyTypes ^ssh-rsa'
	'KexAlgorithms +diffie-hellman-group14-sha1'
	'KexAlgorithms -curve25519-sha256'
	'Ciphers -aes128-ctr'
	'CASignatureAlgorithms +ssh-rsa'
)
TKEYS="kbdinteractiveauthentication pubkeyacceptedalgorithms:pubkeyacceptedkeytypes
hostbasedacceptedalgorithms:hostbasedacceptedkeytypes kexalgorithms ciphers
casignaturealgorithms"

ssh-keygen -q -t ed25519 -N '' -C kr@hostkey -f "$T_BASE/hk" </dev/null
ssh-keygen -q -t ed25519 -N '' -C kr1@client -f "$T_BASE/ck" </dev/null

# ns_script ROOT WORK: the commands run inside the namespace (written to
# WORK/ns.sh): mounts, then every sshd -t, then the logins, then sshd -T.
ns_script() {
	cat <<EOF
set -u
R=$1
W=$2
mount --bind "\$W/mnt" "\$R/mnt" || exit 1
mount -t tmpfs tmpfs "\$R/run" || exit 1
mkdir -p "\$R/run/sshd"
mount -t proc proc "\$R/proc" || exit 1
mount --rbind /dev "\$R/dev" || exit 1
for c in "\$W"/mnt/kw/*.conf; do
	n=\${c##*/}
	chroot "\$R" /usr/sbin/sshd -t -dd -f "/mnt/kw/\$n" >"\$W/out/\$n.out" 2>&1
	echo \$? >"\$W/out/\$n.rc"
done
chroot "\$R" /usr/sbin/sshd -T -f /mnt/empty.conf >"\$W/sshd-T" 2>"\$W/sshd-T.err"
for c in "\$W"/mnt/T/*.conf; do
	n=\${c##*/}
	chroot "\$R" /usr/sbin/sshd -T -f "/mnt/T/\$n" >"\$W/out/T-\$n" 2>/dev/null
done
# the logins: an account kr1 in the root's own files, seen only here
for f in passwd shadow group; do
	cp "\$R/etc/\$f" "\$W/\$f"
	mount --bind "\$W/\$f" "\$R/etc/\$f"
done
echo "kr1:x:2511:2511::/home/kr1:/bin/sh" >>"\$W/passwd"
echo "kr1:*:19000:0:99999:7:::" >>"\$W/shadow"
echo "kr1:x:2511:" >>"\$W/group"
mount --bind "\$W/home" "\$R/home"
chroot "\$R" /usr/sbin/sshd -D -f /mnt/login.conf -E /mnt/sshd.log </dev/null >/dev/null 2>&1 &
pid=\$!
for _ in \$(seq 1 100); do
	grep -q 'Server listening' "\$W/mnt/sshd.log" 2>/dev/null && break
	sleep 0.05
done
i=0
while IFS= read -r opt; do
	i=\$((i + 1))
	printf '%s %s\n' "\$opt" "\$(cat "\$W/ck.pub")" >"\$W/home/kr1/.ssh/authorized_keys"
	before=\$(wc -l <"\$W/mnt/sshd.log")
	ssh -F none -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \\
	    -o IdentitiesOnly=yes -o IdentityAgent=none -o ConnectTimeout=5 -o LogLevel=ERROR \\
	    -i "\$W/ck" -p "\$PORT" kr1@127.0.0.1 true </dev/null >/dev/null 2>&1
	echo \$? >"\$W/ak/\$i.rc"
	sleep 0.1
	tail -n +\$((before + 1)) "\$W/mnt/sshd.log" >"\$W/ak/\$i.log"
	printf '%s\n' "\$opt" >"\$W/ak/\$i.opt"
done <"\$W/akopts"
kill \$pid 2>/dev/null
wait \$pid 2>/dev/null
EOF
}

# real_kw OUT RC KW: the root's sshd's verdict from sshd -t -dd
real_kw() {
	if grep -q "Bad configuration option: " "$1"; then echo unknown
	elif grep -qi "not allowed within a Match block" "$1"; then echo global-only
	elif grep -q "^debug2: .*Deprecated option " "$1"; then echo ignore
	elif grep -q "Deprecated option " "$1"; then echo deprecated
	elif grep -q "Unsupported option " "$1"; then echo unsupported
	elif [ "$2" = 0 ]; then echo ok
	else echo "error: $(grep -v '^debug' "$1" | head -n 1)"
	fi
}

# The newest release the tables were derived from; a root past it (sid)
# reports its agreement, and what differs is listed as past the tables (a
# skip), not failed: the tables have to be extended from that release's
# source first.
NEWEST=$(awk '$2 == "tcase" { r = $1 } END { print r }' fixtures/releases/openssh-tags.txt)
newer() {
	awk -v a="$1" -v b="$NEWEST" 'BEGIN { split(a, x, "."); split(b, y, ".");
	    exit !(x[1] * 100 + x[2] > y[1] * 100 + y[2]) }'
}
# verdict OK WHAT DETAIL: t_ok, else t_nok, or t_skip past the tables
verdict() {
	if [ "$1" = 1 ]; then
		t_ok "$2"
	elif newer "$V"; then
		t_skip "$2" "OpenSSH $V is newer than the tables ($NEWEST); differences:"
		printf '%s\n' "$3" | head -n "${T_DETAIL_LINES:-20}" | sed 's/^/#   /'
	else
		t_nok "$2" "$3"
	fi
}

port=2509
for rel in "${releases[@]}"; do
	port=$((port + 1))
	if ! R=$(debroot_get "$rel" 2>"$T_BASE/debroot.err"); then
		# a root another suite caches (sid) that debroot.sh cannot build
		# yet: used as it is, read-only like the others
		if [ -x "$DEBROOT_CACHE/$rel/usr/sbin/sshd" ]; then
			R=$DEBROOT_CACHE/$rel
		else
			t_nok "$rel: the stock root could be built (debootstrap)" "$(cat "$T_BASE/debroot.err")"
			continue
		fi
	fi
	ver=$(grep -a -m1 -o 'OpenSSH_[0-9]*\.[0-9]*' "$R/usr/sbin/sshd" | head -n 1)
	V=${ver#OpenSSH_}
	echo "# --- $rel: $ver"
	W=$T_BASE/$rel
	mkdir -p "$W/mnt/kw" "$W/out" "$W/ak" "$W/home/kr1/.ssh"
	cp "$T_BASE/hk" "$W/mnt/hk"
	cp "$T_BASE/ck" "$T_BASE/ck.pub" "$W/"
	: >"$W/mnt/empty"
	printf 'HostKey /mnt/hk\n' >"$W/mnt/empty.conf"
	chown -R 2511:2511 "$W/home/kr1"
	chmod 700 "$W/home/kr1/.ssh"
	printf '%s\n' $AKOPTS >"$W/akopts"
	for kw in $KEYWORDS; do
		v=${VAL[$kw]:-no}
		printf 'HostKey /mnt/hk\n%s %s\n' "$kw" "$v" >"$W/mnt/kw/$kw.g.conf"
		[ "$kw" = match ] && continue
		printf 'HostKey /mnt/hk\nMatch User kanobody\n%s %s\n' "$kw" "$v" >"$W/mnt/kw/$kw.m.conf"
	done
	# small configs whose effective values changed meaning between
	# releases, for sshd -T against the engine (part 3)
	mkdir -p "$W/mnt/T"
	i=0
	for t in "${TCASES[@]}"; do
		i=$((i + 1))
		printf 'HostKey /mnt/hk\n%b\n' "$t" >"$W/mnt/T/$i.conf"
	done
	pen=
	[ "$("$RELQ" kw "$V" PerSourcePenalties)" = "ok G" ] && pen="PerSourcePenalties no"
	printf 'HostKey /mnt/hk\nListenAddress 127.0.0.1:%s\nPidFile /run/kr.pid\nUsePAM no\nLogLevel DEBUG\nStrictModes yes\nAuthorizedKeysFile .ssh/authorized_keys\n%s\n' \
	    "$port" "$pen" >"$W/mnt/login.conf"
	ns_script "$R" "$W" >"$W/ns.sh"
	t0=$(date +%s)
	PORT=$port unshare -m --propagation private bash "$W/ns.sh" 2>"$W/ns.err" ||
	    t_nok "$rel: the namespace was set up" "$(cat "$W/ns.err")"
	echo "# $rel: sshd ran in $(($(date +%s) - t0)) s"
	chown -R root:root "$W/home"

	# 1. keywords: keyaudit's answers asked in one batch (relq -)
	for kw in $KEYWORDS; do
		echo "kw $V $kw"
		echo "conf $V $W/mnt/kw/$kw.g.conf"
		if [ "$kw" = match ]; then echo "kw $V match"; else echo "conf $V $W/mnt/kw/$kw.m.conf"; fi
	done | "$RELQ" - >"$W/answers"
	agree=0 total=0 eagree=0 detail=
	exec 3<"$W/answers"
	for kw in $KEYWORDS; do
		read -r tst tscope <&3
		read -r eng <&3
		read -r meng <&3
		f=$W/out/$kw.g.conf
		real=$(real_kw "$f.out" "$(cat "$f.rc")")
		case $eng in
		ok) eng=accepts ;;
		"Bad configuration option: "*) eng=refuses ;;
		*) eng="error: $eng" ;;
		esac
		# sshd refusing the value, not the keyword (RDomain on Linux):
		# the keyword is known there, and the engine must refuse the
		# value the same way
		rk=$real
		case $real in error:*) rk=ok ;; esac
		total=$((total + 1))
		if [ "$rk" = "$tst" ]; then
			agree=$((agree + 1))
		else
			detail="$detail
$kw: sshd $real, table $tst"
		fi
		case $real in
		unknown) want=refuses ;;
		error:*)
			want=$real
			case $eng in
			"error: "?*) [ -z "${real##*"${eng#error: }"*}" ] && want=$eng ;;
			esac ;;
		*) want=accepts ;;
		esac
		if [ "$eng" = "$want" ]; then
			eagree=$((eagree + 1))
		else
			detail="$detail
$kw: sshd $real, engine $eng"
		fi
		# scope: only where both know the keyword as a working one
		[ "$kw" = match ] && continue
		if [ "$tst" = ok ] && [ "$real" = ok ]; then
			m=$W/out/$kw.m.conf
			mreal=$(real_kw "$m.out" "$(cat "$m.rc")")
			[ "$mreal" = global-only ] && ms=G || ms=A
			total=$((total + 1))
			if [ "$ms" = "$tscope" ]; then
				agree=$((agree + 1))
			else
				detail="$detail
$kw in Match: sshd $mreal, table scope $tscope"
			fi
			[ "$meng" = ok ] && ms=A || ms=G
			if [ "$ms" = "$tscope" ]; then
				eagree=$((eagree + 1))
			else
				detail="$detail
$kw in Match: sshd $mreal, engine: $meng"
			fi
		fi
	done
	exec 3<&-
	echo "# $rel ($V): sshd_config keywords: table agrees with sshd -t in $agree of $total verdicts, the engine in $eagree of $total"
	ok=0
	[ "$agree" = "$total" ] && [ "$eagree" = "$total" ] && ok=1
	verdict $ok "$rel: keyword verdicts of the table ($agree/$total) and the engine ($eagree/$total) are the root's sshd's" "${detail#?}"

	# 2. authorized_keys options
	akagree=0 aktotal=0 detail=
	base=
	n=$(wc -l <"$W/akopts")
	for i in $(seq 1 "$n"); do
		opt=$(cat "$W/ak/$i.opt")
		echo "ak $V ${opt%%=*}"
	done | "$RELQ" - >"$W/akanswers"
	for i in $(seq 1 "$n"); do
		opt=$(cat "$W/ak/$i.opt")
		tab=$(sed -n "${i}p" "$W/akanswers")
		if grep -qi 'bad key options\|Bad options in' "$W/ak/$i.log"; then real=unknown; else real=known; fi
		grep -q 'Accepted publickey for kr1' "$W/ak/$i.log" && base=1
		aktotal=$((aktotal + 1))
		if [ "$real" = "$tab" ]; then
			akagree=$((akagree + 1))
		else
			detail="$detail
$opt: sshd $real (login exit $(cat "$W/ak/$i.rc")), table $tab"
		fi
	done
	echo "# $rel ($V): authorized_keys options: table agrees with sshd in $akagree of $aktotal"
	[ -n "$base" ] || t_nok "$rel: some login with the key succeeded (the options were read at all)" "$(tail -n 20 "$W/mnt/sshd.log")"
	ok=0
	[ "$aktotal" -gt 20 ] && [ "$akagree" = "$aktotal" ] && ok=1
	verdict $ok "$rel: authorized_keys option verdicts of the table ($akagree/$aktotal) are the root's sshd's" "${detail#?}"

	# 3. compiled defaults and the -T form
	if [ -s "$W/sshd-T" ]; then
		"$RELQ" dump "$V" "$W/mnt/empty.conf" >"$W/engine-T"
		detail=
		n=0
		# before 8.5 sshd -T prints the ...keytypes names
		for k in pubkeyacceptedalgorithms:pubkeyacceptedkeytypes \
		    hostbasedacceptedalgorithms:hostbasedacceptedkeytypes \
		    hostkeyalgorithms casignaturealgorithms requiredrsasize \
		    kexalgorithms ciphers macs; do
			old=${k#*:}
			k=${k%%:*}
			want=$(awk -v k="$k" -v o="$old" 'tolower($1) == k || tolower($1) == o { print $2 }' "$W/sshd-T")
			[ -n "$want" ] || continue
			got=$(awk -v k="$k" '$1 == k { print $2 }' "$W/engine-T")
			n=$((n + 1))
			[ "$want" = "$got" ] || detail="$detail
$k: sshd -T $want, engine $got"
		done
		i=0
		for t in "${TCASES[@]}"; do
			i=$((i + 1))
			[ -s "$W/out/T-$i.conf" ] || continue
			"$RELQ" dump "$V" "$W/mnt/T/$i.conf" >"$W/engine-T-$i"
			for k in $TKEYS; do
				old=${k#*:}
				k=${k%%:*}
				want=$(awk -v k="$k" -v o="$old" 'tolower($1) == k || tolower($1) == o { print $2 }' "$W/out/T-$i.conf")
				[ -n "$want" ] || continue
				got=$(awk -v k="$k" '$1 == k { print $2 }' "$W/engine-T-$i")
				n=$((n + 1))
				[ "$want" = "$got" ] || detail="$detail
'${t//\\n/; }': $k: sshd -T $want, engine $got"
			done
		done
		camel=0
		grep -q '^PubkeyAuthentication ' "$W/sshd-T" && camel=1
		grep -q '^Port ' "$W/sshd-T" && camel=2
		tcase=$(awk -v v="$V" '$1 == v && $2 == "tcase" { print $3 }' fixtures/releases/openssh-tags.txt)
		[ -n "$tcase" ] || tcase=2	# past the newest tag: as the newest
		[ "$camel" = "$tcase" ] || detail="$detail
sshd -T key case $camel, table $tcase"
		ok=0
		[ -z "$detail" ] && [ "$n" -ge 20 ] && ok=1
		verdict $ok "$rel: the engine's effective values at $V are sshd -T's ($n values over ${#TCASES[@]} configs and the defaults), key case $camel" "${detail#?}"
	else
		t_nok "$rel: sshd -T of an empty config" "$(cat "$W/sshd-T.err")"
	fi
done
t_finish
