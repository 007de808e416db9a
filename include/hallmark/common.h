/*
 * hallmark/common.h: export macro, error codes and the thread-local error message.
 */
#ifndef HALLMARK_COMMON_H
#define HALLMARK_COMMON_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(HM_BUILDING_LIBRARY) && defined(__GNUC__)
#define HM_EXTERN __attribute__((visibility("default")))
#else
#define HM_EXTERN
#endif

/*
 * Every library function that can fail returns 0 on success or one of these
 * negative codes; the message explaining it is in hm_error_last().
 */
typedef enum hm_error_code {
	HM_OK = 0,
	HM_ERROR = -1,       /* generic failure */
	HM_EINVAL = -2,      /* invalid argument from the caller */
	HM_ENOMEM = -3,      /* out of memory */
	HM_EIO = -4,         /* reading or writing a file failed */
	HM_EFORMAT = -5,     /* malformed input (JSON, PEM, key file, envelope, ...) */
	HM_EVERIFY = -6,     /* a signature, digest or policy check said no */
	HM_EPASSPHRASE = -7, /* wrong or missing passphrase */
	HM_EEXISTS = -8,     /* the output exists and overwriting was not asked for */
	HM_ECRYPTO = -9,     /* the crypto library failed */
	HM_ENOTFOUND = -10,  /* a file, key or entry is not there */
	HM_EUNSUPPORTED = -11 /* a format version or algorithm we do not know */
} hm_error_code;

/*
 * The message of the last error on this thread. Never NULL (an empty string
 * when no error was set). Valid until the next hallmark call on this thread.
 */
HM_EXTERN const char *hm_error_last(void);

/* The code of the last error on this thread (HM_OK when none). */
HM_EXTERN int hm_error_last_code(void);

/* Clears the last error on this thread. */
HM_EXTERN void hm_error_clear(void);

/*
 * Sets the thread's error (for callbacks that abort a library call with their
 * own reason). Returns code.
 */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
HM_EXTERN int hm_error_set(int code, const char *fmt, ...);

/*
 * Writes data to path whole or not at all (temp file in the same directory,
 * fsync, rename; with overwrite 0 an existing file is never replaced and
 * HM_EEXISTS is returned). mode is the file's permission bits. A symbolic
 * link is followed and its target replaced, so the link stays a link (a link
 * to nothing creates its target); a character device or FIFO is opened and
 * written in place, never replaced by a file. "-" is an ordinary file name.
 */
HM_EXTERN int hm_write_file(const char *path, const void *data, size_t len, unsigned int mode,
			    int overwrite);

/*
 * Removes the temporary files that writes in progress (hm_write_file and
 * every other writer in the library) have created and not yet moved into
 * place. Async-signal-safe: for a SIGINT/SIGTERM handler that is about to
 * end the process, so that nothing partial is left behind.
 */
HM_EXTERN void hm_remove_temp_files(void);

/*
 * Reads a whole file ("-" = standard input) of at most max bytes into a
 * NUL-terminated buffer. Free *out with hm_free().
 */
HM_EXTERN int hm_read_file(char **out, size_t *len, const char *path, size_t max);

/* Short name of an error code, e.g. "HM_EVERIFY". */
HM_EXTERN const char *hm_error_name(int code);

/*
 * Initialises the library (libsodium, OpenSSL). Safe to call more than once
 * and from several threads; every entry point that needs it calls it too.
 */
HM_EXTERN int hm_init(void);

/* Frees memory that a hallmark function handed to the caller (strings, buffers). */
HM_EXTERN void hm_free(void *ptr);

/* The library version, e.g. "0.1.0". */
HM_EXTERN const char *hm_version(void);

#ifdef __cplusplus
}
#endif
#endif
