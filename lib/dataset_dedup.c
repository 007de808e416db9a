/*
 * The set of record keys behind duplicate counts: open addressing with
 * linear probing over 16-byte keys (128-bit hashes, see dataset_record.c),
 * each with the last file it was seen in. 20 bytes an entry, at
 * most 3/4 full: memory grows with distinct records, not with bytes.
 */
#include "dataset_impl.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Tables from this size on are mapped and asked for huge pages (see alloc_slots). */
#define HUGE_TABLE ((size_t)2 << 20)

typedef struct entry {
	unsigned char key[16];
	uint32_t file; /* file number + 1; 0 = empty slot */
} entry;

struct hm__dedup {
	entry *slots;
	size_t cap; /* a power of two */
	size_t used;
};

/*
 * A zeroed table of cap slots. Keys land on random slots, so a large table
 * is touched all over at once: with huge pages where the system gives them
 * (madvise), one fault and one TLB entry cover 2 MiB instead of 4 KiB. The
 * memory used is the same, the table being touched everywhere anyway.
 */
static entry *alloc_slots(size_t cap)
{
	size_t bytes = cap * sizeof(entry);
	void *p;

	if (bytes < HUGE_TABLE)
		return calloc(cap, sizeof(entry));
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
	return p;
}

static void free_slots(entry *slots, size_t cap)
{
	size_t bytes = cap * sizeof(entry);

	if (!slots)
		return;
	if (bytes < HUGE_TABLE)
		free(slots);
	else
		munmap(slots, bytes);
}

int hm__dedup_new(hm__dedup **out)
{
	hm__dedup *d = calloc(1, sizeof(*d));

	*out = NULL;
	if (!d)
		return hm__err_oom();
	d->cap = 1024;
	d->slots = alloc_slots(d->cap);
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
	free_slots(d->slots, d->cap);
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
	s = alloc_slots(cap);
	if (!s)
		return hm__err_oom();
	for (i = 0; i < d->cap; i++) {
		if (!d->slots[i].file)
			continue;
		for (j = slot_of(d->slots[i].key, cap); s[j].file; j = (j + 1) & (cap - 1))
			;
		s[j] = d->slots[i];
	}
	free_slots(d->slots, d->cap);
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
