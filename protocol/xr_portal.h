/*
** The portal contract of one chain: its state and rules, as Omni's
** OmniPortal defines them, in sans-IO C.
**
** Destination side -- xr_portal_submit verifies a relayer's submission in
** this order, and any failure rejects the whole submission, changes NO
** state and returns the precise error with the index of the offending
** signature or message:
**   0. the transaction itself: gas supplied covers the intrinsic gas and the
**      EIP-7623 calldata floor; sizes within xr_limits.h.
**   1. the header's consensus chain id is ours; at least one message; the
**      validator set is known and within the last `valset_cutoff` sets.
**   2. quorum (Omni's Quorum.verify): walking the signatures in order, each
**      must be strictly above the previous by address (equal: duplicate)
**      and recover to its claimed address; its power in the set is summed
**      -- a signer outside the set adds 0, as `validators[addr]` of an
**      absent key is 0 on chain (Quorum.sol) -- and the walk stops as soon
**      as voted * den > total * num: signatures after that point are not
**      looked at (as on chain).
**   3. the multi-proof of the messages against the attestation root.
**   4. each message in order: destination is this chain (or the broadcast
**      id 0); offset == last + 1 of its (source chain, shard) stream,
**      counting the earlier messages of this submission; the header's level
**      is Finalized or equals the shard's level; a system call is well
**      formed (below); the gas left lets the call forward the message's
**      whole gas limit (EIP-150: 63/64 of what is left after the CALL's own
**      cost) and, at the end, the total fits the gas supplied.
** Only then is anything written: stream offsets advance, validator sets
** from system calls are added, receipts are reported.
**
** Execution of a message is modelled, not performed: the host's exec
** callback says how much gas the call used and whether it succeeded (a
** pure function of the message: it may be called during verification of a
** submission that is then rejected, so it must not change the world -- the
** host applies effects from the receipts after a successful submit).
** Without a callback a message uses its whole gas limit and succeeds (the
** worst case for the relayer's cost).  A result above the gas limit means
** the call ran out of gas: receipt gas = limit, success = false.
**
** System calls (Omni's syscalls) are messages whose `to` is the virtual
** portal address 0.  Only the consensus chain (source = consensus chain id,
** sender 0) may make them -- anything else rejects the submission with
** XR_ERR_SYSCALL, as the on-chain revert does.  The one system call
** modelled is addValidatorSet(uint64 valSetId, (address,uint64)[]
** validators), carried on the broadcast shard (Finalized | 0x100, dest 0);
** its data is the ABI call (see xr_portal_valset_call_encode).
**
** Source side -- xr_portal_xcall checks, in OmniPortal.xcall's order,
** destination supported, `to` not the virtual portal address 0 (system
** calls come only from the consensus chain), gas limit in [min, max], data
** size <= max (20,000 bytes by default: Omni's xmsgMaxDataSize), shard
** supported (Latest or Finalized), fee paid >= feeFor(dest, data,
** gasLimit), then assigns the next offset of the (dest, shard) stream.  The
** portal keeps all of msg.value: no refund of an overpayment
** (OmniPortal.xcall as deployed; refund_wei is always 0).  feeFor follows
** Omni's FeeOracleV2 (contracts/core/src/xchain/FeeOracleV2.sol) in
** integer wei:
**     execGP = exec_gas_price * exec_to_native_rate / 1e6
**     dataGP = data_gas_price * data_to_native_rate / 1e6
**     fee    = protocol_fee + (base_gas_limit + gasLimit) * execGP
**              + (base_bytes + len(data)) * gas_per_byte * dataGP
** (base gas limit 100,000 and base bytes 100 by default; 16 gas per data
** byte: the oracle assumes non-zero bytes.)
**
** Gas is OmniPortal.xsubmit's as an EVM charges it behind the portal's
** ERC-1967 proxy, term by term (xr_gas.h names each and its source): the
** proxy, pause checks, reentrancy guard, configuration reads, per checked
** signature, the proof, per message the stream offsets, the _xmsg slot
** set and cleared (its refund capped by EIP-3529 at 1/5 of the gas),
** the call, the receipt, memory (quadratic) and calldata with the EIP-7623
** floor.  tests/unit/test_portal_gas.c checks it within 3% of the real
** portal over tests/vectors/portal_gas.csv.
**
** Where this differs from OmniPortal, on purpose:
**   - validator sets must arrive with increasing ids (Omni accepts an older
**     id without making it the latest), and only the last `valset_cutoff`
**     are kept, so an id below the window reports STALE even if it never
**     existed (Omni: unknown);
**   - the relayer's gas is checked before each call (EIP-150: the call must
**     be able to forward its whole gas limit) instead of Omni's check after
**     it (gas left <= gasLimit / 63 reverts); the two agree except at the
**     boundary;
**   - `to == the portal itself` (a failed receipt on chain) is not
**     modelled: the portal has no address here.
**
** Memory: all state lives in one caller-provided block sized by
** xr_portal_mem_size (stream tables and validator sets have fixed capacity
** from the config; nothing is allocated).  The block's first
** xr_portal_state_bytes are state; the rest is scratch for verification.
** The signature backend is injected at init.
*/
#ifndef XR_PORTAL_H
#define XR_PORTAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xr_err.h"
#include "xr_gas.h"
#include "xr_sig.h"
#include "xr_types.h"
#include "xr_valset.h"

#define XR_PORTAL_RATE_DENOM 1000000u /* FeeOracleV2.CONVERSION_RATE_DENOM */

/* Fee parameters of one supported destination (FeeOracleV2's FeeParams of
** the destination and DataCostParams of where it posts its data, with the
** to-native rates of their gas tokens). */
typedef struct xr_portal_dest {
    uint64_t chain_id;
    uint64_t exec_gas_price_wei;    /* destination gas price, its native wei */
    uint64_t exec_to_native_rate;   /* its native -> ours, over XR_PORTAL_RATE_DENOM */
    uint64_t data_gas_price_wei;    /* gas price where it posts data (L1) */
    uint64_t data_to_native_rate;
} xr_portal_dest;

typedef struct xr_portal_config {
    uint64_t chain_id;              /* this chain */
    uint64_t consensus_chain_id;    /* omniCChainId */
    xr_quorum quorum;               /* XSubQuorumNumerator / Denominator */
    uint32_t valset_cutoff;         /* xsubValsetCutoff, >= 1 */
    uint32_t valset_member_cap;     /* largest validator set, <= XR_MAX_SIGS */
    uint32_t in_stream_cap;         /* (source chain, shard) streams */
    uint32_t out_stream_cap;        /* (dest chain, shard) streams */
    uint32_t dest_cap;              /* supported destinations */
    uint64_t xmsg_min_gas_limit;
    uint64_t xmsg_max_gas_limit;
    uint32_t xmsg_max_data_bytes;   /* <= XR_MAX_DATA_BYTES */
    uint32_t xreceipt_max_error_bytes; /* <= XR_MAX_RECEIPT_ERROR_BYTES */
    uint64_t fee_base_gas_limit;    /* FeeOracleV2 FeeParams.baseGasLimit */
    uint32_t fee_base_bytes;        /* FeeOracleV2 DataCostParams.baseBytes */
    uint64_t fee_data_gas_per_byte; /* FeeOracleV2 DataCostParams.gasPerByte, > 0 */
    uint64_t fee_protocol_wei;      /* FeeOracleV2.protocolFee */
    uint64_t cchain_msg_offset;     /* initial last offset of the consensus
                                    ** chain's broadcast stream (cChainXMsgOffset) */
} xr_portal_config;

/* One stream's counters.  In-streams: key (source chain, shard), msg_offset
** = last executed offset, block_offset = highest XBlock offset seen.
** Out-streams: key (dest chain, shard), msg_offset = last assigned. */
typedef struct xr_portal_stream {
    uint64_t chain_id;
    uint64_t shard_id;
    uint64_t msg_offset;
    uint64_t block_offset;
} xr_portal_stream;

typedef struct xr_portal {
    xr_portal_config cfg;
    xr_sig_backend sig;
    xr_valset_ring valsets;
    xr_portal_stream *in_streams;   /* sorted by (chain, shard) */
    uint32_t in_count;
    xr_portal_stream *out_streams;  /* sorted by (chain, shard) */
    uint32_t out_count;
    xr_portal_dest *dests;          /* sorted by chain id */
    uint32_t dest_count;
    size_t state_bytes;             /* mem[0, state_bytes) is state */
    /* scratch, not state: */
    xr_hash *work;                  /* XR_MAX_SUBMISSION_MSGS hashes */
    xr_validator *sys_members;      /* valset_member_cap entries */
    void *mem;
    size_t mem_bytes;
} xr_portal;

/* Defaults: quorum 2/3, cutoff 10, 1000 validators, 256 streams each way,
** 64 destinations, gas limit [21000, 5000000], 20,000 data bytes
** (OmniPortal xmsgMaxDataSize), 256 error bytes, base gas 100000, base
** bytes 100, 16 gas per data byte (FeeOracleV2 as Omni configures it),
** protocol fee 0, consensus stream at offset 0. */
void xr_portal_config_default(xr_portal_config *cfg, uint64_t chain_id,
                              uint64_t consensus_chain_id);

/* 0 if the config is usable, XR_ERR_INVALID_ARG otherwise. */
int xr_portal_config_validate(const xr_portal_config *cfg);

/* Bytes of memory (8-byte aligned) a portal with this config needs. */
size_t xr_portal_mem_size(const xr_portal_config *cfg);

/* Set up a portal over mem (mem_bytes >= xr_portal_mem_size, 8-aligned)
** with the genesis validator set.  *sig is copied.  Returns 0,
** XR_ERR_INVALID_ARG (config), XR_ERR_NOSPACE (mem too small) or an error
** of the genesis set (as xr_valset_set). */
int xr_portal_init(xr_portal *p, const xr_portal_config *cfg, const xr_sig_backend *sig,
                   void *mem, size_t mem_bytes, uint64_t genesis_valset_id,
                   const xr_validator *members, uint32_t member_count);

/* ---- destination side --------------------------------------------------- */

/* What executing one message did (filled by the exec callback). */
typedef struct xr_portal_exec {
    uint64_t gas_used;
    bool success;
    const uint8_t *error;   /* view the host keeps alive until submit returns */
    size_t error_len;       /* truncated to xreceipt_max_error_bytes */
} xr_portal_exec;

typedef void (*xr_portal_exec_fn)(void *user, uint64_t source_chain_id, const xr_xmsg *msg,
                                  xr_portal_exec *out);

/* xsubmit's function selector: keccak256("xsubmit((bytes32,uint64,(uint64,
** uint64,uint8,uint64,uint64,bytes32),(uint64,uint64,uint64,address,address,
** bytes,uint64)[],bytes32[],bool[],(address,bytes)[]))")[0..4], from the
** portal's ABI (OmniPortal.sol, solc 0.8.24). */
extern const uint8_t xr_portal_xsubmit_selector[4];

/* Zero / non-zero bytes of the transaction's calldata for a submission
** encoded by xr_submission_encode: the selector, then the encoding. */
void xr_portal_xsubmit_calldata(const uint8_t *enc, size_t len, xr_gas_calldata *cd);

typedef struct xr_portal_submit_args {
    const xr_submission *sub;
    xr_address relayer;         /* msg.sender, recorded in receipts */
    uint64_t gas_supplied;      /* the transaction's gas limit */
    xr_gas_calldata calldata;   /* zero/non-zero bytes of the tx calldata
                                ** (xr_portal_xsubmit_calldata over the
                                ** encoded submission); all zero = not charged */
    xr_portal_exec_fn exec;     /* NULL: uses the whole gas limit, succeeds */
    void *exec_user;
} xr_portal_submit_args;

typedef struct xr_portal_outcome {
    /* in: caller storage, receipt_cap >= the submission's message count */
    xr_xreceipt *receipts;
    size_t receipt_cap;
    uint64_t *msg_gas;          /* optional [msg_count]: each message's share */
    /* out: */
    size_t receipt_count;       /* = msg_count on success, 0 on rejection */
    int32_t bad_index;          /* offending signature or message, -1 if none */
    uint32_t sigs_checked;      /* signatures the quorum loop verified */
    uint64_t voted_power;
    uint64_t exec_gas;          /* execution gas (no base, no calldata, before
                                ** the refund); on rejection: spent up to the
                                ** failing check */
    uint64_t gas_used;          /* the whole transaction: after the refund
                                ** (EIP-3529), at least the EIP-7623 floor.
                                ** On rejection what the reverted transaction
                                ** pays: 0 if gas_supplied is below the
                                ** intrinsic gas (not a valid transaction),
                                ** gas_supplied if it ran out, else the gas up
                                ** to the failing check without refund */
} xr_portal_outcome;

/* Verify and execute a submission (see the top of this file).  Returns 0;
** or, with no state changed: XR_ERR_OUT_OF_GAS, XR_ERR_TOO_LARGE,
** XR_ERR_NOSPACE (receipt_cap), XR_ERR_WRONG_CHAIN, XR_ERR_NO_MSGS,
** XR_ERR_VALSET_UNKNOWN, XR_ERR_VALSET_STALE, XR_ERR_SIG_DUPLICATE,
** XR_ERR_SIG_UNSORTED, XR_ERR_SIG_MALFORMED, XR_ERR_SIG_INVALID,
** XR_ERR_NO_QUORUM, XR_ERR_PROOF_MALFORMED,
** XR_ERR_ROOT_MISMATCH, XR_ERR_WRONG_DEST, XR_ERR_OFFSET_GAP,
** XR_ERR_WRONG_SHARD, XR_ERR_SYSCALL, XR_ERR_VALSET_INVALID,
** XR_ERR_CAPACITY (stream table full), XR_ERR_OVERFLOW. */
int xr_portal_submit(xr_portal *p, const xr_portal_submit_args *a, xr_portal_outcome *out);

/* The same verification and gas accounting without committing: what
** submit would return (a relayer's eth_estimateGas).  Changes no state. */
int xr_portal_submit_check(xr_portal *p, const xr_portal_submit_args *a,
                           xr_portal_outcome *out);

/* The gas limit a relayer sets on a submission, as its gas estimate: the
** gas xsubmit uses before its refund when every signature given is checked,
** every message's call uses its whole gas limit (and a failing one returns
** max_error_bytes of error), each stream's slots are cold and set from zero
** and each block offset is written -- plus what the last call must leave behind
** (EIP-150: 1/64) -- and at least the intrinsic gas with the EIP-7623
** floor.  A pure function of the submission and its calldata (cd from
** xr_portal_xsubmit_calldata); no portal state is read. */
uint64_t xr_portal_submit_gas_limit(const xr_submission *s, const xr_gas_calldata *cd,
                                    uint32_t max_error_bytes);

/* Add validator set `id` directly (genesis, tests, or a host that applies
** system calls itself): id must exceed the latest.  All-or-nothing. */
int xr_portal_add_valset(xr_portal *p, uint64_t id, const xr_validator *members,
                         uint32_t count);

/* Last executed offset of (source chain, shard), 0 if none. */
uint64_t xr_portal_in_offset(const xr_portal *p, uint64_t source_chain_id, uint64_t shard_id);
/* Highest XBlock offset executed from (source chain, shard), 0 if none. */
uint64_t xr_portal_in_block_offset(const xr_portal *p, uint64_t source_chain_id,
                                   uint64_t shard_id);
uint64_t xr_portal_latest_valset_id(const xr_portal *p);

/* addValidatorSet(uint64,(address,uint64)[]) calldata: 4-byte selector,
** then abi.encode(id, validators).  Encode returns bytes written or
** XR_ERR_NOSPACE; the length is 4 + 96 + 64 * count. */
size_t xr_portal_valset_call_len(uint32_t count);
int xr_portal_valset_call_encode(uint64_t id, const xr_validator *members, uint32_t count,
                                 uint8_t *out, size_t cap);
/* Decode strictly (canonical encoding only) into members[0..cap).  Returns
** 0 with *id and *count, XR_ERR_SYSCALL for bytes that are not such a call,
** XR_ERR_CAPACITY when it has more than cap validators. */
int xr_portal_valset_call_decode(const uint8_t *data, size_t len, uint64_t *id,
                                 xr_validator *members, uint32_t cap, uint32_t *count);

/* ---- source side -------------------------------------------------------- */

/* Add or replace a supported destination.  XR_ERR_INVALID_ARG for chain id
** 0 or ours, or a zero gas price or rate (FeeOracleV1's rules);
** XR_ERR_CAPACITY when full. */
int xr_portal_set_dest(xr_portal *p, const xr_portal_dest *d);

/* feeFor(dest, data, gasLimit) in wei.  Returns 0, XR_ERR_UNSUPPORTED_DEST
** or XR_ERR_OVERFLOW (fee above UINT64_MAX wei). */
int xr_portal_fee_for(const xr_portal *p, uint64_t dest_chain_id, size_t data_len,
                      uint64_t gas_limit, uint64_t *fee_wei);

typedef struct xr_portal_xcall_req {
    uint64_t dest_chain_id;
    uint8_t conf_level;         /* XR_CONF_LATEST or XR_CONF_FINALIZED */
    xr_address sender;
    xr_address to;
    const uint8_t *data;
    size_t data_len;
    uint64_t gas_limit;
    uint64_t value_wei;         /* msg.value */
} xr_portal_xcall_req;

typedef struct xr_portal_xcall_result {
    xr_xmsg msg;                /* the emitted XMsg (data is the request's view) */
    uint64_t fee_wei;           /* feeFor */
    uint64_t refund_wei;        /* always 0: the portal keeps msg.value */
} xr_portal_xcall_result;

/* Emit an XMsg.  Returns 0; or, with nothing changed:
** XR_ERR_UNSUPPORTED_DEST, XR_ERR_XCALL_TO_PORTAL, XR_ERR_GAS_LIMIT,
** XR_ERR_DATA_TOO_LARGE,
** XR_ERR_UNSUPPORTED_SHARD, XR_ERR_FEE_TOO_LOW, XR_ERR_OVERFLOW,
** XR_ERR_CAPACITY. */
int xr_portal_xcall(xr_portal *p, const xr_portal_xcall_req *req, xr_portal_xcall_result *out);

/* Last assigned offset of (dest chain, shard), 0 if none. */
uint64_t xr_portal_out_offset(const xr_portal *p, uint64_t dest_chain_id, uint64_t shard_id);

#endif
