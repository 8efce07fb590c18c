/* test_diagnose.c - the checks' side of diagnose, on fixtures: one subject
 * key judged against the user's files (listed or not, a later line that
 * accepts it, its algorithm when no file lists it), and the client family
 * turning a connection's facts into findings. The walk against a real
 * sshd is tests/diagnose/. */
#include "tests/unit/testutil.h"
#include <jansson.h>

#include "scanner/diagnose.h"
#include "scanner/parse/snapjson.h"

#define ED_LINE1 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAOykq36Jb0WXZaO/KvWNGNO28qQXvu4HRqiQxBiIT0C"
#define ED_OTHER "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIELFmIvmFpTs9GAz6LW827xT+LdVd3wPC8saSZK7WGn1"
#define FIXTURE "fixtures/snapshots/akeys-expired.json"

static void
subject(struct ak_line *l, const char *text)
{
	memset(l, 0, sizeof(*l));
	ak_parse_line(text, strlen(text), 0, l);
	assert_int_equal(l->status, AK_KEY);
}

/* The fixture, with authorized_keys2 made a copy of authorized_keys
 * holding ak2 instead (NULL: as it is, missing). */
static void
load_with_ak2(struct snapshot *s, const char *ak2)
{
	size_t len;
	char *text = tu_read_file(FIXTURE, &len), *err = NULL, *out;
	json_t *root = json_loadb(text, len, 0, NULL), *files, *ak = NULL, *f;
	size_t i;

	assert_non_null(root);
	files = json_object_get(root, "files");
	json_array_foreach(files, i, f)
		if (strcmp(json_string_value(json_object_get(f, "path")),
		    "/home/alice/.ssh/authorized_keys") == 0)
			ak = f;
	assert_non_null(ak);
	json_array_foreach(files, i, f)
		if (ak2 != NULL && strcmp(json_string_value(json_object_get(f, "path")),
		    "/home/alice/.ssh/authorized_keys2") == 0) {
			json_t *copy = json_deep_copy(ak);
			json_object_set_new(copy, "path",
			    json_string("/home/alice/.ssh/authorized_keys2"));
			json_object_set_new(copy, "content", json_string(ak2));
			json_object_set_new(copy, "size", json_integer((json_int_t)strlen(ak2)));
			json_array_set_new(files, i, copy);
			break;
		}
	out = json_dumps(root, 0);
	snapshot_init(s);
	if (snapshot_from_json(out, strlen(out), FIXTURE, s, &err) != 0)
		fail_msg("%s", err);
	free(out);
	json_decref(root);
	free(text);
}

static void
run(const struct snapshot *s, const struct ak_line *subj, const struct diag_facts *d,
    struct ka_host_result *r)
{
	struct ka_options o = { 0 };

	o.subject = subj;
	o.diag = d;
	o.from_addr = "192.0.2.7";
	host_result_init(r, s->target);
	engine_check_snapshot(s, &o, r);
}

static const struct ka_finding *
about_key(const struct ka_host_result *r, const char *check, const char *fp)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i].rule->id, check) == 0 &&
		    r->findings[i].key_fp != NULL && strcmp(r->findings[i].key_fp, fp) == 0)
			return &r->findings[i];
	return NULL;
}

static void
test_listed_expired_blocks(void **state)
{
	struct snapshot s;
	struct ak_line k;
	struct ka_host_result r;
	const struct ka_finding *f;

	(void)state;
	load_with_ak2(&s, NULL);
	subject(&k, ED_LINE1);
	run(&s, &k, NULL, &r);
	f = about_key(&r, "akeys.expired", k.fp);
	assert_non_null(f);
	assert_true(f->blocks_login);
	assert_null(tu_find(&r, "akeys.key-not-listed", NULL, NULL));
	host_result_free(&r);
	ak_line_free(&k);
	snapshot_free(&s);
}

static void
test_not_listed(void **state)
{
	struct snapshot s;
	struct ak_line k;
	struct ka_host_result r;
	const struct ka_finding *f;

	(void)state;
	load_with_ak2(&s, NULL);
	subject(&k, ED_OTHER);
	run(&s, &k, NULL, &r);
	f = about_key(&r, "akeys.key-not-listed", k.fp);
	assert_non_null(f);
	assert_true(f->blocks_login);
	assert_string_equal(f->user, "alice");
	/* without a subject the same snapshot has no such finding */
	host_result_free(&r);
	run(&s, NULL, NULL, &r);
	assert_null(tu_find(&r, "akeys.key-not-listed", NULL, NULL));
	host_result_free(&r);
	ak_line_free(&k);
	snapshot_free(&s);
}

/* sshd reads on past a line that refuses the key: a later copy without
 * expiry-time lets it in, so the earlier complaint no longer blocks. */
static void
test_later_line_accepts(void **state)
{
	struct snapshot s;
	struct ak_line k;
	struct ka_host_result r;
	const struct ka_finding *f;

	(void)state;
	load_with_ak2(&s, ED_LINE1 " copy\n");
	subject(&k, ED_LINE1);
	run(&s, &k, NULL, &r);
	f = about_key(&r, "akeys.expired", k.fp);
	assert_non_null(f);
	assert_false(f->blocks_login);
	assert_null(tu_find(&r, "akeys.key-not-listed", NULL, NULL));
	host_result_free(&r);
	ak_line_free(&k);
	snapshot_free(&s);
}

/* A from= that does not admit the client is not "accepted" either. */
static void
test_later_line_from_mismatch(void **state)
{
	struct snapshot s;
	struct ak_line k;
	struct ka_host_result r;
	const struct ka_finding *f;

	(void)state;
	load_with_ak2(&s, "from=\"10.0.0.0/8\" " ED_LINE1 " copy\n");
	subject(&k, ED_LINE1);
	run(&s, &k, NULL, &r);
	f = about_key(&r, "akeys.expired", k.fp);
	assert_non_null(f);
	assert_true(f->blocks_login);
	f = about_key(&r, "akeys.from-mismatch", k.fp);
	assert_non_null(f);
	assert_true(f->blocks_login);
	host_result_free(&r);
	ak_line_free(&k);
	snapshot_free(&s);
}

/* sshd judges the algorithm before any file: a DSA key nobody listed
 * still gets sshd.key-algorithm, with no line number. */
static void
test_unlisted_algorithm(void **state)
{
	static const char dsa[] = "ssh-dss AAAAB3NzaC1kc3MAAACBAJfrDbYuPPVGY5UBjUGgPAUcwIa5piZDKjQzTLAIr28PRqcXWZz0ZH2IpFZ/Lf4+bIwd8Ny9X6YEFh1aT+Gszw+A2VZCngtP6EOyp+vJrKHdVoFkPlLbm4lc1ShMIsZLqvdaPI3JIZo9W6J8YmTZX3BYx6AIVgTqLsfUFvxTyLK3AAAAFQD9CCRzqip1eRXWkeiUhG28nVutWwAAAIAqz8LuNI/704r3y7THDMY8YUAePcQEdPliIn4BpwUXiolelY5eiqjaeRRGmDlocNmQR+9Q4kn1BVnMa2pY/2Chn6FqglLhtEOD60L1v0DSK+u3jlwVedtAcuzHIaz9vAOZNQ31x4FPzCf47FVV+kHNz6FDSJZHAwPaaws7R8ekWAAAAIBOdPJ+0lApCMkUXA4mu/Jw5+FVEgE41hmxhG+f3H8KBFeQB6Xc3Pjsp+TvbkIFkfRWZoBvHK8scKettobJLfYeLns+X7/odBBuAspcKOdhcaWaq/hhTpDDjW3ZDvpujElsEOynwlH6jIFc8VAZCgjgc6vD4gkcRkVqojiLXLYZ3Q==";
	struct snapshot s;
	struct ak_line k;
	struct ka_host_result r;
	const struct ka_finding *f;

	(void)state;
	load_with_ak2(&s, NULL);
	subject(&k, dsa);
	run(&s, &k, NULL, &r);
	f = about_key(&r, "sshd.key-algorithm", k.fp);
	assert_non_null(f);
	assert_true(f->blocks_login);
	assert_null(strstr(f->message, "line "));
	assert_non_null(about_key(&r, "akeys.key-not-listed", k.fp));
	host_result_free(&r);
	ak_line_free(&k);
	snapshot_free(&s);
}

/* The client family reads only diagnose's facts. */
static void
test_client_facts(void **state)
{
	struct snapshot s;
	struct ka_host_result r;
	struct client_host ch;
	struct ident_list ids;
	struct identity id[2];
	struct diag_try tries[2];
	struct diag_facts d;
	const struct ka_finding *f;

	(void)state;
	load_with_ak2(&s, NULL);
	memset(&ch, 0, sizeof(ch));
	memset(&ids, 0, sizeof(ids));
	memset(id, 0, sizeof(id));
	memset(tries, 0, sizeof(tries));
	memset(&d, 0, sizeof(d));
	ch.preferred_authentications = "keyboard-interactive,password";
	id[0].source = IDENT_FILE;
	id[0].path = "/home/u/.ssh/id_ed25519";
	id[0].origin = "-i";
	id[0].fp = "SHA256:abc";
	id[0].blob = (unsigned char *)"x";
	id[0].bloblen = 1;
	id[0].type = "ssh-ed25519";
	id[0].bad_mode = 1;
	id[0].mode = 0100644;
	id[1].source = IDENT_FILE;
	id[1].path = "/home/u/.ssh/id_rsa";
	id[1].origin = "default";
	id[1].fp = "SHA256:def";
	id[1].blob = (unsigned char *)"y";
	id[1].bloblen = 1;
	id[1].type = "ssh-rsa";
	id[1].skip = "RSA key of 1024 bits is below RequiredRSASize 2048";
	id[1].skip_why = IDENT_SKIP_RSA_SIZE;
	ids.v = id;
	ids.n = 2;
	tries[0].result = TRY_PK_OK;
	tries[0].probe = -1;
	tries[1].result = TRY_SKIPPED;
	tries[1].probe = 0;
	d.ch = &ch;
	d.ids = &ids;
	d.tries = tries;
	d.accepted = d.pk_ok = d.hidden_ok = d.late_ok = -1;
	run(&s, NULL, &d, &r);
	assert_non_null(tu_find(&r, "client.preferred-auth", NULL, NULL));
	f = about_key(&r, "client.key-mode", "SHA256:abc");
	assert_non_null(f);
	assert_true(f->blocks_login);		/* the server would take it */
	f = about_key(&r, "client.rsa-size", "SHA256:def");
	assert_non_null(f);
	assert_false(f->blocks_login);		/* the server refuses it anyway */
	assert_null(tu_find(&r, "client.no-identity", NULL, NULL));
	assert_null(tu_find(&r, "client.pubkey-disabled", NULL, NULL));
	host_result_free(&r);

	/* a scan (no facts) never runs the family */
	run(&s, NULL, NULL, &r);
	assert_int_equal(tu_count(&r, "client.preferred-auth"), 0);
	for (size_t i = 0; i < r.nran; i++)
		assert_string_not_equal(r.ran[i]->id, "client.too-many-keys");
	host_result_free(&r);
	snapshot_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listed_expired_blocks),
		cmocka_unit_test(test_not_listed),
		cmocka_unit_test(test_later_line_accepts),
		cmocka_unit_test(test_later_line_from_mismatch),
		cmocka_unit_test(test_unlisted_algorithm),
		cmocka_unit_test(test_client_facts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
