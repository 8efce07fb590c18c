# part-fix.sh - prescriptions are safe to run as root on a host whose users
# are hostile (sourced by tests/security/run.sh; accounts kasf*, port 2330).
#
# A user links their key files at root's files and swaps links in after the
# scan; root runs `scan --fix-script` and the script, and `diagnose --local`.
# No live command may name a path outside the account's home, running the
# script may change no root-owned file, account and policy changes are never
# live, names a host chose are quoted in every printed command, and the
# fixes the script does make are proven by a real ssh login.

FX=$T_BASE/fix
mkdir -p "$FX"
chmod 755 "$FX"
# root-only markers: what a hostile user aims the fixes at
install -d -m 0700 "$FX/rootdir"
echo "kasf-marker-$$" > "$FX/rootdir/secret"
chmod 0600 "$FX/rootdir/secret"
echo "kasf-marker-$$" > "$FX/wide"
chmod 0666 "$FX/wide"		# a root file chmod go-w would change
# /etc/shadow's stand-in: a regression must not hand the real one to a
# throwaway account on the machine that runs the tests
echo "root:\$6\$kasf-marker-$$:20000:0:99999:7:::" > "$FX/shadow"
chgrp shadow "$FX/shadow" 2>/dev/null
chmod 0640 "$FX/shadow"

# stat of every root-owned file the attacks point at, and of /etc, /root,
# /tmp, /dev/shm themselves: it must be the same after the script ran
fx_rootstate() {
	{
		# directories others write in change their times all along
		stat -c '%n %a %u %g' /etc /root /tmp /dev/shm /etc/ssh "$FX/rootdir" \
		    /etc/shadow /etc/passwd
		stat -c '%n %a %u %g %s %Y' "$FX/rootdir/secret" "$FX/wide" "$FX/shadow"
		find /etc/ssh /root -xdev -maxdepth 2 -printf '%p %m %u %g\n' 2>/dev/null
	} | sort
}

# fx_live FILE: the live commands of a fix script (in the hosts' functions)
fx_live() {
	sed -n '/^keyaudit_fix_/,/^}/p' "$1" | grep -v -e '^keyaudit_fix_' -e '^}' \
	    -e '^[[:space:]]*#' -e '^[[:space:]]*:$' -e '^[[:space:]]*$'
}
# fx_outside FILE USER...: the live commands that name a path inside none
# of the USERs' homes (there must be none)
fx_outside() {
	local f=$1 u h in
	shift
	fx_live "$f" | while read -r verb arg type uid path; do
		case $verb in
		ka_touch) path=$arg ;;
		ka_chmod|ka_chown) ;;
		*) echo "unguarded: $verb $arg $type $uid $path"; continue ;;
		esac
		path=${path#\'}
		path=${path%\'}
		in=0
		for u in "$@"; do
			h=$(getent passwd "$u" | cut -d: -f6)
			case $path in "$h"|"$h"/*) in=1 ;; esac
		done
		[ $in = 1 ] || echo "$verb $path"
	done
}

t_user kasf1 && t_user kasf2 && t_user kasf3 || t_nok "accounts for part-fix"
ssh-keygen -q -t ed25519 -N '' -C kasf -f "$FX/k" </dev/null
for u in kasf1 kasf2 kasf3; do t_keyfile $u "$FX/k.pub"; done

# --- 1. links at root's files: every prescription is prose
ln -sf "$FX/shadow" /home/kasf1/.ssh/authorized_keys
ln -sf "$FX/rootdir/secret" /home/kasf1/.ssh/authorized_keys2
rm -rf /home/kasf2/.ssh
ln -s "$FX/rootdir" /home/kasf2/.ssh
before=$(fx_rootstate)
"$KA" scan --user kasf1 --user kasf2 --fix-script "$FX/f1.sh" --format json >"$FX/s1.json" 2>"$FX/s1.err"
out=$(fx_outside "$FX/f1.sh" kasf1 kasf2)
[ -s "$FX/f1.sh" ] && [ -z "$(fx_live "$FX/f1.sh")" ] && t_ok "links to a shadow file and a root-only dir: the fix script has no live command" ||
    t_nok "links to root files: live commands" "$(fx_live "$FX/f1.sh") $out"
grep -q 'through a symlink it controls' "$FX/f1.sh" &&
    t_ok "links to root files: the script says why in prose (a symlink the account controls)" ||
    t_nok "links to root files: prose" "$(grep 'by hand' "$FX/f1.sh" | head -5)"
jq -e '[.hosts[].findings[].remedy[] | select(.run != null and .where == "server" and .as == "root")] | length == 0' \
    "$FX/s1.json" >/dev/null &&
    t_ok "links to root files: no root command on the server in the JSON remedies" ||
    t_nok "links to root files: JSON remedies" "$(jq -c '[.hosts[].findings[] | select(.remedy[].run != null) | {check, remedy}]' "$FX/s1.json")"
sh "$FX/f1.sh" local >"$FX/f1.out" 2>&1
[ "$(fx_rootstate)" = "$before" ] && t_ok "links to root files: running the script as root changes no root file" ||
    t_nok "links to root files: root files changed" "$(diff <(echo "$before") <(fx_rootstate))"
"$KA" diagnose --local --user kasf1 --pubkey "$FX/k.pub" >"$FX/d1.out" 2>&1
grep -q 'fix:' "$FX/d1.out" && ! grep -E 'fix: +(chown|chmod) [^ ]+ '"$FX"'' "$FX/d1.out" >/dev/null &&
    t_ok "diagnose --local: the fix for a link to a root file is not a command on it" ||
    t_nok "diagnose --local fix" "$(grep -A2 cause: "$FX/d1.out")"

# --- 2. a real problem in the home, then a link swapped in before root runs
# the script: the command checks and skips
rm -f /home/kasf1/.ssh/authorized_keys /home/kasf1/.ssh/authorized_keys2
install -m 0666 -o kasf1 -g kasf1 "$FX/k.pub" /home/kasf1/.ssh/authorized_keys
rm -f /home/kasf2/.ssh
install -d -m 0777 -o kasf2 -g kasf2 /home/kasf2/.ssh
install -m 0600 -o kasf2 -g kasf2 "$FX/k.pub" /home/kasf2/.ssh/authorized_keys
"$KA" scan --user kasf1 --user kasf2 --checks perm --fix-script "$FX/f2.sh" >/dev/null 2>&1
grep -q "^	ka_chmod go-w f $(id -u kasf1) /home/kasf1/.ssh/authorized_keys$" "$FX/f2.sh" &&
    grep -q "^	ka_chmod go-w d $(id -u kasf2) /home/kasf2/.ssh$" "$FX/f2.sh" &&
    t_ok "a writable key file and ~/.ssh in the home: guarded live commands" ||
    t_nok "live commands in the home" "$(grep -v '^#' "$FX/f2.sh" | grep -v '^$' | head -20)"
[ -z "$(fx_outside "$FX/f2.sh" kasf1 kasf2)" ] &&
    t_ok "every live command names a path inside its account's home" ||
    t_nok "live command outside the home" "$(fx_outside "$FX/f2.sh" kasf1 kasf2)"
# the swap: kasf1's key file becomes a link to a 0666 root file, kasf2's
# ~/.ssh a link to a root-only directory
rm -f /home/kasf1/.ssh/authorized_keys
ln -s "$FX/wide" /home/kasf1/.ssh/authorized_keys
mv /home/kasf2/.ssh /home/kasf2/.ssh.real
ln -s "$FX/rootdir" /home/kasf2/.ssh
before=$(fx_rootstate)
sh "$FX/f2.sh" local >"$FX/f2.out" 2>&1
[ "$(fx_rootstate)" = "$before" ] &&
    t_ok "links swapped in after the scan: the script changes no root file" ||
    t_nok "swapped links: root files changed" "$(diff <(echo "$before") <(fx_rootstate))"
[ "$(grep -c 'keyaudit-fix: skipped' "$FX/f2.out")" -ge 2 ] &&
    t_ok "links swapped in after the scan: each command says it skipped, and why" ||
    t_nok "swapped links: skip messages" "$(cat "$FX/f2.out")"
# a directory on the way swapped: kasf1's ~/.ssh itself becomes a link to a
# directory holding a file of kasf1's name
rm -f /home/kasf1/.ssh/authorized_keys
install -m 0666 -o kasf1 -g kasf1 "$FX/k.pub" /home/kasf1/.ssh/authorized_keys
"$KA" scan --user kasf1 --checks perm --fix-script "$FX/f3.sh" >/dev/null 2>&1
mv /home/kasf1/.ssh /home/kasf1/.ssh.real
install -d -m 0755 "$FX/decoy"
install -m 0666 -o kasf1 -g kasf1 "$FX/k.pub" "$FX/decoy/authorized_keys"
ln -s "$FX/decoy" /home/kasf1/.ssh
sh "$FX/f3.sh" local >"$FX/f3.out" 2>&1
[ "$(stat -c %a "$FX/decoy/authorized_keys")" = 666 ] && grep -q 'its directory is not what was scanned' "$FX/f3.out" &&
    t_ok "a directory on the way swapped for a link: the command skips (cd -P, pwd -P)" ||
    t_nok "swapped directory: acted through the link" "$(stat -c %a "$FX/decoy/authorized_keys") $(cat "$FX/f3.out")"
rm -f /home/kasf1/.ssh
mv /home/kasf1/.ssh.real /home/kasf1/.ssh
rm -f /home/kasf2/.ssh
mv /home/kasf2/.ssh.real /home/kasf2/.ssh

# --- 3. the fixes the script does make are proven by a real login
if t_sshd fix 127.0.0.1 2330 "AuthorizedKeysFile .ssh/authorized_keys"; then
	echo "[127.0.0.1]:2330 $(cut -d' ' -f1,2 "$T_BASE/fix/hk.pub")" >"$FX/kh"
	login() {
		ssh -q -o BatchMode=yes -o UserKnownHostsFile="$FX/kh" -o StrictHostKeyChecking=yes \
		    -o IdentitiesOnly=yes -i "$FX/k" -p 2330 "$1@127.0.0.1" true </dev/null 2>/dev/null
	}
	chmod 0666 /home/kasf1/.ssh/authorized_keys
	chmod 0777 /home/kasf2/.ssh
	if login kasf1 || login kasf2; then
		t_nok "sshd refuses the broken accounts before the fix"
	else
		t_ok "sshd refuses a 0666 key file and a 0777 ~/.ssh"
	fi
	"$KA" scan --user kasf1 --user kasf2 --checks perm --fix-script "$FX/f4.sh" >/dev/null 2>&1
	sh "$FX/f4.sh" local >/dev/null 2>&1 && sh "$FX/f4.sh" local >/dev/null 2>&1
	login kasf1 && login kasf2 &&
	    [ "$(stat -c %a /home/kasf1/.ssh/authorized_keys)" = 644 ] && [ "$(stat -c %a /home/kasf2/.ssh)" = 755 ] &&
	    t_ok "the script run twice: sshd accepts both keys again, modes only narrowed" ||
	    t_nok "after the fix script" "$(stat -c '%n %a' /home/kasf1/.ssh/authorized_keys /home/kasf2/.ssh)"
	t_sshd_stop fix
else
	t_nok "sshd on 127.0.0.1:2330 starts"
fi

# --- 4. policy, not repair: AllowGroups and locked accounts under UsePAM no
usermod -p '!*' kasf3
printf 'UsePAM no\nAllowGroups kasf-nosuchgroup sudo\nAuthorizedKeysFile .ssh/authorized_keys\n' >"$FX/sshd_policy"
"$KA" scan --user kasf1 --user kasf3 --sshd-config "$FX/sshd_policy" --checks account \
    --fix-script "$FX/f5.sh" --format json >"$FX/s5.json" 2>/dev/null
jq -e '[.hosts[].findings[] | select(.check == "account.not-allow-groups" or .check == "account.locked")] | length >= 3' \
    "$FX/s5.json" >/dev/null &&
    [ -z "$(grep -v '^	*#' "$FX/f5.sh" | grep -E 'usermod|gpasswd|groupadd|chage|passwd')" ] &&
    grep -q "by hand: decide whether kasf3 was locked on purpose" "$FX/f5.sh" &&
    t_ok "AllowGroups and a locked account (UsePAM no): account changes are decisions, never commands" ||
    t_nok "policy fixes" "$(grep -v '^#' "$FX/f5.sh" | grep -v '^$' | head -20)"
usermod -p '*' kasf3

# --- 5. a name a host chose, quoted in every printed command: pasting the
# suggested command runs nothing of it
jq '.hostname = "web1;touch '"$FX"'/pwned;:" | .users = ["alice"]' \
    fixtures/snapshots/akeys-missing.json >"$FX/evil.json" 2>/dev/null
if [ -s "$FX/evil.json" ]; then
	"$KA" scan --snapshot "$FX/evil.json" --checks akeys --format json >"$FX/s6.json" 2>/dev/null
	cmd=$(jq -r '[.hosts[0].findings[] | select(.check == "akeys.missing")][0].fix' "$FX/s6.json" |
	    sed -n 's/^on the client: //p')
	mkdir -p "$FX/bin"
	printf '#!/bin/sh\nfor a; do printf "%%s\\n" "$a"; done > %s/args\n' "$FX" >"$FX/bin/ssh-copy-id"
	chmod 755 "$FX/bin/ssh-copy-id"
	(PATH=$FX/bin:$PATH; eval "$cmd") 2>/dev/null
	[ -n "$cmd" ] && [ ! -e "$FX/pwned" ] && [ "$(tail -n 1 "$FX/args" 2>/dev/null)" = "alice@web1;touch $FX/pwned;:" ] &&
	    t_ok "a host named 'web1;touch ...;:': the ssh-copy-id fix, pasted, gets the name as one word" ||
	    t_nok "hostile host name in ssh-copy-id" "cmd=$cmd; args=$(cat "$FX/args" 2>/dev/null)"
else
	t_nok "fixture akeys-missing.json"
fi
