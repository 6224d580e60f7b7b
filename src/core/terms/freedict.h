/* Reader for a dictd dictionary (FreeDict's Arabic-English one): the .index is loaded into a
 * hash table keyed by the matching form of each headword, and definitions are read lazily from
 * the .dict.dz through its dictzip chunk table (a plain .dict is accepted too).
 *
 * A lookup returns one short English gloss chosen among the first senses of every entry that
 * shares the key. Glosses are cached and stay valid until tj_freedict_destroy. All functions
 * taking a struct tj_freedict may be called from several threads at once. */
#ifndef TJ_FREEDICT_H
#define TJ_FREEDICT_H

#include "tj.h"

#include <stdbool.h>

struct tj_freedict;

/* Opens the dictionary made of index_path and dict_path. On success *out is a new dictionary
 * owned by the caller (release it with tj_freedict_destroy). Returns TJ_ERR_NOINPUT when a
 * file is missing or unreadable, TJ_ERR_CONFIG when one is malformed (the diag names the file,
 * and the line for a bad index row); *out is then NULL. */
enum tj_status tj_freedict_open(const char *index_path, const char *dict_path,
                                struct tj_freedict **out, struct tj_diag *diag);

/* Like tj_freedict_open, with the index given as index[0..index_len) (borrowed; it is not
 * referenced after the call) and named index_name in diagnostics. dict_path may be NULL: the
 * index is then parsed and its keys can be tested with tj_freedict_contains, but every lookup
 * fails. This is the entry point of the index fuzzer. */
enum tj_status tj_freedict_open_mem(const char *index, size_t index_len, const char *index_name,
                                    const char *dict_path, struct tj_freedict **out,
                                    struct tj_diag *diag);

/* Releases the dictionary and every gloss it handed out; accepts NULL. */
void tj_freedict_destroy(struct tj_freedict *d);

/* Number of headwords loaded (dictd's 00database* entries are not counted). */
size_t tj_freedict_count(const struct tj_freedict *d);

/* True when key[0..key_len), a matching form, is the key of at least one headword. Reads no
 * definition. */
bool tj_freedict_contains(struct tj_freedict *d, const char *key, size_t key_len);

/* The matching form writes taa marbuta (ة) as ه; these tell which one a headword ended in. */
#define TJ_FREEDICT_FINAL_TAA 1u   /* a headword with the key ends in ة */
#define TJ_FREEDICT_FINAL_OTHER 2u /* a headword with the key ends in another letter */

/* Returns the TJ_FREEDICT_FINAL_* bits of the headwords whose key is key[0..key_len), 0 when
 * there are none. Reads no definition. */
unsigned tj_freedict_finals(struct tj_freedict *d, const char *key, size_t key_len);

/* Looks up key[0..key_len), a matching form (see normalize.h), as an exact key. On a hit sets
 * *out to a short English gloss (usually one to three words, lowercase except for proper names
 * such as "Russian") owned by the dictionary and valid until tj_freedict_destroy, and returns
 * true. Returns false when the key is absent, when no sense is usable, or when the definition
 * cannot be read (a damaged .dict.dz); *out is then left untouched. */
bool tj_freedict_lookup(struct tj_freedict *d, const char *key, size_t key_len, const char **out);

#endif
