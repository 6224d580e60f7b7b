/* The translation job pool: slots counted under one lock, workers started on demand. */
#include "jobs.h"

#include "tj.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tj_jobs {
    pthread_mutex_t lock;
    pthread_cond_t work;    /* a job was queued, or the workers are to exit */
    pthread_cond_t drained; /* a slot was given back */
    unsigned max;
    unsigned busy;   /* slots taken: reserved, queued or running */
    unsigned queued; /* started jobs no worker has taken yet */
    unsigned idle;   /* workers waiting for a job */
    bool stopping;   /* no more reservations */
    bool exiting;    /* every slot is back: workers exit */
    struct tj_job *head, *tail;
    pthread_t *threads;
    unsigned nthreads;
};

static void *worker(void *arg)
{
    struct tj_jobs *jobs = arg;
    pthread_mutex_lock(&jobs->lock);
    for (;;) {
        while (!jobs->head && !jobs->exiting) {
            jobs->idle++;
            pthread_cond_wait(&jobs->work, &jobs->lock);
            jobs->idle--;
        }
        struct tj_job *job = jobs->head;
        if (!job)
            break;
        jobs->head = job->next;
        if (!jobs->head)
            jobs->tail = NULL;
        jobs->queued--;
        pthread_mutex_unlock(&jobs->lock);
        job->run(job);
        pthread_mutex_lock(&jobs->lock);
        jobs->busy--;
        pthread_cond_broadcast(&jobs->drained);
        pthread_mutex_unlock(&jobs->lock);
        job->done(job);
        pthread_mutex_lock(&jobs->lock);
    }
    pthread_mutex_unlock(&jobs->lock);
    return NULL;
}

struct tj_jobs *tj_jobs_create(unsigned max)
{
    struct tj_jobs *jobs = tj_xcalloc(1, sizeof *jobs);
    pthread_mutex_init(&jobs->lock, NULL);
    pthread_cond_init(&jobs->work, NULL);
    pthread_cond_init(&jobs->drained, NULL);
    jobs->max = max ? max : 1;
    jobs->threads = tj_xcalloc(jobs->max, sizeof *jobs->threads);
    return jobs;
}

void tj_jobs_destroy(struct tj_jobs *jobs)
{
    if (!jobs)
        return;
    pthread_mutex_lock(&jobs->lock);
    /* A slot reserved before this point is still started and run. */
    jobs->stopping = true;
    while (jobs->busy)
        pthread_cond_wait(&jobs->drained, &jobs->lock);
    jobs->exiting = true;
    pthread_cond_broadcast(&jobs->work);
    unsigned n = jobs->nthreads;
    pthread_mutex_unlock(&jobs->lock);
    for (unsigned i = 0; i < n; i++)
        pthread_join(jobs->threads[i], NULL);
    pthread_cond_destroy(&jobs->drained);
    pthread_cond_destroy(&jobs->work);
    pthread_mutex_destroy(&jobs->lock);
    free(jobs->threads);
    free(jobs);
}

bool tj_jobs_reserve(struct tj_jobs *jobs)
{
    pthread_mutex_lock(&jobs->lock);
    bool ok = !jobs->stopping && jobs->busy < jobs->max;
    if (ok)
        jobs->busy++;
    pthread_mutex_unlock(&jobs->lock);
    return ok;
}

void tj_jobs_unreserve(struct tj_jobs *jobs)
{
    pthread_mutex_lock(&jobs->lock);
    jobs->busy--;
    pthread_cond_broadcast(&jobs->drained);
    pthread_mutex_unlock(&jobs->lock);
}

void tj_jobs_start(struct tj_jobs *jobs, struct tj_job *job)
{
    job->next = NULL;
    pthread_mutex_lock(&jobs->lock);
    if (jobs->tail)
        jobs->tail->next = job;
    else
        jobs->head = job;
    jobs->tail = job;
    jobs->queued++;
    /* A worker per job in the queue that no idle worker will take; busy <= max bounds them. */
    if (jobs->queued > jobs->idle && jobs->nthreads < jobs->max) {
        int e = pthread_create(&jobs->threads[jobs->nthreads], NULL, worker, jobs);
        if (e == 0)
            jobs->nthreads++;
        else if (jobs->nthreads == 0) {
            /* Nothing would ever run the job. */
            fprintf(stderr, "tarjim: cannot start a worker thread: %s\n", strerror(e));
            abort();
        }
    }
    pthread_cond_signal(&jobs->work);
    pthread_mutex_unlock(&jobs->lock);
}

unsigned tj_jobs_busy(struct tj_jobs *jobs)
{
    pthread_mutex_lock(&jobs->lock);
    unsigned n = jobs->busy;
    pthread_mutex_unlock(&jobs->lock);
    return n;
}

unsigned tj_jobs_max(const struct tj_jobs *jobs)
{
    return jobs->max;
}
