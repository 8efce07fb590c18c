/* fuzz_clientconf.c - libFuzzer target: any bytes as an ssh_config -F file.
 * Every Include pattern "matches" the file itself, so includes recurse into
 * the depth limit and the file and byte budgets. The configuration is then
 * resolved for a few hosts and users: nothing may crash, hang or leak, and
 * every error is one line. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/parse/clientconf.h"

#define MAIN "/fuzz/config"

struct input {
	const char *data;
	size_t len;
};

static int
in_read(void *ctx, const char *path, int checkperm, char **data, size_t *len)
{
	const struct input *in = ctx;

	(void)checkperm;
	if (strcmp(path, MAIN) != 0) {
		errno = strstr(path, "perm") ? EPERM : ENOENT;
		return -1;
	}
	*data = malloc(in->len + 1);
	if (*data == NULL)
		abort();
	memcpy(*data, in->data, in->len);
	*len = in->len;
	return 0;
}

static int
in_glob(void *ctx, const char *pattern, struct strlist *out)
{
	(void)ctx;
	if (strstr(pattern, "fail") != NULL)
		return -1;
	strlist_add(out, strstr(pattern, "self") ? MAIN : pattern);
	return 0;
}

static const char *
in_home(void *ctx, const char *name)
{
	(void)ctx;
	return strcmp(name, "bob") == 0 ? "/home/bob" : NULL;
}

static const char *
in_env(void *ctx, const char *name)
{
	(void)ctx;
	return strcmp(name, "HOME") == 0 ? "/home/alice" : NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const hosts[][2] = {
		{ "web", NULL }, { "Web.Example", "root" }, { "127.1", "bob" },
		{ "::1", NULL }, { "a*b", "x" },
	};
	struct input in = { (const char *)data, size };
	struct clientconf_io io = { in_read, in_glob, in_home, in_env, NULL, NULL, &in };
	const char *files[] = { MAIN };
	struct clientconf *c;
	char *err = NULL;

	c = clientconf_load(files, 1, "/home/alice", "alice", &io, &err);
	if (c == NULL) {
		if (err == NULL || strchr(err, '\n') != NULL)
			abort();
		free(err);
		return 0;
	}
	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		struct client_host h;

		err = NULL;
		if (clientconf_resolve(c, hosts[i][0], hosts[i][1], (int)i * 1000, &h,
		    &err) == 0) {
			if (h.hostname == NULL || h.user == NULL || h.port <= 0)
				abort();
			if (h.proxy_jump != NULL) {
				char *e = NULL, *u = NULL, *hh = NULL;
				int p;
				if (clientconf_jump_split(h.proxy_jump, &e, &u, &hh, &p) != 0)
					abort();
				free(e);
				free(u);
				free(hh);
			}
			client_host_free(&h);
		} else if (err == NULL || strchr(err, '\n') != NULL)
			abort();
		free(err);
	}
	clientconf_free(c);
	return 0;
}
