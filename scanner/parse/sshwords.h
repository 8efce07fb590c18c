/* sshwords.h - how OpenSSH splits a configuration line into words, shared
 * by the sshd_config (sshdconf.c) and ssh_config (clientconf.c) readers:
 * strdelim() for keywords and Match criteria, argv_split() for arguments. */
#ifndef KA_SSHWORDS_H
#define KA_SSHWORDS_H

#include <stddef.h>

/* misc.c strdelim(): the next word of *s, split on blanks, on one '=' and
 * around a double-quoted string; modifies the string like strsep(). NULL
 * at the end or on an unterminated quote. */
char *ssh_strdelim(char **s);

/* misc.c argv_split(s, terminate_on_comment=1): blank-separated words,
 * single or double quotes, a backslash escaping a quote, a backslash or
 * (out of quotes) a blank; '#' at the start of a word ends the line.
 * 0 with the words in *avp and their count in *acp (free them with
 * ssh_argv_free); -1 on an unterminated quote,
 * -2 past max words. */
int ssh_argv_split(const char *s, int max, char ***avp, int *acp);
void ssh_argv_free(char **av, int ac);

#endif
