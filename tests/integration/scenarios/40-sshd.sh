# 40-sshd.sh - server configuration: methods, algorithms, key sizes, revoked
# keys, Match blocks, Include and first-value-wins, a config sshd rejects.

s_pubkey_off()
{
	it_std
	it_cfg "PubkeyAuthentication no"
	it_expect refused sshd.pubkey-disabled
}
scenario "PubkeyAuthentication no" s_pubkey_off

s_pubkey_off_match()
{
	it_std
	it_match "Match User $U" "	PubkeyAuthentication no"
	it_expect refused sshd.pubkey-disabled
}
scenario "PubkeyAuthentication no inside Match User" s_pubkey_off_match

s_pubkey_off_match_other()
{
	it_std
	it_match "Match User ka${IT_RAND}-nobody" "	PubkeyAuthentication no"
	it_expect accepted '!sshd.pubkey-disabled'
}
scenario "PubkeyAuthentication no inside Match User for someone else" \
    s_pubkey_off_match_other

s_first_value_wins()
{
	it_std
	it_cfg "PubkeyAuthentication no" "PubkeyAuthentication yes"
	it_expect refused sshd.pubkey-disabled
}
scenario "first value wins: PubkeyAuthentication no, then yes" \
    s_first_value_wins

s_include_dropin()
{
	local d=$SCDIR/sshd_config.d
	it_std
	install -d -m 0755 "$d"
	echo "PubkeyAuthentication no" > "$d/50-off.conf"
	echo "PubkeyAuthentication yes" > "$d/10-readme.txt"
	it_cfg "Include $d/*.conf" "PubkeyAuthentication yes"
	it_expect refused sshd.pubkey-disabled
}
scenario "Include drop-in disables pubkey before the main file's yes" \
    s_include_dropin

s_auth_methods()
{
	it_std
	it_cfg "AuthenticationMethods publickey,password"
	it_expect refused sshd.auth-methods
}
scenario "AuthenticationMethods publickey,password" s_auth_methods

s_auth_methods_alt()
{
	it_std
	it_cfg "AuthenticationMethods publickey,password publickey"
	it_expect accepted '!sshd.auth-methods'
}
scenario "AuthenticationMethods with a publickey-only alternative" \
    s_auth_methods_alt

s_algorithms()
{
	it_std
	it_cfg "PubkeyAcceptedAlgorithms rsa-sha2-512,rsa-sha2-256"
	it_expect refused sshd.key-algorithm
}
scenario "PubkeyAcceptedAlgorithms without ed25519" s_algorithms

s_algorithms_minus()
{
	it_std
	it_cfg "PubkeyAcceptedAlgorithms -ssh-ed25519*"
	it_expect refused sshd.key-algorithm
}
scenario "PubkeyAcceptedAlgorithms -ssh-ed25519* (removal syntax)" \
    s_algorithms_minus

s_rsa_required_size()
{
	it_std rsa 1024
	it_cfg "RequiredRSASize 2048"
	it_expect refused sshd.rsa-size
}
scenario "RSA 1024 key, RequiredRSASize 2048" s_rsa_required_size

s_revoked()
{
	local k2
	it_std
	it_key k2
	{ cat "$k2.pub"; echo "$PUB"; } > "$SCDIR/revoked_keys"
	chmod 0644 "$SCDIR/revoked_keys"
	it_cfg "RevokedKeys $SCDIR/revoked_keys"
	it_expect refused sshd.revoked-key
}
scenario "RevokedKeys file lists the key" s_revoked

s_revoked_other()
{
	local k2
	it_std
	it_key k2
	install -m 0644 "$k2.pub" "$SCDIR/revoked_keys"
	it_cfg "RevokedKeys $SCDIR/revoked_keys"
	it_expect accepted '!sshd.revoked-key'
}
scenario "RevokedKeys file lists another key" s_revoked_other

s_revoked_krl()
{
	it_std
	ssh-keygen -q -k -f "$SCDIR/revoked.krl" "$KEY.pub"
	it_cfg "RevokedKeys $SCDIR/revoked.krl"
	it_expect refused sshd.revoked-key
}
scenario "RevokedKeys is a binary KRL revoking the key" s_revoked_krl

s_revoked_krl_sha256()
{
	it_std
	printf 'hash: %s\n' "$(ssh-keygen -lf "$KEY.pub" | awk '{print $2}')" > "$SCDIR/spec"
	ssh-keygen -q -k -f "$SCDIR/revoked.krl" "$SCDIR/spec"
	it_cfg "RevokedKeys $SCDIR/revoked.krl"
	it_expect refused sshd.revoked-key
}
scenario "RevokedKeys is a KRL revoking the key's SHA256 fingerprint" s_revoked_krl_sha256

s_revoked_krl_other()
{
	local k2
	it_std
	it_key k2
	ssh-keygen -q -k -f "$SCDIR/revoked.krl" "$k2.pub"
	it_cfg "RevokedKeys $SCDIR/revoked.krl"
	it_expect accepted '!sshd.revoked-key' '!cert.krl-invalid'
}
scenario "RevokedKeys is a KRL revoking another key" s_revoked_krl_other

s_strictmodes_match_invalid()
{
	it_std
	it_match "Match User $U" "	StrictModes no"
	it_config_invalid
	it_expect refused sshd.syntax
}
scenario "StrictModes inside Match (sshd rejects the config)" \
    s_strictmodes_match_invalid

s_unknown_keyword()
{
	it_std
	it_cfg "PubkeyAuthenticaton yes"
	it_config_invalid
	it_expect refused sshd.syntax
}
scenario "misspelt keyword (sshd rejects the config)" s_unknown_keyword
