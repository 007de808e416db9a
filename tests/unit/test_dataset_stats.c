/*
 * Record statistics of one file, on memory buffers: JSONL with malformed and
 * duplicate lines, JSON arrays streamed element by element (and every way an
 * array can be broken), CSV with quoted commas and newlines, the chat formats
 * and their schema errors. Every input is also fed one byte at a time and in
 * odd-sized chunks: the counts must not depend on where the chunks end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <zlib.h>

#include "testutil.h"
#include "internal.h"

/* Scans text fed in chunks of `chunk` bytes (0 = all at once). */
static hm_dataset_scan *scan_chunked(hm_dataset_container c, const char *text, size_t len,
				     size_t chunk, const hm_dataset_options *o)
{
	hm_dataset_scan *s;
	size_t off = 0;

	assert_int_equal(hm_dataset_scan_new(&s, c, NULL, o), 0);
	if (!chunk)
		chunk = len ? len : 1;
	while (off < len) {
		size_t n = len - off < chunk ? len - off : chunk;
		assert_int_equal(hm_dataset_scan_feed(s, text + off, n), 0);
		off += n;
	}
	assert_int_equal(hm_dataset_scan_finish(s), 0);
	return s;
}

/* The file's JSON (stats + errors), checked equal whatever the chunking. */
static char *results(hm_dataset_scan *s)
{
	char *j;

	assert_int_equal(hm_dataset_scan_json(&j, s), 0);
	return j;
}

static hm_dataset_scan *scan_text(hm_dataset_container c, const char *text)
{
	static const size_t chunks[] = { 1, 2, 3, 7, 64 };
	size_t len = strlen(text), i;
	hm_dataset_scan *whole = scan_chunked(c, text, len, 0, NULL);
	char *want = results(whole);

	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		hm_dataset_scan *s = scan_chunked(c, text, len, chunks[i], NULL);
		char *got = results(s);
		if (strcmp(got, want) != 0)
			fail_msg("chunks of %zu give %s\nwhole input gives %s", chunks[i], got, want);
		free(got);
		hm_dataset_scan_free(s);
	}
	free(want);
	return whole;
}

#define COUNT(s, w) ((unsigned long long)hm_dataset_scan_count((s), (w)))
#define ERRS(s, k) ((unsigned long long)hm_dataset_scan_errors((s), (k)))

static void expect(hm_dataset_scan *s, uint64_t records, uint64_t invalid, uint64_t dups)
{
	assert_int_equal(COUNT(s, HM_SCAN_RECORDS), records);
	assert_int_equal(COUNT(s, HM_SCAN_INVALID), invalid);
	assert_int_equal(COUNT(s, HM_SCAN_DUPLICATES), dups);
}

static void containers_follow_the_extension(void **state)
{
	(void)state;
	assert_int_equal(hm_dataset_container_for("a/train.jsonl"), HM_CONTAINER_JSONL);
	assert_int_equal(hm_dataset_container_for("x.NDJSON"), HM_CONTAINER_JSONL);
	assert_int_equal(hm_dataset_container_for("alpaca_data.json"), HM_CONTAINER_JSON);
	assert_int_equal(hm_dataset_container_for("t.CSV"), HM_CONTAINER_CSV);
	assert_int_equal(hm_dataset_container_for("t.tsv"), HM_CONTAINER_TSV);
	assert_int_equal(hm_dataset_container_for("notes.txt"), HM_CONTAINER_TEXT);
	assert_int_equal(hm_dataset_container_for("data.parquet"), HM_CONTAINER_PARQUET);
	assert_int_equal(hm_dataset_container_for("data.parquet.gz"), HM_CONTAINER_NONE);
	assert_int_equal(hm_dataset_container_for("train.jsonl.gz"), HM_CONTAINER_JSONL);
	assert_int_equal(hm_dataset_container_for("train.CSV.ZST"), HM_CONTAINER_CSV);
	assert_int_equal(hm_dataset_container_for("model.bin.gz"), HM_CONTAINER_NONE);
	assert_int_equal(hm_dataset_compression_for("train.jsonl.gz"), HM_COMPRESSION_GZIP);
	assert_int_equal(hm_dataset_compression_for("train.jsonl.zst"), HM_COMPRESSION_ZSTD);
	assert_int_equal(hm_dataset_compression_for("train.jsonl"), HM_COMPRESSION_NONE);
	assert_int_equal(hm_dataset_container_for(".json"), HM_CONTAINER_NONE);
	assert_string_equal(hm_dataset_container_name(HM_CONTAINER_CSV), "csv");
	assert_string_equal(hm_record_format_name(HM_RECORDS_OPENAI_CHAT), "openai-chat");
}

static void jsonl_bad_line_blank_lines_and_duplicates(void **state)
{
	/* Line 3 is broken; line 4 repeats line 1 with other key order and spacing; blank lines
	 * and a CRLF are no records; the last line has no newline. */
	const char *text = "{\"a\":1,\"b\":\"x\"}\n"
			   "{\"a\":2}\r\n"
			   "{\"a\":3,\n"
			   "\n"
			   "  {\"b\" : \"x\", \"a\" : 1}\n"
			   "   \n"
			   "{\"a\":2}";
	hm_dataset_scan *s = scan_text(HM_CONTAINER_JSONL, text);

	(void)state;
	expect(s, 5, 1, 2);
	assert_int_equal(ERRS(s, "syntax"), 1);
	assert_int_equal(COUNT(s, HM_SCAN_BYTES), strlen(text));
	assert_int_equal(hm_dataset_scan_format(s), HM_RECORDS_GENERIC);
	hm_dataset_scan_free(s);
}

static void jsonl_duplicate_keys_are_malformed(void **state)
{
	hm_dataset_scan *s = scan_text(HM_CONTAINER_JSONL, "{\"a\":1,\"a\":2}\n{\"a\":1}\n");

	(void)state;
	expect(s, 2, 1, 0);
	assert_int_equal(ERRS(s, "syntax"), 1);
	hm_dataset_scan_free(s);
}

static void json_array_streams_elements(void **state)
{
	/* Strings with brackets, commas and escaped quotes must not end an element early. */
	const char *text = "\xef\xbb\xbf [\n"
			   "  {\"instruction\": \"say ] and [\", \"input\": \"\", \"output\": \"a,b\"},\n"
			   "  {\"instruction\": \"q \\\"]\\\" \\\\\", \"output\": \"{}\"},\n"
			   "  {\"output\": \"a,b\", \"input\": \"\", \"instruction\": \"say ] and [\"},\n"
			   "  {\"instruction\": \"nested\", \"output\": \"x\", \"meta\": [[1,2],{\"k\":[]}]}\n"
			   "]\n";
	hm_dataset_scan *s = scan_text(HM_CONTAINER_JSON, text);

	(void)state;
	expect(s, 4, 0, 1);
	assert_int_equal(hm_dataset_scan_format(s), HM_RECORDS_ALPACA);
	hm_dataset_scan_free(s);
}

static void json_array_structural_errors(void **state)
{
	static const struct {
		const char *text;
		uint64_t records, invalid;
		const char *kind;
		hm_record_format format;
	} cases[] = {
		{ "[]", 0, 0, NULL, HM_RECORDS_NONE },
		{ "  [ \n ] \n", 0, 0, NULL, HM_RECORDS_NONE },
		{ "", 0, 0, NULL, HM_RECORDS_NONE },
		{ "[1,,2]", 3, 1, "syntax", HM_RECORDS_GENERIC },
		{ "[1,2,]", 3, 1, "syntax", HM_RECORDS_GENERIC },
		{ "[,1]", 2, 1, "syntax", HM_RECORDS_GENERIC },
		{ "[{\"a\":1},{\"a\":", 2, 1, "truncated", HM_RECORDS_GENERIC },
		{ "[{\"a\":1}", 1, 1, "truncated", HM_RECORDS_GENERIC },
		{ "[", 1, 1, "truncated", HM_RECORDS_GENERIC },
		{ "[1] x", 2, 1, "trailing_data", HM_RECORDS_GENERIC },
		{ "[1] [2]", 2, 1, "trailing_data", HM_RECORDS_GENERIC },
		{ "[{\"a\" 1}, {\"a\":2}]", 2, 1, "syntax", HM_RECORDS_GENERIC },
		{ "[{]}, 2]", 2, 1, "syntax", HM_RECORDS_GENERIC },
		{ "\"just a string\"", 1, 1, "not_an_array", HM_RECORDS_GENERIC },
		{ "{\"features\": {\"text\": \"string\"}}", 0, 0, NULL, HM_RECORDS_DOCUMENT },
		/* a pretty-printed object is one document, not records */
		{ "{\n  \"features\": {\n    \"text\": \"string\"\n  }\n}\n", 0, 0, NULL,
		  HM_RECORDS_DOCUMENT },
		/* JSON Lines under a .json name are read as lines */
		{ "\n{\"a\":1}\n\n{\"a\":2}\n{bad\n", 3, 1, "syntax", HM_RECORDS_GENERIC },
		{ "{\"a\":\n{\"a\":2}\n", 2, 1, "syntax", HM_RECORDS_GENERIC },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hm_dataset_scan *s = scan_text(HM_CONTAINER_JSON, cases[i].text);
		if (COUNT(s, HM_SCAN_RECORDS) != cases[i].records ||
		    COUNT(s, HM_SCAN_INVALID) != cases[i].invalid ||
		    (cases[i].kind && ERRS(s, cases[i].kind) != 1) ||
		    hm_dataset_scan_format(s) != cases[i].format)
			fail_msg("%s: records %llu invalid %llu %s %llu format %s", cases[i].text,
				 COUNT(s, HM_SCAN_RECORDS), COUNT(s, HM_SCAN_INVALID),
				 cases[i].kind ? cases[i].kind : "-",
				 cases[i].kind ? ERRS(s, cases[i].kind) : 0ULL,
				 hm_record_format_name(hm_dataset_scan_format(s)));
		hm_dataset_scan_free(s);
	}
}

static void csv_quoted_fields_hold_commas_newlines_and_quotes(void **state)
{
	/* Row 1 has a comma, a CRLF and a "" inside quotes; row 3 repeats row 1; row 4 has a
	 * missing field; row 5 text after a closing quote; the file ends inside a quote. */
	const char *text = "id,text,label\r\n"
			   "1,\"hello, world\r\nsecond \"\"line\"\"\",pos\r\n"
			   "2,plain,neg\r\n"
			   "\r\n"
			   "1,\"hello, world\r\nsecond \"\"line\"\"\",pos\r\n"
			   "3,short\n"
			   "4,\"closed\"junk,neg\n"
			   "5,\"never closed,neg\n";
	hm_dataset_scan *s = scan_text(HM_CONTAINER_CSV, text);

	(void)state;
	expect(s, 6, 3, 1);
	assert_int_equal(ERRS(s, "field_count"), 1);
	assert_int_equal(ERRS(s, "bad_quote"), 1);
	assert_int_equal(ERRS(s, "unterminated_quote"), 1);
	assert_int_equal(hm_dataset_scan_format(s), HM_RECORDS_GENERIC);
	hm_dataset_scan_free(s);
}

static void csv_fields_are_compared_not_bytes(void **state)
{
	/* "a","b" and a,b are the same row; ab, and a,b are not. */
	hm_dataset_scan *s = scan_text(HM_CONTAINER_CSV, "x,y\n\"a\",\"b\"\na,b\nab,\n,ab\n");

	(void)state;
	expect(s, 4, 0, 1);
	hm_dataset_scan_free(s);
	/* Malformed rows too: a,bc,d and ab,c,d differ, a,bc,d twice does not. */
	s = scan_text(HM_CONTAINER_CSV, "x,y\na,bc,d\nab,c,d\na,bc,d\n");
	expect(s, 3, 3, 1);
	assert_int_equal(ERRS(s, "field_count"), 3);
	hm_dataset_scan_free(s);
}

static void csv_and_tsv_with_alpaca_columns(void **state)
{
	hm_dataset_scan *s = scan_text(HM_CONTAINER_CSV,
				       "instruction,input,output\nsay hi,,hi\n\"  \",x,y\nq,,\n");

	(void)state;
	expect(s, 3, 2, 0);
	assert_int_equal(hm_dataset_scan_format(s), HM_RECORDS_ALPACA);
	assert_int_equal(COUNT(s, HM_SCAN_SCHEMA_ERRORS), 2);
	assert_int_equal(ERRS(s, "empty_instruction"), 1);
	assert_int_equal(ERRS(s, "empty_output"), 1);
	hm_dataset_scan_free(s);

	s = scan_text(HM_CONTAINER_TSV, "a\tb\n1,2\t3\n1,2\t3\n");
	expect(s, 2, 0, 1);
	hm_dataset_scan_free(s);
}

/* The fixtures of both chat formats break each chat rule once, and hold one stray record. */
static void expect_each_chat_kind_once(hm_dataset_scan *s)
{
	static const char *const kinds[] = { "missing_role",	 "content_not_string",
					     "invalid_role",	 "no_assistant_message",
					     "messages_not_array", "messages_empty",
					     "message_not_object", "missing_content",
					     "format_mismatch" };
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (ERRS(s, kinds[i]) != 1)
			fail_msg("%s: %llu records, not 1", kinds[i], ERRS(s, kinds[i]));
}

static void openai_chat_schema_errors(void **state)
{
	const char *text =
		/* 0: valid */
		"{\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
		"{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]}\n"
		/* 1: missing role */
		"{\"messages\":[{\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"x\"}]}\n"
		/* 2: content not a string */
		"{\"messages\":[{\"role\":\"user\",\"content\":42},{\"role\":\"assistant\",\"content\":\"x\"}]}\n"
		/* 3: unknown role, and no assistant message */
		"{\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}\n"
		/* 4: messages not an array */
		"{\"messages\":\"hi\"}\n"
		/* 5: empty messages */
		"{\"messages\":[]}\n"
		/* 6: a message that is not an object, and missing content */
		"{\"messages\":[\"hi\",{\"role\":\"user\"},{\"role\":\"assistant\",\"content\":\"x\"}]}\n"
		/* 7: valid: tool call without content, content parts */
		"{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]},"
		"{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[]},"
		"{\"role\":\"tool\",\"content\":\"42\"},{\"role\":\"assistant\",\"content\":\"ok\"}]}\n"
		/* 8: another format in a chat file */
		"{\"prompt\":\"hi\",\"completion\":\"x\"}\n"
		/* 9: not JSON */
		"{\"messages\":[\n";
	hm_dataset_scan *s = scan_text(HM_CONTAINER_JSONL, text);

	(void)state;
	assert_int_equal(hm_dataset_scan_format(s), HM_RECORDS_OPENAI_CHAT);
	expect(s, 10, 8, 0);
	assert_int_equal(COUNT(s, HM_SCAN_SCHEMA_ERRORS), 7);
	expect_each_chat_kind_once(s);
	assert_int_equal(ERRS(s, "syntax"), 1);
	assert_int_equal(ERRS(s, "no_such_kind"), 0);
	hm_dataset_scan_free(s);
}

static void sharegpt_schema_errors(void **state)
{
	const char *text =
		/* 0: valid, FastChat's speakers */
		"{\"id\":\"a\",\"conversations\":[{\"from\":\"system\",\"value\":\"be brief\"},"
		"{\"from\":\"human\",\"value\":\"hi\"},{\"from\":\"gpt\",\"value\":\"hello\"}]}\n"
		/* 1: valid, a tool turn (LLaMA-Factory's names) */
		"{\"conversations\":[{\"from\":\"human\",\"value\":\"2+2\"},"
		"{\"from\":\"function_call\",\"value\":\"{}\"},{\"from\":\"observation\",\"value\":\"4\"},"
		"{\"from\":\"gpt\",\"value\":\"4\"}]}\n"
		/* 2: missing from */
		"{\"conversations\":[{\"value\":\"hi\"},{\"from\":\"gpt\",\"value\":\"x\"}]}\n"
		/* 3: value not a string */
		"{\"conversations\":[{\"from\":\"human\",\"value\":[1]},{\"from\":\"gpt\",\"value\":\"x\"}]}\n"
		/* 4: unknown speaker, and no model turn */
		"{\"conversations\":[{\"from\":\"wizard\",\"value\":\"hi\"}]}\n"
		/* 5: conversations not an array; 6: empty */
		"{\"conversations\":{}}\n"
		"{\"conversations\":[]}\n"
		/* 7: a turn that is not an object, and one without value */
		"{\"conversations\":[7,{\"from\":\"human\"},{\"from\":\"gpt\",\"value\":\"x\"}]}\n"
		/* 8: an OpenAI chat record in a ShareGPT file */
		"{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"x\"}]}\n"
		/* 9: record 0 again, keys in another order */
		"{\"conversations\":[{\"value\":\"be brief\",\"from\":\"system\"},"
		"{\"from\":\"human\",\"value\":\"hi\"},{\"from\":\"gpt\",\"value\":\"hello\"}],\"id\":\"a\"}\n";
	hm_dataset_scan *s = scan_text(HM_CONTAINER_JSONL, text);

	(void)state;
	assert_int_equal(hm_dataset_scan_format(s), HM_RECORDS_SHAREGPT);
	assert_string_equal(hm_record_format_name(HM_RECORDS_SHAREGPT), "sharegpt");
	expect(s, 10, 7, 1);
	assert_int_equal(COUNT(s, HM_SCAN_SCHEMA_ERRORS), 7);
	expect_each_chat_kind_once(s);
	hm_dataset_scan_free(s);
}

static void alpaca_schema_errors(void **state)
{
	const char *text =
		"[{\"instruction\":\"Give three tips.\",\"input\":\"\",\"output\":\"1. Sleep.\"},"
		" {\"instruction\":\"Translate\",\"input\":\"hola\",\"output\":\"hello\"},"
		" {\"input\":\"\",\"output\":\"orphan\"},"
		" {\"instruction\":\"x\",\"input\":7,\"output\":\"y\"},"
		" {\"instruction\":\"x\",\"output\":[\"y\"]},"
		" {\"instruction\":\"x\",\"output\":\"   \"},"
		" {\"instruction\":\"\",\"output\":\"y\"},"
		" {\"instruction\":\"x\"}]";
	hm_dataset_scan *s = scan_text(HM_CONTAINER_JSON, text);

	(void)state;
	assert_int_equal(hm_dataset_scan_format(s), HM_RECORDS_ALPACA);
	expect(s, 8, 6, 0);
	assert_int_equal(ERRS(s, "missing_instruction"), 1);
	assert_int_equal(ERRS(s, "input_not_string"), 1);
	assert_int_equal(ERRS(s, "output_not_string"), 1);
	assert_int_equal(ERRS(s, "empty_output"), 1);
	assert_int_equal(ERRS(s, "empty_instruction"), 1);
	assert_int_equal(ERRS(s, "missing_output"), 1);
	hm_dataset_scan_free(s);
}

static void majority_decides_the_format(void **state)
{
	/* Two generic records and one chat record: generic, and no schema errors. */
	hm_dataset_scan *s = scan_text(HM_CONTAINER_JSONL,
				       "{\"text\":\"a\"}\n{\"text\":\"b\"}\n{\"messages\":[]}\n");

	(void)state;
	assert_int_equal(hm_dataset_scan_format(s), HM_RECORDS_GENERIC);
	expect(s, 3, 0, 0);
	hm_dataset_scan_free(s);
	/* Bare strings and numbers are records too. */
	s = scan_text(HM_CONTAINER_JSONL, "\"a\"\n1\n\"a\"\n");
	expect(s, 3, 0, 1);
	hm_dataset_scan_free(s);
}

static void text_lines_are_records(void **state)
{
	hm_dataset_scan *s = scan_text(HM_CONTAINER_TEXT, "one\n\ntwo\r\none\nthree");

	(void)state;
	expect(s, 4, 0, 1);
	assert_int_equal(hm_dataset_scan_format(s), HM_RECORDS_TEXT);
	hm_dataset_scan_free(s);
}

static void oversized_records_are_skipped_and_counted(void **state)
{
	hm_dataset_options o = HM_DATASET_OPTIONS_INIT;
	static const struct {
		hm_dataset_container c;
		const char *text;
		uint64_t records;
	} cases[] = {
		{ HM_CONTAINER_JSONL, "{\"a\":1}\n{\"text\":\"far too long for the limit\"}\n{\"a\":2}\n", 3 },
		{ HM_CONTAINER_JSON, "[{\"a\":1},{\"text\":\"far too long for the limit\"},{\"a\":2}]", 3 },
		{ HM_CONTAINER_CSV, "a,b\n1,2\n\"far too long\",\"for the limit\"\n3,4\n", 3 },
	};
	size_t i, chunk;

	(void)state;
	o.max_record_size = 16;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (chunk = 0; chunk < 4; chunk++) {
			hm_dataset_scan *s = scan_chunked(cases[i].c, cases[i].text,
							  strlen(cases[i].text), chunk, &o);
			expect(s, cases[i].records, 1, 0);
			assert_int_equal(ERRS(s, "oversized"), 1);
			hm_dataset_scan_free(s);
		}
	}
}

static void a_bom_split_across_chunks_is_dropped(void **state)
{
	hm_dataset_scan *s = scan_text(HM_CONTAINER_CSV, "\xef\xbb\xbfinstruction,output\nq,a\n");

	(void)state;
	/* Without the BOM stripped the header would not name "instruction". */
	assert_int_equal(hm_dataset_scan_format(s), HM_RECORDS_ALPACA);
	expect(s, 1, 0, 0);
	hm_dataset_scan_free(s);
	/* JSON readers skip it too: the first record stays valid, in JSONL, a JSON array, and a
	 * .json file of lines (whose first record decides how the file is read). */
	s = scan_text(HM_CONTAINER_JSONL, "\xef\xbb\xbf{\"instruction\":\"q\",\"output\":\"a\"}\n"
					  "{\"instruction\":\"r\",\"output\":\"b\"}\r\n");
	assert_int_equal(hm_dataset_scan_format(s), HM_RECORDS_ALPACA);
	expect(s, 2, 0, 0);
	hm_dataset_scan_free(s);
	s = scan_text(HM_CONTAINER_JSON, "\xef\xbb\xbf[{\"instruction\":\"q\",\"output\":\"a\"}]");
	assert_int_equal(hm_dataset_scan_format(s), HM_RECORDS_ALPACA);
	expect(s, 1, 0, 0);
	hm_dataset_scan_free(s);
	s = scan_text(HM_CONTAINER_JSON, "\xef\xbb\xbf{\"instruction\":\"q\",\"output\":\"a\"}\n"
					 "{\"instruction\":\"r\",\"output\":\"b\"}\n");
	assert_int_equal(hm_dataset_scan_format(s), HM_RECORDS_ALPACA);
	expect(s, 2, 0, 0);
	hm_dataset_scan_free(s);
	/* Only at the start: a BOM before a later record is a syntax error, as in JSON. */
	s = scan_text(HM_CONTAINER_JSONL, "{}\n\xef\xbb\xbf{}\n");
	expect(s, 2, 1, 0);
	hm_dataset_scan_free(s);
	/* Bytes that only start like a BOM are data. */
	s = scan_text(HM_CONTAINER_TEXT, "\xef\xbbX\n");
	expect(s, 1, 0, 0);
	hm_dataset_scan_free(s);
}

static void json_lines_in_a_json_file_say_so(void **state)
{
	hm_dataset_scan *s = scan_text(HM_CONTAINER_JSON, "{\"messages\":[]}\n{\"messages\":[]}\n");
	char *text;

	(void)state;
	expect(s, 2, 2, 1);
	assert_int_equal(hm_dataset_scan_format(s), HM_RECORDS_OPENAI_CHAT);
	assert_int_equal(hm_dataset_scan_json(&text, s), 0);
	assert_non_null(strstr(text, "\"container\":\"jsonl\""));
	free(text);
	hm_dataset_scan_free(s);
}

static void scan_json_is_the_files_entry(void **state)
{
	hm_dataset_scan *s = scan_text(HM_CONTAINER_JSONL, "{\"a\":1}\n{\"a\":1}\nnope\n");
	json_t *j;
	char *text;

	(void)state;
	assert_int_equal(hm_dataset_scan_json(&text, s), 0);
	j = json_loads(text, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "container")), "jsonl");
	assert_string_equal(json_string_value(json_object_get(j, "record_format")), "generic");
	assert_int_equal(json_integer_value(json_object_get(j, "records")), 3);
	assert_int_equal(json_integer_value(json_object_get(j, "invalid_records")), 1);
	assert_int_equal(json_integer_value(json_object_get(j, "duplicate_records")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "errors"), "syntax")),
			 1);
	assert_null(json_object_get(j, "screening")); /* not screened */
	json_decref(j);
	free(text);
	/* Feeding after finish is a caller error. */
	assert_int_equal(hm_dataset_scan_feed(s, "x", 1), HM_EINVAL);
	hm_dataset_scan_free(s);
	hm_dataset_scan_free(NULL);
}

/* gzip of text into out (a member); its length. */
static size_t gzip_of(unsigned char *out, size_t cap, const char *text)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)text;
	z.avail_in = (uInt)strlen(text);
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	deflateEnd(&z);
	return z.total_out;
}

static hm_dataset_scan *scan_gzip(const unsigned char *p, size_t n, size_t chunk, int *finish_rc)
{
	hm_dataset_scan *s;
	size_t off;

	assert_int_equal(hm_dataset_scan_new(&s, HM_CONTAINER_JSONL, NULL, NULL), 0);
	assert_int_equal(hm_dataset_scan_decompress(s, HM_COMPRESSION_GZIP), 0);
	for (off = 0; off < n; off += chunk)
		assert_int_equal(hm_dataset_scan_feed(s, p + off, n - off < chunk ? n - off : chunk), 0);
	*finish_rc = hm_dataset_scan_finish(s);
	return s;
}

static void gzip_members_stream_in_any_chunks(void **state)
{
	static const char a[] = "{\"a\":1}\n{\"a\":2}\n", b[] = "{\"a\":1}\nnot json\n";
	unsigned char gz[512];
	size_t n = gzip_of(gz, sizeof(gz), a), chunks[] = { 1, 3, 7, 512 }, i;
	hm_dataset_scan *s;
	int rc;

	(void)state;
	n += gzip_of(gz + n, sizeof(gz) - n, b); /* two members, as cat a.gz b.gz makes */
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		s = scan_gzip(gz, n, chunks[i], &rc);
		assert_int_equal(rc, 0);
		assert_int_equal(COUNT(s, HM_SCAN_RECORDS), 4);
		assert_int_equal(COUNT(s, HM_SCAN_INVALID), 1);
		assert_int_equal(COUNT(s, HM_SCAN_DUPLICATES), 1);
		assert_int_equal(COUNT(s, HM_SCAN_BYTES), n); /* the file's bytes, compressed */
		hm_dataset_scan_free(s);
	}
	/* cut inside the second member: an error, not two records fewer */
	s = scan_gzip(gz, n - 5, 3, &rc);
	assert_true(rc < 0);
	assert_non_null(strstr(hm_error_last(), "truncated"));
	hm_dataset_scan_free(s);
}

static void parquet_is_not_read_as_a_stream(void **state)
{
	hm_dataset_scan *s;

	(void)state;
	assert_int_equal(hm_dataset_scan_new(&s, HM_CONTAINER_PARQUET, NULL, NULL), 0);
	assert_int_equal(hm_dataset_scan_feed(s, "PAR1", 4), 0);
	assert_true(hm_dataset_scan_finish(s) < 0); /* never 0 records in silence */
	assert_true(hm_dataset_scan_decompress(s, HM_COMPRESSION_GZIP) < 0);
	hm_dataset_scan_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(containers_follow_the_extension),
		cmocka_unit_test(gzip_members_stream_in_any_chunks),
		cmocka_unit_test(parquet_is_not_read_as_a_stream),
		cmocka_unit_test(jsonl_bad_line_blank_lines_and_duplicates),
		cmocka_unit_test(jsonl_duplicate_keys_are_malformed),
		cmocka_unit_test(json_array_streams_elements),
		cmocka_unit_test(json_array_structural_errors),
		cmocka_unit_test(csv_quoted_fields_hold_commas_newlines_and_quotes),
		cmocka_unit_test(csv_fields_are_compared_not_bytes),
		cmocka_unit_test(csv_and_tsv_with_alpaca_columns),
		cmocka_unit_test(openai_chat_schema_errors),
		cmocka_unit_test(sharegpt_schema_errors),
		cmocka_unit_test(alpaca_schema_errors),
		cmocka_unit_test(majority_decides_the_format),
		cmocka_unit_test(text_lines_are_records),
		cmocka_unit_test(oversized_records_are_skipped_and_counted),
		cmocka_unit_test(a_bom_split_across_chunks_is_dropped),
		cmocka_unit_test(json_lines_in_a_json_file_say_so),
		cmocka_unit_test(scan_json_is_the_files_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
