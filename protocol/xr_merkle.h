/*
** Merkle trees in OpenZeppelin's layout (@openzeppelin/merkle-tree's
** SimpleMerkleTree with leaves kept in the given order, verified on chain by
** MerkleProof.sol): an n-leaf tree is an array of 2n - 1 nodes, node 0 the
** root, children of i at 2i + 1 and 2i + 2, leaf i at node 2n - 2 - i;
** inner nodes are hash_pair(left, right) = keccak256(min ‖ max) (the pair is
** sorted, so proofs carry no left/right bits).  Leaves are 32-byte values the
** caller has already hashed (see xr_attest.h for the protocol's leaves).
**
** Single proofs (getProof / processProof) and multi-proofs (getMultiProof /
** processMultiProof).  A multi-proof for a set of leaves consumes them in
** ascending leaf index order (descending node index); processing follows
** processMultiProof exactly, including its checks: leaves + proof ==
** flags + 1, and every proof element consumed.  Where Solidity would read an
** unwritten hash slot (zero) or run past the proof array (revert), this code
** rejects the proof as malformed.  No allocation: callers pass work buffers.
*/
#ifndef XR_MERKLE_H
#define XR_MERKLE_H

#include <stdbool.h>
#include <stddef.h>

#include "xr_types.h"

/* Nodes of an n-leaf tree (n >= 1). */
#define XR_MERKLE_NODE_COUNT(n) (2u * (size_t)(n) - 1u)

/* out = keccak256(min(a, b) ‖ max(a, b)) (bytewise comparison); out may
** alias a or b. */
void xr_merkle_hash_pair(const xr_hash *a, const xr_hash *b, xr_hash *out);

/* Node index of leaf i in an n-leaf tree: 2n - 2 - i. */
size_t xr_merkle_leaf_node(size_t leaf_count, size_t leaf_index);

/* Build the whole tree: nodes[0..2n-1) from leaves[0..n) (nodes[0] is the
** root).  Returns 0, XR_ERR_INVALID_ARG when n == 0, XR_ERR_NOSPACE when
** node_cap < 2n - 1. */
int xr_merkle_tree_build(const xr_hash *leaves, size_t leaf_count, xr_hash *nodes,
                         size_t node_cap);

/* Root of the tree over leaves[0..n), using work[0..2n-1) as scratch.
** Returns 0, XR_ERR_INVALID_ARG (n == 0) or XR_ERR_NOSPACE. */
int xr_merkle_root(const xr_hash *leaves, size_t leaf_count, xr_hash *work, size_t work_cap,
                   xr_hash *root);

/* Single proof of leaf leaf_index from a built tree: the siblings from the
** leaf up.  Returns 0 with *proof_count set, XR_ERR_INVALID_ARG (index out of
** range, n == 0) or XR_ERR_NOSPACE. */
int xr_merkle_proof_build(const xr_hash *nodes, size_t leaf_count, size_t leaf_index,
                          xr_hash *proof, size_t proof_cap, size_t *proof_count);

/* Fold a single proof: h = leaf; h = hash_pair(h, p) for each p. */
void xr_merkle_proof_process(const xr_hash *leaf, const xr_hash *proof, size_t proof_count,
                             xr_hash *root);

/* 0 if the single proof yields root, XR_ERR_PROOF_INVALID otherwise. */
int xr_merkle_proof_verify(const xr_hash *leaf, const xr_hash *proof, size_t proof_count,
                           const xr_hash *root);

/* Multi-proof of the leaves leaf_indices[0..k) (any order, no duplicates;
** k may be 0: the proof is then the root alone) from a built tree, as
** getMultiProof makes it.  Writes:
**   order[0..k)            the leaf indices in the order the verifier
**                          consumes them (ascending),
**   proof[0..*proof_count) and flags[0..*flag_count).
** work[0..k) is scratch (k >= 1) .  Returns 0, XR_ERR_INVALID_ARG (n == 0,
** an index out of range or repeated) or XR_ERR_NOSPACE (proof_cap or
** flag_cap too small). */
int xr_merkle_multiproof_build(const xr_hash *nodes, size_t leaf_count,
                               const size_t *leaf_indices, size_t k, size_t *order,
                               size_t *work, xr_hash *proof, size_t proof_cap,
                               size_t *proof_count, bool *flags, size_t flag_cap,
                               size_t *flag_count);

/* processMultiProof: the root implied by leaves[0..k) (in consumption order),
** proof and flags.  work[0..k) is scratch (may be NULL when k == 0; may not
** alias leaves).  Returns 0 with *root set, or XR_ERR_PROOF_MALFORMED when
** k + proof_count != flag_count + 1, a step needs a hash not yet computed or
** a proof element past the end, or a proof element is left unused. */
int xr_merkle_multiproof_process(const xr_hash *leaves, size_t k, const xr_hash *proof,
                                 size_t proof_count, const bool *flags, size_t flag_count,
                                 xr_hash *work, xr_hash *root);

/* The same, using queue[0..k) — the leaves on entry — as the scratch FIFO;
** the leaves are overwritten. */
int xr_merkle_multiproof_process_inplace(xr_hash *queue, size_t k, const xr_hash *proof,
                                         size_t proof_count, const bool *flags,
                                         size_t flag_count, xr_hash *root);

/* 0 if the multi-proof yields root; XR_ERR_PROOF_MALFORMED as above;
** XR_ERR_PROOF_INVALID when it yields another root. */
int xr_merkle_multiproof_verify(const xr_hash *leaves, size_t k, const xr_hash *proof,
                                size_t proof_count, const bool *flags, size_t flag_count,
                                xr_hash *work, const xr_hash *root);

#endif
