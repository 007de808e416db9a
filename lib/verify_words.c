/* The wording of a verification's checks: reasons, details and problems. */
#include "verify_impl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Report text comes partly from untrusted bytes: no control characters reach a terminal. */
static char *clean_dup(const char *s)
{
	char *d = strdup(s), *p;

	for (p = d; p && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return d;
}

static int vset(struct hm__check *c, hm_check_status st, const char *fmt, va_list ap)
	HM_PRINTF(3, 0);
static int vset(struct hm__check *c, hm_check_status st, const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	free(c->reason);
	c->reason = clean_dup(buf);
	c->status = st;
	return c->reason ? 0 : hm__err_oom();
}

int hm__vpass(struct hm__check *c, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vset(c, HM_CHECK_PASS, fmt, ap);
	va_end(ap);
	return rc;
}

int hm__vfail(struct hm__check *c, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vset(c, HM_CHECK_FAIL, fmt, ap);
	va_end(ap);
	return rc;
}

int hm__vskip(struct hm__check *c, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vset(c, HM_CHECK_SKIP, fmt, ap);
	va_end(ap);
	return rc;
}

/* Appends a formatted line to a list of lines. */
static int vline(char ***list, size_t *n, const char *fmt, va_list ap) HM_PRINTF(3, 0);
static int vline(char ***list, size_t *n, const char *fmt, va_list ap)
{
	char buf[1024], **l;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	l = realloc(*list, (*n + 1) * sizeof(*l));
	if (!l)
		return hm__err_oom();
	*list = l;
	l[*n] = clean_dup(buf);
	if (!l[*n])
		return hm__err_oom();
	(*n)++;
	return 0;
}

static int vdetail(struct hm__check *c, const char *fmt, va_list ap) HM_PRINTF(2, 0);
static int vdetail(struct hm__check *c, const char *fmt, va_list ap)
{
	return vline(&c->details, &c->ndetails, fmt, ap);
}

int hm__vwarn(struct hm__check *c, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vline(&c->warnings, &c->nwarnings, fmt, ap);
	va_end(ap);
	return rc;
}

int hm__vdetail(struct hm__check *c, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vdetail(c, fmt, ap);
	va_end(ap);
	return rc;
}

void hm__vproblem(struct hm__check *c, struct hm__problems *p, size_t line, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (p->n++ == 0) {
		memcpy(p->first, buf, sizeof(p->first));
		p->first_detail = c->ndetails;
	}
	if ((line ? hm__vdetail(c, "line %zu: %s", line, buf) : hm__vdetail(c, "%s", buf)) < 0)
		p->oom = 1;
}

/*
 * ": FIRST" or ": FIRST (and N more)", for the end of a failing reason. A lone
 * problem is then said by the reason, and its detail line goes (details are
 * further lines); several stay listed in full.
 */
const char *hm__first_and_more(struct hm__check *c, const struct hm__problems *p, char *buf,
			       size_t size)
{
	if (p->n == 1 && p->first_detail < c->ndetails) {
		free(c->details[p->first_detail]);
		memmove(c->details + p->first_detail, c->details + p->first_detail + 1,
			(c->ndetails - p->first_detail - 1) * sizeof(*c->details));
		c->ndetails--;
	}
	if (p->n <= 1)
		snprintf(buf, size, ": %s", p->first);
	else
		snprintf(buf, size, ": %s (and %d more)", p->first, p->n - 1);
	return buf;
}

/* A percentage from a fraction: "16.1", "5", "0.3". */
const char *hm__pct(char buf[24], double fraction)
{
	size_t n;

	snprintf(buf, 24, "%.1f", fraction * 100);
	n = strlen(buf);
	if (n > 2 && strcmp(buf + n - 2, ".0") == 0)
		buf[n - 2] = '\0';
	if (strcmp(buf, "-0") == 0)
		strcpy(buf, "0");
	return buf;
}

const char *hm__vsubject_sha256(const json_t *st, size_t i)
{
	return hm__json_str(json_object_get(json_array_get(json_object_get(st, "subject"), i),
					    "digest"), "sha256");
}

int hm__vabout(const json_t *st, const char *hex)
{
	size_t i;

	for (i = 0; i < json_array_size(json_object_get(st, "subject")); i++) {
		const char *h = hm__vsubject_sha256(st, i);
		if (h && strcmp(h, hex) == 0)
			return 1;
	}
	return 0;
}


const struct hm__vatt *hm__vfind(const struct hm__vctx *x, const char *ptype, const char *hex)
{
	size_t i;

	for (i = 0; i < x->natts; i++)
		if (strcmp(x->atts[i].ptype, ptype) == 0 && hm__vabout(x->atts[i].st, hex))
			return &x->atts[i];
	return NULL;
}
