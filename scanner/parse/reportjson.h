/* reportjson.h - what `keyaudit merge` needs of a JSON scan report, and the
 * shard arithmetic `--shard K/N` and merge agree on. Pure: no I/O.
 *
 * A host belongs to shard SHA-256(name) mod N, name being the target as the
 * inventory or the command line wrote it: stable (the same on every machine
 * and release) and local (adding a host moves only that host). An
 * inventory is identified by SHA-256 over its sorted target names, so the
 * shards of one inventory agree whatever order they were listed in. */
#ifndef KA_REPORTJSON_H
#define KA_REPORTJSON_H

#include <stddef.h>
#include <stdint.h>

#include "scanner/digest.h"
#include "scanner/finding.h"

/* Reports merge reads whole: 10,000 hosts are tens of megabytes. */
#define REPORT_JSON_MAX (512u * 1024 * 1024)
#define SHARD_MAX 100000

/* "K/N" (K 0-based, 0 <= K < N <= SHARD_MAX). 0, or -1 with *err. */
int shard_spec_parse(const char *spec, unsigned *k, unsigned *n, char **err);
/* The shard (0..n-1) of a target name. */
unsigned shard_of(const char *name, unsigned n);
/* SHA-256 (hex) over the names sorted, one per line. */
void inventory_identity(const char *const *names, size_t n, char out[65]);

struct json_t;

/* A JSON scan report's document, checked once here for every reader of
 * reports (merge, `keyaudit diff`, the HTML report's --previous): at most
 * REPORT_JSON_MAX bytes, JSON without duplicate keys, an object with
 * "keyaudit", "schema" 1 and a bounded "hosts" list. hosts is borrowed
 * from root. 0, or -1 with *err "NAME: line N: ..." or "NAME: $.PATH:
 * what was expected". */
struct report_doc {
	struct json_t *root;
	struct json_t *hosts;
};
int report_doc_load(const char *name, const char *data, size_t len,
    struct report_doc *d, char **err);
void report_doc_free(struct report_doc *d);

/* A digest as the report carries it; strings through str_printable (a
 * host's known_hosts text may hold any byte), empty lists left out. */
struct json_t *digest_to_json(const struct host_digest *d);
/* Back: path names the object in errors ("$.hosts[2].digest"). 0, or -1
 * with *err "PATH: what was expected"; out is zeroed first and filled only
 * on success. */
int digest_from_json(struct json_t *j, const char *path, struct host_digest *out,
    char **err);

/* One host of a report, as the sinks saw it. */
struct scan_report_host {
	struct ka_host_result hr;
	struct host_digest digest;
	int has_digest;
	long index;		/* position in the whole inventory, or -1 */
	size_t pos;		/* its place in the report's "hosts" */
};

struct scan_report {
	int sharded;
	unsigned shard_k, shard_n;
	char inventory[65];
	size_t inventory_hosts;
	struct scan_report_host *hosts;	/* the fleet entry is left out */
	size_t nhosts;
	/* strings findings borrow (their baseline reasons) */
	struct strlist owned;
};

/* A JSON scan report (reports/json.c) into host results. rule resolves a
 * check id (NULL: unknown, an error). 0, or -1 with *err "NAME: $.PATH:
 * what was expected". */
int scan_report_parse(const char *text, size_t len, const char *name,
    const struct ka_rule *(*rule)(const char *id), struct scan_report *out, char **err);
void scan_report_free(struct scan_report *d);

/* The inverse of str_printable: NULL when s holds an escape it never
 * writes. Caller frees. */
char *str_unprintable(const char *s, size_t len);

#endif
