/*
** Tests of protocol/xr_merkle, mostly differential against naive references
** written here from the definitions:
**   - the root by the recursive definition of the OpenZeppelin layout
**     (node j is leaf 2n-2-j when j >= n-1, else hash_pair of its children);
**   - getMultiProof as a literal array-and-shift transcription;
**   - processMultiProof as a literal transcription of the Solidity loop
**     (leafPos / hashPos / proofPos over a hashes[] array);
**   - the proof's content by "rebuild the tree": the proof must be exactly the
**     hashes of the nodes that are not on any path from a chosen leaf to the
**     root but whose parent is (compared as multisets).
** Random trees of 1..1000 leaves (a sample of sizes) and random subsets at
** fixed seeds, plus the negative cases: tampered leaf, flipped flag, reordered
** proof, extra or missing proof node, wrong leaf count, zero leaves.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xr_err.h"
#include "xr_keccak.h"
#include "xr_merkle.h"

#define MAXN 1000
#define MAXNODES (2 * MAXN)

static uint64_t rng_state;

static uint64_t rnd(void) {
    uint64_t x = rng_state += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static void rnd_leaves(xr_hash *leaves, size_t n) {
    for (size_t i = 0; i < n; i++) {
        for (size_t b = 0; b < 32; b += 8) {
            uint64_t x = rnd();
            memcpy(leaves[i].bytes + b, &x, 8);
        }
    }
}

/* ---- naive references ----------------------------------------------------------------- */

static void naive_pair(const xr_hash *a, const xr_hash *b, xr_hash *out) {
    uint8_t buf[64];
    const xr_hash *lo = a, *hi = b;
    for (int i = 0; i < 32; i++) {
        if (a->bytes[i] != b->bytes[i]) {
            if (a->bytes[i] > b->bytes[i]) { lo = b; hi = a; }
            break;
        }
    }
    memcpy(buf, lo->bytes, 32);
    memcpy(buf + 32, hi->bytes, 32);
    xr_keccak256(buf, 64, out->bytes);
}

static void naive_node(const xr_hash *leaves, size_t n, size_t j, xr_hash *out) {
    if (j >= n - 1) {
        *out = leaves[2 * n - 2 - j];
        return;
    }
    xr_hash l, r;
    naive_node(leaves, n, 2 * j + 1, &l);
    naive_node(leaves, n, 2 * j + 2, &r);
    naive_pair(&l, &r, out);
}

/* getMultiProof, literally: indices are node indices; stack is an array we
** shift from the front. */
static size_t naive_getmultiproof(const xr_hash *tree, size_t *idx, size_t k, xr_hash *proof,
                                  size_t *np, bool *flags) {
    /* sort descending (insertion sort) */
    for (size_t i = 1; i < k; i++) {
        for (size_t j = i; j > 0 && idx[j] > idx[j - 1]; j--) {
            size_t t = idx[j]; idx[j] = idx[j - 1]; idx[j - 1] = t;
        }
    }
    static size_t stack[MAXNODES * 2];
    size_t len = k, nf = 0;
    memcpy(stack, idx, k * sizeof *stack);
    *np = 0;
    while (len > 0 && stack[0] > 0) {
        size_t j = stack[0];
        memmove(stack, stack + 1, (len - 1) * sizeof *stack);
        len--;
        size_t s = (j % 2 == 1) ? j + 1 : j - 1;
        size_t p = (j - 1) / 2;
        if (len > 0 && stack[0] == s) {
            flags[nf++] = true;
            memmove(stack, stack + 1, (len - 1) * sizeof *stack);
            len--;
        } else {
            flags[nf++] = false;
            proof[(*np)++] = tree[s];
        }
        stack[len++] = p;
    }
    if (k == 0) proof[(*np)++] = tree[0];
    return nf;
}

/* processMultiProof, literally.  Returns 0 with root, or -1 where Solidity
** reverts (length check, proof overrun, unconsumed proof) or would read a hash
** slot not yet written. */
static int naive_process(const xr_hash *leaves, size_t k, const xr_hash *proof, size_t np,
                         const bool *flags, size_t nf, xr_hash *root) {
    if (k + np != nf + 1) return -1;
    static xr_hash hashes[MAXNODES * 2];
    size_t leaf_pos = 0, hash_pos = 0, proof_pos = 0;
    for (size_t i = 0; i < nf; i++) {
        xr_hash a, b;
        if (leaf_pos < k) {
            a = leaves[leaf_pos++];
        } else {
            if (hash_pos >= i) return -1;
            a = hashes[hash_pos++];
        }
        if (flags[i]) {
            if (leaf_pos < k) {
                b = leaves[leaf_pos++];
            } else {
                if (hash_pos >= i) return -1;
                b = hashes[hash_pos++];
            }
        } else {
            if (proof_pos >= np) return -1;
            b = proof[proof_pos++];
        }
        naive_pair(&a, &b, &hashes[i]);
    }
    if (nf > 0) {
        if (proof_pos != np) return -1;
        *root = hashes[nf - 1];
    } else if (k > 0) {
        *root = leaves[0];
    } else {
        *root = proof[0];
    }
    return 0;
}

static int cmp_hash(const void *a, const void *b) { return memcmp(a, b, 32); }

/* The expected proof content: nodes off the leaves' paths whose parent is on one. */
static size_t naive_proof_set(const xr_hash *tree, size_t n, const size_t *leaf_idx, size_t k,
                              xr_hash *out) {
    static bool on_path[MAXNODES];
    size_t total = 2 * n - 1, m = 0;
    memset(on_path, 0, total);
    for (size_t i = 0; i < k; i++) {
        size_t j = 2 * n - 2 - leaf_idx[i];
        for (;;) {
            on_path[j] = true;
            if (j == 0) break;
            j = (j - 1) / 2;
        }
    }
    for (size_t j = 1; j < total; j++) {
        if (!on_path[j] && on_path[(j - 1) / 2]) out[m++] = tree[j];
    }
    return m;
}

/* ---- fixtures -------------------------------------------------------------------------- */

static xr_hash leaves[MAXN], tree[MAXNODES], proof[MAXNODES], nproof[MAXNODES],
    chosen[MAXN], work[MAXNODES], set_a[MAXNODES], set_b[MAXNODES];
static bool flags[MAXNODES], nflags[MAXNODES];
static size_t idx[MAXN], order[MAXN], iwork[MAXN], nidx[MAXN];

static const size_t sizes[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65,
                               100, 127, 128, 129, 255, 256, 257, 333, 511, 512, 513, 777, 999,
                               1000};

static void test_merkle_hash_pair_sorted(void **state) {
    (void)state;
    xr_hash a, b, ab, ba, want;
    memset(a.bytes, 0x01, 32);
    memset(b.bytes, 0x02, 32);
    xr_merkle_hash_pair(&a, &b, &ab);
    xr_merkle_hash_pair(&b, &a, &ba);
    assert_memory_equal(ab.bytes, ba.bytes, 32);
    uint8_t buf[64];
    memcpy(buf, a.bytes, 32);
    memcpy(buf + 32, b.bytes, 32);
    xr_keccak256(buf, 64, want.bytes);
    assert_memory_equal(ab.bytes, want.bytes, 32);
    /* aliasing the output with an input */
    xr_hash c = a;
    xr_merkle_hash_pair(&c, &b, &c);
    assert_memory_equal(c.bytes, want.bytes, 32);
}

static void test_merkle_root_matches_recursive_definition(void **state) {
    (void)state;
    rng_state = 11;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        rnd_leaves(leaves, n);
        xr_hash root, want;
        assert_int_equal(xr_merkle_root(leaves, n, work, MAXNODES, &root), 0);
        naive_node(leaves, n, 0, &want);
        assert_memory_equal(root.bytes, want.bytes, 32);
        assert_int_equal(xr_merkle_tree_build(leaves, n, tree, 2 * n - 2), XR_ERR_NOSPACE);
        assert_int_equal(xr_merkle_tree_build(leaves, n, tree, 2 * n - 1), 0);
        assert_memory_equal(tree[0].bytes, want.bytes, 32);
        assert_memory_equal(tree[xr_merkle_leaf_node(n, 0)].bytes, leaves[0].bytes, 32);
    }
    xr_hash root;
    assert_int_equal(xr_merkle_root(leaves, 0, work, MAXNODES, &root), XR_ERR_INVALID_ARG);
}

static void test_merkle_single_proofs(void **state) {
    (void)state;
    rng_state = 12;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        rnd_leaves(leaves, n);
        assert_int_equal(xr_merkle_tree_build(leaves, n, tree, MAXNODES), 0);
        for (int t = 0; t < 8; t++) {
            size_t i = (size_t)(rnd() % n);
            size_t np = 0;
            assert_int_equal(xr_merkle_proof_build(tree, n, i, proof, MAXNODES, &np), 0);
            assert_int_equal(xr_merkle_proof_verify(&leaves[i], proof, np, &tree[0]), 0);
            /* depth of node 2n-2-i */
            size_t depth = 0;
            for (size_t j = 2 * n - 2 - i; j > 0; j = (j - 1) / 2) depth++;
            assert_int_equal(np, depth);
            if (np > 0) {
                assert_int_equal(xr_merkle_proof_build(tree, n, i, proof, np - 1, &np),
                                 XR_ERR_NOSPACE);
                assert_int_equal(xr_merkle_proof_build(tree, n, i, proof, MAXNODES, &np), 0);
                proof[np - 1].bytes[3] ^= 0x10;
                assert_int_equal(xr_merkle_proof_verify(&leaves[i], proof, np, &tree[0]),
                                 XR_ERR_PROOF_INVALID);
            }
        }
        size_t np = 0;
        assert_int_equal(xr_merkle_proof_build(tree, n, n, proof, MAXNODES, &np),
                         XR_ERR_INVALID_ARG);
    }
}

/* Choose a random subset (random density) into idx, in random order. */
static size_t random_subset(size_t n) {
    size_t k = 0;
    uint64_t density = rnd() % 4;
    for (size_t i = 0; i < n; i++) {
        bool take = density == 0 ? rnd() % 16 == 0 : density == 1 ? rnd() % 2 == 0
                  : density == 2 ? rnd() % 16 != 0 : rnd() % n < 3;
        if (take) idx[k++] = i;
    }
    for (size_t i = k; i > 1; i--) {    /* shuffle: order of the request must not matter */
        size_t j = (size_t)(rnd() % i);
        size_t t = idx[i - 1]; idx[i - 1] = idx[j]; idx[j] = t;
    }
    return k;
}

static void check_multiproof(size_t n, size_t k) {
    size_t np = 0, nf = 0;
    assert_int_equal(xr_merkle_multiproof_build(tree, n, idx, k, order, iwork, proof, MAXNODES,
                                                &np, flags, MAXNODES, &nf), 0);
    assert_int_equal(k + np, nf + 1);
    /* order: ascending leaf indices of the chosen set */
    for (size_t i = 1; i < k; i++) assert_true(order[i - 1] < order[i]);
    for (size_t i = 0; i < k; i++) chosen[i] = leaves[order[i]];

    /* the literal transcription gives the same proof and flags */
    size_t nnp = 0;
    for (size_t i = 0; i < k; i++) nidx[i] = 2 * n - 2 - idx[i];
    size_t nnf = naive_getmultiproof(tree, nidx, k, nproof, &nnp, nflags);
    assert_int_equal(nnp, np);
    assert_int_equal(nnf, nf);
    for (size_t i = 0; i < np; i++) assert_memory_equal(proof[i].bytes, nproof[i].bytes, 32);
    for (size_t i = 0; i < nf; i++) assert_int_equal(flags[i], nflags[i]);

    /* content: the proof is exactly the off-path siblings (k > 0) */
    if (k > 0) {
        size_t m = naive_proof_set(tree, n, order, k, set_a);
        assert_int_equal(m, np);
        memcpy(set_b, proof, np * sizeof *proof);
        qsort(set_a, m, 32, cmp_hash);
        qsort(set_b, np, 32, cmp_hash);
        assert_memory_equal(set_a, set_b, np * 32);
    }

    /* both verifiers accept it with the tree's root */
    xr_hash root, nroot;
    assert_int_equal(xr_merkle_multiproof_process(chosen, k, proof, np, flags, nf, work, &root), 0);
    assert_int_equal(naive_process(chosen, k, proof, np, flags, nf, &nroot), 0);
    assert_memory_equal(root.bytes, tree[0].bytes, 32);
    assert_memory_equal(nroot.bytes, tree[0].bytes, 32);
    assert_int_equal(xr_merkle_multiproof_verify(chosen, k, proof, np, flags, nf, work, &tree[0]),
                     0);
}

static void test_merkle_multiproof_random_trees(void **state) {
    (void)state;
    rng_state = 13;
    size_t cases = 0;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        rnd_leaves(leaves, n);
        assert_int_equal(xr_merkle_tree_build(leaves, n, tree, MAXNODES), 0);
        int trials = n <= 64 ? 30 : 6;
        for (int t = 0; t < trials; t++) {
            size_t k = random_subset(n);
            check_multiproof(n, k);
            cases++;
        }
        /* all leaves: no proof; one leaf: the single proof, all flags false; none: the root */
        for (size_t i = 0; i < n; i++) idx[i] = n - 1 - i;
        check_multiproof(n, n);
        idx[0] = (size_t)(rnd() % n);
        check_multiproof(n, 1);
        size_t np = 0, sp = 0, nf = 0;
        assert_int_equal(xr_merkle_multiproof_build(tree, n, idx, 1, order, iwork, proof, MAXNODES,
                                                    &np, flags, MAXNODES, &nf), 0);
        assert_int_equal(xr_merkle_proof_build(tree, n, idx[0], nproof, MAXNODES, &sp), 0);
        assert_int_equal(np, sp);
        assert_int_equal(nf, sp);
        for (size_t i = 0; i < np; i++) {
            assert_memory_equal(proof[i].bytes, nproof[i].bytes, 32);
            assert_false(flags[i]);
        }
        check_multiproof(n, 0);
        cases += 3;
    }
    printf("multi-proof cases: %zu\n", cases);
}

static void test_merkle_multiproof_build_errors(void **state) {
    (void)state;
    rng_state = 14;
    size_t n = 20, np = 0, nf = 0;
    rnd_leaves(leaves, n);
    assert_int_equal(xr_merkle_tree_build(leaves, n, tree, MAXNODES), 0);
    idx[0] = 3; idx[1] = 7; idx[2] = 3;
    assert_int_equal(xr_merkle_multiproof_build(tree, n, idx, 3, order, iwork, proof, MAXNODES,
                                                &np, flags, MAXNODES, &nf), XR_ERR_INVALID_ARG);
    idx[2] = 20;
    assert_int_equal(xr_merkle_multiproof_build(tree, n, idx, 3, order, iwork, proof, MAXNODES,
                                                &np, flags, MAXNODES, &nf), XR_ERR_INVALID_ARG);
    idx[2] = 11;
    assert_int_equal(xr_merkle_multiproof_build(tree, n, idx, 3, order, iwork, proof, MAXNODES,
                                                &np, flags, MAXNODES, &nf), 0);
    size_t full_p = np, full_f = nf;
    assert_int_equal(xr_merkle_multiproof_build(tree, n, idx, 3, order, iwork, proof, full_p - 1,
                                                &np, flags, MAXNODES, &nf), XR_ERR_NOSPACE);
    assert_int_equal(xr_merkle_multiproof_build(tree, n, idx, 3, order, iwork, proof, MAXNODES,
                                                &np, flags, full_f - 1, &nf), XR_ERR_NOSPACE);
    assert_int_equal(xr_merkle_multiproof_build(tree, 0, idx, 0, order, iwork, proof, MAXNODES,
                                                &np, flags, MAXNODES, &nf), XR_ERR_INVALID_ARG);
}

/* Both verifiers must agree on every mutant, and neither may accept one that
** changes the proved statement. */
static int verify_both(size_t k, size_t np, size_t nf) {
    xr_hash nroot;
    int rc = xr_merkle_multiproof_verify(chosen, k, proof, np, flags, nf, work, &tree[0]);
    int nrc = naive_process(chosen, k, proof, np, flags, nf, &nroot);
    if (nrc != 0) {
        assert_int_equal(rc, XR_ERR_PROOF_MALFORMED);
    } else if (memcmp(nroot.bytes, tree[0].bytes, 32) != 0) {
        assert_int_equal(rc, XR_ERR_PROOF_INVALID);
    } else {
        assert_int_equal(rc, 0);
    }
    return rc;
}

static void test_merkle_multiproof_negative(void **state) {
    (void)state;
    rng_state = 15;
    size_t counts[6] = {0};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        if (n < 3) continue;
        rnd_leaves(leaves, n);
        assert_int_equal(xr_merkle_tree_build(leaves, n, tree, MAXNODES), 0);
        for (int t = 0; t < 6; t++) {
            size_t k = random_subset(n);
            if (k < 2 || k == n) continue;
            size_t np = 0, nf = 0;
            assert_int_equal(xr_merkle_multiproof_build(tree, n, idx, k, order, iwork, proof,
                                                        MAXNODES, &np, flags, MAXNODES, &nf), 0);
            for (size_t i = 0; i < k; i++) chosen[i] = leaves[order[i]];
            assert_int_equal(verify_both(k, np, nf), 0);

            /* tampered leaf */
            size_t li = (size_t)(rnd() % k);
            chosen[li].bytes[31] ^= 1;
            assert_int_equal(verify_both(k, np, nf), XR_ERR_PROOF_INVALID);
            chosen[li].bytes[31] ^= 1;
            counts[0]++;

            /* leaves swapped: order matters, except for two leaves that are
            ** hashed together (hash_pair is symmetric), so only the verifiers'
            ** agreement is asserted */
            xr_hash tmp = chosen[0];
            chosen[0] = chosen[k - 1];
            chosen[k - 1] = tmp;
            (void)verify_both(k, np, nf);
            chosen[k - 1] = chosen[0];
            chosen[0] = tmp;

            /* each flag flipped in turn (first 40) */
            for (size_t f = 0; f < nf && f < 40; f++) {
                flags[f] = !flags[f];
                assert_int_not_equal(verify_both(k, np, nf), 0);
                flags[f] = !flags[f];
                counts[1]++;
            }

            if (np >= 2) {
                /* reordered proof */
                tmp = proof[0];
                proof[0] = proof[np - 1];
                proof[np - 1] = tmp;
                assert_int_not_equal(verify_both(k, np, nf), 0);
                proof[np - 1] = proof[0];
                proof[0] = tmp;
                counts[2]++;
            }
            /* extra proof node */
            proof[np] = tree[0];
            assert_int_equal(verify_both(k, np + 1, nf), XR_ERR_PROOF_MALFORMED);
            /* extra proof node with a matching extra flag */
            flags[nf] = false;
            assert_int_not_equal(verify_both(k, np + 1, nf + 1), 0);
            counts[3]++;
            if (np >= 1) {
                /* missing proof node (last, or first) */
                assert_int_equal(verify_both(k, np - 1, nf), XR_ERR_PROOF_MALFORMED);
                xr_hash first = proof[0];
                memmove(proof, proof + 1, (np - 1) * sizeof *proof);
                assert_int_not_equal(verify_both(k, np - 1, nf - 1), 0);
                memmove(proof + 1, proof, (np - 1) * sizeof *proof);
                proof[0] = first;
                counts[4]++;
            }
            /* wrong leaf count: one fewer, one more */
            assert_int_equal(verify_both(k - 1, np, nf), XR_ERR_PROOF_MALFORMED);
            chosen[k] = leaves[0];
            assert_int_equal(verify_both(k + 1, np, nf), XR_ERR_PROOF_MALFORMED);
            counts[5]++;
            /* still fine after all the restoring */
            assert_int_equal(verify_both(k, np, nf), 0);
        }
    }
    printf("negative cases: tampered %zu, flags %zu, reordered %zu, extra %zu, missing %zu, "
           "count %zu\n", counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]);
    for (int i = 0; i < 6; i++) assert_true(counts[i] > 0);
}

static void test_merkle_multiproof_degenerate_shapes(void **state) {
    (void)state;
    xr_hash l[2], p[2], root, w[2];
    memset(l, 0x11, sizeof l);
    memset(p, 0x22, sizeof p);
    bool f[2] = {true, true};
    /* no leaves, no flags: the root is proof[0] (as processMultiProof) */
    assert_int_equal(xr_merkle_multiproof_process(NULL, 0, p, 1, NULL, 0, NULL, &root), 0);
    assert_memory_equal(root.bytes, p[0].bytes, 32);
    /* no leaves but flags: would read an unwritten hash */
    assert_int_equal(xr_merkle_multiproof_process(NULL, 0, p, 2, f, 1, NULL, &root),
                     XR_ERR_PROOF_MALFORMED);
    /* one leaf, one flag = true: needs a second queue entry */
    assert_int_equal(xr_merkle_multiproof_process(l, 1, p, 1, f, 1, w, &root),
                     XR_ERR_PROOF_MALFORMED);
    /* nothing at all */
    assert_int_equal(xr_merkle_multiproof_process(NULL, 0, NULL, 0, NULL, 0, NULL, &root),
                     XR_ERR_PROOF_MALFORMED);
    /* single leaf, no proof: the leaf is the root */
    assert_int_equal(xr_merkle_multiproof_process(l, 1, NULL, 0, NULL, 0, w, &root), 0);
    assert_memory_equal(root.bytes, l[0].bytes, 32);
    /* two leaves, flag true: hash_pair of them */
    xr_hash want;
    xr_merkle_hash_pair(&l[0], &l[1], &want);
    assert_int_equal(xr_merkle_multiproof_process(l, 2, NULL, 0, f, 1, w, &root), 0);
    assert_memory_equal(root.bytes, want.bytes, 32);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merkle_hash_pair_sorted),
        cmocka_unit_test(test_merkle_root_matches_recursive_definition),
        cmocka_unit_test(test_merkle_single_proofs),
        cmocka_unit_test(test_merkle_multiproof_random_trees),
        cmocka_unit_test(test_merkle_multiproof_build_errors),
        cmocka_unit_test(test_merkle_multiproof_negative),
        cmocka_unit_test(test_merkle_multiproof_degenerate_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
