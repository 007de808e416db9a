/*
 * hallmark/archive.h: the compliance archive. An embedded SQLite database
 * that keeps every signed attestation (the envelope's exact bytes, its
 * statement, subjects, signers and verification outcome) and every recorded
 * verification run, as the leaves of an append-only Merkle tree hashed as in
 * RFC 6962 / RFC 9162 (leaf = SHA-256(0x00 || entry), node = SHA-256(0x01 ||
 * left || right)). Inclusion and consistency proofs can be checked offline
 * and tree heads can be signed and published, so an archive rewritten behind
 * hallmark's back is caught. Nothing is ever deleted; every entry carries the
 * time until which it must be retained. hallmark-archive(1) documents the
 * formats.
 */
#ifndef HALLMARK_ARCHIVE_H
#define HALLMARK_ARCHIVE_H

#include <stdint.h>
#include "common.h"
#include "key.h"
#include "dsse.h"
#include "bundle.h"
#include "trust.h"
#include "verify.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The schema version this library writes (PRAGMA user_version). */
#define HM_ARCHIVE_SCHEMA_VERSION 4
/* payloadType of a signed tree head (a DSSE envelope over hm_tree_head_json()). */
#define HM_TREE_HEAD_PAYLOAD_TYPE "application/vnd.hallmark.tree-head+json"
/* Retention: attestations are kept 10 years, verification runs 6 months (EU AI Act Art. 18, 19). */
#define HM_ARCHIVE_RETAIN_ATTESTATION_YEARS 10
#define HM_ARCHIVE_RETAIN_VERIFICATION_MONTHS 6

/* ---- RFC 6962 Merkle trees ---- */

/* SHA-256(0x00 || data). */
HM_EXTERN void hm_merkle_leaf_hash(unsigned char out[32], const void *data, size_t len);
/* SHA-256(0x01 || left || right). */
HM_EXTERN void hm_merkle_node_hash(unsigned char out[32], const unsigned char left[32],
				   const unsigned char right[32]);
/* The root of the empty tree: SHA-256 of no bytes. */
HM_EXTERN void hm_merkle_empty_root(unsigned char out[32]);
/*
 * Verifies an inclusion proof (RFC 9162 section 2.1.3.2): 0 when the leaf
 * hash at index in a tree of size leads through path to root, HM_EVERIFY
 * with the reason otherwise.
 */
HM_EXTERN int hm_merkle_verify_inclusion(uint64_t index, uint64_t size, const unsigned char leaf[32],
					 const unsigned char (*path)[32], size_t npath,
					 const unsigned char root[32]);
/*
 * Verifies a consistency proof (RFC 9162 section 2.1.4.2) that the tree of
 * size first (root first_root) is a prefix of the tree of size second (root
 * second_root), 0 < first <= second (equal sizes need an empty proof and
 * equal roots). 0 or HM_EVERIFY with the reason.
 */
HM_EXTERN int hm_merkle_verify_consistency(uint64_t first, uint64_t second,
					   const unsigned char first_root[32],
					   const unsigned char second_root[32],
					   const unsigned char (*proof)[32], size_t nproof);

/* ---- Tree heads ---- */

typedef struct hm_tree_head {
	uint64_t tree_size;
	unsigned char root_hash[32];
} hm_tree_head;

/* {"tree_size": N, "root_hash": "HEX"} with a final newline. Free with hm_free(). */
HM_EXTERN int hm_tree_head_json(char **out, const hm_tree_head *head);
/*
 * A signed tree head: a DSSE envelope (one JSON line, no newline) with
 * payloadType HM_TREE_HEAD_PAYLOAD_TYPE over the canonical JSON
 * {"root_hash":"HEX","tree_size":N}. Free with hm_free().
 */
HM_EXTERN int hm_tree_head_sign(char **out, size_t *len, const hm_tree_head *head,
				const hm_key *key);
/*
 * Reads a tree head: a signed one (verified against kr; HM_EVERIFY when no
 * trusted key signed it) or, when kr is NULL, the plain JSON of
 * hm_tree_head_json() or an envelope taken without checking its signature.
 */
HM_EXTERN int hm_tree_head_parse(hm_tree_head *out, const char *data, size_t len,
				 const hm_keyring *kr);

/* ---- Proofs as JSON ---- */

typedef enum hm_proof_kind {
	HM_PROOF_INCLUSION = 1,  /* {"leaf_index","tree_size","leaf_hash","root_hash","audit_path"} */
	HM_PROOF_CONSISTENCY = 2 /* {"first","second","first_root","second_root","proof"} */
} hm_proof_kind;

/* What a checked proof proves. */
typedef struct hm_proof_info {
	hm_proof_kind kind;
	uint64_t leaf_index;        /* inclusion */
	uint64_t first;             /* consistency: the older size (inclusion: 0) */
	uint64_t tree_size;         /* the (newer) tree's size */
	unsigned char leaf_hash[32];  /* inclusion */
	unsigned char first_root[32]; /* consistency */
	unsigned char root_hash[32];  /* the (newer) tree's root */
} hm_proof_info;

/*
 * Parses a proof in either JSON shape (duplicate keys, unknown hashes and
 * wrong lengths are HM_EFORMAT) and verifies it offline with the RFC 9162
 * algorithms: 0 when it holds, HM_EVERIFY with the reason when it does not.
 * info (may be NULL) is filled once the proof has parsed.
 */
HM_EXTERN int hm_proof_check(hm_proof_info *info, const char *json, size_t len);

/* ---- Proofs against a tree the caller trusts ---- */

/*
 * A tree head from a root hash (64 hex digits) and the size of its tree.
 * HM_EINVAL when root_hex is not a SHA-256 hash.
 */
HM_EXTERN int hm_tree_head_from_hex(hm_tree_head *out, uint64_t size, const char *root_hex);
/*
 * hm_tree_head_parse() that requires a signature: HM_EINVAL when kr is NULL
 * or empty (an unsigned or unchecked head is not something to trust),
 * HM_EVERIFY when no key of kr signed it.
 */
HM_EXTERN int hm_tree_head_parse_trusted(hm_tree_head *out, const char *data, size_t len,
					 const hm_keyring *kr);
/*
 * hm_proof_check() and then: is the proof about the trusted tree? 0 when the
 * proof holds and its (newer) tree has exactly trusted's size and root hash;
 * HM_EVERIFY with the reason when it does not; HM_EINVAL when trusted is NULL
 * (there is nothing to check a proof against). info as for hm_proof_check().
 */
HM_EXTERN int hm_proof_check_trusted(hm_proof_info *info, const char *json, size_t len,
				     const hm_tree_head *trusted);

/* ---- The archive ---- */

typedef struct hm_archive hm_archive;

/* hm_archive_options.flags */
#define HM_ARCHIVE_CREATE 0x1u   /* create the database (and its directory, mode 0700) if absent */
#define HM_ARCHIVE_READONLY 0x2u /* never write (no migration either) */

typedef struct hm_archive_options {
	unsigned int version;
	unsigned int flags;           /* HM_ARCHIVE_* */
	unsigned int busy_timeout_ms; /* wait this long for another writer; 0 = 60000 */
} hm_archive_options;
#define HM_ARCHIVE_OPTIONS_VERSION 1
#define HM_ARCHIVE_OPTIONS_INIT { HM_ARCHIVE_OPTIONS_VERSION, 0, 0 }

/*
 * The default database: $HALLMARK_ARCHIVE, else $XDG_DATA_HOME/hallmark/archive.db,
 * else $HOME/.local/share/hallmark/archive.db. Free with hm_free().
 */
HM_EXTERN int hm_archive_default_path(char **out);

/*
 * Opens an archive: an SQLite file (WAL mode, a busy timeout, one transaction
 * per write), or a PostgreSQL database when path is a postgresql:// or
 * postgres:// URL or a libpq connection string ("host=... dbname=...";
 * writes serialized by an advisory lock). An
 * older schema is migrated forward in one transaction; a newer one is refused
 * with HM_EUNSUPPORTED, a database that is not an archive with HM_EFORMAT, a
 * missing file (or a PostgreSQL database without tables) without
 * HM_ARCHIVE_CREATE with HM_ENOTFOUND.
 * opts may be NULL. Free with hm_archive_free().
 */
HM_EXTERN int hm_archive_open(hm_archive **out, const char *path, const hm_archive_options *opts);
HM_EXTERN void hm_archive_free(hm_archive *a);
/* The schema version of the open database. */
HM_EXTERN int hm_archive_schema_version(const hm_archive *a);

/* ---- Adding ---- */

typedef enum hm_archive_add_status {
	HM_ARCHIVE_ADDED = 0,       /* stored; its signatures verified */
	HM_ARCHIVE_ADDED_UNVERIFIED, /* stored, flagged as not verified (allow_unverified) */
	HM_ARCHIVE_DUPLICATE,       /* the same envelope bytes are already archived: nothing done */
	HM_ARCHIVE_REFUSED          /* not stored: reason says why */
} hm_archive_add_status;

/* The outcome of one envelope, reported as it is committed. */
typedef struct hm_archive_add_event {
	size_t line;                 /* 0-based index of the envelope in the call */
	hm_archive_add_status status;
	uint64_t id;                 /* the entry (also for a duplicate); 0 when refused */
	const char *reason;          /* why it did not verify or was refused; NULL otherwise */
} hm_archive_add_event;

typedef void (*hm_archive_add_cb)(void *payload, const hm_archive_add_event *ev);

typedef struct hm_archive_add_options {
	unsigned int version;
	const hm_keyring *keys;  /* publisher keys; NULL or empty: nothing verifies */
	int allow_unverified;    /* store envelopes that do not verify, flagged */
	long long now;           /* the recorded time (Unix); 0 = the current time */
	size_t batch;            /* envelopes per transaction; 0 = 50000 */
	hm_archive_add_cb cb;    /* may be NULL */
	void *payload;
	const hm_keyring *auditor_keys; /* trusted for audits (version 2); NULL or empty: keys */
} hm_archive_add_options;
#define HM_ARCHIVE_ADD_OPTIONS_VERSION 2
#define HM_ARCHIVE_ADD_OPTIONS_INIT \
	{ HM_ARCHIVE_ADD_OPTIONS_VERSION, NULL, 0, 0, 0, NULL, NULL, NULL }

typedef struct hm_archive_add_result {
	size_t added;      /* stored and verified */
	size_t unverified; /* stored, flagged */
	size_t duplicates; /* already archived */
	size_t refused;    /* not stored */
} hm_archive_add_result;

/*
 * Archives DSSE envelopes, each one JSON line (a bundle's lines). Each is
 * checked as hm_trusted_bundle_open() checks a line (threshold 1): audits
 * against opts->auditor_keys (or opts->keys when none are given), the others
 * against opts->keys; one that is not trusted is refused unless
 * opts->allow_unverified. Text that is not
 * a DSSE envelope is always refused. The same envelope bytes twice are stored
 * once. Envelopes are committed opts->batch at a time, each batch one
 * transaction: after a crash the archive holds whole batches, and adding the
 * same input again completes it. Returns 0 also when some were refused (see
 * result), <0 when the archive could not be written. result may be NULL.
 */
HM_EXTERN int hm_archive_add_lines(hm_archive *a, hm_archive_add_result *result,
				   const char *const *lines, const size_t *lens, size_t n,
				   const hm_archive_add_options *opts);
/* hm_archive_add_lines() on every line of a bundle. */
HM_EXTERN int hm_archive_add_bundle(hm_archive *a, hm_archive_add_result *result,
				    const hm_bundle *bundle, const hm_archive_add_options *opts);
/*
 * Records a verification run (model digest, policy digest, each check's
 * outcome; the report's JSON as its body) as a new entry, retained 6 months.
 * hm_archive_last_id() names it.
 */
HM_EXTERN int hm_archive_add_verification(hm_archive *a, const hm_verify_report *r);
/* The id of the last entry this handle stored (or found as a duplicate); -1 when none. */
HM_EXTERN long long hm_archive_last_id(const hm_archive *a);

/* ---- Reading ---- */

/* A digest an entry names, with its role. */
typedef struct hm_archive_ref {
	const char *role;   /* "subject", "base-model", "dataset", "training-code", "baseline",
			       "benchmark-data", "model" (what a card or verification is about),
			       "policy" */
	const char *name;   /* NULL when none */
	const char *alg;    /* "sha256", "gitCommit", ... */
	const char *digest; /* the value, lowercase hex for the known algorithms */
} hm_archive_ref;

typedef struct hm_archive_entry {
	uint64_t id;                /* its leaf index in the log, from 0 */
	const char *kind;           /* "attestation" or "verification" */
	long long recorded;         /* Unix time it was archived */
	long long retain_until;     /* Unix time until which it must be kept */
	int verified;               /* attestation: a trusted key verified it; verification: ok */
	const char *reason;         /* why not verified; NULL */
	const char *predicate_type; /* attestation with an in-toto statement; else NULL */
	const char *benchmark;      /* audits: the benchmark name; else NULL */
	const hm_archive_ref *refs;
	size_t nrefs;
	const char *const *signers; /* key ids of the trusted keys that verified it */
	size_t nsigners;
	unsigned char leaf_hash[32];
	/* Filled by hm_archive_get() only (NULL in search results): */
	const char *entry;     /* the leaf's bytes (canonical JSON) */
	size_t entry_len;
	const char *body;      /* the envelope's exact bytes or the verification report JSON */
	size_t body_len;
	const char *statement; /* the statement (payload) JSON; NULL when none */
} hm_archive_entry;

typedef struct hm_archive_list hm_archive_list;

typedef struct hm_archive_query {
	unsigned int version;
	const char *digest;         /* "sha256:HEX", bare HEX (any algorithm) or "ALG:VALUE" */
	const char *role;           /* with digest or name: only refs of this role */
	const char *name;           /* a subject or dependency name; * and ? are wildcards */
	const char *predicate_type;
	const char *signer;         /* a key id, or a prefix of at least 8 hex digits */
	const char *benchmark;
	const char *kind;           /* "attestation" or "verification" */
	long long since, until;     /* recorded since <= t <= until; 0 = unbounded */
	int verified;               /* -1 any (the default), 0 only unverified/failed, 1 only verified */
	size_t limit;               /* most entries returned; 0 = all */
} hm_archive_query;
#define HM_ARCHIVE_QUERY_VERSION 1
#define HM_ARCHIVE_QUERY_INIT \
	{ HM_ARCHIVE_QUERY_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, -1, 0 }

/* Entries matching every given criterion, by id. Free with hm_archive_list_free(). */
HM_EXTERN int hm_archive_search(hm_archive_list **out, hm_archive *a, const hm_archive_query *q);
/* One entry with its bytes, body and statement; HM_ENOTFOUND when absent. */
HM_EXTERN int hm_archive_get(hm_archive_list **out, hm_archive *a, uint64_t id);
HM_EXTERN void hm_archive_list_free(hm_archive_list *l);
HM_EXTERN size_t hm_archive_list_count(const hm_archive_list *l);
/* Entry i, owned by the list; NULL past the end. */
HM_EXTERN const hm_archive_entry *hm_archive_list_entry(const hm_archive_list *l, size_t i);
/*
 * The entries as a JSON array (hallmark-archive(1) gives the shape); entries
 * from hm_archive_get() also carry "entry", "body" and "statement".
 * Free with hm_free().
 */
HM_EXTERN int hm_archive_list_json(char **out, const hm_archive_list *l);

/*
 * The lineage of a model (or dataset) digest: base model -> datasets -> run
 * -> model -> audits -> verification runs, plus the runs that used it. As
 * JSON (json != 0) or readable text. Free with hm_free().
 */
HM_EXTERN int hm_archive_lineage(char **out, hm_archive *a, const char *digest, int json);

/* Parses a time for queries: RFC 3339, or YYYY-MM-DD (its start, or its end when end_of_day). */
HM_EXTERN int hm_archive_time_parse(long long *out, const char *s, int end_of_day);

/* ---- Export ---- */

typedef enum hm_archive_format {
	HM_ARCHIVE_EXPORT_JSON = 0,     /* {"tree_head":{...},"entries":[...]} */
	HM_ARCHIVE_EXPORT_CSV = 1,      /* one row an entry, RFC 4180 */
	HM_ARCHIVE_EXPORT_CYCLONEDX = 2 /* CycloneDX 1.6 XML BOM: models and datasets with hashes */
} hm_archive_format;

/* "json", "csv" or "cyclonedx-xml"; HM_EINVAL listing them otherwise. */
HM_EXTERN int hm_archive_format_parse(hm_archive_format *out, const char *name);
/*
 * The entries recorded in [since, until] (0 = unbounded) in one format.
 * Free *out with hm_free().
 */
HM_EXTERN int hm_archive_export(char **out, size_t *len, hm_archive *a, hm_archive_format fmt,
				long long since, long long until);

/* ---- The log ---- */

/* The current tree head (size 0 and the empty root for an empty archive). */
HM_EXTERN int hm_archive_head(hm_tree_head *out, hm_archive *a);
/*
 * Inclusion proof of entry id in the tree of size tree_size (0 = the current
 * size), as JSON {"leaf_index","tree_size","leaf_hash","root_hash","audit_path"}.
 * Reads O(log n) stored subtree hashes. Free with hm_free().
 */
HM_EXTERN int hm_archive_prove(char **out, hm_archive *a, uint64_t id, uint64_t tree_size);
/*
 * Consistency proof between sizes first and second (0 = the current size),
 * 0 < first <= second, as JSON {"first","second","first_root","second_root","proof"}.
 * Free with hm_free().
 */
HM_EXTERN int hm_archive_consistency(char **out, hm_archive *a, uint64_t first, uint64_t second);

/* ---- Checkpoints and tiles (hallmark/note.h has the note format) ---- */

/*
 * The current tree head as a checkpoint (c2sp.org/tlog-checkpoint) signed by
 * key under origin (see hm_checkpoint_sign()). Free *out with hm_free().
 */
HM_EXTERN int hm_archive_checkpoint(char **out, size_t *len, hm_archive *a, const char *origin,
				    const hm_key *key);
/*
 * Whether the log extends the tree head older (e.g. a checkpoint's): an RFC
 * 6962 consistency proof from older to the current tree is computed from the
 * stored subtrees and verified. 0 when it holds; HM_EVERIFY with the reason
 * when older is larger than the log or its root is not the root of the log's
 * first entries. current (may be NULL) receives the current head.
 */
HM_EXTERN int hm_archive_extends(hm_tree_head *current, hm_archive *a, const hm_tree_head *older);

/* What hm_archive_export_tiles() wrote. */
typedef struct hm_tiles_result {
	uint64_t tree_size;
	size_t tiles;   /* hash tiles, partial ones included */
	size_t bundles; /* entry bundles */
} hm_tiles_result;

typedef struct hm_tiles_options {
	unsigned int version;
	const char *origin; /* the checkpoint's origin and key name (required) */
	const hm_key *key;  /* signs the checkpoint (required) */
	int replace;        /* replace a previous export in dir (one with a checkpoint) */
} hm_tiles_options;
#define HM_TILES_OPTIONS_VERSION 1
#define HM_TILES_OPTIONS_INIT { HM_TILES_OPTIONS_VERSION, NULL, NULL, 0 }

/*
 * Writes the log in the c2sp.org/tlog-tiles layout under dir, for a static
 * web server: "checkpoint" (signed), the hash tiles "tile/<L>/<N>[.p/<W>]",
 * the entry bundles "tile/entries/<N>[.p/<W>]" (each entry's leaf bytes with
 * a big-endian 16-bit length before it) and "body/<N>", the exact bytes of
 * entry N's envelope (or verification report), which its leaf names by
 * SHA-256. <N> is written in 3-digit groups, all but the last prefixed "x".
 * Everything is written into a new directory beside dir and renamed into
 * place: dir holds the whole export or is left as it was. A dir that is not
 * empty is refused (HM_EEXISTS) unless opts->replace and it holds a previous
 * export. Entries whose bytes no longer hash to their leaf fail (HM_EFORMAT).
 * result may be NULL.
 */
HM_EXTERN int hm_archive_export_tiles(hm_tiles_result *result, hm_archive *a, const char *dir,
				      const hm_tiles_options *opts);

/*
 * Audits the whole archive from its stored bytes: every entry's leaf hash,
 * body hash, index and columns, every stored subtree hash and every recorded
 * tree head are recomputed; entries modified, deleted, added or reordered
 * behind hallmark's back are named. With trusted (e.g. a published signed
 * head), the log must also extend that head. Returns 0 when everything holds,
 * HM_EVERIFY when not, with one problem per line in *problems (free with
 * hm_free(); "" when none) and their number in *nproblems. head (may be NULL)
 * receives the recomputed head.
 */
HM_EXTERN int hm_archive_verify(char **problems, size_t *nproblems, hm_tree_head *head,
				hm_archive *a, const hm_tree_head *trusted);

#ifdef __cplusplus
}
#endif
#endif
