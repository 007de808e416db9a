/* cmd/progress.h: the terminal progress bar for hashing. */
#ifndef HM_CMD_PROGRESS_H
#define HM_CMD_PROGRESS_H

#include <hallmark.h>

struct progress {
	const char *label;
	double start, last;
	int drawn;
};

/* Sets opts->progress when stderr is a terminal and not disabled. */
void progress_attach(struct progress *p, hm_digest_options *opts, const char *label,
		     int disabled);
/* Clears the bar. */
void progress_done(struct progress *p);

#endif
