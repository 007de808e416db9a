/*
 * The signatures check: every line of the bundle trusted. Which lines are
 * trusted is decided in lib/trust.c; this file words the outcome and keeps
 * the trusted attestations for the other checks.
 */
#include "statement_impl.h"
#include "verify_impl.h"

#include <stdlib.h>
#include <string.h>

static const char *short_id(const char *id, char buf[20])
{
	snprintf(buf, 20, "%.16s", id);
	return buf;
}

/* " (FILE line N)" when the line's number in its file is not its number in the bundle. */
static const char *where(const hm_trusted_line *l, char *buf, size_t size)
{
	buf[0] = '\0';
	if (l->source && l->source_line != l->line)
		snprintf(buf, size, " (%s line %zu)", l->source, l->source_line);
	return buf;
}

int hm__check_signatures(struct hm__vctx *x)
{
	struct hm__check *c = &x->r->checks[HM_CHECK_SIGNATURES];
	size_t i, n = hm_trusted_bundle_line_count(x->tb), bad = 0;
	int own = hm_trusted_bundle_own_auditors(x->tb);
	char lines[160] = "";
	const char *subject = NULL;
	int rc;

	x->atts = calloc(n ? n : 1, sizeof(*x->atts));
	if (!x->atts)
		return hm__err_oom();
	for (i = 0; i < n; i++) {
		const hm_trusted_line *l = hm_trusted_bundle_line(x->tb, i);
		char what[160] = "unreadable", ids[4 * 20 + 8] = "", sb[20], wb[300];
		struct hm__vatt *at;
		size_t k;

		if (l->label)
			snprintf(what, sizeof(what), "%s", l->label);
		if (!l->attestation) {
			size_t used = strlen(lines);
			bad++;
			x->untrusted_audits += (size_t)l->is_audit;
			if (used < sizeof(lines) - 64)
				snprintf(lines + used, sizeof(lines) - used, "%s%zu (%.40s)",
					 bad == 1 ? "" : ", ", l->line, what);
			else if (!strstr(lines, ", ..."))
				strcat(lines, ", ...");
			if ((rc = hm__vdetail(c, "line %zu%s (%s): not trusted: %s%s", l->line,
					      where(l, wb, sizeof(wb)), what,
					      l->reason,
					      !l->is_audit ? ""
					      : own ? " (audits are checked against the auditor keys)"
						    : " (no auditor key was given: audits are checked "
						      "against the publisher keys)")) < 0)
				return rc;
			continue;
		}
		for (k = 0; k < l->nsigners && k < 4; k++) {
			strcat(ids, k ? "," : "");
			strcat(ids, short_id(l->signers[k], sb));
		}
		at = &x->atts[x->natts++];
		at->line = l->line;
		at->a = l->attestation;
		at->stmt = hm_attestation_statement(l->attestation);
		/* a model manifest's resources stay lean: the model check reads them so */
		at->st = l->predicate_type && strcmp(l->predicate_type, HM_OMS_PREDICATE_TYPE) == 0
				 ? hm__statement_json_lean(at->stmt) : hm__statement_json(at->stmt);
		at->ptype = l->predicate_type;
		at->publisher_signed = l->publisher_signed;
		if (l->cert_subject)
			rc = hm__vdetail(c, "line %zu%s: %s signed by certificate \"%s\" (key %s)",
					 l->line, where(l, wb, sizeof(wb)), what, l->cert_subject, ids);
		else
			rc = hm__vdetail(c, "line %zu%s: %s signed by %s", l->line,
					 where(l, wb, sizeof(wb)), what, ids);
		if (rc < 0)
			return rc;
	}
	if (n == 0)
		return hm__vfail(c, "the bundle has no attestations");
	if (bad)
		return hm__vfail(c, "%zu of %zu attestation%s %s not signed by a trusted key: line%s "
				 "%s", bad, n, n == 1 ? "" : "s", bad == 1 ? "is" : "are",
				 bad == 1 ? "" : "s", lines);
	for (i = 0; i < n && !subject; i++)
		subject = hm_trusted_bundle_line(x->tb, i)->cert_subject;
	if (subject && n == 1)
		return hm__vpass(c, "the one attestation is signed by a trusted certificate: \"%s\"",
				 subject);
	if (subject)
		return hm__vpass(c, "all %zu attestations are signed by trusted keys or certificates "
				 "(signing certificate \"%s\")", n, subject);
	if (n == 1)
		return hm__vpass(c, "the one attestation is signed by a trusted key");
	return hm__vpass(c, "all %zu attestations are signed by trusted keys", n);
}
