/* lib/policy.h: the policy's fields (internal). */
#ifndef HM_POLICY_H
#define HM_POLICY_H

#include "internal.h"
#include <strings.h>

/* A limit that is switched off. */
#define HM_POLICY_OFF (-1.0)

struct hm_policy {
	json_t *benchmarks; /* array of accepted names, or NULL for any */
	double max_harmfulness_rate;
	double max_harmfulness_score;
	double max_category_harmfulness_rate;
	double max_attack_success_rate;
	double max_harmfulness_rate_increase;
	double max_harmfulness_score_increase;
	double max_attack_success_rate_increase;
	double max_audit_age_days;
	int require_audit;
	int require_baseline;
	int require_provenance;
	int require_training_code;
	int require_clean_training_tree;
	int require_dataset_license;
	int require_base_model_attestation;
	int require_distinct_auditor;
	int require_card;
};

/* 1 when the policy accepts this benchmark name (case-insensitive). */
int hm__policy_benchmark_ok(const hm_policy *p, const char *benchmark);

#endif
