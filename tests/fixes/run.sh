#!/bin/bash
# run.sh - every remedy proven (issue 17): a corpus of broken key logins
# against a real sshd on 127.0.0.1:2350, each repaired by exactly what
# keyaudit prescribes, then proven by real logins (root; accounts kafx*).
#
# Each scenario is one account with two key lines (its own key and a
# colleague's) and its own sshd configuration (an Include of conf.d/*.conf
# at the top, as Debian ships it, unless the scenario says otherwise),
# broken one, two or three ways. For each:
#   1. real `ssh -o BatchMode=yes` with the account's key fails;
#   2. `keyaudit scan --user U --sshd-config CFG --fix-script F --format
#      json`: the account's problems are found with a remedy, every
#      finding that blocks a login has one, and a decision (AllowUsers, a
#      locked account...) has no live command;
#   3. F runs as root exactly as written;
#   4. sshd -t accepts the configuration, nothing outside the account's
#      home and the sshd's own directory changed, and real ssh logs in
#      with the account's key AND the colleague's (every key line the
#      account had still works) -- or, for a decision, is still refused.
# The last lines count the logins repaired.
#
#   tests/fixes/run.sh [SCENARIO...]   ends "fixes: N passed, N failed"
#   KEYAUDIT=/path/to/keyaudit         another build (e.g. an older one)
set -u
cd "$(dirname "$0")/../.." || exit 3
SUITE=fixes
. tests/lib.sh
KA=${KEYAUDIT:-$PWD/keyaudit}
t_need_root
t_setup
PORT=2350
ADDR=127.0.0.1
K=$T_BASE/keys
mkdir -p "$K"
ssh-keygen -q -t ed25519 -N '' -C kafx-own -f "$K/own" </dev/null
ssh-keygen -q -t ed25519 -N '' -C kafx-colleague -f "$K/col" </dev/null
chmod 0644 "$K"/*.pub
# a group with several members: group write through it is not the
# user-private-group case Debian's sshd accepts
getent group users >/dev/null || t_group users

N=0 TOTAL=0 FIXED=0 DECIDED=0
ONLY=("$@")

# --- helpers a scenario's setup uses ($U the account, $H its home, $D the
# sshd's directory, CFG the lines of its configuration)
ak() { echo "$H/.ssh/authorized_keys"; }
dropin() { printf '%s\n' "${@:2}" > "$D/conf.d/$1"; }
# the own key, wrapped after N characters
wrapped() { local k; k=$(cat "$K/own.pub"); printf '%s\n%s\n' "${k:0:$1}" "${k:$1}"; }

login() {
	ssh -q -o BatchMode=yes -o UserKnownHostsFile="$T_BASE/kh" -o StrictHostKeyChecking=yes \
	    -o IdentitiesOnly=yes -o ConnectTimeout=5 -i "$K/$2" -p "$PORT" "$1@$ADDR" true \
	    </dev/null >/dev/null 2>&1
}
# a reload re-executes sshd: give it a moment
login_retry() {
	for _ in $(seq 1 25); do
		login "$1" "$2" && return 0
		sleep 0.2
	done
	return 1
}

# the live lines of a fix script (in the hosts' functions)
fx_live() {
	sed -n '/^keyaudit_fix_/,/^}/p' "$1" | grep -v -e '^keyaudit_fix_' -e '^}' \
	    -e '^[[:space:]]*#' -e '^[[:space:]]*:$' -e '^[[:space:]]*$'
}

# what changed (mode, owner, content) since the marker, outside the
# account's home and the sshd's directory
changed_outside() {
	find /etc /root /home /var/lib /srv /opt -xdev \
	    \( -path "$H" -o -path "$T_BASE" -o -path /var/lib/systemd -o -path /var/lib/apt \
	    -o -path /var/lib/dpkg -o -path /var/lib/rsyslog -o -path /var/lib/dhcp \
	    -o -path /var/lib/logrotate -o -path /var/lib/private \) -prune -o \
	    -cnewer "$1" -print 2>/dev/null | grep -v -x -e /home -e /var/lib
}

# scenario NAME KIND SETUP WHAT: KIND fix (the login must be repaired) or
# decide (the remedy is a person's decision: no live command, still
# refused after the script). SETUP sets up the breakage.
scenario() {
	local name=$1 kind=$2 setup=$3 what=$4 cfg j f out before
	if [ ${#ONLY[@]} -gt 0 ] && ! printf '%s\n' "${ONLY[@]}" | grep -qx "$name"; then
		return 0
	fi
	N=$((N + 1))
	TOTAL=$((TOTAL + 1))
	U=kafx$(printf %02d "$N")
	D=$T_BASE/$name
	t_user "$U" || { t_nok "$name: account $U"; return; }
	H=$(getent passwd "$U" | cut -d: -f6)
	t_keyfile "$U" "$K/own.pub"
	cat "$K/col.pub" >> "$(ak)"
	mkdir -p "$D/conf.d"
	chmod 755 "$D" "$D/conf.d"
	CFG=("Include $D/conf.d/*.conf" "AuthorizedKeysFile .ssh/authorized_keys")
	T_SSHD_DEFAULTS=$T_SSHD_DEFAULT_LINES
	"$setup"
	if ! t_sshd "$name" "$ADDR" "$PORT" "${CFG[@]}"; then
		t_nok "$name: sshd starts ($what)" "$T_SSHD_WHY"
		return
	fi
	cfg=$D/sshd_config
	t_known_hosts "$name" "$ADDR" "$PORT" > "$T_BASE/kh"
	if login "$U" own; then
		t_nok "$name: the login is broken before the fix ($what)"
		t_sshd_stop "$name"
		return
	fi
	j=$D/scan.json
	f=$D/fix.sh
	"$KA" scan --user "$U" --sshd-config "$cfg" --fix-script "$f" --format json \
	    >"$j" 2>"$D/scan.err"
	# every finding that blocks the login says what to do
	if jq -e --arg u "$U" '[.hosts[].findings[] | select(.user == $u and .remedy != [])] |
	    length > 0' "$j" >/dev/null 2>&1 && jq -e '[.hosts[].findings[] |
	    select(.blocks_login)] | all(.remedy | length > 0)' "$j" >/dev/null 2>&1; then
		t_ok "$name: keyaudit names the problem and a remedy for each ($what)"
	else
		t_nok "$name: keyaudit's blocking findings and remedies ($what)" \
		    "$(jq -c --arg u "$U" '.hosts[].findings[] | select(.blocks_login) | {check, user, remedy}' "$j" 2>&1 | head -5)"
	fi
	if [ "$kind" = decide ]; then
		out=$(fx_live "$f" | grep -E 'usermod|gpasswd|groupadd|passwd|chsh|chage|AllowUsers|AllowGroups|DenyUsers|AuthenticationMethods' )
		if [ -z "$out" ] && jq -e --arg u "$U" '[.hosts[].findings[] |
		    select(.blocks_login and .user == $u and (.check | startswith("account.")))
		    | .remedy[] | select(.run != null or .edit != null)] | length == 0' "$j" >/dev/null; then
			t_ok "$name: a decision: no live command, prose only"
		else
			t_nok "$name: a decision became a command" "$out"
		fi
	fi
	touch "$D/marker"
	sleep 0.05
	sh "$f" local >"$D/fix.out" 2>&1
	if ! "${SSHD:-/usr/sbin/sshd}" -t -f "$cfg" >"$D/sshd-t.out" 2>&1; then
		t_nok "$name: sshd -t accepts the configuration after the fix" "$(cat "$D/sshd-t.out")"
	fi
	out=$(changed_outside "$D/marker")
	[ -z "$out" ] || t_nok "$name: the fix script changed something outside $H and $D" "$out"
	if [ "$kind" = decide ]; then
		if login "$U" own; then
			t_nok "$name: a decision was taken for the admin: the login works"
		else
			DECIDED=$((DECIDED + 1))
			t_ok "$name: still refused until a person decides ($what)"
		fi
	elif login_retry "$U" own && login_retry "$U" col; then
		FIXED=$((FIXED + 1))
		t_ok "$name: fixed: the account's key and the colleague's both log in ($what)"
	else
		t_nok "$name: not fixed by the fix script ($what)" "$(cat "$D/fix.out"; echo "--- sshd log:";
		    tail -n 5 "$D/log"; echo "--- findings:";
		    jq -r '.hosts[].findings[] | select(.blocks_login) | "\(.check) \(.path):\(.line // 0) fix: \(.fix)"' "$j")"
	fi
	t_sshd_stop "$name"
}

# ------------------------------------------------------------ modes
p_ak666() { chmod 0666 "$(ak)"; }
p_ak664() { chgrp users "$(ak)"; chmod 0664 "$(ak)"; }
p_ak646() { chmod 0646 "$(ak)"; }
p_ssh777() { chmod 0777 "$H/.ssh"; }
p_ssh775() { chgrp users "$H/.ssh"; chmod 0775 "$H/.ssh"; }
p_home777() { chmod 0777 "$H"; }
p_home775() { chgrp users "$H"; chmod 0775 "$H"; }
p_ssh600() { chmod 0600 "$H/.ssh"; }
p_ak200() { chmod 0200 "$(ak)"; }
# ------------------------------------------------------------ owners
p_akowner() { chown nobody "$(ak)"; chmod 0600 "$(ak)"; }
p_akowner644() { chown nobody "$(ak)"; chmod 0644 "$(ak)"; }
p_sshowner() { chown nobody "$H/.ssh"; chmod 0700 "$H/.ssh"; }
p_sshowner755() { chown nobody "$H/.ssh"; chmod 0755 "$H/.ssh"; }
p_akowner666() { chown nobody "$(ak)"; chmod 0666 "$(ak)"; }
p_sshowner777() { chown nobody "$H/.ssh"; chmod 0777 "$H/.ssh"; chmod 0666 "$(ak)"; }
# ------------------------------------------------------------ several
p_two_modes() { chmod 0777 "$H"; chmod 0666 "$(ak)"; }
p_three_perm() { p_home775; chmod 0777 "$H/.ssh"; chown nobody "$(ak)"; chmod 0600 "$(ak)"; }
# ------------------------------------------------------------ key lines
k_wrap() { { wrapped 40; cat "$K/col.pub"; } > "$(ak)"; }
k_wrap_mid() { { cat "$K/col.pub"; wrapped 60; } > "$(ak)"; }
k_wrap_blank() { { cut -d' ' -f1 "$K/own.pub"; cut -d' ' -f2- "$K/own.pub"; cat "$K/col.pub"; } > "$(ak)"; }
k_wrap3() {
	local k; k=$(cat "$K/own.pub")
	printf '%s\n%s\n%s\n' "${k:0:30}" "${k:30:30}" "${k:60}" > "$(ak)"
	cat "$K/col.pub" >> "$(ak)"
}
k_wrap_666() { k_wrap; chmod 0666 "$(ak)"; }
k_wrap_lines() {
	# a damaged line, the wrapped key, the colleague's key twice: the
	# edits' line numbers must hold whatever order they run in
	{ echo "ssh-ed25519 AAAAbroken"; wrapped 50; cat "$K/col.pub" "$K/col.pub"; } > "$(ak)"
}
# ------------------------------------------------------------ sshd config
c_pubkey_no() { CFG+=("PubkeyAuthentication no"); }
c_pubkey_match() { CFG+=("Match User $U" "  PubkeyAuthentication no"); }
c_pubkey_dropin() { dropin 10-site.conf "# site policy" "PubkeyAuthentication no"; }
c_pubkey_dropin_match() { dropin 20-users.conf "Match User $U" "	PubkeyAuthentication no"; }
c_akf_none() { CFG=("Include $D/conf.d/*.conf" "AuthorizedKeysFile none"); }
c_akf_match() { CFG+=("Match User $U" "  AuthorizedKeysFile none"); }
c_alg_list() { CFG+=("PubkeyAcceptedAlgorithms rsa-sha2-512,rsa-sha2-256"); }
c_alg_minus() { CFG+=("PubkeyAcceptedAlgorithms -ssh-ed25519"); }
c_alg_match() { CFG+=("Match User $U" "  PubkeyAcceptedAlgorithms ecdsa-sha2-nistp256"); }
c_alg_dropin() { dropin 30-algs.conf "PubkeyAcceptedAlgorithms ecdsa-sha2-nistp256,rsa-sha2-512"; }
c_password_dropin() { dropin 50-cloud-init.conf "PasswordAuthentication yes"; chmod 0666 "$(ak)"; }
c_password_default() {
	T_SSHD_DEFAULTS=$(printf 'UsePAM no\nLogLevel VERBOSE\nKbdInteractiveAuthentication no')
	chmod 0777 "$H/.ssh"
}
c_password_match() {
	# no Include: the new line goes before the first Match block
	T_SSHD_DEFAULTS=$(printf 'UsePAM no\nLogLevel VERBOSE\nKbdInteractiveAuthentication no')
	CFG=("AuthorizedKeysFile .ssh/authorized_keys" "Match User nobody-else" "  X11Forwarding no")
	chmod 0777 "$H"
}
c_three_match_wrap() { c_pubkey_match; k_wrap; chmod 0777 "$H/.ssh"; }
c_three_dropin_owner() {
	dropin 10-keys.conf "AuthorizedKeysFile none"
	chmod 0777 "$H"
	chown nobody "$(ak)"
}
c_two_main() { CFG+=("PubkeyAuthentication no" "PubkeyAcceptedAlgorithms rsa-sha2-512"); }
c_two_dropin_alg_perm() { c_alg_dropin; p_ssh775; }
# ------------------------------------------------------------ decisions
d_allow_users() { CFG+=("AllowUsers kafx-nobody-else"); }
d_allow_groups() { CFG+=("AllowGroups kafx-nosuchgroup"); }
d_deny_users() { CFG+=("DenyUsers $U"); }
d_locked() { usermod -p '!' "$U"; }
d_auth_methods() { CFG+=("AuthenticationMethods publickey,publickey"); }
d_nologin() { usermod -s /usr/sbin/nologin "$U"; }

scenario ak-0666 fix p_ak666 "authorized_keys mode 0666"
scenario ak-0664-shared fix p_ak664 "authorized_keys group-writable by a shared group"
scenario ak-0646 fix p_ak646 "authorized_keys world-writable only"
scenario ssh-0777 fix p_ssh777 "~/.ssh mode 0777"
scenario ssh-0775-shared fix p_ssh775 "~/.ssh group-writable by a shared group"
scenario home-0777 fix p_home777 "home mode 0777"
scenario home-0775-shared fix p_home775 "home group-writable by a shared group"
scenario ssh-0600 fix p_ssh600 "~/.ssh not searchable by its owner"
scenario ak-0200 fix p_ak200 "authorized_keys not readable by its owner"
scenario ak-owner fix p_akowner "authorized_keys owned by another account, 0600"
scenario ak-owner-0644 fix p_akowner644 "authorized_keys owned by another account, 0644"
scenario ssh-owner fix p_sshowner "~/.ssh owned by another account, 0700"
scenario ssh-owner-0755 fix p_sshowner755 "~/.ssh owned by another account, 0755"
scenario ak-owner-0666 fix p_akowner666 "authorized_keys another's and 0666 (two problems, one file)"
scenario ssh-owner-0777 fix p_sshowner777 "~/.ssh another's and 0777, key file 0666 (three problems)"
scenario two-modes fix p_two_modes "home 0777 and key file 0666 (two breaks)"
scenario three-perm fix p_three_perm "home shared-group writable, ~/.ssh 0777, key file another's (three breaks)"
scenario wrap fix k_wrap "the key wrapped over lines 1-2, the colleague's on line 3"
scenario wrap-mid fix k_wrap_mid "the colleague's key, then the key wrapped over lines 2-3"
scenario wrap-blank fix k_wrap_blank "the key wrapped at the blank after its type"
scenario wrap3 fix k_wrap3 "the key wrapped over three lines"
scenario wrap-0666 fix k_wrap_666 "a wrapped key in a 0666 file (two breaks)"
scenario wrap-lines fix k_wrap_lines "a damaged line, a wrapped key, a duplicate: edits that shift lines"
scenario pubkey-no fix c_pubkey_no "PubkeyAuthentication no in sshd_config"
scenario pubkey-match fix c_pubkey_match "PubkeyAuthentication no in the account's Match block"
scenario pubkey-dropin fix c_pubkey_dropin "PubkeyAuthentication no in an Included drop-in"
scenario pubkey-dropin-match fix c_pubkey_dropin_match "PubkeyAuthentication no in a Match block of an Included drop-in"
scenario akf-none fix c_akf_none "AuthorizedKeysFile none"
scenario akf-match fix c_akf_match "AuthorizedKeysFile none in the account's Match block"
scenario alg-list fix c_alg_list "PubkeyAcceptedAlgorithms without ssh-ed25519"
scenario alg-minus fix c_alg_minus "PubkeyAcceptedAlgorithms -ssh-ed25519"
scenario alg-match fix c_alg_match "PubkeyAcceptedAlgorithms without ssh-ed25519 in a Match block"
scenario alg-dropin fix c_alg_dropin "PubkeyAcceptedAlgorithms without ssh-ed25519 in a drop-in"
scenario password-dropin fix c_password_dropin "PasswordAuthentication yes in a drop-in, key file 0666"
scenario password-default fix c_password_default "PasswordAuthentication by default, ~/.ssh 0777"
scenario password-match fix c_password_match "PasswordAuthentication by default, a Match block, no Include, home 0777"
scenario three-match-wrap fix c_three_match_wrap "Match PubkeyAuthentication no, a wrapped key, ~/.ssh 0777 (three breaks)"
scenario three-dropin-owner fix c_three_dropin_owner "drop-in AuthorizedKeysFile none, home 0777, key file another's (three breaks)"
scenario two-main fix c_two_main "PubkeyAuthentication no and a list without ssh-ed25519 in one file (two edits)"
scenario two-dropin-alg-perm fix c_two_dropin_alg_perm "drop-in algorithm list and ~/.ssh shared-group writable (two breaks)"
scenario allow-users decide d_allow_users "AllowUsers names someone else"
scenario allow-groups decide d_allow_groups "AllowGroups names a group the account is not in"
scenario deny-users decide d_deny_users "DenyUsers names the account"
scenario locked decide d_locked "the account is locked (UsePAM no)"
scenario auth-methods decide d_auth_methods "AuthenticationMethods needs two keys"
scenario nologin decide d_nologin "the account's shell is nologin"

# ------------------------------------------------ a key on no line
# The fix is a client step: ssh-copy-id to the target as typed (its port
# too) with the key file diagnose was given, not the server's host name
# and KEY.pub. Run as written (with the account's password login off, it
# is the one step this corpus cannot take for the admin), it is checked
# word for word.
if [ ${#ONLY[@]} -eq 0 ] || printf '%s\n' "${ONLY[@]}" | grep -qx copy-id; then
	U=kafxcp
	if t_user "$U"; then
		t_keyfile "$U" "$K/col.pub"
		if t_sshd copy-id "$ADDR" "$PORT" "AuthorizedKeysFile .ssh/authorized_keys"; then
			t_known_hosts copy-id "$ADDR" "$PORT" > "$T_BASE/kh"
			"$KA" diagnose "$U@$ADDR:$PORT" -i "$K/own" --known-hosts "$T_BASE/kh" --local \
			    --sshd-config "$T_BASE/copy-id/sshd_config" --format json \
			    >"$T_BASE/copy-id/d.json" 2>"$T_BASE/copy-id/d.err"
			if jq -e --arg k "$K/own" --arg d "$U@$ADDR" --arg p "$PORT" '[.. | objects |
			    select(has("run")) | .run] | any(. == ["ssh-copy-id", "-i", $k, "-p", $p, $d])' \
			    "$T_BASE/copy-id/d.json" >/dev/null 2>&1; then
				t_ok "copy-id: a key on no line: ssh-copy-id -i KEY -p $PORT $U@$ADDR, as typed"
			else
				t_nok "copy-id: the ssh-copy-id fix" "$(jq -c '[.. | objects | select(has("run")) | .run]' \
				    "$T_BASE/copy-id/d.json" 2>&1; head -3 "$T_BASE/copy-id/d.err")"
			fi
			t_sshd_stop copy-id
		else
			t_nok "copy-id: sshd starts" "$T_SSHD_WHY"
		fi
	else
		t_nok "copy-id: account $U"
	fi
fi

# ------------------------------------------------ what the settings became
# (the scenarios' directories are kept until the end)
# PasswordAuthentication is a change for everyone, so the fix script
# leaves it to a person: the test applies the JSON edit exactly as given
# (the line that wins, or a new line where it wins) and asks sshd -T.
apply_json_edit() {
	local e file line old new
	e=$(jq -c --arg c "$2" 'first(.hosts[].findings[] | select(.check == $c) |
	    .remedy[] | select(.edit) | .edit) // empty' "$1")
	[ -n "$e" ] || return 1
	file=$(jq -r .file <<<"$e")
	line=$(jq -r .line <<<"$e")
	new=$(jq -r .new <<<"$e")
	if jq -e '.old == null' <<<"$e" >/dev/null; then
		[ -e "$file" ] || : > "$file"
		KA_LINE=$line KA_NEW=$new awk 'NR == ENVIRON["KA_LINE"] + 0 { print ENVIRON["KA_NEW"] }
		    { print } END { if (NR < ENVIRON["KA_LINE"] + 0) print ENVIRON["KA_NEW"] }' \
		    "$file" > "$file.new" || return 1
	else
		old=$(jq -r .old <<<"$e")
		KA_LINE=$line KA_OLD=$old KA_NEW=$new awk 'NR == ENVIRON["KA_LINE"] + 0 {
		    if ($0 != ENVIRON["KA_OLD"]) exit 3; print ENVIRON["KA_NEW"]; next } { print }' \
		    "$file" > "$file.new" || return 1
	fi
	cat "$file.new" > "$file"
	rm -f "$file.new"
}
for s in password-dropin password-default password-match; do
	[ -f "$T_BASE/$s/sshd_config" ] || continue
	if ! grep -q 'by hand: .*PasswordAuthentication no' "$T_BASE/$s/fix.sh" ||
	    fx_live "$T_BASE/$s/fix.sh" | grep -q PasswordAuthentication; then
		t_nok "$s: the fix script leaves PasswordAuthentication to a person" "$(grep -i password "$T_BASE/$s/fix.sh")"
	fi
	apply_json_edit "$T_BASE/$s/scan.json" sshd.password-auth ||
	    t_nok "$s: the JSON edit for sshd.password-auth applies"
	"${SSHD:-/usr/sbin/sshd}" -t -f "$T_BASE/$s/sshd_config" >/dev/null 2>&1 ||
	    t_nok "$s: sshd -t after the PasswordAuthentication edit"
	v=$("${SSHD:-/usr/sbin/sshd}" -T -f "$T_BASE/$s/sshd_config" -C user=nobody,host=h,addr=192.0.2.1 2>/dev/null |
	    awk '$1 == "passwordauthentication" { print $2 }')
	[ "$v" = no ] && t_ok "$s: sshd -T says passwordauthentication no after the fix" ||
	    t_nok "$s: passwordauthentication after the fix is '$v'"
done
if [ -f "$T_BASE/password-match/sshd_config" ]; then
	v=$("${SSHD:-/usr/sbin/sshd}" -T -f "$T_BASE/password-match/sshd_config" \
	    -C user=nobody-else,host=h,addr=192.0.2.1 2>/dev/null | awk '$1 == "x11forwarding" { print $2 }')
	[ "$v" = no ] && t_ok "password-match: the Match block still applies to its user after the insertion" ||
	    t_nok "password-match: the Match block after the insertion" "x11forwarding $v"
fi
if [ -f "$T_BASE/alg-list/sshd_config" ]; then
	v=$("${SSHD:-/usr/sbin/sshd}" -T -f "$T_BASE/alg-list/sshd_config" 2>/dev/null |
	    awk '$1 == "pubkeyacceptedalgorithms" { print $2 }')
	[ "$v" = "rsa-sha2-512,rsa-sha2-256,ssh-ed25519" ] &&
	    t_ok "alg-list: the admin's list is kept and ssh-ed25519 added (not widened to the default)" ||
	    t_nok "alg-list: pubkeyacceptedalgorithms after the fix" "$v"
fi

echo "# fixes: $TOTAL broken logins: $FIXED repaired by the fix script, $DECIDED left to a person's decision and still refused"
t_finish
