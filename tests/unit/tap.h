/*
 * A tiny TAP producer for the unit tests: one "ok N - name" or
 * "not ok N - name" per check, diagnostics as "# " lines, the plan
 * "1..N" at the end. tap_done() is main's return value.
 */
#ifndef NUMAMIG_TAP_H
#define NUMAMIG_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_number;
static int tap_failures;

static inline bool tap_vok(bool passed, const char *format, va_list arguments)
{
	tap_number++;
	if (!passed)
		tap_failures++;
	printf("%sok %d - ", passed ? "" : "not ", tap_number);
	vprintf(format, arguments);
	putchar('\n');
	fflush(stdout);
	return passed;
}

static inline __attribute__((format(printf, 2, 3))) bool ok(bool passed, const char *format, ...)
{
	va_list arguments;

	va_start(arguments, format);
	passed = tap_vok(passed, format, arguments);
	va_end(arguments);
	return passed;
}

static inline __attribute__((format(printf, 1, 2))) void diag(const char *format, ...)
{
	va_list arguments;

	printf("# ");
	va_start(arguments, format);
	vprintf(format, arguments);
	va_end(arguments);
	putchar('\n');
}

static inline __attribute__((format(printf, 3, 4)))
bool is_int(long long got, long long expected, const char *format, ...)
{
	va_list arguments;
	bool passed;

	va_start(arguments, format);
	passed = tap_vok(got == expected, format, arguments);
	va_end(arguments);
	if (!passed)
		diag("got %lld, expected %lld", got, expected);
	return passed;
}

static inline __attribute__((format(printf, 3, 4)))
bool is_u64(uint64_t got, uint64_t expected, const char *format, ...)
{
	va_list arguments;
	bool passed;

	va_start(arguments, format);
	passed = tap_vok(got == expected, format, arguments);
	va_end(arguments);
	if (!passed)
		diag("got %" PRIu64 " (0x%" PRIx64 "), expected %" PRIu64 " (0x%" PRIx64 ")", got,
		     got, expected, expected);
	return passed;
}

static inline __attribute__((format(printf, 3, 4)))
bool is_string(const char *got, const char *expected, const char *format, ...)
{
	va_list arguments;
	bool passed;

	va_start(arguments, format);
	passed = tap_vok(got && expected ? strcmp(got, expected) == 0 : got == expected, format,
			 arguments);
	va_end(arguments);
	if (!passed)
		diag("got '%s', expected '%s'", got ? got : "(null)", expected ? expected : "(null)");
	return passed;
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_number);
	if (tap_failures)
		diag("%d of %d failed", tap_failures, tap_number);
	return tap_failures ? 1 : 0;
}

/* Whether a file name ends with suffix (".numa_maps"). */
static inline bool has_suffix(const char *name, const char *suffix)
{
	size_t length = strlen(name), suffix_length = strlen(suffix);

	return length > suffix_length && strcmp(name + length - suffix_length, suffix) == 0;
}

/* A fixture's path: TOP_SRCDIR is set by tests/unit/Makemodule.am. */
static inline const char *fixture(const char *relative)
{
	static char paths[8][4096];
	static int next;
	char *path = paths[next++ % 8];

	snprintf(path, sizeof(paths[0]), "%s/tests/fixtures/%s", TOP_SRCDIR, relative);
	return path;
}

/* A whole file into a new NUL-terminated buffer, or NULL. */
static inline char *read_fixture(const char *path, size_t *length)
{
	FILE *file = fopen(path, "rb");
	char *text = NULL;
	size_t size = 0;

	if (length)
		*length = 0;
	if (!file)
		return NULL;
	if (getdelim(&text, &size, '\0', file) < 0) {
		/* an empty file */
		free(text);
		text = calloc(1, 1);
	}
	fclose(file);
	if (text && length)
		*length = strlen(text);
	return text;
}

#endif
