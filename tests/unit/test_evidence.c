/*
** Tests of misbehaviour evidence (protocol/xr_evidence): all three kinds
** encode, decode and verify with real secp256k1 signatures (as an L1
** contract would check them), every rejection path returns its specific
** error -- including a signature re-attached to a header it never attested
** and a false attestation whose root is the canonical one -- and the
** offence key is the same whichever messages prove one offence.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "votes.h"
#include <string.h>

#include "crypto/sig_secp.h"
#include "xr_attest.h"
#include "xr_bft.h"
#include "xr_evidence.h"
#include "xr_keccak.h"

typedef struct fix {
    mdl_sig_secp *sp;
    xr_sig_backend be;
    const xr_sig_key *key[3];
    xr_address addr[3];
    xr_validator store[3];
    xr_valset vs;   /* members 0 and 1 only */
} fix;

static void fix_init(fix *f) {
    memset(f, 0, sizeof *f);
    f->sp = mdl_sig_secp_new(3);
    assert_non_null(f->sp);
    f->be = mdl_sig_secp_backend(f->sp);
    for (uint32_t i = 0; i < 3; i++)
        assert_int_equal(mdl_sig_secp_derive_key(f->sp, 77, i, &f->key[i], &f->addr[i]), 0);
    xr_validator m[2] = {{f->addr[0], 10}, {f->addr[1], 20}};
    xr_valset_init(&f->vs, f->store, 3);
    assert_int_equal(xr_valset_set(&f->vs, 1, m, 2), 0);
}

static void core(fix *f, int who, uint8_t type, uint32_t round, uint8_t id_byte, xr_bft_core *c) {
    memset(c, 0, sizeof *c);
    c->type = type;
    c->chain_id = 9;
    c->height = 12;
    c->round = round;
    c->pol_round = XR_BFT_NO_ROUND;
    memset(c->block_id, id_byte, 32);
    memcpy(c->validator, f->addr[who].bytes, 20);
    assert_int_equal(xr_bft_sign_core(&f->be, f->key[who], c), 0);
}

static void att(fix *f, int who, uint64_t offset, uint8_t root_tag, xr_att_vote *v) {
    xrtest_att_vote(&f->be, f->key[who], &f->addr[who], offset, 700 + offset, root_tag, v);
}

static void test_evidence_duplicate_vote_verifies(void **state) {
    (void)state;
    fix f;
    fix_init(&f);
    for (uint8_t type = XR_BFT_PROPOSAL; type <= XR_BFT_PRECOMMIT; type++) {
        xr_bft_core a, b;
        core(&f, 1, type, 2, 0x01, &a);
        /* votes may conflict with nil; proposals never name nil */
        core(&f, 1, type, 2, type == XR_BFT_PROPOSAL ? 0x02 : 0x00, &b);
        uint8_t ev[XR_EVIDENCE_MAX_BYTES], ev2[XR_EVIDENCE_MAX_BYTES];
        int n = xr_evidence_encode_duplicate(&a, &b, ev, sizeof ev);
        assert_int_equal(n, (int)(2 + 2 * xr_bft_core_len(type)));
        /* either order gives the same canonical bytes */
        assert_int_equal(xr_evidence_encode_duplicate(&b, &a, ev2, sizeof ev2), n);
        assert_memory_equal(ev, ev2, (size_t)n);
        xr_evidence e;
        assert_int_equal(xr_evidence_verify(ev, (size_t)n, &f.be, &f.vs, &e), 0);
        assert_int_equal(e.kind, XR_EVIDENCE_DUPLICATE_VOTE);
        assert_memory_equal(e.offender, f.addr[1].bytes, 20);
        assert_int_equal(e.core_a.height, 12);
        /* swapped order is not canonical */
        size_t half = xr_bft_core_len(type);
        memcpy(ev2 + 2, ev + 2 + half, half);
        memcpy(ev2 + 2 + half, ev + 2, half);
        assert_int_equal(xr_evidence_verify(ev2, (size_t)n, &f.be, &f.vs, NULL), XR_ERR_EVIDENCE_ORDER);
    }
    /* proposals differing only in POL round also conflict */
    xr_bft_core a, b;
    core(&f, 0, XR_BFT_PROPOSAL, 3, 0x07, &a);
    b = a;
    b.pol_round = 1;
    assert_int_equal(xr_bft_sign_core(&f.be, f.key[0], &b), 0);
    uint8_t ev[XR_EVIDENCE_MAX_BYTES];
    int n = xr_evidence_encode_duplicate(&a, &b, ev, sizeof ev);
    assert_true(n > 0);
    assert_int_equal(xr_evidence_verify(ev, (size_t)n, &f.be, &f.vs, NULL), 0);
    mdl_sig_secp_free(f.sp);
}

static void test_evidence_duplicate_vote_rejections(void **state) {
    (void)state;
    fix f;
    fix_init(&f);
    xr_bft_core a, b, c;
    uint8_t ev[XR_EVIDENCE_MAX_BYTES];
    core(&f, 1, XR_BFT_PREVOTE, 2, 0x01, &a);
    core(&f, 1, XR_BFT_PREVOTE, 2, 0x02, &b);
    /* same vote twice */
    assert_int_equal(xr_evidence_encode_duplicate(&a, &a, ev, sizeof ev), XR_ERR_EVIDENCE_SAME);
    /* different slots */
    core(&f, 1, XR_BFT_PREVOTE, 3, 0x02, &c);
    assert_int_equal(xr_evidence_encode_duplicate(&a, &c, ev, sizeof ev), XR_ERR_EVIDENCE_MISMATCH);
    core(&f, 0, XR_BFT_PREVOTE, 2, 0x02, &c);
    assert_int_equal(xr_evidence_encode_duplicate(&a, &c, ev, sizeof ev), XR_ERR_EVIDENCE_MISMATCH);
    core(&f, 1, XR_BFT_PRECOMMIT, 2, 0x02, &c);
    assert_int_equal(xr_evidence_encode_duplicate(&a, &c, ev, sizeof ev), XR_ERR_EVIDENCE_MISMATCH);
    assert_int_equal(xr_evidence_encode_duplicate(&a, &b, ev, 10), XR_ERR_NOSPACE);
    int n = xr_evidence_encode_duplicate(&a, &b, ev, sizeof ev);
    assert_true(n > 0);
    /* structure */
    assert_int_equal(xr_evidence_verify(ev, 1, &f.be, &f.vs, NULL), XR_ERR_TRUNCATED);
    for (int k = 2; k < n; k++) assert_true(xr_evidence_verify(ev, (size_t)k, &f.be, &f.vs, NULL) < 0);
    uint8_t bad[XR_EVIDENCE_MAX_BYTES + 1];
    memcpy(bad, ev, (size_t)n);
    bad[n] = 0;
    assert_int_equal(xr_evidence_verify(bad, (size_t)n + 1, &f.be, &f.vs, NULL), XR_ERR_TRAILING);
    bad[0] = 2;
    assert_int_equal(xr_evidence_verify(bad, (size_t)n, &f.be, &f.vs, NULL), XR_ERR_BFT_VERSION);
    bad[0] = 1;
    bad[1] = 3;
    assert_int_equal(xr_evidence_verify(bad, (size_t)n, &f.be, &f.vs, NULL), XR_ERR_EVIDENCE_KIND);
    /* a forged signature on one side */
    memcpy(bad, ev, (size_t)n);
    bad[n - 10] ^= 0x40;
    int rc = xr_evidence_verify(bad, (size_t)n, &f.be, &f.vs, NULL);
    assert_true(rc == XR_ERR_SIG_INVALID || rc == XR_ERR_SIG_MALFORMED);
    /* a non-member's double sign */
    core(&f, 2, XR_BFT_PREVOTE, 2, 0x01, &a);
    core(&f, 2, XR_BFT_PREVOTE, 2, 0x02, &b);
    n = xr_evidence_encode_duplicate(&a, &b, ev, sizeof ev);
    assert_int_equal(xr_evidence_verify(ev, (size_t)n, &f.be, &f.vs, NULL), XR_ERR_SIG_NOT_MEMBER);
    /* one vote signed by someone else than it names */
    core(&f, 1, XR_BFT_PREVOTE, 2, 0x01, &a);
    core(&f, 1, XR_BFT_PREVOTE, 2, 0x02, &b);
    assert_int_equal(xr_bft_sign_core(&f.be, f.key[0], &b), 0);
    n = xr_evidence_encode_duplicate(&a, &b, ev, sizeof ev);
    assert_int_equal(xr_evidence_verify(ev, (size_t)n, &f.be, &f.vs, NULL), XR_ERR_SIG_INVALID);
    mdl_sig_secp_free(f.sp);
}

static void test_evidence_attest_conflict_verifies(void **state) {
    (void)state;
    fix f;
    fix_init(&f);
    xr_att_vote a, b;
    att(&f, 0, 3, 0x11, &a);
    att(&f, 0, 3, 0x22, &b);
    uint8_t ev[XR_EVIDENCE_MAX_BYTES], ev2[XR_EVIDENCE_MAX_BYTES];
    int n = xr_evidence_encode_attest(&a, &b, ev, sizeof ev);
    assert_int_equal(n, (int)XR_EVIDENCE_MAX_BYTES);
    assert_int_equal(xr_evidence_encode_attest(&b, &a, ev2, sizeof ev2), n);
    assert_memory_equal(ev, ev2, (size_t)n);
    xr_evidence e;
    assert_int_equal(xr_evidence_verify(ev, (size_t)n, &f.be, &f.vs, &e), 0);
    assert_int_equal(e.kind, XR_EVIDENCE_ATTEST_CONFLICT);
    assert_memory_equal(e.offender, f.addr[0].bytes, 20);
    assert_int_equal(e.vote_a.header.offset, 3);
    mdl_sig_secp_free(f.sp);
}

static void test_evidence_attest_conflict_rejections(void **state) {
    (void)state;
    fix f;
    fix_init(&f);
    xr_att_vote a, b, c;
    uint8_t ev[XR_EVIDENCE_MAX_BYTES];
    att(&f, 0, 3, 0x11, &a);
    att(&f, 0, 3, 0x22, &b);
    assert_int_equal(xr_evidence_encode_attest(&a, &a, ev, sizeof ev), XR_ERR_EVIDENCE_SAME);
    att(&f, 0, 4, 0x22, &c);
    assert_int_equal(xr_evidence_encode_attest(&a, &c, ev, sizeof ev), XR_ERR_EVIDENCE_MISMATCH);
    att(&f, 1, 3, 0x22, &c);
    assert_int_equal(xr_evidence_encode_attest(&a, &c, ev, sizeof ev), XR_ERR_EVIDENCE_MISMATCH);
    assert_int_equal(xr_evidence_encode_attest(&a, &b, ev, 100), XR_ERR_NOSPACE);
    /* framing: the validator's real signature over its offset-4 root,
    ** re-attached to an offset-3 header, next to its real offset-3 vote.
    ** The root is recomputed from the header, so the signature fails. */
    xr_att_vote real4, framed;
    att(&f, 0, 4, 0x33, &real4);
    framed = real4;
    framed.header.offset = 3;
    framed.header.source_block_height = a.header.source_block_height;
    int n = xr_evidence_encode_attest(&a, &framed, ev, sizeof ev);
    assert_true(n > 0);
    assert_int_equal(xr_evidence_verify(ev, (size_t)n, &f.be, &f.vs, NULL), XR_ERR_SIG_INVALID);
    /* structure */
    n = xr_evidence_encode_attest(&a, &b, ev, sizeof ev);
    for (int k = 2; k < n; k++)
        assert_int_equal(xr_evidence_verify(ev, (size_t)k, &f.be, &f.vs, NULL), XR_ERR_TRUNCATED);
    uint8_t bad[XR_EVIDENCE_MAX_BYTES + 1];
    memcpy(bad, ev, (size_t)n);
    bad[n] = 7;
    assert_int_equal(xr_evidence_verify(bad, (size_t)n + 1, &f.be, &f.vs, NULL), XR_ERR_TRAILING);
    memcpy(bad, ev, (size_t)n);
    bad[2 + 20 + 16] = 9; /* level of the first vote */
    assert_int_equal(xr_evidence_verify(bad, (size_t)n, &f.be, &f.vs, NULL), XR_ERR_BAD_VALUE);
    /* swapped order */
    size_t half = XR_BFT_BLOCK_VOTE_BYTES;
    memcpy(bad + 2, ev + 2 + half, half);
    memcpy(bad + 2 + half, ev + 2, half);
    assert_int_equal(xr_evidence_verify(bad, (size_t)n, &f.be, &f.vs, NULL), XR_ERR_EVIDENCE_ORDER);
    /* both halves the same vote */
    memcpy(bad + 2, ev + 2, half);
    memcpy(bad + 2 + half, ev + 2, half);
    assert_int_equal(xr_evidence_verify(bad, (size_t)n, &f.be, &f.vs, NULL), XR_ERR_EVIDENCE_SAME);
    /* non-member */
    att(&f, 2, 3, 0x11, &a);
    att(&f, 2, 3, 0x22, &b);
    n = xr_evidence_encode_attest(&a, &b, ev, sizeof ev);
    assert_int_equal(xr_evidence_verify(ev, (size_t)n, &f.be, &f.vs, NULL), XR_ERR_SIG_NOT_MEMBER);
    mdl_sig_secp_free(f.sp);
}

static void test_evidence_false_attest_verifies(void **state) {
    (void)state;
    fix f;
    fix_init(&f);
    xr_att_vote v;
    att(&f, 1, 6, 0x44, &v);
    xr_hash canonical;
    memset(canonical.bytes, 0xc0, 32);
    uint8_t ev[XR_EVIDENCE_MAX_BYTES];
    /* v.root is ignored by the encoder: it recomputes it */
    xr_att_vote junk = v;
    memset(junk.root.bytes, 0x5a, 32);
    int n = xr_evidence_encode_false_attest(&junk, ev, sizeof ev);
    assert_int_equal(n, (int)XR_EVIDENCE_FALSE_ATTEST_BYTES);
    assert_int_equal(n, 2 + 182);
    assert_int_equal(ev[0], XR_EVIDENCE_VERSION);
    assert_int_equal(ev[1], XR_EVIDENCE_FALSE_ATTEST);
    xr_evidence e;
    assert_int_equal(xr_evidence_decode(ev, (size_t)n, &e), 0);
    assert_int_equal(e.kind, XR_EVIDENCE_FALSE_ATTEST);
    assert_memory_equal(e.offender, f.addr[1].bytes, 20);
    assert_memory_equal(e.vote_a.root.bytes, v.root.bytes, 32);
    assert_int_equal(e.vote_a.header.offset, 6);
    assert_int_equal(e.vote_a.header.source_block_height, 706);
    memset(&e, 0xee, sizeof e);
    assert_int_equal(xr_evidence_verify_false_attest(ev, (size_t)n, &f.be, &f.vs, &canonical, &e), 0);
    assert_int_equal(e.kind, XR_EVIDENCE_FALSE_ATTEST);
    assert_memory_equal(e.offender, f.addr[1].bytes, 20);
    assert_int_equal(xr_evidence_verify_false_attest(ev, (size_t)n, &f.be, &f.vs, &canonical, NULL), 0);
    /* the plain verifier cannot judge it */
    assert_int_equal(xr_evidence_verify(ev, (size_t)n, &f.be, &f.vs, NULL), XR_ERR_EVIDENCE_KIND);
    assert_int_equal(xr_evidence_verify(ev, 100, &f.be, &f.vs, NULL), XR_ERR_EVIDENCE_KIND);
    /* the vote's root is the canonical one: no offence */
    assert_int_equal(xr_evidence_verify_false_attest(ev, (size_t)n, &f.be, &f.vs, &v.root, NULL),
                     XR_ERR_EVIDENCE_SAME);
    /* other kinds are refused by the kind-3 verifier */
    xr_att_vote a, b;
    att(&f, 0, 3, 0x11, &a);
    att(&f, 0, 3, 0x22, &b);
    uint8_t ev2[XR_EVIDENCE_MAX_BYTES];
    int n2 = xr_evidence_encode_attest(&a, &b, ev2, sizeof ev2);
    assert_true(n2 > 0);
    assert_int_equal(xr_evidence_verify_false_attest(ev2, (size_t)n2, &f.be, &f.vs, &canonical, NULL),
                     XR_ERR_EVIDENCE_KIND);
    mdl_sig_secp_free(f.sp);
}

static void test_evidence_false_attest_rejections(void **state) {
    (void)state;
    fix f;
    fix_init(&f);
    xr_att_vote v;
    att(&f, 0, 3, 0x11, &v);
    xr_hash canonical;
    memset(canonical.bytes, 0x99, 32);
    uint8_t ev[XR_EVIDENCE_MAX_BYTES + 1], bad[XR_EVIDENCE_MAX_BYTES + 1];
    assert_int_equal(xr_evidence_encode_false_attest(&v, ev, XR_EVIDENCE_FALSE_ATTEST_BYTES - 1),
                     XR_ERR_NOSPACE);
    assert_int_equal(xr_evidence_encode_false_attest(&v, NULL, 0), XR_ERR_NOSPACE);
    int n = xr_evidence_encode_false_attest(&v, ev, sizeof ev);
    assert_int_equal(n, (int)XR_EVIDENCE_FALSE_ATTEST_BYTES);
    xr_evidence e;
    /* truncation at every length, trailing bytes, version, level */
    assert_int_equal(xr_evidence_decode(ev, 0, &e), XR_ERR_TRUNCATED);
    assert_int_equal(xr_evidence_decode(ev, 1, &e), XR_ERR_TRUNCATED);
    for (int k = 2; k < n; k++) {
        assert_int_equal(xr_evidence_decode(ev, (size_t)k, &e), XR_ERR_TRUNCATED);
        assert_int_equal(xr_evidence_verify_false_attest(ev, (size_t)k, &f.be, &f.vs, &canonical, NULL),
                         XR_ERR_TRUNCATED);
    }
    memcpy(bad, ev, (size_t)n);
    bad[n] = 0;
    assert_int_equal(xr_evidence_verify_false_attest(bad, (size_t)n + 1, &f.be, &f.vs, &canonical, NULL),
                     XR_ERR_TRAILING);
    bad[0] = 2;
    assert_int_equal(xr_evidence_verify_false_attest(bad, (size_t)n, &f.be, &f.vs, &canonical, NULL),
                     XR_ERR_BFT_VERSION);
    memcpy(bad, ev, (size_t)n);
    bad[1] = 4;
    assert_int_equal(xr_evidence_decode(bad, (size_t)n, &e), XR_ERR_EVIDENCE_KIND);
    memcpy(bad, ev, (size_t)n);
    bad[2 + 20 + 16] = 2; /* conf level */
    assert_int_equal(xr_evidence_verify_false_attest(bad, (size_t)n, &f.be, &f.vs, &canonical, NULL),
                     XR_ERR_BAD_VALUE);
    memcpy(bad, ev, (size_t)n);
    memset(bad + 2 + 20 + 17, 0, 8); /* offset 0 */
    assert_int_equal(xr_evidence_decode(bad, (size_t)n, &e), XR_ERR_BAD_VALUE);
    /* a changed message root changes the recomputed root: the signature fails */
    memcpy(bad, ev, (size_t)n);
    bad[2 + 20 + 65] ^= 1;
    assert_int_equal(xr_evidence_verify_false_attest(bad, (size_t)n, &f.be, &f.vs, &canonical, NULL),
                     XR_ERR_SIG_INVALID);
    /* a damaged signature */
    memcpy(bad, ev, (size_t)n);
    bad[n - 10] ^= 0x40;
    int rc = xr_evidence_verify_false_attest(bad, (size_t)n, &f.be, &f.vs, &canonical, NULL);
    assert_true(rc == XR_ERR_SIG_INVALID || rc == XR_ERR_SIG_MALFORMED);
    memcpy(bad, ev, (size_t)n);
    bad[n - 1] = 29; /* v */
    assert_int_equal(xr_evidence_verify_false_attest(bad, (size_t)n, &f.be, &f.vs, &canonical, NULL),
                     XR_ERR_SIG_MALFORMED);
    /* framing: validator 0's real signature over its offset-4 root moved
    ** onto an offset-3 header */
    xr_att_vote real4, framed;
    att(&f, 0, 4, 0x33, &real4);
    framed = real4;
    framed.header.offset = 3;
    n = xr_evidence_encode_false_attest(&framed, ev, sizeof ev);
    assert_int_equal(xr_evidence_verify_false_attest(ev, (size_t)n, &f.be, &f.vs, &canonical, NULL),
                     XR_ERR_SIG_INVALID);
    /* a vote naming validator 0 but signed by validator 1 */
    xr_att_vote forged;
    att(&f, 1, 3, 0x11, &forged);
    memcpy(forged.validator, f.addr[0].bytes, 20);
    n = xr_evidence_encode_false_attest(&forged, ev, sizeof ev);
    assert_int_equal(xr_evidence_verify_false_attest(ev, (size_t)n, &f.be, &f.vs, &canonical, NULL),
                     XR_ERR_SIG_INVALID);
    /* a correctly signed vote of a non-member */
    att(&f, 2, 3, 0x11, &v);
    n = xr_evidence_encode_false_attest(&v, ev, sizeof ev);
    assert_int_equal(xr_evidence_verify_false_attest(ev, (size_t)n, &f.be, &f.vs, &canonical, NULL),
                     XR_ERR_SIG_NOT_MEMBER);
    mdl_sig_secp_free(f.sp);
}

static void key_of(const uint8_t *ev, int n, uint8_t key[32]) {
    xr_evidence e;
    assert_true(n > 0);
    assert_int_equal(xr_evidence_decode(ev, (size_t)n, &e), 0);
    xr_evidence_offence_key(&e, key);
}

static void test_evidence_offence_key(void **state) {
    (void)state;
    fix f;
    fix_init(&f);
    uint8_t ev[XR_EVIDENCE_MAX_BYTES];
    uint8_t k1[32], k2[32], k3[32], k4[32], k5[32];
    /* kind 1: three prevotes of one slot give three pairs, one key */
    xr_bft_core a, b, c, d;
    core(&f, 1, XR_BFT_PREVOTE, 2, 0x01, &a);
    core(&f, 1, XR_BFT_PREVOTE, 2, 0x02, &b);
    core(&f, 1, XR_BFT_PREVOTE, 2, 0x00, &c);
    key_of(ev, xr_evidence_encode_duplicate(&a, &b, ev, sizeof ev), k1);
    key_of(ev, xr_evidence_encode_duplicate(&b, &c, ev, sizeof ev), k2);
    key_of(ev, xr_evidence_encode_duplicate(&c, &a, ev, sizeof ev), k3);
    assert_memory_equal(k1, k2, 32);
    assert_memory_equal(k1, k3, 32);
    /* another round, another type, another signer: other offences */
    core(&f, 1, XR_BFT_PREVOTE, 3, 0x01, &c);
    core(&f, 1, XR_BFT_PREVOTE, 3, 0x02, &d);
    key_of(ev, xr_evidence_encode_duplicate(&c, &d, ev, sizeof ev), k2);
    assert_memory_not_equal(k1, k2, 32);
    core(&f, 1, XR_BFT_PRECOMMIT, 2, 0x01, &c);
    core(&f, 1, XR_BFT_PRECOMMIT, 2, 0x02, &d);
    key_of(ev, xr_evidence_encode_duplicate(&c, &d, ev, sizeof ev), k3);
    assert_memory_not_equal(k1, k3, 32);
    core(&f, 0, XR_BFT_PREVOTE, 2, 0x01, &c);
    core(&f, 0, XR_BFT_PREVOTE, 2, 0x02, &d);
    key_of(ev, xr_evidence_encode_duplicate(&c, &d, ev, sizeof ev), k3);
    assert_memory_not_equal(k1, k3, 32);
    /* kind 2: three roots at one offset, one key; kind 3 of the same vote
    ** is a different offence (the kind is in the key) but the same for any
    ** of the slot's votes */
    xr_att_vote x, y, z;
    att(&f, 0, 3, 0x11, &x);
    att(&f, 0, 3, 0x22, &y);
    att(&f, 0, 3, 0x33, &z);
    key_of(ev, xr_evidence_encode_attest(&x, &y, ev, sizeof ev), k1);
    key_of(ev, xr_evidence_encode_attest(&z, &y, ev, sizeof ev), k2);
    assert_memory_equal(k1, k2, 32);
    key_of(ev, xr_evidence_encode_false_attest(&x, ev, sizeof ev), k3);
    key_of(ev, xr_evidence_encode_false_attest(&z, ev, sizeof ev), k4);
    assert_memory_equal(k3, k4, 32);
    assert_memory_not_equal(k1, k3, 32);
    att(&f, 0, 4, 0x11, &x);
    key_of(ev, xr_evidence_encode_false_attest(&x, ev, sizeof ev), k5);
    assert_memory_not_equal(k3, k5, 32);
    att(&f, 1, 3, 0x11, &x);
    key_of(ev, xr_evidence_encode_false_attest(&x, ev, sizeof ev), k5);
    assert_memory_not_equal(k3, k5, 32);
    /* the key is keccak256 of the documented preimage */
    uint8_t pre[46], want[32];
    pre[0] = 3;
    memcpy(pre + 1, f.addr[0].bytes, 20);
    memset(pre + 21, 0, 46 - 21);
    pre[28] = 9;                    /* consensus chain, u64 BE */
    pre[36] = 5;                    /* source chain */
    pre[37] = XR_CONF_FINALIZED;    /* level */
    pre[45] = 3;                    /* offset */
    xr_keccak256(pre, sizeof pre, want);
    assert_memory_equal(k3, want, 32);
    mdl_sig_secp_free(f.sp);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_evidence_duplicate_vote_verifies),
        cmocka_unit_test(test_evidence_duplicate_vote_rejections),
        cmocka_unit_test(test_evidence_attest_conflict_verifies),
        cmocka_unit_test(test_evidence_attest_conflict_rejections),
        cmocka_unit_test(test_evidence_false_attest_verifies),
        cmocka_unit_test(test_evidence_false_attest_rejections),
        cmocka_unit_test(test_evidence_offence_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
