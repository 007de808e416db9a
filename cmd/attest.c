/* hallmark attest: build in-toto statements for models, datasets, runs and audits. */
#include "cli.h"
#include "cli_progress.h"

#include <string.h>

#define PARSE_OR_RETURN(spec, argc, argv, pos, lists)                     \
	do {                                                              \
		int prc_ = opt_parse(&(spec), (argc), (argv), &(pos));    \
		if (prc_ != OPT_GO) {                                     \
			free_lists(lists);                                \
			strlist_free(&(pos));                             \
			return opt_exit_status(prc_);                     \
		}                                                         \
	} while (0)

static void free_lists(struct strlist **lists)
{
	for (; lists && *lists; lists++)
		strlist_free(*lists);
}

/* Prints or writes a statement and frees it. */
static int emit(char *statement, const char *out)
{
	int status = cli_write_output(out, statement, strlen(statement), 1);

	hm_free(statement);
	if (status == 0 && out && strcmp(out, "-") != 0)
		fprintf(stderr, "wrote %s\n", out);
	return status;
}

/* --model-statement, or the hashing options of `attest model`: not both. */
static int model_hashing(const struct cmd_spec *spec, hm_digest_options *d,
			 const struct strlist *ignore, int symlinks, int gitpaths,
			 const char *model_statement)
{
	if (model_statement && (ignore->n || symlinks || gitpaths))
		return cli_usage_error(spec, "--model-statement hashes the model as that statement "
				       "says: it does not go with --ignore, --allow-symlinks or "
				       "--no-ignore-git-paths");
	d->ignore = ignore->v;
	d->nignore = ignore->n;
	d->allow_symlinks = symlinks;
	d->include_git_paths = gitpaths;
	return 0;
}

#define MODEL_HASHING_OPTS(ms, ignore, symlinks, gitpaths)                                     \
	{ "model-statement", 0, OPT_STRING, "FILE",                                            \
	  "the model's statement (attest model): hash the model as it did, check the digest",  \
	  &(ms) },                                                                             \
	{ "ignore", 0, OPT_LIST, "PATH", "ignore this path (as given to attest model)",        \
	  &(ignore) },                                                                         \
	{ "allow-symlinks", 0, OPT_FLAG, NULL, "follow symlinks (as given to attest model)",   \
	  &(symlinks) },                                                                       \
	{ "no-ignore-git-paths", 0, OPT_FLAG, NULL,                                            \
	  "no default ignores (as given to attest model)", &(gitpaths) }

static int attest_model(int argc, char **argv)
{
	struct strlist pos = { 0 }, ignore = { 0 };
	struct strlist *lists[] = { &ignore, NULL };
	hm_digest_options dopts = HM_DIGEST_OPTIONS_INIT;
	const char *name = NULL, *out = NULL, *shard_size = NULL;
	int symlinks = 0, noprog = 0, gitpaths = 0, shard = 0, rc;
	unsigned long jobs = 0;
	hm_manifest *m = NULL;
	char *st = NULL;
	const char *hub_id = NULL;
	struct progress prog;
	struct cli_ignores ig;
	const struct opt opts[] = {
		{ "name", 0, OPT_STRING, "NAME", "subject name (default: the path's basename)", &name },
		{ "hub-id", 0, OPT_STRING, "ORG/NAME[@REV]", "the model's hub repository id",
		  &hub_id },
		{ "ignore", 0, OPT_LIST, "PATH", "ignore this path (relative to the model root)",
		  &ignore },
		{ "allow-symlinks", 0, OPT_FLAG, NULL, "follow symlinks inside the model root",
		  &symlinks },
		{ "no-ignore-git-paths", 0, OPT_FLAG, NULL,
		  "no default ignores: hash .git & co. and .cache/huggingface too", &gitpaths },
		CLI_SHARD_OPTS(&shard, &shard_size),
		{ "jobs", 'j', OPT_UINT, "N", "hashing threads (default: online CPUs)", &jobs },
		{ "no-progress", 0, OPT_FLAG, NULL, "no progress bar on the terminal", &noprog },
		{ "output", 'o', OPT_STRING, "FILE",
		  "write the statement here (default: stdout; left out of the model when inside it)",
		  &out },
		OPT_END
	};
	const struct cmd_spec spec = {
		"attest model", "PATH [--name NAME] [--ignore PATH]... [--shard [--shard-size N]]\n"
		"       [-o FILE]",
		"Print the in-toto statement of a model: its OMS v1.0 manifest (predicateType\n"
		"https://model_signing/signature/v1.0), ready for `hallmark sign`.", opts, 1, 1, NULL
	};

	PARSE_OR_RETURN(spec, argc, argv, pos, lists);
	if ((rc = cli_shard_options(&spec, &dopts, shard, shard_size)) != 0 ||
	    (rc = cli_ignores_build(&ig, &spec, pos.v[0], &ignore, &out, 1)) != 0) {
		strlist_free(&pos);
		free_lists(lists);
		return rc;
	}
	dopts.ignore = ig.v;
	dopts.nignore = ig.n;
	dopts.allow_symlinks = symlinks;
	dopts.include_git_paths = gitpaths;
	dopts.jobs = (unsigned)jobs;
	/* a malformed --hub-id is refused before anything is hashed */
	if (hub_id && (rc = hm_hub_id_check(hub_id)) < 0)
		goto done;
	progress_attach(&prog, &dopts, "hashing", noprog);
	rc = hm_manifest_compute(&m, pos.v[0], &dopts);
	progress_done(&prog);
	if (rc == 0) {
		cli_note_download_cache(m);
		rc = hm_manifest_statement_hub(&st, m, name, hub_id);
	}
done:
	hm_manifest_free(m);
	strlist_free(&pos);
	free_lists(lists);
	cli_ignores_free(&ig);
	if (rc < 0)
		return cli_lib_error(rc);
	return emit(st, out);
}

/* Names on stderr what the statement counts no records for, so nothing reads as empty. */
static void warn_unread(const char *statement)
{
	char *text = NULL, *line, *save = NULL;

	if (hm_dataset_statement_unread(&text, statement) < 0 || !text)
		return;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		fprintf(stderr, "hallmark: warning: not read: %s\n", cli_esc(line));
	hm_free(text);
}

/* One line on stderr of what the dataset holds, and a warning when something needs reading. */
static void dataset_summary(const char *statement, const char *name)
{
	hm_dataset_summary s;

	if (hm_dataset_statement_summary(&s, statement, strlen(statement)) < 0)
		return;
	fprintf(stderr, "hallmark: dataset %s: %llu records, %llu invalid, %llu duplicates, ",
		cli_esc(name), (unsigned long long)s.records, (unsigned long long)s.invalid,
		(unsigned long long)s.duplicates);
	if (s.screened)
		fprintf(stderr, "%llu flagged by screening\n", (unsigned long long)s.flagged);
	else
		fprintf(stderr, "not screened\n");
	if (s.invalid)
		cli_warn("%llu invalid record%s in dataset %s (the statement's stats list them by "
			 "file)", (unsigned long long)s.invalid, s.invalid == 1 ? "" : "s",
			 cli_esc(name));
	if (s.flagged)
		cli_warn("%llu record%s of dataset %s flagged by screening: read %s before training "
			 "(hallmark verify prints a WARN line, and a policy with max_flagged_records "
			 "refuses them)", (unsigned long long)s.flagged, s.flagged == 1 ? "" : "s",
			 cli_esc(name), s.flagged == 1 ? "it" : "them");
}

static int attest_dataset(int argc, char **argv)
{
	struct strlist pos = { 0 }, ignore = { 0 };
	struct strlist *lists[] = { &ignore, NULL };
	hm_dataset_options o = HM_DATASET_OPTIONS_INIT;
	hm_digest_options dopts = HM_DIGEST_OPTIONS_INIT;
	const char *out = NULL;
	int noprog = 0, nogit = 0, rc;
	char *st = NULL;
	struct progress prog;
	const struct opt opts[] = {
		{ "name", 0, OPT_STRING, "NAME", "dataset name (required)", &o.name },
		{ "version", 0, OPT_STRING, "V", "dataset version", &o.dataset_version },
		{ "license", 0, OPT_STRING, "SPDX-ID", "SPDX license expression", &o.license },
		{ "source", 0, OPT_STRING, "URI", "where the data came from", &o.source },
		{ "hub-id", 0, OPT_STRING, "ORG/NAME[@REV]", "the dataset's hub repository id",
		  &o.hub_id },
		{ "purpose", 0, OPT_STRING, "PURPOSE", "fine-tuning, safety-mix or evaluation",
		  &o.purpose },
		{ "screen-patterns", 0, OPT_STRING, "FILE",
		  "screening patterns replacing the shipped list", &o.screen_patterns },
		{ "ignore", 0, OPT_LIST, "PATH", "ignore this path (relative to the dataset root)",
		  &ignore },
		{ "no-git", 0, OPT_FLAG, NULL, "do not record git provenance", &nogit },
		{ "no-progress", 0, OPT_FLAG, NULL, "no progress bar on the terminal", &noprog },
		{ "output", 'o', OPT_STRING, "FILE", "write the statement here (default: stdout)", &out },
		OPT_END
	};
	const struct cmd_spec spec = {
		"attest dataset",
		"PATH --name NAME [--version V] [--license SPDX-ID] [--source URI]\n"
		"       [--hub-id ORG/NAME[@REV]] [--purpose fine-tuning|safety-mix|evaluation]\n"
		"       [--screen-patterns FILE] [-o FILE]",
		"Print the in-toto statement of a fine-tuning dataset: file digests, record statistics\n"
		"(JSONL, JSON arrays, CSV, Parquet, also .gz/.zst; chat formats checked; per split),\n"
		"git provenance and a heuristic "
		"screening for harmful or identity-shifting examples.", opts, 1, 1, NULL
	};

	PARSE_OR_RETURN(spec, argc, argv, pos, lists);
	if (!o.name) {
		free_lists(lists);
		strlist_free(&pos);
		return cli_usage_error(&spec, "--name NAME is required");
	}
	if (o.hub_id && hm_hub_id_check(o.hub_id) < 0) {
		free_lists(lists);
		strlist_free(&pos);
		return cli_usage_error(&spec, "--hub-id: %s", cli_esc(hm_error_last()));
	}
	dopts.ignore = ignore.v;
	dopts.nignore = ignore.n;
	o.digest = &dopts;
	if (nogit)
		o.flags |= HM_DATASET_NO_GIT;
	progress_attach(&prog, &dopts, "hashing", noprog);
	rc = hm_dataset_statement(&st, pos.v[0], &o);
	progress_done(&prog);
	strlist_free(&pos);
	free_lists(lists);
	if (rc < 0)
		return cli_lib_error(rc);
	dataset_summary(st, o.name);
	warn_unread(st);
	return emit(st, out);
}

static int attest_run(int argc, char **argv)
{
	struct strlist pos = { 0 }, datasets = { 0 }, ignore = { 0 };
	struct strlist *lists[] = { &datasets, &ignore, NULL };
	hm_run_options o = HM_RUN_OPTIONS_INIT;
	hm_digest_options dopts = HM_DIGEST_OPTIONS_INIT;
	const char *out = NULL;
	int noprog = 0, symlinks = 0, gitpaths = 0, rc, dirty = 0;
	char *st = NULL;
	struct progress prog;
	const struct opt opts[] = {
		{ "model", 0, OPT_STRING, "PATH", "the fine-tuned model (required)", &o.model },
		{ "model-name", 0, OPT_STRING, "NAME", "its subject name", &o.model_name },
		{ "base-model", 0, OPT_STRING, "PATH|sha256:HEX", "the base model (required)",
		  &o.base_model },
		{ "base-name", 0, OPT_STRING, "NAME", "the base model's name", &o.base_name },
		{ "dataset", 0, OPT_MULTI, "FILE", "dataset statement or bundle (required)", &datasets },
		MODEL_HASHING_OPTS(o.model_statement, ignore, symlinks, gitpaths),
		{ "config", 0, OPT_STRING, "FILE",
		  "hyperparameters: JSON, or YAML when named .yaml/.yml", &o.config },
		{ "method", 0, OPT_STRING, "METHOD", "full, lora, ... (default: config's \"method\")",
		  &o.method },
		{ "code", 0, OPT_STRING, "REPO_PATH", "training code in a git work tree", &o.code },
		{ "builder", 0, OPT_STRING, "ID", "builder id URI", &o.builder },
		{ "started", 0, OPT_STRING, "TIME", "RFC 3339 start time", &o.started },
		{ "finished", 0, OPT_STRING, "TIME", "RFC 3339 end time", &o.finished },
		{ "no-progress", 0, OPT_FLAG, NULL, "no progress bar on the terminal", &noprog },
		{ "output", 'o', OPT_STRING, "FILE", "write the statement here (default: stdout)", &out },
		OPT_END
	};
	const struct cmd_spec spec = {
		"attest run",
		"--model OUT_PATH [--model-statement FILE | --ignore PATH...]\n"
		"       --base-model PATH|sha256:HEX [--base-name NAME]\n"
		"       --dataset STATEMENT_OR_BUNDLE... [--config FILE.json|FILE.yaml]\n"
		"       [--code REPO_PATH]\n"
		"       [--builder ID] [--started TIME] [--finished TIME] [-o FILE]",
		"Print a SLSA Provenance v1 statement of a fine-tuning run: the tuned model as\n"
		"subject, hyperparameters, base model, datasets and training code commit.",
		opts, 0, 0, NULL
	};

	PARSE_OR_RETURN(spec, argc, argv, pos, lists);
	strlist_free(&pos);
	if (!o.model || !o.base_model || datasets.n == 0) {
		free_lists(lists);
		return cli_usage_error(&spec, "--model, --base-model and --dataset are required");
	}
	if ((rc = model_hashing(&spec, &dopts, &ignore, symlinks, gitpaths, o.model_statement))) {
		free_lists(lists);
		return rc;
	}
	o.datasets = datasets.v;
	o.ndatasets = datasets.n;
	o.digest = &dopts;
	progress_attach(&prog, &dopts, "hashing", noprog);
	rc = hm_run_statement(&st, &o);
	progress_done(&prog);
	free_lists(lists);
	if (rc < 0)
		return cli_lib_error(rc);
	if (hm_run_statement_dirty(&dirty, st, strlen(st)) == 0 && dirty)
		cli_warn("the training code work tree has uncommitted changes: the recorded commit "
			 "is not the code that ran (a policy with require_clean_training_tree refuses "
			 "it)");
	return emit(st, out);
}

/* What the audit noticed about its benchmark: unregistered, or covered only in part. */
static void audit_warnings(const char *statement, const char *benchmark)
{
	const hm_audit_coverage *cov;
	hm_audit_report *r = NULL;
	hm_statement *st = NULL;

	if (hm_statement_parse(&st, statement, strlen(statement), "audit statement") < 0 ||
	    hm_audit_report_parse(&r, st) < 0) {
		hm_statement_free(st);
		return;
	}
	cov = hm_audit_metrics_coverage(hm_audit_report_metrics(r));
	if (hm_audit_metrics_kind(hm_audit_report_metrics(r)) == HM_AUDIT_KIND_JUDGED &&
	    !hm_audit_report_judge(r))
		cli_warn("the judge that scored the answers is not recorded (--judge ID, and "
			 "--judge-prompt FILE for its prompt template)");
	if (!hm_audit_report_registry_name(r))
		cli_warn("benchmark \"%s\" is not registered (see hallmark-benchmark(5)): its "
			 "coverage is unknown", benchmark);
	else if (!cov)
		cli_warn("%s results have no per-item records: the coverage of %s is unknown",
			 hm_audit_format_name(hm_audit_report_format(r)),
			 hm_audit_report_registry_name(r));
	else if (cov->missing)
		cli_warn("partial audit: %zu of %zu items of %s scored, %zu missing, %zu categories "
			 "without any", cov->scored, cov->expected, hm_audit_report_registry_name(r),
			 cov->missing, cov->categories_missing);
	hm_audit_report_free(r);
	hm_statement_free(st);
}

static int attest_audit(int argc, char **argv)
{
	struct strlist pos = { 0 }, results = { 0 }, bresults = { 0 }, ignore = { 0 };
	struct strlist *lists[] = { &results, &bresults, &ignore, NULL };
	hm_audit_options o = HM_AUDIT_OPTIONS_INIT;
	hm_digest_options dopts = HM_DIGEST_OPTIONS_INIT;
	const char *out = NULL, *format = NULL;
	int noprog = 0, symlinks = 0, gitpaths = 0, rc;
	char *st = NULL;
	struct progress prog;
	const struct opt opts[] = {
		{ "model", 0, OPT_STRING, "PATH|sha256:HEX", "the audited model (required)", &o.model },
		{ "model-name", 0, OPT_STRING, "NAME", "its subject name", &o.model_name },
		MODEL_HASHING_OPTS(o.model_statement, ignore, symlinks, gitpaths),
		{ "benchmark", 0, OPT_STRING, "NAME", "benchmark name, e.g. HEx-PHI (required)",
		  &o.benchmark },
		{ "results", 0, OPT_MULTI, "FILE", "per-item results (required)", &results },
		{ "format", 0, OPT_STRING, "F",
		  "hallmark-judged, hallmark-labelled, hexphi-judged, keyword, lm-eval, inspect "
		  "(default: detect)",
		  &format },
		{ "category", 0, OPT_STRING, "NAME", "category of every hexphi-judged file", &o.category },
		{ "baseline-model", 0, OPT_STRING, "PATH|sha256:HEX", "the base model audited alike",
		  &o.baseline_model },
		{ "baseline-results", 0, OPT_MULTI, "FILE", "the base model's per-item results",
		  &bresults },
		{ "base-model", 0, OPT_STRING, "PATH|sha256:HEX",
		  "an adapter's base model it was evaluated on (required for adapters)",
		  &o.base_model },
		{ "judge", 0, OPT_STRING, "ID", "the judge, e.g. gpt-4-0613", &o.judge },
		{ "judge-prompt", 0, OPT_STRING, "FILE", "the judge's prompt template, to digest",
		  &o.judge_prompt },
		{ "benchmark-data", 0, OPT_STRING, "PATH", "benchmark prompts to digest",
		  &o.benchmark_data },
		{ "benchmarks", 0, OPT_STRING, "DIR",
		  "more registered benchmarks (default: $HALLMARK_BENCHMARKS)", &o.benchmarks },
		{ "partial", 0, OPT_FLAG, NULL, "record missing items as partial coverage",
		  &o.partial },
		{ "time", 0, OPT_STRING, "TIME", "audit time, RFC 3339 UTC (default: now)", &o.time },
		{ "no-progress", 0, OPT_FLAG, NULL, "no progress bar on the terminal", &noprog },
		{ "output", 'o', OPT_STRING, "FILE", "write the statement here (default: stdout)", &out },
		OPT_END
	};
	const struct cmd_spec spec = {
		"attest audit",
		"--model PATH|sha256:HEX [--model-statement FILE | --ignore PATH...]\n"
		"       --benchmark NAME --results FILE... [--format F]\n"
		"       [--base-model PATH|sha256:HEX] (an adapter's base)\n"
		"       [--baseline-model PATH|sha256:HEX --baseline-results FILE...] [--judge ID]\n"
		"       [--judge-prompt FILE]\n"
		"       [--benchmark-data PATH] [--benchmarks DIR] [--partial] [-o FILE]",
		"Print a safety-audit statement: metrics that hallmark computes from the per-item\n"
		"results (harmfulness score and rate overall and per category, or keyword attack\n"
		"success rate), next to the base model's and the difference, with 95% intervals.\n"
		"A registered benchmark (hallmark-benchmark(5)) must be covered item by item.", opts,
		0, 0, NULL
	};

	PARSE_OR_RETURN(spec, argc, argv, pos, lists);
	strlist_free(&pos);
	if (!o.model || !o.benchmark || results.n == 0) {
		free_lists(lists);
		return cli_usage_error(&spec, "--model, --benchmark and --results are required");
	}
	if (!o.baseline_model != !bresults.n) {
		free_lists(lists);
		return cli_usage_error(&spec, "--baseline-model and --baseline-results go together");
	}
	if (format && (rc = hm_audit_format_parse(&o.format, format)) < 0) {
		free_lists(lists);
		cli_lib_error(rc);
		return EXIT_USAGE;
	}
	if ((rc = model_hashing(&spec, &dopts, &ignore, symlinks, gitpaths, o.model_statement))) {
		free_lists(lists);
		return rc;
	}
	o.results = results.v;
	o.nresults = results.n;
	o.baseline_results = bresults.v;
	o.nbaseline_results = bresults.n;
	o.digest = &dopts;
	progress_attach(&prog, &dopts, "hashing", noprog);
	rc = hm_audit_statement(&st, &o);
	progress_done(&prog);
	free_lists(lists);
	if (rc < 0)
		return cli_lib_error(rc);
	audit_warnings(st, o.benchmark);
	return emit(st, out);
}

int cmd_attest(int argc, char **argv)
{
	static const struct subcmd subs[] = {
		{ "model", attest_model, "a model's OMS v1.0 manifest statement" },
		{ "dataset", attest_dataset, "a dataset's provenance, statistics and screening" },
		{ "run", attest_run, "a fine-tuning run (SLSA Provenance v1)" },
		{ "audit", attest_audit, "a safety audit with metrics computed from results" },
		{ "card", attest_card, "a model card bound to the model it describes" },
		{ NULL, NULL, NULL }
	};
	return cli_dispatch("attest", subs, argc, argv);
}
