/*
 * One record of a dataset file: parsed (JSON) or taken as fields (CSV) or
 * bytes (text), checked against the format its keys claim, hashed for
 * duplicate detection (one digest set for the whole dataset) and screened.
 */
#include "dataset_scan_impl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * Counts a duplicate when the record's 128-bit XXH3 (seeded with the tag, over
 * the parts) was seen before. XXH3 is no cryptographic hash: two records
 * made to collide on purpose would count as one duplicate, nothing more (the
 * file digest, which the statement signs, is SHA-256). By chance, n distinct
 * records collide with a probability below n^2 / 2^129: 10^9 records, 1.5e-21.
 */
static int add_pending(hm_dataset_scan *s)
{
	int in_file, anywhere, rc;

	rc = hm__dedup_add(s->dedup, s->pending[s->next_pending], s->file, &in_file, &anywhere);
	if (rc < 0)
		return rc;
	s->next_pending = (s->next_pending + 1) % HM__DEDUP_AHEAD;
	s->npending--;
	if (in_file)
		s->dups++;
	else if (anywhere)
		s->cross_dups++;
	return 0;
}

int hm__scan_dedup_flush(hm_dataset_scan *s)
{
	int rc;

	while (s->npending)
		if ((rc = add_pending(s)) < 0)
			return rc;
	return 0;
}

static int dedup(hm_dataset_scan *s, char tag, const char *data, size_t len,
		 const size_t *field_end, size_t nfields)
{
	XXH128_hash_t h;
	unsigned char key[16];
	int rc, k;
	size_t i, start = 0;

	if (field_end) {
		/* fields with their lengths, so ("ab","c") and ("a","bc") differ */
		if (XXH3_128bits_reset_withSeed(s->rec_xxh, (XXH64_hash_t)(unsigned char)tag) != XXH_OK)
			return hm__err(HM_EINVAL, "XXH3 failed");
		for (i = 0; i < nfields; i++) {
			uint64_t n = field_end[i] - start;
			unsigned char le[8];
			for (k = 0; k < 8; k++)
				le[k] = (unsigned char)(n >> (8 * k));
			if (XXH3_128bits_update(s->rec_xxh, le, 8) != XXH_OK ||
			    XXH3_128bits_update(s->rec_xxh, data + start, (size_t)n) != XXH_OK)
				return hm__err(HM_EINVAL, "XXH3 failed");
			start = field_end[i];
		}
		h = XXH3_128bits_digest(s->rec_xxh);
	} else {
		h = XXH3_128bits_withSeed(data, len, (XXH64_hash_t)(unsigned char)tag);
	}
	for (k = 0; k < 8; k++) {
		key[k] = (unsigned char)(h.low64 >> (8 * k));
		key[8 + k] = (unsigned char)(h.high64 >> (8 * k));
	}
	/* The set is far larger than the cache: the key waits while its slot is fetched, and the
	 * key that waited longest goes in. Order is kept, so the counts are the same. */
	if (s->npending == HM__DEDUP_AHEAD && (rc = add_pending(s)) < 0)
		return rc;
	memcpy(s->pending[(s->next_pending + s->npending++) % HM__DEDUP_AHEAD], key, 16);
	hm__dedup_prefetch(s->dedup, key);
	return 0;
}

static int screen_now(hm_dataset_scan *s, uint64_t index, const char *text, size_t len)
{
	size_t ncats, i;
	int oom;

	if (hm__screen_match(s->screen, text, len, s->hit, &s->scratch, &oom) == 0)
		return oom ? HM_ENOMEM : 0;
	ncats = hm_screen_category_count(s->screen);
	s->flagged++;
	for (i = 0; i < ncats; i++)
		s->cat_counts[i] += s->hit[i];
	if (s->nflagged_idx == s->max_flagged) {
		s->flagged_truncated = 1;
		return 0;
	}
	if ((s->nflagged_idx & (s->nflagged_idx - 1)) == 0) { /* 0, 1, 2, 4, ...: grow */
		size_t cap = s->nflagged_idx ? s->nflagged_idx * 2 : 1;
		uint64_t *p = realloc(s->flagged_idx, cap * sizeof(*p));
		if (!p)
			return hm__err_oom();
		s->flagged_idx = p;
	}
	s->flagged_idx[s->nflagged_idx++] = index;
	return 0;
}

/* Each record's text waits in the batch as (index, length, bytes) until hm__scan_screen_batch. */
static int screen(hm_dataset_scan *s, uint64_t index, const char *text, size_t len)
{
	uint64_t head[2] = { index, len };
	int rc;

	if (!s->screen)
		return 0;
	if ((rc = hm__buf_put(&s->batch[s->fill], head, sizeof(head))) < 0)
		return rc;
	return hm__buf_put(&s->batch[s->fill], text, len);
}

/* The same for a parsed record's strings, written into the batch at once. */
static int screen_strings(hm_dataset_scan *s, uint64_t index, const hm__value *val)
{
	hm_buf *b = &s->batch[s->fill];
	uint64_t head[2] = { index, 0 };
	size_t at = b->len;
	int rc;

	if ((rc = hm__buf_put(b, head, sizeof(head))) < 0 ||
	    (rc = hm__value_strings(b, val)) < 0)
		return rc;
	head[1] = b->len - at - sizeof(head);
	memcpy(b->data + at, head, sizeof(head));
	return 0;
}

int hm__scan_screen_batch(hm_dataset_scan *s, hm_buf *b)
{
	size_t off = 0;
	int rc = 0;

	while (rc == 0 && off < b->len) {
		uint64_t head[2];
		memcpy(head, b->data + off, sizeof(head));
		off += sizeof(head);
		rc = screen_now(s, head[0], b->data + off, (size_t)head[1]);
		off += (size_t)head[1];
	}
	b->len = 0;
	return rc;
}

/* A record the splitter or parser rejected: counted, and its raw bytes still deduplicated and
 * screened (malformed examples are trained on too, when a pipeline is lenient). */
int hm__scan_broken(hm_dataset_scan *s, uint64_t index, int kind, const hm__record *r)
{
	int rc;

	s->broken++;
	s->kinds[kind]++;
	if (r->len == 0)
		return 0;
	/* a CSV row keeps its fields apart, like a valid one */
	if ((rc = dedup(s, r->field_end ? 'c' : 'r', r->data, r->len, r->field_end, r->nfields)) < 0)
		return rc;
	return screen(s, index, r->data, r->len);
}

static void tally(hm_dataset_scan *s, int cls, uint32_t errs)
{
	int k;

	s->cls_records[cls]++;
	if (!errs)
		return;
	s->cls_invalid[cls]++;
	for (k = 0; k < HM__K_COUNT; k++)
		if (errs & (1u << k))
			s->cls_kinds[cls][k]++;
}

/* A parsed record whose duplicate key is in s->key: checks, duplicates, screening. */
static int checked(hm_dataset_scan *s, uint64_t index, const hm__value *val, int cls_hint)
{
	int cls = hm__record_class(val), rc;

	if (cls == HM__CLS_GENERIC && cls_hint != HM__CLS_GENERIC)
		tally(s, cls_hint, 0); /* the columns that tell the format were not read */
	else
		tally(s, cls, cls == HM__CLS_CHAT       ? hm__check_chat(val)
			      : cls == HM__CLS_SHAREGPT ? hm__check_sharegpt(val)
			      : cls == HM__CLS_ALPACA   ? hm__check_alpaca(val)
							: 0);
	/* Duplicates by content, so key order and spacing do not matter. */
	rc = dedup(s, 'j', s->key.data, s->key.len, NULL, 0);
	if (rc == 0 && s->screen)
		rc = screen_strings(s, index, val);
	return rc;
}

int hm__scan_value_record(hm_dataset_scan *s, uint64_t index, const hm__value *val, int cls_hint)
{
	int dup_name = 0, rc;

	if ((rc = hm__value_key(&s->key, val, &dup_name, &s->keyscr)) < 0)
		return rc;
	return checked(s, index, val, cls_hint);
}

/*
 * The fast parser first; what it declines (invalid records, and the rare
 * valid ones it might read differently) goes to jansson, the reference,
 * whose verdict and value stand. Either way the checks read the same nodes.
 */
int hm__scan_json_record(hm_dataset_scan *s, uint64_t index, const hm__record *r)
{
	json_error_t e;
	json_t *v = NULL;
	int rc = 0, dup_name = 0;

	if (s->fast && (rc = hm__fastjson_parse(s->fast, r->data, r->len, r->pad, &s->val)) < 0)
		return hm__err_oom();
	if (rc == 1 && (rc = hm__value_key(&s->key, &s->val, &dup_name, &s->keyscr)) == 0)
		rc = dup_name ? 0 : 1; /* jansson refuses a name given twice */
	if (rc < 0)
		return rc;
	if (rc == 0) {
		/* Parsed as hm__json_parse does, without recording a message per bad record. */
		v = json_loadb(r->data, r->len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &e);
		if (!v)
			return hm__scan_broken(s, index, HM__K_SYNTAX, r);
		if ((rc = hm__value_from_json(&s->val, v)) < 0 ||
		    (rc = hm__value_key(&s->key, &s->val, &dup_name, &s->keyscr)) < 0)
			goto out;
	}
	rc = checked(s, index, &s->val, HM__CLS_GENERIC);
out:
	json_decref(v);
	return rc;
}

static int name_is(const char *p, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(p, name, n) == 0;
}

void hm__scan_csv_header(hm_dataset_scan *s, const hm__record *r)
{
	size_t i, start = 0;

	s->have_header = 1;
	s->ncols = r->nfields;
	for (i = 0; i < r->nfields; i++) {
		const char *f = r->data + start;
		size_t n = r->field_end[i] - start;
		if (name_is(f, n, "instruction"))
			s->col_instruction = (long)i;
		else if (name_is(f, n, "output"))
			s->col_output = (long)i;
		start = r->field_end[i];
	}
}

static int field_blank(const hm__record *r, long col)
{
	size_t start = col > 0 ? r->field_end[col - 1] : 0;

	return hm__is_blank(r->data + start, r->field_end[col] - start);
}

int hm__scan_csv_record(hm_dataset_scan *s, uint64_t index, const hm__record *r)
{
	uint64_t head[2] = { index, 0 };
	size_t i, start = 0, at;
	hm_buf *b;
	int rc;

	if (r->nfields != s->ncols)
		return hm__scan_broken(s, index, HM__K_FIELD_COUNT, r);
	if (s->col_instruction >= 0 && s->col_output >= 0) {
		uint32_t e = 0;
		if (field_blank(r, s->col_instruction))
			e |= 1u << HM__K_EMPTY_INSTRUCTION;
		if (field_blank(r, s->col_output))
			e |= 1u << HM__K_EMPTY_OUTPUT;
		tally(s, HM__CLS_ALPACA, e);
	} else {
		tally(s, HM__CLS_GENERIC, 0);
	}
	if ((rc = dedup(s, 'c', r->data, r->len, r->field_end, r->nfields)) < 0)
		return rc;
	if (!s->screen)
		return 0;
	/* the fields, each followed by 0x1e, written into the batch at once */
	b = &s->batch[s->fill];
	at = b->len;
	if ((rc = hm__buf_put(b, head, sizeof(head))) < 0)
		return rc;
	for (i = 0; i < r->nfields; i++) {
		if ((rc = hm__buf_put(b, r->data + start, r->field_end[i] - start)) < 0 ||
		    (rc = hm__buf_put(b, "\x1e", 1)) < 0)
			return rc;
		start = r->field_end[i];
	}
	head[1] = b->len - at - sizeof(head);
	memcpy(b->data + at, head, sizeof(head));
	return 0;
}

int hm__scan_text_record(hm_dataset_scan *s, uint64_t index, const hm__record *r)
{
	int rc;

	tally(s, HM__CLS_GENERIC, 0);
	if ((rc = dedup(s, 'r', r->data, r->len, NULL, 0)) < 0)
		return rc;
	return screen(s, index, r->data, r->len);
}
