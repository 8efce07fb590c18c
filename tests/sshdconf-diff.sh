#!/bin/sh
# sshdconf-diff.sh - differential test of keyaudit's sshd_config engine
# against the real sshd: for every config in fixtures/sshd_config/ (or the
# files given), compare `sshd -T -f FILE [-C SPEC]` with
# `keyaudit sshd-config -f FILE [-C SPEC]`. A config's "#@C SPEC" lines
# name connection specs to test besides the plain run. Both must accept
# the file and print the same lines, or both must reject it.
#
# Needs root (sshd -T loads host keys) and the host keys in /etc/ssh.
# Usage: tests/sshdconf-diff.sh [-v] [KEYAUDIT] [FILE...]
set -u
verbose=0
[ "${1:-}" = "-v" ] && { verbose=1; shift; }
ka=${1:-./keyaudit}
[ $# -gt 0 ] && shift
sshd=${SSHD:-/usr/sbin/sshd}
top=$(pwd)
case $ka in /*) ;; *) ka=$top/$ka ;; esac
[ -x "$ka" ] || { echo "sshdconf-diff: no keyaudit binary at $ka" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "sshdconf-diff: skipped (needs root)"; exit 0; }
[ -d /run/sshd ] || mkdir -p /run/sshd
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ $# -eq 0 ]; then
	set -- "$top"/fixtures/sshd_config/*.conf
fi
pass=0 fail=0 skip=0

one() {	# FILE SPEC
	f=$1 spec=$2
	# sshd resolves relative paths against its cwd; run both from /.
	if [ -n "$spec" ]; then
		(cd / && "$sshd" -T -f "$f" -C "$spec") >"$tmp/sshd" 2>"$tmp/sshd.err"
		src=$?
		(cd / && "$ka" sshd-config -f "$f" -C "$spec") >"$tmp/ka" 2>"$tmp/ka.err"
		krc=$?
	else
		(cd / && "$sshd" -T -f "$f") >"$tmp/sshd" 2>"$tmp/sshd.err"
		src=$?
		(cd / && "$ka" sshd-config -f "$f") >"$tmp/ka" 2>"$tmp/ka.err"
		krc=$?
	fi
	what="$(basename "$f")${spec:+ -C $spec}"
	if grep -q "not in connection test specification" "$tmp/sshd.err"; then
		skip=$((skip + 1))
		[ $verbose = 1 ] && echo "skip $what: sshd needs more -C fields"
		return
	fi
	if [ $src -ne 0 ] && [ $krc -ne 0 ]; then
		pass=$((pass + 1))
		[ $verbose = 1 ] && echo "ok   $what (both reject: $(head -c 120 "$tmp/sshd.err" | tr '\n' ' '))"
		return
	fi
	if [ $src -ne 0 ] || [ $krc -ne 0 ]; then
		fail=$((fail + 1))
		echo "FAIL $what: sshd rc=$src keyaudit rc=$krc"
		sed 's/^/  sshd: /' "$tmp/sshd.err" | head -5
		sed 's/^/  keyaudit: /' "$tmp/ka.err" | head -5
		return
	fi
	if diff -u "$tmp/sshd" "$tmp/ka" >"$tmp/diff"; then
		pass=$((pass + 1))
		[ $verbose = 1 ] && echo "ok   $what"
	else
		fail=$((fail + 1))
		echo "FAIL $what:"
		sed -n '3,$p' "$tmp/diff" | grep '^[-+]' | head -20 | sed 's/^/  /'
	fi
}

# Configs refer to their Include files as @DIR@/name: test a copy where
# @DIR@ is the copy's directory.
mkdir -p "$tmp/cfg"
for f in "$@"; do
	case $f in /*) ;; *) f=$top/$f ;; esac
	d=$(dirname "$f")
	if [ "$d" != "${copied:-}" ]; then
		rm -f "$tmp"/cfg/*
		for g in "$d"/*; do
			sed "s|@DIR@|$tmp/cfg|g" "$g" >"$tmp/cfg/$(basename "$g")"
		done
		copied=$d
	fi
	c=$tmp/cfg/$(basename "$f")
	one "$c" ""
	grep '^#@C ' "$c" | sed 's/^#@C //' >"$tmp/specs"
	while read -r spec; do
		one "$c" "$spec"
	done <"$tmp/specs"
done
echo "sshdconf-diff: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
