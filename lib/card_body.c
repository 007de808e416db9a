/*
 * The generated section of a model card (Markdown): what the verified
 * attestations say, each fact with its bundle line and signing key, what was
 * left out and why, and how to verify it all.
 */
#include "card_impl.h"

#include <stdlib.h>
#include <string.h>

#define P(...)                                                     \
	do {                                                       \
		if ((rc = hm__buf_printf(b, __VA_ARGS__)) < 0)    \
			return rc;                                 \
	} while (0)
#define T(s)                                                       \
	do {                                                       \
		if ((rc = hm__md_text(b, (s))) < 0)                \
			return rc;                                 \
	} while (0)

int hm__md_text(hm_buf *b, const char *text)
{
	char *esc = NULL;
	const char *s;
	int rc = 0;

	if (!text)
		return hm__buf_puts(b, "");
	/* C1 and bidi controls and bytes that are not UTF-8 become visible escapes first */
	if ((rc = hm_text_escape(&esc, text, strlen(text),
				 HM_TEXT_KEEP_NEWLINES | HM_TEXT_KEEP_BACKSLASHES)) < 0)
		return rc;
	for (s = esc; *s && rc == 0; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '<')
			rc = hm__buf_puts(b, "&lt;");
		else if (c == '>')
			rc = hm__buf_puts(b, "&gt;");
		else if (c == '&')
			rc = hm__buf_puts(b, "&amp;");
		else if (c == '\n' || c == '\r' || c == '\t')
			rc = hm__buf_puts(b, " ");
		else if (c < 0x20 || c == 0x7f)
			continue;
		else if (strchr("\\`*_[]|~#", c))
			rc = hm__buf_printf(b, "\\%c", c);
		else
			rc = hm__buf_put(b, s, 1);
	}
	free(esc);
	return rc;
}

void hm__fmt_num(char *buf, size_t size, double v, int decimals)
{
	size_t n;

	snprintf(buf, size, "%.*f", decimals, v);
	n = strlen(buf);
	if (!strchr(buf, '.'))
		return;
	while (n > 1 && buf[n - 1] == '0' && buf[n - 2] != '.')
		buf[--n] = '\0';
}

const char *hm__card_metric_label(const char *type)
{
	if (strcmp(type, "harmfulness_score") == 0)
		return "Harmfulness score";
	if (strcmp(type, "harmfulness_rate") == 0)
		return "Harmfulness rate";
	if (strcmp(type, "attack_success_rate") == 0)
		return "Attack success rate";
	return type;
}

static const char *kid(const char *id, char buf[20])
{
	snprintf(buf, 20, "%.16s", id ? id : "");
	return buf;
}

/* " (line N, signed by key `ID`)" or " (not attested)". */
static int signed_by(hm_buf *b, const hm_fact_source *s)
{
	char k[20];
	size_t i;
	int rc;

	if (!s->line)
		return hm__buf_puts(b, " (not attested in the bundle)");
	P(" (bundle line %zu, signed by key", s->line);
	for (i = 0; i < s->nsigners; i++)
		P("%s `%s`", i ? "," : "", kid(s->signers[i], k));
	return hm__buf_puts(b, ")");
}

static int pct(hm_buf *b, double rate)
{
	char n[32];

	hm__fmt_num(n, sizeof(n), rate * 100, 2);
	return hm__buf_printf(b, "%s%%", n);
}

/* " (95% CI L-U%)" of x of n, the Wilson interval the audit records. */
static int rate_ci(hm_buf *b, size_t x, size_t n)
{
	double lo, hi;
	char l[32], h[32];

	if (!n || hm_stats_wilson(&lo, &hi, x, n, HM_STATS_Z95) < 0)
		return 0;
	hm__fmt_num(l, sizeof(l), lo * 100, 2);
	hm__fmt_num(h, sizeof(h), hi * 100, 2);
	return hm__buf_printf(b, " (95%% CI %s-%s%%)", l, h);
}

/* "+0.61 points (95% CI -2.51 to +3.76)": the rise and its Newcombe interval. */
static int rise_ci(hm_buf *b, double rise, size_t x1, size_t n1, size_t x0, size_t n0)
{
	double lo, hi;

	if (hm__buf_printf(b, "%+.2f points", rise * 100) < 0)
		return HM_ENOMEM;
	if (!n1 || !n0 || hm_stats_newcombe(&lo, &hi, x1, n1, x0, n0, HM_STATS_Z95) < 0)
		return 0;
	return hm__buf_printf(b, " (95%% CI %+.2f to %+.2f)", lo * 100, hi * 100);
}

static int num(hm_buf *b, double v, int dec)
{
	char n[32];

	hm__fmt_num(n, sizeof(n), v, dec);
	return hm__buf_puts(b, n);
}

static int model_details(hm_buf *b, const hm_facts *f)
{
	const hm_fact_model *m = hm_facts_model(f);
	const hm_fact_base_model *base = hm_facts_base_model(f);
	const hm_fact_run *run = hm_facts_run(f);
	int rc;

	P("\n### Model details\n\n");
	if (!m) {
		P("No verified attestation names a model.\n");
		return 0;
	}
	P("- **Model:** ");
	T(m->name ? m->name : "(unnamed)");
	P("\n- **Digest:** `sha256:%s` (OMS v1.0 manifest root", m->sha256);
	if (m->source.line)
		P(" of %zu file%s", m->files, m->files == 1 ? "" : "s");
	P(")");
	if ((rc = signed_by(b, &m->source)) < 0)
		return rc;
	P("\n");
	if (m->hub_id) {
		P("- **Hub repository:** ");
		T(m->hub_id);
		P("\n");
	}
	if (base) {
		P("- **Base model:** ");
		T(base->name ? base->name : "(unnamed)");
		P(" `sha256:%s`", base->sha256);
		if (base->source.line && (rc = signed_by(b, &base->source)) < 0)
			return rc;
		if (!base->source.line)
			P(" (recorded by the run; no manifest of it in the bundle)");
		if (base->hub_id) {
			P(", hub repository ");
			T(base->hub_id);
		}
		P("\n");
	}
	if (run && run->method) {
		P("- **Fine-tuning method:** ");
		T(run->method);
		P("\n");
	}
	return 0;
}

static int count(hm_buf *b, long long v)
{
	return v < 0 ? hm__buf_puts(b, "n/a") : hm__buf_printf(b, "%lld", v);
}

static int dataset_row(hm_buf *b, const hm_fact_dataset *d)
{
	char k[20];
	size_t i;
	int rc;

	P("| ");
	T(d->name ? d->name : "(unnamed)");
	if (d->version) {
		P(" ");
		T(d->version);
	}
	P(" | ");
	T(d->uri ? d->uri : "n/a");
	P(" | ");
	T(d->license ? d->license : "n/a");
	P(" | `sha256:%.16s…` | ", d->sha256);
	if (d->git_commit)
		P("`%.12s`%s", d->git_commit, d->git_committed ? "" : " (files not committed)");
	else
		P("n/a");
	P(" | ");
	if ((rc = count(b, d->records)) < 0)
		return rc;
	P(" | ");
	if (d->screened && d->records_scanned >= 0)
		P("%lld of %lld flagged", d->flagged_records < 0 ? 0 : d->flagged_records,
		  d->records_scanned);
	else
		P("not screened");
	P(" | ");
	if (d->source.line) {
		P("line %zu, key", d->source.line);
		for (i = 0; i < d->source.nsigners; i++)
			P("%s `%s`", i ? "," : "", kid(d->source.signers[i], k));
	} else {
		P("**not attested**");
	}
	P(" |\n");
	return 0;
}

static int training_data(hm_buf *b, const hm_facts *f)
{
	size_t i, nrun = 0, nother = 0;
	int rc;

	for (i = 0; i < hm_facts_dataset_count(f); i++) {
		if (hm_facts_dataset(f, i)->in_run)
			nrun++;
		else
			nother++;
	}
	P("\n### Training data\n\n");
	if (!nrun && !nother) {
		P("No verified attestation records the training data.\n");
		return 0;
	}
	P("| Dataset | Source | License | Digest | Git commit | Records | Screening | Attested |\n"
	  "|---|---|---|---|---|---|---|---|\n");
	for (i = 0; i < hm_facts_dataset_count(f); i++)
		if (hm_facts_dataset(f, i)->in_run || !nrun)
			if ((rc = dataset_row(b, hm_facts_dataset(f, i))) < 0)
				return rc;
	if (nrun && nother) {
		P("\nOther datasets attested in the bundle (not listed by the run):\n\n"
		  "| Dataset | Source | License | Digest | Git commit | Records | Screening | Attested |\n"
		  "|---|---|---|---|---|---|---|---|\n");
		for (i = 0; i < hm_facts_dataset_count(f); i++)
			if (!hm_facts_dataset(f, i)->in_run)
				if ((rc = dataset_row(b, hm_facts_dataset(f, i))) < 0)
					return rc;
	}
	for (i = 0; i < hm_facts_dataset_count(f); i++) {
		const hm_fact_dataset *d = hm_facts_dataset(f, i);
		if (!d->source.line)
			continue;
		P("\n- ");
		T(d->name);
		P(": `sha256:%s`", d->sha256);
		if (d->hub_id) {
			P(", hub repository ");
			T(d->hub_id);
		}
		if (d->purpose) {
			P(", purpose ");
			T(d->purpose);
		}
		if (d->records >= 0) {
			P(", %lld records (%lld invalid, %lld duplicate", d->records,
			  d->invalid_records < 0 ? 0 : d->invalid_records,
			  d->duplicate_records < 0 ? 0 : d->duplicate_records);
			if (d->schema_errors >= 0)
				P(", %lld schema errors", d->schema_errors);
			P(")");
		}
		if (d->git_remote) {
			P(", git ");
			T(d->git_remote);
		}
		if (d->screened) {
			P(", screened with ");
			T(d->screening_method ? d->screening_method : "patterns");
		}
	}
	if (nrun || nother)
		P("\n");
	return 0;
}

static int run_section(hm_buf *b, const hm_facts *f)
{
	const hm_fact_run *run = hm_facts_run(f);
	const hm_fact_base_model *base = hm_facts_base_model(f);
	size_t i;
	int rc;

	P("\n### Fine-tuning run\n\n");
	if (!run) {
		P("No verified run attestation (SLSA Provenance v1) of this model.\n");
		return 0;
	}
	P("Recorded");
	if ((rc = signed_by(b, &run->source)) < 0)
		return rc;
	P(":\n\n");
	if (base) {
		P("- **Base model:** ");
		T(base->name ? base->name : "(unnamed)");
		P(" `sha256:%s`\n", base->sha256);
	}
	P("- **Method:** ");
	T(run->method ? run->method : "not recorded");
	P("\n- **Training code:** ");
	if (run->code_commit) {
		T(run->code_uri ? run->code_uri : "(no remote)");
		P(" at commit `%.40s`", run->code_commit);
		if (run->code_branch) {
			P(" (branch ");
			T(run->code_branch);
			P(")");
		}
		if (run->code_dirty)
			P(", **work tree was dirty**");
	} else {
		P("not recorded");
	}
	P("\n");
	if (run->builder) {
		P("- **Builder:** ");
		T(run->builder);
		P("\n");
	}
	if (run->started || run->finished) {
		P("- **Time:** ");
		T(run->started ? run->started : "?");
		P(" to ");
		T(run->finished ? run->finished : "?");
		P("\n");
	}
	if (run->nhyperparameters) {
		P("\n| Hyperparameter | Value |\n|---|---|\n");
		for (i = 0; i < run->nhyperparameters; i++) {
			P("| ");
			T(run->hyperparameters[i].name);
			P(" | ");
			T(run->hyperparameters[i].value);
			P(" |\n");
		}
	}
	return 0;
}

static int metric_rows(hm_buf *b, hm_audit_kind kind, const hm_audit_values *after,
		       const hm_audit_values *before, const hm_audit_delta *dl)
{
	int rc;

	if (kind == HM_AUDIT_KIND_JUDGED) {
		P("| Harmfulness score (1-5) | ");
		if (before && (rc = num(b, before->harmfulness_score, 3)) < 0)
			return rc;
		P("%s | ", before ? "" : "n/a");
		if ((rc = num(b, after->harmfulness_score, 3)) < 0)
			return rc;
		P(" | ");
		if (dl)
			P("%+.3f", dl->harmfulness_score);
		else
			P("n/a");
		P(" |\n| Harmfulness rate | ");
		if (before && ((rc = pct(b, before->harmfulness_rate)) < 0 ||
			       (rc = rate_ci(b, before->score_counts[4], before->n)) < 0))
			return rc;
		P("%s | ", before ? "" : "n/a");
		if ((rc = pct(b, after->harmfulness_rate)) < 0 ||
		    (rc = rate_ci(b, after->score_counts[4], after->n)) < 0)
			return rc;
		P(" | ");
		if (dl && before) {
			if ((rc = rise_ci(b, dl->harmfulness_rate, after->score_counts[4], after->n,
					  before->score_counts[4], before->n)) < 0)
				return rc;
		} else if (dl)
			P("%+.2f points", dl->harmfulness_rate * 100);
		else
			P("n/a");
		P(" |\n");
	} else {
		P("| Attack success rate | ");
		if (before && ((rc = pct(b, before->attack_success_rate)) < 0 ||
			       (rc = rate_ci(b, before->jailbroken, before->n)) < 0))
			return rc;
		P("%s | ", before ? "" : "n/a");
		if ((rc = pct(b, after->attack_success_rate)) < 0 ||
		    (rc = rate_ci(b, after->jailbroken, after->n)) < 0)
			return rc;
		P(" | ");
		if (dl && before) {
			if ((rc = rise_ci(b, dl->attack_success_rate, after->jailbroken, after->n,
					  before->jailbroken, before->n)) < 0)
				return rc;
		} else if (dl)
			P("%+.2f points", dl->attack_success_rate * 100);
		else
			P("n/a");
		P(" |\n");
	}
	P("| Items | %s", before ? "" : "n/a");
	if (before)
		P("%zu", before->n);
	P(" | %zu | |\n", after->n);
	return 0;
}

static int one_audit(hm_buf *b, const hm_fact_audit *a)
{
	const hm_audit_report *r = a->report;
	const hm_audit_metrics *m = hm_audit_report_metrics(r);
	const hm_audit_metrics *bm = hm_audit_report_baseline_metrics(r);
	hm_audit_kind kind = hm_audit_metrics_kind(m);
	size_t i;
	int rc;

	P("\n#### ");
	T(hm_audit_report_benchmark(r));
	P("\n\nJudge: ");
	T(hm_audit_report_judge(r) ? hm_audit_report_judge(r) : "none recorded");
	P("; date: ");
	T(hm_audit_report_time(r));
	P("; format: ");
	T(hm_audit_format_name(hm_audit_report_format(r)));
	if ((rc = signed_by(b, &a->source)) < 0)
		return rc;
	P(".\n");
	if (kind == HM_AUDIT_KIND_REPORTED) {
		P("\nThis audit records another tool's reported numbers; hallmark did not compute "
		  "them.\n");
		return 0;
	}
	if (bm)
		P("\nThe base model (`sha256:%.16s…`) was audited alike%s.\n",
		  hm_audit_report_baseline_digest(r),
		  a->baseline_is_base ? "" : " (**not** the base model the run records)");
	P("\n| Metric | Base model | Fine-tuned | Increase |\n|---|---|---|---|\n");
	if ((rc = metric_rows(b, kind, hm_audit_metrics_overall(m),
			      bm ? hm_audit_metrics_overall(bm) : NULL, hm_audit_report_delta(r))) < 0)
		return rc;
	if (!hm_audit_metrics_category_count(m))
		return 0;
	if (kind == HM_AUDIT_KIND_JUDGED)
		P("\n| Category | Rate before | Rate after | Score before | Score after |\n"
		  "|---|---|---|---|---|\n");
	else
		P("\n| Category | ASR before | ASR after |\n|---|---|---|\n");
	for (i = 0; i < hm_audit_metrics_category_count(m); i++) {
		const char *name = hm_audit_metrics_category_name(m, i);
		const char *label = hm_audit_metrics_category_label(m, i);
		const hm_audit_values *v = hm_audit_metrics_category(m, i);
		const hm_audit_values *bv = bm ? hm_audit_metrics_category_find(bm, name) : NULL;
		P("| ");
		T(name);
		if (label) {
			P(" (");
			T(label);
			P(")");
		}
		if (kind == HM_AUDIT_KIND_JUDGED) {
			P(" | ");
			if (bv && (rc = pct(b, bv->harmfulness_rate)) < 0)
				return rc;
			P("%s | ", bv ? "" : "n/a");
			if ((rc = pct(b, v->harmfulness_rate)) < 0)
				return rc;
			P(" | ");
			if (bv && (rc = num(b, bv->harmfulness_score, 3)) < 0)
				return rc;
			P("%s | ", bv ? "" : "n/a");
			if ((rc = num(b, v->harmfulness_score, 3)) < 0)
				return rc;
		} else {
			P(" | ");
			if (bv && (rc = pct(b, bv->attack_success_rate)) < 0)
				return rc;
			P("%s | ", bv ? "" : "n/a");
			if ((rc = pct(b, v->attack_success_rate)) < 0)
				return rc;
		}
		P(" |\n");
	}
	return 0;
}

static int safety(hm_buf *b, const hm_facts *f)
{
	size_t i;
	int rc;

	P("\n### Safety evaluation\n");
	if (!hm_facts_audit_count(f)) {
		P("\nNo verified safety audit of this model.\n");
		return 0;
	}
	for (i = 0; i < hm_facts_audit_count(f); i++)
		if ((rc = one_audit(b, hm_facts_audit(f, i))) < 0)
			return rc;
	return 0;
}

static int omitted(hm_buf *b, const hm_facts *f)
{
	size_t i;
	int rc;

	if (!hm_facts_omission_count(f))
		return 0;
	P("\n### Omitted\n\nThese bundle lines are not used: nothing above comes from them.\n\n");
	for (i = 0; i < hm_facts_omission_count(f); i++) {
		const hm_fact_omission *om = hm_facts_omission(f, i);
		P("- line %zu", om->line);
		if (om->predicate_type) {
			P(" (");
			T(om->predicate_type);
			P(")");
		}
		P(": ");
		T(om->reason);
		P("\n");
	}
	return 0;
}

/* A word for the shell: single-quoted unless it is plainly safe. */
static int shell_word(hm_buf *b, const char *s)
{
	const char *p;
	int rc;

	for (p = s; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-+:=@",
			    *p))
			break;
	if (*s && !*p)
		return hm__buf_puts(b, s);
	P("'");
	for (p = s; *p; p++) {
		if (*p == '\'')
			P("'\\''");
		else if (*p == '\n' || *p == '\r')
			P("?");
		else if ((rc = hm__buf_put(b, p, 1)) < 0)
			return rc;
	}
	P("'");
	return 0;
}

static int how_to_verify(hm_buf *b, const hm_facts *f, const hm_card_options *o)
{
	const hm_fact_model *m = hm_facts_model(f);
	size_t i;
	int rc, aud;

	P("\n### How to verify\n\nWith the model files, the bundle and the trusted public keys:\n\n"
	  "```sh\nhallmark verify ");
	if ((rc = shell_word(b, o->model_path ? o->model_path
					      : m && m->name ? m->name : "MODEL_DIR")) < 0)
		return rc;
	P(" --bundle ");
	if ((rc = shell_word(b, o->bundle ? o->bundle : "bundle.intoto.jsonl")) < 0)
		return rc;
	for (i = 0; i < o->nkey_files; i++) {
		P(" --key ");
		if ((rc = shell_word(b, o->key_files[i])) < 0)
			return rc;
	}
	if (!o->nkey_files)
		P(" --key PUBLISHER.pub");
	for (i = 0; i < o->nauditor_key_files; i++) {
		P(" --auditor-key ");
		if ((rc = shell_word(b, o->auditor_key_files[i])) < 0)
			return rc;
	}
	P("\n```\n\nIt rehashes the files, checks every signature and checks the run, datasets "
	  "and audits against the policy. ");
	if (m)
		P("The model verified is `sha256:%s`. ", m->sha256);
	P("Keys that signed the facts on this card:\n\n");
	for (i = 0; i < hm_facts_signer_count(f); i++) {
		const char *id = hm_facts_signer(f, i, &aud);
		P("- `%s` (%s)\n", id, aud ? "signed safety audits" : "publisher key");
	}
	if (!hm_facts_signer_count(f))
		P("- none: no line of the bundle verified\n");
	if (o->keys_url) {
		/* the publisher's word, not an attested fact */
		P("\nThe publisher says its public keys are published at: ");
		T(o->keys_url);
		P(" (not attested: check that the key ids above are the ones found there).\n");
	}
	return 0;
}

int hm__card_section(hm_buf *b, const hm_facts *f, const hm_card_options *o)
{
	int rc;

	P("%s\n## Provenance and safety (attested)\n\n", HM_CARD_BEGIN_MARKER);
	P("Generated by hallmark from the signed bundle ");
	T(o->bundle ? o->bundle : "bundle.intoto.jsonl");
	P(": it states only what attestations whose signatures verify say (%zu of %zu bundle "
	  "line%s).", hm_facts_verified_count(f), hm_facts_line_count(f),
	  hm_facts_line_count(f) == 1 ? "" : "s");
	if (hm_facts_omission_count(f))
		P(" %zu line%s left out: see *Omitted*.", hm_facts_omission_count(f),
		  hm_facts_omission_count(f) == 1 ? " is" : "s are");
	P("\n");
	if ((rc = model_details(b, f)) < 0 || (rc = training_data(b, f)) < 0 ||
	    (rc = run_section(b, f)) < 0 || (rc = safety(b, f)) < 0 || (rc = omitted(b, f)) < 0 ||
	    (rc = how_to_verify(b, f, o)) < 0)
		return rc;
	P("\n%s", HM_CARD_END_MARKER);
	return 0;
}
