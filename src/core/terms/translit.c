/* News-style transliteration (ICU) and sound skeletons. */
#include "translit.h"

#include "buf.h"
#include "normalize.h"
#include "utf8.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

/* Rules run on one word at a time, written between '#' marks so that the rules can tell its
 * start and end. The first pass settles what Arabic-Latin cannot know: long vowels and
 * semivowels by position (و is w before or after a vowel, o between consonants), taa marbuta,
 * hamza seats, ع at the start, and an "a" after a first consonant that another follows
 * (رجب → Rajb, not Rjb). The second spells the letters Arabic-Latin spells otherwise than the
 * wires (ظ as in Abu Dhabi, تش as in Dolmabahce), then ICU does the consonants and
 * Latin-ASCII drops their dots. */
static const char rules[] = "$C = [بتثجحخدذرزسشصضطظغفقكلمنهپڤچگ] ;\n"
                            "$A = [اأآ] ;\n"
                            "$B = '#' ;\n"
                            "$B { إ > i ;\n"
                            "$B { [اأ] و } $C > o ;\n"
                            "$B { $A > a ;\n"
                            "$C { ع > a ;\n"
                            "$B { ع > a ;\n"
                            "$B { و > w ;\n"
                            "$B { ي > y ;\n"
                            "$B { ($C) } $C > $1 a ;\n"
                            "$C { ه } $B > e ;\n"
                            "ة } $B > a ;\n"
                            "ة > at ;\n"
                            "ى > a ;\n"
                            "ء > ;\n"
                            "ؤ > u ;\n"
                            "ئ } ي > a ;\n"
                            "ئ > i ;\n"
                            "إ > i ;\n"
                            "$A > a ;\n"
                            "ع > ;\n"
                            "وف } $B > ov ;\n"
                            "يف } $B > ev ;\n"
                            "و } [اى] > w ;\n"
                            "$A { و > w ;\n"
                            "و > o ;\n"
                            "$A { ي > y ;\n"
                            "ي } [اى] > y ;\n"
                            "ي > i ;\n"
                            "::Null ;\n"
                            "تش > ch ;\n"
                            "ظ > dh ;\n"
                            "پ > p ;\n"
                            "ڤ > v ;\n"
                            "چ > ch ;\n"
                            "گ > g ;\n"
                            "$B > ;\n"
                            "::Arabic-Latin ;\n"
                            "::Latin-ASCII ;\n";

/* Name words the wires spell one way whatever the letters say (keys in matching form). */
static const struct {
    const char *key;
    const char *latin;
} name_words[] = {
    {"عبد الله", "Abdullah"}, {"عبدالله", "Abdullah"}, {"محمد", "Mohammed"}, {"احمد", "Ahmed"},
    {"محمود", "Mahmoud"},     {"مصطفي", "Mustafa"},    {"علي", "Ali"},       {"عمر", "Omar"},
    {"عثمان", "Othman"},      {"حسن", "Hassan"},       {"حسين", "Hussein"},  {"ابراهيم", "Ibrahim"},
    {"اسماعيل", "Ismail"},    {"يوسف", "Youssef"},     {"يونس", "Younis"},   {"خالد", "Khaled"},
    {"سعيد", "Saeed"},        {"سعد", "Saad"},         {"فيصل", "Faisal"},   {"سلمان", "Salman"},
    {"جمال", "Jamal"},        {"كمال", "Kamal"},       {"عادل", "Adel"},     {"طارق", "Tariq"},
    {"هيثم", "Haitham"},      {"وليد", "Walid"},       {"ناصر", "Nasser"},   {"منصور", "Mansour"},
    {"فاطمه", "Fatima"},      {"عايشه", "Aisha"},      {"مريم", "Maryam"},   {"زينب", "Zeinab"},
    {"نبيل", "Nabil"},        {"رجب", "Rajab"},        {"عيسي", "Issa"},     {"موسي", "Moussa"},
    {"حمد", "Hamad"},         {"زايد", "Zayed"},       {"راشد", "Rashid"},   {"عباس", "Abbas"},
    {"صالح", "Saleh"},        {"الله", "Allah"},       {"ابو", "Abu"},       {"ابي", "Abi"},
    {"سعود", "Saud"},         {"بن", "bin"},           {"ابن", "Ibn"},       {"بنت", "bint"},
    {"رحمن", "Rahman"},       {"عزيز", "Aziz"},        {"رحيم", "Rahim"},    {"كريم", "Karim"},
    {"حميد", "Hamid"},        {"مجيد", "Majid"},       {"فتاح", "Fattah"},   {"لطيف", "Latif"},
    {"قادر", "Qader"},        {"حكيم", "Hakim"},       {"سلام", "Salam"},
};

struct tj_translit {
    UTransliterator *ut;
};

/* The rules are compiled once per process; each transliterator is a clone of that one (a
 * clone is cheap, and one object must not be used by two threads at once). */
static UTransliterator *proto;
static UErrorCode proto_err = U_ZERO_ERROR;
static pthread_once_t proto_once = PTHREAD_ONCE_INIT;

static void proto_init(void)
{
    int32_t ulen = 0;
    u_strFromUTF8(NULL, 0, &ulen, rules, -1, &proto_err);
    proto_err = U_ZERO_ERROR;
    UChar *urules = tj_xmalloc(((size_t)ulen + 1) * sizeof(UChar));
    u_strFromUTF8(urules, ulen + 1, NULL, rules, -1, &proto_err);
    UParseError pe;
    if (U_SUCCESS(proto_err))
        proto = utrans_openU(u"tarjim-news", -1, UTRANS_FORWARD, urules, ulen, &pe, &proto_err);
    free(urules);
    if (U_FAILURE(proto_err))
        proto = NULL;
}

enum tj_status tj_translit_create(struct tj_translit **out, struct tj_diag *diag)
{
    *out = NULL;
    pthread_once(&proto_once, proto_init);
    UErrorCode err = proto_err;
    UTransliterator *ut = proto ? utrans_clone(proto, &err) : NULL;
    if (!ut || U_FAILURE(err)) {
        utrans_close(ut);
        return tj_diag_set(diag, TJ_ERR_CONFIG, "cannot build the Arabic-Latin transliterator: %s",
                           u_errorName(U_FAILURE(err) ? err : U_MEMORY_ALLOCATION_ERROR));
    }
    struct tj_translit *t = tj_xcalloc(1, sizeof *t);
    t->ut = ut;
    *out = t;
    return TJ_OK;
}

void tj_translit_destroy(struct tj_translit *t)
{
    if (!t)
        return;
    utrans_close(t->ut);
    free(t);
}

/* Appends to out the ICU spelling of the Arabic letters of word[0..len) (a stem), capitalised. */
static void icu_word(struct tj_translit *t, const char *word, size_t len, struct tj_buf *out)
{
    /* '#', the letters as UTF-16 (marks and tatweel left out), '#'. */
    UChar *u = tj_xmalloc((len + 2) * sizeof(UChar) * 2 + 64);
    int32_t n = 0;
    u[n++] = '#';
    for (size_t i = 0; i < len;) {
        uint32_t cp = tj_utf8_next(word, len, &i);
        if (tj_is_arabic_mark(cp) || cp == 0x0640 || tj_is_bidi_control(cp))
            continue;
        U16_APPEND_UNSAFE(u, n, cp);
    }
    u[n++] = '#';
    /* Each Arabic letter gives at most a few Latin ones. */
    int32_t cap = n * 4 + 16;
    u = tj_xrealloc(u, (size_t)cap * sizeof(UChar));
    int32_t limit = n;
    UErrorCode err = U_ZERO_ERROR;
    utrans_transUChars(t->ut, u, &n, cap, 0, &limit, &err);
    if (U_SUCCESS(err)) {
        char *u8 = tj_xmalloc((size_t)n * 3 + 1);
        int32_t u8len = 0;
        u_strToUTF8(u8, n * 3 + 1, &u8len, u, n, &err);
        if (U_SUCCESS(err) && u8len > 0) {
            if (u8[0] >= 'a' && u8[0] <= 'z')
                u8[0] = (char)(u8[0] - 'a' + 'A');
            tj_buf_append(out, u8, (size_t)u8len);
        }
        free(u8);
    }
    free(u);
}

static const char *table_word(const char *key)
{
    for (size_t i = 0; i < TJ_ARRAY_LEN(name_words); i++)
        if (strcmp(name_words[i].key, key) == 0)
            return name_words[i].latin;
    return NULL;
}

struct span {
    size_t start, end; /* bytes */
    char *key;         /* matching form */
};

char *tj_translit_name(struct tj_translit *t, const char *arabic, size_t len)
{
    /* The words, split at whitespace. */
    struct span *w = NULL;
    size_t n = 0, alloc = 0;
    for (size_t i = 0; i < len;) {
        while (i < len && (arabic[i] == ' ' || arabic[i] == '\t' || arabic[i] == '\n'))
            i++;
        if (i == len)
            break;
        size_t s = i;
        while (i < len && arabic[i] != ' ' && arabic[i] != '\t' && arabic[i] != '\n')
            i++;
        if (n == alloc) {
            alloc = alloc ? alloc * 2 : 8;
            w = tj_xreallocarray(w, alloc, sizeof *w);
        }
        w[n].start = s;
        w[n].end = i;
        w[n++].key = tj_mform_string(arabic + s, i - s);
    }
    struct tj_buf out;
    tj_buf_init(&out, 0);
    tj_buf_append(&out, "", 0);
    bool drop_article = false; /* after عبد: عبد الرحمن is Abdel Rahman */
    for (size_t i = 0; i < n; i++) {
        const char *word = arabic + w[i].start;
        size_t wl = w[i].end - w[i].start;
        if (i)
            tj_buf_putc(&out, ' ');
        bool no_article = drop_article;
        drop_article = false;
        const char *fixed = NULL;
        if (i + 1 < n) {
            char *two = tj_xasprintf("%s %s", w[i].key, w[i + 1].key);
            fixed = table_word(two);
            free(two);
            if (fixed) {
                tj_buf_puts(&out, fixed);
                i++;
                continue;
            }
        }
        if (!tj_utf8_has_arabic(word, wl)) {
            tj_buf_append(&out, word, wl);
            continue;
        }
        if (wl == 4 && memcmp(word, "آل", 4) == 0) { /* the family: Al Thani */
            tj_buf_puts(&out, "Al");
            continue;
        }
        if ((fixed = table_word(w[i].key))) {
            tj_buf_puts(&out, fixed);
            continue;
        }
        const char *k = w[i].key;
        size_t kl = strlen(k);
        /* The article (ال written with a bare alef, not the أل of ألكسندر, and at least two
         * letters after it): "al-", the rest a word of its own. */
        size_t first = 0;
        uint32_t a0 = tj_utf8_next(word, wl, &first);
        bool al = kl >= 8 && memcmp(k, "ال", 4) == 0 && (a0 == 0x0627 || a0 == 0x0671);
        if (strcmp(k, "عبد") == 0 && i + 1 < n && strlen(w[i + 1].key) >= 8 &&
            memcmp(w[i + 1].key, "ال", 4) == 0) {
            tj_buf_puts(&out, "Abdel");
            drop_article = true;
            continue;
        }
        if (al) {
            /* Skip the display form's alef (any seat) and lam. */
            size_t p = 0;
            for (int letters = 0; letters < 2 && p < wl;) {
                uint32_t cp = tj_utf8_next(word, wl, &p);
                letters += tj_is_arabic_letter(cp);
            }
            if (!no_article)
                tj_buf_puts(&out, "al-");
            word += p;
            wl -= p;
            if ((fixed = table_word(k + 4))) {
                tj_buf_puts(&out, fixed);
                continue;
            }
        }
        icu_word(t, word, wl, &out);
    }
    for (size_t i = 0; i < n; i++)
        free(w[i].key);
    free(w);
    return tj_buf_take(&out, NULL);
}

/* ---- sound skeletons -------------------------------------------------------------------- */

static void skel_put(struct tj_skeleton *sk, char c, bool opt)
{
    if (sk->n > 0 && sk->c[sk->n - 1] == c) {
        sk->opt[sk->n - 1] = sk->opt[sk->n - 1] && opt;
        return;
    }
    if (sk->n == TJ_SKELETON_MAX)
        return;
    sk->c[sk->n] = c;
    sk->opt[sk->n++] = opt;
}

/* The class of an Arabic letter, 0 for the vowels, semivowels, hamza and ع. */
static char arabic_class(uint32_t cp)
{
    switch (cp) {
    case 0x0628: /* ب */
    case 0x067E: /* پ */
        return 'B';
    case 0x0641: /* ف */
    case 0x06A4: /* ڤ */
        return 'F';
    case 0x062A: /* ت */
    case 0x0637: /* ط */
    case 0x062F: /* د */
    case 0x0636: /* ض */
    case 0x062B: /* ث */
    case 0x0630: /* ذ */
    case 0x0638: /* ظ */
        return 'T';
    case 0x0643: /* ك */
    case 0x06A9: /* ک */
    case 0x0642: /* ق */
    case 0x063A: /* غ */
    case 0x062C: /* ج */
    case 0x0686: /* چ */
    case 0x06AF: /* گ */
    case 0x062E: /* خ */
        return 'K';
    case 0x0633: /* س */
    case 0x0635: /* ص */
    case 0x0632: /* ز */
    case 0x0634: /* ش */
    case 0x0698: /* ژ */
        return 'S';
    case 0x062D: /* ح */
    case 0x0647: /* ه */
        return 'H';
    case 0x0644:
        return 'L';
    case 0x0645:
        return 'M';
    case 0x0646:
        return 'N';
    case 0x0631:
        return 'R';
    default:
        return 0;
    }
}

static bool is_alef(uint32_t cp)
{
    return cp == 0x0627 || cp == 0x0623 || cp == 0x0625 || cp == 0x0622 || cp == 0x0671;
}

void tj_skeleton_arabic(const char *s, size_t len, struct tj_skeleton *out)
{
    out->n = 0;
    /* The letters of each word, marks left out. */
    uint32_t word[128];
    size_t i = 0;
    while (i < len) {
        size_t n = 0;
        while (i < len) {
            size_t k = i;
            uint32_t cp = tj_utf8_next(s, len, &k);
            if (tj_is_arabic_letter(cp)) {
                if (n < TJ_ARRAY_LEN(word))
                    word[n++] = cp;
            } else if (!tj_is_arabic_mark(cp) && cp != 0x0640 && !tj_is_bidi_control(cp)) {
                if (n > 0)
                    break;
            }
            i = k;
        }
        if (n == 0) {
            if (i < len)
                tj_utf8_next(s, len, &i);
            continue;
        }
        size_t p = 0;
        /* The article may be written out, assimilated or left out in English. */
        if (n >= 4 && is_alef(word[0]) && word[1] == 0x0644) {
            skel_put(out, 'L', true);
            p = 2;
        }
        for (; p < n; p++) {
            if (word[p] == 0x062A && p + 1 < n && word[p + 1] == 0x0634)
                continue; /* تش is ch */
            char c = arabic_class(word[p]);
            if (!c)
                continue;
            /* A final ه is often a vowel in foreign names (روته, Rutte). */
            skel_put(out, c, c == 'H' && word[p] == 0x0647 && p == n - 1 && p > 0);
        }
    }
}

/* ASCII lower-case letters for a Latin letter: itself, its base letter, or a digraph for the
 * letters whose sound has one (ç, š, ž); "" for anything else. */
static const char *latin_letters(uint32_t cp, char buf[2])
{
    if (cp < 0x80) {
        if (cp >= 'A' && cp <= 'Z')
            cp += 'a' - 'A';
        if (cp < 'a' || cp > 'z')
            return "";
        buf[0] = (char)cp;
        buf[1] = '\0';
        return buf;
    }
    switch (cp) {
    case 0x00E7: /* ç */
    case 0x00C7:
    case 0x010D: /* č */
    case 0x010C:
        return "ch";
    case 0x0161: /* š */
    case 0x0160:
    case 0x015F: /* ş */
    case 0x015E:
        return "sh";
    case 0x017E: /* ž */
    case 0x017D:
        return "zh";
    case 0x0131: /* ı */
        return "i";
    default:
        break;
    }
    UErrorCode err = U_ZERO_ERROR;
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&err);
    UChar d[8];
    int32_t dn = U_SUCCESS(err) ? unorm2_getDecomposition(nfd, (UChar32)cp, d, 8, &err) : 0;
    if (U_FAILURE(err) || dn <= 0 || d[0] >= 0x80)
        return "";
    return latin_letters(d[0], buf);
}

static bool is_letter_of_latin(uint32_t cp)
{
    return (cp < 0x80 && ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')) ||
           (cp >= 0x00C0 && cp <= 0x024F && cp != 0x00D7 && cp != 0x00F7);
}

void tj_skeleton_latin(const char *s, size_t len, struct tj_skeleton *out)
{
    out->n = 0;
    /* Lower-case ASCII letters, words apart by one space. */
    struct tj_buf a;
    tj_buf_init(&a, 0);
    tj_buf_append(&a, "", 0);
    for (size_t i = 0; i < len;) {
        uint32_t cp = tj_utf8_next(s, len, &i);
        char one[2];
        if (is_letter_of_latin(cp))
            tj_buf_puts(&a, latin_letters(cp, one));
        else if (cp != '\'' && cp != 0x2019 && a.len > 0 && a.data[a.len - 1] != ' ')
            tj_buf_putc(&a, ' ');
    }
    const char *p = a.data;
    size_t n = a.len;
    for (size_t i = 0; i < n; i++) {
        char c = p[i], next = i + 1 < n ? p[i + 1] : '\0';
        bool word_start = i == 0 || p[i - 1] == ' ';
        /* The article: "al-Ghais", "el Sisi", "Al Thani". */
        if (word_start && (c == 'a' || c == 'e') && next == 'l' &&
            (i + 2 == n || p[i + 2] == ' ')) {
            skel_put(out, 'L', true);
            i++;
            continue;
        }
        if (next == 'h' && strchr("sckgtdpz", c)) {
            static const char from[] = "sckgtdpz", to[] = "SSKKTTFK";
            skel_put(out, to[strchr(from, c) - from], false);
            i++;
            continue;
        }
        switch (c) {
        case 'b':
        case 'p':
            skel_put(out, 'B', false);
            break;
        case 'f':
        case 'v':
            skel_put(out, 'F', false);
            break;
        case 't':
            skel_put(out, 'T', false);
            break;
        case 'd':
            if (next == 'j')
                i++; /* dj is ج */
            skel_put(out, next == 'j' ? 'K' : 'T', false);
            break;
        case 'c':
            skel_put(out, next == 'e' || next == 'i' || next == 'y' ? 'S' : 'K', false);
            break;
        case 'k':
        case 'q':
        case 'g':
        case 'j':
            skel_put(out, 'K', false);
            break;
        case 'x':
            skel_put(out, 'K', false);
            skel_put(out, 'S', false);
            break;
        case 's':
        case 'z':
            skel_put(out, 'S', false);
            break;
        case 'h':
            skel_put(out, 'H', false);
            break;
        case 'l':
            skel_put(out, 'L', false);
            break;
        case 'm':
            skel_put(out, 'M', false);
            break;
        case 'n':
            skel_put(out, 'N', false);
            break;
        case 'r':
            skel_put(out, 'R', false);
            break;
        default:
            break; /* vowels, w, y and spaces */
        }
    }
    tj_buf_finish(&a);
}

unsigned tj_skeleton_distance(const struct tj_skeleton *ar, const struct tj_skeleton *la)
{
    unsigned d[TJ_SKELETON_MAX + 1][TJ_SKELETON_MAX + 1];
    d[0][0] = 0;
    for (size_t i = 1; i <= ar->n; i++)
        d[i][0] = d[i - 1][0] + !ar->opt[i - 1];
    for (size_t j = 1; j <= la->n; j++)
        d[0][j] = d[0][j - 1] + !la->opt[j - 1];
    for (size_t i = 1; i <= ar->n; i++)
        for (size_t j = 1; j <= la->n; j++) {
            unsigned best = d[i - 1][j - 1] + (ar->c[i - 1] != la->c[j - 1]);
            unsigned del = d[i - 1][j] + !ar->opt[i - 1];
            unsigned ins = d[i][j - 1] + !la->opt[j - 1];
            if (del < best)
                best = del;
            if (ins < best)
                best = ins;
            d[i][j] = best;
        }
    return d[ar->n][la->n];
}

static size_t required(const struct tj_skeleton *sk)
{
    size_t n = 0;
    for (size_t i = 0; i < sk->n; i++)
        n += !sk->opt[i];
    return n;
}

/* The distance within which la sounds like ar, or -1 when ar is too short to tell. */
static int allowed(const struct tj_skeleton *ar, bool strict)
{
    size_t n = required(ar);
    if (n < 2)
        return -1;
    if (strict)
        return n <= 4 ? 0 : n <= 8 ? 1 : 2;
    return n <= 3 ? 0 : n <= 6 ? 1 : n <= 9 ? 2 : 3;
}

/* The distance of la from ar when it is within limit (and la has two classes), else -1. */
static int within(const struct tj_skeleton *ar, const struct tj_skeleton *la, int limit)
{
    size_t na = required(ar), nl = required(la);
    /* Each class one side requires and the other cannot match costs an edit. */
    if (limit < 0 || nl < 2 || (na > la->n && na - la->n > (size_t)limit) ||
        (nl > ar->n && nl - ar->n > (size_t)limit))
        return -1;
    unsigned d = tj_skeleton_distance(ar, la);
    return d <= (unsigned)limit ? (int)d : -1;
}

bool tj_skeleton_close(const struct tj_skeleton *ar, const struct tj_skeleton *la, bool strict)
{
    return within(ar, la, allowed(ar, strict)) >= 0;
}

struct lword {
    size_t start, end;
    bool caps;
};

/* The Latin words of text: letters with inner hyphens and apostrophes. */
static size_t latin_words(const char *text, size_t len, struct lword **out)
{
    struct lword *w = NULL;
    size_t n = 0, alloc = 0, i = 0;
    while (i < len) {
        size_t s = i;
        uint32_t cp = tj_utf8_next(text, len, &i);
        if (!is_letter_of_latin(cp))
            continue;
        size_t e = i;
        while (e < len) {
            size_t k = e;
            uint32_t c = tj_utf8_next(text, len, &k);
            if (is_letter_of_latin(c)) {
                e = k;
                continue;
            }
            if ((c == '-' || c == '\'' || c == 0x2019) && k < len) {
                size_t k2 = k;
                if (is_letter_of_latin(tj_utf8_next(text, len, &k2))) {
                    e = k2;
                    continue;
                }
            }
            break;
        }
        if (n == alloc) {
            alloc = alloc ? alloc * 2 : 16;
            w = tj_xreallocarray(w, alloc, sizeof *w);
        }
        /* A capital first letter, or one after an article (al-Ghais). */
        size_t k = s;
        bool caps = u_isupper((UChar32)cp);
        if (!caps && e - s > 3 && (text[s] == 'a' || text[s] == 'e') && text[s + 1] == 'l' &&
            text[s + 2] == '-') {
            k = s + 3;
            caps = u_isupper((UChar32)tj_utf8_next(text, len, &k));
        }
        w[n].start = s;
        w[n].end = e;
        w[n++].caps = caps;
        i = e;
    }
    *out = w;
    return n;
}

/* True when text[a, b) holds only spaces (words of one name). */
static bool only_spaces(const char *text, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if (text[i] != ' ')
            return false;
    return true;
}

struct tj_latin {
    const char *text;
    struct lword *w;
    struct tj_skeleton *sk; /* of each word, made when first needed */
    bool *made;
    size_t n;
};

/* The skeleton of word i. */
static const struct tj_skeleton *word_skeleton(const struct tj_latin *l, size_t i)
{
    if (!l->made[i]) {
        tj_skeleton_latin(l->text + l->w[i].start, l->w[i].end - l->w[i].start, &l->sk[i]);
        l->made[i] = true;
    }
    return &l->sk[i];
}

struct tj_latin *tj_latin_create(const char *text, size_t len)
{
    struct tj_latin *l = tj_xcalloc(1, sizeof *l);
    l->text = text;
    l->n = latin_words(text, len, &l->w);
    l->sk = tj_xcalloc(l->n ? l->n : 1, sizeof *l->sk);
    l->made = tj_xcalloc(l->n ? l->n : 1, sizeof *l->made);
    return l;
}

void tj_latin_destroy(struct tj_latin *l)
{
    if (!l)
        return;
    free(l->made);
    free(l->sk);
    free(l->w);
    free(l);
}

bool tj_latin_find(const struct tj_latin *l, const char *arabic, size_t alen, bool caps_only,
                   size_t *start, size_t *end, unsigned *dist)
{
    struct tj_skeleton ar;
    tj_skeleton_arabic(arabic, alen, &ar);
    int limit = allowed(&ar, caps_only);
    if (limit < 0)
        return false;
    size_t awords = 1;
    for (size_t i = 0; i < alen; i++)
        awords += arabic[i] == ' ';
    const struct lword *w = l->w;
    bool found = false;
    int best_d = 0;
    bool best_caps = false;
    size_t best_off = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (caps_only && !w[i].caps)
            continue;
        /* The span's skeleton: its words' skeletons one after the other. */
        struct tj_skeleton la = {.n = 0};
        for (size_t j = i; j < l->n && j - i <= awords; j++) {
            if (j > i && !only_spaces(l->text, w[j - 1].end, w[j].start))
                break;
            const struct tj_skeleton *wj = word_skeleton(l, j);
            for (size_t k = 0; k < wj->n; k++)
                skel_put(&la, wj->c[k], wj->opt[k]);
            int d = within(&ar, &la, limit);
            if (d < 0)
                continue;
            size_t words = j - i + 1;
            size_t off = words > awords ? words - awords : awords - words;
            /* Nearest sound first, then a capital, then the word count of the name. */
            bool better = !found || d < best_d || (d == best_d && w[i].caps && !best_caps) ||
                          (d == best_d && w[i].caps == best_caps && off < best_off);
            if (better) {
                found = true;
                best_d = d;
                best_caps = w[i].caps;
                best_off = off;
                *start = w[i].start;
                *end = w[j].end;
            }
        }
    }
    if (found && dist)
        *dist = (unsigned)best_d;
    return found;
}

bool tj_translit_find(const char *text, size_t len, const char *arabic, size_t alen, bool caps_only,
                      size_t *start, size_t *end, unsigned *dist)
{
    struct tj_latin *l = tj_latin_create(text, len);
    bool found = tj_latin_find(l, arabic, alen, caps_only, start, end, dist);
    tj_latin_destroy(l);
    return found;
}
