/* Thread-local error state: the library never prints, it records. */
#include "internal.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

static _Thread_local char hm__errbuf[1024];
static _Thread_local int hm__errcode;

const char *hm_error_last(void)
{
	return hm__errbuf;
}

int hm_error_last_code(void)
{
	return hm__errcode;
}

void hm_error_clear(void)
{
	hm__errbuf[0] = '\0';
	hm__errcode = HM_OK;
}

int hm__err_prefix(const char *fmt, ...)
{
	va_list ap;
	char tmp[sizeof(hm__errbuf)];
	size_t n;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	n = strlen(tmp);
	snprintf(tmp + n, sizeof(tmp) - n, "%s", hm__errbuf);
	memcpy(hm__errbuf, tmp, sizeof(tmp));
	return hm__errcode ? hm__errcode : HM_ERROR;
}

int hm__err_oom(void)
{
	return hm__err(HM_ENOMEM, "out of memory");
}

const char *hm_error_name(int code)
{
	switch (code) {
	case HM_OK: return "HM_OK";
	case HM_ERROR: return "HM_ERROR";
	case HM_EINVAL: return "HM_EINVAL";
	case HM_ENOMEM: return "HM_ENOMEM";
	case HM_EIO: return "HM_EIO";
	case HM_EFORMAT: return "HM_EFORMAT";
	case HM_EVERIFY: return "HM_EVERIFY";
	case HM_EPASSPHRASE: return "HM_EPASSPHRASE";
	case HM_EEXISTS: return "HM_EEXISTS";
	case HM_ECRYPTO: return "HM_ECRYPTO";
	case HM_ENOTFOUND: return "HM_ENOTFOUND";
	case HM_EUNSUPPORTED: return "HM_EUNSUPPORTED";
	default: return "HM_UNKNOWN";
	}
}

static pthread_once_t hm__once = PTHREAD_ONCE_INIT;
static int hm__init_rc;

static void hm__do_init(void)
{
	hm__init_rc = sodium_init() < 0 ? -1 : 0;
}

int hm_init(void)
{
	pthread_once(&hm__once, hm__do_init);
	if (hm__init_rc != 0)
		return hm__err(HM_ECRYPTO, "libsodium failed to initialise");
	return 0;
}

void hm_free(void *ptr)
{
	free(ptr);
}

const char *hm_version(void)
{
	return HM_VERSION_STRING;
}

int hm_error_set(int code, const char *fmt, ...)
{
	va_list ap;
	char tmp[sizeof(hm__errbuf)];

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	memcpy(hm__errbuf, tmp, sizeof(tmp));
	hm__errcode = code;
	return code;
}
