/* Helpers shared by the command files: errors, passphrases, keyrings, output. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define PASSMAX 1024

/*
 * One diagnostic line. Messages quote file contents and attested strings
 * (a payloadType, a subject name), so the whole line is escaped: nothing in
 * it can move the cursor or print a line of its own.
 */
static void diagnostic(const char *prefix, const char *fmt, va_list ap)
{
	char *msg = NULL, *esc = NULL;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	if (!msg || hm_text_escape(&esc, msg, strlen(msg), 0) < 0)
		fprintf(stderr, "%s(out of memory)\n", prefix);
	else
		fprintf(stderr, "%s%s\n", prefix, esc);
	free(msg);
	hm_free(esc);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diagnostic("hallmark: ", fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diagnostic("hallmark: warning: ", fmt, ap);
	va_end(ap);
}

void cli_note_download_cache(const hm_manifest *m)
{
	hm_uncovered_kind why;
	const char *name;
	size_t i;

	for (i = 0; (name = hm_manifest_uncovered(m, i, NULL, &why)) != NULL; i++)
		if (why == HM_UNCOVERED_DEFAULT && strncmp(name, ".cache/huggingface", 18) == 0)
			fprintf(stderr, "hallmark: left out %s (a Hugging Face download cache); "
				"recorded in the manifest's ignore_paths\n", name);
}

int cli_exit_for(int code)
{
	switch (code) {
	case HM_OK:
		return EXIT_OK;
	case HM_EIO:
	case HM_ENOTFOUND:
	case HM_EINVAL:
	case HM_EPASSPHRASE:
	case HM_EEXISTS:
	case HM_ENOMEM:
		return EXIT_USAGE;
	default:
		return EXIT_NO;
	}
}

int cli_lib_error(int code)
{
	const char *m = hm_error_last();

	cli_error("%s", *m ? m : hm_error_name(code));
	return cli_exit_for(code);
}

int cli_usage_error(const struct cmd_spec *spec, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "hallmark %s: ", spec->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: hallmark %s %s\n(see hallmark %s --help)\n", spec->name,
		spec->synopsis, spec->name);
	return EXIT_USAGE;
}

static int read_tty_line(int fd, char *buf, size_t size)
{
	size_t n = 0;
	char c;

	for (;;) {
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n' || c == '\r')
			break;
		if (n + 1 < size)
			buf[n++] = c;
	}
	buf[n] = '\0';
	return (int)n;
}

/* The terminal's settings while echo is off, so a signal can put them back. */
static struct termios saved_tty;
static volatile sig_atomic_t saved_tty_fd = -1;
static const int tty_signals[] = { SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGTSTP };
#define NSIGNALS (sizeof(tty_signals) / sizeof(tty_signals[0]))

static void restore_tty_and_die(int sig)
{
	if (saved_tty_fd >= 0)
		tcsetattr(saved_tty_fd, TCSAFLUSH, &saved_tty);
	signal(sig, SIG_DFL);
	raise(sig);
}

static int prompt(const char *msg, char *buf, size_t size)
{
	struct sigaction sa, old_sa[NSIGNALS];
	struct termios noecho;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	size_t i;

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = restore_tty_and_die;
	sigemptyset(&sa.sa_mask);
	if (tcgetattr(fd, &saved_tty) == 0) {
		noecho = saved_tty;
		noecho.c_lflag &= ~(tcflag_t)ECHO;
		noecho.c_lflag |= ECHONL;
		/* Ctrl-C at the prompt must not leave the terminal without echo. */
		for (i = 0; i < NSIGNALS; i++)
			sigaction(tty_signals[i], &sa, &old_sa[i]);
		saved_tty_fd = fd;
		if (tcsetattr(fd, TCSAFLUSH, &noecho) != 0)
			saved_tty_fd = -1;
	}
	if (write(fd, msg, strlen(msg)) < 0) {
		/* nothing to do: the read below still works */
	}
	read_tty_line(fd, buf, size);
	if (saved_tty_fd >= 0) {
		tcsetattr(fd, TCSAFLUSH, &saved_tty);
		saved_tty_fd = -1;
		for (i = 0; i < NSIGNALS; i++)
			sigaction(tty_signals[i], &old_sa[i], NULL);
	}
	close(fd);
	return 0;
}

void cli_passphrase_free(char *p)
{
	if (p)
		sodium_free(p);
}

/*
 * The passphrase, or NULL with the reason in why (the caller decides whether to
 * print it or hand it to the library as its error message).
 */
static char *get_passphrase(const char *passfile, int confirm, const char *what, char *why,
			    size_t whysize)
{
	const char *env = getenv("HALLMARK_PASSPHRASE");
	char *p, *again;

	why[0] = '\0';
	if (sodium_init() < 0) {
		snprintf(why, whysize, "libsodium failed to initialize");
		return NULL;
	}
	p = sodium_malloc(PASSMAX);
	if (!p) {
		snprintf(why, whysize, "out of memory");
		return NULL;
	}
	memset(p, 0, PASSMAX);
	if (env) {
		if (strlen(env) >= PASSMAX) {
			snprintf(why, whysize, "HALLMARK_PASSPHRASE is longer than %d bytes",
				 PASSMAX - 1);
			goto fail;
		}
		strcpy(p, env);
	} else if (passfile) {
		FILE *f = fopen(passfile, "r");
		size_t n;
		if (!f) {
			snprintf(why, whysize, "%s: cannot read the passphrase file: %s", passfile,
				 strerror(errno));
			goto fail;
		}
		n = fread(p, 1, PASSMAX - 1, f);
		fclose(f);
		p[n] = '\0';
		p[strcspn(p, "\r\n")] = '\0';
	} else {
		char msg[256];
		if (!isatty(STDIN_FILENO) && access("/dev/tty", R_OK | W_OK) != 0) {
			snprintf(why, whysize, "%s needs a passphrase: set HALLMARK_PASSPHRASE, use "
				 "--passphrase-file FILE%s", what,
				 confirm ? ", or --no-passphrase for an unencrypted key" : "");
			goto fail;
		}
		snprintf(msg, sizeof(msg), "Passphrase for %s: ", what);
		if (prompt(msg, p, PASSMAX) < 0) {
			snprintf(why, whysize, "%s needs a passphrase and there is no terminal to "
				 "ask on: set HALLMARK_PASSPHRASE or use --passphrase-file FILE%s",
				 what, confirm ? " (or --no-passphrase)" : "");
			goto fail;
		}
		if (confirm) {
			again = sodium_malloc(PASSMAX);
			if (!again) {
				snprintf(why, whysize, "out of memory");
				goto fail;
			}
			memset(again, 0, PASSMAX);
			prompt("Repeat the passphrase: ", again, PASSMAX);
			if (strcmp(p, again) != 0) {
				sodium_free(again);
				snprintf(why, whysize, "the passphrases do not match");
				goto fail;
			}
			sodium_free(again);
		}
	}
	if (confirm && p[0] == '\0') {
		snprintf(why, whysize, "empty passphrase; use --no-passphrase for an unencrypted key");
		goto fail;
	}
	return p;
fail:
	sodium_free(p);
	return NULL;
}

char *cli_passphrase(const char *passfile, int confirm, const char *what)
{
	char why[512];
	char *p = get_passphrase(passfile, confirm, what, why, sizeof(why));

	if (!p)
		cli_error("%s", why);
	return p;
}

int cli_passphrase_cb(char *buf, size_t bufsize, void *payload)
{
	const char *passfile = payload;
	char why[512];
	char *p = get_passphrase(passfile, 0, "the secret key", why, sizeof(why));

	/* The library reports the error: set its message rather than printing here. */
	if (!p)
		return hm_error_set(HM_EPASSPHRASE, "%s", why);
	if (strlen(p) >= bufsize) {
		cli_passphrase_free(p);
		return hm_error_set(HM_EPASSPHRASE, "the passphrase is longer than %zu bytes",
				    bufsize - 1);
	}
	strcpy(buf, p);
	cli_passphrase_free(p);
	return 0;
}

int cli_load_secret_key(hm_key **out, const char *path, const char *passfile)
{
	int rc = hm_key_load(out, path, cli_passphrase_cb, (void *)passfile);

	if (rc < 0)
		return rc;
	if (!hm_key_has_secret(*out)) {
		hm_key_free(*out);
		*out = NULL;
		return hm_error_set(HM_EINVAL, "%s: is a public key; signing needs the secret key "
				    "(.key)", path);
	}
	return 0;
}

int cli_keyring(hm_keyring **out, const struct strlist *files, const char *option)
{
	size_t i;
	int rc;

	*out = NULL;
	if (files->n == 0) {
		cli_error("no trusted keys: give at least one %s PUB", option);
		return EXIT_USAGE;
	}
	if ((rc = hm_keyring_new(out)) < 0)
		return cli_lib_error(rc);
	for (i = 0; i < files->n; i++) {
		hm_key *k;
		if ((rc = hm_key_load_public(&k, files->v[i])) < 0) {
			hm_keyring_free(*out);
			*out = NULL;
			cli_lib_error(rc);
			return EXIT_USAGE;
		}
		rc = hm_keyring_add(*out, k);
		hm_key_free(k);
		if (rc < 0) {
			hm_keyring_free(*out);
			*out = NULL;
			return cli_lib_error(rc);
		}
	}
	return 0;
}

static void remove_temp_files_and_die(int sig)
{
	hm_remove_temp_files();
	signal(sig, SIG_DFL);
	raise(sig);
}

void cli_cleanup_on_signals(void)
{
	/* the signals that end a process while it may be writing a file */
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGXFSZ };
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = remove_temp_files_and_die;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		/* a signal ignored by whoever started us (nohup, trap '') stays ignored */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
	}
}

int cli_write_output(const char *path, const char *data, size_t len, int force)
{
	if (!path || strcmp(path, "-") == 0) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
			cli_error("writing to standard output failed: %s", strerror(errno));
			return EXIT_USAGE;
		}
		return 0;
	}
	{
		int rc = hm_write_file(path, data, len, 0644, force);
		if (rc < 0)
			return cli_lib_error(rc);
	}
	return 0;
}

void cli_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

int cli_dispatch(const char *group, const struct subcmd *subs, int argc, char **argv)
{
	const struct subcmd *s;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		FILE *out = argc < 2 ? stderr : stdout;
		fprintf(out, "usage: hallmark %s COMMAND [options]\n\ncommands:\n", group);
		for (s = subs; s->name; s++)
			fprintf(out, "  %-18s %s\n", s->name, s->summary);
		fprintf(out, "\nRun `hallmark %s COMMAND --help` for a command's options.\n", group);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	for (s = subs; s->name; s++)
		if (strcmp(s->name, argv[1]) == 0)
			return s->fn(argc - 1, argv + 1);
	fprintf(stderr, "hallmark %s: unknown command \"%s\" (see hallmark %s --help)\n", group,
		argv[1], group);
	return EXIT_USAGE;
}
