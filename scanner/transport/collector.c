/* collector.c - the collector script as a C string, and the parameters it
 * reads on stdin. The script lives in collector.sh; the Makefile turns it
 * into collector.inc (one string literal per line) with sed, so it can be
 * run and tested as a plain shell script too. */
#include <stdlib.h>
#include <string.h>

#include "scanner/transport/collector.h"

const char collector_script[] =
#include "collector.inc"
    ;

/* A parameter travels as one line: refuse what would end or split it. */
static int
param_ok(const char *what, const char *v, char **err)
{
	if (strchr(v, '\n') != NULL || strchr(v, '\r') != NULL) {
		char *pr = str_printable(v, strlen(v));
		*err = xasprintf("%s %s: a line break cannot be passed to the "
		    "collector", what, pr);
		free(pr);
		return -1;
	}
	return 0;
}

char *
collector_params(const struct collect_opts *o, int run_sshd_t, int deadline_s,
    size_t *len, char **err)
{
	const char *cfg = o->sshd_config ? o->sshd_config : "/etc/ssh/sshd_config";
	struct buf b;

	*err = NULL;
	buf_init(&b);
	buf_puts(&b, "keyaudit-collect 1\n");
	if (param_ok("--sshd-config", cfg, err) != 0)
		goto fail;
	buf_printf(&b, "config %s\n", cfg);
	if (o->all_users)
		buf_puts(&b, "all\n");
	else if (o->users != NULL) {
		for (size_t i = 0; i < o->users->n; i++) {
			if (param_ok("--user", o->users->v[i], err) != 0)
				goto fail;
			if (o->users->v[i][0] == '\0')
				continue;
			buf_printf(&b, "user %s\n", o->users->v[i]);
		}
	}
	if (o->from_addr != NULL) {
		if (param_ok("--from", o->from_addr, err) != 0)
			goto fail;
		buf_printf(&b, "from %s\n", o->from_addr);
	}
	buf_printf(&b, "sshdt %d\n", run_sshd_t ? 1 : 0);
	if (deadline_s > 0)
		buf_printf(&b, "deadline %d\n", deadline_s);
	if (o->logs) {
		buf_puts(&b, "logs\n");
		for (size_t i = 0; o->log_files != NULL && i < o->log_files->n; i++) {
			if (param_ok("--auth-log", o->log_files->v[i], err) != 0)
				goto fail;
			buf_printf(&b, "logfile %s\n", o->log_files->v[i]);
		}
	}
	buf_puts(&b, "end\n");
	*len = b.len;
	return buf_steal(&b);
fail:
	buf_free(&b);
	return NULL;
}
