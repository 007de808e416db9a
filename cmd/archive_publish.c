/*
 * hallmark archive checkpoint, export-tiles, and verify --checkpoint: the
 * log's tree head as a C2SP checkpoint, the log in the tlog-tiles layout,
 * and holding the archive to a checkpoint published earlier.
 */
#include "archive_cmd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define KEY_OPT { "key", 'k', OPT_STRING, "KEY", "the log's secret key: signs the checkpoint", \
		  &key_path }
#define ORIGIN_OPT { "origin", 0, OPT_STRING, "NAME", "the log's name (e.g. example.com/archive): " \
		     "the checkpoint's first line and its key name", &origin }
#define PASS_OPT { "passphrase-file", 0, OPT_STRING, "FILE", "the key's passphrase", &passfile }
#define PUB_DB_OPT { "db", 0, OPT_STRING, "PATH", "the archive database", archive_db_option() }

/* The signing key and the archive both commands need; 0 or an exit status. */
static int open_both(hm_key **key, hm_archive **a, const struct cmd_spec *spec,
		     const char *key_path, const char *origin, const char *passfile)
{
	int rc;

	if (!key_path || !origin)
		return cli_usage_error(spec, "--key and --origin are required");
	if ((rc = cli_load_secret_key(key, key_path, passfile)) < 0)
		return cli_lib_error(rc);
	return archive_open_db(a, 0);
}

int archive_checkpoint(int argc, char **argv)
{
	struct strlist pos = { 0 };
	const char *key_path = NULL, *passfile = NULL, *origin = NULL, *output = NULL;
	hm_archive *a = NULL;
	hm_key *key = NULL;
	char *note = NULL;
	size_t len = 0;
	int force = 0, status = EXIT_USAGE, rc;
	const struct opt opts[] = {
		KEY_OPT,
		ORIGIN_OPT,
		PASS_OPT,
		{ "output", 'o', OPT_STRING, "FILE", "write it here (default: stdout)", &output },
		{ "force", 'f', OPT_FLAG, NULL, "overwrite the output file", &force },
		PUB_DB_OPT,
		OPT_END
	};
	const struct cmd_spec spec = {
		"archive checkpoint", "--key KEY --origin NAME [-o FILE]",
		"Print the log's tree head as a checkpoint (c2sp.org/tlog-checkpoint): the origin,\n"
		"the tree size and the base64 root hash, signed as a note with the Ed25519 key\n"
		"under the origin as key name. Publish it; `archive verify --checkpoint` holds\n"
		"the archive to it later.", opts, 0, 0, NULL
	};

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO) {
		status = opt_exit_status(rc);
		goto out;
	}
	if ((status = open_both(&key, &a, &spec, key_path, origin, passfile)) != 0)
		goto out;
	if ((rc = hm_archive_checkpoint(&note, &len, a, origin, key)) < 0) {
		status = cli_lib_error(rc);
		goto out;
	}
	status = cli_write_output(output, note, len, force);
out:
	hm_free(note);
	hm_key_free(key);
	hm_archive_free(a);
	strlist_free(&pos);
	return status;
}

int archive_export_tiles(int argc, char **argv)
{
	struct strlist pos = { 0 };
	const char *key_path = NULL, *passfile = NULL, *origin = NULL;
	hm_tiles_options o = HM_TILES_OPTIONS_INIT;
	hm_tiles_result r;
	hm_archive *a = NULL;
	hm_key *key = NULL;
	int force = 0, status = EXIT_USAGE, rc;
	const struct opt opts[] = {
		KEY_OPT,
		ORIGIN_OPT,
		PASS_OPT,
		{ "force", 'f', OPT_FLAG, NULL, "replace a previous export in DIR", &force },
		PUB_DB_OPT,
		OPT_END
	};
	const struct cmd_spec spec = {
		"archive export-tiles", "DIR --key KEY --origin NAME [--force]",
		"Write the log in the c2sp.org/tlog-tiles layout for a static web server:\n"
		"DIR/checkpoint, the hash tiles DIR/tile/<L>/<N>, the entry bundles\n"
		"DIR/tile/entries/<N> and each entry's envelope as DIR/body/<N>. DIR must be new\n"
		"or empty; --force replaces a previous export. Written whole or not at all.",
		opts, 1, 1, NULL
	};

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO) {
		status = opt_exit_status(rc);
		goto out;
	}
	if ((status = open_both(&key, &a, &spec, key_path, origin, passfile)) != 0)
		goto out;
	o.origin = origin;
	o.key = key;
	o.replace = force;
	if ((rc = hm_archive_export_tiles(&r, a, pos.v[0], &o)) < 0) {
		status = cli_lib_error(rc);
		goto out;
	}
	fprintf(stderr, "hallmark: wrote %s: %llu entries in %zu hash tiles and %zu entry "
		"bundles, and the checkpoint\n", pos.v[0], (unsigned long long)r.tree_size,
		r.tiles, r.bundles);
	status = EXIT_OK;
out:
	hm_key_free(key);
	hm_archive_free(a);
	strlist_free(&pos);
	return status;
}

/*
 * The first line of a note: untrusted, only the name a key file is taken
 * under (its signature must still verify with that key).
 */
static char *first_line(const char *note, size_t len)
{
	const char *nl = memchr(note, '\n', len);
	size_t n = nl ? (size_t)(nl - note) : len;
	char *s = malloc(n + 1);

	if (s) {
		memcpy(s, note, n);
		s[n] = '\0';
	}
	return s;
}

/*
 * One --key: a verifier key "NAME+HASH+KEY" given as text or in a file, or a
 * key file (PEM or hallmark) taken under name. 0 or an exit status.
 */
static int load_verifier(hm_note_verifier **out, const char *arg, const char *name)
{
	struct stat st;
	hm_key *k = NULL;
	char *data = NULL;
	size_t len;
	int rc;

	if (stat(arg, &st) != 0) {
		if ((rc = hm_note_verifier_parse(out, arg, strlen(arg))) == 0)
			return 0;
		cli_error("--key %s: no such file, and not a note verifier key: %s", arg,
			  hm_error_last());
		return EXIT_USAGE;
	}
	if ((rc = hm_read_file(&data, &len, arg, 1 << 16)) < 0)
		return cli_lib_error(rc);
	rc = hm_note_verifier_parse(out, data, len);
	hm_free(data);
	if (rc == 0)
		return 0;
	if ((rc = hm_key_load_public(&k, arg)) < 0) {
		cli_error("%s: neither a note verifier key nor a key file: %s", arg, hm_error_last());
		return EXIT_USAGE;
	}
	rc = hm_note_verifier_new(out, name, k);
	hm_key_free(k);
	if (rc < 0) {
		cli_error("%s: %s", arg, hm_error_last());
		return EXIT_NO;
	}
	return 0;
}

static void print_json(int ok, const char *origin, const hm_tree_head *cp,
		       const hm_tree_head *now, const char *problem)
{
	char root[65];
	int i;

	for (i = 0; i < 32; i++)
		snprintf(root + 2 * i, 3, "%02x", now->root_hash[i]);
	printf("{\"ok\": %s, \"origin\": ", ok ? "true" : "false");
	if (origin)
		cli_json_string(stdout, origin);
	else
		printf("null");
	printf(", \"checkpoint_size\": ");
	if (cp)
		printf("%llu", (unsigned long long)cp->tree_size);
	else
		printf("null");
	printf(", \"tree_size\": %llu, \"root_hash\": \"%s\", \"problems\": [",
	       (unsigned long long)now->tree_size, root);
	if (problem)
		cli_json_string(stdout, problem);
	printf("]}\n");
}

int archive_verify_checkpoint(const char *path, const struct strlist *keys, const char *want,
			      int json)
{
	hm_note_verifier **vs = NULL;
	hm_tree_head cp, now;
	hm_archive *a = NULL;
	char *note = NULL, *origin = NULL, *name = NULL;
	size_t len = 0, i, nv = 0;
	int status = EXIT_USAGE, rc;

	memset(&now, 0, sizeof(now));
	if (!keys->n) {
		cli_error("archive verify: --checkpoint needs --key: the log's note verifier key "
			  "(NAME+HASH+KEY) or public key file");
		return EXIT_USAGE;
	}
	if ((rc = hm_read_file(&note, &len, path, HM_NOTE_MAX_SIZE)) < 0)
		return cli_lib_error(rc);
	/* a key file is taken under the checkpoint's own origin; --origin is checked apart */
	if (!(vs = calloc(keys->n, sizeof(*vs))) || !(name = first_line(note, len))) {
		status = cli_lib_error(hm_error_set(HM_ENOMEM, "out of memory"));
		goto out;
	}
	for (i = 0; i < keys->n; i++, nv++)
		if ((status = load_verifier(&vs[i], keys->v[i], name)) != 0)
			goto out;
	if ((status = archive_open_db(&a, 0)) != 0)
		goto out;
	rc = hm_checkpoint_open(&origin, &cp, note, len, (const hm_note_verifier *const *)vs, nv,
				want);
	if (rc == 0)
		rc = hm_archive_extends(&now, a, &cp);
	else
		hm_archive_head(&now, a);
	if (rc < 0 && rc != HM_EVERIFY && rc != HM_EFORMAT) {
		status = cli_lib_error(rc);
		goto out;
	}
	if (rc < 0) {
		char *why = strdup(hm_error_last());
		if (json)
			print_json(0, origin, origin ? &cp : NULL, &now, why ? why : "");
		cli_error("%s: %s", path, why ? why : hm_error_last());
		free(why);
		status = EXIT_NO;
		goto out;
	}
	if (json)
		print_json(1, origin, &cp, &now, NULL);
	else
		printf("checkpoint verified: %s at %llu entries; the log (%llu entries) extends it\n",
		       origin, (unsigned long long)cp.tree_size,
		       (unsigned long long)now.tree_size);
	status = EXIT_OK;
out:
	for (i = 0; i < nv; i++)
		hm_note_verifier_free(vs[i]);
	free(vs);
	free(name);
	hm_free(origin);
	hm_free(note);
	hm_archive_free(a);
	return status;
}
