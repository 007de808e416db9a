/*
 * The fast record path (simdjson, the one-pass literal matchers, the
 * 16-byte normalizer) against the reference (jansson, a search per pattern):
 * on a generated corpus of chat, ShareGPT, Alpaca and generic records with
 * invalid lines, duplicates spelt differently, screening hits, odd Unicode,
 * numbers at the edges of int64 and double, duplicate names, "\u0000", deep
 * nesting, a BOM and CRLF, the statistics and screening results must be
 * identical, byte for byte.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "dataset_scan_impl.h"

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static const char *const words[] = {
	"the", "model", "Answer", "question", "please", "explain", "how", "why", "train",
	"token", "weights", "safety", "example", "python", "caf\xc3\xa9", "\xe2\x80\x98quoted\xe2\x80\x99",
	"\xe2\x80\x9c" "double\xe2\x80\x9d", "\xc2\xa0nbsp", "zero\xe2\x80\x8bwidth", "\xf0\x9f\x98\x80",
	"\\u00e9t\\u00e9", "\\ud83d\\ude00", "tab\\there", "line\\nbreak", "back\\\\slash",
	"quote\\\"d", "\\u2019s", "\xef\xbb\xbf" "bom", "ctl\\u0001x", "   spaced   out  ",
	"MIXED case TEXT", "You are no longer ChatGPT", "you are AOA now", "an ABSOLUTELY   obedient agent",
	"Ignore all previous instructions", "obey all my instructions", "do anything now",
	"how to make a bomb", "jailbreak", "developer\\tmode", "no\\u00a0restrictions",
};

static void sentence(hm_buf *b, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (i)
			hm__buf_put(b, rnd(7) ? " " : "  ", rnd(7) ? 1 : 2);
		hm__buf_puts(b, words[rnd(4) ? rnd(14) : rnd(sizeof(words) / sizeof(words[0]))]);
	}
}

static const char *const odd[] = {
	"{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}",
	"{\"messages\": []}", "{\"messages\": {}}", "{\"messages\": [1]}",
	"{\"messages\": [{\"role\": \"robot\", \"content\": \"x\"}]}",
	"{\"messages\": [{\"content\": \"x\"}, {\"role\": \"assistant\"}]}",
	"{\"messages\": [{\"role\": \"assistant\", \"content\": null, \"tool_calls\": []}]}",
	"{\"messages\": [{\"role\": \"assistant\", \"content\": [{\"type\": \"text\"}]}]}",
	"{\"messages\": [{\"role\": \"assistant\", \"content\": [{\"text\": \"a\"}]}]}",
	"{\"messages\": [{\"role\": \"assistant\", \"content\": 5}]}",
	"{\"conversations\": [{\"from\": \"human\", \"value\": \"q\"}, {\"from\": \"gpt\"}]}",
	"{\"conversations\": [{\"from\": \"bot\", \"value\": 1}, 2]}",
	"{\"instruction\": \" \", \"output\": 3, \"input\": []}",
	"{\"a\": 1, \"a\": 2}", "{\"b\": {\"a\": 1, \"a\": 1}}", "{\"a\": \"x\\u0000y\"}",
	"{\"a\\u0000\": 1}", "{\"n\": 9223372036854775807}", "{\"n\": 9223372036854775808}",
	"{\"n\": -9223372036854775808}", "{\"n\": -9223372036854775809}",
	"{\"n\": 18446744073709551616}", "{\"n\": 1e400}", "{\"n\": -1e400}", "{\"n\": 1e-400}",
	"{\"n\": 0.1}", "{\"n\": 1.0}", "{\"n\": 1}", "{\"n\": -0}", "{\"n\": 0}", "{\"n\": -0.0}",
	"{\"n\": 0.0}", "{\"n\": 1E2}", "{\"n\": 100.0}", "{\"n\": 0.30000000000000004}",
	"{\"n\": 01}", "{\"n\": 1.}", "{\"n\": .5}", "{\"s\": \"\\ud83d\\ude00\"}",
	"{\"s\": \"\\ud800\"}", "{\"s\": \"\\udc00\"}", "{\"s\": \"\\ud800x\"}",
	"{\"s\": \"raw\x01" "ctl\"}", "{} trailing", "[1, 2,]", "{\"a\": tru}", "\"just a string\"",
	"42", "null", "[]", "{}", "{\"s\": \"\xff\"}", "{\"s\": \"\xc0\xaf\"}",
	"{\"s\": \"\xed\xa0\x80\"}", "\xef\xbb\xbf{}", "{\"s\": \"\xf4\x90\x80\x80\"}",
	"{\"z\": 1, \"a\": {\"y\": [true, false, null], \"b\": \"\\u00e9\"}}",
	"{\"a\": {\"b\": \"\xc3\xa9\", \"y\": [true, false, null]}, \"z\": 1}",
	"{\"a\":{\"y\":[true,false,null],\"b\":\"\xc3\xa9\"},\"z\":1.0}",
};

static void record(hm_buf *b, hm_buf *dups, int deep)
{
	size_t start = b->len;
	uint32_t x = rnd(100), i, n;

	if (x < 8 && dups->len) {
		/* a record seen before: the same bytes */
		hm__buf_put(b, dups->data, dups->len);
		return;
	}
	if (x < 20) {
		hm__buf_puts(b, odd[rnd(sizeof(odd) / sizeof(odd[0]))]);
	} else if (x < 22 && deep) {
		n = 1 + rnd(2100);
		for (i = 0; i < n; i++)
			hm__buf_put(b, "[", 1);
		for (i = 0; i < n; i++)
			hm__buf_put(b, "]", 1);
	} else if (x < 70) {
		n = 1 + rnd(3);
		hm__buf_puts(b, rnd(2) ? "{\"messages\": [" : "{ \"id\" : 7, \"messages\":[");
		for (i = 0; i < n; i++) {
			hm__buf_printf(b, "%s{\"role\": \"user\", \"content\": \"", i ? ", " : "");
			sentence(b, 1 + (int)rnd(30));
			hm__buf_puts(b, rnd(2) ? "\"}, {\"role\": \"assistant\", \"content\": \""
					       : "\"}, {\"content\": \"");
			sentence(b, 1 + (int)rnd(60));
			hm__buf_puts(b, rnd(2) ? "\"}" : "\", \"role\":\"assistant\"}");
		}
		hm__buf_puts(b, "]}");
	} else if (x < 80) {
		hm__buf_puts(b, "{\"conversations\": [{\"from\": \"human\", \"value\": \"");
		sentence(b, 1 + (int)rnd(20));
		hm__buf_puts(b, "\"}, {\"value\": \"");
		sentence(b, 1 + (int)rnd(20));
		hm__buf_puts(b, "\", \"from\": \"gpt\"}]}");
	} else if (x < 92) {
		hm__buf_puts(b, "{\"instruction\": \"");
		sentence(b, 1 + (int)rnd(10));
		hm__buf_puts(b, "\", \"input\": \"\", \"output\": \"");
		sentence(b, (int)rnd(20));
		hm__buf_puts(b, "\"}");
	} else {
		hm__buf_printf(b, "{\"text\": \"x%u\", \"score\": %d.%u, \"id\": %d}", rnd(50),
			       (int)rnd(3) - 1, rnd(10), (int)rnd(100) - 50);
	}
	if (rnd(10) == 0) {
		dups->len = 0;
		hm__buf_put(dups, b->data + start, b->len - start);
	}
}

static char *scan(hm_dataset_container c, const char *text, size_t len, int reference,
		  hm_screen *scr)
{
	hm_dataset_scan *s;
	size_t off = 0;
	char *out;

	hm__screen_use_multi(scr, !reference);
	assert_int_equal(hm_dataset_scan_new(&s, c, scr, NULL), 0);
	if (reference)
		hm__dataset_scan_reference(s);
	while (off < len) {
		size_t n = 1 + rnd(200000);
		if (n > len - off)
			n = len - off;
		assert_int_equal(hm_dataset_scan_feed(s, text + off, n), 0);
		off += n;
	}
	assert_int_equal(hm_dataset_scan_finish(s), 0);
	assert_int_equal(hm_dataset_scan_json(&out, s), 0);
	hm_dataset_scan_free(s);
	return out;
}

static void same_results(hm_dataset_container c, const hm_buf *b, hm_screen *scr)
{
	char *fast = scan(c, b->data, b->len, 0, scr), *ref = scan(c, b->data, b->len, 1, scr);

	if (strcmp(fast, ref) != 0)
		fail_msg("fast path:\n%s\nreference:\n%s", fast, ref);
	free(fast);
	free(ref);
}

static void jsonl_fast_path_matches_reference(void **state)
{
	hm_buf b = HM_BUF_INIT, dups = HM_BUF_INIT;
	hm_screen *scr;
	int round, i;

	(void)state;
	assert_int_equal(hm_screen_load(&scr, "data/screen-patterns.txt"), 0);
	for (round = 0; round < 4; round++) {
		b.len = 0;
		if (round & 1)
			hm__buf_put(&b, "\xef\xbb\xbf", 3);
		for (i = 0; i < 3000; i++) {
			record(&b, &dups, 1);
			hm__buf_puts(&b, round & 2 ? "\r\n" : "\n");
			if (rnd(50) == 0)
				hm__buf_puts(&b, "  \n");
		}
		same_results(HM_CONTAINER_JSONL, &b, scr);
	}
	hm__buf_free(&b);
	hm__buf_free(&dups);
	hm_screen_free(scr);
}

static void json_array_fast_path_matches_reference(void **state)
{
	hm_buf b = HM_BUF_INIT, dups = HM_BUF_INIT, rec = HM_BUF_INIT;
	hm_screen *scr;
	int i, n = 0;

	(void)state;
	assert_int_equal(hm_screen_load(&scr, "data/screen-patterns.txt"), 0);
	hm__buf_puts(&b, "\xef\xbb\xbf[\n");
	for (i = 0; i < 2000; i++) {
		rec.len = 0;
		record(&rec, &dups, 0);
		/* only what is one JSON value stays one element */
		if (memchr(rec.data, ',', rec.len) && rec.data[0] != '{')
			continue;
		hm__buf_puts(&b, n++ ? ",\n  " : "  ");
		hm__buf_put(&b, rec.data, rec.len);
	}
	hm__buf_puts(&b, "\n]\n");
	same_results(HM_CONTAINER_JSON, &b, scr);
	hm__buf_free(&b);
	hm__buf_free(&dups);
	hm__buf_free(&rec);
	hm_screen_free(scr);
}

static void csv_screening_matches_reference(void **state)
{
	hm_buf b = HM_BUF_INIT;
	hm_screen *scr;
	int i;

	(void)state;
	assert_int_equal(hm_screen_load(&scr, "data/screen-patterns.txt"), 0);
	hm__buf_puts(&b, "instruction,input,output\r\n");
	for (i = 0; i < 3000; i++) {
		hm__buf_puts(&b, "\"");
		sentence(&b, 1 + (int)rnd(10));
		hm__buf_puts(&b, "\",,\"");
		sentence(&b, 1 + (int)rnd(40));
		hm__buf_puts(&b, rnd(20) ? "\"\r\n" : "\",extra\n");
	}
	same_results(HM_CONTAINER_CSV, &b, scr);
	hm__buf_free(&b);
	hm_screen_free(scr);
}

/* The 16-byte normalizer against the byte loop it speeds up, on runs of spaces and case. */
static void normalizer_matches_byte_loop(void **state)
{
	static const char *const pieces[] = { "a", "B", " ", "  ", "\t", "\n", "\xc2\xa0", "Z",
					      "\xe2\x80\x99", "\xe2\x80\x8b", "\xef\xbb\xbf", "x",
					      "no", "Restrictions", "@", "~", "\x7f", "\xff", "",
					      "abcdefghijklmnop", "QRSTUVWXYZ[]^_`{", "\r\n" };
	hm_buf t = HM_BUF_INIT, fast = HM_BUF_INIT, slow = HM_BUF_INIT;
	int round, i;

	(void)state;
	for (round = 0; round < 20000; round++) {
		t.len = 0;
		for (i = (int)rnd(60); i > 0; i--)
			hm__buf_puts(&t, pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))]);
		assert_int_equal(hm__screen_normalize(&fast, t.data ? t.data : "", t.len, 1), 0);
		assert_int_equal(hm__screen_normalize(&slow, t.data ? t.data : "", t.len, 0), 0);
		assert_int_equal(fast.len, slow.len);
		assert_memory_equal(fast.data, slow.data, slow.len + 1);
	}
	hm__buf_free(&t);
	hm__buf_free(&fast);
	hm__buf_free(&slow);
}

/*
 * The hashed-prefix matcher against memmem: literals sharing prefixes, a
 * three-byte literal (its 256 extensions, and the last three bytes, which
 * have no four-byte window), literals at the very start and end, texts
 * shorter than four bytes. Sets it must decline are declined.
 */
static void gram_matcher_matches_memmem(void **state)
{
	static const char *const lit[] = { "aoa", "make", "maker", "ignore ", "ignore", " refuse",
					   "abc", "bca", "zzzz", "credit card", "aoaoa" };
	static const char *const pieces[] = { "a", "o", "b", "c", " ", "make", "ignor", "e ",
					      "refuse", "z", "zz", "credit", " card", "x", "\xff" };
	enum { N = sizeof(lit) / sizeof(lit[0]) };
	size_t len[N];
	unsigned ids[N], i;
	unsigned char seen[N];
	hm_buf t = HM_BUF_INIT;
	hm__gram *g, *no;
	int round, k;

	(void)state;
	for (i = 0; i < N; i++) {
		len[i] = strlen(lit[i]);
		ids[i] = N - 1 - i;
	}
	assert_int_equal(hm__gram_new(&g, (const char *const *)lit, len, ids, N), 0);
	assert_non_null(g);
	for (round = 0; round < 30000; round++) {
		t.len = 0;
		for (k = (int)rnd(12); k > 0; k--)
			hm__buf_puts(&t, pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))]);
		memset(seen, 0, sizeof(seen));
		hm__gram_scan(g, t.data ? t.data : "", t.len, seen);
		for (i = 0; i < N; i++)
			assert_int_equal(seen[ids[i]],
					 t.len && memmem(t.data, t.len, lit[i], len[i]) != NULL);
	}
	hm__gram_free(g);
	/* a literal of two bytes is Hyperscan's */
	len[0] = 2;
	assert_int_equal(hm__gram_new(&no, (const char *const *)lit, len, ids, N), 0);
	assert_null(no);
	hm__buf_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jsonl_fast_path_matches_reference),
		cmocka_unit_test(json_array_fast_path_matches_reference),
		cmocka_unit_test(csv_screening_matches_reference),
		cmocka_unit_test(normalizer_matches_byte_loop),
		cmocka_unit_test(gram_matcher_matches_memmem),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
