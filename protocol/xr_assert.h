/*
** Assertions for the protocol core.  The core may not include <assert.h>
** (it would pull in stdio-based reporting from libc), so a failed assertion
** traps.  Assertions state programmer contracts (arguments, invariants);
** untrusted input is never asserted on: it is rejected with an XR_ERR_*.
*/
#ifndef XR_ASSERT_H
#define XR_ASSERT_H

#define XR_ASSERT(cond) do { if (!(cond)) __builtin_trap(); } while (0)

#endif
