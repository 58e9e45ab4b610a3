/*
** Tests of validator sets and the quorum rule: the 128-bit quorum test
** against a naive multi-limb reference on powers near UINT64_MAX, the
** vectors' `quorum` section, set construction and its rejections, binary
** search against a linear scan, updates, early-stopping tallies, and the
** ring of recent sets (cutoff, stale and unknown ids, all-or-nothing push).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"
#include "xr_valset.h"

static uint64_t splitmix(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Naive reference: a * b as four 32-bit limbs (schoolbook), little-endian. */
static void mul_limbs(uint64_t a, uint64_t b, uint32_t out[4]) {
    uint32_t x[2] = {(uint32_t)a, (uint32_t)(a >> 32)}, y[2] = {(uint32_t)b, (uint32_t)(b >> 32)};
    uint64_t acc[4] = {0, 0, 0, 0};
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            uint64_t p = (uint64_t)x[i] * y[j];
            acc[i + j] += p & 0xffffffffu;
            acc[i + j + 1] += p >> 32;
        }
    uint64_t carry = 0;
    for (int k = 0; k < 4; k++) {
        uint64_t v = acc[k] + carry;
        out[k] = (uint32_t)v;
        carry = v >> 32;
    }
}

static bool naive_quorum(uint64_t voted, uint64_t total, uint64_t num, uint64_t den) {
    uint32_t l[4], r[4];
    mul_limbs(voted, den, l);
    mul_limbs(total, num, r);
    for (int k = 3; k >= 0; k--)
        if (l[k] != r[k]) return l[k] > r[k];
    return false; /* equal: not strictly more */
}

static void test_valset_quorum_matches_naive_reference(void **state) {
    (void)state;
    uint64_t s = 20240601;
    const uint64_t edges[] = {0, 1, 2, 3, UINT64_MAX / 3, UINT64_MAX / 3 * 2, UINT64_MAX / 2,
                              UINT64_MAX - 2, UINT64_MAX - 1, UINT64_MAX};
    const xr_quorum qs[] = {{2, 3}, {1, 2}, {0, 1}, {99, 100}, {UINT64_MAX - 1, UINT64_MAX},
                            {1, UINT64_MAX}};
    size_t ne = sizeof edges / sizeof edges[0];
    for (size_t qi = 0; qi < sizeof qs / sizeof qs[0]; qi++) {
        assert_int_equal(xr_quorum_validate(qs[qi]), 0);
        for (size_t i = 0; i < ne; i++)
            for (size_t j = 0; j < ne; j++)
                assert_int_equal(xr_quorum_reached(qs[qi], edges[i], edges[j]),
                                 naive_quorum(edges[i], edges[j], qs[qi].num, qs[qi].den));
    }
    for (int it = 0; it < 200000; it++) {
        uint64_t total = UINT64_MAX - (splitmix(&s) >> (splitmix(&s) % 64));
        uint64_t voted = total - (splitmix(&s) % (total / 2 + 1));
        /* Values right at the 2/3 boundary are the interesting ones. */
        if (it % 3 == 0) voted = total / 3 * 2 + (splitmix(&s) % 5) - 2;
        xr_quorum q = it % 2 ? (xr_quorum){2, 3} : (xr_quorum){splitmix(&s) % 1000, 1000};
        assert_int_equal(xr_quorum_reached(q, voted, total), naive_quorum(voted, total, q.num, q.den));
    }
    /* Hand-checked boundaries: 2/3 of 3 is 2, so 2 is not a quorum, 3 is. */
    assert_false(xr_quorum_reached(XR_QUORUM_DEFAULT, 2, 3));
    assert_true(xr_quorum_reached(XR_QUORUM_DEFAULT, 3, 3));
    assert_false(xr_quorum_reached(XR_QUORUM_DEFAULT, 0, 0));
    assert_true(xr_quorum_reached(XR_QUORUM_DEFAULT, UINT64_MAX, UINT64_MAX));
    assert_false(xr_quorum_reached(XR_QUORUM_DEFAULT, UINT64_MAX / 3 * 2, UINT64_MAX));
    assert_true(xr_quorum_reached(XR_QUORUM_DEFAULT, UINT64_MAX / 3 * 2 + 1, UINT64_MAX));
}

static void test_valset_quorum_validate(void **state) {
    (void)state;
    assert_int_equal(xr_quorum_validate((xr_quorum){2, 3}), 0);
    assert_int_equal(xr_quorum_validate((xr_quorum){0, 3}), 0);
    assert_int_equal(xr_quorum_validate((xr_quorum){3, 3}), XR_ERR_INVALID_ARG);
    assert_int_equal(xr_quorum_validate((xr_quorum){4, 3}), XR_ERR_INVALID_ARG);
    assert_int_equal(xr_quorum_validate((xr_quorum){0, 0}), XR_ERR_INVALID_ARG);
}

/* Address number i: big-endian i + 1 in the last bytes, with a scramble in
** the first byte so insertion order is not address order. */
static xr_address addr_of(uint32_t i) {
    xr_address a;
    memset(a.bytes, 0, 20);
    a.bytes[0] = (uint8_t)(i * 97u + 13u);
    a.bytes[16] = (uint8_t)(i >> 24);
    a.bytes[17] = (uint8_t)(i >> 16);
    a.bytes[18] = (uint8_t)(i >> 8);
    a.bytes[19] = (uint8_t)(i + 1);
    return a;
}

static void test_valset_vectors_quorum(void **state) {
    (void)state;
    json *doc = vectors_load();
    assert_non_null(doc);
    const json *qs = json_get(doc, "quorum");
    assert_true(json_count(qs) >= 10);
    for (size_t c = 0; c < json_count(qs); c++) {
        const json *q = json_at(qs, c);
        const json *powers = json_get(q, "powers"), *signers = json_get(q, "signers");
        uint32_t n = (uint32_t)json_count(powers);
        assert_int_equal(json_count(signers), n);
        xr_validator members[64], storage[64];
        xr_address signed_addrs[64];
        uint32_t nsigned = 0;
        assert_true(n <= 64);
        for (uint32_t i = 0; i < n; i++) {
            members[i].addr = addr_of(i);
            assert_true(json_u64(json_at(powers, i), &members[i].power));
            bool sgn;
            assert_true(json_bool(json_at(signers, i), &sgn));
            if (sgn) signed_addrs[nsigned++] = members[i].addr;
        }
        uint64_t num, den, want_voted, want_total;
        bool want_quorum;
        assert_true(json_u64(json_get(q, "numerator"), &num));
        assert_true(json_u64(json_get(q, "denominator"), &den));
        assert_true(json_u64(json_get(q, "voted"), &want_voted));
        assert_true(json_u64(json_get(q, "total"), &want_total));
        assert_true(json_bool(json_get(q, "quorum"), &want_quorum));
        xr_valset vs;
        xr_valset_init(&vs, storage, 64);
        assert_int_equal(xr_valset_set(&vs, 1, members, n), 0);
        assert_int_equal(vs.total_power, want_total);
        xr_quorum quorum = {num, den};
        assert_int_equal(xr_quorum_reached(quorum, want_voted, want_total), want_quorum);
        /* The full sum of the signers, then the early-stopping tally. */
        uint64_t voted = 0;
        for (uint32_t i = 0; i < nsigned; i++) voted += xr_valset_power_of(&vs, &signed_addrs[i]);
        assert_int_equal(voted, want_voted);
        uint64_t tallied;
        uint32_t examined;
        bool reached = xr_valset_tally(&vs, quorum, signed_addrs, nsigned, &tallied, &examined);
        assert_int_equal(reached, want_quorum);
        if (!reached) {
            assert_int_equal(tallied, want_voted);
            assert_int_equal(examined, nsigned);
        } else {
            assert_true(examined <= nsigned);
            assert_true(xr_quorum_reached(quorum, tallied, want_total));
        }
    }
    json_free(doc);
}

static void test_valset_set_sorts_and_finds(void **state) {
    (void)state;
    enum { N = 300 };
    static xr_validator in[N], storage[N];
    uint64_t s = 77;
    uint64_t total = 0;
    for (uint32_t i = 0; i < N; i++) {
        for (int k = 0; k < 20; k++) in[i].addr.bytes[k] = (uint8_t)splitmix(&s);
        in[i].power = splitmix(&s) % 1000000 + 1;
        total += in[i].power;
    }
    xr_valset vs;
    xr_valset_init(&vs, storage, N);
    assert_int_equal(xr_valset_set(&vs, 5, in, N), 0);
    assert_int_equal(vs.id, 5);
    assert_int_equal(vs.count, N);
    assert_int_equal(vs.total_power, total);
    for (uint32_t i = 1; i < N; i++)
        assert_true(memcmp(vs.members[i - 1].addr.bytes, vs.members[i].addr.bytes, 20) < 0);
    /* Binary search agrees with a linear scan, for members and non-members. */
    for (uint32_t i = 0; i < N; i++) {
        const xr_validator *v = xr_valset_find(&vs, &in[i].addr);
        assert_non_null(v);
        assert_int_equal(v->power, in[i].power);
        xr_address miss = in[i].addr;
        miss.bytes[19] ^= 1;
        uint64_t linear = 0;
        for (uint32_t j = 0; j < N; j++)
            if (memcmp(in[j].addr.bytes, miss.bytes, 20) == 0) linear = in[j].power;
        assert_int_equal(xr_valset_power_of(&vs, &miss), linear);
    }
    xr_address lowest = {{0}}, highest;
    memset(highest.bytes, 0xff, 20);
    assert_null(xr_valset_find(&vs, &lowest));
    assert_null(xr_valset_find(&vs, &highest));
}

static void test_valset_set_rejects_bad_sets(void **state) {
    (void)state;
    xr_validator storage[4], m[5];
    xr_valset vs;
    xr_valset_init(&vs, storage, 4);
    for (uint32_t i = 0; i < 5; i++) m[i] = (xr_validator){addr_of(i), 10};
    assert_int_equal(xr_valset_set(&vs, 1, m, 0), XR_ERR_VALSET_INVALID);
    assert_int_equal(xr_valset_set(&vs, 0, m, 2), XR_ERR_VALSET_INVALID);
    assert_int_equal(xr_valset_set(&vs, 1, m, 5), XR_ERR_CAPACITY);
    m[1].power = 0;
    assert_int_equal(xr_valset_set(&vs, 1, m, 3), XR_ERR_VALSET_INVALID);
    m[1].power = 10;
    memset(m[2].addr.bytes, 0, 20);
    assert_int_equal(xr_valset_set(&vs, 1, m, 3), XR_ERR_VALSET_INVALID);
    m[2].addr = m[0].addr; /* duplicate */
    assert_int_equal(xr_valset_set(&vs, 1, m, 3), XR_ERR_VALSET_INVALID);
    assert_int_equal(vs.count, 0);
    assert_int_equal(vs.id, 0);
    m[2].addr = addr_of(2);
    m[0].power = UINT64_MAX / 2 + 1;
    m[1].power = UINT64_MAX / 2 + 1;
    assert_int_equal(xr_valset_set(&vs, 1, m, 2), XR_ERR_OVERFLOW);
    m[1].power = UINT64_MAX / 2; /* exactly UINT64_MAX in total */
    assert_int_equal(xr_valset_set(&vs, 1, m, 2), 0);
    assert_int_equal(vs.total_power, UINT64_MAX);
}

static void test_valset_update_applies_changes(void **state) {
    (void)state;
    xr_validator s1[8], s2[8], s3[2], m[4];
    xr_valset prev, next, tiny;
    xr_valset_init(&prev, s1, 8);
    xr_valset_init(&next, s2, 8);
    xr_valset_init(&tiny, s3, 2);
    for (uint32_t i = 0; i < 4; i++) m[i] = (xr_validator){addr_of(i), 100 + i};
    assert_int_equal(xr_valset_set(&prev, 7, m, 4), 0);
    xr_validator before[8];
    memcpy(before, s1, sizeof before);

    xr_validator ch[3] = {
        {addr_of(1), 0},   /* remove */
        {addr_of(2), 555}, /* change */
        {addr_of(9), 42},  /* join */
    };
    assert_int_equal(xr_valset_update(&prev, ch, 3, &next), 0);
    assert_int_equal(next.id, 8);
    assert_int_equal(next.count, 4);
    assert_int_equal(next.total_power, 100 + 555 + 103 + 42);
    assert_int_equal(xr_valset_power_of(&next, &m[1].addr), 0);
    assert_int_equal(xr_valset_power_of(&next, &m[2].addr), 555);
    xr_address a9 = addr_of(9);
    assert_int_equal(xr_valset_power_of(&next, &a9), 42);
    for (uint32_t i = 1; i < next.count; i++)
        assert_true(memcmp(next.members[i - 1].addr.bytes, next.members[i].addr.bytes, 20) < 0);
    assert_memory_equal(before, s1, sizeof before); /* prev untouched */

    /* No changes: same members, id + 1. */
    assert_int_equal(xr_valset_update(&prev, NULL, 0, &next), 0);
    assert_int_equal(next.id, 8);
    assert_int_equal(next.total_power, prev.total_power);

    /* Rejections. */
    xr_validator dup[2] = {{addr_of(9), 1}, {addr_of(9), 2}};
    assert_int_equal(xr_valset_update(&prev, dup, 2, &next), XR_ERR_VALSET_INVALID);
    assert_int_equal(next.count, 0);
    xr_validator rm_missing[1] = {{addr_of(9), 0}};
    assert_int_equal(xr_valset_update(&prev, rm_missing, 1, &next), XR_ERR_VALSET_INVALID);
    xr_validator rm_all[4] = {{addr_of(0), 0}, {addr_of(1), 0}, {addr_of(2), 0}, {addr_of(3), 0}};
    assert_int_equal(xr_valset_update(&prev, rm_all, 4, &next), XR_ERR_VALSET_INVALID);
    xr_validator zero[1] = {{{{0}}, 5}};
    assert_int_equal(xr_valset_update(&prev, zero, 1, &next), XR_ERR_VALSET_INVALID);
    assert_int_equal(xr_valset_update(&prev, NULL, 0, &tiny), XR_ERR_CAPACITY);
    xr_validator huge[1] = {{addr_of(0), UINT64_MAX}};
    assert_int_equal(xr_valset_update(&prev, huge, 1, &next), XR_ERR_OVERFLOW);
}

static void test_valset_tally_stops_at_quorum(void **state) {
    (void)state;
    xr_validator storage[10], m[10];
    xr_address order[10];
    for (uint32_t i = 0; i < 10; i++) {
        m[i] = (xr_validator){addr_of(i), 10};
        order[i] = m[i].addr;
    }
    xr_valset vs;
    xr_valset_init(&vs, storage, 10);
    assert_int_equal(xr_valset_set(&vs, 1, m, 10), 0);
    uint64_t voted;
    uint32_t examined;
    /* 7 x 10 = 70 > 66.7: the 7th signer reaches quorum, the rest unread. */
    assert_true(xr_valset_tally(&vs, XR_QUORUM_DEFAULT, order, 10, &voted, &examined));
    assert_int_equal(voted, 70);
    assert_int_equal(examined, 7);
    assert_false(xr_valset_tally(&vs, XR_QUORUM_DEFAULT, order, 6, &voted, &examined));
    assert_int_equal(voted, 60);
    assert_int_equal(examined, 6);
    /* Non-members count nothing. */
    xr_address strangers[3] = {addr_of(50), addr_of(51), addr_of(52)};
    assert_false(xr_valset_tally(&vs, XR_QUORUM_DEFAULT, strangers, 3, &voted, &examined));
    assert_int_equal(voted, 0);
}

static void push_set(xr_valset_ring *r, uint64_t id, int want) {
    xr_validator m[3];
    for (uint32_t i = 0; i < 3; i++) m[i] = (xr_validator){addr_of((uint32_t)id * 3 + i), id + i};
    assert_int_equal(xr_valset_ring_push(r, id, m, 3), want);
}

static void test_valset_ring_keeps_last_cutoff_sets(void **state) {
    (void)state;
    enum { CUTOFF = 10, CAP = 4 };
    xr_valset slots[CUTOFF + 1];
    xr_validator storage[(CUTOFF + 1) * CAP];
    assert_int_equal(xr_valset_ring_storage_count(CUTOFF, CAP), (CUTOFF + 1) * CAP);
    xr_valset_ring r;
    xr_valset_ring_init(&r, slots, storage, CUTOFF, CAP);
    const xr_valset *vs;
    assert_int_equal(xr_valset_ring_latest_id(&r), 0);
    assert_int_equal(xr_valset_ring_get(&r, 1, &vs), XR_ERR_VALSET_UNKNOWN);
    for (uint64_t id = 1; id <= 15; id++) {
        push_set(&r, id, 0);
        assert_int_equal(xr_valset_ring_latest_id(&r), id);
    }
    assert_int_equal(xr_valset_ring_min_id(&r), 6);
    for (uint64_t id = 6; id <= 15; id++) {
        assert_int_equal(xr_valset_ring_get(&r, id, &vs), 0);
        assert_int_equal(vs->id, id);
        assert_int_equal(vs->total_power, id + id + 1 + id + 2);
        xr_address a = addr_of((uint32_t)id * 3 + 1);
        assert_int_equal(xr_valset_power_of(vs, &a), id + 1);
    }
    for (uint64_t id = 1; id <= 5; id++)
        assert_int_equal(xr_valset_ring_get(&r, id, &vs), XR_ERR_VALSET_STALE);
    assert_int_equal(xr_valset_ring_get(&r, 16, &vs), XR_ERR_VALSET_UNKNOWN);
    assert_int_equal(xr_valset_ring_get(&r, 0, &vs), XR_ERR_VALSET_UNKNOWN);
    assert_null(vs);

    /* Rejected pushes change no byte of the ring. */
    xr_valset slots_before[CUTOFF + 1];
    xr_validator storage_before[(CUTOFF + 1) * CAP];
    xr_valset_ring r_before = r;
    memcpy(slots_before, slots, sizeof slots);
    memcpy(storage_before, storage, sizeof storage);
    push_set(&r, 15, XR_ERR_VALSET_INVALID); /* not increasing */
    push_set(&r, 3, XR_ERR_VALSET_INVALID);
    xr_validator bad[5];
    for (uint32_t i = 0; i < 5; i++) bad[i] = (xr_validator){addr_of(i), 1};
    assert_int_equal(xr_valset_ring_push(&r, 16, bad, 5), XR_ERR_CAPACITY);
    bad[1].addr = bad[0].addr;
    assert_int_equal(xr_valset_ring_push(&r, 16, bad, 3), XR_ERR_VALSET_INVALID);
    assert_memory_equal(&r, &r_before, sizeof r);
    assert_memory_equal(slots, slots_before, sizeof slots);
    assert_memory_equal(storage, storage_before, sizeof storage);
    push_set(&r, 16, 0);
    assert_int_equal(xr_valset_ring_get(&r, 6, &vs), XR_ERR_VALSET_STALE);
    assert_int_equal(xr_valset_ring_get(&r, 7, &vs), 0);
}

static void test_valset_ring_with_gaps_in_ids(void **state) {
    (void)state;
    enum { CUTOFF = 10, CAP = 3 };
    xr_valset slots[CUTOFF + 1];
    xr_validator storage[(CUTOFF + 1) * CAP];
    xr_valset_ring r;
    xr_valset_ring_init(&r, slots, storage, CUTOFF, CAP);
    push_set(&r, 1, 0);
    push_set(&r, 5, 0);
    const xr_valset *vs;
    assert_int_equal(xr_valset_ring_min_id(&r), 1);
    assert_int_equal(xr_valset_ring_get(&r, 1, &vs), 0);
    assert_int_equal(xr_valset_ring_get(&r, 3, &vs), XR_ERR_VALSET_UNKNOWN);
    push_set(&r, 20, 0);
    /* latest 20, cutoff 10: ids 11..20 accepted; 5 is live in the ring but
    ** too old, 12 never existed. */
    assert_int_equal(xr_valset_ring_min_id(&r), 11);
    assert_int_equal(xr_valset_ring_get(&r, 5, &vs), XR_ERR_VALSET_STALE);
    assert_int_equal(xr_valset_ring_get(&r, 12, &vs), XR_ERR_VALSET_UNKNOWN);
    assert_int_equal(xr_valset_ring_get(&r, 20, &vs), 0);
    assert_int_equal(vs->id, 20);
}

static void test_valset_ring_cutoff_one(void **state) {
    (void)state;
    xr_valset slots[2];
    xr_validator storage[2 * 3];
    xr_valset_ring r;
    xr_valset_ring_init(&r, slots, storage, 1, 3);
    const xr_valset *vs;
    for (uint64_t id = 1; id <= 5; id++) {
        push_set(&r, id, 0);
        assert_int_equal(xr_valset_ring_get(&r, id, &vs), 0);
        assert_int_equal(vs->total_power, 3 * id + 3);
        if (id > 1) assert_int_equal(xr_valset_ring_get(&r, id - 1, &vs), XR_ERR_VALSET_STALE);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valset_quorum_matches_naive_reference),
        cmocka_unit_test(test_valset_quorum_validate),
        cmocka_unit_test(test_valset_vectors_quorum),
        cmocka_unit_test(test_valset_set_sorts_and_finds),
        cmocka_unit_test(test_valset_set_rejects_bad_sets),
        cmocka_unit_test(test_valset_update_applies_changes),
        cmocka_unit_test(test_valset_tally_stops_at_quorum),
        cmocka_unit_test(test_valset_ring_keeps_last_cutoff_sets),
        cmocka_unit_test(test_valset_ring_with_gaps_in_ids),
        cmocka_unit_test(test_valset_ring_cutoff_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
