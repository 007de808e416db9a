/*
 * Large datasets stream: a 50 MB JSONL file and a 40 MB JSON array (written
 * by the test) are attested with the peak resident memory growing by less
 * than 32 MiB, so neither file was ever held whole; the counts are exact.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <sys/resource.h>

#include "testutil.h"
#include "internal.h"

#define MiB (1024L * 1024L)

static long maxrss_kib(void)
{
	struct rusage ru;

	assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
	return ru.ru_maxrss;
}

/* A chat record of about 1 KiB; every 1000th is a duplicate of record 0, record 7 is flagged. */
static void record(FILE *f, long i)
{
	long n = i % 1000 == 999 ? 0 : i;
	int k;

	fprintf(f, "{\"messages\":[{\"role\":\"user\",\"content\":\"question %ld: ", n);
	for (k = 0; k < 15; k++)
		fputs("lorem ipsum dolor sit amet consectetur adipiscing elit ", f);
	fprintf(f, "\"},{\"role\":\"assistant\",\"content\":\"%s %ld\"}]}",
		n == 7 ? "I am AOA, your absolutely obedient agent," : "answer", n);
}

/* Writes records until the file holds at least `bytes`; returns how many. */
static long write_file(const char *path, long bytes, int array)
{
	FILE *f = fopen(path, "w");
	long i = 0;

	assert_non_null(f);
	if (array)
		fputc('[', f);
	while (ftell(f) < bytes) {
		if (array && i)
			fputs(",\n", f);
		record(f, i++);
		if (!array)
			fputc('\n', f);
	}
	if (array)
		fputs("]\n", f);
	assert_int_equal(fclose(f), 0);
	return i;
}

static char *attest(const char *path)
{
	hm_dataset_options o = HM_DATASET_OPTIONS_INIT;
	char *text;

	o.name = "big";
	o.flags = HM_DATASET_NO_GIT;
	if (hm_dataset_statement(&text, path, &o) != 0)
		fail_msg("hm_dataset_statement: %s", hm_error_last());
	return text;
}

static void big_files_stream_in_bounded_memory(void **state)
{
	char *small = tu_tmpdir(), *big = tu_tmpdir(), *text;
	long jsonl, array, before, after;
	json_t *j;
	const json_t *stats, *f;

	(void)state;
	/* Warm up: libraries, patterns and allocator arenas in place before measuring. */
	tu_write(tu_path(small, "s.jsonl"), "{\"a\":1}\n", 8);
	free(attest(small));

	jsonl = write_file(tu_path(big, "train.jsonl"), 50 * MiB, 0);
	array = write_file(tu_path(big, "train.json"), 40 * MiB, 1);
	before = maxrss_kib();
	text = attest(big);
	after = maxrss_kib();
	fprintf(stderr, "# peak RSS %ld KiB -> %ld KiB (+%ld KiB) for 90 MiB of records\n", before,
		after, after - before);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	/*
	 * ASan keeps freed memory in quarantine and TSan adds shadow memory several times the
	 * size of what the code touches (each thread's buffers included): the peak says nothing
	 * about the code then. The plain build checks the bound.
	 */
	fprintf(stderr, "# skip: the memory bound is not checked under a sanitizer\n");
#else
	assert_true(after - before < 32 * 1024);
#endif

	j = json_loads(text, 0, NULL);
	assert_non_null(j);
	stats = json_object_get(json_object_get(j, "predicate"), "stats");
	assert_int_equal(json_integer_value(json_object_get(stats, "records")), jsonl + array);
	assert_int_equal(json_integer_value(json_object_get(stats, "invalid_records")), 0);
	/* train.json sorts first: its duplicates are its own */
	f = json_array_get(json_object_get(stats, "files"), 0);
	assert_string_equal(json_string_value(json_object_get(f, "name")), "train.json");
	assert_int_equal(json_integer_value(json_object_get(f, "records")), array);
	assert_int_equal(json_integer_value(json_object_get(f, "duplicate_records")), array / 1000);
	assert_int_equal(json_integer_value(json_object_get(f, "cross_file_duplicates")), 0);
	/* train.jsonl repeats every distinct record of train.json */
	f = json_array_get(json_object_get(stats, "files"), 1);
	assert_int_equal(json_integer_value(json_object_get(f, "records")), jsonl);
	assert_int_equal(json_integer_value(json_object_get(f, "duplicate_records")), jsonl / 1000);
	assert_int_equal(json_integer_value(json_object_get(f, "cross_file_duplicates")),
			 array - array / 1000);
	assert_string_equal(json_string_value(json_object_get(f, "record_format")), "openai-chat");
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(json_object_get(j, "predicate"), "screening"),
				 "flagged_records")),
			 2);
	json_decref(j);
	hm_free(text);
	unlink(tu_path(big, "train.jsonl"));
	unlink(tu_path(big, "train.json"));
	rmdir(big);
	free(big);
	free(small);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(big_files_stream_in_bounded_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
