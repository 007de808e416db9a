/* The card check: a model card attestation bound to this model, when the policy asks. */
#include "verify_impl.h"

#include <string.h>

/* The card attestation's predicate names the model it describes. */
static int card_is_about(const json_t *st, const char *hex)
{
	const char *h = hm__card_predicate_model(st);

	return h && strcmp(h, hex) == 0;
}

int hm__check_card(struct hm__vctx *x)
{
	struct hm__check *c = &x->r->checks[HM_CHECK_CARD];
	size_t i;

	for (i = 0; x->r->digest[0] && i < x->natts; i++)
		if (strcmp(x->atts[i].ptype, HM_CARD_PREDICATE_TYPE) == 0 &&
		    card_is_about(x->atts[i].st, x->r->digest))
			return hm__vpass(c, "the model card is attested (line %zu)", x->atts[i].line);
	if (!x->pol->require_card)
		return hm__vskip(c, "the policy does not require a model card attestation");
	if (!x->r->digest[0])
		return hm__vfail(c, "the model could not be hashed");
	return hm__vfail(c, "no trusted model card attestation of this model (sha256:%s)", x->r->digest);
}

