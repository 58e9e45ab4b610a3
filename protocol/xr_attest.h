/*
** The attestation of an XBlock: the header leaf and message leaves
** (keccak256(keccak256(uint8(tag) ‖ abi.encode(x))), tag 1 header, 2
** message), the message root (OpenZeppelin tree over the message leaves in
** message order), the attestation root = hash_pair(header_leaf, msg_root),
** the digest a verifier signs (the raw root), the multi-proof of the
** messages bound to one destination, and the portal's proof check.
*/
#ifndef XR_ATTEST_H
#define XR_ATTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xr_types.h"

void xr_attest_header_leaf(const xr_xheader *h, xr_hash *leaf);
void xr_attest_msg_leaf(const xr_xmsg *m, xr_hash *leaf);

/* Root of the message tree of msgs[0..n), with work[0..2n-1) as scratch.
** An XBlock with no messages has the all-zero message root (a convention of
** this simulator; OpenZeppelin has no empty tree).  Returns 0 or
** XR_ERR_NOSPACE. */
int xr_attest_msg_root(const xr_xmsg *msgs, size_t n, xr_hash *work, size_t work_cap,
                       xr_hash *msg_root);

/* root = hash_pair(header_leaf, msg_root). */
void xr_attest_root(const xr_hash *header_leaf, const xr_hash *msg_root, xr_hash *root);

/* The same leaf and root, with every Keccak call made through svc (NULL:
** plain xr_keccak256; see xr_keccak_service in xr_keccak.h).  The results
** equal xr_attest_header_leaf / xr_attest_root for every input. */
struct xr_keccak_service;
void xr_attest_header_leaf_with(const struct xr_keccak_service *svc, const xr_xheader *h,
                                xr_hash *leaf);
void xr_attest_root_with(const struct xr_keccak_service *svc, const xr_hash *header_leaf,
                         const xr_hash *msg_root, xr_hash *root);

/* Attestation root of a whole XBlock (header + all its messages), with
** work[0..2n-1) as scratch.  Returns 0 or XR_ERR_NOSPACE. */
int xr_attest_xblock_root(const xr_xheader *h, const xr_xmsg *msgs, size_t n, xr_hash *work,
                          size_t work_cap, xr_hash *root);

/* The exact 32 bytes a verifier signs for an attestation root: the root
** itself (no "\x19Ethereum Signed Message" prefix). */
void xr_attest_sign_digest(const xr_hash *root, xr_hash *digest);

/* Does a message belong in a submission to dest_chain_id?  Its destination
** equals dest_chain_id, or it is a broadcast (XR_BROADCAST_CHAIN_ID). */
bool xr_attest_msg_for_dest(const xr_xmsg *m, uint64_t dest_chain_id);

/* Scratch an XBlock of n messages needs for xr_attest_dest_proof. */
#define XR_ATTEST_PROOF_NODE_WORK(n) (2u * (size_t)(n))
#define XR_ATTEST_PROOF_INDEX_WORK(n) (2u * (size_t)(n))

/* The multi-proof a relayer submits to dest_chain_id for the XBlock's
** messages msgs[0..n) (n >= 1): selects the messages for that destination
** (xr_attest_msg_for_dest) and writes their indices into msgs in consumption
** order to order[0..*order_count) — the submission carries msgs[order[i]] in
** that order — plus proof and flags.  Scratch: node_work of 2n hashes,
** index_work of 2n indices.  *order_count == 0 means no message is bound to
** that destination (then nothing is submitted).  Returns 0,
** XR_ERR_INVALID_ARG (n == 0) or XR_ERR_NOSPACE. */
int xr_attest_dest_proof(const xr_xmsg *msgs, size_t n, uint64_t dest_chain_id,
                         xr_hash *node_work, size_t node_work_cap, size_t *index_work,
                         size_t index_work_cap, size_t *order, size_t order_cap,
                         size_t *order_count, xr_hash *proof, size_t proof_cap,
                         size_t *proof_count, bool *flags, size_t flag_cap,
                         size_t *flag_count);

/* The same for one stream, as Omni's relayer submits (relayer/app
** worker.go: an XBlock's messages split by stream, those already submitted
** filtered out): the messages for dest_chain_id (xr_attest_msg_for_dest)
** whose shard is shard_id and whose stream offset is above after_offset.
** Same scratch, outputs and returns as xr_attest_dest_proof. */
int xr_attest_stream_proof(const xr_xmsg *msgs, size_t n, uint64_t dest_chain_id,
                           uint64_t shard_id, uint64_t after_offset, xr_hash *node_work,
                           size_t node_work_cap, size_t *index_work, size_t index_work_cap,
                           size_t *order, size_t order_cap, size_t *order_count, xr_hash *proof,
                           size_t proof_cap, size_t *proof_count, bool *flags, size_t flag_cap,
                           size_t *flag_count);

/* The portal's check: the messages msgs[0..n) (in submission order, which is
** the order the proof consumes their leaves), with proof and flags, yield a
** message root whose hash_pair with the header leaf is attestation_root.
** work[0..n) is scratch.  Returns 0; XR_ERR_PROOF_MALFORMED when n == 0 or the
** proof's shape is inconsistent (processMultiProof would revert);
** XR_ERR_ROOT_MISMATCH when the recomputed attestation root differs;
** XR_ERR_NOSPACE when work_cap < n. */
int xr_attest_verify(const xr_xheader *h, const xr_xmsg *msgs, size_t n, const xr_hash *proof,
                     size_t proof_count, const bool *flags, size_t flag_count,
                     const xr_hash *attestation_root, xr_hash *work, size_t work_cap);

#endif
