/* A progress bar on stderr for long hashing runs: only when stderr is a terminal. */
#include "cli_progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void human(char *buf, size_t n, double bytes)
{
	const char *units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;

	while (bytes >= 1024 && u < 4) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, n, "%.1f %s", bytes, units[u]);
}

static void progress_cb(uint64_t done, uint64_t total, void *payload)
{
	struct progress *p = payload;
	double t = now_s(), rate, eta;
	char d[32], tot[32], r[32];
	int width = 30, fill, i;

	if (done < total && t - p->last < 0.1)
		return;
	p->last = t;
	rate = t > p->start ? (double)done / (t - p->start) : 0;
	eta = rate > 0 && total > done ? (double)(total - done) / rate : 0;
	fill = total ? (int)((double)done / (double)total * width) : width;
	human(d, sizeof(d), (double)done);
	human(tot, sizeof(tot), (double)total);
	human(r, sizeof(r), rate);
	fprintf(stderr, "\r%s [", p->label);
	for (i = 0; i < width; i++)
		fputc(i < fill ? '#' : '.', stderr);
	fprintf(stderr, "] %s / %s  %s/s  ETA %02d:%02d ", d, tot, r, (int)eta / 60, (int)eta % 60);
	p->drawn = 1;
	fflush(stderr);
}

void progress_attach(struct progress *p, hm_digest_options *opts, const char *label,
		     int disabled)
{
	p->label = label;
	p->start = p->last = now_s();
	p->drawn = 0;
	if (disabled || !isatty(STDERR_FILENO))
		return;
	p->last = 0;
	opts->progress = progress_cb;
	opts->progress_payload = p;
}

void progress_done(struct progress *p)
{
	if (p->drawn)
		fputs("\r\033[K", stderr);
	p->drawn = 0;
}
