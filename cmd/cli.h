/* cmd/cli.h: what the command files share. The CLI is a thin client of libhallmark. */
#ifndef HM_CMD_CLI_H
#define HM_CMD_CLI_H

#include <hallmark.h>
#include <stdio.h>
#include "opt.h"

/* Exit statuses: 0 it holds, 1 a check said no / invalid input, 2 usage or unreadable input. */
#define EXIT_OK 0
#define EXIT_NO 1
#define EXIT_USAGE 2

#if defined(__GNUC__)
#define CLI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CLI_PRINTF(a, b)
#endif

/* "hallmark: <message>" on stderr. */
void cli_error(const char *fmt, ...) CLI_PRINTF(1, 2);
void cli_warn(const char *fmt, ...) CLI_PRINTF(1, 2);
/*
 * Says on stderr that the manifest left out the Hugging Face download cache
 * (.cache/huggingface, a default ignore), when the model holds one.
 */
void cli_note_download_cache(const hm_manifest *m);
/* Prints the library's last error and returns the exit status for its code. */
int cli_lib_error(int code);
/* The exit status for a library error code. */
int cli_exit_for(int code);
/* "hallmark <cmd>: <message>" plus a hint to --help; returns EXIT_USAGE. */
int cli_usage_error(const struct cmd_spec *spec, const char *fmt, ...) CLI_PRINTF(2, 3);

/*
 * What the hashing of a model leaves out, from the command line (cli_ignore.c):
 * the --ignore paths given (relative to the model root, or absolute inside
 * the model directory: else a usage error), then each of inside[0..n) (files
 * the command reads or writes: NULL and "-" skipped) that lies inside the
 * model directory, relative to its root. v[0..n) is for hm_digest_options.
 * Returns 0 or an exit status (the error printed).
 */
struct cli_ignores {
	const char **v;
	size_t n;
	char **own;
	size_t nown;
};
int cli_ignores_build(struct cli_ignores *ig, const struct cmd_spec *spec, const char *model,
		      const struct strlist *given, const char *const *inside, size_t ninside);
void cli_ignores_free(struct cli_ignores *ig);
/* --shard and --shard-size SIZE (which implies --shard) into d; 0 or EXIT_USAGE. */
int cli_shard_options(const struct cmd_spec *spec, hm_digest_options *d, int shard,
		      const char *size);
#define CLI_SHARD_OPTS(shard, size)                                                            \
	{ "shard", 0, OPT_FLAG, NULL,                                                          \
	  "OMS \"shards\" serialization: hash byte ranges of 1 GB (model_signing's default)",   \
	  (shard) },                                                                           \
	{ "shard-size", 0, OPT_STRING, "BYTES", "the shard size for --shard (implies it)", (size) }

/*
 * Reads a passphrase: $HALLMARK_PASSPHRASE, else passfile's first line, else a
 * no-echo prompt on the terminal (twice when confirm). Returns a NUL-terminated
 * secret in sodium_malloc memory (free with cli_passphrase_free), or NULL after
 * printing why.
 */
char *cli_passphrase(const char *passfile, int confirm, const char *what);
void cli_passphrase_free(char *p);

/* Passphrase callback for hm_key_load: payload is the passfile path (or NULL). */
int cli_passphrase_cb(char *buf, size_t bufsize, void *payload);

/* Loads a secret key, asking for its passphrase only when it is encrypted. */
int cli_load_secret_key(hm_key **out, const char *path, const char *passfile);

/* Builds a keyring from --key files; prints errors. Returns 0 or an exit status. */
int cli_keyring(hm_keyring **out, const struct strlist *files, const char *option);

/* What deciding trust takes from the command line. */
struct cli_trust_args {
	const struct strlist *keys, *auditor_keys; /* may be empty */
	const struct strlist *cert_chains;         /* --cert-chain PEM...; NULL = none */
	const char *identity, *issuer, *trusted_root; /* keyless; NULL = none */
	long long now;                             /* 0 = now */
};
/* The keyrings and certificate roots built from them, and the options pointing at them. */
struct cli_trust {
	hm_keyring *kr, *akr;
	hm_cert_roots *roots;
	hm_trust_options to;
};
/* Loads keys and certificates. Returns 0 or an exit status (printed). */
int cli_trust_open(struct cli_trust *t, const struct cli_trust_args *a);
void cli_trust_close(struct cli_trust *t);
/* One bundle from one or more files (.intoto.jsonl or Sigstore). 0 or an exit status. */
int cli_bundle_load(hm_bundle **out, const struct strlist *paths);
/* The trust options shared by verify and bundle check, for their option tables. */
#define CLI_TRUST_OPTS(ta_certs, ta_identity, ta_issuer, ta_root)                              \
	{ "cert-chain", 0, OPT_LIST, "PEM",                                                       \
	  "trusted root certificate(s) for certificate-signed Sigstore bundles", ta_certs },      \
	{ "identity", 0, OPT_STRING, "ID", "keyless: the signer's identity (certificate SAN)",    \
	  ta_identity },                                                                          \
	{ "issuer", 0, OPT_STRING, "URL", "keyless: the identity's OIDC issuer", ta_issuer },    \
	{ "trusted-root", 0, OPT_STRING, "FILE",                                                  \
	  "keyless: Sigstore trusted_root.json (default: the installed one)", ta_root }

/* What a verification takes from the command line. */
struct cli_verify_args {
	const char *model, *bundle, *policy; /* policy NULL = the default */
	const struct strlist *bundles;       /* several --bundle; when given, bundle is unused */
	const struct strlist *cert_chains;   /* may be NULL */
	const char *identity, *issuer, *trusted_root;
	const struct strlist *keys, *auditor_keys;
	long long now;                       /* 0 = now */
	unsigned int jobs;
	int no_progress;
	int cache; /* use and update the digest cache, and say what it spared */
	const char *base_model; /* the base model on disk to check; NULL = none */
	const char *const *ignore; /* the verifier's ignore paths (cli_ignores_build) */
	size_t nignore;
	int ignore_unsigned_files;
	hm_trusted_bundle **trusted; /* when not NULL: also hand back the checked bundle */
};
/* Loads keys, policy and bundle and runs hm_verify. Returns 0 or an exit status (printed). */
int cli_verify_model(hm_verify_report **out, const struct cli_verify_args *a);

/*
 * Removes the temporary files of writes in progress when SIGINT, SIGTERM,
 * SIGHUP, SIGQUIT, SIGPIPE or SIGXFSZ ends the process (signals that were
 * ignored when it started stay ignored).
 */
void cli_cleanup_on_signals(void);
/*
 * Writes data to path ("-" or NULL = stdout): a regular file atomically, a
 * link's target atomically, a character device or FIFO in place. Returns 0 or
 * an exit status (printed).
 */
int cli_write_output(const char *path, const char *data, size_t len, int force);

/*
 * Attested text for a human reader, escaped with hm_text_escape (control
 * characters, bidi controls, bytes that are not UTF-8). cli_esc returns a
 * buffer that stays valid for the next 15 calls ("" for NULL), for use as a
 * printf argument; cli_text_lines writes multi-line text, keeping its LFs
 * (flags: more HM_TEXT_* flags, HM_TEXT_KEEP_BACKSLASHES for JSON text).
 */
const char *cli_esc(const char *s);
void cli_text_lines(FILE *out, const char *s, size_t len, unsigned int flags);

/* JSON string escaping to a stream. */
void cli_json_string(FILE *out, const char *s);

/* Command groups: argv[0] is the group word. */
int cmd_key(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_bundle(int argc, char **argv);
int cmd_digest(int argc, char **argv);
int cmd_attest(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_archive(int argc, char **argv);
int cmd_card(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int attest_card(int argc, char **argv);
/* Loads the bundle and its verified facts (cmd/card.c); warns about omitted lines. */
int cli_load_facts(hm_facts **out, const char *bundle_path, const struct strlist *keys,
		   const struct strlist *auditor_keys, const char *model);
/* The facts of a bundle already checked (report --model: each signature checked once). */
int cli_trusted_facts(hm_facts **out, const char *bundle_path, const hm_trusted_bundle *tb,
		      const char *model_hex);

/* Dispatch to a subcommand table. */
struct subcmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};
int cli_dispatch(const char *group, const struct subcmd *subs, int argc, char **argv);

#endif
