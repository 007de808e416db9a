/* hallmark card, and hallmark attest card: model cards from (and bound to) signed facts. */
#include "cli.h"

#include <string.h>

/* Warns about the lines left out; fails (exit 1) when the facts state nothing. */
static int facts_usable(hm_facts **f, const char *bundle_path)
{
	size_t i;

	for (i = 0; i < hm_facts_omission_count(*f); i++) {
		const hm_fact_omission *om = hm_facts_omission(*f, i);
		cli_warn("line %zu left out: %s", om->line, om->reason);
	}
	if (hm_facts_verified_count(*f) == 0 || !hm_facts_model(*f)) {
		cli_error("%s: %s; nothing to state", bundle_path,
			  hm_facts_verified_count(*f) ? "no verified attestation names a model"
						      : "no line verifies against the trusted keys");
		hm_facts_free(*f);
		*f = NULL;
		return EXIT_NO;
	}
	return 0;
}

int cli_trusted_facts(hm_facts **out, const char *bundle_path, const hm_trusted_bundle *tb,
		      const char *model_hex)
{
	int rc;

	if ((rc = hm_facts_open_trusted(out, tb, model_hex)) < 0)
		return cli_lib_error(rc);
	return facts_usable(out, bundle_path);
}

int cli_load_facts(hm_facts **out, const char *bundle_path, const struct strlist *keys,
		   const struct strlist *auditor_keys, const char *model)
{
	hm_facts_options fo = HM_FACTS_OPTIONS_INIT;
	hm_keyring *kr = NULL, *akr = NULL;
	hm_bundle *b = NULL;
	char hex[65];
	int status, rc;

	*out = NULL;
	if ((status = cli_keyring(&kr, keys, "--key")) != 0)
		return status;
	if (auditor_keys->n && (status = cli_keyring(&akr, auditor_keys, "--auditor-key")) != 0)
		goto out;
	status = EXIT_USAGE;
	if (model) {
		if ((rc = hm_model_ref_resolve(hex, NULL, model, NULL)) < 0) {
			cli_lib_error(rc);
			goto out;
		}
		fo.model = hex;
	}
	if ((rc = hm_bundle_load(&b, bundle_path)) < 0) {
		cli_lib_error(rc);
		goto out;
	}
	fo.keys = kr;
	fo.auditor_keys = akr;
	if ((rc = hm_facts_open(out, b, &fo)) < 0) {
		status = cli_lib_error(rc);
		goto out;
	}
	status = facts_usable(out, bundle_path);
out:
	hm_bundle_free(b);
	hm_keyring_free(kr);
	hm_keyring_free(akr);
	return status;
}

int cmd_card(int argc, char **argv)
{
	struct strlist pos = { 0 }, keys = { 0 }, akeys = { 0 }, bench_ids = { 0 };
	hm_card_options co = HM_CARD_OPTIONS_INIT;
	const char *bundle = NULL, *out = NULL, *update = NULL, *model = NULL, *eval_dir = NULL;
	hm_facts *f = NULL;
	hm_card_eval_file *evals = NULL;
	char *text = NULL, *card = NULL;
	size_t len = 0, nevals = 0, i;
	int status = EXIT_USAGE, rc;
	const struct opt opts[] = {
		{ "bundle", 'b', OPT_STRING, "FILE", "the signed bundle (required)", &bundle },
		{ "key", 'k', OPT_LIST, "PUB", "trusted publisher key (required)", &keys },
		{ "auditor-key", 0, OPT_LIST, "PUB", "trusted auditor key (default: the --key keys)",
		  &akeys },
		{ "model", 0, OPT_STRING, "PATH|sha256:HEX",
		  "the model to describe (default: the bundle's fine-tuned model)", &model },
		{ "model-path", 0, OPT_STRING, "PATH", "model path shown in the verify command",
		  &co.model_path },
		{ "license", 0, OPT_STRING, "ID", "the model's license (not attested: declared)",
		  &co.license },
		{ "keys-url", 0, OPT_STRING, "URL",
		  "where the public keys are published, shown in \"How to verify\"", &co.keys_url },
		{ "update", 0, OPT_STRING, "FILE",
		  "rewrite the hallmark section and front matter of this card in place", &update },
		{ "eval-results", 0, OPT_STRING, "DIR",
		  "also write the audits as the hub's .eval_results files into DIR", &eval_dir },
		{ "benchmark-id", 0, OPT_LIST, "NAME=ORG/NAME[@REV]",
		  "a benchmark's hub dataset id (default: from its registry entry)", &bench_ids },
		{ "output", 'o', OPT_STRING, "FILE", "write the card here (default: stdout, or the "
		  "--update file)", &out },
		OPT_END
	};
	const struct cmd_spec spec = {
		"card",
		"--bundle B --key PUB... [--auditor-key PUB]... [--license ID] [--keys-url URL]\n"
		"       [-o FILE] [--update README.md] [--eval-results DIR]\n"
		"       [--benchmark-id NAME=ORG/NAME[@REV]]...",
		"Write a Hugging Face model card (README.md) stating what the bundle's verified\n"
		"attestations say: base model, datasets, fine-tuning run, safety audits before and\n"
		"after, who signed what, and how to verify. Lines that do not verify are left out\n"
		"and listed as such.", opts, 0, 0, NULL
	};

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO) {
		status = opt_exit_status(rc);
		goto out;
	}
	if (!bundle) {
		status = cli_usage_error(&spec, "--bundle is required");
		goto out;
	}
	if (update && (rc = hm_read_file(&text, &len, update, HM_CARD_MAX_BYTES)) < 0) {
		cli_lib_error(rc);
		goto out;
	}
	if ((status = cli_load_facts(&f, bundle, &keys, &akeys, model)) != 0)
		goto out;
	co.bundle = bundle;
	co.key_files = keys.v;
	co.nkey_files = keys.n;
	co.auditor_key_files = akeys.v;
	co.nauditor_key_files = akeys.n;
	co.benchmark_hub_ids = bench_ids.v;
	co.nbenchmark_hub_ids = bench_ids.n;
	rc = update ? hm_card_update(&card, text, len, f, &co) : hm_card_render(&card, f, &co);
	if (rc == 0 && eval_dir)
		rc = hm_card_eval_results(&evals, &nevals, f, &co);
	if (rc < 0) {
		status = cli_lib_error(rc);
		goto out;
	}
	if (!out && update)
		out = update;
	status = cli_write_output(out, card, strlen(card), 1);
	if (status == 0 && out && strcmp(out, "-") != 0)
		fprintf(stderr, "wrote %s\n", out);
	if (status == 0 && eval_dir) {
		if ((rc = hm_card_eval_results_write(eval_dir, evals, nevals)) < 0) {
			status = cli_lib_error(rc);
			goto out;
		}
		for (i = 0; i < nevals; i++)
			fprintf(stderr, "wrote %s/%s\n", cli_esc(eval_dir), evals[i].name);
	}
out:
	hm_card_eval_files_free(evals, nevals);
	hm_free(card);
	hm_free(text);
	hm_facts_free(f);
	strlist_free(&pos);
	strlist_free(&keys);
	strlist_free(&akeys);
	strlist_free(&bench_ids);
	return status;
}

int attest_card(int argc, char **argv)
{
	struct strlist pos = { 0 };
	const char *model = NULL, *out = NULL;
	char *st = NULL;
	int status = EXIT_USAGE, rc;
	const struct opt opts[] = {
		{ "model", 0, OPT_STRING, "PATH|sha256:HEX", "the model the card describes (required)",
		  &model },
		{ "output", 'o', OPT_STRING, "FILE", "write the statement here (default: stdout)", &out },
		OPT_END
	};
	const struct cmd_spec spec = {
		"attest card", "CARD_FILE --model PATH|sha256:HEX [-o FILE]",
		"Print a model-card statement: subject = the card file, predicate binding its\n"
		"SHA-256 to the model's, so a published card can be verified (policy require_card).",
		opts, 1, 1, NULL
	};

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO) {
		status = opt_exit_status(rc);
		goto out;
	}
	if (!model) {
		status = cli_usage_error(&spec, "--model is required");
		goto out;
	}
	if ((rc = hm_card_statement(&st, pos.v[0], model, NULL)) < 0) {
		status = cli_lib_error(rc);
		goto out;
	}
	status = cli_write_output(out, st, strlen(st), 1);
	if (status == 0 && out && strcmp(out, "-") != 0)
		fprintf(stderr, "wrote %s\n", out);
out:
	hm_free(st);
	strlist_free(&pos);
	return status;
}
