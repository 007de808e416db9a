/*
 * lib/dataset_impl.h: the pieces behind hallmark/dataset.h: push parsers that
 * cut a byte stream into records (lines, JSON array elements, CSV rows), the
 * duplicate set, and what the statement builder needs from the scanner.
 */
#ifndef HM_DATASET_IMPL_H
#define HM_DATASET_IMPL_H

#include "internal.h"
#include "hallmark/dataset.h"
#include "dataset_value.h"

/*
 * One record cut from the stream. data/len: the record's bytes (a line
 * without its newline, a JSON element's text, or a CSV row's unescaped fields
 * back to back with field_end[i] the end offset of field i). error: a problem
 * the splitter already found (an error kind name), or NULL; data may then be
 * empty (e.g. "oversized": the bytes were not kept).
 */
typedef struct hm__record {
	const char *data;
	size_t len;
	const size_t *field_end;
	size_t nfields;
	const char *error;
	size_t pad; /* bytes readable after data + len (the rest of the chunk), for parsers
		       that read ahead; 0 when unknown */
} hm__record;

/* Receives each record; a negative return stops the splitter and is passed on. */
typedef int (*hm__record_fn)(void *ctx, const hm__record *r);

/*
 * dataset_schema.c: the kinds of record problems (names as in the predicate's
 * "errors") and the checks of the chat formats we recognise.
 */
enum hm__kind {
	HM__K_SYNTAX, HM__K_OVERSIZED, HM__K_TRUNCATED, HM__K_TRAILING_DATA, HM__K_NOT_AN_ARRAY,
	HM__K_FIELD_COUNT, HM__K_BAD_QUOTE, HM__K_UNTERMINATED_QUOTE, HM__K_FORMAT_MISMATCH,
	HM__K_MESSAGES_NOT_ARRAY, HM__K_MESSAGES_EMPTY, HM__K_MESSAGE_NOT_OBJECT,
	HM__K_MISSING_ROLE, HM__K_INVALID_ROLE, HM__K_MISSING_CONTENT, HM__K_CONTENT_NOT_STRING,
	HM__K_NO_ASSISTANT_MESSAGE, HM__K_MISSING_INSTRUCTION, HM__K_INSTRUCTION_NOT_STRING,
	HM__K_EMPTY_INSTRUCTION, HM__K_INPUT_NOT_STRING, HM__K_MISSING_OUTPUT,
	HM__K_OUTPUT_NOT_STRING, HM__K_EMPTY_OUTPUT,
	HM__K_COUNT
};
extern const char *const hm__kind_names[HM__K_COUNT];
/* The kind with that name, or -1. */
int hm__kind_of(const char *name);

/* Record classes: which format a parsed record claims by its keys. */
enum hm__class { HM__CLS_GENERIC, HM__CLS_CHAT, HM__CLS_ALPACA, HM__CLS_SHAREGPT, HM__CLS_COUNT };
/* CHAT when the record is an object with "messages", SHAREGPT with "conversations",
 * ALPACA with "instruction" or "output", else GENERIC (non-objects included). */
int hm__record_class(const hm__value *v);
/* The schema problems of a record of its class, as a mask of (1u << kind). */
uint32_t hm__check_chat(const hm__value *v);
uint32_t hm__check_sharegpt(const hm__value *v);
uint32_t hm__check_alpaca(const hm__value *v);

/* dataset_value.c */
void hm__value_free(hm__value *val);
/* val from jansson's tree (whose strings it points into). */
int hm__value_from_json(hm__value *val, const json_t *j);
/* The member's value node of object node obj, or 0 when absent. */
uint32_t hm__value_get(const hm__value *val, uint32_t obj, const char *name);
/* The sorting space of hm__value_key, kept between calls (free with hm__keyscratch_free). */
typedef struct hm__keyscratch {
	void *m;
	size_t capm;
	hm_buf tmp;
} hm__keyscratch;
void hm__keyscratch_free(hm__keyscratch *ks);
/*
 * The duplicate key into out: equal exactly for equal JSON values (members in
 * any order). *dup_name = 1 when an object names a member twice (which the
 * reference parser refuses). ks: zeroed at first, then reused.
 */
int hm__value_key(hm_buf *out, const hm__value *val, int *dup_name, hm__keyscratch *ks);
/* Appends every string value in document order to out, each followed by 0x1e. */
int hm__value_strings(hm_buf *out, const hm__value *val);
/* 1 when s[0..n) is empty or only whitespace. */
int hm__is_blank(const char *s, size_t n);

/* dataset_lines.c: '\n'-separated lines, a trailing '\r' removed. */
typedef struct hm__lines {
	hm_buf cur;
	size_t max;
	int oversized;
	hm__record_fn fn;
	void *ctx;
} hm__lines;
void hm__lines_init(hm__lines *l, size_t max, hm__record_fn fn, void *ctx);
int hm__lines_feed(hm__lines *l, const char *p, size_t n);
int hm__lines_finish(hm__lines *l);
void hm__lines_free(hm__lines *l);

/*
 * dataset_jsonarray.c: the elements of a top-level JSON array, one at a time,
 * found by tracking strings, escapes and nesting depth (the element text is
 * then parsed on its own). Memory is bounded by the largest element.
 */
typedef struct hm__jsonarray {
	hm_buf cur;
	size_t max;
	int state;       /* JA_* in dataset_jsonarray.c */
	size_t depth;
	int in_string, escape, oversized, after_comma, started, trailing;
	hm__record_fn fn;
	void *ctx;
} hm__jsonarray;
void hm__jsonarray_init(hm__jsonarray *a, size_t max, hm__record_fn fn, void *ctx);
int hm__jsonarray_feed(hm__jsonarray *a, const char *p, size_t n);
int hm__jsonarray_finish(hm__jsonarray *a);
void hm__jsonarray_free(hm__jsonarray *a);

/* dataset_csv.c: RFC 4180 rows (quotes, "" escapes, delimiters and newlines in quotes). */
typedef struct hm__csv {
	hm_buf cur;           /* unescaped field bytes of the current row */
	size_t *ends;         /* end offset of each field */
	size_t nends, capends;
	size_t max;
	char delim;
	int state;            /* CSV_* in dataset_csv.c */
	int oversized, content;
	const char *error;
	hm__record_fn fn;
	void *ctx;
} hm__csv;
void hm__csv_init(hm__csv *c, char delim, size_t max, hm__record_fn fn, void *ctx);
int hm__csv_feed(hm__csv *c, const char *p, size_t n);
int hm__csv_finish(hm__csv *c);
void hm__csv_free(hm__csv *c);

/* dataset_inflate.c: gzip and zstd streams, decompressed chunk by chunk into sink. */
typedef struct hm__inflate hm__inflate;
typedef int (*hm__inflate_sink)(void *ctx, const char *p, size_t n);
int hm__inflate_new(hm__inflate **out, int kind);
int hm__inflate_feed(hm__inflate *z, const void *p, size_t n, hm__inflate_sink sink, void *ctx);
/* Fails when the stream stopped inside a member or frame (total_in: compressed bytes fed). */
int hm__inflate_finish(hm__inflate *z, uint64_t total_in);
void hm__inflate_free(hm__inflate *z);

/* dataset_names.c: "train", "validation" or "test" by the file's path, or NULL. */
const char *hm__dataset_split_of(const char *path);
/* Why a file of a data format that is not read (by its name) has no statistics, or NULL. */
const char *hm__dataset_unread_reason(const char *name);

/* dataset_parquet.c: reads the Parquet file open on fd (size bytes) into the scan, whose
 * feed has hashed the same bytes; name for messages. */
int hm__dataset_scan_parquet(hm_dataset_scan *s, int fd, uint64_t size, const char *name);
/* The same from a buffer (the fuzz harness). */
int hm__dataset_scan_parquet_buffer(hm_dataset_scan *s, const void *p, size_t n, const char *name);

/*
 * dataset_dedup.c: a set of record keys (128-bit XXH3 each, dataset_record.c) that
 * remembers the last file each was seen in, so one set serves a whole
 * dataset: duplicates within a file and across files.
 */
typedef struct hm__dedup hm__dedup;
int hm__dedup_new(hm__dedup **out);
void hm__dedup_free(hm__dedup *d);
/*
 * Adds a key seen in file (any number). *in_file = 1 when it was seen
 * before in this file, *anywhere = 1 when seen before in any file.
 */
int hm__dedup_add(hm__dedup *d, const unsigned char key[16], uint32_t file, int *in_file,
		  int *anywhere);
/* Fetches the key's first slot into the cache, ahead of hm__dedup_add. */
void hm__dedup_prefetch(const hm__dedup *d, const unsigned char key[16]);

/*
 * dataset_hasher.c: a thread that feeds chunks to a digest while the caller
 * works on them, then runs a job (may be NULL) given with the chunk. *out
 * NULL (returns 0) when no thread can be started.
 */
typedef struct hm__hasher hm__hasher;
struct evp_md_ctx_st;
int hm__hasher_new(hm__hasher **out, struct evp_md_ctx_st *md);
/* Hands p[0..n) over; it must stay valid until hm__hasher_wait returns. */
void hm__hasher_start(hm__hasher *h, const void *p, size_t n, int (*job)(void *ctx), void *ctx);
/* Waits for the digest and the job: 0, or the first error of either. */
int hm__hasher_wait(hm__hasher *h);
void hm__hasher_free(hm__hasher *h);

/* dataset_scan.c */
/*
 * A scan that shares a duplicate set (dedup may be NULL: its own) and numbers
 * itself file for it; it also hashes every byte fed (hm__dataset_scan_sha256).
 */
int hm__dataset_scan_new(hm_dataset_scan **out, hm_dataset_container c, const hm_screen *screen,
			 const hm_dataset_options *opts, hm__dedup *dedup, uint32_t file);
/* Hex SHA-256 of the bytes fed; valid after finish. */
const char *hm__dataset_scan_sha256(const hm_dataset_scan *s);
/* The stats.files entry (without "name"); new reference. */
json_t *hm__dataset_scan_stats_json(const hm_dataset_scan *s);
/* The screening.files entry (without "name"), NULL when not screened; new reference. */
json_t *hm__dataset_scan_screen_json(const hm_dataset_scan *s);
/* Duplicates of records from earlier files (dataset-wide count minus in-file count). */
uint64_t hm__dataset_scan_cross_duplicates(const hm_dataset_scan *s);
/* Per-category flagged counts, hm_screen_category_count() of them. */
const uint64_t *hm__dataset_scan_categories(const hm_dataset_scan *s);

/*
 * screen_literal.c: literals of which every match of an ERE contains one, to
 * skip regexec on texts that have none (n = 0: no such literals, always run).
 */
typedef struct hm__literals {
	char **v;
	size_t *len, n, shortest;
} hm__literals;
int hm__literals_of(hm__literals *out, const char *ere);
/* 1 when text holds one of the literals, or when there are none. */
int hm__literals_any(const hm__literals *l, const char *text, size_t len);
void hm__literals_free(hm__literals *l);

/*
 * screen_gram.c: a small set of literals of 3 bytes or more in one pass (hashed
 * four-byte prefixes); *out NULL (returns 0) for any other set.
 */
typedef struct hm__gram hm__gram;
int hm__gram_new(hm__gram **out, const char *const *lit, const size_t *len, const unsigned *ids,
		 unsigned n);
void hm__gram_free(hm__gram *g);
/* Sets seen[id] for each literal that occurs in text. */
void hm__gram_scan(const hm__gram *g, const char *text, size_t len, unsigned char *seen);

/*
 * screen_multi.c: every literal in one pass (screen_gram.c or Hyperscan). hm__multi_new sets
 * *out NULL, and returns 0, when Hyperscan cannot run on this CPU or cannot
 * build the database: callers then search literal by literal.
 */
typedef struct hm__multi hm__multi;
int hm__multi_new(hm__multi **out, const char *const *lit, const size_t *len, const unsigned *ids,
		  unsigned n);
void hm__multi_free(hm__multi *m);
/*
 * Sets seen[id] for each literal that occurs in text; *scratch: NULL at first,
 * kept per caller. Returns 1, seen undefined, when the matcher declines this
 * text (a Hyperscan scan error, a text over 4 GiB): the caller then searches
 * literal by literal.
 */
int hm__multi_scan(const hm__multi *m, void **scratch, const char *text, size_t len,
		   unsigned char *seen);
void hm__multi_scratch_free(void *scratch);

/* screen.c: matching with caller-kept scratch space (no allocation per call). */
typedef struct hm__screen_scratch {
	hm_buf norm;         /* the normalized text */
	void *hs;            /* the multi-literal matcher's scratch */
	unsigned char *seen; /* per pattern: it or one of its literals occurs */
	size_t nseen;
} hm__screen_scratch;
size_t hm__screen_match(const hm_screen *s, const char *text, size_t len, unsigned char *hit,
			hm__screen_scratch *scratch, int *oom);
void hm__screen_scratch_free(hm__screen_scratch *x);
/* The text as patterns see it into b; fast = 0: byte by byte (the reference for the fast path). */
int hm__screen_normalize(hm_buf *b, const char *text, size_t len, int fast);
/* Switches the one-pass matcher off (0) or back on: the results are the same either way. */
void hm__screen_use_multi(hm_screen *s, int on);
int hm__screen_has_multi(const hm_screen *s);

/* dataset_git.c: the predicate's "git" member for a dataset, or NULL when path is in no
 * work tree (*out NULL, returns 0). */
int hm__dataset_git_json(json_t **out, const char *path, const hm_manifest *m);

#endif
