/*
** Error codes of the protocol core: 0 is success, every failure a negative
** XR_ERR_* from this one table, which also yields each code's name and
** message.  Ranges: -1..-99 general and decoding, -100..-199 merkle and
** attestation, -200..-299 signatures, validator sets and quorum,
** -300..-399 portal, -400..-499 consensus, -500..-599 restaking.
** Append new codes to the X-macro list in their range; never renumber.
*/
#ifndef XR_ERR_H
#define XR_ERR_H

#define XR_ERR_LIST(X) \
    X(XR_OK,                   0, "ok") \
    X(XR_ERR_INVALID_ARG,     -1, "invalid argument") \
    X(XR_ERR_NOSPACE,         -2, "output buffer too small") \
    X(XR_ERR_TRUNCATED,       -3, "input truncated") \
    X(XR_ERR_TRAILING,        -4, "trailing bytes after encoding") \
    X(XR_ERR_BAD_OFFSET,      -5, "ABI head offset out of place or out of range") \
    X(XR_ERR_BAD_PADDING,     -6, "non-zero padding in ABI word") \
    X(XR_ERR_TOO_LARGE,       -7, "length exceeds limit") \
    X(XR_ERR_BAD_TYPE,        -8, "unknown message type") \
    X(XR_ERR_BAD_VALUE,       -9, "field value out of range") \
    X(XR_ERR_CAPACITY,       -10, "fixed capacity exceeded") \
    X(XR_ERR_PROOF_INVALID, -100, "multi-proof does not verify") \
    X(XR_ERR_PROOF_MALFORMED, -101, "multi-proof shape is inconsistent") \
    X(XR_ERR_ROOT_MISMATCH, -102, "attestation root mismatch") \
    X(XR_ERR_SIG_INVALID,   -200, "signature does not verify") \
    X(XR_ERR_SIG_MALFORMED, -201, "signature bytes malformed") \
    X(XR_ERR_SIG_UNSORTED,  -202, "signatures not strictly ascending by address") \
    X(XR_ERR_SIG_NOT_MEMBER, -203, "signer not in validator set") \
    X(XR_ERR_NO_QUORUM,     -204, "signed power below quorum") \
    X(XR_ERR_VALSET_UNKNOWN, -205, "validator set unknown") \
    X(XR_ERR_VALSET_STALE,  -206, "validator set too old") \
    X(XR_ERR_VALSET_INVALID, -207, "validator set malformed") \
    X(XR_ERR_OVERFLOW,      -208, "arithmetic overflow") \
    X(XR_ERR_SIG_DUPLICATE, -209, "duplicate signer") \
    X(XR_ERR_WRONG_CHAIN,   -300, "wrong chain id") \
    X(XR_ERR_NO_MSGS,       -301, "submission carries no messages") \
    X(XR_ERR_OFFSET_GAP,    -302, "stream offset is not last + 1") \
    X(XR_ERR_WRONG_DEST,    -303, "message not for this chain") \
    X(XR_ERR_WRONG_SHARD,   -304, "confirmation level does not cover message shard") \
    X(XR_ERR_OUT_OF_GAS,    -305, "not enough gas supplied") \
    X(XR_ERR_FEE_TOO_LOW,   -306, "fee below required") \
    X(XR_ERR_UNSUPPORTED_DEST, -307, "destination not supported") \
    X(XR_ERR_GAS_LIMIT,     -308, "gas limit outside allowed range") \
    X(XR_ERR_DATA_TOO_LARGE, -309, "message data too large") \
    X(XR_ERR_UNSUPPORTED_SHARD, -310, "confirmation level not supported") \
    X(XR_ERR_SYSCALL,       -311, "system call rejected") \
    X(XR_ERR_XCALL_TO_PORTAL, -312, "xcall to the virtual portal address 0") \
    X(XR_ERR_BFT_VERSION,   -400, "unknown consensus encoding version") \
    X(XR_ERR_BFT_POL_ROUND, -401, "proposal POL round not below its round") \
    X(XR_ERR_BFT_NIL_BLOCK, -402, "proposal or commit for the nil block") \
    X(XR_ERR_BFT_BLOCK_ID,  -403, "block bytes do not hash to the block id") \
    X(XR_ERR_BFT_NIL_EXT,   -404, "nil precommit carries a vote extension") \
    X(XR_ERR_BFT_UNSORTED,  -405, "attestation votes not strictly ascending") \
    X(XR_ERR_BFT_HEIGHT,    -406, "consensus message for another height") \
    X(XR_ERR_BFT_ROUND,     -407, "consensus round not tracked") \
    X(XR_ERR_BFT_NOT_PROPOSER, -408, "proposal not from the round's proposer") \
    X(XR_ERR_BFT_DUPLICATE, -409, "duplicate consensus message") \
    X(XR_ERR_BFT_EQUIVOCATION, -410, "conflicting signed messages from one validator") \
    X(XR_ERR_BFT_INVALID_BLOCK, -411, "block breaks a validity rule") \
    X(XR_ERR_BFT_ATT_WINDOW, -412, "attestation offset beyond the window") \
    X(XR_ERR_BFT_ATT_STALE, -413, "attestation offset already approved") \
    X(XR_ERR_BFT_EXT_SIGNER, -414, "extension vote not signed by the precommit's validator") \
    X(XR_ERR_EVIDENCE_KIND, -415, "unknown evidence kind") \
    X(XR_ERR_EVIDENCE_MISMATCH, -416, "evidence messages differ in signer or position") \
    X(XR_ERR_EVIDENCE_SAME, -417, "evidence messages do not conflict") \
    X(XR_ERR_EVIDENCE_ORDER, -418, "evidence messages not in canonical order") \
    X(XR_ERR_BFT_NOT_VALIDATOR, -419, "signer not in the consensus validator set") \
    X(XR_ERR_BFT_WRONG_CHAIN, -420, "consensus message for another chain") \
    X(XR_ERR_BFT_EXT_REJECTED, -421, "precommit's vote extension rejected") \
    X(XR_ERR_RESTAKE_UNKNOWN, -500, "unknown operator, staker, withdrawal or slash request") \
    X(XR_ERR_RESTAKE_DELEGATED, -501, "staker already delegated") \
    X(XR_ERR_RESTAKE_NOT_DELEGATED, -502, "staker not delegated") \
    X(XR_ERR_RESTAKE_REGISTERED, -503, "operator already registered") \
    X(XR_ERR_RESTAKE_NOT_REGISTERED, -504, "operator not registered") \
    X(XR_ERR_RESTAKE_EJECTED, -505, "operator ejected by a slash") \
    X(XR_ERR_RESTAKE_INSUFFICIENT, -506, "amount exceeds the staker's active stake") \
    X(XR_ERR_RESTAKE_NOT_READY, -507, "withdrawal delay or veto window not over") \
    X(XR_ERR_RESTAKE_FROZEN, -508, "withdrawal frozen by a pending slash request") \
    X(XR_ERR_RESTAKE_DONE, -509, "withdrawal already completed") \
    X(XR_ERR_RESTAKE_DUPLICATE, -510, "offence already has a slash request") \
    X(XR_ERR_RESTAKE_CLOSED, -511, "slash request already executed or vetoed") \
    X(XR_ERR_RESTAKE_WINDOW, -512, "veto window closed") \
    X(XR_ERR_RESTAKE_LEDGER, -513, "restaking ledger inconsistent (a bug)") \
    X(XR_ERR_RESTAKE_NOT_SLASHABLE, -514, "operator left the slashable window (deregistered for longer than the deallocation delay)") \
    X(XR_ERR_RESTAKE_PENDING, -515, "an allocation change is already pending") \
    X(XR_ERR_RESTAKE_NO_SLASHING, -516, "the service has no slashing path (Omni mainnet V1)")

typedef enum xr_err {
#define XR_ERR_ENUM_(name, code, msg) name = code,
    XR_ERR_LIST(XR_ERR_ENUM_)
#undef XR_ERR_ENUM_
} xr_err;

/* "XR_ERR_TRUNCATED" / "input truncated"; "XR_ERR_UNKNOWN" for codes not
** in the table. */
const char *xr_err_name(int code);
const char *xr_err_message(int code);

#endif
