/*
 * What a dataset file's name tells: the data formats this reader does not
 * read (named so they are never counted as 0 records in silence), and the
 * split a file belongs to, by the hub's naming: a file named
 * train-00000-of-00001.parquet, train.jsonl or test_data.csv, or any file
 * under a directory named after the split (data/train/…). "valid", "val"
 * and "dev" count as validation.
 */
#include "dataset_impl.h"

#include <string.h>
#include <strings.h>

static const struct {
	const char *word, *split;
} names[] = {
	{ "train", "train" },	   { "training", "train" }, { "validation", "validation" },
	{ "valid", "validation" }, { "val", "validation" }, { "dev", "validation" },
	{ "test", "test" },	   { "testing", "test" },
};

/* The split named by p[0..n) followed by a separator (or the end), or NULL. */
static const char *word_split(const char *p, size_t n, int whole)
{
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t w = strlen(names[i].word);
		if (n < w || strncasecmp(p, names[i].word, w) != 0)
			continue;
		if (n == w || (!whole && strchr("-_.", p[w])))
			return names[i].split;
	}
	return NULL;
}

const char *hm__dataset_split_of(const char *path)
{
	const char *p = path, *slash, *split = NULL, *s;

	/* the file's name first, then the nearest directory that names a split */
	while ((slash = strchr(p, '/'))) {
		if ((s = word_split(p, (size_t)(slash - p), 1)))
			split = s;
		p = slash + 1;
	}
	if ((s = word_split(p, strlen(p), 0)))
		return s;
	return split;
}

const char *hm__dataset_unread_reason(const char *name)
{
	static const char *const formats[] = {
		".arrow", ".feather", ".avro", ".orc", ".lance", ".tfrecord", ".h5", ".hdf5",
		".npy", ".npz", ".pkl", ".pickle", ".db", ".sqlite", ".msgpack", ".xlsx",
	};
	static const char *const archives[] = {
		".zip", ".tar", ".tgz", ".7z", ".bz2", ".xz", ".lz4", ".br", ".gz", ".zst",
	};
	size_t n = strlen(name), i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (n > strlen(formats[i]) && strcasecmp(name + n - strlen(formats[i]), formats[i]) == 0)
			return "a data format whose records are not read";
	for (i = 0; i < sizeof(archives) / sizeof(archives[0]); i++)
		if (n > strlen(archives[i]) && strcasecmp(name + n - strlen(archives[i]), archives[i]) == 0)
			return "an archive or compressed file whose contents are not read";
	return NULL;
}
