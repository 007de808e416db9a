/*
 * The content key of an envelope: what it says, whatever its JSON spelling.
 * DSSE envelopes carry base64 that can be padded or not, in the standard or
 * URL-safe alphabet, with keys in any order; the archive stores one entry per
 * content, not per spelling. The key is the SHA-256 of
 *
 *   "hallmark.envelope-content.v1\0" || LEN(payloadType) || payloadType
 *   || LEN(payload) || payload || COUNT || (LEN(keyid) || keyid || LEN(sig) || sig)...
 *
 * with the decoded payload and signatures, the signatures as a set (sorted by
 * those bytes, repeats once), and LEN/COUNT as 8-byte big-endian numbers.
 */
#include "archive_impl.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

struct sigblob {
	unsigned char *b;
	size_t n;
};

static void put_len(unsigned char out[8], size_t n)
{
	int i;

	for (i = 7; i >= 0; i--, n >>= 8)
		out[i] = (unsigned char)(n & 0xff);
}

static void hash_field(crypto_hash_sha256_state *h, const void *p, size_t n)
{
	unsigned char len[8];

	put_len(len, n);
	crypto_hash_sha256_update(h, len, 8);
	crypto_hash_sha256_update(h, p, n);
}

static int cmp_blob(const void *x, const void *y)
{
	const struct sigblob *a = x, *b = y;
	size_t n = a->n < b->n ? a->n : b->n;
	int c = memcmp(a->b, b->b, n);

	return c ? c : (a->n > b->n) - (a->n < b->n);
}

int hm__envelope_content_key(char hex[65], const hm_envelope *env)
{
	static const char domain[] = "hallmark.envelope-content.v1";
	size_t i, n = hm_envelope_signature_count(env), nuniq = 0, plen;
	struct sigblob *sigs = calloc(n ? n : 1, sizeof(*sigs));
	crypto_hash_sha256_state h;
	const unsigned char *payload;
	unsigned char out[32], len[8];
	const char *ptype = hm_envelope_payload_type(env);
	int rc = 0;

	if ((rc = hm__envelope_payload_kept(env, "archive")) < 0) {
		free(sigs);
		return rc;
	}
	if (!sigs)
		return hm__err_oom();
	/* each signature as LEN(keyid) || keyid || LEN(sig) || sig, to sort and compare */
	for (i = 0; i < n; i++) {
		const char *kid = hm_envelope_signature_keyid(env, i);
		size_t klen = strlen(kid), slen = 0;
		const unsigned char *sig = hm_envelope_signature(env, i, &slen);
		if (!(sigs[i].b = malloc(16 + klen + slen))) {
			rc = hm__err_oom();
			goto out;
		}
		put_len(sigs[i].b, klen);
		memcpy(sigs[i].b + 8, kid, klen);
		put_len(sigs[i].b + 8 + klen, slen);
		memcpy(sigs[i].b + 16 + klen, sig, slen);
		sigs[i].n = 16 + klen + slen;
	}
	qsort(sigs, n, sizeof(*sigs), cmp_blob);
	for (i = 0; i < n; i++)
		nuniq += i == 0 || cmp_blob(&sigs[i - 1], &sigs[i]) != 0;
	payload = hm_envelope_payload(env, &plen);
	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const unsigned char *)domain, sizeof(domain));
	hash_field(&h, ptype, strlen(ptype));
	hash_field(&h, payload, plen);
	put_len(len, nuniq);
	crypto_hash_sha256_update(&h, len, 8);
	for (i = 0; i < n; i++)
		if (i == 0 || cmp_blob(&sigs[i - 1], &sigs[i]) != 0)
			crypto_hash_sha256_update(&h, sigs[i].b, sigs[i].n);
	crypto_hash_sha256_final(&h, out);
	hm__hex_encode(hex, out, 32);
out:
	for (i = 0; i < n; i++)
		free(sigs[i].b);
	free(sigs);
	return rc;
}

int hm__content_key_rebuild(hm_archive *a)
{
	hm__q *sel = NULL, *upd = NULL;
	int rc, step;

	if ((rc = hm__archive_prepare(a, &sel, "SELECT id, body FROM entries WHERE kind = "
				      "'attestation' ORDER BY id")) < 0 ||
	    (rc = hm__archive_prepare(a, &upd, "UPDATE entries SET content_key = ?1 WHERE id = ?2"))
		    < 0)
		goto out;
	while ((step = hm__step(sel)) == HM__ROW) {
		hm_envelope *env = NULL;
		char hex[65];
		/* a body that no longer parses keeps no key: it is found by its bytes only */
		if (hm_envelope_parse(&env, (const char *)hm__col_blob(sel, 1),
				      (size_t)hm__col_bytes(sel, 1)) < 0)
			continue;
		rc = hm__envelope_content_key(hex, env);
		hm_envelope_free(env);
		if (rc < 0)
			goto out;
		hm__reset(upd);
		hm__bind_text(upd, 1, hex, -1);
		hm__bind_int64(upd, 2, hm__col_int64(sel, 0));
		if (hm__step(upd) != HM__DONE) {
			rc = hm__archive_sql_err(a, "cannot store an envelope's content key");
			goto out;
		}
	}
	if (step != HM__DONE)
		rc = hm__archive_sql_err(a, "cannot read the entries");
out:
	hm__finalize(sel);
	hm__finalize(upd);
	return rc;
}
