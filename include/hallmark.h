/*
 * hallmark.h: the public API of libhallmark.
 *
 * hallmark records the provenance and safety audits of fine-tuned language
 * models as signed in-toto attestations in DSSE envelopes, and verifies them.
 *
 * Conventions: every function returns 0 or a negative hm_error_code, with the
 * message in hm_error_last(); out-parameters come first; memory handed to the
 * caller is released as the function's comment says (hm_free() for strings and
 * buffers, hm_<thing>_free() for handles, all of which accept NULL).
 */
#ifndef HALLMARK_H
#define HALLMARK_H

#define HM_VERSION_MAJOR 0
#define HM_VERSION_MINOR 1
#define HM_VERSION_PATCH 0

#include "hallmark/common.h"
#include "hallmark/text.h"
#include "hallmark/key.h"
#include "hallmark/statement.h"
#include "hallmark/dsse.h"
#include "hallmark/bundle.h"
#include "hallmark/sigstore.h"
#include "hallmark/trust.h"
#include "hallmark/manifest.h"
#include "hallmark/hubcache.h"
#include "hallmark/gitinfo.h"
#include "hallmark/dataset.h"
#include "hallmark/audit.h"
#include "hallmark/benchmark.h"
#include "hallmark/stats.h"
#include "hallmark/provenance.h"
#include "hallmark/verify.h"
#include "hallmark/archive.h"
#include "hallmark/note.h"
#include "hallmark/facts.h"
#include "hallmark/card.h"
#include "hallmark/export.h"

#endif
