/*
** Fixed capacities of the protocol core.  Every decoder rejects input that
** exceeds one of these with XR_ERR_TOO_LARGE, and every structure that holds
** decoded data is sized from them, so the core never allocates.  They are
** defaults a build may change (define before including, or edit here); the
** encodings themselves do not depend on them.
*/
#ifndef XR_LIMITS_H
#define XR_LIMITS_H

/* Bytes of XMsg.data (the portal's xmsgMaxDataSize is of this order). */
#ifndef XR_MAX_DATA_BYTES
#define XR_MAX_DATA_BYTES 65536u
#endif

/* Bytes of XReceipt.error (Omni's xreceiptMaxErrorSize default is 256). */
#ifndef XR_MAX_RECEIPT_ERROR_BYTES
#define XR_MAX_RECEIPT_ERROR_BYTES 256u
#endif

/* Messages one XBlock may carry (leaves of one message tree). */
#ifndef XR_MAX_XBLOCK_MSGS
#define XR_MAX_XBLOCK_MSGS 4096u
#endif

/* Messages one submission may carry. */
#ifndef XR_MAX_SUBMISSION_MSGS
#define XR_MAX_SUBMISSION_MSGS 1024u
#endif

/* Signatures one submission may carry (= the largest validator set). */
#ifndef XR_MAX_SIGS
#define XR_MAX_SIGS 1000u
#endif

/* Multi-proof sizes.  For k leaves of an n-leaf tree, flags = k + proof - 1
** <= n - 1 and proof <= n - k, so both are bounded by the XBlock size. */
#ifndef XR_MAX_PROOF_NODES
#define XR_MAX_PROOF_NODES XR_MAX_XBLOCK_MSGS
#endif
#ifndef XR_MAX_PROOF_FLAGS
#define XR_MAX_PROOF_FLAGS XR_MAX_XBLOCK_MSGS
#endif

/* Length of an ECDSA secp256k1 signature r || s || v. */
#define XR_SIG_BYTES 65u

#endif
