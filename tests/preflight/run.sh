#!/bin/bash
# run.sh - keyaudit preflight against the real sshd (issue 19): for each
# change, the accounts that log in with the CURRENT configuration and with
# the PROPOSED one, by real ssh, must be the sets keyaudit predicts, with the
# exit status, the summary and a sensible cause for every lost login (root;
# accounts kpt*, sshd on 127.0.0.1:2470).
#
# The world: six accounts with their own keys, in two groups --
#   kpt0  uid 0 (a second name for root: PermitRootLogin and root's primary
#         group apply to it; created and removed by hand, never through
#         t_user, whose cleanup would kill every process of uid 0)
#   kpt1, kpt2  in kptadm; kpt2 has a second key (ecdsa)
#   kpt3, kpt4  in kptdev
#   kpt5  an RSA key, in no extra group
# For each change:
#   1. sshd with CURRENT (t_sshd: a fresh sshd, its own host key); every
#      account logs in with all its keys (ssh -i each, IdentitiesOnly,
#      BatchMode, `true`), from 127.0.0.1 and, where the change is about
#      the client's address, from 127.0.0.2 too (ssh -b);
#   2. sshd with PROPOSED (when sshd -t refuses it nobody logs in);
#   3. both sets must be what the change means (the oracle: the case's
#      declared sets), so a case that does not test what it says fails;
#   4. `keyaudit preflight --sshd-config CURRENT --proposed-sshd-config
#      PROPOSED --user each --from each --format json`: its before and
#      after sets equal the real ones, its exit status is 1 exactly when a
#      login that works now is lost or a --must-keep account is refused
#      after, the summary counts its rows, and every lost login has a cause
#      whose check id is one the change explains.
#
#   tests/preflight/run.sh [CASE...]    ends "preflight: N passed, N failed"
#   KA_PF_ORACLE_ONLY=1                 steps 1-3 only (no keyaudit needed)
#   KEYAUDIT=/path/to/keyaudit          another build
set -u
cd "$(dirname "$0")/../.." || exit 3
SUITE=preflight
. tests/lib.sh
KA=${KEYAUDIT:-$PWD/keyaudit}
t_need_root
t_setup
ADDR=127.0.0.1
PORT=2470
ROOTLIKE=kpt0
USERS="kpt0 kpt1 kpt2 kpt3 kpt4 kpt5"
ONLY=("$@")
K=$T_BASE/keys
mkdir -p "$K"

# --- kpt0: a uid 0 alias of root. Its removal must never go through
# pkill -u (uid 0 is every root process): userdel -f, the name only.
rootlike_del() {
	local ent
	ent=$(getent passwd "$ROOTLIKE") || return 0
	[ "$(echo "$ent" | cut -d: -f3)" = 0 ] || { _t_deluser "$ROOTLIKE"; return 0; }
	userdel -f "$ROOTLIKE" >/dev/null 2>&1
	rm -rf "/home/${ROOTLIKE:?}"
}
pf_cleanup() {
	rootlike_del
	t_cleanup
}
trap pf_cleanup EXIT

rootlike_del
useradd -o -u 0 -g 0 -M -d "/home/$ROOTLIKE" -s /bin/sh -p '*' "$ROOTLIKE" 2>/dev/null || {
	t_nok "the uid 0 account $ROOTLIKE"
	t_finish
}
install -d -m 0755 -o 0 -g 0 "/home/$ROOTLIKE"

for u in kpt1 kpt2 kpt3 kpt4 kpt5; do
	t_user "$u" || { t_nok "account $u"; t_finish; }
done
t_group kptadm kpt1 kpt2 || { t_nok "group kptadm"; t_finish; }
t_group kptdev kpt3 kpt4 || { t_nok "group kptdev"; t_finish; }

# the keys: $K/USER (and $K/USER.2), each account's authorized_keys all of
# its own public keys
for u in $USERS; do
	t=ed25519
	[ "$u" = kpt5 ] && t=rsa
	ssh-keygen -q -t "$t" -N '' -C "$u" -f "$K/$u" </dev/null
done
ssh-keygen -q -t ecdsa -b 256 -N '' -C kpt2-second -f "$K/kpt2.2" </dev/null
chmod 0644 "$K"/*.pub
home() { getent passwd "$1" | cut -d: -f6; }
keys_of() { ls "$K/$1" "$K/$1.2" 2>/dev/null; }
authkeys_reset() {
	local u=$1 h
	h=$(home "$u")
	install -d -m 0700 -o "$u" -g "$(id -g "$u")" "$h/.ssh"
	cat "$K/$u.pub" > "$h/.ssh/authorized_keys"
	[ -f "$K/$u.2.pub" ] && cat "$K/$u.2.pub" >> "$h/.ssh/authorized_keys"
	chown "$u:$(id -g "$u")" "$h/.ssh/authorized_keys"
	chmod 0600 "$h/.ssh/authorized_keys"
}
for u in $USERS; do authkeys_reset "$u"; done

# a directory of key files by name, as /etc/ssh/authorized_keys/%u would
# be: root's, 0755, files 0644
AKD_EMPTY=$T_BASE/etc-ssh/empty
AKD_SOME=$T_BASE/etc-ssh/some
install -d -m 0755 "$AKD_EMPTY" "$AKD_SOME"
for u in kpt1 kpt3; do install -m 0644 "$K/$u.pub" "$AKD_SOME/$u"; done

# login USER FROM: every key of USER offered, from address FROM
login() {
	local ids=() k
	for k in $(keys_of "$1"); do ids+=(-i "$k"); done
	ssh -F /dev/null -q -b "$2" -o BatchMode=yes -o StrictHostKeyChecking=no \
	    -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes -o ConnectTimeout=5 \
	    -o LogLevel=ERROR "${ids[@]}" -p "$PORT" "$1@$ADDR" true </dev/null >/dev/null 2>&1
}
# the logins that work now: "USER@FROM" a line, sorted
logins() {
	local u f
	for u in $USERS; do
		for f in $FROMS; do
			login "$u" "$f" && echo "$u@$f"
		done
	done | sort
}
# a declared set ("kpt1 kpt2@127.0.0.2 all ..." -> sorted USER@FROM lines):
# a bare name is every FROM, "all" every account
expand() {
	local w u f
	for w in $1; do
		case $w in
		all) for u in $USERS; do for f in $FROMS; do echo "$u@$f"; done; done ;;
		*@*) echo "$w" ;;
		*) for f in $FROMS; do echo "$w@$f"; done ;;
		esac
	done | sort -u
}
all_but() {
	local u out=
	for u in $USERS; do
		case " $* " in *" $u "*) ;; *) out="$out $u" ;; esac
	done
	echo "$out"
}

# --- the cases. Each sets CUR and NEW (the lines t_sshd writes; drop-ins
# go to $D/cur.d and $D/new.d), BEFORE and AFTER (the declared sets),
# CAUSE (an ERE every lost login's cause.check must match) and optionally
# FROMS, MUSTKEEP, PKEYS (a --proposed-keys directory), NEWARG (what is
# passed as --proposed-sshd-config), SETUP/UNDO (functions), SYNTAX=1 (sshd
# -t must refuse the proposed config), PW=1 (expect
# preflight.password-opened).
case_reset() {
	CUR=() NEW=() BEFORE=all AFTER=all CAUSE='^$' FROMS=$ADDR MUSTKEEP=() PKEYS=
	NEWARG='' SETUP=: UNDO=: SYNTAX='' PW=''
}
# Allow/Deny lists
c_allow_users() { NEW=("AllowUsers kpt1 kpt2"); AFTER="kpt1 kpt2"; CAUSE='^account\.not-allow-users$'; }
c_allow_users_bracket() {
	# sshd knows * and ? only: [12] is two literal brackets, nobody matches
	NEW=("AllowUsers kpt[12]"); AFTER=""; CAUSE='^account\.not-allow-users$'
}
c_allow_users_widened() {
	CUR=("AllowUsers kpt1 kpt0"); BEFORE="kpt0 kpt1"
	NEW=("AllowUsers kpt? !kpt5"); AFTER="all"
}
c_allow_users_at_host() {
	FROMS="127.0.0.1 127.0.0.2"
	NEW=("AllowUsers kpt1@127.0.0.1 kpt2@10.0.0.0/8 kpt3@127.0.0.0/24 kpt4@127.0.0.2")
	AFTER="kpt1@127.0.0.1 kpt3 kpt4@127.0.0.2"; CAUSE='^account\.not-allow-users$'
}
c_allow_users_accumulate() {
	# AllowUsers lines add up (not first-wins): kpt1's own line changes nothing
	CUR=("AllowUsers kpt*"); NEW=("AllowUsers kpt*" "AllowUsers kpt1")
}
c_deny_users() { NEW=("DenyUsers kpt3"); AFTER="$(all_but kpt3)"; CAUSE='^account\.deny-users$'; }
c_deny_users_pattern() {
	NEW=("DenyUsers kpt[34] *5 kp?2"); AFTER="$(all_but kpt5 kpt2)"; CAUSE='^account\.deny-users$'
}
c_deny_users_at_host() {
	FROMS="127.0.0.1 127.0.0.2"
	NEW=("DenyUsers kpt2@127.0.0.2 kpt3@10.*")
	AFTER="$(all_but kpt2) kpt2@127.0.0.1"; CAUSE='^account\.deny-users$'
}
c_deny_users_removed() {
	CUR=("DenyUsers kpt4 kpt5"); BEFORE="$(all_but kpt4 kpt5)"
}
c_allow_groups() { NEW=("AllowGroups kptadm"); AFTER="kpt1 kpt2"; CAUSE='^account\.not-allow-groups$'; }
c_allow_groups_pattern() {
	NEW=("AllowGroups kpt?dm kptde[v] roo*"); AFTER="kpt0 kpt1 kpt2"; CAUSE='^account\.not-allow-groups$'
}
c_deny_groups() { NEW=("DenyGroups kptdev"); AFTER="$(all_but kpt3 kpt4)"; CAUSE='^account\.deny-groups$'; }
c_deny_groups_primary() {
	# a primary group counts: kpt0's is root, kpt5's its own
	NEW=("DenyGroups root kpt5"); AFTER="$(all_but kpt0 kpt5)"; CAUSE='^account\.deny-groups$'
}
# Match blocks
c_match_user_added() {
	NEW=("Match User kpt2,kpt5" "	PubkeyAuthentication no")
	AFTER="$(all_but kpt2 kpt5)"; CAUSE='^sshd\.pubkey-disabled$'
}
c_match_user_negated() {
	NEW=("Match User *,!kpt1" "	PubkeyAuthentication no")
	AFTER="kpt1"; CAUSE='^sshd\.pubkey-disabled$'
}
c_match_group_keys_file() {
	NEW=("Match Group kptadm" "	AuthorizedKeysFile $AKD_EMPTY/%u")
	AFTER="$(all_but kpt1 kpt2)"; CAUSE='^(akeys\.missing|sshd\.no-keys-file|akeys\.key-not-listed)$'
}
c_match_group_removed() {
	CUR=("Match Group kptdev" "	PubkeyAuthentication no"); BEFORE="$(all_but kpt3 kpt4)"
}
c_match_address_other() {
	FROMS="127.0.0.1 127.0.0.2"
	NEW=("Match Address 10.0.0.0/8" "	PubkeyAuthentication no")
}
c_match_address_local() {
	FROMS="127.0.0.1 127.0.0.2"
	NEW=("Match Address 127.0.0.2" "	PubkeyAuthentication no")
	AFTER="$(for u in $USERS; do printf '%s@127.0.0.1 ' "$u"; done)"; CAUSE='^sshd\.pubkey-disabled$'
}
c_match_user_address() {
	FROMS="127.0.0.1 127.0.0.2"
	NEW=("Match User kpt3,kpt4 Address 127.0.0.1" "	AuthenticationMethods publickey,password")
	AFTER="$(all_but kpt3 kpt4) kpt3@127.0.0.2 kpt4@127.0.0.2"; CAUSE='^sshd\.auth-methods$'
}
# AuthenticationMethods
c_authmethods_password() {
	# a second factor nobody's key satisfies (password login on: below,
	# sshd refuses a method it has disabled). A password alone still does
	# not log in: password login is not opened.
	NEW=("AuthenticationMethods publickey,password" "PasswordAuthentication yes")
	AFTER=""; CAUSE='^sshd\.auth-methods$'
}
c_authmethods_password_disabled() {
	# sshd 9.2 will not start: "AuthenticationMethods cannot be satisfied"
	NEW=("AuthenticationMethods publickey,password"); SYNTAX=1 AFTER=""
	CAUSE='^(sshd\.syntax|sshd\.auth-methods)$'
}
c_authmethods_two_keys() {
	# two different keys: only kpt2 has them
	NEW=("AuthenticationMethods publickey,publickey"); AFTER="kpt2"; CAUSE='^sshd\.auth-methods$'
}
c_authmethods_alternative() {
	NEW=("AuthenticationMethods publickey,password publickey")
}
# AuthorizedKeysFile
c_keys_file_moved_empty() {
	NEW=("AuthorizedKeysFile $AKD_EMPTY/%u"); AFTER=""
	CAUSE='^(akeys\.missing|sshd\.no-keys-file|akeys\.key-not-listed)$'
}
c_keys_file_moved_some() {
	NEW=("AuthorizedKeysFile $AKD_SOME/%u"); AFTER="kpt1 kpt3"
	CAUSE='^(akeys\.missing|sshd\.no-keys-file|akeys\.key-not-listed)$'
}
c_keys_file_added() {
	CUR=("AuthorizedKeysFile $AKD_SOME/%u"); BEFORE="kpt1 kpt3"
	NEW=("AuthorizedKeysFile $AKD_SOME/%u .ssh/authorized_keys")
}
c_keys_file_narrowed() {
	# the same move, the central files already named by the current config
	CUR=("AuthorizedKeysFile .ssh/authorized_keys $AKD_SOME/%u")
	NEW=("AuthorizedKeysFile $AKD_SOME/%u"); AFTER="kpt1 kpt3"
	CAUSE='^(akeys\.missing|sshd\.no-keys-file|akeys\.key-not-listed)$'
}
# PubkeyAcceptedAlgorithms
c_algs_rsa_only() {
	NEW=("PubkeyAcceptedAlgorithms rsa-sha2-512,rsa-sha2-256"); AFTER="kpt5"
	CAUSE='^(sshd\.key-algorithm|sshd\.weak-pubkey-algorithms)$'
}
c_algs_ed25519_only() {
	# kpt2 keeps access by its ed25519 key, though its ecdsa key is refused
	NEW=("PubkeyAcceptedAlgorithms ssh-ed25519"); AFTER="$(all_but kpt5)"
	CAUSE='^(sshd\.key-algorithm|sshd\.weak-pubkey-algorithms)$'
}
c_algs_minus() {
	NEW=("PubkeyAcceptedAlgorithms -ecdsa-sha2-nistp256,rsa-sha2-*"); AFTER="$(all_but kpt5)"
	CAUSE='^(sshd\.key-algorithm|sshd\.weak-pubkey-algorithms)$'
}
# PermitRootLogin (kpt0 is uid 0)
c_root_no() {
	CUR=("PermitRootLogin prohibit-password"); NEW=("PermitRootLogin no")
	AFTER="$(all_but kpt0)"; CAUSE='^(sshd\.root-login|sshd\.permit-root-login)$'
}
c_root_forced_only() {
	CUR=("PermitRootLogin yes"); NEW=("PermitRootLogin forced-commands-only")
	AFTER="$(all_but kpt0)"; CAUSE='^(sshd\.root-login|sshd\.permit-root-login)$'
}
c_root_opened() {
	CUR=("PermitRootLogin no"); BEFORE="$(all_but kpt0)"; NEW=("PermitRootLogin prohibit-password")
}
# StrictModes with kpt4's home group-writable by kptdev (a group with other
# members: not Debian's user-private-group exception)
sm_setup() { chgrp kptdev /home/kpt4 && chmod 0775 /home/kpt4; }
sm_undo() { chgrp kpt4 /home/kpt4; chmod 0755 /home/kpt4; }
c_strictmodes_on() {
	SETUP=sm_setup UNDO=sm_undo
	CUR=("StrictModes no"); NEW=("StrictModes yes"); AFTER="$(all_but kpt4)"; CAUSE='^perm\.'
}
c_strictmodes_off() {
	SETUP=sm_setup UNDO=sm_undo
	CUR=("StrictModes yes"); BEFORE="$(all_but kpt4)"; NEW=("StrictModes no")
}
# Include: the first value wins, and a drop-in included at the top comes
# before the main file's own line
c_include_order() {
	CUR=("Include $D/cur.d/*.conf" "PubkeyAuthentication yes")
	echo "X11Forwarding no" > "$D/cur.d/10-x11.conf"
	NEW=("Include $D/new.d/*.conf" "PubkeyAuthentication yes")
	echo "PubkeyAuthentication no" > "$D/new.d/10-lock.conf"
	AFTER=""; CAUSE='^sshd\.pubkey-disabled$'
}
c_include_keys_file() {
	CUR=("Include $D/cur.d/*.conf" "AuthorizedKeysFile .ssh/authorized_keys")
	NEW=("Include $D/new.d/*.conf" "AuthorizedKeysFile .ssh/authorized_keys")
	echo "AuthorizedKeysFile $AKD_SOME/%u" > "$D/new.d/50-central.conf"
	AFTER="kpt1 kpt3"; CAUSE='^(akeys\.missing|sshd\.no-keys-file|akeys\.key-not-listed)$'
}
c_include_moved_first() {
	# the same drop-in in both: the current config includes it after its
	# own line, the proposed one before
	CUR=("PubkeyAuthentication yes" "Include $D/new.d/*.conf")
	NEW=("Include $D/new.d/*.conf" "PubkeyAuthentication yes")
	echo "PubkeyAuthentication no" > "$D/new.d/10-lock.conf"
	AFTER=""; CAUSE='^sshd\.pubkey-disabled$'
}
c_include_after() {
	# the drop-in comes after the main file's line: the main file wins
	CUR=("PubkeyAuthentication yes"); NEW=("PubkeyAuthentication yes" "Include $D/new.d/*.conf")
	echo "PubkeyAuthentication no" > "$D/new.d/10-lock.conf"
}
c_include_dir() {
	# the proposed config as a directory: sshd_config and its drop-ins
	mkdir -p "$D/tree/sshd_config.d"
	chmod 755 "$D/tree" "$D/tree/sshd_config.d"
	NEW=("Include $D/tree/sshd_config.d/*.conf")
	echo "DenyGroups kptadm" > "$D/tree/sshd_config.d/20-deny.conf"
	T_NEWCFG=$D/tree/sshd_config NEWARG=$D/tree
	AFTER="$(all_but kpt1 kpt2)"; CAUSE='^account\.deny-groups$'
}
# sshd refuses the proposed config: nobody logs in
c_syntax_keyword() {
	NEW=("PubkeyAuthenticaton yes"); SYNTAX=1 AFTER=""; CAUSE='^sshd\.syntax$'
}
c_syntax_dropin() {
	NEW=("Include $D/new.d/*.conf")
	echo "AllowUser kpt1" > "$D/new.d/30-typo.conf"
	SYNTAX=1 AFTER=""; CAUSE='^sshd\.syntax$'
}
# password login opened: key login unchanged, a finding about it
c_password_on() { NEW=("PasswordAuthentication yes"); PW=1; }
# --must-keep
c_must_keep_loses() {
	NEW=("DenyUsers kpt2"); AFTER="$(all_but kpt2)"; MUSTKEEP=(kpt2); CAUSE='^account\.deny-users$'
}
c_must_keep_keeps() { NEW=("AllowUsers kpt*"); MUSTKEEP=(kpt1 kpt0); }
c_must_keep_never() {
	# nobody loses, but the account that must keep access never had it
	CUR=("DenyUsers kpt5"); BEFORE="$(all_but kpt5)"
	NEW=("DenyUsers kpt5" "X11Forwarding no"); AFTER="$(all_but kpt5)"; MUSTKEEP=(kpt5)
}
# --proposed-keys: kpt3's new authorized_keys holds none of its keys (a
# comment: the keys "moved to the vault"); kpt4's key is limited to
# from="10.0.0.0/8" now, and the new file drops the limit. Every key line
# is the account's own key: keyaudit judges the lines, it cannot know which
# private keys a person holds, so a colleague's key would count as a login.
pk_write() {
	mkdir -p "$D/pkeys"
	echo "# kpt3: keys moved to the vault" > "$D/pkeys/kpt3"
	cat "$K/kpt4.pub" > "$D/pkeys/kpt4"
	chmod 0644 "$D/pkeys"/*
}
pk_limit() { printf 'from="10.0.0.0/8" %s\n' "$(cat "$K/kpt4.pub")" > /home/kpt4/.ssh/authorized_keys; }
pk_setup() { pk_write; pk_limit; }
pk_apply() {
	install -m 0600 -o kpt3 -g kpt3 "$D/pkeys/kpt3" /home/kpt3/.ssh/authorized_keys
	install -m 0600 -o kpt4 -g kpt4 "$D/pkeys/kpt4" /home/kpt4/.ssh/authorized_keys
}
pk_unapply() { authkeys_reset kpt3; pk_limit; }
pk_undo() { authkeys_reset kpt3; authkeys_reset kpt4; }
c_proposed_keys() {
	SETUP=pk_setup UNDO=pk_undo PKEYS=$D/pkeys
	BEFORE="$(all_but kpt4)"; AFTER="$(all_but kpt3)"
	CAUSE='^(akeys\.key-not-listed|akeys\.missing|akeys\.no-usable-key)$'
}

CASES="allow_users allow_users_bracket allow_users_widened allow_users_at_host
allow_users_accumulate deny_users deny_users_pattern deny_users_at_host
deny_users_removed allow_groups allow_groups_pattern deny_groups
deny_groups_primary match_user_added match_user_negated match_group_keys_file
match_group_removed match_address_other match_address_local
match_user_address authmethods_password
authmethods_password_disabled authmethods_two_keys
authmethods_alternative keys_file_moved_empty keys_file_moved_some
keys_file_added keys_file_narrowed algs_rsa_only algs_ed25519_only algs_minus root_no
root_forced_only root_opened strictmodes_on strictmodes_off include_order
include_moved_first include_keys_file include_after include_dir syntax_keyword syntax_dropin
password_on must_keep_loses must_keep_keeps must_keep_never proposed_keys"

NCASES=0
# the real sets of a case: $D/before, $D/after
oracle() {
	local name=$1
	T_SSHD_CONFIG=$D/current.conf t_sshd "$name-cur" "$ADDR" "$PORT" "${CUR[@]}" ||
	    { t_nok "$name: sshd starts with the current config" "$T_SSHD_WHY"; return 1; }
	logins > "$D/before"
	t_sshd_stop "$name-cur"
	[ "$PKEYS" ] && pk_apply
	if T_SSHD_CONFIG=$T_NEWCFG t_sshd "$name-new" "$ADDR" "$PORT" "${NEW[@]}" >/dev/null; then
		logins > "$D/after"
		t_sshd_stop "$name-new"
		[ -z "$SYNTAX" ] || { t_nok "$name: sshd -t refuses the proposed config"; return 1; }
	else
		# only sshd -t's refusal, and only where the case means one
		: > "$D/after"
		case $SYNTAX:$T_SSHD_WHY in
		1:"sshd -t rejected"*) ;;
		*)
			t_nok "$name: sshd starts with the proposed config" "$T_SSHD_WHY"
			return 1 ;;
		esac
	fi
	[ "$PKEYS" ] && pk_unapply
	local eb ea
	eb=$(expand "$BEFORE") ea=$(expand "$AFTER")
	if [ "$eb" = "$(cat "$D/before")" ] && [ "$ea" = "$(cat "$D/after")" ]; then
		t_ok "$name: real sshd: $(wc -l < "$D/before") logins before, $(wc -l < "$D/after") after, as the case means"
		return 0
	fi
	t_nok "$name: real sshd disagrees with the case" "$(printf 'before want: %s\nbefore got:  %s\nafter want:  %s\nafter got:   %s' \
	    "$(echo $eb)" "$(tr "\n" " " < "$D/before")" "$(echo $ea)" "$(tr "\n" " " < "$D/after")")"
	return 1
}

# keyaudit's view of the case against the real sets
judge() {
	local name=$1 j=$D/preflight.json args=() u f m want rc sets
	for u in $USERS; do args+=(--user "$u"); done
	for f in $FROMS; do args+=(--from "$f"); done
	for m in "${MUSTKEEP[@]}"; do args+=(--must-keep "$m"); done
	[ "$PKEYS" ] && args+=(--proposed-keys "$PKEYS")
	"$KA" preflight --sshd-config "$D/current.conf" --proposed-sshd-config "${NEWARG:-$T_NEWCFG}" \
	    "${args[@]}" --format json > "$j" 2> "$D/preflight.err"
	rc=$?
	if ! jq -e '.command == "preflight" and (.changes | type == "array")' "$j" >/dev/null 2>&1; then
		t_nok "$name: keyaudit preflight gives its JSON (exit $rc)" "$(cat "$D/preflight.err" "$j" 2>/dev/null)"
		return
	fi
	# 1 when a login that works now is lost, or a must-keep is refused after
	want=0
	comm -23 "$D/before" "$D/after" | grep -q . && want=1
	for m in "${MUSTKEEP[@]}"; do grep -q "^$m@" "$D/after" || want=1; done
	sets=$(jq -r '.changes[] | select(.before == "ok") | "\(.user)@\(.from)"' "$j" | sort)
	if [ "$sets" = "$(cat "$D/before")" ]; then
		t_ok "$name: keyaudit's before set is sshd's"
	else
		t_nok "$name: keyaudit's before set is sshd's" "$(printf 'sshd:     %s\nkeyaudit: %s' "$(tr "\n" " " < "$D/before")" "$(echo $sets)")"
	fi
	sets=$(jq -r '.changes[] | select(.after == "ok") | "\(.user)@\(.from)"' "$j" | sort)
	if [ "$sets" = "$(cat "$D/after")" ]; then
		t_ok "$name: keyaudit's after set is sshd's"
	else
		t_nok "$name: keyaudit's after set is sshd's" "$(printf 'sshd:     %s\nkeyaudit: %s\n%s' "$(tr "\n" " " < "$D/after")" "$(echo $sets)" \
		    "$(jq -c '.changes[] | select(.before != .after) | {user, from, before, after, cause: .cause.check}' "$j")")"
	fi
	if [ "$rc" = "$want" ]; then
		t_ok "$name: exit $rc"
	else
		t_nok "$name: exit $want" "exit $rc; $(head -n 3 "$D/preflight.err")"
	fi
	# every account x every address once, and the summary counts them
	if jq -e --argjson n "$(( $(echo $USERS | wc -w) * $(echo $FROMS | wc -w) ))" '
	    (.changes | length) == $n and
	    ([.changes[] | "\(.user)@\(.from)"] | unique | length) == $n and
	    .summary.lose == ([.changes[] | select(.before == "ok" and .after == "refused")] | length) and
	    .summary.gain == ([.changes[] | select(.before == "refused" and .after == "ok")] | length) and
	    .summary.unchanged == ([.changes[] | select(.before == .after)] | length)' "$j" >/dev/null; then
		t_ok "$name: one row per account and address, the summary counts them"
	else
		t_nok "$name: one row per account and address, the summary counts them" "$(jq -c '.summary, [.changes[] | "\(.user)@\(.from)"]' "$j")"
	fi
	# every lost login says why, with a check the change explains
	local bad
	bad=$(jq -r --arg re "$CAUSE" '.changes[] | select(.before == "ok" and .after == "refused") |
	    select((.cause | type) != "object" or ((.cause.check // "") | test($re) | not)) |
	    "\(.user)@\(.from): \(.cause.check // "no cause")"' "$j")
	if ! jq -e '.changes[] | select(.before == "ok" and .after == "refused")' "$j" >/dev/null; then
		:
	elif [ -z "$bad" ]; then
		t_ok "$name: every lost login's cause is $CAUSE"
	else
		t_nok "$name: every lost login's cause is $CAUSE" "$bad"
	fi
	if [ -n "$PW" ]; then
		if jq -e '[.. | objects | select(.check? == "preflight.password-opened")] | length > 0' "$j" >/dev/null; then
			t_ok "$name: preflight.password-opened reported"
		else
			t_skip "$name: preflight.password-opened reported" "not in this build's output"
		fi
	fi
}

for name in $CASES; do
	if [ ${#ONLY[@]} -gt 0 ] && ! printf '%s\n' "${ONLY[@]}" | grep -qx "$name"; then
		continue
	fi
	NCASES=$((NCASES + 1))
	D=$T_BASE/$name
	mkdir -p "$D/cur.d" "$D/new.d"
	chmod 755 "$D" "$D/cur.d" "$D/new.d"
	case_reset
	T_NEWCFG=$D/proposed.conf
	"c_$name"
	"$SETUP"
	if oracle "$name" && [ -z "${KA_PF_ORACLE_ONLY:-}" ]; then
		judge "$name"
	fi
	"$UNDO"
done
echo "# $NCASES changes over $(echo $USERS | wc -w) accounts"
t_finish
