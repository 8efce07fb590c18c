/* fuzz_sshdconf.c - libFuzzer target: any bytes as /etc/ssh/sshd_config.
 * Include patterns "match" themselves, so including the main file recurses
 * (into the depth limit and the directive budget); any other name reads as
 * ENOENT. The effective configuration is then built for a few connections
 * and printed: nothing may crash, hang or leak. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/parse/sshdconf.h"

#define MAIN "/etc/ssh/sshd_config"

struct input {
	const char *data;
	size_t len;
};

static int
in_read(void *arg, const char *path, const char **data, size_t *len)
{
	const struct input *in = arg;

	if (strcmp(path, MAIN) != 0) {
		errno = ENOENT;
		return -1;
	}
	*data = in->data;
	*len = in->len;
	return 0;
}

static int
in_glob(void *arg, const char *pattern, struct strlist *out)
{
	(void)arg;
	strlist_add(out, pattern);
	return 0;
}

static const char *
in_home(void *arg, const char *name)
{
	(void)arg;
	return name == NULL || strcmp(name, "root") == 0 ? "/root" : NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { (const char *)data, size };
	struct sshdconf_io io = { .read = in_read, .glob = in_glob,
	    .home_of = in_home, .ctx = &in };
	const char *groups[] = { "wheel", "alice" };
	struct sshd_conn conns[3];
	struct sshd_config *c;
	struct buf out;

	memset(conns, 0, sizeof(conns));
	conns[0].user = "root";
	conns[0].addr = "10.1.2.3";
	conns[0].host = "Web1.Example.com";
	conns[0].lport = 22;
	conns[0].laddr = "192.0.2.1";
	conns[0].rdomain = "0";
	conns[1].user = "alice";
	conns[1].addr = "2001:db8::1";
	conns[1].groups = groups;
	conns[1].ngroups = 2;
	conns[2].user = "nobody";
	conns[2].invalid_user = 1;

	c = sshdconf_parse(MAIN, &io);
	for (size_t i = 0; i < sshdconf_nerrors(c); i++)
		(void)strlen(sshdconf_error_at(c, i)->msg);
	for (int k = -1; k < 3; k++) {
		struct sshd_eff *e = sshdconf_effective(c, k < 0 ? NULL : &conns[k]);
		char *o;

		buf_init(&out);
		sshd_eff_dump(e, &out);
		buf_free(&out);
		(void)sshd_eff_bool(e, "pubkeyauthentication");
		(void)sshd_eff_accepts_alg(e, "rsa-sha2-512");
		(void)sshd_eff_str(e, "authorizedkeysfile");
		o = sshd_eff_origin(e, "passwordauthentication");
		free(o);
		sshd_eff_free(e);
	}
	sshdconf_free(c);
	return 0;
}
