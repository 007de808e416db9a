/*
 * The streaming analyser of one dataset file: bytes go through the splitter
 * of the file's container (lines, JSON array elements, CSV rows) and each
 * record on to dataset_record.c. The file's format is decided at the end, by
 * majority, so one odd record neither hides nor decides it: records of
 * another format than the majority are schema errors ("format_mismatch").
 *
 * A .json file that starts with '{' is no array: it is JSON Lines under the
 * wrong name when its first or second line is a complete object on its own,
 * otherwise one document (dataset_info.json, a pretty-printed config) and no
 * record collection. The first line is held until the second decides.
 */
#include "dataset_scan_impl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_MAX_RECORD ((size_t)64 << 20)
#define DEFAULT_MAX_FLAGGED 1000

static int on_record(void *ctx, const hm__record *r);

static int ends_with(const char *s, size_t n, const char *ext)
{
	size_t e = strlen(ext);

	return n > e && strncasecmp(s + n - e, ext, e) == 0;
}

hm_dataset_compression hm_dataset_compression_for(const char *filename)
{
	size_t n = strlen(filename);

	if (ends_with(filename, n, ".gz"))
		return HM_COMPRESSION_GZIP;
	if (ends_with(filename, n, ".zst"))
		return HM_COMPRESSION_ZSTD;
	return HM_COMPRESSION_NONE;
}

hm_dataset_container hm_dataset_container_for(const char *filename)
{
	static const struct {
		const char *ext;
		hm_dataset_container c;
	} exts[] = {
		{ ".jsonl", HM_CONTAINER_JSONL }, { ".ndjson", HM_CONTAINER_JSONL },
		{ ".json", HM_CONTAINER_JSON },   { ".csv", HM_CONTAINER_CSV },
		{ ".tsv", HM_CONTAINER_TSV },     { ".txt", HM_CONTAINER_TEXT },
		{ ".parquet", HM_CONTAINER_PARQUET },
	};
	size_t n = strlen(filename), i;
	hm_dataset_compression z = hm_dataset_compression_for(filename);

	if (z != HM_COMPRESSION_NONE)
		n -= z == HM_COMPRESSION_GZIP ? 3 : 4;
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		/* a Parquet file compresses its pages itself */
		if (z != HM_COMPRESSION_NONE && exts[i].c == HM_CONTAINER_PARQUET)
			continue;
		if (ends_with(filename, n, exts[i].ext))
			return exts[i].c;
	}
	return HM_CONTAINER_NONE;
}

const char *hm_dataset_container_name(hm_dataset_container c)
{
	switch (c) {
	case HM_CONTAINER_JSONL: return "jsonl";
	case HM_CONTAINER_JSON: return "json";
	case HM_CONTAINER_CSV: return "csv";
	case HM_CONTAINER_TSV: return "tsv";
	case HM_CONTAINER_TEXT: return "text";
	case HM_CONTAINER_PARQUET: return "parquet";
	default: return "none";
	}
}

const char *hm_record_format_name(hm_record_format f)
{
	switch (f) {
	case HM_RECORDS_GENERIC: return "generic";
	case HM_RECORDS_OPENAI_CHAT: return "openai-chat";
	case HM_RECORDS_ALPACA: return "alpaca";
	case HM_RECORDS_TEXT: return "text";
	case HM_RECORDS_DOCUMENT: return "document";
	case HM_RECORDS_MIXED: return "mixed";
	case HM_RECORDS_SHAREGPT: return "sharegpt";
	default: return "none";
	}
}

int hm__dataset_scan_new(hm_dataset_scan **out, hm_dataset_container c, const hm_screen *screen,
			 const hm_dataset_options *opts, hm__dedup *dedup, uint32_t file)
{
	hm_dataset_scan *s;
	size_t max = opts && opts->max_record_size ? opts->max_record_size : DEFAULT_MAX_RECORD;
	size_t ncats = screen ? hm_screen_category_count(screen) : 0;
	int rc;

	*out = NULL;
	if (c == HM_CONTAINER_NONE || c > HM_CONTAINER_PARQUET)
		return hm__err(HM_EINVAL, "no record container to scan");
	if (opts && opts->version != 1) /* version 1 lacks only hub_id, unread here */
		HM__CHECK_VERSION(opts, HM_DATASET_OPTIONS_VERSION, "hm_dataset_options");
	if (!(s = calloc(1, sizeof(*s))))
		return hm__err_oom();
	s->container = c;
	s->max_record = max;
	s->screen = screen;
	s->max_flagged = opts && opts->max_flagged ? opts->max_flagged : DEFAULT_MAX_FLAGGED;
	s->file = file;
	s->col_instruction = s->col_output = -1;
	if (dedup) {
		s->dedup = dedup;
	} else {
		if ((rc = hm__dedup_new(&s->dedup)) < 0)
			goto fail;
		s->own_dedup = 1;
	}
	s->file_md = EVP_MD_CTX_new();
	s->rec_xxh = XXH3_createState();
	if (!s->file_md || !s->rec_xxh) {
		rc = hm__err_oom();
		goto fail;
	}
	if (EVP_DigestInit_ex(s->file_md, EVP_sha256(), NULL) != 1) {
		rc = hm__err(HM_ECRYPTO, "SHA-256 is not available");
		goto fail;
	}
	if ((c == HM_CONTAINER_JSONL || c == HM_CONTAINER_JSON) && !(s->fast = hm__fastjson_new())) {
		rc = hm__err_oom();
		goto fail;
	}
	if (ncats && (!(s->cat_counts = calloc(ncats, sizeof(uint64_t))) ||
		      !(s->hit = calloc(ncats, 1)))) {
		rc = hm__err_oom();
		goto fail;
	}
	switch (c) {
	case HM_CONTAINER_JSONL:
	case HM_CONTAINER_TEXT:
		s->splitter = SPLIT_LINES;
		hm__lines_init(&s->split.lines, max, on_record, s);
		break;
	case HM_CONTAINER_JSON:
		s->splitter = SPLIT_PENDING;
		break;
	case HM_CONTAINER_PARQUET:
		s->splitter = SPLIT_NONE;
		break;
	default:
		s->splitter = SPLIT_CSV;
		hm__csv_init(&s->split.csv, c == HM_CONTAINER_TSV ? '\t' : ',', max, on_record, s);
		break;
	}
	*out = s;
	return 0;
fail:
	hm_dataset_scan_free(s);
	return rc;
}

int hm_dataset_scan_new(hm_dataset_scan **out, hm_dataset_container c, const hm_screen *screen,
			const hm_dataset_options *opts)
{
	return hm__dataset_scan_new(out, c, screen, opts, NULL, 0);
}

void hm_dataset_scan_free(hm_dataset_scan *s)
{
	if (!s)
		return;
	switch (s->splitter) {
	case SPLIT_LINES:
		hm__lines_free(&s->split.lines);
		break;
	case SPLIT_ARRAY:
		hm__jsonarray_free(&s->split.array);
		break;
	case SPLIT_CSV:
		hm__csv_free(&s->split.csv);
		break;
	}
	hm__hasher_free(s->hasher);
	hm__inflate_free(s->inflate);
	json_decref(s->columns);
	json_decref(s->unread);
	hm__buf_free(&s->held);
	if (s->own_dedup)
		hm__dedup_free(s->dedup);
	EVP_MD_CTX_free(s->file_md);
	XXH3_freeState(s->rec_xxh);
	free(s->cat_counts);
	free(s->hit);
	free(s->flagged_idx);
	hm__buf_free(&s->batch[0]);
	hm__buf_free(&s->batch[1]);
	hm__screen_scratch_free(&s->scratch);
	hm__fastjson_free(s->fast);
	hm__value_free(&s->val);
	hm__buf_free(&s->key);
	hm__keyscratch_free(&s->keyscr);
	free(s);
}

void hm__dataset_scan_reference(hm_dataset_scan *s)
{
	hm__fastjson_free(s->fast);
	s->fast = NULL;
}

static int is_object(const char *p, size_t n)
{
	json_t *v = json_loadb(p, n, JSON_REJECT_DUPLICATES, NULL);
	int yes = json_is_object(v);

	json_decref(v);
	return yes;
}

/* A .json file that starts with '{': JSON Lines, or a document? (see the top) */
static int sniff(hm_dataset_scan *s, const hm__record *r)
{
	hm__record first;
	int rc;

	switch (s->sniff) {
	case SNIFF_FIRST:
		s->sniff = SNIFF_HELD;
		s->held_error = r->error;
		return hm__buf_put(&s->held, r->data, r->len);
	case SNIFF_HELD:
		if ((s->held_error || !is_object(s->held.data, s->held.len)) &&
		    (r->error || !is_object(r->data, r->len))) {
			s->sniff = SNIFF_DOCUMENT;
			hm__buf_free(&s->held);
			return 0;
		}
		s->sniff = SNIFF_LINES;
		first.data = s->held.data;
		first.len = s->held.len;
		first.field_end = NULL;
		first.nfields = 0;
		first.error = s->held_error;
		first.pad = 0;
		if ((rc = on_record(s, &first)) == 0)
			rc = on_record(s, r);
		hm__buf_free(&s->held);
		return rc;
	default:
		return 0; /* a document: the rest is not looked at */
	}
}

static int on_record(void *ctx, const hm__record *r)
{
	hm_dataset_scan *s = ctx;
	int csv = s->splitter == SPLIT_CSV;
	uint64_t index;

	/* The first row is the header, no record; a broken one is counted as well. */
	if (csv && !s->have_header) {
		hm__scan_csv_header(s, r);
		if (!r->error)
			return 0;
	}
	/* Blank lines are no records in JSONL and text files. */
	if (s->splitter == SPLIT_LINES && !r->error && hm__is_blank(r->data, r->len))
		return 0;
	if (s->json_lines && s->sniff != SNIFF_LINES)
		return sniff(s, r);
	index = s->records++;
	if (r->error) {
		int k = hm__kind_of(r->error);
		return hm__scan_broken(s, index, k >= 0 ? k : HM__K_SYNTAX, r);
	}
	switch (s->container) {
	case HM_CONTAINER_JSONL:
	case HM_CONTAINER_JSON:
		return hm__scan_json_record(s, index, r);
	case HM_CONTAINER_TEXT:
		return hm__scan_text_record(s, index, r);
	default:
		return hm__scan_csv_record(s, index, r);
	}
}

/* ---- feeding ---- */

static int split(hm_dataset_scan *s, const char *p, size_t n)
{
	if (s->splitter == SPLIT_PENDING) {
		/* a .json file: an array, or lines of objects (see the top) */
		while (n && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) {
			p++;
			n--;
		}
		if (!n)
			return 0;
		if (*p == '{') {
			s->splitter = SPLIT_LINES;
			s->json_lines = 1;
			hm__lines_init(&s->split.lines, s->max_record, on_record, s);
		} else {
			s->splitter = SPLIT_ARRAY;
			hm__jsonarray_init(&s->split.array, s->max_record, on_record, s);
		}
	}
	switch (s->splitter) {
	case SPLIT_LINES:
		return hm__lines_feed(&s->split.lines, p, n);
	case SPLIT_ARRAY:
		return hm__jsonarray_feed(&s->split.array, p, n);
	default:
		return hm__csv_feed(&s->split.csv, p, n);
	}
}

static const char utf8_bom[3] = { '\xef', '\xbb', '\xbf' };

/* Chunks at least this large are hashed on the second thread while they are split. */
#define PARALLEL_HASH_MIN ((size_t)64 << 10)

static int split_chunk(hm_dataset_scan *s, const char *p, size_t len);

int hm_dataset_scan_decompress(hm_dataset_scan *s, hm_dataset_compression c)
{
	if (s->bytes || s->inflate)
		return hm__err(HM_EINVAL, "decompression is set before the first bytes, once");
	if (c == HM_COMPRESSION_NONE)
		return 0;
	if (c != HM_COMPRESSION_GZIP && c != HM_COMPRESSION_ZSTD)
		return hm__err(HM_EINVAL, "unknown compression %d", (int)c);
	if (s->container == HM_CONTAINER_PARQUET)
		return hm__err(HM_EINVAL, "a Parquet file compresses its own pages");
	s->compression = c;
	return hm__inflate_new(&s->inflate, (int)c);
}

static int sink(void *ctx, const char *p, size_t n)
{
	return split_chunk(ctx, p, n);
}

/* The bytes as they are after decompression, to the splitter. */
static int take(hm_dataset_scan *s, const char *p, size_t len)
{
	if (s->splitter == SPLIT_NONE)
		return 0; /* Parquet: only hashed here, read by hm__dataset_scan_parquet */
	if (s->inflate)
		return hm__inflate_feed(s->inflate, p, len, sink, s);
	return split_chunk(s, p, len);
}

/* The hasher's job: the records of the chunk before this one. */
static int screen_job(void *ctx)
{
	hm_dataset_scan *s = ctx;

	return hm__scan_screen_batch(s, &s->batch[!s->fill]);
}

int hm_dataset_scan_feed(hm_dataset_scan *s, const void *data, size_t len)
{
	int rc, rc2;

	if (s->finished)
		return hm__err(HM_EINVAL, "the scan is finished");
	if (len == 0)
		return 0;
	if (len >= PARALLEL_HASH_MIN && !s->hasher_tried) {
		s->hasher_tried = 1;
		if ((rc = hm__hasher_new(&s->hasher, s->file_md)) < 0)
			return rc;
	}
	s->bytes += len;
	if (!s->hasher || len < PARALLEL_HASH_MIN) {
		if (EVP_DigestUpdate(s->file_md, data, len) != 1)
			return hm__err(HM_ECRYPTO, "SHA-256 failed");
		if ((rc = take(s, data, len)) < 0)
			return rc;
		return hm__scan_screen_batch(s, &s->batch[s->fill]);
	}
	/* Two cores: one hashes this chunk and screens the records of the last one, while the
	 * other splits, parses and checks this one. Batches are screened in order. */
	s->fill = !s->fill;
	hm__hasher_start(s->hasher, data, len, s->screen ? screen_job : NULL, s);
	rc = take(s, data, len);
	rc2 = hm__hasher_wait(s->hasher);
	return rc < 0 ? rc : rc2;
}

static int split_chunk(hm_dataset_scan *s, const char *p, size_t len)
{
	int rc;

	/* A UTF-8 byte order mark at the start is dropped, even when split across chunks. */
	while (s->bom >= 0 && len) {
		if (*p == utf8_bom[s->bom]) {
			p++;
			len--;
			if (++s->bom == 3)
				s->bom = -1;
			continue;
		}
		rc = split(s, utf8_bom, (size_t)s->bom); /* not a BOM after all: replay */
		s->bom = -1;
		if (rc < 0)
			return rc;
	}
	return len ? split(s, p, len) : 0;
}

static void decide(hm_dataset_scan *s)
{
	int best = HM__CLS_GENERIC, c, k;
	uint64_t parsed = 0;

	memcpy(s->final_kinds, s->kinds, sizeof(s->kinds));
	for (c = 0; c < HM__CLS_COUNT; c++)
		parsed += s->cls_records[c];
	/* The majority class; ties go to the more specific format. */
	if (s->cls_records[HM__CLS_ALPACA] && s->cls_records[HM__CLS_ALPACA] >= s->cls_records[best])
		best = HM__CLS_ALPACA;
	if (s->cls_records[HM__CLS_SHAREGPT] &&
	    s->cls_records[HM__CLS_SHAREGPT] >= s->cls_records[best])
		best = HM__CLS_SHAREGPT;
	if (s->cls_records[HM__CLS_CHAT] && s->cls_records[HM__CLS_CHAT] >= s->cls_records[best])
		best = HM__CLS_CHAT;
	if (s->records == 0)
		s->format = s->json_lines ? HM_RECORDS_DOCUMENT : HM_RECORDS_NONE;
	else if (s->container == HM_CONTAINER_TEXT)
		s->format = HM_RECORDS_TEXT;
	else if (best == HM__CLS_CHAT)
		s->format = HM_RECORDS_OPENAI_CHAT;
	else if (best == HM__CLS_SHAREGPT)
		s->format = HM_RECORDS_SHAREGPT;
	else if (best == HM__CLS_ALPACA)
		s->format = HM_RECORDS_ALPACA;
	else
		s->format = HM_RECORDS_GENERIC;
	s->schema_errors = 0;
	if (best != HM__CLS_GENERIC) {
		uint64_t mismatch = parsed - s->cls_records[best];
		for (k = 0; k < HM__K_COUNT; k++)
			s->final_kinds[k] += s->cls_kinds[best][k];
		s->final_kinds[HM__K_FORMAT_MISMATCH] += mismatch;
		s->schema_errors = s->cls_invalid[best] + mismatch;
	}
	s->invalid = s->broken + s->schema_errors;
}

int hm_dataset_scan_finish(hm_dataset_scan *s)
{
	unsigned char md[32];
	unsigned int mdlen = 32;
	int rc;

	if (s->finished)
		return 0;
	if (s->container == HM_CONTAINER_PARQUET && !s->parquet_read)
		return hm__err(HM_EUNSUPPORTED,
			       "a Parquet file is read from its footer, not as a stream of bytes");
	if (s->inflate && (rc = hm__inflate_finish(s->inflate, s->bytes)) < 0)
		return rc;
	if (s->bom > 0 && (rc = split(s, utf8_bom, (size_t)s->bom)) < 0)
		return rc;
	s->bom = -1;
	switch (s->splitter) {
	case SPLIT_LINES:
		rc = hm__lines_finish(&s->split.lines);
		break;
	case SPLIT_ARRAY:
		rc = hm__jsonarray_finish(&s->split.array);
		break;
	case SPLIT_CSV:
		rc = hm__csv_finish(&s->split.csv);
		break;
	default:
		rc = 0; /* an empty .json file */
	}
	if (rc < 0 || (rc = hm__scan_screen_batch(s, &s->batch[s->fill])) < 0 ||
	    (rc = hm__scan_dedup_flush(s)) < 0)
		return rc;
	if (EVP_DigestFinal_ex(s->file_md, md, &mdlen) != 1)
		return hm__err(HM_ECRYPTO, "SHA-256 failed");
	hm__hex_encode(s->sha256, md, sizeof(md));
	decide(s);
	s->finished = 1;
	return 0;
}

