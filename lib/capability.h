/* Internal: the calling thread's capabilities, in whichever user namespace. */
#ifndef NUMAMIG_CAPABILITY_H
#define NUMAMIG_CAPABILITY_H

#include <stdbool.h>

/* True when capability is in the effective set, whatever the user
 * namespace (numamig_has_capability asks for the initial one too). */
bool capability_effective(int capability);

#endif
