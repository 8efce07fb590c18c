/* sshmisc.h - OpenSSH's small helpers (misc.c), one copy for every parser:
 * strtonum, a2port, convtime. Pure: no I/O. */
#ifndef KA_SSHMISC_H
#define KA_SSHMISC_H

/* OpenBSD strtonum(): a decimal number within [lo, hi]. NULL with *out,
 * or the word sshd prints ("invalid", "too small", "too large"). */
const char *ssh_strtonum(const char *s, long long lo, long long hi, long long *out);

/* misc.c a2port(): a port 0-65535, or a TCP service name as getservbyname()
 * knows it on Debian (netbase's /etc/services, built in: a parser reads no
 * files); -1 otherwise. */
int ssh_a2port(const char *s);

/* misc.c convtime(): "90", "1h30m", "2w" to seconds (at most INT_MAX); -1
 * when invalid. */
int ssh_convtime(const char *s);

/* misc.c percent_expand(): "%%" is "%", "%X" the value kv pairs give for
 * X (kv: "X", "value", ..., NULL). NULL when a token is not in kv or a
 * '%' ends the string (sshd's fatal_f("failed") there), with the token's
 * letter (or '\0' for a trailing '%') in *bad. Caller frees. */
char *ssh_percent_expand(const char *s, const char *const *kv, char *bad);

#endif
