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
    X(XR_ERR_WRONG_CHAIN,   -300, "wrong chain id") \
    X(XR_ERR_NO_MSGS,       -301, "submission carries no messages") \
    X(XR_ERR_OFFSET_GAP,    -302, "stream offset is not last + 1") \
    X(XR_ERR_WRONG_DEST,    -303, "message not for this chain") \
    X(XR_ERR_WRONG_SHARD,   -304, "confirmation level does not cover message shard") \
    X(XR_ERR_OUT_OF_GAS,    -305, "not enough gas supplied") \
    X(XR_ERR_FEE_TOO_LOW,   -306, "fee below required") \
    X(XR_ERR_UNSUPPORTED_DEST, -307, "destination not supported") \
    X(XR_ERR_GAS_LIMIT,     -308, "gas limit outside allowed range") \
    X(XR_ERR_DATA_TOO_LARGE, -309, "message data too large")

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
