#!/bin/bash
# run.sh - the scenario corpus against the real sshd of four Debian
# releases (issue 20): keyaudit's verdict must be the verdict of the
# target's own OpenSSH release, wherever that release's sshd decides
# otherwise than the engine's model (9.2p1). Root: the roots are built by
# debootstrap (tests/debroot.sh, cached under /var/cache/keyaudit/roots).
#
# For each release (bullseye 8.4p1, bookworm 9.2p1, trixie 10.0p2, sid
# 10.x) a private copy of the cached root gets two accounts made inside it,
# kz1 (the audit account: sudo NOPASSWD, an ed25519 key) and kz2 (the
# scenario's user), and its own sshd, chrooted, on its own loopback address
# (127.0.0.151.., port 2561..). First the release itself: the version
# string in the root's sshd must be the one the table is about, and
# `keyaudit collect` must read that same string from the root (--root) and
# over SSH (the collector's sshdver record): what ctx->release comes from.
# Then every scenario below is applied to the copy, then:
#   truth   the real `ssh -o BatchMode=yes -i KEY kz2@ADDR -p PORT true`
#           (sshd restarted first when the scenario changed its
#           configuration; an sshd that refuses the configuration is a
#           refused login, the truth too);
#   remote  `keyaudit scan kz1@ADDR:PORT --sudo --user kz2`, as a fleet is
#           audited: the collector runs on the root's own /bin/sh, its own
#           sshd -T. When the release's sshd refused the new configuration,
#           the copy's sshd runs on its stock configuration for this leg
#           (a reload that failed: the old daemon still serves, the file on
#           disk is what the next start meets);
#   local   `keyaudit scan --root COPY --user kz2`;
#   diagnose `keyaudit diagnose kz2@ADDR:PORT -i KEY --local --root COPY`,
#           and the same with `--via kz1@ADDR:PORT --sudo` (the server's
#           side collected over SSH); not when the sshd refused the
#           configuration: the daemon that answers is not the file's.
# Each leg agrees when it reports a blocking finding for kz2 (or for no
# user) exactly when the login fails (diagnose: exit 1 exactly then), and a
# scan reports a blocking sshd.syntax exactly when the release's sshd
# refused the file (not a refusal borrowed from this machine's sshd). One
# test per leg; on the stock copy (baseline) the remote scan must also find
# keyaudit's reading of sshd_config equal to the release's own sshd -T (no
# sshd.engine-disagrees). The truth is also compared with the table (a changed
# archive or a wrong table is a failure too). Per release the suite prints
# "RELEASE: N of M agree" (a scenario agrees when every leg does) and the
# disagreements.
#
# The scenario table (expected truth per release: bullseye bookworm trixie
# sid, w = login works, f = refused; * = differs between releases):
#
#   name                 w/f      change to the copy
#   baseline             w w w w  ed25519 key, ~/.ssh 0700, authorized_keys 0600
#   ak-mode-0666         f f f f  authorized_keys 0666 (StrictModes)
#   ak-owner             f f f f  authorized_keys owned by debian, 0644
#   sshdir-0777          f f f f  ~/.ssh 0777
#   home-0775-upg        w w w w  home 0775, group = kz2's private group (Debian's patch allows it)
#   home-0777            f f f f  home 0777
#   sshdir-root-owned    w w w w  ~/.ssh owned by root, 0755
#   strictmodes-no       w w w w  StrictModes no, authorized_keys 0666
#   bad-option           f f f f  `no-such-option ssh-ed25519 ...`
#   verify-required      w w w w  `verify-required` on an ed25519 key (FIDO keys only)
#   no-touch-required    w w w w  `no-touch-required` on an ed25519 key
#   expired-key          f f f f  `expiry-time="20200101"`
#   pkalgs-ed25519     * f w w w  PubkeyAcceptedAlgorithms ssh-ed25519 (8.5 on; 8.4 refuses to start)
#   pkkt-ssh-rsa         f f f f  RSA key, PubkeyAcceptedKeyTypes ssh-rsa,ssh-ed25519 (SHA-1 only; the client signs rsa-sha2)
#   rsa-key              w w w w  RSA 2048 key, the stock sshd
#   required-rsa-2048  * f w w w  RSA 2048 key, RequiredRSASize 2048 (9.1 on)
#   required-rsa-3072    f f f f  RSA 2048 key, RequiredRSASize 3072 (too small, or unknown keyword)
#   channel-timeout    * f w w w  ChannelTimeout session=5m (9.2 on)
#   penalties-no       * f f w w  PerSourcePenalties no (9.8 on)
#   penalty-invaliduser * f f f w PerSourcePenalties invaliduser:5s (10.3 on)
#   refuse-connection    f f f f  Match User kz2 / RefuseConnection yes (10.0 on; before: refuses to start)
#   dropin-keysfile      f f f f  sshd_config.d/kz.conf: AuthorizedKeysFile .ssh/authorized_keys_kz (the stock
#                                 Include comes first: first value wins; kz1 has the file, kz2 not)
#   authmethods          f f f f  Match User kz2 / AuthenticationMethods publickey,password
#   allowusers           f f f f  AllowUsers kz1 debian
#   dsa-key              f f f f  DSA key, the stock sshd (a client that offers ssh-dss)
#   dsa-enabled        * w w f f  DSA key, PubkeyAcceptedKeyTypes +ssh-dss (DSA gone in 10.0)
#   deprecated-keyword   w w w w  UsePrivilegeSeparation sandbox (deprecated, ignored)
#   missing-home         f f f f  kz2's home removed
#   missing-home-central w w w w  home removed, Match User kz2 / AuthorizedKeysFile /etc/ssh/authorized_keys/%u
#   match-version      * f f f w  Match User kz2 Version OpenSSH_10.0* / PubkeyAuthentication no
#                                 (10.0 on; the target's own version decides)
#   match-invalid-user * f f w w  Match Invalid-User / PubkeyAuthentication no (10.0 on)
#
#   tests/releases/run.sh [RELEASE...] [-- SCENARIO...]
#   ends "releases: N passed, N failed"
# Addresses 127.0.0.151-154, ports 2561-2564. Accounts only inside the copies.
set -u
cd "$(dirname "$0")/../.." || exit 3
SUITE=releases
. tests/lib.sh
. tests/debroot.sh
KA=${KEYAUDIT:-$PWD/keyaudit}
t_need_root
t_setup
for t in jq ssh ssh-keygen; do
	command -v $t >/dev/null || { t_skip "$SUITE" "$t is not installed (make test-deps)"; t_finish; }
done
# proc mounted in the copies, undone before lib.sh removes them
trap 'debroot_unmount; t_cleanup' EXIT

releases=()
only=()
while [ $# -gt 0 ]; do
	[ "$1" = -- ] && { shift; only=("$@"); break; }
	releases+=("$1")
	shift
done
[ ${#releases[@]} -gt 0 ] || releases=(bullseye bookworm trixie sid)
declare -A RELNUM=([bullseye]=1 [bookworm]=2 [trixie]=3 [sid]=4)
declare -A RELCOL=([bullseye]=0 [bookworm]=1 [trixie]=2 [sid]=3)
export SSH_AUTH_SOCK=

K=$T_BASE/keys
mkdir -p "$K"
ssh-keygen -q -t ed25519 -N '' -C kz1@audit -f "$K/audit" </dev/null
ssh-keygen -q -t ed25519 -N '' -C kz2@ed25519 -f "$K/ed25519" </dev/null
ssh-keygen -q -t rsa -b 2048 -N '' -C kz2@rsa -f "$K/rsa" </dev/null
ssh-keygen -q -t dsa -N '' -C kz2@dsa -f "$K/dsa" </dev/null 2>/dev/null ||
    echo "# this ssh-keygen makes no DSA key: the DSA scenarios cannot run"

# ---------------------------------------------------------------------------
# The scenarios. Each is a function run with C (the copy), H (kz2's home
# in it) and AK (its authorized_keys) set, on a copy reset to the stock
# state (kz2's ed25519 key, home 0755, ~/.ssh 0700, authorized_keys 0600).
# It may set KEY (ed25519, rsa, dsa: the client's key), CLIENT (ssh_config
# lines for the client) and CONFIG=1 when it changed the sshd
# configuration (sshd is restarted). SCENARIOS: "name expectation".

SCENARIOS=(
	"baseline wwww" "ak-mode-0666 ffff" "ak-owner ffff" "sshdir-0777 ffff"
	"home-0775-upg wwww" "home-0777 ffff" "sshdir-root-owned wwww"
	"strictmodes-no wwww" "bad-option ffff" "verify-required wwww"
	"no-touch-required wwww" "expired-key ffff" "pkalgs-ed25519 fwww"
	"pkkt-ssh-rsa ffff" "rsa-key wwww" "required-rsa-2048 fwww"
	"required-rsa-3072 ffff" "channel-timeout fwww" "penalties-no ffww"
	"penalty-invaliduser fffw" "refuse-connection ffff"
	"dropin-keysfile ffff" "authmethods ffff" "allowusers ffff"
	"dsa-key ffff" "dsa-enabled wwff" "deprecated-keyword wwww"
	"missing-home ffff" "missing-home-central wwww"
	"match-version fffw" "match-invalid-user ffww"
)

cfg() { printf '%s\n' "$@" >> "$C/etc/ssh/sshd_config"; CONFIG=1; }
ak_line() { printf '%s %s\n' "$1" "$(cat "$K/$KEY.pub")" > "$AK"; }
sc_baseline() { :; }
sc_ak_mode_0666() { chmod 0666 "$AK"; }
sc_ak_owner() { chroot "$C" chown debian "/home/kz2/.ssh/authorized_keys"; chmod 0644 "$AK"; }
sc_sshdir_0777() { chmod 0777 "$H/.ssh"; }
sc_home_0775_upg() { chmod 0775 "$H"; }
sc_home_0777() { chmod 0777 "$H"; }
sc_sshdir_root_owned() { chown 0:0 "$H/.ssh"; chmod 0755 "$H/.ssh"; }
sc_strictmodes_no() { chmod 0666 "$AK"; cfg "StrictModes no"; }
sc_bad_option() { ak_line no-such-option; }
sc_verify_required() { ak_line verify-required; }
sc_no_touch_required() { ak_line no-touch-required; }
sc_expired_key() { ak_line 'expiry-time="20200101"'; }
sc_pkalgs_ed25519() { cfg "PubkeyAcceptedAlgorithms ssh-ed25519"; }
sc_pkkt_ssh_rsa() { KEY=rsa; ak_line ""; cfg "PubkeyAcceptedKeyTypes ssh-rsa,ssh-ed25519"; }
sc_rsa_key() { KEY=rsa; ak_line ""; }
sc_required_rsa_2048() { KEY=rsa; ak_line ""; cfg "RequiredRSASize 2048"; }
sc_required_rsa_3072() { KEY=rsa; ak_line ""; cfg "RequiredRSASize 3072"; }
sc_channel_timeout() { cfg "ChannelTimeout session=5m"; }
sc_penalties_no() { cfg "PerSourcePenalties no"; }
sc_penalty_invaliduser() { cfg "PerSourcePenalties invaliduser:5s"; }
sc_refuse_connection() { cfg "Match User kz2" "	RefuseConnection yes"; }
sc_dropin_keysfile() {
	mkdir -p "$C/etc/ssh/sshd_config.d"
	echo "AuthorizedKeysFile .ssh/authorized_keys_kz" > "$C/etc/ssh/sshd_config.d/kz.conf"
	CONFIG=1
}
sc_authmethods() { cfg "Match User kz2" "	AuthenticationMethods publickey,password"; }
sc_allowusers() { cfg "AllowUsers kz1 debian"; }
sc_dsa_key() { KEY=dsa; ak_line ""; CLIENT="PubkeyAcceptedAlgorithms +ssh-dss"; }
sc_dsa_enabled() { sc_dsa_key; cfg "PubkeyAcceptedKeyTypes +ssh-dss"; }
sc_deprecated_keyword() { cfg "UsePrivilegeSeparation sandbox"; }
sc_match_version() { cfg "Match User kz2 Version OpenSSH_10.0*" "	PubkeyAuthentication no"; }
sc_match_invalid_user() { cfg "Match Invalid-User" "	PubkeyAuthentication no"; }
sc_missing_home() { rm -rf --one-file-system "$H"; }
sc_missing_home_central() {
	mkdir -p "$C/etc/ssh/authorized_keys"
	install -m 0644 "$K/ed25519.pub" "$C/etc/ssh/authorized_keys/kz2"
	rm -rf --one-file-system "$H"
	cfg "Match User kz2" "	AuthorizedKeysFile /etc/ssh/authorized_keys/%u"
}

# ---------------------------------------------------------------------------
# The copy: accounts, its sshd, resetting between scenarios.

# make_copy REL: $C, a copy of the cached root with kz1 and kz2
make_copy() {
	local r
	r=$(debroot_get "$1") || return 1
	C=$T_BASE/$1/root
	echo "file $C" >> "$T_BASE/cleanup.list"
	debroot_copy "$r" "$C" || return 1
	debroot_mount_proc "$C" || return 1
	chroot "$C" useradd --create-home --shell /bin/bash --password '*' kz1 &&
	    chroot "$C" useradd --create-home --shell /bin/bash --password '*' kz2 &&
	    chroot "$C" install -d -m 0700 -o kz1 -g kz1 /home/kz1/.ssh &&
	    install -m 0600 "$K/audit.pub" "$C/home/kz1/.ssh/authorized_keys" &&
	    chroot "$C" chown kz1:kz1 /home/kz1/.ssh/authorized_keys &&
	    cp -a "$C/home/kz1/.ssh/authorized_keys" "$C/home/kz1/.ssh/authorized_keys_kz" &&
	    echo 'kz1 ALL=(ALL) NOPASSWD: ALL' > "$C/etc/sudoers.d/kz1" &&
	    chmod 0440 "$C/etc/sudoers.d/kz1" || return 1
	cp -a "$C/etc/ssh/sshd_config" "$W/sshd_config.stock"
	# what serves the audit account when the release refuses a scenario's
	# configuration: the stock file without its Include
	grep -v '^Include' "$W/sshd_config.stock" > "$C/etc/ssh/kz_fallback_config"
	tar -C "$C/etc/ssh" -cf "$W/etc-ssh.tar" .
}

# reset_copy: kz2 as the stock state has it, the stock configuration
reset_copy() {
	rm -rf --one-file-system "$C/home/kz2" "$C/etc/ssh/sshd_config.d/kz.conf" "$C/etc/ssh/authorized_keys"
	cp -a "$W/sshd_config.stock" "$C/etc/ssh/sshd_config"
	chroot "$C" install -d -m 0755 -o kz2 -g kz2 /home/kz2
	chroot "$C" install -d -m 0700 -o kz2 -g kz2 /home/kz2/.ssh
	install -m 0600 "$K/ed25519.pub" "$C/home/kz2/.ssh/authorized_keys"
	chroot "$C" chown kz2:kz2 /home/kz2/.ssh/authorized_keys
}

# sshd_start [CONFIG]: the copy's own sshd on $ADDR:$PORT (its own
# configuration, or CONFIG inside the root); 1 when it does not listen,
# sshd's words in $W/why
sshd_start() {
	debroot_sshd "$C" "$ADDR" "$PORT" ${1:+-f "$1"} 2>"$W/why"
}
sshd_stop() { debroot_sshd_stop "$PORT"; }

# login: the truth. 0 when kz2 logs in with $KEY and runs true.
login() {
	ssh -F "$W/client_config" -o BatchMode=yes -o StrictHostKeyChecking=yes \
	    -o "UserKnownHostsFile=$W/known_hosts" -o IdentitiesOnly=yes -o IdentityAgent=none \
	    -o ConnectTimeout=5 -i "$K/$KEY" -p "$PORT" "kz2@$ADDR" true </dev/null >"$W/ssh.out" 2>&1
}

# blocked FILE.json: 0 when a finding blocks kz2's login (or everyone's)
blocked() {
	jq -e '[.hosts[].findings[] | select(.blocks_login == true and
	    (.user == "kz2" or .user == null))] | length > 0' "$1" >/dev/null
}
# why FILE.json: the blocking findings, or all at medium and above
findings() {
	jq -r '.hosts[] | (.error // empty), (.findings[] | select(.blocks_login == true or
	    .severity == "high" or .severity == "critical") |
	    "\(.check) \(.user // "-") blocks=\(.blocks_login) \(.message // "" | .[0:100])")' "$1" 2>/dev/null | head -n 8
}

# syntax_reason FILE.json: a scan's verdict on the configuration itself
# must be the release's: a blocking sshd.syntax exactly when the release's
# sshd refused the file (else a scan can agree by accident: this machine's
# sshd refusing a keyword the target's knows). Prints the reason it is
# wrong, nothing when it is right.
syntax_reason() {
	local has=0
	jq -e '[.hosts[].findings[] | select(.check == "sshd.syntax" and .blocks_login == true)] |
	    length > 0' "$1" >/dev/null 2>&1 && has=1
	if [ -n "$refused_start" ] && [ $has = 0 ]; then
		echo "no sshd.syntax though the release's sshd refuses the file"
	elif [ -z "$refused_start" ] && [ $has = 1 ]; then
		echo "sshd.syntax though the release's sshd runs this file"
	fi
}

# verdict LEG FAILS TEXT [WRONG]: one test for one leg; FAILS 1 when the
# leg says the login fails; WRONG, when not empty, why a right verdict was
# reached for a wrong reason (a disagreement too)
verdict() {
	local leg=$1 says=$2 detail=$3 wrong=${4:-} t
	case $says in 1) t="login refused" ;; 0) t="login works" ;; *) t="$says" ;; esac
	if [ "$says" = "$truth" ] && [ -z "$wrong" ]; then
		t_ok "$rel $name: $leg agrees ($t)"
	elif [ "$says" = "$truth" ]; then
		t_nok "$rel $name: $leg says: $t, as the real sshd, but $wrong" "$detail"
		bad=1
		legs="${legs:+$legs, }$leg (reason)"
	else
		t_nok "$rel $name: $leg says: $t; the real sshd $tword" "$detail"
		bad=1
		legs="${legs:+$legs, }$leg"
	fi
}

for rel in "${releases[@]}"; do
	n=${RELNUM[$rel]:-}
	[ -n "$n" ] || { t_nok "$rel: a release this suite knows"; continue; }
	ADDR=127.0.0.15$n
	PORT=256$n
	col=${RELCOL[$rel]}
	W=$T_BASE/$rel
	mkdir -p "$W"
	t0=$(date +%s)
	echo "# --- $rel"
	if ! make_copy "$rel"; then
		t_nok "$rel: a copy of the stock root with kz1 and kz2"
		continue
	fi
	echo "# $rel: copy ready in $(($(date +%s) - t0)) s"
	for k in "$C"/etc/ssh/ssh_host_*_key.pub; do
		echo "[$ADDR]:$PORT $(cut -d' ' -f1,2 "$k")"
	done > "$W/known_hosts"
	# The release the scenarios are about: the version string compiled
	# into the root's sshd (sid's moves: the table wants 10.3 or later),
	# and keyaudit must collect that same string from the root and over SSH
	# (snapshot sshd_version, the engine's ctx->release)
	# (the one with the Debian revision: "OpenSSH_9.2" alone is there too)
	ver=$(strings "$C/usr/sbin/sshd" | grep -m1 '^OpenSSH_[0-9.]*p[0-9]* ') ||
	    ver=$(strings "$C/usr/sbin/sshd" | grep -m1 '^OpenSSH_[0-9]')
	case $rel:$ver in
	bullseye:OpenSSH_8.4* | bookworm:OpenSSH_9.2* | trixie:OpenSSH_10.0* | \
	    sid:OpenSSH_10.[3-9]* | sid:OpenSSH_10.[1-9][0-9]* | sid:OpenSSH_1[1-9]*)
		t_ok "$rel: the root's sshd is $ver, the release the table is about" ;;
	*) t_nok "$rel: the root's sshd is $ver, not the release the table is about" ;;
	esac
	running=
	"$KA" collect --root "$C" --user kz2 -o "$W/root.snap.json" >/dev/null 2>&1
	got=$(jq -r '.sshd_version // "none"' "$W/root.snap.json" 2>/dev/null)
	[ "$got" = "$ver" ] && t_ok "$rel: collect --root reads the root's sshd version ($got)" ||
	    t_nok "$rel: collect --root reads the root's sshd version" "got: $got"
	if sshd_start; then
		running=stock
		"$KA" collect "kz1@$ADDR:$PORT" -F /dev/null -i "$K/audit" --known-hosts "$W/known_hosts" \
		    --sudo --user kz2 --timeout 20 -o "$W/remote.snap.json" >/dev/null 2>"$W/collect.err"
		got=$(jq -r '.sshd_version // "none"' "$W/remote.snap.json" 2>/dev/null)
		[ "$got" = "$ver" ] && t_ok "$rel: collect over SSH (--sudo) reads the target's sshd version ($got)" ||
		    t_nok "$rel: collect over SSH (--sudo) reads the target's sshd version" "got: $got $(head -c 300 "$W/collect.err")"
	else
		t_nok "$rel: the copy's stock sshd starts" "$(cat "$W/why")"
	fi
	agree=0 total=0 disagree=()
	for s in "${SCENARIOS[@]}"; do
		name=${s% *}
		exp=${s#* }
		exp=${exp:$col:1}
		if [ ${#only[@]} -gt 0 ]; then
			case " ${only[*]} " in *" $name "*) ;; *) continue ;; esac
		fi
		[ "$name" != dsa-key ] && [ "$name" != dsa-enabled ] || [ -f "$K/dsa" ] ||
		    { t_skip "$rel $name" "this machine's ssh-keygen makes no DSA key (OpenSSH 10 on): no client to try it"; continue; }
		s0=$SECONDS
		reset_copy
		KEY=ed25519 CLIENT='' CONFIG=''
		H=$C/home/kz2 AK=$C/home/kz2/.ssh/authorized_keys
		"sc_${name//-/_}"
		printf '%s\n' "$CLIENT" > "$W/client_config"
		# the daemon: restarted when this scenario's configuration or the
		# last one's differs from the one it runs
		refused_start=
		if [ -n "$CONFIG" ] || [ "$running" != stock ]; then
			sshd_stop
			if sshd_start; then
				running=$([ -n "$CONFIG" ] && echo "$name" || echo stock)
			else
				refused_start=1
				running=
			fi
		fi
		# (a) the truth
		if [ -n "$refused_start" ]; then
			truth=1 tword="refuses to start ($(tr '\n' ' ' < "$W/why" | cut -c1-120))"
		elif login; then
			truth=0 tword="lets kz2 in"
		else
			truth=1 tword="refuses kz2"
		fi
		total=$((total + 1))
		# kept per scenario (KA_TEST_KEEP=1 keeps $T_BASE): sshd's log of
		# the truth, then every leg's output
		cp "$C/var/log/kasshd.log" "$W/$name.sshd.log" 2>/dev/null
		bad='' legs=''
		[ "$exp" = w ] && e=0 || e=1
		[ "$truth" = "$e" ] && t_ok "$rel $name: the real sshd $tword, as the table says" ||
		    t_nok "$rel $name: the real sshd $tword; the table says $exp" "$(grep -v '^debug' "$C/var/log/kasshd.log" | tail -n 4)"
		# (b) remote, as a fleet is audited: the old daemon serves the
		# audit account when the release refused the new file
		if [ -n "$refused_start" ]; then
			sshd_start /etc/ssh/kz_fallback_config || echo "# $rel: the fallback sshd does not start: $(cat "$W/why")"
			running=fallback
		fi
		"$KA" scan "kz1@$ADDR:$PORT" -F /dev/null -i "$K/audit" --known-hosts "$W/known_hosts" \
		    --sudo --user kz2 --timeout 20 --format json >"$W/remote.json" 2>"$W/remote.err"
		rc=$?
		says=0
		blocked "$W/remote.json" && says=1
		if [ $rc -ge 2 ] || jq -e '[.hosts[] | select(.error != null)] | length > 0' "$W/remote.json" >/dev/null 2>&1; then
			says="host not scanned"
		fi
		verdict "remote scan" "$says" "exit $rc: $(findings "$W/remote.json"; head -c 300 "$W/remote.err")" \
		    "$(syntax_reason "$W/remote.json")"
		# the stock configuration read by keyaudit as the release's own
		# sshd -T reads it (not a verdict: counted apart from the scenarios)
		if [ "$name" = baseline ]; then
			dis=$(jq -r '[.hosts[].findings[] | select(.check == "sshd.engine-disagrees") |
			    .message] | .[0] // empty' "$W/remote.json" 2>/dev/null)
			# a release past keyaudit's tables (sid's 10.6 while the
			# openssh-portable history read ends at 10.5) may differ, and
			# must say so at low, naming the release; any other release
			# must agree
			past=$(jq -r '[.hosts[].findings[] | select(.check == "sshd.engine-disagrees")] |
			    if length > 0 and all(.severity == "low" and
			    (.message | test("newer than keyaudit.s release tables"))) then "yes" else "" end' \
			    "$W/remote.json" 2>/dev/null)
			vmm=${ver#OpenSSH_}; vmm=${vmm%%[!0-9.]*}
			if [ -n "$past" ] && { [ "${vmm%%.*}" -gt 10 ] ||
			    { [ "${vmm%%.*}" -eq 10 ] && [ "${vmm#*.}" -gt 5 ]; }; }; then
				t_ok "$rel stock: $ver is past the tables (10.5); the difference is reported at low, naming the release ($dis)"
			else
				[ -z "$dis" ] && jq -e '.hosts | length > 0' "$W/remote.json" >/dev/null 2>&1 &&
				    t_ok "$rel stock: keyaudit's reading of sshd_config equals the release's sshd -T (no sshd.engine-disagrees)" ||
				    t_nok "$rel stock: keyaudit's reading of sshd_config differs from the release's sshd -T" "$dis"
			fi
		fi
		# (c) local, the copy as an image
		"$KA" scan --root "$C" --user kz2 --format json >"$W/local.json" 2>"$W/local.err"
		rc=$?
		says=0
		blocked "$W/local.json" && says=1
		[ $rc -ge 2 ] && says=error
		verdict "scan --root" "$says" "exit $rc: $(findings "$W/local.json"; head -c 300 "$W/local.err")" \
		    "$(syntax_reason "$W/local.json")"
		# diagnose, when the daemon that answers is the one the file describes
		if [ -z "$refused_start" ]; then
			"$KA" diagnose "kz2@$ADDR:$PORT" -F "$W/client_config" -i "$K/$KEY" \
			    --known-hosts "$W/known_hosts" --local --root "$C" --user kz2 --no-color \
			    >"$W/diag.out" 2>&1
			rc=$?
			case $rc in 0) says=0 ;; 1) says=1 ;; *) says="error($rc)" ;; esac
			verdict "diagnose --local --root" "$says" "$(tail -n 6 "$W/diag.out")"
			# and from here, the server's side collected over SSH by the
			# audit account, as scan's collector does
			"$KA" diagnose "kz2@$ADDR:$PORT" -F "$W/client_config" -i "$K/$KEY" \
			    --known-hosts "$W/known_hosts" --via "kz1@$ADDR:$PORT" --via-identity "$K/audit" \
			    --sudo --user kz2 --no-color >"$W/diagvia.out" 2>&1
			rc=$?
			case $rc in 0) says=0 ;; 1) says=1 ;; *) says="error($rc)" ;; esac
			verdict "diagnose --via --sudo" "$says" "$(tail -n 6 "$W/diagvia.out")"
		fi
		[ $((SECONDS - s0)) -lt 5 ] || echo "# $rel $name: $((SECONDS - s0)) s"
		for f in remote.json remote.err local.json local.err diag.out diagvia.out; do
			[ -f "$W/$f" ] && mv "$W/$f" "$W/$name.$f"
		done
		if [ -z "$bad" ]; then
			agree=$((agree + 1))
		else
			disagree+=("$name: the real sshd $tword; $legs disagree")
		fi
	done
	sshd_stop
	echo "# $rel: $agree of $total agree"
	for d in "${disagree[@]}"; do echo "#   $rel disagrees: $d"; done
	echo "$rel: $agree of $total agree" >> "$T_BASE/summary"
	for d in "${disagree[@]}"; do echo "  $rel: $d" >> "$T_BASE/summary"; done
	debroot_drop "$C"
	echo "# $rel: $(($(date +%s) - t0)) s"
done
echo "# agreement per release (a scenario agrees when every leg does):"
sed 's/^/# /' "$T_BASE/summary" 2>/dev/null
t_finish
