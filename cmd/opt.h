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

/* What opt_parse says: go on, or the command ends here. */
#define OPT_GO 0     /* parsed: run the command */
#define OPT_HELP 1   /* --help was printed */
#define OPT_ERROR -1 /* a usage error was printed */

/*
 * Parses argv (argv[0] is the command word). Positional arguments go to pos.
 * Returns OPT_GO, OPT_HELP or OPT_ERROR. Every command handles the result the
 * same way: anything but OPT_GO ends it with opt_exit_status(result).
 */
int opt_parse(const struct cmd_spec *spec, int argc, char **argv, struct strlist *pos);
/* The exit status a command ends with after opt_parse did not return OPT_GO: 0 or 2. */
int opt_exit_status(int parsed);
void opt_usage(FILE *out, const struct cmd_spec *spec);
void strlist_free(struct strlist *l);

#endif
