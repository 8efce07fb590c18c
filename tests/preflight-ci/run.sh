#!/bin/bash
# run.sh - the contrib/ci preflight examples run as written, and preflight
# on a snapshot and over SSH held against the real sshd (issue 19). Root:
# accounts kpc1..kpc4 (kpc4 keyless), a sudo rule for kpc1, sshd on 127.0.0.1:2480
# ("production") and 127.0.0.1:2481 (the proposed configuration).
#
#   - A scratch git repository keeps production's ssh/ directory (deployed
#     as /etc/ssh) and the pinned known_hosts, with three proposed changes
#     on branches: `lockout` (a drop-in AllowGroups kpcadm, kpc2 not in it),
#     `harmless` (a hardening drop-in, a Match block for kpc3's TTY) and
#     `keysmoved` (AuthorizedKeysFile moved to /etc, no key there).
#   - The nightly job's `keyaudit collect` (taken from each YAML by
#     extract.py) runs as written over SSH to the production sshd as kpc1
#     with --sudo; its host and the admins' names are this machine's (the
#     only words changed: see SITE below), plus --sshd-config because this
#     production sshd does not read /etc/ssh/sshd_config.
#   - On each branch checked out, the request job's preflight command runs
#     as written on that snapshot (every account of this machine: other
#     suites' accounts may be in it, so only kpc1..3's testcases are judged): lockout and keysmoved fail the job (exit
#     1, kpc2 a JUnit failure, the JUnit valid), harmless passes (exit 0).
#   - The oracle: every account's key against the production sshd (before)
#     and against a real sshd started with the branch's ssh/ (after).
#     keyaudit preflight over SSH (kpc1@127.0.0.1:2480 --sudo) must give
#     the same before and after sets, and a local run and a run on the saved
#     snapshot must give the same changes as each other.
#
#   tests/preflight-ci/run.sh     ends "preflight-ci: N passed, N failed"
set -u
cd "$(dirname "$0")/../.." || exit 3
SUITE=preflight-ci
. tests/lib.sh
KA=${KEYAUDIT:-$PWD/keyaudit}
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
t_need_root
for c in jq git ssh xmllint; do
	command -v $c >/dev/null || { t_nok "$SUITE needs $c (make test-deps)"; t_finish; }
done
$PY -c 'import yaml' 2>/dev/null || { t_nok "$SUITE needs python3-yaml (make test-deps)"; t_finish; }
[ -x "$KA" ] || { t_nok "$SUITE needs $KA (make)"; t_finish; }
t_setup
D=$T_BASE
PORT=2480
PPORT=2481
USERS="kpc1 kpc2 kpc3"

# The words of the examples that name the site, and this machine's for them.
SITE_HOST=keyaudit@prod1.example.com
SITE_ADMINS="admin deploy"
HERE_ADMINS="kpc1 kpc3"

# --- accounts, keys, the sudo rule of the scan account
t_group kpcadm
for u in $USERS; do
	t_user "$u" || { t_nok "account $u"; t_finish; }
	ssh-keygen -q -t ed25519 -N '' -C "$u@preflight-ci" -f "$D/$u.key" </dev/null
	t_keyfile "$u" "$D/$u.key.pub"
done
gpasswd -a kpc1 kpcadm >/dev/null && gpasswd -a kpc3 kpcadm >/dev/null
# kpc4 has no key: refused before and after, what --must-keep alone catches
t_user kpc4 || { t_nok "account kpc4"; t_finish; }
t_cleanup_add file /etc/sudoers.d/keyaudit-kpc
echo 'kpc1 ALL=(root) NOPASSWD: ALL' >/etc/sudoers.d/keyaudit-kpc
chmod 440 /etc/sudoers.d/keyaudit-kpc

# --- the repository: production's ssh/ on main, one branch per change
R=$D/repo
mkdir -p "$R/ssh/sshd_config.d"
cat >"$R/ssh/sshd_config" <<'EOF'
# production sshd_config, deployed as /etc/ssh/sshd_config
Include /etc/ssh/sshd_config.d/*.conf
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
X11Forwarding no
PrintMotd no
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
: >"$R/ssh/sshd_config.d/.keep"
g() { git -C "$R" -c user.name=ci -c user.email=ci@example.invalid "$@" >/dev/null 2>&1; }
g init -b main
g add -A && g commit -m "production sshd configuration"
g checkout -b lockout
printf '# only the admins\nAllowGroups kpcadm\n' >"$R/ssh/sshd_config.d/10-admins.conf"
g add -A && g commit -m "only admins log in" && g checkout main
g checkout -b harmless
printf 'MaxAuthTries 3\nLoginGraceTime 30\nClientAliveInterval 300\n' >"$R/ssh/sshd_config.d/20-hardening.conf"
printf 'Match User kpc3\n\tPermitTTY no\n' >>"$R/ssh/sshd_config"
g add -A && g commit -m "hardening" && g checkout main
g checkout -b keysmoved
sed -i 's|^AuthorizedKeysFile .*|AuthorizedKeysFile /etc/ssh/authorized_keys/%u|' "$R/ssh/sshd_config"
g add -A && g commit -m "keys under /etc" && g checkout main
[ "$(git -C "$R" branch --format='%(refname:short)' | sort | paste -sd' ')" = "harmless keysmoved lockout main" ] ||
    { t_nok "the scratch repository and its three branches"; t_finish; }

# --- production: a real sshd with main's configuration
mapfile -t lines < <(grep -v '^#' "$R/ssh/sshd_config")
if ! t_sshd prod 127.0.0.1 $PORT "${lines[@]}"; then
	t_nok "production sshd on 127.0.0.1:$PORT" "$T_SSHD_WHY"
	t_finish
fi
PROD_CFG=$D/prod/sshd_config
t_known_hosts prod 127.0.0.1 $PORT >"$R/known_hosts"
g add known_hosts && g commit -m "pinned host keys"

# login PORT USER: the real ssh with USER's key, this run's pins only
login() {
	ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes \
	    -o UserKnownHostsFile="$D/kh" -o GlobalKnownHostsFile=/dev/null -o ConnectTimeout=5 \
	    -i "$D/$2.key" -p "$1" "$2@127.0.0.1" true </dev/null >/dev/null 2>&1
}
# logins PORT: the accounts that log in there, sorted, on one line
logins() {
	local u ok=
	for u in $USERS; do login "$1" "$u" && ok="$ok $u"; done
	echo "${ok# }"
}
cp "$R/known_hosts" "$D/kh"
BEFORE=$(logins $PORT)
[ "$BEFORE" = "$USERS" ] && t_ok "production lets kpc1 kpc2 kpc3 in with their keys" ||
    t_nok "production sshd: logins '$BEFORE'" "$(tail -n 5 "$D/prod/log")"

# proposed_sshd BRANCH: a real sshd on $PPORT with BRANCH's ssh/ as /etc/ssh
# ($D/BRANCH/ssh as in git, for keyaudit; a copy in $D/BRANCH/etc-ssh with
# the Include path pointed at it, for sshd); after it, $AFTER holds who logs
# in. 1 when it does not start.
proposed_sshd() {
	local b=$1 e=$D/$1/etc-ssh
	mkdir -p "$D/$b"
	rm -rf "$e" "$D/$b/ssh"
	git -C "$R" archive "$b" ssh | tar -x -C "$D/$b"
	cp -a "$D/$b/ssh" "$e"
	sed -i "s|/etc/ssh/sshd_config.d/|$e/sshd_config.d/|" "$e/sshd_config"
	mapfile -t lines < <(grep -v '^#' "$e/sshd_config")
	t_sshd "after-$b" 127.0.0.1 $PPORT "${lines[@]}" || return 1
	t_known_hosts "after-$b" 127.0.0.1 $PPORT >>"$D/kh"
	AFTER=$(logins $PPORT)
	t_sshd_stop "after-$b"
}
declare -A ORACLE_AFTER
for b in lockout harmless keysmoved; do
	if proposed_sshd $b; then
		ORACLE_AFTER[$b]=$AFTER
	else
		t_nok "$b: the real sshd starts with the proposed ssh/" "$T_SSHD_WHY"
		ORACLE_AFTER[$b]=unknown
	fi
done
[ "${ORACLE_AFTER[lockout]}" = "kpc1 kpc3" ] && [ "${ORACLE_AFTER[harmless]}" = "$USERS" ] &&
    [ -z "${ORACLE_AFTER[keysmoved]}" ] &&
    t_ok "the real sshd with each proposal: lockout lets kpc1 kpc3 in, harmless all three, keysmoved nobody" ||
    t_nok "the real sshd with each proposal" "lockout '${ORACLE_AFTER[lockout]}' harmless '${ORACLE_AFTER[harmless]}' keysmoved '${ORACLE_AFTER[keysmoved]}'"

# Without a preflight command only the collect steps can run.
HAVE_PF=1
if ! "$KA" preflight --help >/dev/null 2>&1; then
	t_nok "keyaudit has a preflight command" "$("$KA" preflight --help 2>&1 | head -n 2)"
	HAVE_PF=
fi

# --- the CI examples, as written
# site CMD: the command with the site's words replaced by this machine's
site() {
	local c=$1 a h i=1
	c=${c//$SITE_HOST/kpc1@127.0.0.1:$PORT}
	for a in $SITE_ADMINS; do
		h=$(echo "$HERE_ADMINS" | cut -d' ' -f$i)
		c=${c//--must-keep $a/--must-keep $h}
		i=$((i + 1))
	done
	printf '%s\n' "$c"
}
# ci DIR CMD: CMD run by bash in DIR, as the CI runner would: keyaudit on
# PATH, HOME holding the scan key as ~/.ssh/keyaudit; exit status
mkdir -p "$D/bin" "$D/home/.ssh"
ln -sf "$KA" "$D/bin/keyaudit"
install -m 0600 "$D/kpc1.key" "$D/home/.ssh/keyaudit"
ci() { (cd "$1" && PATH="$D/bin:$PATH" HOME="$D/home" bash -c "$2" >"$D/ci.out" 2>"$D/ci.err"); }
# junit_users FILE failure|pass: the accounts kpc1..3 named by a testcase
# that fails (failure or error) / does not
junit_users() {
	$PY - "$1" "$2" <<'PYEOF'
import re, sys, xml.etree.ElementTree as ET
want = sys.argv[2] == "failure"
out = set()
for tc in ET.parse(sys.argv[1]).iter("testcase"):
    failed = tc.find("failure") is not None or tc.find("error") is not None
    text = " ".join([tc.get("name", ""), tc.get("classname", "")])
    if failed == want:
        out.update(re.findall(r"(?<![A-Za-z0-9])kpc[123](?![A-Za-z0-9])", text))
print(" ".join(sorted(out)))
PYEOF
}

for y in github-preflight gitlab-preflight; do
	f=contrib/ci/$y.yml
	if ! $PY tests/preflight-ci/extract.py "$f" >"$D/$y.cmds" 2>"$D/$y.err"; then
		t_nok "$f: its keyaudit commands" "$(cat "$D/$y.err")"
		continue
	fi
	collect=$(grep -P '^[^\t]*\tkeyaudit collect ' "$D/$y.cmds" | cut -f2-)
	pre=$(grep -P '^[^\t]*\tkeyaudit preflight ' "$D/$y.cmds" | cut -f2-)
	[ "$(wc -l <"$D/$y.cmds")" = 2 ] && [ -n "$collect" ] && [ -n "$pre" ] &&
	    [ "$(site "$collect")" != "$collect" ] && [ "$(site "$pre")" != "$pre" ] &&
	    t_ok "$f: a nightly collect and a preflight command, naming the site's host and admins" ||
	    { t_nok "$f: one collect and one preflight command" "$(cat "$D/$y.cmds")"; continue; }
	# the nightly job, on main's checkout
	W=$D/ci-$y
	rm -rf "$W"
	git clone -q "$R" "$W"
	ci "$W" "$(site "$collect") --sshd-config $PROD_CFG"
	rc=$?
	[ $rc = 0 ] && jq -e --arg c "$PROD_CFG" '.privileged == true and .sshd_config_path == $c and
	    ([.accounts[].name] | index("kpc2") != null)' "$W/prod.json" >/dev/null 2>&1 &&
	    t_ok "$f: the nightly collect over SSH (kpc1, --sudo, --all-users) writes prod.json" ||
	    { t_nok "$f: the nightly collect (exit $rc)" "$(head -c 400 "$D/ci.err")"; continue; }
	cp "$W/prod.json" "$D/prod-$y.json"
	[ -n "$HAVE_PF" ] || continue
	# the request's job, on each branch: prod.json is the downloaded artifact
	for b in lockout harmless keysmoved; do
		git -C "$W" checkout -q "$b"
		cp "$D/prod-$y.json" "$W/prod.json"
		rm -f "$W/preflight.xml"
		ci "$W" "$(site "$pre")"
		rc=$?
		cp "$D/ci.out" "$D/$y-$b.txt"
		if [ ! -s "$W/preflight.xml" ]; then
			t_nok "$f, $b: the job writes preflight.xml (exit $rc)" "$(head -c 400 "$D/ci.err")"
			continue
		fi
		cp "$W/preflight.xml" "$D/$y-$b.xml"
		fails=$(junit_users "$W/preflight.xml" failure)
		case $b in
		lockout) want_rc=1 want_fail="kpc2" ;;
		keysmoved) want_rc=1 want_fail="kpc1 kpc2 kpc3" ;;
		harmless) want_rc=0 want_fail="" ;;
		esac
		[ $rc = $want_rc ] && [ "$fails" = "$want_fail" ] &&
		    t_ok "$f, $b: the job exits $rc, JUnit failures: ${fails:-none}" ||
		    t_nok "$f, $b: exit $rc (want $want_rc), JUnit failures '$fails' (want '$want_fail')" "$(head -c 600 "$D/ci.out"; head -c 300 "$D/ci.err")"
		t_valid_junit "$f, $b: preflight.xml is valid JUnit" "$W/preflight.xml"
	done
	# --must-keep on its own: an admin without key login fails a change
	# nobody loses by; an admin the snapshot does not hold is bad input
	git -C "$W" checkout -q harmless
	cp "$D/prod-$y.json" "$W/prod.json"
	rm -f "$W/preflight.xml"
	HERE_ADMINS="kpc1 kpc4" ci "$W" "$(HERE_ADMINS="kpc1 kpc4" site "$pre")"
	rc=$?
	[ $rc = 1 ] && grep -q '<testcase [^>]*name="kpc4"' "$W/preflight.xml" &&
	    $PY - "$W/preflight.xml" <<'PYEOF' &&
import sys, xml.etree.ElementTree as ET
sys.exit(0 if [tc.get("name") for tc in ET.parse(sys.argv[1]).iter("testcase")
                if tc.find("failure") is not None] == ["kpc4"] else 1)
PYEOF
	    t_ok "$f, harmless with an admin who has no key login (kpc4): exit 1, kpc4 the only JUnit failure" ||
	    t_nok "$f, harmless, --must-keep kpc4: exit $rc" "$(tail -n 3 "$D/ci.out"; head -c 300 "$D/ci.err")"
	ci "$W" "$(HERE_ADMINS="kpc1 kpcnobody" site "$pre")"
	rc=$?
	[ $rc = 2 ] && grep -q kpcnobody "$D/ci.err" &&
	    t_ok "$f: an admin name production does not have fails the job (exit 2: $(head -n 1 "$D/ci.err"))" ||
	    t_nok "$f: --must-keep kpcnobody (exit $rc)" "$(head -c 300 "$D/ci.err")"
done

# --- over SSH, on the snapshot and locally, against the oracle
# sets FILE.json before|after: the accounts kpc1..3 with that side "ok"
sets() {
	jq -r --arg s "$2" '[.changes[] | select((.user | test("^kpc[123]$")) and .[$s] == "ok") | .user] | unique | join(" ")' "$1"
}
# changes FILE.json: every account's change, without the host
changes() {
	jq -c '[.changes[] | select(.user | test("^kpc[123]$")) |
	    {user, from, before, after, cause: (.cause | if type == "object" then .check else . end)}] | sort_by(.user, .from)' "$1"
}
# a snapshot of the three accounts, collected over SSH as the nightly does
"$KA" collect kpc1@127.0.0.1:$PORT -i "$D/kpc1.key" --known-hosts "$R/known_hosts" --sudo \
    --user kpc1 --user kpc2 --user kpc3 --sshd-config "$PROD_CFG" -o "$D/three.json" 2>"$D/err" ||
    t_nok "collect the three accounts over SSH" "$(cat "$D/err")"
[ -n "$HAVE_PF" ] || t_finish
U=(--user kpc1 --user kpc2 --user kpc3)
for b in lockout harmless keysmoved; do
	P=$D/$b/ssh
	[ -d "$P" ] || { t_nok "$b: no proposed directory"; continue; }
	"$KA" preflight kpc1@127.0.0.1:$PORT -i "$D/kpc1.key" --known-hosts "$R/known_hosts" --sudo \
	    --sshd-config "$PROD_CFG" --proposed-sshd-config "$P" "${U[@]}" \
	    --format json >"$D/ssh-$b.json" 2>"$D/err"
	rc=$?
	got_b=$(sets "$D/ssh-$b.json" before 2>/dev/null)
	got_a=$(sets "$D/ssh-$b.json" after 2>/dev/null)
	[ "$got_b" = "$BEFORE" ] && [ "$got_a" = "${ORACLE_AFTER[$b]}" ] &&
	    t_ok "$b over SSH (exit $rc): before '$got_b', after '$got_a', as the real sshd" ||
	    t_nok "$b over SSH (exit $rc): before '$got_b' after '$got_a'; sshd: '$BEFORE', '${ORACLE_AFTER[$b]}'" \
	    "$(head -c 300 "$D/err"; changes "$D/ssh-$b.json" 2>/dev/null)"
	"$KA" preflight --sshd-config "$PROD_CFG" --proposed-sshd-config "$P" "${U[@]}" \
	    --format json >"$D/local-$b.json" 2>"$D/err.local"
	rcl=$?
	"$KA" preflight --snapshot "$D/three.json" --proposed-sshd-config "$P" \
	    --format json >"$D/snap-$b.json" 2>"$D/err.snap"
	rcs=$?
	cl=$(changes "$D/local-$b.json" 2>/dev/null)
	cs=$(changes "$D/snap-$b.json" 2>/dev/null)
	[ -n "$cl" ] && [ "$cl" != "[]" ] && [ "$cl" = "$cs" ] && [ $rcl = $rcs ] &&
	    [ "$(sets "$D/snap-$b.json" after)" = "${ORACLE_AFTER[$b]}" ] &&
	    t_ok "$b: the saved snapshot gives the local run's changes (exit $rcs), after as the real sshd" ||
	    t_nok "$b: snapshot (exit $rcs) and local (exit $rcl) changes" \
	    "$(printf 'local: %s\nsnap:  %s\n' "$cl" "$cs"; head -c 200 "$D/err.local"; head -c 200 "$D/err.snap")"
done
t_finish
