/*
 * Sigstore keyless verification, offline, on model_signing's real keyless
 * signatures (v0.3.1, v1.0.0, v1.0.1) and Sigstore's public-good trusted
 * root: each verifies, the key returned checks the DSSE signature, and every
 * check refuses with its own reason when one thing is changed: the identity,
 * the issuer, a byte of the certificate, of the signed entry timestamp, of
 * the inclusion proof, of the checkpoint, of the body, the envelope against
 * the body, a trusted root without the CA, the CT log or the Rekor key, and
 * an integrated time outside the certificate's validity.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>

#include "testutil.h"
#include "sigstore_keyless.h"

#define ID "stefanb@us.ibm.com"
#define ISS "https://sigstore.verify.ibm.com/oauth2"
#define ROOT_REL "vectors/model-signing/sigstore-public-good-trusted_root.json"

static const char *const samples[] = { "v0.3.1-sigstore", "v1.0.0-sigstore", "v1.0.1-sigstore" };

static char root_path[4096];
static char *tmp;

/* The bundle of a sample, or NULL (skip) when the shared vectors are absent. */
static json_t *load(const char *sample)
{
	char rel[256];
	const char *p;
	json_error_t e;
	json_t *b;

	snprintf(rel, sizeof(rel), "vectors/model-signing/%s/model.sig", sample);
	if (!tu_shared(ROOT_REL) || !(p = tu_shared(rel)))
		return NULL;
	b = json_load_file(p, 0, &e);
	assert_non_null(b);
	snprintf(root_path, sizeof(root_path), "%s/%s", tu_shared_dir(), ROOT_REL);
	return b;
}

/* Runs the verifier; when want is set it must fail with that code and message part. */
static void expect(const json_t *b, const char *root, const char *id, const char *iss, int code,
		   const char *want)
{
	EVP_PKEY *k = NULL;
	char *subj = NULL;
	int rc = hm__sigstore_keyless_verify(&k, &subj, b, root, id, iss);

	if (!want) {
		if (rc != 0)
			fail_msg("expected success, got %d: %s", rc, hm_error_last());
		assert_non_null(k);
		assert_string_equal(subj, ID);
	} else {
		if (rc != code || !strstr(hm_error_last(), want))
			fail_msg("expected %d with \"%s\", got %d: %s", code, want, rc, hm_error_last());
		assert_null(k);
		assert_null(subj);
	}
	EVP_PKEY_free(k);
	free(subj);
}

#define tlog(b) json_array_get(json_object_get(json_object_get(b, "verificationMaterial"), \
					       "tlogEntries"), 0)

/* Flips the bits of byte pos (from the end when negative) of a base64 string member. */
static void flip_b64(json_t *obj, const char *key, long pos)
{
	const char *s = json_string_value(json_object_get(obj, key));
	unsigned char *raw = NULL;
	size_t n;
	char *enc;

	assert_non_null(s);
	assert_int_equal(hm__b64_decode(&raw, &n, s, strlen(s)), 0);
	raw[pos < 0 ? (long)n + pos : pos] ^= 0x01;
	enc = hm__b64_encode(raw, n);
	json_object_set_new(obj, key, json_string(enc));
	free(enc);
	free(raw);
}

/* A copy of the trusted root with one member emptied, written to a temp file. */
static const char *root_without(const char *member)
{
	static char path[4096];
	json_error_t e;
	json_t *r = json_load_file(root_path, 0, &e);

	assert_non_null(r);
	json_object_set_new(r, member, json_array());
	snprintf(path, sizeof(path), "%s/root-without-%s.json", tmp, member);
	assert_int_equal(json_dump_file(r, path, JSON_INDENT(2)), 0);
	json_decref(r);
	return path;
}

static void test_keyless_samples_verify(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		json_t *b = load(samples[i]);

		if (!b)
			skip();
		expect(b, root_path, ID, ISS, 0, NULL);
		json_decref(b);
	}
}

/* The key handed back is the one the DSSE signature was made with. */
static void test_keyless_key_checks_the_envelope(void **state)
{
	json_t *b = load("v1.0.1-sigstore"), *env;
	unsigned char *payload = NULL, *sig = NULL, *pae = NULL;
	size_t plen, slen, paelen;
	EVP_PKEY *k = NULL;
	EVP_MD_CTX *ctx;
	char *subj = NULL;
	const char *s;

	(void)state;
	if (!b)
		skip();
	assert_int_equal(hm__sigstore_keyless_verify(&k, &subj, b, root_path, ID, ISS), 0);
	env = json_object_get(b, "dsseEnvelope");
	s = json_string_value(json_object_get(env, "payload"));
	assert_int_equal(hm__b64_decode(&payload, &plen, s, strlen(s)), 0);
	s = json_string_value(json_object_get(json_array_get(json_object_get(env, "signatures"), 0),
					      "sig"));
	assert_int_equal(hm__b64_decode(&sig, &slen, s, strlen(s)), 0);
	assert_int_equal(hm_dsse_pae(&pae, &paelen,
				     json_string_value(json_object_get(env, "payloadType")), payload,
				     plen), 0);
	ctx = EVP_MD_CTX_new();
	assert_int_equal(EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, k), 1);
	assert_int_equal(EVP_DigestVerify(ctx, sig, slen, pae, paelen), 1);
	EVP_MD_CTX_free(ctx);
	hm_free(pae);
	free(payload);
	free(sig);
	EVP_PKEY_free(k);
	free(subj);
	json_decref(b);
}

/* v0.1/v0.2 bundles carry the certificate in x509CertificateChain. */
static void test_keyless_certificate_chain_form(void **state)
{
	json_t *b = load("v1.0.0-sigstore"), *vm, *certs;

	(void)state;
	if (!b)
		skip();
	vm = json_object_get(b, "verificationMaterial");
	certs = json_array();
	json_array_append(certs, json_object_get(vm, "certificate"));
	json_object_set_new(vm, "x509CertificateChain", json_pack("{s:o}", "certificates", certs));
	json_object_del(vm, "certificate");
	json_object_set_new(b, "mediaType",
			    json_string("application/vnd.dev.sigstore.bundle+json;version=0.2"));
	expect(b, root_path, ID, ISS, 0, NULL);
	json_object_set_new(b, "mediaType", json_string("application/vnd.dev.sigstore.bundle.v9+json"));
	expect(b, root_path, ID, ISS, HM_EFORMAT, "not a Sigstore bundle");
	json_decref(b);
}

static void test_keyless_wrong_identity_or_issuer(void **state)
{
	json_t *b = load("v1.0.1-sigstore");

	(void)state;
	if (!b)
		skip();
	expect(b, root_path, "someone@example.com", ISS, HM_EVERIFY,
	       "identity (SAN " ID ") is not someone@example.com");
	expect(b, root_path, "stefanb@us.ibm.co", ISS, HM_EVERIFY, "is not stefanb@us.ibm.co");
	expect(b, root_path, ID, "https://accounts.google.com", HM_EVERIFY,
	       "OIDC issuer " ISS " is not https://accounts.google.com");
	expect(b, root_path, ID, ISS "/", HM_EVERIFY, "OIDC issuer");
	expect(b, root_path, "", ISS, HM_EINVAL, "expected identity");
	json_decref(b);
}

static void test_keyless_changed_certificate(void **state)
{
	json_t *b = load("v1.0.0-sigstore");

	(void)state;
	if (!b)
		skip();
	/* the last byte is in the CA's signature over the certificate */
	flip_b64(json_object_get(json_object_get(b, "verificationMaterial"), "certificate"),
		 "rawBytes", -1);
	expect(b, root_path, ID, ISS, HM_EVERIFY, "does not chain to a certificate authority");
	json_decref(b);
}

static void test_keyless_changed_set(void **state)
{
	json_t *b = load("v0.3.1-sigstore");

	(void)state;
	if (!b)
		skip();
	flip_b64(json_object_get(tlog(b), "inclusionPromise"), "signedEntryTimestamp", -3);
	expect(b, root_path, ID, ISS, HM_EVERIFY, "signed entry timestamp does not verify");
	json_decref(b);
}

static void test_keyless_changed_inclusion_proof(void **state)
{
	json_t *b = load("v1.0.1-sigstore"), *pr, *h;

	(void)state;
	if (!b)
		skip();
	pr = json_object_get(tlog(b), "inclusionProof");
	/* one byte of the first hash of the audit path */
	h = json_pack("{s:O}", "h", json_array_get(json_object_get(pr, "hashes"), 0));
	flip_b64(h, "h", 7);
	json_array_set(json_object_get(pr, "hashes"), 0, json_object_get(h, "h"));
	json_decref(h);
	expect(b, root_path, ID, ISS, HM_EVERIFY,
	       "inclusion proof does not hold: the audit path does not lead to the root hash");
	json_decref(b);
	/* the root hash: the path no longer leads there (the checkpoint names the old one) */
	b = load("v1.0.1-sigstore");
	flip_b64(json_object_get(tlog(b), "inclusionProof"), "rootHash", 5);
	expect(b, root_path, ID, ISS, HM_EVERIFY, "inclusion proof does not hold");
	json_decref(b);
	/* the tree size: here the path still leads to the root, the checkpoint says no */
	b = load("v1.0.1-sigstore");
	pr = json_object_get(tlog(b), "inclusionProof");
	json_object_set_new(pr, "treeSize", json_string("467035600"));
	expect(b, root_path, ID, ISS, HM_EVERIFY,
	       "checkpoint's tree size is not the inclusion proof's 467035600");
	json_decref(b);
}

static void test_keyless_changed_checkpoint(void **state)
{
	json_t *b = load("v1.0.0-sigstore"), *cp;
	char *note;

	(void)state;
	if (!b)
		skip();
	cp = json_object_get(json_object_get(tlog(b), "inclusionProof"), "checkpoint");
	note = strdup(json_string_value(json_object_get(cp, "envelope")));
	note[3] ^= 0x20; /* the origin line: signed text */
	json_object_set_new(cp, "envelope", json_string(note));
	expect(b, root_path, ID, ISS, HM_EVERIFY, "checkpoint's signature does not verify");
	free(note);
	json_decref(b);
}

static void test_keyless_changed_body(void **state)
{
	json_t *b = load("v1.0.1-sigstore"), *e;

	(void)state;
	if (!b)
		skip();
	e = tlog(b);
	flip_b64(e, "canonicalizedBody", 40);
	expect(b, root_path, ID, ISS, HM_EVERIFY, "signed entry timestamp does not verify");
	/* without the timestamp the inclusion proof catches it */
	json_object_del(e, "inclusionPromise");
	expect(b, root_path, ID, ISS, HM_EVERIFY, "inclusion proof does not hold");
	json_decref(b);
}

/*
 * The signed entry timestamp alone suffices; an inclusion proof alone is
 * checked but refused, since it does not sign the time; neither is refused.
 */
static void test_keyless_set_or_proof(void **state)
{
	json_t *b = load("v1.0.1-sigstore"), *e;

	(void)state;
	if (!b)
		skip();
	e = tlog(b);
	json_object_del(e, "inclusionProof");
	expect(b, root_path, ID, ISS, 0, NULL);
	json_decref(b);
	b = load("v1.0.1-sigstore");
	e = tlog(b);
	json_object_del(e, "inclusionPromise");
	expect(b, root_path, ID, ISS, HM_EVERIFY, "integratedTime is not signed");
	json_object_del(e, "inclusionProof");
	expect(b, root_path, ID, ISS, HM_EVERIFY, "neither a signed entry timestamp nor");
	json_decref(b);
}

/* The body must be this envelope's: payload hash and signature. */
static void test_keyless_envelope_not_the_body(void **state)
{
	json_t *b = load("v1.0.0-sigstore"), *env;
	const char *p;
	char *q;

	(void)state;
	if (!b)
		skip();
	env = json_object_get(b, "dsseEnvelope");
	p = json_string_value(json_object_get(env, "payload"));
	q = strdup(p);
	q[10] = q[10] == 'A' ? 'B' : 'A';
	json_object_set_new(env, "payload", json_string(q));
	free(q);
	expect(b, root_path, ID, ISS, HM_EVERIFY, "payloadHash is not the hash of the bundle's");
	json_decref(b);
	b = load("v1.0.0-sigstore");
	env = json_object_get(b, "dsseEnvelope");
	flip_b64(json_array_get(json_object_get(env, "signatures"), 0), "sig", -1);
	expect(b, root_path, ID, ISS, HM_EVERIFY, "signature is not the bundle's DSSE signature");
	json_decref(b);
}

static void test_keyless_root_without_ca(void **state)
{
	json_t *b = load("v1.0.1-sigstore");

	(void)state;
	if (!b)
		skip();
	expect(b, root_without("certificateAuthorities"), ID, ISS, HM_EVERIFY,
	       "no certificate authority of");
	json_decref(b);
}

static void test_keyless_root_without_ctlog(void **state)
{
	json_t *b = load("v1.0.1-sigstore");

	(void)state;
	if (!b)
		skip();
	expect(b, root_without("ctlogs"), ID, ISS, HM_EVERIFY,
	       "none of the signing certificate's 1 SCTs is from a CT log");
	json_decref(b);
}

static void test_keyless_root_without_rekor(void **state)
{
	json_t *b = load("v1.0.1-sigstore");

	(void)state;
	if (!b)
		skip();
	expect(b, root_without("tlogs"), ID, ISS, HM_EVERIFY, "is not a transparency log of");
	json_decref(b);
}

/* Fulcio certificates live ten minutes: an hour later the certificate has expired. */
static void test_keyless_time_outside_certificate(void **state)
{
	json_t *b = load("v1.0.1-sigstore"), *e;
	long long t;

	(void)state;
	if (!b)
		skip();
	e = tlog(b);
	t = atoll(json_string_value(json_object_get(e, "integratedTime")));
	json_object_set_new(e, "integratedTime", json_sprintf("%lld", t + 3600));
	/* the timestamp signs the time */
	expect(b, root_path, ID, ISS, HM_EVERIFY, "signed entry timestamp does not verify");
	/* the proof does not sign it, so a proof alone cannot vouch for the time */
	json_object_del(e, "inclusionPromise");
	expect(b, root_path, ID, ISS, HM_EVERIFY, "integratedTime is not signed");
	json_object_set_new(e, "integratedTime", json_sprintf("%lld", t - 3600));
	expect(b, root_path, ID, ISS, HM_EVERIFY, "integratedTime is not signed");
	json_decref(b);
}

static void test_keyless_not_keyless(void **state)
{
	json_t *b = load("v1.0.1-sigstore"), *vm;

	(void)state;
	if (!b)
		skip();
	vm = json_object_get(b, "verificationMaterial");
	json_object_del(vm, "certificate");
	json_object_set_new(vm, "publicKey", json_pack("{s:s}", "hint", "abc"));
	expect(b, root_path, ID, ISS, HM_EVERIFY, "signed with a public key, not keyless");
	json_decref(b);
	b = load("v1.0.1-sigstore");
	json_object_set_new(json_object_get(tlog(b), "kindVersion"), "kind",
			    json_string("hashedrekord"));
	expect(b, root_path, ID, ISS, HM_EUNSUPPORTED, "kind hashedrekord");
	json_decref(b);
	b = load("v1.0.1-sigstore");
	expect(b, tu_path(tmp, "absent.json"), ID, ISS, HM_ENOTFOUND, "absent.json");
	json_decref(b);
}

/* kindVersion is not signed: the body must be the kind it names. */
static void test_keyless_kind_not_the_body(void **state)
{
	json_t *b = load("v1.0.0-sigstore");

	(void)state;
	if (!b)
		skip();
	json_object_set_new(tlog(b), "kindVersion",
			    json_pack("{s:s,s:s}", "kind", "intoto", "version", "0.0.2"));
	expect(b, root_path, ID, ISS, HM_EVERIFY,
	       "body is not the intoto 0.0.2 entry its kindVersion says");
	json_decref(b);
}

/* Fulcio's intermediate chains to the root and may sign code, but is no signer. */
static void test_keyless_ca_as_leaf(void **state)
{
	json_t *b = load("v1.0.1-sigstore"), *r;
	json_error_t e;

	(void)state;
	if (!b)
		skip();
	r = json_load_file(root_path, 0, &e);
	assert_non_null(r);
	json_object_set(json_object_get(json_object_get(b, "verificationMaterial"), "certificate"),
			"rawBytes", json_object_get(json_array_get(json_object_get(json_object_get(
				json_array_get(json_object_get(r, "certificateAuthorities"), 1),
				"certChain"), "certificates"), 0), "rawBytes"));
	expect(b, root_path, ID, ISS, HM_EVERIFY, "is a certificate authority, not a signer's");
	json_decref(r);
	json_decref(b);
}

/* intoto v0.0.2 bodies: the envelope itself, the signature base64 twice over. */
static void test_keyless_intoto_body(void **state)
{
	json_t *b = load("v1.0.1-sigstore"), *env, *body, *entry, *dsse;
	const char *sig, *cb;
	unsigned char *raw = NULL;
	char *sig2, *pem64, *text, *b64;
	size_t n;
	X509 *leaf;
	const unsigned char *p;

	(void)state;
	if (!b)
		skip();
	env = json_object_get(b, "dsseEnvelope");
	sig = json_string_value(json_object_get(json_array_get(json_object_get(env, "signatures"), 0),
						"sig"));
	sig2 = hm__b64_encode((const unsigned char *)sig, strlen(sig));
	/* the verifier PEM of the real dsse body */
	cb = json_string_value(json_object_get(tlog(b), "canonicalizedBody"));
	assert_int_equal(hm__b64_decode(&raw, &n, cb, strlen(cb)), 0);
	dsse = json_loadb((const char *)raw, n, 0, NULL);
	free(raw);
	pem64 = strdup(json_string_value(json_object_get(
		json_array_get(json_object_get(json_object_get(dsse, "spec"), "signatures"), 0),
		"verifier")));
	body = json_pack("{s:s,s:s,s:{s:{s:{s:s,s:[{s:s,s:s}]},s:{s:s,s:s},s:{s:s,s:s}}}}",
			 "apiVersion", "0.0.2", "kind", "intoto", "spec", "content", "envelope",
			 "payloadType", json_string_value(json_object_get(env, "payloadType")),
			 "signatures", "sig", sig2, "publicKey", pem64, "hash", "algorithm",
			 "sha256", "value", "00", "payloadHash", "algorithm", "sha256", "value",
			 json_string_value(json_object_get(json_object_get(json_object_get(dsse,
				"spec"), "payloadHash"), "value")));
	assert_non_null(body);
	text = json_dumps(body, JSON_COMPACT);
	b64 = hm__b64_encode((const unsigned char *)text, strlen(text));
	entry = json_pack("{s:{s:s,s:s},s:s}", "kindVersion", "kind", "intoto", "version", "0.0.2",
			  "canonicalizedBody", b64);
	cb = json_string_value(json_object_get(json_object_get(b, "verificationMaterial"),
					       "certificate") ? json_object_get(json_object_get(
				       json_object_get(b, "verificationMaterial"), "certificate"),
				       "rawBytes") : NULL);
	assert_int_equal(hm__b64_decode(&raw, &n, cb, strlen(cb)), 0);
	p = raw;
	leaf = d2i_X509(NULL, &p, (long)n);
	assert_non_null(leaf);
	assert_int_equal(hm__sigstore_rekor_body_verify(entry, env, leaf), 0);
	/* another payload type */
	json_object_set_new(json_object_get(json_object_get(json_object_get(body, "spec"),
		"content"), "envelope"), "payloadType", json_string("text/plain"));
	free(text);
	free(b64);
	text = json_dumps(body, JSON_COMPACT);
	b64 = hm__b64_encode((const unsigned char *)text, strlen(text));
	json_object_set_new(entry, "canonicalizedBody", json_string(b64));
	assert_int_equal(hm__sigstore_rekor_body_verify(entry, env, leaf), HM_EVERIFY);
	assert_non_null(strstr(hm_error_last(), "payloadType is not the bundle's"));
	X509_free(leaf);
	free(raw);
	free(text);
	free(b64);
	free(sig2);
	free(pem64);
	json_decref(entry);
	json_decref(body);
	json_decref(dsse);
	json_decref(b);
}

static void test_trusted_root_refuses_malformed(void **state)
{
	static const char *const bad[] = {
		"[]",
		"{\"mediaType\":\"application/json\"}",
		"{\"mediaType\":\"application/vnd.dev.sigstore.trustedroot+json;version=0.1\","
		"\"tlogs\":[{\"publicKey\":{\"keyDetails\":\"PKIX_ED25519\",\"rawBytes\":\"AAAA\","
		"\"validFor\":{\"start\":\"2021-01-01T00:00:00Z\"}},\"logId\":{\"keyId\":"
		"\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}}]}",
		"{\"mediaType\":\"application/vnd.dev.sigstore.trustedroot+json;version=0.1\","
		"\"certificateAuthorities\":[{\"certChain\":{\"certificates\":[]},"
		"\"validFor\":{\"start\":\"2021-01-01T00:00:00Z\"}}]}",
		"{\"mediaType\":\"application/vnd.dev.sigstore.trustedroot+json;version=0.1\","
		"\"ctlogs\":[{\"publicKey\":{\"keyDetails\":\"X\",\"validFor\":{\"start\":\"no\"}},"
		"\"logId\":{\"keyId\":\"AA==\"}}]}",
	};
	hm__sigstore_root *r = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(hm__sigstore_root_parse(&r, bad[i], strlen(bad[i]), "t.json"),
				 HM_EFORMAT);
		assert_null(r);
		assert_non_null(strstr(hm_error_last(), "t.json"));
	}
	/* an unknown key type is kept, unusable */
	{
		const char *ok = "{\"mediaType\":\"application/vnd.dev.sigstore.trustedroot+json;"
				 "version=0.1\",\"tlogs\":[{\"baseUrl\":\"https://x\",\"publicKey\":"
				 "{\"keyDetails\":\"ML_DSA_65\",\"validFor\":{\"start\":"
				 "\"2021-01-01T00:00:00Z\"}},\"logId\":{\"keyId\":"
				 "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}}]}";
		assert_int_equal(hm__sigstore_root_parse(&r, ok, strlen(ok), "t.json"), 0);
		assert_int_equal(r->ntlogs, 1);
		assert_null(r->tlogs[0].key);
		assert_int_equal(hm__sigstore_log_verify(&r->tlogs[0], (const unsigned char *)"x", 1,
							 "y", 1), HM_EUNSUPPORTED);
		assert_non_null(strstr(hm_error_last(), "ML_DSA_65"));
		hm__sigstore_root_free(r);
	}
}

/* No trusted root named: the installed default, or a refusal that says how to get one. */
static void test_trusted_root_default(void **state)
{
	json_t *b = load("v1.0.1-sigstore");
	hm__sigstore_root *r = NULL;
	char *path = NULL;
	int rc = hm__sigstore_root_default_path(&path);

	(void)state;
	if (rc == 0) {
		assert_int_equal(hm__sigstore_root_load(&r, NULL), 0);
		assert_string_equal(r->name, path);
		hm__sigstore_root_free(r);
		free(path);
	} else {
		assert_int_equal(rc, HM_ENOTFOUND);
		assert_null(path);
		assert_non_null(strstr(hm_error_last(), "no Sigstore trusted root is installed"));
		assert_non_null(strstr(hm_error_last(), "--trusted-root FILE"));
		assert_int_equal(hm__sigstore_root_load(&r, NULL), HM_ENOTFOUND);
		if (b)
			expect(b, NULL, ID, ISS, HM_ENOTFOUND, "make trusted-root install");
	}
	json_decref(b);
}

/* The fuzz corpus's seeds (keys made for it): the valid one parses, each other says why not. */
static void test_trusted_root_corpus_seeds(void **state)
{
	static const struct {
		const char *file, *why;
	} seeds[] = {
		{ "wrong-media-type", "not a Sigstore trusted root" },
		{ "key-not-its-curve", "tlogs[0] publicKey.rawBytes is not on the curve of PKIX_ECDSA_P384" },
		{ "key-not-its-type", "tlogs[1] publicKey.rawBytes is not the PKIX_ECDSA_P256_SHA_256 key" },
		{ "short-log-id", "tlogs[0] logId.keyId is 20 bytes, not 32" },
		{ "ends-before-start", "ctlogs[0] publicKey ends before it starts" },
		{ "empty-chain", "certChain.certificates must hold 1 to 8" },
		{ "bad-base64", "certificate 1 rawBytes is not base64" },
		{ "not-a-certificate", "certificate 1 rawBytes is not a DER certificate" },
		{ "no-valid-for", "tlogs[0] publicKey has no validFor" },
		{ "duplicate-key", "duplicate" },
	};
	hm__sigstore_root *r = NULL;
	char path[256], *text;
	size_t i, n = 0;

	(void)state;
	assert_non_null(text = tu_read("fuzz/corpus/trusted_root/valid", &n));
	assert_int_equal(hm__sigstore_root_parse(&r, text, n, "valid"), 0);
	free(text);
	assert_int_equal(r->ncas, 1);
	assert_int_equal(sk_X509_num(r->cas[0].chain), 1);
	assert_int_equal(r->ntlogs, 2);
	assert_non_null(r->tlogs[0].key);
	assert_ptr_equal(r->tlogs[0].md, EVP_sha256());
	assert_non_null(r->tlogs[1].key); /* Ed25519 */
	assert_int_equal(r->nctlogs, 2);
	assert_ptr_equal(r->ctlogs[0].md, EVP_sha384());
	assert_true(r->ctlogs[0].end < LLONG_MAX);
	assert_null(r->ctlogs[1].key); /* RSA: not a type verified here */
	hm__sigstore_root_free(r);
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		snprintf(path, sizeof(path), "fuzz/corpus/trusted_root/%s", seeds[i].file);
		assert_non_null(text = tu_read(path, &n));
		assert_int_equal(hm__sigstore_root_parse(&r, text, n, seeds[i].file), HM_EFORMAT);
		free(text);
		if (!strstr(hm_error_last(), seeds[i].why))
			fail_msg("%s: \"%s\" does not say \"%s\"", seeds[i].file, hm_error_last(),
				 seeds[i].why);
	}
}

static int setup(void **state)
{
	(void)state;
	tmp = tu_tmpdir();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(tmp);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keyless_samples_verify),
		cmocka_unit_test(test_keyless_key_checks_the_envelope),
		cmocka_unit_test(test_keyless_certificate_chain_form),
		cmocka_unit_test(test_keyless_wrong_identity_or_issuer),
		cmocka_unit_test(test_keyless_changed_certificate),
		cmocka_unit_test(test_keyless_changed_set),
		cmocka_unit_test(test_keyless_changed_inclusion_proof),
		cmocka_unit_test(test_keyless_changed_checkpoint),
		cmocka_unit_test(test_keyless_changed_body),
		cmocka_unit_test(test_keyless_set_or_proof),
		cmocka_unit_test(test_keyless_envelope_not_the_body),
		cmocka_unit_test(test_keyless_root_without_ca),
		cmocka_unit_test(test_keyless_root_without_ctlog),
		cmocka_unit_test(test_keyless_root_without_rekor),
		cmocka_unit_test(test_keyless_time_outside_certificate),
		cmocka_unit_test(test_keyless_not_keyless),
		cmocka_unit_test(test_keyless_kind_not_the_body),
		cmocka_unit_test(test_keyless_ca_as_leaf),
		cmocka_unit_test(test_keyless_intoto_body),
		cmocka_unit_test(test_trusted_root_refuses_malformed),
		cmocka_unit_test(test_trusted_root_corpus_seeds),
		cmocka_unit_test(test_trusted_root_default),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
