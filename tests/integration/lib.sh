# lib.sh - helpers for the integration harness: throwaway accounts, keys and
# sshd configs, one real login attempt per scenario against an sshd on
# 127.0.0.1, and the comparison with keyaudit's verdict. Sourced by run.sh.
#
# A scenario is a shell function registered with `scenario NAME FUNC`. It runs
# in a subshell under `set -e` and uses the it_* helpers below to build its
# world; the harness then starts sshd, tries the login and runs keyaudit.
#
# Everything created on the system is written to $IT_CLEANUP before it is
# created, so the EXIT/INT/TERM trap in the main shell can undo it even when a
# scenario subshell dies half way.

IT_SSHD=/usr/sbin/sshd
IT_NAMES=()
IT_FUNCS=()

# scenario NAME FUNC: register a scenario (order of registration = order run).
scenario()
{
	IT_NAMES+=("$1")
	IT_FUNCS+=("$2")
}

it_log()
{
	printf '%s\n' "$*" >&2
}

# ---------------------------------------------------------------------------
# Set-up and tear-down of the whole run.

it_require()
{
	local missing="" t
	if [ "$(id -u)" -ne 0 ]; then
		echo "integration: skipped (needs root)"
		exit 77
	fi
	for t in "$IT_SSHD" ssh ssh-keygen jq useradd userdel groupadd \
	    groupdel usermod gpasswd timeout; do
		command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
	done
	if [ -n "$missing" ]; then
		echo "integration: skipped (missing:$missing)"
		exit 77
	fi
}

# The base must not live under a world-writable directory such as /tmp:
# scenarios with files outside the home directory make sshd walk up to /,
# and a 1777 /tmp would refuse them for a reason that is not the scenario's.
it_setup()
{
	local parent=${KA_IT_TMPDIR:-/var/lib} d
	BASE=$(mktemp -d "$parent/keyaudit-it.XXXXXX") || {
		echo "integration: cannot create a temp dir under $parent"
		exit 2
	}
	chmod 755 "$BASE"
	: > "$BASE/cleanup.list"
	trap it_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM

	d=$BASE
	while [ "$d" != / ]; do
		d=$(dirname "$d")
		if [ -n "$(find "$d" -maxdepth 0 \( -perm -0002 -o -perm -0020 \
		    -o ! -uid 0 \) -print)" ]; then
			it_log "# warning: $d is writable by others or not" \
			    "root-owned; scenarios that walk to / may fail"
		fi
	done

	# sshd refuses to start without its privilege separation directory;
	# the service unit normally creates it. Removed again at exit when
	# we were the ones who made it.
	if [ ! -d /run/sshd ]; then
		mkdir -m 0755 /run/sshd
		echo "rundir /run/sshd" >> "$BASE/cleanup.list"
	fi

	mkdir -m 0755 "$BASE/home"
	ssh-keygen -q -t ed25519 -N '' -C keyaudit-it-host \
	    -f "$BASE/hostkey" || exit 2
	IT_RAND=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
}

# it_undo LIST: kill the sshd, delete the accounts and groups named in LIST.
# Processes first (a live session keeps a user "in use"), then accounts, then
# groups (a user-private group goes with its user), newest first.
it_undo()
{
	local list=$1 kind what
	[ -f "$list" ] || return 0
	tac "$list" | while read -r kind what; do
		[ "$kind" = pid ] || continue
		# Only our own sshd: the pid may have been reused since.
		if [ -r "/proc/$what/cmdline" ] &&
		    tr '\0' ' ' < "/proc/$what/cmdline" | grep -qF "$BASE"; then
			kill "$what" 2>/dev/null
		fi
	done
	tac "$list" | while read -r kind what; do
		[ "$kind" = user ] || continue
		# userdel -r fails (after deleting the account) when the home
		# is not the user's; the rm of $BASE covers that.
		getent passwd "$what" >/dev/null &&
		    userdel -r "$what" >/dev/null 2>&1
		getent passwd "$what" >/dev/null &&
		    userdel -f "$what" >/dev/null 2>&1
		getent passwd "$what" >/dev/null &&
		    it_log "# cleanup: cannot delete user $what"
	done
	tac "$list" | while read -r kind what; do
		[ "$kind" = group ] || continue
		getent group "$what" >/dev/null &&
		    groupdel "$what" >/dev/null 2>&1
		getent group "$what" >/dev/null &&
		    it_log "# cleanup: cannot delete group $what"
	done
	mv "$list" "$list.done"
}

it_cleanup()
{
	local l
	trap - EXIT INT TERM
	[ -n "${BASE:-}" ] && [ -d "$BASE" ] || return 0
	for l in "$BASE"/sc-*/cleanup.list; do
		it_undo "$l"
	done
	if grep -qs '^rundir /run/sshd$' "$BASE/cleanup.list"; then
		rmdir /run/sshd 2>/dev/null
	fi
	if [ -n "${KA_IT_KEEP:-}" ]; then
		it_log "# kept $BASE"
	else
		rm -rf "$BASE"
	fi
}

# ---------------------------------------------------------------------------
# Helpers for scenario functions. They run inside the scenario's subshell.

# it_user VAR [SHELL]: a fresh account with a user-private group and a 0755
# home under $BASE/home. Its password field is "*" rather than useradd's
# default "!", which sshd (UsePAM no) treats as a locked account.
it_user()
{
	local var=$1 shell=${2:-/bin/bash} name
	IT_NUSER=$((IT_NUSER + 1))
	name=ka$IT_RAND-$N
	[ "$IT_NUSER" -eq 1 ] || name=$name-u$IT_NUSER
	echo "user $name" >> "$IT_CLEANUP"
	echo "group $name" >> "$IT_CLEANUP"
	useradd --home-dir "$BASE/home/$name" --create-home --user-group \
	    --shell "$shell" --password '*' "$name"
	chmod 755 "$BASE/home/$name"
	printf -v "$var" %s "$name"
}

# it_group VAR [MEMBER...]: a fresh group with the given supplementary members.
it_group()
{
	local var=$1 name m
	shift
	IT_NGROUP=$((IT_NGROUP + 1))
	name=ka$IT_RAND-$N-g$IT_NGROUP
	echo "group $name" >> "$IT_CLEANUP"
	groupadd "$name"
	for m in "$@"; do
		gpasswd -a "$m" "$name" >/dev/null
	done
	printf -v "$var" %s "$name"
}

# it_key VAR [TYPE [BITS]]: a passphrase-less client key; VAR = private path.
it_key()
{
	local var=$1 type=${2:-ed25519} bits=${3:-} path
	IT_NKEY=$((IT_NKEY + 1))
	path=$SCDIR/key$IT_NKEY
	ssh-keygen -q -t "$type" ${bits:+-b "$bits"} -N '' -C "it-$N-$IT_NKEY" \
	    -f "$path"
	printf -v "$var" %s "$path"
}

# it_std [TYPE [BITS]]: the baseline world most scenarios start from. Sets U
# (user), H (home), KEY (private key), PUB (public key line), SSHD_DIR
# ($H/.ssh) and AK ($H/.ssh/authorized_keys): home 0755, ~/.ssh 0700 and
# authorized_keys 0600 holding the key, all owned by the user.
it_std()
{
	it_user U
	H=$BASE/home/$U
	it_key KEY "$@"
	# shellcheck disable=SC2034
	PUB=$(cat "$KEY.pub")
	SSHD_DIR=$H/.ssh
	AK=$SSHD_DIR/authorized_keys
	install -d -m 0700 -o "$U" -g "$U" "$SSHD_DIR"
	install -m 0600 -o "$U" -g "$U" "$KEY.pub" "$AK"
	LOGIN_USER=$U
	LOGIN_KEY=$KEY
}

# it_write FILE LINE...: replace FILE's content (owner and mode are kept).
it_write()
{
	local f=$1
	shift
	printf '%s\n' "$@" > "$f"
}

# it_cfg LINE...: global sshd_config lines, written before the harness's own.
it_cfg()
{
	IT_CFG+=("$@")
}

# it_match LINE...: lines for the end of sshd_config (Match blocks).
it_match()
{
	IT_MATCH+=("$@")
}

# it_expect accepted|refused [CHECK | !CHECK ...]: what real sshd must do,
# which check ids keyaudit must report for the user and which it must not.
it_expect()
{
	IT_EXPECT=$1
	shift
	IT_CHECKS=("$@")
}

# it_ka_args ARG...: extra keyaudit arguments (e.g. --from 127.0.0.1).
it_ka_args()
{
	IT_KA_ARGS+=("$@")
}

# it_ssh_args ARG...: extra ssh client arguments.
it_ssh_args()
{
	IT_SSH_ARGS+=("$@")
}

# it_no_verdict: keyaudit's verdict is not compared (it cannot know, e.g. a
# binary KRL); sshd's verdict and the check ids still are.
it_no_verdict()
{
	IT_NO_VERDICT=1
}

# it_config_invalid: sshd -t must reject the config; no login is attempted
# (a daemon that does not start accepts no key).
it_config_invalid()
{
	IT_INVALID=1
}

# ---------------------------------------------------------------------------
# One attempt: sshd config, sshd, ssh, keyaudit, verdicts.

it_free_port()
{
	local p i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		p=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))
		if ! command -v ss >/dev/null 2>&1 ||
		    [ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]; then
			echo "$p"
			return 0
		fi
	done
	echo "$p"
}

# A keyword is written by the harness only when the scenario did not set it,
# so the config never relies on first-value-wins by accident.
it_cfg_has()
{
	local l
	for l in "${IT_CFG[@]}"; do
		case ${l,,} in
		"${1,,}"[\ =\	]*) return 0 ;;
		esac
	done
	return 1
}

it_write_config()
{
	local port=$1 cfg=$SCDIR/sshd_config l
	{
		echo "# keyaudit integration scenario $N: $IT_NAME"
		for l in "${IT_CFG[@]}"; do
			echo "$l"
		done
		echo "Port $port"
		echo "ListenAddress 127.0.0.1"
		echo "HostKey $BASE/hostkey"
		echo "PidFile $SCDIR/sshd.pid"
		it_cfg_has UsePAM || echo "UsePAM no"
		it_cfg_has StrictModes || echo "StrictModes yes"
		it_cfg_has LogLevel || echo "LogLevel DEBUG3"
		for l in "${IT_MATCH[@]}"; do
			echo "$l"
		done
	} > "$cfg"
}

# Lines of the sshd log that say why a key was or was not accepted.
it_sshd_reason()
{
	local re='not allowed because|Authentication refused|bad ownership'
	re="$re|Could not open|not a regular file|revoked|not from a permitted"
	re="$re|not in PubkeyAcceptedAlgorithms|Invalid key length|expired"
	re="$re|bad key options|principals|Accepted key|Accepted publickey"
	re="$re|Partial publickey|ROOT LOGIN|Invalid user|has expired"
	re="$re|Access denied for user"
	grep -E "$re" "$SCDIR/sshd.log" 2>/dev/null |
	    grep -v -e auth_shadow_acctexpired -e 'sending debug message' |
	    sed -e 's/^debug[0-9]: //' -e 's/ \[preauth\]$//' |
	    awk '!seen[$0]++' | head -n 6 | sed -e 's/^/#   sshd: /'

}

# Starts sshd on a free port; sets IT_PID and IT_PORT. Retries a few ports
# because another process may grab the one we picked.
it_start_sshd()
{
	local i
	for _ in 1 2 3 4 5; do
		IT_PORT=$(it_free_port)
		it_write_config "$IT_PORT"
		: > "$SCDIR/sshd.log"
		"$IT_SSHD" -D -f "$SCDIR/sshd_config" -E "$SCDIR/sshd.log" \
		    </dev/null >/dev/null 2>&1 &
		IT_PID=$!
		echo "pid $IT_PID" >> "$IT_CLEANUP"
		for i in $(seq 1 100); do
			if grep -q "Server listening on 127.0.0.1 port $IT_PORT" \
			    "$SCDIR/sshd.log"; then
				return 0
			fi
			kill -0 "$IT_PID" 2>/dev/null || break
			sleep 0.05
		done
		kill "$IT_PID" 2>/dev/null
		wait "$IT_PID" 2>/dev/null
		IT_PID=
	done
	return 1
}

it_stop_sshd()
{
	[ -n "${IT_PID:-}" ] || return 0
	kill "$IT_PID" 2>/dev/null
	wait "$IT_PID" 2>/dev/null
	IT_PID=
}

# "accepted" when ssh itself says it authenticated. The exit status is not
# enough: a nologin shell or a failing PAM session authenticates and then
# fails, and the question here is only whether the key was accepted.
it_try_login()
{
	SSH_AUTH_SOCK='' timeout 20 ssh -F /dev/null -o BatchMode=yes \
	    -o IdentitiesOnly=yes -o StrictHostKeyChecking=no \
	    -o UserKnownHostsFile=/dev/null -o GlobalKnownHostsFile=/dev/null \
	    -o ConnectTimeout=5 -o PreferredAuthentications=publickey \
	    "${IT_SSH_ARGS[@]}" -i "$LOGIN_KEY" -p "$IT_PORT" -v \
	    "$LOGIN_USER@127.0.0.1" true </dev/null > "$SCDIR/ssh.log" 2>&1
	if grep -q '^Authenticated to ' "$SCDIR/ssh.log"; then
		echo accepted
	else
		echo refused
	fi
}

# Runs keyaudit; sets KA_VERDICT, KA_FINDINGS (short list), KA_ERR (why the
# run itself is unusable, empty when fine). A finding counts for the user
# when it names the user or no user at all (host-wide sshd findings).
it_keyaudit()
{
	local rc filter
	KA_ERR=
	timeout 60 "$KEYAUDIT" scan --user "$LOGIN_USER" \
	    --sshd-config "$SCDIR/sshd_config" --format json --no-color \
	    "${IT_KA_ARGS[@]}" > "$SCDIR/keyaudit.json" \
	    2> "$SCDIR/keyaudit.err"
	rc=$?
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
		KA_ERR="keyaudit exit $rc: $(head -c 300 "$SCDIR/keyaudit.err" |
		    tr '\n' ' ')"
		return
	fi
	# shellcheck disable=SC2016
	# One jq run: the verdict, a short list for messages, the check ids.
	# A blocking finding that names another key (key_fp) is about that
	# key, not about the login under test.
	filter='[.hosts[].findings[] | select(.user == $u or .user == null)
		| .mine = ((.key_fp // $fp) == $fp)]
	    | (if any(.[]; .blocks_login == true and .mine) then "refused"
		else "accepted" end),
	      ([.[] | .check + (if .blocks_login | not then ""
		elif .mine then "(blocks)" else "(blocks other key)" end)]
		| unique | join(" ")),
	      ([.[].check] | unique | join(" "))'
	if ! jq -r --arg u "$LOGIN_USER" --arg fp "$LOGIN_FP" "$filter" \
	    "$SCDIR/keyaudit.json" > "$SCDIR/verdict.txt" 2>/dev/null; then
		KA_ERR="keyaudit output is not the expected JSON"
		return
	fi
	{
		read -r KA_VERDICT
		read -r KA_FINDINGS
		read -r KA_CHECKS
	} < "$SCDIR/verdict.txt"
	[ -n "$KA_VERDICT" ] || KA_ERR="keyaudit printed no JSON report"
}

it_has_check()
{
	case " $KA_CHECKS " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# Runs the scenario function and the attempt; prints the TAP line. Exit
# status 0 = passed. Runs in a subshell.
it_run_one()
{
	N=$1 IT_NAME=$2
	local func=$3 sshd_verdict why="" c
	KA_FINDINGS='' KA_CHECKS='' KA_VERDICT=''
	SCDIR=$BASE/sc-$N
	mkdir -m 0755 "$SCDIR"
	IT_CLEANUP=$SCDIR/cleanup.list
	: > "$IT_CLEANUP"
	IT_NUSER=0 IT_NGROUP=0 IT_NKEY=0 IT_INVALID='' IT_NO_VERDICT=''
	IT_CFG=() IT_MATCH=() IT_CHECKS=() IT_KA_ARGS=() IT_SSH_ARGS=()
	IT_EXPECT=
	LOGIN_USER='' LOGIN_KEY=''

	# Set-up failures are harness bugs, not verdicts: say so and stop.
	# (Not inside `if`: bash ignores set -e in a condition's subshell.)
	(
		set -eE
		trap 'echo "failed: $BASH_COMMAND" >&2' ERR
		"$func"
		it_dump_state
	) > "$SCDIR/setup.log" 2>&1
	# shellcheck disable=SC2181
	if [ $? -ne 0 ]; then
		echo "not ok $N - $IT_NAME (scenario set-up failed)"
		sed -e 's/^/#   /' "$SCDIR/setup.log" | tail -n 5
		return 1
	fi
	# The set-up ran in its own subshell; take its variables back.
	# shellcheck disable=SC1091
	. "$SCDIR/state.sh"
	LOGIN_FP=$(ssh-keygen -l -f "$LOGIN_KEY.pub" 2>/dev/null |
	    awk '{ print $2 }')

	if [ -n "$IT_INVALID" ]; then
		it_write_config "$(it_free_port)"
		if "$IT_SSHD" -t -f "$SCDIR/sshd_config" > "$SCDIR/sshd.log" 2>&1
		then
			sshd_verdict=accepted
			why="sshd -t accepted a config the scenario says is invalid"
		else
			sshd_verdict=refused
		fi
	else
		it_write_config "$(it_free_port)"
		if ! "$IT_SSHD" -t -f "$SCDIR/sshd_config" > "$SCDIR/sshd-t.log" 2>&1
		then
			echo "not ok $N - $IT_NAME (sshd -t rejected the config)"
			sed -e 's/^/#   /' "$SCDIR/sshd-t.log" | head -n 5
			return 1
		fi
		if ! it_start_sshd; then
			echo "not ok $N - $IT_NAME (sshd did not start)"
			sed -e 's/^/#   /' "$SCDIR/sshd.log" | tail -n 5
			return 1
		fi
		sshd_verdict=$(it_try_login)
		it_stop_sshd
	fi

	if [ "$sshd_verdict" != "$IT_EXPECT" ]; then
		why="sshd: $sshd_verdict, scenario expects $IT_EXPECT"
	fi

	if [ -z "$why" ] && [ -z "${KA_IT_SSHD_ONLY:-}" ]; then
		it_keyaudit
		if [ -n "$KA_ERR" ]; then
			why=$KA_ERR
		elif [ -z "$IT_NO_VERDICT" ] &&
		    [ "$KA_VERDICT" != "$sshd_verdict" ]; then
			why="sshd: $sshd_verdict, keyaudit: $KA_VERDICT;"
			why="$why findings: ${KA_FINDINGS:-none}"
		else
			for c in "${IT_CHECKS[@]}"; do
				case $c in
				!*)
					if it_has_check "${c#!}"; then
						why="unexpected ${c#!}; findings: $KA_FINDINGS"
						break
					fi
					;;
				*)
					if ! it_has_check "$c"; then
						why="missing $c; findings: ${KA_FINDINGS:-none}"
						break
					fi
					;;
				esac
			done
		fi
	fi

	if [ -z "$why" ]; then
		echo "ok $N - $IT_NAME"
		if [ -n "${KA_IT_VERBOSE:-}" ]; then
			it_sshd_reason
			[ -n "${KA_FINDINGS:-}" ] &&
			    echo "#   keyaudit: $KA_FINDINGS"
		fi
		return 0
	fi
	echo "not ok $N - $IT_NAME ($why)"
	it_sshd_reason
	[ -s "$SCDIR/keyaudit.err" ] &&
	    sed -e 's/^/#   keyaudit stderr: /' "$SCDIR/keyaudit.err" | head -n 3
	return 1
}

# Writes the variables a scenario set so the parent subshell can load them.
it_dump_state()
{
	{
		declare -p IT_CFG IT_MATCH IT_CHECKS IT_KA_ARGS IT_SSH_ARGS
		declare -p IT_EXPECT IT_INVALID IT_NO_VERDICT LOGIN_USER LOGIN_KEY
	} > "$SCDIR/state.sh"
	if [ -z "$IT_EXPECT" ]; then
		echo "scenario did not call it_expect" >&2
		return 1
	fi
	if [ -z "$IT_INVALID" ] && [ -z "$LOGIN_USER" ]; then
		echo "scenario set no login user (it_std or LOGIN_USER=)" >&2
		return 1
	fi
}

# it_main [PATTERN...]: run every registered scenario whose name contains one
# of the patterns (all when none), then print the summary line.
it_main()
{
	local i n=0 passed=0 failed=0 want p
	it_require
	KEYAUDIT=${KEYAUDIT:-$IT_ROOT/keyaudit}
	if [ -z "${KA_IT_SSHD_ONLY:-}" ] && [ ! -x "$KEYAUDIT" ]; then
		echo "integration: $KEYAUDIT not found (run make first)"
		exit 2
	fi
	it_setup
	for i in "${!IT_NAMES[@]}"; do
		n=$((i + 1))
		if [ $# -gt 0 ]; then
			want=
			for p in "$@"; do
				case ${IT_NAMES[$i]} in
				*"$p"*) want=1 ;;
				esac
			done
			[ -n "$want" ] || continue
		fi
		(it_run_one "$n" "${IT_NAMES[$i]}" "${IT_FUNCS[$i]}")
		# shellcheck disable=SC2181
		if [ $? -eq 0 ]; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
		fi
		it_undo "$BASE/sc-$n/cleanup.list"
	done
	echo "integration: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
