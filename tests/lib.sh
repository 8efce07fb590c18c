# lib.sh - what every shell suite needs, in one place: counting, the summary
# line tests/run-all.sh adds up, a scratch directory and throwaway accounts
# that are undone on every exit path, a real sshd on a loopback address, and
# where the JUnit/SARIF schemas are (or why those checks are skipped).
# Sourced by a suite after it sets SUITE:
#
#   SUITE=security; . tests/lib.sh
#   t_ok "what held" / t_nok "what did not" [DETAIL] / t_skip "what" "why"
#   t_check "what" CMD...        t_ok when CMD succeeds, else t_nok
#   t_finish                     "SUITE: N passed, N failed[, N skipped]", exit
#
# Everything made on the system is written to $T_BASE/cleanup.list before it
# is made, so the EXIT trap can undo it even when the suite dies half way.

T_PASSED=0
T_FAILED=0
T_SKIPPED=0
T_BASE=

t_ok() { T_PASSED=$((T_PASSED + 1)); echo "ok - $1"; }
t_nok() {
	T_FAILED=$((T_FAILED + 1))
	echo "not ok - $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | head -n 20 | sed 's/^/#   /'
	return 0
}
t_skip() { T_SKIPPED=$((T_SKIPPED + 1)); echo "skip - $1: $2"; }
t_check() {
	local what=$1
	shift
	if "$@"; then t_ok "$what"; else t_nok "$what"; fi
}
t_finish() {
	local s=""
	[ "$T_SKIPPED" -gt 0 ] && s=", $T_SKIPPED skipped"
	echo "$SUITE: $T_PASSED passed, $T_FAILED failed$s"
	[ "$T_FAILED" -eq 0 ]
	exit
}

# t_need_root: stop the suite (counted as one skip) unless root.
t_need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		t_skip "$SUITE" "needs root (throwaway accounts, a real sshd)"
		t_finish
	fi
}

# t_setup: $T_BASE, a 0755 scratch directory under /var/lib (a 1777 /tmp
# above a key file makes sshd refuse it for a reason no test means), and
# the cleanup trap.
t_setup() {
	T_BASE=$(mktemp -d "${KA_TEST_TMPDIR:-/var/lib}/keyaudit-$SUITE.XXXXXX") || exit 3
	chmod 755 "$T_BASE"
	: > "$T_BASE/cleanup.list"
	trap t_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	if [ "$(id -u)" -eq 0 ] && [ ! -d /run/sshd ]; then
		mkdir -m 0755 /run/sshd
		echo "rundir /run/sshd" >> "$T_BASE/cleanup.list"
	fi
}

t_cleanup() {
	local kind what
	trap - EXIT INT TERM
	[ -n "$T_BASE" ] && [ -f "$T_BASE/cleanup.list" ] || return 0
	tac "$T_BASE/cleanup.list" | while read -r kind what; do
		case $kind in
		pid) kill "$what" 2>/dev/null ;;
		esac
	done
	sleep 0.1
	tac "$T_BASE/cleanup.list" | while read -r kind what; do
		case $kind in
		user)
			pkill -KILL -u "$what" 2>/dev/null
			getent passwd "$what" >/dev/null && userdel -r "$what" >/dev/null 2>&1
			getent passwd "$what" >/dev/null && userdel -f "$what" >/dev/null 2>&1 ;;
		esac
	done
	tac "$T_BASE/cleanup.list" | while read -r kind what; do
		case $kind in
		group) getent group "$what" >/dev/null && groupdel "$what" >/dev/null 2>&1 ;;
		file) rm -rf "$what" ;;
		rundir) rmdir /run/sshd 2>/dev/null ;;
		esac
	done
	if [ -n "${KA_TEST_KEEP:-}" ]; then
		echo "# kept $T_BASE"
	else
		rm -rf "$T_BASE"
	fi
}

# t_user NAME [SHELL]: a fresh account (removed first if a dead run left
# it) with a user-private group, a 0755 home under /home and password field
# "*" (useradd's "!" is a locked account to sshd with UsePAM no).
t_user() {
	local name=$1 shell=${2:-/bin/sh}
	echo "user $name" >> "$T_BASE/cleanup.list"
	echo "group $name" >> "$T_BASE/cleanup.list"
	getent passwd "$name" >/dev/null && userdel -r "$name" >/dev/null 2>&1
	getent group "$name" >/dev/null && groupdel "$name" >/dev/null 2>&1
	useradd --create-home --user-group --shell "$shell" --password '*' "$name" || return 1
	chmod 755 "$(getent passwd "$name" | cut -d: -f6)"
}

# t_keyfile USER KEY.pub: ~/.ssh 0700 and authorized_keys 0600 holding KEY.
t_keyfile() {
	local h
	h=$(getent passwd "$1" | cut -d: -f6)
	install -d -m 0700 -o "$1" -g "$1" "$h/.ssh"
	install -m 0600 -o "$1" -g "$1" "$2" "$h/.ssh/authorized_keys"
}

# t_sshd NAME ADDR PORT [CONFIG_LINE...]: a real sshd on ADDR:PORT with its
# own host key ($T_BASE/NAME/hk) and config ($T_BASE/NAME/sshd_config: the
# lines given first, since the first value wins), logging to
# $T_BASE/NAME/log; waits until it listens. 1 when it does not start.
t_sshd() {
	local name=$1 addr=$2 port=$3 d pid
	shift 3
	d=$T_BASE/$name
	mkdir -p "$d"
	chmod 755 "$d"
	if ss -Hltn 2>/dev/null | awk '{ print $4 }' | grep -qxF "$addr:$port"; then
		t_nok "$addr:$port is already in use"
		return 1
	fi
	[ -f "$d/hk" ] || ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$d/hk" </dev/null
	{
		printf '%s\n' "$@"
		echo "ListenAddress $addr:$port"
		echo "HostKey $d/hk"
		echo "PidFile $d/pid"
		echo "UsePAM no"
		echo "LogLevel VERBOSE"
		echo "PasswordAuthentication no"
		echo "KbdInteractiveAuthentication no"
	} > "$d/sshd_config"
	/usr/sbin/sshd -t -f "$d/sshd_config" || return 1
	/usr/sbin/sshd -D -f "$d/sshd_config" -E "$d/log" </dev/null >/dev/null 2>&1 &
	pid=$!
	echo "pid $pid" >> "$T_BASE/cleanup.list"
	eval "T_SSHD_PID_$name=$pid"
	for _ in $(seq 1 100); do
		grep -q 'Server listening' "$d/log" 2>/dev/null && break
		sleep 0.05
	done
	grep -q 'Server listening' "$d/log" 2>/dev/null
}

# t_sshd_stop NAME
t_sshd_stop() {
	local pid
	eval "pid=\${T_SSHD_PID_$1:-}"
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	eval "T_SSHD_PID_$1="
	return 0
}

# t_known_hosts NAME ADDR PORT: a known_hosts line for that sshd.
t_known_hosts() {
	echo "[$2]:$3 $(cut -d' ' -f1,2 "$T_BASE/$1/hk.pub")"
}

# t_schema junit|sarif: the path of the schema, or nothing (the caller
# skips with t_skip and the reason). KEYAUDIT_SCHEMAS names a directory
# holding junit-10.xsd and sarif-schema-2.1.0.json; else ../shared.
t_schema() {
	local f d
	case $1 in
	junit) f=junit-10.xsd ;;
	sarif) f=sarif-schema-2.1.0.json ;;
	esac
	for d in ${KEYAUDIT_SCHEMAS:-} ../shared; do
		[ -f "$d/$f" ] && { echo "$d/$f"; return 0; }
	done
	return 1
}
