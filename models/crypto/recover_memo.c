/* The shared memo of signature recoveries (see recover_memo.h). */
#include "crypto/recover_memo.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define RECOVER_MEMO_SLOTS (1u << 16)

typedef struct slot {
    uint8_t digest[32];
    uint8_t sig[65];
    uint8_t addr[20];
    bool valid;
    int rc;
} slot;

struct mdl_recover_memo {
    slot *slots; /* RECOVER_MEMO_SLOTS */
    uint64_t hits;
};

mdl_recover_memo *mdl_recover_memo_new(void) {
    mdl_recover_memo *m = calloc(1, sizeof *m);
    if (m) m->slots = calloc(RECOVER_MEMO_SLOTS, sizeof *m->slots);
    if (m && !m->slots) {
        free(m);
        return NULL;
    }
    return m;
}

void mdl_recover_memo_free(mdl_recover_memo *m) {
    if (!m) return;
    free(m->slots);
    free(m);
}

int mdl_recover_memo_recover(mdl_recover_memo *m, const xr_sig_backend *inner, const uint8_t digest[32],
                             const uint8_t sig[65], uint8_t addr_out[20]) {
    uint64_t k;
    memcpy(&k, digest, sizeof k);
    uint64_t k2;
    memcpy(&k2, sig, sizeof k2);
    slot *s = &m->slots[(k ^ k2) & (RECOVER_MEMO_SLOTS - 1)];
    if (s->valid && memcmp(s->digest, digest, 32) == 0 && memcmp(s->sig, sig, 65) == 0) {
        m->hits++;
        memcpy(addr_out, s->addr, 20);
        return s->rc;
    }
    int rc = inner->recover(inner->ctx, digest, sig, addr_out);
    s->valid = true;
    s->rc = rc;
    memcpy(s->digest, digest, 32);
    memcpy(s->sig, sig, 65);
    memcpy(s->addr, addr_out, 20);
    return rc;
}

uint64_t mdl_recover_memo_hits(const mdl_recover_memo *m) { return m ? m->hits : 0; }
