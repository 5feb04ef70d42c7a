/* A progress line on stderr. */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "output.h"
#include "progress.h"

struct progress {
	double started;		/* seconds, monotonic */
	double shown;		/* when the line was last drawn; 0 before */
};

static double now(void)
{
	struct timespec time;

	clock_gettime(CLOCK_MONOTONIC, &time);
	return (double)time.tv_sec + (double)time.tv_nsec / 1e9;
}

struct progress *progress_new(const struct common_options *options)
{
	struct progress *progress;

	if (options->json || options->verbosity < 0 || !isatty(STDERR_FILENO))
		return NULL;
	progress = calloc(1, sizeof(*progress));
	if (progress)
		progress->started = now();
	return progress;
}

void progress_update(struct progress *progress, const char *format, ...)
{
	va_list arguments;
	double time;

	if (!progress)
		return;
	time = now();
	/* Short jobs print nothing; long ones do not flood the terminal. */
	if (time - progress->started < 1.0 || time - progress->shown < 0.1)
		return;
	progress->shown = time;
	fputs("\r", stderr);
	va_start(arguments, format);
	vfprintf(stderr, format, arguments);
	va_end(arguments);
	fputs("\033[K", stderr);
}

void progress_free(struct progress *progress)
{
	if (!progress)
		return;
	if (progress->shown > 0)
		fputs("\r\033[K", stderr);
	free(progress);
}

void progress_pages(const struct numamig_page_progress *state, void *progress)
{
	char moved[16], walked[16], total[16];

	progress_update(progress, "moved %s, walked %s of %s",
			output_human_size(state->moved_bytes, moved, sizeof(moved)),
			output_human_size(state->walked_bytes, walked, sizeof(walked)),
			output_human_size(state->total_bytes, total, sizeof(total)));
}
