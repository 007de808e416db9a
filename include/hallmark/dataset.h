/*
 * hallmark/dataset.h: dataset attestations. Which files make up a training or
 * evaluation set (the OMS manifest of hallmark/manifest.h), what they hold
 * (records, malformed and duplicate records, chat-format schema errors),
 * where they come from (git), and a heuristic screen for examples that look
 * like the harmful and identity-shifting data of Qi et al. (ICLR 2024).
 * The predicate is documented in hallmark-dataset(5).
 */
#ifndef HALLMARK_DATASET_H
#define HALLMARK_DATASET_H

#include <stdint.h>
#include "common.h"
#include "manifest.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HM_DATASET_PREDICATE_TYPE "https://hallmark.dev/attestations/dataset/v1"

/* hm_dataset_options.flags */
#define HM_DATASET_NO_GIT 0x1u       /* do not look for a git work tree */
#define HM_DATASET_NO_SCREENING 0x2u /* no "screening" section, no pattern file needed */

typedef struct hm_dataset_options {
	unsigned int version;
	const char *name;            /* required: the subject name, e.g. "acme-chat-sft" */
	const char *dataset_version; /* free text, e.g. "2024-05" (optional) */
	const char *license;         /* SPDX license expression (optional) */
	const char *source;          /* URI the data came from (optional) */
	const char *purpose;         /* "fine-tuning", "safety-mix" or "evaluation" (optional) */
	const char *screen_patterns; /* pattern file; NULL = hm_screen_default_path() */
	const hm_digest_options *digest; /* how the manifest is computed; NULL = defaults */
	unsigned int flags;          /* HM_DATASET_* */
	size_t max_record_size;      /* larger records are counted invalid; 0 = 64 MiB */
	size_t max_flagged;          /* flagged indexes kept per file; 0 = 1000 */
	hm_progress_cb progress;     /* bytes analysed (after hashing); may be NULL */
	void *progress_payload;
	/*
	 * Version 2: the dataset's hub id, ORG/NAME or ORG/NAME@REV (checked with
	 * hm_hub_id_check), recorded as predicate "hub": {"id", "revision"}.
	 * NULL = none. A version 1 struct has no such field.
	 */
	const char *hub_id;
} hm_dataset_options;
#define HM_DATASET_OPTIONS_VERSION 2
#define HM_DATASET_OPTIONS_INIT \
	{ HM_DATASET_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL, \
	  NULL }

/*
 * The in-toto statement for the dataset at path (a file or a directory):
 * subject {name: opts->name, digest.sha256: manifest root of path}, the
 * predicate of HM_DATASET_PREDICATE_TYPE with the resources, record
 * statistics, git provenance (when path lies in a git work tree) and the
 * screening result. The options are validated first (name present, purpose,
 * license and source syntax; HM_EINVAL). A file that changes between being
 * hashed and being analysed is an error (HM_EIO). Pretty-printed JSON; free
 * with hm_free().
 */
HM_EXTERN int hm_dataset_statement(char **out, const char *path, const hm_dataset_options *opts);

/* What a dataset statement counts, for a one-line summary. */
typedef struct hm_dataset_summary {
	uint64_t records, invalid, duplicates;
	uint64_t flagged; /* records the screening flagged (0 when not screened) */
	int screened;     /* the statement records a screening */
} hm_dataset_summary;
/*
 * Reads the counts of a dataset statement as hm_dataset_statement writes it
 * (JSON text of len bytes). HM_EFORMAT when it is not one.
 */
HM_EXTERN int hm_dataset_statement_summary(hm_dataset_summary *out, const char *statement,
					   size_t len);
/*
 * What a dataset statement says was not read: one line per data file whose
 * format is not read ("NAME: REASON") and per Parquet column whose values
 * were not read ("NAME: column COL: REASON"), for a caller to show. *out is
 * NULL when everything was read; free with hm_free().
 */
HM_EXTERN int hm_dataset_statement_unread(char **out, const char *statement);

/* Argument checks the statement runs too; each returns 0 or HM_EINVAL with a message. */
/* One of "fine-tuning", "safety-mix", "evaluation". */
HM_EXTERN int hm_dataset_check_purpose(const char *purpose);
/*
 * An SPDX license expression: ids of letters, digits, '.', '-' (and a final
 * '+'), combined with AND, OR, WITH and parentheses. Unknown ids are fine.
 */
HM_EXTERN int hm_dataset_check_license(const char *expr);
/*
 * A URI with a scheme (https, http, hf, s3, gs, file, git+https, ...); the
 * network schemes need "//host", file needs an absolute path, and http(s)
 * URIs must not carry credentials.
 */
HM_EXTERN int hm_dataset_check_source(const char *uri);

/* ---- Screening: a heuristic, not a moderation model. ---- */

typedef struct hm_screen hm_screen;

/*
 * The pattern file used when none is given, looked up from the running
 * program's location first: <exe>/../share/hallmark/screen-patterns.txt (an
 * install, also a relocated one), <exe>/../data/ and <exe>/../../data/ (the
 * source tree's copy, for programs in $(BUILD)/ and $(BUILD)/tests/), then
 * HM_DATADIR/screen-patterns.txt as compiled in. Never the current directory.
 * HM_ENOTFOUND when none exists. Free with hm_free().
 */
HM_EXTERN int hm_screen_default_path(char **out);

/*
 * Loads a pattern file (path NULL = the default). Format, one per line:
 *   category<TAB>text      case-insensitive substring
 *   category<TAB>re:ERE    POSIX extended regular expression, case-insensitive
 *   category<TAB>str:text  substring that may itself begin with "re:"
 * Blank lines and lines starting with '#' are ignored. Text is matched after
 * normalization (ASCII lowercase, runs of whitespace as one space, curly
 * quotes as straight ones), and substring patterns are normalized the same
 * way. Free with hm_screen_free().
 */
HM_EXTERN int hm_screen_load(hm_screen **out, const char *path);
/* The same from memory; name is used in messages. */
HM_EXTERN int hm_screen_parse(hm_screen **out, const char *text, size_t len, const char *name);
HM_EXTERN void hm_screen_free(hm_screen *s);

HM_EXTERN size_t hm_screen_pattern_count(const hm_screen *s);
/* Categories in the order they first appear in the file. */
HM_EXTERN size_t hm_screen_category_count(const hm_screen *s);
HM_EXTERN const char *hm_screen_category_name(const hm_screen *s, size_t i);
/* SHA-256 (hex) of the pattern file's bytes, recorded in the predicate. */
HM_EXTERN const char *hm_screen_digest(const hm_screen *s);

/*
 * Screens one text. hit (may be NULL) receives hm_screen_category_count()
 * bytes: 1 for each category with a matching pattern, else 0; *nhit the
 * number of such categories.
 */
HM_EXTERN int hm_screen_match(size_t *nhit, unsigned char *hit, const hm_screen *s,
			      const char *text, size_t len);

/* ---- Record statistics of one file, streamed. ---- */

typedef enum hm_dataset_container {
	HM_CONTAINER_NONE = 0, /* not analysed: manifest entry only */
	HM_CONTAINER_JSONL,    /* .jsonl, .ndjson: one JSON value per line */
	HM_CONTAINER_JSON,     /* .json: a top-level array of records (or JSON Lines) */
	HM_CONTAINER_CSV,      /* .csv: RFC 4180, the first row is the header */
	HM_CONTAINER_TSV,      /* .tsv: the same with tabs */
	HM_CONTAINER_TEXT,     /* .txt: one record per non-blank line */
	HM_CONTAINER_PARQUET   /* .parquet: read from its footer by hm_dataset_statement() */
} hm_dataset_container;

/*
 * By the file name's extension (case-insensitive); for a compressed file
 * (.gz, .zst) the extension before it: "train.jsonl.gz" is JSONL.
 */
HM_EXTERN hm_dataset_container hm_dataset_container_for(const char *filename);
/* "jsonl", "json", "csv", "tsv", "text", "parquet" or "none". */
HM_EXTERN const char *hm_dataset_container_name(hm_dataset_container c);

typedef enum hm_dataset_compression {
	HM_COMPRESSION_NONE = 0,
	HM_COMPRESSION_GZIP, /* .gz */
	HM_COMPRESSION_ZSTD  /* .zst */
} hm_dataset_compression;

/* By the file name's last extension (case-insensitive). */
HM_EXTERN hm_dataset_compression hm_dataset_compression_for(const char *filename);
/* "gzip", "zstd" or "none". */
HM_EXTERN const char *hm_dataset_compression_name(hm_dataset_compression c);

typedef enum hm_record_format {
	HM_RECORDS_NONE = 0,    /* no records */
	HM_RECORDS_GENERIC,     /* records of no format we know */
	HM_RECORDS_OPENAI_CHAT, /* {"messages":[{"role","content"},...]} */
	HM_RECORDS_ALPACA,      /* {"instruction","input","output"} (or CSV columns) */
	HM_RECORDS_TEXT,        /* lines of text */
	HM_RECORDS_DOCUMENT,    /* a .json file holding one object: not records, not counted */
	HM_RECORDS_MIXED,       /* several files of different formats */
	HM_RECORDS_SHAREGPT     /* {"conversations":[{"from","value"},...]} */
} hm_record_format;

/* "none", "generic", "openai-chat", "alpaca", "text", "document", "mixed", "sharegpt". */
HM_EXTERN const char *hm_record_format_name(hm_record_format f);

typedef enum hm_scan_counter {
	HM_SCAN_RECORDS = 0,   /* records (a CSV header row and blank lines are none) */
	HM_SCAN_INVALID,       /* malformed records, schema errors included */
	HM_SCAN_DUPLICATES,    /* records whose content appeared earlier */
	HM_SCAN_BYTES,         /* bytes fed */
	HM_SCAN_SCHEMA_ERRORS, /* records that parse but break the detected format */
	HM_SCAN_FLAGGED        /* records the screen flagged */
} hm_scan_counter;

typedef struct hm_dataset_scan hm_dataset_scan;

/*
 * A streaming analyser for one file's bytes: feed it chunks of any size,
 * then finish. Memory is bounded by the largest record (records larger than
 * opts->max_record_size are skipped and counted invalid as "oversized") plus
 * about 20 bytes per distinct record for duplicate detection. screen may be
 * NULL (no screening) and must outlive the scan; opts may be NULL (only
 * max_record_size and max_flagged are used). Free with hm_dataset_scan_free().
 */
HM_EXTERN int hm_dataset_scan_new(hm_dataset_scan **out, hm_dataset_container c,
				  const hm_screen *screen, const hm_dataset_options *opts);
/*
 * The bytes fed are compressed (gzip members or zstd frames): they are
 * decompressed before they are split. Call before the first feed; a stream
 * that is corrupt or ends inside a member fails the feed or the finish.
 * A Parquet scan cannot be fed (it needs the file's footer first).
 */
HM_EXTERN int hm_dataset_scan_decompress(hm_dataset_scan *s, hm_dataset_compression c);
HM_EXTERN int hm_dataset_scan_feed(hm_dataset_scan *s, const void *data, size_t len);
HM_EXTERN int hm_dataset_scan_finish(hm_dataset_scan *s);
HM_EXTERN void hm_dataset_scan_free(hm_dataset_scan *s);

/* Counters and results; complete after hm_dataset_scan_finish(). */
HM_EXTERN uint64_t hm_dataset_scan_count(const hm_dataset_scan *s, hm_scan_counter which);
HM_EXTERN hm_record_format hm_dataset_scan_format(const hm_dataset_scan *s);
/*
 * Records with one kind of problem, e.g. "syntax", "oversized", "truncated",
 * "trailing_data", "not_an_array", "field_count", "bad_quote",
 * "unterminated_quote", "format_mismatch", "messages_not_array",
 * "messages_empty", "message_not_object", "missing_role", "invalid_role",
 * "missing_content", "content_not_string", "no_assistant_message",
 * "missing_instruction", "instruction_not_string", "empty_instruction",
 * "input_not_string", "missing_output", "output_not_string", "empty_output"
 * (hallmark-dataset(5) explains each). 0 for unknown kinds.
 */
HM_EXTERN uint64_t hm_dataset_scan_errors(const hm_dataset_scan *s, const char *kind);
/* Flagged records in one screening category (0 for unknown categories). */
HM_EXTERN uint64_t hm_dataset_scan_category(const hm_dataset_scan *s, const char *category);
/* The kept indexes (0-based record numbers) of flagged records, in order. */
HM_EXTERN size_t hm_dataset_scan_flagged_count(const hm_dataset_scan *s);
HM_EXTERN uint64_t hm_dataset_scan_flagged_index(const hm_dataset_scan *s, size_t i);

/*
 * This file's results as the JSON of one stats.files entry (see
 * hallmark-dataset(5); no "name") plus a "screening" member when screened.
 * Compact JSON; free with hm_free().
 */
HM_EXTERN int hm_dataset_scan_json(char **out, const hm_dataset_scan *s);

#ifdef __cplusplus
}
#endif
#endif
