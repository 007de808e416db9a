/*
 * hallmark/dsse.h: DSSE v1 envelopes (pre-authentication encoding, signing,
 * parsing, threshold verification) and keyrings of trusted public keys.
 */
#ifndef HALLMARK_DSSE_H
#define HALLMARK_DSSE_H

#include "common.h"
#include "key.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most signatures an envelope may carry; more is a format error. */
#define HM_DSSE_MAX_SIGNATURES 64

/*
 * The PAE: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body.
 * Free *out with hm_free().
 */
HM_EXTERN int hm_dsse_pae(unsigned char **out, size_t *outlen, const char *payload_type,
			  const unsigned char *payload, size_t payload_len);

typedef struct hm_envelope hm_envelope;

/* A new unsigned envelope holding a copy of the payload. Free with hm_envelope_free(). */
HM_EXTERN int hm_envelope_new(hm_envelope **out, const char *payload_type,
			      const unsigned char *payload, size_t payload_len);

/*
 * Parses an envelope: a JSON object with string "payload" and "payloadType"
 * and a non-empty "signatures" array of objects with a string "sig" (and an
 * optional string "keyid"). base64 in the standard or URL-safe alphabet.
 * Unknown fields are ignored; duplicate keys are rejected.
 */
HM_EXTERN int hm_envelope_parse(hm_envelope **out, const char *json, size_t len);
HM_EXTERN void hm_envelope_free(hm_envelope *env);

/* Appends a signature over the PAE (Ed25519 or ECDSA, by the key), keyid = hm_key_id(key). */
HM_EXTERN int hm_envelope_sign(hm_envelope *env, const hm_key *key);

/* One-line compact JSON (no trailing newline). Free with hm_free(). */
HM_EXTERN int hm_envelope_serialize(char **out, size_t *len, const hm_envelope *env);

HM_EXTERN const char *hm_envelope_payload_type(const hm_envelope *env);
HM_EXTERN const unsigned char *hm_envelope_payload(const hm_envelope *env, size_t *len);
HM_EXTERN size_t hm_envelope_signature_count(const hm_envelope *env);
/* The keyid hint of signature i ("" when absent). */
HM_EXTERN const char *hm_envelope_signature_keyid(const hm_envelope *env, size_t i);
HM_EXTERN const unsigned char *hm_envelope_signature(const hm_envelope *env, size_t i,
						     size_t *len);

/* A set of trusted public keys, distinct by key id. */
typedef struct hm_keyring hm_keyring;
HM_EXTERN int hm_keyring_new(hm_keyring **out);
HM_EXTERN void hm_keyring_free(hm_keyring *kr);
/* Adds the public half of key (a key already present is ignored). */
HM_EXTERN int hm_keyring_add(hm_keyring *kr, const hm_key *key);
/* Loads a public (or secret) key file and adds its public half. */
HM_EXTERN int hm_keyring_add_file(hm_keyring *kr, const char *path);
HM_EXTERN size_t hm_keyring_count(const hm_keyring *kr);
HM_EXTERN const hm_key *hm_keyring_get(const hm_keyring *kr, size_t i);
/* The key with this id, or NULL. */
HM_EXTERN const hm_key *hm_keyring_find(const hm_keyring *kr, const char *keyid);

/* What a verification found. */
typedef struct hm_envelope_verification {
	size_t signatures;  /* signatures in the envelope */
	size_t verified;    /* distinct trusted keys with a valid signature */
	char verified_ids[HM_DSSE_MAX_SIGNATURES][HM_KEY_ID_HEXLEN + 1];
} hm_envelope_verification;

/*
 * Verifies the envelope against the keyring: 0 when at least threshold
 * (>= 1) distinct trusted keys have a valid signature over the PAE,
 * HM_EVERIFY otherwise with the reason. keyids are only hints: each trusted
 * key is tried on every signature. info may be NULL.
 */
HM_EXTERN int hm_envelope_verify(const hm_envelope *env, const hm_keyring *kr, size_t threshold,
				 hm_envelope_verification *info);

#ifdef __cplusplus
}
#endif
#endif
