/* sshdkeywords.h - private to sshdconf.c: the keyword table of Debian's
 * OpenSSH 9.2p1 sshd (servconf.c plus the Debian gssapi, debian-banner and
 * ssh-vulnkey-compat patches), the option slots sshd -T prints, in the order
 * it prints them, with this build's compiled defaults, and the algorithm
 * lists the build supports. */
#ifndef KA_SSHDKEYWORDS_H
#define KA_SSHDKEYWORDS_H

#include <stddef.h>

/* Keyword flags, as servconf.c's SSHCFG_GLOBAL / SSHCFG_MATCH. */
#define KWF_GLOBAL	0x01
#define KWF_MATCH	0x02
#define KWF_ALL		(KWF_GLOBAL | KWF_MATCH)

/* What a keyword does; several spellings may share one. */
enum sshd_kw {
	K_BAD = 0,
	K_USEPAM, K_PORT, K_HOSTKEY, K_HOSTKEYAGENT, K_PIDFILE, K_MODULIFILE,
	K_LOGINGRACETIME, K_PERMITROOTLOGIN, K_SYSLOGFACILITY, K_LOGLEVEL,
	K_LOGVERBOSE, K_HOSTBASEDAUTH, K_HOSTBASEDNAMEFROMPACKET,
	K_HOSTBASEDALGS, K_HOSTKEYALGS, K_PUBKEYAUTH, K_PUBKEYALGS,
	K_PUBKEYAUTHOPTIONS, K_KERBEROSAUTH, K_KERBEROSORLOCALPASSWD,
	K_KERBEROSTICKETCLEANUP, K_GSSAUTH, K_GSSCLEANUPCREDS, K_GSSSTRICT,
	K_GSSKEYEX, K_GSSSTOREREKEY, K_GSSKEXALGS, K_PASSWORDAUTH, K_KBDINTAUTH,
	K_LISTENADDRESS, K_ADDRESSFAMILY, K_PRINTMOTD, K_PRINTLASTLOG,
	K_IGNORERHOSTS, K_IGNOREUSERKNOWNHOSTS, K_X11FORWARDING,
	K_X11DISPLAYOFFSET, K_X11USELOCALHOST, K_XAUTHLOCATION, K_STRICTMODES,
	K_PERMITEMPTYPASSWORDS, K_PERMITUSERENV, K_COMPRESSION, K_REKEYLIMIT,
	K_TCPKEEPALIVE, K_ALLOWTCPFWD, K_ALLOWAGENTFWD, K_ALLOWUSERS,
	K_DENYUSERS, K_ALLOWGROUPS, K_DENYGROUPS, K_CIPHERS, K_MACS,
	K_GATEWAYPORTS, K_SUBSYSTEM, K_MAXSTARTUPS, K_PERSOURCEMAXSTARTUPS,
	K_PERSOURCENETBLOCKSIZE, K_MAXAUTHTRIES, K_MAXSESSIONS, K_BANNER,
	K_USEDNS, K_CLIENTALIVEINTERVAL, K_CLIENTALIVECOUNTMAX,
	K_AUTHKEYSFILE, K_ACCEPTENV, K_SETENV, K_PERMITTUNNEL, K_PERMITTTY,
	K_PERMITUSERRC, K_MATCH, K_PERMITOPEN, K_PERMITLISTEN, K_FORCECOMMAND,
	K_CHROOTDIRECTORY, K_HOSTCERTIFICATE, K_REVOKEDKEYS,
	K_TRUSTEDUSERCAKEYS, K_AUTHPRINCIPALSFILE, K_KEXALGS, K_INCLUDE,
	K_IPQOS, K_AUTHKEYSCOMMAND, K_AUTHKEYSCOMMANDUSER,
	K_AUTHPRINCIPALSCOMMAND, K_AUTHPRINCIPALSCOMMANDUSER,
	K_VERSIONADDENDUM, K_AUTHMETHODS, K_STREAMLOCALBINDMASK,
	K_STREAMLOCALBINDUNLINK, K_ALLOWSTREAMLOCALFWD, K_FINGERPRINTHASH,
	K_DISABLEFORWARDING, K_EXPOSEAUTHINFO, K_RDOMAIN, K_CASIGALGS,
	K_SECURITYKEYPROVIDER, K_REQUIREDRSASIZE, K_CHANNELTIMEOUT,
	K_UNUSEDCONNTIMEOUT, K_DEBIANBANNER,
	K_CHALLENGERESP,	/* its own option before 8.7 (sshdconf.c) */
	K_REFUSECONNECTION,	/* 9.9 on (sshdconf.c kw_rel_new) */
	K_PERSOURCEPENALTIES,	/* 9.8 on (sshdconf.c kw_rel_new) */
	K_DEPRECATED, K_IGNORE, K_UNSUPPORTED,
};

struct sshd_keyword {
	const char *name;	/* lower-case spelling */
	enum sshd_kw kw;
	unsigned flags;
};

/*
 * Option slots: one per thing sshd -T prints, in its order, plus a few
 * internal ones (O_FIRST_HIDDEN onwards) that are printed through others.
 */
enum sshd_opt {
	O_PORT = 0, O_ADDRESSFAMILY, O_LISTENADDRESS, O_USEPAM,
	O_LOGINGRACETIME, O_X11DISPLAYOFFSET, O_MAXAUTHTRIES, O_MAXSESSIONS,
	O_CLIENTALIVEINTERVAL, O_CLIENTALIVECOUNTMAX, O_REQUIREDRSASIZE,
	O_STREAMLOCALBINDMASK, O_UNUSEDCONNTIMEOUT, O_PERMITROOTLOGIN,
	O_IGNORERHOSTS, O_IGNOREUSERKNOWNHOSTS, O_HOSTBASEDAUTH,
	O_HOSTBASEDNAMEFROMPACKET, O_PUBKEYAUTH, O_KERBEROSAUTH,
	O_KERBEROSORLOCALPASSWD, O_KERBEROSTICKETCLEANUP, O_GSSAUTH,
	O_GSSCLEANUPCREDS, O_GSSKEYEX, O_GSSSTRICT, O_GSSSTOREREKEY,
	O_GSSKEXALGS, O_PASSWORDAUTH, O_KBDINTAUTH, O_PRINTMOTD,
	O_PRINTLASTLOG, O_X11FORWARDING, O_X11USELOCALHOST, O_PERMITTTY,
	O_PERMITUSERRC, O_STRICTMODES, O_TCPKEEPALIVE, O_PERMITEMPTYPASSWORDS,
	O_COMPRESSION, O_GATEWAYPORTS, O_USEDNS, O_ALLOWTCPFWD,
	O_ALLOWAGENTFWD, O_DISABLEFORWARDING, O_ALLOWSTREAMLOCALFWD,
	O_STREAMLOCALBINDUNLINK, O_FINGERPRINTHASH, O_EXPOSEAUTHINFO,
	O_PIDFILE, O_MODULIFILE, O_XAUTHLOCATION, O_CIPHERS, O_MACS,
	O_BANNER, O_FORCECOMMAND, O_CHROOTDIRECTORY, O_TRUSTEDUSERCAKEYS,
	O_REVOKEDKEYS, O_SECURITYKEYPROVIDER, O_AUTHPRINCIPALSFILE,
	O_VERSIONADDENDUM, O_AUTHKEYSCOMMAND, O_AUTHKEYSCOMMANDUSER,
	O_AUTHPRINCIPALSCOMMAND, O_AUTHPRINCIPALSCOMMANDUSER, O_HOSTKEYAGENT,
	O_KEXALGS, O_CASIGALGS, O_HOSTBASEDALGS, O_HOSTKEYALGS, O_PUBKEYALGS,
	O_LOGLEVEL, O_SYSLOGFACILITY, O_AUTHKEYSFILE, O_HOSTKEY,
	O_HOSTCERTIFICATE, O_ALLOWUSERS, O_DENYUSERS, O_ALLOWGROUPS,
	O_DENYGROUPS, O_ACCEPTENV, O_SETENV, O_AUTHMETHODS, O_LOGVERBOSE,
	O_CHANNELTIMEOUT, O_SUBSYSTEM, O_MAXSTARTUPS, O_PERSOURCEMAXSTARTUPS,
	O_PERSOURCENETBLOCKSIZE, O_PERMITTUNNEL, O_IPQOS, O_REKEYLIMIT,
	O_PERMITOPEN, O_PERMITLISTEN, O_PERMITUSERENV, O_PUBKEYAUTHOPTIONS,
	/* not printed by sshd -T */
	O_DEBIANBANNER,
	O_REFUSECONNECTION,	/* 9.9 on: the model (9.2) prints no such line */
	O_FIRST_HIDDEN,
	O_REKEY_BYTES = O_FIRST_HIDDEN, O_REKEY_TIME,
	O_CHALLENGERESP,	/* ChallengeResponseAuthentication before 8.7 */
	O_MAX
};

/* How sshd -T prints a slot. */
enum sshd_dump {
	D_ONE,		/* "kw value" */
	D_LINES,	/* one "kw value" line per value, nothing when empty */
	D_JOIN,		/* "kw v1 v2 ...", nothing when empty */
	D_NONE,		/* not printed */
};

/* Slot flags. */
#define OF_MCOPY	0x01	/* a Match block's value replaces the global one */
#define OF_CLEARNONE	0x02	/* a global "none" (any case) prints as "none" */
#define OF_ALGS		0x04	/* algorithm list assembled against defaults */

struct sshd_optdef {
	const char *name;	/* as sshd -T prints it */
	enum sshd_dump dump;
	unsigned flags;
	const char *const *defv;	/* NULL-terminated compiled default */
};

extern const struct sshd_keyword sshd_keywords[];
extern const size_t sshd_nkeywords;
extern const struct sshd_optdef sshd_opts[O_MAX];

/* Algorithm lists of this build, comma-separated. */
struct sshd_alglists {
	const char *all;	/* everything the build implements */
	const char *def;	/* compiled default */
};
extern const struct sshd_alglists sshd_alg_key;	/* key and signature algs */
extern const struct sshd_alglists sshd_alg_sig;	/* CASignatureAlgorithms */
extern const struct sshd_alglists sshd_alg_cipher;
extern const struct sshd_alglists sshd_alg_mac;
extern const struct sshd_alglists sshd_alg_kex;
extern const char *const sshd_gss_kex_prefixes[];

/* Key algorithm names sshkey.c knows, with their short names ("RSA"), for
 * validating PubkeyAcceptedAlgorithms and friends. */
struct sshd_keyimpl {
	const char *name;
	const char *shortname;
	int cert;
};
extern const struct sshd_keyimpl sshd_keyimpls[];
extern const size_t sshd_nkeyimpls;

#endif
