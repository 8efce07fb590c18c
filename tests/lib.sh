# lib.sh - what every shell suite needs, in one place: counting, the summary
# line tests/run-all.sh adds up, a scratch directory and throwaway accounts
# that are undone on every exit path, real sshd instances on loopback
# addresses, and the JUnit/SARIF schemas (or why those checks are skipped).
# Sourced by a suite after it cd's to the top of the repository and sets
# SUITE; plain POSIX sh (collector.sh and sshdconf-diff.sh run under dash):
#
#   SUITE=security; . tests/lib.sh
#   t_ok "what held" / t_nok "what did not" [DETAIL] / t_skip "what" "why"
#                                (DETAIL: its first $T_DETAIL_LINES lines, 20)
#   t_check "what" CMD...        t_ok when CMD succeeds, else t_nok
#   t_finish                     "SUITE: N passed, N failed[, N skipped]", exit
#   t_need_root                  one skip and t_finish unless root
#   t_setup [PARENT]             $T_BASE and the cleanup trap
#   t_user NAME [SHELL [HOME]]   t_group NAME [MEMBER...]   t_keyfile USER KEY.pub
#   t_cleanup_add KIND WHAT      undo WHAT at exit (pid, proc, file, user, group, list)
#   t_kill PID WANT              kill PID if its command line still holds WANT
#   t_sshd NAME ADDR PORT [LINE...] / t_sshd_config ... / t_sshd_stop NAME
#   t_in_use ADDR:PORT   t_free_port   t_known_hosts NAME ADDR PORT
#   t_schema junit|sarif   t_valid junit|sarif FILE
#   t_valid_junit WHAT FILE   t_valid_sarif WHAT FILE   t_ok_schema WHAT KIND...
#
# Everything made on the system is written to the cleanup list ($T_LIST, by
# default $T_BASE/cleanup.list) before it is made, so the EXIT trap can undo
# it even when the suite dies half way.

T_PASSED=0
T_FAILED=0
T_SKIPPED=0
T_BASE=
T_LIST=

t_ok() { T_PASSED=$((T_PASSED + 1)); echo "ok - $1"; }
t_nok() {
	T_FAILED=$((T_FAILED + 1))
	echo "not ok - $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | head -n "${T_DETAIL_LINES:-20}" | sed 's/^/#   /'
	return 0
}
t_skip() { T_SKIPPED=$((T_SKIPPED + 1)); echo "skip - $1: $2"; }
t_check() {
	_t_what=$1
	shift
	if "$@"; then t_ok "$_t_what"; else t_nok "$_t_what"; fi
}
t_finish() {
	_t_s=""
	[ "$T_SKIPPED" -gt 0 ] && _t_s=", $T_SKIPPED skipped"
	echo "$SUITE: $T_PASSED passed, $T_FAILED failed$_t_s"
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

# t_setup [PARENT]: $T_BASE, a 0755 scratch directory under PARENT (else
# $KA_TEST_TMPDIR, else /var/lib for root: a 1777 /tmp above a key file
# makes sshd refuse it for a reason no test means; else $TMPDIR or /tmp),
# and the cleanup trap. KA_TEST_KEEP=1 keeps the directory at exit.
t_setup() {
	_t_parent=${1:-${KA_TEST_TMPDIR:-}}
	if [ -z "$_t_parent" ]; then
		if [ "$(id -u)" -eq 0 ]; then _t_parent=/var/lib; else _t_parent=${TMPDIR:-/tmp}; fi
	fi
	T_BASE=$(mktemp -d "$_t_parent/keyaudit-$SUITE.XXXXXX") || {
		echo "$SUITE: cannot make a directory under $_t_parent"
		exit 3
	}
	chmod 755 "$T_BASE"
	T_LIST=$T_BASE/cleanup.list
	: > "$T_LIST"
	trap t_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	if [ "$(id -u)" -eq 0 ] && [ ! -d /run/sshd ]; then
		mkdir -m 0755 /run/sshd
		echo "rundir /run/sshd" >> "$T_LIST"
	fi
}

# t_cleanup_add KIND WHAT: undo WHAT at exit. KIND is pid (killed), proc
# ("PID WANT": t_kill PID WANT), user, group (deleted), file (removed, -r),
# or list (another cleanup list, undone first: a suite's per-case list).
t_cleanup_add() {
	echo "$1 $2" >> "${T_LIST:-$T_BASE/cleanup.list}"
}

# t_kill PID WANT: kill PID only while its command line holds WANT: pids
# are reused, and a process this run started may be long gone.
t_kill() {
	[ -n "$1" ] && [ -r "/proc/$1/cmdline" ] || return 0
	if tr '\0' ' ' < "/proc/$1/cmdline" | grep -qF -- "$2"; then
		kill "$1" 2>/dev/null
	fi
	return 0
}

# t_undo LIST: undo one cleanup list, newest first: processes (a live
# session keeps a user "in use"), then accounts, then groups and files.
# The list is renamed LIST.done, so undoing it twice does nothing.
t_undo() {
	_t_l=$1
	[ -f "$_t_l" ] || return 0
	tac "$_t_l" | while read -r kind what; do
		[ "$kind" = list ] && t_undo "$what"
	done
	tac "$_t_l" | while read -r kind what; do
		case $kind in
		pid) kill "$what" 2>/dev/null ;;
		proc) t_kill "${what%% *}" "${what#* }" ;;
		esac
	done
	sleep 0.1
	tac "$_t_l" | while read -r kind what; do
		case $kind in
		user)
			_t_deluser "$what" kill
			getent passwd "$what" >/dev/null && echo "# cleanup: cannot delete user $what" >&2 ;;
		esac
	done
	tac "$_t_l" | while read -r kind what; do
		case $kind in
		group) getent group "$what" >/dev/null && groupdel "$what" >/dev/null 2>&1 ;;
		file) rm -rf "$what" ;;
		rundir) rmdir /run/sshd 2>/dev/null ;;
		esac
	done
	mv "$_t_l" "$_t_l.done"
}

t_cleanup() {
	trap - EXIT INT TERM
	[ -n "$T_BASE" ] && [ -d "$T_BASE" ] || return 0
	t_undo "$T_BASE/cleanup.list"
	if [ -n "${KA_TEST_KEEP:-}" ]; then
		echo "# kept $T_BASE"
	else
		rm -rf "$T_BASE"
	fi
}

# _t_deluser NAME [kill]: the account and its home gone; with "kill" its
# processes first (our own account's sessions, at cleanup). A process still
# running as it (a sudo left behind by a timed-out scan of another run)
# does not keep it: userdel -f.
_t_deluser() {
	getent passwd "$1" >/dev/null || return 0
	[ -n "${2:-}" ] && pkill -KILL -u "$1" 2>/dev/null
	userdel -r "$1" >/dev/null 2>&1 && return 0
	getent passwd "$1" >/dev/null && userdel -f -r "$1" >/dev/null 2>&1
	return 0
}

# t_user NAME [SHELL [HOME]]: a fresh account (removed first if a dead run
# left it, and so is a home left without its account) with a user-private
# group, a new 0755 home (/home/NAME unless HOME) and password field "*"
# (useradd's "!" is a locked account to sshd with UsePAM no). Undone at
# exit.
t_user() {
	_t_name=$1
	_t_shell=${2:-/bin/sh}
	t_cleanup_add user "$_t_name"
	t_cleanup_add group "$_t_name"
	_t_deluser "$_t_name"
	getent group "$_t_name" >/dev/null && groupdel "$_t_name" >/dev/null 2>&1
	rm -rf "${3:-/home/$_t_name}"
	useradd --create-home ${3:+--home-dir "$3"} --user-group --shell "$_t_shell" \
	    --password '*' "$_t_name" || return 1
	chmod 755 "$(getent passwd "$_t_name" | cut -d: -f6)"
}

# t_group NAME [MEMBER...]: a fresh group with those supplementary members.
t_group() {
	_t_name=$1
	shift
	t_cleanup_add group "$_t_name"
	getent group "$_t_name" >/dev/null && groupdel "$_t_name" >/dev/null 2>&1
	groupadd "$_t_name" || return 1
	for _t_m in "$@"; do
		gpasswd -a "$_t_m" "$_t_name" >/dev/null || return 1
	done
}

# t_keyfile USER KEY.pub: ~/.ssh 0700 and authorized_keys 0600 holding KEY.
t_keyfile() {
	_t_h=$(getent passwd "$1" | cut -d: -f6)
	install -d -m 0700 -o "$1" -g "$1" "$_t_h/.ssh"
	install -m 0600 -o "$1" -g "$1" "$2" "$_t_h/.ssh/authorized_keys"
}

# t_in_use ADDR:PORT: something listens there (TCP).
t_in_use() {
	ss -Hltn 2>/dev/null | awk '{ print $4 }' | grep -qxF "$1"
}

# t_free_port: a random TCP port in 20000-59999 that nothing listens on.
t_free_port() {
	for _t_i in 1 2 3 4 5 6 7 8 9 10; do
		_t_p=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))
		[ -z "$(ss -Hltn "sport = :$_t_p" 2>/dev/null)" ] && break
	done
	echo "$_t_p"
}

# Default lines of every test sshd, each written only when the caller's
# lines do not set that keyword (so a config never relies on first-value-
# wins by accident). A suite may set T_SSHD_DEFAULTS (one line each).
T_SSHD_DEFAULT_LINES='UsePAM no
LogLevel VERBOSE
PasswordAuthentication no
KbdInteractiveAuthentication no'

# t_sshd_config NAME ADDR PORT [LINE...]: write the config of sshd NAME
# (files in $T_BASE/NAME: sshd_config, hk, pid, log) to $T_SSHD_CONFIG
# (default $T_BASE/NAME/sshd_config) and print nothing. The caller's lines
# come first, up to the first Match line; then "ListenAddress ADDR:PORT"
# (more ListenAddress lines among the caller's add addresses); HostKey
# $T_BASE/NAME/hk (made once, ed25519 unless the file is there already)
# unless the caller gives HostKey lines; PidFile and the defaults for
# keywords the caller did not set; then the caller's Match blocks.
t_sshd_config() {
	_t_name=$1 _t_addr=$2 _t_port=$3
	shift 3
	_t_d=$T_BASE/$_t_name
	mkdir -p "$_t_d"
	chmod 755 "$_t_d"
	_t_cfg=${T_SSHD_CONFIG:-$_t_d/sshd_config}
	case $_t_addr in
	*:*) _t_listen="[$_t_addr]:$_t_port" ;;
	*) _t_listen="$_t_addr:$_t_port" ;;
	esac
	printf '%s\n' "$@" > "$_t_d/lines"
	{
		echo "ListenAddress $_t_listen"
		echo "HostKey $_t_d/hk"
		echo "PidFile $_t_d/pid"
		printf '%s\n' "${T_SSHD_DEFAULTS-$T_SSHD_DEFAULT_LINES}"
	} > "$_t_d/defaults"
	awk '
	function kw(l) { sub(/^[ \t]+/, "", l); split(l, a, /[ \t=]+/); return tolower(a[1]) }
	FNR == NR {
		if (!m && kw($0) == "match") m = 1
		if (m) tail = tail $0 "\n"; else { print; set[kw($0)] = 1 }
		next
	}
	$0 == "" { next }
	kw($0) == "listenaddress" || !(kw($0) in set) { print }
	END { printf "%s", tail }' "$_t_d/lines" "$_t_d/defaults" > "$_t_cfg"
	if ! grep -qi '^[[:space:]]*HostKey[[:space:]=]' "$_t_d/lines" && [ ! -f "$_t_d/hk" ]; then
		ssh-keygen -q -t ed25519 -N '' -C "$_t_name" -f "$_t_d/hk" </dev/null >/dev/null || return 1
	fi
	return 0
}

# The ADDR:PORT of each ListenAddress of a config, one a line.
_t_listens() {
	awk 'tolower($1) == "listenaddress" && $2 ~ /:[0-9]+$/ { print $2 } tolower($1) == "match" { exit }' "$1"
}

# t_sshd NAME ADDR PORT [LINE...]: a real sshd (t_sshd_config writes its
# config) in the foreground of a background job, logging to $T_SSHD_LOG
# (default $T_BASE/NAME/log, emptied first, made by sshd 0600 when new;
# "syslog": no -E, sshd logs to syslog); waits until it listens on every ListenAddress. 1 when an
# address is in use, sshd -t refuses the config or sshd does not come up,
# with the reason in $T_SSHD_WHY (and on stdout as a comment). The pid is
# $(t_sshd_pid NAME).
t_sshd() {
	_t_name=$1
	T_SSHD_WHY=
	t_sshd_config "$@" || { T_SSHD_WHY="no host key for $_t_name"; echo "# $T_SSHD_WHY"; return 1; }
	_t_cfg=${T_SSHD_CONFIG:-$T_BASE/$_t_name/sshd_config}
	_t_log=${T_SSHD_LOG:-$T_BASE/$_t_name/log}
	_t_sshd=${SSHD:-/usr/sbin/sshd}
	for _t_a in $(_t_listens "$_t_cfg"); do
		if t_in_use "$_t_a"; then
			T_SSHD_WHY="$_t_a is already in use"
			echo "# sshd $_t_name: $T_SSHD_WHY"
			return 1
		fi
	done
	if ! "$_t_sshd" -t -f "$_t_cfg" > "$T_BASE/$_t_name/sshd-t.log" 2>&1; then
		T_SSHD_WHY="sshd -t rejected the config: $(head -n 2 "$T_BASE/$_t_name/sshd-t.log" | tr '\n' ' ')"
		echo "# sshd $_t_name: $T_SSHD_WHY"
		return 1
	fi
	if [ "$_t_log" = syslog ]; then
		_t_log=/dev/null
		"$_t_sshd" -D -f "$_t_cfg" </dev/null >/dev/null 2>&1 &
	else
		# emptied, keeping its mode; a new one is sshd's (0600)
		[ -e "$_t_log" ] && : > "$_t_log"
		"$_t_sshd" -D -f "$_t_cfg" -E "$_t_log" </dev/null >/dev/null 2>&1 &
	fi
	_t_pid=$!
	t_cleanup_add proc "$_t_pid $_t_cfg"
	eval "T_SSHD_PID_$(echo "$_t_name" | tr -c 'A-Za-z0-9_\n' _)=$_t_pid"
	_t_n=$(_t_listens "$_t_cfg" | wc -l)
	for _ in $(seq 1 200); do
		# (no log yet: grep prints nothing, counted as 0)
		[ "$(grep -c 'Server listening on' "$_t_log" 2>/dev/null || echo 0)" -ge "$_t_n" ] 2>/dev/null && return 0
		_t_up=1
		for _t_a in $(_t_listens "$_t_cfg"); do
			t_in_use "$_t_a" || { _t_up=; break; }
		done
		[ -n "$_t_up" ] && return 0
		kill -0 "$_t_pid" 2>/dev/null || break
		sleep 0.05
	done
	T_SSHD_WHY="sshd did not start: $(tail -n 2 "$_t_log" | tr '\n' ' ')"
	echo "# sshd $_t_name: $T_SSHD_WHY"
	t_sshd_stop "$_t_name"
	return 1
}

# t_sshd_pid NAME: the pid of sshd NAME (empty once stopped).
t_sshd_pid() {
	eval "echo \${T_SSHD_PID_$(echo "$1" | tr -c 'A-Za-z0-9_\n' _):-}"
}

# t_sshd_stop NAME: stop sshd NAME and wait for it.
t_sshd_stop() {
	_t_pid=$(t_sshd_pid "$1")
	if [ -n "$_t_pid" ]; then
		kill "$_t_pid" 2>/dev/null && wait "$_t_pid" 2>/dev/null
	fi
	eval "T_SSHD_PID_$(echo "$1" | tr -c 'A-Za-z0-9_\n' _)="
	return 0
}

# t_known_hosts NAME ADDR PORT: a known_hosts line for that sshd.
t_known_hosts() {
	echo "[$2]:$3 $(cut -d' ' -f1,2 "$T_BASE/$1/hk.pub")"
}

# t_schema junit|sarif: the path of the schema, or nothing (status 1).
# KEYAUDIT_SCHEMAS names a directory holding junit-10.xsd and
# sarif-schema-2.1.0.json; else ../shared, beside the repository (the
# suites run from its top).
t_schema() {
	case $1 in
	junit) _t_f=junit-10.xsd ;;
	sarif) _t_f=sarif-schema-2.1.0.json ;;
	*) return 1 ;;
	esac
	for _t_dir in ${KEYAUDIT_SCHEMAS:-} ../shared; do
		[ -f "$_t_dir/$_t_f" ] && { echo "$_t_dir/$_t_f"; return 0; }
	done
	return 1
}

# Why the checks of a schema are skipped.
_t_noschema() {
	case $1 in
	junit) echo "no junit-10.xsd in \$KEYAUDIT_SCHEMAS or ../shared" ;;
	*) echo "no sarif-schema-2.1.0.json in \$KEYAUDIT_SCHEMAS or ../shared" ;;
	esac
}

# t_valid junit|sarif FILE: 0 when FILE validates against the schema, 1
# when it does not (the validator's complaint on stdout), 2 when there is
# no schema (the reason on stdout). JUnit with xmllint, SARIF with
# python3-jsonschema (make test-deps installs both).
t_valid() {
	if ! _t_sch=$(t_schema "$1"); then
		_t_noschema "$1"
		return 2
	fi
	case $1 in
	junit)
		command -v xmllint >/dev/null 2>&1 || { echo "xmllint is not installed (make test-deps)"; return 1; }
		_t_out=$(xmllint --noout --schema "$_t_sch" "$2" 2>&1) && return 0
		printf '%s\n' "$_t_out" | head -n 5
		return 1 ;;
	sarif)
		_t_py=python3
		[ -x /usr/bin/python3 ] && _t_py=/usr/bin/python3
		_t_out=$("$_t_py" -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' "$_t_sch" "$2" 2>&1) && return 0
		printf '%s\n' "$_t_out" | tail -n 3
		return 1 ;;
	esac
}

# t_valid_junit WHAT FILE / t_valid_sarif WHAT FILE: one check: ok when FILE
# validates, not ok with the complaint, skipped (with the reason) when
# there is no schema.
t_valid_junit() { _t_valid_check junit "$@"; }
t_valid_sarif() { _t_valid_check sarif "$@"; }
_t_valid_check() {
	_t_v=$(t_valid "$1" "$3")
	case $? in
	0) t_ok "$2" ;;
	2) t_skip "$2" "$_t_v" ;;
	*) t_nok "$2" "$_t_v" ;;
	esac
}

# t_ok_schema WHAT KIND...: for a check whose other conditions held and
# whose reports were validated where the schemas are (t_valid returned 0
# or 2): ok when every KIND's schema is there, else skipped with why.
t_ok_schema() {
	_t_what=$1
	shift
	for _t_k in "$@"; do
		if ! t_schema "$_t_k" >/dev/null; then
			t_skip "$_t_what" "not validated: $(_t_noschema "$_t_k"); the rest held"
			return 0
		fi
	done
	t_ok "$_t_what"
}
