#!/bin/bash
# run.sh - stock Debian installs are green, one broken account is exactly
# what is reported (issue 17: only what matters is loud). Root: the roots
# are built by debootstrap (tests/debroot.sh, cached under
# /var/cache/keyaudit/roots) and copies of them run their own sshd.
#
# For each of Debian 11, 12 and 13 (bullseye, bookworm, trixie):
#   - the cached stock root: `scan --root R --all-users` (JSON and text)
#     and the plain `scan --root R` (the login user, root) report nothing
#     at or above high and exit 0; the root's own `sshd -T` agrees with the
#     configuration verdicts keyaudit gives;
#   - a copy (the cache is never written) with one more login account,
#     kagood, whose key is set up as it should be: still green; the
#     README's CI gate and image commands pass; the root's own sshd on
#     127.0.0.1 lets kagood log in with the key, and the contrib/ci
#     examples' keyaudit commands (taken from the YAML as tests/cli/gates.sh
#     takes them) pass against it, kagood being the scan account;
#   - then kagood's authorized_keys owned by another account: the scan
#     reports kagood's findings and nothing else new, exit 1; the real sshd
#     refuses the key; the CI gate and the contrib scan command fail; and a
#     regenerated host key fails the contrib known-hosts command.
#
#   tests/stock/run.sh [RELEASE...]   ends "stock: N passed, N failed"
# Ports 127.0.0.1:2341-2343. Accounts are made inside the copies only.
set -u
cd "$(dirname "$0")/../.." || exit 3
SUITE=stock
. tests/lib.sh
. tests/debroot.sh
KA=${KEYAUDIT:-$PWD/keyaudit}
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
t_need_root
t_setup
# proc mounted in the copies, undone before lib.sh removes them
trap 'debroot_unmount; t_cleanup' EXIT

releases=("$@")
[ ${#releases[@]} -gt 0 ] || releases=(bullseye bookworm trixie)
ssh-keygen -q -t ed25519 -N '' -C kagood@stock -f "$T_BASE/key" </dev/null
SCHEMA=$(t_schema junit) || SCHEMA=

# at_high FILE.json: "check user" for every finding at high or critical
at_high() {
	jq -r '.hosts[].findings[] | select(.severity == "high" or .severity == "critical") |
	    "\(.check) \(.user // "-")"' "$1" | sort
}
# per_check FILE.json: "N check" at medium and above, for the log
per_check() {
	jq -r '.hosts[].findings[] | select(.severity != "low" and .severity != "info") |
	    "\(.severity) \(.check)"' "$1" | sort | uniq -c | sed 's/^ */# /'
}
# ids FILE.json [USER]: one line per finding (check, user, path, line),
# without USER's when USER is given
ids() {
	jq -r --arg u "${2:-}" '.hosts[].findings[] | select($u == "" or .user != $u) |
	    "\(.check) \(.user // "-") \(.path // "-") \(.line // 0)"' "$1" | sort
}

# The CI examples' keyaudit commands, as gates.sh takes them from the YAML.
ci_commands() {
	$PY -c 'import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
def walk(x):
    if isinstance(x, dict):
        for k, v in x.items():
            if k in ("run", "script") and isinstance(v, str):
                yield from v.splitlines()
            elif k == "script" and isinstance(v, list):
                yield from v
            else:
                yield from walk(v)
    elif isinstance(x, list):
        for v in x:
            yield from walk(v)
for c in walk(doc):
    if c.startswith("keyaudit "):
        print(c)' "$1"
}
# The README's commands marked "# CI gate" and "# an image before it boots",
# without the comment.
readme_command() {
	grep -F -- "# $1" README.md | head -n 1 | sed 's/[[:space:]]*#.*$//'
}
GATE=$(readme_command "CI gate")
IMAGE=$(readme_command "an image before it boots")
[ -n "$GATE" ] && [ -n "$IMAGE" ] || t_nok "README names its CI gate and image commands" "gate: $GATE; image: $IMAGE"

# run_readme CMD ROOT DIR: the README command as written, ./keyaudit being
# this build, aimed at ROOT (its /mnt/image, or --root added); exit status
run_readme() {
	local c=$1
	case $c in
	*/mnt/image*) c=${c//\/mnt\/image/$2} ;;
	*) c="$c --root $2" ;;
	esac
	mkdir -p "$3"
	ln -sf "$KA" "$3/keyaudit"
	(cd "$3" && bash -c "$c" >"$3/out" 2>"$3/err")
}

# ssh_login ROOT PORT: kagood logs in with the key and runs true (the real
# ssh, BatchMode, the root's host key as the only known one)
ssh_login() {
	ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o "UserKnownHostsFile=$T_BASE/kh.$2" \
	    -o IdentitiesOnly=yes -o IdentityAgent=none -o ConnectTimeout=5 -i "$T_BASE/key" -p "$2" \
	    kagood@127.0.0.1 true </dev/null >/dev/null 2>&1
}

port=2340
for rel in "${releases[@]}"; do
	port=$((port + 1))
	echo "# --- $rel"
	t0=$(date +%s)
	if ! R=$(debroot_get "$rel"); then
		t_nok "$rel: the stock root could be built (debootstrap)"
		continue
	fi
	echo "# $rel root $R: $(grep '^\(built\|seconds\|size\) ' "$R/.keyaudit-debroot" | tr '\n' ' ')(ready in $(($(date +%s) - t0)) s)"
	W=$T_BASE/$rel
	mkdir -p "$W"

	# --- the stock root as built
	"$KA" scan --root "$R" --all-users --format json >"$W/stock.json" 2>"$W/err"
	rc=$?
	per_check "$W/stock.json"
	[ $rc = 0 ] && [ -z "$(at_high "$W/stock.json")" ] &&
	    ok=1 || ok=
	[ -n "$ok" ] && t_ok "$rel stock, --all-users, JSON: nothing at high, exit 0" ||
	    t_nok "$rel stock, --all-users, JSON: nothing at high, exit 0 (exit $rc)" "$(at_high "$W/stock.json"; cat "$W/err")"
	"$KA" scan --root "$R" --all-users --no-color >"$W/stock.txt" 2>"$W/err"
	rc=$?
	[ $rc = 0 ] && ! grep -q '\[\(high\|critical\)\]' "$W/stock.txt" &&
	    grep -q 'fail-on high: exit 0$' "$W/stock.txt" &&
	    t_ok "$rel stock, --all-users, text: nothing at high, exit 0" ||
	    t_nok "$rel stock, --all-users, text (exit $rc)" "$(grep '\[\(high\|critical\)\]' "$W/stock.txt"; tail -n 1 "$W/stock.txt")"
	"$KA" scan --root "$R" --format json >"$W/plain.json" 2>"$W/err"
	rc=$?
	[ $rc = 0 ] && [ -z "$(at_high "$W/plain.json")" ] &&
	    t_ok "$rel stock, plain scan (the login user, root): nothing at high, exit 0" ||
	    t_nok "$rel stock, plain scan (exit $rc)" "$(at_high "$W/plain.json"; cat "$W/err")"

	# --- the root's own sshd -T decides what keyaudit says of its config
	mkdir -p "$R/run/sshd" 2>/dev/null
	if chroot "$R" /usr/sbin/sshd -T >"$W/sshd-T" 2>"$W/err"; then
		bad=
		v() { awk -v k="$1" '$1 == k { print $2 }' "$W/sshd-T"; }
		has() { jq -e --arg c "$1" '[.hosts[].findings[] | select(.check == $c)] | length > 0' "$W/stock.json" >/dev/null; }
		[ "$(v pubkeyauthentication)" = yes ] || bad="$bad pubkeyauthentication=$(v pubkeyauthentication)"
		has sshd.pubkey-disabled && bad="$bad [sshd.pubkey-disabled reported]"
		[ "$(v passwordauthentication)" = yes ] && ! has sshd.password-auth && bad="$bad [passwords on, not reported]"
		[ "$(v passwordauthentication)" = no ] && has sshd.password-auth && bad="$bad [passwords off, reported]"
		[ "$(v x11forwarding)" = yes ] || ! has sshd.x11-forwarding || bad="$bad [x11 off, reported]"
		[ "$(v permitrootlogin)" = yes ] && ! has sshd.permit-root-login && bad="$bad [root passwords, not reported]"
		[ "$(v strictmodes)" = yes ] || bad="$bad strictmodes=$(v strictmodes)"
		# before 8.5 the keyword is pubkeyacceptedkeytypes
		algs=",$(v pubkeyacceptedalgorithms)$(v pubkeyacceptedkeytypes),"
		case $algs in
		*,ssh-rsa,* | *,ssh-dss,*) has sshd.weak-pubkey-algorithms || bad="$bad [ssh-rsa accepted, not reported]" ;;
		*) has sshd.weak-pubkey-algorithms && bad="$bad [no SHA-1 algorithm, reported]" ;;
		esac
		[ -z "$bad" ] && t_ok "$rel stock: the root's own sshd -T agrees (pubkey, passwords, X11, root, StrictModes, SHA-1 algorithms)" ||
		    t_nok "$rel stock: sshd -T against keyaudit" "$bad"
	else
		t_nok "$rel stock: chroot sshd -T runs" "$(cat "$W/err")"
	fi
	rm -rf "$R/run/sshd" 2>/dev/null

	# --- a copy with one well-configured login account
	C=$W/root
	if ! debroot_copy "$R" "$C"; then
		t_nok "$rel: copy of the root"
		continue
	fi
	echo "file $C" >> "$T_BASE/cleanup.list"
	chroot "$C" useradd --create-home --shell /bin/bash --password "$DEBROOT_HASH" \
	    --groups sudo kagood >/dev/null 2>&1 &&
	    chroot "$C" install -d -m 0700 -o kagood -g kagood /home/kagood/.ssh &&
	    install -m 0600 "$T_BASE/key.pub" "$C/home/kagood/.ssh/authorized_keys" &&
	    chroot "$C" chown kagood:kagood /home/kagood/.ssh/authorized_keys &&
	    echo 'kagood ALL=(ALL) NOPASSWD: ALL' > "$C/etc/sudoers.d/kagood" &&
	    chmod 0440 "$C/etc/sudoers.d/kagood" ||
	    t_nok "$rel: kagood made in the copy"
	"$KA" scan --root "$C" --all-users --format json >"$W/good.json" 2>"$W/err"
	rc=$?
	[ $rc = 0 ] && [ -z "$(at_high "$W/good.json")" ] &&
	    [ "$(ids "$W/good.json" kagood)" = "$(ids "$W/stock.json")" ] &&
	    t_ok "$rel + a well-configured kagood: nothing at high, exit 0, nothing new" ||
	    t_nok "$rel + a well-configured kagood (exit $rc)" "$(at_high "$W/good.json"; diff <(ids "$W/stock.json") <(ids "$W/good.json" kagood))"
	run_readme "$GATE" "$C" "$W/gate"
	rc=$?
	gv=ok
	[ -n "$SCHEMA" ] && ! xmllint --noout --schema "$SCHEMA" "$W/gate/keyaudit.xml" 2>/dev/null && gv=invalid
	[ $rc = 0 ] && [ $gv = ok ] && grep -q '<testsuite' "$W/gate/keyaudit.xml" &&
	    t_ok "$rel + kagood: the README's CI gate passes ($GATE)" ||
	    t_nok "$rel + kagood: the README's CI gate (exit $rc, JUnit $gv)" "$(cat "$W/gate/err")"
	run_readme "$IMAGE" "$C" "$W/image"
	rc=$?
	[ $rc = 0 ] && t_ok "$rel + kagood: the README's image command passes ($IMAGE)" ||
	    t_nok "$rel + kagood: the README's image command (exit $rc)" "$(cat "$W/image/out" "$W/image/err")"

	# --- the root's own sshd, and the contrib/ci commands against it
	sshd_up=
	if debroot_sshd "$C" 127.0.0.1 "$port"; then
		sshd_up=1
		for k in "$C"/etc/ssh/ssh_host_*_key.pub; do
			echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$k")"
		done > "$T_BASE/kh.$port"
		ssh_login "$C" "$port" && t_ok "$rel + kagood: the root's sshd lets kagood in with the key" ||
		    t_nok "$rel + kagood: ssh kagood@127.0.0.1:$port" "$(tail -n 5 "$C/var/log/kasshd.log")"
	else
		t_nok "$rel: the root's own sshd listens on 127.0.0.1:$port"
	fi
	# the CI job's directory: inventory, pinned known_hosts, baseline, key
	J=$W/ci
	mkdir -p "$J/home/.ssh" "$J/bin"
	ln -sf "$KA" "$J/bin/keyaudit"
	install -m 0600 "$T_BASE/key" "$J/home/.ssh/keyaudit"
	echo "kagood@127.0.0.1:$port" > "$J/inventory"
	cp "$T_BASE/kh.$port" "$J/known_hosts" 2>/dev/null
	ci() { (cd "$J" && PATH="$J/bin:$PATH" HOME="$J/home" bash -c "$1" >"$J/out" 2>"$J/err"); }
	if [ -n "$sshd_up" ]; then
		# the baseline the commands name accepts nothing: a pass is earned
		printf '{\n "keyaudit_baseline": 1,\n "entries": []\n}\n' > "$J/keyaudit-baseline.json"
		for y in github-actions gitlab-ci; do
			n=0 bad=
			while IFS= read -r c; do
				n=$((n + 1))
				rm -f "$J"/keyaudit*.xml "$J/keyaudit.sarif"
				ci "$c"
				rc=$?
				[ $rc = 0 ] || bad="$bad [$c: exit $rc $(head -c 300 "$J/err") $(jq -c '[.runs[0].results[] | select(.level == "error") | .ruleId]' "$J/keyaudit.sarif" 2>/dev/null)]"
				case $c in
				*" scan "*) jq -e '[.runs[0].results[] | select(.level == "error" and .suppressions == null)] | length == 0' \
				    "$J/keyaudit.sarif" >/dev/null 2>&1 || bad="$bad [SARIF has errors]" ;;
				esac
			done < <(ci_commands "contrib/ci/$y.yml")
			[ $n -ge 2 ] && [ -z "$bad" ] &&
			    t_ok "$rel + kagood: contrib/ci/$y.yml's $n keyaudit commands pass against the root's sshd" ||
			    t_nok "$rel + kagood: contrib/ci/$y.yml ($n commands)" "$bad"
		done
	fi

	# --- break one account: kagood's authorized_keys owned by debian
	# (readable, so the owner is what sshd holds against it)
	chroot "$C" chown debian /home/kagood/.ssh/authorized_keys
	chmod 0644 "$C/home/kagood/.ssh/authorized_keys"
	"$KA" scan --root "$C" --all-users --format json >"$W/broken.json" 2>"$W/err"
	rc=$?
	others=$(at_high "$W/broken.json" | grep -v ' kagood$')
	[ $rc = 1 ] && [ -z "$others" ] &&
	    jq -e '[.hosts[].findings[] | select(.check == "perm.file-owner" and .user == "kagood" and .blocks_login)] | length == 1' \
	    "$W/broken.json" >/dev/null &&
	    [ "$(ids "$W/broken.json" kagood)" = "$(ids "$W/stock.json")" ] &&
	    t_ok "$rel, kagood broken: exactly kagood's findings ($(at_high "$W/broken.json" | cut -d' ' -f1 | sort -u | paste -sd' ')), exit 1" ||
	    t_nok "$rel, kagood broken: exactly kagood's findings, exit 1 (exit $rc)" "$(at_high "$W/broken.json"; diff <(ids "$W/stock.json") <(ids "$W/broken.json" kagood))"
	"$KA" scan --root "$C" --all-users --no-color >"$W/broken.txt" 2>&1
	rc=$?
	[ $rc = 1 ] && [ "$(grep '^  \[\(high\|critical\)\]' "$W/broken.txt" | grep -vc kagood)" = 0 ] &&
	    grep -q 'perm.file-owner.*kagood' "$W/broken.txt" &&
	    t_ok "$rel, kagood broken, text: only kagood at high, exit 1" ||
	    t_nok "$rel, kagood broken, text (exit $rc)" "$(grep '\[\(high\|critical\)\]' "$W/broken.txt")"
	run_readme "$GATE" "$C" "$W/gate"
	rc=$?
	[ $rc = 1 ] && grep -q 'perm.file-owner' "$W/gate/keyaudit.xml" &&
	    t_ok "$rel, kagood broken: the README's CI gate fails, naming perm.file-owner" ||
	    t_nok "$rel, kagood broken: the README's CI gate (exit $rc)" "$(cat "$W/gate/err")"
	run_readme "$IMAGE" "$C" "$W/image"
	rc=$?
	[ $rc = 1 ] && t_ok "$rel, kagood broken: the README's image command fails" ||
	    t_nok "$rel, kagood broken: the README's image command (exit $rc)"
	if [ -n "$sshd_up" ]; then
		! ssh_login "$C" "$port" && grep -q 'bad ownership or modes' "$C/var/log/kasshd.log" &&
		    t_ok "$rel, kagood broken: the root's sshd refuses the key (bad ownership or modes)" ||
		    t_nok "$rel, kagood broken: sshd refuses kagood" "$(tail -n 5 "$C/var/log/kasshd.log")"
		for y in github-actions gitlab-ci; do
			c=$(ci_commands "contrib/ci/$y.yml")
			c=$(printf '%s\n' "$c" | grep '^keyaudit scan ' | head -n 1)
			ci "$c --format json"
			rc=$?
			[ $rc = 1 ] && jq -e '[.hosts[].findings[] | select(.check == "net.auth-failed" or
			    .check == "net.key-refused")] | length > 0' "$J/out" >/dev/null &&
			    t_ok "$rel, kagood broken: contrib/ci/$y.yml's scan fails ($(jq -r '[.hosts[].findings[] | select(.severity == "high") | .check] | unique | join(" ")' "$J/out"))" ||
			    t_nok "$rel, kagood broken: contrib/ci/$y.yml's scan (exit $rc)" "$(head -c 300 "$J/err"; jq -c '[.hosts[].findings[] | [.check, .message]]' "$J/out")"
		done
		# a host whose keys were regenerated: the known-hosts gate fails
		debroot_sshd_stop "$port"
		rm -f "$C"/etc/ssh/ssh_host_*
		chroot "$C" ssh-keygen -A >/dev/null 2>&1
		if debroot_sshd "$C" 127.0.0.1 "$port"; then
			for y in github-actions gitlab-ci; do
				c=$(ci_commands "contrib/ci/$y.yml")
				c=$(printf '%s\n' "$c" | grep '^keyaudit known-hosts ' | head -n 1)
				ci "$c --format json"
				rc=$?
				[ $rc = 1 ] && jq -e '[.hosts[].findings[] | select(.check == "hostkey.changed")] | length > 0' "$J/out" >/dev/null &&
				    t_ok "$rel, host keys regenerated: contrib/ci/$y.yml's known-hosts fails (hostkey.changed)" ||
				    t_nok "$rel, host keys regenerated: contrib/ci/$y.yml's known-hosts (exit $rc)" "$(head -c 300 "$J/err")"
			done
		else
			t_nok "$rel: the root's sshd restarts with new host keys"
		fi
		debroot_sshd_stop "$port"
	fi
	debroot_drop "$C"
	echo "# $rel: $(($(date +%s) - t0)) s"
done
t_finish
