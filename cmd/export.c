/* hallmark export: CycloneDX ML-BOM and SPDX 3.0 from a bundle's verified facts. */
#include "cli.h"

#include <string.h>

struct export_args {
	struct strlist pos, keys, akeys;
	const char *bundle, *out, *format, *model, *at;
};

static int run_export(const char *what, int argc, char **argv, int with_format)
{
	struct export_args a;
	hm_export_options eo = HM_EXPORT_OPTIONS_INIT;
	hm_bom_format fmt = HM_BOM_XML;
	hm_facts *f = NULL;
	char *doc = NULL, name[32];
	size_t len = 0;
	int status = EXIT_USAGE, rc;
	const struct opt opts[] = {
		{ "bundle", 'b', OPT_STRING, "FILE", "the signed bundle (required)", &a.bundle },
		{ "key", 'k', OPT_LIST, "PUB", "trusted publisher key (required)", &a.keys },
		{ "auditor-key", 0, OPT_LIST, "PUB", "trusted auditor key (default: the --key keys)",
		  &a.akeys },
		{ "model", 0, OPT_STRING, "PATH|sha256:HEX",
		  "the model to describe (default: the bundle's fine-tuned model)", &a.model },
		{ "format", 0, OPT_STRING, "xml|json", "CycloneDX encoding (default: xml)", &a.format },
		{ "at", 0, OPT_STRING, "TIME", "RFC 3339 UTC creation time (default: now)", &a.at },
		{ "output", 'o', OPT_STRING, "FILE", "write it here (default: stdout)", &a.out },
		OPT_END
	};
	struct opt spdx_opts[sizeof(opts) / sizeof(opts[0])];
	size_t i, j = 0;
	struct cmd_spec spec = {
		NULL, "--bundle B --key PUB... [--auditor-key PUB]... [--format xml|json] [-o FILE]",
		"Write a CycloneDX 1.6 ML-BOM of the model, its datasets and base model, with the\n"
		"audit metrics, from the bundle's verified attestations.", opts, 0, 0, NULL
	};

	memset(&a, 0, sizeof(a));
	snprintf(name, sizeof(name), "export %s", what);
	spec.name = name;
	if (!with_format) {
		for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
			if (!opts[i].name || strcmp(opts[i].name, "format") != 0)
				spdx_opts[j++] = opts[i];
		spec.opts = spdx_opts;
		spec.synopsis = "--bundle B --key PUB... [--auditor-key PUB]... [-o FILE]";
		spec.summary = "Write an SPDX 3.0 JSON-LD document: the model as an AIPackage, its\n"
			       "datasets as DatasetPackages, trainedOn / testedOn relationships.";
	}
	if ((rc = opt_parse(&spec, argc, argv, &a.pos)) != OPT_GO) {
		status = opt_exit_status(rc);
		goto out;
	}
	if (!a.bundle) {
		status = cli_usage_error(&spec, "--bundle is required");
		goto out;
	}
	if (a.format && strcmp(a.format, "json") == 0) {
		fmt = HM_BOM_JSON;
	} else if (a.format && strcmp(a.format, "xml") != 0) {
		status = cli_usage_error(&spec, "--format is xml or json, not \"%s\"", a.format);
		goto out;
	}
	if ((status = cli_load_facts(&f, a.bundle, &a.keys, &a.akeys, a.model)) != 0)
		goto out;
	eo.bundle = a.bundle;
	eo.timestamp = a.at;
	rc = with_format ? hm_export_cyclonedx(&doc, &len, f, fmt, &eo)
			 : hm_export_spdx(&doc, &len, f, &eo);
	if (rc < 0) {
		status = cli_lib_error(rc);
		goto out;
	}
	status = cli_write_output(a.out, doc, len, 1);
	if (status == 0 && a.out && strcmp(a.out, "-") != 0)
		fprintf(stderr, "wrote %s\n", a.out);
out:
	hm_free(doc);
	hm_facts_free(f);
	strlist_free(&a.pos);
	strlist_free(&a.keys);
	strlist_free(&a.akeys);
	return status;
}

static int export_cyclonedx(int argc, char **argv)
{
	return run_export("cyclonedx", argc, argv, 1);
}

static int export_spdx(int argc, char **argv)
{
	return run_export("spdx", argc, argv, 0);
}

int cmd_export(int argc, char **argv)
{
	static const struct subcmd subs[] = {
		{ "cyclonedx", export_cyclonedx, "CycloneDX 1.6 ML-BOM (XML or JSON)" },
		{ "spdx", export_spdx, "SPDX 3.0 JSON-LD with AI and dataset profiles" },
		{ NULL, NULL, NULL }
	};
	return cli_dispatch("export", subs, argc, argv);
}
