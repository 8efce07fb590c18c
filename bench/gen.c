/* gen.c - benchmark input: a snapshot with N accounts and K authorized_keys
 * lines each (mixed key types and options, from a pool of real keys), and
 * the same lines in one flat file for ssh-keygen -l -f.
 *
 * usage: gen POOL.pub ACCOUNTS LINES_PER_ACCOUNT SNAPSHOT.json FLAT.txt */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const options[] = {
	"",
	"no-pty ",
	"restrict ",
	"from=\"10.0.0.0/8,192.168.1.*\" ",
	"command=\"/usr/bin/rsync --server\",no-agent-forwarding ",
	"expiry-time=\"20991231\" ",
	"no-port-forwarding,no-X11-forwarding ",
	"environment=\"LANG=C\" ",
	"expiry-time=\"20200101\" ",
	"nosuchoption ",
};

static void
json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

int
main(int argc, char **argv)
{
	char **pool = NULL, line[16384];
	size_t npool = 0;
	long naccts, per;
	FILE *in, *snap, *flat;

	if (argc != 6) {
		fprintf(stderr, "usage: gen POOL ACCOUNTS LINES SNAPSHOT FLAT\n");
		return 2;
	}
	if ((in = fopen(argv[1], "r")) == NULL)
		return perror(argv[1]), 2;
	while (fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\n")] = '\0';
		if (!*line)
			continue;
		pool = realloc(pool, (npool + 1) * sizeof(*pool));
		pool[npool++] = strdup(line);
	}
	fclose(in);
	naccts = atol(argv[2]);
	per = atol(argv[3]);
	if (npool == 0 || naccts <= 0 || per <= 0)
		return 2;
	if ((snap = fopen(argv[4], "w")) == NULL || (flat = fopen(argv[5], "w")) == NULL)
		return perror("output"), 2;

	fprintf(snap, "{\"keyaudit_snapshot\":1,\"target\":\"bench\",\"hostname\":\"bench\","
	    "\"transport\":\"local\",\"collected_at\":1767225600,\"sshd_version\":"
	    "\"OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.11 19 Sep 2023\","
	    "\"sshd_config_path\":\"/etc/ssh/sshd_config\",\"privileged\":true,"
	    "\"accounts_known\":true,\"accounts\":[");
	for (long i = 0; i < naccts; i++)
		fprintf(snap, "%s{\"name\":\"u%05ld\",\"uid\":%ld,\"gid\":%ld,\"home\":"
		    "\"/home/u%05ld\",\"shell\":\"/bin/bash\",\"shadow\":{\"locked\":false,"
		    "\"expire\":-1}}", i ? "," : "", i, 10000 + i, 10000 + i, i);
	fprintf(snap, "],\"groups\":[");
	for (long i = 0; i < naccts; i++)
		fprintf(snap, "%s{\"name\":\"u%05ld\",\"gid\":%ld,\"members\":[]}",
		    i ? "," : "", i, 10000 + i);
	fprintf(snap, "],\"users\":[");
	for (long i = 0; i < naccts; i++)
		fprintf(snap, "%s\"u%05ld\"", i ? "," : "", i);
	fprintf(snap, "],\"files\":["
	    "{\"path\":\"/\",\"type\":\"dir\",\"mode\":\"0755\",\"uid\":0,\"gid\":0},"
	    "{\"path\":\"/home\",\"type\":\"dir\",\"mode\":\"0755\",\"uid\":0,\"gid\":0},"
	    "{\"path\":\"/bin\",\"type\":\"dir\",\"mode\":\"0755\",\"uid\":0,\"gid\":0},"
	    "{\"path\":\"/bin/bash\",\"type\":\"file\",\"mode\":\"0755\",\"uid\":0,\"gid\":0},"
	    "{\"path\":\"/etc\",\"type\":\"dir\",\"mode\":\"0755\",\"uid\":0,\"gid\":0},"
	    "{\"path\":\"/etc/ssh\",\"type\":\"dir\",\"mode\":\"0755\",\"uid\":0,\"gid\":0},"
	    "{\"path\":\"/etc/ssh/sshd_config\",\"type\":\"file\",\"mode\":\"0644\",\"uid\":0,"
	    "\"gid\":0,\"content\":\"Include /etc/ssh/sshd_config.d/*.conf\\nKbdInteractiveAuthentication no\\n"
	    "UsePAM yes\\nPasswordAuthentication no\\n\"}");
	for (long i = 0; i < naccts; i++) {
		long uid = 10000 + i;
		fprintf(snap, ",{\"path\":\"/home/u%05ld\",\"type\":\"dir\",\"mode\":\"0755\","
		    "\"uid\":%ld,\"gid\":%ld}", i, uid, uid);
		fprintf(snap, ",{\"path\":\"/home/u%05ld/.ssh\",\"type\":\"dir\",\"mode\":\"%s\","
		    "\"uid\":%ld,\"gid\":%ld}", i, i % 97 == 0 ? "0777" : "0700", uid, uid);
		fprintf(snap, ",{\"path\":\"/home/u%05ld/.ssh/authorized_keys2\",\"type\":\"missing\"}", i);
		fprintf(snap, ",{\"path\":\"/home/u%05ld/.ssh/authorized_keys\",\"type\":\"file\","
		    "\"mode\":\"0600\",\"uid\":%ld,\"gid\":%ld,\"size\":0,\"mtime\":1700000000,"
		    "\"content\":", i, uid, uid);
		{
			char *content = NULL;
			size_t clen = 0;
			FILE *m = open_memstream(&content, &clen);
			for (long k = 0; k < per; k++) {
				size_t idx = (size_t)(i * per + k);
				const char *opt = options[(idx * 7) % (sizeof(options) / sizeof(*options))];
				fprintf(m, "%s%s\n", opt, pool[idx % npool]);
				fprintf(flat, "%s%s\n", opt, pool[idx % npool]);
			}
			fclose(m);
			json_str(snap, content);
			free(content);
		}
		fputc('}', snap);
	}
	fprintf(snap, "],\"globs\":[{\"pattern\":\"/etc/ssh/sshd_config.d/*.conf\",\"matches\":[]}],"
	    "\"client_keys\":[]}\n");
	fclose(snap);
	fclose(flat);
	return 0;
}
