/* Pin protection: the text a provider receives with each pinned term fixed to its English,
 * and the English put back in order from what the engine returns.
 *
 * Each strategy hands the engine the pinned English in the form it respects best: HTML
 * elements it must not translate, XML elements listed in DeepL's ignore_tags, placeholder
 * tokens for engines without markup, or (for LLMs) the Arabic left as it is with the English
 * given in the prompt. Prefix clitics the pin finder left outside a pin (و ف ب ك ل, ال) travel
 * written apart with a tatweel (لـ), as Arabic writes them before foreign words, so the engine
 * still translates them; one the engine leaves in Arabic is rendered in English before the term
 * on the way back ("to Putin", "and the Kremlin"). Restoring removes the markup, decodes
 * entities where the text travelled as markup, cleans spacing and punctuation around each term,
 * and reports per pin how it came back: as sent, rewritten where its markup or placeholder came
 * back changed (other text inside, a broken closing tag, another placeholder form), or lost.
 * An engine's rendering of a name is recognised by its consonants (tj_protect_like): Poutine
 * and putin read as Putin, bwtyn and Bootin as بوتين. Protect and restore are pure functions. */
#ifndef TJ_PROTECT_H
#define TJ_PROTECT_H

#include "document.h"

#include <stdbool.h>
#include <stddef.h>

enum tj_protect_kind {
    TJ_PROTECT_NONE,        /* the text as it is; nothing checked but the English */
    TJ_PROTECT_HTML,        /* <span translate="no">English</span>, text HTML-escaped */
    TJ_PROTECT_HTML_CLASS,  /* <span class="notranslate" translate="no">...</span> */
    TJ_PROTECT_XML,         /* <x>English</x> (ignore_tags=x), text XML-escaped */
    TJ_PROTECT_PLACEHOLDER, /* ⟦N⟧ for pin N (1-based), the English put back after */
    TJ_PROTECT_PROMPT,      /* the Arabic as it is; the English travels in the prompt */
    TJ_PROTECT_INLINE,      /* the English written in place of the Arabic, as plain text */
    TJ_PROTECT_NATIVE,      /* the service's own glossary means (a glossary it holds, or a
                               dictionary in the request) write the English; the text as it is
                               here, checked as NONE is */
};

/* How a pin came back from the engine (tj_protect_restore_report). */
enum tj_pin_return {
    TJ_PIN_LOST,      /* neither its markup or placeholder nor its English came back */
    TJ_PIN_KEPT,      /* its markup or placeholder came back as sent, or its English as text */
    TJ_PIN_REWRITTEN, /* its markup or placeholder came back changed; the English written there */
};

struct tj_pin_report {
    enum tj_pin_return how;
    unsigned spans;  /* elements or placeholders that came back for it (2 or more: repeated) */
    bool broken_tag; /* REWRITTEN: its element came back without a proper closing tag */
    char got[64];    /* REWRITTEN: what the engine put there (cut at a character), else "" */
};

/* How Latin text reads against a pin (tj_protect_like). */
enum tj_like {
    TJ_LIKE_NO,
    TJ_LIKE_ENGLISH, /* a spelling of its English: the same consonants (Poutine, putin) */
    TJ_LIKE_ARABIC,  /* a transliteration of its Arabic (bwtyn, Bootin, al-Kremlin) */
};

/* The text to send for text[0..len) (valid UTF-8) with pins[0..npins) (in source order, not
 * overlapping). Returns a new NUL-terminated string owned by the caller, its length in
 * *out_len (may be NULL). */
char *tj_protect(enum tj_protect_kind kind, const char *text, size_t len, const struct tj_pin *pins,
                 size_t npins, size_t *out_len);

/* Bytes tj_protect would return, without keeping the text. */
size_t tj_protect_size(enum tj_protect_kind kind, const char *text, size_t len,
                       const struct tj_pin *pins, size_t npins);

/* The English from out[0..len), what the engine returned for a text protected with kind:
 * markup or placeholders replaced by each pin's English, entities decoded (HTML and XML),
 * clitics left in Arabic before a term rendered in English, spacing and punctuation around
 * terms cleaned, Arabic comma, semicolon and question mark made English, blanks collapsed.
 * back[i] (npins entries, may be NULL) is set to whether pin i came back. Returns a new string
 * owned by the caller. out need not be valid UTF-8 (invalid bytes are replaced by U+FFFD). */
char *tj_protect_restore(enum tj_protect_kind kind, const struct tj_pin *pins, size_t npins,
                         const char *out, size_t len, bool *back);

/* tj_protect_restore with a report per pin: report[i] (npins entries, may be NULL) says how
 * pin i came back. Returns a new string owned by the caller. */
char *tj_protect_restore_report(enum tj_protect_kind kind, const struct tj_pin *pins, size_t npins,
                                const char *out, size_t len, struct tj_pin_report *report);

/* The name of a strategy for messages: "html", "xml", "placeholder", "prompt", "inline",
 * "native", "none". Static. */
const char *tj_protect_name(enum tj_protect_kind kind);

/* How the Latin words s[0..n) read against a term whose English is english and whose Arabic is
 * arabic[0..arabic_len) (may be NULL): by their consonants (vowels, w, y and h dropped; b/p,
 * f/v, t/d, s/z, k/q/g/j alike; an article al- or el- ignored), compared with those of the
 * English and of the Arabic. Short or lower-case words must also be close in spelling to the
 * English or to a letter-by-letter transliteration of the Arabic, unless name_case says the
 * words stand where a name stands (capitalised inside a sentence, or in a protected span). */
enum tj_like tj_protect_like(const char *s, size_t n, const char *english, const char *arabic,
                             size_t arabic_len, bool name_case);

/* The English of a pin (its glossary term), never NULL. */
const char *tj_protect_english(const struct tj_pin *pin);

#endif
