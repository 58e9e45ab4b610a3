/*
** Signed attestation votes for tests (see votes.h).
*/
#include "votes.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "xr_attest.h"
#include "xr_types.h"

void xrtest_att_vote(const xr_sig_backend *be, const xr_sig_key *key, const xr_address *validator,
                     uint64_t offset, uint64_t height, uint8_t root_tag, xr_att_vote *v) {
    memset(v, 0, sizeof *v);
    memcpy(v->validator, validator->bytes, 20);
    v->header.source_chain_id = 5;
    v->header.consensus_chain_id = 9;
    v->header.conf_level = XR_CONF_FINALIZED;
    v->header.offset = offset;
    v->header.source_block_height = height;
    memset(v->msg_root.bytes, root_tag, 32);
    xr_att_vote_compute_root(v);
    xr_hash d;
    xr_attest_sign_digest(&v->root, &d);
    assert_int_equal(xr_sig_sign(be, key, d.bytes, v->sig), 0);
}
