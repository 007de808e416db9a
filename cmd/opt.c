/* Option parsing and usage, both from the same table. */
#include "opt.h"
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int push(struct strlist *l, const char *s)
{
	const char **n = realloc(l->v, (l->n + 1) * sizeof(*n));

	if (!n)
		return -1;
	l->v = n;
	l->v[l->n++] = s;
	return 0;
}

void strlist_free(struct strlist *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void opt_usage(FILE *out, const struct cmd_spec *spec)
{
	const struct opt *o;

	fprintf(out, "usage: hallmark %s %s\n\n%s\n", spec->name, spec->synopsis, spec->summary);
	fprintf(out, "\noptions:\n");
	for (o = spec->opts; o && o->name; o++) {
		char left[64];
		if (o->shortname)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->shortname, o->name,
				 o->argname ? " " : "", o->argname ? o->argname : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->argname ? " " : "",
				 o->argname ? o->argname : "");
		fprintf(out, "  %-28s %s%s\n", left, o->help,
			o->kind == OPT_LIST ? " (repeatable)" : o->kind == OPT_MULTI ? " (one or more)" : "");
	}
	fprintf(out, "  %-28s %s\n", "-h, --help", "show this help");
}

static int set(const struct cmd_spec *spec, const struct opt *o, const char *val)
{
	switch (o->kind) {
	case OPT_FLAG:
		*(int *)o->dest = 1;
		return 0;
	case OPT_STRING:
		*(const char **)o->dest = val;
		return 0;
	case OPT_LIST:
	case OPT_MULTI:
		return push((struct strlist *)o->dest, val);
	case OPT_UINT: {
		char *end;
		unsigned long v;
		errno = 0;
		v = strtoul(val, &end, 10);
		if (errno || *end || !*val || val[0] == '-') {
			cli_usage_error(spec, "--%s takes a non-negative whole number, not \"%s\"",
					o->name, val);
			return -1;
		}
		*(unsigned long *)o->dest = v;
		return 0;
	}
	}
	return -1;
}

int opt_parse(const struct cmd_spec *spec, int argc, char **argv, struct strlist *pos)
{
	int i, only_pos = 0, inline_val;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		const struct opt *o = NULL;
		char name[64];

		if (only_pos || a[0] != '-' || strcmp(a, "-") == 0) {
			if (push(pos, a) < 0)
				return cli_usage_error(spec, "out of memory"), OPT_ERROR;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			opt_usage(stdout, spec);
			return OPT_HELP;
		}
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t n = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
			if (n >= sizeof(name))
				n = sizeof(name) - 1;
			memcpy(name, a + 2, n);
			name[n] = '\0';
			for (o = spec->opts; o && o->name; o++)
				if (strcmp(o->name, name) == 0)
					break;
			if (!o || !o->name) {
				cli_usage_error(spec, "unknown option --%s", name);
				return OPT_ERROR;
			}
			if (eq) {
				if (o->kind == OPT_FLAG) {
					cli_usage_error(spec, "--%s takes no value", name);
					return OPT_ERROR;
				}
				val = eq + 1;
			}
		} else {
			if (a[2] != '\0') {
				/* -oVALUE */
				for (o = spec->opts; o && o->name; o++)
					if (o->shortname == a[1])
						break;
				if (!o || !o->name || o->kind == OPT_FLAG) {
					cli_usage_error(spec, "unknown option %s", a);
					return OPT_ERROR;
				}
				val = a + 2;
			} else {
				for (o = spec->opts; o && o->name; o++)
					if (o->shortname == a[1])
						break;
				if (!o || !o->name) {
					cli_usage_error(spec, "unknown option %s", a);
					return OPT_ERROR;
				}
			}
		}
		inline_val = val != NULL;
		if (o->kind != OPT_FLAG && !val) {
			if (i + 1 >= argc) {
				cli_usage_error(spec, "--%s needs a value (%s)", o->name,
						o->argname ? o->argname : "VALUE");
				return OPT_ERROR;
			}
			val = argv[++i];
		}
		if (set(spec, o, val) < 0)
			return OPT_ERROR;
		/* --results A B C: the words up to the next option belong to it */
		while (o->kind == OPT_MULTI && !inline_val && i + 1 < argc &&
		       argv[i + 1][0] != '-') {
			if (set(spec, o, argv[++i]) < 0)
				return OPT_ERROR;
		}
	}
	if (pos->n < spec->min_args) {
		cli_usage_error(spec, "missing argument%s", spec->min_args - pos->n > 1 ? "s" : "");
		return OPT_ERROR;
	}
	if (spec->max_args != ANY_ARGS && pos->n > spec->max_args) {
		cli_usage_error(spec, "unexpected argument \"%s\"", pos->v[spec->max_args]);
		return OPT_ERROR;
	}
	return OPT_GO;
}

int opt_exit_status(int parsed)
{
	return parsed == OPT_HELP ? EXIT_OK : EXIT_USAGE;
}
