/* Strict UTF-8: the one validator every caller uses refuses what RFC 3629 forbids. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "internal.h"
#include "testutil.h"

#define OK(lit) assert_int_equal(hm__utf8_valid_len(lit, sizeof(lit) - 1), 1)
#define BAD(lit) assert_int_equal(hm__utf8_valid_len(lit, sizeof(lit) - 1), 0)

static void test_accepts_every_length_up_to_the_last_code_point(void **state)
{
	(void)state;
	OK("");
	OK("plain ASCII\t\n");
	OK("\xc2\x80");                     /* U+0080, the first two-byte */
	OK("\xdf\xbf");                     /* U+07FF */
	OK("\xe0\xa0\x80");                 /* U+0800, the first three-byte */
	OK("\xed\x9f\xbf");                 /* U+D7FF, just below the surrogates */
	OK("\xee\x80\x80");                 /* U+E000, just above them */
	OK("\xef\xbb\xbf");                 /* U+FEFF, the byte-order mark */
	OK("\xef\xbf\xbf");                 /* U+FFFF */
	OK("\xf0\x90\x80\x80");             /* U+10000, the first four-byte */
	OK("\xf4\x8f\xbf\xbf");             /* U+10FFFF, the last code point */
	OK("gr\xc3\xbc\xc3\x9f \xe2\x80\xae \xf0\x9f\x94\x91"); /* mixed, with U+202E */
	OK("a\0b");                         /* U+0000 is a character like any other */
}

static void test_refuses_overlongs(void **state)
{
	(void)state;
	BAD("\xc0\x80"); /* U+0000 in two bytes */
	BAD("\xc0\xaf"); /* "/" in two bytes */
	BAD("\xc1\xbf"); /* U+007F in two bytes */
	BAD("\xe0\x80\xaf");
	BAD("\xe0\x9f\xbf"); /* U+07FF in three bytes */
	BAD("\xf0\x80\x80\xaf");
	BAD("\xf0\x8f\xbf\xbf"); /* U+FFFF in four bytes */
}

static void test_refuses_surrogates_and_code_points_past_u10ffff(void **state)
{
	(void)state;
	BAD("\xed\xa0\x80"); /* U+D800 */
	BAD("\xed\xbf\xbf"); /* U+DFFF */
	BAD("\xed\xa0\xbd\xed\xb2\xa9"); /* a CESU-8 surrogate pair */
	BAD("\xf4\x90\x80\x80"); /* U+110000 */
	BAD("\xf5\x80\x80\x80");
	BAD("\xf7\xbf\xbf\xbf");
	BAD("\xf8\x88\x80\x80\x80"); /* old five-byte form */
	BAD("\xfc\x84\x80\x80\x80\x80");
	BAD("\xfe");
	BAD("\xff");
}

static void test_refuses_broken_sequences(void **state)
{
	(void)state;
	BAD("\x80");             /* a lone continuation byte */
	BAD("a\xbf" "b");
	BAD("\xc3");             /* truncated at the end */
	BAD("\xe2\x82");
	BAD("\xf0\x9f\x94");
	BAD("\xc3(");            /* continuation missing */
	BAD("\xe2(\xa1");
	BAD("\xf0\x9f(\x91");
	/* a sequence cut by the length, though the bytes after it would complete it */
	assert_int_equal(hm__utf8_valid_len("\xc3\xbc", 1), 0);
	assert_int_equal(hm__utf8_valid_len("\xf0\x9f\x94\x91", 3), 0);
}

static void test_string_form_stops_at_nul_and_refuses_null(void **state)
{
	(void)state;
	assert_int_equal(hm__utf8_valid("caf\xc3\xa9"), 1);
	assert_int_equal(hm__utf8_valid("caf\xc3"), 0);
	assert_int_equal(hm__utf8_valid("ok\0\xff"), 1);
	assert_int_equal(hm__utf8_valid(NULL), 0);
}

/* Whatever passes here, jansson takes as a JSON string, and the reverse. */
static void test_agrees_with_jansson_on_every_short_sequence(void **state)
{
	unsigned char b[4];
	unsigned long n;

	(void)state;
	for (n = 0; n < (1ul << 24); n += 7) { /* a stride through all 3-byte inputs */
		json_t *j;
		int ours;

		b[0] = (unsigned char)(n >> 16);
		b[1] = (unsigned char)(n >> 8);
		b[2] = (unsigned char)n;
		b[3] = 0;
		if (!b[0] || !b[1] || !b[2])
			continue;
		ours = hm__utf8_valid((const char *)b);
		j = json_string((const char *)b);
		if (ours != (j != NULL))
			fail_msg("%02x %02x %02x: ours %d, jansson %d", b[0], b[1], b[2], ours,
				 j != NULL);
		json_decref(j);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts_every_length_up_to_the_last_code_point),
		cmocka_unit_test(test_refuses_overlongs),
		cmocka_unit_test(test_refuses_surrogates_and_code_points_past_u10ffff),
		cmocka_unit_test(test_refuses_broken_sequences),
		cmocka_unit_test(test_string_form_stops_at_nul_and_refuses_null),
		cmocka_unit_test(test_agrees_with_jansson_on_every_short_sequence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
