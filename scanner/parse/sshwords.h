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
/* The same with terminate_on_comment=0: a '#' is a character like any
 * other (how sshd splits AuthorizedKeysCommand, auth2-pubkey.c). */
int ssh_argv_split_all(const char *s, int max, char ***avp, int *acp);
void ssh_argv_free(char **av, int ac);

/*
 * One configuration line as the reader met it, in reading order with each
 * Include's files where the Include stands: what checks need to judge the
 * text itself (keywords sshd ignores, a line that loses to an earlier one,
 * where a new line would take effect). Both readers fill a list of these
 * as they parse; evaluation stays theirs.
 */
struct ssh_directive {
	const char *file;	/* owned by the reader's result */
	int line;
	char *keyword;		/* lower-case */
	char *spelled;		/* the keyword as written */
	char *args;		/* the rest of the line as written (after the
				 * keyword and its '=', trailing blanks cut) */
	char **av;		/* args as ssh_argv_split() splits them */
	int ac;			/* -1: not split (a quote does not close, or
				 * more than max_args words); av NULL */
	/* The Match (or, for ssh_config, Host) line whose block holds this
	 * one, as an index into the list; a block line is its own. -1: the
	 * top of its file, outside any block. A block runs to the next block
	 * line or the end of its file; an included file starts in the block
	 * its Include stands in, and its own blocks end with it. */
	long block;
	int depth;		/* Include depth: 0 in a file read first-hand */
	int user;		/* ssh_config: from the user's files */
};

struct ssh_directives {
	struct ssh_directive *v;
	size_t n, cap;
};

/* Append a line: keyword and rest as the reader split them (rest may be
 * NULL); the words are split here. Returns the new entry. */
struct ssh_directive *ssh_directives_add(struct ssh_directives *l, const char *file,
    int line, const char *keyword, const char *rest, int max_args);
void ssh_directives_free(struct ssh_directives *l);

#endif
