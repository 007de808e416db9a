/*
 * The bundle-check report: every line of a trusted bundle, trusted (with its
 * predicate type, subjects and signers) or refused (with the reason), as the
 * JSON that `hallmark bundle check --json` prints.
 */
#include "statement_impl.h"
#include "trust_impl.h"

#include <stdlib.h>
#include <string.h>

/* A JSON string of text that should be UTF-8; bytes that are not become '?'. */
static json_t *text(const char *s)
{
	json_t *v = json_string(s);
	char *copy, *p;

	if (v || !s)
		return v;
	if (!(copy = strdup(s)))
		return NULL;
	for (p = copy; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	v = json_string(copy);
	free(copy);
	return v;
}

static int put(json_t *o, const char *key, json_t *v)
{
	return v && json_object_set_new(o, key, v) == 0 ? 0 : -1;
}

static json_t *subjects(const hm_statement *st)
{
	json_t *arr = json_array();
	size_t i, j;

	for (i = 0; arr && i < hm_statement_subject_count(st); i++) {
		const char *name = hm_statement_subject_name(st, i);
		json_t *s = json_object(), *dg = json_object();
		if (!s || !dg || put(s, "name", name ? text(name) : json_null()) < 0) {
			json_decref(s);
			json_decref(dg);
			json_decref(arr);
			return NULL;
		}
		for (j = 0; j < hm_statement_subject_digest_count(st, i); j++) {
			const char *alg, *hex;
			if (hm_statement_subject_digest(st, i, j, &alg, &hex) == 0 &&
			    put(dg, alg, text(hex)) < 0)
				break;
		}
		if (put(s, "digest", dg) < 0 || json_array_append_new(arr, s) < 0) {
			json_decref(s);
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *line_json(const hm_trusted_line *l)
{
	json_t *o = json_object(), *signers;
	size_t k;

	if (!o || put(o, "line", json_integer((json_int_t)l->line)) < 0 ||
	    put(o, "ok", json_boolean(l->attestation != NULL)) < 0)
		goto fail;
	if (l->source && (put(o, "source", text(l->source)) < 0 ||
			  put(o, "sourceLine", json_integer((json_int_t)l->source_line)) < 0))
		goto fail;
	if (l->method && put(o, "method", json_string(l->method)) < 0)
		goto fail;
	if (!l->attestation) {
		json_t *hints;
		if (put(o, "reason", text(l->reason)) < 0 || put(o, "keyid_hints", hints = json_array()) < 0)
			goto fail;
		/* the key ids the signatures name: unverified, for finding the right key */
		for (k = 0; k < l->nkeyids; k++)
			if (l->keyids[k][0] && json_array_append_new(hints, text(l->keyids[k])) < 0)
				goto fail;
		return o;
	}
	if (put(o, "predicateType", text(l->predicate_type)) < 0 ||
	    put(o, "subjects", subjects(hm_attestation_statement(l->attestation))) < 0 ||
	    put(o, "signers", signers = json_array()) < 0)
		goto fail;
	for (k = 0; k < l->nsigners; k++)
		if (json_array_append_new(signers, json_string(l->signers[k])) < 0)
			goto fail;
	if (l->cert_subject && put(o, "certificateSubject", text(l->cert_subject)) < 0)
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

int hm_trusted_bundle_json(char **out, const hm_trusted_bundle *tb, const char *name)
{
	size_t i, n = hm_trusted_bundle_line_count(tb);
	size_t failed = n - hm_trusted_bundle_trusted_count(tb) + (n == 0);
	json_t *root = json_object(), *lines = json_array();
	int rc = 0;

	*out = NULL;
	if (!root || !lines || put(root, "bundle", text(name ? name : "")) < 0 ||
	    put(root, "threshold", json_integer((json_int_t)hm_trusted_bundle_threshold(tb))) < 0) {
		json_decref(lines);
		goto oom;
	}
	if (put(root, "lines", lines) < 0)
		goto oom;
	for (i = 0; i < n; i++)
		if (json_array_append_new(lines, line_json(hm_trusted_bundle_line(tb, i))) < 0)
			goto oom;
	if (put(root, "verified", json_integer((json_int_t)hm_trusted_bundle_trusted_count(tb))) <
		    0 ||
	    put(root, "failed", json_integer((json_int_t)failed)) < 0 ||
	    put(root, "ok", json_boolean(hm_trusted_bundle_ok(tb))) < 0)
		goto oom;
	if (!(*out = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER)))
		goto oom;
	goto done;
oom:
	rc = hm__err_oom();
done:
	json_decref(root);
	return rc;
}
