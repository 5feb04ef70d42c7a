/* Paths under the root prefix and whole-file reads: the one way in. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysroot.h"

bool sysroot_is_live(const char *sysroot)
{
	return !sysroot || !*sysroot || strcmp(sysroot, "/") == 0;
}

static int format_path(char *path, size_t size, const char *sysroot, const char *format,
		       va_list arguments)
{
	int prefix = 0;
	int rest;

	if (sysroot_is_live(sysroot))
		prefix = snprintf(path, size, "/");
	else
		prefix = snprintf(path, size, "%s%s", sysroot,
				  sysroot[strlen(sysroot) - 1] == '/' ? "" : "/");
	if (prefix < 0 || (size_t)prefix >= size)
		return -ENAMETOOLONG;
	rest = vsnprintf(path + prefix, size - (size_t)prefix, format, arguments);
	if (rest < 0 || (size_t)rest >= size - (size_t)prefix)
		return -ENAMETOOLONG;
	return 0;
}

int sysroot_path(char *path, size_t size, const char *sysroot, const char *format, ...)
{
	va_list arguments;
	int result;

	va_start(arguments, format);
	result = format_path(path, size, sysroot, format, arguments);
	va_end(arguments);
	return result;
}

const char *sysroot_reason(int code, char *buffer, size_t size)
{
	snprintf(buffer, size, "%s", strerror(-code));
	if (buffer[0])
		buffer[0] = (char)tolower((unsigned char)buffer[0]);
	return buffer;
}

/* /proc files report size 0, so the buffer grows until read() says end. */
static int read_all(int fd, char **text, size_t *length)
{
	size_t capacity = 4096;
	size_t used = 0;
	char *data = malloc(capacity);

	if (!data)
		return -ENOMEM;
	for (;;) {
		ssize_t got;

		if (used + 1 >= capacity) {
			char *bigger = realloc(data, capacity * 2);

			if (!bigger) {
				free(data);
				return -ENOMEM;
			}
			data = bigger;
			capacity *= 2;
		}
		got = read(fd, data + used, capacity - used - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int code = -errno;

			free(data);
			return code;
		}
		if (got == 0)
			break;
		used += (size_t)got;
	}
	data[used] = '\0';
	*text = data;
	if (length)
		*length = used;
	return 0;
}

static int read_failed(int result, const char *path, struct numamig_error *error)
{
	char reason[128];

	return numamig_error_set(error, result, "cannot read '%s': %s", path,
				 sysroot_reason(result, reason, sizeof(reason)));
}

/* Large reads: each read(2) of a /proc file under the kernel's seq_file
 * costs a lookup of where the last one stopped. */
#define LINES_BLOCK (256 * 1024)

/* Hands each complete line of [buffer, buffer + *used) to each_line and
 * moves what is left of the last one to the start. */
static int hand_out(char *buffer, size_t *used, sysroot_line_function *each_line, void *context)
{
	char *line = buffer, *end = buffer + *used, *newline;
	int result;

	while ((newline = memchr(line, '\n', (size_t)(end - line)))) {
		result = each_line(context, line, (size_t)(newline - line), true);
		if (result < 0)
			return result;
		line = newline + 1;
	}
	*used = (size_t)(end - line);
	memmove(buffer, line, *used);
	return 0;
}

/* A negative errno when reading fails; each_line's first negative return
 * ends the reading and is left in *stopped. */
static int read_lines(int fd, sysroot_line_function *each_line, void *context, int *stopped)
{
	size_t capacity = LINES_BLOCK, used = 0;
	char *buffer = malloc(capacity);
	int result = 0;

	if (!buffer)
		return -ENOMEM;
	while (*stopped == 0) {
		ssize_t got;

		/* a line longer than the buffer: make room for more of it */
		if (used == capacity) {
			char *bigger = realloc(buffer, capacity * 2);

			if (!bigger) {
				result = -ENOMEM;
				break;
			}
			buffer = bigger;
			capacity *= 2;
		}
		got = read(fd, buffer + used, capacity - used);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			result = -errno;
			break;
		}
		if (got == 0) {
			if (used > 0)
				*stopped = each_line(context, buffer, used, false);
			break;
		}
		used += (size_t)got;
		*stopped = hand_out(buffer, &used, each_line, context);
	}
	free(buffer);
	return result;
}

/* What to do with the file: read it whole, or hand it out line by line. */
struct reading {
	char **text;
	size_t *length;
	sysroot_line_function *each_line;	/* NULL: whole */
	void *context;
};

/* Reads path (made by format_path: made is its result) as reading says. */
static int read_under(int made, const char *path, const char *sysroot,
		      const struct reading *reading, struct numamig_error *error)
{
	int result, stopped = 0;
	int fd;

	if (made < 0)
		return numamig_error_set(error, made, "path too long under '%s'", sysroot);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return read_failed(-errno, path, error);
	if (reading->each_line)
		result = read_lines(fd, reading->each_line, reading->context, &stopped);
	else
		result = read_all(fd, reading->text, reading->length);
	close(fd);
	return result < 0 ? read_failed(result, path, error) : stopped;
}

int sysroot_read(const char *sysroot, char **text, size_t *length, struct numamig_error *error,
		 const char *format, ...)
{
	struct reading reading = { .text = text, .length = length };
	char path[4096];
	va_list arguments;
	int made;

	*text = NULL;
	va_start(arguments, format);
	made = format_path(path, sizeof(path), sysroot, format, arguments);
	va_end(arguments);
	return read_under(made, path, sysroot, &reading, error);
}

int sysroot_read_lines(const char *sysroot, const char *relative, struct numamig_error *error,
		       sysroot_line_function *each_line, void *context)
{
	struct reading reading = { .each_line = each_line, .context = context };
	char path[4096];

	return read_under(sysroot_path(path, sizeof(path), sysroot, "%s", relative), path, sysroot,
			  &reading, error);
}
