/* test_fixtures.c - every JSON file in fixtures/snapshots/ is a snapshot plus the
 * exact set of findings it must produce ("expect"). Each fixture becomes one
 * cmocka test, so a failure names the fixture and shows both sets. */
#include <glob.h>
#include <jansson.h>

#include "tests/unit/testutil.h"

struct exp {
	const char *check, *user, *path;
	long line;
	int blocks;
	int matched;
};

static int
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static const char *
jget(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void
run_fixture(void **state)
{
	const char *path = *state;
	struct ka_host_result r;
	json_t *root, *expect, *e;
	json_error_t je;
	struct exp *ex;
	size_t i, n, bad = 0;

	root = json_load_file(path, 0, &je);
	if (root == NULL)
		fail_msg("%s:%d: %s", path, je.line, je.text);
	expect = json_object_get(root, "expect");
	if (!json_is_array(expect))
		fail_msg("%s: no \"expect\" array", path);
	n = json_array_size(expect);
	ex = calloc(n + 1, sizeof(*ex));
	json_array_foreach(expect, i, e) {
		json_t *l = json_object_get(e, "line"), *b = json_object_get(e, "blocks_login");
		ex[i].check = jget(e, "check");
		ex[i].user = jget(e, "user");
		ex[i].path = jget(e, "path");
		ex[i].line = json_is_integer(l) ? (long)json_integer_value(l) : 0;
		ex[i].blocks = json_is_boolean(b) ? json_is_true(b) : -1;
		if (ex[i].check == NULL)
			fail_msg("%s: expect[%zu] has no \"check\"", path, i);
	}
	tu_scan_fixture(path, &r);
	for (size_t k = 0; k < r.nfindings; k++) {
		const struct ka_finding *f = &r.findings[k];
		int found = 0;
		for (i = 0; i < n && !found; i++) {
			if (ex[i].matched || strcmp(ex[i].check, f->rule->id) != 0 ||
			    !str_eq(ex[i].user, f->user) || !str_eq(ex[i].path, f->path) ||
			    ex[i].line != f->line)
				continue;
			if (ex[i].blocks != -1 && ex[i].blocks != f->blocks_login) {
				print_error("%s: %s %s blocks_login is %d, expected %d\n", path,
				    f->rule->id, f->path ? f->path : "-", f->blocks_login,
				    ex[i].blocks);
				bad++;
			}
			ex[i].matched = found = 1;
		}
		if (!found) {
			print_error("%s: unexpected finding %s user=%s path=%s line=%ld: %s\n",
			    path, f->rule->id, f->user ? f->user : "null",
			    f->path ? f->path : "null", f->line, f->message);
			bad++;
		}
	}
	for (i = 0; i < n; i++) {
		if (!ex[i].matched) {
			print_error("%s: missing finding %s user=%s path=%s line=%ld\n", path,
			    ex[i].check, ex[i].user ? ex[i].user : "null",
			    ex[i].path ? ex[i].path : "null", ex[i].line);
			bad++;
		}
	}
	host_result_free(&r);
	free(ex);
	json_decref(root);
	if (bad)
		fail_msg("%s: %zu mismatches", path, bad);
}

int
main(void)
{
	glob_t g;
	struct CMUnitTest *tests;
	char **names;
	int rc;

	if (glob("fixtures/snapshots/*.json", 0, NULL, &g) != 0) {
		fprintf(stderr, "no fixtures found (run from the repository root)\n");
		return 1;
	}
	tests = calloc(g.gl_pathc, sizeof(*tests));
	names = g.gl_pathv;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		tests[i].name = names[i];
		tests[i].test_func = run_fixture;
		tests[i].initial_state = names[i];
	}
	rc = _cmocka_run_group_tests("fixtures", tests, g.gl_pathc, NULL, NULL);
	free(tests);
	globfree(&g);
	return rc;
}
