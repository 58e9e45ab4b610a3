/*
** The discrete-event engine: virtual time in integer nanoseconds, one event
** queue ordered by (time, insertion sequence), cancellable timers, a handler
** table, and a running digest of every processed event.  It knows nothing
** about rollups or networks; models register handlers and schedule events.
**
** Determinism: ties at equal times are broken by the global insertion
** sequence, so the order of processing is a pure function of the order of
** scheduling calls.  The digest folds (time, kind, node, arg) of every
** dispatched event (cancelled timers are not dispatched and not folded).
**
** Memory: the queue (a radix heap of 32-byte events, see engine.c) grows
** geometrically up to its high-water mark and is never shrunk; in steady
** state scheduling allocates nothing.  Running out of memory while
** scheduling returns 0; while reorganising the queue it aborts.
**
** Limits: at most SIM_ENGINE_TIMERS_MAX timers pending at once (cancelled
** ones count until they are dropped); past it sim_timer_at returns 0.
*/
#ifndef SIM_ENGINE_H
#define SIM_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One event as handlers see it. */
typedef struct sim_event {
    uint64_t time_ns; /* when it fires */
    uint64_t seq;     /* global insertion sequence (tie-breaker) */
    uint64_t arg;     /* handler-defined payload */
    uint32_t kind;    /* handler id returned by sim_engine_register */
    uint32_t node;    /* entity the event is addressed to */
} sim_event;

typedef struct sim_engine sim_engine;

/* Handler for one kind of event.  May schedule further events (never in
** the past) and cancel timers. */
typedef void (*sim_handler_fn)(void *ctx, sim_engine *e, const sim_event *ev);

/* Called every `every_events` dispatched events, and once at the end. */
typedef void (*sim_progress_fn)(void *ctx, const sim_engine *e);

#define SIM_KIND_MAX 64u
#define SIM_ENGINE_TIMERS_MAX ((UINT32_C(1) << 24) - 2u)

/* A timer handle; 0 is never a valid handle ("no timer"). */
typedef uint64_t sim_timer;

typedef enum sim_run_result {
    SIM_RUN_UNTIL = 0,   /* reached the end time */
    SIM_RUN_EMPTY = 1,   /* ran out of events before the end time */
    SIM_RUN_STOPPED = 2, /* sim_engine_stop or the stop flag */
} sim_run_result;

/* Returns a new engine at time 0, or NULL when out of memory.
** capacity_hint: expected peak number of pending events (advisory; the
** queue grows on demand). */
sim_engine *sim_engine_new(size_t capacity_hint);
void sim_engine_free(sim_engine *e);

/* Registers a handler; returns its kind id (< SIM_KIND_MAX).  Names are
** for diagnostics only.  Asserts when the table is full. */
uint32_t sim_engine_register(sim_engine *e, const char *name, sim_handler_fn fn, void *ctx);
const char *sim_engine_kind_name(const sim_engine *e, uint32_t kind);

uint64_t sim_now_ns(const sim_engine *e);

/* Schedules an event at absolute time `time_ns` (>= now; asserted) for a
** registered kind (asserted).  Returns its sequence number (the first is 1).
** Returns 0 only when out of memory. */
uint64_t sim_schedule_at(sim_engine *e, uint64_t time_ns, uint32_t kind, uint32_t node, uint64_t arg);
/* Same, `delay_ns` after now (saturating). */
uint64_t sim_schedule_in(sim_engine *e, uint64_t delay_ns, uint32_t kind, uint32_t node, uint64_t arg);

/* A cancellable event.  Returns a handle, or 0 when out of memory or
** SIM_ENGINE_TIMERS_MAX timers are pending.  A handle is not reused by the
** same engine within 2^39 schedules. */
sim_timer sim_timer_at(sim_engine *e, uint64_t time_ns, uint32_t kind, uint32_t node, uint64_t arg);
/* Same, `delay_ns` after now (saturating). */
sim_timer sim_timer_in(sim_engine *e, uint64_t delay_ns, uint32_t kind, uint32_t node, uint64_t arg);
/* Cancels a pending timer; returns true if it was pending (false if it
** already fired -- including while its own handler runs --, was cancelled,
** or is 0).  Safe on stale handles.  A cancelled timer is neither
** dispatched nor folded into the digest nor counted in events. */
bool sim_timer_cancel(sim_engine *e, sim_timer t);

/* Runs until the next event would be later than `until_ns`, the queue is
** empty, sim_engine_stop is called, or *stop_flag becomes non-zero (checked
** between events; may be NULL).  Time is left at min(until_ns, last event)
** -- after SIM_RUN_UNTIL it is exactly until_ns.  Events at exactly until_ns
** are dispatched.  Requires until_ns >= now and no run already in progress
** (asserted).  A sim_engine_stop request is consumed by the run it ends, so
** calling run again continues where it stopped. */
sim_run_result sim_engine_run(sim_engine *e, uint64_t until_ns, volatile sig_atomic_t *stop_flag);
void sim_engine_stop(sim_engine *e);
/* A model's sticky failure, the one error convention of models/: records
** `why` in *error unless a failure is there already (the first one is the
** cause) and stops e's run.  The model reports *error when asked. */
void sim_engine_fail(sim_engine *e, const char **error, const char *why);

void sim_engine_set_progress(sim_engine *e, sim_progress_fn fn, void *ctx, uint64_t every_events);

uint64_t sim_engine_events(const sim_engine *e);   /* dispatched so far */
size_t sim_engine_pending(const sim_engine *e);    /* in the queue, incl. cancelled timers */
size_t sim_engine_peak_pending(const sim_engine *e);

/* The running 128-bit digest of dispatched events (and their count), as 32
** lower-case hex characters plus NUL.  Cheap to fold per event; not a
** cryptographic hash. */
void sim_engine_digest_hex(const sim_engine *e, char out[33]);

#endif
