/* cmd/opt.h: option tables that both parse the command line and print usage. */
#ifndef HM_CMD_OPT_H
#define HM_CMD_OPT_H

#include <stddef.h>
#include <stdio.h>

/*
 * OPT_LIST takes one value per occurrence (--key A --key B); OPT_MULTI also
 * takes the words that follow it up to the next option (--results A B C).
 */
enum opt_kind { OPT_FLAG, OPT_STRING, OPT_LIST, OPT_UINT, OPT_MULTI };

struct strlist {
	const char **v;
	size_t n;
};

struct opt {
	const char *name;     /* long name without "--" */
	char shortname;       /* 0 when none */
	enum opt_kind kind;
	const char *argname;  /* e.g. "FILE" */
	const char *help;
	void *dest;           /* int *, const char **, struct strlist * (LIST, MULTI), unsigned long * */
};

struct cmd_spec {
	const char *name;     /* "key generate" */
	const char *synopsis; /* "-o PREFIX [--no-passphrase] [--force]" */
	const char *summary;  /* one line */
	const struct opt *opts; /* terminated by an entry with name NULL */
	size_t min_args, max_args; /* positional arguments; max (size_t)-1 = any */
	const char *const *arg_names; /* unused, reserved */
};

#define OPT_END { NULL, 0, OPT_FLAG, NULL, NULL, NULL }
#define ANY_ARGS ((size_t)-1)

/*
 * Parses argv (argv[0] is the command word). Positional arguments go to pos.
 * Returns 0 to go on, 1 when --help was printed (exit 0), -1 after printing a
 * usage error (exit 2).
 */
int opt_parse(const struct cmd_spec *spec, int argc, char **argv, struct strlist *pos);
void opt_usage(FILE *out, const struct cmd_spec *spec);
void strlist_free(struct strlist *l);

#endif
