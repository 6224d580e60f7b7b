/* Reading input text: whole files or standard input, capped, validated as UTF-8 text.
 *
 * Invalid UTF-8 and NUL bytes are refused with the file name and byte offset; a leading byte
 * order mark is dropped. */
#ifndef TJ_INPUT_H
#define TJ_INPUT_H

#include "tj.h"

#include <stdbool.h>
#include <stdio.h>

/* Largest input accepted, in bytes. */
#define TJ_INPUT_MAX ((size_t)256 << 20)

/* Longest line accepted by the line reader, in bytes: it bounds the memory of the commands
 * that stream their input (a line is one block of the document). */
#define TJ_INPUT_LINE_MAX ((size_t)16 << 20)

/* Reads all of f into a new buffer owned by the caller (*out, NUL-terminated, *len bytes):
 * the one loop that reads a whole file under a cap. Returns TJ_OK; TJ_ERR_DATA when f holds
 * more than cap bytes (nothing is returned; at most cap + 64 KiB were read); TJ_ERR_NOINPUT on
 * a read error (errno says which). Callers add the file name to their own message. */
enum tj_status tj_input_slurp(FILE *f, size_t cap, char **out, size_t *len);

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

/* An input read line by line (struct tj_input_lines, opaque): memory holds one line at a time,
 * whatever the size of the input. Each line is validated as UTF-8 text as it is read, with the
 * messages of tj_input_check_at (offsets count from the first byte of the input as written); a
 * leading byte order mark is dropped. */
struct tj_input_lines;

/* Opens path ("-" for standard input) for reading by lines into a new reader owned by the
 * caller. TJ_ERR_NOINPUT when it cannot be opened. */
enum tj_status tj_input_lines_open(const char *path, struct tj_input_lines **out,
                                   struct tj_diag *diag);

/* Reads the next line: *line (borrowed until the next call, NUL-terminated) holds *len bytes
 * without the line's '\n' (a '\r' before it is kept); *offset (may be NULL) is where the line
 * starts in the input. Returns TJ_OK with *line NULL at the end of the input; TJ_ERR_DATA when
 * the line is not UTF-8 text or is longer than TJ_INPUT_LINE_MAX (a NUL byte is reported as
 * soon as it is read); TJ_ERR_NOINPUT on a read error. After an error the reader is at its end. */
enum tj_status tj_input_lines_next(struct tj_input_lines *in, const char **line, size_t *len,
                                   size_t *offset, struct tj_diag *diag);

/* Closes the input and frees the reader. Accepts NULL. */
void tj_input_lines_close(struct tj_input_lines *in);

#endif
