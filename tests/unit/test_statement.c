/*
 * in-toto Statement v1: each validation rule of statement.h with a case that
 * passes and one that fails, the accessors, and the canonical bytes we sign.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include "testcrypto.h"
#include "statement_impl.h"

#define SHA256_A "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA1_A "da39a3ee5e6b4b0d3255bfef95601890afd80709"
#define T "\"_type\":\"https://in-toto.io/Statement/v1\""
#define PT "\"predicateType\":\"https://example.com/p/v1\""
#define SUBJ "\"subject\":[{\"name\":\"model\",\"digest\":{\"sha256\":\"" SHA256_A "\"}}]"

static int parse(hm_statement **st, const char *json)
{
	int rc = hm_statement_parse(st, json, strlen(json), "st.json");

	if (rc < 0)
		assert_null(*st);
	return rc;
}

static void ok(const char *json)
{
	hm_statement *st = NULL;

	if (parse(&st, json) != 0)
		fail_msg("rejected %s: %s", json, hm_error_last());
	hm_statement_free(st);
}

static void bad(const char *json, int code, const char *why)
{
	hm_statement *st = (hm_statement *)1;
	int rc = parse(&st, json);

	if (rc != code || !strstr(hm_error_last(), why))
		fail_msg("%s: got %s \"%s\", want %s \"%s\"", json, hm_error_name(rc),
			 hm_error_last(), hm_error_name(code), why);
	/* messages name the input */
	assert_non_null(strstr(hm_error_last(), "st.json"));
}

static void minimal_statement_passes(void **state)
{
	(void)state;
	ok("{" T "," SUBJ "," PT "}");
	ok("{" T "," SUBJ "," PT ",\"predicate\":{}}");
	/* unknown fields are ignored, at the top and in subjects */
	ok("{" T "," SUBJ "," PT ",\"extra\":[1]}");
	ok("{" T ",\"subject\":[{\"digest\":{\"sha256\":\"" SHA256_A "\"},\"uri\":\"x\"}]," PT "}");
}

static void type_rule(void **state)
{
	(void)state;
	bad("{" SUBJ "," PT "}", HM_EFORMAT, "no \"_type\"");
	bad("{\"_type\":1," SUBJ "," PT "}", HM_EFORMAT, "no \"_type\"");
	bad("{\"_type\":\"https://in-toto.io/Statement/v0.1\"," SUBJ "," PT "}", HM_EUNSUPPORTED,
	    "is \"https://in-toto.io/Statement/v0.1\", not \"https://in-toto.io/Statement/v1\"");
	bad("{\"_type\":\"https://in-toto.io/Statement/v1 \"," SUBJ "," PT "}", HM_EUNSUPPORTED,
	    "not \"https://in-toto.io/Statement/v1\"");
	bad("[]", HM_EFORMAT, "must be a JSON object");
	bad("[{" T "," SUBJ "," PT "}]", HM_EFORMAT, "must be a JSON object");
}

static void subject_rule(void **state)
{
	(void)state;
	bad("{" T "," PT "}", HM_EFORMAT, "\"subject\" must be a non-empty array");
	bad("{" T ",\"subject\":[]," PT "}", HM_EFORMAT, "\"subject\" must be a non-empty array");
	bad("{" T ",\"subject\":{\"digest\":{\"sha256\":\"" SHA256_A "\"}}," PT "}", HM_EFORMAT,
	    "\"subject\" must be a non-empty array");
	bad("{" T ",\"subject\":[\"model\"]," PT "}", HM_EFORMAT, "subject[0] is not an object");
	bad("{" T ",\"subject\":[{\"digest\":{\"sha256\":\"" SHA256_A "\"}},7]," PT "}", HM_EFORMAT,
	    "subject[1] is not an object");
	/* a subject without a name is fine; a name that is not a string is not */
	ok("{" T ",\"subject\":[{\"digest\":{\"sha256\":\"" SHA256_A "\"}}]," PT "}");
	bad("{" T ",\"subject\":[{\"name\":5,\"digest\":{\"sha256\":\"" SHA256_A "\"}}]," PT "}",
	    HM_EFORMAT, "subject[0].name is not a string");
}

static void digest_rule(void **state)
{
	(void)state;
	bad("{" T ",\"subject\":[{\"name\":\"m\"}]," PT "}", HM_EFORMAT, "subject[0] has no digest");
	bad("{" T ",\"subject\":[{\"digest\":{}}]," PT "}", HM_EFORMAT,
	    "subject[0].digest must be a non-empty object");
	bad("{" T ",\"subject\":[{\"digest\":\"" SHA256_A "\"}]," PT "}", HM_EFORMAT,
	    "subject[0].digest must be a non-empty object");
	bad("{" T ",\"subject\":[{\"digest\":{\"sha256\":1}}]," PT "}", HM_EFORMAT,
	    "subject[0].digest.sha256 is not a string");
	/* known algorithms: lowercase hex of the right length */
	ok("{" T ",\"subject\":[{\"digest\":{\"sha1\":\"" SHA1_A "\",\"sha256\":\"" SHA256_A
	   "\"}}]," PT "}");
	bad("{" T ",\"subject\":[{\"digest\":{\"sha256\":\"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4"
	    "649B934CA495991B7852B855\"}}]," PT "}", HM_EFORMAT,
	    "subject[0].digest.sha256 must be 64 lowercase hex digits");
	bad("{" T ",\"subject\":[{\"digest\":{\"sha256\":\"" SHA256_A "0\"}}]," PT "}", HM_EFORMAT,
	    "must be 64 lowercase hex digits");
	bad("{" T ",\"subject\":[{\"digest\":{\"sha256\":\"" SHA1_A "\"}}]," PT "}", HM_EFORMAT,
	    "must be 64 lowercase hex digits");
	bad("{" T ",\"subject\":[{\"digest\":{\"sha1\":\"" SHA256_A "\"}}]," PT "}", HM_EFORMAT,
	    "digest.sha1 must be 40 lowercase hex digits");
	bad("{" T ",\"subject\":[{\"digest\":{\"sha256\":\"g3b0c44298fc1c149afbf4c8996fb92427ae41e46"
	    "49b934ca495991b7852b855\"}}]," PT "}", HM_EFORMAT, "must be 64 lowercase hex digits");
	/* git object ids: SHA-1 or SHA-256 length */
	ok("{" T ",\"subject\":[{\"digest\":{\"gitCommit\":\"" SHA1_A "\"}}]," PT "}");
	ok("{" T ",\"subject\":[{\"digest\":{\"gitCommit\":\"" SHA256_A "\"}}]," PT "}");
	bad("{" T ",\"subject\":[{\"digest\":{\"gitTree\":\"" SHA1_A "abcd\"}}]," PT "}", HM_EFORMAT,
	    "digest.gitTree must be 40 lowercase hex digits");
	/* unknown algorithms: any non-empty string */
	ok("{" T ",\"subject\":[{\"digest\":{\"myHash\":\"Not/Hex==\"}}]," PT "}");
	bad("{" T ",\"subject\":[{\"digest\":{\"myHash\":\"\"}}]," PT "}", HM_EFORMAT,
	    "subject[0].digest.myHash is empty");
	/* the second subject is checked too */
	bad("{" T ",\"subject\":[{\"digest\":{\"sha256\":\"" SHA256_A "\"}},{\"digest\":{\"md5\":"
	    "\"abc\"}}]," PT "}", HM_EFORMAT, "subject[1].digest.md5 must be 32 lowercase hex");
}

static void digest_value_table(void **state)
{
	static const struct {
		const char *alg;
		size_t len;
	} algs[] = { { "sha256", 64 },     { "sha512", 128 },   { "sha384", 96 },
		     { "sha224", 56 },     { "sha1", 40 },      { "md5", 32 },
		     { "sha512_256", 64 }, { "sha3_256", 64 },  { "sha3_512", 128 },
		     { "blake2b", 128 },   { "blake2s", 64 },   { "gitCommit", 40 },
		     { "gitTree", 40 },    { "gitBlob", 40 } };
	char hex[200];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		memset(hex, 'a', algs[i].len);
		hex[algs[i].len] = '\0';
		if (!hm_digest_value_valid(algs[i].alg, hex))
			fail_msg("%s: %zu hex digits rejected", algs[i].alg, algs[i].len);
		hex[algs[i].len - 1] = '\0';
		assert_false(hm_digest_value_valid(algs[i].alg, hex));
		hex[algs[i].len - 1] = 'A';
		assert_false(hm_digest_value_valid(algs[i].alg, hex));
		hex[algs[i].len - 1] = 'a';
		hex[algs[i].len] = 'a';
		hex[algs[i].len + 1] = '\0';
		assert_false(hm_digest_value_valid(algs[i].alg, hex));
	}
	assert_true(hm_digest_value_valid("custom", "x"));
	assert_false(hm_digest_value_valid("custom", ""));
	assert_false(hm_digest_value_valid("sha256", ""));
}

static void predicate_type_rule(void **state)
{
	(void)state;
	bad("{" T "," SUBJ "}", HM_EFORMAT, "no \"predicateType\"");
	bad("{" T "," SUBJ ",\"predicateType\":\"\"}", HM_EFORMAT, "no \"predicateType\"");
	bad("{" T "," SUBJ ",\"predicateType\":3}", HM_EFORMAT, "no \"predicateType\"");
	ok("{" T "," SUBJ ",\"predicateType\":\"x\"}");
}

static void predicate_rule(void **state)
{
	(void)state;
	ok("{" T "," SUBJ "," PT ",\"predicate\":{\"a\":[1,{\"b\":null}]}}");
	bad("{" T "," SUBJ "," PT ",\"predicate\":[]}", HM_EFORMAT, "\"predicate\" must be an object");
	bad("{" T "," SUBJ "," PT ",\"predicate\":\"x\"}", HM_EFORMAT,
	    "\"predicate\" must be an object");
	bad("{" T "," SUBJ "," PT ",\"predicate\":null}", HM_EFORMAT,
	    "\"predicate\" must be an object");
}

static void json_rules(void **state)
{
	(void)state;
	bad("{" T "," SUBJ "," PT "," PT "}", HM_EFORMAT, "duplicate");
	bad("{" T "," SUBJ "," PT ",\"predicate\":{\"a\":1,\"a\":1}}", HM_EFORMAT, "duplicate");
	bad("{" T ",\"subject\":[{\"digest\":{\"sha256\":\"" SHA256_A "\",\"sha256\":\"" SHA256_A
	    "\"}}]," PT "}", HM_EFORMAT, "duplicate");
	bad("{" T "," SUBJ "," PT "", HM_EFORMAT, "invalid JSON");
	bad("{" T "," SUBJ "," PT "} trailing", HM_EFORMAT, "invalid JSON");
	bad("", HM_EFORMAT, "invalid JSON");
}

static void accessors(void **state)
{
	static const char json[] =
		"{" T ",\"subject\":[{\"name\":\"model\",\"digest\":{\"sha256\":\"" SHA256_A
		"\",\"gitCommit\":\"" SHA1_A "\",\"md5\":\"d41d8cd98f00b204e9800998ecf8427e\"}},"
		"{\"digest\":{\"other\":\"v\"}}]," PT ",\"predicate\":{\"z\":1,\"a\":[true]}}";
	hm_statement *st = NULL;
	const char *alg, *hex;
	char *p;

	(void)state;
	assert_hm_ok(hm_statement_parse(&st, json, strlen(json), NULL));
	assert_string_equal(hm_statement_predicate_type(st), "https://example.com/p/v1");
	assert_int_equal(hm_statement_subject_count(st), 2);
	assert_string_equal(hm_statement_subject_name(st, 0), "model");
	assert_null(hm_statement_subject_name(st, 1));
	assert_int_equal(hm_statement_subject_digest_count(st, 0), 3);
	/* digests come in sorted algorithm order, whatever the JSON order */
	assert_hm_ok(hm_statement_subject_digest(st, 0, 0, &alg, &hex));
	assert_string_equal(alg, "gitCommit");
	assert_string_equal(hex, SHA1_A);
	assert_hm_ok(hm_statement_subject_digest(st, 0, 1, &alg, &hex));
	assert_string_equal(alg, "md5");
	assert_hm_ok(hm_statement_subject_digest(st, 0, 2, &alg, &hex));
	assert_string_equal(alg, "sha256");
	assert_string_equal(hex, SHA256_A);
	assert_hm_err(hm_statement_subject_digest(st, 0, 3, &alg, &hex), HM_EINVAL, "no digest 3");
	assert_hm_err(hm_statement_subject_digest(st, 5, 0, &alg, &hex), HM_EINVAL, "subject 5");
	assert_string_equal(hm_statement_subject_digest_get(st, 0, "sha256"), SHA256_A);
	assert_null(hm_statement_subject_digest_get(st, 0, "sha512"));
	assert_string_equal(hm_statement_subject_digest_get(st, 1, "other"), "v");
	assert_hm_ok(hm_statement_predicate_json(&p, st));
	assert_string_equal(p, "{\"a\":[true],\"z\":1}");
	hm_free(p);
	hm_statement_free(st);

	assert_hm_ok(hm_statement_parse(&st, "{" T "," SUBJ "," PT "}", strlen("{" T "," SUBJ "," PT "}"),
					NULL));
	assert_hm_ok(hm_statement_predicate_json(&p, st));
	assert_string_equal(p, "null");
	hm_free(p);
	hm_statement_free(st);
	hm_statement_free(NULL);
}

/* More digests than fit a small fixed table: sorted order still holds. */
static void many_digests_sorted(void **state)
{
	char json[16384], *q = json;
	hm_statement *st = NULL;
	const char *alg, *hex, *prev = "";
	size_t i, n = 100;

	(void)state;
	q += sprintf(q, "{" T "," PT ",\"subject\":[{\"digest\":{");
	for (i = 0; i < n; i++) /* inserted in descending order */
		q += sprintf(q, "%s\"alg%03zu\":\"v%zu\"", i ? "," : "", n - 1 - i, n - 1 - i);
	sprintf(q, "}}]}");
	assert_hm_ok(hm_statement_parse(&st, json, strlen(json), NULL));
	assert_int_equal(hm_statement_subject_digest_count(st, 0), n);
	for (i = 0; i < n; i++) {
		char want[16];
		assert_hm_ok(hm_statement_subject_digest(st, 0, i, &alg, &hex));
		snprintf(want, sizeof(want), "alg%03zu", i);
		assert_string_equal(alg, want);
		assert_true(strcmp(prev, alg) < 0);
		prev = alg;
	}
	hm_statement_free(st);
}

static void canonical_form_is_deterministic(void **state)
{
	static const char a[] =
		"{\n  \"predicateType\": \"https://example.com/p/v1\",\n  \"subject\": [ { \"name\": "
		"\"m\", \"digest\": { \"sha256\": \"" SHA256_A "\", \"md5\": "
		"\"d41d8cd98f00b204e9800998ecf8427e\" } } ],\n  \"predicate\": { \"z\": [3, 2, 1], "
		"\"b\": { \"y\": \"\\u00e9\", \"x\": 1.5 } },\n  \"_type\": "
		"\"https://in-toto.io/Statement/v1\"\n}\n";
	static const char b[] =
		"{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicate\":{\"b\":{\"x\":1.5,"
		"\"y\":\"\xc3\xa9\"},\"z\":[3,2,1]},\"subject\":[{\"digest\":{\"md5\":"
		"\"d41d8cd98f00b204e9800998ecf8427e\",\"sha256\":\"" SHA256_A "\"},\"name\":\"m\"}],"
		"\"predicateType\":\"https://example.com/p/v1\"}";
	static const char want[] =
		"{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicate\":{\"b\":{\"x\":1.5,"
		"\"y\":\"\xc3\xa9\"},\"z\":[3,2,1]},\"predicateType\":\"https://example.com/p/v1\","
		"\"subject\":[{\"digest\":{\"md5\":\"d41d8cd98f00b204e9800998ecf8427e\",\"sha256\":\""
		SHA256_A "\"},\"name\":\"m\"}]}";
	hm_statement *sa = NULL, *sb = NULL, *sc = NULL;
	char *ca, *cb, *cc;
	size_t la, lb, lc;

	(void)state;
	assert_hm_ok(hm_statement_parse(&sa, a, strlen(a), NULL));
	assert_hm_ok(hm_statement_parse(&sb, b, strlen(b), NULL));
	assert_hm_ok(hm_statement_canonical(&ca, &la, sa));
	assert_hm_ok(hm_statement_canonical(&cb, &lb, sb));
	/* sorted keys, no whitespace, UTF-8 as is, array order kept */
	assert_string_equal(ca, want);
	assert_int_equal(la, strlen(want));
	assert_int_equal(la, lb);
	assert_memory_equal(ca, cb, la);
	/* canonical of the canonical is itself */
	assert_hm_ok(hm_statement_parse(&sc, ca, la, NULL));
	assert_hm_ok(hm_statement_canonical(&cc, &lc, sc));
	assert_string_equal(cc, ca);
	hm_free(ca);
	hm_free(cb);
	hm_free(cc);
	hm_statement_free(sa);
	hm_statement_free(sb);
	hm_statement_free(sc);
}

#define RES(n, extra) "{\"name\":\"" n "\",\"algorithm\":\"sha256\",\"digest\":\"" SHA256_A "\"" extra "}"
#define OMS_PRED(res) ",\"predicate\":{\"serialization\":{\"method\":\"files\",\"hash_type\":" \
	"\"sha256\"},\"resources\":[" res "],\"z\":1}"

/* The message jansson's parse of json gives (what a statement that fails to read must say). */
static void jansson_message(char *buf, size_t size, const char *json)
{
	json_t *root = NULL;

	assert_int_equal(hm__json_parse(&root, json, strlen(json), "st.json"), HM_EFORMAT);
	snprintf(buf, size, "%s", hm_error_last());
}

/*
 * A manifest's resources are held lean, and read back (JSON, canonical form)
 * as jansson reads them; whatever the lean reader refuses fails with
 * jansson's own message.
 */
static void manifest_resources_lean(void **state)
{
	const char *json = "{" T "," SUBJ "," PT OMS_PRED(
		RES("a.bin", "") ",{\"digest\":\"" SHA256_A "\",\"name\":\"d/\\u00e9\\/x\","
		"\"algorithm\":\"sha256\"}," RES("c", "")) "}";
	const char *refused[] = {
		"{" T "," SUBJ "," PT OMS_PRED(RES("a", ",\"name\":\"b\"")) "}",
		"{" T "," SUBJ "," PT ",\"predicate\":{\"resources\":[" RES("a", "") "],"
		"\"resources\":[]}}",
		"{" T "," SUBJ "," PT ",\"predicate\":{\"resources\":[],\"resources\":[]}}",
		"{" T "," SUBJ "," PT OMS_PRED(RES("a\\u0000", "")) "}",
		"{" T "," SUBJ "," PT OMS_PRED(RES("a", "")) "} x",
		"{" T "," SUBJ "," PT OMS_PRED(RES("\\ud800", "")) "}",
	};
	hm_statement *st = NULL;
	json_t *ref;
	char *canon = NULL, *want, msg[512];
	size_t len, i;

	(void)state;
	assert_int_equal(parse(&st, json), 0);
	assert_non_null(hm__statement_resources(st));
	assert_int_equal(hm__lres_count(hm__statement_resources(st)), 3);
	assert_string_equal(hm__lres_items(hm__statement_resources(st))[1].name, "d/\xc3\xa9/x");
	assert_true(json_is_null(json_object_get(json_object_get(hm__statement_json_lean(st),
								 "predicate"), "resources")));
	ref = json_loads(json, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(ref);
	assert_int_equal(hm_statement_canonical(&canon, &len, st), 0);
	want = hm__json_canonical(ref, NULL);
	assert_string_equal(canon, want);
	assert_true(json_equal((json_t *)hm__statement_json(st), ref));
	free(want);
	hm_free(canon);
	json_decref(ref);
	hm_statement_free(st);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		jansson_message(msg, sizeof(msg), refused[i]);
		bad(refused[i], HM_EFORMAT, msg);
	}
}

/*
 * A lean resource keeps its digest as 32 bytes; a digest that is not 64
 * lowercase hex digits is left in the JSON, as written, for the manifest
 * check to name.
 */
static void lean_digests_are_bytes(void **state)
{
	const char *upper = "{" T "," SUBJ "," PT OMS_PRED(
		RES("a", "") ",{\"name\":\"b\",\"algorithm\":\"sha256\",\"digest\":\"ABCD\"}") "}";
	const char *lower = "{" T "," SUBJ "," PT OMS_PRED(RES("a", "")) "}";
	hm_statement *st = NULL;
	const struct hm__lres_list *l;
	unsigned char want[32];
	json_t *res;

	(void)state;
	assert_int_equal(parse(&st, lower), 0);
	assert_non_null(l = hm__statement_resources(st));
	assert_int_equal(hm__lres_count(l), 1);
	assert_string_equal(hm__lres_alg(l, &hm__lres_items(l)[0]), "sha256");
	assert_int_equal(hm__hex_decode(want, 32, SHA256_A), 0);
	assert_memory_equal(hm__lres_digest(hm__lres_items(l)[0].name), want, 32);
	hm_statement_free(st);
	assert_int_equal(parse(&st, upper), 0);
	assert_null(hm__statement_resources(st));
	res = json_object_get(json_object_get(hm__statement_json_lean(st), "predicate"),
			      "resources");
	assert_int_equal(json_array_size(res), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(res, 1), "digest")),
			    "ABCD");
	hm_statement_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(minimal_statement_passes),
		cmocka_unit_test(type_rule),
		cmocka_unit_test(subject_rule),
		cmocka_unit_test(digest_rule),
		cmocka_unit_test(digest_value_table),
		cmocka_unit_test(predicate_type_rule),
		cmocka_unit_test(predicate_rule),
		cmocka_unit_test(json_rules),
		cmocka_unit_test(accessors),
		cmocka_unit_test(many_digests_sorted),
		cmocka_unit_test(canonical_form_is_deterministic),
		cmocka_unit_test(manifest_resources_lean),
		cmocka_unit_test(lean_digests_are_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
