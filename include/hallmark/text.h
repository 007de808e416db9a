/*
 * hallmark/text.h: attested text made safe to show on a terminal.
 *
 * Names, reasons and other strings inside signed statements are chosen by
 * whoever signed them, and a throw-away key can sign anything. Printed raw,
 * an escape sequence, a carriage return or a newline can erase a warning or
 * print a line that looks like hallmark's own ("ok ... signed by ..."), and a
 * bidi override can reorder what the reader sees. Every human-readable output
 * of attested text goes through hm_text_escape().
 */
#ifndef HALLMARK_TEXT_H
#define HALLMARK_TEXT_H

#include <stddef.h>
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* hm_text_escape flags */
#define HM_TEXT_KEEP_NEWLINES 0x1u   /* leave LF as it is (multi-line text) */
#define HM_TEXT_KEEP_BACKSLASHES 0x2u /* leave \ as it is: the text is JSON, where a
					 backslash already starts an escape */

/*
 * Writes s (len bytes; it may hold NUL bytes) with everything that can change
 * how a terminal shows it replaced by a visible escape:
 *
 *   \\                 a backslash (so no escape can be forged)
 *   \n \r \t           LF, CR, TAB
 *   \xHH               other C0 controls, DEL, and every byte that is not
 *                      part of valid UTF-8 (overlong forms, surrogates, code
 *                      points past U+10FFFF, stray or truncated sequences)
 *   \uHHHH             C1 controls (U+0080-U+009F), bidi controls (U+061C,
 *                      U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) and the
 *                      line and paragraph separators U+2028, U+2029
 *
 * Valid UTF-8 other than those (accents, CJK, emoji) is kept as it is.
 * snprintf-like: writes at most size - 1 bytes and a NUL to dst (dst may be
 * NULL when size is 0) and returns the length of the whole escaped text, so a
 * return value >= size means it was cut. Never fails.
 */
HM_EXTERN size_t hm_text_escape_into(char *dst, size_t size, const char *s, size_t len,
				     unsigned int flags);

/*
 * The escaped text of s (len bytes) as a new NUL-terminated string in *out.
 * Free it with hm_free(). 0, or HM_ENOMEM.
 */
HM_EXTERN int hm_text_escape(char **out, const char *s, size_t len, unsigned int flags);

#ifdef __cplusplus
}
#endif
#endif
