# debroot.sh - stock Debian roots for the suites, built by debootstrap from
# the Debian archive this machine's apt already uses, and cached.
#
#   . tests/debroot.sh
#   debroot_get RELEASE        prints the root's path (building it once)
#   debroot_copy ROOT DIR      a private copy to break (the cache stays stock)
#   sh tests/debroot.sh RELEASE...   build or reuse, print path, time, size
#
# A root is what the Debian installer leaves with the "SSH server" task and
# no root password: debootstrap --variant=minbase with openssh-server, sudo
# and systemd, then one login account (uid 1000, bash, in group sudo, a
# password set, its home made by the release's own adduser, as d-i does)
# and the /etc/hosts d-i writes.
# Releases: bullseye (OpenSSH 8.4p1), bookworm (9.2p1), trixie (10.0p2) and
# sid, unstable, whose OpenSSH moves (10.6p1 when this was written; built in
# 48 s, the others took 55-92 s): the suites read the version from the
# root's sshd, never from its name. sid installs with the same recipe
# (debootstrap's sid script, the same mirror and keyring).
# The .debs are kept in /var/cache/keyaudit/debs/RELEASE (about 44 MB), so a
# rebuild downloads nothing. A root (about 170 MB; a minute or two to build)
# is kept under /var/cache/keyaudit/roots/RELEASE with a stamp file
# (/.keyaudit-debroot) recording the recipe: the release, the mirror, the
# package list and the steps' version. A root whose stamp differs is built
# again. A build runs in a temporary directory beside the cache and is
# renamed into place only when whole, so an interrupted build never leaves
# half a root; services are never started in it (debootstrap's own
# policy-rc.d during the build, ours after: /usr/sbin/policy-rc.d exits 101,
# kept in the root).

DEBROOT_CACHE=${DEBROOT_CACHE:-/var/cache/keyaudit/roots}
DEBROOT_PKGS=openssh-server,sudo,adduser,systemd-sysv
DEBROOT_RECIPE=3
DEBROOT_USER=debian
# the account's password, as d-i sets one (openssl passwd -6 -salt debroot stock)
DEBROOT_HASH='$6$debroot$43EYfzqPOUjM5Ogb7sgZq0IystGtCtzF/jGMFzz5GH6QduOZ/7Rn693ZQeUIbhemdOAQnwIRPWZScNmc4KI7v1'

# The mirror apt already uses (deb822 or one-line sources), else Debian's.
debroot_mirror() {
	local m
	m=$(sed -n 's/^URIs:[[:space:]]*\(http[^[:space:]]*\/debian\)\/*$/\1/p' \
	    /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
	[ -n "$m" ] || m=$(sed -n 's/^deb[[:space:]]\+\(http[^[:space:]]*\/debian\)\/*[[:space:]].*/\1/p' \
	    /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n 1)
	echo "${m:-http://deb.debian.org/debian}"
}

debroot_stamp() {
	printf 'release %s\nmirror %s\nvariant minbase\npackages %s\nuser %s\nrecipe %s\n' \
	    "$1" "$(debroot_mirror)" "$DEBROOT_PKGS" "$DEBROOT_USER" "$DEBROOT_RECIPE"
}

# The stamp's recipe lines (the rest says when and how long).
debroot_fresh() {
	[ -f "$1/.keyaudit-debroot" ] &&
	    [ "$(grep -v '^\(built\|seconds\|size\|debootstrap\) ' "$1/.keyaudit-debroot")" = \
	    "$(debroot_stamp "$2")" ]
}

# Unmount whatever a build left mounted below DIR, then remove it.
debroot_remove() {
	local m
	[ -n "$1" ] && [ -d "$1" ] || return 0
	awk -v d="$1/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r |
	    while read -r m; do umount -l "$m" 2>/dev/null; done
	rm -rf --one-file-system "$1"
}

debroot_build() {
	local rel=$1 dest=$DEBROOT_CACHE/$1 tmp t0 secs size log
	mkdir -p "$DEBROOT_CACHE" "$DEBROOT_CACHE/../debs/$rel" || return 1
	tmp=$(mktemp -d "$DEBROOT_CACHE/.build-$rel.XXXXXX") || return 1
	log=$tmp.log
	t0=$(date +%s)
	echo "debroot: building $rel in $tmp (log $log)" >&2
	# shellcheck disable=SC2064
	trap "debroot_remove '$tmp'; exit 130" INT TERM
	if ! debootstrap --variant=minbase --include="$DEBROOT_PKGS" \
	    --cache-dir="$(cd "$DEBROOT_CACHE/../debs/$rel" && pwd)" \
	    "$rel" "$tmp" "$(debroot_mirror)" > "$log" 2>&1; then
		echo "debroot: debootstrap $rel failed; the end of $log:" >&2
		tail -n 15 "$log" >&2
		debroot_remove "$tmp"
		trap - INT TERM
		return 1
	fi
	# mktemp made it 0700; a root directory is 0755 (else no account
	# but root could reach its own home)
	chmod 755 "$tmp"
	printf '#!/bin/sh\nexit 101\n' > "$tmp/usr/sbin/policy-rc.d"
	chmod 755 "$tmp/usr/sbin/policy-rc.d"
	# d-i names the host in /etc/hosts (debootstrap writes none; without
	# it sudo complains on stderr that it cannot resolve the host name)
	printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n\n::1\tlocalhost ip6-localhost ip6-loopback\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n' \
	    "$(cat "$tmp/etc/hostname" 2>/dev/null || echo debian)" > "$tmp/etc/hosts"
	chmod 644 "$tmp/etc/hosts"
	# The installer's one account: adduser's defaults of this release.
	if ! { chroot "$tmp" adduser --disabled-password --gecos '' "$DEBROOT_USER" &&
	    chroot "$tmp" usermod -a -G sudo "$DEBROOT_USER" &&
	    chroot "$tmp" usermod -p "$DEBROOT_HASH" "$DEBROOT_USER"; } \
	    >> "$log" 2>&1; then
		echo "debroot: adding the account in $rel failed; see $log" >&2
		debroot_remove "$tmp"
		trap - INT TERM
		return 1
	fi
	rm -rf "$tmp/var/cache/apt/archives/"*.deb "$tmp/var/lib/apt/lists/"*_Packages
	secs=$(($(date +%s) - t0))
	size=$(du -sx --block-size=1M "$tmp" | cut -f1)
	{
		debroot_stamp "$rel"
		echo "debootstrap $(dpkg-query -W -f='${Version}' debootstrap 2>/dev/null)"
		echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ)"
		echo "seconds $secs"
		echo "size ${size}M"
	} > "$tmp/.keyaudit-debroot"
	if [ -e "$dest" ]; then
		mv "$dest" "$tmp.old" && debroot_remove "$tmp.old"
	fi
	mv "$tmp" "$dest" || { debroot_remove "$tmp"; trap - INT TERM; return 1; }
	rm -f "$log"
	trap - INT TERM
	echo "debroot: $rel built in ${secs}s, ${size} MB" >&2
}

# debroot_get RELEASE: the cached root, built first when missing or stale.
# One build at a time per release (flock), so parallel callers share it.
debroot_get() {
	local rel=$1 dest=$DEBROOT_CACHE/$1
	case $rel in
	bullseye | bookworm | trixie | sid) ;;
	*) echo "debroot: unknown release $rel" >&2; return 1 ;;
	esac
	if ! debroot_fresh "$dest" "$rel"; then
		command -v debootstrap >/dev/null || {
			echo "debroot: debootstrap is not installed (make test-deps)" >&2
			return 1
		}
		mkdir -p "$DEBROOT_CACHE"
		(
			flock 9
			debroot_fresh "$dest" "$rel" || debroot_build "$rel"
		) 9> "$DEBROOT_CACHE/.lock-$rel" || return 1
	fi
	echo "$dest"
}

# debroot_copy ROOT DIR: DIR becomes a copy of ROOT that may be changed
# (cp -a: the cache is never written; a root is ~200 MB).
debroot_copy() {
	mkdir -p "$2" && cp -a "$1/." "$2/"
}

# --- a copy's own sshd, for the suites (after tests/lib.sh's t_setup) -------
# A copy runs its own sshd chrooted, its own configuration, on a loopback
# address: the suites stock, releases, targetsshd, pam and distro all do
# this, the same way.
#
#   debroot_mount_proc ROOT     proc in a copy (its sshd and sudo read it),
#                               recorded for debroot_unmount
#   debroot_unmount             every recorded mount undone: call it before
#                               lib.sh removes the copies (rm -rf
#                               --one-file-system never crosses into a mount)
#   debroot_sshd ROOT ADDR PORT [SSHD-ARG...]
#                               the copy's sshd (DEBROOT_SSHD_BIN inside the
#                               root, default /usr/sbin/sshd) on ADDR:PORT,
#                               logging to ROOT$DEBROOT_SSHD_LOG; 1 when it
#                               does not listen, the log's start on stderr
#   debroot_sshd_stop PORT      that sshd stopped
#   debroot_drop ROOT           a copy done with: its proc unmounted, removed
DEBROOT_SSHD_LOG=/var/log/kasshd.log

debroot_mount_proc() {
	mkdir -p "$1/proc" || return 1
	mountpoint -q "$1/proc" && return 0
	echo "$1/proc" >> "$T_BASE/mounts"
	mount -t proc proc "$1/proc"
}

debroot_unmount() {
	local m
	[ -n "${T_BASE:-}" ] && [ -f "$T_BASE/mounts" ] || return 0
	tac "$T_BASE/mounts" | while read -r m; do umount -l "$m" 2>/dev/null; done
	rm -f "$T_BASE/mounts"
}

debroot_sshd() {
	local r=$1 addr=$2 port=$3 pid pen='' bin=${DEBROOT_SSHD_BIN:-/usr/sbin/sshd}
	shift 3
	mkdir -p "$r/run/sshd" && chmod 755 "$r/run/sshd" || return 1
	debroot_mount_proc "$r" || return 1
	: > "$r$DEBROOT_SSHD_LOG"
	# 9.8 on penalise the address refused logins come from, and the
	# suites' next login would meet a throttled server instead of the
	# refusal it is about: exempted (10.5 on print -T in mixed case)
	chroot "$r" /usr/sbin/sshd -T "$@" 2>/dev/null | grep -qi '^persourcepenalties ' &&
	    pen="PerSourcePenaltyExemptList 127.0.0.1,$addr"
	chroot "$r" "$bin" -D -E "$DEBROOT_SSHD_LOG" -o "ListenAddress $addr:$port" \
	    -o "PidFile /run/kasshd-$port.pid" ${pen:+-o "$pen"} "$@" </dev/null >/dev/null 2>&1 &
	pid=$!
	echo "pid $pid" >> "$T_BASE/cleanup.list"
	eval "DEBROOT_SSHD_$port=$pid"
	for _ in $(seq 1 100); do
		grep -q 'Server listening' "$r$DEBROOT_SSHD_LOG" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	head -c 2000 "$r$DEBROOT_SSHD_LOG" >&2
	debroot_sshd_stop "$port"
	return 1
}

debroot_sshd_stop() {
	local pid
	eval "pid=\${DEBROOT_SSHD_$1:-}"
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	eval "DEBROOT_SSHD_$1="
	return 0
}

debroot_drop() {
	while mountpoint -q "$1/proc"; do umount -l "$1/proc" || break; done
	rm -rf --one-file-system "$1"
}

if [ "${0##*/}" = debroot.sh ]; then
	set -u
	[ "$(id -u)" -eq 0 ] || { echo "debroot: needs root" >&2; exit 1; }
	for r in "$@"; do
		p=$(debroot_get "$r") || exit 1
		echo "$r $p $(grep '^\(seconds\|size\)' "$p/.keyaudit-debroot" | tr '\n' ' ')"
	done
fi
