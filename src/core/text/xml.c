/* Names in expat's callbacks, without their namespace prefix. */
#include "xml.h"

#include <string.h>

const char *tj_xml_local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

const char *tj_xml_attr(const char **atts, const char *key)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(tj_xml_local(atts[i]), key) == 0)
            return atts[i + 1];
    return NULL;
}
