#!/bin/bash
# run.sh - the scenario corpus of `keyaudit diagnose`: each scenario breaks
# one link (or two) between kadc's ssh and kadu's login on the loopback sshd
# of lib.sh, checks that the real ssh fails there (and logs in once REPAIR
# mends it), and that keyaudit names the same cause, from the client alone
# (client) or with a view of the server (local, via, snap). Root only.
#   bash tests/diagnose/run.sh [NAME-PART...]
#   KA_DIAG_ORACLE_ONLY=1 ...   the real ssh only (no keyaudit needed)
#   KA_DIAG_KEEP=1 ...          keep the run's directory (logs) at exit
# Ends "diagnose: N passed, N failed".
cd "$(dirname "$0")/../.." || exit 3
SUITE=diagnose
. tests/lib.sh
. tests/diagnose/lib.sh

AK=/home/kadu/.ssh/authorized_keys
REPAIR_AK='install -m 0600 -o kadu -g kadu "$B/keys/id_ed.pub" "$AK"'

# A chroot for kadu holding bash (ssh runs `bash -c true`), owned by $1.
jail()
{
	local f
	mkdir -m 0755 "$B/jail"
	for f in /bin/bash $(ldd /bin/bash | grep -o '/[^ ]*'); do
		cp -L --parents "$f" "$B/jail"
	done
	chown "$1" "$B/jail"
}

# An sshd_config block for kadu alone (kadadm, the --via login, keeps working).
for_kadu()
{
	SM=("Match User kadu" "$@")
}

# ---------------------------------------------------------------------------
# Baselines: nothing is broken.

ok_client() { MODE=client EXPECT=ok; }
ok_local() { MODE=local EXPECT=ok; }
ok_via() { MODE=via EXPECT=ok; }
ok_snap() { MODE=snap EXPECT=ok; }
ok_agent() { MODE=client EXPECT=ok AGENT=(id_ed) KEYS=(); }

# Debian's sshd accepts a home writable by kadu's private group.
ok_upg()
{
	MODE=local EXPECT=ok WANT_FINDING=perm.group-writable-upg
	chmod g+w /home/kadu
}

sc "ok/client" ok_client
sc "ok/local" ok_local
sc "ok/via" ok_via
sc "ok/snap" ok_snap
sc "ok/agent-only" ok_agent
sc "ok/local-home-upg-writable" ok_upg

# ---------------------------------------------------------------------------
# The client: what ssh can load and offer.

c_key_mode()
{
	EXPECT=client.key-mode
	chmod 0644 "$C/id_ed"
	REPAIR='chmod 0600 "$C/id_ed"'
}

c_key_unreadable()
{
	EXPECT=client.key-unreadable KEYS=("$C/nope")
	REPAIR='KEYS=("$C/id_ed")'
}

c_passphrase()
{
	EXPECT=client.passphrase KEYS=("$C/id_enc")
	ak "$(pub id_enc)"
	REPAIR='AGENT=(id_enc)'
}

# ssh offers the key of id_ed.pub (id_other's), which the server refuses.
c_pub_mismatch()
{
	EXPECT=client.pub-mismatch
	cp "$B/keys/id_other.pub" "$C/id_ed.pub"
	REPAIR='cp "$B/keys/id_ed.pub" "$C/id_ed.pub"'
}

c_pubkey_disabled()
{
	EXPECT=client.pubkey-disabled CC=("PubkeyAuthentication no")
	REPAIR='CC=()'
}

c_preferred_auth()
{
	EXPECT=client.preferred-auth CC=("PreferredAuthentications password")
	REPAIR='CC=()'
}

c_algorithm()
{
	EXPECT=client.algorithm CC=("PubkeyAcceptedAlgorithms rsa-sha2-512")
	REPAIR='CC=()'
}

c_rsa_size()
{
	EXPECT=client.rsa-size KEYS=("$C/id_rsa1k") CC=("RequiredRSASize 2048")
	ak "$(pub id_rsa1k)"
	REPAIR='CC=()'
}

# The agent's three keys come first and use up MaxAuthTries.
c_too_many_keys()
{
	EXPECT=client.too-many-keys AGENT=(id_w1 id_w2 id_w3) SC=("MaxAuthTries 3")
	REPAIR='CC=("IdentitiesOnly yes")'
}

# The agent holds the right key, IdentitiesOnly keeps ssh to id_other.
c_identities_only()
{
	EXPECT=client.identities-only AGENT=(id_ed) KEYS=()
	CC=("IdentitiesOnly yes" "IdentityFile $C/id_other")
	REPAIR='CC=()'
}

# No -i, no agent, no ~/.ssh/id_* of kadc's. ssh passes over its default
# names that do not exist without a word, and so does keyaudit.
c_no_identity()
{
	EXPECT=client.no-identity KEYS=() NO_FINDING=client.key-unreadable
	REPAIR='KEYS=("$C/id_ed")'
}

c_config_perms()
{
	EXPECT=client.config-perms USE_F=0 HOMECFG_MODE=0666
	REPAIR='HOMECFG_MODE=0600'
}

sc "client/client.key-mode" c_key_mode
sc "client/client.key-unreadable" c_key_unreadable
sc "client/client.passphrase" c_passphrase
sc "client/client.pub-mismatch" c_pub_mismatch
sc "client/client.pubkey-disabled" c_pubkey_disabled
sc "client/client.preferred-auth" c_preferred_auth
sc "client/client.algorithm" c_algorithm
sc "client/client.rsa-size" c_rsa_size
sc "client/client.too-many-keys" c_too_many_keys
sc "client/client.identities-only" c_identities_only
sc "client/client.no-identity" c_no_identity
sc "client/client.config-perms" c_config_perms

# ---------------------------------------------------------------------------
# The network and the host key. REPAIR points ssh back at the real sshd.

TO_SSHD='THOST=127.0.0.1 NOSSHD='

n_refused() { EXPECT=net.refused TPORT=$DEADPORT REPAIR='TPORT=$PORT'; }
n_timeout() { EXPECT=net.timeout THOST=127.0.0.231 NOSSHD=1 REPAIR=$TO_SSHD; }
n_no_banner() { EXPECT=net.no-banner THOST=127.0.0.232 NOSSHD=1 REPAIR=$TO_SSHD; }
n_http() { EXPECT=net.not-ssh THOST=127.0.0.233 NOSSHD=1 REPAIR=$TO_SSHD; }
n_smtp() { EXPECT=net.not-ssh THOST=127.0.0.234 NOSSHD=1 REPAIR=$TO_SSHD; }
n_ssh1() { EXPECT=net.ssh1 THOST=127.0.0.236 NOSSHD=1 REPAIR=$TO_SSHD; }
# Accepts and closes at once, as sshd does past MaxStartups.
n_close() { EXPECT=net.throttled THOST=127.0.0.235 NOSSHD=1 REPAIR=$TO_SSHD; }

# The held connection fills the one MaxStartups slot.
n_maxstartups()
{
	EXPECT=net.throttled SC=("MaxStartups 1:100:1") HOLD=1
	REPAIR='HOLD='
}

h_unknown()
{
	EXPECT=hostkey.unknown
	: > "$KH"
	REPAIR='dg_known_hosts'
}

h_changed()
{
	EXPECT=hostkey.changed
	dg_known_hosts "$S/hk_other.pub"
	REPAIR='dg_known_hosts'
}

h_revoked()
{
	EXPECT=hostkey.revoked
	echo "@revoked [127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$S/hk.pub")" >> "$KH"
	REPAIR='dg_known_hosts'
}

# With --local keyaudit reads sshd's HostKey: the fix names the real file
# to compare the fingerprint with, not /etc/ssh/ssh_host_*.
h_unknown_local()
{
	h_unknown
	MODE=local WANT_FIX="ssh-keygen -lf $S/hk\\.pub"
}

sc "client/net.refused" n_refused
sc "client/net.timeout" n_timeout
sc "client/net.no-banner" n_no_banner
sc "client/net.not-ssh-http" n_http
sc "client/net.not-ssh-smtp" n_smtp
sc "client/net.ssh1" n_ssh1
sc "client/net.throttled-close" n_close
sc "client/net.throttled-maxstartups" n_maxstartups
sc "client/hostkey.unknown" h_unknown
sc "client/hostkey.changed" h_changed
sc "client/hostkey.revoked" h_revoked
sc "local/hostkey.unknown" h_unknown_local

# ---------------------------------------------------------------------------
# The server, seen by keyaudit (MODE is the first argument). In via mode
# only kadu is broken: kadadm must still log in.

s_account_missing()
{
	MODE=$1 EXPECT=account.missing TUSER=kadnobody
	REPAIR='TUSER=kadu'
}

s_account_locked()
{
	MODE=$1 EXPECT=account.locked
	usermod -p '!' kadu
	REPAIR="usermod -p '*' kadu"
}

s_shell_missing()
{
	MODE=$1 EXPECT=account.shell-missing
	usermod -s /nonexistent kadu
	REPAIR='usermod -s /bin/bash kadu'
}

s_account_expired()
{
	MODE=$1 EXPECT=account.expired
	usermod -e 1 kadu
	REPAIR="usermod -e '' kadu"
}

s_deny_users()
{
	MODE=$1 EXPECT=account.deny-users SC=("DenyUsers kadu")
	REPAIR='SC=()'
}

s_not_allow_users()
{
	MODE=$1 EXPECT=account.not-allow-users SC=("AllowUsers kadadm")
	REPAIR='SC=("AllowUsers kadadm kadu")'
}

s_deny_groups()
{
	MODE=$1 EXPECT=account.deny-groups SC=("DenyGroups $DG_GROUP")
	gpasswd -a kadu "$DG_GROUP"
	REPAIR='gpasswd -d kadu "$DG_GROUP" >/dev/null'
}

# kadadm is let in by its own group.
s_not_allow_groups()
{
	MODE=$1 EXPECT=account.not-allow-groups SC=("AllowGroups $DG_GROUP kadadm")
	REPAIR='gpasswd -a kadu "$DG_GROUP" >/dev/null'
}

s_pubkey_disabled()
{
	MODE=$1 EXPECT=sshd.pubkey-disabled
	for_kadu "PubkeyAuthentication no"
	REPAIR='SM=()'
}

# The key is accepted, then a password is wanted that BatchMode cannot give.
s_auth_methods()
{
	MODE=$1 EXPECT=sshd.auth-methods
	for_kadu "PasswordAuthentication yes" "AuthenticationMethods publickey,password"
	REPAIR='SM=()'
}

s_key_algorithm()
{
	MODE=$1 EXPECT=sshd.key-algorithm
	for_kadu "PubkeyAcceptedAlgorithms rsa-sha2-512,rsa-sha2-256"
	REPAIR='SM=()'
}

s_rsa_size()
{
	MODE=$1 EXPECT=sshd.rsa-size KEYS=("$C/id_rsa1k") SC=("RequiredRSASize 2048")
	ak "$(pub id_rsa1k)"
	REPAIR='SC=()'
}

s_revoked_key()
{
	MODE=$1 EXPECT=sshd.revoked-key SC=("RevokedKeys $S/revoked")
	install -m 0644 "$B/keys/id_ed.pub" "$S/revoked"
	REPAIR=': > "$S/revoked"'
}

s_ak_missing()
{
	MODE=$1 EXPECT=akeys.missing
	rm "$AK"
	REPAIR=$REPAIR_AK
}

s_key_not_listed()
{
	MODE=$1 EXPECT=akeys.key-not-listed
	ak "$(pub id_other)"
	REPAIR='ak "$(pub id_other)" "$(pub id_ed)"'
}

s_bad_options()
{
	MODE=$1 EXPECT=akeys.bad-options
	ak "no-such-option $(pub id_ed)"
	REPAIR='ak "no-pty $(pub id_ed)"'
}

s_bad_key()
{
	MODE=$1 EXPECT=akeys.bad-key
	ak "$(pub id_ed | cut -c1-40)"
	REPAIR='ak "$(pub id_ed)"'
}

s_ak_expired()
{
	MODE=$1 EXPECT=akeys.expired
	ak "expiry-time=\"20200101\" $(pub id_ed)"
	REPAIR='ak "expiry-time=\"29990101\" $(pub id_ed)"'
}

s_from_mismatch()
{
	MODE=$1 EXPECT=akeys.from-mismatch
	ak "from=\"10.9.9.9\" $(pub id_ed)"
	REPAIR='ak "from=\"10.9.9.9,127.0.0.1\" $(pub id_ed)"'
}

s_file_mode()
{
	MODE=$1 EXPECT=perm.file-mode
	chmod 0666 "$AK"
	REPAIR='chmod 0600 "$AK"'
}

s_dir_mode_ssh()
{
	MODE=$1 EXPECT=perm.dir-mode
	chmod 0777 /home/kadu/.ssh
	REPAIR='chmod 0700 /home/kadu/.ssh'
}

# Group-writable by a group that is not kadu's private one (Debian's sshd
# accepts g+w only when the group holds just the owner).
s_dir_mode_home()
{
	MODE=$1 EXPECT=perm.dir-mode
	chgrp "$DG_GROUP" /home/kadu
	chmod g+w /home/kadu
	REPAIR='chmod g-w /home/kadu'
}

# Readable by kadu (0644), so sshd gets as far as the owner check.
s_file_owner()
{
	MODE=$1 EXPECT=perm.file-owner
	chown kadc "$AK"
	chmod 0644 "$AK"
	REPAIR='chown kadu "$AK"'
}

# Still readable by kadu (0755), so sshd gets as far as the owner check.
s_dir_owner_ssh()
{
	MODE=$1 EXPECT=perm.dir-owner
	chown kadc /home/kadu/.ssh
	chmod 0755 /home/kadu/.ssh
	REPAIR='chown kadu /home/kadu/.ssh'
}

s_dir_owner_home()
{
	MODE=$1 EXPECT=perm.dir-owner
	chown kadc /home/kadu
	REPAIR='chown kadu /home/kadu'
}

# root's key in a root-owned file under $B: /root is left alone.
s_root_login()
{
	MODE=$1 EXPECT=sshd.root-login TUSER=root
	SC=("AuthorizedKeysFile $B/ak/%u .ssh/authorized_keys" "PermitRootLogin no")
	install -m 0644 "$B/keys/id_ed.pub" "$B/ak/root"
	REPAIR='SC[1]="PermitRootLogin prohibit-password"'
}

s_nologin()
{
	MODE=$1 EXPECT=account.nologin
	usermod -s /usr/sbin/nologin kadu
	REPAIR='usermod -s /bin/bash kadu'
}

s_force_command()
{
	MODE=$1 EXPECT=sshd.force-command
	for_kadu "ForceCommand /bin/false"
	REPAIR='SM=()'
}

s_chroot_perms()
{
	MODE=$1 EXPECT=sshd.chroot-perms
	jail kadu
	for_kadu "ChrootDirectory $B/jail"
	REPAIR='chown root "$B/jail"'
}

# sshd's own words, as keyaudit must quote them from the log.
s_deny_users_log()
{
	s_deny_users "$1"
	WANT_LOG='User kadu from 127\.0\.0\.1 not allowed because listed in DenyUsers'
}

s_file_mode_log()
{
	s_file_mode "$1"
	WANT_LOG='Authentication refused: bad ownership or modes for file /home/kadu/\.ssh/authorized_keys'
}

s_revoked_key_log()
{
	s_revoked_key "$1"
	WANT_LOG='Authentication key ED25519 SHA256:[^ ]+ revoked by file'
}

s_expired_log()
{
	s_account_expired "$1"
	WANT_LOG='Account kadu has expired'
}

s_from_mismatch_log()
{
	s_from_mismatch "$1"
	WANT_LOG='Authentication tried for kadu with correct key but not from a permitted host'
}

s_chroot_perms_log()
{
	s_chroot_perms "$1"
	WANT_LOG='bad ownership or modes for chroot directory'
}

s_locked_log()
{
	s_account_locked "$1"
	WANT_LOG='User kadu not allowed because account is locked'
}

# name function mode...
server()
{
	local name=$1 func=$2 m
	shift 2
	for m in "$@"; do
		eval "${func}_$m() { $func $m; }"
		sc "$m/$name" "${func}_$m"
	done
}

server account.missing s_account_missing local snap
server account.locked s_locked_log local
server account.locked s_account_locked via
server account.shell-missing s_shell_missing via snap
server account.expired s_expired_log local
server account.expired s_account_expired snap
server account.deny-users s_deny_users_log local via
server account.not-allow-users s_not_allow_users via snap
server account.deny-groups s_deny_groups local snap
server account.not-allow-groups s_not_allow_groups via local
server sshd.pubkey-disabled s_pubkey_disabled local via
server sshd.auth-methods s_auth_methods local snap
server sshd.key-algorithm s_key_algorithm via snap
server sshd.rsa-size s_rsa_size local snap
server sshd.revoked-key s_revoked_key_log local via
server akeys.missing s_ak_missing local snap
server akeys.key-not-listed s_key_not_listed via snap
server akeys.bad-options s_bad_options local snap
server akeys.bad-key s_bad_key local via
server akeys.expired s_ak_expired via snap
server akeys.from-mismatch s_from_mismatch_log local
server akeys.from-mismatch s_from_mismatch snap
server perm.file-mode s_file_mode_log local via
server perm.dir-mode-ssh s_dir_mode_ssh local via
server perm.dir-mode-home s_dir_mode_home snap
server perm.file-owner s_file_owner via snap
server perm.dir-owner-ssh s_dir_owner_ssh local
server perm.dir-owner-home s_dir_owner_home via snap
server sshd.root-login s_root_login local via
server account.nologin s_nologin local snap
server sshd.force-command s_force_command via local
server sshd.chroot-perms s_chroot_perms_log via
server sshd.chroot-perms s_chroot_perms snap

# ---------------------------------------------------------------------------
# The same breaks seen from the client alone: what ssh itself can tell.

v_refused()	# v_refused FUNC: the key is refused
{
	"$1" client
	EXPECT=net.key-refused
}

v_session()	# v_session FUNC: logged in, the session fails
{
	"$1" client
	EXPECT=net.session-failed
}

v_no_publickey()
{
	EXPECT=net.no-publickey
	SC=("PubkeyAuthentication no" "PasswordAuthentication yes")
	REPAIR='SC=()'
}

for f in s_deny_users s_file_mode s_key_not_listed s_from_mismatch s_account_locked s_dir_owner_home; do
	eval "v_refused_$f() { v_refused $f; }"
	n=${f#s_}
	sc "client/net.key-refused-${n//_/-}" "v_refused_$f"
done
for f in s_nologin s_force_command s_chroot_perms; do
	eval "v_session_$f() { v_session $f; }"
	n=${f#s_}
	sc "client/net.session-failed-${n//_/-}" "v_session_$f"
done
unset f n
sc "client/net.no-publickey" v_no_publickey

# ---------------------------------------------------------------------------
# Two broken links: EXPECT is the one ssh/sshd meets first, REPAIR mends
# only that one, NEXT is what then still stops the login.

t_deny_users_file_mode()
{
	s_deny_users local
	chmod 0666 "$AK"
	NEXT=perm.file-mode
}

t_unknown_ak_missing()
{
	h_unknown
	rm "$AK"
	NEXT=net.key-refused
}

# sshd refuses the directory before it reads the expired line.
t_dir_mode_expired()
{
	s_dir_mode_ssh snap
	ak "expiry-time=\"20200101\" $(pub id_ed)"
	NEXT=akeys.expired
}

t_pubkey_disabled_not_listed()
{
	MODE=local
	c_pubkey_disabled
	ak "$(pub id_other)"
	NEXT=akeys.key-not-listed
}

t_locked_file_owner()
{
	s_account_locked via
	chown kadc "$AK"
	chmod 0644 "$AK"
	NEXT=perm.file-owner
}

t_refused_changed()
{
	n_refused
	dg_known_hosts "$S/hk_other.pub"
	NEXT=hostkey.changed
}

# The algorithm is refused before sshd looks for the file.
t_key_algorithm_missing()
{
	s_key_algorithm via
	rm "$AK"
	NEXT=akeys.missing
}

sc "two/local/deny-users+file-mode" t_deny_users_file_mode
sc "two/client/hostkey.unknown+akeys.missing" t_unknown_ak_missing
sc "two/snap/dir-mode+akeys.expired" t_dir_mode_expired
sc "two/local/client.pubkey-disabled+key-not-listed" t_pubkey_disabled_not_listed
sc "two/via/account.locked+file-owner" t_locked_file_owner
sc "two/client/net.refused+hostkey.changed" t_refused_changed
sc "two/via/key-algorithm+akeys.missing" t_key_algorithm_missing

dg_main "$@"
