/*
** crashed: the network crashes the verifier's node at `from` and restarts
** it at `until` (its core keeps its state, as with a write-ahead log).  It
** takes only the window; verifier_config.c adds the crashes to the
** network, so the host never asks it anything.
*/
#include "verifiers/byzantine/byzantine.h"

const mdl_byz_behaviour mdl_byz_crashed = {
    .name = "crashed",
    .crash = true,
};
