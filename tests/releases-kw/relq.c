/* relq.c - keyaudit's release verdicts for tests/releases-kw/run.sh, which
 * compares them with each Debian root's own sshd:
 *   relq kw REL KEYWORD     the table: ok|deprecated|unsupported|ignore|unknown
 *                           and G (global only) or A (also in Match)
 *   relq conf REL FILE      the engine: sshdconf_parse() of FILE at REL, "ok"
 *                           or its first error
 *   relq ak REL OPTION      the table: known|unknown
 *   relq dump REL FILE      the engine's global effective configuration, as
 *                           sshd -T prints it
 *   relq -                  each stdin line "CMD REL ARG" as above, one
 *                           answer line each (conf: errors on one line)
 * REL is "8.4". Test code: it reads FILE from disk. */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/util.h"
#include "scanner/parse/release.h"
#include "scanner/parse/sshdconf.h"

static char filebuf[1 << 20];

static int
disk_read(void *arg, const char *path, const char **data, size_t *len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	(void)arg;
	if (f == NULL)
		return -1;
	n = fread(filebuf, 1, sizeof(filebuf) - 1, f);
	fclose(f);
	filebuf[n] = '\0';
	*data = filebuf;
	*len = n;
	return 0;
}

static int
disk_glob(void *arg, const char *pattern, struct strlist *out)
{
	glob_t g;

	(void)arg;
	if (glob(pattern, 0, NULL, &g) == 0)
		for (size_t i = 0; i < g.gl_pathc; i++)
			strlist_add(out, g.gl_pathv[i]);
	globfree(&g);
	return 0;
}

static const char *
disk_home(void *arg, const char *name)
{
	(void)arg;
	(void)name;
	return "/root";
}

static const char *
state_name(enum rel_kw_state s)
{
	switch (s) {
	case RKW_OK: return "ok";
	case RKW_DEPRECATED: return "deprecated";
	case RKW_UNSUPPORTED: return "unsupported";
	case RKW_IGNORE: return "ignore";
	default: return "unknown";
	}
}

static int one(int argc, char **argv);

int
main(int argc, char **argv)
{
	char line[4096];

	if (argc != 2 || strcmp(argv[1], "-") != 0)
		return one(argc, argv);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		char *v[4] = { argv[0], NULL, NULL, NULL }, *save = NULL;

		line[strcspn(line, "\n")] = '\0';
		v[1] = strtok_r(line, " ", &save);
		v[2] = strtok_r(NULL, " ", &save);
		v[3] = strtok_r(NULL, "", &save);
		if (v[3] == NULL || one(4, v) != 0)
			printf("?\n");
		fflush(stdout);
	}
	return 0;
}

static int
one(int argc, char **argv)
{
	int rel;

	if (argc != 4 || (rel = release_parse(xasprintf("OpenSSH_%s", argv[2]))) == 0) {
		fprintf(stderr, "usage: relq kw|conf|ak REL ARG\n");
		return 2;
	}
	if (strcmp(argv[1], "kw") == 0) {
		struct rel_kw_info i;
		enum rel_kw_state s = release_sshd_keyword(rel, argv[3], &i);

		if (s == RKW_UNKNOWN && release_vendor_keyword(rel, argv[3], &i))
			s = i.state;
		printf("%s %s\n", state_name(s), s == RKW_UNKNOWN ? "-" :
		    (i.scope & RKW_MATCH) ? "A" : "G");
	} else if (strcmp(argv[1], "ak") == 0) {
		printf("%s\n", release_authkeys_option(rel, argv[3], NULL) ?
		    "known" : "unknown");
	} else if (strcmp(argv[1], "conf") == 0) {
		struct sshdconf_io io = { .read = disk_read, .glob = disk_glob,
		    .home_of = disk_home, .release = rel };
		struct sshd_config *c = sshdconf_parse(argv[3], &io);

		if (sshdconf_nerrors(c) == 0)
			printf("ok\n");
		else
			printf("%s\n", sshdconf_error_at(c, 0)->msg);
		sshdconf_free(c);
	} else if (strcmp(argv[1], "dump") == 0) {
		struct sshdconf_io io = { .read = disk_read, .glob = disk_glob,
		    .home_of = disk_home, .release = rel };
		struct sshd_config *c = sshdconf_parse(argv[3], &io);
		struct sshd_eff *e = sshdconf_effective(c, NULL);
		struct buf b = { 0 };

		sshd_eff_dump(e, &b);
		fwrite(b.data, 1, b.len, stdout);
		buf_free(&b);
		sshd_eff_free(e);
		sshdconf_free(c);
	} else
		return 2;
	return 0;
}
