/* lib/xmlutil.h: libxml2 helpers shared by the XML writers (internal). */
#ifndef HM_XMLUTIL_H
#define HM_XMLUTIL_H

#include <libxml/tree.h>
#include <stddef.h>

/*
 * The document as indented UTF-8 text with an XML declaration, in a
 * NUL-terminated malloc'd buffer (free with free()); len may be NULL.
 * The document is not freed.
 */
int hm__xml_doc_string(char **out, size_t *len, xmlDocPtr doc);

#endif
