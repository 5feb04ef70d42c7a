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

/*
 * Reads the file relative ("proc/42/numa_maps") under sysroot a block at
 * a time and calls each_line for every line, without its newline:
 * complete is false for a last line the file does not end with a newline.
 * The line's bytes, and the byte after a complete line, are the callee's
 * to change. Stops at the first negative return of each_line and returns
 * it (each_line sets error); otherwise 0, or on a failed read the
 * negative errno with error set as sysroot_read sets it.
 */
typedef int sysroot_line_function(void *context, char *line, size_t length, bool complete);
int sysroot_read_lines(const char *sysroot, const char *relative, struct numamig_error *error,
		       sysroot_line_function *each_line, void *context);

/* strerror(-code) with a lowercase first letter, as messages want it. */
const char *sysroot_reason(int code, char *buffer, size_t size);

#endif
