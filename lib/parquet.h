/*
 * lib/parquet.h: a small reader of Apache Parquet files, enough to count a
 * dataset's records and read its values: the footer (Thrift compact
 * protocol), PLAIN and dictionary pages (v1 and v2), RLE/bit-packed levels,
 * snappy, gzip and zstd. Every length and offset comes from untrusted bytes
 * and is checked before use; memory is bounded by the limits below.
 */
#ifndef HM_PARQUET_H
#define HM_PARQUET_H

#include "internal.h"
#include "dataset_value.h"

/* Limits (documented in hallmark-dataset(5)). */
#define HM_PQ_MAX_FOOTER ((uint32_t)64 << 20)    /* the serialized FileMetaData */
#define HM_PQ_MAX_PAGE ((uint32_t)256 << 20)     /* one page, compressed or not */
#define HM_PQ_MAX_GROUP ((uint64_t)1 << 30)      /* a row group's decoded pages, summed */
#define HM_PQ_MAX_SCHEMA 10000                   /* schema elements */
#define HM_PQ_MAX_DEPTH 16                       /* schema nesting */

/* ---- parquet_thrift.c: the compact protocol ---- */
enum {
	HM_TT_STOP = 0, HM_TT_TRUE = 1, HM_TT_FALSE = 2, HM_TT_BYTE = 3, HM_TT_I16 = 4,
	HM_TT_I32 = 5, HM_TT_I64 = 6, HM_TT_DOUBLE = 7, HM_TT_BINARY = 8, HM_TT_LIST = 9,
	HM_TT_SET = 10, HM_TT_MAP = 11, HM_TT_STRUCT = 12
};
typedef struct hm__thrift {
	const unsigned char *p, *end;
	int depth;
	const char *err; /* the first problem, NULL while all is well */
} hm__thrift;
/* The next field of the struct being read: 0 at its end (or on an error), else 1 with
 * *id and *type set. *last is the previous field id of this struct (start with 0). */
int hm__thrift_field(hm__thrift *t, int16_t *last, int16_t *id, int *type);
int64_t hm__thrift_int(hm__thrift *t, int type);       /* I16, I32, I64, BYTE */
int hm__thrift_bool(hm__thrift *t, int type);          /* the field type holds it */
/* A BINARY: its bytes stay in the input. */
const unsigned char *hm__thrift_binary(hm__thrift *t, uint32_t *len);
/* A list or set header: element type and count (count checked against what is left). */
int hm__thrift_list(hm__thrift *t, int *etype, uint32_t *n);
void hm__thrift_skip(hm__thrift *t, int type);
uint64_t hm__thrift_varint(hm__thrift *t);

/* ---- parquet_meta.c: the footer ---- */
enum { HM_PQ_BOOLEAN, HM_PQ_INT32, HM_PQ_INT64, HM_PQ_INT96, HM_PQ_FLOAT, HM_PQ_DOUBLE,
       HM_PQ_BYTE_ARRAY, HM_PQ_FIXED };
enum { HM_PQ_REQUIRED, HM_PQ_OPTIONAL, HM_PQ_REPEATED };
enum { HM_PQ_UNCOMPRESSED, HM_PQ_SNAPPY, HM_PQ_GZIP, HM_PQ_ZSTD = 6 };

typedef struct hm__pq_schema {
	char *name;
	int type; /* -1 for a group */
	int type_length, repetition, num_children, converted, is_list;
	int parent; /* index, -1 for the root */
} hm__pq_schema;

/* How a top-level column is turned into a record member. */
enum {
	HM_PQ_SHAPE_UNREAD,    /* not read (see hm__pq_top.why) */
	HM_PQ_SHAPE_VALUE,     /* a primitive */
	HM_PQ_SHAPE_STRUCT,    /* a group of primitives */
	HM_PQ_SHAPE_LIST,      /* a LIST of primitives */
	HM_PQ_SHAPE_LIST_STRUCT /* a LIST of groups of primitives (chat messages) */
};

typedef struct hm__pq_leaf {
	int schema;          /* its schema element */
	int top;             /* its top-level column */
	int max_def, max_rep;
	int def_list;        /* LIST shapes: def at which the list is present */
	int def_slot;        /* ... at which an element slot exists */
	int def_elem;        /* ... at which the element (struct) is non-null */
	int type, type_length, is_string;
} hm__pq_leaf;

typedef struct hm__pq_top {
	int schema;
	int shape;
	const char *why;     /* UNREAD: the reason */
	int first_leaf, nleaves;
} hm__pq_top;

typedef struct hm__pq_chunk {
	int codec;
	int64_t num_values, data_off, dict_off, size; /* size: total_compressed_size */
	const char *unsupported; /* why this reader cannot decode it (an encoding, a codec), or NULL */
} hm__pq_chunk;

typedef struct hm__pq_group {
	int64_t num_rows;
	hm__pq_chunk *chunks; /* one per leaf */
} hm__pq_group;

typedef struct hm__pq_meta {
	hm__pq_schema *schema;
	size_t nschema;
	hm__pq_leaf *leaves;
	size_t nleaves;
	hm__pq_top *tops;
	size_t ntops;
	hm__pq_group *groups;
	size_t ngroups;
	int64_t num_rows;
} hm__pq_meta;

/* A random-access byte source (a file or a buffer). */
typedef struct hm__pq_source {
	int (*read)(void *ctx, uint64_t off, void *buf, size_t n); /* 0 or a negative error */
	void *ctx;
	uint64_t size;
	const char *name; /* for messages */
} hm__pq_source;

/* Reads and checks the footer. Free with hm__pq_meta_free. */
int hm__pq_meta_read(hm__pq_meta *m, const hm__pq_source *src);
/* Parses a serialized FileMetaData (fuzzing uses this directly). */
int hm__pq_meta_parse(hm__pq_meta *m, const unsigned char *p, size_t n, uint64_t file_size,
		      const char *name);
void hm__pq_meta_free(hm__pq_meta *m);

/* ---- parquet_page.c: one column chunk's pages into levels and values ---- */
typedef struct hm__pq_column {
	uint8_t *rep, *def;   /* one per level triplet */
	size_t nlevels;
	hm__vnode *vals;      /* one per defined value (def == max_def) */
	size_t nvals;
	size_t caplevels, capvals;
	/* decoded page buffers that the string values point into */
	unsigned char **bufs;
	size_t nbufs, capbufs;
	uint64_t bytes;       /* decoded bytes held, for the row group limit */
} hm__pq_column;

int hm__pq_column_read(hm__pq_column *c, const hm__pq_source *src, const hm__pq_leaf *leaf,
		       const hm__pq_chunk *ch, uint64_t budget);
/* Decodes pages from a buffer holding a column chunk (the fuzzer's entry). */
int hm__pq_column_decode(hm__pq_column *c, const unsigned char *p, size_t n,
			 const hm__pq_leaf *leaf, int codec, int64_t num_values, uint64_t budget,
			 const char *name);
void hm__pq_column_free(hm__pq_column *c);

/* ---- parquet_rows.c: a row group's rows as records ---- */
/* Receives each row as an OBJECT value of the read columns. */
typedef int (*hm__pq_row_fn)(void *ctx, const hm__value *row);
int hm__pq_read_rows(const hm__pq_meta *m, const hm__pq_source *src, hm__pq_row_fn fn,
		     void *ctx);

#endif
