/* test_reportjson.c - what merge reads (scanner/parse/reportjson.c): the
 * fleet digest through JSON and back, str_unprintable as str_printable's
 * inverse, the shard hash and spec, the inventory identity, and a report
 * written by the JSON sink read back into the same host results. */
#include <openssl/sha.h>
#include <jansson.h>

#include "tests/unit/testutil.h"
#include "scanner/parse/reportjson.h"
#include "reports/report.h"

static void
lists_equal(const struct strlist *a, const struct strlist *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++)
		assert_string_equal(a->v[i], b->v[i]);
}

/* Every field set, with what a hostile host may put in its known_hosts. */
static void
sample_digest(struct host_digest *d)
{
	memset(d, 0, sizeof(*d));
	strlist_add(&d->hostkey_fps, "SHA256:hk1");
	strlist_add(&d->hostkey_fps, "SHA256:hk2");
	strlist_add(&d->keys, "SHA256:k1 alice");
	strlist_add(&d->keys, "SHA256:k1 bob");
	strlist_add(&d->kh_names, "[10.0.0.1]:2222");
	strlist_add(&d->hostkeys, "ssh-ed25519 AAAAC3Nz");
	strlist_add(&d->kh_files, "/home/alice/.ssh/known_hosts");
	strlist_add(&d->kh_files, "\n\nh ssh-ed25519 AAAA \x1b[31m \\x41 \xff\xfe \xe2\x80\x8b\ttab\n");
	strlist_add(&d->kh_files, "/home/b\\ob/.ssh/known_hosts");
	strlist_add(&d->kh_files, "");
	strlist_add(&d->cas, "SHA256:ca SHA1:ca ssh-ed25519 256 all users");
	strlist_add(&d->revoked, "SHA256:gone");
	strlist_add(&d->krl_cas, "SHA256:ca");
	d->revoked_set = 1;
	d->krl = 1;
	d->krl_version = UINT64_MAX;
	d->krl_generated = 1700000000;
}

static void
test_digest_roundtrip(void **state)
{
	struct host_digest d, back, empty, eback;
	json_t *j, *k;
	char *text, *err = NULL;

	(void)state;
	sample_digest(&d);
	j = digest_to_json(&d);
	/* through text, as a report carries it */
	text = json_dumps(j, JSON_COMPACT);
	assert_non_null(text);
	json_decref(j);
	k = json_loads(text, 0, NULL);
	assert_non_null(k);
	assert_int_equal(digest_from_json(k, "$.d", &back, &err), 0);
	assert_null(err);
	lists_equal(&d.hostkey_fps, &back.hostkey_fps);
	lists_equal(&d.keys, &back.keys);
	lists_equal(&d.kh_names, &back.kh_names);
	lists_equal(&d.hostkeys, &back.hostkeys);
	lists_equal(&d.kh_files, &back.kh_files);
	lists_equal(&d.cas, &back.cas);
	lists_equal(&d.revoked, &back.revoked);
	lists_equal(&d.krl_cas, &back.krl_cas);
	assert_int_equal(back.revoked_set, 1);
	assert_int_equal(back.krl, 1);
	assert_true(back.krl_version == UINT64_MAX);
	assert_true(back.krl_generated == 1700000000);
	free(text);
	json_decref(k);
	host_digest_free(&back);
	host_digest_free(&d);

	/* an empty digest is an empty object and comes back empty */
	memset(&empty, 0, sizeof(empty));
	j = digest_to_json(&empty);
	assert_int_equal(json_object_size(j), 0);
	assert_int_equal(digest_from_json(j, "$", &eback, &err), 0);
	assert_int_equal(eback.keys.n + eback.kh_files.n + (size_t)eback.krl, 0);
	json_decref(j);
}

static void
bad_digest(const char *json, const char *want)
{
	json_t *j = json_loads(json, 0, NULL);
	struct host_digest d;
	char *err = NULL;

	assert_non_null(j);
	assert_int_equal(digest_from_json(j, "$.hosts[1].digest", &d, &err), -1);
	assert_non_null(err);
	if (strstr(err, want) == NULL)
		fail_msg("%s: got '%s', want '%s'", json, err, want);
	assert_null(strchr(err, '\n'));
	assert_int_equal(d.keys.n, 0);
	free(err);
	json_decref(j);
}

static void
test_digest_errors(void **state)
{
	(void)state;
	bad_digest("[]", "$.hosts[1].digest: expected an object");
	bad_digest("{\"keys\": [7]}", "$.hosts[1].digest: \"keys\"[0]: expected a string");
	bad_digest("{\"keys\": [\"nospace\"]}", "\"keys\"[0]: expected \"FINGERPRINT USER\"");
	bad_digest("{\"hostkeys\": \"x\"}", "\"hostkeys\": expected a list");
	bad_digest("{\"known_hosts\": [{\"path\": \"/a\"}]}",
	    "$.hosts[1].digest.known_hosts[0]: \"text\" is required");
	bad_digest("{\"krl\": {\"version\": 3, \"generated\": \"1\"}}",
	    "$.hosts[1].digest.krl: \"version\": expected a decimal number");
	bad_digest("{\"krl\": {\"version\": \"1x\", \"generated\": \"1\"}}",
	    "\"version\": expected a decimal number");
	bad_digest("{\"cas\": [\"a\\\\qb\"]}", "\"cas\"[0]: an escape keyaudit does not write");
	bad_digest("{\"revoked_set\": 1}", "\"revoked_set\": expected true or false");
}

static void
test_unprintable(void **state)
{
	static const char *const s[] = {
		"plain", "", "back\\slash\\", "\x1b[0m", "\xff\xfe\x80", "tab\there\nnl",
		"\xe2\x80\x8b zero width, \xe2\x80\xae bidi", "\xf0\x9f\x98\x80 emoji",
		"\\x41 looks like an escape", "\x7f",
	};
	char *p, *u;

	(void)state;
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		p = str_printable(s[i], strlen(s[i]));
		u = str_unprintable(p, strlen(p));
		assert_non_null(u);
		assert_string_equal(u, s[i]);
		free(p);
		free(u);
	}
	assert_null(str_unprintable("a\\q", 3));
	assert_null(str_unprintable("a\\x4", 4));
	assert_null(str_unprintable("a\\x00", 5));
	assert_null(str_unprintable("\\", 1));
	assert_null(str_unprintable("\\U00110000", 10));
}

static void
test_shard_spec(void **state)
{
	static const struct {
		const char *spec, *err;
		unsigned k, n;
	} t[] = {
		{ "0/3", NULL, 0, 3 }, { "2/3", NULL, 2, 3 }, { "0/1", NULL, 0, 1 },
		{ "3/3", "--shard 3/3: K must be 0..2", 0, 0 },
		{ "1/0", "--shard 1/0: N must be 1..", 0, 0 },
		{ "a/3", "expected K/N", 0, 0 }, { "1/3x", "expected K/N", 0, 0 },
		{ "-1/3", "expected K/N", 0, 0 }, { " 1/3", "expected K/N", 0, 0 },
		{ "1/", "expected K/N", 0, 0 }, { "1", "expected K/N", 0, 0 },
		{ "1/-3", "expected K/N", 0, 0 },
		{ "0/100001", "N must be 1..100000", 0, 0 },
	};
	unsigned k, n;
	char *err;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int rc = shard_spec_parse(t[i].spec, &k, &n, &err);

		if (t[i].err == NULL) {
			assert_int_equal(rc, 0);
			assert_int_equal(k, t[i].k);
			assert_int_equal(n, t[i].n);
			continue;
		}
		assert_int_equal(rc, -1);
		if (strstr(err, t[i].err) == NULL)
			fail_msg("%s: got '%s', want '%s'", t[i].spec, err, t[i].err);
		free(err);
	}
}

/* The definition the documentation gives: the first 8 bytes of the name's
 * SHA-256, big-endian, mod N. */
static unsigned
shard_by_definition(const char *name, unsigned n)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	uint64_t v = 0;

	SHA256((const unsigned char *)name, strlen(name), md);
	for (int i = 0; i < 8; i++)
		v = v << 8 | md[i];
	return (unsigned)(v % n);
}

static void
test_shard_hash(void **state)
{
	size_t count[3] = { 0 };
	char name[32];

	(void)state;
	for (int i = 0; i < 3000; i++) {
		unsigned s;

		snprintf(name, sizeof(name), "web%d.example.com", i);
		s = shard_of(name, 3);
		assert_true(s < 3);
		assert_int_equal(s, shard_by_definition(name, 3));
		assert_int_equal(shard_of(name, 7), shard_by_definition(name, 7));
		assert_int_equal(shard_of(name, 1), 0);
		count[s]++;
	}
	/* spread: each shard within 10% of a third */
	for (int s = 0; s < 3; s++)
		assert_true(count[s] > 900 && count[s] < 1100);
	/* the name as written: user@ and :port are part of it */
	assert_int_equal(shard_of("deploy@db:2222", 1000), shard_by_definition("deploy@db:2222", 1000));
}

static void
test_inventory_identity(void **state)
{
	const char *a[] = { "b", "a", "c" }, *b[] = { "c", "b", "a" }, *c[] = { "a", "b" };
	char x[65], y[65], z[65], want[65];
	unsigned char md[SHA256_DIGEST_LENGTH];

	(void)state;
	inventory_identity(a, 3, x);
	inventory_identity(b, 3, y);
	inventory_identity(c, 2, z);
	assert_string_equal(x, y);		/* order does not matter */
	assert_string_not_equal(x, z);		/* membership does */
	SHA256((const unsigned char *)"a\nb\n", 4, md);
	for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(want + 2 * i, 3, "%02x", md[i]);
	assert_string_equal(z, want);
}

/* A report the JSON sink writes comes back as the same host results. */
static void
test_report_roundtrip(void **state)
{
	struct ka_host_result h, fl;
	struct host_digest d;
	struct report_scope sc;
	struct report_opts ro;
	struct ka_summary sum;
	struct scan_report doc;
	struct report *r;
	struct ka_action *act;
	size_t idx[1] = { 4 }, len = 0;
	char *text = NULL, *err = NULL;
	FILE *fp = open_memstream(&text, &len);
	const struct ka_finding *f;

	(void)state;
	host_result_init(&h, "kya@web1:2222");
	h.address = xstrdup("10.0.0.1");
	h.port = 2222;
	h.origin = xstrdup("inv.ini:3");
	h.hostkey = xstrdup("ssh-ed25519 SHA256:hk");
	strlist_add(&h.keys, "alice\tSHA256:k1\tssh-ed25519\t/home/alice/.ssh/authorized_keys\t2");
	f = finding_add(&h, &rule_perm_file_mode, "alice", "/home/alice/.ssh/authorized_keys", 2,
	    NULL, "mode \x1b 0664 \\ here");
	act = remedy_run(&((struct ka_finding *)f)->remedy, ACT_SERVER, 1, "chmod", "go-w",
	    "/home/alice/.ssh/authorized_keys", NULL);
	action_target(act, "/home/alice/.ssh/authorized_keys", 'f', 1001);
	remedy_edit(&((struct ka_finding *)f)->remedy, 0, "/etc/ssh/sshd_config", 9, NULL,
	    "MaxAuthTries 4", "/etc/ssh/sshd_config", "add 'MaxAuthTries 4'");
	remedy_manual(&((struct ka_finding *)f)->remedy, "decide");
	((struct ka_finding *)f)->key_fp = xstrdup("SHA256:k1");
	skip_add(&h, &rule_keys_unused, "alice", "no logs");
	h.ran = xcalloc(2, sizeof(*h.ran));
	h.ran[h.nran++] = &rule_perm_file_mode;
	h.ran[h.nran++] = &rule_keys_unused;
	sample_digest(&d);
	h.digest = &d;

	memset(&sc, 0, sizeof(sc));
	sc.index = idx;
	sc.ntargets = 1;
	sc.sharded = 1;
	sc.k = 1;
	sc.n = 3;
	memset(sc.inventory, 'a', 64);
	sc.inventory_hosts = 9;
	memset(&ro, 0, sizeof(ro));
	ro.command = "scan";
	ro.scope = &sc;
	memset(&sum, 0, sizeof(sum));
	r = report_json.open(fp, &ro);
	report_json.host(r, &h);
	host_result_init(&fl, "fleet");
	finding_add(&fl, &rule_keys_shared, NULL, NULL, 0, NULL, "shared");
	report_json.host(r, &fl);
	assert_int_equal(report_json.close(r, &sum), 0);
	fclose(fp);

	assert_int_equal(scan_report_parse(text, len, "r.json", check_rule, &doc, &err), 0);
	assert_null(err);
	assert_true(doc.sharded);
	assert_int_equal(doc.shard_k, 1);
	assert_int_equal(doc.shard_n, 3);
	assert_int_equal(doc.inventory_hosts, 9);
	assert_int_equal(doc.nhosts, 1);	/* the fleet entry left out */
	{
		const struct ka_host_result *b = &doc.hosts[0].hr;
		const struct ka_finding *g = &b->findings[0];
		char *t1 = remedy_text(&f->remedy), *t2 = remedy_text(&g->remedy);

		assert_string_equal(b->target, h.target);
		assert_string_equal(b->address, "10.0.0.1");
		assert_int_equal(b->port, 2222);
		assert_string_equal(b->origin, "inv.ini:3");
		assert_string_equal(b->hostkey, h.hostkey);
		lists_equal(&h.keys, &b->keys);
		assert_int_equal(doc.hosts[0].index, 4);
		assert_int_equal(b->nfindings, 1);
		assert_ptr_equal(g->rule, &rule_perm_file_mode);
		assert_string_equal(g->message, f->message);
		assert_string_equal(g->user, "alice");
		assert_int_equal(g->line, 2);
		assert_string_equal(g->key_fp, "SHA256:k1");
		assert_int_equal(g->remedy.n, 3);
		assert_string_equal(t1, t2);
		assert_int_equal(g->remedy.v[0].target.uid, 1001);
		assert_int_equal(g->remedy.v[0].as_user, 1);
		assert_int_equal(b->nskips, 1);
		assert_ptr_equal(b->skips[0].rule, &rule_keys_unused);
		assert_int_equal(b->nran, 2);
		assert_ptr_equal(b->ran[1], &rule_keys_unused);
		assert_true(doc.hosts[0].has_digest);
		lists_equal(&d.kh_files, &doc.hosts[0].digest.kh_files);
		free(t1);
		free(t2);
	}
	scan_report_free(&doc);
	h.digest = NULL;
	host_result_free(&h);
	host_result_free(&fl);
	host_digest_free(&d);
	free(text);
}

static void
bad_report(const char *json, const char *want)
{
	struct scan_report doc;
	char *err = NULL;

	assert_int_equal(scan_report_parse(json, strlen(json), "r.json", check_rule, &doc, &err), -1);
	assert_non_null(err);
	if (strstr(err, want) == NULL)
		fail_msg("%s: got '%s', want '%s'", json, err, want);
	assert_null(strchr(err, '\n'));
	free(err);
}

static void
test_report_errors(void **state)
{
	(void)state;
	bad_report("", "r.json: line 1: expected a keyaudit JSON report");
	bad_report("[]", "r.json: $: expected a keyaudit JSON report");
	bad_report("{\"keyaudit\":\"1\",\"schema\":2,\"hosts\":[]}", "r.json: $.schema: expected 1");
	bad_report("{\"keyaudit\":\"1\",\"schema\":1}", "r.json: $.hosts: expected a list");
	bad_report("{\"keyaudit\":\"1\",\"schema\":1,\"hosts\":[{\"target\":\"a\",\"status\":\"up\"}]}",
	    "r.json: $.hosts[0]: \"status\": expected scanned");
	bad_report("{\"keyaudit\":\"1\",\"schema\":1,\"hosts\":[{\"target\":\"a\",\"status\":\"scanned\","
	    "\"findings\":[{\"check\":\"no.such\",\"severity\":\"high\",\"blocks_login\":true,"
	    "\"message\":\"m\"}]}]}", "$.hosts[0].findings[0]: \"check\": unknown check 'no.such'");
	bad_report("{\"keyaudit\":\"1\",\"schema\":1,\"shard\":{\"k\":3,\"n\":3,\"inventory\":\"x\","
	    "\"inventory_hosts\":1},\"hosts\":[]}", "r.json: $.shard");
	bad_report("{\"keyaudit\":\"1\",\"schema\":1,\"hosts\":[],\"hosts\":[]}",
	    "r.json: line 1: expected a keyaudit JSON report: duplicate");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digest_roundtrip),
		cmocka_unit_test(test_digest_errors),
		cmocka_unit_test(test_unprintable),
		cmocka_unit_test(test_shard_spec),
		cmocka_unit_test(test_shard_hash),
		cmocka_unit_test(test_inventory_identity),
		cmocka_unit_test(test_report_roundtrip),
		cmocka_unit_test(test_report_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
