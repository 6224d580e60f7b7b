/* Reading input text: whole files or standard input, capped, validated as UTF-8 text.
 *
 * Invalid UTF-8 and NUL bytes are refused with the file name and byte offset; a leading byte
 * order mark is dropped. */
#ifndef TJ_INPUT_H
#define TJ_INPUT_H

#include "tj.h"

#include <stdbool.h>

/* Largest input accepted, in bytes. */
#define TJ_INPUT_MAX ((size_t)256 << 20)

/* Reads path ("-" for standard input) into a new buffer owned by the caller (*out,
 * NUL-terminated, *len bytes). TJ_ERR_NOINPUT when it cannot be opened or read,
 * TJ_ERR_DATA when it is larger than TJ_INPUT_MAX or not UTF-8 text. */
enum tj_status tj_input_read(const char *path, char **out, size_t *len, struct tj_diag *diag);

/* The length of the UTF-8 byte order mark that data[0..len) starts with: 3, or 0 when there is
 * none. Every reader that drops the mark asks here, and passes this length as the offset of
 * what follows to tj_input_check_at, so that messages count the file's real bytes. */
size_t tj_input_bom(const char *data, size_t len);

/* Validates data[0..len) as UTF-8 text; name is used in the message. */
enum tj_status tj_input_check(const char *name, const char *data, size_t len, struct tj_diag *diag);

/* The same for a piece of a larger input that starts at byte `offset` on line `line` (1-based),
 * so that the message names the place in the whole input. */
enum tj_status tj_input_check_at(const char *name, const char *data, size_t len, size_t offset,
                                 size_t line, struct tj_diag *diag);

#endif
