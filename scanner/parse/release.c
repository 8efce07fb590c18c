/* release.c - OpenSSH release numbers from version strings, and the tables
 * of what differs between releases (see release.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "scanner/parse/release.h"

/* Digits at *p as a number below limit, advancing *p; -1 when none. */
static int
number(const char **p, int limit)
{
	int n = 0;

	if (!isdigit((unsigned char)**p))
		return -1;
	while (isdigit((unsigned char)**p)) {
		n = n * 10 + (**p - '0');
		if (n >= limit)
			return -1;
		(*p)++;
	}
	return n;
}

int
release_parse(const char *s)
{
	const char *p;
	int major, minor;

	if (s == NULL)
		return 0;
	for (p = strstr(s, "OpenSSH_"); p != NULL; p = strstr(p + 1, "OpenSSH_")) {
		const char *q = p + 8;

		if ((major = number(&q, 100)) < 1 || *q++ != '.' ||
		    (minor = number(&q, 100)) < 0)
			continue;
		return REL(major, minor);
	}
	return 0;
}

const char *
release_str(int rel, char *buf, unsigned len)
{
	if (rel <= 0)
		snprintf(buf, len, "unknown");
	else
		snprintf(buf, len, "%d.%d", rel / 100, rel % 100);
	return buf;
}

/* ---------------------------------------------------------------- tables */

/*
 * sshd_config keywords of upstream OpenSSH, one row per (keyword, span of
 * releases with one behaviour). Derived from servconf.c's keywords[] (from
 * 10.4: servconf.h's SSHD_CONFIG_ENTRIES_*) at every tag V_7_4_P1 ..
 * V_10_5_P1, as built by Debian (USE_PAM, KRB5 and GSSAPI on, USE_AFS off,
 * lastlog on). A span starting at 704 may be older: 7.4 is the oldest
 * release modelled. The citation is the tag where the span starts and the
 * openssh-portable commit that made the change. until 0: still so.
 */
struct kwrow {
	const char *name;
	int since, until;
	enum rel_kw_state state;
	unsigned scope;
	const char *cite;
};


#define RKW_ALL		(RKW_GLOBAL | RKW_MATCH)

static const struct kwrow kwrows[] = {
	{ "acceptenv", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "addressfamily", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "afstokenpassing", 704, 1004, RKW_UNSUPPORTED, RKW_GLOBAL, "V_7_4_P1" },
	{ "afstokenpassing", 1004, 0, RKW_DEPRECATED, RKW_GLOBAL, "V_10_4_P1 bebc855fd" },
	{ "allowagentforwarding", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "allowgroups", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "allowstreamlocalforwarding", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "allowtcpforwarding", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "allowusers", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "authenticationmethods", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "authorizedkeyscommand", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "authorizedkeyscommanduser", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "authorizedkeysfile", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "authorizedkeysfile2", 704, 0, RKW_DEPRECATED, RKW_ALL, "V_7_4_P1" },
	{ "authorizedprincipalscommand", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "authorizedprincipalscommanduser", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "authorizedprincipalsfile", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "banner", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "casignaturealgorithms", 709, 0, RKW_OK, RKW_ALL, "V_7_9_P1 0cbed248e" },
	{ "challengeresponseauthentication", 704, 807, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "challengeresponseauthentication", 807, 0, RKW_OK, RKW_ALL, "V_8_7_P1 c73b02d92" },
	{ "channeltimeout", 902, 0, RKW_OK, RKW_ALL, "V_9_2_P1 2d1ff2b94" },
	{ "checkmail", 704, 0, RKW_DEPRECATED, RKW_GLOBAL, "V_7_4_P1" },
	{ "chrootdirectory", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "ciphers", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "clientalivecountmax", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "clientaliveinterval", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "compression", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "denygroups", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "denyusers", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "disableforwarding", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "dsaauthentication", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "exposeauthinfo", 706, 0, RKW_OK, RKW_ALL, "V_7_6_P1 8f5749592" },
	{ "fingerprinthash", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "forcecommand", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "gatewayports", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "gssapiauthentication", 704, 1004, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "gssapiauthentication", 1005, 0, RKW_OK, RKW_ALL, "V_10_5_P1 c14709356" },
	{ "gssapicleanupcredentials", 704, 1004, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "gssapicleanupcredentials", 1005, 0, RKW_OK, RKW_GLOBAL, "V_10_5_P1 c14709356" },
	{ "gssapidelegatecredentials", 1003, 1004, RKW_OK, RKW_GLOBAL, "V_10_3_P1 94bf1154b" },
	{ "gssapidelegatecredentials", 1005, 0, RKW_OK, RKW_GLOBAL, "V_10_5_P1 c14709356" },
	{ "gssapistrictacceptorcheck", 704, 1004, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "gssapistrictacceptorcheck", 1005, 0, RKW_OK, RKW_GLOBAL, "V_10_5_P1 c14709356" },
	{ "gssauthentication", 1004, 1005, RKW_OK, RKW_ALL, "V_10_4_P1 bebc855fd" },
	{ "gsscleanupcreds", 1004, 1005, RKW_OK, RKW_GLOBAL, "V_10_4_P1 bebc855fd" },
	{ "gssdelegatecreds", 1004, 1005, RKW_OK, RKW_GLOBAL, "V_10_4_P1 bebc855fd" },
	{ "gssstrictacceptor", 1004, 1005, RKW_OK, RKW_GLOBAL, "V_10_4_P1 bebc855fd" },
	{ "hostbasedacceptedalgorithms", 805, 0, RKW_OK, RKW_ALL, "V_8_5_P1 e9f78d6b0" },
	{ "hostbasedacceptedkeytypes", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "hostbasedauthentication", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "hostbasedusesnamefrompacketonly", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "hostcertificate", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "hostdsakey", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "hostkey", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "hostkeyagent", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "hostkeyalgorithms", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "ignorerhosts", 704, 803, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "ignorerhosts", 803, 0, RKW_OK, RKW_ALL, "V_8_3_P1 c90f72d29" },
	{ "ignoreuserknownhosts", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "include", 802, 0, RKW_OK, RKW_ALL, "V_8_2_P1 c2bd7f74b" },
	{ "ipqos", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "kbdinteractiveauthentication", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "keepalive", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "kerberosauthentication", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "kerberosgetafstoken", 704, 0, RKW_UNSUPPORTED, RKW_GLOBAL, "V_7_4_P1" },
	{ "kerberosorlocalpasswd", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "kerberostgtpassing", 704, 1004, RKW_UNSUPPORTED, RKW_GLOBAL, "V_7_4_P1" },
	{ "kerberostgtpassing", 1004, 0, RKW_DEPRECATED, RKW_GLOBAL, "V_10_4_P1 bebc855fd" },
	{ "kerberosticketcleanup", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "kexalgorithms", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "keyregenerationinterval", 704, 0, RKW_DEPRECATED, RKW_GLOBAL, "V_7_4_P1" },
	{ "listenaddress", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "logingracetime", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "loglevel", 704, 706, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "loglevel", 706, 0, RKW_OK, RKW_ALL, "V_7_6_P1 54cd41a46" },
	{ "logverbose", 805, 0, RKW_OK, RKW_ALL, "V_8_5_P1 793b583d0" },
	{ "macs", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "match", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "maxauthtries", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "maxsessions", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "maxstartups", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "modulifile", 806, 0, RKW_OK, RKW_GLOBAL, "V_8_6_P1 88057eb6d" },
	{ "pamauthenticationviakbdint", 704, 1004, RKW_DEPRECATED, RKW_GLOBAL, "V_7_4_P1" },
	{ "pamservicename", 908, 1004, RKW_OK, RKW_ALL, "V_9_8_P1 b2c64bc17" },
	{ "pamservicename", 1004, 1005, RKW_OK, RKW_GLOBAL, "V_10_4_P1 bebc855fd" },
	{ "pamservicename", 1005, 0, RKW_OK, RKW_ALL, "V_10_5_P1 4c414d99f" },
	{ "passwordauthentication", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "permitemptypasswords", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "permitlisten", 708, 0, RKW_OK, RKW_ALL, "V_7_8_P1 93c06ab6b" },
	{ "permitopen", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "permitrootlogin", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "permittty", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "permittunnel", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "permituserenvironment", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "permituserrc", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "persourcemaxstartups", 805, 0, RKW_OK, RKW_GLOBAL, "V_8_5_P1 3a9231295" },
	{ "persourcenetblocksize", 805, 0, RKW_OK, RKW_GLOBAL, "V_8_5_P1 3a9231295" },
	{ "persourcepenalties", 908, 0, RKW_OK, RKW_GLOBAL, "V_9_8_P1 81c1099d2" },
	{ "persourcepenaltyexemptlist", 908, 0, RKW_OK, RKW_GLOBAL, "V_9_8_P1 81c1099d2" },
	{ "pidfile", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "port", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "printlastlog", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "printmotd", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "protocol", 704, 0, RKW_IGNORE, RKW_GLOBAL, "V_7_4_P1" },
	{ "pubkeyacceptedalgorithms", 805, 0, RKW_OK, RKW_ALL, "V_8_5_P1 ee9c0da80" },
	{ "pubkeyacceptedkeytypes", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "pubkeyauthentication", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "pubkeyauthoptions", 802, 0, RKW_OK, RKW_ALL, "V_8_2_P1 0fddf2967" },
	{ "rdomain", 707, 0, RKW_OK, RKW_ALL, "V_7_7_P1 acf559e1c" },
	{ "refuseconnection", 909, 0, RKW_OK, RKW_ALL, "V_9_9_P1 8d21713b6" },
	{ "rekeylimit", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "requiredrsasize", 901, 0, RKW_OK, RKW_ALL, "V_9_1_P1 1875042c5" },
	{ "reversemappingcheck", 704, 0, RKW_DEPRECATED, RKW_GLOBAL, "V_7_4_P1" },
	{ "revokedkeys", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "rhostsauthentication", 704, 0, RKW_DEPRECATED, RKW_GLOBAL, "V_7_4_P1" },
	{ "rhostsrsaauthentication", 704, 0, RKW_DEPRECATED, RKW_ALL, "V_7_4_P1" },
	{ "rsaauthentication", 704, 0, RKW_DEPRECATED, RKW_ALL, "V_7_4_P1" },
	{ "securitykeyprovider", 802, 0, RKW_OK, RKW_GLOBAL, "V_8_2_P1 56584cce7" },
	{ "serverkeybits", 704, 0, RKW_DEPRECATED, RKW_GLOBAL, "V_7_4_P1" },
	{ "setenv", 708, 0, RKW_OK, RKW_ALL, "V_7_8_P1 28013759f" },
	{ "skeyauthentication", 704, 708, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "skeyauthentication", 708, 807, RKW_DEPRECATED, RKW_GLOBAL, "V_7_8_P1 87f08be05" },
	{ "skeyauthentication", 807, 0, RKW_OK, RKW_ALL, "V_8_7_P1 c73b02d92" },
	{ "sshdauthpath", 1000, 0, RKW_OK, RKW_GLOBAL, "V_10_0_P1 6072e4c93" },
	{ "sshdsessionpath", 908, 0, RKW_OK, RKW_GLOBAL, "V_9_8_P1 92e558903" },
	{ "streamlocalbindmask", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "streamlocalbindunlink", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "strictmodes", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "subsystem", 704, 905, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "subsystem", 905, 0, RKW_OK, RKW_ALL, "V_9_5_P1 6e52826e2" },
	{ "syslogfacility", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "tcpkeepalive", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "trustedusercakeys", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "unusedconnectiontimeout", 902, 0, RKW_OK, RKW_ALL, "V_9_2_P1 0293c1980" },
	{ "usedns", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "uselogin", 704, 0, RKW_DEPRECATED, RKW_GLOBAL, "V_7_4_P1" },
	{ "usepam", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "useprivilegeseparation", 704, 705, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "useprivilegeseparation", 705, 0, RKW_DEPRECATED, RKW_GLOBAL, "V_7_5_P1 66705948c" },
	{ "verifyreversemapping", 704, 0, RKW_DEPRECATED, RKW_GLOBAL, "V_7_4_P1" },
	{ "versionaddendum", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
	{ "x11displayoffset", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "x11forwarding", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "x11uselocalhost", 704, 0, RKW_OK, RKW_ALL, "V_7_4_P1" },
	{ "xauthlocation", 704, 0, RKW_OK, RKW_GLOBAL, "V_7_4_P1" },
};

/* Keywords only Debian's patches add (gssapi.patch, debian-banner.patch,
 * the old ssh-vulnkey-compat): no upstream release knows them, a Debian
 * build of every release in these spans does. Checked against the Debian
 * roots' own sshd by tests/releases-kw. */
static const struct kwrow vendorrows[] = {
	{ "gssapikeyexchange", 704, 0, RKW_OK, RKW_GLOBAL, "Debian gssapi.patch" },
	{ "gssapistorecredentialsonrekey", 704, 0, RKW_OK, RKW_GLOBAL, "Debian gssapi.patch" },
	{ "gssapikexalgorithms", 704, 0, RKW_OK, RKW_GLOBAL, "Debian gssapi.patch" },
	{ "gssapicleanupcreds", 704, 0, RKW_OK, RKW_GLOBAL, "Debian gssapi.patch" },
	{ "gssusesessionccache", 704, 0, RKW_UNSUPPORTED, RKW_GLOBAL, "Debian gssapi.patch" },
	{ "gssapiusesessioncredcache", 704, 0, RKW_UNSUPPORTED, RKW_GLOBAL, "Debian gssapi.patch" },
	{ "debianbanner", 704, 0, RKW_OK, RKW_GLOBAL, "Debian debian-banner.patch" },
	{ "permitblacklistedkeys", 704, 0, RKW_DEPRECATED, RKW_GLOBAL, "Debian ssh-vulnkey-compat.patch" },
};

/* Clamp a release into the modelled range. */
static int
clamp(int rel)
{
	if (rel < REL_OLDEST)
		return REL_OLDEST;
	if (rel > REL_NEWEST)
		return REL_NEWEST;
	return rel;
}

static int
in_span(int rel, int since, int until)
{
	return rel >= since && (until == 0 || rel < until);
}

static enum rel_kw_state
kw_find(const struct kwrow *rows, size_t n, int rel, const char *kw,
    struct rel_kw_info *info)
{
	rel = clamp(rel);
	for (size_t i = 0; i < n; i++) {
		if (strcasecmp(rows[i].name, kw) != 0 ||
		    !in_span(rel, rows[i].since, rows[i].until))
			continue;
		if (info != NULL) {
			info->state = rows[i].state;
			info->scope = rows[i].scope;
			info->since = rows[i].since;
			info->until = rows[i].until;
			info->cite = rows[i].cite;
		}
		return rows[i].state;
	}
	if (info != NULL) {
		memset(info, 0, sizeof(*info));
		/* the next release to know it, for messages */
		for (size_t i = 0; i < n; i++)
			if (strcasecmp(rows[i].name, kw) == 0 &&
			    rows[i].since > rel && (info->since == 0 ||
			    rows[i].since < info->since)) {
				info->since = rows[i].since;
				info->cite = rows[i].cite;
			}
	}
	return RKW_UNKNOWN;
}

enum rel_kw_state
release_sshd_keyword(int rel, const char *kw, struct rel_kw_info *info)
{
	return kw_find(kwrows, sizeof(kwrows) / sizeof(kwrows[0]), rel, kw, info);
}

int
release_vendor_keyword(int rel, const char *kw, struct rel_kw_info *info)
{
	return kw_find(vendorrows, sizeof(vendorrows) / sizeof(vendorrows[0]),
	    rel, kw, info) != RKW_UNKNOWN;
}

/* Old names that stayed as aliases of the new one. */
static const struct {
	const char *old, *now;
	int rel;
	const char *cite;
} renames[] = {
	{ "pubkeyacceptedkeytypes", "pubkeyacceptedalgorithms", REL(8, 5),
	  "V_8_5_P1 ee9c0da80" },
	{ "hostbasedacceptedkeytypes", "hostbasedacceptedalgorithms", REL(8, 5),
	  "V_8_5_P1 e9f78d6b0" },
	{ "challengeresponseauthentication", "kbdinteractiveauthentication",
	  REL(8, 7), "V_8_7_P1 c73b02d92" },
};

int
release_renamed(const char *kw, const char **now, const char **cite)
{
	for (size_t i = 0; i < sizeof(renames) / sizeof(renames[0]); i++)
		if (strcasecmp(renames[i].old, kw) == 0) {
			*now = renames[i].now;
			*cite = renames[i].cite;
			return renames[i].rel;
		}
	return 0;
}

/*
 * authorized_keys options (auth-options.c: auth_parse_options() before 7.7,
 * sshauthopt_parse() from 7.7). negate: "no-NAME" is accepted too.
 * "value": NAME="..." takes an argument.
 */
static const struct {
	const char *name;
	int negate, value;
	int since;
	const char *cite;
} akrows[] = {
	{ "cert-authority", 0, 0, REL(7, 4), "V_7_4_P1" },
	{ "restrict", 0, 0, REL(7, 4), "V_7_4_P1" },
	{ "port-forwarding", 1, 0, REL(7, 4), "V_7_4_P1" },
	{ "agent-forwarding", 1, 0, REL(7, 4), "V_7_4_P1" },
	{ "x11-forwarding", 1, 0, REL(7, 4), "V_7_4_P1" },
	{ "pty", 1, 0, REL(7, 4), "V_7_4_P1" },
	{ "user-rc", 1, 0, REL(7, 4), "V_7_4_P1" },
	{ "command", 0, 1, REL(7, 4), "V_7_4_P1" },
	{ "principals", 0, 1, REL(7, 4), "V_7_4_P1" },
	{ "environment", 0, 1, REL(7, 4), "V_7_4_P1" },
	{ "from", 0, 1, REL(7, 4), "V_7_4_P1" },
	{ "permitopen", 0, 1, REL(7, 4), "V_7_4_P1" },
	{ "tunnel", 0, 1, REL(7, 4), "V_7_4_P1" },
	{ "expiry-time", 0, 1, REL(7, 7), "V_7_7_P1 abc0fa38c" },
	{ "permitlisten", 0, 1, REL(7, 8), "V_7_8_P1 93c06ab6b" },
	{ "touch-required", 1, 0, REL(8, 2), "V_8_2_P1 2e71263b8" },
	{ "verify-required", 1, 0, REL(8, 4), "V_8_4_P1 801c9f095" },
};

int
release_authkeys_option(int rel, const char *opt, int *since)
{
	size_t n = strlen(opt);
	int neg = strncasecmp(opt, "no-", 3) == 0;

	/* NAME or NAME="..." as written; the name is what counts */
	for (size_t i = 0; i < n; i++)
		if (opt[i] == '=') {
			n = i;
			break;
		}
	rel = clamp(rel);
	for (size_t i = 0; i < sizeof(akrows) / sizeof(akrows[0]); i++) {
		const char *name = opt;
		size_t len = n;

		if (neg && akrows[i].negate) {
			name += 3;
			len -= 3;
		}
		if (strlen(akrows[i].name) != len ||
		    strncasecmp(akrows[i].name, name, len) != 0)
			continue;
		if (since != NULL)
			*since = akrows[i].since;
		return rel >= akrows[i].since;
	}
	if (since != NULL)
		*since = 0;
	return 0;
}

/* Match criteria (servconf.c match_cfg_line()). */
static const struct {
	const char *name;
	int since;
	const char *cite;
} matchrows[] = {
	{ "all", REL(7, 4), "V_7_4_P1" },
	{ "user", REL(7, 4), "V_7_4_P1" },
	{ "group", REL(7, 4), "V_7_4_P1" },
	{ "host", REL(7, 4), "V_7_4_P1" },
	{ "address", REL(7, 4), "V_7_4_P1" },
	{ "localaddress", REL(7, 4), "V_7_4_P1" },
	{ "localport", REL(7, 4), "V_7_4_P1" },
	{ "rdomain", REL(7, 7), "V_7_7_P1 acf559e1c" },
	{ "invalid-user", REL(9, 9), "V_9_9_P1 0118a4da2" },
	{ "version", REL(10, 0), "V_10_0_P1 9131ac64b" },
};

int
release_match_criterion(int rel, const char *c, int *since)
{
	rel = clamp(rel);
	for (size_t i = 0; i < sizeof(matchrows) / sizeof(matchrows[0]); i++)
		if (strcasecmp(matchrows[i].name, c) == 0) {
			if (since != NULL)
				*since = matchrows[i].since;
			return rel >= matchrows[i].since;
		}
	if (since != NULL)
		*since = 0;
	return 0;
}

/* sshd.c getopt string gains 'G' in 9.3 (18938d11a), 'V' in 9.2. */
int
release_has_sshd_G(int rel)
{
	return clamp(rel) >= REL(9, 3);
}

int
release_has_sshd_V(int rel)
{
	return clamp(rel) >= REL(9, 2);
}

/* 10.4 (bebc855fd) names keywords by stringifying the CamelCase macro
 * argument, which lookup_opcode_name() then prints; the lines dump_config()
 * prints by hand stayed lower-case until 10.5 (f6acdce69). */
int
release_sshd_T_camelcase(int rel)
{
	rel = clamp(rel);
	if (rel >= REL(10, 5))
		return 2;
	return rel >= REL(10, 4);
}

/* Makefile.in: sshd-session from 9.8 (02e679a2c), sshd-auth from 10.0
 * (6072e4c93); each logs under its own program name. */
const char *const *
release_log_programs(int rel)
{
	static const char *const p74[] = { "sshd", NULL };
	static const char *const p98[] = { "sshd", "sshd-session", NULL };
	static const char *const p100[] = { "sshd", "sshd-session",
	    "sshd-auth", NULL };

	rel = clamp(rel);
	if (rel >= REL(10, 0))
		return p100;
	if (rel >= REL(9, 8))
		return p98;
	return p74;
}

/*
 * myproposal.h KEX_DEFAULT_PK_ALG (a Debian build: OpenSSL with ECC and
 * FIDO support), release by release.
 */
/* A default algorithm list as it stood from a release on. */
struct algrow {
	int since;
	const char *algs;
	const char *cite;
};

/* The list of the last row at or before rel (rows ascend; the first is
 * the oldest release modelled). */
static const char *
algs_at(const struct algrow *rows, size_t n, int rel)
{
	const char *r = rows[0].algs;

	rel = clamp(rel);
	for (size_t i = 0; i < n; i++)
		if (rel >= rows[i].since)
			r = rows[i].algs;
	return r;
}

static const struct algrow pkrows[] = {
	{ REL(7, 4),
	  "ecdsa-sha2-nistp256-cert-v01@openssh.com,"
	  "ecdsa-sha2-nistp384-cert-v01@openssh.com,"
	  "ecdsa-sha2-nistp521-cert-v01@openssh.com,"
	  "ssh-ed25519-cert-v01@openssh.com,ssh-rsa-cert-v01@openssh.com,"
	  "ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
	  "ssh-ed25519,rsa-sha2-512,rsa-sha2-256,ssh-rsa", "V_7_4_P1" },
	{ REL(7, 8),
	  "ecdsa-sha2-nistp256-cert-v01@openssh.com,"
	  "ecdsa-sha2-nistp384-cert-v01@openssh.com,"
	  "ecdsa-sha2-nistp521-cert-v01@openssh.com,"
	  "ssh-ed25519-cert-v01@openssh.com,"
	  "rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,"
	  "ssh-rsa-cert-v01@openssh.com,"
	  "ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
	  "ssh-ed25519,rsa-sha2-512,rsa-sha2-256,ssh-rsa",
	  "V_7_8_P1 4ba0d5479" },
	{ REL(8, 2),
	  "ecdsa-sha2-nistp256-cert-v01@openssh.com,"
	  "ecdsa-sha2-nistp384-cert-v01@openssh.com,"
	  "ecdsa-sha2-nistp521-cert-v01@openssh.com,"
	  "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,"
	  "ssh-ed25519-cert-v01@openssh.com,"
	  "sk-ssh-ed25519-cert-v01@openssh.com,"
	  "rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,"
	  "ssh-rsa-cert-v01@openssh.com,"
	  "ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
	  "sk-ecdsa-sha2-nistp256@openssh.com,ssh-ed25519,"
	  "sk-ssh-ed25519@openssh.com,rsa-sha2-512,rsa-sha2-256,ssh-rsa",
	  "V_8_2_P1 01a0670f6" },
	{ REL(8, 5),
	  "ssh-ed25519-cert-v01@openssh.com,"
	  "ecdsa-sha2-nistp256-cert-v01@openssh.com,"
	  "ecdsa-sha2-nistp384-cert-v01@openssh.com,"
	  "ecdsa-sha2-nistp521-cert-v01@openssh.com,"
	  "sk-ssh-ed25519-cert-v01@openssh.com,"
	  "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,"
	  "rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,"
	  "ssh-rsa-cert-v01@openssh.com,"
	  "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
	  "ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,"
	  "sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256,ssh-rsa",
	  "V_8_5_P1 12ae8f95e" },
	{ REL(8, 8),
	  "ssh-ed25519-cert-v01@openssh.com,"
	  "ecdsa-sha2-nistp256-cert-v01@openssh.com,"
	  "ecdsa-sha2-nistp384-cert-v01@openssh.com,"
	  "ecdsa-sha2-nistp521-cert-v01@openssh.com,"
	  "sk-ssh-ed25519-cert-v01@openssh.com,"
	  "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,"
	  "rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,"
	  "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
	  "ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,"
	  "sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256",
	  "V_8_8_P1 234475025" },
	{ REL(10, 3),
	  "ssh-ed25519-cert-v01@openssh.com,"
	  "ecdsa-sha2-nistp256-cert-v01@openssh.com,"
	  "ecdsa-sha2-nistp384-cert-v01@openssh.com,"
	  "ecdsa-sha2-nistp521-cert-v01@openssh.com,"
	  "sk-ssh-ed25519-cert-v01@openssh.com,"
	  "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,"
	  "webauthn-sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,"
	  "rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,"
	  "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
	  "ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,"
	  "sk-ecdsa-sha2-nistp256@openssh.com,"
	  "webauthn-sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256",
	  "V_10_3_P1 6463960c5" },
};

const char *
release_default_pubkey_algs(int rel)
{
	return algs_at(pkrows, sizeof(pkrows) / sizeof(pkrows[0]), rel);
}

/* SSH_ALLOWED_CA_SIGALGS: 7.9 (4cc259bac), reordered 8.2 (FIDO) and 8.5,
 * webauthn added 10.3. */
const char *
release_default_ca_algs(int rel)
{
	rel = clamp(rel);
	if (rel < REL(7, 9))
		return NULL;
	if (rel < REL(8, 2))
		return "ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
		    "ecdsa-sha2-nistp521,ssh-ed25519,rsa-sha2-512,rsa-sha2-256,"
		    "ssh-rsa";
	if (rel < REL(8, 5))
		return "ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
		    "ecdsa-sha2-nistp521,sk-ecdsa-sha2-nistp256@openssh.com,"
		    "ssh-ed25519,sk-ssh-ed25519@openssh.com,rsa-sha2-512,"
		    "rsa-sha2-256";
	if (rel < REL(10, 3))
		return "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
		    "ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,"
		    "sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256";
	return "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
	    "ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,"
	    "sk-ecdsa-sha2-nistp256@openssh.com,"
	    "webauthn-sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,"
	    "rsa-sha2-256";
}

/* 9.8: configure.ac --enable-dsa-keys defaults to no; 10.0: removed
 * (6c9872faa). */
int
release_has_dsa(int rel)
{
	return clamp(rel) < REL(9, 8);
}

/* 8.8 (234475025) dropped ssh-rsa from KEX_DEFAULT_PK_ALG. */
int
release_ssh_rsa_default(int rel)
{
	return clamp(rel) < REL(8, 8);
}

/* sshkey.h SSH_RSA_MINIMUM_MODULUS_SIZE: 768 until 7.5, 1024 from 7.6
 * (bd636f409); from 9.1 (1875042c5) RequiredRSASize, default 1024. */
int
release_rsa_min_bits(int rel)
{
	return clamp(rel) < REL(7, 6) ? 768 : 1024;
}

/* 9.8 (81c1099d2): per_source_penalty.enabled defaults to 1. */
int
release_penalties_default(int rel)
{
	return clamp(rel) >= REL(9, 8);
}

/* 8.7 (c73b02d92) made ChallengeResponseAuthentication an alias. */
int
release_separate_challenge_response(int rel)
{
	return clamp(rel) < REL(8, 7);
}

/*
 * myproposal.h KEX_SERVER_KEX: DH group14-sha1 dropped 8.2 (sha256 and
 * group16/18 and gex in the list since 7.4 with HAVE_EVP_SHA256);
 * sntrup761x25519 added 8.9 and first 9.0; the IANA name and ML-KEM 9.9;
 * ML-KEM first and the finite-field DH groups dropped 10.0.
 */
#define KEX_ECDH_CURVE "curve25519-sha256,curve25519-sha256@libssh.org," \
	"ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521"
#define KEX_DH "diffie-hellman-group-exchange-sha256," \
	"diffie-hellman-group16-sha512,diffie-hellman-group18-sha512," \
	"diffie-hellman-group14-sha256"

static const struct algrow kexrows[] = {
	{ REL(7, 4), KEX_ECDH_CURVE "," KEX_DH ",diffie-hellman-group14-sha1", "V_7_4_P1" },
	{ REL(8, 2), KEX_ECDH_CURVE "," KEX_DH, "V_8_2_P1" },
	{ REL(8, 9), KEX_ECDH_CURVE ",sntrup761x25519-sha512@openssh.com," KEX_DH, "V_8_9_P1" },
	{ REL(9, 0), "sntrup761x25519-sha512@openssh.com," KEX_ECDH_CURVE "," KEX_DH,
	  "V_9_0_P1" },
	{ REL(9, 9), "sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com,"
	  "mlkem768x25519-sha256," KEX_ECDH_CURVE "," KEX_DH, "V_9_9_P1" },
	{ REL(10, 0), "mlkem768x25519-sha256,sntrup761x25519-sha512,"
	  "sntrup761x25519-sha512@openssh.com," KEX_ECDH_CURVE, "V_10_0_P1" },
};

const char *
release_default_kex(int rel)
{
	return algs_at(kexrows, sizeof(kexrows) / sizeof(kexrows[0]), rel);
}

const char *
release_kex_extra(int rel)
{
	return clamp(rel) >= REL(9, 9) ? "mlkem768x25519-sha256" : "";
}

/* KEX_SERVER_ENCRYPT: GCM after CTR until 10.0, which puts it first. */
const char *
release_default_ciphers(int rel)
{
	if (clamp(rel) >= REL(10, 0))
		return "chacha20-poly1305@openssh.com,aes128-gcm@openssh.com,"
		    "aes256-gcm@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr";
	return "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,"
	    "aes128-gcm@openssh.com,aes256-gcm@openssh.com";
}

/* KEX_SERVER_MAC: the same list in every release 7.4 .. 10.5. */
const char *
release_default_macs(int rel)
{
	(void)rel;
	return "umac-64-etm@openssh.com,umac-128-etm@openssh.com,"
	    "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
	    "hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,"
	    "hmac-sha2-256,hmac-sha2-512,hmac-sha1";
}
