/*
** The units of the project, in one place.  Time is integer nanoseconds
** (DESIGN.md, "Determinism"); amounts of ETH are integer gwei or wei.
** The _F forms are the same numbers as doubles, for statistics only.
*/
#ifndef SIM_UNITS_H
#define SIM_UNITS_H

#include <stdint.h>

#define SIM_NS_PER_US UINT64_C(1000)
#define SIM_NS_PER_MS UINT64_C(1000000)
#define SIM_NS_PER_S UINT64_C(1000000000)
#define SIM_NS_PER_MIN (UINT64_C(60) * SIM_NS_PER_S)
#define SIM_NS_PER_H (UINT64_C(60) * SIM_NS_PER_MIN)
#define SIM_NS_PER_S_F 1e9

#define SIM_GWEI_PER_ETH UINT64_C(1000000000)
#define SIM_WEI_PER_GWEI UINT64_C(1000000000)
#define SIM_WEI_PER_ETH_F 1e18

#endif
