/*
** Validator sets, the quorum rule and the ring of recent sets (see
** xr_valset.h).  Sorting is an in-place heapsort (no qsort: the core links
** no libc beyond mem*), lookups are binary searches over addresses.
*/
#include "xr_valset.h"

#include <string.h>

#include "xr_assert.h"


__extension__ typedef unsigned __int128 u128;

static const xr_address zero_addr;

int xr_quorum_validate(xr_quorum q) {
    if (q.den == 0 || q.num >= q.den) return XR_ERR_INVALID_ARG;
    return 0;
}

bool xr_quorum_reached(xr_quorum q, uint64_t voted, uint64_t total) {
    XR_ASSERT(q.den > 0 && q.num < q.den);
    return (u128)voted * q.den > (u128)total * q.num;
}

void xr_valset_init(xr_valset *vs, xr_validator *storage, uint32_t cap) {
    XR_ASSERT(vs != NULL);
    XR_ASSERT(storage != NULL || cap == 0);
    vs->id = 0;
    vs->total_power = 0;
    vs->members = storage;
    vs->count = 0;
    vs->cap = cap;
}

static void vs_clear(xr_valset *vs) {
    vs->id = 0;
    vs->total_power = 0;
    vs->count = 0;
}

static int addr_cmp(const xr_address *a, const xr_address *b) { return memcmp(a->bytes, b->bytes, 20); }

static void sift_down(xr_validator *v, uint32_t root, uint32_t n) {
    for (;;) {
        uint32_t child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && addr_cmp(&v[child].addr, &v[child + 1].addr) < 0) child++;
        if (addr_cmp(&v[root].addr, &v[child].addr) >= 0) return;
        xr_validator t = v[root];
        v[root] = v[child];
        v[child] = t;
        root = child;
    }
}

static void sort_by_addr(xr_validator *v, uint32_t n) {
    if (n < 2) return;
    for (uint32_t i = n / 2; i-- > 0;) sift_down(v, i, n);
    for (uint32_t end = n - 1; end > 0; end--) {
        xr_validator t = v[0];
        v[0] = v[end];
        v[end] = t;
        sift_down(v, 0, end);
    }
}

/* Validate a sorted member array and compute its total. */
static int check_sorted(const xr_validator *v, uint32_t n, uint64_t *total_out) {
    uint64_t total = 0;
    if (n == 0) return XR_ERR_VALSET_INVALID;
    for (uint32_t i = 0; i < n; i++) {
        if (v[i].power == 0 || addr_cmp(&v[i].addr, &zero_addr) == 0) return XR_ERR_VALSET_INVALID;
        if (i > 0 && addr_cmp(&v[i - 1].addr, &v[i].addr) >= 0) return XR_ERR_VALSET_INVALID;
        if (total > UINT64_MAX - v[i].power) return XR_ERR_OVERFLOW;
        total += v[i].power;
    }
    *total_out = total;
    return 0;
}

int xr_valset_members_normalize(xr_validator *members, uint32_t count, uint64_t *total_out) {
    XR_ASSERT(members != NULL || count == 0);
    XR_ASSERT(total_out != NULL);
    sort_by_addr(members, count);
    return check_sorted(members, count, total_out);
}

int xr_valset_set(xr_valset *vs, uint64_t id, const xr_validator *members, uint32_t count) {
    XR_ASSERT(vs != NULL);
    XR_ASSERT(members != NULL || count == 0);
    vs_clear(vs);
    if (id == 0) return XR_ERR_VALSET_INVALID;
    if (count > vs->cap) return XR_ERR_CAPACITY;
    if (count > 0) memcpy(vs->members, members, (size_t)count * sizeof *members);
    sort_by_addr(vs->members, count);
    uint64_t total = 0;
    int rc = check_sorted(vs->members, count, &total);
    if (rc != 0) return rc;
    vs->id = id;
    vs->count = count;
    vs->total_power = total;
    return 0;
}

/* Index of the first member with address >= addr (count if none). */
static uint32_t lower_bound(const xr_valset *vs, const xr_address *addr) {
    uint32_t lo = 0, hi = vs->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (addr_cmp(&vs->members[mid].addr, addr) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

const xr_validator *xr_valset_find(const xr_valset *vs, const xr_address *addr) {
    XR_ASSERT(vs != NULL && addr != NULL);
    uint32_t i = lower_bound(vs, addr);
    if (i < vs->count && addr_cmp(&vs->members[i].addr, addr) == 0) return &vs->members[i];
    return NULL;
}

uint64_t xr_valset_power_of(const xr_valset *vs, const xr_address *addr) {
    const xr_validator *v = xr_valset_find(vs, addr);
    return v ? v->power : 0;
}

int xr_valset_update(const xr_valset *prev, const xr_validator *changes, uint32_t change_count,
                     xr_valset *next) {
    XR_ASSERT(prev != NULL && next != NULL && prev != next);
    XR_ASSERT(changes != NULL || change_count == 0);
    XR_ASSERT(next->members != prev->members || next->cap == 0);
    vs_clear(next);
    if (prev->id == UINT64_MAX) return XR_ERR_OVERFLOW;
    /* Reject repeated or zero addresses among the changes first. */
    for (uint32_t j = 0; j < change_count; j++) {
        if (addr_cmp(&changes[j].addr, &zero_addr) == 0) return XR_ERR_VALSET_INVALID;
        for (uint32_t k = 0; k < j; k++)
            if (addr_cmp(&changes[j].addr, &changes[k].addr) == 0) return XR_ERR_VALSET_INVALID;
    }
    if (prev->count > next->cap) return XR_ERR_CAPACITY;
    if (prev->count > 0)
        memcpy(next->members, prev->members, (size_t)prev->count * sizeof *prev->members);
    next->count = prev->count;
    /* Apply each change keeping the array sorted (insert/remove by memmove). */
    for (uint32_t j = 0; j < change_count; j++) {
        uint32_t i = lower_bound(next, &changes[j].addr);
        bool present = i < next->count && addr_cmp(&next->members[i].addr, &changes[j].addr) == 0;
        if (changes[j].power == 0) {
            if (!present) { vs_clear(next); return XR_ERR_VALSET_INVALID; }
            memmove(&next->members[i], &next->members[i + 1],
                    (size_t)(next->count - i - 1) * sizeof *next->members);
            next->count--;
        } else if (present) {
            next->members[i].power = changes[j].power;
        } else {
            if (next->count == next->cap) { vs_clear(next); return XR_ERR_CAPACITY; }
            memmove(&next->members[i + 1], &next->members[i],
                    (size_t)(next->count - i) * sizeof *next->members);
            next->members[i] = changes[j];
            next->count++;
        }
    }
    uint64_t total = 0;
    int rc = check_sorted(next->members, next->count, &total);
    if (rc != 0) { vs_clear(next); return rc; }
    next->id = prev->id + 1;
    next->total_power = total;
    return 0;
}

bool xr_valset_tally(const xr_valset *vs, xr_quorum q, const xr_address *addrs,
                     uint32_t addr_count, uint64_t *voted_out, uint32_t *examined_out) {
    XR_ASSERT(vs != NULL && voted_out != NULL && examined_out != NULL);
    XR_ASSERT(addrs != NULL || addr_count == 0);
    uint64_t voted = 0;
    bool reached = false;
    uint32_t i = 0;
    while (i < addr_count && !reached) {
        uint64_t p = xr_valset_power_of(vs, &addrs[i]);
        /* Saturate: only possible with duplicates, which callers reject. */
        voted = voted > UINT64_MAX - p ? UINT64_MAX : voted + p;
        i++;
        reached = xr_quorum_reached(q, voted, vs->total_power);
    }
    *voted_out = voted;
    *examined_out = i;
    return reached;
}

/* ---- ring ------------------------------------------------------------------ */

/* The idle spare slot is kept all-zero (see xr_valset_ring_push). */
static void slot_wipe(xr_valset *vs) {
    memset(vs->members, 0, (size_t)vs->cap * sizeof *vs->members);
    vs_clear(vs);
}

size_t xr_valset_ring_storage_count(uint32_t cutoff, uint32_t member_cap) {
    return ((size_t)cutoff + 1) * member_cap;
}

void xr_valset_ring_init(xr_valset_ring *r, xr_valset *slots, xr_validator *storage,
                         uint32_t cutoff, uint32_t member_cap) {
    XR_ASSERT(r != NULL && slots != NULL && storage != NULL);
    XR_ASSERT(cutoff >= 1 && member_cap >= 1);
    r->slots = slots;
    r->cutoff = cutoff;
    r->len = 0;
    r->head = cutoff; /* so the first push lands in slot 0 */
    r->member_cap = member_cap;
    for (uint32_t i = 0; i <= cutoff; i++) {
        xr_valset_init(&slots[i], storage + (size_t)i * member_cap, member_cap);
        slot_wipe(&slots[i]);
    }
}

uint64_t xr_valset_ring_latest_id(const xr_valset_ring *r) {
    XR_ASSERT(r != NULL);
    return r->len ? r->slots[r->head].id : 0;
}

uint64_t xr_valset_ring_min_id(const xr_valset_ring *r) {
    uint64_t latest = xr_valset_ring_latest_id(r);
    if (latest == 0) return 0;
    return latest > r->cutoff ? latest - r->cutoff + 1 : 1;
}

int xr_valset_ring_push(xr_valset_ring *r, uint64_t id, const xr_validator *members,
                        uint32_t count) {
    XR_ASSERT(r != NULL);
    if (r->len > 0 && id <= xr_valset_ring_latest_id(r)) return XR_ERR_VALSET_INVALID;
    uint32_t slot_count = r->cutoff + 1;
    uint32_t spare = (r->head + 1) % slot_count;
    int rc = xr_valset_set(&r->slots[spare], id, members, count);
    if (rc != 0) {
        /* Only the spare was touched: wipe it back to all-zero bytes so a
        ** rejected set leaves the ring's memory exactly as it was. */
        slot_wipe(&r->slots[spare]);
        return rc;
    }
    r->head = spare;
    if (r->len < r->cutoff) r->len++;
    else slot_wipe(&r->slots[(r->head + 1) % slot_count]); /* evicted: new spare */
    XR_ASSERT(r->len <= r->cutoff);
    return 0;
}

int xr_valset_ring_get(const xr_valset_ring *r, uint64_t id, const xr_valset **out) {
    XR_ASSERT(r != NULL && out != NULL);
    *out = NULL;
    uint64_t latest = xr_valset_ring_latest_id(r);
    if (id == 0 || r->len == 0 || id > latest) return XR_ERR_VALSET_UNKNOWN;
    if (id < xr_valset_ring_min_id(r)) return XR_ERR_VALSET_STALE;
    uint32_t slot_count = r->cutoff + 1;
    for (uint32_t k = 0; k < r->len; k++) {
        const xr_valset *vs = &r->slots[(r->head + slot_count - k) % slot_count];
        if (vs->id == id) { *out = vs; return 0; }
        if (vs->id < id) break; /* ids decrease going back */
    }
    return XR_ERR_VALSET_UNKNOWN;
}
