/*
 * ECDSA keys and Sigstore bundles: each curve signs and verifies with its
 * digest (P-384 with SHA-384, as model_signing); key files keep EC keys
 * (plain and encrypted); the Sigstore reader's rules (media types, exactly
 * one kind of verification material, no message signatures, no unknown
 * fields, keyless told from certificate by the transparency log); the trust
 * layer decides a Sigstore bundle by its method only; version 1 trust
 * options still work; model_signing 0.2's Digests/v0.1 statement is read as
 * the OMS v1.0 manifest it amounts to.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <sodium.h>

#include "testutil.h"
#include "testcrypto.h"
#include "keyimpl.h"
#include "sigstore_impl.h"
#include "statement_impl.h"

#define STATEMENT                                                                              \
	"{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"m\",\"digest\":" \
	"{\"sha256\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}}],"   \
	"\"predicateType\":\"https://example.com/p/v1\",\"predicate\":{}}"

static void each_curve_signs_and_verifies(void **state)
{
	static const hm_key_type types[] = { HM_KEY_ECDSA_P256, HM_KEY_ECDSA_P384,
					     HM_KEY_ECDSA_P521, HM_KEY_ED25519 };
	const unsigned char msg[] = "DSSEv1 pae";
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		hm_key *k = NULL, *other = NULL, *pub = NULL;
		unsigned char *sig = NULL, *der = NULL;
		size_t siglen, derlen;
		unsigned char h[32];
		char hex[65];

		assert_hm_ok(hm_key_generate_type(&k, types[i]));
		assert_hm_ok(hm_key_generate_type(&other, types[i]));
		assert_int_equal(hm_key_get_type(k), types[i]);
		assert_true(hm_key_has_secret(k));
		assert_hm_ok(hm_key_sign_alloc(&sig, &siglen, k, msg, sizeof(msg)));
		assert_hm_ok(hm_key_verify(k, sig, siglen, msg, sizeof(msg)));
		assert_hm_err(hm_key_verify(other, sig, siglen, msg, sizeof(msg)), HM_EVERIFY,
			      "does not verify");
		assert_hm_err(hm_key_verify(k, sig, siglen, msg, sizeof(msg) - 1), HM_EVERIFY,
			      "does not verify");
		/* the key id is the SHA-256 of the DER SPKI, and the SPKI reads back */
		assert_hm_ok(hm_key_public_der(&der, &derlen, k));
		hm__sha256(h, der, derlen);
		hm__hex_encode(hex, h, 32);
		assert_string_equal(hex, hm_key_id(k));
		assert_hm_ok(hm_key_from_spki(&pub, der, derlen, "spki"));
		assert_string_equal(hm_key_id(pub), hm_key_id(k));
		assert_false(hm_key_has_secret(pub));
		assert_hm_ok(hm_key_verify(pub, sig, siglen, msg, sizeof(msg)));
		hm_free(sig);
		hm_free(der);
		hm_key_free(pub);
		hm_key_free(other);
		hm_key_free(k);
	}
}

/* An ECDSA signature made by OpenSSL over msg with digest md. */
static unsigned char *openssl_sig(size_t *len, const hm_key *k, const EVP_MD *md,
				  const unsigned char *msg, size_t msglen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char *sig;

	assert_non_null(ctx);
	assert_int_equal(EVP_DigestSignInit(ctx, NULL, md, NULL, k->evp), 1);
	assert_int_equal(EVP_DigestSign(ctx, NULL, len, msg, msglen), 1);
	sig = malloc(*len);
	assert_non_null(sig);
	assert_int_equal(EVP_DigestSign(ctx, sig, len, msg, msglen), 1);
	EVP_MD_CTX_free(ctx);
	return sig;
}

static void each_curve_uses_model_signings_digest(void **state)
{
	static const struct {
		hm_key_type t;
		const char *right, *wrong;
	} cases[] = { { HM_KEY_ECDSA_P256, "SHA256", "SHA384" },
		      { HM_KEY_ECDSA_P384, "SHA384", "SHA256" },
		      { HM_KEY_ECDSA_P521, "SHA512", "SHA256" } };
	const unsigned char msg[] = "payload";
	size_t i, len;

	(void)state;
	for (i = 0; i < 3; i++) {
		hm_key *k = NULL;
		unsigned char *sig;
		assert_hm_ok(hm_key_generate_type(&k, cases[i].t));
		sig = openssl_sig(&len, k, EVP_get_digestbyname(cases[i].right), msg, sizeof(msg));
		assert_hm_ok(hm_key_verify(k, sig, len, msg, sizeof(msg)));
		free(sig);
		sig = openssl_sig(&len, k, EVP_get_digestbyname(cases[i].wrong), msg, sizeof(msg));
		assert_hm_err(hm_key_verify(k, sig, len, msg, sizeof(msg)), HM_EVERIFY,
			      "does not verify");
		free(sig);
		hm_key_free(k);
	}
}

static void ec_key_files_round_trip(void **state)
{
	hm_key_write_options wo = HM_KEY_WRITE_OPTIONS_INIT;
	hm_key *k = NULL, *back = NULL;
	char *text = NULL;
	size_t len;
	int enc;

	(void)state;
	wo.kdf_opslimit = crypto_pwhash_OPSLIMIT_MIN;
	wo.kdf_memlimit = crypto_pwhash_MEMLIMIT_MIN;
	assert_hm_ok(hm_key_generate_type(&k, HM_KEY_ECDSA_P521));
	for (enc = 0; enc < 2; enc++) {
		assert_hm_ok(hm_key_secret_file(&text, &len, k, enc ? "pw" : NULL, enc ? 2 : 0, &wo));
		assert_non_null(strstr(text, "\"algorithm\": \"ecdsa-p521\""));
		if (enc) {
			assert_hm_err(hm_key_parse(&back, text, len, "k", NULL, NULL), HM_EPASSPHRASE,
				      "encrypted");
		} else {
			unsigned char *sig = NULL;
			size_t siglen;
			assert_hm_ok(hm_key_parse(&back, text, len, "k", NULL, NULL));
			assert_string_equal(hm_key_id(back), hm_key_id(k));
			assert_true(hm_key_has_secret(back));
			/* the key read back signs what the original verifies */
			assert_hm_ok(hm_key_sign_alloc(&sig, &siglen, back, (const unsigned char *)"m", 1));
			assert_hm_ok(hm_key_verify(k, sig, siglen, (const unsigned char *)"m", 1));
			hm_free(sig);
			hm_key_free(back);
			back = NULL;
		}
		sodium_memzero(text, len);
		hm_free(text);
	}
	hm_key_free(k);
}

static void sigstore_reader_rules(void **state)
{
	static const char env[] =
		"\"dsseEnvelope\":{\"payload\":\"e30=\",\"payloadType\":\"x\",\"signatures\":[{\"sig\":"
		"\"AA==\",\"keyid\":null}]}";
	static const char cert[] = "{\"rawBytes\":\"MAA=\"}";
	struct hm__sigstore *sb = NULL;
	char buf[1024];

	(void)state;
#define MT(v) "{\"mediaType\":\"application/vnd.dev.sigstore.bundle" v "\","
	snprintf(buf, sizeof(buf), MT("+json;version=0.1") "\"verificationMaterial\":{"
		 "\"publicKey\":{\"hint\":\"h\"}},%s}", env);
	assert_true(hm__sigstore_looks(buf, strlen(buf)));
	assert_hm_ok(hm__sigstore_parse(&sb, buf, strlen(buf), "b"));
	assert_int_equal(sb->method, HM__SIG_KEY);
	assert_string_equal(sb->hint, "h");
	hm__sigstore_free(sb);
	/* older bundles: the key embedded as rawBytes (PEM text) with keyDetails, no hint */
	snprintf(buf, sizeof(buf), MT(".v0.3+json") "\"verificationMaterial\":{"
		 "\"publicKey\":{\"rawBytes\":\"LS0tLS1C\",\"keyDetails\":\"PKIX_ECDSA_P384_SHA_384\"}},"
		 "%s}", env);
	assert_hm_ok(hm__sigstore_parse(&sb, buf, strlen(buf), "b"));
	assert_int_equal(sb->method, HM__SIG_KEY);
	assert_null(sb->hint);
	hm__sigstore_free(sb);
	snprintf(buf, sizeof(buf), MT(".v0.3+json") "\"verificationMaterial\":{"
		 "\"publicKey\":{\"rawBytes\":\"not base64!\"}},%s}", env);
	assert_hm_err(hm__sigstore_parse(&sb, buf, strlen(buf), "b"), HM_EFORMAT,
		      "publicKey.rawBytes is not base64 key bytes");
	snprintf(buf, sizeof(buf), MT(".v0.3+json") "\"verificationMaterial\":{"
		 "\"publicKey\":{\"hint\":\"h\",\"keyDetails\":7}},%s}", env);
	assert_hm_err(hm__sigstore_parse(&sb, buf, strlen(buf), "b"), HM_EFORMAT,
		      "publicKey.keyDetails is not a string");
	snprintf(buf, sizeof(buf), MT(".v0.3+json") "\"verificationMaterial\":{"
		 "\"publicKey\":{}},%s}", env);
	assert_hm_err(hm__sigstore_parse(&sb, buf, strlen(buf), "b"), HM_EFORMAT,
		      "publicKey holds neither a hint nor rawBytes");
	snprintf(buf, sizeof(buf), MT(".v0.4+json") "\"verificationMaterial\":{"
		 "\"publicKey\":{}},%s}", env);
	assert_hm_err(hm__sigstore_parse(&sb, buf, strlen(buf), "b"), HM_EUNSUPPORTED,
		      "is not a Sigstore bundle version");
	snprintf(buf, sizeof(buf), MT(".v0.3+json") "\"verificationMaterial\":{"
		 "\"publicKey\":{},\"certificate\":%s},%s}", cert, env);
	assert_hm_err(hm__sigstore_parse(&sb, buf, strlen(buf), "b"), HM_EFORMAT,
		      "exactly one of publicKey, x509CertificateChain and certificate (it holds 2)");
	snprintf(buf, sizeof(buf), MT(".v0.3+json") "\"verificationMaterial\":{"
		 "\"publicKey\":{}},\"messageSignature\":{}}");
	assert_hm_err(hm__sigstore_parse(&sb, buf, strlen(buf), "b"), HM_EUNSUPPORTED,
		      "message signature");
	snprintf(buf, sizeof(buf), MT(".v0.3+json") "\"verificationMaterial\":{"
		 "\"publicKey\":{}},\"extra\":1,%s}", env);
	assert_hm_err(hm__sigstore_parse(&sb, buf, strlen(buf), "b"), HM_EFORMAT,
		      "unknown field \"extra\"");
	snprintf(buf, sizeof(buf), MT(".v0.3+json") "\"verificationMaterial\":{"
		 "\"x509CertificateChain\":{\"certificates\":[%s,%s]},\"tlogEntries\":[]},%s}",
		 cert, cert, env);
	assert_hm_ok(hm__sigstore_parse(&sb, buf, strlen(buf), "b"));
	assert_int_equal(sb->method, HM__SIG_CERTIFICATE);
	assert_int_equal(sb->ncerts, 2);
	hm__sigstore_free(sb);
	snprintf(buf, sizeof(buf), MT(".v0.3+json") "\"verificationMaterial\":{"
		 "\"certificate\":%s,\"tlogEntries\":[{\"integratedTime\":\"1746228000\"}]},%s}",
		 cert, env);
	assert_hm_ok(hm__sigstore_parse(&sb, buf, strlen(buf), "b"));
	assert_int_equal(sb->method, HM__SIG_KEYLESS);
	assert_int_equal(sb->signed_at, 1746228000LL);
	hm__sigstore_free(sb);
	snprintf(buf, sizeof(buf), MT(".v0.3+json") "\"verificationMaterial\":{"
		 "\"certificate\":%s,\"tlogEntries\":[{\"integratedTime\":\"soon\"}]},%s}", cert, env);
	assert_hm_err(hm__sigstore_parse(&sb, buf, strlen(buf), "b"), HM_EFORMAT,
		      "integratedTime is not a time");
	assert_false(hm__sigstore_looks(env + 15, strlen(env) - 15));
	/* Told apart without a parse when it cannot hold the member, but a member
	 * name spelt with \u escapes is still the member. */
	snprintf(buf, sizeof(buf), "{\"media\\u0054ype\":\"x\",%s}", env);
	assert_true(hm__sigstore_looks(buf, strlen(buf)));
	snprintf(buf, sizeof(buf), "{\"x\":\"\\u0041\",%s}", env);
	assert_false(hm__sigstore_looks(buf, strlen(buf)));
	snprintf(buf, sizeof(buf), "{\"x\":\"\\\"mediaType\\\"\",%s}", env);
	assert_false(hm__sigstore_looks(buf, strlen(buf))); /* only in a value */
#undef MT
}

static void a_sigstore_bundle_is_trusted_by_its_method_only(void **state)
{
	hm_trust_options to = HM_TRUST_OPTIONS_INIT;
	hm_trusted_bundle *tb = NULL;
	hm_cert_roots *roots = NULL;
	hm_keyring *kr = NULL;
	hm_bundle *b = NULL;
	hm_key *k = NULL;
	char *sig = NULL, *pretty, hint[65], mine[65], *pem = NULL;
	unsigned char h[32];
	json_t *j;
	size_t len;

	(void)state;
	assert_hm_ok(hm_key_generate_type(&k, HM_KEY_ECDSA_P384));
	assert_hm_ok(hm_sigstore_sign(&sig, &len, STATEMENT, strlen(STATEMENT), "s", k, NULL));
	/* the hint is the SHA-256 of the PEM public key text */
	assert_hm_ok(hm_key_public_pem(&pem, k));
	hm__sha256(h, pem, strlen(pem));
	hm__hex_encode(mine, h, 32);
	assert_hm_ok(hm_sigstore_key_hint(hint, k));
	assert_string_equal(hint, mine);
	assert_non_null(strstr(sig, hint));
	/* laid out over many lines, it is still one entry */
	j = json_loadb(sig, len, 0, NULL);
	assert_non_null(j);
	pretty = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	assert_hm_ok(hm_bundle_parse(&b, pretty, strlen(pretty)));
	free(pretty);
	assert_int_equal(hm_bundle_line_count(b), 1);
	assert_hm_ok(hm_keyring_new(&kr));
	assert_hm_ok(hm_keyring_add(kr, k));
	to.keys = kr;
	assert_hm_ok(hm_trusted_bundle_open(&tb, b, &to));
	assert_true(hm_trusted_bundle_ok(tb));
	assert_string_equal(hm_trusted_bundle_line(tb, 0)->method, "key");
	assert_string_equal(hm_trusted_bundle_line(tb, 0)->signers[0], hm_key_id(k));
	assert_null(hm_trusted_bundle_line(tb, 0)->cert_subject);
	hm_trusted_bundle_free(tb);
	/* certificate roots only: a key bundle is not trusted through them */
	assert_hm_ok(hm_cert_roots_new(&roots));
	assert_hm_err(hm_cert_roots_add_pem(roots, "nothing", 7, "r"), HM_EFORMAT,
		      "no PEM CERTIFICATE block");
	to.keys = NULL;
	to.cert_roots = roots;
	assert_hm_err(hm_trusted_bundle_open(&tb, b, &to), HM_EINVAL, "no trusted keys given");
	to.identity = "someone@example.com";
	assert_hm_err(hm_trusted_bundle_open(&tb, b, &to), HM_EINVAL, "both an identity");
	to.issuer = "https://issuer.example.com";
	assert_hm_ok(hm_trusted_bundle_open(&tb, b, &to));
	assert_false(hm_trusted_bundle_ok(tb));
	assert_non_null(strstr(hm_trusted_bundle_line(tb, 0)->reason,
			       "signed with a public key (verificationMaterial.publicKey)"));
	hm_trusted_bundle_free(tb);
	/* version 1 options (no certificate fields) still work */
	{
		hm_trust_options v1 = HM_TRUST_OPTIONS_INIT;
		v1.version = 1;
		v1.keys = kr;
		v1.cert_roots = (const hm_cert_roots *)(uintptr_t)1; /* beyond v1: never read */
		assert_hm_ok(hm_trusted_bundle_open(&tb, b, &v1));
		assert_true(hm_trusted_bundle_ok(tb));
		hm_trusted_bundle_free(tb);
	}
	hm_cert_roots_free(roots);
	hm_keyring_free(kr);
	hm_bundle_free(b);
	hm_free(pem);
	hm_free(sig);
	hm_key_free(k);
}

#define V01(subjects)                                                                           \
	"{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[" subjects "],"            \
	"\"predicateType\":\"https://model_signing/Digests/v0.1\"}"
#define D1 "98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4"
#define D2 "ebe95d10cc11e27bd8d4d1ce91bc725665ddbaa6ca2498ef38a88a58ad48cdb4"

static void digests_v01_reads_as_a_manifest(void **state)
{
	static const char good[] = V01("{\"name\":\"sub/b\",\"digest\":{\"sha256\":\"" D2 "\"}},"
				       "{\"name\":\"a\",\"digest\":{\"sha256\":\"" D1 "\"}}");
	hm_statement *st = NULL;
	const json_t *j, *res;
	char *pred, root[65];

	(void)state;
	assert_hm_ok(hm_statement_parse(&st, good, strlen(good), "s"));
	assert_hm_ok(hm__oms_legacy_upgrade(&st));
	j = hm__statement_json(st);
	assert_string_equal(hm__json_str(j, "predicateType"), HM_OMS_PREDICATE_TYPE);
	res = json_object_get(json_object_get(j, "predicate"), "resources");
	assert_int_equal(json_array_size(res), 2);
	/* in the manifest's path order, whatever the subjects' order */
	assert_string_equal(hm__json_str(json_array_get(res, 0), "name"), "a");
	assert_string_equal(hm__json_str(json_array_get(res, 1), "digest"), D2);
	/* the subject is the root digest those resources hash to */
	pred = json_dumps(json_object_get(j, "predicate"), JSON_COMPACT);
	assert_hm_ok(hm_manifest_predicate_root(root, pred, strlen(pred)));
	free(pred);
	assert_string_equal(hm__json_str(json_object_get(json_array_get(json_object_get(j, "subject"),
								       0), "digest"), "sha256"),
			    root);
	hm_statement_free(st);
	/* any other statement is left as it is */
	assert_hm_ok(hm_statement_parse(&st, STATEMENT, strlen(STATEMENT), "s"));
	assert_hm_ok(hm__oms_legacy_upgrade(&st));
	assert_string_equal(hm__json_str(hm__statement_json(st), "predicateType"),
			    "https://example.com/p/v1");
	hm_statement_free(st);
	/* subjects that are not one file with one SHA-256 */
	{
		static const char *const bad[] = {
			V01("{\"name\":\"a\",\"digest\":{\"sha256\":\"" D1 "\",\"sha512\":\"00\"}}"),
			V01("{\"name\":\"a\",\"digest\":{\"sha1\":\"da39a3ee5e6b4b0d3255bfef95601890afd80709\"}}"),
			V01("{\"name\":\"a\",\"digest\":{\"sha256\":\"" D1 "\"}},"
			    "{\"name\":\"a\",\"digest\":{\"sha256\":\"" D2 "\"}}"),
			V01("{\"name\":\"../x\",\"digest\":{\"sha256\":\"" D1 "\"}}"),
			/* that layout has no predicate */
			"{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"a\","
			"\"digest\":{\"sha256\":\"" D1 "\"}}],\"predicateType\":"
			"\"https://model_signing/Digests/v0.1\",\"predicate\":{\"resources\":[]}}",
		};
		size_t i;
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			int rc;
			if (hm_statement_parse(&st, bad[i], strlen(bad[i]), "s") < 0)
				continue; /* refused already as a statement */
			rc = hm__oms_legacy_upgrade(&st);
			if (rc != HM_EFORMAT)
				fail_msg("bad[%zu] upgraded", i);
			hm_statement_free(st);
			st = NULL;
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_curve_signs_and_verifies),
		cmocka_unit_test(each_curve_uses_model_signings_digest),
		cmocka_unit_test(ec_key_files_round_trip),
		cmocka_unit_test(sigstore_reader_rules),
		cmocka_unit_test(a_sigstore_bundle_is_trusted_by_its_method_only),
		cmocka_unit_test(digests_v01_reads_as_a_manifest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
