# 20-akeys.sh - AuthorizedKeysFile locations and authorized_keys content:
# options that kill a line, expiry-time, from=, principals=, bad key lines.

s_akf_absolute()
{
	local d=$SCDIR/keys
	it_std
	install -d -m 0755 "$d"
	install -m 0644 "$KEY.pub" "$d/$U"
	rm -f "$AK"
	it_cfg "AuthorizedKeysFile $d/%u"
	it_expect accepted '!akeys.missing'
}
scenario "AuthorizedKeysFile /abs/keys/%u, root-owned dir 0755" s_akf_absolute

s_akf_absolute_0777()
{
	local d=$SCDIR/keys
	it_std
	install -d -m 0777 "$d"
	install -m 0644 "$KEY.pub" "$d/$U"
	rm -f "$AK"
	it_cfg "AuthorizedKeysFile $d/%u"
	it_expect refused perm.dir-mode
}
scenario "AuthorizedKeysFile /abs/keys/%u, dir 0777" s_akf_absolute_0777

s_akf_home_token()
{
	it_std
	mv "$AK" "$SSHD_DIR/other_keys"
	it_cfg "AuthorizedKeysFile %h/.ssh/other_keys"
	it_expect accepted '!akeys.missing'
}
scenario "AuthorizedKeysFile %h/.ssh/other_keys" s_akf_home_token

s_akf_other_name()
{
	it_std
	it_cfg "AuthorizedKeysFile .ssh/other_keys"
	it_expect refused akeys.missing
}
scenario "AuthorizedKeysFile .ssh/other_keys, key only in authorized_keys" \
    s_akf_other_name

s_akf_uid_token()
{
	local d=$SCDIR/keys uid
	it_std
	uid=$(id -u "$U")
	install -d -m 0755 "$d"
	install -m 0644 "$KEY.pub" "$d/$uid"
	rm -f "$AK"
	it_cfg "AuthorizedKeysFile $d/%U"
	it_expect accepted '!akeys.missing'
}
scenario "AuthorizedKeysFile /abs/keys/%U (uid)" s_akf_uid_token

s_akf_none()
{
	it_std
	it_cfg "AuthorizedKeysFile none"
	it_expect refused sshd.no-keys-file
}
scenario "AuthorizedKeysFile none" s_akf_none

s_akf_keys2()
{
	it_std
	mv "$AK" "$SSHD_DIR/authorized_keys2"
	it_expect accepted '!akeys.missing'
}
scenario "key only in .ssh/authorized_keys2 (compiled default list)" s_akf_keys2

s_two_files_first_bad()
{
	local k2
	it_std
	it_key k2
	install -m 0666 -o "$U" -g "$U" "$k2.pub" "$SSHD_DIR/bad_keys"
	it_cfg "AuthorizedKeysFile .ssh/bad_keys .ssh/authorized_keys"
	it_expect accepted perm.file-mode
}
scenario "two files: first 0666 (other key), key in the second" \
    s_two_files_first_bad

s_two_files_same_key()
{
	it_std
	install -m 0666 -o "$U" -g "$U" "$KEY.pub" "$SSHD_DIR/bad_keys"
	it_cfg "AuthorizedKeysFile .ssh/bad_keys .ssh/authorized_keys"
	it_expect accepted perm.file-mode
}
scenario "two files: same key in a 0666 first file and a good second" \
    s_two_files_same_key

s_opt_unknown()
{
	it_std
	it_write "$AK" "no-such-option $PUB"
	it_expect refused akeys.bad-options
}
scenario "option: unknown option kills the line" s_opt_unknown

s_opt_unclosed_quote()
{
	it_std
	it_write "$AK" "command=\"true $PUB"
	it_expect refused akeys.bad-options
}
scenario "option: unclosed quote kills the line" s_opt_unclosed_quote

s_opt_bad_expiry()
{
	it_std
	it_write "$AK" "expiry-time=\"2020\" $PUB"
	it_expect refused akeys.bad-options
}
scenario "option: malformed expiry-time kills the line" s_opt_bad_expiry

s_opt_duplicate_command()
{
	it_std
	it_write "$AK" "command=\"true\",command=\"true\" $PUB"
	it_expect refused akeys.bad-options
}
scenario "option: command= given twice kills the line" s_opt_duplicate_command

s_opt_valid()
{
	local o='no-pty,command="true",no-port-forwarding,NO-X11-FORWARDING'
	it_std
	it_write "$AK" "$o,environment=\"A=b\" $PUB"
	it_expect accepted '!akeys.bad-options'
}
scenario "options: no-pty,command=\"true\",... (valid, authenticates)" \
    s_opt_valid

s_opt_other_line_bad()
{
	local k2
	it_std
	it_key k2
	it_write "$AK" "no-such-option $(cat "$k2.pub")" "$PUB"
	it_expect accepted akeys.bad-options
}
scenario "another key's line has a bad option, ours is fine" \
    s_opt_other_line_bad

s_opt_restrict()
{
	it_std
	it_write "$AK" "restrict,pty,permitopen=\"localhost:80\" $PUB"
	it_expect accepted '!akeys.bad-options'
}
scenario "options: restrict,pty,permitopen (valid)" s_opt_restrict

s_expired()
{
	it_std
	it_write "$AK" "expiry-time=\"20200101\" $PUB"
	it_expect refused akeys.expired
}
scenario "expiry-time in the past" s_expired

s_not_expired()
{
	it_std
	it_write "$AK" "expiry-time=\"209912312359\" $PUB"
	it_expect accepted '!akeys.expired' '!akeys.bad-options'
}
scenario "expiry-time in the future" s_not_expired

s_from_mismatch()
{
	it_std
	it_write "$AK" "from=\"10.0.0.1\" $PUB"
	it_ka_args --from 127.0.0.1
	it_expect refused akeys.from-mismatch
}
scenario "from=\"10.0.0.1\", client 127.0.0.1" s_from_mismatch

s_from_match()
{
	it_std
	it_write "$AK" "from=\"10.0.0.0/8,127.0.0.0/8\" $PUB"
	it_ka_args --from 127.0.0.1
	it_expect accepted '!akeys.from-mismatch'
}
scenario "from=\"10.0.0.0/8,127.0.0.0/8\", client 127.0.0.1" s_from_match

s_from_negated()
{
	it_std
	it_write "$AK" "from=\"*,!127.0.0.1\" $PUB"
	it_ka_args --from 127.0.0.1
	it_expect refused akeys.from-mismatch
}
scenario "from=\"*,!127.0.0.1\" (negation vetoes)" s_from_negated

s_principals_no_ca()
{
	it_std
	it_write "$AK" "principals=\"$U\" $PUB"
	it_expect refused akeys.principals-without-ca
}
scenario "principals= without cert-authority" s_principals_no_ca

s_bad_base64()
{
	local b64
	it_std
	b64=$(echo "$PUB" | cut -d' ' -f2)
	# Keep the type word, break the blob: sshd skips the line.
	it_write "$AK" "ssh-ed25519 ${b64%????????}@@@@@@@@ broken"
	it_expect refused akeys.bad-key
}
scenario "key line with corrupt base64" s_bad_base64

s_type_mismatch()
{
	it_std
	it_write "$AK" "ssh-rsa $(echo "$PUB" | cut -d' ' -f2) wrong-type-word"
	it_expect refused akeys.bad-key
}
scenario "key line whose type word does not match the blob" s_type_mismatch

s_messy_file()
{
	local k2
	it_std
	it_key k2
	# Comments, blank lines, leading blanks, CRLF, a broken line and an
	# unrelated key before the good one: none of them stops sshd.
	printf '# keys\n\n   \n%s\r\nssh-ed25519 AAAA broken\n   %s\r\n' \
	    "$(cat "$k2.pub")" "$PUB" > "$AK"
	it_expect accepted
}
scenario "comments, blanks, CRLF, a broken line, then the key" s_messy_file

s_private_key_pasted()
{
	local k2
	it_std
	it_key k2
	{ cat "$k2"; echo "$PUB"; } > "$AK"
	it_expect accepted akeys.private-key
}
scenario "private key pasted above the good key" s_private_key_pasted

s_rsa_1024()
{
	it_std rsa 1024
	it_expect accepted akeys.rsa-weak '!sshd.rsa-size'
}
scenario "RSA 1024 key, RequiredRSASize default" s_rsa_1024

s_rsa_2048()
{
	it_std rsa 2048
	it_expect accepted akeys.rsa-short '!akeys.rsa-weak'
}
scenario "RSA 2048 key" s_rsa_2048

s_dsa()
{
	it_std dsa
	# Let the client offer it, so that the refusal is sshd's.
	it_ssh_args -o PubkeyAcceptedAlgorithms=+ssh-dss
	it_expect refused akeys.dsa sshd.key-algorithm
}
scenario "DSA key (not in sshd's default algorithms)" s_dsa

s_ecdsa()
{
	it_std ecdsa 384
	it_expect accepted '!sshd.key-algorithm'
}
scenario "ECDSA P-384 key" s_ecdsa
