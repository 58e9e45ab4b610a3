/*
** EVM gas: the constants the cost model uses, in ONE table with the source
** of each (yellow paper or EIP), and the gas of the pieces a portal
** submission is made of -- transaction base and calldata (with the EIP-7623
** floor), ecrecover, keccak256, storage reads and writes of stream offsets,
** the receipt log, the call to the target -- plus EIP-1559's base fee
** update.  Integer only; every function saturates at UINT64_MAX instead of
** wrapping (no realistic input comes near).
**
** What is modelled: every EVM cost OmniPortal.xsubmit pays, by name --
** calldata, cold and warm storage and accounts, SSTORE cases and their
** refund (EIP-3529's cap at 1/5 of the gas), memory (linear and quadratic),
** copies, keccak, logs, ecrecover.  Rows marked "OmniPortal" / "traced"
** count what the portal's code does (how many cold reads a pause check
** makes, how many words of memory a message takes), read from the contract
** source and an opcode trace of it; rows marked "fitted" are what solc's
** bytecode adds around them (decoding, loops, stack shuffling), fitted by
** least squares to tests/vectors/portal_gas.csv (tests/vectors/portal_fit.py
** recomputes them).  Stack and jump opcodes are not modelled one by one:
** they are in the fitted rows.
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
    X(RECEIPT_TOPICS,              4, "OmniPortal XReceipt event: signature + 3 indexed (source chain, shard, offset)") \
    X(RECEIPT_DATA_WORDS,          5, "OmniPortal XReceipt data words besides error bytes (gasUsed, relayer, success, error offset, length)") \
    X(COPY_WORD,                   3, "yellow paper G_copy: CALLDATACOPY / MCOPY per 32-byte word") \
    X(MEMORY_WORD,                 3, "yellow paper G_memory: per word of memory expansion") \
    X(MEMORY_QUAD_DENOM,         512, "yellow paper C_mem: words^2 / 512 on top of G_memory x words") \
    X(REFUND_QUOTIENT,             5, "EIP-3529 MAX_REFUND_QUOTIENT: refund <= gas used / 5") \
    X(REFUND_SET_CLEARED,      19900, "EIP-2200 + EIP-2929: a 0 -> x -> 0 slot in one tx refunds SSTORE_SET - WARM_STORAGE_READ") \
    X(REFUND_RESET_RESTORED,    2800, "EIP-2200 + EIP-2929: an x -> y -> x slot refunds 5000 - COLD_SLOAD - WARM_STORAGE_READ") \
    X(PORTAL_PROXY_SLOADS,         1, "OpenZeppelin ERC1967Proxy: the implementation slot (ERC-1967), cold") \
    X(PORTAL_PAUSE_SLOADS,         3, "OmniPortal whenNotPaused -> Pausable._isPaused: all / action / action+chain keys, cold") \
    X(PORTAL_GUARD_SLOADS,         1, "OpenZeppelin ReentrancyGuardUpgradeable nonReentrant: _status, cold (then 1 -> 2 -> 1)") \
    X(PORTAL_CONFIG_SLOADS,        3, "OmniPortal.xsubmit: omniCChainId, valSetTotalPower[id], latestValSetId + xsubValsetCutoff, cold") \
    X(PORTAL_CONFIG_WARM_SLOADS,   1, "OmniPortal.xsubmit: valSetTotalPower[id] read again for Quorum.verify") \
    X(PORTAL_MSG_WARM_SLOADS,      3, "OmniPortal._exec: warm reads besides the stream offsets (_xmsg before its delete, xreceiptMaxErrorSize, cchain id)") \
    X(PORTAL_MAPPING_KECCAKS,      2, "keccak256 over 64 bytes per level of inXMsgOffset / inXBlockOffset[chain][shard] (Solidity mapping slots)") \
    X(PORTAL_FIXED_EXEC,       5718,             "fitted to tests/vectors/portal_gas.csv: dispatch, ABI decoding of the submission head, Quorum / XBlockMerkleProof set-up, stack work") \
    X(PORTAL_SIG_EXEC,         2744,             "fitted: per signature, Quorum.verify's loop (order checks, SigTuple decoding, ECDSA.recover's s / v checks)") \
    X(PORTAL_MSG_EXEC,         8441,             "fitted: per message, _exec's decoding and checks, ExcessivelySafeCall, XReceipt encoding") \
    X(PORTAL_DATA_WORD_EXEC,   73,               "fitted: per 32-byte word of message data, solc's copy loops for abi.encode / abi.encodePacked") \
    X(PORTAL_FLAG_EXEC,        705,              "fitted: per proof flag, MerkleProof.processMultiProofCalldata's loop") \
    X(PORTAL_MEM_BASE_WORDS,      33, "traced (evm-gas step trace): memory words of xsubmit besides the items below") \
    X(PORTAL_MEM_SIG_WORDS,        5, "traced: per signature checked (ECDSA.recover copies the 65-byte signature)") \
    X(PORTAL_MEM_MSG_WORDS,       27, "traced: per message, besides its data and ExcessivelySafeCall's return buffer") \
    X(PORTAL_MEM_DATA_COPIES,      3, "traced: message data sits in memory 3 times (abi.encode, abi.encodePacked, the call's arguments)") \
    X(PORTAL_MEM_FLAG_WORDS,       1, "OpenZeppelin MerkleProof.processMultiProof: hashes[] of one word per flag") \
    X(PORTAL_PROXY_MEM_MIN_WORDS,  3, "ERC1967Proxy: calldata copied to memory 0 (at least the 3 words Solidity reserves)") \
    X(OP_TX_OVERHEAD_BYTES,       68, "OP Stack GasPriceOracle._getCalldataGas (Ecotone): 68 non-zero bytes for the signature and envelope") \
    X(OP_SCALAR_DECIMALS_POW,1000000, "OP Stack GasPriceOracle.DECIMALS = 6: scalars are fixed-point x 1e6") \
    X(ARB_UNITS_PER_BYTE,         16, "Arbitrum ArbGasInfo.getPricesInWei: per L1 calldata unit, a byte (zero or not) is 16 units") \
    X(ARB_TX_FIXED_BYTES,        140, "Arbitrum Nitro arbos/l1pricing TxFixedCost: bytes of a typical RLP-encoded tx besides its calldata")


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

/* Memory expanded from nothing to `words` 32-byte words:
** G_memory x words + words^2 / 512 (yellow paper C_mem). */
uint64_t xr_gas_memory(uint64_t words);

/* The refund a transaction gets back (EIP-3529): min(refund, gas / 5),
** where gas is what it used before refunds (intrinsic + execution). */
uint64_t xr_gas_refund_capped(uint64_t refund_gas, uint64_t gas_before_refund);

/* Gas a transaction with this calldata, `exec_gas` of execution and a
** refund counter of `refund_gas` uses: the standard total minus the capped
** refund (EIP-3529), then at least the EIP-7623 floor (the refund is
** applied first, as in the EIP and geth). */
uint64_t xr_gas_tx_total_refund(const xr_gas_calldata *cd, uint64_t exec_gas, uint64_t refund_gas);

/* ---- OmniPortal.xsubmit's pieces (see xr_portal.c for how they add up) --
** Calibrated against Omni's compiled portal run in an EVM behind its
** ERC-1967 proxy (tests/vectors/portal_gas.csv, regenerated by
** tests/vectors/portal_gas_gen.sh): every EVM cost is named in the table
** above; what solc's bytecode adds around them (decoding, loops, stack) is
** the few PORTAL_*_EXEC rows fitted to those vectors. */

/* What one submission costs before any signature or message: the proxy
** (implementation slot, DELEGATECALL, calldata copied into memory), the
** pause checks, the reentrancy guard (its 1 -> 2 store; the 2 -> 1 store is
** in xr_gas_xsubmit_end), the configuration reads, the header leaf, the
** root pair and the fixed bytecode.  calldata_bytes: the whole calldata,
** selector included. */
uint64_t xr_gas_xsubmit_fixed(uint64_t calldata_bytes);

/* The guard's closing store (2 -> 1, a dirty slot). */
uint64_t xr_gas_xsubmit_end(void);

/* The refund counter of a submission that executed msg_count messages:
** each message's _xmsg slot set and cleared, and the guard restored. */
uint64_t xr_gas_xsubmit_refund(uint64_t msg_count);

/* One signature checked by Quorum.verify: ecrecover through STATICCALL to
** the (warm) precompile, the cold read of valSet[id][addr] and its mapping
** slot, and the loop's bytecode. */
uint64_t xr_gas_sig_check(void);

/* One message's leaf in XBlockMerkleProof (abi_len = its abi.encode
** length): the two keccaks and the per-word copy bytecode. */
uint64_t xr_gas_xsubmit_leaf(uint64_t abi_len_bytes, uint64_t data_bytes);

/* One proof flag of the multi-proof: a pair hash and the loop. */
uint64_t xr_gas_xsubmit_flag(void);

/* Words of memory xsubmit ends with (its quadratic cost is charged once,
** over all of them, by xr_gas_memory). */
uint64_t xr_gas_xsubmit_mem_words(uint64_t sigs_checked, uint64_t msg_count,
                                  uint64_t data_words, uint64_t flag_count,
                                  uint64_t max_error_bytes);

/* One message's storage and bookkeeping in _exec, besides its leaf, call
** and receipt: the offset checks and increments of its (source, shard)
** stream -- first_in_stream: its first message in this submission (cold
** slots); offset_store_gas: the SSTORE of inXMsgOffset (xr_gas_sstore of
** the slot's values); block_store_gas: that of inXBlockOffset, 0 when it
** is not written -- the _xmsg slot set (its read cold for the
** submission's first message) and cleared, the warm reads around it and
** the per-message bytecode. */
uint64_t xr_gas_xsubmit_msg(bool first_in_stream, bool first_in_tx, uint64_t offset_store_gas,
                            uint64_t block_store_gas);

/* A merkle leaf keccak256(keccak256(tag || abi)) over abi_len bytes. */
uint64_t xr_gas_leaf(uint64_t abi_len_bytes);

/* One hash_pair: keccak256 over 64 bytes. */
uint64_t xr_gas_hash_pair(void);

/* The XReceipt log of a message with error_len bytes of error. */
uint64_t xr_gas_receipt_log(uint64_t error_len_bytes);

/* ---- L1 data fee of a rollup transaction -------------------------------
** What a rollup charges a transaction for posting its bytes to L1, on top
** of its L2 execution gas (PROTOCOL.md audit, issue 12). */

/* OP Stack since Ecotone (GasPriceOracle.getL1FeeEcotone):
**   l1_gas = 4 x zero + 16 x non-zero calldata bytes + 68 x 16
**   fee    = l1_gas x (16 x base_fee_scalar x l1_base_fee
**                      + blob_base_fee_scalar x blob_base_fee) / (16 x 1e6)
** Fjord replaced l1_gas by a FastLZ-compressed size through a linear
** regression; xrsim runs no FastLZ and keeps Ecotone's calldata weights
** (zero bytes at 1/4, as ABI padding compresses) as its size estimate.
** Saturates at UINT64_MAX. */
uint64_t xr_gas_l1_fee_op_ecotone(const xr_gas_calldata *cd, uint64_t l1_base_fee_wei,
                                  uint64_t blob_base_fee_wei, uint64_t base_fee_scalar,
                                  uint64_t blob_base_fee_scalar);

/* Arbitrum Nitro's poster fee: price per unit x 16 units per byte of the
** transaction's Brotli-compressed size plus the 140-byte fixed cost
** (ArbGasInfo, arbos/l1pricing).  The compressed size is estimated as
** non-zero bytes + zero bytes / 4 (rounded up): no Brotli here.  Saturates. */
uint64_t xr_gas_l1_fee_arbitrum(const xr_gas_calldata *cd, uint64_t price_per_unit_wei);

/* ---- EIP-1559 ---------------------------------------------------------- */

/* Base fee of the next block given this block's base fee, gas used and gas
** limit (target = limit / 2): base +- base x |used - target| / target / 8,
** the increase at least 1 wei.  Exact integer arithmetic as in the EIP;
** saturates at UINT64_MAX.  gas_limit >= 2. */
uint64_t xr_gas_base_fee_next(uint64_t base_fee_wei, uint64_t gas_used, uint64_t gas_limit);

#endif
