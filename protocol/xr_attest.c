/*
** Leaves, roots and the destination multi-proof of an XBlock's attestation
** (see xr_attest.h).  Leaves are hashed straight from the encoder's byte
** stream (xr_*_hash_encoding), so no encoding buffer is needed even for
** 64 KiB of message data.
*/
#include <string.h>

#include "xr_attest.h"
#include "xr_codec.h"
#include "xr_err.h"
#include "xr_keccak.h"
#include "xr_merkle.h"

/* leaf = keccak256(keccak256(tag || encoding)), the inner hash over a
** context that already absorbed tag || encoding. */
static void finish_leaf(xr_keccak *ctx, xr_hash *leaf) {
    uint8_t inner[32];
    xr_keccak_final(ctx, inner);
    xr_keccak256(inner, sizeof inner, leaf->bytes);
}

void xr_attest_header_leaf(const xr_xheader *h, xr_hash *leaf) {
    XR_ASSERT(h != NULL && leaf != NULL);
    xr_keccak ctx;
    const uint8_t tag = XR_DST_XBLOCK_HEADER;
    xr_keccak_init(&ctx);
    xr_keccak_update(&ctx, &tag, 1);
    xr_xheader_hash_encoding(h, &ctx);
    finish_leaf(&ctx, leaf);
}

/* The header's tag || ABI encoding is a fixed 193 bytes, so the service
** form hashes it from a buffer (the service takes whole byte strings). */
void xr_attest_header_leaf_with(const xr_keccak_service *svc, const xr_xheader *h,
                                xr_hash *leaf) {
    XR_ASSERT(h != NULL && leaf != NULL);
    uint8_t buf[1u + XR_XHEADER_ENCODED_BYTES];
    buf[0] = XR_DST_XBLOCK_HEADER;
    int n = xr_xheader_encode(h, buf + 1, sizeof buf - 1u);
    XR_ASSERT(n == (int)XR_XHEADER_ENCODED_BYTES);
    uint8_t inner[32];
    xr_keccak_service_hash(svc, buf, sizeof buf, inner);
    xr_keccak_service_hash(svc, inner, sizeof inner, leaf->bytes);
}

void xr_attest_msg_leaf(const xr_xmsg *m, xr_hash *leaf) {
    XR_ASSERT(m != NULL && leaf != NULL);
    xr_keccak ctx;
    const uint8_t tag = XR_DST_XMSG;
    xr_keccak_init(&ctx);
    xr_keccak_update(&ctx, &tag, 1);
    xr_xmsg_hash_encoding(m, &ctx);
    finish_leaf(&ctx, leaf);
}

int xr_attest_msg_root(const xr_xmsg *msgs, size_t n, xr_hash *work, size_t work_cap,
                       xr_hash *msg_root) {
    XR_ASSERT(msg_root != NULL);
    XR_ASSERT(msgs != NULL || n == 0);
    if (n == 0) {
        memset(msg_root->bytes, 0, sizeof msg_root->bytes);
        return 0;
    }
    const size_t total = XR_MERKLE_NODE_COUNT(n);
    if (work == NULL || work_cap < total) return XR_ERR_NOSPACE;
    /* Hash the leaves straight into their node slots, then the inner nodes
    ** (the same layout xr_merkle_tree_build makes). */
    for (size_t i = 0; i < n; i++) xr_attest_msg_leaf(&msgs[i], &work[total - 1 - i]);
    for (size_t i = total - n; i-- > 0;) {
        xr_merkle_hash_pair(&work[2 * i + 1], &work[2 * i + 2], &work[i]);
    }
    *msg_root = work[0];
    return 0;
}

void xr_attest_root(const xr_hash *header_leaf, const xr_hash *msg_root, xr_hash *root) {
    xr_merkle_hash_pair(header_leaf, msg_root, root);
}

/* xr_merkle_hash_pair's commutative pair hash (smaller hash first) through
** the service. */
void xr_attest_root_with(const xr_keccak_service *svc, const xr_hash *header_leaf,
                         const xr_hash *msg_root, xr_hash *root) {
    XR_ASSERT(header_leaf != NULL && msg_root != NULL && root != NULL);
    uint8_t buf[64];
    bool leaf_first = memcmp(header_leaf->bytes, msg_root->bytes, 32) <= 0;
    memcpy(buf, leaf_first ? header_leaf->bytes : msg_root->bytes, 32);
    memcpy(buf + 32, leaf_first ? msg_root->bytes : header_leaf->bytes, 32);
    xr_keccak_service_hash(svc, buf, sizeof buf, root->bytes);
}

int xr_attest_xblock_root(const xr_xheader *h, const xr_xmsg *msgs, size_t n, xr_hash *work,
                          size_t work_cap, xr_hash *root) {
    XR_ASSERT(h != NULL && root != NULL);
    xr_hash header_leaf, msg_root;
    int rc = xr_attest_msg_root(msgs, n, work, work_cap, &msg_root);
    if (rc != 0) return rc;
    xr_attest_header_leaf(h, &header_leaf);
    xr_attest_root(&header_leaf, &msg_root, root);
    return 0;
}

void xr_attest_sign_digest(const xr_hash *root, xr_hash *digest) {
    XR_ASSERT(root != NULL && digest != NULL);
    *digest = *root;
}

bool xr_attest_msg_for_dest(const xr_xmsg *m, uint64_t dest_chain_id) {
    XR_ASSERT(m != NULL);
    return m->dest_chain_id == dest_chain_id || m->dest_chain_id == XR_BROADCAST_CHAIN_ID;
}

/* The messages a proof selects: for dest (and, when by_stream, of that
** shard above after_offset). */
typedef struct selector {
    uint64_t dest;
    bool by_stream;
    uint64_t shard;
    uint64_t after_offset;
} selector;

static bool selected(const selector *sel, const xr_xmsg *m) {
    if (!xr_attest_msg_for_dest(m, sel->dest)) return false;
    return !sel->by_stream || (m->shard_id == sel->shard && m->offset > sel->after_offset);
}

static int select_proof(const xr_xmsg *msgs, size_t n, const selector *sel, xr_hash *node_work,
                        size_t node_work_cap, size_t *index_work, size_t index_work_cap,
                        size_t *order, size_t order_cap, size_t *order_count, xr_hash *proof,
                        size_t proof_cap, size_t *proof_count, bool *flags, size_t flag_cap,
                        size_t *flag_count) {
    XR_ASSERT(order_count != NULL && proof_count != NULL && flag_count != NULL);
    *order_count = 0;
    *proof_count = 0;
    *flag_count = 0;
    if (n == 0 || msgs == NULL) return XR_ERR_INVALID_ARG;
    if (node_work == NULL || node_work_cap < XR_MERKLE_NODE_COUNT(n)) return XR_ERR_NOSPACE;
    if (index_work == NULL || index_work_cap < 2 * n) return XR_ERR_NOSPACE;

    xr_hash root;
    int rc = xr_attest_msg_root(msgs, n, node_work, node_work_cap, &root);
    XR_ASSERT(rc == 0);

    /* Selected indices in index_work[0..k), the builder's ring after them. */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (selected(sel, &msgs[i])) index_work[k++] = i;
    }
    if (k == 0) return 0;
    if (order == NULL || order_cap < k) return XR_ERR_NOSPACE;
    rc = xr_merkle_multiproof_build(node_work, n, index_work, k, order, index_work + n, proof,
                                    proof_cap, proof_count, flags, flag_cap, flag_count);
    if (rc != 0) return rc;
    *order_count = k;
    return 0;
}

int xr_attest_dest_proof(const xr_xmsg *msgs, size_t n, uint64_t dest_chain_id,
                         xr_hash *node_work, size_t node_work_cap, size_t *index_work,
                         size_t index_work_cap, size_t *order, size_t order_cap,
                         size_t *order_count, xr_hash *proof, size_t proof_cap,
                         size_t *proof_count, bool *flags, size_t flag_cap,
                         size_t *flag_count) {
    selector sel = {.dest = dest_chain_id, .by_stream = false, .shard = 0, .after_offset = 0};
    return select_proof(msgs, n, &sel, node_work, node_work_cap, index_work, index_work_cap, order,
                        order_cap, order_count, proof, proof_cap, proof_count, flags, flag_cap,
                        flag_count);
}

int xr_attest_stream_proof(const xr_xmsg *msgs, size_t n, uint64_t dest_chain_id,
                           uint64_t shard_id, uint64_t after_offset, xr_hash *node_work,
                           size_t node_work_cap, size_t *index_work, size_t index_work_cap,
                           size_t *order, size_t order_cap, size_t *order_count, xr_hash *proof,
                           size_t proof_cap, size_t *proof_count, bool *flags, size_t flag_cap,
                           size_t *flag_count) {
    selector sel = {.dest = dest_chain_id, .by_stream = true, .shard = shard_id,
                    .after_offset = after_offset};
    return select_proof(msgs, n, &sel, node_work, node_work_cap, index_work, index_work_cap, order,
                        order_cap, order_count, proof, proof_cap, proof_count, flags, flag_cap,
                        flag_count);
}

int xr_attest_verify(const xr_xheader *h, const xr_xmsg *msgs, size_t n, const xr_hash *proof,
                     size_t proof_count, const bool *flags, size_t flag_count,
                     const xr_hash *attestation_root, xr_hash *work, size_t work_cap) {
    XR_ASSERT(h != NULL && attestation_root != NULL);
    XR_ASSERT(msgs != NULL || n == 0);
    if (n == 0) return XR_ERR_PROOF_MALFORMED;
    if (work == NULL || work_cap < n) return XR_ERR_NOSPACE;
    for (size_t i = 0; i < n; i++) xr_attest_msg_leaf(&msgs[i], &work[i]);
    xr_hash msg_root, header_leaf, root;
    int rc = xr_merkle_multiproof_process_inplace(work, n, proof, proof_count, flags, flag_count,
                                                  &msg_root);
    if (rc != 0) return rc;
    xr_attest_header_leaf(h, &header_leaf);
    xr_attest_root(&header_leaf, &msg_root, &root);
    return memcmp(root.bytes, attestation_root->bytes, 32) == 0 ? 0 : XR_ERR_ROOT_MISMATCH;
}
