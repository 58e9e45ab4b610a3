/*
** EVM gas: the constants the cost model uses, in ONE table with the source
** of each (yellow paper or EIP), and the gas of the pieces a portal
** submission is made of -- transaction base and calldata (with the EIP-7623
** floor), ecrecover, keccak256, storage reads and writes of stream offsets,
** the receipt log, the call to the target -- plus EIP-1559's base fee
** update.  Integer only; every function saturates at UINT64_MAX instead of
** wrapping (no realistic input comes near).
**
** What is modelled and what is not: memory expansion, calldata copying into
** memory, stack and jump opcodes and refunds (EIP-3529) are left out; they
** are small next to the items here and make the model depend on the
** compiler.  Rows marked "xrsim model" are not EVM constants but counts this
** model assumes about the portal contract (e.g. how many cold storage slots
** of configuration one submission reads); they sit in the same table so every
** number the cost model uses is listed in one place.
*/
#ifndef XR_GAS_H
#define XR_GAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* X(NAME, gas, source) -- append, never reorder silently. */
#define XR_GAS_TABLE(X) \
    X(TX_BASE,                 21000, "yellow paper G_transaction") \
    X(CALLDATA_ZERO,               4, "yellow paper G_txdatazero") \
    X(CALLDATA_NONZERO,           16, "EIP-2028 G_txdatanonzero") \
    X(CALLDATA_TOKENS_NONZERO,     4, "EIP-7623 tokens per non-zero calldata byte (zero byte = 1)") \
    X(CALLDATA_STANDARD_TOKEN,     4, "EIP-7623 STANDARD_TOKEN_COST") \
    X(CALLDATA_FLOOR_TOKEN,       10, "EIP-7623 TOTAL_COST_FLOOR_PER_TOKEN (10 / 40 per zero / non-zero byte)") \
    X(ECRECOVER,                3000, "yellow paper precompile 0x01 (ECREC)") \
    X(KECCAK,                     30, "yellow paper G_keccak256") \
    X(KECCAK_WORD,                 6, "yellow paper G_keccak256word") \
    X(SLOAD_COLD,               2100, "EIP-2929 COLD_SLOAD_COST") \
    X(SLOAD_WARM,                100, "EIP-2929 WARM_STORAGE_READ_COST") \
    X(SSTORE_SET,              20000, "EIP-2200 SSTORE_SET_GAS (zero to non-zero)") \
    X(SSTORE_RESET,             2900, "EIP-2929 SSTORE_RESET_GAS 5000 - COLD_SLOAD_COST (non-zero to non-zero)") \
    X(SSTORE_COLD_SURCHARGE,    2100, "EIP-2929 COLD_SLOAD_COST added to an SSTORE of a cold slot") \
    X(LOG,                       375, "yellow paper G_log") \
    X(LOG_TOPIC,                 375, "yellow paper G_logtopic") \
    X(LOG_DATA_BYTE,               8, "yellow paper G_logdata") \
    X(CALL_COLD,                2600, "EIP-2929 COLD_ACCOUNT_ACCESS_COST") \
    X(CALL_WARM,                 100, "EIP-2929 WARM_STORAGE_READ_COST") \
    X(CALL_GAS_RETAIN_DIVISOR,    64, "EIP-150 a call forwards at most all but 1/64 of the gas left") \
    X(BLS_PAIRING_BASE,        37700, "EIP-2537 BLS12-381 pairing check base") \
    X(BLS_PAIRING_PER_PAIR,    32600, "EIP-2537 BLS12-381 pairing check per pair") \
    X(BASE_FEE_CHANGE_DENOM,       8, "EIP-1559 BASE_FEE_MAX_CHANGE_DENOMINATOR") \
    X(ELASTICITY_MULTIPLIER,       2, "EIP-1559 ELASTICITY_MULTIPLIER (target = limit / 2)") \
    X(SUBMIT_CONFIG_SLOADS,        4, "xrsim model: cold config slots one xsubmit reads (cchain id, latest valset id + cutoff, valset total power, quorum)") \
    X(RECEIPT_TOPICS,              4, "xrsim model: XReceipt event topics (signature + 3 indexed: source chain, shard, offset)") \
    X(RECEIPT_DATA_WORDS,          5, "xrsim model: XReceipt data words besides error bytes (gasUsed, relayer, success, offset, length)")

enum {
#define XR_GAS_ENUM_(name, gas, src) XR_GAS_##name = gas,
    XR_GAS_TABLE(XR_GAS_ENUM_)
#undef XR_GAS_ENUM_
};

typedef struct xr_gas_const {
    const char *name;   /* "TX_BASE" */
    uint64_t gas;
    const char *source;
} xr_gas_const;

/* The whole table (for reports and docs); *count receives its length. */
const xr_gas_const *xr_gas_table(size_t *count);

/* ---- transaction and calldata ----------------------------------------- */

typedef struct xr_gas_calldata {
    uint64_t zero_bytes;
    uint64_t nonzero_bytes;
} xr_gas_calldata;

/* Count the zero and non-zero bytes of data[0..len) into *cd (overwrites). */
void xr_gas_calldata_count(const uint8_t *data, size_t len, xr_gas_calldata *cd);

/* Standard calldata gas: 4 per zero byte + 16 per non-zero byte (EIP-2028). */
uint64_t xr_gas_calldata_standard(const xr_gas_calldata *cd);

/* EIP-7623 tokens: zero bytes + 4 x non-zero bytes. */
uint64_t xr_gas_calldata_tokens(const xr_gas_calldata *cd);

/* EIP-7623 floor of the calldata: 10 x tokens (10 / 40 per zero / non-zero). */
uint64_t xr_gas_calldata_floor(const xr_gas_calldata *cd);

/* Gas a transaction with this calldata and `exec_gas` of execution uses
** (EIP-7623): 21000 + max(standard calldata + exec_gas, floor). */
uint64_t xr_gas_tx_total(const xr_gas_calldata *cd, uint64_t exec_gas);

/* The least gas limit such a transaction may carry to be valid at all:
** 21000 + max(standard calldata, floor). */
uint64_t xr_gas_tx_min_limit(const xr_gas_calldata *cd);

/* ---- opcodes and precompiles ------------------------------------------ */

/* keccak256 of len bytes: 30 + 6 x ceil(len / 32). */
uint64_t xr_gas_keccak(uint64_t len_bytes);

/* LOGn with `topics` topics and data_bytes of data: 375 + 375 n + 8 bytes. */
uint64_t xr_gas_log(uint32_t topics, uint64_t data_bytes);

/* SLOAD of a cold or warm slot. */
uint64_t xr_gas_sload(bool cold);

/* SSTORE under EIP-2200 + EIP-2929, without refunds: `original` is the
** slot's value at the start of the transaction, `current` before this write,
** `value` the new one.  no-op (value == current) or dirty slot -> 100;
** clean slot: original 0 -> 20000, else 2900; +2100 when the slot is cold. */
uint64_t xr_gas_sstore(bool cold, uint64_t original, uint64_t current, uint64_t value);

/* BLS12-381 pairing check over `pairs` pairs (EIP-2537). */
uint64_t xr_gas_bls_pairing(uint32_t pairs);

/* ---- the portal's pieces (see xr_portal.c for how they add up) -------- */

/* One signature checked by the quorum loop: ecrecover + the cold read of
** the signer's power (valSet[id][addr]). */
uint64_t xr_gas_sig_check(void);

/* A merkle leaf keccak256(keccak256(tag || abi)) over abi_len bytes. */
uint64_t xr_gas_leaf(uint64_t abi_len_bytes);

/* One hash_pair: keccak256 over 64 bytes. */
uint64_t xr_gas_hash_pair(void);

/* The XReceipt log of a message with error_len bytes of error. */
uint64_t xr_gas_receipt_log(uint64_t error_len_bytes);

/* ---- EIP-1559 ---------------------------------------------------------- */

/* Base fee of the next block given this block's base fee, gas used and gas
** limit (target = limit / 2): base +- base x |used - target| / target / 8,
** the increase at least 1 wei.  Exact integer arithmetic as in the EIP;
** saturates at UINT64_MAX.  gas_limit >= 2. */
uint64_t xr_gas_base_fee_next(uint64_t base_fee_wei, uint64_t gas_used, uint64_t gas_limit);

#endif
