/*
** EVM gas arithmetic (see xr_gas.h).  Saturating uint64 helpers keep every
** result defined for any input.
*/
#include "xr_gas.h"

#include "xr_assert.h"

__extension__ typedef unsigned __int128 u128;

static const xr_gas_const gas_table[] = {
#define XR_GAS_ROW_(name, gas, src) {#name, gas, src},
    XR_GAS_TABLE(XR_GAS_ROW_)
#undef XR_GAS_ROW_
};

const xr_gas_const *xr_gas_table(size_t *count) {
    XR_ASSERT(count != NULL);
    *count = sizeof gas_table / sizeof gas_table[0];
    return gas_table;
}

static uint64_t sat_add(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

static uint64_t sat_mul(uint64_t a, uint64_t b) {
    u128 p = (u128)a * b;
    return p > UINT64_MAX ? UINT64_MAX : (uint64_t)p;
}

void xr_gas_calldata_count(const uint8_t *data, size_t len, xr_gas_calldata *cd) {
    XR_ASSERT(cd != NULL);
    XR_ASSERT(data != NULL || len == 0);
    uint64_t zeros = 0;
    for (size_t i = 0; i < len; i++) zeros += data[i] == 0;
    cd->zero_bytes = zeros;
    cd->nonzero_bytes = (uint64_t)len - zeros;
}

uint64_t xr_gas_calldata_standard(const xr_gas_calldata *cd) {
    XR_ASSERT(cd != NULL);
    return sat_add(sat_mul(cd->zero_bytes, XR_GAS_CALLDATA_ZERO),
                   sat_mul(cd->nonzero_bytes, XR_GAS_CALLDATA_NONZERO));
}

uint64_t xr_gas_calldata_tokens(const xr_gas_calldata *cd) {
    XR_ASSERT(cd != NULL);
    return sat_add(cd->zero_bytes, sat_mul(cd->nonzero_bytes, XR_GAS_CALLDATA_TOKENS_NONZERO));
}

uint64_t xr_gas_calldata_floor(const xr_gas_calldata *cd) {
    return sat_mul(xr_gas_calldata_tokens(cd), XR_GAS_CALLDATA_FLOOR_TOKEN);
}

uint64_t xr_gas_tx_total(const xr_gas_calldata *cd, uint64_t exec_gas) {
    uint64_t standard = sat_add(xr_gas_calldata_standard(cd), exec_gas);
    uint64_t floor = xr_gas_calldata_floor(cd);
    return sat_add(XR_GAS_TX_BASE, standard > floor ? standard : floor);
}

uint64_t xr_gas_tx_min_limit(const xr_gas_calldata *cd) { return xr_gas_tx_total(cd, 0); }

uint64_t xr_gas_keccak(uint64_t len_bytes) {
    uint64_t words = len_bytes / 32 + (len_bytes % 32 != 0);
    return sat_add(XR_GAS_KECCAK, sat_mul(words, XR_GAS_KECCAK_WORD));
}

uint64_t xr_gas_log(uint32_t topics, uint64_t data_bytes) {
    XR_ASSERT(topics <= 4);
    return sat_add(XR_GAS_LOG + (uint64_t)topics * XR_GAS_LOG_TOPIC,
                   sat_mul(data_bytes, XR_GAS_LOG_DATA_BYTE));
}

uint64_t xr_gas_sload(bool cold) { return cold ? XR_GAS_SLOAD_COLD : XR_GAS_SLOAD_WARM; }

uint64_t xr_gas_sstore(bool cold, uint64_t original, uint64_t current, uint64_t value) {
    uint64_t g;
    if (value == current || original != current) g = XR_GAS_SLOAD_WARM; /* no-op or dirty */
    else if (original == 0) g = XR_GAS_SSTORE_SET;
    else g = XR_GAS_SSTORE_RESET;
    return cold ? g + XR_GAS_SSTORE_COLD_SURCHARGE : g;
}

uint64_t xr_gas_bls_pairing(uint32_t pairs) {
    return XR_GAS_BLS_PAIRING_BASE + (uint64_t)pairs * XR_GAS_BLS_PAIRING_PER_PAIR;
}

static uint64_t words_of(uint64_t bytes) { return bytes / 32 + (bytes % 32 != 0); }

uint64_t xr_gas_memory(uint64_t words) {
    u128 quad = (u128)words * words / XR_GAS_MEMORY_QUAD_DENOM;
    if (quad > UINT64_MAX) return UINT64_MAX;
    return sat_add(sat_mul(words, XR_GAS_MEMORY_WORD), (uint64_t)quad);
}

uint64_t xr_gas_refund_capped(uint64_t refund_gas, uint64_t gas_before_refund) {
    uint64_t cap = gas_before_refund / XR_GAS_REFUND_QUOTIENT;
    return refund_gas < cap ? refund_gas : cap;
}

uint64_t xr_gas_tx_total_refund(const xr_gas_calldata *cd, uint64_t exec_gas, uint64_t refund_gas) {
    uint64_t before = sat_add(XR_GAS_TX_BASE, sat_add(xr_gas_calldata_standard(cd), exec_gas));
    uint64_t used = before - xr_gas_refund_capped(refund_gas, before);
    uint64_t floor = sat_add(XR_GAS_TX_BASE, xr_gas_calldata_floor(cd));
    return used > floor ? used : floor;
}

uint64_t xr_gas_xsubmit_fixed(uint64_t calldata_bytes) {
    uint64_t cd_words = words_of(calldata_bytes);
    uint64_t proxy_mem = cd_words > XR_GAS_PORTAL_PROXY_MEM_MIN_WORDS
                             ? cd_words : XR_GAS_PORTAL_PROXY_MEM_MIN_WORDS;
    uint64_t g = (uint64_t)XR_GAS_PORTAL_PROXY_SLOADS * XR_GAS_SLOAD_COLD + XR_GAS_CALL_COLD;
    g = sat_add(g, sat_add(sat_mul(cd_words, XR_GAS_COPY_WORD), xr_gas_memory(proxy_mem)));
    g += (uint64_t)(XR_GAS_PORTAL_PAUSE_SLOADS + XR_GAS_PORTAL_GUARD_SLOADS +
                    XR_GAS_PORTAL_CONFIG_SLOADS) * XR_GAS_SLOAD_COLD;
    g += xr_gas_sstore(false, 1, 1, 2); /* guard NOT_ENTERED -> ENTERED (slot warm from its read) */
    g += (uint64_t)XR_GAS_PORTAL_CONFIG_WARM_SLOADS * XR_GAS_SLOAD_WARM;
    g += xr_gas_leaf(192) + xr_gas_hash_pair(); /* header leaf (6-word tuple), root pair */
    return sat_add(g, XR_GAS_PORTAL_FIXED_EXEC);
}

uint64_t xr_gas_xsubmit_end(void) { return xr_gas_sstore(false, 1, 2, 1); }

uint64_t xr_gas_xsubmit_refund(uint64_t msg_count) {
    return sat_add(sat_mul(msg_count, XR_GAS_REFUND_SET_CLEARED), XR_GAS_REFUND_RESET_RESTORED);
}

uint64_t xr_gas_sig_check(void) {
    return XR_GAS_ECRECOVER + XR_GAS_CALL_WARM + XR_GAS_SLOAD_COLD + xr_gas_keccak(64) +
           XR_GAS_PORTAL_SIG_EXEC;
}

uint64_t xr_gas_xsubmit_leaf(uint64_t abi_len_bytes, uint64_t data_bytes) {
    return sat_add(xr_gas_leaf(abi_len_bytes),
                   sat_mul(words_of(data_bytes), XR_GAS_PORTAL_DATA_WORD_EXEC));
}

uint64_t xr_gas_xsubmit_flag(void) { return xr_gas_hash_pair() + XR_GAS_PORTAL_FLAG_EXEC; }

uint64_t xr_gas_xsubmit_mem_words(uint64_t sigs_checked, uint64_t msg_count,
                                  uint64_t data_words, uint64_t flag_count,
                                  uint64_t max_error_bytes) {
    uint64_t per_msg = XR_GAS_PORTAL_MEM_MSG_WORDS + 1 + words_of(max_error_bytes);
    uint64_t w = XR_GAS_PORTAL_MEM_BASE_WORDS;
    w = sat_add(w, sat_mul(sigs_checked, XR_GAS_PORTAL_MEM_SIG_WORDS));
    w = sat_add(w, sat_mul(msg_count, per_msg));
    w = sat_add(w, sat_mul(data_words, XR_GAS_PORTAL_MEM_DATA_COPIES));
    return sat_add(w, sat_mul(flag_count, XR_GAS_PORTAL_MEM_FLAG_WORDS));
}

uint64_t xr_gas_xsubmit_msg(bool first_in_stream, bool first_in_tx, uint64_t offset_store_gas,
                            uint64_t block_store_gas) {
    /* require(offset == inXMsgOffset + 1), the inXBlockOffset read, and
    ** `inXMsgOffset += 1` (a read, and the read of the packed slot before
    ** its store). */
    uint64_t g = 2 * xr_gas_sload(first_in_stream) + 2 * XR_GAS_SLOAD_WARM;
    g = sat_add(g, offset_store_gas);
    uint64_t mappings = 3;
    if (block_store_gas) { /* inXBlockOffset = header offset: read, store */
        g = sat_add(g, XR_GAS_SLOAD_WARM + block_store_gas);
        mappings++;
    }
    g += mappings * XR_GAS_PORTAL_MAPPING_KECCAKS * xr_gas_keccak(64);
    /* _xmsg = MsgContext(...) (a read of the packed slot, 0 -> x), delete (x -> 0) */
    g += xr_gas_sload(first_in_tx) + xr_gas_sstore(false, 0, 0, 1) + xr_gas_sstore(false, 0, 1, 0);
    g += (uint64_t)XR_GAS_PORTAL_MSG_WARM_SLOADS * XR_GAS_SLOAD_WARM;
    return g + XR_GAS_PORTAL_MSG_EXEC;
}

uint64_t xr_gas_leaf(uint64_t abi_len_bytes) {
    return sat_add(xr_gas_keccak(sat_add(abi_len_bytes, 1)), xr_gas_keccak(32));
}

uint64_t xr_gas_hash_pair(void) { return xr_gas_keccak(64); }

uint64_t xr_gas_receipt_log(uint64_t error_len_bytes) {
    uint64_t padded = sat_mul(error_len_bytes / 32 + (error_len_bytes % 32 != 0), 32);
    uint64_t data = sat_add((uint64_t)XR_GAS_RECEIPT_DATA_WORDS * 32, padded);
    return xr_gas_log(XR_GAS_RECEIPT_TOPICS, data);
}

uint64_t xr_gas_l1_fee_op_ecotone(const xr_gas_calldata *cd, uint64_t l1_base_fee_wei,
                                  uint64_t blob_base_fee_wei, uint64_t base_fee_scalar,
                                  uint64_t blob_base_fee_scalar) {
    XR_ASSERT(cd != NULL);
    uint64_t l1_gas = sat_add(xr_gas_calldata_standard(cd),
                              (uint64_t)XR_GAS_OP_TX_OVERHEAD_BYTES * XR_GAS_CALLDATA_NONZERO);
    /* scaled = 16 x bfs x base + bbfs x blob: each product < 2^128 / 4 */
    u128 scaled = (u128)16 * base_fee_scalar * l1_base_fee_wei;
    if (blob_base_fee_scalar && blob_base_fee_wei) {
        u128 blob = (u128)blob_base_fee_scalar * blob_base_fee_wei;
        scaled = scaled > ~(u128)0 - blob ? ~(u128)0 : scaled + blob;
    }
    u128 denom = (u128)16 * XR_GAS_OP_SCALAR_DECIMALS_POW;
    u128 per_gas = scaled / denom, rem = scaled % denom;
    /* l1_gas x scaled / denom without overflow: split scaled = q d + r */
    u128 hi = (u128)l1_gas * per_gas;
    if (per_gas && hi / per_gas != l1_gas) return UINT64_MAX;
    u128 fee = hi + (u128)l1_gas * rem / denom;
    return fee > UINT64_MAX ? UINT64_MAX : (uint64_t)fee;
}

uint64_t xr_gas_l1_fee_arbitrum(const xr_gas_calldata *cd, uint64_t price_per_unit_wei) {
    XR_ASSERT(cd != NULL);
    uint64_t bytes = sat_add(cd->nonzero_bytes, cd->zero_bytes / 4 + (cd->zero_bytes % 4 != 0));
    uint64_t units = sat_mul(sat_add(bytes, XR_GAS_ARB_TX_FIXED_BYTES), XR_GAS_ARB_UNITS_PER_BYTE);
    return sat_mul(units, price_per_unit_wei);
}

uint64_t xr_gas_base_fee_next(uint64_t base_fee_wei, uint64_t gas_used, uint64_t gas_limit) {
    XR_ASSERT(gas_limit >= XR_GAS_ELASTICITY_MULTIPLIER);
    uint64_t target = gas_limit / XR_GAS_ELASTICITY_MULTIPLIER;
    if (gas_used == target) return base_fee_wei;
    if (gas_used > target) {
        u128 delta = (u128)base_fee_wei * (gas_used - target) / target / XR_GAS_BASE_FEE_CHANGE_DENOM;
        if (delta < 1) delta = 1;
        u128 next = (u128)base_fee_wei + delta;
        return next > UINT64_MAX ? UINT64_MAX : (uint64_t)next;
    }
    u128 delta = (u128)base_fee_wei * (target - gas_used) / target / XR_GAS_BASE_FEE_CHANGE_DENOM;
    return base_fee_wei - (uint64_t)delta; /* delta <= base / 8 */
}
