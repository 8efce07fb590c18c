/* sshdkeywords.c - the tables behind sshdconf.c: every keyword Debian's
 * OpenSSH 9.2p1 sshd accepts with where it may appear, the options sshd -T
 * prints in its order with this build's compiled defaults (taken from
 * `sshd -T -f /dev/null` on Debian 12), and the algorithm lists. */
#include "scanner/parse/sshdkeywords.h"

/* Sorted like servconf.c's table so a diff against it stays readable. */
const struct sshd_keyword sshd_keywords[] = {
	{ "usepam", K_USEPAM, KWF_GLOBAL },
	{ "pamauthenticationviakbdint", K_DEPRECATED, KWF_GLOBAL },
	{ "port", K_PORT, KWF_GLOBAL },
	{ "hostkey", K_HOSTKEY, KWF_GLOBAL },
	{ "hostdsakey", K_HOSTKEY, KWF_GLOBAL },
	{ "hostkeyagent", K_HOSTKEYAGENT, KWF_GLOBAL },
	{ "pidfile", K_PIDFILE, KWF_GLOBAL },
	{ "modulifile", K_MODULIFILE, KWF_GLOBAL },
	{ "serverkeybits", K_DEPRECATED, KWF_GLOBAL },
	{ "logingracetime", K_LOGINGRACETIME, KWF_GLOBAL },
	{ "keyregenerationinterval", K_DEPRECATED, KWF_GLOBAL },
	{ "permitrootlogin", K_PERMITROOTLOGIN, KWF_ALL },
	{ "syslogfacility", K_SYSLOGFACILITY, KWF_GLOBAL },
	{ "loglevel", K_LOGLEVEL, KWF_ALL },
	{ "logverbose", K_LOGVERBOSE, KWF_ALL },
	{ "rhostsauthentication", K_DEPRECATED, KWF_GLOBAL },
	{ "rhostsrsaauthentication", K_DEPRECATED, KWF_ALL },
	{ "hostbasedauthentication", K_HOSTBASEDAUTH, KWF_ALL },
	{ "hostbasedusesnamefrompacketonly", K_HOSTBASEDNAMEFROMPACKET, KWF_ALL },
	{ "hostbasedacceptedalgorithms", K_HOSTBASEDALGS, KWF_ALL },
	{ "hostbasedacceptedkeytypes", K_HOSTBASEDALGS, KWF_ALL },
	{ "hostkeyalgorithms", K_HOSTKEYALGS, KWF_GLOBAL },
	{ "rsaauthentication", K_DEPRECATED, KWF_ALL },
	{ "pubkeyauthentication", K_PUBKEYAUTH, KWF_ALL },
	{ "pubkeyacceptedalgorithms", K_PUBKEYALGS, KWF_ALL },
	{ "pubkeyacceptedkeytypes", K_PUBKEYALGS, KWF_ALL },
	{ "pubkeyauthoptions", K_PUBKEYAUTHOPTIONS, KWF_ALL },
	{ "dsaauthentication", K_PUBKEYAUTH, KWF_GLOBAL },
	{ "kerberosauthentication", K_KERBEROSAUTH, KWF_ALL },
	{ "kerberosorlocalpasswd", K_KERBEROSORLOCALPASSWD, KWF_GLOBAL },
	{ "kerberosticketcleanup", K_KERBEROSTICKETCLEANUP, KWF_GLOBAL },
	{ "kerberosgetafstoken", K_UNSUPPORTED, KWF_GLOBAL },
	{ "kerberostgtpassing", K_UNSUPPORTED, KWF_GLOBAL },
	{ "afstokenpassing", K_UNSUPPORTED, KWF_GLOBAL },
	{ "gssapiauthentication", K_GSSAUTH, KWF_ALL },
	{ "gssapicleanupcredentials", K_GSSCLEANUPCREDS, KWF_GLOBAL },
	{ "gssapicleanupcreds", K_GSSCLEANUPCREDS, KWF_GLOBAL },
	{ "gssapistrictacceptorcheck", K_GSSSTRICT, KWF_GLOBAL },
	{ "gssapikeyexchange", K_GSSKEYEX, KWF_GLOBAL },
	{ "gssapistorecredentialsonrekey", K_GSSSTOREREKEY, KWF_GLOBAL },
	{ "gssapikexalgorithms", K_GSSKEXALGS, KWF_GLOBAL },
	{ "gssusesessionccache", K_UNSUPPORTED, KWF_GLOBAL },
	{ "gssapiusesessioncredcache", K_UNSUPPORTED, KWF_GLOBAL },
	{ "passwordauthentication", K_PASSWORDAUTH, KWF_ALL },
	{ "kbdinteractiveauthentication", K_KBDINTAUTH, KWF_ALL },
	{ "challengeresponseauthentication", K_KBDINTAUTH, KWF_ALL },
	{ "skeyauthentication", K_KBDINTAUTH, KWF_ALL },
	{ "checkmail", K_DEPRECATED, KWF_GLOBAL },
	{ "listenaddress", K_LISTENADDRESS, KWF_GLOBAL },
	{ "addressfamily", K_ADDRESSFAMILY, KWF_GLOBAL },
	{ "printmotd", K_PRINTMOTD, KWF_GLOBAL },
	{ "printlastlog", K_PRINTLASTLOG, KWF_GLOBAL },
	{ "ignorerhosts", K_IGNORERHOSTS, KWF_ALL },
	{ "ignoreuserknownhosts", K_IGNOREUSERKNOWNHOSTS, KWF_GLOBAL },
	{ "x11forwarding", K_X11FORWARDING, KWF_ALL },
	{ "x11displayoffset", K_X11DISPLAYOFFSET, KWF_ALL },
	{ "x11uselocalhost", K_X11USELOCALHOST, KWF_ALL },
	{ "xauthlocation", K_XAUTHLOCATION, KWF_GLOBAL },
	{ "strictmodes", K_STRICTMODES, KWF_GLOBAL },
	{ "permitblacklistedkeys", K_DEPRECATED, KWF_GLOBAL },
	{ "permitemptypasswords", K_PERMITEMPTYPASSWORDS, KWF_ALL },
	{ "permituserenvironment", K_PERMITUSERENV, KWF_GLOBAL },
	{ "uselogin", K_DEPRECATED, KWF_GLOBAL },
	{ "compression", K_COMPRESSION, KWF_GLOBAL },
	{ "rekeylimit", K_REKEYLIMIT, KWF_ALL },
	{ "tcpkeepalive", K_TCPKEEPALIVE, KWF_GLOBAL },
	{ "keepalive", K_TCPKEEPALIVE, KWF_GLOBAL },
	{ "allowtcpforwarding", K_ALLOWTCPFWD, KWF_ALL },
	{ "allowagentforwarding", K_ALLOWAGENTFWD, KWF_ALL },
	{ "allowusers", K_ALLOWUSERS, KWF_ALL },
	{ "denyusers", K_DENYUSERS, KWF_ALL },
	{ "allowgroups", K_ALLOWGROUPS, KWF_ALL },
	{ "denygroups", K_DENYGROUPS, KWF_ALL },
	{ "ciphers", K_CIPHERS, KWF_GLOBAL },
	{ "macs", K_MACS, KWF_GLOBAL },
	{ "protocol", K_IGNORE, KWF_GLOBAL },
	{ "gatewayports", K_GATEWAYPORTS, KWF_ALL },
	{ "subsystem", K_SUBSYSTEM, KWF_GLOBAL },
	{ "maxstartups", K_MAXSTARTUPS, KWF_GLOBAL },
	{ "persourcemaxstartups", K_PERSOURCEMAXSTARTUPS, KWF_GLOBAL },
	{ "persourcenetblocksize", K_PERSOURCENETBLOCKSIZE, KWF_GLOBAL },
	{ "maxauthtries", K_MAXAUTHTRIES, KWF_ALL },
	{ "maxsessions", K_MAXSESSIONS, KWF_ALL },
	{ "banner", K_BANNER, KWF_ALL },
	{ "usedns", K_USEDNS, KWF_GLOBAL },
	{ "verifyreversemapping", K_DEPRECATED, KWF_GLOBAL },
	{ "reversemappingcheck", K_DEPRECATED, KWF_GLOBAL },
	{ "clientaliveinterval", K_CLIENTALIVEINTERVAL, KWF_ALL },
	{ "clientalivecountmax", K_CLIENTALIVECOUNTMAX, KWF_ALL },
	{ "authorizedkeysfile", K_AUTHKEYSFILE, KWF_ALL },
	{ "authorizedkeysfile2", K_DEPRECATED, KWF_ALL },
	{ "useprivilegeseparation", K_DEPRECATED, KWF_GLOBAL },
	{ "acceptenv", K_ACCEPTENV, KWF_ALL },
	{ "setenv", K_SETENV, KWF_ALL },
	{ "permittunnel", K_PERMITTUNNEL, KWF_ALL },
	{ "permittty", K_PERMITTTY, KWF_ALL },
	{ "permituserrc", K_PERMITUSERRC, KWF_ALL },
	{ "match", K_MATCH, KWF_ALL },
	{ "permitopen", K_PERMITOPEN, KWF_ALL },
	{ "permitlisten", K_PERMITLISTEN, KWF_ALL },
	{ "forcecommand", K_FORCECOMMAND, KWF_ALL },
	{ "chrootdirectory", K_CHROOTDIRECTORY, KWF_ALL },
	{ "hostcertificate", K_HOSTCERTIFICATE, KWF_GLOBAL },
	{ "revokedkeys", K_REVOKEDKEYS, KWF_ALL },
	{ "trustedusercakeys", K_TRUSTEDUSERCAKEYS, KWF_ALL },
	{ "authorizedprincipalsfile", K_AUTHPRINCIPALSFILE, KWF_ALL },
	{ "kexalgorithms", K_KEXALGS, KWF_GLOBAL },
	{ "include", K_INCLUDE, KWF_ALL },
	{ "ipqos", K_IPQOS, KWF_ALL },
	{ "authorizedkeyscommand", K_AUTHKEYSCOMMAND, KWF_ALL },
	{ "authorizedkeyscommanduser", K_AUTHKEYSCOMMANDUSER, KWF_ALL },
	{ "authorizedprincipalscommand", K_AUTHPRINCIPALSCOMMAND, KWF_ALL },
	{ "authorizedprincipalscommanduser", K_AUTHPRINCIPALSCOMMANDUSER, KWF_ALL },
	{ "versionaddendum", K_VERSIONADDENDUM, KWF_GLOBAL },
	{ "authenticationmethods", K_AUTHMETHODS, KWF_ALL },
	{ "streamlocalbindmask", K_STREAMLOCALBINDMASK, KWF_ALL },
	{ "streamlocalbindunlink", K_STREAMLOCALBINDUNLINK, KWF_ALL },
	{ "allowstreamlocalforwarding", K_ALLOWSTREAMLOCALFWD, KWF_ALL },
	{ "fingerprinthash", K_FINGERPRINTHASH, KWF_GLOBAL },
	{ "disableforwarding", K_DISABLEFORWARDING, KWF_ALL },
	{ "exposeauthinfo", K_EXPOSEAUTHINFO, KWF_ALL },
	{ "rdomain", K_RDOMAIN, KWF_ALL },
	{ "casignaturealgorithms", K_CASIGALGS, KWF_ALL },
	{ "securitykeyprovider", K_SECURITYKEYPROVIDER, KWF_GLOBAL },
	{ "requiredrsasize", K_REQUIREDRSASIZE, KWF_ALL },
	{ "channeltimeout", K_CHANNELTIMEOUT, KWF_ALL },
	{ "unusedconnectiontimeout", K_UNUSEDCONNTIMEOUT, KWF_ALL },
	{ "debianbanner", K_DEBIANBANNER, KWF_GLOBAL },
};
const size_t sshd_nkeywords = sizeof(sshd_keywords) / sizeof(sshd_keywords[0]);

#define KEY_ALGS_DEFAULT \
	"ssh-ed25519-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp256-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp384-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp521-cert-v01@openssh.com," \
	"sk-ssh-ed25519-cert-v01@openssh.com," \
	"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com," \
	"rsa-sha2-512-cert-v01@openssh.com," \
	"rsa-sha2-256-cert-v01@openssh.com," \
	"ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384," \
	"ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com," \
	"sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256"
#define SIG_ALGS_DEFAULT \
	"ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384," \
	"ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com," \
	"sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256"
#define CIPHERS_DEFAULT \
	"chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr," \
	"aes128-gcm@openssh.com,aes256-gcm@openssh.com"
#define MACS_DEFAULT \
	"umac-64-etm@openssh.com,umac-128-etm@openssh.com," \
	"hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com," \
	"hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com," \
	"hmac-sha2-256,hmac-sha2-512,hmac-sha1"
#define KEX_DEFAULT \
	"sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com," \
	"curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256," \
	"ecdh-sha2-nistp384,ecdh-sha2-nistp521," \
	"diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512," \
	"diffie-hellman-group18-sha512,diffie-hellman-group14-sha256"
#define GSS_KEX_DEFAULT \
	"gss-group14-sha256-,gss-group16-sha512-,gss-nistp256-sha256-," \
	"gss-curve25519-sha256-,gss-group14-sha1-,gss-gex-sha1-"

/* `ssh -Q key-sig`: sshkey.c's keyimpls order. */
const struct sshd_alglists sshd_alg_key = {
	"ssh-ed25519,ssh-ed25519-cert-v01@openssh.com,"
	"sk-ssh-ed25519@openssh.com,sk-ssh-ed25519-cert-v01@openssh.com,"
	"ecdsa-sha2-nistp256,ecdsa-sha2-nistp256-cert-v01@openssh.com,"
	"ecdsa-sha2-nistp384,ecdsa-sha2-nistp384-cert-v01@openssh.com,"
	"ecdsa-sha2-nistp521,ecdsa-sha2-nistp521-cert-v01@openssh.com,"
	"sk-ecdsa-sha2-nistp256@openssh.com,"
	"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,"
	"webauthn-sk-ecdsa-sha2-nistp256@openssh.com,"
	"ssh-dss,ssh-dss-cert-v01@openssh.com,"
	"ssh-rsa,ssh-rsa-cert-v01@openssh.com,"
	"rsa-sha2-256,rsa-sha2-256-cert-v01@openssh.com,"
	"rsa-sha2-512,rsa-sha2-512-cert-v01@openssh.com",
	KEY_ALGS_DEFAULT,
};
/* `ssh -Q sig`: plain keys and signature-only names. */
const struct sshd_alglists sshd_alg_sig = {
	"ssh-ed25519,sk-ssh-ed25519@openssh.com,ecdsa-sha2-nistp256,"
	"ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
	"sk-ecdsa-sha2-nistp256@openssh.com,"
	"webauthn-sk-ecdsa-sha2-nistp256@openssh.com,ssh-dss,ssh-rsa,"
	"rsa-sha2-256,rsa-sha2-512",
	SIG_ALGS_DEFAULT,
};
const struct sshd_alglists sshd_alg_cipher = {
	"3des-cbc,aes128-cbc,aes192-cbc,aes256-cbc,aes128-ctr,aes192-ctr,"
	"aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com,"
	"chacha20-poly1305@openssh.com",
	CIPHERS_DEFAULT,
};
const struct sshd_alglists sshd_alg_mac = {
	"hmac-sha1,hmac-sha1-96,hmac-sha2-256,hmac-sha2-512,hmac-md5,"
	"hmac-md5-96,umac-64@openssh.com,umac-128@openssh.com,"
	"hmac-sha1-etm@openssh.com,hmac-sha1-96-etm@openssh.com,"
	"hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
	"hmac-md5-etm@openssh.com,hmac-md5-96-etm@openssh.com,"
	"umac-64-etm@openssh.com,umac-128-etm@openssh.com",
	MACS_DEFAULT,
};
const struct sshd_alglists sshd_alg_kex = {
	"diffie-hellman-group1-sha1,diffie-hellman-group14-sha1,"
	"diffie-hellman-group14-sha256,diffie-hellman-group16-sha512,"
	"diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha1,"
	"diffie-hellman-group-exchange-sha256,ecdh-sha2-nistp256,"
	"ecdh-sha2-nistp384,ecdh-sha2-nistp521,curve25519-sha256,"
	"curve25519-sha256@libssh.org,sntrup761x25519-sha512,"
	"sntrup761x25519-sha512@openssh.com",
	KEX_DEFAULT,
};
/* Debian's gssapi patch accepts these as prefixes (kex_alg_by_name). */
const char *const sshd_gss_kex_prefixes[] = {
	"gss-group1-sha1-", "gss-group14-sha1-", "gss-group14-sha256-",
	"gss-group16-sha512-", "gss-gex-sha1-", "gss-nistp256-sha256-",
	"gss-curve25519-sha256-", NULL,
};

const struct sshd_keyimpl sshd_keyimpls[] = {
	{ "ssh-ed25519", "ED25519", 0 },
	{ "ssh-ed25519-cert-v01@openssh.com", "ED25519-CERT", 1 },
	{ "sk-ssh-ed25519@openssh.com", "ED25519-SK", 0 },
	{ "sk-ssh-ed25519-cert-v01@openssh.com", "ED25519-SK-CERT", 1 },
	{ "ecdsa-sha2-nistp256", "ECDSA", 0 },
	{ "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ECDSA-CERT", 1 },
	{ "ecdsa-sha2-nistp384", "ECDSA", 0 },
	{ "ecdsa-sha2-nistp384-cert-v01@openssh.com", "ECDSA-CERT", 1 },
	{ "ecdsa-sha2-nistp521", "ECDSA", 0 },
	{ "ecdsa-sha2-nistp521-cert-v01@openssh.com", "ECDSA-CERT", 1 },
	{ "sk-ecdsa-sha2-nistp256@openssh.com", "ECDSA-SK", 0 },
	{ "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", "ECDSA-SK-CERT", 1 },
	{ "webauthn-sk-ecdsa-sha2-nistp256@openssh.com", "ECDSA-SK", 0 },
	{ "ssh-dss", "DSA", 0 },
	{ "ssh-dss-cert-v01@openssh.com", "DSA-CERT", 1 },
	{ "ssh-rsa", "RSA", 0 },
	{ "ssh-rsa-cert-v01@openssh.com", "RSA-CERT", 1 },
	{ "rsa-sha2-256", "RSA", 0 },
	{ "rsa-sha2-256-cert-v01@openssh.com", "RSA-CERT", 1 },
	{ "rsa-sha2-512", "RSA", 0 },
	{ "rsa-sha2-512-cert-v01@openssh.com", "RSA-CERT", 1 },
};
const size_t sshd_nkeyimpls = sizeof(sshd_keyimpls) / sizeof(sshd_keyimpls[0]);

#define V(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define NOV ((const char *const[]){ NULL })
#define MC OF_MCOPY
#define CN OF_CLEARNONE

const struct sshd_optdef sshd_opts[O_MAX] = {
	[O_PORT] = { "port", D_LINES, 0, V("22") },
	[O_ADDRESSFAMILY] = { "addressfamily", D_ONE, 0, V("any") },
	[O_LISTENADDRESS] = { "listenaddress", D_LINES, 0, NOV },
	[O_USEPAM] = { "usepam", D_ONE, 0, V("no") },
	[O_LOGINGRACETIME] = { "logingracetime", D_ONE, 0, V("120") },
	[O_X11DISPLAYOFFSET] = { "x11displayoffset", D_ONE, MC, V("10") },
	[O_MAXAUTHTRIES] = { "maxauthtries", D_ONE, MC, V("6") },
	[O_MAXSESSIONS] = { "maxsessions", D_ONE, MC, V("10") },
	[O_CLIENTALIVEINTERVAL] = { "clientaliveinterval", D_ONE, MC, V("0") },
	[O_CLIENTALIVECOUNTMAX] = { "clientalivecountmax", D_ONE, MC, V("3") },
	[O_REQUIREDRSASIZE] = { "requiredrsasize", D_ONE, MC, V("1024") },
	[O_STREAMLOCALBINDMASK] = { "streamlocalbindmask", D_ONE, MC, V("0177") },
	[O_UNUSEDCONNTIMEOUT] = { "unusedconnectiontimeout", D_ONE, MC, V("none") },
	[O_PERMITROOTLOGIN] = { "permitrootlogin", D_ONE, MC, V("without-password") },
	[O_IGNORERHOSTS] = { "ignorerhosts", D_ONE, MC, V("yes") },
	[O_IGNOREUSERKNOWNHOSTS] = { "ignoreuserknownhosts", D_ONE, 0, V("no") },
	[O_HOSTBASEDAUTH] = { "hostbasedauthentication", D_ONE, MC, V("no") },
	[O_HOSTBASEDNAMEFROMPACKET] = { "hostbasedusesnamefrompacketonly", D_ONE, MC, V("no") },
	[O_PUBKEYAUTH] = { "pubkeyauthentication", D_ONE, MC, V("yes") },
	[O_KERBEROSAUTH] = { "kerberosauthentication", D_ONE, MC, V("no") },
	[O_KERBEROSORLOCALPASSWD] = { "kerberosorlocalpasswd", D_ONE, 0, V("yes") },
	[O_KERBEROSTICKETCLEANUP] = { "kerberosticketcleanup", D_ONE, 0, V("yes") },
	[O_GSSAUTH] = { "gssapiauthentication", D_ONE, MC, V("no") },
	[O_GSSCLEANUPCREDS] = { "gssapicleanupcredentials", D_ONE, 0, V("yes") },
	[O_GSSKEYEX] = { "gssapikeyexchange", D_ONE, 0, V("no") },
	[O_GSSSTRICT] = { "gssapistrictacceptorcheck", D_ONE, 0, V("yes") },
	[O_GSSSTOREREKEY] = { "gssapistorecredentialsonrekey", D_ONE, 0, V("no") },
	[O_GSSKEXALGS] = { "gssapikexalgorithms", D_ONE, 0, V(GSS_KEX_DEFAULT) },
	[O_PASSWORDAUTH] = { "passwordauthentication", D_ONE, MC, V("yes") },
	[O_KBDINTAUTH] = { "kbdinteractiveauthentication", D_ONE, MC, V("yes") },
	[O_PRINTMOTD] = { "printmotd", D_ONE, 0, V("yes") },
	[O_PRINTLASTLOG] = { "printlastlog", D_ONE, 0, V("yes") },
	[O_X11FORWARDING] = { "x11forwarding", D_ONE, MC, V("no") },
	[O_X11USELOCALHOST] = { "x11uselocalhost", D_ONE, MC, V("yes") },
	[O_PERMITTTY] = { "permittty", D_ONE, MC, V("yes") },
	[O_PERMITUSERRC] = { "permituserrc", D_ONE, MC, V("yes") },
	[O_STRICTMODES] = { "strictmodes", D_ONE, 0, V("yes") },
	[O_TCPKEEPALIVE] = { "tcpkeepalive", D_ONE, 0, V("yes") },
	[O_PERMITEMPTYPASSWORDS] = { "permitemptypasswords", D_ONE, MC, V("no") },
	[O_COMPRESSION] = { "compression", D_ONE, 0, V("yes") },
	[O_GATEWAYPORTS] = { "gatewayports", D_ONE, MC, V("no") },
	[O_USEDNS] = { "usedns", D_ONE, 0, V("no") },
	[O_ALLOWTCPFWD] = { "allowtcpforwarding", D_ONE, MC, V("yes") },
	[O_ALLOWAGENTFWD] = { "allowagentforwarding", D_ONE, MC, V("yes") },
	[O_DISABLEFORWARDING] = { "disableforwarding", D_ONE, MC, V("no") },
	[O_ALLOWSTREAMLOCALFWD] = { "allowstreamlocalforwarding", D_ONE, MC, V("yes") },
	[O_STREAMLOCALBINDUNLINK] = { "streamlocalbindunlink", D_ONE, MC, V("no") },
	[O_FINGERPRINTHASH] = { "fingerprinthash", D_ONE, 0, V("SHA256") },
	[O_EXPOSEAUTHINFO] = { "exposeauthinfo", D_ONE, MC, V("no") },
	[O_PIDFILE] = { "pidfile", D_ONE, CN, V("/run/sshd.pid") },
	[O_MODULIFILE] = { "modulifile", D_ONE, 0, V("/etc/ssh/moduli") },
	[O_XAUTHLOCATION] = { "xauthlocation", D_ONE, CN, V("/usr/bin/xauth") },
	[O_CIPHERS] = { "ciphers", D_ONE, OF_ALGS, V(CIPHERS_DEFAULT) },
	[O_MACS] = { "macs", D_ONE, OF_ALGS, V(MACS_DEFAULT) },
	[O_BANNER] = { "banner", D_ONE, MC | CN, V("none") },
	[O_FORCECOMMAND] = { "forcecommand", D_ONE, MC | CN, V("none") },
	[O_CHROOTDIRECTORY] = { "chrootdirectory", D_ONE, MC | CN, V("none") },
	[O_TRUSTEDUSERCAKEYS] = { "trustedusercakeys", D_ONE, MC | CN, V("none") },
	[O_REVOKEDKEYS] = { "revokedkeys", D_ONE, MC | CN, V("none") },
	[O_SECURITYKEYPROVIDER] = { "securitykeyprovider", D_ONE, CN, V("internal") },
	[O_AUTHPRINCIPALSFILE] = { "authorizedprincipalsfile", D_ONE, MC | CN, V("none") },
	[O_VERSIONADDENDUM] = { "versionaddendum", D_ONE, 0, V("none") },
	[O_AUTHKEYSCOMMAND] = { "authorizedkeyscommand", D_ONE, MC, V("none") },
	[O_AUTHKEYSCOMMANDUSER] = { "authorizedkeyscommanduser", D_ONE, MC, V("none") },
	[O_AUTHPRINCIPALSCOMMAND] = { "authorizedprincipalscommand", D_ONE, MC, V("none") },
	[O_AUTHPRINCIPALSCOMMANDUSER] = { "authorizedprincipalscommanduser", D_ONE, MC, V("none") },
	[O_HOSTKEYAGENT] = { "hostkeyagent", D_ONE, CN, V("none") },
	[O_KEXALGS] = { "kexalgorithms", D_ONE, OF_ALGS, V(KEX_DEFAULT) },
	[O_CASIGALGS] = { "casignaturealgorithms", D_ONE, MC | OF_ALGS, V(SIG_ALGS_DEFAULT) },
	[O_HOSTBASEDALGS] = { "hostbasedacceptedalgorithms", D_ONE, MC | OF_ALGS, V(KEY_ALGS_DEFAULT) },
	[O_HOSTKEYALGS] = { "hostkeyalgorithms", D_ONE, OF_ALGS, V(KEY_ALGS_DEFAULT) },
	[O_PUBKEYALGS] = { "pubkeyacceptedalgorithms", D_ONE, MC | OF_ALGS, V(KEY_ALGS_DEFAULT) },
	[O_LOGLEVEL] = { "loglevel", D_ONE, MC, V("INFO") },
	[O_SYSLOGFACILITY] = { "syslogfacility", D_ONE, 0, V("AUTH") },
	[O_AUTHKEYSFILE] = { "authorizedkeysfile", D_JOIN, MC,
	    V(".ssh/authorized_keys", ".ssh/authorized_keys2") },
	[O_HOSTKEY] = { "hostkey", D_LINES, 0, V("/etc/ssh/ssh_host_rsa_key",
	    "/etc/ssh/ssh_host_ecdsa_key", "/etc/ssh/ssh_host_ed25519_key") },
	[O_HOSTCERTIFICATE] = { "hostcertificate", D_LINES, 0, NOV },
	[O_ALLOWUSERS] = { "allowusers", D_LINES, MC, NOV },
	[O_DENYUSERS] = { "denyusers", D_LINES, MC, NOV },
	[O_ALLOWGROUPS] = { "allowgroups", D_LINES, MC, NOV },
	[O_DENYGROUPS] = { "denygroups", D_LINES, MC, NOV },
	[O_ACCEPTENV] = { "acceptenv", D_LINES, MC, NOV },
	[O_SETENV] = { "setenv", D_LINES, MC, NOV },
	[O_AUTHMETHODS] = { "authenticationmethods", D_JOIN, MC, V("any") },
	[O_LOGVERBOSE] = { "logverbose", D_JOIN, MC, NOV },
	[O_CHANNELTIMEOUT] = { "channeltimeout", D_JOIN, MC, NOV },
	[O_SUBSYSTEM] = { "subsystem", D_LINES, 0, NOV },
	[O_MAXSTARTUPS] = { "maxstartups", D_ONE, 0, V("10:30:100") },
	[O_PERSOURCEMAXSTARTUPS] = { "persourcemaxstartups", D_ONE, 0, V("none") },
	[O_PERSOURCENETBLOCKSIZE] = { "persourcenetblocksize", D_ONE, 0, V("32:128") },
	[O_PERMITTUNNEL] = { "permittunnel", D_ONE, MC, V("no") },
	[O_IPQOS] = { "ipqos", D_JOIN, MC, V("lowdelay", "throughput") },
	[O_REKEYLIMIT] = { "rekeylimit", D_JOIN, 0, V("0", "0") },
	[O_PERMITOPEN] = { "permitopen", D_JOIN, MC, V("any") },
	[O_PERMITLISTEN] = { "permitlisten", D_JOIN, MC, V("any") },
	[O_PERMITUSERENV] = { "permituserenvironment", D_ONE, 0, V("no") },
	[O_PUBKEYAUTHOPTIONS] = { "pubkeyauthoptions", D_JOIN, MC, V("none") },
	[O_DEBIANBANNER] = { "debianbanner", D_NONE, 0, V("yes") },
	[O_REKEY_BYTES] = { NULL, D_NONE, MC, V("0") },
	[O_REKEY_TIME] = { NULL, D_NONE, MC, V("0") },
	[O_CHALLENGERESP] = { NULL, D_NONE, 0, V("yes") },
	[O_REFUSECONNECTION] = { "refuseconnection", D_NONE, MC, V("no") },
};
