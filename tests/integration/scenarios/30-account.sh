# 30-account.sh - the account phase: locked accounts (with and without PAM),
# login shells, and the Allow/Deny user and group lists.

s_locked_nopam()
{
	it_std
	usermod -L "$U"
	it_expect refused account.locked
}
scenario "locked account (usermod -L), UsePAM no" s_locked_nopam

s_fresh_useradd_nopam()
{
	it_std
	# useradd's default password field is "!": sshd calls that locked.
	usermod -p '!' "$U"
	it_expect refused account.locked
}
scenario "password field \"!\" (useradd default), UsePAM no" \
    s_fresh_useradd_nopam

s_locked_pam()
{
	it_std
	usermod -L "$U"
	it_cfg "UsePAM yes"
	it_expect accepted
}
scenario "locked account, UsePAM yes (PAM account phase allows it)" s_locked_pam

s_expired_account()
{
	it_std
	usermod -e 2020-01-01 "$U"
	it_cfg "UsePAM yes"
	it_expect refused account.expired
}
scenario "account expired (shadow expire date), UsePAM yes" s_expired_account

s_expired_account_nopam()
{
	it_std
	usermod -e 2020-01-01 "$U"
	it_expect refused account.expired
}
scenario "account expired (shadow expire date), UsePAM no" \
    s_expired_account_nopam

s_nologin()
{
	it_std
	usermod -s /usr/sbin/nologin "$U"
	it_expect accepted account.nologin
}
scenario "nologin shell (key accepted, session refused)" s_nologin

s_shell_missing()
{
	it_std
	usermod -s /bin/doesnotexist "$U"
	it_expect refused account.shell-missing
}
scenario "login shell does not exist" s_shell_missing

s_shell_not_exec()
{
	local sh=$SCDIR/notexec-shell
	it_std
	printf '#!/bin/sh\nexit 0\n' > "$sh"
	chmod 0644 "$sh"
	usermod -s "$sh" "$U"
	it_expect refused account.shell-not-executable
}
scenario "login shell not executable" s_shell_not_exec

s_deny_users()
{
	it_std
	it_cfg "DenyUsers $U"
	it_expect refused account.deny-users
}
scenario "DenyUsers lists the user" s_deny_users

s_deny_users_pattern()
{
	it_std
	it_cfg "DenyUsers nobody* ka${IT_RAND}-*@10.0.0.0/8"
	it_ka_args --from 127.0.0.1
	it_expect accepted '!account.deny-users'
}
scenario "DenyUsers pattern with a host part that does not match" \
    s_deny_users_pattern

s_allow_users_other()
{
	it_std
	it_cfg "AllowUsers ka${IT_RAND}-nobody"
	it_expect refused account.not-allow-users
}
scenario "AllowUsers lists only someone else" s_allow_users_other

s_allow_users_glob()
{
	it_std
	it_cfg "AllowUsers ka${IT_RAND}-*"
	it_expect accepted '!account.not-allow-users'
}
scenario "AllowUsers glob matching the user" s_allow_users_glob

s_allow_groups_supp()
{
	local grp
	it_std
	it_group grp "$U"
	it_cfg "AllowGroups $grp"
	it_expect accepted '!account.not-allow-groups'
}
scenario "AllowGroups with a supplementary group of the user" \
    s_allow_groups_supp

s_allow_groups_other()
{
	local grp
	it_std
	it_group grp
	it_cfg "AllowGroups $grp"
	it_expect refused account.not-allow-groups
}
scenario "AllowGroups with a group the user is not in" s_allow_groups_other

s_deny_groups_primary()
{
	it_std
	it_cfg "DenyGroups $U"
	it_expect refused account.deny-groups
}
scenario "DenyGroups with the user's primary group" s_deny_groups_primary

s_deny_groups_supp()
{
	local grp
	it_std
	it_group grp "$U"
	it_cfg "DenyGroups $grp"
	it_expect refused account.deny-groups
}
scenario "DenyGroups with a supplementary group" s_deny_groups_supp

s_match_user_deny()
{
	it_std
	it_match "Match User $U" "	DenyUsers $U"
	it_expect refused account.deny-users
}
scenario "DenyUsers inside Match User" s_match_user_deny
