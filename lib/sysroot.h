/* Internal: every read of /proc and /sys goes through these. */
#ifndef NUMAMIG_SYSROOT_H
#define NUMAMIG_SYSROOT_H

#include <stdbool.h>
#include <stddef.h>

#include "numamig.h"

/* NULL, "" and "/" are the live machine. */
bool sysroot_is_live(const char *sysroot);

/*
 * Writes "SYSROOT/RELATIVE" into path, RELATIVE made from a printf-style
 * format without its leading slash ("proc/42/maps"). -ENAMETOOLONG when it
 * does not fit.
 */
int sysroot_path(char *path, size_t size, const char *sysroot, const char *format, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Reads a whole file under sysroot into a new NUL-terminated buffer the
 * caller frees; length (if not NULL) gets its size. On failure error says
 * "cannot read 'PATH': REASON" and the negative errno is returned.
 */
int sysroot_read(const char *sysroot, char **text, size_t *length, struct numamig_error *error,
		 const char *format, ...)
	__attribute__((format(printf, 5, 6)));

/* strerror(-code) with a lowercase first letter, as messages want it. */
const char *sysroot_reason(int code, char *buffer, size_t size);

#endif
