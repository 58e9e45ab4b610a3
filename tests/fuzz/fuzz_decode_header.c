/*
** libFuzzer harness for xr_xheader_decode: any input must be rejected with
** an error code or decode to a value that re-encodes to exactly the input
** bytes (the decoder accepts only canonical encodings).  Without
** -DXRSIM_FUZZ the corpus in tests/fuzz/corpus/decode_header/ replays as a
** test.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xr_codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    xr_xheader v;
    int rc = xr_xheader_decode(data, size, &v);
    if (rc != 0) {
        if (rc > 0) abort();    /* decoders return 0 or a negative code */
        return 0;
    }
    uint8_t *out = malloc(size ? size : 1);
    if (out == NULL) return 0;
    int n = xr_xheader_encode(&v, out, size);
    if (n < 0 || (size_t)n != size || memcmp(out, data, size) != 0) abort();
    free(out);
    return 0;
}
