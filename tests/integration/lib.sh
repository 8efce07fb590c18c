# lib.sh - helpers for the integration harness: throwaway accounts, keys and
# sshd configs, one real login attempt per scenario against an sshd on
# 127.0.0.1, and the comparison with keyaudit's verdict. Sourced by run.sh
# after tests/lib.sh, which counts, makes the accounts and the sshd, and
# undoes them.
#
# A scenario is a shell function registered with `scenario NAME FUNC`. It runs
# in a subshell under `set -e` and uses the it_* helpers below to build its
# world; the harness then starts sshd, tries the login and runs keyaudit.
#
# Everything created on the system is written to the scenario's cleanup list
# ($T_LIST = $SCDIR/cleanup.list, named in the run's list) before it is
# created, so the EXIT/INT/TERM trap of tests/lib.sh can undo it even when a
# scenario subshell dies half way; each list is undone when its scenario ends.

IT_SSHD=${SSHD:-/usr/sbin/sshd}
# The sshd defaults of tests/lib.sh, less the password settings: a scenario
# starts from sshd's own defaults.
T_SSHD_DEFAULTS='UsePAM no
StrictModes yes
LogLevel DEBUG3'
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
	t_need_root
	for t in "$IT_SSHD" ssh ssh-keygen jq useradd userdel groupadd \
	    groupdel usermod gpasswd timeout; do
		command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
	done
	if [ -n "$missing" ]; then
		t_skip integration "missing:$missing"
		t_finish
	fi
}

# The base must not live under a world-writable directory such as /tmp:
# scenarios with files outside the home directory make sshd walk up to /,
# and a 1777 /tmp would refuse them for a reason that is not the scenario's.
it_setup()
{
	local d
	[ -n "${KA_IT_KEEP:-}" ] && KA_TEST_KEEP=1
	t_setup "${KA_IT_TMPDIR:-}"
	BASE=$T_BASE

	d=$BASE
	while [ "$d" != / ]; do
		d=$(dirname "$d")
		if [ -n "$(find "$d" -maxdepth 0 \( -perm -0002 -o -perm -0020 \
		    -o ! -uid 0 \) -print)" ]; then
			it_log "# warning: $d is writable by others or not" \
			    "root-owned; scenarios that walk to / may fail"
		fi
	done

	mkdir -m 0755 "$BASE/home"
	ssh-keygen -q -t ed25519 -N '' -C keyaudit-it-host \
	    -f "$BASE/hostkey" || exit 2
	IT_RAND=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
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
	t_user "$name" "$shell" "$BASE/home/$name"
	printf -v "$var" %s "$name"
}

# it_group VAR [MEMBER...]: a fresh group with the given supplementary members.
it_group()
{
	local var=$1 name m
	shift
	IT_NGROUP=$((IT_NGROUP + 1))
	name=ka$IT_RAND-$N-g$IT_NGROUP
	t_group "$name" "$@"
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

# it_write_config PORT: the scenario's sshd_config ($SCDIR/sshd_config):
# its global lines, then the harness's (t_sshd_config: the address, the
# run's host key, T_SSHD_DEFAULTS for keywords the scenario did not set),
# then its Match blocks.
it_write_config()
{
	t_sshd_config "sc-$N" 127.0.0.1 "$1" "${IT_SSHD_LINES[@]}"
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
	    awk '!seen[$0]++' | head -n 6 | sed -e 's/^/sshd: /'

}

# Starts sshd on a free port; sets IT_PID and IT_PORT. Retries a few ports
# because another process may grab the one we picked.
it_start_sshd()
{
	for _ in 1 2 3 4 5; do
		IT_PORT=$(t_free_port)
		if t_sshd "sc-$N" 127.0.0.1 "$IT_PORT" "${IT_SSHD_LINES[@]}" >/dev/null; then
			IT_PID=$(t_sshd_pid "sc-$N")
			return 0
		fi
	done
	return 1
}

it_stop_sshd()
{
	t_sshd_stop "sc-$N"
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

# it_why WHY [DETAIL]: why the scenario failed, and the lines that show it,
# for it_main to report (it_run_one runs in a subshell).
it_why()
{
	printf '%s' "$1" > "$SCDIR/why"
	printf '%s' "${2:-}" > "$SCDIR/detail"
}

# Runs the scenario function and the attempt. Exit status 0 = passed; on a
# failure it_why says why. Runs in a subshell.
it_run_one()
{
	N=$1 IT_NAME=$2
	local func=$3 sshd_verdict why="" c
	KA_FINDINGS='' KA_CHECKS='' KA_VERDICT=''
	SCDIR=$BASE/sc-$N
	mkdir -m 0755 "$SCDIR"
	# the scenario's accounts, groups and sshd go on its own list
	t_cleanup_add list "$SCDIR/cleanup.list"
	T_LIST=$SCDIR/cleanup.list
	: > "$T_LIST"
	T_SSHD_LOG=$SCDIR/sshd.log
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
		it_why "scenario set-up failed" "$(tail -n 5 "$SCDIR/setup.log")"
		return 1
	fi
	# The set-up ran in its own subshell; take its variables back.
	# shellcheck disable=SC1091
	. "$SCDIR/state.sh"
	LOGIN_FP=$(ssh-keygen -l -f "$LOGIN_KEY.pub" 2>/dev/null |
	    awk '{ print $2 }')
	IT_SSHD_LINES=("# keyaudit integration scenario $N: $IT_NAME"
	    "${IT_CFG[@]}" "HostKey $BASE/hostkey" "${IT_MATCH[@]}")

	if [ -n "$IT_INVALID" ]; then
		it_write_config "$(t_free_port)"
		if "$IT_SSHD" -t -f "$SCDIR/sshd_config" > "$SCDIR/sshd.log" 2>&1
		then
			sshd_verdict=accepted
			why="sshd -t accepted a config the scenario says is invalid"
		else
			sshd_verdict=refused
		fi
	else
		it_write_config "$(t_free_port)"
		if ! "$IT_SSHD" -t -f "$SCDIR/sshd_config" > "$SCDIR/sshd-t.log" 2>&1
		then
			it_why "sshd -t rejected the config" "$(head -n 5 "$SCDIR/sshd-t.log")"
			return 1
		fi
		if ! it_start_sshd; then
			it_why "sshd did not start" "$(tail -n 5 "$SCDIR/sshd.log")"
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
		if [ -n "${KA_IT_VERBOSE:-}" ]; then
			it_why "" "$(it_sshd_reason
			    [ -n "${KA_FINDINGS:-}" ] && echo "keyaudit: $KA_FINDINGS")"
		fi
		return 0
	fi
	it_why "$why" "$(it_sshd_reason
	    [ -s "$SCDIR/keyaudit.err" ] &&
	    sed -e 's/^/keyaudit stderr: /' "$SCDIR/keyaudit.err" | head -n 3)"
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
	local i n=0 want p d
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
		d=$BASE/sc-$n
		# Not inside `if`: bash would ignore the set -e of the scenario's
		# set-up subshell in a condition.
		(it_run_one "$n" "${IT_NAMES[$i]}" "${IT_FUNCS[$i]}")
		# shellcheck disable=SC2181
		if [ $? -eq 0 ]; then
			t_ok "$n ${IT_NAMES[$i]}"
			[ -s "$d/detail" ] && sed -e 's/^/#   /' "$d/detail"
		else
			t_nok "$n ${IT_NAMES[$i]}$(cat "$d/why" 2>/dev/null |
			    sed 's/.*/ (&)/')" "$(cat "$d/detail" 2>/dev/null)"
		fi
		t_undo "$d/cleanup.list"
	done
	t_finish
}
