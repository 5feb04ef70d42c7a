/* Internal: the small pieces every /proc and /sys parser needs. */
#ifndef NUMAMIG_TEXT_H
#define NUMAMIG_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Steps through text line by line: returns true and sets *line and
 * *length (without the newline) while there is a line; *complete tells
 * whether it ended with a newline (the last line of a truncated read
 * does not).
 */
struct text_lines {
	const char *cursor;
	const char *end;
	unsigned number;	/* 1-based number of the line last returned */
};

void text_lines_init(struct text_lines *lines, const char *text, size_t length);
bool text_lines_next(struct text_lines *lines, const char **line, size_t *length, bool *complete);

/* A whole unsigned decimal (base 16 when hex) number in [text, text+length). */
bool text_parse_u64(const char *text, size_t length, uint64_t *value);
bool text_parse_hex(const char *text, size_t length, uint64_t *value);

/* Copies at most size - 1 bytes of [text, text+length) into buffer,
 * non-printable bytes as '?', so messages quote input safely. */
const char *text_printable(const char *text, size_t length, char *buffer, size_t size);

/* The value of "KEY:<spaces>VALUE" (or "KEY VALUE") lines, as a pointer
 * into text and a length, or NULL. */
const char *text_find_field(const char *text, const char *key, size_t *length);

#endif
