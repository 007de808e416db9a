/*
 * bench/hashbench.c: the smallest client of hm_manifest_compute, for
 * bench/run.sh. Prints "sha256:<root>" on stdout like `hallmark digest`, and
 * on stderr one line: "bytes=N seconds=S mbps=R maxrss_kb=K".
 *
 *   hashbench [-j JOBS] [-i IGNORE]... [-s] [-m] PATH
 *   -s  allow symlinks inside the root
 *   -m  map files (hm_hash_mmap_enable), as `hallmark digest` does
 */
#include <hallmark.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

int main(int argc, char **argv)
{
	hm_digest_options o = HM_DIGEST_OPTIONS_INIT;
	const char *ign[64];
	const char *path = NULL;
	struct timespec t0, t1;
	struct rusage ru;
	hm_manifest *m;
	double secs;
	int i;

	o.ignore = ign;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-j") == 0 && i + 1 < argc)
			o.jobs = (unsigned int)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "-i") == 0 && i + 1 < argc && o.nignore < 64)
			ign[o.nignore++] = argv[++i];
		else if (strcmp(argv[i], "-s") == 0)
			o.allow_symlinks = 1;
		else if (strcmp(argv[i], "-m") == 0) {
			if (hm_hash_mmap_enable() < 0) {
				fprintf(stderr, "hashbench: %s\n", hm_error_last());
				return 1;
			}
		}
		else if (!path && argv[i][0] != '-')
			path = argv[i];
		else {
			fprintf(stderr, "usage: hashbench [-j JOBS] [-i IGNORE]... [-s] [-m] PATH\n");
			return 2;
		}
	}
	if (!path) {
		fprintf(stderr, "usage: hashbench [-j JOBS] [-i IGNORE]... [-s] [-m] PATH\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (hm_manifest_compute(&m, path, &o) < 0) {
		fprintf(stderr, "hashbench: %s\n", hm_error_last());
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	getrusage(RUSAGE_SELF, &ru);
	printf("sha256:%s\n", hm_manifest_root(m));
	fprintf(stderr, "bytes=%llu seconds=%.3f mbps=%.1f maxrss_kb=%ld\n",
		(unsigned long long)hm_manifest_total_bytes(m), secs,
		secs > 0 ? (double)hm_manifest_total_bytes(m) / 1e6 / secs : 0.0, ru.ru_maxrss);
	hm_manifest_free(m);
	return 0;
}
