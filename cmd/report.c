/* hallmark report: one self-contained HTML page for compliance reviewers. */
#include "cli.h"

#include <string.h>

int cmd_report(int argc, char **argv)
{
	struct strlist pos = { 0 }, keys = { 0 }, akeys = { 0 };
	hm_export_options eo = HM_EXPORT_OPTIONS_INIT;
	const char *bundle = NULL, *out = NULL, *model = NULL, *policy_path = NULL, *at = NULL;
	const char *base_model = NULL;
	hm_verify_report *rep = NULL;
	hm_trusted_bundle *tb = NULL;
	long long now = 0;
	hm_facts *f = NULL;
	char *html = NULL;
	size_t len = 0;
	int status = EXIT_USAGE, rc, noprog = 0;
	const struct opt opts[] = {
		{ "bundle", 'b', OPT_STRING, "FILE", "the signed bundle (required)", &bundle },
		{ "key", 'k', OPT_LIST, "PUB", "trusted publisher key (required)", &keys },
		{ "auditor-key", 0, OPT_LIST, "PUB", "trusted auditor key (default: the --key keys)",
		  &akeys },
		{ "model", 0, OPT_STRING, "PATH", "verify the model files at PATH too", &model },
		{ "base-model", 0, OPT_STRING, "DIR",
		  "with --model: the base model on disk, checked against the signed base",
		  &base_model },
		{ "policy", 'p', OPT_STRING, "FILE", "policy for the verification", &policy_path },
		{ "at", 0, OPT_STRING, "TIME", "RFC 3339 time of the report (default: now)", &at },
		{ "no-progress", 0, OPT_FLAG, NULL, "no progress bar on the terminal", &noprog },
		{ "output", 'o', OPT_STRING, "FILE", "write the HTML here (default: stdout)", &out },
		OPT_END
	};
	const struct cmd_spec spec = {
		"report",
		"--bundle B --key PUB... [--auditor-key PUB]... [--model PATH [--base-model DIR]]\n"
		"       [--policy FILE] [-o report.html]",
		"Write one self-contained HTML page for compliance reviewers: the verification\n"
		"result of each check (with --model), the provenance chain, the datasets, the\n"
		"safety metrics with a chart per category, and the lines left out.", opts, 0, 0, NULL
	};

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO) {
		status = opt_exit_status(rc);
		goto out;
	}
	if (!bundle) {
		status = cli_usage_error(&spec, "--bundle is required");
		goto out;
	}
	if (base_model && !model) {
		status = cli_usage_error(&spec, "--base-model goes with --model");
		goto out;
	}
	if (at && (rc = hm_rfc3339_parse(&now, at)) < 0) {
		status = cli_usage_error(&spec, "--at: %s", hm_error_last());
		goto out;
	}
	if (model) {
		/* The report describes the model on disk: verify it, and describe that digest. */
		struct cli_verify_args va = { 0 };
		va.model = model;
		va.base_model = base_model;
		va.bundle = bundle;
		va.policy = policy_path;
		va.keys = &keys;
		va.auditor_keys = &akeys;
		va.now = now;
		va.no_progress = noprog;
		va.trusted = &tb;
		if ((status = cli_verify_model(&rep, &va)) != 0)
			goto out;
		/* the facts come from the bundle the verification checked: each signature once */
		status = cli_trusted_facts(&f, bundle, tb, hm_verify_report_model_digest(rep)[0]
								  ? hm_verify_report_model_digest(rep)
								  : NULL);
	} else {
		status = cli_load_facts(&f, bundle, &keys, &akeys, NULL);
	}
	if (status != 0)
		goto out;
	eo.bundle = bundle;
	eo.timestamp = at;
	if ((rc = hm_report_html(&html, &len, f, rep, &eo)) < 0) {
		status = cli_lib_error(rc);
		goto out;
	}
	status = cli_write_output(out, html, len, 1);
	if (status == 0 && out && strcmp(out, "-") != 0)
		fprintf(stderr, "wrote %s\n", out);
	/* With --model, the exit status is the verification's, as for hallmark verify. */
	if (status == 0 && rep && !hm_verify_report_ok(rep))
		status = EXIT_NO;
out:
	hm_free(html);
	hm_facts_free(f);
	hm_trusted_bundle_free(tb);
	hm_verify_report_free(rep);
	strlist_free(&pos);
	strlist_free(&keys);
	strlist_free(&akeys);
	return status;
}
