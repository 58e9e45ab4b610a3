/*
** The relayer's choice of signatures, as Omni's relayer makes it
** (omni-network/omni relayer; PROTOCOL.md "Audit, 2026-12"): the signers
** by descending power until the quorum is exceeded, then sorted by address
** (the portal's Quorum.verify requires strictly ascending addresses).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "relay/relayer.h"
#include "xr_valset.h"

#define N 10

static xr_address addr(uint8_t b) {
    xr_address a;
    memset(a.bytes, 0, 20);
    a.bytes[19] = b;
    a.bytes[0] = 0x10;
    return a;
}

typedef struct fx {
    xr_validator storage[N], members[N];
    xr_valset set;
    xr_sig_tuple sigs[N + 1];
    struct mdl_relayer_pick scratch[N + 1];
    xr_sig_tuple out[N + 1];
} fx;

/* Powers by address order: the big holder sits last, so the address-order
** prefix needs almost everyone while descending power needs three. */
static void setup(fx *f) {
    static const uint64_t power[N] = {1, 1, 1, 1, 6, 10, 10, 10, 10, 50}; /* total 100 */
    memset(f, 0, sizeof *f);
    for (int i = 0; i < N; i++) f->members[i] = (xr_validator){addr((uint8_t)(i + 1)), power[i]};
    xr_valset_init(&f->set, f->storage, N);
    assert_int_equal(xr_valset_set(&f->set, 1, f->members, N), 0);
    for (int i = 0; i < N; i++) {
        f->sigs[i].validator = f->members[i].addr;
        memset(f->sigs[i].sig.bytes, i + 1, 65);
    }
}

static void test_relayer_picks_by_descending_power_then_sorts_by_address(void **state) {
    (void)state;
    fx f;
    setup(&f);
    /* 50 + 10 + 10 = 70 > 2/3 of 100; ties at 10 go by address */
    uint32_t k = mdl_relayer_pick_sigs(f.sigs, N, &f.set, XR_QUORUM_DEFAULT, f.scratch, f.out);
    assert_int_equal(k, 3);
    assert_memory_equal(f.out[0].validator.bytes, addr(6).bytes, 20);  /* power 10 */
    assert_memory_equal(f.out[1].validator.bytes, addr(7).bytes, 20);  /* power 10 */
    assert_memory_equal(f.out[2].validator.bytes, addr(10).bytes, 20); /* power 50 */
    assert_memory_equal(f.out[2].sig.bytes, f.sigs[9].sig.bytes, 65);  /* its own signature */
    for (uint32_t i = 1; i < k; i++)
        assert_true(memcmp(f.out[i - 1].validator.bytes, f.out[i].validator.bytes, 20) < 0);
    /* The address-order prefix (the old choice) would need all 10. */
    uint64_t p = 0;
    uint32_t prefix = 0;
    while (!xr_quorum_reached(XR_QUORUM_DEFAULT, p, 100)) p += f.members[prefix++].power;
    assert_int_equal(prefix, 10);
}

static void test_relayer_pick_ignores_non_members_and_all_keeps_everyone(void **state) {
    (void)state;
    fx f;
    setup(&f);
    /* A signer outside the set (power 0) is never needed. */
    f.sigs[N].validator = addr(0);
    memset(f.sigs[N].sig.bytes, 0xaa, 65);
    uint32_t k = mdl_relayer_pick_sigs(f.sigs, N + 1, &f.set, XR_QUORUM_DEFAULT, f.scratch, f.out);
    assert_int_equal(k, 3);
    for (uint32_t i = 0; i < k; i++) assert_memory_not_equal(f.out[i].validator.bytes, addr(0).bytes, 20);
    /* Without a set (`signatures: all`): everyone, by address. */
    xr_sig_tuple rev[N];
    for (int i = 0; i < N; i++) rev[i] = f.sigs[N - 1 - i];
    k = mdl_relayer_pick_sigs(rev, N, NULL, XR_QUORUM_DEFAULT, f.scratch, f.out);
    assert_int_equal(k, N);
    for (uint32_t i = 0; i < N; i++) assert_memory_equal(f.out[i].validator.bytes, addr((uint8_t)(i + 1)).bytes, 20);
    /* Not enough signers: all of them, still sorted (the portal will say no quorum). */
    k = mdl_relayer_pick_sigs(f.sigs, 4, &f.set, XR_QUORUM_DEFAULT, f.scratch, f.out);
    assert_int_equal(k, 4);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_relayer_picks_by_descending_power_then_sorts_by_address),
        cmocka_unit_test(test_relayer_pick_ignores_non_members_and_all_keeps_everyone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
