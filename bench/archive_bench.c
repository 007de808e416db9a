/*
 * bench/archive_bench: the compliance archive's speed.
 *   archive_bench ingest N DB   sign N envelopes (untimed), then time adding them with
 *                               signature verification, batched; prints envelopes/s
 *   archive_bench build N DB    grow DB to N entries quickly (unsigned, stored flagged)
 *   archive_bench query DB      time search by digest, inclusion and consistency proofs
 *                               on DB (random targets; median and 99th percentile)
 * Each prints "key value" lines for bench/archive.sh.
 */
#include "hallmark.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* User + system CPU seconds of this process, all threads. */
static double cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Bytes this process read and wrote through system calls (page cache or disk), 0 if unknown. */
static void io(double *rd, double *wr)
{
	FILE *f = fopen("/proc/self/io", "r");
	char key[32];
	unsigned long long v;

	*rd = *wr = 0;
	if (!f)
		return;
	while (fscanf(f, "%31[^:]: %llu\n", key, &v) == 2) {
		if (strcmp(key, "rchar") == 0)
			*rd = (double)v;
		else if (strcmp(key, "wchar") == 0)
			*wr = (double)v;
	}
	fclose(f);
}

static void die(const char *what)
{
	fprintf(stderr, "archive_bench: %s: %s\n", what, hm_error_last());
	exit(1);
}

static void hex_of(char out[65], const char *seed, size_t i)
{
	unsigned char h[32];
	unsigned int n = 32;
	char buf[64];
	int len = snprintf(buf, sizeof(buf), "%s-%zu", seed, i), j;

	EVP_Digest(buf, (size_t)len, h, &n, EVP_sha256(), NULL);
	for (j = 0; j < 32; j++)
		snprintf(out + 2 * j, 3, "%02x", h[j]);
}

/* A statement like a dataset attestation's: one subject, a small predicate. */
static int statement(char *buf, size_t size, size_t i)
{
	char hex[65];

	hex_of(hex, "subject", i);
	return snprintf(buf, size, "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{"
			"\"name\":\"model-%zu\",\"digest\":{\"sha256\":\"%s\"}}],\"predicateType\":"
			"\"https://hallmark.dev/attestations/dataset/v1\",\"predicate\":{\"license\":"
			"\"CC-BY-4.0\",\"records\":%zu,\"source\":\"https://example.com/d/%zu\"}}",
			i, hex, i * 7, i);
}

static hm_archive *open_db(const char *path)
{
	hm_archive_options o = HM_ARCHIVE_OPTIONS_INIT;
	hm_archive *a = NULL;

	o.flags = HM_ARCHIVE_CREATE;
	if (hm_archive_open(&a, path, &o) < 0)
		die(path);
	return a;
}

static int ingest(size_t n, const char *db)
{
	unsigned char seed[32];
	hm_key *k = NULL;
	hm_keyring *kr = NULL;
	char **lines = calloc(n, sizeof(*lines)), st[1024];
	size_t *lens = calloc(n, sizeof(*lens)), i, len;
	hm_archive_add_options o = HM_ARCHIVE_ADD_OPTIONS_INIT;
	hm_archive_add_result r;
	hm_archive *a = open_db(db);
	double t0, t1, c0, c1, r0, r1, w0, w1;

	memset(seed, 42, sizeof(seed));
	if (!lines || !lens || hm_key_from_seed(&k, seed) < 0 || hm_keyring_new(&kr) < 0 ||
	    hm_keyring_add(kr, k) < 0)
		die("setup");
	for (i = 0; i < n; i++) {
		int sl = statement(st, sizeof(st), i);
		if (hm_sign_statement(&lines[i], &len, st, (size_t)sl, "statement", k) < 0)
			die("sign");
		lens[i] = len;
	}
	o.keys = kr;
	io(&r0, &w0);
	c0 = cpu();
	t0 = now();
	if (hm_archive_add_lines(a, &r, (const char *const *)lines, lens, n, &o) < 0)
		die("add");
	t1 = now();
	c1 = cpu();
	io(&r1, &w1);
	if (r.added != n)
		die("not every envelope was added");
	printf("ingest_envelopes %zu\ningest_seconds %.3f\ningest_rate %.0f\n"
	       "ingest_cpu_seconds %.3f\ningest_cpu_us_per_envelope %.1f\n"
	       "ingest_read_kb_per_envelope %.1f\ningest_written_kb_per_envelope %.1f\n", n, t1 - t0,
	       (double)n / (t1 - t0), c1 - c0, (c1 - c0) / (double)n * 1e6,
	       (r1 - r0) / (double)n / 1024, (w1 - w0) / (double)n / 1024);
	for (i = 0; i < n; i++)
		hm_free(lines[i]);
	free(lines);
	free(lens);
	hm_archive_free(a);
	hm_keyring_free(kr);
	hm_key_free(k);
	return 0;
}

/* Envelopes with a dummy signature, stored unverified: the size of the archive is the point. */
static int build(size_t n, const char *db)
{
	enum { CHUNK = 50000 };
	hm_archive *a = open_db(db);
	hm_archive_add_options o = HM_ARCHIVE_ADD_OPTIONS_INIT;
	hm_tree_head h;
	char **lines = calloc(CHUNK, sizeof(*lines)), st[1024];
	size_t *lens = calloc(CHUNK, sizeof(*lens)), start, i;
	double t0 = now();

	if (hm_archive_head(&h, a) < 0)
		die("head");
	o.allow_unverified = 1;
	o.batch = CHUNK;
	for (start = h.tree_size; start < n; start += CHUNK) {
		size_t m = n - start < CHUNK ? n - start : CHUNK;
		hm_archive_add_result r;
		for (i = 0; i < m; i++) {
			int sl = statement(st, sizeof(st), start + i);
			/* a DSSE line by hand, with a signature no key verifies */
			unsigned char *enc = malloc(4 * ((size_t)sl / 3 + 2) + 1);
			int el = enc ? EVP_EncodeBlock(enc, (const unsigned char *)st, sl) : 0;
			if (!enc || asprintf(&lines[i], "{\"payload\":\"%.*s\",\"payloadType\":\"%s\","
					     "\"signatures\":[{\"keyid\":\"bench\",\"sig\":"
					     "\"AAAA\"}]}", el, enc, HM_INTOTO_PAYLOAD_TYPE) < 0)
				die("memory");
			free(enc);
			lens[i] = strlen(lines[i]);
		}
		if (hm_archive_add_lines(a, &r, (const char *const *)lines, lens, m, &o) < 0)
			die("add");
		for (i = 0; i < m; i++)
			free(lines[i]);
		fprintf(stderr, "\rbuilding: %zu / %zu", start + m, n);
	}
	fprintf(stderr, "\n");
	printf("build_entries %zu\nbuild_seconds %.1f\n", n, now() - t0);
	free(lines);
	free(lens);
	hm_archive_free(a);
	return 0;
}

static int cmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

static void report(const char *name, double *t, size_t n)
{
	qsort(t, n, sizeof(*t), cmp);
	printf("%s_median_ms %.4f\n%s_p99_ms %.4f\n", name, t[n / 2] * 1e3, name,
	       t[(n * 99) / 100] * 1e3);
}

static int query(const char *db)
{
	enum { Q = 1000 };
	hm_archive_options oo = HM_ARCHIVE_OPTIONS_INIT;
	hm_archive *a = NULL;
	hm_tree_head h;
	double t[Q];
	size_t i;

	oo.flags = HM_ARCHIVE_READONLY;
	if (hm_archive_open(&a, db, &oo) < 0 || hm_archive_head(&h, a) < 0)
		die(db);
	printf("entries %llu\n", (unsigned long long)h.tree_size);
	srand(7);
	for (i = 0; i < Q; i++) {
		hm_archive_query q = HM_ARCHIVE_QUERY_INIT;
		hm_archive_list *l = NULL;
		char hex[65];
		double t0;
		hex_of(hex, "subject", (size_t)rand() % h.tree_size);
		q.digest = hex;
		t0 = now();
		if (hm_archive_search(&l, a, &q) < 0)
			die("search");
		t[i] = now() - t0;
		if (hm_archive_list_count(l) != 1)
			die("search found the wrong number of entries");
		hm_archive_list_free(l);
	}
	report("search_digest", t, Q);
	for (i = 0; i < Q; i++) {
		char *s = NULL;
		double t0 = now();
		if (hm_archive_prove(&s, a, (uint64_t)rand() % h.tree_size, 0) < 0)
			die("prove");
		t[i] = now() - t0;
		if (hm_proof_check(NULL, s, strlen(s)) < 0)
			die("the proof does not check");
		hm_free(s);
	}
	report("prove", t, Q);
	for (i = 0; i < Q; i++) {
		char *s = NULL;
		double t0 = now();
		if (hm_archive_consistency(&s, a, 1 + (uint64_t)rand() % h.tree_size, 0) < 0)
			die("consistency");
		t[i] = now() - t0;
		hm_free(s);
	}
	report("consistency", t, Q);
	hm_archive_free(a);
	return 0;
}

int main(int argc, char **argv)
{
	if (hm_init() < 0)
		die("init");
	if (argc == 4 && strcmp(argv[1], "ingest") == 0)
		return ingest(strtoul(argv[2], NULL, 10), argv[3]);
	if (argc == 4 && strcmp(argv[1], "build") == 0)
		return build(strtoul(argv[2], NULL, 10), argv[3]);
	if (argc == 3 && strcmp(argv[1], "query") == 0)
		return query(argv[2]);
	fprintf(stderr, "usage: archive_bench ingest N DB | build N DB | query DB\n");
	return 2;
}
