/* lib/provenance_impl.h: the typed reader of the run predicate (internal). */
#ifndef HM_PROVENANCE_IMPL_H
#define HM_PROVENANCE_IMPL_H

#include "internal.h"

/* One resolvedDependencies entry. Strings are borrowed from the statement; NULL when absent. */
struct hm__run_dep {
	const char *role;       /* annotations.role */
	const char *name;
	const char *uri;
	const char *sha256;     /* digest.sha256 (not checked to be hex) */
	const char *git_commit; /* digest.gitCommit */
	const char *branch;     /* annotations.branch */
	const char *hub_id;     /* annotations.hub_id (an adapter's base named by hub id) */
	int dirty;              /* annotations.dirty is true */
	const json_t *digest;   /* the whole digest object (every algorithm) */
};

/* A SLSA provenance predicate as hallmark writes it for a fine-tuning run (provenance.c). */
struct hm__run {
	int is_run;                   /* predicateType SLSA v1 and buildType HM_RUN_BUILD_TYPE */
	const char *method;           /* externalParameters.method */
	const char *base_name;        /* externalParameters.baseModel */
	const json_t *hyperparameters; /* externalParameters.hyperparameters (object or NULL) */
	const char *builder;          /* runDetails.builder.id */
	const char *started, *finished; /* runDetails.metadata.startedOn / finishedOn */
	struct hm__run_dep *deps;     /* in the statement's order */
	size_t ndeps;
};

/*
 * Reads the run predicate of a statement (any statement: is_run says whether
 * it is a run; a SLSA statement of another build type still has its
 * dependencies read). Fields point into st, which must outlive r. Returns 0
 * or HM_ENOMEM. Release with hm__run_clear().
 */
int hm__run_parse(struct hm__run *r, const json_t *st);
void hm__run_clear(struct hm__run *r);
/* 1 when the statement is a fine-tuning run (is_run above), without reading the rest. */
int hm__run_is_run(const json_t *st);

#endif
