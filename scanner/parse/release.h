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

#endif
