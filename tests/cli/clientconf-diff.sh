#!/bin/bash
# Differential test of scanner/parse/clientconf.c against the real ssh: for each
# fixtures/ssh_config/*.conf and each "#@ HOST [USER|- [PORT]]" line in it,
# `ssh -G -F FILE [-l USER] [-p PORT] HOST` and our resolution
# (`test_clientconf --resolve FILE HOST USER PORT`) must print the same
# user, hostname, port, identitiesonly, stricthostkeychecking, proxycommand,
# proxyjump, connecttimeout, hostkeyalias, userknownhostsfile and
# globalknownhostsfile. ssh -G prints IdentityFile unexpanded, so the
# expanded list is taken from ssh itself: `ssh -vvv` through a
# ProxyCommand that exits at once logs "identity file PATH" for each.
# Then every line of errors.txt must fail both, and accepted.txt pass both.
#
# usage: tests/cli/clientconf-diff.sh build-X/tests/test_clientconf
set -u
cd "$(dirname "$0")/../.." || exit 3
BIN=${1:?usage: $0 path/to/test_clientconf}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
[ -x "$BIN" ] || { echo "clientconf-diff: $BIN is not executable"; exit 3; }
command -v ssh >/dev/null || { echo "clientconf-diff: ssh not found"; exit 3; }
SUITE=clientconf-diff
. tests/lib.sh
t_setup "${TMPDIR:-/tmp}"	# no sshd StrictModes walk starts below it
T=$T_BASE

KEYS='^(user|hostname|port|identitiesonly|stricthostkeychecking|proxycommand|proxyjump|connecttimeout|hostkeyalias|userknownhostsfile|globalknownhostsfile) '

# The fixtures with @DIR@ (Include paths) pointing at the copy.
cp -r fixtures/ssh_config "$T/conf"
find "$T/conf" -type f -exec sed -i "s|@DIR@|$T/conf|g" {} +
chmod -R go-w "$T/conf"

ssh_args() {	# HOST USER PORT -> argv for ssh
	a=()
	[ "$2" != "-" ] && [ -n "$2" ] && a+=(-l "$2")
	[ -n "$3" ] && a+=(-p "$3")
	a+=("$1")
}

for conf in "$T"/conf/*.conf; do
	name=$(basename "$conf")
	while read -r _ host user port; do
		user=${user:--}; port=${port:-}
		ssh_args "$host" "$user" "$port"
		label="$name $host${user:+ $user}${port:+ $port}"
		want=$(ssh -G -F "$conf" "${a[@]}" </dev/null 2>"$T/ssh.err"); wrc=$?
		got=$("$BIN" --resolve "$conf" "$host" "$([ "$user" = - ] || echo "$user")" \
		    "${port:-0}" 2>"$T/our.err"); grc=$?
		if [ $wrc -ne 0 ] || [ $grc -ne 0 ]; then
			if [ $wrc -ne 0 ] && [ $grc -ne 0 ]; then
				t_ok "$label: both refuse"
			else
				t_nok "$label: ssh exit $wrc, ours $grc" "$(cat "$T/ssh.err" "$T/our.err")"
			fi
			continue
		fi
		w=$(printf '%s\n' "$want" | grep -E "$KEYS" | sort)
		g=$(printf '%s\n' "$got" | grep -E "$KEYS" | sort)
		if [ "$w" = "$g" ]; then
			t_ok "$label"
		else
			t_nok "$label" "$(diff <(echo "$w") <(echo "$g") | sed -n 's/^[<>] /&/p' | sed 's/^</ssh:/;s/^>/ours:/')"
		fi
		# identity files, expanded, as ssh itself loads them
		ssh -vvv -F "$conf" -o "ProxyCommand=true" -o BatchMode=yes \
		    -o ConnectTimeout=5 "${a[@]}" </dev/null >/dev/null 2>"$T/v.err"
		w=$(tr -d '\r' <"$T/v.err" | sed -n 's/^debug1: identity file \(.*\) type -\{0,1\}[0-9]*$/\1/p' |
		    awk '{ if (prev != "" && $0 == prev "-cert") { prev = ""; next } print; prev = $0 }')
		g=$(printf '%s\n' "$got" | sed -n 's/^identityfile //p')
		if ! grep -q 'Executing proxy command' "$T/v.err"; then
			t_nok "$label: identity files (ssh -vvv did not get that far)" "$(tail -n 5 "$T/v.err")"
		elif [ "$w" = "$g" ]; then
			t_ok "$label: identity files"
		else
			t_nok "$label: identity files" "$(diff <(echo "$w") <(echo "$g") | sed -n 's/^[<>] /&/p' | sed 's/^</ssh:/;s/^>/ours:/')"
		fi
	done < <(grep '^#@ ' "$conf")
done

# Whole configurations that ssh refuses or accepts.
check_lines() {	# FILE WANT(0|255)
	n=0
	while IFS= read -r line; do
		case $line in '#'*|'') continue ;; esac
		n=$((n + 1))
		printf '%b' "$line" >"$T/one.conf"
		ssh -G -F "$T/one.conf" x </dev/null >/dev/null 2>"$T/ssh.err"; wrc=$?
		"$BIN" --resolve "$T/one.conf" x >/dev/null 2>"$T/our.err"; grc=$?
		label="$(basename "$1") #$n: $(printf '%s' "$line" | cut -c1-60)"
		if [ "$2" -eq 0 ]; then
			if [ $wrc -eq 0 ] && [ $grc -eq 0 ]; then t_ok "$label: both accept"
			else t_nok "$label: ssh exit $wrc, ours $grc" "$(cat "$T/ssh.err" "$T/our.err")"; fi
		else
			if [ $wrc -eq 255 ] && [ $grc -eq 255 ] && [ "$(wc -l <"$T/our.err")" -eq 1 ] &&
			    grep -q "one.conf:[0-9]*: " "$T/our.err"; then
				t_ok "$label: both refuse ($(cut -c1-70 "$T/our.err"))"
			else
				t_nok "$label: ssh exit $wrc, ours $grc" "$(cat "$T/ssh.err" "$T/our.err")"
			fi
		fi
	done <"$1"
}
check_lines fixtures/ssh_config/errors.txt 255
check_lines fixtures/ssh_config/accepted.txt 0

t_finish
