/*
 * hallmark sign: validate statements, sign them, append the envelopes to a
 * bundle; or write one statement as a Sigstore bundle (model_signing's model.sig).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* --sigstore-bundle: one statement, the key method or (with --signing-cert) the certificate one. */
static int sign_sigstore(const hm_key *key, const char *stmt, const char *out,
			 const char *signing_cert, const struct strlist *chain, int force)
{
	hm_sigstore_sign_options so = HM_SIGSTORE_SIGN_OPTIONS_INIT;
	char *text = NULL, *cert = NULL, **pems = NULL, *bundle = NULL;
	size_t len, certlen = 0, *lens = NULL, i, blen;
	const char *name = strcmp(stmt, "-") == 0 ? "(stdin)" : stmt;
	int rc, status = EXIT_USAGE;

	if (signing_cert) {
		pems = calloc(chain->n + 1, sizeof(*pems));
		lens = calloc(chain->n + 1, sizeof(*lens));
		if (!pems || !lens) {
			cli_error("out of memory");
			goto out;
		}
		if ((rc = hm_read_file(&cert, &certlen, signing_cert, 1 << 20)) < 0) {
			cli_lib_error(rc);
			goto out;
		}
		for (i = 0; i < chain->n; i++)
			if ((rc = hm_read_file(&pems[i], &lens[i], chain->v[i], 1 << 22)) < 0) {
				cli_lib_error(rc);
				goto out;
			}
		so.signing_cert_pem = cert;
		so.signing_cert_len = certlen;
		so.chain_pems = (const char *const *)pems;
		so.chain_lens = lens;
		so.nchain = chain->n;
	}
	if ((rc = hm_read_file(&text, &len, stmt, (size_t)256 << 20)) < 0) {
		cli_lib_error(rc);
		goto out;
	}
	if ((rc = hm_sigstore_sign(&bundle, &blen, text, len, name, key, &so)) < 0) {
		status = cli_lib_error(rc);
		goto out;
	}
	if ((status = cli_write_output(out, bundle, blen, force)) != 0)
		goto out;
	fprintf(stderr, "signed %s as a Sigstore bundle (%s method) into %s with key %s\n", name,
		signing_cert ? "certificate" : "key", out, hm_key_id(key));
out:
	for (i = 0; pems && i < chain->n; i++)
		hm_free(pems[i]);
	free(pems);
	free(lens);
	hm_free(cert);
	hm_free(text);
	hm_free(bundle);
	return status;
}

int cmd_sign(int argc, char **argv)
{
	const char *keyfile = NULL, *bundle = NULL, *passfile = NULL, *sigstore = NULL;
	const char *signing_cert = NULL;
	struct strlist pos = { 0 }, chain = { 0 };
	int force = 0;
	char **lines = NULL;
	size_t *lens = NULL, i, nstdin = 0, nskipped = 0;
	int *skipped = NULL;
	hm_key *key = NULL;
	int rc, status = EXIT_OK;
	const struct opt opts[] = {
		{ "key", 'k', OPT_STRING, "FILE", "secret key (.key or OpenSSL PEM)", &keyfile },
		{ "bundle", 'b', OPT_STRING, "FILE",
		  "bundle to append to (created if missing; replaced atomically)", &bundle },
		{ "sigstore-bundle", 0, OPT_STRING, "OUT",
		  "write the one statement as a Sigstore bundle v0.3 (model_signing's model.sig)",
		  &sigstore },
		{ "signing-cert", 0, OPT_STRING, "PEM",
		  "with --sigstore-bundle: the key's certificate (the certificate method)",
		  &signing_cert },
		{ "cert-chain", 0, OPT_LIST, "PEM",
		  "with --signing-cert: its chain, intermediates up to the root", &chain },
		{ "force", 0, OPT_FLAG, NULL, "overwrite the --sigstore-bundle file", &force },
		{ "passphrase-file", 0, OPT_STRING, "FILE",
		  "read the key's passphrase from FILE (HALLMARK_PASSPHRASE wins)", &passfile },
		OPT_END
	};
	const struct cmd_spec spec = {
		"sign",
		"--key KEY --bundle OUT.intoto.jsonl STATEMENT.json...\n"
		"       --key KEY --sigstore-bundle OUT [--signing-cert PEM [--cert-chain PEM]...] "
		"STATEMENT.json",
		"Validate each in-toto Statement v1, sign its canonical JSON as a DSSE envelope\n"
		"(payloadType application/vnd.in-toto+json, keyid = key id; Ed25519 or ECDSA by the\n"
		"key) and append one envelope per statement to the bundle. `-` reads a statement\n"
		"from standard input. Nothing is written unless every statement signs. A statement\n"
		"the bundle already holds signed by this key is skipped; a file that is not a\n"
		"bundle is refused. With --sigstore-bundle, write one statement as a Sigstore\n"
		"bundle v0.3 instead, as model_signing does: publicKey.hint (key method) or, with\n"
		"--signing-cert, the certificate chain, signing certificate first (certificate\n"
		"method).",
		opts, 1, ANY_ARGS, NULL
	};

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO) {
		strlist_free(&chain);
		return strlist_free(&pos), opt_exit_status(rc);
	}
	if (!keyfile || (!bundle == !sigstore) || (sigstore && pos.n != 1) ||
	    ((signing_cert || chain.n) && !sigstore) || (chain.n && !signing_cert)) {
		const char *why = !keyfile ? "--key is required"
				  : !bundle == !sigstore ? "give --bundle or --sigstore-bundle (one of them)"
				  : sigstore && pos.n != 1 ? "--sigstore-bundle signs exactly one statement"
				  : !sigstore ? "--signing-cert and --cert-chain go with --sigstore-bundle"
					      : "--cert-chain needs --signing-cert";
		strlist_free(&pos);
		strlist_free(&chain);
		return cli_usage_error(&spec, "%s", why);
	}
	if (sigstore) {
		if ((rc = cli_load_secret_key(&key, keyfile, passfile)) < 0)
			status = cli_lib_error(rc);
		else
			status = sign_sigstore(key, pos.v[0], sigstore, signing_cert, &chain, force);
		hm_key_free(key);
		strlist_free(&pos);
		strlist_free(&chain);
		return status;
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
	strlist_free(&chain);
	return status;
}
