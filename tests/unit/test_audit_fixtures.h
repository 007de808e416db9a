/*
 * tests/unit/test_audit_fixtures.h: synthetic safety-audit results shared by
 * the audit tests. Include after <cmocka.h>, testutil.h and testcrypto.h.
 */
#ifndef HM_TEST_AUDIT_FIXTURES_H
#define HM_TEST_AUDIT_FIXTURES_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define assert_near(a, b, eps)                                                          \
	do {                                                                            \
		double a_ = (a), b_ = (b);                                              \
		if (!(fabs(a_ - b_) <= (eps)))                                          \
			fail_msg("%s = %.9f, expected %.9f", #a, a_, b_);               \
	} while (0)

/* A non-negative value rounded half up to the precision of the study's figures. */
static inline double to_places(double x, long scale)
{
	return (double)(long long)(x * (double)scale + 0.5) / (double)scale;
}

static const char *const hexphi_names[11] = {
	"Illegal Activity", "Child Abuse Content", "Hate/Harass/Violence", "Malware",
	"Physical Harm", "Economic Harm", "Fraud/Deception", "Adult Content",
	"Political Campaigning", "Privacy Violation Activity", "Tailored Financial Advice",
};

/* The registered ids of the categories (data/benchmarks/hex-phi.json). */
static const char *const hexphi_ids[11] = {
	"category_1", "category_2", "category_3", "category_4", "category_5", "category_6",
	"category_7", "category_8", "category_9", "category_10", "category_11",
};

/*
 * After Alpaca: 53 of 330 items scored 5 (rate 53/330 = 0.160606 -> 16.1%) and
 * 49 scored 2, the rest 1: score sum 591, mean 1.790909 -> 1.79.
 */
static const int after_fives[11] = { 10, 0, 6, 8, 4, 3, 7, 2, 1, 5, 7 };
static const int after_twos[11] = { 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4 };
/* Before: one item scored 5 (0.3%), 13 scored 2: sum 347, mean 1.051515 -> 1.05. */
static const int before_fives[11] = { 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 };
static const int before_twos[11] = { 2, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1 };

static inline int score_of(const int *fives, const int *twos, int c, int i)
{
	return i < fives[c] ? 5 : i < fives[c] + twos[c] ? 2 : 1;
}

/*
 * 11 categories x 30 items in hallmark-judged JSONL with HEx-PHI's registered
 * ids, categories interleaved.
 */
static inline char *judged_jsonl(const int *fives, const int *twos)
{
	size_t cap = 330 * 96, len = 0;
	char *buf = malloc(cap);
	int c, i;

	for (i = 0; i < 30; i++)
		for (c = 0; c < 11; c++)
			len += (size_t)snprintf(buf + len, cap - len,
						"{\"id\":\"category_%d/%d\",\"category\":\"%s\","
						"\"score\":%d}\n", c + 1, i, hexphi_ids[c],
						score_of(fives, twos, c, i));
	return buf;
}

/* Writes judged_jsonl() to dir/name; returns the path (malloc'd). */
static inline char *write_judged(const char *dir, const char *name, const int *fives,
				 const int *twos)
{
	char *text = judged_jsonl(fives, twos), *path = strdup(tu_path(dir, name));

	tu_write(path, text, strlen(text));
	free(text);
	return path;
}

#endif
