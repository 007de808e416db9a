/* hallmark: the command-line client of libhallmark. */
#include "cli.h"

#include <string.h>

static const struct subcmd groups[] = {
	{ "key", cmd_key, "create, import and inspect Ed25519 signing keys" },
	{ "sign", cmd_sign, "sign in-toto statements into a bundle" },
	{ "bundle", cmd_bundle, "check, show and export signed bundles" },
	{ "digest", cmd_digest, "the OMS manifest digest of a model" },
	{ "attest", cmd_attest, "statements for models, datasets, runs and audits" },
	{ "verify", cmd_verify, "verify a model on disk against a bundle and a policy" },
	{ "audit", cmd_audit, "re-derive a signed safety audit from its results files" },
	{ "card", cmd_card, "a Hugging Face model card from a bundle's verified facts" },
	{ "report", cmd_report, "a self-contained HTML report for compliance review" },
	{ "export", cmd_export, "CycloneDX ML-BOM and SPDX 3.0 exports of a bundle" },
	{ "archive", cmd_archive, "the compliance archive and its verifiable log" },
	{ NULL, NULL, NULL }
};

static void usage(FILE *out)
{
	const struct subcmd *g;

	fprintf(out, "usage: hallmark COMMAND [options]\n\n"
		     "Verifiable provenance and safety audits for fine-tuned language models.\n\n"
		     "commands:\n");
	for (g = groups; g->name; g++)
		fprintf(out, "  %-10s %s\n", g->name, g->summary);
	fprintf(out, "\nRun `hallmark COMMAND --help` for its options; man hallmark(1).\n"
		     "Exit status: 0 it holds, 1 a check failed or input is invalid, 2 usage error "
		     "or unreadable input.\n");
}

int main(int argc, char **argv)
{
	const struct subcmd *g;

	if (hm_init() < 0) {
		cli_error("%s", hm_error_last());
		return EXIT_USAGE;
	}
	/*
	 * Model files are read, not mapped (hm_hash_mmap_enable): mapping saves
	 * read()'s copy only for files the page cache holds in large folios, and
	 * costs about twice the CPU on freshly written ones (bench/run.sh).
	 */
	cli_cleanup_on_signals();
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("hallmark %s\n", hm_version());
		return EXIT_OK;
	}
	for (g = groups; g->name; g++)
		if (strcmp(g->name, argv[1]) == 0)
			return g->fn(argc - 1, argv + 1);
	fprintf(stderr, "hallmark: unknown command \"%s\" (see hallmark --help)\n", argv[1]);
	return EXIT_USAGE;
}
