/* hallmark attest card: bind a published model card's digest to the model's. */
#include "cli.h"

#include <string.h>

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

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != 0) {
		status = rc > 0 ? EXIT_OK : EXIT_USAGE;
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
