/*
 * bench/hashbench.c: the smallest client of hm_manifest_compute, for
 * bench/run.sh. Prints "sha256:<root>" on stdout like `hallmark digest`, and
 * on stderr one line: "bytes=N seconds=S mbps=R maxrss_kb=K".
 *
 *   hashbench [-j JOBS] [-i IGNORE]... [-s] [-m] PATH
 *   -s  allow symlinks inside the root
 *   -m  map files (hm_hash_mmap_enable) instead of reading them
 *
 *   hashbench -w DIR COUNT BYTES
 *   writes COUNT files of BYTES pseudo-random bytes each under DIR (100 to a
 *   subdirectory when COUNT > 100) in 64 KiB writes, as a downloader leaves
 *   them: in the page cache, not yet flushed.
 *
 *   hashbench -d FILE...
 *   drops each (flushed) FILE from the page cache (POSIX_FADV_DONTNEED).
 */
#include <hallmark.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static int write_files(const char *dir, unsigned long count, unsigned long long bytes)
{
	static unsigned char buf[65536];
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	char path[4096];
	unsigned long i;
	size_t k;

	for (i = 0; i < count; i++) {
		unsigned long long left = bytes;
		int fd;

		if (count > 100) {
			snprintf(path, sizeof(path), "%s/d%03lu", dir, i / 100);
			if (i % 100 == 0 && mkdir(path, 0755) < 0 && errno != EEXIST)
				return -1;
			snprintf(path, sizeof(path), "%s/d%03lu/f%06lu.bin", dir, i / 100, i);
		} else {
			snprintf(path, sizeof(path), "%s/part-%02lu.bin", dir, i);
		}
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			return -1;
		while (left) {
			size_t n = left < sizeof(buf) ? (size_t)left : sizeof(buf);

			for (k = 0; k + 8 <= n; k += 8) { /* xorshift64: incompressible, cheap */
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				memcpy(buf + k, &x, 8);
			}
			if (write(fd, buf, n) != (ssize_t)n) {
				close(fd);
				return -1;
			}
			left -= n;
		}
		if (close(fd) < 0)
			return -1;
	}
	return 0;
}

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

	if (argc == 5 && strcmp(argv[1], "-w") == 0) {
		if (write_files(argv[2], strtoul(argv[3], NULL, 10), strtoull(argv[4], NULL, 10)) < 0) {
			perror("hashbench: write");
			return 1;
		}
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "-d") == 0) {
		for (i = 2; i < argc; i++) {
			int fd = open(argv[i], O_RDONLY);

			if (fd < 0 || posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) != 0) {
				perror(argv[i]);
				return 1;
			}
			close(fd);
		}
		return 0;
	}
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
