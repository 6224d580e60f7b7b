/* A run's native glossary: the pins of the segments a run sends, made into the provider's own
 * glossary resource (a DeepL glossary) before its batches go, and reused by later runs.
 *
 * The entries are each pin's Arabic as it stands in its segment with the glossary's English,
 * sorted and distinct. A glossary is identified by the bytes of the request that would
 * create it (entries, name, account, language pair): a cache file maps a SHA-256 of them to
 * the glossary's id, so a run with the same entries asks the service whether that id still
 * exists and uses it, and makes a new one only when it is gone. The cache keeps the most
 * recently used glossaries of each account (per URL and key), deleting older ones from the
 * service, so that runs never pile up glossaries. The key itself is never written: the cache
 * holds digests and ids only. */
#ifndef TJ_NATIVE_H
#define TJ_NATIVE_H

#include "provider.h"

#include <stdint.h>

/* Glossaries of one account the cache keeps, unless told otherwise. */
#define TJ_NATIVE_KEEP 100

struct tj_native_options {
    double timeout;         /* seconds per request; 0 means 30 */
    const char *cache_path; /* the cache file; NULL: tj_native_cache_path(); "": no cache */
    size_t keep;            /* glossaries of one account kept in the cache; 0: TJ_NATIVE_KEEP */
};

/* The entries of segments items[0..n): each pin's source text and English
 * (tj_protect_english), sorted by source then English, one per source (the first), leaving
 * out what a glossary cannot hold (empty, longer than 1024 bytes, control characters or line
 * separators, blanks at either end). Returns the count; *out is owned by the caller
 * (tj_native_entries_free), NULL when there are none. */
size_t tj_native_entries(const struct tj_batch_item *items, size_t n, struct tj_native_entry **out);
void tj_native_entries_free(struct tj_native_entry *entries, size_t n);

/* The default cache file: $XDG_CACHE_HOME/tarjim/native-glossaries, else
 * $HOME/.cache/tarjim/native-glossaries; NULL when neither is set. Owned by the caller. */
char *tj_native_cache_path(void);

/* Makes p's glossary of entries[0..n) (from tj_native_entries) ready on the service: the
 * cached one when the service still has it, else a new one (cached from now on). On TJ_OK
 * *id is the id the run's batches carry (owned by the caller), or NULL when p needs no
 * resource (tj_provider_native_resource) or there are no entries; *created (may be NULL)
 * says whether this call made it. Otherwise *id is NULL and the status says why
 * (TJ_ERR_AUTH refused key, TJ_ERR_UNAVAILABLE unreachable or failing service, TJ_ERR_DATA
 * entries the service refused), with the service's words in diag. The cache file is read
 * and rewritten under an exclusive lock; a cache that cannot be written is no error. */
enum tj_status tj_native_prepare(struct tj_provider *p, const struct tj_native_entry *entries,
                                 size_t n, const struct tj_native_options *opts, char **id,
                                 bool *created, struct tj_diag *diag);

/* The SHA-256 of data[0..len) as 64 lower-case hex digits and a NUL in hex[65]. */
void tj_native_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
