/* The exemplar cities of CLDR's time zones, from ICU's C++ API, for the C generator. */
#ifndef TJ_GEN_NAMES_TZ_H
#define TJ_GEN_NAMES_TZ_H

#ifdef __cplusplus
extern "C" {
#endif

/* zone: the canonical time zone id ("Africa/Cairo"); region: its ISO 3166 code ("EG", "001"
 * when it has none); arabic, english: its exemplar city in each language (ICU falls back to
 * the id's last part, in Latin letters, when a language has none). */
typedef void (*gen_tz_fn)(const char *zone, const char *region, const char *arabic,
                          const char *english, void *ctx);

/* Calls fn for every canonical location zone in id order. Returns 0, or -1 when ICU fails. */
int gen_tz_exemplars(gen_tz_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif

#endif
