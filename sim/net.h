/*
** The network and node runtime: nodes in named groups and regions send byte
** messages to each other over links with latency (latency.h), per-sender
** bandwidth, loss, scheduled partitions and crashes; every node has a CPU
** with a FIFO work queue so that processing time is simulated too.
**
** Life cycle:
**   sim_net_config_init + fill (or sim_net_config_load, net_config.h)
**   sim_net_new(engine, &cfg, seed)         copies the config
**   sim_net_add_node(...) for every node, sim_net_set_handlers(...)
**   sim_net_resolve(net, diag)              loads the region matrix, places
**                                           nodes in regions, resolves group
**                                           selectors, schedules crashes
**   sim_engine_run(...)                     sends, timers, charges
**   stats getters, sim_net_free
** No node may be added after sim_net_resolve; nothing may be sent before it.
**
** A message's life (all times virtual ns):
**   send_ns     sim_net_send is called.  If the sender is the node whose
**               input is being handled, the message waits in its outbox and
**               DEPARTS when that handling ends (start + charged CPU time);
**               any other send departs at once.
**   depart_ns   it enters the sender's uplink, a FIFO: transmission starts at
**               max(depart, uplink free) and lasts ceil(len * 8 * 1e9 / bps) ns
**               (bps 0 = unlimited: no serialisation delay).
**   arrival_ns  end of transmission + link delay (latency model, sampled on
**               the sender's latency stream).  With FIFO links (default on),
**               arrival is raised to the previous arrival on the same ordered
**               (sender, receiver) pair, so messages never overtake each other
**               on a link; ties keep send order.
**   handled     the receiver's CPU takes it at max(arrival, busy_until), in
**               FIFO order with its timers, and calls on_message.
** Drops:
**   loss        with probability `loss` per transmitted message, decided at
**               departure on the sender's loss stream;
**   partition   a partition window [from_ns, until_ns) separating sender and
**               receiver in that direction is active at depart_ns or at
**               arrival_ns (checked at both instants; a partition that opens
**               and closes strictly between them does not drop the message);
**   crash       the receiver is down at arrival, or crashes while the message
**               waits in its queue; or the sender crashes before the message
**               departed (still in its outbox).
** Every transmitted message occupies the uplink and draws one latency sample,
** lost or not, so changing the loss rate does not shift latency draws.
**
** Crashes: a crashed node drops every input, its queued inputs and pending
** timers are discarded (timers vanish: they never fire, even after a
** restart), its outbox is dropped, but messages that already departed still
** arrive.  sim_net_send from a down node fails with SIM_NET_EDOWN.  A node
** that crashes inside its own callback loses that input's charges; if the
** callback also restarts it, what it sends afterwards departs at once.
** on_crash / on_restart tell the host so models can reset state.
**
** CPU: while handling an input the host calls sim_net_charge(net, node,
** cost_ns); the node is busy until start + sum of charges, and the next
** input starts then.  Charging is only allowed for the node being handled.
**
** Memory: message bytes are copied into a pool owned by the net (slots in
** power-of-two size classes from 64 B to SIM_NET_MAX_MSG_BYTES, recycled
** through free lists); node queues and outboxes are intrusive lists through
** the pool.  After warm-up a steady load allocates nothing.
**
** Random streams: sim_rng_new(seed, SIM_NET_RNG_ENTITY, node id, purpose)
** with purposes SIM_NET_RNG_LATENCY and SIM_NET_RNG_LOSS.
*/
#ifndef SIM_NET_H
#define SIM_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "latency.h"
#include "regions.h"

typedef struct sim_diag sim_diag; /* ytree.h */

#define SIM_NET_NODE_NONE UINT32_MAX
#define SIM_NET_REGION_AUTO UINT32_MAX /* region from the placement config */
#define SIM_NET_NEVER UINT64_MAX       /* "no such time" (open window, no restart) */
#define SIM_NET_MAX_MSG_BYTES (64u * 1024u * 1024u)
#define SIM_NET_WEIGHT_MAX 1000000u

/* Random stream coordinates ("NETN" as a big-endian tag). */
#define SIM_NET_RNG_ENTITY 0x4e45544eu
#define SIM_NET_RNG_LATENCY 1u
#define SIM_NET_RNG_LOSS 2u

/* Return codes of sim_net_send. */
#define SIM_NET_OK 0
#define SIM_NET_EDOWN (-1)   /* the sender is crashed */
#define SIM_NET_ENOMEM (-2)  /* out of memory */
#define SIM_NET_ETOOBIG (-3) /* len > SIM_NET_MAX_MSG_BYTES */

/* ---- configuration ------------------------------------------------------
** Every pointer in a config is owned by it (malloc) except `regions` and
** `default_regions_path`, which are borrowed.  Marks say where a value was
** written (scenario file, 1-based line/col) so resolution errors can point at
** it; a NULL file means "no place". */
typedef struct sim_net_mark {
    char *file;
    uint32_t line;
    uint32_t col;
} sim_net_mark;

/* A node selector: "group" (every node of the group), "group[i]" (its i-th
** node, 0-based, in order of sim_net_add_node), or "region:NAME" (every node
** placed in that region). */
typedef struct sim_net_selector {
    char *text;
    sim_net_mark mark;
} sim_net_selector;

/* The union of several selectors. */
typedef struct sim_net_side {
    sim_net_selector *items;
    size_t count;
} sim_net_side;

typedef struct sim_net_partition_cfg {
    uint64_t from_ns;  /* active on [from_ns, until_ns) */
    uint64_t until_ns; /* SIM_NET_NEVER: until the end of the run */
    bool one_way;      /* true: only a -> b is cut; false: both directions */
    sim_net_side a;
    sim_net_side b;
    sim_net_mark mark;
} sim_net_partition_cfg;

typedef struct sim_net_crash_cfg {
    sim_net_side nodes;
    uint64_t at_ns;
    uint64_t restart_ns; /* SIM_NET_NEVER: stays down; else > at_ns */
    sim_net_mark mark;
} sim_net_crash_cfg;

/* Where the nodes of one group live.  count == 0: every region of the
** matrix, round robin.  Otherwise the listed regions, round robin when
** weights is NULL, else by smooth weighted round robin (deterministic, the
** first k nodes follow the weights as closely as integers allow). */
typedef struct sim_net_placement_cfg {
    char *group;
    sim_net_mark mark;
    size_t count;
    sim_net_selector *regions; /* region names with their marks */
    uint64_t *weights;         /* NULL or count weights in [1, SIM_NET_WEIGHT_MAX] */
} sim_net_placement_cfg;

typedef struct sim_net_config {
    /* The region matrix: `regions` when set (borrowed), else loaded from
    ** `regions_path`, else from `default_regions_path`; with neither, a
    ** single region "default" with zero base delay (then model `matrix` is an
    ** error). */
    const sim_regions *regions;
    char *regions_path;
    const char *default_regions_path;
    sim_net_mark regions_mark;
    sim_latency latency; /* default: constant 0 */
    sim_net_mark latency_mark;
    uint64_t bandwidth_bps; /* each sender's uplink; 0 = unlimited (default) */
    double loss;            /* per message, in [0, 1]; default 0 */
    bool fifo;              /* no overtaking per ordered pair; default true */
    sim_net_placement_cfg *placements;
    size_t placement_count;
    sim_net_partition_cfg *partitions;
    size_t partition_count;
    sim_net_crash_cfg *crashes;
    size_t crash_count;
} sim_net_config;

/* Defaults as documented above; nothing allocated. */
void sim_net_config_init(sim_net_config *c);
/* Frees what the config owns and re-initialises it. */
void sim_net_config_free(sim_net_config *c);
/* Deep copy into *dst (which is overwritten, not freed).  false: OOM (dst
** is left initialised and empty). */
bool sim_net_config_copy(sim_net_config *dst, const sim_net_config *src);

/* Builders; each returns false when out of memory.  Strings are copied. */
bool sim_net_mark_set(sim_net_mark *m, const char *file, uint32_t line, uint32_t col);
bool sim_net_side_add(sim_net_side *s, const char *text, const sim_net_mark *mark);
bool sim_net_config_set_regions_path(sim_net_config *c, const char *path);
/* Appends a zeroed entry and returns it (NULL: OOM).  The pointer is valid
** until the next append to the same array. */
sim_net_partition_cfg *sim_net_config_new_partition(sim_net_config *c);
sim_net_crash_cfg *sim_net_config_new_crash(sim_net_config *c);
sim_net_placement_cfg *sim_net_config_new_placement(sim_net_config *c, const char *group);
/* Shorthands with one selector per side and no marks. */
bool sim_net_config_add_partition(sim_net_config *c, uint64_t from_ns, uint64_t until_ns, bool one_way,
                                  const char *a, const char *b);
bool sim_net_config_add_crash(sim_net_config *c, const char *nodes, uint64_t at_ns, uint64_t restart_ns);
/* weights may be NULL. */
bool sim_net_config_add_placement(sim_net_config *c, const char *group, size_t count,
                                  const char *const *regions, const uint64_t *weights);

/* ---- the network -------------------------------------------------------- */
typedef struct sim_net sim_net;

/* What a node does with its inputs.  Any callback may be NULL (the input is
** then consumed silently).  `ctx` is the one given to sim_net_set_handlers.
** on_message's bytes are valid only during the call. */
typedef struct sim_net_handlers {
    void (*on_message)(void *ctx, uint32_t node, uint32_t from, const uint8_t *bytes, size_t len);
    void (*on_timer)(void *ctx, uint32_t node, uint64_t tag);
    void (*on_crash)(void *ctx, uint32_t node);
    void (*on_restart)(void *ctx, uint32_t node);
} sim_net_handlers;

typedef enum sim_net_fate {
    SIM_NET_DELIVERED = 0,
    SIM_NET_DROP_LOSS,
    SIM_NET_DROP_PARTITION,
    SIM_NET_DROP_CRASH,
} sim_net_fate;

/* One message's history, given to the observer when its fate is sealed:
** just before on_message for a delivery, at the drop otherwise.  Times not
** reached are SIM_NET_NEVER. */
typedef struct sim_net_msg_info {
    uint64_t id; /* 0, 1, 2, ... in order of sim_net_send */
    uint32_t from;
    uint32_t to;
    const uint8_t *bytes;
    size_t len;
    uint64_t send_ns;
    uint64_t depart_ns;
    uint64_t arrival_ns;
    uint64_t handled_ns;
    sim_net_fate fate;
} sim_net_msg_info;

/* The observer records; it must not call back into the net. */
typedef void (*sim_net_observer_fn)(void *ctx, const sim_net_msg_info *info);

/* Counters per (sender group, receiver group).  Latency = arrival - depart
** (uplink wait + serialisation + link delay) over delivered messages; min is
** UINT64_MAX while nothing was delivered.  At any time
** sent = delivered + dropped_loss + dropped_partition + dropped_crash + in flight. */
typedef struct sim_net_link_stats {
    uint64_t sent;
    uint64_t delivered;
    uint64_t dropped_loss;
    uint64_t dropped_partition;
    uint64_t dropped_crash;
    uint64_t bytes_sent;
    uint64_t bytes_delivered;
    uint64_t latency_min_ns;
    uint64_t latency_max_ns;
    uint64_t latency_sum_ns;
} sim_net_link_stats;

/* Per node.  Queueing delay = handling start - arrival (message) or fire
** time (timer). */
typedef struct sim_net_node_stats {
    uint64_t inputs_handled; /* messages + timers */
    uint64_t messages_handled;
    uint64_t timers_handled;
    uint64_t busy_ns;
    uint64_t max_queue_delay_ns;
    uint32_t peak_queue_depth;
    uint32_t crashes;
    uint32_t restarts;
} sim_net_node_stats;

/* A new network on engine `e` (borrowed, must outlive the net).  The config
** is deep-copied.  Registers the net's event kinds.  NULL: out of memory. */
sim_net *sim_net_new(sim_engine *e, const sim_net_config *cfg, uint64_t seed);
void sim_net_free(sim_net *net);

/* Adds a node to `group` (created on first use) in `region` (an index into
** the region matrix, checked at resolve, or SIM_NET_REGION_AUTO).  Returns
** its id (0, 1, 2, ...) or SIM_NET_NODE_NONE when out of memory.  The node
** starts up, with the config's bandwidth. */
uint32_t sim_net_add_node(sim_net *net, const char *group, uint32_t region);
void sim_net_set_handlers(sim_net *net, uint32_t node, const sim_net_handlers *h, void *ctx);
/* Overrides the node's uplink bandwidth (0 = unlimited). */
void sim_net_set_bandwidth(sim_net *net, uint32_t node, uint64_t bps);
void sim_net_set_observer(sim_net *net, sim_net_observer_fn fn, void *ctx);

/* Loads the region matrix, places nodes, resolves every selector, checks
** the latency model and schedules configured crashes and restarts.  Reports
** every problem to d at its config mark (unknown group or region, index out
** of range, crash in the past, malformed CSV at file:line:col) and returns
** false; the net must not be run then.  Call exactly once. */
bool sim_net_resolve(sim_net *net, sim_diag *d);

/* Sends len bytes (copied) from `from` to `to` (any nodes, also equal).
** Returns SIM_NET_OK when accepted (it may still be dropped later) or a
** negative SIM_NET_E* code (nothing counted). */
int sim_net_send(sim_net *net, uint32_t from, uint32_t to, const uint8_t *bytes, size_t len);

/* Charges CPU time to the node whose input is being handled (asserted). */
void sim_net_charge(sim_net *net, uint32_t node, uint64_t cost_ns);
/* During handling of `node`: start + charges so far; otherwise now. */
uint64_t sim_net_cpu_now_ns(const sim_net *net, uint32_t node);

/* A timer that goes through the node's CPU queue and calls on_timer(tag).
** time_ns >= now (asserted).  Returns a handle, or 0 when the node is down
** (the timer would vanish anyway) or out of memory. */
uint64_t sim_net_timer_at(sim_net *net, uint32_t node, uint64_t time_ns, uint64_t tag);
/* Returns true when the timer was live (its callback will now not run);
** false for 0, stale, fired, cancelled or vanished timers. */
bool sim_net_timer_cancel(sim_net *net, uint64_t timer);

/* Immediate crash / restart (scheduled ones come from the config).  No-ops
** when already down / up. */
void sim_net_crash(sim_net *net, uint32_t node);
void sim_net_restart(sim_net *net, uint32_t node);
bool sim_net_node_is_up(const sim_net *net, uint32_t node);

/* ---- queries ------------------------------------------------------------ */
uint32_t sim_net_node_count(const sim_net *net);
uint32_t sim_net_node_group(const sim_net *net, uint32_t node);
/* The node's region index (after resolve). */
uint32_t sim_net_node_region(const sim_net *net, uint32_t node);
uint32_t sim_net_group_count(const sim_net *net);
const char *sim_net_group_name(const sim_net *net, uint32_t group);
/* The group's index, or SIM_NET_NODE_NONE when unknown. */
uint32_t sim_net_group_find(const sim_net *net, const char *name);
uint32_t sim_net_group_size(const sim_net *net, uint32_t group);
/* The id of the i-th node of the group. */
uint32_t sim_net_group_node(const sim_net *net, uint32_t group, uint32_t i);
/* The region matrix in use (after resolve). */
const sim_regions *sim_net_regions(const sim_net *net);
/* The stats of messages from group gfrom to group gto (after resolve). */
const sim_net_link_stats *sim_net_stats_link(const sim_net *net, uint32_t gfrom, uint32_t gto);
/* The sum over all group pairs (min/max combined). */
void sim_net_stats_total(const sim_net *net, sim_net_link_stats *out);
const sim_net_node_stats *sim_net_stats_node(const sim_net *net, uint32_t node);
/* Message pool: slots ever created, and slots holding a message now. */
size_t sim_net_pool_slots(const sim_net *net);
size_t sim_net_pool_in_use(const sim_net *net);
/* SIM_NET_ENOMEM when an internal allocation or engine scheduling failed
** during the run (the message concerned was discarded), else SIM_NET_OK. */
int sim_net_error(const sim_net *net);

#endif
