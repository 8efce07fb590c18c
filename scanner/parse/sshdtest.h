/* sshdtest.h - what the target's own sshd said about its configuration:
 * the complaints `sshd -t` (or `sshd -G`) printed on stderr, with the
 * file:line each names, and the version in the network banner against the
 * one compiled into the binary. Pure functions over text. */
#ifndef KA_SSHDTEST_H
#define KA_SSHDTEST_H

#include <stddef.h>

/* One complaint, one stderr line. */
struct sshdtest_msg {
	char *file;		/* the file sshd names, or NULL */
	long line;		/* its line; 0 when sshd names none */
	char *text;		/* the whole line, printable */
};

/* At most max complaints of err (sshd's stderr) into out, in order; the
 * count. Blank lines are dropped, and so is sshd's closing "FILE:
 * terminating, N bad configuration options" when another line says
 * more. */
size_t sshdtest_parse(const char *err, struct sshdtest_msg *out, size_t max);
void sshdtest_free(struct sshdtest_msg *m, size_t n);

/* Does err say only that sshd's surroundings are not ready rather than
 * that its configuration is wrong? "Missing privilege separation
 * directory: /run/sshd" is sshd -t's answer on a host where sshd is not
 * running (the service makes the directory when it starts: Debian's
 * RuntimeDirectory=sshd): not a refusal of the configuration. */
int sshdtest_environmental(const char *err);

/*
 * Does the version in a network banner ("SSH-2.0-OpenSSH_9.2p1
 * Debian-2+deb12u3") differ from the binary's ("OpenSSH_9.2p1
 * Debian-2+deb12u5")? 1 differs, 0 the same, -1 cannot tell (either is not
 * an OpenSSH version). A banner may say less than the binary and still be
 * the same sshd: without the portable suffix (Red Hat's "OpenSSH_8.7"),
 * without the vendor's word (Debian's DebianBanner no), or with a
 * VersionAddendum after it; the vendor words are compared only when both
 * name the same vendor ("Debian-2+deb12u3" against "Debian-2+deb12u5").
 */
int sshdtest_version_differs(const char *banner, const char *binary);

#endif
