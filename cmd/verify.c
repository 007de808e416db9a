/* hallmark verify: is the model on disk the one that was signed, trained and audited? */
#include "cli.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

static const char *status_word(hm_check_status s)
{
	return s == HM_CHECK_PASS ? "PASS" : s == HM_CHECK_SKIP ? "SKIP" : "FAIL";
}

/* --archive: the run is recorded in the archive (created on first use). */
static int record_in_archive(const char *db, const hm_verify_report *rep)
{
	hm_archive_options o = HM_ARCHIVE_OPTIONS_INIT;
	hm_archive *a = NULL;
	char *path = NULL;
	int rc;

	o.flags = HM_ARCHIVE_CREATE;
	if ((!db && (rc = hm_archive_default_path(&path)) < 0) ||
	    (rc = hm_archive_open(&a, db ? db : path, &o)) < 0 ||
	    (rc = hm_archive_add_verification(a, rep)) < 0) {
		hm_free(path);
		hm_archive_free(a);
		return cli_lib_error(rc);
	}
	fprintf(stderr, "hallmark: verification run archived as entry %lld\n", hm_archive_last_id(a));
	hm_free(path);
	hm_archive_free(a);
	return 0;
}

/*
 * A model given as a hub id (ORG/NAME[@REV]) when no such path exists: its
 * snapshot in the local hub cache, never downloaded. *snapshot stays NULL
 * for a path.
 */
static int hub_model(char **snapshot, const char *arg, const char *what)
{
	struct stat st;
	int rc;

	*snapshot = NULL;
	if (lstat(arg, &st) == 0 || errno != ENOENT || !hm_hub_id_valid(arg) || !strchr(arg, '/'))
		return 0;
	if ((rc = hm_hub_resolve(snapshot, arg, NULL)) < 0)
		return cli_lib_error(rc);
	fprintf(stderr, "hallmark: %s%s is the hub cache snapshot %s\n", what, cli_esc(arg),
		cli_esc(*snapshot));
	return 0;
}

int cmd_verify(int argc, char **argv)
{
	struct strlist pos = { 0 }, keys = { 0 }, akeys = { 0 }, bundles = { 0 }, certs = { 0 };
	struct strlist ignore = { 0 };
	struct cli_ignores ig = { NULL, 0, NULL, 0 };
	int unsigned_ok = 0;
	const char *policy_path = NULL, *junit = NULL, *at = NULL;
	const char *identity = NULL, *issuer = NULL, *trusted_root = NULL, *base_model = NULL;
	struct cli_verify_args va = { 0 };
	hm_verify_report *rep = NULL;
	char *snapshot = NULL, *base_snapshot = NULL;
	unsigned long jobs = 0;
	int json = 0, verbose = 0, noprog = 0, archive = 0, cache = 0, no_cache = 0, rc;
	int status = EXIT_USAGE;
	const char *archive_db = NULL;
	size_t i, j;
	const struct opt opts[] = {
		{ "bundle", 'b', OPT_LIST, "FILE",
		  "a signed bundle: .intoto.jsonl or Sigstore (model.sig); several make one (required)",
		  &bundles },
		{ "key", 'k', OPT_LIST, "PUB", "trusted publisher key (Ed25519 or ECDSA PEM)", &keys },
		{ "auditor-key", 0, OPT_LIST, "PUB", "trusted auditor key (default: the --key keys)",
		  &akeys },
		CLI_TRUST_OPTS(&certs, &identity, &issuer, &trusted_root),
		{ "policy", 'p', OPT_STRING, "FILE",
		  "policy file, or a built-in: default, integrity (see hallmark-policy(5))",
		  &policy_path },
		{ "base-model", 0, OPT_STRING, "DIR|ORG/NAME[@REV]",
		  "the base model on disk: checked against the run's signed base (adapters need it)",
		  &base_model },
		{ "json", 0, OPT_FLAG, NULL, "print the report as JSON", &json },
		{ "junit", 0, OPT_STRING, "FILE", "also write the report as JUnit XML (`-`: only that, on standard output)", &junit },
		{ "at", 0, OPT_STRING, "TIME", "audit age and certificate validity at this RFC 3339 time (default: now)",
		  &at },
		{ "ignore", 0, OPT_LIST, "PATH",
		  "also leave out this path (relative to the model root); a signed file under it "
		  "is missing", &ignore },
		{ "ignore-unsigned-files", 0, OPT_FLAG, NULL,
		  "files the signed manifest does not list are listed, not a failure", &unsigned_ok },
		{ "jobs", 'j', OPT_UINT, "N", "hashing threads (default: online CPUs)", &jobs },
		{ "no-progress", 0, OPT_FLAG, NULL, "no progress bar on the terminal", &noprog },
		{ "cache", 0, OPT_FLAG, NULL,
		  "re-hash only files whose stat changed since they last matched (see DIGEST CACHE)",
		  &cache },
		{ "no-cache", 0, OPT_FLAG, NULL, "hash every file; the cache is not read or written "
		  "(the default; overrides --cache)", &no_cache },
		{ "verbose", 'v', OPT_FLAG, NULL, "print the details of passing checks too", &verbose },
		{ "archive", 0, OPT_FLAG, NULL, "record this run in the archive (hallmark-archive(1))",
		  &archive },
		{ "db", 0, OPT_STRING, "PATH", "the archive for --archive (default: $HALLMARK_ARCHIVE)",
		  &archive_db },
		OPT_END
	};
	const struct cmd_spec spec = {
		"verify",
		"MODEL_PATH|ORG/NAME[@REV] --bundle B... (--key PUB... | --cert-chain PEM...)\n"
		"       [--auditor-key PUB]... [--base-model DIR|ORG/NAME[@REV]]\n"
		"       [--policy FILE.json|FILE.yaml|integrity] [--json] [--junit FILE]\n"
		"       [--ignore PATH]... [--ignore-unsigned-files]",
		"Check that the model on disk is exactly the one signed, that its fine-tuning run\n"
		"and datasets are attested, and that a trusted safety audit of this exact model is\n"
		"within the policy against its base model; for a LoRA/PEFT adapter, that the base\n"
		"model on disk is the signed base. Exit 0 only when every check passes,\n"
		"1 when any fails, 2 for usage errors or unreadable input.", opts, 1, 1, NULL
	};

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO) {
		status = opt_exit_status(rc);
		goto out;
	}
	if (!bundles.n) {
		status = cli_usage_error(&spec, "--bundle is required");
		goto out;
	}
	if (junit && strcmp(junit, "-") == 0 && json) {
		status = cli_usage_error(&spec, "--junit - and --json both write to standard output");
		goto out;
	}
	if (at && (rc = hm_rfc3339_parse(&va.now, at)) < 0) {
		status = cli_usage_error(&spec, "--at: %s", hm_error_last());
		goto out;
	}
	va.model = pos.v[0];
	if ((status = hub_model(&snapshot, pos.v[0], "")) != 0)
		goto out;
	if (snapshot)
		va.model = snapshot;
	va.base_model = base_model;
	if (base_model && (status = hub_model(&base_snapshot, base_model, "base model ")) != 0)
		goto out;
	if (base_snapshot)
		va.base_model = base_snapshot;
	/* the bundles inside the model directory are not part of it (as model_signing does) */
	if ((status = cli_ignores_build(&ig, &spec, va.model, &ignore, bundles.v, bundles.n)) != 0)
		goto out;
	va.ignore = ig.v;
	va.nignore = ig.n;
	va.ignore_unsigned_files = unsigned_ok;
	status = EXIT_USAGE;
	va.bundles = &bundles;
	va.cert_chains = &certs;
	va.identity = identity;
	va.issuer = issuer;
	va.trusted_root = trusted_root;
	va.policy = policy_path;
	va.keys = &keys;
	va.auditor_keys = &akeys;
	va.jobs = (unsigned)jobs;
	va.no_progress = noprog;
	va.cache = cache && !no_cache;
	if ((status = cli_verify_model(&rep, &va)) != 0)
		goto out;
	status = EXIT_USAGE;
	if (archive && (status = record_in_archive(archive_db, rep)) != 0)
		goto out;
	if (junit) {
		char *xml = NULL;
		if ((rc = hm_verify_report_junit(&xml, rep)) < 0 ||
		    (status = cli_write_output(junit, xml, strlen(xml), 1)) != 0) {
			hm_free(xml);
			if (rc < 0)
				status = cli_lib_error(rc);
			goto out;
		}
		hm_free(xml);
		status = EXIT_USAGE;
	}
	if (junit && strcmp(junit, "-") == 0) {
		/* the XML on standard output is the report */
	} else if (json) {
		char *s = NULL;
		if ((rc = hm_verify_report_json(&s, rep)) < 0) {
			cli_lib_error(rc);
			goto out;
		}
		printf("%s\n", s);
		hm_free(s);
	} else {
		size_t nfail = 0;
		char failed[96] = "";
		printf("hallmark verify %s (policy: %s)\n", cli_esc(pos.v[0]),
		       policy_path ? cli_esc(policy_path) : "default");
		for (i = 0; i < HM_CHECK_COUNT; i++) {
			hm_check_status st = hm_verify_report_status(rep, (hm_check_id)i);
			printf("  %s  %-11s %s\n", status_word(st), hm_check_name((hm_check_id)i),
			       cli_esc(hm_verify_report_reason(rep, (hm_check_id)i)));
			for (j = 0; j < hm_verify_report_warning_count(rep, (hm_check_id)i); j++)
				printf("  WARN  %-11s %s\n", hm_check_name((hm_check_id)i),
				       cli_esc(hm_verify_report_warning(rep, (hm_check_id)i, j)));
			if (st == HM_CHECK_FAIL) {
				snprintf(failed + strlen(failed), sizeof(failed) - strlen(failed), "%s%s",
					 nfail ? ", " : "", hm_check_name((hm_check_id)i));
				nfail++;
			}
			if (st == HM_CHECK_FAIL || verbose)
				for (j = 0; j < hm_verify_report_detail_count(rep, (hm_check_id)i); j++)
					printf("        %s\n",
					       cli_esc(hm_verify_report_detail(rep, (hm_check_id)i,
									       j)));
		}
		if (hm_verify_report_ok(rep))
			printf("VERIFIED sha256:%s\n", cli_esc(hm_verify_report_model_digest(rep)));
		else
			printf("NOT VERIFIED: %zu of %d checks failed (%s)\n", nfail, HM_CHECK_COUNT,
			       failed);
	}
	status = hm_verify_report_ok(rep) ? EXIT_OK : EXIT_NO;
out:
	cli_ignores_free(&ig);
	strlist_free(&ignore);
	hm_verify_report_free(rep);
	hm_free(snapshot);
	hm_free(base_snapshot);
	strlist_free(&pos);
	strlist_free(&keys);
	strlist_free(&akeys);
	strlist_free(&bundles);
	strlist_free(&certs);
	return status;
}
