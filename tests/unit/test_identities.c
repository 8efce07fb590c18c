/* test_identities.c - the keys ssh would offer (scanner/transport/identities.c): the
 * client's PubkeyAcceptedAlgorithms arithmetic, and the facts read from
 * real key files made by ssh-keygen for the test: order (-i before
 * IdentityFile), mode, passphrase, a .pub that is not the private key's,
 * a missing file, an RSA key under RequiredRSASize; certificates beside
 * them and from CertificateFile, and who signs for each. The agent side is
 * exercised against a real ssh-agent by tests/diagnose/. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "tests/unit/testutil.h"
#include "scanner/transport/identities.h"

static void
test_algorithms(void **state)
{
	(void)state;
	assert_int_equal(ident_alg_accepted(NULL, "ssh-ed25519"), 1);
	assert_int_equal(ident_alg_accepted(NULL, "ssh-rsa"), 1);	/* via rsa-sha2-* */
	assert_int_equal(ident_alg_accepted(NULL, "ssh-dss"), 0);
	assert_int_equal(ident_alg_accepted("+ssh-dss", "ssh-dss"), 1);
	assert_int_equal(ident_alg_accepted("+ssh-dss", "ssh-ed25519"), 1);
	assert_int_equal(ident_alg_accepted("rsa-sha2-512", "ssh-ed25519"), 0);
	assert_int_equal(ident_alg_accepted("rsa-sha2-512", "ssh-rsa"), 1);
	assert_int_equal(ident_alg_accepted("ssh-ed25519", "ssh-rsa"), 0);
	assert_int_equal(ident_alg_accepted("-ssh-ed25519", "ssh-ed25519"), 0);
	assert_int_equal(ident_alg_accepted("-ssh-ed25519", "ecdsa-sha2-nistp256"), 1);
	assert_int_equal(ident_alg_accepted("-rsa-sha2-*", "ssh-rsa"), 0);
	assert_int_equal(ident_alg_accepted("^ssh-ed25519", "ssh-ed25519"), 1);
	assert_int_equal(ident_alg_accepted("ecdsa-sha2-*", "ecdsa-sha2-nistp384"), 1);
}

static char dir[64];

static void
keygen(const char *name, const char *type, const char *bits, const char *pass)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "ssh-keygen -q -t %s %s%s -N '%s' -C t-%s -f %s/%s "
	    "</dev/null >/dev/null", type, bits ? "-b " : "", bits ? bits : "", pass, name,
	    dir, name);
	assert_int_equal(system(cmd), 0);
}

static char *
path(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static const struct identity *
find(const struct ident_list *l, const char *name)
{
	char *p = path(name);

	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].path != NULL && strcmp(l->v[i].path, p) == 0) {
			free(p);
			return &l->v[i];
		}
	free(p);
	return NULL;
}

static void
test_files(void **state)
{
	struct client_host h;
	struct strlist cli = { 0 };
	struct ident_list l;
	const struct identity *k;
	char *p, *q, cmd[512];

	(void)state;
	strcpy(dir, "/tmp/ka-ident.XXXXXX");
	assert_non_null(mkdtemp(dir));
	keygen("good", "ed25519", NULL, "");
	keygen("open", "ed25519", NULL, "");
	keygen("enc", "ed25519", NULL, "secret");
	keygen("mism", "ed25519", NULL, "");
	keygen("other", "ed25519", NULL, "");
	keygen("small", "rsa", "1024", "");
	keygen("nopub", "ed25519", NULL, "");
	p = path("open");
	chmod(p, 0644);
	free(p);
	snprintf(cmd, sizeof(cmd), "cp %s/other.pub %s/mism.pub && rm %s/nopub.pub",
	    dir, dir, dir);
	assert_int_equal(system(cmd), 0);

	memset(&h, 0, sizeof(h));
	h.identity_files_default = 0;
	strlist_add(&h.identity_files, (p = path("good")));
	free(p);
	h.required_rsa_size = "2048";
	for (const char *const *n = (const char *const[]){ "open", "enc", "mism", "small",
	    "nopub", "missing", NULL }; *n; n++) {
		strlist_add(&cli, (q = path(*n)));
		free(q);
	}
	identities_build(&h, &cli, "none", 1000, &l);

	assert_int_equal(l.n, 7);
	assert_int_equal(l.agent_used, 0);
	/* -i files first, in order; then the IdentityFile. */
	p = path("open");
	assert_string_equal(l.v[0].path, p);
	free(p);
	assert_string_equal(l.v[0].origin, "-i");
	p = path("good");
	assert_string_equal(l.v[6].path, p);
	free(p);
	assert_string_equal(l.v[6].origin, "IdentityFile");

	k = find(&l, "good");
	assert_non_null(k->fp);
	assert_string_equal(k->type, "ssh-ed25519");
	assert_false(k->bad_mode || k->encrypted || k->pub_mismatch || k->missing);
	assert_null(k->skip);
	assert_string_equal(k->comment, "t-good");

	k = find(&l, "open");
	assert_true(k->bad_mode);
	assert_int_equal(k->mode & 0777, 0644);

	k = find(&l, "enc");
	assert_true(k->encrypted);
	assert_non_null(k->blob);	/* the OpenSSH format keeps the public half in clear */

	k = find(&l, "mism");
	assert_true(k->pub_mismatch);
	assert_string_equal(k->fp, find(&l, "mism")->fp);
	assert_string_not_equal(k->fp, k->priv_fp);

	k = find(&l, "small");
	assert_string_equal(k->type, "ssh-rsa");
	assert_int_equal(k->bits, 1024);
	assert_non_null(k->skip);
	assert_int_equal(k->skip_why, IDENT_SKIP_RSA_SIZE);

	k = find(&l, "nopub");
	assert_non_null(k->blob);	/* from the private key file */
	assert_non_null(k->priv_fp);
	assert_string_equal(k->fp, k->priv_fp);

	k = find(&l, "missing");
	assert_true(k->missing);
	assert_null(k->blob);
	ident_list_free(&l);

	/* PubkeyAcceptedAlgorithms without Ed25519: every such key is skipped. */
	h.pubkey_accepted_algorithms = "rsa-sha2-512";
	h.required_rsa_size = NULL;
	identities_build(&h, NULL, "none", 1000, &l);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].skip_why, IDENT_SKIP_ALGORITHM);
	ident_list_free(&l);

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	strlist_free(&cli);
	strlist_free(&h.identity_files);
}

/* Certificates: FILE-cert.pub right after FILE, CertificateFile first (and
 * then no FILE-cert.pub), who signs for each, and the facts the client
 * checks read (a certificate of another key, one with no private key, the
 * validity window, a host certificate). */
static void
test_certificates(void **state)
{
	struct client_host h;
	struct strlist cli = { 0 };
	struct ident_list l;
	char *p, cmd[1024];

	(void)state;
	strcpy(dir, "/tmp/ka-ident.XXXXXX");
	assert_non_null(mkdtemp(dir));
	keygen("ca", "ed25519", NULL, "");
	keygen("k", "ed25519", NULL, "");
	keygen("w", "ed25519", NULL, "");
	keygen("x", "ed25519", NULL, "");
	snprintf(cmd, sizeof(cmd), "cd %s && ssh-keygen -q -s ca -I kid -n u "
	    "-V 20200101000000:20200102000000 k.pub && "
	    "ssh-keygen -q -s ca -I xid -n u x.pub && cp x-cert.pub w-cert.pub && "
	    "ssh-keygen -q -s ca -I hid -h -n u x.pub && mv x-cert.pub hostcert.pub && "
	    "ssh-keygen -q -s ca -I xid -n u x.pub && mv x-cert.pub xonly.pub && rm x x.pub",
	    dir);
	assert_int_equal(system(cmd), 0);

	memset(&h, 0, sizeof(h));
	strlist_add(&cli, (p = path("k")));
	free(p);
	strlist_add(&cli, (p = path("w")));
	free(p);
	identities_build(&h, &cli, "none", 1000, &l);
	/* k, k's certificate, w, w-cert.pub (which certifies x) */
	assert_int_equal(l.n, 4);
	assert_false(l.v[0].is_cert);
	assert_true(l.v[1].is_cert);
	assert_string_equal(l.v[1].type, "ssh-ed25519-cert-v01@openssh.com");
	assert_string_equal(l.v[1].fp, l.v[0].fp);
	assert_string_equal(l.v[1].path, l.v[0].path);	/* ssh's name for it */
	assert_non_null(strstr(l.v[1].cert_path, "/k-cert.pub"));
	assert_int_equal(l.v[1].cert_kind, 1);
	assert_string_equal(l.v[1].cert_key_id, "kid");
	assert_true(l.v[1].cert_valid_before > l.v[1].cert_valid_after);
	assert_true(l.v[1].cert_valid_before < 1600000000u);
	assert_int_equal(l.v[1].signer, 0);		/* the plain key beside it */
	assert_false(l.v[1].cert_mismatch || l.v[1].cert_no_key);
	assert_true(l.v[3].is_cert);
	assert_int_equal(l.v[3].signer, -1);		/* no key of the list is x */
	assert_true(l.v[3].cert_mismatch);		/* ssh loads w: another key */
	ident_list_free(&l);

	/* CertificateFile: first, and no FILE-cert.pub any more; one whose
	 * key nothing holds cannot sign; a host certificate is ignored */
	strlist_add(&h.certificate_files, (p = path("xonly.pub")));
	free(p);
	strlist_add(&h.certificate_files, (p = path("hostcert.pub")));
	free(p);
	strlist_add(&h.certificate_files, (p = path("nothere.pub")));
	free(p);
	identities_build(&h, &cli, "none", 1000, &l);
	assert_int_equal(l.n, 5);
	assert_true(l.v[0].is_cert);
	assert_string_equal(l.v[0].origin, "CertificateFile");
	assert_true(l.v[0].cert_no_key);
	assert_int_equal(l.v[1].cert_kind, 2);
	assert_non_null(l.v[1].skip);
	assert_true(l.v[2].missing);
	assert_null(l.v[2].blob);
	assert_false(l.v[3].is_cert || l.v[4].is_cert);
	ident_list_free(&l);

	/* an agent's list holding the key and its certificate (ssh-add) */
	{
		FILE *fp;
		char text[4096], *b64, *sp;
		unsigned char blob[4096], rep[8192];
		long bl;
		size_t n = 0;
		struct identity *keys;
		size_t nkeys;

		p = path("k-cert.pub");
		assert_non_null(fp = fopen(p, "r"));
		free(p);
		assert_non_null(fgets(text, sizeof(text), fp));
		fclose(fp);
		b64 = strchr(text, ' ') + 1;
		sp = strchr(b64, ' ');
		if (sp != NULL)
			*sp = '\0';
		bl = base64_decode(b64, strlen(b64), blob, sizeof(blob));
		assert_true(bl > 0);
		rep[n++] = 12;
		rep[n++] = 0; rep[n++] = 0; rep[n++] = 0; rep[n++] = 1;
		rep[n++] = 0; rep[n++] = 0; rep[n++] = (unsigned char)(bl >> 8);
		rep[n++] = (unsigned char)bl;
		memcpy(rep + n, blob, (size_t)bl);
		n += (size_t)bl;
		rep[n++] = 0; rep[n++] = 0; rep[n++] = 0; rep[n++] = 1;
		rep[n++] = 'c';
		assert_int_equal(ident_parse_agent_reply(rep, n, &keys, &nkeys), 0);
		assert_int_equal(nkeys, 1);
		assert_true(keys[0].is_cert);
		assert_int_equal(keys[0].cert_kind, 1);
		assert_string_equal(keys[0].cert_key_id, "kid");
		assert_null(keys[0].skip);
		free(keys[0].type);
		free(keys[0].blob);
		free(keys[0].fp);
		free(keys[0].comment);
		free(keys[0].cert_key_id);
		free(keys);
	}

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	strlist_free(&cli);
	strlist_free(&h.certificate_files);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_algorithms),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_certificates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
