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

int sysroot_read(const char *sysroot, char **text, size_t *length, struct numamig_error *error,
		 const char *format, ...)
{
	char path[4096];
	char reason[128];
	va_list arguments;
	int result;
	int fd;

	*text = NULL;
	va_start(arguments, format);
	result = format_path(path, sizeof(path), sysroot, format, arguments);
	va_end(arguments);
	if (result < 0)
		return numamig_error_set(error, result, "path too long under '%s'", sysroot);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		result = -errno;
	else {
		result = read_all(fd, text, length);
		close(fd);
	}
	if (result < 0)
		return numamig_error_set(error, result, "cannot read '%s': %s", path,
					 sysroot_reason(result, reason, sizeof(reason)));
	return 0;
}
