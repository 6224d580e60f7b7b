/* Names in expat's callbacks, read without their namespace prefix: the SRX and TBX loaders
 * take "srx:rule" and "rule", "xml:lang" and "lang", alike. */
#ifndef TJ_XML_H
#define TJ_XML_H

/* The part of an element or attribute name after its last ':' (all of it when there is none). */
const char *tj_xml_local(const char *name);

/* The value of the attribute named key (compared without its prefix) among expat's atts (name,
 * value, ..., NULL), or NULL when there is none. */
const char *tj_xml_attr(const char **atts, const char *key);

#endif
