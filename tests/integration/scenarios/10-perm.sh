# 10-perm.sh - StrictModes scenarios: modes and owners of the home directory,
# ~/.ssh and authorized_keys, symlinks, and where sshd's directory walk stops.
# Debian's sshd accepts group-writable paths whose group holds only the owner.

s_baseline()
{
	it_std
	it_expect accepted '!perm.dir-mode' '!perm.file-mode' '!akeys.missing'
}
scenario "baseline: home 0755, .ssh 0700, authorized_keys 0600" s_baseline

s_home_0777()
{
	it_std
	chmod 0777 "$H"
	it_expect refused perm.dir-mode
}
scenario "home 0777" s_home_0777

s_home_1777()
{
	it_std
	chmod 1777 "$H"
	it_expect refused perm.dir-mode
}
scenario "home 1777 (sticky bit does not help)" s_home_1777

s_home_0775_upg()
{
	it_std
	chmod 0775 "$H"
	it_expect accepted perm.group-writable-upg '!perm.dir-mode'
}
scenario "home 0775, user-private group (Debian accepts)" s_home_0775_upg

s_home_0775_shared()
{
	local other grp
	it_std
	it_user other
	it_group grp "$U" "$other"
	chgrp "$grp" "$H"
	chmod 0775 "$H"
	it_expect refused perm.dir-mode
}
scenario "home 0775, group with another member" s_home_0775_shared

s_home_0775_other_primary()
{
	local other grp
	it_std
	it_group grp
	it_user other
	usermod -g "$grp" "$other"
	chgrp "$grp" "$H"
	chmod 0775 "$H"
	it_expect refused perm.dir-mode
}
scenario "home 0775, group is another user's primary group" \
    s_home_0775_other_primary

s_ssh_0777()
{
	it_std
	chmod 0777 "$SSHD_DIR"
	it_expect refused perm.dir-mode
}
scenario ".ssh 0777" s_ssh_0777

s_ssh_0775_upg()
{
	it_std
	chmod 0775 "$SSHD_DIR"
	it_expect accepted perm.group-writable-upg '!perm.dir-mode'
}
scenario ".ssh 0775, user-private group (Debian accepts)" s_ssh_0775_upg

s_ak_0666()
{
	it_std
	chmod 0666 "$AK"
	it_expect refused perm.file-mode
}
scenario "authorized_keys 0666" s_ak_0666

s_ak_0664_upg()
{
	it_std
	chmod 0664 "$AK"
	it_expect accepted perm.group-writable-upg '!perm.file-mode'
}
scenario "authorized_keys 0664, user-private group (Debian accepts)" \
    s_ak_0664_upg

s_ak_0644()
{
	it_std
	chmod 0644 "$AK"
	it_expect accepted '!perm.file-mode'
}
scenario "authorized_keys 0644 (read bits do not matter)" s_ak_0644

s_ak_foreign_owner()
{
	local other
	it_std
	it_user other
	chown "$other" "$AK"
	chmod 0644 "$AK"
	it_expect refused perm.file-owner
}
scenario "authorized_keys owned by another user" s_ak_foreign_owner

s_ak_root_owned()
{
	it_std
	chown root:root "$AK"
	chmod 0644 "$AK"
	it_expect accepted '!perm.file-owner'
}
scenario "authorized_keys owned by root, 0644" s_ak_root_owned

s_ssh_foreign_owner()
{
	local other
	it_std
	it_user other
	chown "$other" "$SSHD_DIR"
	chmod 0755 "$SSHD_DIR"
	chmod 0644 "$AK"
	it_expect refused perm.dir-owner
}
scenario ".ssh owned by another user (0755, file readable)" s_ssh_foreign_owner

s_home_root_owned()
{
	it_std
	chown root:root "$H"
	chmod 0755 "$H"
	it_expect accepted '!perm.dir-owner'
}
scenario "home owned by root, 0755" s_home_root_owned

s_symlink_bad_dir()
{
	local d=$SCDIR/outside
	it_std
	install -d -m 0777 "$d"
	install -m 0600 -o "$U" -g "$U" "$KEY.pub" "$d/keys"
	rm -f "$AK"
	ln -s "$d/keys" "$AK"
	it_expect refused perm.dir-mode
}
scenario "authorized_keys symlink into a 0777 dir outside home" \
    s_symlink_bad_dir

s_symlink_good()
{
	local d=$SCDIR/outside
	it_std
	install -d -m 0755 "$d"
	install -m 0600 -o "$U" -g "$U" "$KEY.pub" "$d/keys"
	rm -f "$AK"
	ln -s "$d/keys" "$AK"
	it_expect accepted '!perm.dir-mode' '!perm.not-regular'
}
scenario "authorized_keys symlink to a good file outside home" s_symlink_good

s_symlink_dangling()
{
	it_std
	rm -f "$AK"
	ln -s "$SCDIR/nowhere/keys" "$AK"
	it_expect refused akeys.missing
}
scenario "authorized_keys dangling symlink" s_symlink_dangling

s_ssh_symlink_bad()
{
	local d=$SCDIR/dotssh
	it_std
	install -d -m 0777 -o "$U" -g "$U" "$d"
	mv "$AK" "$d/authorized_keys"
	rmdir "$SSHD_DIR"
	ln -s "$d" "$SSHD_DIR"
	it_expect refused perm.dir-mode
}
scenario ".ssh is a symlink to a 0777 dir (link itself not checked)" \
    s_ssh_symlink_bad

s_ak_directory()
{
	it_std
	rm -f "$AK"
	install -d -m 0700 -o "$U" -g "$U" "$AK"
	it_expect refused perm.not-regular
}
scenario "authorized_keys is a directory" s_ak_directory

s_ak_fifo()
{
	it_std
	rm -f "$AK"
	mkfifo -m 0600 "$AK"
	chown "$U:$U" "$AK"
	it_expect refused perm.not-regular
}
scenario "authorized_keys is a fifo" s_ak_fifo

s_ak_root_0600()
{
	it_std
	chown root:root "$AK"
	chmod 0600 "$AK"
	it_expect refused perm.unreadable
}
scenario "authorized_keys root-owned 0600 (user cannot read it)" s_ak_root_0600

s_ak_0200()
{
	it_std
	chmod 0200 "$AK"
	it_expect refused perm.unreadable
}
scenario "authorized_keys 0200 (owner cannot read it)" s_ak_0200

s_ssh_0300()
{
	it_std
	chmod 0300 "$SSHD_DIR"
	it_expect accepted '!perm.unreadable'
}
scenario ".ssh 0300 (search without read is enough)" s_ssh_0300

s_ssh_0600()
{
	it_std
	chmod 0600 "$SSHD_DIR"
	it_expect refused perm.unreadable
}
scenario ".ssh 0600 (no search bit: file cannot be opened)" s_ssh_0600

s_ak_missing()
{
	it_std
	rm -f "$AK"
	it_expect refused akeys.missing
}
scenario "authorized_keys missing" s_ak_missing

s_strictmodes_off()
{
	it_std
	chmod 0777 "$SSHD_DIR"
	chmod 0666 "$AK"
	it_cfg "StrictModes no"
	it_expect accepted
}
scenario "StrictModes no: .ssh 0777, authorized_keys 0666" s_strictmodes_off
