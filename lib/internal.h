/*
 * lib/internal.h: helpers shared inside the library. Not installed; tests may use it.
 */
#ifndef HM_INTERNAL_H
#define HM_INTERNAL_H

#include "hallmark.h"

#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#if defined(__GNUC__)
#define HM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define HM_PRINTF(a, b)
#endif

/* error.c: set the thread-local error; returns code. */
#define hm__err hm_error_set
/* Prepends a formatted prefix to the current message; returns the current code. */
int hm__err_prefix(const char *fmt, ...) HM_PRINTF(1, 2);
int hm__err_oom(void);

/*
 * version_check.c: an options struct's version must be the one this library was
 * built with (libgit2's GIT_ERROR_CHECK_VERSION). NULL options pass: they mean
 * the defaults where the API allows NULL; callers that require options check
 * for NULL first. Returns HM_EINVAL from the calling function with
 * "NAME: version N is not M".
 */
int hm__check_version(const void *opts, unsigned int version, unsigned int expected,
		      const char *name);
#define HM__CHECK_VERSION(opts, expected, name)                                               \
	do {                                                                                  \
		int hm__cv_rc = hm__check_version((opts), (opts) ? (opts)->version : 0u,      \
						  (expected), (name));                        \
		if (hm__cv_rc < 0)                                                            \
			return hm__cv_rc;                                                     \
	} while (0)

/* buf.c: a growable byte buffer (always NUL-terminated for convenience). */
typedef struct hm_buf {
	char *data;
	size_t len;
	size_t cap;
} hm_buf;
#define HM_BUF_INIT { NULL, 0, 0 }
int hm__buf_grow(hm_buf *b, size_t extra);
int hm__buf_put(hm_buf *b, const void *data, size_t len);
int hm__buf_puts(hm_buf *b, const char *s);
int hm__buf_printf(hm_buf *b, const char *fmt, ...) HM_PRINTF(2, 3);
/* Hands the data to the caller (free with free()); the buffer is reset. */
char *hm__buf_detach(hm_buf *b, size_t *len);
void hm__buf_free(hm_buf *b);
/*
 * Appends attested text escaped as hm_text_escape() does (nothing for NULL),
 * padded with spaces to width characters of escaped text (0: no padding).
 */
int hm__buf_text(hm_buf *b, const char *s, size_t width);

/* manifest_walk.c: the caller's hm_digest_options (NULL, or version 1 or 2) as version 2. */
int hm__digest_options_get(hm_digest_options *out, const hm_digest_options *in);
/*
 * hashcache.c: writes the digest cache of a manifest computed with the cache
 * on (nothing otherwise): every file but those named in exclude (the ones
 * that did not match the signed manifest) and those changed too recently to
 * trust their times. Problems are warnings to the digest options' callback;
 * only HM_ENOMEM is returned. Once per manifest.
 */
int hm__manifest_cache_save(hm_manifest *m, const hm_manifest_diff *exclude, size_t nexclude);

/* file.c */
/* Reads fd to its end, up to max bytes; NUL-terminated. path names it in messages. */
int hm__read_fd(char **out, size_t *outlen, int fd, const char *path, size_t max);
/* Reads a whole regular file ("-" is stdin) up to max bytes; NUL-terminated. */
int hm__read_file(char **out, size_t *outlen, const char *path, size_t max);
/* The same, with the file's stat (all zero for stdin). */
struct stat;
int hm__read_file_st(char **out, size_t *outlen, struct stat *st, const char *path, size_t max);
/*
 * Writes data to path whole or not at all: a temp file in the same directory,
 * fsync, rename (or link when !overwrite, so an existing file is never replaced),
 * fsync of the directory. mode is the file's permission bits. A symbolic link
 * is followed and its target replaced (the link stays); a character device or
 * FIFO is written in place, never replaced.
 */
int hm__write_file_atomic(const char *path, const void *data, size_t len, unsigned mode,
			  int overwrite);
/*
 * The same in two steps, for writing several files as one unit: stage writes
 * and fsyncs a temp file beside path (beside a link's target), commit moves it
 * into place, discard removes it; both free the staged file whatever the
 * outcome. Only regular files (or new ones) can be staged.
 */
/*
 * Where a write to path goes: *target (malloc'd) is path itself, or a
 * symbolic link's final target (also one that does not exist yet, whose
 * directory does); *in_place is 1 for a character device or FIFO, written as
 * it is. Directories and other special files are refused.
 */
int hm__resolve_output(char **target, int *in_place, const char *path);
typedef struct hm__staged hm__staged;
int hm__stage_file(hm__staged **out, const char *path, const void *data, size_t len,
		   unsigned mode);
int hm__commit_file(hm__staged *s, int overwrite);
void hm__discard_file(hm__staged *s);
/* The file a commit will replace (a link's target, resolved); owned by s. */
const char *hm__staged_target(const hm__staged *s);

/* tempfiles.c: temp files a signal handler removes (hm_remove_temp_files). */
/* Notes path; returns its slot (or -1 when the table is full), for hm__tempfile_forget. */
int hm__tempfile_register(const char *path);
void hm__tempfile_forget(int slot);
/* Blocks every signal this thread can block (0, or -1); restore puts *old back. */
#include <signal.h>
int hm__signals_block(sigset_t *old);
void hm__signals_restore(const sigset_t *old);

/* encode.c */
/* Lowercase hex; out must hold 2*len+1 bytes. */
void hm__hex_encode(char *out, const unsigned char *in, size_t len);
/* Decodes exactly outlen bytes from lowercase or uppercase hex; -1 if not hex of that length. */
int hm__hex_decode(unsigned char *out, size_t outlen, const char *hex);
/* 1 when s is exactly n lowercase hex digits. */
int hm__is_lower_hex(const char *s, size_t n);
/* Standard padded base64 (malloc'd, NUL-terminated). */
char *hm__b64_encode(const unsigned char *in, size_t len);
/*
 * Decodes base64 in the standard or URL-safe alphabet, padded or not.
 * Returns 0 and a malloc'd buffer, or -1 when the text is not base64.
 */
int hm__b64_decode(unsigned char **out, size_t *outlen, const char *in, size_t inlen);
/* As hm__b64_decode, the bytes decoded to *out + room: room bytes free before them. */
int hm__b64_decode_room(unsigned char **out, size_t *outlen, const char *in, size_t inlen,
			size_t room);

/*
 * utf8.c: strict UTF-8 (no overlongs, surrogates or code points past
 * U+10FFFF; the rules JSON strings follow). 1 when valid, 0 when not;
 * hm__utf8_valid takes a NUL-terminated string and is 0 for NULL.
 */
int hm__utf8_valid_len(const char *s, size_t len);
int hm__utf8_valid(const char *s);

/* hubid.c: the ORG/NAME part of a valid hub id (its length) and its REV (NULL when none). */
size_t hm__hub_id_repo_len(const char *id);
const char *hm__hub_id_revision(const char *id);
/*
 * Sets obj[key] to {"id": ORG/NAME, "revision": REV (only when the id has
 * one)} for a hub id that hm_hub_id_check accepts. 0 or HM_ENOMEM.
 */
int hm__hub_json(json_t *obj, const char *key, const char *id);
/* The id in such an object as "ORG/NAME[@REV]" (malloc'd), or NULL when absent or not valid. */
char *hm__hub_from_json(const json_t *hub);
/* The hub id on a statement's first subject (manifest_hub.c), malloc'd, or NULL. */
char *hm__subject_hub_id(const json_t *statement);

/* json.c */
/* Parses untrusted JSON text: duplicate keys rejected, the whole input must be one value. */
int hm__json_parse(json_t **out, const char *text, size_t len, const char *what);
/* config_load.c: 1 when path is named *.yaml or *.yml (ASCII case ignored). */
int hm__path_is_yaml(const char *path);
/*
 * Reads a JSON file, or a YAML one when hm__path_is_yaml (hm__yaml_to_json),
 * of at most max bytes. hex (may be NULL): SHA-256 of the bytes; *yaml (may
 * be NULL): 1 when read as YAML. *out: a new reference, any JSON value.
 */
int hm__config_read(json_t **out, char hex[65], int *yaml, const char *path, size_t max);
/* The deterministic serialization we sign: sorted keys, compact, UTF-8. */
char *hm__json_canonical(const json_t *v, size_t *len);
/* Object member as a string, or NULL. */
const char *hm__json_str(const json_t *obj, const char *key);
/* The first member name of o that is not in allowed (NULL-terminated), or NULL. */
const char *hm__json_unknown_key(const json_t *o, const char *const *allowed);

/* dsse.c: hm_envelope_parse, optionally accepting an envelope without signatures. */
int hm__envelope_parse(hm_envelope **out, const char *json, size_t len, int allow_unsigned);
/* Frees env's payload: hm_envelope_payload then gives NULL and 0. */
void hm__envelope_release_payload(hm_envelope *env);
/* 0, or HM_EINVAL naming what when env's payload was released. */
int hm__envelope_payload_kept(const hm_envelope *env, const char *what);

/*
 * Readers of predicates, each beside its writer, so a field is renamed in one
 * place. Each takes a verified statement; NULL when the field is absent.
 */
/* card_statement.c: the digest of the model a card attestation describes. */
const char *hm__card_predicate_model(const json_t *statement);
/* dataset.c: the license a dataset attestation records. */
const char *hm__dataset_predicate_license(const json_t *statement);

/* datadir.c: shipped data files. */
/* DATADIR as compiled in. */
const char *hm__datadir(void);
/*
 * The path of name (a file or directory) among the shipped data: beside the
 * program first (an install or a build tree), then DATADIR; NULL when absent
 * or out of memory. Free with free().
 */
char *hm__datadir_find(const char *name);

/* rfc3339.c: the current time as hm_rfc3339_format writes it; HM_ERROR without a clock. */
int hm__rfc3339_now(char out[HM_RFC3339_SIZE]);

/* sha256.c: one-shot SHA-256 through OpenSSL. */
void hm__sha256(unsigned char out[32], const void *data, size_t len);

#endif
