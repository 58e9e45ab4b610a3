/*
** The restaking contract (EigenLayer-style) as pure rules: operators register
** with the interop service (the AVS) and run verifiers; stakers deposit ETH
** (in whole gwei) and delegate all of it to at most one operator, whose
** verifier power is the active stake delegated to it; withdrawals wait in a
** queue for a delay and stay slashable meanwhile; slash requests, opened on
** verified evidence (xr_evidence.h) and keyed by the offence so one offence
** is slashed once, execute after an optional veto window.  The L1 model hosts
** it and calls it once per relevant L1 transaction with the L1's time; the
** contract never reads a clock, allocates or fails an assertion on what the
** host passes for untrusted parties (addresses, amounts, ids, evidence bytes).
**
** Ledger.  Every gwei ever deposited is in exactly one place: a staker's
** active stake, a queued withdrawal, withdrawn (paid out) or slashed (burned).
** deposited == active + queued + withdrawn + slashed holds globally, per
** staker, and per operator for the stake delegated to it; xr_restake_check
** verifies all of it (a failure is a bug).  Lifetime deposits are capped at
** UINT64_MAX gwei (XR_ERR_OVERFLOW) -- which bounds every other sum, so no
** other amount can overflow.
**
** Rules and edge cases (each failing call changes no state at all):
**  - Addresses must be non-zero and amounts positive (XR_ERR_BAD_VALUE).
**  - Operators: register creates the record (XR_ERR_CAPACITY when full) or
**    re-registers a voluntarily deregistered operator; registering twice is
**    XR_ERR_RESTAKE_REGISTERED; an operator ejected by a slash can never
**    register again (XR_ERR_RESTAKE_EJECTED).  Deregistering a registered
**    operator (or ejecting it) removes its power at once; its stakers stay
**    delegated and its positions stay slashable for the deallocation delay
**    after it left, then no more (EigenLayer's AllocationManager:
**    deregisterFromOperatorSets sets registeredUntil = block +
**    DEALLOCATION_DELAY, and slashOperator requires _isRegistered, i.e.
**    registered || block < registeredUntil).  A slash request after that is
**    XR_ERR_RESTAKE_NOT_SLASHABLE; a request whose execution (after a veto
**    window) falls after it lapses (slashes 0, state XR_RESTAKE_REQ_LAPSED).
**  - Allocation (AllocationManager.modifyAllocations): only the magnitude
**    the operator allocated to this service -- a share of its delegated
**    stake, in ppm -- is slashable and counts as power.  An operator joins
**    with genesis_magnitude_ppm allocated (1e6 by default).  xr_restake_allocate raises it after
**    allocation_delay (not slashable before), or lowers it after
**    deallocation_delay (slashable until then), or at once while the
**    operator is not slashable; one change pending at a time
**    (XR_ERR_RESTAKE_PENDING), and a change to the magnitude in effect is
**    XR_ERR_BAD_VALUE.
**  - Stakers: deposit creates the record (XR_ERR_CAPACITY when full) and adds
**    to active stake; a staker delegated to an operator that has since
**    deregistered or been ejected may still deposit: the stake is delegated
**    to it, gives no power, and is slashable for it (the staker can leave
**    with xr_restake_undelegate).
**  - Delegation is all-or-nothing and needs an undelegated staker
**    (XR_ERR_RESTAKE_DELEGATED; to switch, undelegate first, which queues a
**    withdrawal of all active stake as EigenLayer does) and a registered
**    operator (XR_ERR_RESTAKE_UNKNOWN / _NOT_REGISTERED / _EJECTED).  The
**    staker must exist (deposit first; XR_ERR_RESTAKE_UNKNOWN).
**  - Withdrawals move active stake (XR_ERR_RESTAKE_INSUFFICIENT beyond it)
**    into a queue entry that remembers the operator the staker was delegated
**    to then (none if undelegated: such entries are never slashed).  An
**    entry is slashable for that operator while now <= queued +
**    withdrawal_delay and never after, completed or not (DelegationManager:
**    slashableUntil = startBlock + MIN_WITHDRAWAL_DELAY_BLOCKS, the slashing
**    factor read at that block).  Completion needs now > queued +
**    withdrawal_delay (XR_ERR_RESTAKE_NOT_READY; _completeQueuedWithdrawal:
**    block.number > slashableUntil), and with freeze_on_request no pending slash
**    request against the entry's operator (XR_ERR_RESTAKE_FROZEN); it pays
**    what slashing left (possibly 0) and frees the entry.  Withdrawal ids are
**    opaque and non-zero: generation * max_withdrawals + slot + 1, so the
**    first max_withdrawals ids are 1, 2, ... and an id is reused only after
**    its slot was reused 2^32 times; a completed id gives
**    XR_ERR_RESTAKE_DONE, one never issued XR_ERR_RESTAKE_UNKNOWN.
**  - Slash requests are kept for ever (max_slashings in all; request ids are
**    1, 2, ...).  One per offence key, pending or not: a second one, even
**    after a veto, is XR_ERR_RESTAKE_DUPLICATE (a veto is final).  A request
**    executes at or after opened + veto_window (XR_ERR_RESTAKE_NOT_READY
**    before); a veto is accepted only before that time
**    (XR_ERR_RESTAKE_WINDOW after; with a zero window no veto is possible).
**    Executed or vetoed requests are closed (XR_ERR_RESTAKE_CLOSED).
**    Executing (slashOperator; it takes effect at once, the veto window is
**    a model option, 0 by default) slashes the magnitude sm =
**    ceil(magnitude * slash_ppm / 1e6) and takes floor(x * sm / 1e6) of
**    every position still slashable for the operator, each rounded down on
**    its own, and records the exact sum; the magnitudes are then rescaled to
**    the operator's smaller maximum.  An operator with nothing left is
**    slashed 0, which is a success.  With eject_on_slash an executed request
**    ejects the operator (deregistered for good, slashable for the
**    deallocation delay) even when 0 was slashed.
**  - Times: the host's L1 nanoseconds, not required to be monotonic; times
**    derived by adding a delay saturate at UINT64_MAX (never reached).
**
** Lookups: operators by a sorted index (binary search; O(log n)), stakers and
** offence keys by open-addressing hash tables (expected O(1)), withdrawals and
** requests by id (O(1)).  Each operator threads its delegated stakers and its
** queued withdrawals on intrusive lists, so a slash costs O(positions of that
** operator).  All memory is the caller's, sized by xr_restake_mem_size.
*/
#ifndef XR_RESTAKE_H
#define XR_RESTAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xr_err.h"
#include "xr_evidence.h"
#include "xr_sig.h"
#include "xr_types.h"
#include "xr_valset.h"

#define XR_RESTAKE_PPM 1000000u
/* Largest capacity of any table (keeps every index below the NIL marker
** and the memory size far from overflow). */
#define XR_RESTAKE_MAX_CAP (1u << 24)

typedef struct xr_restake_cfg {
    uint32_t max_operators;        /* capacity, >= 1 */
    uint32_t max_stakers;          /* capacity, >= 1 */
    uint32_t max_withdrawals;      /* queued entries held at once, >= 1 */
    uint32_t max_slashings;        /* slash requests held (pending + done), >= 1 */
    uint64_t withdrawal_delay_ns;  /* queue -> completable */
    uint64_t veto_window_ns;       /* request -> executable (0: at once) */
    uint32_t slash_ppm;            /* fraction slashed per offence, 1..1,000,000 */
    bool eject_on_slash;           /* executed slash deregisters the operator for good */
    bool freeze_on_request;        /* a pending request blocks completion of that operator's
                                   ** stakers' withdrawals until executed or vetoed */
    uint64_t deallocation_delay_ns; /* deregistration or deallocation -> no longer slashable
                                   ** (EigenLayer DEALLOCATION_DELAY, 100,800 blocks ~ 14 d) */
    uint64_t allocation_delay_ns;  /* allocation -> slashable (the operator's own
                                   ** setAllocationDelay; 0 by default) */
    uint32_t genesis_magnitude_ppm; /* what a new operator has allocated when it registers
                                   ** (allocated before the simulated time began), <= 1e6 */
    bool slashing;                 /* false: no slashing path at all (Omni mainnet V1's AVS);
                                   ** every slash request is XR_ERR_RESTAKE_NO_SLASHING */
} xr_restake_cfg;

typedef struct xr_restake xr_restake;

/* 4096 operators, 65536 stakers, 65536 withdrawals, 4096 slashings, a
** 14-day withdrawal delay, no veto window, slash everything (1e6 ppm),
** eject on slash, no freeze, a 14-day deallocation delay, no allocation
** delay, operators join fully allocated. */
void xr_restake_cfg_default(xr_restake_cfg *c);

/* Bytes xr_restake_init needs for c; 0 when c is unusable (a capacity of 0
** or above XR_RESTAKE_MAX_CAP, slash_ppm outside 1..1e6, a genesis magnitude
** above 1e6). */
size_t xr_restake_mem_size(const xr_restake_cfg *c);

/* Build an empty contract in mem (16-byte aligned, len >= mem_size; the
** whole region is overwritten).  Returns 0, XR_ERR_INVALID_ARG (unusable
** cfg, NULL or misaligned mem) or XR_ERR_NOSPACE. */
int xr_restake_init(xr_restake **out, void *mem, size_t len, const xr_restake_cfg *c);

/* ---- operators and stakers ---------------------------------------------- */

/* Returns 0, XR_ERR_BAD_VALUE, XR_ERR_CAPACITY, XR_ERR_RESTAKE_REGISTERED or
** XR_ERR_RESTAKE_EJECTED. */
int xr_restake_register_operator(xr_restake *r, const xr_address *op, uint64_t now_ns);
/* Returns 0, XR_ERR_RESTAKE_UNKNOWN or XR_ERR_RESTAKE_NOT_REGISTERED (also
** for an ejected operator). */
int xr_restake_deregister_operator(xr_restake *r, const xr_address *op, uint64_t now_ns);
/* Set the magnitude (ppm of its delegated stake) op allocates to the
** service, effective as the rules above say.  Returns 0,
** XR_ERR_RESTAKE_UNKNOWN, XR_ERR_BAD_VALUE (above 1e6, or the magnitude in
** effect) or XR_ERR_RESTAKE_PENDING. */
int xr_restake_allocate(xr_restake *r, const xr_address *op, uint32_t magnitude_ppm, uint64_t now_ns);
/* Add amount to the staker's active stake (and to its operator's delegated
** stake).  Returns 0, XR_ERR_BAD_VALUE, XR_ERR_CAPACITY or XR_ERR_OVERFLOW. */
int xr_restake_deposit(xr_restake *r, const xr_address *staker, uint64_t amount_gwei,
                       uint64_t now_ns);
/* Delegate all of the staker's active stake to op.  Returns 0,
** XR_ERR_RESTAKE_UNKNOWN (staker or operator), XR_ERR_RESTAKE_DELEGATED,
** XR_ERR_RESTAKE_NOT_REGISTERED or XR_ERR_RESTAKE_EJECTED. */
int xr_restake_delegate(xr_restake *r, const xr_address *staker, const xr_address *op,
                        uint64_t now_ns);
/* Leave the operator: queue a withdrawal of all active stake (when there is
** any; *id_out = its id, else 0) and clear the delegation.  Returns 0,
** XR_ERR_RESTAKE_UNKNOWN, XR_ERR_RESTAKE_NOT_DELEGATED or XR_ERR_CAPACITY.
** id_out may be NULL. */
int xr_restake_undelegate(xr_restake *r, const xr_address *staker, uint64_t now_ns,
                          uint64_t *id_out);

/* ---- withdrawals --------------------------------------------------------- */

/* Moves amount from the staker's active (delegated or not) stake into the
** queue; the entry keeps the operator it was delegated to and stays slashable
** for that operator until it completes.  Returns 0 and *id_out (may be
** NULL), XR_ERR_BAD_VALUE, XR_ERR_RESTAKE_UNKNOWN,
** XR_ERR_RESTAKE_INSUFFICIENT or XR_ERR_CAPACITY. */
int xr_restake_queue_withdrawal(xr_restake *r, const xr_address *staker, uint64_t amount_gwei,
                                uint64_t now_ns, uint64_t *id_out);
/* At or after queued + delay (and not frozen): pays out what is left after
** slashing (*paid_gwei; may be NULL) and frees the entry.  Returns 0,
** XR_ERR_RESTAKE_UNKNOWN, XR_ERR_RESTAKE_DONE, XR_ERR_RESTAKE_NOT_READY or
** XR_ERR_RESTAKE_FROZEN. */
int xr_restake_complete_withdrawal(xr_restake *r, uint64_t id, uint64_t now_ns,
                                   uint64_t *paid_gwei);

/* ---- slashing -------------------------------------------------------------- */

/* Opens a slash request against `op` for offence `key` (xr_evidence_offence_key),
** executable at now + veto_window.  Returns 0 and *req_out (may be NULL),
** XR_ERR_RESTAKE_NO_SLASHING (cfg.slashing false),
** XR_ERR_RESTAKE_UNKNOWN (op never registered), XR_ERR_RESTAKE_NOT_SLASHABLE
** (deregistered for the deallocation delay or longer), XR_ERR_RESTAKE_DUPLICATE
** (a request for key exists) or XR_ERR_CAPACITY. */
int xr_restake_slash_request(xr_restake *r, const xr_address *op, const uint8_t key[32],
                             uint64_t now_ns, uint64_t *req_out);
/* Cancel a pending request before its executable time.  Returns 0,
** XR_ERR_RESTAKE_UNKNOWN, XR_ERR_RESTAKE_CLOSED or XR_ERR_RESTAKE_WINDOW. */
int xr_restake_veto(xr_restake *r, uint64_t req, uint64_t now_ns);
/* At or after its executable time: slashes floor(x * sm / 1e6) (sm the
** slashed magnitude, above) of every position still slashable for op --
** each delegated staker's active stake and every queued withdrawal
** delegated to op still inside its window -- and writes the total
** (*slashed_gwei; may be NULL).  0 slashed is a success; so is a request
** that lapsed (op left its slashable window: 0 slashed, state LAPSED).
** Returns 0, XR_ERR_RESTAKE_UNKNOWN, XR_ERR_RESTAKE_CLOSED or
** XR_ERR_RESTAKE_NOT_READY. */
int xr_restake_slash_execute(xr_restake *r, uint64_t req, uint64_t now_ns,
                             uint64_t *slashed_gwei);
/* Convenience for the L1 host: verify evidence with the core's real checks
** and open a request.  Kinds 1/2: xr_evidence_verify against vs (the set of
** the offence); kind 3: canonical_root required (NULL -> XR_ERR_INVALID_ARG)
** and xr_evidence_verify_false_attest.  The offender must be an operator
** the contract knows (registered now or once; else XR_ERR_RESTAKE_UNKNOWN).
** Then xr_restake_slash_request with the offence key.  Writes the decoded
** evidence (ev_out; may be NULL) and the request id (req_out; may be NULL).
** Returns 0, any error of those checks, or of xr_restake_slash_request. */
int xr_restake_submit_evidence(xr_restake *r, const uint8_t *ev, size_t len,
                               const xr_sig_backend *sig, const xr_valset *vs,
                               const xr_hash *canonical_root, uint64_t now_ns,
                               xr_evidence *ev_out, uint64_t *req_out);

/* ---- queries --------------------------------------------------------------- */

/* Registered: its allocated stake at now, floor(active delegated gwei x
** magnitude in effect / 1e6); otherwise (or unknown) 0. */
uint64_t xr_restake_operator_power(const xr_restake *r, const xr_address *op, uint64_t now_ns);
/* Registered operators with power > 0 at now, sorted by address (for the
** epoch's validator set).  Writes min(cap, n) entries and *count = n.
** Returns 0, or XR_ERR_CAPACITY when n > cap.  out may be NULL when cap is 0. */
int xr_restake_powers(const xr_restake *r, uint64_t now_ns, xr_validator *out, uint32_t cap,
                      uint32_t *count);

typedef struct xr_restake_totals {
    uint64_t deposited, active, queued, withdrawn, slashed;
} xr_restake_totals;
void xr_restake_totals_get(const xr_restake *r, xr_restake_totals *out);

/* 0 when deposited == active + queued + withdrawn + slashed and every
** per-position sum matches the totals (and every list and index is
** consistent); XR_ERR_RESTAKE_LEDGER otherwise (a bug).  O(everything). */
int xr_restake_check(const xr_restake *r);

typedef struct xr_restake_operator_info {
    xr_address addr;
    bool registered;
    bool ejected;
    uint64_t delegated_gwei;       /* active stake of its stakers (its power when registered) */
    uint64_t queued_gwei;          /* left in queued withdrawals delegated to it */
    uint64_t slashed_gwei;         /* slashed from its positions, all requests */
    uint32_t staker_count;         /* stakers delegated to it */
    uint32_t withdrawal_count;     /* queued withdrawals delegated to it */
    uint32_t pending_requests;
    uint64_t registered_ns;        /* last registration */
    uint64_t deregistered_ns;      /* last deregistration or ejection; 0 if none */
    uint64_t registered_until_ns;  /* slashable while now < this; UINT64_MAX while registered */
    uint32_t magnitude_ppm;        /* allocated magnitude last settled (see pending_*) */
    bool pending_change;
    uint32_t pending_ppm;          /* the magnitude from pending_effect_ns on */
    uint64_t pending_effect_ns;
} xr_restake_operator_info;
/* Returns 0 or XR_ERR_RESTAKE_UNKNOWN. */
int xr_restake_operator_get(const xr_restake *r, const xr_address *op,
                            xr_restake_operator_info *out);

typedef struct xr_restake_staker_info {
    xr_address addr;
    bool delegated;
    xr_address op;                 /* zero when not delegated */
    uint64_t deposited_gwei, active_gwei, queued_gwei, withdrawn_gwei, slashed_gwei;
} xr_restake_staker_info;
/* Returns 0 or XR_ERR_RESTAKE_UNKNOWN. */
int xr_restake_staker_get(const xr_restake *r, const xr_address *staker,
                          xr_restake_staker_info *out);

typedef struct xr_restake_withdrawal_info {
    uint64_t id;
    xr_address staker;
    bool delegated;                /* slashable for op */
    xr_address op;                 /* zero when queued undelegated */
    uint64_t amount_gwei;          /* queued */
    uint64_t remaining_gwei;       /* what completion would pay now */
    uint64_t slashed_gwei;
    uint64_t queued_ns;
    uint64_t slashable_until_ns;   /* queued + delay: slashable while now <= this */
    uint64_t completable_ns;       /* slashable_until + 1: the first time it completes */
} xr_restake_withdrawal_info;
/* A queued (not completed) withdrawal.  Returns 0, XR_ERR_RESTAKE_UNKNOWN or
** XR_ERR_RESTAKE_DONE. */
int xr_restake_withdrawal_get(const xr_restake *r, uint64_t id, xr_restake_withdrawal_info *out);

#define XR_RESTAKE_REQ_PENDING 1u
#define XR_RESTAKE_REQ_EXECUTED 2u
#define XR_RESTAKE_REQ_VETOED 3u
#define XR_RESTAKE_REQ_LAPSED 4u     /* executed after op left its slashable window: 0 slashed */

typedef struct xr_restake_request_info {
    uint64_t id;
    xr_address op;
    uint8_t key[32];
    uint8_t state;                 /* XR_RESTAKE_REQ_* */
    uint64_t opened_ns;
    uint64_t executable_ns;
    uint64_t closed_ns;            /* executed or vetoed at; 0 while pending */
    uint64_t slashed_gwei;         /* executed: the total slashed */
} xr_restake_request_info;
/* Returns 0 or XR_ERR_RESTAKE_UNKNOWN. */
int xr_restake_request_get(const xr_restake *r, uint64_t req, xr_restake_request_info *out);
/* The request opened for offence `key`: 0 and *req_out, or
** XR_ERR_RESTAKE_UNKNOWN. */
int xr_restake_request_find(const xr_restake *r, const uint8_t key[32], uint64_t *req_out);

#endif
