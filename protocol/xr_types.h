/*
** The wire types of the protocol: hashes, addresses, signatures, cross-chain
** messages (XMsg), XBlock headers, receipts, attestation votes and portal
** submissions, plus the shard and confirmation-level constants.  The
** canonical byte encodings (Solidity abi.encode of each tuple) are in
** xr_codec.h; leaves and roots in xr_merkle.h and xr_attest.h.
**
** Variable-length fields (message data, receipt error) are views: a pointer
** and a length into memory the caller owns (after decoding: into the input
** buffer).  Arrays of a submission are caller-owned too (see
** xr_submission_store in xr_codec.h for fixed-capacity storage).
*/
#ifndef XR_TYPES_H
#define XR_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xr_assert.h"
#include "xr_limits.h"

/* A 32-byte hash (Keccak-256 output, merkle node, attestation root). */
typedef struct xr_hash {
    uint8_t bytes[32];
} xr_hash;

/* A 20-byte Ethereum address. */
typedef struct xr_address {
    uint8_t bytes[20];
} xr_address;

/* A 65-byte secp256k1 ECDSA signature r || s || v (v in {27, 28}). */
typedef struct xr_sig {
    uint8_t bytes[XR_SIG_BYTES];
} xr_sig;

/* ---- confirmation levels, shards, broadcast -------------------------- */

#define XR_CONF_LATEST 1u            /* ConfLevel.Latest */
#define XR_CONF_FINALIZED 4u         /* ConfLevel.Finalized */
#define XR_SHARD_BROADCAST_FLAG 0x100u
#define XR_BROADCAST_CHAIN_ID 0u     /* destChainId of broadcast messages */

/* The shard of a stream at a level: the level itself, or level | 0x100 for
** the consensus chain's broadcast messages. */
#define XR_SHARD(level) ((uint64_t)(level))
#define XR_SHARD_BROADCAST(level) ((uint64_t)(level) | XR_SHARD_BROADCAST_FLAG)
/* Confirmation level a shard asks for: its last byte. */
#define XR_SHARD_CONF_LEVEL(shard) ((uint8_t)((shard) & 0xffu))
#define XR_SHARD_IS_BROADCAST(shard) (((shard) & XR_SHARD_BROADCAST_FLAG) != 0)

/* Domain tags of merkle leaves: leaf = keccak256(keccak256(tag || abi)). */
#define XR_DST_XBLOCK_HEADER 1u
#define XR_DST_XMSG 2u

/* ---- XMsg --------------------------------------------------------------
** abi.encode((uint64 destChainId, uint64 shardId, uint64 offset,
**             address sender, address to, bytes data, uint64 gasLimit))
** The source chain id is the XBlock header's. */
typedef struct xr_xmsg {
    uint64_t dest_chain_id;
    uint64_t shard_id;
    uint64_t offset;            /* stream offset, from 1 */
    xr_address sender;
    xr_address to;
    const uint8_t *data;        /* view; may be NULL when data_len == 0 */
    size_t data_len;            /* <= XR_MAX_DATA_BYTES */
    uint64_t gas_limit;
} xr_xmsg;

/* ---- XBlock header -------------------------------------------------------
** abi.encode((uint64 sourceChainId, uint64 consensusChainId, uint8 confLevel,
**             uint64 offset, uint64 sourceBlockHeight, bytes32 sourceBlockHash))
** (static tuple: six words, no offset word). */
typedef struct xr_xheader {
    uint64_t source_chain_id;
    uint64_t consensus_chain_id;
    uint8_t conf_level;         /* XR_CONF_LATEST or XR_CONF_FINALIZED */
    uint64_t offset;            /* attest offset of (chain, level), from 1 */
    uint64_t source_block_height;
    xr_hash source_block_hash;
} xr_xheader;

/* ---- XReceipt ------------------------------------------------------------
** abi.encode((uint64 sourceChainId, uint64 shardId, uint64 offset,
**             uint64 gasUsed, address relayer, bool success, bytes error)) */
typedef struct xr_xreceipt {
    uint64_t source_chain_id;
    uint64_t shard_id;
    uint64_t offset;
    uint64_t gas_used;
    xr_address relayer;
    bool success;
    const uint8_t *error;       /* view; may be NULL when error_len == 0 */
    size_t error_len;           /* <= XR_MAX_RECEIPT_ERROR_BYTES */
} xr_xreceipt;

/* ---- attestation vote ------------------------------------------------------
** A verifier's signed vote for one XBlock:
** abi.encode((address validator, XBlockHeader header, bytes32 attestationRoot,
**             bytes signature))  with signature exactly 65 bytes over the raw
** attestation root (see xr_attest_sign_digest). */
typedef struct xr_vote {
    xr_address validator;
    xr_xheader header;
    xr_hash attestation_root;
    xr_sig sig;
} xr_vote;

/* One (validator address, signature) pair of a submission; Omni's SigTuple
** abi.encode((address validatorAddr, bytes signature)). */
typedef struct xr_sig_tuple {
    xr_address validator;
    xr_sig sig;
} xr_sig_tuple;

/* ---- submission ------------------------------------------------------------
** What a relayer sends to a destination portal:
** abi.encode((bytes32 attestationRoot, uint64 validatorSetId,
**             XBlockHeader blockHeader, XMsg[] msgs, bytes32[] proof,
**             bool[] proofFlags, SigTuple[] signatures))
** msgs are the XBlock's messages for one destination in the order the
** multi-proof consumes their leaves; sigs should be sorted strictly ascending
** by validator address (checked by the quorum rules, not by the decoder). */
typedef struct xr_submission {
    xr_hash attestation_root;
    uint64_t valset_id;
    xr_xheader header;
    xr_xmsg *msgs;
    size_t msg_count;           /* <= XR_MAX_SUBMISSION_MSGS */
    xr_hash *proof;
    size_t proof_count;         /* <= XR_MAX_PROOF_NODES */
    bool *proof_flags;
    size_t proof_flag_count;    /* <= XR_MAX_PROOF_FLAGS */
    xr_sig_tuple *sigs;
    size_t sig_count;           /* <= XR_MAX_SIGS */
} xr_submission;

#endif
