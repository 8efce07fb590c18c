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
# (-v is accepted for old habits: every result is printed anyway)
set -u
[ "${1:-}" = "-v" ] && shift
ka=${1:-./keyaudit}
[ $# -gt 0 ] && shift
sshd=${SSHD:-/usr/sbin/sshd}
top=$(pwd)
case $ka in /*) ;; *) ka=$top/$ka ;; esac
[ -x "$ka" ] || { echo "sshdconf-diff: no keyaudit binary at $ka" >&2; exit 2; }
SUITE=sshdconf-diff
. "$(dirname "$0")/lib.sh"
t_need_root
t_setup "${TMPDIR:-/tmp}"	# no sshd StrictModes walk starts below it
tmp=$T_BASE

if [ $# -eq 0 ]; then
	set -- "$top"/fixtures/sshd_config/*.conf
fi

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
		t_skip "$what" "sshd needs more -C fields"
		return
	fi
	if [ $src -ne 0 ] && [ $krc -ne 0 ]; then
		t_ok "$what (both reject: $(head -c 120 "$tmp/sshd.err" | tr '\n' ' '))"
		return
	fi
	if [ $src -ne 0 ] || [ $krc -ne 0 ]; then
		t_nok "$what: sshd rc=$src keyaudit rc=$krc" \
		    "$(sed 's/^/sshd: /' "$tmp/sshd.err" | head -5; sed 's/^/keyaudit: /' "$tmp/ka.err" | head -5)"
		return
	fi
	if diff -u "$tmp/sshd" "$tmp/ka" >"$tmp/diff"; then
		t_ok "$what"
	else
		t_nok "$what" "$(sed -n '3,$p' "$tmp/diff" | grep '^[-+]' | head -20)"
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
t_finish
