/*
 * A Rekor transparency log entry of a Sigstore bundle, checked offline
 * against the trusted root's transparency log keys:
 *
 * - the signed entry timestamp (inclusionPromise): the log's signature over
 *   the canonical JSON {"body","integratedTime","logID","logIndex"};
 * - the inclusion proof: the RFC 6962 audit path from the body's leaf hash to
 *   rootHash, and the checkpoint (a signed note) naming that root and tree
 *   size, signed by the same log key;
 * - the body: a "dsse" v0.0.1 or "intoto" v0.0.2 entry whose payload hash,
 *   signature and verifier certificate are this envelope's.
 *
 * Either the timestamp or the proof suffices; every one present must hold.
 * The body's envelopeHash is the hash of the signing client's serialization
 * of the envelope, which a verifier cannot reproduce, so only its shape is
 * checked (as sigstore-js and sigstore-go do).
 */
#include "sigstore_keyless.h"
#include "merkle.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#define EM_DASH "\xe2\x80\x94 "

/* An int64 of protobuf JSON: a decimal string, or a plain integer. */
static int get_i64(long long *out, const json_t *o, const char *key, const char *what)
{
	const json_t *v = json_object_get(o, key);
	const char *s = json_string_value(v);
	char *end;

	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = (long long)json_integer_value(v);
		return 0;
	}
	if (s && *s >= '0' && *s <= '9' && strlen(s) <= 19 && (s[0] != '0' || !s[1])) {
		errno = 0;
		*out = strtoll(s, &end, 10);
		if (!*end && !errno)
			return 0;
	}
	return hm__err(HM_EFORMAT, "%s.%s must be a non-negative integer", what, key);
}

static int get_b64(unsigned char **out, size_t *outlen, const json_t *v, const char *what)
{
	const char *s = json_string_value(v);

	*out = NULL;
	if (!s || !*s || hm__b64_decode(out, outlen, s, strlen(s)) < 0)
		return hm__err(HM_EFORMAT, "%s must be a non-empty base64 string", what);
	return 0;
}

/* The transparency log of logId.keyId, valid at time t. */
static int find_tlog(const hm__sigstore_log **out, const json_t *entry,
		     const hm__sigstore_root *root, long long t)
{
	const json_t *lid = json_object_get(entry, "logId");
	unsigned char *id = NULL;
	size_t idlen;
	int rc;

	if ((rc = get_b64(&id, &idlen, json_is_object(lid) ? json_object_get(lid, "keyId") : NULL,
			  "the Rekor entry's logId.keyId")) < 0)
		return rc;
	*out = hm__sigstore_log_find(root->tlogs, root->ntlogs, id, idlen);
	free(id);
	if (!*out)
		return hm__err(HM_EVERIFY, "the Rekor entry's log (logId %s) is not a transparency "
			       "log of %s", json_string_value(json_object_get(lid, "keyId")),
			       root->name);
	if (t < (*out)->start || t > (*out)->end)
		return hm__err(HM_EVERIFY, "the Rekor entry's integratedTime %lld is outside the "
			       "validity of transparency log %s in %s", t, (*out)->url, root->name);
	return 0;
}

static int verify_set(const json_t *entry, const hm__sigstore_log *lg, const unsigned char *body,
		      size_t bodylen, long long t)
{
	const json_t *ip = json_object_get(entry, "inclusionPromise");
	unsigned char *sig = NULL;
	char *b64 = NULL, hex[65];
	hm_buf msg = HM_BUF_INIT;
	long long index;
	size_t siglen;
	int rc;

	if ((rc = get_i64(&index, entry, "logIndex", "the Rekor entry")) < 0 ||
	    (rc = get_b64(&sig, &siglen, json_object_get(ip, "signedEntryTimestamp"),
			  "the Rekor entry's signedEntryTimestamp")) < 0)
		return rc;
	hm__hex_encode(hex, lg->id, lg->idlen);
	if (!(b64 = hm__b64_encode(body, bodylen)) ||
	    hm__buf_printf(&msg, "{\"body\":\"%s\",\"integratedTime\":%lld,\"logID\":\"%s\","
			   "\"logIndex\":%lld}", b64, t, hex, index) < 0) {
		rc = hm__err_oom();
		goto out;
	}
	rc = hm__sigstore_log_verify(lg, sig, siglen, msg.data, msg.len);
	if (rc == 0)
		rc = hm__err(HM_EVERIFY, "the Rekor entry's signed entry timestamp does not verify "
			     "with the key of transparency log %s", lg->url);
	else if (rc > 0)
		rc = 0;
out:
	hm__buf_free(&msg);
	free(b64);
	free(sig);
	return rc;
}

/* The key hint of a signed note signature line: SHA-256(SPKI DER)[0:4]. */
static int key_hint(unsigned char hint[4], const hm__sigstore_log *lg)
{
	unsigned char *der = NULL, h[32];
	int n;

	if (!lg->key)
		return hm__sigstore_log_verify(lg, NULL, 0, "", 0);
	if ((n = i2d_PUBKEY(lg->key, &der)) <= 0)
		return hm__err(HM_ECRYPTO, "OpenSSL could not encode the key of %s", lg->url);
	hm__sha256(h, der, (size_t)n);
	OPENSSL_free(der);
	memcpy(hint, h, 4);
	return 0;
}

/*
 * The checkpoint: "origin\nsize\nbase64(root)\n[extension lines]\n\n" and
 * signature lines "— name base64(hint || signature)\n". One line with the
 * log key's hint must verify; size and root must be the proof's.
 */
static int verify_checkpoint(const char *note, const hm__sigstore_log *lg, long long size,
			     const unsigned char root[32])
{
	const char *sep = strstr(note, "\n\n"), *line, *nl, *p;
	unsigned char hint[4], *raw = NULL, *got = NULL;
	size_t textlen, rawlen, gotlen;
	int rc, verified = 0;
	char want[24];

	if (!sep || note[strlen(note) - 1] != '\n')
		return hm__err(HM_EFORMAT, "the Rekor checkpoint is not a signed note");
	textlen = (size_t)(sep - note) + 1;
	if ((rc = key_hint(hint, lg)) < 0)
		return rc;
	for (line = sep + 2; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (strncmp(line, EM_DASH, strlen(EM_DASH)) != 0 ||
		    !(p = memchr(line + strlen(EM_DASH), ' ', (size_t)(nl - line) - strlen(EM_DASH))))
			return hm__err(HM_EFORMAT, "the Rekor checkpoint has a malformed signature line");
		p++;
		if (hm__b64_decode(&raw, &rawlen, p, (size_t)(nl - p)) < 0 || rawlen < 5) {
			free(raw);
			return hm__err(HM_EFORMAT, "the Rekor checkpoint has a signature that is not "
				       "base64");
		}
		if (memcmp(raw, hint, 4) == 0) {
			rc = hm__sigstore_log_verify(lg, raw + 4, rawlen - 4, note, textlen);
			if (rc <= 0) {
				free(raw);
				return rc < 0 ? rc : hm__err(HM_EVERIFY, "the Rekor checkpoint's "
							     "signature does not verify with the key "
							     "of transparency log %s", lg->url);
			}
			verified = 1;
		}
		free(raw);
		raw = NULL;
	}
	if (!verified)
		return hm__err(HM_EVERIFY, "the Rekor checkpoint is not signed by transparency log %s",
			       lg->url);
	/* The signed text: origin line, then size and root hash lines. */
	if (!(line = memchr(note, '\n', textlen)) || !(nl = memchr(line + 1, '\n',
								     textlen - (size_t)(line + 1 - note))))
		return hm__err(HM_EFORMAT, "the Rekor checkpoint has no tree size line");
	snprintf(want, sizeof(want), "%lld", size);
	if ((size_t)(nl - line - 1) != strlen(want) || memcmp(line + 1, want, strlen(want)) != 0)
		return hm__err(HM_EVERIFY, "the Rekor checkpoint's tree size is not the inclusion "
			       "proof's %s", want);
	line = nl + 1;
	if (!(nl = memchr(line, '\n', textlen - (size_t)(line - note))) ||
	    hm__b64_decode(&got, &gotlen, line, (size_t)(nl - line)) < 0 || gotlen != 32 ||
	    memcmp(got, root, 32) != 0) {
		free(got);
		return hm__err(HM_EVERIFY, "the Rekor checkpoint's root hash is not the inclusion "
			       "proof's rootHash");
	}
	free(got);
	return 0;
}

static int verify_proof(const json_t *entry, const hm__sigstore_log *lg,
			const unsigned char *body, size_t bodylen)
{
	const json_t *pr = json_object_get(entry, "inclusionProof"), *hs, *h, *cp;
	unsigned char path[HM_MERKLE_MAX_PATH][32], leaf[32], rootb[32], *b = NULL;
	unsigned char *pre;
	long long index, size;
	size_t i, n;
	int rc;

	if ((rc = get_i64(&index, pr, "logIndex", "inclusionProof")) < 0 ||
	    (rc = get_i64(&size, pr, "treeSize", "inclusionProof")) < 0)
		return rc;
	if ((rc = get_b64(&b, &n, json_object_get(pr, "rootHash"), "inclusionProof.rootHash")) < 0)
		return rc;
	if (n != 32) {
		free(b);
		return hm__err(HM_EFORMAT, "inclusionProof.rootHash is not 32 bytes");
	}
	memcpy(rootb, b, 32);
	free(b);
	hs = json_object_get(pr, "hashes");
	if (!json_is_array(hs) || json_array_size(hs) > HM_MERKLE_MAX_PATH)
		return hm__err(HM_EFORMAT, "inclusionProof.hashes must be an array of at most %d "
			       "hashes", HM_MERKLE_MAX_PATH);
	json_array_foreach(hs, i, h) {
		if ((rc = get_b64(&b, &n, h, "inclusionProof.hashes[]")) < 0)
			return rc;
		if (n != 32) {
			free(b);
			return hm__err(HM_EFORMAT, "inclusionProof.hashes[%zu] is not 32 bytes", i);
		}
		memcpy(path[i], b, 32);
		free(b);
	}
	if (!(pre = malloc(bodylen + 1)))
		return hm__err_oom();
	pre[0] = 0; /* RFC 6962 leaf prefix */
	memcpy(pre + 1, body, bodylen);
	hm__sha256(leaf, pre, bodylen + 1);
	free(pre);
	if ((rc = hm_merkle_verify_inclusion((uint64_t)index, (uint64_t)size, leaf,
					     (const unsigned char(*)[32])path,
					     json_array_size(hs), rootb)) < 0)
		return hm__err_prefix("the Rekor entry's inclusion proof does not hold: ");
	cp = json_object_get(pr, "checkpoint");
	if (!json_is_string(json_object_get(cp, "envelope")))
		return hm__err(HM_EFORMAT, "inclusionProof.checkpoint.envelope is missing");
	return verify_checkpoint(json_string_value(json_object_get(cp, "envelope")), lg, size,
				 rootb);
}

/* The certificate of a body's verifier / publicKey field: base64 of PEM. */
static int same_cert(const json_t *v, X509 *leaf, const char *what)
{
	unsigned char *pem = NULL;
	X509 *x = NULL;
	size_t n;
	BIO *bio;
	int rc;

	if ((rc = get_b64(&pem, &n, v, what)) < 0)
		return rc;
	if ((bio = BIO_new_mem_buf(pem, (int)n)) != NULL)
		x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	free(pem);
	rc = x && X509_cmp(x, leaf) == 0 ? 0 :
		hm__err(HM_EVERIFY, "the Rekor entry's %s is not the bundle's signing certificate",
			what);
	X509_free(x);
	return rc;
}

static int same_hash(const json_t *h, const unsigned char want[32], const char *what)
{
	const char *alg = json_string_value(json_object_get(h, "algorithm"));
	const char *val = json_string_value(json_object_get(h, "value"));
	unsigned char got[32];

	if (!alg || strcmp(alg, "sha256") != 0 || !val || strlen(val) != 64 ||
	    hm__hex_decode(got, 32, val) < 0)
		return hm__err(HM_EFORMAT, "the Rekor entry's %s is not a sha256 hash", what);
	if (memcmp(got, want, 32) != 0)
		return hm__err(HM_EVERIFY, "the Rekor entry's %s is not the hash of the bundle's "
			       "DSSE payload", what);
	return 0;
}

static int same_sig(const unsigned char *got, size_t gotlen, const unsigned char *sig,
		    size_t siglen)
{
	if (gotlen != siglen || memcmp(got, sig, siglen) != 0)
		return hm__err(HM_EVERIFY, "the Rekor entry's signature is not the bundle's DSSE "
			       "signature");
	return 0;
}

/* The body against the envelope: payload hash, the one signature, the certificate. */
static int verify_body(const json_t *body, const char *kind, const char *version,
		       const json_t *env, X509 *leaf)
{
	const json_t *spec = json_object_get(body, "spec"), *sigs, *s0, *ps, *e;
	unsigned char *payload = NULL, *sig = NULL, *got = NULL, *inner = NULL, ph[32];
	size_t plen, siglen, gotlen, innerlen;
	const char *pt, *api = json_string_value(json_object_get(body, "apiVersion"));
	int rc;

	const char *bkind = json_string_value(json_object_get(body, "kind"));

	if (!json_is_object(spec) || !api || !bkind || strcmp(bkind, kind) != 0 ||
	    strcmp(api, version) != 0)
		return hm__err(HM_EVERIFY, "the Rekor entry's body is not the %s %s entry its "
			       "kindVersion says", kind, version);
	ps = json_object_get(env, "signatures");
	if (!json_is_array(ps) || json_array_size(ps) != 1)
		return hm__err(HM_EVERIFY, "a keyless bundle's DSSE envelope must hold exactly one "
			       "signature");
	if ((rc = get_b64(&payload, &plen, json_object_get(env, "payload"),
			  "the DSSE envelope's payload")) < 0 ||
	    (rc = get_b64(&sig, &siglen, json_object_get(json_array_get(ps, 0), "sig"),
			  "the DSSE envelope's signature")) < 0)
		goto out;
	hm__sha256(ph, payload, plen);
	if (strcmp(kind, "dsse") == 0) {
		sigs = json_object_get(spec, "signatures");
		if (!json_is_array(sigs) || json_array_size(sigs) != 1) {
			rc = hm__err(HM_EVERIFY, "the Rekor entry does not hold exactly one signature");
			goto out;
		}
		s0 = json_array_get(sigs, 0);
		e = json_object_get(spec, "envelopeHash");
		if (!json_is_object(e) || !json_is_string(json_object_get(e, "value"))) {
			rc = hm__err(HM_EFORMAT, "the Rekor entry has no envelopeHash");
			goto out;
		}
		if ((rc = same_hash(json_object_get(spec, "payloadHash"), ph, "payloadHash")) < 0 ||
		    (rc = get_b64(&got, &gotlen, json_object_get(s0, "signature"),
				  "the Rekor entry's signature")) < 0 ||
		    (rc = same_sig(got, gotlen, sig, siglen)) < 0 ||
		    (rc = same_cert(json_object_get(s0, "verifier"), leaf, "verifier")) < 0)
			goto out;
	} else { /* intoto v0.0.2: the envelope itself, its signature base64 twice over */
		const json_t *c = json_object_get(spec, "content");
		const json_t *ie = json_object_get(c, "envelope");

		sigs = json_object_get(ie, "signatures");
		if (!json_is_array(sigs) || json_array_size(sigs) != 1) {
			rc = hm__err(HM_EVERIFY, "the Rekor entry does not hold exactly one signature");
			goto out;
		}
		s0 = json_array_get(sigs, 0);
		pt = json_string_value(json_object_get(ie, "payloadType"));
		if (!pt || !json_is_string(json_object_get(env, "payloadType")) ||
		    strcmp(pt, json_string_value(json_object_get(env, "payloadType"))) != 0) {
			rc = hm__err(HM_EVERIFY, "the Rekor entry's payloadType is not the bundle's");
			goto out;
		}
		if ((rc = same_hash(json_object_get(c, "payloadHash"), ph, "payloadHash")) < 0 ||
		    (rc = get_b64(&inner, &innerlen, json_object_get(s0, "sig"),
				  "the Rekor entry's signature")) < 0)
			goto out;
		if (hm__b64_decode(&got, &gotlen, (const char *)inner, innerlen) < 0) {
			rc = hm__err(HM_EFORMAT, "the Rekor entry's signature is not base64 of base64");
			goto out;
		}
		if ((rc = same_sig(got, gotlen, sig, siglen)) < 0 ||
		    (rc = same_cert(json_object_get(s0, "publicKey"), leaf, "publicKey")) < 0)
			goto out;
	}
out:
	free(payload);
	free(sig);
	free(got);
	free(inner);
	return rc;
}

int hm__sigstore_rekor_verify(long long *integrated, const json_t *entry,
			      const hm__sigstore_root *root)
{
	const json_t *kv = json_object_get(entry, "kindVersion");
	const char *kind = json_string_value(json_object_get(kv, "kind"));
	const char *ver = json_string_value(json_object_get(kv, "version"));
	const hm__sigstore_log *lg = NULL;
	unsigned char *body = NULL;
	size_t bodylen;
	int rc, has_set, has_proof;

	*integrated = 0;
	if (!json_is_object(entry))
		return hm__err(HM_EFORMAT, "a tlogEntries[] member is not an object");
	if (!kind || !ver || !((strcmp(kind, "dsse") == 0 && strcmp(ver, "0.0.1") == 0) ||
			       (strcmp(kind, "intoto") == 0 && strcmp(ver, "0.0.2") == 0)))
		return hm__err(HM_EUNSUPPORTED, "the Rekor entry is of kind %s version %s; hallmark "
			       "verifies dsse 0.0.1 and intoto 0.0.2 entries", kind ? kind : "?",
			       ver ? ver : "?");
	if ((rc = get_i64(integrated, entry, "integratedTime", "the Rekor entry")) < 0 ||
	    (rc = find_tlog(&lg, entry, root, *integrated)) < 0 ||
	    (rc = get_b64(&body, &bodylen, json_object_get(entry, "canonicalizedBody"),
			  "the Rekor entry's canonicalizedBody")) < 0)
		goto out;
	has_set = json_object_get(json_object_get(entry, "inclusionPromise"),
				  "signedEntryTimestamp") != NULL;
	has_proof = json_object_get(entry, "inclusionProof") != NULL;
	if (!has_set && !has_proof) {
		rc = hm__err(HM_EVERIFY, "the Rekor entry has neither a signed entry timestamp nor "
			     "an inclusion proof");
		goto out;
	}
	if (has_set && (rc = verify_set(entry, lg, body, bodylen, *integrated)) < 0)
		goto out;
	if (has_proof && (rc = verify_proof(entry, lg, body, bodylen)) < 0)
		goto out;
	/*
	 * An inclusion proof does not sign integratedTime, and the certificate is
	 * judged at that time: without a signed time, an expired certificate could
	 * be made to look valid. RFC 3161 timestamps would do; they are not read.
	 */
	if (!has_set)
		rc = hm__err(HM_EVERIFY, "the Rekor entry has no signed entry timestamp, so its "
			     "integratedTime is not signed and cannot show the certificate was "
			     "valid when it signed (RFC 3161 timestamps are not read)");
out:
	free(body);
	return rc;
}

int hm__sigstore_rekor_body_verify(const json_t *entry, const json_t *envelope, X509 *leaf)
{
	const json_t *kv = json_object_get(entry, "kindVersion");
	const char *kind = json_string_value(json_object_get(kv, "kind"));
	const char *version = json_string_value(json_object_get(kv, "version"));
	unsigned char *body = NULL;
	json_t *bj = NULL;
	size_t bodylen;
	int rc;

	if ((rc = get_b64(&body, &bodylen, json_object_get(entry, "canonicalizedBody"),
			  "the Rekor entry's canonicalizedBody")) < 0)
		return rc;
	if ((rc = hm__json_parse(&bj, (const char *)body, bodylen,
				 "the Rekor entry's canonicalizedBody")) >= 0)
		rc = verify_body(bj, kind ? kind : "?", version ? version : "?", envelope, leaf);
	json_decref(bj);
	free(body);
	return rc;
}
