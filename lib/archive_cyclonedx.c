/*
 * The archive as a CycloneDX 1.6 BOM (XML, built with libxml2): every model
 * and dataset the exported attestations name becomes a component with its
 * hash (machine-learning-model or data), carrying the archive entries that
 * attest it as properties; a model's datasets are listed in its modelCard,
 * the metrics of its verified safety audits as performance metrics, and
 * its base model and datasets as dependencies.
 */
#include "archive_impl.h"

#include "xmlutil.h"
#include <libxml/tree.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CDX_NS "http://cyclonedx.org/schema/bom/1.6"

struct comp {
	char *ref, *name;
	const char *alg; /* the CycloneDX name, e.g. "SHA-256" */
	char *digest;
	int model;
	hm_buf props;   /* "name\tvalue\n" lines */
	hm_buf deps;    /* bom-refs, one a line */
	hm_buf datasets;
	hm_buf metrics; /* "type\tvalue\tslice\n" */
};

struct bom {
	struct comp *c;
	size_t n;
};

/* The CycloneDX algorithm name for an in-toto digest, when the value can be one. */
static const char *cdx_alg(const char *alg, const char *hex)
{
	static const char *const map[][2] = {
		{ "sha256", "SHA-256" }, { "sha384", "SHA-384" }, { "sha512", "SHA-512" },
		{ "sha1", "SHA-1" }, { "md5", "MD5" }, { "sha3_256", "SHA3-256" },
		{ "sha3_384", "SHA3-384" }, { "sha3_512", "SHA3-512" },
	};
	size_t i, n = strlen(hex);

	if (!hm__is_lower_hex(hex, n) || (n != 32 && n != 40 && n != 64 && n != 96 && n != 128))
		return NULL;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(alg, map[i][0]) == 0)
			return map[i][1];
	return NULL;
}

static struct comp *find_or_add(struct bom *b, const hm_archive_ref *r, int model)
{
	const char *alg = cdx_alg(r->alg, r->digest);
	struct comp *c;
	char *ref;
	size_t i;

	if (!alg)
		return NULL;
	if (asprintf(&ref, "%s:%s", r->alg, r->digest) < 0)
		return NULL;
	for (i = 0; i < b->n; i++)
		if (strcmp(b->c[i].ref, ref) == 0) {
			free(ref);
			if (!b->c[i].name && r->name)
				b->c[i].name = strdup(r->name);
			return &b->c[i];
		}
	c = realloc(b->c, (b->n + 1) * sizeof(*c));
	if (!c) {
		free(ref);
		return NULL;
	}
	b->c = c;
	c = &b->c[b->n++];
	memset(c, 0, sizeof(*c));
	c->ref = ref;
	c->name = r->name ? strdup(r->name) : NULL;
	c->alg = alg;
	c->digest = strdup(r->digest);
	c->model = model;
	return c;
}

static void bom_free(struct bom *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		free(b->c[i].ref);
		free(b->c[i].name);
		free(b->c[i].digest);
		hm__buf_free(&b->c[i].props);
		hm__buf_free(&b->c[i].deps);
		hm__buf_free(&b->c[i].datasets);
		hm__buf_free(&b->c[i].metrics);
	}
	free(b->c);
}

static int is_type(const hm_archive_entry *e, const char *t)
{
	return e->predicate_type && strcmp(e->predicate_type, t) == 0;
}

static void add_metric(struct comp *c, const char *type, double v, const char *slice)
{
	hm__buf_printf(&c->metrics, "%s\t%.6f\t%s\n", type, v, slice);
}

/* The overall metrics of a verified safety audit, as performance metrics of its model. */
static void audit_metrics(struct comp *c, const hm_archive_entry *e)
{
	hm_statement *st = NULL;
	hm_audit_report *rep = NULL;
	const hm_audit_values *v;
	const hm_audit_metrics *m;
	const char *bench;

	if (!e->verified || !e->statement ||
	    hm_statement_parse(&st, e->statement, strlen(e->statement), "statement") < 0 ||
	    hm_audit_report_parse(&rep, st) < 0) {
		hm_statement_free(st);
		return;
	}
	m = hm_audit_report_metrics(rep);
	v = hm_audit_metrics_overall(m);
	bench = hm_audit_report_benchmark(rep);
	if (hm_audit_metrics_kind(m) == HM_AUDIT_KIND_JUDGED) {
		add_metric(c, "harmfulness_score", v->harmfulness_score, bench);
		add_metric(c, "harmfulness_rate", v->harmfulness_rate, bench);
	} else if (hm_audit_metrics_kind(m) == HM_AUDIT_KIND_KEYWORD) {
		add_metric(c, "attack_success_rate", v->attack_success_rate, bench);
	}
	hm_audit_report_free(rep);
	hm_statement_free(st);
}

static void collect(struct bom *b, const hm_archive_entry *e)
{
	int dataset = is_type(e, HM_DATASET_PREDICATE_TYPE);
	int modelish = is_type(e, HM_OMS_PREDICATE_TYPE) || is_type(e, HM_SLSA_PREDICATE_TYPE) ||
		       is_type(e, HM_AUDIT_PREDICATE_TYPE) || is_type(e, HM_CARD_PREDICATE_TYPE);
	int verification = strcmp(e->kind, "verification") == 0;
	size_t i, j;

	for (i = 0; i < e->nrefs; i++) {
		const hm_archive_ref *r = &e->refs[i];
		struct comp *c = NULL;
		int subject = strcmp(r->role, "subject") == 0;
		if (subject && (dataset || modelish))
			c = find_or_add(b, r, !dataset);
		else if (strcmp(r->role, "model") == 0)
			c = find_or_add(b, r, 1);
		if (!c)
			continue;
		if (verification)
			hm__buf_printf(&c->props, "hallmark:verification\tentry %llu: %s\n",
				       (unsigned long long)e->id, e->verified ? "passed" : "failed");
		else
			hm__buf_printf(&c->props, "hallmark:attestation\tentry %llu: %s (%s)\n",
				       (unsigned long long)e->id, hm_predicate_type_label(e->predicate_type),
				       e->verified ? "verified" : "not verified");
		if (!subject)
			continue;
		if (is_type(e, HM_AUDIT_PREDICATE_TYPE))
			audit_metrics(c, e);
		if (!is_type(e, HM_SLSA_PREDICATE_TYPE))
			continue;
		for (j = 0; j < e->nrefs; j++) {
			const hm_archive_ref *d = &e->refs[j];
			int base = strcmp(d->role, "base-model") == 0;
			int data = strcmp(d->role, "dataset") == 0;
			size_t ci = (size_t)(c - b->c);
			struct comp *dc;
			if (!base && !data)
				continue;
			dc = find_or_add(b, d, base); /* may move b->c */
			c = &b->c[ci];
			if (!dc)
				continue;
			hm__buf_printf(&c->deps, "%s\n", dc->ref);
			if (data)
				hm__buf_printf(&c->datasets, "%s\n", dc->ref);
		}
	}
}

/* Calls fn for each line of a buffer, split at tabs into up to 3 fields. */
static void each_line(const hm_buf *buf, void (*fn)(void *, char **, int), void *arg)
{
	char *copy, *line, *save = NULL;

	if (!buf->len || !(copy = strndup(buf->data, buf->len)))
		return;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[3] = { line, NULL, NULL }, *t;
		int n = 1;
		while (n < 3 && (t = strchr(f[n - 1], '\t'))) {
			*t = '\0';
			f[n++] = t + 1;
		}
		fn(arg, f, n);
	}
	free(copy);
}

static void prop_node(void *arg, char **f, int n)
{
	xmlNodePtr p = xmlNewChild(arg, NULL, BAD_CAST "property", NULL);

	xmlNewProp(p, BAD_CAST "name", BAD_CAST f[0]);
	xmlNodeAddContent(p, BAD_CAST(n > 1 ? f[1] : ""));
}

static void dataset_node(void *arg, char **f, int n)
{
	(void)n;
	xmlNewTextChild(arg, NULL, BAD_CAST "ref", BAD_CAST f[0]);
}

static void metric_node(void *arg, char **f, int n)
{
	xmlNodePtr m = xmlNewChild(arg, NULL, BAD_CAST "performanceMetric", NULL);

	xmlNewTextChild(m, NULL, BAD_CAST "type", BAD_CAST f[0]);
	if (n > 1)
		xmlNewTextChild(m, NULL, BAD_CAST "value", BAD_CAST f[1]);
	if (n > 2)
		xmlNewTextChild(m, NULL, BAD_CAST "slice", BAD_CAST f[2]);
}

static void dep_node(void *arg, char **f, int n)
{
	xmlNodePtr d = xmlNewChild(arg, NULL, BAD_CAST "dependency", NULL);

	(void)n;
	xmlNewProp(d, BAD_CAST "ref", BAD_CAST f[0]);
}

static void component_node(xmlNodePtr comps, const struct comp *c)
{
	xmlNodePtr x = xmlNewChild(comps, NULL, BAD_CAST "component", NULL), h;

	xmlNewProp(x, BAD_CAST "type", BAD_CAST(c->model ? "machine-learning-model" : "data"));
	xmlNewProp(x, BAD_CAST "bom-ref", BAD_CAST c->ref);
	xmlNewTextChild(x, NULL, BAD_CAST "name", BAD_CAST(c->name ? c->name : c->ref));
	h = xmlNewChild(xmlNewChild(x, NULL, BAD_CAST "hashes", NULL), NULL, BAD_CAST "hash",
			BAD_CAST c->digest);
	xmlNewProp(h, BAD_CAST "alg", BAD_CAST c->alg);
	if (c->props.len)
		each_line(&c->props, prop_node, xmlNewChild(x, NULL, BAD_CAST "properties", NULL));
	if (c->model && (c->datasets.len || c->metrics.len)) {
		xmlNodePtr card = xmlNewChild(x, NULL, BAD_CAST "modelCard", NULL);
		if (c->datasets.len)
			each_line(&c->datasets, dataset_node,
				  xmlNewChild(xmlNewChild(card, NULL, BAD_CAST "modelParameters", NULL),
					      NULL, BAD_CAST "datasets", NULL));
		if (c->metrics.len)
			each_line(&c->metrics, metric_node,
				  xmlNewChild(xmlNewChild(card, NULL, BAD_CAST "quantitativeAnalysis",
							  NULL),
					      NULL, BAD_CAST "performanceMetrics", NULL));
	}
	if (!c->model) {
		xmlNodePtr d = xmlNewChild(x, NULL, BAD_CAST "data", NULL);
		xmlNewTextChild(d, NULL, BAD_CAST "type", BAD_CAST "dataset");
		xmlNewTextChild(d, NULL, BAD_CAST "name", BAD_CAST(c->name ? c->name : c->ref));
	}
}

static void uuid4(char out[46])
{
	unsigned char u[16];
	char hex[33];

	randombytes_buf(u, sizeof(u));
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
	hm__hex_encode(hex, u, 16);
	snprintf(out, 46, "urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
		 hex + 20);
}

int hm__archive_cyclonedx(char **out, size_t *len, hm_archive *a, const hm_archive_list *l,
			  const hm_tree_head *head)
{
	struct bom b = { NULL, 0 };
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr root, meta, tool, props, comps, deps = NULL;
	xmlNsPtr ns;
	char serial[46], now[32], buf[72];
	size_t i;
	int rc;

	(void)a;
	*out = NULL;
	if (!doc)
		return hm__err_oom();
	for (i = 0; i < l->n; i++)
		collect(&b, &l->items[i].e);
	root = xmlNewDocNode(doc, NULL, BAD_CAST "bom", NULL);
	ns = xmlNewNs(root, BAD_CAST CDX_NS, NULL);
	xmlSetNs(root, ns);
	xmlDocSetRootElement(doc, root);
	uuid4(serial);
	xmlNewProp(root, BAD_CAST "serialNumber", BAD_CAST serial);
	xmlNewProp(root, BAD_CAST "version", BAD_CAST "1");
	meta = xmlNewChild(root, ns, BAD_CAST "metadata", NULL);
	hm_rfc3339_format(now, (long long)time(NULL));
	xmlNewTextChild(meta, ns, BAD_CAST "timestamp", BAD_CAST now);
	tool = xmlNewChild(xmlNewChild(xmlNewChild(meta, ns, BAD_CAST "tools", NULL), ns,
				       BAD_CAST "components", NULL),
			   ns, BAD_CAST "component", NULL);
	xmlNewProp(tool, BAD_CAST "type", BAD_CAST "application");
	xmlNewTextChild(tool, ns, BAD_CAST "name", BAD_CAST "hallmark");
	xmlNewTextChild(tool, ns, BAD_CAST "version", BAD_CAST hm_version());
	props = xmlNewChild(meta, ns, BAD_CAST "properties", NULL);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)head->tree_size);
	xmlNewProp(xmlNewTextChild(props, ns, BAD_CAST "property", BAD_CAST buf), BAD_CAST "name",
		   BAD_CAST "hallmark:archive:tree_size");
	hm__hex_encode(buf, head->root_hash, 32);
	xmlNewProp(xmlNewTextChild(props, ns, BAD_CAST "property", BAD_CAST buf), BAD_CAST "name",
		   BAD_CAST "hallmark:archive:root_hash");
	snprintf(buf, sizeof(buf), "%zu", l->n);
	xmlNewProp(xmlNewTextChild(props, ns, BAD_CAST "property", BAD_CAST buf), BAD_CAST "name",
		   BAD_CAST "hallmark:archive:entries_exported");
	comps = xmlNewChild(root, ns, BAD_CAST "components", NULL);
	for (i = 0; i < b.n; i++)
		component_node(comps, &b.c[i]);
	for (i = 0; i < b.n; i++) {
		xmlNodePtr d;
		if (!b.c[i].deps.len)
			continue;
		if (!deps)
			deps = xmlNewChild(root, ns, BAD_CAST "dependencies", NULL);
		d = xmlNewChild(deps, ns, BAD_CAST "dependency", NULL);
		xmlNewProp(d, BAD_CAST "ref", BAD_CAST b.c[i].ref);
		each_line(&b.c[i].deps, dep_node, d);
	}
	bom_free(&b);
	rc = hm__xml_doc_string(out, len, doc);
	xmlFreeDoc(doc);
	return rc;
}
