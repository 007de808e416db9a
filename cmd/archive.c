/* hallmark archive: the compliance archive and its verifiable log (hallmark-archive(1)). */
#include "archive_cmd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DB_HELP "the archive: an SQLite file or a postgresql:// URL (default: " \
		"$HALLMARK_ARCHIVE, else $XDG_DATA_HOME/hallmark/archive.db)"
#define DB_OPT { "db", 0, OPT_STRING, "PATH", DB_HELP, &db_path }

/* --db before the command word, or an option of the command. */
static const char *db_path;

static int open_archive(hm_archive **a, int create)
{
	hm_archive_options o = HM_ARCHIVE_OPTIONS_INIT;
	char *path = NULL;
	int rc;

	*a = NULL;
	if (!db_path && (rc = hm_archive_default_path(&path)) < 0)
		return cli_lib_error(rc);
	o.flags = create ? HM_ARCHIVE_CREATE : 0;
	rc = hm_archive_open(a, db_path ? db_path : path, &o);
	hm_free(path);
	if (rc < 0)
		return cli_lib_error(rc);
	return 0;
}

int archive_open_db(hm_archive **a, int create)
{
	return open_archive(a, create);
}

const char **archive_db_option(void)
{
	return &db_path;
}

/* A missing entry or digest is an answer ("not there"), not a usage error. */
static int not_found_is_no(int rc)
{
	int status = cli_lib_error(rc);

	return rc == HM_ENOTFOUND ? EXIT_NO : status;
}

static int time_opt(const struct cmd_spec *spec, long long *out, const char *s, int end,
		    const char *name)
{
	if (!s)
		return 0;
	if (hm_archive_time_parse(out, s, end) < 0)
		return cli_usage_error(spec, "%s: %s", name, hm_error_last());
	return 0;
}

static int parse_u64(const struct cmd_spec *spec, uint64_t *out, const char *s, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || !*s || *s == '-')
		return cli_usage_error(spec, "%s must be a non-negative whole number, not \"%s\"",
				       what, s);
	*out = (uint64_t)v;
	return 0;
}

/* ---- add ---- */

struct add_state {
	const char *bundle;
	int json;
	int first;
};

static const char *status_name(hm_archive_add_status s)
{
	switch (s) {
	case HM_ARCHIVE_ADDED:
		return "added";
	case HM_ARCHIVE_ADDED_UNVERIFIED:
		return "added-unverified";
	case HM_ARCHIVE_DUPLICATE:
		return "duplicate";
	default:
		return "refused";
	}
}

static void add_event(void *payload, const hm_archive_add_event *ev)
{
	struct add_state *s = payload;

	if (s->json) {
		printf("%s\n    {\"bundle\": ", s->first ? "" : ",");
		cli_json_string(stdout, s->bundle);
		printf(", \"line\": %zu, \"status\": \"%s\"", ev->line + 1, status_name(ev->status));
		if (ev->status != HM_ARCHIVE_REFUSED)
			printf(", \"id\": %llu", (unsigned long long)ev->id);
		if (ev->reason) {
			printf(", \"reason\": ");
			cli_json_string(stdout, ev->reason);
		}
		printf("}");
		s->first = 0;
	}
	if (ev->status == HM_ARCHIVE_REFUSED)
		cli_error("%s line %zu: refused: %s%s", s->bundle, ev->line + 1, ev->reason,
			  strncmp(ev->reason, "not a DSSE", 10) == 0
				  ? ""
				  : " (--allow-unverified stores it flagged)");
	else if (ev->status == HM_ARCHIVE_ADDED_UNVERIFIED)
		cli_warn("%s line %zu: stored as entry %llu, flagged unverified: %s", s->bundle,
			 ev->line + 1, (unsigned long long)ev->id, ev->reason);
}

static int archive_add(int argc, char **argv)
{
	struct strlist pos = { 0 }, keys = { 0 }, akeys = { 0 };
	hm_archive_add_options ao = HM_ARCHIVE_ADD_OPTIONS_INIT;
	hm_archive_add_result total = { 0, 0, 0, 0 };
	hm_keyring *kr = NULL, *akr = NULL;
	hm_archive *a = NULL;
	struct add_state st = { NULL, 0, 1 };
	unsigned long batch = 0;
	int allow = 0, json = 0, open_json = 0, status = EXIT_USAGE, rc;
	size_t i;
	const struct opt opts[] = {
		{ "key", 'k', OPT_LIST, "PUB", "trusted key the envelopes are verified with", &keys },
		{ "auditor-key", 0, OPT_LIST, "PUB",
		  "trusted key the safety audits are verified with (default: the --key keys)",
		  &akeys },
		{ "allow-unverified", 0, OPT_FLAG, NULL,
		  "store envelopes that do not verify, flagged as such", &allow },
		{ "batch", 0, OPT_UINT, "N", "envelopes per transaction (default 50000)", &batch },
		{ "json", 0, OPT_FLAG, NULL, "print each envelope's outcome as JSON", &json },
		DB_OPT,
		OPT_END
	};
	const struct cmd_spec spec = {
		"archive add",
		"BUNDLE... [--key PUB]... [--auditor-key PUB]... [--allow-unverified] [--json]",
		"Archive every envelope of the bundles: its exact bytes, statement, subjects,\n"
		"signers, verification outcome and time, as new leaves of the log. Envelopes that\n"
		"do not verify are refused (exit 1) unless --allow-unverified: safety audits are\n"
		"checked against the --auditor-key keys (the --key keys when none are given), the\n"
		"others against the --key keys. An envelope already archived is left as it is.",
		opts, 1,
		ANY_ARGS, NULL
	};

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO) {
		status = opt_exit_status(rc);
		goto out;
	}
	if (keys.n && (status = cli_keyring(&kr, &keys, "--key")) != 0)
		goto out;
	if (akeys.n && (status = cli_keyring(&akr, &akeys, "--auditor-key")) != 0)
		goto out;
	if (!keys.n && !akeys.n && !allow) {
		status = cli_usage_error(&spec, "give the trusted keys (--key PUB), or "
					 "--allow-unverified to store envelopes unverified");
		goto out;
	}
	if ((status = open_archive(&a, 1)) != 0)
		goto out;
	ao.keys = kr;
	ao.auditor_keys = akr;
	ao.allow_unverified = allow;
	ao.batch = batch;
	ao.cb = add_event;
	ao.payload = &st;
	st.json = json;
	if (json) {
		printf("{\"entries\": [");
		open_json = 1;
	}
	for (i = 0; i < pos.n; i++) {
		hm_archive_add_result r;
		hm_bundle *b = NULL;
		if ((rc = hm_bundle_load(&b, pos.v[i])) < 0) {
			status = cli_lib_error(rc);
			goto out;
		}
		st.bundle = pos.v[i];
		rc = hm_archive_add_bundle(a, &r, b, &ao);
		hm_bundle_free(b);
		total.added += r.added;
		total.unverified += r.unverified;
		total.duplicates += r.duplicates;
		total.refused += r.refused;
		if (rc < 0) {
			status = cli_lib_error(rc);
			goto out;
		}
		if (!json)
			fprintf(stderr, "hallmark: %s: %zu archived%s, %zu already archived, %zu "
				"refused\n", pos.v[i], r.added + r.unverified,
				r.unverified ? " (some unverified)" : "", r.duplicates, r.refused);
	}
	status = total.refused ? EXIT_NO : EXIT_OK;
out:
	if (open_json)
		printf("\n  ],\n  \"added\": %zu, \"unverified\": %zu, \"duplicates\": %zu, "
		       "\"refused\": %zu\n}\n", total.added, total.unverified, total.duplicates,
		       total.refused);
	hm_archive_free(a);
	hm_keyring_free(kr);
	hm_keyring_free(akr);
	strlist_free(&pos);
	strlist_free(&keys);
	strlist_free(&akeys);
	return status;
}

/* ---- search and show ---- */

static const hm_archive_ref *first_ref(const hm_archive_entry *e)
{
	size_t i;

	for (i = 0; i < e->nrefs; i++)
		if (strcmp(e->refs[i].role, "subject") == 0 || strcmp(e->refs[i].role, "model") == 0)
			return &e->refs[i];
	return e->nrefs ? &e->refs[0] : NULL;
}

static const char *outcome(const hm_archive_entry *e)
{
	if (strcmp(e->kind, "verification") == 0)
		return e->verified ? "passed" : "FAILED";
	return e->verified ? "verified" : "UNVERIFIED";
}

static void print_row(const hm_archive_entry *e)
{
	const hm_archive_ref *r = first_ref(e);
	char when[32];

	hm_rfc3339_format(when, e->recorded);
	printf("%-6llu %s  %-10s %-16s %s%s%s:%.16s\n", (unsigned long long)e->id, when,
	       outcome(e), strcmp(e->kind, "verification") == 0
				   ? "verification run"
				   : cli_esc(hm_predicate_type_label(e->predicate_type)),
	       r && r->name ? cli_esc(r->name) : "", r && r->name ? " " : "",
	       r ? cli_esc(r->alg) : "-", r ? cli_esc(r->digest) : "");
}

static int print_list_json(const hm_archive_list *l)
{
	char *s = NULL;
	int rc = hm_archive_list_json(&s, l);

	if (rc < 0)
		return cli_lib_error(rc);
	printf("%s\n", s);
	hm_free(s);
	return 0;
}

static int archive_search(int argc, char **argv)
{
	struct strlist pos = { 0 };
	hm_archive_query q = HM_ARCHIVE_QUERY_INIT;
	hm_archive_list *l = NULL;
	hm_archive *a = NULL;
	const char *since = NULL, *until = NULL;
	unsigned long limit = 0;
	int json = 0, unverified = 0, verified = 0, status = EXIT_USAGE, rc;
	size_t i;
	const struct opt opts[] = {
		{ "digest", 'd', OPT_STRING, "DIGEST", "a model or dataset digest (sha256:HEX, HEX, "
		  "ALG:VALUE), as subject or dependency", &q.digest },
		{ "name", 'n', OPT_STRING, "NAME", "a subject or dependency name (* and ? match any)",
		  &q.name },
		{ "role", 0, OPT_STRING, "ROLE", "with --digest/--name: only as subject, base-model, "
		  "dataset, baseline, model, ...", &q.role },
		{ "type", 't', OPT_STRING, "URI", "predicate type", &q.predicate_type },
		{ "signer", 's', OPT_STRING, "KEYID", "signed by this key id (or its first 8+ hex "
		  "digits)", &q.signer },
		{ "benchmark", 'b', OPT_STRING, "NAME", "audits on this benchmark", &q.benchmark },
		{ "kind", 0, OPT_STRING, "KIND", "attestation or verification", &q.kind },
		{ "since", 0, OPT_STRING, "TIME", "archived at or after (RFC 3339 or YYYY-MM-DD)",
		  &since },
		{ "until", 0, OPT_STRING, "TIME", "archived at or before (a date: its end)", &until },
		{ "verified", 0, OPT_FLAG, NULL, "only verified attestations / passed verifications",
		  &verified },
		{ "unverified", 0, OPT_FLAG, NULL, "only unverified attestations / failed "
		  "verifications", &unverified },
		{ "limit", 0, OPT_UINT, "N", "at most N entries", &limit },
		{ "json", 0, OPT_FLAG, NULL, "print the entries as JSON", &json },
		DB_OPT,
		OPT_END
	};
	const struct cmd_spec spec = {
		"archive search", "[--digest D] [--name N] [--type URI] [--signer KEYID] "
		"[--benchmark B]\n       [--since T] [--until T] [--json]",
		"List the archived entries that match every criterion given, oldest first.", opts, 0,
		0, NULL
	};

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO) {
		status = opt_exit_status(rc);
		goto out;
	}
	if ((status = time_opt(&spec, &q.since, since, 0, "--since")) != 0 ||
	    (status = time_opt(&spec, &q.until, until, 1, "--until")) != 0)
		goto out;
	if (verified && unverified) {
		status = cli_usage_error(&spec, "--verified and --unverified exclude each other");
		goto out;
	}
	q.verified = verified ? 1 : unverified ? 0 : -1;
	q.limit = limit;
	if ((status = open_archive(&a, 0)) != 0)
		goto out;
	if ((rc = hm_archive_search(&l, a, &q)) < 0) {
		status = cli_lib_error(rc);
		goto out;
	}
	if (json) {
		status = print_list_json(l);
		goto out;
	}
	for (i = 0; i < hm_archive_list_count(l); i++)
		print_row(hm_archive_list_entry(l, i));
	status = EXIT_OK;
out:
	hm_archive_list_free(l);
	hm_archive_free(a);
	strlist_free(&pos);
	return status;
}

static void print_entry(const hm_archive_entry *e)
{
	char when[32], keep[32], leaf[65];
	size_t i;

	hm_rfc3339_format(when, e->recorded);
	hm_rfc3339_format(keep, e->retain_until);
	for (i = 0; i < 32; i++)
		snprintf(leaf + 2 * i, 3, "%02x", e->leaf_hash[i]);
	printf("entry %llu\n", (unsigned long long)e->id);
	printf("  %-14s %s\n", "kind", cli_esc(e->kind));
	printf("  %-14s %s\n", "recorded", when);
	printf("  %-14s %s\n", "retain until", keep);
	printf("  %-14s %s%s%s\n", "outcome",
	       outcome(e), e->reason ? ": " : "", cli_esc(e->reason));
	for (i = 0; i < e->nsigners; i++)
		printf("  %-14s %s\n", i ? "" : "signed by", cli_esc(e->signers[i]));
	if (e->predicate_type)
		printf("  %-14s %s\n", "predicate", cli_esc(e->predicate_type));
	if (e->benchmark)
		printf("  %-14s %s\n", "benchmark", cli_esc(e->benchmark));
	for (i = 0; i < e->nrefs; i++)
		printf("  %-14s %s%s%s:%s\n", cli_esc(e->refs[i].role), cli_esc(e->refs[i].name),
		       e->refs[i].name ? "  " : "", cli_esc(e->refs[i].alg),
		       cli_esc(e->refs[i].digest));
	printf("  %-14s %s\n", "leaf hash", leaf);
	/* the statement or report as stored: its line breaks kept, everything else escaped */
	if (e->statement) {
		printf("statement:\n");
		cli_text_lines(stdout, e->statement, strlen(e->statement),
			       HM_TEXT_KEEP_BACKSLASHES);
		printf("\n");
	} else if (strcmp(e->kind, "verification") == 0) {
		printf("report:\n");
		cli_text_lines(stdout, e->body, e->body_len, HM_TEXT_KEEP_BACKSLASHES);
		printf("\n");
	}
}

static int archive_show(int argc, char **argv)
{
	struct strlist pos = { 0 };
	hm_archive_list *l = NULL;
	hm_archive *a = NULL;
	uint64_t id;
	int json = 0, body = 0, status = EXIT_USAGE, rc;
	const struct opt opts[] = {
		{ "json", 0, OPT_FLAG, NULL, "print the entry as JSON (with its bytes and body)", &json },
		{ "body", 0, OPT_FLAG, NULL, "print only the exact bytes of its envelope (or report)",
		  &body },
		DB_OPT,
		OPT_END
	};
	const struct cmd_spec spec = {
		"archive show", "ID [--json | --body]",
		"Show one archived entry: its outcome, signers, references and statement.", opts, 1,
		1, NULL
	};

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO) {
		status = opt_exit_status(rc);
		goto out;
	}
	if ((status = parse_u64(&spec, &id, pos.v[0], "ID")) != 0)
		goto out;
	if ((status = open_archive(&a, 0)) != 0)
		goto out;
	if ((rc = hm_archive_get(&l, a, id)) < 0) {
		status = not_found_is_no(rc);
		goto out;
	}
	status = EXIT_OK;
	if (json) {
		status = print_list_json(l);
	} else if (body) {
		const hm_archive_entry *e = hm_archive_list_entry(l, 0);
		fwrite(e->body, 1, e->body_len, stdout);
		putchar('\n');
	} else {
		print_entry(hm_archive_list_entry(l, 0));
	}
out:
	hm_archive_list_free(l);
	hm_archive_free(a);
	strlist_free(&pos);
	return status;
}

static int archive_lineage(int argc, char **argv)
{
	struct strlist pos = { 0 };
	hm_archive *a = NULL;
	char *s = NULL;
	int json = 0, status = EXIT_USAGE, rc;
	const struct opt opts[] = {
		{ "json", 0, OPT_FLAG, NULL, "print the lineage as JSON", &json },
		DB_OPT,
		OPT_END
	};
	const struct cmd_spec spec = {
		"archive lineage", "DIGEST [--json]",
		"The chain of a model: base model -> datasets -> run -> model -> audits ->\n"
		"verification runs, each with the archived entries that attest it, and the runs\n"
		"that used it in turn.", opts, 1, 1, NULL
	};

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO) {
		status = opt_exit_status(rc);
		goto out;
	}
	if ((status = open_archive(&a, 0)) != 0)
		goto out;
	if ((rc = hm_archive_lineage(&s, a, pos.v[0], json)) < 0) {
		status = not_found_is_no(rc);
		goto out;
	}
	/* the library escapes the attested text in it (hallmark/text.h) */
	fputs(s, stdout);
	if (json)
		putchar('\n');
	status = EXIT_OK;
out:
	hm_free(s);
	hm_archive_free(a);
	strlist_free(&pos);
	return status;
}

/* ---- the log ---- */

static int archive_head(int argc, char **argv)
{
	struct strlist pos = { 0 };
	const char *sign_key = NULL, *passfile = NULL, *output = NULL;
	hm_archive *a = NULL;
	hm_key *key = NULL;
	hm_tree_head h;
	char *s = NULL;
	size_t len = 0;
	int force = 0, status = EXIT_USAGE, rc;
	const struct opt opts[] = {
		{ "sign-key", 0, OPT_STRING, "KEY", "sign the head: print a DSSE envelope of "
		  HM_TREE_HEAD_PAYLOAD_TYPE, &sign_key },
		{ "passphrase-file", 0, OPT_STRING, "FILE", "the signing key's passphrase", &passfile },
		{ "output", 'o', OPT_STRING, "FILE", "write it here (default: stdout)", &output },
		{ "force", 'f', OPT_FLAG, NULL, "overwrite the output file", &force },
		DB_OPT,
		OPT_END
	};
	const struct cmd_spec spec = {
		"archive head", "[--sign-key KEY] [-o FILE]",
		"Print the log's tree head {\"tree_size\": N, \"root_hash\": HEX}, or with\n"
		"--sign-key a signed tree head to publish elsewhere.", opts, 0, 0, NULL
	};

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO) {
		status = opt_exit_status(rc);
		goto out;
	}
	if (sign_key && (rc = cli_load_secret_key(&key, sign_key, passfile)) < 0) {
		status = cli_lib_error(rc);
		goto out;
	}
	if ((status = open_archive(&a, 0)) != 0)
		goto out;
	if ((rc = hm_archive_head(&h, a)) < 0 ||
	    (rc = key ? hm_tree_head_sign(&s, &len, &h, key) : hm_tree_head_json(&s, &h)) < 0) {
		status = cli_lib_error(rc);
		goto out;
	}
	if (key) {
		char *line = realloc(s, len + 2);
		if (!line) {
			status = cli_lib_error(hm_error_set(HM_ENOMEM, "out of memory"));
			goto out;
		}
		s = line;
		memcpy(s + len, "\n", 2);
	}
	status = cli_write_output(output, s, strlen(s), force);
out:
	hm_free(s);
	hm_key_free(key);
	hm_archive_free(a);
	strlist_free(&pos);
	return status;
}

static int archive_prove(int argc, char **argv)
{
	struct strlist pos = { 0 };
	const char *size_s = NULL;
	hm_archive *a = NULL;
	uint64_t id, size = 0;
	char *s = NULL;
	int status = EXIT_USAGE, rc;
	const struct opt opts[] = {
		{ "tree-size", 0, OPT_STRING, "N", "prove it in the tree of this size (default: now)",
		  &size_s },
		DB_OPT,
		OPT_END
	};
	const struct cmd_spec spec = {
		"archive prove", "ID [--tree-size N]",
		"Print the inclusion proof of entry ID: {\"leaf_index\", \"tree_size\", \"leaf_hash\",\n"
		"\"root_hash\", \"audit_path\"} (RFC 6962); check it with `archive check-proof`.",
		opts, 1, 1, NULL
	};

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO) {
		status = opt_exit_status(rc);
		goto out;
	}
	if ((status = parse_u64(&spec, &id, pos.v[0], "ID")) != 0 ||
	    (size_s && (status = parse_u64(&spec, &size, size_s, "--tree-size")) != 0))
		goto out;
	if (size_s && size == 0) {
		status = cli_usage_error(&spec, "--tree-size must be at least 1");
		goto out;
	}
	if ((status = open_archive(&a, 0)) != 0)
		goto out;
	if ((rc = hm_archive_prove(&s, a, id, size)) < 0) {
		status = not_found_is_no(rc);
		goto out;
	}
	fputs(s, stdout);
	status = EXIT_OK;
out:
	hm_free(s);
	hm_archive_free(a);
	strlist_free(&pos);
	return status;
}

static int archive_consistency(int argc, char **argv)
{
	struct strlist pos = { 0 };
	const char *from_s = NULL, *to_s = NULL;
	hm_archive *a = NULL;
	uint64_t from = 0, to = 0;
	char *s = NULL;
	int status = EXIT_USAGE, rc;
	const struct opt opts[] = {
		{ "from", 0, OPT_STRING, "M", "the older tree size (required)", &from_s },
		{ "to", 0, OPT_STRING, "N", "the newer tree size (default: now)", &to_s },
		DB_OPT,
		OPT_END
	};
	const struct cmd_spec spec = {
		"archive consistency", "--from M [--to N]",
		"Print the consistency proof that the tree of size M is a prefix of the tree of\n"
		"size N: {\"first\", \"second\", \"first_root\", \"second_root\", \"proof\"} (RFC 6962).",
		opts, 0, 0, NULL
	};

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO) {
		status = opt_exit_status(rc);
		goto out;
	}
	if (!from_s) {
		status = cli_usage_error(&spec, "--from is required");
		goto out;
	}
	if ((status = parse_u64(&spec, &from, from_s, "--from")) != 0 ||
	    (to_s && (status = parse_u64(&spec, &to, to_s, "--to")) != 0))
		goto out;
	if (from == 0 || (to_s && (to == 0 || from > to))) {
		status = cli_usage_error(&spec, "the sizes must satisfy 0 < M <= N");
		goto out;
	}
	if ((status = open_archive(&a, 0)) != 0)
		goto out;
	if ((rc = hm_archive_consistency(&s, a, from, to)) < 0) {
		status = cli_lib_error(rc);
		goto out;
	}
	fputs(s, stdout);
	status = EXIT_OK;
out:
	hm_free(s);
	hm_archive_free(a);
	strlist_free(&pos);
	return status;
}

/* Reads a tree head file and checks its signature with the keys (required). */
static int load_head(hm_tree_head *h, const char *path, const struct strlist *keys)
{
	hm_keyring *kr = NULL;
	char *data = NULL;
	size_t len;
	int rc, status;

	if ((status = cli_keyring(&kr, keys, "--key")) != 0)
		return status;
	if ((rc = hm_read_file(&data, &len, path, 1 << 20)) < 0) {
		hm_keyring_free(kr);
		return cli_lib_error(rc);
	}
	rc = hm_tree_head_parse_trusted(h, data, len, kr);
	hm_free(data);
	hm_keyring_free(kr);
	if (rc < 0) {
		cli_error("%s: %s", path, hm_error_last());
		return rc == HM_EVERIFY || rc == HM_EFORMAT ? EXIT_NO : cli_exit_for(rc);
	}
	return 0;
}

static void hex32(char out[65], const unsigned char h[32])
{
	int i;

	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

#define TRUST_HELP \
	"A proof is only as good as the tree it leads to: give the tree you trust, as\n" \
	"--root HEX with its --size N, or a --head signed by a --key you trust."

static int archive_check_proof(int argc, char **argv)
{
	struct strlist pos = { 0 }, keys = { 0 };
	const char *root_s = NULL, *size_s = NULL, *head_path = NULL;
	hm_proof_info info;
	hm_tree_head h;
	uint64_t size = 0;
	char *data = NULL, root[65];
	size_t len;
	int status = EXIT_USAGE, rc;
	const struct opt opts[] = {
		{ "root", 0, OPT_STRING, "HEX", "the root hash you trust (with --size)", &root_s },
		{ "size", 0, OPT_STRING, "N", "the size of the tree whose root --root is", &size_s },
		{ "head", 0, OPT_STRING, "FILE", "a signed tree head you trust (with --key)",
		  &head_path },
		{ "key", 'k', OPT_LIST, "PUB", "key the --head must be signed by", &keys },
		OPT_END
	};
	const struct cmd_spec spec = {
		"archive check-proof", "FILE (--root HEX --size N | --head FILE --key PUB...)",
		"Verify an inclusion or consistency proof offline (RFC 9162 2.1.3.2 and\n"
		"2.1.4.2) and that it leads to the tree you trust: its size and root hash.\n"
		TRUST_HELP "\n"
		"Exit 0 when it holds, 1 when it does not, 2 when there is nothing to trust.", opts,
		1, 1, NULL
	};

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO) {
		status = opt_exit_status(rc);
		goto out;
	}
	if (root_s && head_path) {
		status = cli_usage_error(&spec, "give --root or --head, not both");
		goto out;
	}
	if (!root_s && !head_path) {
		status = cli_usage_error(&spec, "nothing to check the proof against. " TRUST_HELP);
		goto out;
	}
	if (root_s && !size_s) {
		status = cli_usage_error(&spec, "--root is trusted only with its tree size: give "
					 "--size N (a proof can claim another size for the same "
					 "root)");
		goto out;
	}
	if (size_s && !root_s) {
		status = cli_usage_error(&spec, "--size is the size of the tree whose --root you "
					 "give");
		goto out;
	}
	if (keys.n && !head_path) {
		status = cli_usage_error(&spec, "--key checks the signature of a --head");
		goto out;
	}
	if (head_path && !keys.n) {
		status = cli_usage_error(&spec, "--head needs --key PUB: a tree head is trusted only "
					 "through its signature (or give --root HEX --size N)");
		goto out;
	}
	if (root_s) {
		if ((status = parse_u64(&spec, &size, size_s, "--size")) != 0)
			goto out;
		if (hm_tree_head_from_hex(&h, size, root_s) < 0) {
			status = cli_usage_error(&spec, "--root: %s", hm_error_last());
			goto out;
		}
	}
	if (head_path && (status = load_head(&h, head_path, &keys)) != 0)
		goto out;
	if ((rc = hm_read_file(&data, &len, pos.v[0], 1 << 20)) < 0) {
		status = cli_lib_error(rc);
		goto out;
	}
	rc = hm_proof_check_trusted(&info, data, len, &h);
	if (rc < 0) {
		cli_error("%s: %s", pos.v[0], hm_error_last());
		status = rc == HM_EFORMAT || rc == HM_EVERIFY ? EXIT_NO : cli_exit_for(rc);
		goto out;
	}
	hex32(root, info.root_hash);
	if (info.kind == HM_PROOF_INCLUSION)
		printf("inclusion proof OK: leaf %llu is in the tree of size %llu with root %s\n",
		       (unsigned long long)info.leaf_index, (unsigned long long)info.tree_size, root);
	else
		printf("consistency proof OK: the tree of size %llu is a prefix of the tree of size "
		       "%llu with root %s\n", (unsigned long long)info.first,
		       (unsigned long long)info.tree_size, root);
	status = EXIT_OK;
out:
	hm_free(data);
	strlist_free(&pos);
	strlist_free(&keys);
	return status;
}

static int archive_verify(int argc, char **argv)
{
	struct strlist pos = { 0 }, keys = { 0 };
	const char *head_path = NULL, *checkpoint = NULL, *origin = NULL;
	hm_tree_head trusted, h;
	hm_archive *a = NULL;
	char *problems = NULL, root[65];
	size_t n = 0;
	int json = 0, status = EXIT_USAGE, rc;
	const struct opt opts[] = {
		{ "head", 0, OPT_STRING, "FILE", "a signed tree head published earlier: the log must "
		  "extend it (with --key)", &head_path },
		{ "key", 'k', OPT_LIST, "PUB", "key the --head must be signed by (with --checkpoint: "
		  "the log's note verifier key NAME+HASH+KEY or public key)", &keys },
		{ "checkpoint", 0, OPT_STRING, "FILE", "check only this checkpoint: its signature "
		  "and that the log extends it", &checkpoint },
		{ "origin", 0, OPT_STRING, "NAME", "with --checkpoint: the origin it must have",
		  &origin },
		{ "json", 0, OPT_FLAG, NULL, "print the result as JSON", &json },
		DB_OPT,
		OPT_END
	};
	const struct cmd_spec spec = {
		"archive verify", "[--head FILE --key PUB...] [--json]\n"
		"       --checkpoint FILE --key VKEY [--origin NAME] [--json]",
		"Recompute every leaf, subtree and tree head from the stored bytes and report\n"
		"each entry that was modified, deleted, added or reordered behind hallmark's\n"
		"back. Exit 0 when the archive is intact, 1 when it is not.", opts, 0, 0, NULL
	};

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO) {
		status = opt_exit_status(rc);
		goto out;
	}
	if (checkpoint || origin) {
		if (!checkpoint || head_path)
			status = cli_usage_error(&spec, "%s", head_path ? "give --head or "
						 "--checkpoint, not both" : "--origin checks a "
						 "--checkpoint");
		else
			status = archive_verify_checkpoint(checkpoint, &keys, origin, json);
		goto out;
	}
	if (keys.n && !head_path) {
		status = cli_usage_error(&spec, "--key checks the signature of a --head");
		goto out;
	}
	if (head_path && !keys.n) {
		status = cli_usage_error(&spec, "--head needs --key PUB: without it the head's "
					 "signature would not be checked, and a head anyone can "
					 "write proves nothing");
		goto out;
	}
	if (head_path && (status = load_head(&trusted, head_path, &keys)) != 0)
		goto out;
	if ((status = open_archive(&a, 0)) != 0)
		goto out;
	rc = hm_archive_verify(&problems, &n, &h, a, head_path ? &trusted : NULL);
	if (rc < 0 && rc != HM_EVERIFY) {
		status = cli_lib_error(rc);
		goto out;
	}
	hex32(root, h.root_hash);
	if (json) {
		char *line, *save = NULL;
		int first = 1;
		printf("{\"ok\": %s, \"tree_size\": %llu, \"root_hash\": \"%s\", \"problems\": [",
		       n ? "false" : "true", (unsigned long long)h.tree_size, root);
		for (line = strtok_r(problems, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			printf("%s\n  ", first ? "" : ",");
			cli_json_string(stdout, line);
			first = 0;
		}
		printf("]}\n");
	} else if (n) {
		cli_text_lines(stdout, problems, strlen(problems), 0);
	} else {
		printf("archive intact: %llu entries, root %s\n", (unsigned long long)h.tree_size,
		       root);
	}
	if (n)
		cli_error("%s", hm_error_last());
	status = n ? EXIT_NO : EXIT_OK;
out:
	hm_free(problems);
	hm_archive_free(a);
	strlist_free(&pos);
	strlist_free(&keys);
	return status;
}

/* ---- export ---- */

static int archive_export(int argc, char **argv)
{
	struct strlist pos = { 0 };
	const char *format = NULL, *since = NULL, *until = NULL, *output = NULL;
	hm_archive_format fmt;
	hm_archive *a = NULL;
	long long from = 0, to = 0;
	char *s = NULL;
	size_t len = 0;
	int force = 0, status = EXIT_USAGE, rc;
	const struct opt opts[] = {
		{ "format", 'F', OPT_STRING, "FORMAT", "json, csv or cyclonedx-xml (required)",
		  &format },
		{ "since", 0, OPT_STRING, "TIME", "entries archived at or after (RFC 3339 or "
		  "YYYY-MM-DD)", &since },
		{ "until", 0, OPT_STRING, "TIME", "entries archived at or before (a date: its end)",
		  &until },
		{ "output", 'o', OPT_STRING, "FILE", "write it here (default: stdout)", &output },
		{ "force", 'f', OPT_FLAG, NULL, "overwrite the output file", &force },
		DB_OPT,
		OPT_END
	};
	const struct cmd_spec spec = {
		"archive export", "--format json|csv|cyclonedx-xml [--since T] [--until T] [-o FILE]",
		"Export the entries archived in a time range for auditors: JSON (every entry in\n"
		"full with the tree head), CSV (one row an entry) or a CycloneDX 1.6 BOM of the\n"
		"models and datasets with their hashes.", opts, 0, 0, NULL
	};

	if ((rc = opt_parse(&spec, argc, argv, &pos)) != OPT_GO) {
		status = opt_exit_status(rc);
		goto out;
	}
	if (!format) {
		status = cli_usage_error(&spec, "--format is required");
		goto out;
	}
	if (hm_archive_format_parse(&fmt, format) < 0) {
		status = cli_usage_error(&spec, "%s", hm_error_last());
		goto out;
	}
	if ((status = time_opt(&spec, &from, since, 0, "--since")) != 0 ||
	    (status = time_opt(&spec, &to, until, 1, "--until")) != 0)
		goto out;
	if ((status = open_archive(&a, 0)) != 0)
		goto out;
	if ((rc = hm_archive_export(&s, &len, a, fmt, from, to)) < 0) {
		status = cli_lib_error(rc);
		goto out;
	}
	status = cli_write_output(output, s, len, force);
out:
	hm_free(s);
	hm_archive_free(a);
	strlist_free(&pos);
	return status;
}

int cmd_archive(int argc, char **argv)
{
	static const struct subcmd subs[] = {
		{ "add", archive_add, "archive the envelopes of bundles (verified, or flagged)" },
		{ "search", archive_search, "find entries by digest, name, type, signer, time" },
		{ "show", archive_show, "one entry in full" },
		{ "lineage", archive_lineage, "base model -> datasets -> run -> model -> audits" },
		{ "head", archive_head, "the log's tree head, optionally signed" },
		{ "prove", archive_prove, "an inclusion proof of an entry" },
		{ "consistency", archive_consistency, "a consistency proof between two tree sizes" },
		{ "check-proof", archive_check_proof, "verify a proof offline" },
		{ "verify", archive_verify, "recompute the log and find what was changed" },
		{ "export", archive_export, "JSON, CSV or CycloneDX for auditors" },
		{ "checkpoint", archive_checkpoint, "the tree head as a signed C2SP checkpoint" },
		{ "export-tiles", archive_export_tiles, "the log as tlog-tiles for a static web server" },
		{ NULL, NULL, NULL }
	};

	/* hallmark archive --db PATH COMMAND ... */
	while (argc > 1 && strncmp(argv[1], "--db", 4) == 0) {
		if (argv[1][4] == '=') {
			db_path = argv[1] + 5;
		} else if (argv[1][4] == '\0' && argc > 2) {
			db_path = argv[2];
			argc--;
			argv++;
		} else {
			break;
		}
		argv[1] = argv[0];
		argc--;
		argv++;
	}
	return cli_dispatch("archive", subs, argc, argv);
}
