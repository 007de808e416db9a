/*
 * libFuzzer harness: the proof JSON that `hallmark archive check-proof`
 * reads (inclusion and consistency proofs), and tree heads (--head). Any
 * bytes must give 0, HM_EVERIFY or HM_EFORMAT, and a proof that checks must
 * be about a leaf inside its tree.
 */
#include "hallmark.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hm_proof_info info;
	hm_tree_head head;
	int rc = hm_proof_check(&info, (const char *)data, size);

	if (rc != 0 && rc != HM_EVERIFY && rc != HM_EFORMAT)
		abort();
	if (rc == 0) {
		if (info.kind == HM_PROOF_INCLUSION && info.leaf_index >= info.tree_size)
			abort();
		if (info.kind == HM_PROOF_CONSISTENCY &&
		    (info.first == 0 || info.first > info.tree_size))
			abort();
		if (info.kind != HM_PROOF_INCLUSION && info.kind != HM_PROOF_CONSISTENCY)
			abort();
	}
	rc = hm_tree_head_parse(&head, (const char *)data, size, NULL);
	if (rc != 0 && rc != HM_EFORMAT && rc != HM_EVERIFY)
		abort();
	return 0;
}
