/*
 * Bundles (JSON Lines of envelopes): parsing, atomic appends, signing
 * statements into lines, opening verified attestations, Sigstore bundles.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <signal.h>
#include <sys/resource.h>

#include "testutil.h"
#include "testcrypto.h"
#include "internal.h"

#define SHA256_A "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
static const char STATEMENT[] =
	"{\"_type\":\"https://in-toto.io/Statement/v1\",\n"
	" \"subject\":[{\"name\":\"model\",\"digest\":{\"sha256\":\"" SHA256_A "\"}}],\n"
	" \"predicateType\":\"https://example.com/eval/v1\",\"predicate\":{\"score\":1.05}}\n";

static void expect_lines(const hm_bundle *b, const char *const *want, size_t n)
{
	size_t i, len;

	assert_int_equal(hm_bundle_line_count(b), n);
	for (i = 0; i < n; i++) {
		const char *l = hm_bundle_line(b, i, &len);
		assert_non_null(l);
		assert_int_equal(len, strlen(want[i]));
		assert_memory_equal(l, want[i], len);
	}
	assert_null(hm_bundle_line(b, n, &len));
}

static void parse_splits_lines(void **state)
{
	static const char *const ab[] = { "a", "bc" };
	static const char *const empty_first[] = { "", "x" };
	static const char *const one_empty[] = { "" };
	static const char *const three[] = { "a", "", "b" };
	hm_bundle *b = NULL;

	(void)state;
	assert_hm_ok(hm_bundle_parse(&b, "a\nbc\n", 5));
	expect_lines(b, ab, 2);
	hm_bundle_free(b);
	assert_hm_ok(hm_bundle_parse(&b, "a\nbc", 4)); /* no final newline */
	expect_lines(b, ab, 2);
	hm_bundle_free(b);
	assert_hm_ok(hm_bundle_parse(&b, "a\r\nbc\r\n", 7)); /* CRLF */
	expect_lines(b, ab, 2);
	hm_bundle_free(b);
	assert_hm_ok(hm_bundle_parse(&b, "", 0));
	expect_lines(b, NULL, 0);
	hm_bundle_free(b);
	assert_hm_ok(hm_bundle_parse(&b, NULL, 0)); /* no data at all */
	expect_lines(b, NULL, 0);
	hm_bundle_free(b);
	assert_hm_ok(hm_bundle_parse(&b, "\n", 1));
	expect_lines(b, one_empty, 1);
	hm_bundle_free(b);
	assert_hm_ok(hm_bundle_parse(&b, "\nx\n", 3));
	expect_lines(b, empty_first, 2);
	hm_bundle_free(b);
	assert_hm_ok(hm_bundle_parse(&b, "a\n\nb", 4));
	expect_lines(b, three, 3);
	hm_bundle_free(b);
	/* the length counts, not a NUL: data after a NUL byte is kept */
	assert_hm_ok(hm_bundle_parse(&b, "a\0b\nc", 5));
	{
		size_t len;
		assert_int_equal(hm_bundle_line_count(b), 2);
		assert_non_null(hm_bundle_line(b, 0, &len));
		assert_int_equal(len, 3);
	}
	hm_bundle_free(b);
	hm_bundle_free(NULL);
}

static void many_lines(void **state)
{
	char *data = malloc(100000), *p = data;
	hm_bundle *b = NULL;
	size_t i, len;

	(void)state;
	for (i = 0; i < 10000; i++)
		p += sprintf(p, "%zu\n", i);
	assert_hm_ok(hm_bundle_parse(&b, data, (size_t)(p - data)));
	assert_int_equal(hm_bundle_line_count(b), 10000);
	assert_memory_equal(hm_bundle_line(b, 9999, &len), "9999", 4);
	assert_int_equal(len, 4);
	hm_bundle_free(b);
	free(data);
}

static void append_creates_and_appends(void **state)
{
	static const char *const want[] = { "one", "two", "three", "four" };
	char *dir = tu_tmpdir(), *text;
	const char *path = tu_path(dir, "b.intoto.jsonl");
	const char *l1[] = { "one", "two" }, *l2[] = { "three", "four" };
	size_t n1[] = { 3, 3 }, n2[] = { 5, 4 };
	hm_bundle *b = NULL;

	(void)state;
	assert_hm_ok(hm_bundle_append(path, l1, n1, 2));
	text = tu_read(path, NULL);
	assert_string_equal(text, "one\ntwo\n");
	free(text);
	assert_hm_ok(hm_bundle_append(path, l2, n2, 2));
	text = tu_read(path, NULL);
	assert_string_equal(text, "one\ntwo\nthree\nfour\n");
	free(text);
	assert_hm_ok(hm_bundle_load(&b, path));
	expect_lines(b, want, 4);
	hm_bundle_free(b);
	assert_int_equal(tu_entries(dir), 1);

	/* a file without a final newline gets one before the new line */
	tu_write(path, "x", 1);
	assert_hm_ok(hm_bundle_append(path, l1, n1, 1));
	text = tu_read(path, NULL);
	assert_string_equal(text, "x\none\n");
	free(text);
	tc_cleanup(dir);
}

static void append_refuses_newlines_and_keeps_the_file(void **state)
{
	char *dir = tu_tmpdir(), *text;
	const char *path = tu_path(dir, "b.jsonl");
	const char *lines[] = { "ok", "bad\nline" };
	size_t lens[] = { 2, 8 };

	(void)state;
	tu_write(path, "old\n", 4);
	assert_hm_err(hm_bundle_append(path, lines, lens, 2), HM_EINVAL, "may not contain a newline");
	text = tu_read(path, NULL);
	assert_string_equal(text, "old\n");
	free(text);
	assert_int_equal(tu_entries(dir), 1);
	tc_cleanup(dir);
}

static void append_failure_leaves_old_file_intact(void **state)
{
	char *dir = tu_tmpdir(), *text, *big;
	const char *path = tu_path(dir, "b.jsonl");
	const char *lines[1];
	size_t lens[1];
	struct rlimit old, small;
	void (*prev)(int);
	int rc;

	(void)state;
	/* a directory that does not exist */
	lines[0] = "x";
	lens[0] = 1;
	assert_hm_err(hm_bundle_append(tu_path(dir, "nodir/b.jsonl"), lines, lens, 1), HM_EIO,
		      "cannot create a temporary file");

	/* a write that fails half-way (file size limit): the old bundle is untouched */
	tu_write(path, "old line\n", 9);
	big = malloc(1 << 20);
	memset(big, 'y', 1 << 20);
	lines[0] = big;
	lens[0] = 1 << 20;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 65536;
	prev = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	rc = hm_bundle_append(path, lines, lens, 1);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, prev);
	assert_int_equal(rc, HM_EIO);
	assert_non_null(strstr(hm_error_last(), "write failed"));
	text = tu_read(path, NULL);
	assert_string_equal(text, "old line\n");
	free(text);
	assert_int_equal(tu_entries(dir), 1); /* the temporary file is gone */

	/* a read-only directory (root ignores permissions: only as a normal user) */
	if (geteuid() != 0) {
		assert_int_equal(chmod(dir, 0555), 0);
		lines[0] = "x";
		lens[0] = 1;
		assert_hm_err(hm_bundle_append(path, lines, lens, 1), HM_EIO,
			      "cannot create a temporary file");
		assert_int_equal(chmod(dir, 0755), 0);
		text = tu_read(path, NULL);
		assert_string_equal(text, "old line\n");
		free(text);
	}
	/* a bundle path that is a directory */
	assert_hm_err(hm_bundle_append(dir, lines, lens, 1), HM_EIO, "is a directory");
	free(big);
	tc_cleanup(dir);
}

static void load_errors(void **state)
{
	char *dir = tu_tmpdir();
	hm_bundle *b = (hm_bundle *)1;

	(void)state;
	assert_hm_err(hm_bundle_load(&b, tu_path(dir, "none.jsonl")), HM_ENOTFOUND, "none.jsonl");
	assert_null(b);
	tc_cleanup(dir);
}

/* --- signing and opening ------------------------------------------------ */

static void sign_then_open(void **state)
{
	hm_key *k = tc_key(1), *other = tc_key(2);
	hm_keyring *kr = NULL, *wrong = NULL;
	hm_attestation *att = NULL;
	const hm_statement *st;
	char *line;
	size_t len, plen;
	const unsigned char *payload;
	char *canon;
	hm_statement *orig = NULL;

	(void)state;
	assert_hm_ok(hm_sign_statement(&line, &len, STATEMENT, strlen(STATEMENT), "st.json", k));
	assert_int_equal(len, strlen(line));
	assert_null(strchr(line, '\n'));
	assert_hm_ok(hm_keyring_new(&kr));
	assert_hm_ok(hm_keyring_add(kr, k));
	assert_hm_ok(hm_attestation_open(&att, line, len, kr, 1));
	st = hm_attestation_statement(att);
	assert_string_equal(hm_statement_predicate_type(st), "https://example.com/eval/v1");
	assert_string_equal(hm_statement_subject_digest_get(st, 0, "sha256"), SHA256_A);
	assert_int_equal(hm_attestation_signer_count(att), 1);
	assert_string_equal(hm_attestation_signer(att, 0), hm_key_id(k));
	assert_null(hm_attestation_signer(att, 1));
	/* the payload is the canonical statement, in-toto typed */
	assert_string_equal(hm_envelope_payload_type(hm_attestation_envelope(att)),
			    HM_INTOTO_PAYLOAD_TYPE);
	payload = hm_envelope_payload(hm_attestation_envelope(att), &plen);
	assert_hm_ok(hm_statement_parse(&orig, STATEMENT, strlen(STATEMENT), NULL));
	assert_hm_ok(hm_statement_canonical(&canon, NULL, orig));
	assert_int_equal(plen, strlen(canon));
	assert_memory_equal(payload, canon, plen);
	hm_free(canon);
	hm_statement_free(orig);
	hm_attestation_free(att);
	att = (hm_attestation *)1;

	/* untrusted signer, or more signers required than there are */
	assert_hm_ok(hm_keyring_new(&wrong));
	assert_hm_ok(hm_keyring_add(wrong, other));
	assert_hm_err(hm_attestation_open(&att, line, len, wrong, 1), HM_EVERIFY,
		      "no trusted key verifies");
	assert_null(att);
	assert_hm_ok(hm_keyring_add(wrong, k));
	assert_hm_err(hm_attestation_open(&att, line, len, wrong, 2), HM_EVERIFY,
		      "only 1 of the 2 required");
	assert_null(att);
	/* garbage and truncated lines */
	assert_hm_err(hm_attestation_open(&att, "garbage", 7, kr, 1), HM_EFORMAT, "invalid JSON");
	assert_hm_err(hm_attestation_open(&att, line, len - 1, kr, 1), HM_EFORMAT, "invalid JSON");
	assert_null(att);
	hm_attestation_free(NULL);
	hm_free(line);
	hm_keyring_free(kr);
	hm_keyring_free(wrong);
	hm_key_free(k);
	hm_key_free(other);
}

static void sign_rejects_invalid_statements(void **state)
{
	hm_key *k = tc_key(3), *pub = NULL;
	char *line = (char *)1;
	size_t len = 99;

	(void)state;
	assert_hm_err(hm_sign_statement(&line, &len, "{}", 2, "st.json", k), HM_EFORMAT,
		      "st.json: statement has no \"_type\"");
	assert_null(line);
	assert_hm_err(hm_sign_statement(&line, &len, "{", 1, "st.json", k), HM_EFORMAT,
		      "invalid JSON");
	assert_null(line);
	assert_hm_ok(hm_key_from_public(&pub, hm_key_public_bytes(k)));
	assert_hm_err(hm_sign_statement(&line, &len, STATEMENT, strlen(STATEMENT), NULL, pub),
		      HM_EINVAL, "no secret half");
	assert_null(line);
	hm_key_free(pub);
	hm_key_free(k);
}

/* An envelope signed by k over any payload and type (bypassing statement checks). */
static char *signed_line(const hm_key *k, const char *ptype, const char *payload)
{
	hm_envelope *env = NULL;
	char *line;

	assert_hm_ok(hm_envelope_new(&env, ptype, (const unsigned char *)payload, strlen(payload)));
	assert_hm_ok(hm_envelope_sign(env, k));
	assert_hm_ok(hm_envelope_serialize(&line, NULL, env));
	hm_envelope_free(env);
	return line;
}

/* line with its payload and signatures in URL-safe base64 without padding */
static char *respelled(const char *line)
{
	json_t *j = json_loads(line, 0, NULL), *sigs, *sg;
	char *out;
	size_t i;

	assert_non_null(j);
	for (i = 0; i < 2; i++) {
		json_t *o = j;
		const char *key = "payload";
		if (i == 1) {
			sigs = json_object_get(j, "signatures");
			sg = json_array_get(sigs, 0);
			o = sg;
			key = "sig";
		}
		{
			char *v = strdup(json_string_value(json_object_get(o, key))), *p;
			for (p = v; *p; p++)
				*p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
			while (p > v && p[-1] == '=')
				*--p = '\0';
			json_object_set_new(o, key, json_string(v));
			free(v);
		}
	}
	out = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return out;
}

static void append_envelopes_checks_and_deduplicates(void **state)
{
	hm_key *k = tc_key(8), *k2 = tc_key(9);
	char *dir = tu_tmpdir(), *a = signed_line(k, "text/plain", "a"),
	     *b = signed_line(k, "text/plain", "b"), *a2 = signed_line(k2, "text/plain", "a"),
	     *ra = respelled(a), *text;
	const char *path = tu_path(dir, "b.jsonl");
	const char *lines[4];
	size_t lens[4];
	int skipped[4];

	(void)state;
	/* a new bundle: the second "a" in the same call is the same envelope */
	lines[0] = a, lines[1] = b, lines[2] = a;
	lens[0] = strlen(a), lens[1] = strlen(b), lens[2] = strlen(a);
	assert_hm_ok(hm_bundle_append_envelopes(skipped, path, lines, lens, 3));
	assert_int_equal(skipped[0], 0);
	assert_int_equal(skipped[1], 0);
	assert_int_equal(skipped[2], 1);
	text = tu_read(path, NULL);
	assert_int_equal(strlen(text), strlen(a) + strlen(b) + 2);
	free(text);

	/* another spelling of "a" is already there; "a" signed by another key is not */
	lines[0] = ra, lines[1] = a2;
	lens[0] = strlen(ra), lens[1] = strlen(a2);
	assert_hm_ok(hm_bundle_append_envelopes(skipped, path, lines, lens, 2));
	assert_int_equal(skipped[0], 1);
	assert_int_equal(skipped[1], 0);
	text = tu_read(path, NULL);
	assert_int_equal(strlen(text), strlen(a) + strlen(b) + strlen(a2) + 3);
	free(text);

	/* a file with a line that is not an envelope is not a bundle: untouched */
	tu_write(path, "{\"payload\":\"\"}\n", 15);
	lines[0] = b;
	lens[0] = strlen(b);
	assert_hm_err(hm_bundle_append_envelopes(NULL, path, lines, lens, 1), HM_EFORMAT,
		      "line 1 is not a DSSE envelope");
	assert_non_null(strstr(hm_error_last(), "b.jsonl"));
	text = tu_read(path, NULL);
	assert_string_equal(text, "{\"payload\":\"\"}\n");
	free(text);
	/* nor may a line to append be anything else */
	lines[0] = "not json";
	lens[0] = 8;
	tu_write(path, "", 0);
	assert_hm_err(hm_bundle_append_envelopes(NULL, path, lines, lens, 1), HM_EFORMAT,
		      "line 1 to append is not a DSSE envelope");
	/* an empty file is a bundle without lines */
	lines[0] = b;
	lens[0] = strlen(b);
	assert_hm_ok(hm_bundle_append_envelopes(NULL, path, lines, lens, 1));
	assert_int_equal(tu_entries(dir), 1);
	hm_free(a);
	hm_free(b);
	hm_free(a2);
	free(ra);
	hm_key_free(k);
	hm_key_free(k2);
	tc_cleanup(dir);
}

static void open_checks_type_and_payload(void **state)
{
	hm_key *k = tc_key(4);
	hm_keyring *kr = NULL;
	hm_attestation *att = (hm_attestation *)1;
	char *l;

	(void)state;
	assert_hm_ok(hm_keyring_new(&kr));
	assert_hm_ok(hm_keyring_add(kr, k));
	/* validly signed, but not in-toto */
	l = signed_line(k, "application/json", STATEMENT);
	assert_hm_err(hm_attestation_open(&att, l, strlen(l), kr, 1), HM_EVERIFY,
		      "payloadType is \"application/json\", not \"application/vnd.in-toto+json\"");
	assert_null(att);
	hm_free(l);
	/* validly signed in-toto type, but the payload is not a statement */
	l = signed_line(k, HM_INTOTO_PAYLOAD_TYPE, "{\"_type\":\"https://in-toto.io/Statement/v1\"}");
	assert_hm_err(hm_attestation_open(&att, l, strlen(l), kr, 1), HM_EFORMAT,
		      "payload: \"subject\" must be a non-empty array");
	assert_null(att);
	hm_free(l);
	l = signed_line(k, HM_INTOTO_PAYLOAD_TYPE, "not json");
	assert_hm_err(hm_attestation_open(&att, l, strlen(l), kr, 1), HM_EFORMAT,
		      "payload: invalid JSON");
	assert_null(att);
	hm_free(l);
	/* a signed payload that parses as two values is refused, not half-read */
	l = signed_line(k, HM_INTOTO_PAYLOAD_TYPE,
			"{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"digest\":"
			"{\"sha256\":\"" SHA256_A "\"}}],\"predicateType\":\"p\"}{}");
	assert_hm_err(hm_attestation_open(&att, l, strlen(l), kr, 1), HM_EFORMAT, "invalid JSON");
	hm_free(l);
	hm_keyring_free(kr);
	hm_key_free(k);
}

static void inspect_does_not_verify(void **state)
{
	hm_key *k = tc_key(5);
	hm_envelope *env = NULL;
	hm_statement *st = NULL;
	char *l;

	(void)state;
	assert_hm_ok(hm_sign_statement(&l, NULL, STATEMENT, strlen(STATEMENT), NULL, k));
	assert_hm_ok(hm_attestation_inspect(&env, &st, l, strlen(l)));
	assert_non_null(env);
	assert_non_null(st);
	assert_string_equal(hm_statement_subject_name(st, 0), "model");
	hm_envelope_free(env);
	hm_statement_free(st);
	hm_free(l);
	/* another payload type: the envelope, no statement */
	l = signed_line(k, "text/plain", "hi");
	assert_hm_ok(hm_attestation_inspect(&env, &st, l, strlen(l)));
	assert_non_null(env);
	assert_null(st);
	hm_envelope_free(env);
	hm_free(l);
	assert_hm_err(hm_attestation_inspect(&env, &st, "{", 1), HM_EFORMAT, "invalid JSON");
	assert_null(env);
	assert_null(st);
	hm_key_free(k);
}

static void bundle_of_signed_lines_round_trips(void **state)
{
	hm_key *k = tc_key(6);
	hm_keyring *kr = NULL;
	char *dir = tu_tmpdir(), *l1, *l2;
	const char *path = tu_path(dir, "b.intoto.jsonl");
	const char *lines[2];
	size_t lens[2], i, len;
	hm_bundle *b = NULL;

	(void)state;
	assert_hm_ok(hm_keyring_new(&kr));
	assert_hm_ok(hm_keyring_add(kr, k));
	assert_hm_ok(hm_sign_statement(&l1, &lens[0], STATEMENT, strlen(STATEMENT), NULL, k));
	l2 = signed_line(k, "text/plain", "not an attestation");
	lines[0] = l1;
	lines[1] = l2;
	lens[1] = strlen(l2);
	assert_hm_ok(hm_bundle_append(path, lines, lens, 2));
	assert_hm_ok(hm_bundle_load(&b, path));
	assert_int_equal(hm_bundle_line_count(b), 2);
	for (i = 0; i < 2; i++) {
		const char *l = hm_bundle_line(b, i, &len);
		hm_attestation *att = NULL;
		assert_int_equal(len, lens[i]);
		assert_memory_equal(l, lines[i], len);
		if (i == 0)
			assert_hm_ok(hm_attestation_open(&att, l, len, kr, 1));
		else
			assert_hm_err(hm_attestation_open(&att, l, len, kr, 1), HM_EVERIFY,
				      "payloadType");
		hm_attestation_free(att);
	}
	hm_bundle_free(b);
	hm_free(l1);
	hm_free(l2);
	hm_keyring_free(kr);
	hm_key_free(k);
	tc_cleanup(dir);
}

/* --- Sigstore bundle ------------------------------------------------------ */

static const char *hint_of(const json_t *j)
{
	const json_t *vm = json_object_get(j, "verificationMaterial");

	return json_string_value(json_object_get(json_object_get(vm, "publicKey"), "hint"));
}

static void sigstore_bundle_shape(void **state)
{
	hm_key *k = tc_key(7), *k2 = tc_key(8);
	hm_keyring *kr = NULL;
	hm_envelope *env = NULL, *inner = NULL;
	char *line, *out, *inner_text;
	json_t *j, *de, *sigs;
	json_error_t e;

	(void)state;
	assert_hm_ok(hm_sign_statement(&line, NULL, STATEMENT, strlen(STATEMENT), NULL, k));
	assert_hm_ok(hm_envelope_parse(&env, line, strlen(line)));
	assert_hm_ok(hm_sigstore_bundle(&out, env, NULL));
	j = json_loads(out, JSON_REJECT_DUPLICATES, &e);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "mediaType")),
			    "application/vnd.dev.sigstore.bundle.v0.3+json");
	assert_string_equal(hint_of(j),
			    hm_key_id(k));
	assert_true(json_is_array(json_object_get(json_object_get(j, "verificationMaterial"),
						  "tlogEntries")));
	de = json_object_get(j, "dsseEnvelope");
	sigs = json_object_get(de, "signatures");
	assert_int_equal(json_array_size(sigs), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(sigs, 0), "keyid")),
			    hm_key_id(k));
	assert_string_equal(json_string_value(json_object_get(de, "payloadType")),
			    HM_INTOTO_PAYLOAD_TYPE);
	/* the embedded envelope is the same signed envelope and still verifies */
	inner_text = json_dumps(de, JSON_COMPACT);
	assert_hm_ok(hm_envelope_parse(&inner, inner_text, strlen(inner_text)));
	assert_hm_ok(hm_keyring_new(&kr));
	assert_hm_ok(hm_keyring_add(kr, k));
	assert_hm_ok(hm_envelope_verify(inner, kr, 1, NULL));
	free(inner_text);
	hm_envelope_free(inner);
	json_decref(j);
	hm_free(out);

	/* two signatures: one must be chosen by keyid */
	assert_hm_ok(hm_envelope_sign(env, k2));
	assert_hm_err(hm_sigstore_bundle(&out, env, NULL), HM_EINVAL, "exactly one signature");
	assert_null(out);
	assert_hm_ok(hm_sigstore_bundle(&out, env, hm_key_id(k2)));
	j = json_loads(out, 0, &e);
	sigs = json_object_get(json_object_get(j, "dsseEnvelope"), "signatures");
	assert_int_equal(json_array_size(sigs), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(sigs, 0), "keyid")),
			    hm_key_id(k2));
	assert_string_equal(hint_of(j),
			    hm_key_id(k2));
	json_decref(j);
	hm_free(out);
	assert_hm_err(hm_sigstore_bundle(&out, env, "feed"), HM_ENOTFOUND, "no signature with keyid");
	hm_envelope_free(env);
	hm_free(line);

	/* a signature without keyid has no hint to give */
	{
		unsigned char sig[64];
		char *p = hm__b64_encode((const unsigned char *)"{}", 2), *s, buf[512];
		memset(sig, 1, 64);
		s = hm__b64_encode(sig, 64);
		snprintf(buf, sizeof(buf), "{\"payload\":\"%s\",\"payloadType\":\"t\",\"signatures\":"
			 "[{\"sig\":\"%s\"}]}", p, s);
		assert_hm_ok(hm_envelope_parse(&env, buf, strlen(buf)));
		assert_hm_err(hm_sigstore_bundle(&out, env, NULL), HM_EINVAL, "no keyid");
		hm_envelope_free(env);
		free(p);
		free(s);
	}
	hm_keyring_free(kr);
	hm_key_free(k);
	hm_key_free(k2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_splits_lines),
		cmocka_unit_test(many_lines),
		cmocka_unit_test(append_creates_and_appends),
		cmocka_unit_test(append_refuses_newlines_and_keeps_the_file),
		cmocka_unit_test(append_failure_leaves_old_file_intact),
		cmocka_unit_test(load_errors),
		cmocka_unit_test(sign_then_open),
		cmocka_unit_test(sign_rejects_invalid_statements),
		cmocka_unit_test(append_envelopes_checks_and_deduplicates),
		cmocka_unit_test(open_checks_type_and_payload),
		cmocka_unit_test(inspect_does_not_verify),
		cmocka_unit_test(bundle_of_signed_lines_round_trips),
		cmocka_unit_test(sigstore_bundle_shape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
