/* hallmark key: generate, import, id, public. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writes PREFIX.key and PREFIX.pub, both or neither. */
static int write_pair(const hm_key *key, const char *prefix, int no_pass, const char *passfile,
		      int force)
{
	hm_key_write_options wo = HM_KEY_WRITE_OPTIONS_INIT;
	char *pass = NULL, *what = NULL;
	int rc, status = EXIT_OK;

	if (!force) {
		/* say so before asking for a passphrase (the library checks again) */
		size_t n = strlen(prefix) + 5;
		char *k = malloc(n), *p = malloc(n);
		const char *exists = NULL;
		if (k && p) {
			snprintf(k, n, "%s.key", prefix);
			snprintf(p, n, "%s.pub", prefix);
			exists = access(k, F_OK) == 0 ? k : access(p, F_OK) == 0 ? p : NULL;
			if (exists)
				cli_error("%s: already exists (use --force to overwrite)", exists);
		}
		free(k);
		free(p);
		if (exists)
			return EXIT_USAGE;
	}
	if (!no_pass) {
		size_t n = strlen(prefix) + 5;
		what = malloc(n);
		if (what)
			snprintf(what, n, "%s.key", prefix);
		pass = cli_passphrase(passfile, 1, what ? what : "the new key");
		free(what);
		if (!pass)
			return EXIT_USAGE;
	}
	wo.overwrite = force;
	if ((rc = hm_key_write_pair(key, prefix, pass, pass ? strlen(pass) : 0, &wo)) < 0) {
		status = cli_lib_error(rc);
		goto out;
	}
	fprintf(stderr, "wrote %s.key (secret%s, mode 0600) and %s.pub\n", prefix,
		pass ? ", encrypted" : ", NOT encrypted", prefix);
	printf("%s\n", hm_key_id(key));
out:
	cli_passphrase_free(pass);
	return status;
}

static int key_generate(int argc, char **argv)
{
	const char *out = NULL, *passfile = NULL, *type_name = NULL;
	int no_pass = 0, force = 0, rc, status;
	struct strlist pos = { 0 };
	hm_key_type type = HM_KEY_ED25519;
	hm_key *key = NULL;
	const struct opt opts[] = {
		{ "output", 'o', OPT_STRING, "PREFIX", "write PREFIX.key and PREFIX.pub", &out },
		{ "type", 't', OPT_STRING, "TYPE",
		  "ed25519 (default), ecdsa-p256, ecdsa-p384 or ecdsa-p521", &type_name },
		{ "no-passphrase", 0, OPT_FLAG, NULL, "store the secret key unencrypted", &no_pass },
		{ "passphrase-file", 0, OPT_STRING, "FILE",
		  "read the passphrase from FILE's first line (HALLMARK_PASSPHRASE wins)", &passfile },
		{ "force", 0, OPT_FLAG, NULL, "overwrite existing key files", &force },
		OPT_END
	};
	const struct cmd_spec spec = { "key generate", "-o PREFIX [options]",
				       "Create a key pair (Ed25519 unless --type says otherwise). The "
				       "secret key is\nencrypted with a passphrase (Argon2id, "
				       "XChaCha20-Poly1305) unless\n--no-passphrase. Prints the key "
				       "id.", opts, 0, 0, NULL };

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO)
		return strlist_free(&pos), opt_exit_status(rc);
	strlist_free(&pos);
	if (!out)
		return cli_usage_error(&spec, "-o PREFIX is required");
	if (type_name && hm_key_type_parse(&type, type_name) < 0)
		return cli_usage_error(&spec, "--type: %s", hm_error_last());
	if ((rc = hm_key_generate_type(&key, type)) < 0)
		return cli_lib_error(rc);
	status = write_pair(key, out, no_pass, passfile, force);
	hm_key_free(key);
	return status;
}

static int key_import(int argc, char **argv)
{
	const char *out = NULL, *passfile = NULL;
	int no_pass = 0, force = 0, rc, status;
	struct strlist pos = { 0 };
	hm_key *key = NULL;
	const struct opt opts[] = {
		{ "output", 'o', OPT_STRING, "PREFIX", "write PREFIX.key and PREFIX.pub", &out },
		{ "no-passphrase", 0, OPT_FLAG, NULL, "store the secret key unencrypted", &no_pass },
		{ "passphrase-file", 0, OPT_STRING, "FILE",
		  "read the new passphrase from FILE's first line", &passfile },
		{ "force", 0, OPT_FLAG, NULL, "overwrite existing key files", &force },
		OPT_END
	};
	const struct cmd_spec spec = { "key import", "FILE -o PREFIX [options]",
				       "Import an OpenSSL private key into a hallmark key pair: "
				       "Ed25519 (PKCS#8 PEM, as\n`openssl genpkey -algorithm ed25519` "
				       "writes) or ECDSA on P-256, P-384 or P-521\n(PEM \"EC PRIVATE "
				       "KEY\" or PKCS#8).", opts, 1, 1, NULL };

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO)
		return strlist_free(&pos), opt_exit_status(rc);
	if (!out) {
		strlist_free(&pos);
		return cli_usage_error(&spec, "-o PREFIX is required");
	}
	rc = hm_key_load(&key, pos.v[0], NULL, NULL);
	if (rc == 0 && !hm_key_has_secret(key)) {
		rc = hm_error_set(HM_EINVAL, "%s: is a public key; import needs the private key",
				  pos.v[0]);
		hm_key_free(key);
		key = NULL;
	}
	strlist_free(&pos);
	if (rc < 0)
		return cli_lib_error(rc);
	status = write_pair(key, out, no_pass, passfile, force);
	hm_key_free(key);
	return status;
}

static int key_id(int argc, char **argv)
{
	struct strlist pos = { 0 };
	int rc, status = EXIT_OK;
	size_t i;
	const struct opt opts[] = { OPT_END };
	const struct cmd_spec spec = { "key id", "FILE...",
				       "Print the key id of each key file (.pub, .key or PEM): the "
				       "lowercase hex SHA-256\nof the DER SubjectPublicKeyInfo. No "
				       "passphrase is needed.", opts, 1, ANY_ARGS, NULL };

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO)
		return strlist_free(&pos), opt_exit_status(rc);
	for (i = 0; i < pos.n; i++) {
		hm_key *k;
		if ((rc = hm_key_load_public(&k, pos.v[i])) < 0) {
			status = cli_lib_error(rc);
			continue;
		}
		if (pos.n > 1)
			printf("%s  %s\n", hm_key_id(k), pos.v[i]);
		else
			printf("%s\n", hm_key_id(k));
		hm_key_free(k);
	}
	strlist_free(&pos);
	return status;
}

static int key_public(int argc, char **argv)
{
	struct strlist pos = { 0 };
	const char *vkey = NULL;
	hm_note_verifier *v = NULL;
	hm_key *k;
	char *pem;
	int rc;
	const struct opt opts[] = {
		{ "vkey", 0, OPT_STRING, "NAME", "print the note verifier key NAME+HASH+KEY "
		  "(c2sp.org/signed-note) of the key under NAME instead", &vkey },
		OPT_END
	};
	const struct cmd_spec spec = { "key public", "FILE [--vkey NAME]",
				       "Print the PEM public key (SubjectPublicKeyInfo) of a key "
				       "file, or with --vkey its\nnote verifier key, as `archive "
				       "verify --checkpoint` takes it. No passphrase is\nneeded.",
				       opts, 1, 1, NULL };

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO)
		return strlist_free(&pos), opt_exit_status(rc);
	rc = hm_key_load_public(&k, pos.v[0]);
	strlist_free(&pos);
	if (rc < 0)
		return cli_lib_error(rc);
	if (vkey) {
		rc = hm_note_verifier_new(&v, vkey, k);
		hm_key_free(k);
		if (rc < 0 || (rc = hm_note_verifier_text(&pem, v)) < 0) {
			hm_note_verifier_free(v);
			return rc == HM_EINVAL ? cli_usage_error(&spec, "--vkey: %s", hm_error_last())
					       : cli_lib_error(rc);
		}
		hm_note_verifier_free(v);
		printf("%s\n", pem);
		hm_free(pem);
		return EXIT_OK;
	}
	rc = hm_key_public_pem(&pem, k);
	hm_key_free(k);
	if (rc < 0)
		return cli_lib_error(rc);
	fputs(pem, stdout);
	hm_free(pem);
	return EXIT_OK;
}

int cmd_key(int argc, char **argv)
{
	static const struct subcmd subs[] = {
		{ "generate", key_generate, "create a key pair (PREFIX.key, PREFIX.pub)" },
		{ "import", key_import, "import an OpenSSL Ed25519 or EC private key" },
		{ "id", key_id, "print the key id of a key file" },
		{ "public", key_public, "print the PEM public key (or note verifier key) of a key file" },
		{ NULL, NULL, NULL }
	};
	return cli_dispatch("key", subs, argc, argv);
}
