/* Small helpers over libxml2's tree API: elements, escaped text, attributes. */
#include "report_impl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/*
 * A copy of text that XML 1.0 can carry and a browser shows as it is: C1 and
 * bidi controls, CR, TAB and bytes that are not UTF-8 become visible escapes
 * (hallmark/text.h), other C0 controls U+FFFD.
 */
static char *xml_clean(const char *text)
{
	size_t n = 0, i;
	char *out, *o, *s = NULL;

	if (hm_text_escape(&s, text, strlen(text), HM_TEXT_KEEP_NEWLINES | HM_TEXT_KEEP_BACKSLASHES) < 0)
		return NULL;

	for (i = 0; s[i]; i++)
		n += ((unsigned char)s[i] < 0x20 && !strchr("\t\n\r", s[i])) ? 3 : 1;
	/* U+FFFE and U+FFFF are not XML characters either: same length as U+FFFD */
	out = malloc(n + 1);
	if (!out) {
		free(s);
		return NULL;
	}
	for (i = 0, o = out; s[i]; i++) {
		if ((unsigned char)s[i] < 0x20 && !strchr("\t\n\r", s[i])) {
			memcpy(o, "\xEF\xBF\xBD", 3);
			o += 3;
		} else if ((unsigned char)s[i] == 0xEF && (unsigned char)s[i + 1] == 0xBF &&
			   ((unsigned char)s[i + 2] == 0xBE || (unsigned char)s[i + 2] == 0xBF)) {
			memcpy(o, "\xEF\xBF\xBD", 3);
			o += 3;
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	free(s);
	return out;
}

void hm__txt(struct hm__page *p, xmlNodePtr parent, const char *text)
{
	char *c;
	xmlNodePtr t;

	if (!parent || !text)
		return;
	c = xml_clean(text);
	t = c ? xmlNewDocText(p->doc, (const xmlChar *)c) : NULL;
	free(c);
	if (!t || !xmlAddChild(parent, t)) {
		xmlFreeNode(t);
		p->oom = 1;
	}
}

void hm__txtf(struct hm__page *p, xmlNodePtr parent, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	hm__txt(p, parent, buf);
}

xmlNodePtr hm__el(struct hm__page *p, xmlNodePtr parent, const char *name, const char *text)
{
	xmlNodePtr n;

	if (!parent)
		return NULL;
	n = xmlNewDocNode(p->doc, parent->ns, (const xmlChar *)name, NULL);
	if (!n || !xmlAddChild(parent, n)) {
		xmlFreeNode(n);
		p->oom = 1;
		return NULL;
	}
	if (text)
		hm__txt(p, n, text);
	return n;
}

xmlNodePtr hm__elf(struct hm__page *p, xmlNodePtr parent, const char *name, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return hm__el(p, parent, name, buf);
}

void hm__attr(struct hm__page *p, xmlNodePtr node, const char *name, const char *value)
{
	char *c;

	if (!node || !value)
		return;
	c = xml_clean(value);
	if (!c || !xmlNewProp(node, (const xmlChar *)name, (const xmlChar *)c))
		p->oom = 1;
	free(c);
}

void hm__attrf(struct hm__page *p, xmlNodePtr node, const char *name, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	hm__attr(p, node, name, buf);
}
