/*
 * hm_text_escape: control characters, C1, bidi controls, backslashes and
 * bytes that are not UTF-8 become visible escapes; valid UTF-8 text stays.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include <hallmark.h>

/* Escapes n bytes of s and compares with want. */
static void check_n(const char *s, size_t n, unsigned int flags, const char *want)
{
	char *out = NULL;

	assert_int_equal(hm_text_escape(&out, s, n, flags), 0);
	assert_string_equal(out, want);
	assert_int_equal(hm_text_escape_into(NULL, 0, s, n, flags), strlen(want));
	hm_free(out);
}

static void check(const char *s, const char *want)
{
	check_n(s, strlen(s), 0, want);
}

static void c0_controls_and_del(void **state)
{
	(void)state;
	check("a\x1b[2Kb", "a\\x1b[2Kb");
	check("line\rfake", "line\\rfake");
	check("one\ntwo", "one\\ntwo");
	check("a\tb", "a\\tb");
	check("\x01\x07\x08\x1f", "\\x01\\x07\\x08\\x1f");
	check("del\x7f", "del\\x7f");
	check_n("a\0b", 3, 0, "a\\x00b");
}

static void c1_controls(void **state)
{
	(void)state;
	/* U+009B (CSI) encoded in UTF-8, and U+0085 (NEL) */
	check("x\xc2\x9b" "2Ky", "x\\u009b2Ky");
	check("\xc2\x85", "\\u0085");
	check("\xc2\x80\xc2\x9f", "\\u0080\\u009f");
	/* U+00A0 is past C1: kept */
	check("\xc2\xa0", "\xc2\xa0");
	/* a raw 8-bit CSI byte is not UTF-8 */
	check("\x9b" "2K", "\\x9b2K");
}

static void bidi_controls(void **state)
{
	(void)state;
	check("abc\xe2\x80\xae" "fed", "abc\\u202efed");
	check("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", "\\u202a\\u202b\\u202c\\u202d");
	check("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", "\\u2066\\u2067\\u2068\\u2069");
	check("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", "\\u200e\\u200f\\u061c");
	check("\xe2\x80\xa8\xe2\x80\xa9", "\\u2028\\u2029");
	/* neighbours that are not controls stay */
	check("\xe2\x80\x94\xe2\x81\xb0", "\xe2\x80\x94\xe2\x81\xb0");
}

static void backslash_cannot_forge(void **state)
{
	(void)state;
	check("a\\x1bb", "a\\\\x1bb");
	check("\\", "\\\\");
}

static void valid_utf8_kept(void **state)
{
	(void)state;
	check("caf\xc3\xa9", "caf\xc3\xa9");                     /* é */
	check("\xe6\xa8\xa1\xe5\x9e\x8b", "\xe6\xa8\xa1\xe5\x9e\x8b"); /* CJK */
	check("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");           /* U+1F600 */
	check("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf");           /* U+10FFFF */
	check("plain ascii ~!@#", "plain ascii ~!@#");
}

static void invalid_utf8_escaped(void **state)
{
	(void)state;
	check("\xff", "\\xff");
	check("\xc0\xaf", "\\xc0\\xaf");                 /* overlong '/' */
	check("\xe0\x80\xaf", "\\xe0\\x80\\xaf");        /* overlong, 3 bytes */
	check("\xf0\x80\x80\xaf", "\\xf0\\x80\\x80\\xaf"); /* overlong, 4 bytes */
	check("\xc1\x9b", "\\xc1\\x9b");                 /* overlong CSI */
	check("\xed\xa0\x80", "\\xed\\xa0\\x80");        /* surrogate U+D800 */
	check("\xed\xbf\xbf", "\\xed\\xbf\\xbf");        /* surrogate U+DFFF */
	check("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* past U+10FFFF */
	check("\xe2\x80", "\\xe2\\x80");                 /* truncated */
	check("\xe2\x80" "A", "\\xe2\\x80A");            /* truncated, then ASCII */
	check("\x80", "\\x80");                          /* stray continuation */
}

static void keep_newlines(void **state)
{
	(void)state;
	check_n("{\n  \"a\": \"\x1b\"\r\n}", 15, HM_TEXT_KEEP_NEWLINES, "{\n  \"a\": \"\\x1b\"\\r\n}");
	/* JSON text: its backslashes are escapes already */
	check_n("\"a\\u202e\\n\xe2\x80\xae\"", 14, HM_TEXT_KEEP_BACKSLASHES, "\"a\\u202e\\n\\u202e\"");
}

static void cut_like_snprintf(void **state)
{
	char buf[6];

	(void)state;
	assert_int_equal(hm_text_escape_into(buf, sizeof(buf), "ab\x1b" "cd", 5, 0), 8);
	assert_string_equal(buf, "ab\\x1");
	assert_int_equal(hm_text_escape_into(buf, 1, "abc", 3, 0), 3);
	assert_string_equal(buf, "");
	assert_int_equal(hm_text_escape_into(buf, sizeof(buf), NULL, 0, 0), 0);
	assert_string_equal(buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(c0_controls_and_del),
		cmocka_unit_test(c1_controls),
		cmocka_unit_test(bidi_controls),
		cmocka_unit_test(backslash_cannot_forge),
		cmocka_unit_test(valid_utf8_kept),
		cmocka_unit_test(invalid_utf8_escaped),
		cmocka_unit_test(keep_newlines),
		cmocka_unit_test(cut_like_snprintf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
