/* Printing attested text: every string a signer chose goes through hm_text_escape. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#define RING 16

const char *cli_esc(const char *s)
{
	static char *ring[RING];
	static unsigned next;
	char **slot = &ring[next++ % RING];

	if (!s)
		return "";
	hm_free(*slot);
	*slot = NULL;
	if (hm_text_escape(slot, s, strlen(s), 0) < 0)
		return "(out of memory)";
	return *slot;
}

void cli_text_lines(FILE *out, const char *s, size_t len, unsigned int flags)
{
	char *e = NULL;

	if (!s)
		return;
	if (hm_text_escape(&e, s, len, HM_TEXT_KEEP_NEWLINES | flags) < 0) {
		fputs("(out of memory)\n", out);
		return;
	}
	fputs(e, out);
	hm_free(e);
}
