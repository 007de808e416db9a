/* hallmark audit check: re-derive a signed safety audit from its original results files. */
#include "cli.h"

#include <string.h>

static int audit_check(int argc, char **argv)
{
	struct strlist pos = { 0 }, results = { 0 }, bresults = { 0 };
	const char *benchmarks = NULL, *judge_prompt = NULL;
	unsigned long line = 0;
	int json = 0, rc, status;
	hm_statement *st = NULL;
	hm_audit_check *c = NULL;
	size_t i;
	const struct opt opts[] = {
		{ "results", 0, OPT_MULTI, "FILE", "the audited model's judged results (required)",
		  &results },
		{ "baseline-results", 0, OPT_MULTI, "FILE", "the base model's judged results",
		  &bresults },
		{ "benchmarks", 0, OPT_STRING, "DIR",
		  "more registered benchmarks (default: $HALLMARK_BENCHMARKS)", &benchmarks },
		{ "judge-prompt", 0, OPT_STRING, "FILE",
		  "the judge's prompt template, compared with the recorded digest", &judge_prompt },
		{ "line", 0, OPT_UINT, "N", "the audit on line N of a bundle", &line },
		{ "json", 0, OPT_FLAG, NULL, "print {\"same\":bool,\"differences\":[...]}", &json },
		OPT_END
	};
	const struct cmd_spec spec = {
		"audit check",
		"BUNDLE_OR_STATEMENT --results FILE... [--baseline-results FILE...] [--line N]\n"
		"       [--judge-prompt FILE] [--benchmarks DIR] [--json]",
		"Re-derive a safety audit from the judged results files it was made from: the same\n"
		"digests and the same numbers (metrics, counts, intervals, items, coverage), or the\n"
		"differences; with --judge-prompt, the judge prompt template's digest too. A\n"
		"bundle's audit is read without checking its signature (hallmark verify does\n"
		"that). Exit 0 the same, 1 different, 2 unreadable input.", opts, 1, 1,
		NULL
	};

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO) {
		status = opt_exit_status(rc);
		goto out;
	}
	if (results.n == 0) {
		status = cli_usage_error(&spec, "--results FILE is required");
		goto out;
	}
	if ((rc = hm_audit_statement_load(&st, pos.v[0], line)) < 0 ||
	    (rc = hm_audit_check_files(&c, st, (const char *const *)results.v, results.n,
				       (const char *const *)bresults.v, bresults.n, benchmarks)) < 0 ||
	    (rc = hm_audit_check_judge_prompt(c, st, judge_prompt)) < 0) {
		status = cli_lib_error(rc);
		if (status == EXIT_NO)
			status = EXIT_USAGE; /* unreadable or unusable input, not a difference */
		goto out;
	}
	if (json) {
		char *s = NULL;
		if ((rc = hm_audit_check_json(&s, c)) < 0) {
			status = cli_lib_error(rc);
			goto out;
		}
		printf("%s\n", s);
		hm_free(s);
	} else if (hm_audit_check_same(c)) {
		printf("SAME: the results files give every digest and number the audit states\n");
	} else {
		printf("DIFFERENT: %zu difference%s between the audit and its results files\n",
		       hm_audit_check_difference_count(c),
		       hm_audit_check_difference_count(c) == 1 ? "" : "s");
		for (i = 0; i < hm_audit_check_difference_count(c); i++)
			printf("  %s\n", cli_esc(hm_audit_check_difference(c, i)));
	}
	if (!json && hm_audit_check_not_checked(c))
		printf("note: %s\n", cli_esc(hm_audit_check_not_checked(c)));
	status = hm_audit_check_same(c) ? EXIT_OK : EXIT_NO;
out:
	hm_audit_check_free(c);
	hm_statement_free(st);
	strlist_free(&pos);
	strlist_free(&results);
	strlist_free(&bresults);
	return status;
}

int cmd_audit(int argc, char **argv)
{
	static const struct subcmd subs[] = {
		{ "check", audit_check, "re-derive a signed audit from its results files" },
		{ NULL, NULL, NULL }
	};
	return cli_dispatch("audit", subs, argc, argv);
}
