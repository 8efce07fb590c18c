/* release.h - what differs between OpenSSH releases, 7.4 to the newest, as
 * data: which sshd_config keywords, authorized_keys options and Match
 * criteria a release knows, the defaults that changed, the forms its sshd
 * prints (-T key case, -G), and its log program names. Each table entry
 * cites the release (and the openssh-portable change) it comes from.
 *
 * A release is one integer, REL(major, minor): REL(8, 4) is 804. 0 means
 * unknown: callers then keep the model release's behaviour (REL_MODEL, the
 * Debian 9.2p1 sshd the engine's keyword table describes). */
#ifndef KA_RELEASE_H
#define KA_RELEASE_H

#define REL(major, minor)	((major) * 100 + (minor))
#define REL_MODEL		REL(9, 2)
#define REL_OLDEST		REL(7, 4)	/* the oldest release modelled */

/* The release in an OpenSSH version string: "OpenSSH_8.4p1 Debian-5+deb11u3"
 * (the binary's), "SSH-2.0-OpenSSH_7.4" (a banner), "OpenSSH_10.0p2, OpenSSL
 * 3.5" (sshd -V). 0 when s names no OpenSSH release. */
int release_parse(const char *s);

/* "8.4", "10.0" into buf (for messages); "unknown" for 0. */
const char *release_str(int rel, char *buf, unsigned len);

/* ------------------------------------------------------------ the tables */

/* What a release's sshd does with an sshd_config keyword. */
enum rel_kw_state {
	RKW_UNKNOWN = 0,	/* fatal "Bad configuration option: X" */
	RKW_OK,			/* parsed and applied */
	RKW_DEPRECATED,		/* "Deprecated option X" logged, line ignored */
	RKW_UNSUPPORTED,	/* "Unsupported option X" logged, line ignored */
	RKW_IGNORE,		/* ignored, logged only at debug2 */
};
/* Where a known keyword may appear (servconf.c SSHCFG_GLOBAL / _ALL). */
#define RKW_GLOBAL	0x01
#define RKW_MATCH	0x02

struct rel_kw_info {
	enum rel_kw_state state;
	unsigned scope;		/* RKW_GLOBAL | RKW_MATCH, when not UNKNOWN */
	int since;		/* first release with this state (7.4: the
				 * oldest modelled, so "at least since") */
	int until;		/* first release without it, 0: still so */
	const char *cite;	/* tag and openssh-portable commit */
};

/* The upstream keyword kw (any case) in release rel. Releases older than
 * REL_OLDEST read as REL_OLDEST, newer than the newest modelled as the
 * newest. rel 0 is not a release: callers keep the model instead. Keywords
 * only distribution patches add (Debian's GSSAPIKeyExchange, DebianBanner,
 * ...) are not upstream's: they read RKW_UNKNOWN here, see
 * release_vendor_keyword(). */
enum rel_kw_state release_sshd_keyword(int rel, const char *kw,
    struct rel_kw_info *info);
/* A keyword that no upstream release knows but Debian's patches add: 1 and
 * its release span in *info, else 0. */
int release_vendor_keyword(int rel, const char *kw, struct rel_kw_info *info);
/* The upstream keyword that first knew kw under another name, renamed in
 * the release returned (PubkeyAcceptedKeyTypes: PubkeyAcceptedAlgorithms,
 * 8.5), with the old name accepted as an alias after. 0 when kw is not an
 * old name; *now (lower-case) and *cite set otherwise. */
int release_renamed(const char *kw, const char **now, const char **cite);

/* authorized_keys options: 1 when release rel's sshd knows option opt (the
 * name as written, "no-" prefix included; case-insensitive like sshd), 0
 * when the line would be refused ("Bad options in ... file"). *since (may
 * be NULL) gets the release that added it (704: at least since 7.4), 0 when
 * no release knows it. */
int release_authkeys_option(int rel, const char *opt, int *since);

/* Match criteria: 1 when release rel's sshd knows criterion c (any case),
 * 0 when it fails "Unsupported Match attribute". *since as above. */
int release_match_criterion(int rel, const char *c, int *since);

/* sshd -G (print the configuration without needing host keys or root):
 * 9.3 on. */
int release_has_sshd_G(int rel);
/* sshd -V: 9.2 on (older ones print their version only in usage). */
int release_has_sshd_V(int rel);
/* How sshd -T spells its keys: 0 all lower-case (before 10.4), 1 the table
 * keywords in CamelCase but port, listenaddress, subsystem, maxstartups,
 * persourcemaxstartups, persourcenetblocksize and the other hand-printed
 * lines still lower-case (10.4), 2 all CamelCase (10.5 on). */
int release_sshd_T_camelcase(int rel);
/* The program names that log sshd's authentication messages ("sshd",
 * "sshd-session", "sshd-auth"), NULL-terminated. */
const char *const *release_log_programs(int rel);

/* Defaults that changed between releases. */
/* PubkeyAcceptedAlgorithms, HostbasedAcceptedAlgorithms and
 * HostKeyAlgorithms compiled default (myproposal.h KEX_DEFAULT_PK_ALG). */
const char *release_default_pubkey_algs(int rel);
/* CASignatureAlgorithms default (SSH_ALLOWED_CA_SIGALGS; 7.9 on, NULL
 * before: the keyword did not exist and any signature algorithm was taken). */
const char *release_default_ca_algs(int rel);
/* KexAlgorithms, Ciphers and MACs compiled defaults (myproposal.h
 * KEX_SERVER_KEX, KEX_SERVER_ENCRYPT, KEX_SERVER_MAC). */
const char *release_default_kex(int rel);
const char *release_default_ciphers(int rel);
const char *release_default_macs(int rel);
/* Key exchange names the release knows beyond Debian 9.2's list
 * (mlkem768x25519-sha256 from 9.9), comma-separated, "" when none. */
const char *release_kex_extra(int rel);

/* Does the release's sshd (upstream default build) know DSA keys at all?
 * Off by default from 9.8 (configure --enable-dsa-keys), removed in 10.0. */
int release_has_dsa(int rel);
/* Is ssh-rsa (RSA/SHA-1) in the default PubkeyAcceptedAlgorithms? Until 8.8. */
int release_ssh_rsa_default(int rel);
/* RequiredRSASize's default, or before 9.1 the fixed minimum (1024 since
 * 7.x's SSH_RSA_MINIMUM_MODULUS_SIZE). */
int release_rsa_min_bits(int rel);
/* PerSourcePenalties on by default (9.8 on). */
int release_penalties_default(int rel);
/* ChallengeResponseAuthentication a keyword of its own, with
 * KbdInteractiveAuthentication defaulting to no (before 8.7); from 8.7 an
 * alias of KbdInteractiveAuthentication (default yes). */
int release_separate_challenge_response(int rel);

/* The release the tables were last derived from. */
#define REL_NEWEST		REL(10, 5)

#endif
