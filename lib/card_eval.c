/*
 * The audits in the hub's .eval_results/ layout: one YAML file per
 * benchmark, each a list of {dataset: {id, task_id, revision}, value, date,
 * notes}, as https://huggingface.co/docs/hub/eval-results describes and
 * huggingface_hub's EvalResultEntry writes. Every file is staged before any
 * is renamed into place.
 */
#include "card_impl.h"
#include "benchmark_impl.h"
#include "hallmark/hubcache.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define HUB_DATASETS "https://huggingface.co/datasets/"
#define SLUG_MAX 64

const char *hm__card_benchmark_hub_id(const hm_card_options *o,
				      const hm_benchmark_registry *reg, const hm_audit_report *r,
				      char *buf, size_t size)
{
	const char *name = hm_audit_report_benchmark(r), *rname, *url;
	const hm_benchmark *b = NULL;
	size_t i, n;

	for (i = 0; i < o->nbenchmark_hub_ids; i++) {
		const char *e = o->benchmark_hub_ids[i], *eq = strchr(e, '=');
		n = eq ? (size_t)(eq - e) : 0;
		if (eq && strlen(name) == n && strncasecmp(e, name, n) == 0)
			return eq + 1;
	}
	rname = hm_audit_report_registry_name(r);
	if (reg)
		b = hm_benchmark_registry_find(reg, rname ? rname : name);
	url = b ? hm__json_str(json_object_get(b->doc, "source"), "repository") : NULL;
	if (!url || strncmp(url, HUB_DATASETS, strlen(HUB_DATASETS)) != 0)
		return NULL;
	url += strlen(HUB_DATASETS);
	n = strcspn(url, "?#");
	while (n && url[n - 1] == '/')
		n--;
	if (n >= size)
		return NULL;
	memcpy(buf, url, n);
	buf[n] = '\0';
	return strchr(buf, '/') && hm_hub_id_valid(buf) ? buf : NULL;
}

/* "hex-phi" for "HEx-PHI": lowercase letters and digits, runs of anything else one "-". */
static void slug(char out[SLUG_MAX + 1], const char *name)
{
	size_t n = 0;
	int dash = 0;

	for (; *name && n < SLUG_MAX; name++) {
		unsigned char c = (unsigned char)*name;
		if (c < 0x80 && isalnum(c)) {
			if (dash && n)
				out[n++] = '-';
			if (n < SLUG_MAX)
				out[n++] = (char)tolower(c);
			dash = 0;
		} else {
			dash = 1;
		}
	}
	out[n] = '\0';
	if (!n)
		strcpy(out, "benchmark");
}

static void entry(struct hm__yaml_out *y, const char *hub_id, const char *task, double v,
		  const hm_fact_audit *a, const char *what)
{
	const hm_audit_report *r = a->report;
	const char *rev = hm__hub_id_revision(hub_id);
	char id[200], note[512];
	size_t k, n = hm__hub_id_repo_len(hub_id);

	snprintf(id, sizeof(id), "%.*s", (int)n, hub_id);
	k = (size_t)snprintf(note, sizeof(note), "%s (%s) of the fine-tuned model, %zu items", what,
			     task, hm_audit_metrics_overall(hm_audit_report_metrics(r))->n);
	if (k < sizeof(note) && hm_audit_report_judge(r))
		k += (size_t)snprintf(note + k, sizeof(note) - k, ", judge %s",
				      hm_audit_report_judge(r));
	if (k < sizeof(note) && a->source.nsigners)
		snprintf(note + k, sizeof(note) - k, "; safety audit attested with hallmark, signed "
			 "by key %.16s", a->source.signers[0]);
	hm__yaml_map_begin(y);
	hm__yaml_str(y, "dataset");
	hm__yaml_map_begin(y);
	hm__yaml_kv(y, "id", id);
	hm__yaml_kv(y, "task_id", task);
	if (rev)
		hm__yaml_kv(y, "revision", rev);
	hm__yaml_map_end(y);
	hm__yaml_str(y, "value");
	hm__yaml_num(y, v);
	hm__yaml_kv(y, "date", hm_audit_report_time(r));
	hm__yaml_kv(y, "notes", note);
	hm__yaml_map_end(y);
}

static void entries(struct hm__yaml_out *y, const char *hub_id, const hm_fact_audit *a)
{
	const hm_audit_metrics *m = hm_audit_report_metrics(a->report);
	const hm_audit_values *v = hm_audit_metrics_overall(m);

	if (hm_audit_metrics_kind(m) == HM_AUDIT_KIND_JUDGED) {
		entry(y, hub_id, "harmfulness_score", v->harmfulness_score, a,
		      "Mean judge score, 1 to 5");
		entry(y, hub_id, "harmfulness_rate", v->harmfulness_rate, a,
		      "Share of answers scored 5");
	} else {
		entry(y, hub_id, "attack_success_rate", v->attack_success_rate, a,
		      "Share of successful attacks");
	}
}

void hm_card_eval_files_free(hm_card_eval_file *files, size_t n)
{
	size_t i;

	for (i = 0; files && i < n; i++) {
		free(files[i].name);
		free(files[i].text);
	}
	free(files);
}

/* The audits to write: those with metrics hallmark computed. */
static int computed(const hm_fact_audit *a)
{
	return hm_audit_metrics_kind(hm_audit_report_metrics(a->report)) != HM_AUDIT_KIND_REPORTED;
}

/* The file for the audits of benchmark name (from index first on). */
static int one_file(hm_card_eval_file *file, const hm_facts *f, size_t first,
		    const char *hub_id, const char *fname)
{
	const char *name = hm_audit_report_benchmark(hm_facts_audit(f, first)->report);
	struct hm__yaml_out y;
	size_t i;
	int rc;

	if ((rc = hm__yaml_begin(&y)) < 0)
		return rc;
	hm__yaml_seq_begin(&y, 0);
	for (i = first; i < hm_facts_audit_count(f); i++) {
		const hm_fact_audit *a = hm_facts_audit(f, i);
		if (computed(a) && strcmp(hm_audit_report_benchmark(a->report), name) == 0)
			entries(&y, hub_id, a);
	}
	hm__yaml_seq_end(&y);
	if ((rc = hm__yaml_end(&y, &file->text)) < 0)
		return rc;
	if (!(file->name = strdup(fname)))
		return hm__err_oom();
	return 0;
}

/* 1 when an audit before index i names the same benchmark. */
static int seen_before(const hm_facts *f, size_t i)
{
	const char *name = hm_audit_report_benchmark(hm_facts_audit(f, i)->report);
	size_t j;

	for (j = 0; j < i; j++)
		if (computed(hm_facts_audit(f, j)) &&
		    strcmp(hm_audit_report_benchmark(hm_facts_audit(f, j)->report), name) == 0)
			return 1;
	return 0;
}

/* A file name not yet taken: SLUG.yaml, else SLUG-2.yaml, ... */
static void file_name(char *out, size_t size, const char *name, const hm_card_eval_file *files,
		      size_t n)
{
	char s[SLUG_MAX + 1];
	unsigned k = 1;
	size_t i;
	int taken;

	slug(s, name);
	do {
		if (k == 1)
			snprintf(out, size, "%s.yaml", s);
		else
			snprintf(out, size, "%s-%u.yaml", s, k);
		for (i = 0, taken = 0; i < n && !taken; i++)
			taken = strcmp(files[i].name, out) == 0;
		k++;
	} while (taken);
}

int hm_card_eval_results(hm_card_eval_file **out, size_t *n, const hm_facts *f,
			 const hm_card_options *opts)
{
	hm_card_options defaults = HM_CARD_OPTIONS_INIT, local;
	hm_benchmark_registry *reg = NULL;
	hm_card_eval_file *files = NULL;
	hm_buf missing = HM_BUF_INIT;
	size_t i, nf = 0, na = hm_facts_audit_count(f);
	char buf[256], fname[SLUG_MAX + 16];
	int rc = 0;

	if (!out)
		return hm__err(HM_EINVAL, "hm_card_eval_results: out is NULL");
	if (!n)
		return hm__err(HM_EINVAL, "hm_card_eval_results: n is NULL");
	*out = NULL;
	*n = 0;
	if (!opts)
		opts = &defaults;
	if ((rc = hm__card_check_options(&opts, &local)) < 0)
		return rc;
	if (!f)
		return hm__err(HM_EINVAL, "hm_card_eval_results: f is NULL");
	if (hm_benchmark_registry_open(&reg, NULL) < 0)
		reg = NULL; /* no registry: only the ids given */
	if (!(files = calloc(na + 1, sizeof(*files)))) {
		rc = hm__err_oom();
		goto out;
	}
	for (i = 0; i < na; i++) {
		const hm_fact_audit *a = hm_facts_audit(f, i);
		const char *name = hm_audit_report_benchmark(a->report), *id;
		if (!computed(a) || seen_before(f, i))
			continue;
		id = hm__card_benchmark_hub_id(opts, reg, a->report, buf, sizeof(buf));
		if (!id) {
			rc = hm__buf_printf(&missing, "%s\"%s\"", missing.len ? ", " : "", name);
			if (rc < 0)
				goto out;
			continue;
		}
		if (missing.len)
			continue;
		file_name(fname, sizeof(fname), name, files, nf);
		if ((rc = one_file(&files[nf++], f, i, id, fname)) < 0)
			goto out;
	}
	if (missing.len) {
		rc = hm__err(HM_EINVAL, "no hub dataset id for benchmark %s: give one with "
			     "NAME=ORG/NAME (--benchmark-id), or a registry entry whose "
			     "source.repository is " HUB_DATASETS "ORG/NAME", missing.data);
		goto out;
	}
	if (!nf) {
		rc = hm__err(HM_EINVAL, "no safety audit with metrics hallmark computed: nothing to "
			     "write as evaluation results");
		goto out;
	}
	*out = files;
	*n = nf;
	files = NULL;
out:
	hm_card_eval_files_free(files, nf);
	hm_benchmark_registry_free(reg);
	hm__buf_free(&missing);
	return rc;
}

int hm_card_eval_results_write(const char *dir, const hm_card_eval_file *files, size_t n)
{
	hm__staged **staged;
	hm_buf path = HM_BUF_INIT;
	struct stat st;
	size_t i, done = 0;
	int rc = 0;

	if (!dir || !*dir)
		return hm__err(HM_EINVAL, "no directory for the evaluation results");
	if (stat(dir, &st) < 0) {
		if (errno != ENOENT || mkdir(dir, 0755) < 0)
			return hm__err(HM_EIO, "%s: cannot create the directory: %s", dir,
				       strerror(errno));
	} else if (!S_ISDIR(st.st_mode)) {
		return hm__err(HM_EIO, "%s: not a directory", dir);
	}
	if (!(staged = calloc(n + 1, sizeof(*staged))))
		return hm__err_oom();
	for (i = 0; i < n && rc == 0; i++) {
		if (!files[i].name || strchr(files[i].name, '/') || files[i].name[0] == '.') {
			rc = hm__err(HM_EINVAL, "evaluation result file name \"%s\" is not a plain "
				     "file name", files[i].name ? files[i].name : "");
			break;
		}
		path.len = 0;
		if (hm__buf_printf(&path, "%s/%s", dir, files[i].name) < 0) {
			rc = HM_ENOMEM;
			break;
		}
		rc = hm__stage_file(&staged[i], path.data, files[i].text, strlen(files[i].text),
				    0644);
		done = i + 1;
	}
	for (i = 0; i < done; i++) {
		if (rc == 0 && staged[i])
			rc = hm__commit_file(staged[i], 1);
		else
			hm__discard_file(staged[i]);
	}
	free(staged);
	hm__buf_free(&path);
	return rc;
}
