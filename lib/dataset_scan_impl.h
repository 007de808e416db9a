/*
 * lib/dataset_scan_impl.h: the state of one streaming dataset scan, shared by
 * dataset_scan.c (splitting and deciding), dataset_record.c (each record) and
 * dataset_results.c (counters and JSON).
 */
#ifndef HM_DATASET_SCAN_IMPL_H
#define HM_DATASET_SCAN_IMPL_H

#include "dataset_impl.h"

#include <openssl/evp.h>
#include <xxhash.h>

/* How many record keys wait, their table slots fetched into the cache, before they are added. */
#define HM__DEDUP_AHEAD 8

struct hm_dataset_scan {
	hm_dataset_container container;
	const hm_screen *screen;
	size_t max_flagged;
	hm__dedup *dedup;
	int own_dedup;
	/* Keys waiting to enter the duplicate set, their slots prefetched (dataset_record.c). */
	unsigned char pending[HM__DEDUP_AHEAD][16];
	unsigned npending, next_pending;
	uint32_t file;
	int finished, bom; /* bom: BOM bytes matched so far, -1 once past */
	size_t max_record;
	int splitter; /* SPLIT_*: for .json files decided by the first byte */
	union {
		hm__lines lines;
		hm__jsonarray array;
		hm__csv csv;
	} split;
	int json_lines, sniff; /* a .json file read as lines; SNIFF_* */
	hm_buf held;           /* its first line, until the second decides */
	const char *held_error;
	EVP_MD_CTX *file_md;
	XXH3_state_t *rec_xxh; /* the duplicate key of a record with fields */
	hm__hasher *hasher; /* hashes file_md in parallel; NULL until a large chunk comes */
	int hasher_tried;
	/* JSON records: the fast parser (NULL: jansson only), the parsed record, its duplicate key */
	hm__fastjson *fast;
	hm__value val;
	hm_buf key;
	hm__keyscratch keyscr;
	char sha256[65];

	uint64_t bytes, records, broken, dups, cross_dups, flagged;
	uint64_t kinds[HM__K_COUNT];              /* problems found before any class is known */
	uint64_t cls_records[HM__CLS_COUNT];      /* parsed records by class */
	uint64_t cls_invalid[HM__CLS_COUNT];      /* of those, with schema errors */
	uint64_t cls_kinds[HM__CLS_COUNT][HM__K_COUNT];

	/* CSV: the header row. */
	int have_header;
	size_t ncols;
	long col_instruction, col_output; /* -1 when absent */

	/* Screening. */
	uint64_t *cat_counts;
	unsigned char *hit;
	uint64_t *flagged_idx;
	size_t nflagged_idx;
	int flagged_truncated;
	hm__screen_scratch scratch;
	/* Records waiting to be screened: batch[fill] takes the chunk being split; the other is
	 * screened on the hasher's thread meanwhile (dataset_scan.c). */
	hm_buf batch[2];
	int fill;

	/* Compressed input (NULL: plain). */
	hm__inflate *inflate;
	hm_dataset_compression compression;
	/* Parquet: what the footer says, and the columns not read (JSON arrays). */
	int parquet_read;
	uint64_t row_groups;
	json_t *columns, *unread;
	int col_class; /* the class the column names tell, for rows whose values cannot */

	/* Results, set by finish. */
	hm_record_format format;
	uint64_t schema_errors, invalid;
	uint64_t final_kinds[HM__K_COUNT];
};

enum { SPLIT_PENDING, SPLIT_LINES, SPLIT_ARRAY, SPLIT_CSV, SPLIT_NONE };
enum { SNIFF_FIRST, SNIFF_HELD, SNIFF_LINES, SNIFF_DOCUMENT };

/* Parses JSON records with jansson only, the reference the fast parser must agree with. */
void hm__dataset_scan_reference(hm_dataset_scan *s);

/* dataset_record.c: one record, by kind; index is its 0-based number in the file. */
/* A record the splitter or parser rejected (kind: an hm__kind). */
int hm__scan_broken(hm_dataset_scan *s, uint64_t index, int kind, const hm__record *r);
int hm__scan_json_record(hm_dataset_scan *s, uint64_t index, const hm__record *r);
/* A record already parsed into val (a Parquet row); cls_hint: the class when the row's
 * read values tell none (HM__CLS_GENERIC: none). */
int hm__scan_value_record(hm_dataset_scan *s, uint64_t index, const hm__value *val, int cls_hint);
int hm__scan_text_record(hm_dataset_scan *s, uint64_t index, const hm__record *r);
/* Adds the keys still waiting to the duplicate set (before the counts are read). */
int hm__scan_dedup_flush(hm_dataset_scan *s);
/* Screens the records waiting in b (in order) and empties it. */
int hm__scan_screen_batch(hm_dataset_scan *s, hm_buf *b);
/* The first CSV row: column count and the Alpaca columns. */
void hm__scan_csv_header(hm_dataset_scan *s, const hm__record *r);
int hm__scan_csv_record(hm_dataset_scan *s, uint64_t index, const hm__record *r);

#endif
