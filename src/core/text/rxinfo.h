/* What a regular expression can match, read off its text without running it: the characters a
 * match can begin and end with, whether it can be empty, and its longest length.
 *
 * The segmenter uses this to find candidate break positions with a byte scanner and to skip the
 * rules that cannot apply at a position. The reading is conservative: anything it does not
 * understand makes the sets "any character" and the length unbounded, which is always safe. */
#ifndef TJ_RXINFO_H
#define TJ_RXINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tj_cprange {
    uint32_t lo;
    uint32_t hi;
};

/* A set of code points: either every character, or a list of ranges. */
struct tj_cpset {
    bool any;
    struct tj_cprange *r;
    size_t n;
};

#define TJ_RX_UNBOUNDED SIZE_MAX

struct tj_rxinfo {
    struct tj_cpset first; /* characters a non-empty match can begin with */
    struct tj_cpset last;  /* characters a non-empty match can end with */
    struct tj_cpset last2; /* characters right before the last one in a longer match */
    bool nullable;         /* the pattern can match the empty string */
    bool can1;             /* some match is a single character (its predecessor is free) */
    size_t max_len;        /* longest match in characters, or TJ_RX_UNBOUNDED */
};

/* Analyses a PCRE2-syntax pattern (UTF-8) into caller storage. Never fails: what it cannot
 * read is assumed to match anything. */
void tj_rxinfo_init(struct tj_rxinfo *info, const char *pattern, size_t len);
void tj_rxinfo_finish(struct tj_rxinfo *info);

bool tj_cpset_has(const struct tj_cpset *s, uint32_t cp);

#endif
