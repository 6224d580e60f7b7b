/* The translation jobs of the server: at most `max` at once, each on a worker thread of its
 * own, so that the HTTP threads never wait for an engine.
 *
 * A caller first reserves a slot (which fails when all are taken: the server answers 503),
 * then starts its job on it. Workers are created when first needed and kept, at most max of
 * them. A job's slot is given back after its run and before its done callback, so that a
 * client who is answered from done can send the next request at once. */
#ifndef TJ_JOBS_H
#define TJ_JOBS_H

#include <stdbool.h>

struct tj_job {
    /* The work, on a worker thread. */
    void (*run)(struct tj_job *job);
    /* Called after run, on the same thread, once the slot is free again. The job's memory
     * may be released by others as soon as done has handed it over: the pool no longer
     * touches it after calling done. */
    void (*done)(struct tj_job *job);
    struct tj_job *next; /* the pool's queue */
};

struct tj_jobs;

/* A pool of at most max (>= 1) jobs at once. Owned by the caller. */
struct tj_jobs *tj_jobs_create(unsigned max);
/* Refuses new reservations, waits for every job already reserved to be started and to finish
 * (run and done), then frees the pool. Accepts NULL. */
void tj_jobs_destroy(struct tj_jobs *jobs);

/* Takes a slot for one job; false when all max are taken or the pool is being destroyed. */
bool tj_jobs_reserve(struct tj_jobs *jobs);
/* Gives back a reserved slot that will not be used. */
void tj_jobs_unreserve(struct tj_jobs *jobs);
/* Runs job (borrowed until its done callback) on the slot reserved for it. */
void tj_jobs_start(struct tj_jobs *jobs, struct tj_job *job);

/* Slots taken now (reserved, queued or running), and the maximum. */
unsigned tj_jobs_busy(struct tj_jobs *jobs);
unsigned tj_jobs_max(const struct tj_jobs *jobs);

#endif
