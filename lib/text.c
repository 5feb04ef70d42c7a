/* Line splitting and strict number parsing for the /proc and /sys readers. */
#include "config.h"

#include <string.h>

#include "text.h"

void text_lines_init(struct text_lines *lines, const char *text, size_t length)
{
	lines->cursor = text;
	lines->end = text + length;
	lines->number = 0;
}

bool text_lines_next(struct text_lines *lines, const char **line, size_t *length, bool *complete)
{
	const char *newline;

	if (lines->cursor >= lines->end)
		return false;
	newline = memchr(lines->cursor, '\n', (size_t)(lines->end - lines->cursor));
	*line = lines->cursor;
	*length = (size_t)((newline ? newline : lines->end) - lines->cursor);
	if (complete)
		*complete = newline != NULL;
	lines->cursor = newline ? newline + 1 : lines->end;
	lines->number++;
	return true;
}

/* Each byte's value as a digit, plus one: 0 for a byte that is no digit. */
static const unsigned char digit_values[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* inlined, so that base is a constant in each caller (a multiply, not a general one) */
static inline __attribute__((always_inline)) bool parse_base(const char *text, size_t length,
						      unsigned base, uint64_t *value)
{
	uint64_t result = 0;

	/* 16 hex or 19 decimal digits always fit: no overflow test for them */
	size_t safe = base == 16 ? 16 : 19;

	if (length == 0)
		return false;
	for (size_t i = 0; i < length; i++) {
		/* a byte that is no digit wraps to UINT_MAX */
		unsigned digit = digit_values[(unsigned char)text[i]] - 1U;

		if (digit >= base)
			return false;
		if (i < safe)
			result = result * base + digit;
		else if (__builtin_mul_overflow(result, base, &result) ||
			 __builtin_add_overflow(result, digit, &result))
			return false;
	}
	*value = result;
	return true;
}

bool text_parse_u64(const char *text, size_t length, uint64_t *value)
{
	return parse_base(text, length, 10, value);
}

bool text_parse_hex(const char *text, size_t length, uint64_t *value)
{
	return parse_base(text, length, 16, value);
}

const char *text_printable(const char *text, size_t length, char *buffer, size_t size)
{
	size_t used = 0;

	for (size_t i = 0; i < length && used + 1 < size; i++) {
		unsigned char c = (unsigned char)text[i];

		buffer[used++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	if (size > 0)
		buffer[used] = '\0';
	return buffer;
}

const char *text_find_field(const char *text, const char *key, size_t *length)
{
	size_t key_length = strlen(key);
	const char *line = text;

	while (line && *line) {
		if (strncmp(line, key, key_length) == 0 &&
		    (line[key_length] == ':' || line[key_length] == ' ' || line[key_length] == '\t')) {
			const char *value = line + key_length + (line[key_length] == ':');
			const char *end;

			while (*value == ' ' || *value == '\t')
				value++;
			end = strchrnul(value, '\n');
			while (end > value && (end[-1] == ' ' || end[-1] == '\t'))
				end--;
			*length = (size_t)(end - value);
			return value;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return NULL;
}
