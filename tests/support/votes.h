/*
** Signed attestation votes for tests: a vote of `validator` for
** (source chain 5, consensus chain 9, Finalized, offset) at source height
** `height`, whose message root is 32 bytes of `root_tag`, signed with `key`
** (which need not be the validator's: tests of forged signers use that).
*/
#ifndef XRTEST_VOTES_H
#define XRTEST_VOTES_H

#include <stdint.h>

#include "xr_bftmsg.h"
#include "xr_sig.h"

void xrtest_att_vote(const xr_sig_backend *be, const xr_sig_key *key, const xr_address *validator,
                     uint64_t offset, uint64_t height, uint8_t root_tag, xr_att_vote *v);

#endif
