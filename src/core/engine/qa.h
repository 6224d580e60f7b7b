/* QA checks on a translated segment: every pin present, numbers preserved (Arabic-Indic
 * digits count as their ASCII digits), no Arabic left in the English, quotes and brackets
 * balanced, and a length ratio within reason. Findings are added to the segment's qa list. */
#ifndef TJ_QA_H
#define TJ_QA_H

#include "document.h"

/* Checks one translated segment (target set). */
void tj_qa_check(struct tj_segment *s);

/* Checks every translated segment of the document. */
void tj_qa_document(struct tj_document *doc);

#endif
