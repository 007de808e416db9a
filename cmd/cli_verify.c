/* Running a verification from command-line arguments: shared by verify and report. */
#include "cli.h"
#include "cli_progress.h"

#include <string.h>

int cli_trust_open(struct cli_trust *t, const struct cli_trust_args *a)
{
	hm_trust_options defaults = HM_TRUST_OPTIONS_INIT;
	size_t i, ncerts = a->cert_chains ? a->cert_chains->n : 0;
	int rc, status;

	memset(t, 0, sizeof(*t));
	t->to = defaults;
	if (!a->keys->n && !ncerts && !a->identity && !a->issuer) {
		cli_error("no trusted keys: give at least one --key PUB (or --cert-chain PEM for "
			  "certificate-signed bundles, or --identity and --issuer for keyless ones)");
		return EXIT_USAGE;
	}
	if ((!a->identity) != (!a->issuer)) {
		cli_error("--identity and --issuer go together");
		return EXIT_USAGE;
	}
	if (a->identity && !hm_sigstore_keyless_available()) {
		cli_error("keyless verification is not available in this build");
		return EXIT_USAGE;
	}
	if (a->keys->n && (status = cli_keyring(&t->kr, a->keys, "--key")) != 0)
		return status;
	if (a->auditor_keys && a->auditor_keys->n &&
	    (status = cli_keyring(&t->akr, a->auditor_keys, "--auditor-key")) != 0) {
		cli_trust_close(t);
		return status;
	}
	if (ncerts) {
		if ((rc = hm_cert_roots_new(&t->roots)) < 0) {
			cli_trust_close(t);
			return cli_lib_error(rc);
		}
		for (i = 0; i < ncerts; i++)
			if ((rc = hm_cert_roots_add_file(t->roots, a->cert_chains->v[i])) < 0) {
				cli_lib_error(rc);
				cli_trust_close(t);
				return EXIT_USAGE;
			}
	}
	t->to.keys = t->kr;
	t->to.auditor_keys = t->akr;
	t->to.cert_roots = t->roots;
	t->to.identity = a->identity;
	t->to.issuer = a->issuer;
	t->to.trusted_root = a->trusted_root;
	t->to.now = a->now;
	return 0;
}

void cli_trust_close(struct cli_trust *t)
{
	hm_keyring_free(t->kr);
	hm_keyring_free(t->akr);
	hm_cert_roots_free(t->roots);
	memset(t, 0, sizeof(*t));
}

int cli_bundle_load(hm_bundle **out, const struct strlist *paths)
{
	size_t i;
	int rc;

	if ((rc = hm_bundle_new(out)) < 0)
		return cli_lib_error(rc);
	for (i = 0; i < paths->n; i++)
		if ((rc = hm_bundle_add_file(*out, paths->v[i])) < 0) {
			hm_bundle_free(*out);
			*out = NULL;
			cli_lib_error(rc);
			return EXIT_USAGE;
		}
	return 0;
}

/* A digest cache problem: said between progress bars. */
static void cache_warning(const char *msg, void *payload)
{
	progress_done(payload);
	cli_warn("%s", msg);
}

int cli_verify_model(hm_verify_report **out, const struct cli_verify_args *a)
{
	hm_verify_options vo = HM_VERIFY_OPTIONS_INIT;
	hm_trusted_bundle *tb = NULL;
	hm_digest_options dopts = HM_DIGEST_OPTIONS_INIT;
	struct cli_trust_args ta = { 0 };
	struct cli_trust trust;
	const char *one[1];
	struct strlist single = { one, 1 };
	hm_policy *policy = NULL;
	hm_bundle *bundle = NULL;
	struct progress prog;
	hm_digest_stats stats = { 0, 0, 0, 0 };
	int rc, status;

	*out = NULL;
	if (a->trusted)
		*a->trusted = NULL;
	ta.keys = a->keys;
	ta.auditor_keys = a->auditor_keys;
	ta.cert_chains = a->cert_chains;
	ta.identity = a->identity;
	ta.issuer = a->issuer;
	ta.trusted_root = a->trusted_root;
	ta.now = a->now;
	if ((status = cli_trust_open(&trust, &ta)) != 0)
		return status;
	status = EXIT_USAGE;
	if (a->policy) {
		if ((rc = hm_policy_builtin(&policy, a->policy)) == HM_ENOTFOUND)
			rc = hm_policy_load(&policy, a->policy);
		if (rc < 0) {
			cli_lib_error(rc);
			goto out;
		}
	}
	one[0] = a->bundle;
	if (cli_bundle_load(&bundle, a->bundles && a->bundles->n ? a->bundles : &single) != 0)
		goto out;
	if ((rc = hm_trusted_bundle_open(&tb, bundle, &trust.to)) < 0) {
		cli_lib_error(rc);
		goto out;
	}
	/*
	 * the trusted bundle keeps what it read: the text, and the decoded payloads
	 * its statements were read from, go before the model is hashed
	 */
	hm_bundle_free(bundle);
	bundle = NULL;
	hm_trusted_bundle_release_payloads(tb);
	vo.keys = trust.kr;
	vo.auditor_keys = trust.akr;
	vo.policy = policy;
	vo.now = a->now;
	vo.base_model = a->base_model;
	dopts.jobs = a->jobs;
	dopts.cache = a->cache;
	dopts.warning = cache_warning;
	dopts.warning_payload = &prog;
	dopts.stats = &stats;
	dopts.ignore = a->ignore;
	dopts.nignore = a->nignore;
	vo.digest = &dopts;
	vo.ignore_unsigned_files = a->ignore_unsigned_files;
	progress_attach(&prog, &dopts, "hashing", a->no_progress);
	rc = hm_verify_trusted(out, a->model, tb, &vo);
	progress_done(&prog);
	if (a->cache && rc >= 0)
		fprintf(stderr,
			"hallmark: digest cache: %llu file%s (%llu bytes) unchanged and not read, "
			"%llu file%s (%llu bytes) hashed\n",
			(unsigned long long)stats.files_cached, stats.files_cached == 1 ? "" : "s",
			(unsigned long long)stats.bytes_cached,
			(unsigned long long)stats.files_hashed, stats.files_hashed == 1 ? "" : "s",
			(unsigned long long)stats.bytes_hashed);
	if (rc < 0) {
		cli_lib_error(rc);
		goto out;
	}
	status = 0;
	if (a->trusted) {
		*a->trusted = tb;
		tb = NULL;
	}
out:
	hm_trusted_bundle_free(tb);
	hm_bundle_free(bundle);
	hm_policy_free(policy);
	cli_trust_close(&trust);
	return status;
}
