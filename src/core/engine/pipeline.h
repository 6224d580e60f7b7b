/* The pipeline, shared by the command line and the server: validated text → blocks and segments
 * (cut from the text as written) → display form of each segment → pins → engine → writer.
 *
 * tj_pipeline_prepare does the front half for a whole text in memory (the server's bodies).
 * A struct tj_pipeline (opaque) runs the whole pipeline on text given line by line: blocks are
 * gathered into a window of about TJ_PIPELINE_WINDOW_SEGMENTS segments (or
 * TJ_PIPELINE_WINDOW_BYTES of source), the window goes to the engine in one call, its blocks
 * are written and freed, and the next window begins. Memory holds a window, whatever the length
 * of the text. A text within one window is translated and written exactly as a whole document
 * is by tj_client_translate_chain and the writer; with a local engine, windows end after whole
 * batches where they can (up to four times the size), so that any text is. */
#ifndef TJ_PIPELINE_H
#define TJ_PIPELINE_H

#include "client.h"
#include "consistency.h"
#include "document.h"
#include "glossary.h"
#include "segment.h"
#include "writer.h"

#include <stdbool.h>

/* Builds doc (initialized by the caller) from data[0..len) (validated UTF-8 text): segments
 * it with opt (may be NULL), normalizes each segment and pins the glossary's terms (g may be NULL).
 */
void tj_pipeline_prepare(const char *data, size_t len, const struct tj_glossary *g,
                         const struct tj_segment_options *opt, struct tj_document *doc);

/* A window goes to the engine once it holds this many segments, or this many bytes of source. */
#define TJ_PIPELINE_WINDOW_SEGMENTS 1024
#define TJ_PIPELINE_WINDOW_BYTES ((size_t)1 << 20)

struct tj_pipeline;
struct tj_pipeline_group;

/* Called once a pipeline handed to a group with tj_pipeline_close has had its last window
 * translated and written and its document's end written: rc and diag are what
 * tj_pipeline_finish would have returned. The callback may destroy the pipeline. */
typedef void (*tj_pipeline_done_fn)(void *ud, struct tj_pipeline *pl, enum tj_status rc,
                                    const struct tj_diag *diag);

/* What a streaming pipeline works with; everything is borrowed and must outlive it. */
struct tj_pipeline_config {
    const struct tj_glossary *glossary;     /* may be NULL: no pins */
    const struct tj_segment_options *seg;   /* may be NULL: the defaults */
    struct tj_provider *const *chain;       /* the engine, then its fallbacks; NULL: none, */
    size_t nchain;                          /* the segments are written untranslated */
    const struct tj_client_options *client; /* may be NULL */
    struct tj_client_stats *stats;          /* added to; may be NULL */
    struct tj_writer *writer;               /* may be NULL: nothing is written */
    /* With a group (may be NULL), windows wait in it and go to the engine together with the
     * windows of the other pipelines of the group; chain and client are the group's. */
    struct tj_pipeline_group *group;
    tj_pipeline_done_fn done; /* for tj_pipeline_close */
    void *done_ud;
    /* Names checked across windows (consistency.h): a state the inputs of a run share, so that
     * they are checked across inputs too; NULL: the pipeline keeps one for its input alone. */
    struct tj_consistency *consistency;
    const char *name; /* the input's name in the findings of later inputs; may be NULL */
    /* Called with each window once it is translated and checked (QA, names), before it is
     * written and freed, so that a reader (the server's stream) can pass its segments on at
     * once, or a batch run count their findings; may be NULL. */
    void (*on_window)(void *ud, const struct tj_document *window);
    void *on_window_ud;
    /* The first window's size in segments (0: TJ_PIPELINE_WINDOW_SEGMENTS); each later window
     * may hold twice as many as the one before, up to TJ_PIPELINE_WINDOW_SEGMENTS: the first
     * segments come back after one short round of requests, later ones in larger batches. */
    size_t window_segments;
};

struct tj_pipeline;

/* Returns a new pipeline owned by the caller, reading cfg now. */
struct tj_pipeline *tj_pipeline_create(const struct tj_pipeline_config *cfg);

/* Takes the next input line: line[0..len) (validated UTF-8, without its '\n'; a final '\r'
 * is dropped) that starts at byte `offset` of the input. When the window is full it is
 * translated and written (the writer's buffer grows by its blocks). */
void tj_pipeline_line(struct tj_pipeline *pl, const char *line, size_t len, size_t offset);

/* Takes a whole text in memory (validated UTF-8, without a byte order mark) line by line, as
 * tj_pipeline_line. The command line reads its files with the line reader; the server gives
 * its request bodies here: both go through the same pipeline. */
void tj_pipeline_text(struct tj_pipeline *pl, const char *text, size_t len);

/* What pl has taken so far: its segments (into *segments) and the bytes of its input up to the
 * end of the last line (into *bytes); either may be NULL. */
void tj_pipeline_taken(const struct tj_pipeline *pl, size_t *segments, size_t *bytes);

/* Translates and writes what is left, then the document's end (with the stats, when there is
 * an engine). Returns what tj_client_translate_chain returns for a whole document: TJ_OK when
 * every segment was translated (diag may still name an engine error that a fallback made up
 * for), TJ_ERR_PARTIAL ("N of M segments failed"), or the first engine error. */
enum tj_status tj_pipeline_finish(struct tj_pipeline *pl, struct tj_diag *diag);

/* Frees the pipeline (after tj_pipeline_finish, or to abandon it). Accepts NULL. */
void tj_pipeline_destroy(struct tj_pipeline *pl);

/* A group of pipelines that share the engine, so that the requests of many small inputs (a
 * batch of articles) are in flight together rather than one input after the other. The group
 * holds the windows of its pipelines until they add up to a window's worth of segments or
 * bytes (or 256 inputs wait), then translates them in one client call
 * (tj_client_translate_docs) and writes each pipeline's blocks in the order they came. Memory
 * holds one window's worth, as for a single pipeline. */
struct tj_pipeline_group *tj_pipeline_group_create(struct tj_provider *const *chain, size_t nchain,
                                                   const struct tj_client_options *client);
/* Translates and writes what waits, calling the done callbacks of the closed pipelines. */
void tj_pipeline_group_flush(struct tj_pipeline_group *g);
/* Flushes, then frees the group. Accepts NULL. */
void tj_pipeline_group_destroy(struct tj_pipeline_group *g);

/* Hands the rest of a grouped pipeline's input to its group: its end is written, and its done
 * callback called, when the group next flushes (perhaps now). */
void tj_pipeline_close(struct tj_pipeline *pl);

#endif
