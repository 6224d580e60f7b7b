/* QA checks on a translated segment: every pin's English present as often as the source has
 * the term, in its sentence (repair.h: pin_missing, pin_doubled, pin_moved), numbers preserved
 * (Arabic-Indic digits count as their ASCII digits), no Arabic left in the English, quotes and
 * brackets balanced, and a length ratio within reason. Findings are added to the segment's qa
 * list. */
#ifndef TJ_QA_H
#define TJ_QA_H

#include "document.h"
#include "glossary.h"

#include <stdbool.h>

/* Checks one translated segment (target set). */
void tj_qa_check(struct tj_segment *s);

/* Checks every translated segment of the document. */
void tj_qa_document(struct tj_document *doc);

/* True when english occurs in text as a whole word (or words), with the case the glossary
 * gives it: "Putin" is found in "Putin's visit", not in "Putinism" nor in "putin". */
bool tj_qa_has_term(const char *text, const char *english);
/* True when text holds the term's canonical English or one of its aliases (tj_qa_has_term). */
bool tj_qa_has_pin(const char *text, const struct tj_term *t);

#endif
