#!/bin/bash
# run.sh - the target's own sshd wins (issue 20). Root: real sshd of several
# releases, this machine's (Debian 12, 9.2) and copies of the cached Debian
# roots (tests/debroot.sh: bullseye 8.4, trixie 10.0, sid 10.x when
# cached), each copy running its own sshd chrooted on 127.0.0.1.
#
# This machine (9.2), port 2520:
#   - the local transport runs the real `sshd -t` on a config it refuses
#     (an unknown keyword): one sshd.syntax at that line with sshd's own
#     words; on a config it accepts: it ran, exit 0, no sshd.syntax;
#   - over SSH as kt1 with sudo (the collector's sshd -t): the same.
# Each Debian root, ports 2521-2523, audited as a fleet is: over SSH as an
# account of the root (kt1, sudo without a password), the collector running
# on the root's /bin/sh and its own sshd:
#   - stock: sshd -t ran (exit 0), sshd -T answered (lower case before
#     10.4, CamelCase from 10.4: read alike, port and pubkeyauthentication
#     agree); without sudo, sshd -G answered on 9.3+ and was not asked of
#     8.4; the engine's disagreements are listed in the log;
#   - an unknown keyword appended (and on 8.4 RequiredRSASize, 9.1's):
#     exactly one sshd.syntax at that line, with the release's own
#     message, blocking; without sudo from sshd -G (9.3+); with --root
#     from the image's own sshd -G run in the sandbox (9.3+; before,
#     nothing of the image runs and keyaudit's own reading decides); a
#     hostile image's "sshd" is killed at the time limit, writes nothing
#     and reaches no process outside;
#   - the daemon answering runs copies of the binaries from /usr/local
#     while the installed ones get another version string (an upgrade):
#     sshd.version-mismatch naming both, sshd -t still exit 0; restarted
#     from the installed binary, nothing. (A listener that re-executes
#     itself, the default, shows the binary on disk: a plain upgrade
#     without a restart does not change what the banner says.)
#
#   tests/targetsshd/run.sh [RELEASE...]   ends "targetsshd: N passed, N failed"
# Accounts kt1 (on this machine and inside the copies), ports
# 127.0.0.1:2520-2529.
set -u
cd "$(dirname "$0")/../.." || exit 3
SUITE=targetsshd
. tests/lib.sh
. tests/debroot.sh
KA=${KEYAUDIT:-$PWD/keyaudit}
t_need_root
t_setup
# proc mounted in the copies, undone before lib.sh removes them
trap 'debroot_unmount; t_cleanup' EXIT

releases=("$@")
if [ ${#releases[@]} -eq 0 ]; then
	releases=(bullseye trixie)
	[ -f "$DEBROOT_CACHE/sid/.keyaudit-debroot" ] && releases+=(sid)
fi
T0=$(date +%s)
ssh-keygen -q -t ed25519 -N '' -C kt1@targetsshd -f "$T_BASE/key" </dev/null
BAD=Frobnicate

# syntax FILE.json: "line blocks message" of each sshd.syntax
syntax() {
	jq -r '[.hosts[].findings[] | select(.check == "sshd.syntax")] | .[] |
	    "\(.line) \(.blocks_login) \(.message)"' "$1"
}
# count FILE.json CHECK
count() {
	jq --arg c "$2" '[.hosts[].findings[] | select(.check == $c)] | length' "$1"
}
# disagree FILE.json: the keywords sshd.engine-disagrees names
disagree() {
	jq -r '.hosts[].findings[] | select(.check == "sshd.engine-disagrees") | .message' "$1" |
	    sed -n 's/.* on: \([^.;]*\).*/\1/p' | tr ',' '\n' | sed 's/^ *//; s/ and .*//' | sort -u
}
# one_refusal FILE.json LINE WORDS WHAT: exactly one sshd.syntax, at LINE,
# blocking, the target's own message containing WORDS
one_refusal() {
	local s
	s=$(syntax "$1")
	[ "$(printf '%s\n' "$s" | grep -c .)" = 1 ] &&
	    case $s in "$2 true "*"the target's sshd refuses"*"$3"*"$4"*) true ;; *) false ;; esac
}

# --- this machine's sshd (9.2) ------------------------------------------------
echo "# --- this machine: $(grep -a -o -m1 'OpenSSH_[0-9.]*p[0-9]*[ -~]*' /usr/sbin/sshd | head -n 1)"
t_user kt1 /bin/bash
t_keyfile kt1 "$T_BASE/key.pub"
echo 'kt1 ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/kt-targetsshd
chmod 0440 /etc/sudoers.d/kt-targetsshd
t_cleanup_add file /etc/sudoers.d/kt-targetsshd
H=$T_BASE/host
if t_sshd host 127.0.0.1 2520 "AllowUsers kt1"; then
	echo "[127.0.0.1]:2520 $(cut -d' ' -f1,2 "$H/hk.pub")" > "$T_BASE/kh.2520"
	cp "$H/sshd_config" "$H/broken"
	echo "$BAD yes" >> "$H/broken"
	n=$(wc -l < "$H/broken")
	"$KA" scan --user kt1 --sshd-config "$H/broken" --format json >"$H/local.json" 2>"$H/err"
	one_refusal "$H/local.json" "$n" "sshd -t exited 255" "Bad configuration option: $BAD" &&
	    t_ok "9.2 local: sshd -t refuses an unknown keyword: one sshd.syntax at line $n, sshd's words" ||
	    t_nok "9.2 local: sshd.syntax from sshd -t" "$(syntax "$H/local.json"; cat "$H/err")"
	"$KA" collect --user kt1 --sshd-config "$H/sshd_config" -o "$H/good.snap" 2>"$H/err"
	jq -e '.sshd_test_ran == true and .sshd_test_rc == 0' "$H/good.snap" >/dev/null &&
	    "$KA" scan --snapshot "$H/good.snap" --format json >"$H/good.json" 2>>"$H/err"
	[ -s "$H/good.json" ] && [ "$(count "$H/good.json" sshd.syntax)" = 0 ] &&
	    t_ok "9.2 local: sshd -t accepts the good config (ran, exit 0), no sshd.syntax" ||
	    t_nok "9.2 local: the good config" "$(jq -c '[.sshd_test_ran, .sshd_test_rc, .sshd_test_err]' "$H/good.snap"; cat "$H/err")"
	"$KA" scan kt1@127.0.0.1:2520 -i "$T_BASE/key" --sudo --known-hosts "$T_BASE/kh.2520" \
	    --sshd-config "$H/broken" --format json >"$H/remote.json" 2>"$H/err"
	one_refusal "$H/remote.json" "$n" "sshd -t exited 255" "Bad configuration option: $BAD" &&
	    [ "$(count "$H/remote.json" sshd.version-mismatch)" = 0 ] &&
	    t_ok "9.2 over SSH with sudo: the collector's sshd -t refuses it, one sshd.syntax; banner = binary" ||
	    t_nok "9.2 over SSH with sudo" "$(syntax "$H/remote.json"; jq -c '[.hosts[].findings[] | .check]' "$H/remote.json"; cat "$H/err")"
	# both transports keep the same words: transport_local.c and collector.sh
	"$KA" collect --user kt1 --sshd-config "$H/broken" -o "$H/l.snap" 2>"$H/err"
	"$KA" collect kt1@127.0.0.1:2520 -i "$T_BASE/key" --sudo --known-hosts "$T_BASE/kh.2520" \
	    --sshd-config "$H/broken" -o "$H/r.snap" 2>>"$H/err"
	a=$(jq -c '[.sshd_test_ran, .sshd_test_rc, .sshd_test_err]' "$H/l.snap" 2>/dev/null)
	b=$(jq -c '[.sshd_test_ran, .sshd_test_rc, .sshd_test_err]' "$H/r.snap" 2>/dev/null)
	[ -n "$a" ] && [ "$a" = "$b" ] && case $a in '[true,255,"'*) true ;; *) false ;; esac &&
	    t_ok "9.2: the local transport and the collector record the same sshd -t status and words" ||
	    t_nok "9.2: sshd -t facts of the two transports" "local $a; collector $b; $(cat "$H/err")"
	t_sshd_stop host
else
	t_nok "this machine's sshd on 127.0.0.1:2520" "$T_SSHD_WHY"
fi

port=2520
for rel in "${releases[@]}"; do
	port=$((port + 1))
	t1=$(date +%s)
	if ! R=$(debroot_get "$rel" 2>/dev/null); then
		# sid's recipe comes with the corpus work; its cached root is
		# used as it is until this branch's debroot.sh knows it
		R=$DEBROOT_CACHE/$rel
		if [ ! -f "$R/.keyaudit-debroot" ]; then
			t_nok "$rel: the root could be built (debootstrap)"
			continue
		fi
	fi
	W=$T_BASE/$rel
	C=$W/root
	mkdir -p "$W"
	if ! debroot_copy "$R" "$C"; then
		t_nok "$rel: copy of the root"
		continue
	fi
	echo "file $C" >> "$T_BASE/cleanup.list"
	V=$(grep -a -o -m1 'OpenSSH_[0-9.]*p[0-9]*[ -~]*' "$C/usr/sbin/sshd" | head -n 1)
	echo "# --- $rel: $V"
	chroot "$C" useradd --create-home --shell /bin/bash --password "$DEBROOT_HASH" \
	    --groups sudo kt1 >/dev/null 2>&1 &&
	    chroot "$C" install -d -m 0700 -o kt1 -g kt1 /home/kt1/.ssh &&
	    install -m 0600 "$T_BASE/key.pub" "$C/home/kt1/.ssh/authorized_keys" &&
	    chroot "$C" chown kt1:kt1 /home/kt1/.ssh/authorized_keys &&
	    echo 'kt1 ALL=(ALL) NOPASSWD: ALL' > "$C/etc/sudoers.d/kt1" &&
	    chmod 0440 "$C/etc/sudoers.d/kt1" || t_nok "$rel: kt1 made in the copy"
	if ! debroot_sshd "$C" 127.0.0.1 "$port"; then
		t_nok "$rel: the root's own sshd listens on 127.0.0.1:$port"
		continue
	fi
	for k in "$C"/etc/ssh/ssh_host_*_key.pub; do
		echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$k")"
	done > "$W/kh"
	target=(kt1@127.0.0.1:$port -i "$T_BASE/key" --known-hosts "$W/kh")
	# -T's keys: lower case before 10.4, CamelCase from 10.4 (bebc855fd)
	camel=
	kcase=lower-case
	case $V in OpenSSH_[1-9][0-9].[4-9]*|OpenSSH_[1-9][0-9].[1-9][0-9]*|OpenSSH_1[1-9].*)
		camel=1
		kcase=CamelCase ;;
	esac
	g=1
	case $V in OpenSSH_[1-8].*|OpenSSH_9.[0-2]p*) g= ;; esac

	# --- stock, with sudo: sshd -t and sshd -T
	"$KA" collect "${target[@]}" --sudo -o "$W/stock.snap" 2>"$W/err" &&
	    "$KA" scan --snapshot "$W/stock.snap" --format json >"$W/stock.json" 2>>"$W/err"
	tout=$(jq -r '[.sshd_t[]? | .output // empty][0] // ""' "$W/stock.snap" 2>/dev/null)
	first=$(printf '%s\n' "$tout" | head -n 1)
	d=$(disagree "$W/stock.json" | paste -sd' ')
	echo "# $rel with sudo: sshd -T's first line '$first'; engine-disagrees: ${d:-none}"
	jq -e '.sshd_test_ran == true and .sshd_test_rc == 0' "$W/stock.snap" >/dev/null &&
	    [ -n "$tout" ] && [ "$(count "$W/stock.json" sshd.syntax)" = 0 ] &&
	    t_ok "$rel stock over SSH with sudo: sshd -t ran (exit 0), sshd -T answered, no sshd.syntax" ||
	    t_nok "$rel stock over SSH with sudo" "$(jq -c '[.sshd_test_ran, .sshd_test_rc, .sshd_test_err, .sshd_t]' "$W/stock.snap"; syntax "$W/stock.json"; cat "$W/err")"
	if [ -n "$camel" ]; then
		case $first in Port\ *) ok=1 ;; *) ok= ;; esac
	else
		case $first in port\ *) ok=1 ;; *) ok= ;; esac
	fi
	[ -n "$ok" ] && ! printf '%s\n' "$d" | grep -qw -e port -e pubkeyauthentication -e authorizedkeysfile &&
	    t_ok "$rel: sshd -T prints $kcase keys and the engine reads them (port, pubkeyauthentication, authorizedkeysfile agree)" ||
	    t_nok "$rel: sshd -T key case ($first)" "$d"

	# --- stock, without sudo: sshd -G (9.3+)
	"$KA" collect "${target[@]}" -o "$W/nosudo.snap" 2>"$W/err" &&
	    "$KA" scan --snapshot "$W/nosudo.snap" --format json >"$W/nosudo.json" 2>>"$W/err"
	gout=$(jq -r '.sshd_g // ""' "$W/nosudo.snap" 2>/dev/null)
	if [ -n "$g" ]; then
		d=$(disagree "$W/nosudo.json" | paste -sd' ')
		echo "# $rel without sudo: sshd -G's first line '$(printf '%s\n' "$gout" | head -n 1)'; engine-disagrees: ${d:-none}"
		jq -e '.sshd_test_ran != true' "$W/nosudo.snap" >/dev/null && [ -n "$gout" ] &&
		    [ "$(count "$W/nosudo.json" sshd.syntax)" = 0 ] &&
		    ! printf '%s\n' "$d" | grep -qw -e port -e pubkeyauthentication &&
		    t_ok "$rel stock without sudo: sshd -G answered (no sshd -t), the engine compared with it" ||
		    t_nok "$rel stock without sudo: sshd -G" "$(jq -c '[.sshd_test_ran, .sshd_g_err]' "$W/nosudo.snap"; echo "$d"; cat "$W/err")"
	else
		jq -e '.sshd_test_ran != true and .sshd_g == null and .sshd_g_err == null' \
		    "$W/nosudo.snap" >/dev/null &&
		    t_ok "$rel stock without sudo: sshd -G not asked of a release before 9.3, no sshd -t" ||
		    t_nok "$rel stock without sudo" "$(jq -c '[.sshd_test_ran, .sshd_g, .sshd_g_err]' "$W/nosudo.snap"; cat "$W/err")"
	fi

	if [ -n "$g" ]; then
		"$KA" collect --root "$C" -o "$W/rootok.snap" 2>"$W/err" &&
		    "$KA" scan --snapshot "$W/rootok.snap" --format json >"$W/rootok.json" 2>>"$W/err"
		d=$(disagree "$W/rootok.json" | paste -sd' ')
		jq -e '.sshd_g != null and .sshd_test_ran != true' "$W/rootok.snap" >/dev/null &&
		    [ "$(count "$W/rootok.json" sshd.syntax)" = 0 ] &&
		    ! printf '%s\n' "$d" | grep -qw -e port -e pubkeyauthentication &&
		    [ -z "$(find "$C" -xdev -newer "$W/rootok.snap" -print -quit 2>/dev/null)" ] &&
		    t_ok "$rel stock --root: the image's sshd -G answered from the sandbox, nothing in the image written" ||
		    t_nok "$rel stock --root: sshd -G in the sandbox" "$(jq -c '[.sshd_g_err]' "$W/rootok.snap"; echo "$d"; cat "$W/err")"
	fi

	# --- a config the release refuses
	cp "$C/etc/ssh/sshd_config" "$W/sshd_config.orig"
	echo "$BAD yes" >> "$C/etc/ssh/sshd_config"
	n=$(wc -l < "$C/etc/ssh/sshd_config")
	"$KA" scan "${target[@]}" --sudo --format json >"$W/bad.json" 2>"$W/err"
	one_refusal "$W/bad.json" "$n" "sshd -t exited 255" "line $n: Bad configuration option: $BAD" &&
	    t_ok "$rel over SSH with sudo: an unknown keyword is one sshd.syntax at line $n with the release's message" ||
	    t_nok "$rel over SSH with sudo: sshd.syntax" "$(syntax "$W/bad.json"; cat "$W/err")"
	if [ -n "$g" ]; then
		"$KA" scan "${target[@]}" --format json >"$W/badg.json" 2>"$W/err"
		one_refusal "$W/badg.json" "$n" "sshd -G failed" "Bad configuration option: $BAD" &&
		    t_ok "$rel over SSH without sudo: sshd -G refuses it, one sshd.syntax at line $n" ||
		    t_nok "$rel over SSH without sudo: sshd.syntax from sshd -G" "$(syntax "$W/badg.json"; cat "$W/err")"
	fi
	"$KA" collect --root "$C" -o "$W/root.snap" 2>"$W/err" &&
	    "$KA" scan --root "$C" --format json >"$W/root.json" 2>>"$W/err"
	if [ -n "$g" ]; then
		# the image's sshd -G, in the sandbox (nobody, read-only, no network)
		jq -e '.sshd_test_ran != true and .sshd_g == null and (.sshd_t | length) == 0' \
		    "$W/root.snap" >/dev/null &&
		    one_refusal "$W/root.json" "$n" "sshd -G failed" "Bad configuration option: $BAD" &&
		    t_ok "$rel --root: the image's own sshd -G (sandboxed) refuses it, one sshd.syntax at line $n" ||
		    t_nok "$rel --root: sshd -G in the sandbox" "$(jq -c '[.sshd_test_ran, .sshd_g_err]' "$W/root.snap"; syntax "$W/root.json"; cat "$W/err")"
	else
		jq -e '.sshd_test_ran != true and .sshd_g == null and .sshd_g_err == null and
		    (.sshd_t | length) == 0' "$W/root.snap" >/dev/null &&
		    [ "$(count "$W/root.json" sshd.syntax)" = 1 ] &&
		    ! syntax "$W/root.json" | grep -q "the target's" &&
		    t_ok "$rel --root: nothing of the image runs (no sshd -G before 9.3); keyaudit's own reading finds line $n" ||
		    t_nok "$rel --root" "$(jq -c '[.sshd_test_ran, .sshd_g, .sshd_g_err]' "$W/root.snap"; syntax "$W/root.json"; cat "$W/err")"
	fi
	if [ "$rel" = bullseye ]; then
		# 9.1's keyword, unknown to 8.4's sshd
		cp "$W/sshd_config.orig" "$C/etc/ssh/sshd_config"
		echo "RequiredRSASize 2048" >> "$C/etc/ssh/sshd_config"
		n=$(wc -l < "$C/etc/ssh/sshd_config")
		"$KA" scan "${target[@]}" --sudo --format json >"$W/rsa.json" 2>"$W/err"
		one_refusal "$W/rsa.json" "$n" "sshd -t exited 255" "Bad configuration option: RequiredRSASize" &&
		    t_ok "$rel: RequiredRSASize (9.1) is refused by 8.4's own sshd -t: one sshd.syntax at line $n" ||
		    t_nok "$rel: RequiredRSASize on 8.4" "$(syntax "$W/rsa.json"; cat "$W/err")"
	fi
	cp "$W/sshd_config.orig" "$C/etc/ssh/sshd_config"

	# --- a hostile image's "sshd" (once): what the sandbox lets it do
	if [ -n "$g" ] && [ -z "${hostile_done:-}" ]; then
		hostile_done=1
		H2=$W/hostile
		mkdir -p "$H2"
		# a new file: the running daemon keeps its own (text busy)
		mv "$C/usr/sbin/sshd" "$H2/sshd"
		printf '%s\n' '#!/bin/sh' '# OpenSSH_9.9p1 Debian-1' \
		    'id > /kt-pwned; mkdir /tmp/kt-pwned; echo x > /dev/kt-pwned' \
		    'kill -KILL -1; echo "pids: $(ls /proc | wc -l)" >&2' \
		    'cat /etc/shadow >/dev/null 2>&1 && echo "shadow read" >&2' \
		    'echo "uid: $(id -u)" >&2; exec sleep 60' > "$C/usr/sbin/sshd"
		chmod 0755 "$C/usr/sbin/sshd"
		setpriv --reuid 65534 --regid 65534 --clear-groups sleep 30 &
		victim=$!
		echo "pid $victim" >> "$T_BASE/cleanup.list"
		touch "$H2/stamp"
		s0=$(date +%s)
		"$KA" collect --root "$C" -o "$H2/snap" 2>"$H2/err"
		secs=$(($(date +%s) - s0))
		written=$(find "$C" -xdev -newer "$H2/stamp" 2>/dev/null | head -n 5)
		kill -0 "$victim" 2>/dev/null && alive=1 || alive=
		[ $secs -le 15 ] && [ -z "$written" ] && [ -n "$alive" ] &&
		    jq -e '.sshd_g == null and (.sshd_g_err | test("did not finish"))' "$H2/snap" >/dev/null &&
		    t_ok "$rel --root, a hostile image's sshd: killed at 10 s ($secs s), wrote nothing, signalled nothing outside" ||
		    t_nok "$rel --root, a hostile image's sshd" "$secs s; written: $written; victim alive: ${alive:-no}; $(jq -c .sshd_g_err "$H2/snap"; cat "$H2/err")"
		kill "$victim" 2>/dev/null
		wait "$victim" 2>/dev/null
		rm -f "$C/usr/sbin/sshd"
		mv "$H2/sshd" "$C/usr/sbin/sshd"
	fi

	# --- another build answers than the one installed: the daemon runs
	# from copies of the binaries as they are now (in /usr/local, its
	# sshd-session and sshd-auth named by SshdSessionPath, SshdAuthPath:
	# 9.8 on, each connection's banner is sshd-session's), then the
	# installed ones are "upgraded" (their version strings changed, same
	# length: they still run). A listener that re-executes itself shows the
	# binary on disk, so the running one must be another file.
	vend=${V#* }
	case $vend in
	*9) vend2=${vend%?}8 ;;
	*) vend2=${vend%?}9 ;;
	esac
	mkdir -p "$C/usr/local/sbin" "$C/usr/local/lib/kt"
	cp -p "$C/usr/sbin/sshd" "$C/usr/local/sbin/sshd"
	extra=()
	inst=("$C/usr/sbin/sshd")
	for b in sshd-session:SshdSessionPath sshd-auth:SshdAuthPath; do
		[ -x "$C/usr/lib/openssh/${b%%:*}" ] || continue
		cp -p "$C/usr/lib/openssh/${b%%:*}" "$C/usr/local/lib/kt/"
		extra+=(-o "${b#*:} /usr/local/lib/kt/${b%%:*}")
		inst+=("$C/usr/lib/openssh/${b%%:*}")
	done
	debroot_sshd_stop "$port"
	DEBROOT_SSHD_BIN=/usr/local/sbin/sshd debroot_sshd "$C" 127.0.0.1 "$port" "${extra[@]}" ||
	    t_nok "$rel: the root's sshd runs from /usr/local"
	VEND=$vend VEND2=$vend2 perl -0777 -pi -e 's/\Q$ENV{VEND}\E/$ENV{VEND2}/g' "${inst[@]}"
	"$KA" scan "${target[@]}" --sudo --format json >"$W/stale.json" 2>"$W/err"
	msg=$(jq -r '.hosts[].findings[] | select(.check == "sshd.version-mismatch") | .message' "$W/stale.json")
	fix=$(jq -r '.hosts[].findings[] | select(.check == "sshd.version-mismatch") | .fix' "$W/stale.json")
	[ "$(count "$W/stale.json" sshd.version-mismatch)" = 1 ] &&
	    case $msg in *"$vend\""*"$vend2\""*) true ;; *) false ;; esac &&
	    case $fix in *"ss -ltnp"*"systemctl restart ssh"*) true ;; *) false ;; esac &&
	    [ "$(count "$W/stale.json" sshd.syntax)" = 0 ] &&
	    t_ok "$rel: /usr/sbin/sshd now '$vend2', the daemon answering '$vend': sshd.version-mismatch, fix: restart" ||
	    t_nok "$rel: sshd.version-mismatch" "$msg / $fix; $(syntax "$W/stale.json"; cat "$W/err")"
	debroot_sshd_stop "$port"
	if debroot_sshd "$C" 127.0.0.1 "$port"; then
		"$KA" scan "${target[@]}" --sudo --format json >"$W/restarted.json" 2>"$W/err"
		[ "$(count "$W/restarted.json" sshd.version-mismatch)" = 0 ] &&
		    jq -e '.hosts[0].status == "scanned"' "$W/restarted.json" >/dev/null &&
		    t_ok "$rel: restarted from the installed binary, the banner is '$vend2': no sshd.version-mismatch" ||
		    t_nok "$rel: after the restart" "$(jq -c '[.hosts[].net.banner, [.hosts[].findings[] | .check]]' "$W/restarted.json"; cat "$W/err")"
	else
		t_nok "$rel: the root's sshd restarts"
	fi
	debroot_sshd_stop "$port"
	debroot_drop "$C"
	echo "# $rel: $(($(date +%s) - t1)) s"
done
echo "# targetsshd: $(($(date +%s) - T0)) s"
t_finish
