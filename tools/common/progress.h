/*
 * A progress line on stderr for long jobs: only when stderr is a terminal,
 * only once a second has passed, never with --json or -q (DESIGN.md).
 * Call from one thread.
 */
#ifndef NUMAMIG_COMMON_PROGRESS_H
#define NUMAMIG_COMMON_PROGRESS_H

#include "numamig.h"
#include "options.h"

struct progress;

/* Returns NULL (a progress that shows nothing: every call accepts it) when
 * no progress should be shown, or when out of memory. */
struct progress *progress_new(const struct common_options *options);
/* Replaces the line ("moved 1.5G of 4G"), at most ten times a second. */
void progress_update(struct progress *progress, const char *format, ...)
	__attribute__((format(printf, 2, 3)));
/* The page engine's progress callback (numamig_page_request.progress),
 * with the struct progress as its data: "moved 1.5G, walked 2G of 4G". */
void progress_pages(const struct numamig_page_progress *state, void *progress);
/* Erases the line, if one was shown, and frees. */
void progress_free(struct progress *progress);

#endif
