/* usagelog_bench.c - the benchmark's driver for scanner/parse/usagelog.c (run by
 * bench/usagelog.sh).
 *
 *   usagelog_bench [-v] FILE...   reads each file with usagelog_read_file and
 *                                 prints the accepted logins and keys found,
 *                                 as grep -c prints its count; -v lists the
 *                                 keys too, to look at a log
 *   usagelog_bench -g MB FILE     writes an auth.log of about MB megabytes:
 *                                 a busy host's mix, ~5% of its lines
 *                                 "Accepted publickey" over 3,000 users and
 *                                 ~6,000 keys, the rest other sshd, PAM,
 *                                 cron, sudo and kernel lines */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scanner/parse/usagelog.h"
#include "scanner/fileio.h"

#define USERS	3000

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

/* xorshift64: the same file on every run */
static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned
below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

/* A key's fingerprint: 43 base64 digits from its number. */
static void
fingerprint(unsigned user, unsigned key, char out[44])
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint64_t h = (user * 7919ULL + key) * 0x9e3779b97f4a7c15ULL + 1;

	for (int i = 0; i < 43; i++) {
		h ^= h >> 29;
		h *= 0xbf58476d1ce4e5b9ULL;
		out[i] = b64[(h >> 40) & 63];
	}
	out[43] = '\0';
}

static void
addr(char *out, size_t n)
{
	snprintf(out, n, "%u.%u.%u.%u", 10 + below(200), below(256), below(256),
	    1 + below(254));
}

static int
generate(unsigned long mb, const char *path)
{
	static const char *const types[] = { "ED25519", "RSA", "ECDSA", "ED25519" };
	FILE *f = fopen(path, "w");
	unsigned long long want = (unsigned long long)mb * 1000000, done = 0;
	/* a month of logs ending before now, so that syslog's yearless dates
	 * read as this year's; ~3 lines a second fill 1 GB in that month */
	time_t t = time(NULL) / 86400 * 86400 - 40 * 86400, t0 = t;
	unsigned pid = 1000;

	if (f == NULL) {
		perror(path);
		return 1;
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	while (done < want) {
		char ts[32], a[32], fp[44], user[16];
		unsigned r = below(1000), uid = below(USERS), key = below(2 + uid % 2);
		struct tm tm;
		int n;

		t += below(3) == 0;
		gmtime_r(&t, &tm);
		strftime(ts, sizeof(ts), "%b %e %H:%M:%S", &tm);
		snprintf(user, sizeof(user), "u%04u", uid);
		addr(a, sizeof(a));
		fingerprint(uid, key, fp);
		pid = 1000 + below(60000);
		if (r < 50)
			/* LogLevel VERBOSE: the key's line just before the login */
			n = fprintf(f, "%s web01 sshd[%u]: Accepted key %s SHA256:%s found at "
			    "/home/%s/.ssh/authorized_keys:%u\n"
			    "%s web01 sshd[%u]: Accepted publickey for %s from %s "
			    "port %u ssh2: %s SHA256:%s\n", ts, pid, types[key], fp,
			    user, key + 1, ts, pid, user, a, 1024 + below(60000),
			    types[key], fp);
		else if (r < 100)
			n = fprintf(f, "%s web01 sshd[%u]: Connection from %s port %u on "
			    "10.0.0.5 port 22 rdomain \"\"\n", ts, pid, a,
			    1024 + below(60000));
		else if (r < 105)
			n = fprintf(f, "%s web01 sshd[%u]: Accepted password for %s from %s "
			    "port %u ssh2\n", ts, pid, user, a, 1024 + below(60000));
		else if (r < 250)
			n = fprintf(f, "%s web01 sshd[%u]: Failed password for invalid user "
			    "admin%u from %s port %u ssh2\n", ts, pid, below(100), a,
			    1024 + below(60000));
		else if (r < 330)
			n = fprintf(f, "%s web01 sshd[%u]: Invalid user admin%u from %s port "
			    "%u\n", ts, pid, below(100), a, 1024 + below(60000));
		else if (r < 420)
			n = fprintf(f, "%s web01 sshd[%u]: Connection closed by invalid user "
			    "admin%u %s port %u [preauth]\n", ts, pid, below(100), a,
			    1024 + below(60000));
		else if (r < 480)
			n = fprintf(f, "%s web01 sshd[%u]: pam_unix(sshd:session): session "
			    "opened for user %s(uid=%u) by (uid=0)\n", ts, pid, user,
			    2000 + uid);
		else if (r < 540)
			n = fprintf(f, "%s web01 sshd[%u]: Received disconnect from %s port "
			    "%u:11: disconnected by user\n", ts, pid, a, 1024 + below(60000));
		else if (r < 600)
			n = fprintf(f, "%s web01 sshd[%u]: Disconnected from user %s %s port "
			    "%u\n", ts, pid, user, a, 1024 + below(60000));
		else if (r < 700)
			n = fprintf(f, "%s web01 CRON[%u]: pam_unix(cron:session): session "
			    "opened for user root(uid=0) by (uid=0)\n", ts, pid);
		else if (r < 800)
			n = fprintf(f, "%s web01 CRON[%u]: pam_unix(cron:session): session "
			    "closed for user root\n", ts, pid);
		else if (r < 900)
			n = fprintf(f, "%s web01 kernel: [%u.%06u] [UFW BLOCK] IN=eth0 OUT= "
			    "MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=%s "
			    "DST=10.0.0.5 LEN=40 TOS=0x00 PREC=0x00 TTL=245 ID=%u PROTO=TCP "
			    "SPT=%u DPT=23 WINDOW=1024 RES=0x00 SYN URGP=0\n", ts,
			    (unsigned)(t - t0), below(1000000), a, below(65536),
			    1024 + below(60000));
		else if (r < 950)
			n = fprintf(f, "%s web01 systemd-logind[612]: New session %u of user "
			    "%s.\n", ts, below(100000), user);
		else
			n = fprintf(f, "%s web01 sudo:    %s : TTY=pts/%u ; PWD=/home/%s ; "
			    "USER=root ; COMMAND=/usr/bin/systemctl restart nginx\n", ts,
			    user, below(8), user);
		if (n < 0)
			break;
		done += (unsigned long long)n;
	}
	if (fclose(f) != 0) {
		perror(path);
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct usagelog *u;
	unsigned long lines, accepted;
	int64_t first, last;
	int verbose = 0, i = 1, rc = 0;

	if (argc == 4 && strcmp(argv[1], "-g") == 0)
		return generate(strtoul(argv[2], NULL, 10), argv[3]);
	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		verbose = 1;
		i++;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: usagelog_bench [-v] FILE... | -g MB FILE\n");
		return 2;
	}
	/* the engine's clock: syslog's yearless dates need it (0 reads none) */
	u = usagelog_new((int64_t)time(NULL));
	for (; i < argc; i++) {
		char *err = NULL;

		if (usagelog_read_file(u, argv[i], &err) != 0) {
			fprintf(stderr, "%s\n", err);
			free(err);
			rc = 1;
		}
	}
	usagelog_window(u, &first, &last, &lines, &accepted);
	printf("%lu accepted, %zu keys, %lu lines, %lld..%lld\n", accepted,
	    usagelog_count(u), lines, (long long)first, (long long)last);
	for (size_t k = 0; verbose && k < usagelog_count(u); k++) {
		const struct key_use *e = usagelog_at(u, k);

		printf("%s %s %s%s last=%lld from=%s count=%lu at=%s:%ld\n", e->user,
		    e->fp, e->type, e->cert ? " cert" : "", (long long)e->last,
		    e->last_addr, e->count, e->file ? e->file : "-", e->line);
	}
	usagelog_free(u);
	return rc;
}
