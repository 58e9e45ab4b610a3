/*
** libFuzzer harness for xr_submission_decode: any input must be rejected
** with an error code or decode to a value that re-encodes to exactly the
** input bytes (the decoder accepts only canonical encodings).  Without
** -DXRSIM_FUZZ the corpus in tests/fuzz/corpus/decode_submission/ replays as
** a test.  A decoded submission also goes through the portal's proof check,
** which must return 0 or a negative code for any bytes.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xr_attest.h"
#include "xr_codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static xr_submission_store store;
    xr_submission v;
    int rc = xr_submission_decode(data, size, &store, &v);
    if (rc != 0) {
        if (rc > 0) abort();    /* decoders return 0 or a negative code */
        return 0;
    }
    uint8_t *out = malloc(size ? size : 1);
    if (out == NULL) return 0;
    int n = xr_submission_encode(&v, out, size);
    if (n < 0 || (size_t)n != size || memcmp(out, data, size) != 0) abort();
    free(out);
    static xr_hash work[XR_MAX_SUBMISSION_MSGS];
    rc = xr_attest_verify(&v.header, v.msgs, v.msg_count, v.proof, v.proof_count, v.proof_flags,
                          v.proof_flag_count, &v.attestation_root, work, XR_MAX_SUBMISSION_MSGS);
    if (rc > 0) abort();
    return 0;
}
