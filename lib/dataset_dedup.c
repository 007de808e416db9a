/*
 * The set of record keys behind duplicate counts: open addressing with
 * linear probing over 16-byte keys (128-bit hashes, see dataset_record.c),
 * each with the last file it was seen in. 20 bytes an entry, at
 * most 3/4 full: memory grows with distinct records, not with bytes.
 */
#include "dataset_impl.h"

#include <stdlib.h>
#include <string.h>

typedef struct entry {
	unsigned char key[16];
	uint32_t file; /* file number + 1; 0 = empty slot */
} entry;

struct hm__dedup {
	entry *slots;
	size_t cap; /* a power of two */
	size_t used;
};

int hm__dedup_new(hm__dedup **out)
{
	hm__dedup *d = calloc(1, sizeof(*d));

	*out = NULL;
	if (!d)
		return hm__err_oom();
	d->cap = 1024;
	d->slots = calloc(d->cap, sizeof(entry));
	if (!d->slots) {
		free(d);
		return hm__err_oom();
	}
	*out = d;
	return 0;
}

void hm__dedup_free(hm__dedup *d)
{
	if (!d)
		return;
	free(d->slots);
	free(d);
}

static size_t slot_of(const unsigned char *key, size_t cap)
{
	uint64_t h;

	memcpy(&h, key, sizeof(h)); /* hash bytes are uniform already */
	return (size_t)h & (cap - 1);
}

void hm__dedup_prefetch(const hm__dedup *d, const unsigned char key[16])
{
#if defined(__GNUC__)
	__builtin_prefetch(&d->slots[slot_of(key, d->cap)], 1);
#else
	(void)d;
	(void)key;
#endif
}

static int grow(hm__dedup *d)
{
	size_t cap = d->cap * 2, i, j;
	entry *s;

	if (cap > SIZE_MAX / sizeof(entry))
		return hm__err_oom();
	s = calloc(cap, sizeof(entry));
	if (!s)
		return hm__err_oom();
	for (i = 0; i < d->cap; i++) {
		if (!d->slots[i].file)
			continue;
		for (j = slot_of(d->slots[i].key, cap); s[j].file; j = (j + 1) & (cap - 1))
			;
		s[j] = d->slots[i];
	}
	free(d->slots);
	d->slots = s;
	d->cap = cap;
	return 0;
}

int hm__dedup_add(hm__dedup *d, const unsigned char key[16], uint32_t file, int *in_file,
		  int *anywhere)
{
	size_t j;
	int rc;

	*in_file = *anywhere = 0;
	if (file == UINT32_MAX)
		return hm__err(HM_EINVAL, "too many files");
	for (j = slot_of(key, d->cap); d->slots[j].file; j = (j + 1) & (d->cap - 1)) {
		if (memcmp(d->slots[j].key, key, 16) == 0) {
			*anywhere = 1;
			*in_file = d->slots[j].file == file + 1;
			d->slots[j].file = file + 1;
			return 0;
		}
	}
	if ((d->used + 1) * 4 > d->cap * 3) {
		if ((rc = grow(d)) < 0)
			return rc;
		for (j = slot_of(key, d->cap); d->slots[j].file; j = (j + 1) & (d->cap - 1))
			;
	}
	memcpy(d->slots[j].key, key, 16);
	d->slots[j].file = file + 1;
	d->used++;
	return 0;
}
