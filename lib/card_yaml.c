/*
 * The model card's YAML front matter (Hugging Face keys), written with
 * libyaml's emitter, and merged with the author's values on update.
 */
#include "card_impl.h"
#include "hallmark/hubcache.h"

#include <stdlib.h>
#include <string.h>

#define CARD_TASK "text-generation"
#define CARD_TASK_NAME "Safety evaluation"

static int node_is_str(yaml_node_t *n, const char *s)
{
	return n && n->type == YAML_SCALAR_NODE && n->data.scalar.length == strlen(s) &&
	       memcmp(n->data.scalar.value, s, n->data.scalar.length) == 0;
}

/* The value of key in a mapping node, or NULL. */
static yaml_node_t *map_get(yaml_document_t *d, yaml_node_t *m, const char *key)
{
	yaml_node_pair_t *p;

	if (!m || m->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++)
		if (node_is_str(yaml_document_get_node(d, p->key), key))
			return yaml_document_get_node(d, p->value);
	return NULL;
}

/* 1 when the user's list (a sequence or one scalar) holds s. */
static int list_has(yaml_document_t *d, yaml_node_t *list, const char *s)
{
	yaml_node_item_t *it;

	if (!list)
		return 0;
	if (list->type == YAML_SCALAR_NODE)
		return node_is_str(list, s);
	if (list->type != YAML_SEQUENCE_NODE)
		return 0;
	for (it = list->data.sequence.items.start; it < list->data.sequence.items.top; it++)
		if (node_is_str(yaml_document_get_node(d, *it), s))
			return 1;
	return 0;
}

/* The author's items, then ours that are missing. */
static int merged_list(struct hm__yaml_out *y, struct hm__front_matter *user, const char *key,
		       const char *const *ours, size_t n, size_t *budget)
{
	yaml_node_t *list = user ? hm__front_matter_get(user, key) : NULL;
	yaml_node_item_t *it;
	size_t i, j;
	int rc;

	hm__yaml_str(y, key);
	hm__yaml_seq_begin(y, 0);
	if (list && list->type == YAML_SEQUENCE_NODE) {
		for (it = list->data.sequence.items.start; it < list->data.sequence.items.top; it++)
			if ((rc = hm__yaml_copy(y, &user->doc, yaml_document_get_node(&user->doc, *it),
						budget, 1)) < 0)
				return rc;
	} else if (list && list->type == YAML_SCALAR_NODE && list->data.scalar.length) {
		if ((rc = hm__yaml_copy(y, &user->doc, list, budget, 1)) < 0)
			return rc;
	}
	for (i = 0; i < n; i++) {
		int dup = list && list_has(&user->doc, list, ours[i]);
		for (j = 0; j < i && !dup; j++)
			dup = strcmp(ours[j], ours[i]) == 0;
		if (!dup)
			hm__yaml_str(y, ours[i]);
	}
	hm__yaml_seq_end(y);
	return 0;
}

static void metric(struct hm__yaml_out *y, const char *type, double v)
{
	hm__yaml_map_begin(y);
	hm__yaml_kv(y, "type", type);
	hm__yaml_str(y, "value");
	hm__yaml_num(y, v);
	hm__yaml_kv(y, "name", hm__card_metric_label(type));
	hm__yaml_map_end(y);
}

/* The fine-tuned model's numbers only: the base model's are compared in the card's body. */
static void values(struct hm__yaml_out *y, hm_audit_kind kind, const hm_audit_values *v)
{
	if (kind == HM_AUDIT_KIND_JUDGED) {
		metric(y, "harmfulness_score", v->harmfulness_score);
		metric(y, "harmfulness_rate", v->harmfulness_rate);
	} else {
		metric(y, "attack_success_rate", v->attack_success_rate);
	}
}

/* dataset.type is the benchmark's hub dataset id when one is known, else its name. */
static int audit_result(struct hm__yaml_out *y, const hm_fact_audit *a, const hm_card_options *o,
			const hm_benchmark_registry *reg)
{
	const hm_audit_report *r = a->report;
	char buf[256], type[200];
	const char *id = hm__card_benchmark_hub_id(o, reg, r, buf, sizeof(buf));
	const hm_audit_metrics *m = hm_audit_report_metrics(r);
	hm_audit_kind kind = hm_audit_metrics_kind(m);

	if (kind == HM_AUDIT_KIND_REPORTED)
		return 0;
	hm__yaml_map_begin(y);
	hm__yaml_str(y, "task");
	hm__yaml_map_begin(y);
	hm__yaml_kv(y, "type", CARD_TASK);
	hm__yaml_kv(y, "name", CARD_TASK_NAME);
	hm__yaml_map_end(y);
	hm__yaml_str(y, "dataset");
	hm__yaml_map_begin(y);
	if (id)
		snprintf(type, sizeof(type), "%.*s", (int)hm__hub_id_repo_len(id), id);
	hm__yaml_kv(y, "type", id ? type : hm_audit_report_benchmark(r));
	hm__yaml_kv(y, "name", hm_audit_report_benchmark(r));
	if (hm_audit_report_benchmark_digest(r)) {
		char rev[72];
		snprintf(rev, sizeof(rev), "sha256:%s", hm_audit_report_benchmark_digest(r));
		hm__yaml_kv(y, "revision", rev);
	}
	hm__yaml_map_end(y);
	hm__yaml_str(y, "metrics");
	hm__yaml_seq_begin(y, 0);
	values(y, kind, hm_audit_metrics_overall(m));
	hm__yaml_seq_end(y);
	hm__yaml_map_end(y);
	return 1;
}

/* 1 when an author's result is for a benchmark we write: its type is the name or hub id. */
static int is_our_benchmark(const hm_facts *f, yaml_document_t *d, yaml_node_t *result,
			    const hm_card_options *o, const hm_benchmark_registry *reg)
{
	yaml_node_t *type = map_get(d, map_get(d, result, "dataset"), "type");
	char buf[256];
	const char *id;
	size_t i;

	for (i = 0; i < hm_facts_audit_count(f); i++) {
		const hm_audit_report *r = hm_facts_audit(f, i)->report;
		if (node_is_str(type, hm_audit_report_benchmark(r)))
			return 1;
		id = hm__card_benchmark_hub_id(o, reg, r, buf, sizeof(buf));
		if (id && type && type->type == YAML_SCALAR_NODE &&
		    type->data.scalar.length == hm__hub_id_repo_len(id) &&
		    memcmp(type->data.scalar.value, id, type->data.scalar.length) == 0)
			return 1;
	}
	return 0;
}

static size_t count_results(const hm_facts *f)
{
	size_t i, n = 0;

	for (i = 0; i < hm_facts_audit_count(f); i++)
		n += hm_audit_metrics_kind(hm_audit_report_metrics(hm_facts_audit(f, i)->report)) !=
		     HM_AUDIT_KIND_REPORTED;
	return n;
}

static int model_index(struct hm__yaml_out *y, const hm_facts *f, const char *name,
		       struct hm__front_matter *user, size_t *budget, const hm_card_options *o)
{
	hm_benchmark_registry *reg = NULL;
	yaml_node_t *mi = user ? hm__front_matter_get(user, "model-index") : NULL, *res;
	yaml_document_t *d = user ? &user->doc : NULL;
	yaml_node_item_t *it, *r;
	size_t i;
	int rc;

	hm__yaml_str(y, "model-index");
	hm__yaml_seq_begin(y, 0);
	hm__yaml_map_begin(y);
	hm__yaml_kv(y, "name", name);
	hm__yaml_str(y, "results");
	hm__yaml_seq_begin(y, 0);
	if (hm_benchmark_registry_open(&reg, NULL) < 0)
		reg = NULL; /* no registry: benchmarks are named, not linked */
	for (i = 0; i < hm_facts_audit_count(f); i++)
		audit_result(y, hm_facts_audit(f, i), o, reg);
	/* The author's results for this model on other benchmarks. */
	if (mi && mi->type == YAML_SEQUENCE_NODE) {
		for (it = mi->data.sequence.items.start; it < mi->data.sequence.items.top; it++) {
			yaml_node_t *e = yaml_document_get_node(d, *it);
			if (!node_is_str(map_get(d, e, "name"), name))
				continue;
			res = map_get(d, e, "results");
			if (!res || res->type != YAML_SEQUENCE_NODE)
				continue;
			for (r = res->data.sequence.items.start; r < res->data.sequence.items.top; r++) {
				yaml_node_t *rn = yaml_document_get_node(d, *r);
				if (is_our_benchmark(f, d, rn, o, reg))
					continue;
				if ((rc = hm__yaml_copy(y, d, rn, budget, 3)) < 0) {
					hm_benchmark_registry_free(reg);
					return rc;
				}
			}
		}
	}
	hm_benchmark_registry_free(reg);
	hm__yaml_seq_end(y);
	hm__yaml_map_end(y);
	/* The author's entries for other models. */
	if (mi && mi->type == YAML_SEQUENCE_NODE) {
		for (it = mi->data.sequence.items.start; it < mi->data.sequence.items.top; it++) {
			yaml_node_t *e = yaml_document_get_node(d, *it);
			if (node_is_str(map_get(d, e, "name"), name))
				continue;
			if ((rc = hm__yaml_copy(y, d, e, budget, 1)) < 0)
				return rc;
		}
	}
	hm__yaml_seq_end(y);
	return 0;
}

int hm__card_yaml(char **out, unsigned *written, const hm_facts *f, const hm_card_options *o,
		  struct hm__front_matter *user, unsigned only)
{
	const hm_fact_model *model = hm_facts_model(f);
	const hm_fact_base_model *base = hm_facts_base_model(f);
	char **names = NULL, *base_id = NULL;
	const char *tags[2] = { HM_CARD_TAG, "safety-audited" };
	size_t i, nnames = 0, budget = HM_YAML_MAX_COPY_NODES, any_in_run = 0;
	struct hm__yaml_out y;
	int rc = 0;

	*out = NULL;
	*written = 0;
	for (i = 0; i < hm_facts_dataset_count(f); i++)
		any_in_run += (size_t)hm_facts_dataset(f, i)->in_run;
	names = calloc(hm_facts_dataset_count(f) + 1, sizeof(*names));
	if (!names)
		return hm__err_oom();
	/* The hub's datasets and base_model keys hold repository ids, without revision. */
	for (i = 0; i < hm_facts_dataset_count(f); i++) {
		const hm_fact_dataset *d = hm_facts_dataset(f, i);
		if (!d->hub_id || !(d->in_run || !any_in_run))
			continue;
		if (!(names[nnames++] = strndup(d->hub_id, hm__hub_id_repo_len(d->hub_id)))) {
			rc = hm__err_oom();
			goto fail_names;
		}
	}
	if (base && base->hub_id &&
	    !(base_id = strndup(base->hub_id, hm__hub_id_repo_len(base->hub_id)))) {
		rc = hm__err_oom();
		goto fail_names;
	}
	if ((rc = hm__yaml_begin(&y)) < 0)
		goto fail_names;
	hm__yaml_map_begin(&y);
	if (base_id && (only & HM__CARD_BASE_MODEL)) {
		hm__yaml_kv(&y, "base_model", base_id);
		*written |= HM__CARD_BASE_MODEL;
	}
	if (nnames && (only & HM__CARD_DATASETS)) {
		if ((rc = merged_list(&y, user, "datasets", (const char *const *)names, nnames,
				      &budget)) < 0)
			goto fail;
		*written |= HM__CARD_DATASETS;
	}
	if ((only & HM__CARD_LICENSE) &&
	    (o->license || !user || !hm__front_matter_get(user, "license"))) {
		hm__yaml_kv(&y, "license", o->license ? o->license : "unknown");
		*written |= HM__CARD_LICENSE;
	}
	if ((only & HM__CARD_TAGS) &&
	    (rc = merged_list(&y, user, "tags", tags, hm_facts_audit_count(f) ? 2 : 1,
			      &budget)) < 0)
		goto fail;
	if (only & HM__CARD_TAGS)
		*written |= HM__CARD_TAGS;
	if (model && count_results(f) && (only & HM__CARD_MODEL_INDEX)) {
		const char *name = model->name ? model->name : model->sha256;
		if ((rc = model_index(&y, f, name, user, &budget, o)) < 0)
			goto fail;
		*written |= HM__CARD_MODEL_INDEX;
	}
	hm__yaml_map_end(&y);
	rc = hm__yaml_end(&y, out);
	goto out;
fail:
	hm__yaml_abort(&y);
fail_names:
out:
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	free(base_id);
	return rc;
}
