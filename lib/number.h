/* Internal: the digits under every number a user gives (lib/number.c). */
#ifndef NUMAMIG_NUMBER_H
#define NUMAMIG_NUMBER_H

#include <stdint.h>

/* Digits of 'base' (10 or 16) from *cursor on, which is moved past them;
 * -EINVAL when there are none, -ERANGE when they do not fit in 64 bits. */
int number_digits(const char **cursor, unsigned int base, uint64_t *number);

#endif
