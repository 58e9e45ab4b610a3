/*
** The life of every cross-chain message, stage by stage: emitted (xcall),
** included in a source block, its XBlock at the requested level, first
** verifier vote, attestation approved, submitted by a relayer, included and
** executed at the destination -- with its fee and its share of gas.  The
** world feeds the stages in as they happen; at the end the rows go to the
** `messages` table and the summary reads finality percentiles from them.
**
** Lookups: by message id (dense, from the workload), by stream position
** (source, destination, shard, offset) through an open-addressing table of
** streams, and by attestation (source, level, attest offset) through a
** per-(chain, level) list of XBlocks.
*/
#ifndef MDL_MESSAGES_H
#define MDL_MESSAGES_H

#include <stdbool.h>
#include <stdint.h>

#include "recorder.h"
#include "chain/rollup.h"
#include "chain/workload.h"

#define MDL_NEVER UINT64_MAX

typedef struct mdl_msg_life {
    uint64_t id;
    uint64_t source_chain, dest_chain;
    uint8_t conf_level;
    uint64_t shard, offset;
    uint32_t size_bytes;
    uint64_t gas_limit, fee_wei, value_gwei;
    uint64_t emitted_ns;
    uint64_t source_height, source_block_ns, attest_offset, source_level_ns;
    uint64_t first_vote_ns, approved_ns, submitted_ns, included_ns, executed_ns;
    uint64_t gas_used;     /* its share of the submission's gas */
    uint64_t dest_fee_wei; /* that share x the destination's gas price */
    uint64_t dest_l1_fee_wei; /* its share of the submission's L1 data fee */
    uint32_t relayer;
    bool live; /* a message exists (the xcall succeeded) */
} mdl_msg_life;

typedef struct mdl_messages mdl_messages;

mdl_messages *mdl_messages_new(void);
void mdl_messages_free(mdl_messages *m);

/* Each returns false only when out of memory. */
bool mdl_messages_on_emit(mdl_messages *m, const mdl_msg *msg);
bool mdl_messages_on_xblock(mdl_messages *m, const mdl_xblock *xb);
/* An attestation's first vote / approval: stamps its messages (first time). */
void mdl_messages_on_vote(mdl_messages *m, uint64_t chain, uint8_t conf_level, uint64_t attest_offset,
                          uint64_t now_ns);
void mdl_messages_on_approved(mdl_messages *m, uint64_t chain, uint8_t conf_level,
                              uint64_t attest_offset, uint64_t now_ns);
void mdl_messages_on_sent(mdl_messages *m, uint32_t relayer, uint64_t source_chain,
                          uint64_t dest_chain, const xr_xmsg *msgs, size_t n, uint64_t now_ns);
void mdl_messages_on_submit(mdl_messages *m, const mdl_submit_result *res, uint64_t dest_chain);
/* A forged message executed at stream position (source, dest, shard,
** offset): the stream moves on (the real message there never executes),
** checked for order like any execution. */
void mdl_messages_on_forged(mdl_messages *m, uint64_t source, uint64_t dest, uint64_t shard, uint64_t offset);

/* Executions of a stream offset seen twice or out of order (must stay 0). */
uint64_t mdl_messages_violations(const mdl_messages *m);

size_t mdl_messages_count(const mdl_messages *m);
const mdl_msg_life *mdl_messages_at(const mdl_messages *m, size_t i);

/* Writes every message into the run (table messages).  0 or SIM_REC_ERR_*. */
int mdl_messages_record(const mdl_messages *m, sim_rec *rec);

/* Finality (emitted -> executed) of executed messages at one level, after
** `from_ns` (emitted), as nearest-rank percentiles. */
typedef struct mdl_finality {
    uint64_t emitted, executed;
    uint64_t p50_ns, p90_ns, p99_ns, max_ns;
    uint64_t gas_used_sum, fee_wei_sum; /* fee: destination execution */
    uint64_t l1_fee_wei_sum;            /* L1 data fee on rollup destinations */
} mdl_finality;
void mdl_messages_finality(const mdl_messages *m, uint8_t conf_level, uint64_t from_ns, mdl_finality *out);
/* Sorts lat[0..n) (emitted-to-executed times) and sets out's percentiles. */
void mdl_finality_percentiles(mdl_finality *out, uint64_t *lat, size_t n);

#endif
