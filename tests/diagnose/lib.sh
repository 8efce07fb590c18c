# lib.sh - the world of the `keyaudit diagnose` corpus (run.sh): throwaway
# accounts, client keys and ssh_config, one real sshd on 127.0.0.1:2240 that
# each scenario restarts with its own sshd_config, hostile endpoints
# (tests/fleet/hostile.c) on 127.0.0.231-236:2240, and the runner that puts
# the real ssh (the oracle) and keyaudit side by side. Sourced by run.sh
# after tests/lib.sh, which counts, makes the accounts and the sshd and
# undoes everything at exit.
#
# Accounts (removed at exit): kadc runs ssh and keyaudit, kadu is the login
# being diagnosed, kadadm is the second, working login for --via (NOPASSWD
# sudo in /etc/sudoers.d/keyaudit-diagnose); group kadg for Allow/DenyGroups.
# Home directories are the real /home/kad*: sshd's StrictModes walk from
# /home/kadu/.ssh/authorized_keys to / must meet only root-owned 0755
# directories, so only the scenario's own break makes sshd refuse. The
# harness's files live under /var/lib (not /tmp, which is 1777).
#
# A scenario is a function that only describes its world, on top of the
# baseline that dg_reset restores before every scenario:
#   MODE      client (no server view) | local | via | snap
#   EXPECT    the check id of the cause, or "ok"
#   TUSER THOST TPORT   the login (kadu@127.0.0.1:2240)
#   KEYS      -i files (default: the authorized key); () = no -i
#   CC        lines for the top of the client's ssh_config (first value wins)
#   SC        lines for the top of sshd_config (first value wins)
#   SM        lines for the end of sshd_config (Match blocks)
#   USE_F     1: pass -F $CFG to ssh and keyaudit; 0: kadc's ~/.ssh/config
#             (the same text), mode HOMECFG_MODE
#   HOLD      1: keep one unauthenticated connection to sshd open
#   AGENT     keys to load into an ssh-agent run by kadc ("" = no agent)
#   NOSSHD    1: start no sshd (hostile endpoints, nothing listening)
#   REPAIR    shell code that mends the broken link; ssh must then succeed,
#             or, with NEXT set, still fail and keyaudit must name NEXT
#   WANT_LOG  an ERE that keyaudit's .log must match (sshd's own line)
#   WANT_FINDING  a check id that must be among .findings (not the cause)
#   NO_FINDING  a check id that must not be reported at all (cause or finding)
#   WANT_FIX  an ERE that the cause's fix must match

PORT=2240
DEADPORT=2249
SSHD=/usr/sbin/sshd
HOSTILE_EPS="blackhole:231 silent:232 http:233 smtp:234 close:235 ssh1:236"
DG_USERS="kadc kadu kadadm"
DG_GROUP=kadg
SUDOERS=/etc/sudoers.d/keyaudit-diagnose
SC_TIMEOUT=4		# ssh ConnectTimeout and keyaudit --timeout
# tests/lib.sh's sshd defaults, and StrictModes whatever Debian's is
T_SSHD_DEFAULTS="$T_SSHD_DEFAULT_LINES
StrictModes yes"
T_DETAIL_LINES=45	# dg_explain: ssh, keyaudit's report, sshd
DG_NAMES=()
DG_FUNCS=()

sc()
{
	DG_NAMES+=("$1")
	DG_FUNCS+=("$2")
}

dg_log()
{
	printf '%s\n' "$*" >&2
}

# ---------------------------------------------------------------------------
# The whole run.

dg_require()
{
	local t a missing=
	t_need_root
	for t in "$SSHD" ssh ssh-keygen ssh-agent ssh-add jq cc useradd \
	    userdel usermod groupadd groupdel gpasswd runuser sudo timeout; do
		command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
	done
	if [ -n "$missing" ]; then
		t_nok "missing tools:$missing"
		t_finish
	fi
	for a in 127.0.0.1:$PORT 127.0.0.1:$DEADPORT 127.0.0.23{1..6}:$PORT; do
		if t_in_use "$a"; then
			t_nok "$a is in use"
			t_finish
		fi
	done
}

# keygen NAME TYPE [BITS [PASSPHRASE]]: a key in the pristine store $B/keys.
dg_keygen()
{
	ssh-keygen -q -t "$2" ${3:+-b "$3"} -N "${4:-}" -C "kad-$1" \
	    -f "$B/keys/$1" </dev/null >/dev/null || return 1
}

dg_setup()
{
	local u h
	[ -n "${KA_DIAG_KEEP:-}" ] && KA_TEST_KEEP=1
	t_setup
	B=$T_BASE
	C=$B/c		# the client's files (kadc, 0700)
	S=$B/s		# the server's files (root; t_sshd's directory for sshd "s")
	CFG=$C/ssh_config
	SCFG=$S/sshd_config
	KH=$C/known_hosts
	mkdir -m 0700 "$B/keys"
	mkdir -m 0755 "$S" "$B/bin" "$B/ak"
	install -m 0755 "$KA" "$B/bin/keyaudit" || return 1
	KEYAUDIT=$B/bin/keyaudit

	# (t_user removes the leftovers of a run that was killed hard)
	for u in $DG_USERS; do
		t_user "$u" /bin/bash || return 1
	done
	t_group "$DG_GROUP" || return 1
	t_cleanup_add file "$SUDOERS"
	echo 'kadadm ALL=(root) NOPASSWD: ALL' > "$SUDOERS"
	chmod 440 "$SUDOERS"
	for h in /home /; do
		if [ -n "$(find "$h" -maxdepth 0 \( -perm -0002 -o -perm -0020 -o ! -uid 0 \) -print)" ]; then
			dg_log "# warning: $h is writable by others or not root's; perm scenarios may fail for another reason"
		fi
	done

	ssh-keygen -q -t ed25519 -N '' -C kad-host -f "$S/hk" </dev/null >/dev/null || return 1
	ssh-keygen -q -t ed25519 -N '' -C kad-other-host -f "$S/hk_other" </dev/null >/dev/null || return 1
	dg_keygen id_ed ed25519 &&
	    dg_keygen id_other ed25519 &&
	    dg_keygen id_w1 ed25519 &&
	    dg_keygen id_w2 ed25519 &&
	    dg_keygen id_w3 ed25519 &&
	    dg_keygen id_rsa1k rsa 1024 &&
	    dg_keygen id_enc ed25519 '' kad-passphrase &&
	    dg_keygen id_adm rsa 3072 || return 1
	printf '#!/bin/sh\necho kad-passphrase\n' > "$B/bin/askpass"
	chmod 755 "$B/bin/askpass"

	cc -O2 -Wall -Wextra -Werror -o "$B/bin/hostile" tests/fleet/hostile.c || return 1
	for h in $HOSTILE_EPS; do
		"$B/bin/hostile" "${h%%:*}" "127.0.0.${h##*:}" "$PORT" > "$B/hostile.${h%%:*}" 2>&1 &
		t_cleanup_add proc "$! $B/bin/hostile"
	done
	for _ in $(seq 1 50); do
		[ "$(cat "$B"/hostile.* 2>/dev/null | grep -c ready)" -ge 6 ] && break
		sleep 0.1
	done
	[ "$(cat "$B"/hostile.* 2>/dev/null | grep -c ready)" -ge 6 ] || {
		dg_log "# hostile endpoints did not come up"
		return 1
	}
	mkdir -m 0700 "$C"
	chown kadc:kadc "$C"
}

# ---------------------------------------------------------------------------
# The baseline world: kadu can log in with id_ed, nothing else is set.

dg_client_keys()
{
	local f
	for f in "$B"/keys/*; do
		install -m 0600 -o kadc -g kadc "$f" "$C/${f##*/}"
	done
	chmod 0644 "$C"/*.pub
}

dg_known_hosts()	# dg_known_hosts [HOSTKEY.pub]
{
	echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "${1:-$S/hk.pub}")" > "$KH"
	chmod 0644 "$KH"	# root's: ssh cannot write it, whatever it is told
}

dg_reset()
{
	dg_stop_sshd
	dg_agent_stop
	dg_hold_stop
	usermod -s /bin/bash -p '*' kadu
	gpasswd -d kadu "$DG_GROUP" >/dev/null 2>&1
	chown kadu:kadu /home/kadu
	chmod 0755 /home/kadu
	rm -rf /home/kadu/.ssh /home/kadc/.ssh "$B/jail" "$B/snap.json"
	rm -f "$B"/ak/*
	install -d -m 0700 -o kadu -g kadu /home/kadu/.ssh
	install -m 0600 -o kadu -g kadu "$B/keys/id_ed.pub" /home/kadu/.ssh/authorized_keys
	if [ ! -f /home/kadadm/.ssh/authorized_keys ]; then
		install -d -m 0700 -o kadadm -g kadadm /home/kadadm/.ssh
		install -m 0600 -o kadadm -g kadadm "$B/keys/id_adm.pub" /home/kadadm/.ssh/authorized_keys
	fi
	rm -f "$C"/*
	dg_client_keys
	dg_known_hosts
	MODE=client EXPECT= NEXT=
	TUSER=kadu THOST=127.0.0.1 TPORT=$PORT
	KEYS=("$C/id_ed")
	CC=() SC=() SM=() AGENT=() USE_F=1 NOSSHD= REPAIR= WANT_LOG= WANT_FINDING= NO_FINDING= WANT_FIX=
	HOMECFG_MODE=0600 HOLD=
}

# authorized_keys of kadu: ak LINE...
ak()
{
	printf '%s\n' "$@" > /home/kadu/.ssh/authorized_keys
}

pub()	# the public key line of a stored key
{
	cat "$B/keys/$1.pub"
}

# ---------------------------------------------------------------------------
# Processes: sshd, ssh-agent, a connection held open.

dg_write_cfgs()
{
	local l
	{
		echo "# diagnose corpus $N: $NAME"
		for l in "${CC[@]}"; do
			echo "$l"
		done
		echo "Host *"
		echo "    UserKnownHostsFile $KH"
		echo "    GlobalKnownHostsFile /dev/null"
		echo "    StrictHostKeyChecking yes"
		echo "    BatchMode yes"
		echo "    ConnectTimeout $SC_TIMEOUT"
		echo "    ConnectionAttempts 1"
	} > "$CFG"
	chmod 0644 "$CFG"
	# the scenario's lines, tests/lib.sh's (address, $S/hk, defaults for
	# what SC does not set), then its Match blocks
	DG_SSHD=("# diagnose corpus $N: $NAME" "${SC[@]}" "${SM[@]}")
	t_sshd_config s 127.0.0.1 "$PORT" "${DG_SSHD[@]}"
	chmod 0644 "$SCFG"
}

dg_start_sshd()
{
	SLOG=$S/sshd.$N.$1.log
	: > "$SLOG"
	chmod 0644 "$SLOG"
	T_SSHD_LOG=$SLOG t_sshd s 127.0.0.1 "$PORT" "${DG_SSHD[@]}" >/dev/null && return 0
	DG_WHY=$T_SSHD_WHY
	return 1
}

dg_stop_sshd()
{
	t_sshd_stop s
}

# dg_agent_start KEY...: an ssh-agent of kadc's holding the keys (the
# passphrase of id_enc comes from the askpass helper).
dg_agent_start()
{
	local k out
	SOCK=$C/agent.sock
	rm -f "$SOCK"
	out=$(runuser -u kadc -- ssh-agent -a "$SOCK") || return 1
	APID=$(printf '%s\n' "$out" | sed -n 's/^SSH_AGENT_PID=\([0-9]*\);.*/\1/p')
	t_cleanup_add proc "$APID ssh-agent"
	for k in "$@"; do
		runuser -u kadc -- env -i PATH="$PATH" SSH_AUTH_SOCK="$SOCK" \
		    SSH_ASKPASS="$B/bin/askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=none \
		    ssh-add -q "$C/$k" </dev/null >/dev/null 2>&1 || return 1
	done
}

dg_agent_stop()
{
	[ -n "${APID:-}" ] && t_kill "$APID" ssh-agent
	APID= SOCK=
}

# An unauthenticated connection kept open (fills MaxStartups 1:100:1).
dg_hold_start()
{
	( exec 3<>"/dev/tcp/127.0.0.1/$PORT" && exec sleep 120 ) &
	HPID=$!
	t_cleanup_add proc "$HPID sleep"
	sleep 0.3
}

dg_hold_stop()
{
	[ -n "${HPID:-}" ] || return 0
	t_kill "$HPID" sleep
	wait "$HPID" 2>/dev/null
	HPID=
	sleep 0.2	# sshd notices the closed connection
}

# ---------------------------------------------------------------------------
# The two runs.

# as_client CMD...: CMD as kadc, with a clean environment ($HOME-independent
# paths; the agent only when the scenario has one).
as_client()
{
	runuser -u kadc -- env -i PATH=/usr/bin:/bin:/usr/sbin:/sbin HOME=/home/kadc \
	    USER=kadc LOGNAME=kadc LANG=C ${SOCK:+SSH_AUTH_SOCK="$SOCK"} "$@"
}

# The oracle: the real ssh, as the user would run it. Sets SSH_RC.
dg_oracle()
{
	local k args=()
	[ "$USE_F" = 1 ] && args+=(-F "$CFG")
	for k in "${KEYS[@]}"; do
		args+=(-i "$k")
	done
	as_client timeout 20 ssh -v -o BatchMode=yes "${args[@]}" -p "$TPORT" \
	    "$TUSER@$THOST" true </dev/null > "$B/ssh.$N.$1.log" 2>&1
	SSH_RC=$?
}

# keyaudit diagnose with the same -F, -i and target, plus the view. Sets
# KA_RC, KA_VERDICT, KA_CAUSE; FORMAT defaults to json.
dg_keyaudit()
{
	local k fmt=${2:-json} args=() run=as_client
	args=(diagnose "$TUSER@$THOST:$TPORT")
	for k in "${KEYS[@]}"; do
		args+=(-i "$k")
	done
	[ "$USE_F" = 1 ] && args+=(-F "$CFG")
	args+=(--timeout "$SC_TIMEOUT" --format "$fmt" --no-color)
	case $MODE in
	local)
		# Reading kadu's 0700 ~/.ssh needs root, as on a real server.
		[ "${KA_DIAG_LOCAL_AS:-root}" = root ] && run=as_root
		args+=(--local --sshd-config "$SCFG" --auth-log "$SLOG") ;;
	via)
		args+=(--via "kadadm@127.0.0.1:$PORT" --via-identity "$C/id_adm" --sudo
		    --sshd-config "$SCFG" --auth-log "$SLOG") ;;
	snap)
		args+=(--server-snapshot "$B/snap.json") ;;
	esac
	KA_OUT=$B/ka.$N.$1.$fmt
	$run timeout 60 "$KEYAUDIT" "${args[@]}" </dev/null > "$KA_OUT" 2> "$KA_OUT.err"
	KA_RC=$?
	[ "$fmt" = json ] || return 0
	KA_VERDICT=$(jq -r '.verdict' "$KA_OUT" 2>/dev/null) || KA_VERDICT="(not JSON)"
	KA_CAUSE=$(jq -r '.cause.check // "null"' "$KA_OUT" 2>/dev/null) || KA_CAUSE="(not JSON)"
	if ! jq -e 'type == "object"' "$KA_OUT" >/dev/null 2>&1; then
		KA_VERDICT="(not JSON)" KA_CAUSE="(not JSON)"
	fi
}

as_root()
{
	env -i PATH=/usr/bin:/bin:/usr/sbin:/sbin HOME=/root USER=root LOGNAME=root \
	    LANG=C ${SOCK:+SSH_AUTH_SOCK="$SOCK"} "$@"
}

# The snapshot a --server-snapshot scenario reads: collected on this machine
# as root, handed to kadc.
dg_collect()
{
	timeout 60 "$KEYAUDIT" collect -o "$B/snap.json" --user "$TUSER" \
	    --sshd-config "$SCFG" > "$B/collect.$N.log" 2>&1 || return 1
	chown kadc:kadc "$B/snap.json"
}

# The world as the scenario (and REPAIR) left it: configs, agent, sshd.
dg_world()
{
	dg_write_cfgs
	if [ "$USE_F" != 1 ]; then
		install -d -m 0700 -o kadc -g kadc /home/kadc/.ssh
		install -m "$HOMECFG_MODE" -o kadc -g kadc "$CFG" /home/kadc/.ssh/config
	fi
	dg_hold_stop
	dg_agent_stop
	if [ "${#AGENT[@]}" -gt 0 ]; then
		dg_agent_start "${AGENT[@]}" || { DG_WHY="ssh-agent set-up failed"; return 1; }
	fi
	dg_stop_sshd
	if [ -z "$NOSSHD" ]; then
		dg_start_sshd "$1" || return 1
		[ -n "$HOLD" ] && dg_hold_start
	fi
	return 0
}

# Why an outcome does not match: "" when it does.
# dg_judge WANT: WANT is "ok" or a check id.
dg_judge()
{
	local want=$1 want_rc=1
	[ "$want" = ok ] && want_rc=0
	if [ "$KA_VERDICT" = "(not JSON)" ]; then
		echo "expected JSON got unparsable output (keyaudit rc $KA_RC: $(head -c 200 "$KA_OUT.err" | tr '\n' ' '))"
		return
	fi
	if [ "$want" = ok ]; then
		[ "$KA_VERDICT" = ok ] || { echo "expected verdict ok got $KA_VERDICT/$KA_CAUSE"; return; }
		[ "$KA_CAUSE" = null ] || { echo "expected cause null got $KA_CAUSE"; return; }
		# a login that works is no failed host: status ok, not error
		jq -e '.hosts[0].status == "ok" and .summary.hosts_failed == 0' "$KA_OUT" >/dev/null 2>&1 ||
		    { echo "expected .hosts[0].status ok and no failed host got $(jq -c '[.hosts[0].status, .summary.hosts_failed]' "$KA_OUT" 2>&1)"; return; }
	else
		[ "$KA_VERDICT" != ok ] || { echo "expected verdict not ok ($want) got ok"; return; }
		[ "$KA_CAUSE" = "$want" ] || { echo "expected $want got $KA_CAUSE (verdict $KA_VERDICT)"; return; }
	fi
	[ "$KA_RC" = "$want_rc" ] || { echo "expected exit $want_rc got $KA_RC"; return; }
	jq -e --argjson rc "$KA_RC" '.summary.exit_code == $rc and .summary.hosts == 1' \
	    "$KA_OUT" >/dev/null 2>&1 || { echo "expected .summary (DESIGN.md) with exit_code $KA_RC"; return; }
}

# ---------------------------------------------------------------------------
# One scenario: set-up, oracle, keyaudit, repair + oracle (+ keyaudit).

dg_run_one()
{
	local func=$1 why= ssh_want
	DG_WHY=
	dg_reset
	# In this shell (the scenario sets variables); a failing step is
	# caught by the ERR trap rather than set -e, which would end the run.
	DG_FAIL=
	set -E
	trap 'DG_FAIL=${DG_FAIL:-$BASH_COMMAND}' ERR
	"$func" > "$B/setup.$N.log" 2>&1
	trap - ERR
	set +E
	if [ -n "$DG_FAIL" ] || [ -z "$EXPECT" ]; then
		t_nok "$N $NAME: scenario set-up failed: ${DG_FAIL:-no EXPECT} $(tail -n 2 "$B/setup.$N.log" | tr '\n' ' ')"
		return 1
	fi
	if ! dg_world broken; then
		t_nok "$N $NAME: $DG_WHY"
		return 1
	fi

	# 1. the oracle must break where the scenario says.
	dg_oracle broken
	if [ "$EXPECT" = ok ]; then
		[ "$SSH_RC" -eq 0 ] || why="scenario broken: ssh should log in, rc $SSH_RC"
	else
		[ "$SSH_RC" -ne 0 ] || why="scenario broken: ssh logged in, expected $EXPECT to stop it"
	fi
	if [ -n "$why" ]; then
		t_nok "$N $NAME: $why" "$(grep -v '^debug1' "$B/ssh.$N.broken.log" | head -n 4 | sed 's/^/ssh: /')"
		return 1
	fi

	# 2. keyaudit on the same world.
	if [ -z "${KA_DIAG_ORACLE_ONLY:-}" ]; then
		[ "$MODE" = snap ] && { dg_collect || why="keyaudit collect failed: $(tail -n 2 "$B/collect.$N.log" | tr '\n' ' ')"; }
		if [ -z "$why" ]; then
			dg_keyaudit broken
			why=$(dg_judge "$EXPECT")
			if [ -z "$why" ] && [ -n "$WANT_LOG" ] &&
			    ! jq -r '.log[]?' "$KA_OUT" 2>/dev/null | grep -qE -- "$WANT_LOG"; then
				why="expected .log to hold sshd's line /$WANT_LOG/ got $(jq -c '.log' "$KA_OUT" 2>/dev/null | head -c 300)"
			fi
			if [ -z "$why" ] && [ -n "$WANT_FINDING" ] &&
			    ! jq -e --arg c "$WANT_FINDING" '[.findings[]?.check] | index($c) != null' "$KA_OUT" >/dev/null 2>&1; then
				why="expected $WANT_FINDING among .findings got $(jq -c '[.findings[]?.check]' "$KA_OUT" 2>/dev/null)"
			fi
			if [ -z "$why" ] && [ -n "$WANT_FIX" ] &&
			    ! jq -r '.cause.fix // ""' "$KA_OUT" 2>/dev/null | grep -qE -- "$WANT_FIX"; then
				why="expected the cause's fix to match /$WANT_FIX/ got $(jq -c '.cause.fix' "$KA_OUT" 2>/dev/null)"
			fi
			if [ -z "$why" ] && [ -n "$NO_FINDING" ] &&
			    jq -e --arg c "$NO_FINDING" '[.cause.check?, .findings[]?.check] | index($c) != null' "$KA_OUT" >/dev/null 2>&1; then
				why="expected no $NO_FINDING got $(jq -c '[.findings[]? | [.check, .path]]' "$KA_OUT" 2>/dev/null)"
			fi
		fi
		if [ -n "$why" ]; then
			t_nok "$N $NAME: $why (ssh rc $SSH_RC)" "$(dg_explain broken)"
			return 1
		fi
	fi

	# 3. the control: mend the link; ssh must log in (or, with NEXT, stop
	# at the next link, which keyaudit must then name).
	if [ -n "$REPAIR" ]; then
		eval "$REPAIR"
		if ! dg_world repaired; then
			t_nok "$N $NAME: after repair: $DG_WHY"
			return 1
		fi
		dg_oracle repaired
		ssh_want=ok
		[ -n "$NEXT" ] && ssh_want=$NEXT
		if [ "$ssh_want" = ok ] && [ "$SSH_RC" -ne 0 ]; then
			t_nok "$N $NAME: scenario broken: after repair ssh still fails (rc $SSH_RC), so more than one link is broken" \
			    "$(grep -v '^debug1' "$B/ssh.$N.repaired.log" | head -n 4 | sed 's/^/ssh: /')"
			return 1
		fi
		if [ "$ssh_want" != ok ] && [ "$SSH_RC" -eq 0 ]; then
			t_nok "$N $NAME: scenario broken: after repairing $EXPECT ssh logs in, but $NEXT should still stop it"
			return 1
		fi
		if [ -n "$NEXT" ] && [ -z "${KA_DIAG_ORACLE_ONLY:-}" ]; then
			[ "$MODE" = snap ] && dg_collect
			dg_keyaudit repaired
			why=$(dg_judge "$NEXT")
			if [ -n "$why" ]; then
				t_nok "$N $NAME: after repairing $EXPECT: $why (ssh rc $SSH_RC)" "$(dg_explain repaired)"
				return 1
			fi
		fi
	fi
	t_ok "$N $NAME"
	return 0
}

# On a mismatch: what ssh said, keyaudit's text report, sshd's reason
# (t_nok's detail).
dg_explain()
{
	grep -E 'Permission denied|refused|Connection|Host key|ssh:|WARNING|UNPROTECTED|Load key|no such identity|not accessible|Too many|not available|bad ownership|Bad owner|skipping|Authenticated to' \
	    "$B/ssh.$N.$1.log" | grep -v '^debug1: \(Reading\|Connecting\|Local\|Remote\|compat\|kex\|SSH2\|Server accepts\)' |
	    head -n 4 | sed 's/^/ssh: /'
	dg_keyaudit "$1" text
	sed 's/^/keyaudit: /' "$KA_OUT" | head -n 30
	head -n 3 "$KA_OUT.err" | sed 's/^/keyaudit stderr: /'
	[ -n "${SLOG:-}" ] && [ -f "$SLOG" ] &&
	    grep -E 'not allowed|Invalid user|refused|REFUSED|bad ownership|revoked|Failed publickey|Accepted|expired|not permitted|bad options|Too many|Could not open|key length|PubkeyAcceptedAlgorithms|chroot' "$SLOG" |
	    head -n 3 | sed 's/^/sshd: /'
	return 0
}

dg_main()
{
	local i n ran=0 want p t0
	dg_require
	KA=${KEYAUDIT:-$PWD/keyaudit}
	if [ -z "${KA_DIAG_ORACLE_ONLY:-}" ]; then
		if [ ! -x "$KA" ]; then
			t_nok "$KA not found (run make first)"
			t_finish
		fi
		if ! "$KA" diagnose --help >/dev/null 2>&1; then
			t_nok "$KA has no 'diagnose' command (KA_DIAG_ORACLE_ONLY=1 checks the scenarios against ssh alone)"
			t_finish
		fi
	else
		[ -x "$KA" ] || KA=/bin/true
	fi
	if ! dg_setup; then
		t_nok "set-up"
		t_finish
	fi
	t0=$(date +%s)
	for i in "${!DG_NAMES[@]}"; do
		n=$((i + 1))
		if [ $# -gt 0 ]; then
			want=
			for p in "$@"; do
				case ${DG_NAMES[$i]} in
				*"$p"*) want=1 ;;
				esac
			done
			[ -n "$want" ] || continue
		fi
		N=$n NAME=${DG_NAMES[$i]}
		dg_run_one "${DG_FUNCS[$i]}"
		ran=$((ran + 1))
	done
	dg_reset
	echo "# $ran scenarios in $(( $(date +%s) - t0 ))s"
	t_finish
}
