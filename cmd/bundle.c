/* hallmark bundle: check, show, export-sigstore. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static void print_subjects_text(const hm_statement *st)
{
	size_t i, j;

	for (i = 0; i < hm_statement_subject_count(st); i++) {
		const char *name = hm_statement_subject_name(st, i);
		printf("    subject %s", name ? cli_esc(name) : "(no name)");
		for (j = 0; j < hm_statement_subject_digest_count(st, i); j++) {
			const char *alg, *hex;
			if (hm_statement_subject_digest(st, i, j, &alg, &hex) == 0)
				printf(" %s:%s", cli_esc(alg), cli_esc(hex));
		}
		printf("\n");
	}
}

static void print_subjects_json(const hm_statement *st)
{
	size_t i, j;

	printf("\"subjects\":[");
	for (i = 0; i < hm_statement_subject_count(st); i++) {
		const char *name = hm_statement_subject_name(st, i);
		printf("%s{\"name\":", i ? "," : "");
		if (name)
			cli_json_string(stdout, name);
		else
			printf("null");
		printf(",\"digest\":{");
		for (j = 0; j < hm_statement_subject_digest_count(st, i); j++) {
			const char *alg, *hex;
			if (hm_statement_subject_digest(st, i, j, &alg, &hex) == 0) {
				printf("%s", j ? "," : "");
				cli_json_string(stdout, alg);
				printf(":");
				cli_json_string(stdout, hex);
			}
		}
		printf("}}");
	}
	printf("]");
}

static void print_keyids_json(const char *field, const hm_envelope *env)
{
	size_t i;

	printf("\"%s\":[", field);
	for (i = 0; env && i < hm_envelope_signature_count(env); i++) {
		printf("%s", i ? "," : "");
		cli_json_string(stdout, hm_envelope_signature_keyid(env, i));
	}
	printf("]");
}

/* "line N" of a bundle, with its file when it is not the first one's numbering. */
static void print_where(const hm_trusted_line *l)
{
	printf("line %zu", l->line);
	if (l->source && l->source_line != l->line)
		printf(" (%s line %zu)", l->source, l->source_line);
}

/* Verifies every line (in the library) and prints the report, one result per line. */
static int check_lines(const hm_bundle *b, const char *path, const hm_trust_options *trust,
		       size_t threshold, int json, int show)
{
	hm_trust_options to = *trust;
	hm_trusted_bundle *tb = NULL;
	size_t i, k, n;
	char *report = NULL;
	int rc;

	to.threshold = threshold;
	if ((rc = hm_trusted_bundle_open(&tb, b, &to)) < 0 ||
	    (json && (rc = hm_trusted_bundle_json(&report, tb, path)) < 0)) {
		hm_trusted_bundle_free(tb);
		return cli_lib_error(rc);
	}
	n = hm_trusted_bundle_line_count(tb);
	if (json)
		printf("%s\n", report);
	for (i = 0; !json && i < n; i++) {
		const hm_trusted_line *l = hm_trusted_bundle_line(tb, i);
		print_where(l);
		if (!l->attestation) {
			printf(": FAIL: %s\n", cli_esc(l->reason));
			continue;
		}
		printf(": ok: %s signed by", cli_esc(l->predicate_type));
		for (k = 0; k < l->nsigners; k++)
			printf(" %s", cli_esc(l->signers[k]));
		if (l->cert_subject)
			printf(" (certificate subject: %s)", cli_esc(l->cert_subject));
		printf("\n");
		if (show)
			print_subjects_text(hm_attestation_statement(l->attestation));
	}
	if (n == 0 && !json)
		printf("FAIL: %s has no attestations\n", path);
	if (!json && (!show || !hm_trusted_bundle_ok(tb)))
		fprintf(stderr, "%zu of %zu line%s verified\n", hm_trusted_bundle_trusted_count(tb),
			n, n == 1 ? "" : "s");
	rc = hm_trusted_bundle_ok(tb) ? EXIT_OK : EXIT_NO;
	hm_free(report);
	hm_trusted_bundle_free(tb);
	return rc;
}

static int bundle_check(int argc, char **argv)
{
	struct strlist pos = { 0 }, keys = { 0 }, certs = { 0 };
	const char *identity = NULL, *issuer = NULL, *trusted_root = NULL;
	struct cli_trust_args ta = { 0 };
	struct cli_trust trust = { 0 };
	unsigned long threshold = 1;
	int json = 0, rc, status;
	hm_bundle *b = NULL;
	const struct opt opts[] = {
		{ "key", 'k', OPT_LIST, "PUB", "trusted public key (Ed25519 or ECDSA PEM)", &keys },
		CLI_TRUST_OPTS(&certs, &identity, &issuer, &trusted_root),
		{ "threshold", 't', OPT_UINT, "N", "distinct trusted keys each line needs (default 1)",
		  &threshold },
		{ "json", 0, OPT_FLAG, NULL, "print a JSON report", &json },
		OPT_END
	};
	const struct cmd_spec spec = {
		"bundle check",
		"BUNDLE... (--key PUB... | --cert-chain PEM...) [--threshold N] [--json]",
		"Verify every line of a bundle (.intoto.jsonl lines, or a Sigstore bundle such as\n"
		"model_signing's model.sig; several files make one bundle): the DSSE envelope's\n"
		"shape, at least N distinct trusted keys signing it (or, for a certificate-signed\n"
		"Sigstore bundle, its chain up to a --cert-chain root), the payloadType and the\n"
		"in-toto statement. Exit 0 when every line verifies, 1 when any does not, 2 for\n"
		"usage errors or an unreadable file.",
		opts, 1, ANY_ARGS, NULL
	};

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO) {
		strlist_free(&pos);
		strlist_free(&keys);
		strlist_free(&certs);
		return opt_exit_status(rc);
	}
	if (threshold < 1) {
		status = cli_usage_error(&spec, "--threshold must be at least 1");
		goto out;
	}
	ta.keys = &keys;
	ta.cert_chains = &certs;
	ta.identity = identity;
	ta.issuer = issuer;
	ta.trusted_root = trusted_root;
	if ((status = cli_trust_open(&trust, &ta)) != 0)
		goto out;
	if (threshold > 1 && threshold > hm_keyring_count(trust.kr)) {
		status = cli_usage_error(&spec, "--threshold %lu is more than the %zu distinct keys "
					 "given", threshold, hm_keyring_count(trust.kr));
		goto out;
	}
	if ((status = cli_bundle_load(&b, &pos)) != 0)
		goto out;
	status = check_lines(b, pos.v[0], &trust.to, threshold, json, 0);
out:
	hm_bundle_free(b);
	cli_trust_close(&trust);
	strlist_free(&pos);
	strlist_free(&keys);
	strlist_free(&certs);
	return status;
}

static int bundle_show(int argc, char **argv)
{
	struct strlist pos = { 0 }, keys = { 0 };
	int json = 0, rc, status = EXIT_OK;
	hm_keyring *kr = NULL;
	hm_bundle *b = NULL;
	size_t i;
	const struct opt opts[] = {
		{ "key", 'k', OPT_LIST, "PUB", "also verify against this trusted key", &keys },
		{ "json", 0, OPT_FLAG, NULL, "print JSON", &json },
		OPT_END
	};
	const struct cmd_spec spec = {
		"bundle show", "BUNDLE [--key PUB]... [--json]",
		"Print what each line claims: predicateType, subjects and digests, signature keyids.\n"
		"Without --key NOTHING IS VERIFIED; with --key each line is also verified.",
		opts, 1, 1, NULL
	};

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO) {
		strlist_free(&pos);
		strlist_free(&keys);
		return opt_exit_status(rc);
	}
	if ((rc = hm_bundle_load(&b, pos.v[0])) < 0) {
		cli_lib_error(rc);
		status = EXIT_USAGE;
		goto out;
	}
	if (keys.n) {
		hm_trust_options to = HM_TRUST_OPTIONS_INIT;
		if ((status = cli_keyring(&kr, &keys, "--key")) != 0)
			goto out;
		to.keys = kr;
		status = check_lines(b, pos.v[0], &to, 1, json, 1);
		goto out;
	}
	if (json)
		printf("{\"verified\":false,\"note\":\"nothing was verified\",\"lines\":[");
	else
		printf("# NOT VERIFIED: this shows what %s claims; run with --key PUB to verify\n",
		       cli_esc(pos.v[0]));
	for (i = 0; i < hm_bundle_line_count(b); i++) {
		size_t len;
		const char *line = hm_bundle_line(b, i, &len);
		hm_envelope *env = NULL;
		hm_statement *st = NULL;
		rc = hm_attestation_inspect(&env, &st, line, len);
		if (json) {
			printf("%s{\"line\":%zu", i ? "," : "", i + 1);
			if (rc < 0) {
				printf(",\"error\":");
				cli_json_string(stdout, hm_error_last());
			} else {
				printf(",\"payloadType\":");
				cli_json_string(stdout, hm_envelope_payload_type(env));
				if (st) {
					printf(",\"predicateType\":");
					cli_json_string(stdout, hm_statement_predicate_type(st));
					printf(",");
					print_subjects_json(st);
				}
				printf(",");
				print_keyids_json("keyids", env);
			}
			printf("}");
		} else if (rc < 0) {
			printf("line %zu: unreadable: %s\n", i + 1, cli_esc(hm_error_last()));
		} else {
			size_t k;
			printf("line %zu: %s\n", i + 1,
			       cli_esc(st ? hm_statement_predicate_type(st)
					  : hm_envelope_payload_type(env)));
			if (st)
				print_subjects_text(st);
			else
				printf("    (payload is not an in-toto statement)\n");
			printf("    keyids");
			for (k = 0; k < hm_envelope_signature_count(env); k++) {
				const char *kid = hm_envelope_signature_keyid(env, k);
				printf(" %s", *kid ? cli_esc(kid) : "(none)");
			}
			printf("%s\n", hm_envelope_signature_count(env) ? "" : " (none: UNSIGNED)");
		}
		hm_envelope_free(env);
		hm_statement_free(st);
	}
	if (json)
		printf("]}\n");
out:
	hm_bundle_free(b);
	hm_keyring_free(kr);
	strlist_free(&pos);
	strlist_free(&keys);
	return status;
}

static int bundle_export_sigstore(int argc, char **argv)
{
	struct strlist pos = { 0 };
	const char *out = NULL, *keyid = NULL;
	unsigned long lineno = 0;
	int rc, status = EXIT_OK, force = 0;
	hm_bundle *b = NULL;
	hm_envelope *env = NULL;
	char *json = NULL;
	const struct opt opts[] = {
		{ "line", 'n', OPT_UINT, "N", "the line (1-based) to export", &lineno },
		{ "output", 'o', OPT_STRING, "FILE", "write here instead of standard output", &out },
		{ "keyid", 0, OPT_STRING, "ID", "the signature to export when there are several",
		  &keyid },
		{ "force", 0, OPT_FLAG, NULL, "overwrite FILE", &force },
		OPT_END
	};
	const struct cmd_spec spec = {
		"bundle export-sigstore", "BUNDLE --line N [-o FILE] [--keyid ID]",
		"Write one attestation as a Sigstore bundle v0.3 (publicKey.hint = the key id), for\n"
		"verifiers built on sigstore-js or cosign with a public key and no transparency log.",
		opts, 1, 1, NULL
	};

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO)
		return strlist_free(&pos), opt_exit_status(rc);
	if (lineno == 0) {
		status = cli_usage_error(&spec, "--line N (1 or more) is required");
		goto out;
	}
	if ((rc = hm_bundle_load(&b, pos.v[0])) < 0) {
		cli_lib_error(rc);
		status = EXIT_USAGE;
		goto out;
	}
	if (lineno > hm_bundle_line_count(b)) {
		cli_error("%s: has %zu line%s, no line %lu", pos.v[0], hm_bundle_line_count(b),
			  hm_bundle_line_count(b) == 1 ? "" : "s", lineno);
		status = EXIT_USAGE;
		goto out;
	}
	{
		size_t len;
		const char *line = hm_bundle_line(b, lineno - 1, &len);
		if ((rc = hm_envelope_parse(&env, line, len)) < 0) {
			cli_error("%s line %lu: %s", pos.v[0], lineno, hm_error_last());
			status = EXIT_NO;
			goto out;
		}
	}
	if ((rc = hm_sigstore_bundle(&json, env, keyid)) < 0) {
		status = cli_lib_error(rc);
		goto out;
	}
	{
		size_t n = strlen(json);
		char *withnl = malloc(n + 2);
		if (!withnl) {
			cli_error("out of memory");
			status = EXIT_USAGE;
			goto out;
		}
		memcpy(withnl, json, n);
		withnl[n] = '\n';
		status = cli_write_output(out, withnl, n + 1, force);
		free(withnl);
	}
out:
	hm_free(json);
	hm_envelope_free(env);
	hm_bundle_free(b);
	strlist_free(&pos);
	return status;
}

int cmd_bundle(int argc, char **argv)
{
	static const struct subcmd subs[] = {
		{ "check", bundle_check, "verify every line of a bundle" },
		{ "show", bundle_show, "print what a bundle claims (verified only with --key)" },
		{ "export-sigstore", bundle_export_sigstore, "one attestation as a Sigstore bundle" },
		{ NULL, NULL, NULL }
	};
	return cli_dispatch("bundle", subs, argc, argv);
}
