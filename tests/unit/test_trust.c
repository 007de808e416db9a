/*
 * The trust layer: every line of a bundle checked by the one decision
 * (hm_trusted_bundle_open), each line's outcome and reason: a trusted model
 * line, an audit signed only by the publisher when auditor keys are given,
 * an audit signed by the auditor, an unsigned line, a malformed line, an
 * empty line and a signed payload that is not an in-toto statement; the
 * bundle-check report built from them; and the one label table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "testutil.h"
#include "testcrypto.h"
#include "internal.h"

#define SHA_MODEL "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static char *statement(const char *ptype)
{
	char *s = NULL;

	assert_true(asprintf(&s,
			     "{\"_type\":\"https://in-toto.io/Statement/v1\","
			     "\"subject\":[{\"name\":\"acme/tuned\",\"digest\":{\"sha256\":\"%s\"}}],"
			     "\"predicateType\":\"%s\",\"predicate\":{}}",
			     SHA_MODEL, ptype) > 0);
	return s;
}

/* A bundle line: the statement of ptype signed by key. */
static char *signed_line(const char *ptype, const hm_key *key)
{
	char *st = statement(ptype), *line = NULL, *copy;
	size_t len;

	assert_hm_ok(hm_sign_statement(&line, &len, st, strlen(st), "statement", key));
	free(st);
	copy = strndup(line, len);
	hm_free(line);
	return copy;
}

/* An envelope of payloadType type holding payload, signed by key (NULL: unsigned). */
static char *envelope_line(const char *type, const char *payload, const hm_key *key)
{
	hm_envelope *env = NULL;
	char *out = NULL, *copy;
	size_t len;

	assert_hm_ok(hm_envelope_new(&env, type, (const unsigned char *)payload, strlen(payload)));
	if (key)
		assert_hm_ok(hm_envelope_sign(env, key));
	assert_hm_ok(hm_envelope_serialize(&out, &len, env));
	hm_envelope_free(env);
	copy = strndup(out, len);
	hm_free(out);
	return copy;
}

struct fixture {
	hm_key *publisher, *auditor;
	hm_keyring *keys, *auditors;
	hm_bundle *bundle;
};

/*
 * Line 1: a model manifest signed by the publisher; 2: an audit signed only
 * by the publisher; 3: an audit signed by the auditor; 4: an unsigned
 * statement; 5: not JSON; 6: empty; 7: a payload that is not in-toto,
 * signed by the publisher.
 */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char *lines[7], *text;
	size_t i, n = 0;

	assert_non_null(f);
	f->publisher = tc_key(1);
	f->auditor = tc_key(2);
	assert_hm_ok(hm_keyring_new(&f->keys));
	assert_hm_ok(hm_keyring_add(f->keys, f->publisher));
	assert_hm_ok(hm_keyring_new(&f->auditors));
	assert_hm_ok(hm_keyring_add(f->auditors, f->auditor));
	lines[0] = signed_line(HM_OMS_PREDICATE_TYPE, f->publisher);
	lines[1] = signed_line(HM_AUDIT_PREDICATE_TYPE, f->publisher);
	lines[2] = signed_line(HM_AUDIT_PREDICATE_TYPE, f->auditor);
	{
		char *st = statement(HM_DATASET_PREDICATE_TYPE);
		lines[3] = envelope_line("application/vnd.in-toto+json", st, NULL);
		free(st);
	}
	lines[4] = strdup("this is not an envelope");
	lines[5] = strdup("");
	lines[6] = envelope_line("text/plain", "hello", f->publisher);
	for (i = 0; i < 7; i++)
		n += strlen(lines[i]) + 1;
	text = calloc(n + 1, 1);
	assert_non_null(text);
	for (i = 0; i < 7; i++) {
		strcat(text, lines[i]);
		strcat(text, "\n");
		free(lines[i]);
	}
	assert_hm_ok(hm_bundle_parse(&f->bundle, text, strlen(text)));
	free(text);
	assert_int_equal(hm_bundle_line_count(f->bundle), 7);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	hm_bundle_free(f->bundle);
	hm_keyring_free(f->keys);
	hm_keyring_free(f->auditors);
	hm_key_free(f->publisher);
	hm_key_free(f->auditor);
	free(f);
	return 0;
}

static hm_trusted_bundle *open_with(struct fixture *f, int with_auditors)
{
	hm_trust_options o = HM_TRUST_OPTIONS_INIT;
	hm_trusted_bundle *tb = NULL;

	o.keys = f->keys;
	o.auditor_keys = with_auditors ? f->auditors : NULL;
	assert_hm_ok(hm_trusted_bundle_open(&tb, f->bundle, &o));
	assert_non_null(tb);
	return tb;
}

static void every_line_has_its_outcome_and_reason(void **state)
{
	struct fixture *f = *state;
	hm_trusted_bundle *tb = open_with(f, 1);
	const hm_trusted_line *l;

	assert_int_equal(hm_trusted_bundle_line_count(tb), 7);
	assert_int_equal(hm_trusted_bundle_trusted_count(tb), 2);
	assert_false(hm_trusted_bundle_ok(tb));
	assert_true(hm_trusted_bundle_own_auditors(tb));
	assert_int_equal(hm_trusted_bundle_threshold(tb), 1);

	/* 1: the model line, trusted, signed by the publisher */
	l = hm_trusted_bundle_line(tb, 0);
	assert_int_equal(l->line, 1);
	assert_int_equal(l->outcome, HM_LINE_TRUSTED);
	assert_int_equal(l->error, 0);
	assert_null(l->reason);
	assert_non_null(l->attestation);
	assert_string_equal(l->predicate_type, HM_OMS_PREDICATE_TYPE);
	assert_string_equal(l->label, "model manifest");
	assert_false(l->is_audit);
	assert_int_equal(l->nsigners, 1);
	assert_string_equal(l->signers[0], hm_key_id(f->publisher));
	assert_true(l->publisher_signed);

	/* 2: an audit signed only by the publisher is checked against the auditor keys: refused */
	l = hm_trusted_bundle_line(tb, 1);
	assert_int_equal(l->outcome, HM_LINE_UNTRUSTED);
	assert_int_equal(l->error, HM_EVERIFY);
	assert_null(l->attestation);
	assert_true(l->is_audit);
	assert_string_equal(l->predicate_type, HM_AUDIT_PREDICATE_TYPE);
	assert_string_equal(l->label, "safety audit");
	assert_non_null(strstr(l->reason, "no trusted key verifies"));
	assert_int_equal(l->nsigners, 0);
	assert_int_equal(l->nkeyids, 1); /* who did sign it, unverified, for the message */
	assert_string_equal(l->keyids[0], hm_key_id(f->publisher));
	/* the reason names the full key id that signed, and the trusted ones */
	{
		char want[400];
		snprintf(want, sizeof(want), "; signed with key id %s (the envelope's unverified "
			 "keyid hint; not among the trusted keys: %s)", hm_key_id(f->publisher),
			 hm_key_id(f->auditor));
		assert_non_null(strstr(l->reason, want));
	}

	/* 3: the auditor's audit, trusted, not by a publisher key */
	l = hm_trusted_bundle_line(tb, 2);
	assert_int_equal(l->outcome, HM_LINE_TRUSTED);
	assert_true(l->is_audit);
	assert_string_equal(l->signers[0], hm_key_id(f->auditor));
	assert_false(l->publisher_signed);

	/* 4: unsigned */
	l = hm_trusted_bundle_line(tb, 3);
	assert_int_equal(l->outcome, HM_LINE_UNSIGNED);
	assert_null(l->attestation);
	assert_string_equal(l->label, "dataset"); /* as the line claims */
	assert_non_null(strstr(l->reason, "unsigned"));
	assert_int_equal(l->nkeyids, 0);

	/* 5: not an envelope */
	l = hm_trusted_bundle_line(tb, 4);
	assert_int_equal(l->outcome, HM_LINE_MALFORMED);
	assert_int_equal(l->error, HM_EFORMAT);
	assert_null(l->predicate_type);
	assert_null(l->label);
	assert_non_null(l->reason);

	/* 6: empty */
	l = hm_trusted_bundle_line(tb, 5);
	assert_int_equal(l->outcome, HM_LINE_EMPTY);
	assert_string_equal(l->reason, "empty line");

	/* 7: signed by a trusted key, but not an in-toto statement */
	l = hm_trusted_bundle_line(tb, 6);
	assert_int_equal(l->outcome, HM_LINE_NOT_STATEMENT);
	assert_non_null(strstr(l->reason, "payloadType"));

	assert_null(hm_trusted_bundle_line(tb, 7));
	hm_trusted_bundle_free(tb);
}

static void without_auditor_keys_audits_use_the_publisher_keys(void **state)
{
	struct fixture *f = *state;
	hm_trusted_bundle *tb = open_with(f, 0);

	assert_false(hm_trusted_bundle_own_auditors(tb));
	assert_int_equal(hm_trusted_bundle_line(tb, 1)->outcome, HM_LINE_TRUSTED);
	assert_true(hm_trusted_bundle_line(tb, 1)->publisher_signed);
	assert_int_equal(hm_trusted_bundle_line(tb, 2)->outcome, HM_LINE_UNTRUSTED);
	hm_trusted_bundle_free(tb);
}

static void the_check_report_lists_every_line(void **state)
{
	struct fixture *f = *state;
	hm_trusted_bundle *tb = open_with(f, 1);
	json_t *j, *lines;
	char *out = NULL;

	assert_hm_ok(hm_trusted_bundle_json(&out, tb, "b.jsonl"));
	j = json_loads(out, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "bundle")), "b.jsonl");
	assert_int_equal(json_integer_value(json_object_get(j, "threshold")), 1);
	assert_int_equal(json_integer_value(json_object_get(j, "verified")), 2);
	assert_int_equal(json_integer_value(json_object_get(j, "failed")), 5);
	assert_true(json_is_false(json_object_get(j, "ok")));
	lines = json_object_get(j, "lines");
	assert_int_equal(json_array_size(lines), 7);
	assert_true(json_is_true(json_object_get(json_array_get(lines, 0), "ok")));
	assert_string_equal(json_string_value(json_array_get(
				    json_object_get(json_array_get(lines, 0), "signers"), 0)),
			    hm_key_id(f->publisher));
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(json_array_get(json_object_get(
							    json_array_get(lines, 0), "subjects"), 0),
						    "digest"), "sha256")), SHA_MODEL);
	assert_string_equal(json_string_value(json_object_get(json_array_get(lines, 5), "reason")),
			    "empty line");
	/* a refused line's keyid hints: who claims to have signed it */
	assert_string_equal(json_string_value(json_array_get(
				    json_object_get(json_array_get(lines, 1), "keyid_hints"), 0)),
			    hm_key_id(f->publisher));
	assert_int_equal(json_array_size(json_object_get(json_array_get(lines, 3), "keyid_hints")),
			 0);
	assert_null(strchr(out, '\n'));
	json_decref(j);
	hm_free(out);
	hm_trusted_bundle_free(tb);
}

static void an_empty_bundle_fails_the_check(void **state)
{
	struct fixture *f = *state;
	hm_trust_options o = HM_TRUST_OPTIONS_INIT;
	hm_trusted_bundle *tb = NULL;
	hm_bundle *b = NULL;
	char *out = NULL;

	o.keys = f->keys;
	assert_hm_ok(hm_bundle_parse(&b, "", 0));
	assert_hm_ok(hm_trusted_bundle_open(&tb, b, &o));
	assert_false(hm_trusted_bundle_ok(tb));
	assert_hm_ok(hm_trusted_bundle_json(&out, tb, "e.jsonl"));
	assert_non_null(strstr(out, "\"verified\":0,\"failed\":1,\"ok\":false"));
	hm_free(out);
	hm_trusted_bundle_free(tb);
	hm_bundle_free(b);
}

/* A one-line bundle of text, opened against the publisher key. */
static hm_trusted_bundle *open_line(struct fixture *f, const char *line)
{
	hm_trust_options o = HM_TRUST_OPTIONS_INIT;
	hm_trusted_bundle *tb = NULL;
	hm_bundle *b = NULL;

	assert_hm_ok(hm_bundle_parse(&b, line, strlen(line)));
	o.keys = f->keys;
	assert_hm_ok(hm_trusted_bundle_open(&tb, b, &o));
	hm_bundle_free(b);
	return tb;
}

static void a_refusal_says_who_signed(void **state)
{
	struct fixture *f = *state;
	char *line = signed_line(HM_OMS_PREDICATE_TYPE, f->publisher), *p, *q;
	hm_trusted_bundle *tb;
	const char *r;

	/* the trusted key's signature, changed: the hint names a trusted key */
	p = strstr(line, "\"sig\":\"");
	assert_non_null(p);
	p += 7;
	*p = *p == 'A' ? 'B' : 'A';
	tb = open_line(f, line);
	r = hm_trusted_bundle_line(tb, 0)->reason;
	assert_non_null(strstr(r, hm_key_id(f->publisher)));
	assert_non_null(strstr(r, "it names a trusted key, but no signature verifies with it"));
	hm_trusted_bundle_free(tb);

	/* (the signature still changed) a keyid hint with control characters and no end is
	 * shown tamed and cut */
	p = strstr(line, "\"keyid\":\"");
	assert_non_null(p);
	p += 9;
	q = strchr(p, '"');
	assert_non_null(q);
	{
		char *forged = NULL;
		assert_true(asprintf(&forged, "%.*s\\u001b[2J%0200d%s", (int)(p - line), line, 7, q) >
			    0);
		tb = open_line(f, forged);
		r = hm_trusted_bundle_line(tb, 0)->reason;
		assert_null(strchr(r, 0x1b));
		assert_non_null(strstr(r, "signed with key id ?[2J000"));
		assert_non_null(strstr(r, "0... (the envelope's unverified keyid hint; not among"));
		hm_trusted_bundle_free(tb);
		free(forged);
	}

	/* (the signature still changed) no key id at all: the trusted keys are still named */
	{
		char *forged = NULL;
		assert_true(asprintf(&forged, "%.*s%s", (int)(p - line), line, q) > 0);
		tb = open_line(f, forged);
		r = hm_trusted_bundle_line(tb, 0)->reason;
		assert_non_null(strstr(r, "the signature names no key id (the trusted keys: "));
		assert_non_null(strstr(r, hm_key_id(f->publisher)));
		hm_trusted_bundle_free(tb);
		free(forged);
	}
	free(line);
}

static void bad_options_are_refused(void **state)
{
	struct fixture *f = *state;
	hm_trust_options o = HM_TRUST_OPTIONS_INIT;
	hm_trusted_bundle *tb = (hm_trusted_bundle *)1;

	assert_hm_err(hm_trusted_bundle_open(&tb, f->bundle, &o), HM_EINVAL, "no trusted keys");
	assert_null(tb);
	o.keys = f->keys;
	o.threshold = 2;
	assert_hm_err(hm_trusted_bundle_open(&tb, f->bundle, &o), HM_EINVAL, "threshold 2");
	o.threshold = 1;
	o.version = 99;
	assert_hm_err(hm_trusted_bundle_open(&tb, f->bundle, &o), HM_EINVAL, "version");
}

static void one_label_per_predicate_type(void **state)
{
	(void)state;
	assert_string_equal(hm_predicate_type_label(HM_SLSA_PREDICATE_TYPE), "fine-tuning run");
	assert_string_equal(hm_predicate_type_label(HM_OMS_PREDICATE_TYPE), "model manifest");
	assert_string_equal(hm_predicate_type_label(HM_DATASET_PREDICATE_TYPE), "dataset");
	assert_string_equal(hm_predicate_type_label(HM_AUDIT_PREDICATE_TYPE), "safety audit");
	assert_string_equal(hm_predicate_type_label(HM_CARD_PREDICATE_TYPE), "model card");
	assert_string_equal(hm_predicate_type_label("https://example.com/x/v1"),
			    "https://example.com/x/v1");
	assert_string_equal(hm_predicate_type_label(NULL), "(no statement)");
}

/* Released payloads: the statements stay; what needs the payload's bytes says it is gone. */
static void released_payloads_keep_the_statements(void **state)
{
	struct fixture *f = *state;
	hm_trusted_bundle *tb = open_with(f, 1);
	const hm_trusted_line *l = hm_trusted_bundle_line(tb, 0);
	const hm_envelope *env = hm_attestation_envelope(l->attestation);
	char *sb = NULL;
	size_t plen = 1;

	assert_non_null(hm_envelope_payload(env, &plen));
	assert_true(plen > 0);
	hm_trusted_bundle_release_payloads(tb);
	hm_trusted_bundle_release_payloads(tb); /* twice is once */
	assert_null(hm_envelope_payload(env, &plen));
	assert_int_equal(plen, 0);
	assert_string_equal(hm_statement_predicate_type(hm_attestation_statement(l->attestation)),
			    HM_OMS_PREDICATE_TYPE);
	assert_hm_err(hm_envelope_verify(env, f->keys, 1, NULL), HM_EINVAL,
		      "payload was released");
	assert_hm_err(hm_sigstore_bundle(&sb, env, NULL), HM_EINVAL, "payload was released");
	assert_null(sb);
	hm_trusted_bundle_free(tb);
	hm_trusted_bundle_release_payloads(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_line_has_its_outcome_and_reason, setup,
						teardown),
		cmocka_unit_test_setup_teardown(without_auditor_keys_audits_use_the_publisher_keys,
						setup, teardown),
		cmocka_unit_test_setup_teardown(the_check_report_lists_every_line, setup, teardown),
		cmocka_unit_test_setup_teardown(an_empty_bundle_fails_the_check, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_options_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(a_refusal_says_who_signed, setup, teardown),
		cmocka_unit_test(one_label_per_predicate_type),
		cmocka_unit_test_setup_teardown(released_payloads_keep_the_statements, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
