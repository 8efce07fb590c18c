/* fuzz_pam.c - libFuzzer target: any bytes as a pam.d file (with itself as
 * every file it includes, so include loops and depth are met), walked with
 * results from the bytes; and as access.conf, time.conf, faillock.conf and a
 * faillock tally. Nothing may crash, hang or leak. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/parse/pam.h"
#include "scanner/util.h"

struct in {
	const char *data;
	size_t len;
};

static int
rd(void *arg, const char *path, const char **data, size_t *len)
{
	const struct in *in = arg;

	if (strstr(path, "missing") != NULL) {
		errno = ENOENT;
		return -1;
	}
	*data = in->data;
	*len = in->len;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *buf, size_t size)
{
	char *s = xstrndup((const char *)buf, size);
	struct in in = { s, strlen(s) };
	struct pam_stack st;
	struct pam_verdict v;
	struct strlist a = { 0 }, b = { 0 }, c = { 0 };
	const char *groups[] = { "kam1", "wheel" };
	struct pam_access_who aw = { "kam1", groups, 2, "192.0.2.1", ':', ',', 0 };
	struct pam_time_who tw = { "sshd", "ssh", "kam1", 1767225600 };
	struct pam_faillock_opts o;
	struct pam_tally t;
	int *res, line;

	pam_stack_load(&st, PAM_T_ACCOUNT, "/etc/pam.d", "sshd", rd, &in);
	res = xcalloc(st.n ? st.n : 1, sizeof(*res));
	for (size_t i = 0; i < st.n; i++)
		res[i] = size > 0 ? (int)(buf[i % size] % 34) - 2 : 0;	/* -2..31 */
	for (size_t i = 0; i < st.n; i++)
		if (res[i] < -1)
			res[i] = -1;
	pam_stack_decide(&st, res, &v);
	pam_verdict_free(&v);
	free(res);
	pam_stack_free(&st);
	pam_file_includes(s, in.len, "/etc/pam.d", &a);
	pam_file_paths(s, in.len, &a, &b, &c);
	strlist_free(&a);
	strlist_free(&b);
	strlist_free(&c);
	(void)pam_access_eval(s, in.len, &aw, &line);
	aw.from = NULL;
	(void)pam_access_eval(s, in.len, &aw, &line);
	(void)pam_time_eval(s, in.len, &tw, &line);
	pam_faillock_defaults(&o);
	pam_faillock_conf(&o, s, in.len);
	pam_tally_eval(buf, size, &o, 0, 1767225600, &t);
	pam_faillock_free(&o);
	free(s);
	return 0;
}
