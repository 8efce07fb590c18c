/* check.h - the check interface. A check family is one `const struct
 * ka_check` in its own file under checks/, listed once in registry.c (the way
 * tmux lists cmd_entry structs). It reads the host context and adds findings;
 * it never does I/O. */
#ifndef KA_CHECK_H
#define KA_CHECK_H

#include <stddef.h>

#include "scanner/context.h"
#include "scanner/finding.h"

struct ka_check {
	const char *family;		/* id prefix: "perm" */
	const struct ka_rule *const *rules;	/* every rule this family can emit */
	size_t nrules;
	void (*run)(struct ka_ctx *ctx);
};

/* NULL-terminated, in the order families run and are listed. */
extern const struct ka_check *const ka_checks[];

/* The rule with this exact id, or NULL. */
const struct ka_rule *check_rule(const char *id);

/* Is a rule selected by a --checks list ("perm,akeys.rsa-weak")? NULL list: all. */
int check_selected(const struct ka_rule *r, const struct strlist *only);


/* Every rule, by handle, family by family (the C name is the id with
 * "." and "-" as "_"). */
/* checks/account.c */
extern const struct ka_rule rule_account_missing,
    rule_account_locked,
    rule_account_expired,
    rule_account_shell_missing,
    rule_account_shell_not_executable,
    rule_account_nologin,
    rule_account_home_missing,
    rule_account_deny_users,
    rule_account_not_allow_users,
    rule_account_deny_groups,
    rule_account_not_allow_groups;

/* checks/akeys.c */
extern const struct ka_rule rule_akeys_missing,
    rule_akeys_no_usable_key,
    rule_akeys_bad_options,
    rule_akeys_bad_key,
    rule_akeys_expired,
    rule_akeys_principals_without_ca,
    rule_akeys_from_mismatch,
    rule_akeys_dsa,
    rule_akeys_rsa_weak,
    rule_akeys_rsa_short,
    rule_akeys_duplicate,
    rule_akeys_private_key,
    rule_akeys_control_chars,
    rule_akeys_key_not_listed,
    rule_akeys_truncated,
    rule_akeys_cert_authority_key;

/* checks/cert.c */
extern const struct ka_rule rule_cert_signature_invalid,
    rule_cert_algorithm,
    rule_cert_ca_signature_algorithm,
    rule_cert_revoked,
    rule_cert_ca_untrusted,
    rule_cert_principal,
    rule_cert_host_cert,
    rule_cert_not_yet_valid,
    rule_cert_expired,
    rule_cert_critical_option,
    rule_cert_source_address,
    rule_cert_force_command;

/* checks/certca.c */
extern const struct ka_rule rule_cert_ca_file_missing,
    rule_cert_ca_file_writable,
    rule_cert_principals_file_missing,
    rule_cert_ca_weak,
    rule_cert_ca_trusted_twice,
    rule_cert_ca_unrestricted,
    rule_cert_krl_invalid,
    rule_cert_trust_map,
    rule_cert_ca_retired,
    rule_cert_krl_stale;

/* checks/client.c */
extern const struct ka_rule rule_client_key_mode,
    rule_client_no_passphrase,
    rule_client_pub_mismatch,
    rule_client_config_perms,
    rule_client_key_unreadable;

/* checks/clientauth.c */
extern const struct ka_rule rule_client_pubkey_disabled,
    rule_client_preferred_auth,
    rule_client_no_identity,
    rule_client_passphrase,
    rule_client_algorithm,
    rule_client_rsa_size,
    rule_client_too_many_keys,
    rule_client_identities_only;

/* checks/hostcert.c */
extern const struct ka_rule rule_cert_host_cert_no_key,
    rule_cert_host_cert_invalid,
    rule_cert_host_cert_expired,
    rule_cert_host_cert_not_yet_valid,
    rule_cert_host_cert_principals,
    rule_cert_host_cert_signature_algorithm;

/* checks/hostkey.c */
extern const struct ka_rule rule_hostkey_unknown,
    rule_hostkey_changed,
    rule_hostkey_revoked,
    rule_hostkey_shared,
    rule_hostkey_new_type,
    rule_hostkey_gone,
    rule_hostkey_conflict,
    rule_hostkey_unmatchable,
    rule_hostkey_weak,
    rule_hostkey_orphan,
    rule_hostkey_bad_line,
    rule_hostkey_cert_untrusted;

/* checks/selinux.c */
extern const struct ka_rule rule_perm_selinux_label;

/* checks/keyscmd.c */
extern const struct ka_rule rule_sshd_keys_command,
    rule_sshd_keys_command_failed;

/* checks/keys.c */
extern const struct ka_rule rule_keys_unused,
    rule_keys_no_usage_data,
    rule_keys_old,
    rule_keys_no_expiry,
    rule_keys_orphaned,
    rule_keys_shared,
    rule_keys_unregistered,
    rule_keys_private_key_no_passphrase,
    rule_keys_root_unrestricted;

/* checks/net.c */
extern const struct ka_rule rule_net_resolve,
    rule_net_refused,
    rule_net_timeout,
    rule_net_no_banner,
    rule_net_not_ssh,
    rule_net_ssh1,
    rule_net_throttled,
    rule_net_kex_failed,
    rule_net_no_publickey,
    rule_net_password_offered,
    rule_net_auth_failed,
    rule_net_collect_failed,
    rule_net_sudo_denied,
    rule_net_key_refused,
    rule_net_session_failed,
    rule_net_error,
    rule_net_budget;

/* checks/pam.c */
extern const struct ka_rule rule_pam_nologin,
    rule_pam_password_expired,
    rule_pam_access,
    rule_pam_time,
    rule_pam_faillock,
    rule_pam_stack_unreadable;

/* checks/perm.c */
extern const struct ka_rule rule_perm_file_mode,
    rule_perm_file_owner,
    rule_perm_dir_mode,
    rule_perm_dir_owner,
    rule_perm_not_regular,
    rule_perm_unreadable,
    rule_perm_broken_path,
    rule_perm_group_writable_upg;

/* checks/policy.c */
extern const struct ka_rule rule_policy_expect,
    rule_policy_forbid,
    rule_policy_require;

/* checks/sshclient.c */
extern const struct ka_rule rule_client_password_auth,
    rule_client_strict_host_key_checking,
    rule_client_forward_agent;

/* checks/sshd.c */
extern const struct ka_rule rule_sshd_syntax,
    rule_sshd_pubkey_disabled,
    rule_sshd_no_keys_file,
    rule_sshd_strictmodes_off,
    rule_sshd_root_login,
    rule_sshd_auth_methods,
    rule_sshd_key_algorithm,
    rule_sshd_rsa_size,
    rule_sshd_force_command,
    rule_sshd_chroot_perms,
    rule_sshd_revoked_key,
    rule_sshd_password_auth,
    rule_sshd_kbdint_auth,
    rule_sshd_config_unreadable;

/* checks/distro.c */
extern const struct ka_rule rule_sshd_socket_overrides,
    rule_sshd_dropin_overrides;
/* checks/sshd_t.c */
extern const struct ka_rule rule_sshd_engine_disagrees,
    rule_sshd_version_mismatch;

/* checks/sshdpolicy.c */
extern const struct ka_rule rule_sshd_permit_empty_passwords,
    rule_sshd_permit_root_login,
    rule_sshd_hostbased_auth,
    rule_sshd_ignore_rhosts,
    rule_sshd_permit_user_environment,
    rule_sshd_max_auth_tries,
    rule_sshd_log_level,
    rule_sshd_weak_pubkey_algorithms,
    rule_sshd_required_rsa_size,
    rule_sshd_no_allow_list,
    rule_sshd_agent_forwarding,
    rule_sshd_tcp_forwarding,
    rule_sshd_x11_forwarding,
    rule_sshd_match_password,
    rule_sshd_removed_keyword,
    rule_sshd_deprecated_keyword,
    rule_sshd_authkeys_file_duplicate,
    rule_sshd_authorized_keys2;

/* checks/sshfiles.c */
extern const struct ka_rule rule_files_config_owner,
    rule_files_config_mode,
    rule_files_config_dir,
    rule_files_hostkey_perms;

/* checks/preflight.c: emitted by preflight's comparison of two runs
 * (scanner/preflight.c), never by a host's checks, so in no family. */
extern const struct ka_rule rule_preflight_password_opened,
    rule_preflight_kbdint_opened;
extern const struct ka_rule *const preflight_rules[];	/* NULL-terminated */

/* diagnose's chain: the order in which ssh and sshd decide, stage by stage
 * (ka_rule.chain; the cause of a failed login is the blocking finding of
 * lowest rank). Rules of one stage are ranked by their place in it. */
enum {
	CHAIN_CLIENT_CONFIG = 100,	/* ssh reads its config */
	CHAIN_NETWORK = 200,		/* name, TCP, banner, key exchange */
	CHAIN_HOSTKEY = 300,		/* known_hosts */
	CHAIN_OFFER = 400,		/* what ssh would offer */
	CHAIN_ACCOUNT = 500,		/* sshd: the account, Allow/Deny */
	CHAIN_METHODS = 600,		/* publickey allowed at all */
	CHAIN_CLIENT_KEYS = 700,	/* ssh can read and offer the key */
	CHAIN_KEY = 800,		/* algorithm, size, revocation */
	CHAIN_FILES = 900,		/* AuthorizedKeysFile, StrictModes */
	CHAIN_LINES = 1000,		/* the line holding the key */
	CHAIN_SIGNING = 1100,		/* ssh can sign */
	CHAIN_ROOT = 1200,		/* PermitRootLogin, partial success */
	CHAIN_SESSION = 1300,		/* after "Accepted" */
};

extern const struct ka_check check_perm;
extern const struct ka_check check_akeys;
extern const struct ka_check check_keyscmd;
extern const struct ka_check check_selinux;
extern const struct ka_check check_sshd;
extern const struct ka_check check_sshd_t;
extern const struct ka_check check_distro;
extern const struct ka_check check_account;
extern const struct ka_check check_pam;
extern const struct ka_check check_client;
extern const struct ka_check check_sshdpolicy;
extern const struct ka_check check_policy;
extern const struct ka_check check_sshfiles;
extern const struct ka_check check_sshclient;
extern const struct ka_check check_net;
extern const struct ka_check check_hostkey;
extern const struct ka_check check_keys;
extern const struct ka_check check_clientauth;
extern const struct ka_check check_cert;
extern const struct ka_check check_certca;
extern const struct ka_check check_hostcert;

/* checks/hostkey.c: the known_hosts files of known-hosts themselves: lines
 * ssh skips or can never select, weak trusted keys, and (names: every name
 * the inventory's hosts are looked up by; NULL: not asked) entries for
 * hosts outside the inventory. out is initialised by the caller. */
struct kh_db;
void hostkey_db_check(const struct kh_db *db, const struct strlist *names,
    const struct ka_options *o, struct ka_host_result *out);

/* checks/sshdpolicy.c, shared with checks/policy.c: does a built-in check
 * apply the policy's `expect` for this keyword; the keyword as the manual
 * spells it; and the fix sentence for a config line (which file, which
 * line, the reload command). */
int sshdpolicy_covers(const char *keyword);
const char *sshdpolicy_spelled(const char *keyword);
char *sshdpolicy_fix(const struct ka_ctx *ctx, const struct sshd_eff *e,
    const char *keyword, const char *cfgline);
/* An algorithm list directive ("PubkeyAcceptedAlgorithms LIST") that
 * takes away the names in drop and adds those in add (NULL-terminated
 * lists). Where a line sets the list (v->file), the fix replaces that
 * line, so the list is written out: the value that wins now, as sshd -T
 * gives it, less and plus those names (a relative +/-/^ form there would
 * be relative to OpenSSH's default, not to the admin's list: "+x" in
 * place of a narrow list widens it back to the default). Where nothing
 * sets it, the relative form is exact. Caller frees. */
char *sshdpolicy_alg_line(const char *spelled, const struct sshd_value *v,
    const char *const *drop, const char *const *add);

#endif
