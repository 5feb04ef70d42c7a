/*
 * The numbers users give: counts, sizes, rates, durations and PID lists,
 * each the whole of its text, parsed by hand: strtoul and strtod would
 * take blanks, signs, a wrapped-around "-1", "nan" and "1e9".
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "numamig.h"

static int digit_value(char character, unsigned int base)
{
	int value = -1;

	if (character >= '0' && character <= '9')
		value = character - '0';
	else if (character >= 'a' && character <= 'f')
		value = character - 'a' + 10;
	else if (character >= 'A' && character <= 'F')
		value = character - 'A' + 10;
	return value >= 0 && (unsigned int)value < base ? value : -1;
}

int number_digits(const char **cursor, unsigned int base, uint64_t *number)
{
	const char *start = *cursor;
	int digit;

	*number = 0;
	while ((digit = digit_value(**cursor, base)) >= 0) {
		if (*number > (UINT64_MAX - (uint64_t)digit) / base)
			return -ERANGE;
		*number = *number * base + (uint64_t)digit;
		(*cursor)++;
	}
	return *cursor == start ? -EINVAL : 0;
}

int numamig_number_parse(const char *text, uint64_t minimum, uint64_t maximum, uint64_t *value)
{
	const char *cursor = text;
	int result = number_digits(&cursor, 10, value);

	if (result == 0 && *cursor != '\0')
		return -EINVAL;
	if (result == 0 && (*value < minimum || *value > maximum))
		return -ERANGE;
	return result;
}

/* Decimal or 0x-hex, then K, M, G or T (powers of 1024; "KiB" and "KB"
 * too), then the end of the text. */
int numamig_size_parse(const char *cursor, uint64_t *bytes)
{
	static const char units[] = "KMGT";
	const char *unit;
	unsigned int base = 10;
	int result;

	if (cursor[0] == '0' && (cursor[1] == 'x' || cursor[1] == 'X')) {
		cursor += 2;
		base = 16;
	}
	result = number_digits(&cursor, base, bytes);
	if (result < 0)
		return result;
	if (*cursor == '\0')
		return 0;
	unit = memchr(units, toupper((unsigned char)*cursor), sizeof(units) - 1);
	if (!unit)
		return -EINVAL;
	cursor++;
	if (strcmp(cursor, "") != 0 && strcmp(cursor, "iB") != 0 && strcmp(cursor, "B") != 0)
		return -EINVAL;
	for (long shift = 0; shift <= unit - units; shift++) {
		if (*bytes > UINT64_MAX / 1024)
			return -ERANGE;
		*bytes *= 1024;
	}
	return 0;
}

int numamig_rate_parse(const char *text, uint64_t *bytes_per_second)
{
	size_t length = strlen(text);
	char size[64];
	int result;

	if (length >= 2 && strcmp(text + length - 2, "/s") == 0)
		length -= 2;
	if (length >= sizeof(size))
		return -EINVAL;
	memcpy(size, text, length);
	size[length] = '\0';
	result = numamig_size_parse(size, bytes_per_second);
	if (result == 0 && *bytes_per_second == 0)
		return -ERANGE;
	return result;
}

int numamig_duration_parse(const char *text, uint64_t *nanoseconds)
{
	static const struct {
		const char *suffix;
		uint64_t nanoseconds;
	} units[] = {
		{ "ms", UINT64_C(1000000) },
		{ "s", UINT64_C(1000000000) },
		{ "m", UINT64_C(60000000000) },
		{ "", UINT64_C(1000000000) },	/* bare seconds */
	};
	const char *cursor = text;
	uint64_t whole, fraction = 0, scale = 1, unit = 0;
	int result = number_digits(&cursor, 10, &whole);

	if (result < 0)
		return result;
	if (*cursor == '.') {
		cursor++;
		if (!isdigit((unsigned char)*cursor))
			return -EINVAL;
		/* nine digits: a nanosecond of a second is as fine as it gets */
		for (; isdigit((unsigned char)*cursor); cursor++)
			if (scale < UINT64_C(1000000000)) {
				fraction = fraction * 10 + (uint64_t)(*cursor - '0');
				scale *= 10;
			}
	}
	for (size_t index = 0; index < sizeof(units) / sizeof(units[0]) && !unit; index++)
		if (strcmp(cursor, units[index].suffix) == 0)
			unit = units[index].nanoseconds;
	if (!unit)
		return -EINVAL;
	if (whole > UINT64_MAX / unit)
		return -ERANGE;
	*nanoseconds = whole * unit;
	/* unit / scale is exact for every unit above and scale up to 10^9 */
	if (*nanoseconds > UINT64_MAX - fraction * (unit / scale))
		return -ERANGE;
	*nanoseconds += fraction * (unit / scale);
	if (*nanoseconds == 0)
		return -ERANGE;
	return 0;
}

int numamig_pids_parse(const char *text, pid_t **pids, size_t *count)
{
	const char *cursor = text;
	int result = 0;

	do {
		uint64_t pid;
		pid_t *grown;

		result = number_digits(&cursor, 10, &pid);
		if (result == 0 && *cursor != ',' && *cursor != '\0')
			result = -EINVAL;
		if (result == 0 && (pid < 1 || pid > INT_MAX))
			result = -ERANGE;
		if (result < 0)
			return result;
		grown = realloc(*pids, (*count + 1) * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		*pids = grown;
		(*pids)[(*count)++] = (pid_t)pid;
	} while (*cursor++ == ',');
	return 0;
}
