/*
** The restaking contract (see xr_restake.h for the rules).
**
** Layout in the caller's memory: the state struct, then the operator records
** (in creation order, so an operator's index never changes) with an index
** array sorted by address; the staker records (creation order) with an
** open-addressing table address -> index; the withdrawal slots with a free
** list; the slash requests (creation order, id = index + 1) with an
** open-addressing table offence key -> index; and a per-staker scratch array
** that only xr_restake_check uses (all-zero between calls).  Records are
** never removed except withdrawal slots, so the hash tables need no
** deletion.  Every mutating function first checks everything that can fail
** and only then writes, so a failing call leaves every byte as it was.
*/
#include "xr_restake.h"

#include <string.h>

#include "xr_assert.h"

#define NIL 0xffffffffu

typedef struct op_rec {
    xr_address addr;
    bool registered;
    bool ejected;
    uint32_t staker_head;          /* delegated stakers (staker index list) */
    uint32_t wd_head;              /* queued withdrawals delegated to it (slot list) */
    uint32_t staker_count;
    uint32_t wd_count;
    uint32_t pending;              /* pending slash requests */
    uint64_t delegated_gwei;
    uint64_t queued_gwei;
    uint64_t slashed_gwei;
    uint64_t registered_ns;
    uint64_t deregistered_ns;
    uint64_t registered_until_ns;  /* deregistered: slashable while now < this */
    uint32_t mag_ppm;              /* allocated magnitude (share of its stake) in effect */
    uint32_t pending_ppm;          /* the magnitude a pending change will set */
    bool pending_change;
    uint64_t pending_effect_ns;    /* when the pending change takes effect */
} op_rec;

typedef struct staker_rec {
    xr_address addr;
    uint32_t op;                   /* NIL: not delegated */
    uint32_t prev, next;           /* in ops[op]'s staker list */
    uint64_t deposited_gwei, active_gwei, queued_gwei, withdrawn_gwei, slashed_gwei;
} staker_rec;

typedef struct wd_rec {
    uint32_t gen;                  /* generation of the current (or next) use */
    bool used;
    uint32_t staker;
    uint32_t op;                   /* NIL: queued undelegated, never slashed */
    uint32_t prev, next;           /* in ops[op]'s list; next is also the free list */
    uint64_t amount_gwei, remaining_gwei;
    uint64_t queued_ns, slashable_until_ns; /* queued + delay: slashable while now <= this */
} wd_rec;

typedef struct req_rec {
    uint8_t key[32];
    uint32_t op;
    uint8_t state;
    uint64_t opened_ns, executable_ns, closed_ns;
    uint64_t slashed_gwei;
} req_rec;

struct xr_restake {
    xr_restake_cfg cfg;
    op_rec *ops;
    uint32_t *op_sorted;           /* [0, op_count) indices ascending by address */
    uint32_t op_count;
    staker_rec *stakers;
    uint32_t *staker_tab;          /* staker_mask + 1 slots, NIL = empty */
    uint32_t staker_mask;
    uint32_t staker_count;
    wd_rec *wds;
    uint32_t wd_free;              /* head of the free slot list */
    uint32_t wd_used;
    req_rec *reqs;
    uint32_t *req_tab;
    uint32_t req_mask;
    uint32_t req_count;
    uint64_t *scratch;             /* max_stakers entries, zero outside xr_restake_check */
    xr_restake_totals tot;
};

/* ---- small helpers ------------------------------------------------------- */

static uint64_t sat_add(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

/* floor(x * ppm / 1e6) without overflow: x = q * 1e6 + r. */
static uint64_t mul_ppm(uint64_t x, uint32_t ppm) {
    uint64_t q = x / XR_RESTAKE_PPM, rem = x % XR_RESTAKE_PPM;
    return q * ppm + rem * ppm / XR_RESTAKE_PPM;
}

/* ceil(x * ppm / 1e6) for x <= 1e6 (AllocationManager rounds the slashed
** magnitude up: mulWadRoundUp). */
static uint32_t mul_ppm_up(uint32_t x, uint32_t ppm) {
    uint64_t p = (uint64_t)x * ppm;
    return (uint32_t)((p + XR_RESTAKE_PPM - 1u) / XR_RESTAKE_PPM);
}

static bool addr_zero(const xr_address *a) {
    for (int i = 0; i < 20; i++)
        if (a->bytes[i]) return false;
    return true;
}

/* FNV-1a over the bytes: addresses and keys are hashes already in practice. */
static uint32_t hash_bytes(const uint8_t *b, size_t n) {
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3u;
    return (uint32_t)(h ^ (h >> 32));
}

static uint32_t pow2_at_least(uint32_t n) {
    uint32_t p = 1;
    while (p < n) p <<= 1;
    return p;
}

static bool cfg_ok(const xr_restake_cfg *c) {
    if (c == NULL) return false;
    uint32_t caps[4] = {c->max_operators, c->max_stakers, c->max_withdrawals, c->max_slashings};
    for (int i = 0; i < 4; i++)
        if (caps[i] == 0 || caps[i] > XR_RESTAKE_MAX_CAP) return false;
    return c->slash_ppm >= 1 && c->slash_ppm <= XR_RESTAKE_PPM &&
           c->genesis_magnitude_ppm <= XR_RESTAKE_PPM;
}

/* ---- memory layout ------------------------------------------------------- */

typedef struct carver {
    uint8_t *base;                 /* NULL: only measure */
    size_t used;
} carver;

static void *carve(carver *cv, size_t n) {
    size_t at = (cv->used + 15u) & ~(size_t)15u;
    cv->used = at + n;
    return cv->base ? cv->base + at : NULL;
}

static void layout(const xr_restake_cfg *c, carver *cv, xr_restake *r) {
    uint32_t stab = pow2_at_least(2u * c->max_stakers), rtab = pow2_at_least(2u * c->max_slashings);
    xr_restake *self = carve(cv, sizeof(xr_restake));
    op_rec *ops = carve(cv, sizeof(op_rec) * c->max_operators);
    uint32_t *op_sorted = carve(cv, sizeof(uint32_t) * c->max_operators);
    staker_rec *stakers = carve(cv, sizeof(staker_rec) * c->max_stakers);
    uint32_t *staker_tab = carve(cv, sizeof(uint32_t) * stab);
    wd_rec *wds = carve(cv, sizeof(wd_rec) * c->max_withdrawals);
    req_rec *reqs = carve(cv, sizeof(req_rec) * c->max_slashings);
    uint32_t *req_tab = carve(cv, sizeof(uint32_t) * rtab);
    uint64_t *scratch = carve(cv, sizeof(uint64_t) * c->max_stakers);
    if (r == NULL) return;
    XR_ASSERT(self == r);
    r->ops = ops;
    r->op_sorted = op_sorted;
    r->stakers = stakers;
    r->staker_tab = staker_tab;
    r->staker_mask = stab - 1u;
    r->wds = wds;
    r->reqs = reqs;
    r->req_tab = req_tab;
    r->req_mask = rtab - 1u;
    r->scratch = scratch;
}

void xr_restake_cfg_default(xr_restake_cfg *c) {
    XR_ASSERT(c != NULL);
    memset(c, 0, sizeof *c);
    c->max_operators = 4096;
    c->max_stakers = 65536;
    c->max_withdrawals = 65536;
    c->max_slashings = 4096;
    c->withdrawal_delay_ns = 14ull * 24u * 3600u * 1000000000ull;
    c->veto_window_ns = 0;
    c->slash_ppm = XR_RESTAKE_PPM;
    c->eject_on_slash = true;
    c->freeze_on_request = false;
    c->deallocation_delay_ns = 14ull * 24u * 3600u * 1000000000ull;
    c->allocation_delay_ns = 0;
    c->genesis_magnitude_ppm = XR_RESTAKE_PPM;
    c->slashing = true;
}

size_t xr_restake_mem_size(const xr_restake_cfg *c) {
    if (!cfg_ok(c)) return 0;
    carver cv = {NULL, 0};
    layout(c, &cv, NULL);
    return cv.used;
}

int xr_restake_init(xr_restake **out, void *mem, size_t len, const xr_restake_cfg *c) {
    XR_ASSERT(out != NULL);
    if (!cfg_ok(c) || mem == NULL || ((uintptr_t)mem & 15u) != 0) return XR_ERR_INVALID_ARG;
    size_t need = xr_restake_mem_size(c);
    if (len < need) return XR_ERR_NOSPACE;
    memset(mem, 0, need);
    xr_restake *r = mem;
    carver cv = {(uint8_t *)mem, 0};
    layout(c, &cv, r);
    XR_ASSERT(cv.used == need);
    r->cfg = *c;
    for (uint32_t i = 0; i <= r->staker_mask; i++) r->staker_tab[i] = NIL;
    for (uint32_t i = 0; i <= r->req_mask; i++) r->req_tab[i] = NIL;
    for (uint32_t i = 0; i < c->max_withdrawals; i++)
        r->wds[i].next = i + 1 < c->max_withdrawals ? i + 1 : NIL;
    r->wd_free = 0;
    *out = r;
    return 0;
}

/* ---- lookups --------------------------------------------------------------- */

/* Index of operator `a`, or NIL; *pos = its place (or insertion place) in
** op_sorted. */
static uint32_t op_find(const xr_restake *r, const xr_address *a, uint32_t *pos) {
    uint32_t lo = 0, hi = r->op_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2u;
        int c = memcmp(r->ops[r->op_sorted[mid]].addr.bytes, a->bytes, 20);
        if (c == 0) {
            if (pos) *pos = mid;
            return r->op_sorted[mid];
        }
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    if (pos) *pos = lo;
    return NIL;
}

/* Index of staker `a`, or NIL; *slot = its table slot (or the empty slot
** where it would go). */
static uint32_t staker_find(const xr_restake *r, const xr_address *a, uint32_t *slot) {
    uint32_t h = hash_bytes(a->bytes, 20) & r->staker_mask;
    for (;;) {
        uint32_t i = r->staker_tab[h];
        if (i == NIL || memcmp(r->stakers[i].addr.bytes, a->bytes, 20) == 0) {
            if (slot) *slot = h;
            return i;
        }
        h = (h + 1u) & r->staker_mask;
    }
}

static uint32_t req_find(const xr_restake *r, const uint8_t key[32], uint32_t *slot) {
    uint32_t h = hash_bytes(key, 32) & r->req_mask;
    for (;;) {
        uint32_t i = r->req_tab[h];
        if (i == NIL || memcmp(r->reqs[i].key, key, 32) == 0) {
            if (slot) *slot = h;
            return i;
        }
        h = (h + 1u) & r->req_mask;
    }
}

/* The slot of withdrawal `id`: 0, XR_ERR_RESTAKE_UNKNOWN or XR_ERR_RESTAKE_DONE. */
static int wd_lookup(const xr_restake *r, uint64_t id, uint32_t *slot) {
    if (id == 0) return XR_ERR_RESTAKE_UNKNOWN;
    uint64_t cap = r->cfg.max_withdrawals, k = id - 1u;
    uint64_t s = k % cap, g = k / cap;
    const wd_rec *w = &r->wds[s];
    if (w->used && w->gen == g) {
        *slot = (uint32_t)s;
        return 0;
    }
    /* gen counts the completed uses of the slot */
    return g < w->gen ? XR_ERR_RESTAKE_DONE : XR_ERR_RESTAKE_UNKNOWN;
}

static int req_lookup(const xr_restake *r, uint64_t id, uint32_t *idx) {
    if (id == 0 || id > r->req_count) return XR_ERR_RESTAKE_UNKNOWN;
    *idx = (uint32_t)(id - 1u);
    return 0;
}

/* ---- operator state at a time ---------------------------------------------- */

/* AllocationManager._isRegistered: registered, or deregistered less than the
** deallocation delay ago (block.number < registeredUntil). */
static bool op_slashable(const op_rec *o, uint64_t now_ns) {
    return o->registered || now_ns < o->registered_until_ns;
}

/* The allocated magnitude in effect at now (AllocationManager
** _getUpdatedAllocation: a pending change counts from its effect block). */
static uint32_t op_mag(const op_rec *o, uint64_t now_ns) {
    return o->pending_change && now_ns >= o->pending_effect_ns ? o->pending_ppm : o->mag_ppm;
}

static void op_settle(op_rec *o, uint64_t now_ns) {
    if (o->pending_change && now_ns >= o->pending_effect_ns) {
        o->mag_ppm = o->pending_ppm;
        o->pending_change = false;
        o->pending_ppm = 0;
        o->pending_effect_ns = 0;
    }
}

static void op_leave(xr_restake *r, op_rec *o, uint64_t now_ns) {
    XR_ASSERT(o->registered);
    o->registered = false;
    o->deregistered_ns = now_ns;
    /* deregisterFromOperatorSets: registeredUntil = block.number + DEALLOCATION_DELAY */
    o->registered_until_ns = sat_add(now_ns, r->cfg.deallocation_delay_ns);
}

/* ---- list plumbing --------------------------------------------------------- */

static void staker_link(xr_restake *r, uint32_t si, uint32_t oi) {
    staker_rec *s = &r->stakers[si];
    op_rec *o = &r->ops[oi];
    s->op = oi;
    s->prev = NIL;
    s->next = o->staker_head;
    if (o->staker_head != NIL) r->stakers[o->staker_head].prev = si;
    o->staker_head = si;
    o->staker_count++;
    o->delegated_gwei += s->active_gwei;
}

static void staker_unlink(xr_restake *r, uint32_t si) {
    staker_rec *s = &r->stakers[si];
    XR_ASSERT(s->op != NIL);
    op_rec *o = &r->ops[s->op];
    if (s->prev != NIL) r->stakers[s->prev].next = s->next;
    else o->staker_head = s->next;
    if (s->next != NIL) r->stakers[s->next].prev = s->prev;
    XR_ASSERT(o->staker_count > 0 && o->delegated_gwei >= s->active_gwei);
    o->staker_count--;
    o->delegated_gwei -= s->active_gwei;
    s->op = s->prev = s->next = NIL;
}

static void wd_unlink(xr_restake *r, uint32_t wi) {
    wd_rec *w = &r->wds[wi];
    op_rec *o = &r->ops[w->op];
    if (w->prev != NIL) r->wds[w->prev].next = w->next;
    else o->wd_head = w->next;
    if (w->next != NIL) r->wds[w->next].prev = w->prev;
    XR_ASSERT(o->wd_count > 0);
    o->wd_count--;
}

/* Queue amount of staker si (checked: 0 < amount <= active, a slot is free). */
static uint64_t wd_queue(xr_restake *r, uint32_t si, uint64_t amount, uint64_t now_ns) {
    staker_rec *s = &r->stakers[si];
    XR_ASSERT(amount > 0 && amount <= s->active_gwei && r->wd_free != NIL);
    uint32_t wi = r->wd_free;
    wd_rec *w = &r->wds[wi];
    XR_ASSERT(!w->used);
    r->wd_free = w->next;
    r->wd_used++;
    w->used = true;
    w->staker = si;
    w->op = s->op;
    w->amount_gwei = w->remaining_gwei = amount;
    w->queued_ns = now_ns;
    w->slashable_until_ns = sat_add(now_ns, r->cfg.withdrawal_delay_ns);
    w->prev = w->next = NIL;
    s->active_gwei -= amount;
    s->queued_gwei += amount;
    r->tot.active -= amount;
    r->tot.queued += amount;
    if (s->op != NIL) {
        op_rec *o = &r->ops[s->op];
        XR_ASSERT(o->delegated_gwei >= amount);
        o->delegated_gwei -= amount;
        o->queued_gwei += amount;
        w->next = o->wd_head;
        if (o->wd_head != NIL) r->wds[o->wd_head].prev = wi;
        o->wd_head = wi;
        o->wd_count++;
    }
    return (uint64_t)w->gen * r->cfg.max_withdrawals + wi + 1u;
}

/* ---- operators and stakers ------------------------------------------------- */

int xr_restake_register_operator(xr_restake *r, const xr_address *op, uint64_t now_ns) {
    XR_ASSERT(r != NULL && op != NULL);
    if (addr_zero(op)) return XR_ERR_BAD_VALUE;
    uint32_t pos;
    uint32_t oi = op_find(r, op, &pos);
    if (oi != NIL) {
        op_rec *o = &r->ops[oi];
        if (o->ejected) return XR_ERR_RESTAKE_EJECTED;
        if (o->registered) return XR_ERR_RESTAKE_REGISTERED;
        o->registered = true;
        o->registered_ns = now_ns;
        return 0;
    }
    if (r->op_count == r->cfg.max_operators) return XR_ERR_CAPACITY;
    oi = r->op_count++;
    op_rec *o = &r->ops[oi];
    memset(o, 0, sizeof *o);
    o->addr = *op;
    o->registered = true;
    o->registered_ns = now_ns;
    o->staker_head = o->wd_head = NIL;
    /* the model's operators join with all their stake allocated to the
    ** service (allocated before the run; xr_restake_allocate changes it) */
    o->mag_ppm = r->cfg.genesis_magnitude_ppm;
    memmove(r->op_sorted + pos + 1, r->op_sorted + pos, sizeof(uint32_t) * (oi - pos));
    r->op_sorted[pos] = oi;
    return 0;
}

int xr_restake_deregister_operator(xr_restake *r, const xr_address *op, uint64_t now_ns) {
    XR_ASSERT(r != NULL && op != NULL);
    uint32_t oi = op_find(r, op, NULL);
    if (oi == NIL) return XR_ERR_RESTAKE_UNKNOWN;
    op_rec *o = &r->ops[oi];
    if (!o->registered) return XR_ERR_RESTAKE_NOT_REGISTERED;
    op_leave(r, o, now_ns);
    return 0;
}

int xr_restake_allocate(xr_restake *r, const xr_address *op, uint32_t magnitude_ppm, uint64_t now_ns) {
    XR_ASSERT(r != NULL && op != NULL);
    uint32_t oi = op_find(r, op, NULL);
    if (oi == NIL) return XR_ERR_RESTAKE_UNKNOWN;
    if (magnitude_ppm > XR_RESTAKE_PPM) return XR_ERR_BAD_VALUE;
    op_rec *o = &r->ops[oi];
    /* modifyAllocations: ModificationAlreadyPending, SameMagnitude */
    if (o->pending_change && now_ns < o->pending_effect_ns) return XR_ERR_RESTAKE_PENDING;
    uint32_t cur = op_mag(o, now_ns);
    if (magnitude_ppm == cur) return XR_ERR_BAD_VALUE;
    op_settle(o, now_ns);
    uint64_t delay;
    if (magnitude_ppm > cur) delay = r->cfg.allocation_delay_ns;   /* slashable after the operator's delay */
    else if (op_slashable(o, now_ns)) delay = r->cfg.deallocation_delay_ns; /* stays slashable meanwhile */
    else delay = 0;                                                 /* not slashable: at once */
    if (delay == 0) {
        o->mag_ppm = magnitude_ppm;
    } else {
        o->pending_change = true;
        o->pending_ppm = magnitude_ppm;
        o->pending_effect_ns = sat_add(now_ns, delay);
    }
    return 0;
}

int xr_restake_deposit(xr_restake *r, const xr_address *staker, uint64_t amount_gwei,
                       uint64_t now_ns) {
    XR_ASSERT(r != NULL && staker != NULL);
    (void)now_ns;
    if (addr_zero(staker) || amount_gwei == 0) return XR_ERR_BAD_VALUE;
    uint32_t slot;
    uint32_t si = staker_find(r, staker, &slot);
    if (si == NIL && r->staker_count == r->cfg.max_stakers) return XR_ERR_CAPACITY;
    /* every other sum is bounded by the lifetime deposits */
    if (r->tot.deposited > UINT64_MAX - amount_gwei) return XR_ERR_OVERFLOW;
    if (si == NIL) {
        si = r->staker_count++;
        staker_rec *s = &r->stakers[si];
        memset(s, 0, sizeof *s);
        s->addr = *staker;
        s->op = s->prev = s->next = NIL;
        r->staker_tab[slot] = si;
    }
    staker_rec *s = &r->stakers[si];
    s->deposited_gwei += amount_gwei;
    s->active_gwei += amount_gwei;
    r->tot.deposited += amount_gwei;
    r->tot.active += amount_gwei;
    if (s->op != NIL) r->ops[s->op].delegated_gwei += amount_gwei;
    return 0;
}

int xr_restake_delegate(xr_restake *r, const xr_address *staker, const xr_address *op,
                        uint64_t now_ns) {
    XR_ASSERT(r != NULL && staker != NULL && op != NULL);
    (void)now_ns;
    uint32_t si = staker_find(r, staker, NULL);
    if (si == NIL) return XR_ERR_RESTAKE_UNKNOWN;
    if (r->stakers[si].op != NIL) return XR_ERR_RESTAKE_DELEGATED;
    uint32_t oi = op_find(r, op, NULL);
    if (oi == NIL) return XR_ERR_RESTAKE_UNKNOWN;
    if (r->ops[oi].ejected) return XR_ERR_RESTAKE_EJECTED;
    if (!r->ops[oi].registered) return XR_ERR_RESTAKE_NOT_REGISTERED;
    staker_link(r, si, oi);
    return 0;
}

int xr_restake_undelegate(xr_restake *r, const xr_address *staker, uint64_t now_ns,
                          uint64_t *id_out) {
    XR_ASSERT(r != NULL && staker != NULL);
    uint32_t si = staker_find(r, staker, NULL);
    if (si == NIL) return XR_ERR_RESTAKE_UNKNOWN;
    staker_rec *s = &r->stakers[si];
    if (s->op == NIL) return XR_ERR_RESTAKE_NOT_DELEGATED;
    if (s->active_gwei > 0 && r->wd_free == NIL) return XR_ERR_CAPACITY;
    uint64_t id = 0;
    if (s->active_gwei > 0) id = wd_queue(r, si, s->active_gwei, now_ns);
    staker_unlink(r, si);
    if (id_out) *id_out = id;
    return 0;
}

/* ---- withdrawals ----------------------------------------------------------- */

int xr_restake_queue_withdrawal(xr_restake *r, const xr_address *staker, uint64_t amount_gwei,
                                uint64_t now_ns, uint64_t *id_out) {
    XR_ASSERT(r != NULL && staker != NULL);
    if (amount_gwei == 0) return XR_ERR_BAD_VALUE;
    uint32_t si = staker_find(r, staker, NULL);
    if (si == NIL) return XR_ERR_RESTAKE_UNKNOWN;
    if (amount_gwei > r->stakers[si].active_gwei) return XR_ERR_RESTAKE_INSUFFICIENT;
    if (r->wd_free == NIL) return XR_ERR_CAPACITY;
    uint64_t id = wd_queue(r, si, amount_gwei, now_ns);
    if (id_out) *id_out = id;
    return 0;
}

int xr_restake_complete_withdrawal(xr_restake *r, uint64_t id, uint64_t now_ns,
                                   uint64_t *paid_gwei) {
    XR_ASSERT(r != NULL);
    uint32_t wi;
    int rc = wd_lookup(r, id, &wi);
    if (rc) return rc;
    wd_rec *w = &r->wds[wi];
    /* DelegationManager._completeQueuedWithdrawal: require(block.number >
    ** startBlock + MIN_WITHDRAWAL_DELAY_BLOCKS) */
    if (now_ns <= w->slashable_until_ns) return XR_ERR_RESTAKE_NOT_READY;
    if (r->cfg.freeze_on_request && w->op != NIL && r->ops[w->op].pending > 0)
        return XR_ERR_RESTAKE_FROZEN;
    uint64_t pay = w->remaining_gwei;
    staker_rec *s = &r->stakers[w->staker];
    XR_ASSERT(s->queued_gwei >= pay && r->tot.queued >= pay);
    s->queued_gwei -= pay;
    s->withdrawn_gwei += pay;
    r->tot.queued -= pay;
    r->tot.withdrawn += pay;
    if (w->op != NIL) {
        XR_ASSERT(r->ops[w->op].queued_gwei >= pay);
        r->ops[w->op].queued_gwei -= pay;
        wd_unlink(r, wi);
    }
    uint32_t gen = w->gen + 1u;
    memset(w, 0, sizeof *w);
    w->gen = gen;
    w->next = r->wd_free;
    r->wd_free = wi;
    r->wd_used--;
    if (paid_gwei) *paid_gwei = pay;
    return 0;
}

/* ---- slashing -------------------------------------------------------------- */

int xr_restake_slash_request(xr_restake *r, const xr_address *op, const uint8_t key[32],
                             uint64_t now_ns, uint64_t *req_out) {
    XR_ASSERT(r != NULL && op != NULL && key != NULL);
    if (!r->cfg.slashing) return XR_ERR_RESTAKE_NO_SLASHING;
    uint32_t oi = op_find(r, op, NULL);
    if (oi == NIL) return XR_ERR_RESTAKE_UNKNOWN;
    /* slashOperator: require(isRegistered, NotMemberOfSet()) */
    if (!op_slashable(&r->ops[oi], now_ns)) return XR_ERR_RESTAKE_NOT_SLASHABLE;
    uint32_t slot;
    if (req_find(r, key, &slot) != NIL) return XR_ERR_RESTAKE_DUPLICATE;
    if (r->req_count == r->cfg.max_slashings) return XR_ERR_CAPACITY;
    uint32_t qi = r->req_count++;
    req_rec *q = &r->reqs[qi];
    memset(q, 0, sizeof *q);
    memcpy(q->key, key, 32);
    q->op = oi;
    q->state = XR_RESTAKE_REQ_PENDING;
    q->opened_ns = now_ns;
    q->executable_ns = sat_add(now_ns, r->cfg.veto_window_ns);
    r->req_tab[slot] = qi;
    r->ops[oi].pending++;
    if (req_out) *req_out = (uint64_t)qi + 1u;
    return 0;
}

int xr_restake_veto(xr_restake *r, uint64_t req, uint64_t now_ns) {
    XR_ASSERT(r != NULL);
    uint32_t qi;
    int rc = req_lookup(r, req, &qi);
    if (rc) return rc;
    req_rec *q = &r->reqs[qi];
    if (q->state != XR_RESTAKE_REQ_PENDING) return XR_ERR_RESTAKE_CLOSED;
    if (now_ns >= q->executable_ns) return XR_ERR_RESTAKE_WINDOW;
    q->state = XR_RESTAKE_REQ_VETOED;
    q->closed_ns = now_ns;
    XR_ASSERT(r->ops[q->op].pending > 0);
    r->ops[q->op].pending--;
    return 0;
}

int xr_restake_slash_execute(xr_restake *r, uint64_t req, uint64_t now_ns,
                             uint64_t *slashed_gwei) {
    XR_ASSERT(r != NULL);
    uint32_t qi;
    int rc = req_lookup(r, req, &qi);
    if (rc) return rc;
    req_rec *q = &r->reqs[qi];
    if (q->state != XR_RESTAKE_REQ_PENDING) return XR_ERR_RESTAKE_CLOSED;
    if (now_ns < q->executable_ns) return XR_ERR_RESTAKE_NOT_READY;
    op_rec *o = &r->ops[q->op];
    q->closed_ns = now_ns;
    XR_ASSERT(o->pending > 0);
    o->pending--;
    if (!op_slashable(o, now_ns)) {
        /* the veto window outlasted the operator's slashable window */
        q->state = XR_RESTAKE_REQ_LAPSED;
        q->slashed_gwei = 0;
        if (slashed_gwei) *slashed_gwei = 0;
        return 0;
    }
    op_settle(o, now_ns);
    /* AllocationManager.slashOperator: slashedMagnitude =
    ** currentMagnitude.mulWadRoundUp(wadToSlash), and every share delegated
    ** to the operator (active, or queued within its window) loses
    ** slashedMagnitude / maxMagnitude of itself. */
    uint32_t a = o->mag_ppm;
    uint32_t sm = mul_ppm_up(a, r->cfg.slash_ppm);
    uint64_t total = 0;
    for (uint32_t si = o->staker_head; si != NIL; si = r->stakers[si].next) {
        staker_rec *s = &r->stakers[si];
        uint64_t cut = mul_ppm(s->active_gwei, sm);
        s->active_gwei -= cut;
        s->slashed_gwei += cut;
        o->delegated_gwei -= cut;
        r->tot.active -= cut;
        total += cut;
    }
    for (uint32_t wi = o->wd_head; wi != NIL; wi = r->wds[wi].next) {
        wd_rec *w = &r->wds[wi];
        /* slashable only until start + delay (DelegationManager: the slashing
        ** factor is read at slashableUntil), completed or not */
        if (now_ns > w->slashable_until_ns) continue;
        staker_rec *s = &r->stakers[w->staker];
        uint64_t cut = mul_ppm(w->remaining_gwei, sm);
        w->remaining_gwei -= cut;
        s->queued_gwei -= cut;
        s->slashed_gwei += cut;
        o->queued_gwei -= cut;
        r->tot.queued -= cut;
        total += cut;
    }
    /* the magnitudes, rescaled to the operator's new maximum (max - sm);
    ** a pending deallocation shrinks with the slash, a pending allocation
    ** does not (slashOperator step 4) */
    if (sm > 0) {
        uint64_t rest = XR_RESTAKE_PPM - sm;
        if (o->pending_change) {
            uint64_t p = o->pending_ppm, target;
            if (p < a) {
                uint64_t d = a - p;
                uint64_t back = mul_ppm_up((uint32_t)d, r->cfg.slash_ppm);
                target = (uint64_t)(a - sm) >= d - back ? (uint64_t)(a - sm) - (d - back) : 0;
            } else {
                target = p - sm;
            }
            o->pending_ppm = rest == 0 ? 0 : (uint32_t)(target * XR_RESTAKE_PPM / rest);
            if (o->pending_ppm > XR_RESTAKE_PPM) o->pending_ppm = XR_RESTAKE_PPM;
        }
        o->mag_ppm = rest == 0 ? 0 : (uint32_t)((uint64_t)(a - sm) * XR_RESTAKE_PPM / rest);
    }
    o->slashed_gwei += total;
    r->tot.slashed += total;
    q->slashed_gwei = total;
    q->state = XR_RESTAKE_REQ_EXECUTED;
    if (r->cfg.eject_on_slash) {
        if (o->registered) op_leave(r, o, now_ns);
        o->ejected = true;
    }
    if (slashed_gwei) *slashed_gwei = total;
    return 0;
}

int xr_restake_submit_evidence(xr_restake *r, const uint8_t *ev, size_t len,
                               const xr_sig_backend *sig, const xr_valset *vs,
                               const xr_hash *canonical_root, uint64_t now_ns,
                               xr_evidence *ev_out, uint64_t *req_out) {
    XR_ASSERT(r != NULL && sig != NULL && vs != NULL && (ev != NULL || len == 0));
    xr_evidence e;
    int rc;
    if (len >= 2 && ev[0] == XR_EVIDENCE_VERSION && ev[1] == XR_EVIDENCE_FALSE_ATTEST) {
        if (canonical_root == NULL) return XR_ERR_INVALID_ARG;
        rc = xr_evidence_verify_false_attest(ev, len, sig, vs, canonical_root, &e);
    } else {
        rc = xr_evidence_verify(ev, len, sig, vs, &e);
    }
    if (ev_out) *ev_out = e;
    if (rc) return rc;
    xr_address off;
    memcpy(off.bytes, e.offender, 20);
    if (op_find(r, &off, NULL) == NIL) return XR_ERR_RESTAKE_UNKNOWN;
    uint8_t key[XR_EVIDENCE_KEY_BYTES];
    xr_evidence_offence_key(&e, key);
    return xr_restake_slash_request(r, &off, key, now_ns, req_out);
}

/* ---- queries --------------------------------------------------------------- */

static uint64_t op_power(const op_rec *o, uint64_t now_ns) {
    return o->registered ? mul_ppm(o->delegated_gwei, op_mag(o, now_ns)) : 0;
}

uint64_t xr_restake_operator_power(const xr_restake *r, const xr_address *op, uint64_t now_ns) {
    XR_ASSERT(r != NULL && op != NULL);
    uint32_t oi = op_find(r, op, NULL);
    return oi == NIL ? 0 : op_power(&r->ops[oi], now_ns);
}

int xr_restake_powers(const xr_restake *r, uint64_t now_ns, xr_validator *out, uint32_t cap,
                      uint32_t *count) {
    XR_ASSERT(r != NULL && count != NULL && (out != NULL || cap == 0));
    uint32_t n = 0;
    for (uint32_t k = 0; k < r->op_count; k++) {
        const op_rec *o = &r->ops[r->op_sorted[k]];
        uint64_t p = op_power(o, now_ns);
        if (p == 0) continue;
        if (n < cap) {
            out[n].addr = o->addr;
            out[n].power = p;
        }
        n++;
    }
    *count = n;
    return n > cap ? XR_ERR_CAPACITY : 0;
}

void xr_restake_totals_get(const xr_restake *r, xr_restake_totals *out) {
    XR_ASSERT(r != NULL && out != NULL);
    *out = r->tot;
}

int xr_restake_operator_get(const xr_restake *r, const xr_address *op,
                            xr_restake_operator_info *out) {
    XR_ASSERT(r != NULL && op != NULL && out != NULL);
    uint32_t oi = op_find(r, op, NULL);
    if (oi == NIL) return XR_ERR_RESTAKE_UNKNOWN;
    const op_rec *o = &r->ops[oi];
    memset(out, 0, sizeof *out);
    out->addr = o->addr;
    out->registered = o->registered;
    out->ejected = o->ejected;
    out->delegated_gwei = o->delegated_gwei;
    out->queued_gwei = o->queued_gwei;
    out->slashed_gwei = o->slashed_gwei;
    out->staker_count = o->staker_count;
    out->withdrawal_count = o->wd_count;
    out->pending_requests = o->pending;
    out->registered_ns = o->registered_ns;
    out->deregistered_ns = o->deregistered_ns;
    out->registered_until_ns = o->registered ? UINT64_MAX : o->registered_until_ns;
    out->magnitude_ppm = o->mag_ppm;
    out->pending_change = o->pending_change;
    out->pending_ppm = o->pending_ppm;
    out->pending_effect_ns = o->pending_effect_ns;
    return 0;
}

int xr_restake_staker_get(const xr_restake *r, const xr_address *staker,
                          xr_restake_staker_info *out) {
    XR_ASSERT(r != NULL && staker != NULL && out != NULL);
    uint32_t si = staker_find(r, staker, NULL);
    if (si == NIL) return XR_ERR_RESTAKE_UNKNOWN;
    const staker_rec *s = &r->stakers[si];
    memset(out, 0, sizeof *out);
    out->addr = s->addr;
    out->delegated = s->op != NIL;
    if (s->op != NIL) out->op = r->ops[s->op].addr;
    out->deposited_gwei = s->deposited_gwei;
    out->active_gwei = s->active_gwei;
    out->queued_gwei = s->queued_gwei;
    out->withdrawn_gwei = s->withdrawn_gwei;
    out->slashed_gwei = s->slashed_gwei;
    return 0;
}

int xr_restake_withdrawal_get(const xr_restake *r, uint64_t id, xr_restake_withdrawal_info *out) {
    XR_ASSERT(r != NULL && out != NULL);
    uint32_t wi;
    int rc = wd_lookup(r, id, &wi);
    if (rc) return rc;
    const wd_rec *w = &r->wds[wi];
    memset(out, 0, sizeof *out);
    out->id = id;
    out->staker = r->stakers[w->staker].addr;
    out->delegated = w->op != NIL;
    if (w->op != NIL) out->op = r->ops[w->op].addr;
    out->amount_gwei = w->amount_gwei;
    out->remaining_gwei = w->remaining_gwei;
    out->slashed_gwei = w->amount_gwei - w->remaining_gwei;
    out->queued_ns = w->queued_ns;
    out->slashable_until_ns = w->slashable_until_ns;
    out->completable_ns = sat_add(w->slashable_until_ns, 1);
    return 0;
}

int xr_restake_request_get(const xr_restake *r, uint64_t req, xr_restake_request_info *out) {
    XR_ASSERT(r != NULL && out != NULL);
    uint32_t qi;
    int rc = req_lookup(r, req, &qi);
    if (rc) return rc;
    const req_rec *q = &r->reqs[qi];
    memset(out, 0, sizeof *out);
    out->id = req;
    out->op = r->ops[q->op].addr;
    memcpy(out->key, q->key, 32);
    out->state = q->state;
    out->opened_ns = q->opened_ns;
    out->executable_ns = q->executable_ns;
    out->closed_ns = q->closed_ns;
    out->slashed_gwei = q->slashed_gwei;
    return 0;
}

int xr_restake_request_find(const xr_restake *r, const uint8_t key[32], uint64_t *req_out) {
    XR_ASSERT(r != NULL && key != NULL && req_out != NULL);
    uint32_t qi = req_find(r, key, NULL);
    if (qi == NIL) return XR_ERR_RESTAKE_UNKNOWN;
    *req_out = (uint64_t)qi + 1u;
    return 0;
}

/* ---- the ledger check ---------------------------------------------------- */

/* *acc += v, false on overflow. */
static bool add_ok(uint64_t *acc, uint64_t v) {
    if (*acc > UINT64_MAX - v) return false;
    *acc += v;
    return true;
}

/* Operators: sorted index, records, and their two lists. */
static bool check_ops(const xr_restake *r, uint64_t *op_slashed, uint32_t *pending,
                      uint32_t *linked) {
    *op_slashed = 0;
    *pending = 0;
    *linked = 0;
    if (r->op_count > r->cfg.max_operators) return false;
    for (uint32_t k = 0; k < r->op_count; k++) {
        if (r->op_sorted[k] >= r->op_count) return false;
        if (k > 0 && memcmp(r->ops[r->op_sorted[k - 1]].addr.bytes,
                            r->ops[r->op_sorted[k]].addr.bytes, 20) >= 0)
            return false;
    }
    for (uint32_t oi = 0; oi < r->op_count; oi++) {
        const op_rec *o = &r->ops[oi];
        if (op_find(r, &o->addr, NULL) != oi || (o->registered && o->ejected)) return false;
        if (o->mag_ppm > XR_RESTAKE_PPM || o->pending_ppm > XR_RESTAKE_PPM) return false;
        uint64_t sum = 0;
        uint32_t n = 0, prev = NIL;
        for (uint32_t si = o->staker_head; si != NIL; si = r->stakers[si].next) {
            if (si >= r->staker_count || n++ >= r->staker_count) return false;
            const staker_rec *s = &r->stakers[si];
            if (s->op != oi || s->prev != prev || !add_ok(&sum, s->active_gwei)) return false;
            prev = si;
        }
        if (n != o->staker_count || sum != o->delegated_gwei) return false;
        *linked += n;
        sum = 0;
        n = 0;
        prev = NIL;
        for (uint32_t wi = o->wd_head; wi != NIL; wi = r->wds[wi].next) {
            if (wi >= r->cfg.max_withdrawals || n++ >= r->cfg.max_withdrawals) return false;
            const wd_rec *w = &r->wds[wi];
            if (!w->used || w->op != oi || w->prev != prev || !add_ok(&sum, w->remaining_gwei))
                return false;
            prev = wi;
        }
        if (n != o->wd_count || sum != o->queued_gwei) return false;
        if (!add_ok(op_slashed, o->slashed_gwei)) return false;
        *pending += o->pending;
    }
    return true;
}

/* Withdrawal slots: the free list and the used entries, whose remaining
** amounts are added to each staker's scratch entry. */
static bool check_wds(const xr_restake *r, uint64_t *queued) {
    *queued = 0;
    uint32_t used = 0, free_n = 0;
    for (uint32_t wi = r->wd_free; wi != NIL; wi = r->wds[wi].next) {
        if (wi >= r->cfg.max_withdrawals || r->wds[wi].used || free_n++ >= r->cfg.max_withdrawals)
            return false;
    }
    for (uint32_t wi = 0; wi < r->cfg.max_withdrawals; wi++) {
        const wd_rec *w = &r->wds[wi];
        if (!w->used) continue;
        used++;
        if (w->staker >= r->staker_count || w->remaining_gwei > w->amount_gwei) return false;
        if (w->op != NIL && w->op >= r->op_count) return false;
        if (!add_ok(queued, w->remaining_gwei) || !add_ok(&r->scratch[w->staker], w->remaining_gwei))
            return false;
    }
    return used == r->wd_used && used + free_n == r->cfg.max_withdrawals;
}

/* Stakers: the hash table, each one's own ledger and its queued entries. */
static bool check_stakers(const xr_restake *r, xr_restake_totals *sum, uint32_t *delegated) {
    memset(sum, 0, sizeof *sum);
    *delegated = 0;
    if (r->staker_count > r->cfg.max_stakers) return false;
    for (uint32_t si = 0; si < r->staker_count; si++) {
        const staker_rec *s = &r->stakers[si];
        if (staker_find(r, &s->addr, NULL) != si) return false;
        if (s->op != NIL) {
            if (s->op >= r->op_count) return false;
            ++*delegated;
        }
        uint64_t parts = s->active_gwei;
        if (!add_ok(&parts, s->queued_gwei) || !add_ok(&parts, s->withdrawn_gwei) ||
            !add_ok(&parts, s->slashed_gwei) || parts != s->deposited_gwei)
            return false;
        if (r->scratch[si] != s->queued_gwei) return false;
        if (!add_ok(&sum->deposited, s->deposited_gwei) || !add_ok(&sum->active, s->active_gwei) ||
            !add_ok(&sum->queued, s->queued_gwei) || !add_ok(&sum->withdrawn, s->withdrawn_gwei) ||
            !add_ok(&sum->slashed, s->slashed_gwei))
            return false;
    }
    return true;
}

static bool check_reqs(const xr_restake *r, uint64_t *slashed, uint32_t *pending) {
    *slashed = 0;
    *pending = 0;
    if (r->req_count > r->cfg.max_slashings) return false;
    for (uint32_t qi = 0; qi < r->req_count; qi++) {
        const req_rec *q = &r->reqs[qi];
        if (req_find(r, q->key, NULL) != qi || q->op >= r->op_count) return false;
        if (q->state == XR_RESTAKE_REQ_PENDING) {
            ++*pending;
            if (q->slashed_gwei != 0) return false;
        } else if (q->state == XR_RESTAKE_REQ_EXECUTED) {
            if (!add_ok(slashed, q->slashed_gwei)) return false;
        } else if ((q->state != XR_RESTAKE_REQ_VETOED && q->state != XR_RESTAKE_REQ_LAPSED) ||
                   q->slashed_gwei != 0) {
            return false;
        }
    }
    return true;
}

int xr_restake_check(const xr_restake *r) {
    XR_ASSERT(r != NULL);
    const xr_restake_totals *t = &r->tot;
    uint64_t parts = t->active;
    bool ok = add_ok(&parts, t->queued) && add_ok(&parts, t->withdrawn) &&
              add_ok(&parts, t->slashed) && parts == t->deposited;
    uint64_t op_slashed = 0, wd_queued = 0, req_slashed = 0;
    uint32_t op_pending = 0, linked = 0, delegated = 0, req_pending = 0;
    xr_restake_totals sum;
    ok = ok && check_ops(r, &op_slashed, &op_pending, &linked);
    /* check_wds fills the scratch array check_stakers reads; it is cleared
    ** below whatever happened, so the state is as before the call */
    ok = ok && check_wds(r, &wd_queued);
    ok = ok && check_stakers(r, &sum, &delegated);
    memset(r->scratch, 0, sizeof(uint64_t) * r->cfg.max_stakers);
    ok = ok && check_reqs(r, &req_slashed, &req_pending);
    ok = ok && sum.deposited == t->deposited && sum.active == t->active &&
         sum.queued == t->queued && sum.withdrawn == t->withdrawn && sum.slashed == t->slashed;
    ok = ok && wd_queued == t->queued && op_slashed == t->slashed && req_slashed == t->slashed;
    ok = ok && op_pending == req_pending && linked == delegated;
    return ok ? 0 : XR_ERR_RESTAKE_LEDGER;
}
