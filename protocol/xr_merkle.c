/*
** OpenZeppelin-layout merkle trees, single proofs and multi-proofs (see
** xr_merkle.h for the layout and the exact semantics).
**
** Both multi-proof directions are FIFO queues whose length never exceeds the
** number of leaves k: every step takes one or two entries and appends one.
** So a ring of k slots is all the scratch either needs, and the verifier can
** run in place over its leaves (the leaves are the queue's initial content,
** the hashes it computes follow them — exactly processMultiProof's
** "leaves first, then hashes" order).
*/
#include <string.h>

#include "xr_err.h"
#include "xr_keccak.h"
#include "xr_merkle.h"

void xr_merkle_hash_pair(const xr_hash *a, const xr_hash *b, xr_hash *out) {
    XR_ASSERT(a != NULL && b != NULL && out != NULL);
    uint8_t buf[64];
    bool a_first = memcmp(a->bytes, b->bytes, 32) <= 0;
    memcpy(buf, a_first ? a->bytes : b->bytes, 32);
    memcpy(buf + 32, a_first ? b->bytes : a->bytes, 32);
    xr_keccak256(buf, sizeof buf, out->bytes);
}

size_t xr_merkle_leaf_node(size_t leaf_count, size_t leaf_index) {
    XR_ASSERT(leaf_index < leaf_count);
    return 2 * leaf_count - 2 - leaf_index;
}

int xr_merkle_tree_build(const xr_hash *leaves, size_t leaf_count, xr_hash *nodes,
                         size_t node_cap) {
    XR_ASSERT(leaves != NULL || leaf_count == 0);
    if (leaf_count == 0) return XR_ERR_INVALID_ARG;
    const size_t total = XR_MERKLE_NODE_COUNT(leaf_count);
    if (nodes == NULL || node_cap < total) return XR_ERR_NOSPACE;
    for (size_t i = 0; i < leaf_count; i++) nodes[total - 1 - i] = leaves[i];
    for (size_t i = total - leaf_count; i-- > 0;) {
        xr_merkle_hash_pair(&nodes[2 * i + 1], &nodes[2 * i + 2], &nodes[i]);
    }
    return 0;
}

int xr_merkle_root(const xr_hash *leaves, size_t leaf_count, xr_hash *work, size_t work_cap,
                   xr_hash *root) {
    XR_ASSERT(root != NULL);
    int rc = xr_merkle_tree_build(leaves, leaf_count, work, work_cap);
    if (rc != 0) return rc;
    *root = work[0];
    return 0;
}

int xr_merkle_proof_build(const xr_hash *nodes, size_t leaf_count, size_t leaf_index,
                          xr_hash *proof, size_t proof_cap, size_t *proof_count) {
    XR_ASSERT(nodes != NULL && proof_count != NULL);
    *proof_count = 0;
    if (leaf_count == 0 || leaf_index >= leaf_count) return XR_ERR_INVALID_ARG;
    size_t i = xr_merkle_leaf_node(leaf_count, leaf_index);
    size_t n = 0;
    while (i > 0) {
        if (n == proof_cap) return XR_ERR_NOSPACE;
        size_t sibling = (i % 2 == 1) ? i + 1 : i - 1;
        proof[n++] = nodes[sibling];
        i = (i - 1) / 2;
    }
    *proof_count = n;
    return 0;
}

void xr_merkle_proof_process(const xr_hash *leaf, const xr_hash *proof, size_t proof_count,
                             xr_hash *root) {
    XR_ASSERT(leaf != NULL && root != NULL);
    XR_ASSERT(proof != NULL || proof_count == 0);
    xr_hash h = *leaf;
    for (size_t i = 0; i < proof_count; i++) xr_merkle_hash_pair(&h, &proof[i], &h);
    *root = h;
}

int xr_merkle_proof_verify(const xr_hash *leaf, const xr_hash *proof, size_t proof_count,
                           const xr_hash *root) {
    XR_ASSERT(root != NULL);
    xr_hash h;
    xr_merkle_proof_process(leaf, proof, proof_count, &h);
    return memcmp(h.bytes, root->bytes, 32) == 0 ? 0 : XR_ERR_PROOF_INVALID;
}

/* Sort a[0..n) descending (heap sort: no recursion, no allocation). */
static void sift_down_min(size_t *a, size_t root, size_t n) {
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && a[child + 1] < a[child]) child++;
        if (a[root] <= a[child]) return;
        size_t t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

static void sort_descending(size_t *a, size_t n) {
    if (n < 2) return;
    for (size_t i = n / 2; i-- > 0;) sift_down_min(a, i, n);
    for (size_t end = n - 1; end > 0; end--) {
        size_t t = a[0];    /* smallest goes to the back */
        a[0] = a[end];
        a[end] = t;
        sift_down_min(a, 0, end);
    }
}

int xr_merkle_multiproof_build(const xr_hash *nodes, size_t leaf_count,
                               const size_t *leaf_indices, size_t k, size_t *order,
                               size_t *work, xr_hash *proof, size_t proof_cap,
                               size_t *proof_count, bool *flags, size_t flag_cap,
                               size_t *flag_count) {
    XR_ASSERT(nodes != NULL && proof_count != NULL && flag_count != NULL);
    XR_ASSERT(k == 0 || (leaf_indices != NULL && order != NULL && work != NULL));
    *proof_count = 0;
    *flag_count = 0;
    if (leaf_count == 0) return XR_ERR_INVALID_ARG;
    const size_t total = XR_MERKLE_NODE_COUNT(leaf_count);

    /* Node indices, sorted descending (= leaf indices ascending). */
    for (size_t i = 0; i < k; i++) {
        if (leaf_indices[i] >= leaf_count) return XR_ERR_INVALID_ARG;
        work[i] = xr_merkle_leaf_node(leaf_count, leaf_indices[i]);
    }
    sort_descending(work, k);
    for (size_t i = 0; i < k; i++) {
        if (i > 0 && work[i] == work[i - 1]) return XR_ERR_INVALID_ARG;
        order[i] = total - 1 - work[i];
    }

    if (k == 0) {
        if (proof_cap < 1) return XR_ERR_NOSPACE;
        proof[0] = nodes[0];
        *proof_count = 1;
        return 0;
    }

    /* The queue: work used as a ring of k slots. */
    size_t head = 0, size = k, np = 0, nf = 0;
    while (size > 0 && work[head] > 0) {
        size_t j = work[head];
        head = (head + 1) % k;
        size--;
        size_t sibling = (j % 2 == 1) ? j + 1 : j - 1;
        size_t parent = (j - 1) / 2;
        if (nf == flag_cap) return XR_ERR_NOSPACE;
        if (size > 0 && work[head] == sibling) {
            flags[nf++] = true;
            head = (head + 1) % k;
            size--;
        } else {
            if (np == proof_cap) return XR_ERR_NOSPACE;
            flags[nf++] = false;
            proof[np++] = nodes[sibling];
        }
        XR_ASSERT(size < k);
        work[(head + size) % k] = parent;
        size++;
    }
    XR_ASSERT(k + np == nf + 1);
    *proof_count = np;
    *flag_count = nf;
    return 0;
}

int xr_merkle_multiproof_process_inplace(xr_hash *queue, size_t k, const xr_hash *proof,
                                         size_t proof_count, const bool *flags,
                                         size_t flag_count, xr_hash *root) {
    XR_ASSERT(root != NULL);
    XR_ASSERT(queue != NULL || k == 0);
    XR_ASSERT(proof != NULL || proof_count == 0);
    XR_ASSERT(flags != NULL || flag_count == 0);
    /* leaves + proof == flags + 1, written so that it cannot overflow. */
    if (flag_count == SIZE_MAX || k > flag_count + 1 || proof_count != flag_count + 1 - k) {
        return XR_ERR_PROOF_MALFORMED;
    }
    if (flag_count == 0) {
        *root = k > 0 ? queue[0] : proof[0];
        return 0;
    }
    /* k == 0 with flags: the first step would read a hash not yet computed. */
    if (k == 0) return XR_ERR_PROOF_MALFORMED;

    size_t head = 0, size = k, pp = 0;
    for (size_t i = 0; i < flag_count; i++) {
        if (size == 0) return XR_ERR_PROOF_MALFORMED;
        xr_hash a = queue[head];
        head = (head + 1) % k;
        size--;
        xr_hash b;
        if (flags[i]) {
            if (size == 0) return XR_ERR_PROOF_MALFORMED;
            b = queue[head];
            head = (head + 1) % k;
            size--;
        } else {
            if (pp == proof_count) return XR_ERR_PROOF_MALFORMED;
            b = proof[pp++];
        }
        XR_ASSERT(size < k);
        xr_merkle_hash_pair(&a, &b, &queue[(head + size) % k]);
        size++;
    }
    if (pp != proof_count) return XR_ERR_PROOF_MALFORMED;
    /* The last hash computed is the root. */
    *root = queue[(head + size - 1) % k];
    return 0;
}

int xr_merkle_multiproof_process(const xr_hash *leaves, size_t k, const xr_hash *proof,
                                 size_t proof_count, const bool *flags, size_t flag_count,
                                 xr_hash *work, xr_hash *root) {
    XR_ASSERT(leaves != NULL || k == 0);
    XR_ASSERT(work != NULL || k == 0);
    if (k > 0) memcpy(work, leaves, k * sizeof *work);
    return xr_merkle_multiproof_process_inplace(work, k, proof, proof_count, flags, flag_count,
                                                root);
}

int xr_merkle_multiproof_verify(const xr_hash *leaves, size_t k, const xr_hash *proof,
                                size_t proof_count, const bool *flags, size_t flag_count,
                                xr_hash *work, const xr_hash *root) {
    XR_ASSERT(root != NULL);
    xr_hash got;
    int rc = xr_merkle_multiproof_process(leaves, k, proof, proof_count, flags, flag_count, work,
                                          &got);
    if (rc != 0) return rc;
    return memcmp(got.bytes, root->bytes, 32) == 0 ? 0 : XR_ERR_PROOF_INVALID;
}
