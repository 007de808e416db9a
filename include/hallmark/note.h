/*
 * hallmark/note.h: signed notes (c2sp.org/signed-note) with Ed25519 keys,
 * their verifier keys in the text form "NAME+HASH+BASE64(0x01 || public
 * key)", and transparency log checkpoints (c2sp.org/tlog-checkpoint): the
 * note whose text is the origin, the tree size and the base64 root hash.
 * A checkpoint is how a log's tree head is published so that every reader
 * can hold the log to it (hallmark-archive(1)).
 */
#ifndef HALLMARK_NOTE_H
#define HALLMARK_NOTE_H

#include <stdint.h>
#include "common.h"
#include "key.h"
#include "archive.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The largest note read (bytes) and the most signature lines in one. */
#define HM_NOTE_MAX_SIZE (1u << 20)
#define HM_NOTE_MAX_SIGNATURES 100

/* A key that verifies note signatures: a name, its 32-bit key id and an Ed25519 public key. */
typedef struct hm_note_verifier hm_note_verifier;

/*
 * A verifier for key under name. The name must be non-empty UTF-8 without
 * spaces or '+' (HM_EINVAL otherwise). The key id is the first four bytes of
 * SHA-256(name || 0x0A || 0x01 || public key). Free with hm_note_verifier_free().
 */
HM_EXTERN int hm_note_verifier_new(hm_note_verifier **out, const char *name, const hm_key *key);
/*
 * Parses a verifier key "NAME+HEX8+BASE64" (standard padded base64 of 0x01
 * and the 32-byte public key); the hash must be the key id of that name and
 * key. HM_EFORMAT with the reason otherwise, HM_EUNSUPPORTED for a signature
 * type other than Ed25519 (0x01). Free with hm_note_verifier_free().
 */
HM_EXTERN int hm_note_verifier_parse(hm_note_verifier **out, const char *vkey, size_t len);
HM_EXTERN void hm_note_verifier_free(hm_note_verifier *v);
/* The key name (owned by v). */
HM_EXTERN const char *hm_note_verifier_name(const hm_note_verifier *v);
/* The key id. */
HM_EXTERN uint32_t hm_note_verifier_id(const hm_note_verifier *v);
/* The verifier key text "NAME+HEX8+BASE64" (no newline). Free with hm_free(). */
HM_EXTERN int hm_note_verifier_text(char **out, const hm_note_verifier *v);

/*
 * Signs text (non-empty, ending in a newline, no blank line, no control
 * characters but newlines, valid UTF-8) with key under name: the note is the
 * text, a blank line and the line "— NAME BASE64(key id || signature)".
 * Free *out with hm_free().
 */
HM_EXTERN int hm_note_sign(char **out, size_t *len, const char *text, size_t text_len,
			   const char *name, const hm_key *key);
/*
 * Opens a signed note: checks its form (valid UTF-8, no control characters
 * but newlines, text and signature lines split at the last blank line, every
 * signature line well formed, at most HM_NOTE_MAX_SIGNATURES of them: else
 * HM_EFORMAT) and its signatures. A signature whose name and key id match one
 * of the verifiers must verify, or the whole note is refused; signatures of
 * other keys are ignored. Without a verified signature from one of the
 * verifiers, HM_EVERIFY. On success *text_len is the length of the signed
 * text (which is note[0 .. *text_len), its final newline included) and
 * *signer (may be NULL) the verifier that signed it.
 */
HM_EXTERN int hm_note_open(size_t *text_len, const hm_note_verifier **signer, const char *note,
			   size_t len, const hm_note_verifier *const *verifiers, size_t nverifiers);

/* ---- Checkpoints ---- */

/* The note text of a checkpoint: "ORIGIN\nSIZE\nBASE64(root)\n". Free with hm_free(). */
HM_EXTERN int hm_checkpoint_text(char **out, const char *origin, const hm_tree_head *head);
/*
 * A checkpoint signed by key under the origin as key name (the origin must
 * be a valid key name: no spaces, no '+'). Free *out with hm_free().
 */
HM_EXTERN int hm_checkpoint_sign(char **out, size_t *len, const char *origin,
				 const hm_tree_head *head, const hm_key *key);
/*
 * Parses checkpoint note text (already verified): the origin line, the tree
 * size in decimal without leading zeros, the root hash in standard base64 of
 * 32 bytes, then optional non-empty extension lines. HM_EFORMAT with the
 * reason otherwise. *origin (may be NULL) receives a copy of the origin;
 * free it with hm_free().
 */
HM_EXTERN int hm_checkpoint_parse(char **origin, hm_tree_head *head, const char *text,
				  size_t len);
/*
 * hm_note_open() and hm_checkpoint_parse() in one: a checkpoint signed by
 * one of the verifiers. With want_origin non-NULL the origin must be it
 * (HM_EVERIFY otherwise).
 */
HM_EXTERN int hm_checkpoint_open(char **origin, hm_tree_head *head, const char *note, size_t len,
				 const hm_note_verifier *const *verifiers, size_t nverifiers,
				 const char *want_origin);

#ifdef __cplusplus
}
#endif
#endif
