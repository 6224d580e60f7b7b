/* Word glosser: clitic and suffix splitting over the matching form, a built-in table of
 * function words, FreeDict for the rest.
 *
 * Every split of the word into prefix clitics + stem + suffixes that Arabic allows is a
 * candidate; each stem is looked up as is, with a taa marbuta restored (رسالت -> رسالة), and
 * with the article added (FreeDict lists most nouns only in their ال form). Candidates are
 * ranked by stem length, then table before dictionary, and the first that yields a gloss
 * wins. */
#include "gloss.h"

#include "buf.h"
#include "normalize.h"
#include "strmap.h"
#include "utf8.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define WORD_MAX 200 /* longest word glossed, in bytes of matching form */

/* How a pronoun suffix attaches to the gloss of its stem. */
enum {
    FW_NOUN = 0, /* possessive before: "his message" */
    FW_VERB = 1, /* object after: "said it" */
    FW_PREP = 2, /* object after: "on him" */
};

/* Common words FreeDict lacks or glosses badly, in their usual spelling (compared through the
 * matching form, so hamza and alef variants need no entries of their own). The English is
 * complete: no article is added to it. */
static const struct function_word {
    const char *arabic;
    const char *english;
    unsigned char kind;
} function_words[] = {
    {"في", "in", FW_PREP},
    {"من", "from", FW_PREP},
    {"إلى", "to", FW_PREP},
    {"على", "on", FW_PREP},
    {"عن", "about", FW_PREP},
    {"مع", "with", FW_PREP},
    {"بين", "between", FW_PREP},
    {"بعد", "after", FW_PREP},
    {"قبل", "before", FW_PREP},
    {"عند", "at", FW_PREP},
    {"حول", "about", FW_PREP},
    {"ضد", "against", FW_PREP},
    {"لدى", "at", FW_PREP},
    {"تحت", "under", FW_PREP},
    {"فوق", "above", FW_PREP},
    {"أمام", "in front of", FW_PREP},
    {"وراء", "behind", FW_PREP},
    {"خلال", "during", FW_PREP},
    {"عبر", "across", FW_PREP},
    {"نحو", "towards", FW_PREP},
    {"دون", "without", FW_PREP},
    {"بدون", "without", FW_PREP},
    {"منذ", "since", FW_NOUN},
    {"حتى", "until", FW_NOUN},
    {"له", "to him", FW_NOUN},
    {"لها", "to her", FW_NOUN},
    {"لهم", "to them", FW_NOUN},
    {"به", "with it", FW_NOUN},
    {"بها", "with it", FW_NOUN},
    {"فيه", "in it", FW_NOUN},
    {"فيها", "in it", FW_NOUN},
    {"منه", "from him", FW_NOUN},
    {"منها", "from it", FW_NOUN},
    {"عنه", "about him", FW_NOUN},
    {"عنها", "about it", FW_NOUN},
    {"إليه", "to him", FW_NOUN},
    {"إليها", "to her", FW_NOUN},
    {"إليهم", "to them", FW_NOUN},
    {"عليه", "on him", FW_NOUN},
    {"عليها", "on it", FW_NOUN},
    {"عليهم", "on them", FW_NOUN},
    {"لديه", "he has", FW_NOUN},
    {"لديها", "she has", FW_NOUN},
    {"لديهم", "they have", FW_NOUN},
    {"أن", "that", FW_PREP},
    {"أنه", "that he", FW_NOUN},
    {"أنها", "that she", FW_NOUN},
    {"أنهم", "that they", FW_NOUN},
    {"لأن", "because", FW_NOUN},
    {"لكن", "but", FW_NOUN},
    {"ولكن", "but", FW_NOUN},
    {"أو", "or", FW_NOUN},
    {"ثم", "then", FW_NOUN},
    {"إذا", "if", FW_NOUN},
    {"لو", "if", FW_NOUN},
    {"كما", "as", FW_NOUN},
    {"مثل", "like", FW_NOUN},
    {"غير", "other than", FW_NOUN},
    {"حيث", "where", FW_NOUN},
    {"عندما", "when", FW_NOUN},
    {"بينما", "while", FW_NOUN},
    {"هذا", "this", FW_NOUN},
    {"هذه", "this", FW_NOUN},
    {"ذلك", "that", FW_NOUN},
    {"تلك", "that", FW_NOUN},
    {"هؤلاء", "these", FW_NOUN},
    {"هو", "he", FW_NOUN},
    {"هي", "she", FW_NOUN},
    {"هم", "they", FW_NOUN},
    {"نحن", "we", FW_NOUN},
    {"أنا", "I", FW_NOUN},
    {"الذي", "who", FW_NOUN},
    {"التي", "which", FW_NOUN},
    {"الذين", "who", FW_NOUN},
    {"ما", "what", FW_NOUN},
    {"لا", "not", FW_NOUN},
    {"لم", "did not", FW_NOUN},
    {"لن", "will not", FW_NOUN},
    {"ليس", "not", FW_NOUN},
    {"ليست", "not", FW_NOUN},
    {"قد", "may", FW_NOUN},
    {"سوف", "will", FW_NOUN},
    {"يجب", "must", FW_NOUN},
    {"يمكن", "can", FW_NOUN},
    {"كل", "all", FW_NOUN},
    {"جميع", "all", FW_NOUN},
    {"بعض", "some", FW_NOUN},
    {"عدة", "several", FW_NOUN},
    {"أي", "any", FW_NOUN},
    {"أكثر", "more", FW_NOUN},
    {"أقل", "less", FW_NOUN},
    {"أول", "first", FW_NOUN},
    {"آخر", "another", FW_NOUN},
    {"أيضا", "also", FW_NOUN},
    {"الآن", "now", FW_NOUN},
    {"اليوم", "today", FW_NOUN},
    {"أمس", "yesterday", FW_NOUN},
    {"غدا", "tomorrow", FW_NOUN},
    {"هنا", "here", FW_NOUN},
    {"هناك", "there", FW_NOUN},
    {"نعم", "yes", FW_NOUN},
    {"كيف", "how", FW_NOUN},
    {"لماذا", "why", FW_NOUN},
    {"متى", "when", FW_NOUN},
    {"أين", "where", FW_NOUN},
    {"وفق", "according to", FW_NOUN},
    {"وفقا", "according to", FW_NOUN},
    {"ضمن", "within", FW_NOUN},
    {"قال", "said", FW_VERB},
    {"قالت", "said", FW_VERB},
    {"يقول", "says", FW_VERB},
    {"تقول", "says", FW_VERB},
    {"كان", "was", FW_VERB},
    {"كانت", "was", FW_VERB},
    {"يكون", "will be", FW_VERB},
    {"تكون", "will be", FW_VERB},
    {"أضاف", "added", FW_VERB},
    {"أكد", "confirmed", FW_VERB},
    {"أعلن", "announced", FW_VERB},
    {"أشار", "pointed out", FW_VERB},
    {"أوضح", "explained", FW_VERB},
    {"تابع", "continued", FW_VERB},
    {"صرح", "stated", FW_VERB},
    {"ذكر", "mentioned", FW_VERB},
    {"أفاد", "reported", FW_VERB},
    {"استقبل", "received", FW_VERB},
    {"التقى", "met", FW_VERB},
    {"بحث", "discussed", FW_VERB},
    {"دعا", "called", FW_VERB},
    {"طالب", "demanded", FW_VERB},
    {"أدان", "condemned", FW_VERB},
    {"عاد", "returned", FW_VERB},
    {"بعث", "sent", FW_VERB},
    {"نظير", "counterpart", FW_NOUN},
    {"بلد", "country", FW_NOUN},
    {"المقبل", "next", FW_NOUN},
    {"المقبلة", "next", FW_NOUN},
    {"الماضي", "last", FW_NOUN},
    {"الماضية", "last", FW_NOUN},
    {"عسكري", "military", FW_NOUN},
    {"سياسي", "political", FW_NOUN},
    {"اقتصادي", "economic", FW_NOUN},
    {"دولي", "international", FW_NOUN},
    {"وطني", "national", FW_NOUN},
    {"إقليمي", "regional", FW_NOUN},
    {"رسمي", "official", FW_NOUN},
    {"الله", "God", FW_NOUN},
    {"السيد", "Mr.", FW_NOUN},
    {"المتحدث", "the spokesman", FW_NOUN},
    {"متحدث", "spokesman", FW_NOUN},
    {"المتحدة", "United", FW_NOUN},
    /* و + في is far more often "and in" than the adjective وفي "loyal". */
    {"وفي", "and in", FW_PREP},
    {"فيما", "while", FW_NOUN},
    {"وفيما", "and while", FW_NOUN},
    {"إن", "that", FW_PREP},
    {"إنه", "that he", FW_NOUN},
    {"إنها", "that she", FW_NOUN},
    {"يناير", "January", FW_NOUN},
    {"فبراير", "February", FW_NOUN},
    {"مارس", "March", FW_NOUN},
    {"أبريل", "April", FW_NOUN},
    {"إبريل", "April", FW_NOUN},
    {"مايو", "May", FW_NOUN},
    {"يونيو", "June", FW_NOUN},
    {"يوليو", "July", FW_NOUN},
    {"أغسطس", "August", FW_NOUN},
    {"سبتمبر", "September", FW_NOUN},
    {"أكتوبر", "October", FW_NOUN},
    {"نوفمبر", "November", FW_NOUN},
    {"ديسمبر", "December", FW_NOUN},
    {"شباط", "February", FW_NOUN},
    {"آذار", "March", FW_NOUN},
    {"نيسان", "April", FW_NOUN},
    {"أيار", "May", FW_NOUN},
    {"حزيران", "June", FW_NOUN},
    {"تموز", "July", FW_NOUN},
    {"آب", "August", FW_NOUN},
    {"أيلول", "September", FW_NOUN},
    {"الأحد", "Sunday", FW_NOUN},
    {"الاثنين", "Monday", FW_NOUN},
    {"الثلاثاء", "Tuesday", FW_NOUN},
    {"الأربعاء", "Wednesday", FW_NOUN},
    {"الخميس", "Thursday", FW_NOUN},
    {"الجمعة", "Friday", FW_NOUN},
    {"السبت", "Saturday", FW_NOUN},
    {"دول", "countries", FW_NOUN},
    {"دولة", "state", FW_NOUN},
    {"استثنائي", "extraordinary", FW_NOUN},
    {"افتراضي", "virtual", FW_NOUN},
    {"ألف", "thousand", FW_NOUN},
    {"مليون", "million", FW_NOUN},
    {"مليار", "billion", FW_NOUN},
    {"ثلاثة", "three", FW_NOUN},
    {"أربعة", "four", FW_NOUN},
    {"خمسة", "five", FW_NOUN},
};

/* Proclitics in the order they stack: conjunction, then preposition or future particle, then
 * the article. */
static const struct clitic {
    const char *mform;
    const char *english;
} conjunctions[] = {{"", NULL}, {"و", "and"}, {"ف", "so"}},
  particles[] = {{"", NULL}, {"ب", "in"}, {"ك", "like"}, {"ل", "to"}, {"س", "will"}};

enum suffix_kind {
    SUF_NONE,
    SUF_PRONOUN, /* possessive or object pronoun */
    SUF_ENDING,  /* plural, dual */
    SUF_TAA,     /* the taa marbuta itself (written ه in the matching form) */
    SUF_VERB,    /* verb endings: ت of the feminine past, وا of the plural past */
};

static const struct suffix {
    const char *mform;
    enum suffix_kind kind;
    const char *possessive; /* for pronouns */
    const char *object;
    bool plural_ending; /* preceded by ات (مشاركاتهم) */
} suffixes[] = {
    {"", SUF_NONE, NULL, NULL, false},
    {"هما", SUF_PRONOUN, "their", "them", false},
    {"هم", SUF_PRONOUN, "their", "them", false},
    {"هن", SUF_PRONOUN, "their", "them", false},
    {"ها", SUF_PRONOUN, "her", "her", false},
    {"ه", SUF_PRONOUN, "his", "him", false},
    {"كما", SUF_PRONOUN, "your", "you", false},
    {"كم", SUF_PRONOUN, "your", "you", false},
    {"كن", SUF_PRONOUN, "your", "you", false},
    {"ك", SUF_PRONOUN, "your", "you", false},
    {"نا", SUF_PRONOUN, "our", "us", false},
    {"ني", SUF_PRONOUN, "my", "me", false},
    {"ي", SUF_PRONOUN, "my", "me", false},
    {"اتهما", SUF_PRONOUN, "their", "them", true},
    {"اتهم", SUF_PRONOUN, "their", "them", true},
    {"اتها", SUF_PRONOUN, "her", "her", true},
    {"اته", SUF_PRONOUN, "his", "him", true},
    {"اتك", SUF_PRONOUN, "your", "you", true},
    {"اتكم", SUF_PRONOUN, "your", "you", true},
    {"اتنا", SUF_PRONOUN, "our", "us", true},
    {"اتي", SUF_PRONOUN, "my", "me", true},
    {"ات", SUF_ENDING, NULL, NULL, true},
    {"ون", SUF_ENDING, NULL, NULL, false},
    {"ين", SUF_ENDING, NULL, NULL, false},
    {"ان", SUF_ENDING, NULL, NULL, false},
    {"ا", SUF_ENDING, NULL, NULL, false}, /* accusative alef: هجوماً, ميدانياً */
    {"ه", SUF_TAA, NULL, NULL, false},
    {"ت", SUF_VERB, NULL, NULL, false},
    {"وا", SUF_VERB, NULL, NULL, false},
};

enum source { SRC_DICT_AL = 1, SRC_DICT = 2, SRC_TABLE = 3 };

struct candidate {
    size_t letters; /* code points of the stem, without an added article */
    enum source src;
    const struct function_word *fw; /* SRC_TABLE */
    char key[WORD_MAX + 8];         /* SRC_DICT*: the dictionary key */
    size_t key_len;
    const struct clitic *conj, *particle;
    bool article;      /* the article was split off as a clitic */
    bool stem_article; /* the stem itself starts with the article (a dictionary key) */
    const struct suffix *suffix;
    size_t stem_at; /* offset of the stem in the matching form */
    size_t order;   /* rank of discovery, to keep the sort stable */
    bool mismatch;  /* the stem's final ه/ة disagrees with the headword's */
};

struct split {
    const struct clitic *conj, *particle;
    bool article;
    const struct suffix *suffix;
    size_t stem_at;
    unsigned final; /* TJ_FREEDICT_FINAL_* the stem's final ه stands for, 0 if it ends otherwise */
};

struct candidates {
    struct candidate *v;
    size_t n, alloc;
};

bool tj_gloss_is_arabic(const char *word, size_t len)
{
    return tj_utf8_check_text(word, len, NULL, NULL) && tj_utf8_has_arabic(word, len);
}

/* True when the matching form of the display string a equals m[0..n). */
/* The table keyed by matching form, built once: lookups are one hash probe. */
static struct tj_strmap *function_index;
static pthread_once_t function_once = PTHREAD_ONCE_INIT;

static void build_function_index(void)
{
    function_index = tj_strmap_create();
    /* Earlier rows win over later rows with the same matching form. */
    for (size_t i = TJ_ARRAY_LEN(function_words); i-- > 0;) {
        char *key = tj_mform_string(function_words[i].arabic, strlen(function_words[i].arabic));
        tj_strmap_put(function_index, key, strlen(key), (void *)&function_words[i]);
        free(key);
    }
}

static const struct function_word *find_function_word(const char *m, size_t n)
{
    pthread_once(&function_once, build_function_index);
    return tj_strmap_get(function_index, m, n);
}

static bool has_prefix(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);
    return k <= n && memcmp(s, p, k) == 0;
}

static bool has_suffix(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);
    return k <= n && memcmp(s + n - k, p, k) == 0;
}

static struct candidate *push(struct candidates *c, const struct split *sp, size_t letters,
                              enum source src)
{
    if (c->n == c->alloc) {
        c->alloc = c->alloc ? c->alloc * 2 : 16;
        c->v = tj_xreallocarray(c->v, c->alloc, sizeof *c->v);
    }
    struct candidate *x = &c->v[c->n++];
    memset(x, 0, sizeof *x);
    x->letters = letters;
    x->src = src;
    x->conj = sp->conj;
    x->particle = sp->particle;
    x->article = sp->article;
    x->suffix = sp->suffix;
    x->stem_at = sp->stem_at;
    x->order = c->n - 1;
    return x;
}

/* True when the headwords of a key, with final letters finals, can be the stem of split sp:
 * a final ه written as a pronoun or letter ه is no taa marbuta, and the other way round. */
static bool finals_agree(const struct split *sp, unsigned finals)
{
    return !sp->final || (finals & sp->final);
}

/* Adds the candidates of one stem: the table, the dictionary as is, the dictionary with the
 * article. */
static void try_stem(struct tj_freedict *d, struct candidates *c, const struct split *sp,
                     const char *stem, size_t n)
{
    size_t letters = tj_utf8_count(stem, n);
    bool affixed =
        sp->conj->mform[0] || sp->particle->mform[0] || sp->article || sp->suffix->kind != SUF_NONE;
    if (letters < 2)
        return;
    const struct function_word *fw = find_function_word(stem, n);
    if (fw)
        push(c, sp, letters, SRC_TABLE)->fw = fw;
    if (!d || (affixed && letters < 3))
        return;
    unsigned finals = tj_freedict_finals(d, stem, n);
    if (finals) {
        struct candidate *x = push(c, sp, letters, SRC_DICT);
        memcpy(x->key, stem, n);
        x->key_len = n;
        x->stem_article = has_prefix(stem, n, "ال");
        x->mismatch = !finals_agree(sp, finals);
    }
    if (!has_prefix(stem, n, "ال")) {
        char key[WORD_MAX + 8];
        memcpy(key, "ال", 4);
        memcpy(key + 4, stem, n);
        finals = tj_freedict_finals(d, key, n + 4);
        if (finals) {
            struct candidate *x = push(c, sp, letters, SRC_DICT_AL);
            memcpy(x->key, key, n + 4);
            x->key_len = n + 4;
            x->mismatch = !finals_agree(sp, finals);
        }
    }
}

/* Whether Arabic grammar lets this suffix follow this prefix on this word. */
static bool suffix_allowed(const struct suffix *s, bool article, bool ends_in_taa)
{
    switch (s->kind) {
    case SUF_NONE:
    case SUF_ENDING:
        return true;
    case SUF_PRONOUN:
        /* No pronoun after the article; a final ة is not the pronoun ه. */
        return !article && !(ends_in_taa && strcmp(s->mform, "ه") == 0);
    case SUF_TAA:
        return ends_in_taa;
    case SUF_VERB:
        return !article;
    }
    return false;
}

static void collect(struct tj_freedict *d, const char *m, size_t n, bool ends_in_taa,
                    struct candidates *c)
{
    for (size_t ci = 0; ci < TJ_ARRAY_LEN(conjunctions); ci++) {
        for (size_t pi = 0; pi < TJ_ARRAY_LEN(particles); pi++) {
            for (int art = 0; art <= 1; art++) {
                const struct clitic *conj = &conjunctions[ci], *part = &particles[pi];
                if (art && strcmp(part->mform, "س") == 0)
                    continue;
                char prefix[32];
                size_t plen = 0;
                const char *pieces[3] = {conj->mform, part->mform, ""};
                if (art) /* ل + ال is written لل */
                    pieces[2] = strcmp(part->mform, "ل") == 0 ? "ل" : "ال";
                for (size_t k = 0; k < 3; k++) {
                    size_t pl = strlen(pieces[k]);
                    memcpy(prefix + plen, pieces[k], pl);
                    plen += pl;
                }
                prefix[plen] = '\0';
                if (!has_prefix(m, n, prefix))
                    continue;
                for (size_t si = 0; si < TJ_ARRAY_LEN(suffixes); si++) {
                    const struct suffix *suf = &suffixes[si];
                    size_t slen = strlen(suf->mform);
                    if (!suffix_allowed(suf, art, ends_in_taa) || plen + slen >= n ||
                        !has_suffix(m + plen, n - plen, suf->mform))
                        continue;
                    const char *stem = m + plen;
                    size_t sn = n - plen - slen;
                    unsigned final = 0;
                    if (has_suffix(stem, sn, "ه"))
                        final = suf->kind == SUF_NONE && ends_in_taa ? TJ_FREEDICT_FINAL_TAA
                                                                     : TJ_FREEDICT_FINAL_OTHER;
                    struct split sp = {conj, part, art, suf, plen, final};
                    if (suf->kind == SUF_PRONOUN && strcmp(suf->mform, "ي") == 0 &&
                        tj_utf8_count(stem, sn) < 3)
                        continue;
                    try_stem(d, c, &sp, stem, sn);
                    char restored[WORD_MAX + 8];
                    /* A taa marbuta is written ت before a suffix: رسالته -> رسالة. */
                    sp.final = TJ_FREEDICT_FINAL_TAA;
                    if (slen && has_suffix(stem, sn, "ت")) {
                        memcpy(restored, stem, sn - 2);
                        memcpy(restored + sn - 2, "ه", 2);
                        try_stem(d, c, &sp, restored, sn);
                    }
                    /* The plural ات replaces a taa marbuta: مشاركات -> مشاركة. */
                    if (suf->plural_ending) {
                        memcpy(restored, stem, sn);
                        memcpy(restored + sn, "ه", 2);
                        try_stem(d, c, &sp, restored, sn + 2);
                    }
                }
            }
        }
    }
}

static int candidate_cmp(const void *pa, const void *pb)
{
    const struct candidate *a = pa, *b = pb;
    if (a->mismatch != b->mismatch)
        return a->mismatch ? 1 : -1;
    if (a->letters != b->letters)
        return a->letters > b->letters ? -1 : 1;
    if (a->src != b->src)
        return a->src > b->src ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* A rough test for an English past-tense verb ("announced"), which takes a pronoun as object
 * and no article. */
static bool looks_like_verb(const char *g)
{
    size_t n = strcspn(g, " ");
    return n >= 4 && g[n - 2] == 'e' && g[n - 1] == 'd' && g[n - 3] != 'e';
}

static char *render(const struct candidate *x, const char *gloss)
{
    struct tj_buf b;
    tj_buf_init(&b, 0);
    if (x->conj->english)
        tj_buf_printf(&b, "%s ", x->conj->english);
    if (x->particle->english)
        tj_buf_printf(&b, "%s ", x->particle->english);
    bool proper = gloss[0] >= 'A' && gloss[0] <= 'Z' && strcmp(gloss, "I") != 0;
    bool verb = x->fw ? x->fw->kind == FW_VERB : looks_like_verb(gloss);
    bool object = verb || (x->fw && x->fw->kind == FW_PREP);
    const struct suffix *suf = x->suffix;
    if (suf->kind == SUF_PRONOUN && object) {
        tj_buf_printf(&b, "%s %s", gloss, suf->object);
    } else if (suf->kind == SUF_PRONOUN) {
        tj_buf_printf(&b, "%s %s", suf->possessive, gloss);
    } else {
        bool the = x->article || (x->src == SRC_DICT && x->stem_article);
        if (the && !proper && !verb && strncmp(gloss, "the ", 4) != 0)
            tj_buf_puts(&b, "the ");
        tj_buf_puts(&b, gloss);
    }
    return tj_buf_take(&b, NULL);
}

/* A rough test for an English adjective of relation ("military", "Russian", "economic"). */
static bool looks_like_adjective(const char *g)
{
    static const char *const endings[] = {"al", "ic", "an", "ary", "ese", "ish", "ive", "ist"};
    size_t n = strlen(g);
    if (strchr(g, ' '))
        return false;
    for (size_t i = 0; i < TJ_ARRAY_LEN(endings); i++)
        if (has_suffix(g, n, endings[i]))
            return true;
    return false;
}

/* A word in -ية is most often the feminine of an adjective in -ي (العسكرية: military), but
 * FreeDict tends to list the abstract noun (militarism). When x, the chosen reading of such a
 * word, keeps the ة, this returns the reading without it if that one glosses as an adjective,
 * else x; *gloss follows. */
static struct candidate *prefer_adjective(struct tj_freedict *d, struct candidates *c,
                                          struct candidate *x, const char **gloss)
{
    if (x->src == SRC_TABLE || x->suffix->kind != SUF_NONE)
        return x;
    for (size_t i = 0; i < c->n; i++) {
        struct candidate *y = &c->v[i];
        if (y->suffix->kind != SUF_TAA || y->mismatch || y->conj != x->conj ||
            y->particle != x->particle)
            continue;
        const char *g = y->src == SRC_TABLE ? y->fw->english : NULL;
        if (!g && !tj_freedict_lookup(d, y->key, y->key_len, &g))
            continue;
        if (looks_like_adjective(g)) {
            *gloss = g;
            return y;
        }
    }
    return x;
}

char *tj_gloss_clitics(const char *word, size_t len)
{
    char *m = tj_mform_string(word, len);
    size_t n = strlen(m), at = 0;
    struct tj_buf en;
    tj_buf_init(&en, 0);
    const struct clitic *conj = NULL, *part = NULL;
    for (size_t i = 1; i < TJ_ARRAY_LEN(conjunctions) && !conj; i++)
        if (has_prefix(m, n, conjunctions[i].mform))
            conj = &conjunctions[i];
    if (conj)
        at += strlen(conj->mform);
    for (size_t i = 1; i < TJ_ARRAY_LEN(particles) && !part; i++)
        if (has_prefix(m + at, n - at, particles[i].mform))
            part = &particles[i];
    if (part)
        at += strlen(part->mform);
    /* The article: ال, written ل after the particle ل (لل). */
    const char *article = part && strcmp(part->mform, "ل") == 0 ? "ل" : "ال";
    bool the = at < n && has_prefix(m + at, n - at, article) &&
               !(part && strcmp(part->mform, "س") == 0); /* the future particle takes verbs */
    if (the)
        at += strlen(article);
    char *out = NULL;
    if (at == n && n > 0) {
        if (conj)
            tj_buf_puts(&en, conj->english);
        if (part)
            tj_buf_printf(&en, "%s%s", en.len ? " " : "", part->english);
        if (the)
            tj_buf_printf(&en, "%s%s", en.len ? " " : "", "the");
        out = tj_buf_take(&en, NULL);
    }
    tj_buf_finish(&en);
    free(m);
    return out;
}

void tj_gloss_word(struct tj_freedict *d, const char *word, size_t len, struct tj_gloss_word *out)
{
    out->english = NULL;
    out->found = false;
    if (!tj_gloss_is_arabic(word, len))
        return;
    struct tj_mform m;
    tj_mform_init(&m, word, len);
    struct candidates c = {NULL, 0, 0};
    if (m.len == 0 || m.len > WORD_MAX)
        goto out;
    /* The last letter as written tells a taa marbuta (ة) from the pronoun ه. */
    size_t last = m.map[m.len - 1];
    bool ends_in_taa = tj_utf8_next(word, len, &last) == 0x0629;
    collect(d, m.text, m.len, ends_in_taa, &c);
    if (c.n == 0)
        goto out;
    qsort(c.v, c.n, sizeof *c.v, candidate_cmp);
    for (size_t i = 0; i < c.n; i++) {
        struct candidate *x = &c.v[i];
        const char *gloss = NULL;
        if (x->src == SRC_TABLE)
            gloss = x->fw->english;
        else if (x->stem_article) {
            /* The article must be written as one: إلغاء matches الغاء, but is no ال + غاء. */
            size_t at = m.map[x->stem_at];
            x->stem_article =
                has_prefix(word + at, len - at, "ال") || has_prefix(word + at, len - at, "ٱل");
        }
        if (!gloss && !tj_freedict_lookup(d, x->key, x->key_len, &gloss))
            continue;
        if (ends_in_taa && has_suffix(m.text, m.len, "يه"))
            x = prefer_adjective(d, &c, x, &gloss);
        out->english = render(x, gloss);
        out->found = true;
        break;
    }
out:
    free(c.v);
    tj_mform_finish(&m);
}
