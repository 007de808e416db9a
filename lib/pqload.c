/*
 * libpq through dlopen (pqload.h): every program that links libhallmark would
 * otherwise load libpq and the twenty libraries under it at startup, a cost
 * that `hallmark digest` pays on every run for an archive it never opens.
 */
#define HM_PQLOAD_IMPL
#include "internal.h"
#include "pqload.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

/* The soname libpq has had since PostgreSQL 8.0. */
#define LIBPQ "libpq.so.5"

struct hm__pq hm__pq;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512]; /* empty when loaded */

static void load(void)
{
	void *h = dlopen(LIBPQ, RTLD_NOW | RTLD_LOCAL);
	struct hm__pq t;
	const char *missing = NULL;

	if (!h) {
		snprintf(load_error, sizeof(load_error), "%s", dlerror());
		return;
	}
#define SYM(name)                                                              \
	do {                                                                   \
		*(void **)&t.name = dlsym(h, "PQ" #name);                      \
		if (!t.name && !missing)                                       \
			missing = "PQ" #name;                                  \
	} while (0)
	SYM(clear);
	SYM(cmdStatus);
	SYM(connectdb);
	SYM(conninfoFree);
	SYM(conninfoParse);
	SYM(errorMessage);
	SYM(exec);
	SYM(execParams);
	SYM(execPrepared);
	SYM(finish);
	SYM(ftype);
	SYM(getisnull);
	SYM(getlength);
	SYM(getvalue);
	SYM(nfields);
	SYM(ntuples);
	SYM(prepare);
	SYM(resultErrorField);
	SYM(resultErrorMessage);
	SYM(resultStatus);
	SYM(setNoticeProcessor);
	SYM(status);
	SYM(transactionStatus);
#undef SYM
	if (missing) {
		snprintf(load_error, sizeof(load_error), "%s has no %s", LIBPQ, missing);
		dlclose(h);
		return;
	}
	hm__pq = t; /* published by pthread_once */
}

int hm__pq_load(void)
{
	pthread_once(&once, load);
	if (hm__pq.connectdb)
		return 0;
	return hm__err(HM_EUNSUPPORTED, "PostgreSQL archives need libpq (%s), which cannot be "
		       "loaded: %s", LIBPQ, load_error[0] ? load_error : "unknown error");
}
