/* The pin finder: which spans of a segment are glossary terms.
 *
 * Matching is longest-leftmost over words of the matching form, so multi-word terms win over
 * their parts. A word may carry Arabic prefix clitics (و ف ب ك ل, ال, and combinations such
 * as وال بال لل): they are tried off, and stay outside the pin so the engine still translates
 * them. Pins never overlap and come out in source order. */
#ifndef TJ_PIN_H
#define TJ_PIN_H

#include "document.h"
#include "glossary.h"

/* Finds the pins of text[0..len) (display form, valid UTF-8). Returns their count and a new
 * array owned by the caller in *out (NULL when there are none). */
size_t tj_pin_find(const struct tj_glossary *g, const char *text, size_t len, struct tj_pin **out);

/* Fills the pins of every segment of the document. */
void tj_pin_document(const struct tj_glossary *g, struct tj_document *doc);

#endif
