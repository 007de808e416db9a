/* lib/report_impl.h: building XHTML pages with libxml2 (internal to report*.c). */
#ifndef HM_REPORT_IMPL_H
#define HM_REPORT_IMPL_H

#include "internal.h"

#include <libxml/tree.h>

#define HM_XHTML_NS "http://www.w3.org/1999/xhtml"
#define HM_SVG_NS "http://www.w3.org/2000/svg"

/* A page under construction. Any allocation failure sets oom; the page is then dropped. */
struct hm__page {
	xmlDocPtr doc;
	int oom;
};

/* A child element (in its parent's namespace) with optional text; NULL parent = none. */
xmlNodePtr hm__el(struct hm__page *p, xmlNodePtr parent, const char *name, const char *text);
/* The same with printf-formatted text. */
xmlNodePtr hm__elf(struct hm__page *p, xmlNodePtr parent, const char *name, const char *fmt, ...)
	HM_PRINTF(4, 5);
/* Appends text (control characters that XML cannot carry become U+FFFD). */
void hm__txt(struct hm__page *p, xmlNodePtr parent, const char *text);
void hm__txtf(struct hm__page *p, xmlNodePtr parent, const char *fmt, ...) HM_PRINTF(3, 4);
void hm__attr(struct hm__page *p, xmlNodePtr node, const char *name, const char *value);
void hm__attrf(struct hm__page *p, xmlNodePtr node, const char *name, const char *fmt, ...)
	HM_PRINTF(4, 5);

/* Appends an SVG bar chart of before/after values per category (report_svg.c). */
struct hm__bar {
	const char *label;
	double before; /* < 0 when there is no baseline */
	double after;
};
void hm__svg_bars(struct hm__page *p, xmlNodePtr parent, const char *title, const char *unit,
		  const struct hm__bar *bars, size_t n);

#endif
