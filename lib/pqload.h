/*
 * lib/pqload.h: libpq, loaded when a PostgreSQL archive is first used
 * (internal). Include after <libpq-fe.h>: the PQ functions that
 * archive_store_pg.c calls then go through the table that hm__pq_load fills,
 * and a program linked with libhallmark loads libpq (and the Kerberos, LDAP
 * and TLS libraries it needs) only when it opens such an archive.
 */
#ifndef HM_PQLOAD_H
#define HM_PQLOAD_H

#include <libpq-fe.h>

struct hm__pq {
	__typeof__(PQclear) *clear;
	__typeof__(PQcmdStatus) *cmdStatus;
	__typeof__(PQconnectdb) *connectdb;
	__typeof__(PQconninfoFree) *conninfoFree;
	__typeof__(PQconninfoParse) *conninfoParse;
	__typeof__(PQerrorMessage) *errorMessage;
	__typeof__(PQexec) *exec;
	__typeof__(PQexecParams) *execParams;
	__typeof__(PQexecPrepared) *execPrepared;
	__typeof__(PQfinish) *finish;
	__typeof__(PQftype) *ftype;
	__typeof__(PQgetisnull) *getisnull;
	__typeof__(PQgetlength) *getlength;
	__typeof__(PQgetvalue) *getvalue;
	__typeof__(PQnfields) *nfields;
	__typeof__(PQntuples) *ntuples;
	__typeof__(PQprepare) *prepare;
	__typeof__(PQresultErrorField) *resultErrorField;
	__typeof__(PQresultErrorMessage) *resultErrorMessage;
	__typeof__(PQresultStatus) *resultStatus;
	__typeof__(PQsetNoticeProcessor) *setNoticeProcessor;
	__typeof__(PQstatus) *status;
	__typeof__(PQtransactionStatus) *transactionStatus;
};

extern struct hm__pq hm__pq;

/*
 * Loads libpq once (thread-safe); 0, or HM_EUNSUPPORTED with a message that
 * names the library and why it could not be loaded.
 */
int hm__pq_load(void);

#ifndef HM_PQLOAD_IMPL
#define PQclear (hm__pq.clear)
#define PQcmdStatus (hm__pq.cmdStatus)
#define PQconnectdb (hm__pq.connectdb)
#define PQconninfoFree (hm__pq.conninfoFree)
#define PQconninfoParse (hm__pq.conninfoParse)
#define PQerrorMessage (hm__pq.errorMessage)
#define PQexec (hm__pq.exec)
#define PQexecParams (hm__pq.execParams)
#define PQexecPrepared (hm__pq.execPrepared)
#define PQfinish (hm__pq.finish)
#define PQftype (hm__pq.ftype)
#define PQgetisnull (hm__pq.getisnull)
#define PQgetlength (hm__pq.getlength)
#define PQgetvalue (hm__pq.getvalue)
#define PQnfields (hm__pq.nfields)
#define PQntuples (hm__pq.ntuples)
#define PQprepare (hm__pq.prepare)
#define PQresultErrorField (hm__pq.resultErrorField)
#define PQresultErrorMessage (hm__pq.resultErrorMessage)
#define PQresultStatus (hm__pq.resultStatus)
#define PQsetNoticeProcessor (hm__pq.setNoticeProcessor)
#define PQstatus (hm__pq.status)
#define PQtransactionStatus (hm__pq.transactionStatus)
#endif

#endif
