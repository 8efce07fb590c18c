/* remedy.h - what to do about a finding, as data.
 *
 * A check attaches actions to its finding; the text, JSON, JUnit and SARIF
 * reports and the fix script all render these same actions, so the command a
 * person reads, the one a script runs and the one a test applies are one argv.
 * Three kinds: a command (argv, where it runs, as whom, and what the path it
 * changes was when scanned), an edit of one configuration line, and prose for
 * what is a decision (unlocking an account, widening a shared directory,
 * anything a hostile user could have steered). Nothing here does I/O. */
#ifndef KA_REMEDY_H
#define KA_REMEDY_H

#include <stdint.h>

#include "scanner/util.h"

enum ka_act_kind {
	ACT_RUN = 0,
	ACT_EDIT,
	ACT_MANUAL,
};

enum ka_act_where {
	ACT_SERVER = 0,		/* on the audited host */
	ACT_CLIENT,		/* where the user logs in from */
};

/* The path a command changes, as the scan saw it: canonical, reached
 * without a symlink, its type ('f' regular file, 'd' directory, 'n' not
 * there yet: a file the command creates) and owner.
 * The fix script acts only while the path still is exactly that. */
struct ka_act_target {
	char *path;		/* NULL: the command changes no path */
	char type;
	uint32_t uid;
};

struct ka_action {
	enum ka_act_kind kind;
	enum ka_act_where where;
	int as_user;		/* ACT_RUN: as the account, not as root */
	struct strlist argv;	/* ACT_RUN */
	struct ka_act_target target;
	char *text;		/* ACT_MANUAL: the decision, in words; ACT_EDIT:
				 * how a person reads the edit, or NULL */
	/* ACT_EDIT: lines `line`.. of `file` read `old` when scanned (one
	 * line, or consecutive lines joined by '\n': a key wrapped over
	 * them); they become `repl` (NULL: they are deleted). old NULL: an
	 * insertion, `repl` becomes line `line` (one past the end appends;
	 * a file of target type 'n' is created). as_user: the account edits
	 * its own file (authorized_keys), else root edits one of sshd's
	 * root-owned files, and `config` is the main sshd_config to check
	 * with sshd -t (then reload). The target, when set, is what the
	 * file was when scanned and that it may be edited by the fix script. */
	char *file;
	long line;
	char *old;
	char *repl;
	char *config;
};

struct ka_remedy {
	struct ka_action *v;
	size_t n;
};

void remedy_free(struct ka_remedy *r);
void remedy_copy(struct ka_remedy *dst, const struct ka_remedy *src);

/* A command; argv ends with NULL. Returns the action (to set its target),
 * or NULL when r is NULL (a finding whose rule is off). */
struct ka_action *remedy_run(struct ka_remedy *r, enum ka_act_where where,
    int as_user, const char *arg0, ...) __attribute__((sentinel));
struct ka_action *remedy_manual(struct ka_remedy *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void action_target(struct ka_action *a, const char *path, char type, uint32_t uid);
/* An edit (see struct ka_action); old NULL inserts. text: how a person
 * reads it (NULL: a plain rendering). NULL when r is NULL. */
struct ka_action *remedy_edit(struct ka_remedy *r, int as_user, const char *file,
    long line, const char *old, const char *repl, const char *config,
    const char *text);
/* How many lines an edit's old text spans (0 for an insertion). */
long action_old_lines(const struct ka_action *a);
/* A decision for a person, with the command that carries it out when the
 * answer is yes (argv ends with NULL; its words are quoted when shown):
 * prose, never run by the fix script. */
struct ka_action *remedy_decide(struct ka_remedy *r, const char *const *argv,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Can a name a host chose stand as one argument of a printed command? Not
 * empty, no leading '-' (it would read as an option), and shown as it is
 * (str_shows_as_is: no control byte, no invalid UTF-8, no bidi or
 * invisible character), so the command a person reads is the one that runs. */
int remedy_word_ok(const char *s);

/* One action as a person reads it: the command with every word
 * shell-quoted as needed ("on the client: ..." for client commands), the
 * prose, or the edit. Caller frees. */
char *action_text(const struct ka_action *a);
/* The command alone, words quoted; NULL for prose and edits. */
char *action_command(const struct ka_action *a);
/* Every action, in order, joined with "; then ". NULL when there is none. */
char *remedy_text(const struct ka_remedy *r);

#endif
