/* hallmark sign: validate statements, sign them, append the envelopes to a bundle. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

int cmd_sign(int argc, char **argv)
{
	const char *keyfile = NULL, *bundle = NULL, *passfile = NULL;
	struct strlist pos = { 0 };
	char **lines = NULL;
	size_t *lens = NULL, i, nstdin = 0, nskipped = 0;
	int *skipped = NULL;
	hm_key *key = NULL;
	int rc, status = EXIT_OK;
	const struct opt opts[] = {
		{ "key", 'k', OPT_STRING, "FILE", "secret key (.key or OpenSSL PEM)", &keyfile },
		{ "bundle", 'b', OPT_STRING, "FILE",
		  "bundle to append to (created if missing; replaced atomically)", &bundle },
		{ "passphrase-file", 0, OPT_STRING, "FILE",
		  "read the key's passphrase from FILE (HALLMARK_PASSPHRASE wins)", &passfile },
		OPT_END
	};
	const struct cmd_spec spec = {
		"sign", "--key KEY --bundle OUT.intoto.jsonl STATEMENT.json...",
		"Validate each in-toto Statement v1, sign its canonical JSON as a DSSE envelope\n"
		"(Ed25519, payloadType application/vnd.in-toto+json, keyid = key id) and append one\n"
		"envelope per statement to the bundle. `-` reads a statement from standard input.\n"
		"Nothing is written unless every statement signs. A statement the bundle already\n"
		"holds signed by this key is skipped; a file that is not a bundle is refused.",
		opts, 1, ANY_ARGS, NULL
	};

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO)
		return strlist_free(&pos), opt_exit_status(rc);
	if (!keyfile || !bundle) {
		strlist_free(&pos);
		return cli_usage_error(&spec, "--key and --bundle are required");
	}
	for (i = 0; i < pos.n; i++)
		nstdin += strcmp(pos.v[i], "-") == 0;
	if (nstdin > 1) {
		strlist_free(&pos);
		return cli_usage_error(&spec, "`-` (standard input) may be given once");
	}
	if ((rc = cli_load_secret_key(&key, keyfile, passfile)) < 0) {
		status = cli_lib_error(rc);
		goto out;
	}
	lines = calloc(pos.n, sizeof(*lines));
	lens = calloc(pos.n, sizeof(*lens));
	if (!lines || !lens) {
		cli_error("out of memory");
		status = EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < pos.n; i++) {
		char *text;
		size_t len;
		const char *name = strcmp(pos.v[i], "-") == 0 ? "(stdin)" : pos.v[i];
		if ((rc = hm_read_file(&text, &len, pos.v[i], (size_t)256 << 20)) < 0) {
			status = cli_lib_error(rc);
			goto out;
		}
		rc = hm_sign_statement(&lines[i], &lens[i], text, len, name, key);
		hm_free(text);
		if (rc < 0) {
			status = cli_lib_error(rc);
			goto out;
		}
	}
	skipped = calloc(pos.n, sizeof(*skipped));
	if (!skipped) {
		cli_error("out of memory");
		status = EXIT_USAGE;
		goto out;
	}
	if ((rc = hm_bundle_append_envelopes(skipped, bundle, (const char *const *)lines, lens,
					     pos.n)) < 0) {
		/* a bundle that cannot be read, or a file that is not a bundle */
		cli_lib_error(rc);
		status = EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < pos.n; i++) {
		if (!skipped[i])
			continue;
		fprintf(stderr, "%s: %s already holds this statement signed by key %s; skipped\n",
			strcmp(pos.v[i], "-") == 0 ? "(stdin)" : pos.v[i], bundle, hm_key_id(key));
		nskipped++;
	}
	fprintf(stderr, "signed %zu statement%s into %s with key %s", pos.n - nskipped,
		pos.n - nskipped == 1 ? "" : "s", bundle, hm_key_id(key));
	if (nskipped)
		fprintf(stderr, " (%zu already there)", nskipped);
	fputc('\n', stderr);
out:
	free(skipped);
	for (i = 0; lines && i < pos.n; i++)
		hm_free(lines[i]);
	free(lines);
	free(lens);
	hm_key_free(key);
	strlist_free(&pos);
	return status;
}
