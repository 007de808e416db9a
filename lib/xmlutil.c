/* Serializing libxml2 documents to memory. */
#include "internal.h"
#include "xmlutil.h"

#include <stdlib.h>
#include <string.h>

int hm__xml_doc_string(char **out, size_t *len, xmlDocPtr doc)
{
	xmlChar *mem = NULL;
	int size = 0;

	*out = NULL;
	xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 1);
	if (!mem || size < 0) {
		xmlFree(mem);
		return hm__err_oom();
	}
	*out = malloc((size_t)size + 1);
	if (*out) {
		memcpy(*out, mem, (size_t)size);
		(*out)[size] = '\0';
		if (len)
			*len = (size_t)size;
	}
	xmlFree(mem);
	return *out ? 0 : hm__err_oom();
}
