/* hallmark report: one self-contained HTML page for compliance reviewers. */
#include "cli.h"
#include "cli_progress.h"

#include <string.h>

int cmd_report(int argc, char **argv)
{
	struct strlist pos = { 0 }, keys = { 0 }, akeys = { 0 };
	hm_export_options eo = HM_EXPORT_OPTIONS_INIT;
	hm_verify_options vo = HM_VERIFY_OPTIONS_INIT;
	hm_digest_options dopts = HM_DIGEST_OPTIONS_INIT;
	const char *bundle = NULL, *out = NULL, *model = NULL, *policy_path = NULL, *at = NULL;
	hm_keyring *kr = NULL, *akr = NULL;
	hm_policy *policy = NULL;
	hm_bundle *b = NULL;
	hm_verify_report *rep = NULL;
	hm_facts *f = NULL;
	char *html = NULL, hex[72];
	size_t len = 0;
	int status = EXIT_USAGE, rc, noprog = 0;
	struct progress prog;
	const struct opt opts[] = {
		{ "bundle", 'b', OPT_STRING, "FILE", "the signed bundle (required)", &bundle },
		{ "key", 'k', OPT_LIST, "PUB", "trusted publisher key (required)", &keys },
		{ "auditor-key", 0, OPT_LIST, "PUB", "trusted auditor key (default: the --key keys)",
		  &akeys },
		{ "model", 0, OPT_STRING, "PATH", "verify the model files at PATH too", &model },
		{ "policy", 'p', OPT_STRING, "FILE", "policy for the verification", &policy_path },
		{ "at", 0, OPT_STRING, "TIME", "RFC 3339 time of the report (default: now)", &at },
		{ "no-progress", 0, OPT_FLAG, NULL, "no progress bar on the terminal", &noprog },
		{ "output", 'o', OPT_STRING, "FILE", "write the HTML here (default: stdout)", &out },
		OPT_END
	};
	const struct cmd_spec spec = {
		"report",
		"--bundle B --key PUB... [--auditor-key PUB]... [--model PATH] [--policy FILE]\n"
		"       [-o report.html]",
		"Write one self-contained HTML page for compliance reviewers: the verification\n"
		"result of each check (with --model), the provenance chain, the datasets, the\n"
		"safety metrics with a chart per category, and the lines left out.", opts, 0, 0, NULL
	};

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != 0) {
		status = rc > 0 ? EXIT_OK : EXIT_USAGE;
		goto out;
	}
	if (!bundle) {
		status = cli_usage_error(&spec, "--bundle is required");
		goto out;
	}
	if (at && (rc = hm_rfc3339_parse(&vo.now, at)) < 0) {
		status = cli_usage_error(&spec, "--at: %s", hm_error_last());
		goto out;
	}
	if (model) {
		/* The report describes the model on disk: verify it, and describe that digest. */
		if ((status = cli_keyring(&kr, &keys, "--key")) != 0)
			goto out;
		if (akeys.n && (status = cli_keyring(&akr, &akeys, "--auditor-key")) != 0)
			goto out;
		status = EXIT_USAGE;
		if (policy_path && (rc = hm_policy_load(&policy, policy_path)) < 0) {
			cli_lib_error(rc);
			goto out;
		}
		if ((rc = hm_bundle_load(&b, bundle)) < 0) {
			cli_lib_error(rc);
			goto out;
		}
		vo.keys = kr;
		vo.auditor_keys = akr;
		vo.policy = policy;
		vo.digest = &dopts;
		progress_attach(&prog, &dopts, "hashing", noprog);
		rc = hm_verify(&rep, model, b, &vo);
		progress_done(&prog);
		if (rc < 0) {
			cli_lib_error(rc);
			goto out;
		}
	}
	if (rep && hm_verify_report_model_digest(rep)[0])
		snprintf(hex, sizeof(hex), "sha256:%s", hm_verify_report_model_digest(rep));
	if ((status = cli_load_facts(&f, bundle, &keys, &akeys,
				     rep && hm_verify_report_model_digest(rep)[0] ? hex : NULL)) != 0)
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
	hm_verify_report_free(rep);
	hm_bundle_free(b);
	hm_policy_free(policy);
	hm_keyring_free(kr);
	hm_keyring_free(akr);
	strlist_free(&pos);
	strlist_free(&keys);
	strlist_free(&akeys);
	return status;
}
