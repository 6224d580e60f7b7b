/* The JSON run report of translate --report FILE: per input its output, segments, failures,
 * memory hits and QA findings counted by code; the run's totals, what each remote engine was
 * sent, the seconds it took, whether it was interrupted and its exit status. The file is written
 * whole under a temporary name and renamed into place. */
#ifndef TJ_REPORT_H
#define TJ_REPORT_H

#include "document.h"
#include "progress.h"

#include <stdbool.h>

struct tj_report;
struct tj_report_file;

/* Returns an empty report owned by the caller. */
struct tj_report *tj_report_create(void);
/* Accepts NULL. */
void tj_report_destroy(struct tj_report *r);

/* Adds an input (its name as given, "-" for standard input) written to output (NULL: standard
 * output); the entry returned lives as long as r. */
struct tj_report_file *tj_report_add(struct tj_report *r, const char *input, const char *output);
/* Counts the QA findings of a translated window of the input (a pipeline's on_window
 * callback; ud is the struct tj_report_file). */
void tj_report_window(void *ud, const struct tj_document *window);
/* The input's end: its counts (NULL when it could not be read at all), its exit status and the
 * message that came with it (may be NULL). */
void tj_report_file_end(struct tj_report_file *f, const struct tj_client_stats *st, int exit,
                        const char *message);

/* Writes the report to path, with the totals of its files, the engines and seconds of p, and the
 * run's end. Returns 0 or, after a message, TJ_EXIT_CANTCREAT or TJ_EXIT_IOERR. */
int tj_report_write(const struct tj_report *r, const char *path, const struct tj_progress *p,
                    bool interrupted, int exit);

#endif
