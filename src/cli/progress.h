/* A translate run's counts as it goes: files done, segments done (with those served from the
 * memory and those failed), and the requests and characters sent to each remote engine, added
 * up from the client's progress reports (client.h). On a terminal they are drawn as one line on
 * stderr, redrawn in place at most TJ_PROGRESS_HZ times a second; at the end they make the
 * closing summary line. The segment total is known once every input has been read; before, it
 * is estimated from the bytes read so far (shown with a ~). */
#ifndef TJ_PROGRESS_H
#define TJ_PROGRESS_H

#include "client.h"

#include <stdbool.h>
#include <stdio.h>

#define TJ_PROGRESS_HZ 10

struct tj_pipeline;
struct tj_progress;

/* What one remote engine was sent over the run. */
struct tj_progress_engine {
    const char *name; /* static, the provider's */
    size_t requests;
    size_t chars;
};

/* Returns new counts owned by the caller for a run of nfiles inputs of input_bytes in all (0:
 * unknown, e.g. standard input), drawing the live line on f when f is not NULL. */
struct tj_progress *tj_progress_create(size_t nfiles, size_t input_bytes, FILE *f);
/* Accepts NULL. */
void tj_progress_destroy(struct tj_progress *p);

/* The client's progress callback (tj_client_progress_fn); ud is the struct tj_progress. */
void tj_progress_client(void *ud, const struct tj_client_progress *pr);

/* The input being read now is pl's (borrowed until tj_progress_read): its segments count for
 * the total as they are taken. */
void tj_progress_reading(struct tj_progress *p, const struct tj_pipeline *pl);
/* The input being read has been read whole (or given up; also for an input that could not be
 * opened, without tj_progress_reading). */
void tj_progress_read(struct tj_progress *p);
/* One more input has been written (or failed). */
void tj_progress_file_done(struct tj_progress *p);

/* Erases the live line, if it is shown, so that a message may follow; the next report draws it
 * again. */
void tj_progress_clear(struct tj_progress *p);

/* Seconds since the run began. */
double tj_progress_seconds(const struct tj_progress *p);
/* The remote engines that were sent requests, in the order they were first used; their count
 * is returned, the array (borrowed from p) goes to *out. */
size_t tj_progress_engines(const struct tj_progress *p, const struct tj_progress_engine **out);

/* The summary of a run, from its per-input counts. */
struct tj_progress_totals {
    size_t files;
    size_t segments;
    size_t tm_hits;
    size_t failed;
    bool interrupted;
};

/* Writes the closing summary line to f ("tarjim: 16 segments in 2 files, 3 requests
 * (libretranslate: 2 requests, 1,234 chars), 5 from memory, 0 failed, 1.4 s"), after erasing
 * the live line. */
void tj_progress_summary(struct tj_progress *p, const struct tj_progress_totals *t, FILE *f);

#endif
