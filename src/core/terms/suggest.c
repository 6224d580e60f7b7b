/* Name cues and the collection behind `glossary suggest`. */
#include "suggest.h"

#include "normalize.h"
#include "strmap.h"
#include "utf8.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Word lists, in matching form (ة as ه, ى as ي, every alef as ا) and without the article. */

/* Titles, and the type of the name that follows them. */
static const struct {
    const char *word;
    enum tj_term_type type;
} titles[] = {
    {"رييس", TJ_TERM_PERSON},     {"رييسه", TJ_TERM_PERSON},  {"وزير", TJ_TERM_PERSON},
    {"وزيره", TJ_TERM_PERSON},    {"متحدث", TJ_TERM_PERSON},  {"متحدثه", TJ_TERM_PERSON},
    {"ناطق", TJ_TERM_PERSON},     {"ناطقه", TJ_TERM_PERSON},  {"زعيم", TJ_TERM_PERSON},
    {"زعيمه", TJ_TERM_PERSON},    {"سفير", TJ_TERM_PERSON},   {"سفيره", TJ_TERM_PERSON},
    {"جنرال", TJ_TERM_PERSON},    {"امين", TJ_TERM_PERSON},   {"امينه", TJ_TERM_PERSON},
    {"مبعوث", TJ_TERM_PERSON},    {"مبعوثه", TJ_TERM_PERSON}, {"ملك", TJ_TERM_PERSON},
    {"ملكه", TJ_TERM_PERSON},     {"امير", TJ_TERM_PERSON},   {"اميره", TJ_TERM_PERSON},
    {"شيخ", TJ_TERM_PERSON},      {"شيخه", TJ_TERM_PERSON},   {"عقيد", TJ_TERM_PERSON},
    {"لواء", TJ_TERM_PERSON},     {"عميد", TJ_TERM_PERSON},   {"مشير", TJ_TERM_PERSON},
    {"نايب", TJ_TERM_PERSON},     {"نايبه", TJ_TERM_PERSON},  {"مستشار", TJ_TERM_PERSON},
    {"مستشاره", TJ_TERM_PERSON},  {"مساعد", TJ_TERM_PERSON},  {"مساعده", TJ_TERM_PERSON},
    {"قايد", TJ_TERM_PERSON},     {"مرشد", TJ_TERM_PERSON},   {"مدير", TJ_TERM_PERSON},
    {"مديره", TJ_TERM_PERSON},    {"محافظ", TJ_TERM_PERSON},  {"حاكم", TJ_TERM_PERSON},
    {"سلطان", TJ_TERM_PERSON},    {"بابا", TJ_TERM_PERSON},   {"كاردينال", TJ_TERM_PERSON},
    {"مطران", TJ_TERM_PERSON},    {"حاخام", TJ_TERM_PERSON},  {"امام", TJ_TERM_PERSON},
    {"قاضي", TJ_TERM_PERSON},     {"قاضيه", TJ_TERM_PERSON},  {"مفوض", TJ_TERM_PERSON},
    {"مفوضه", TJ_TERM_PERSON},    {"مندوب", TJ_TERM_PERSON},  {"مندوبه", TJ_TERM_PERSON},
    {"سيناتور", TJ_TERM_PERSON},  {"دكتور", TJ_TERM_PERSON},  {"دكتوره", TJ_TERM_PERSON},
    {"بروفيسور", TJ_TERM_PERSON}, {"سيد", TJ_TERM_PERSON},    {"سيده", TJ_TERM_PERSON},
    {"عاهل", TJ_TERM_PERSON},     {"ولي", TJ_TERM_PERSON},    {"ناشط", TJ_TERM_PERSON},
    {"ناشطه", TJ_TERM_PERSON},    {"صحفي", TJ_TERM_PERSON},   {"صحفيه", TJ_TERM_PERSON},
    {"مراسل", TJ_TERM_PERSON},    {"مراسله", TJ_TERM_PERSON}, {"محلل", TJ_TERM_PERSON},
    {"محلله", TJ_TERM_PERSON},    {"مدرب", TJ_TERM_PERSON},   {"لاعب", TJ_TERM_PERSON},
    {"مدينه", TJ_TERM_PLACE},     {"بلده", TJ_TERM_PLACE},    {"قريه", TJ_TERM_PLACE},
    {"منطقه", TJ_TERM_PLACE},     {"محافظه", TJ_TERM_PLACE},  {"ولايه", TJ_TERM_PLACE},
    {"اقليم", TJ_TERM_PLACE},     {"مخيم", TJ_TERM_PLACE},    {"معبر", TJ_TERM_PLACE},
    {"جزيره", TJ_TERM_PLACE},     {"نهر", TJ_TERM_PLACE},     {"جبل", TJ_TERM_PLACE},
    {"بحيره", TJ_TERM_PLACE},     {"ميناء", TJ_TERM_PLACE},   {"مطار", TJ_TERM_PLACE},
    {"قاعده", TJ_TERM_PLACE},     {"عاصمه", TJ_TERM_PLACE},   {"شارع", TJ_TERM_PLACE},
    {"ساحه", TJ_TERM_PLACE},      {"ميدان", TJ_TERM_PLACE},   {"حي", TJ_TERM_PLACE},
    {"قصر", TJ_TERM_PLACE},       {"مسجد", TJ_TERM_PLACE},    {"كنيسه", TJ_TERM_PLACE},
    {"سجن", TJ_TERM_PLACE},       {"مستشفي", TJ_TERM_PLACE},  {"حركه", TJ_TERM_ORG},
    {"حزب", TJ_TERM_ORG},         {"جماعه", TJ_TERM_ORG},     {"منظمه", TJ_TERM_ORG},
    {"شركه", TJ_TERM_ORG},        {"وكاله", TJ_TERM_ORG},     {"صحيفه", TJ_TERM_ORG},
    {"قناه", TJ_TERM_ORG},        {"مجموعه", TJ_TERM_ORG},    {"جمعيه", TJ_TERM_ORG},
    {"موسسه", TJ_TERM_ORG},       {"جامعه", TJ_TERM_ORG},     {"مصرف", TJ_TERM_ORG},
    {"بنك", TJ_TERM_ORG},         {"ايتلاف", TJ_TERM_ORG},    {"تحالف", TJ_TERM_ORG},
    {"كتايب", TJ_TERM_ORG},       {"فصيل", TJ_TERM_ORG},      {"ميليشيا", TJ_TERM_ORG},
};

/* Nouns that qualify a title before the name without the article (وزير خارجية مصر). */
static const char *const construct[] = {
    "خارجيه", "دفاع",  "داخليه", "ماليه", "اقتصاد", "طاقه",   "نفط",     "عدل",    "صحه",  "تعليم",
    "اعلام",  "وزراء", "شوون",   "دوله",  "حكومه",  "جيش",    "اركان",   "قوات",   "مجلس", "وزاره",
    "هييه",   "لجنه",  "مكتب",   "امن",   "حلف",    "اتحاد",  "باسم",    "عام",    "عامه", "سابق",
    "سابقه",  "حالي",  "حاليه",  "اعلي",  "اول",    "تنفيذي", "جمهوريه", "برلمان", "عهد",
};

/* Words that end a name or are never one: particles, pronouns, reporting verbs, days, months,
 * times, and loanwords English writes with a capital. */
static const char *const stops[] = {
    "في",     "من",     "الي",    "علي",    "عن",     "مع",     "بين",    "حول",     "ضد",
    "عند",    "لدي",    "منذ",    "خلال",   "قبل",    "بعد",    "امام",   "وراء",    "فوق",
    "تحت",    "دون",    "غير",    "حتي",    "ان",     "انه",    "انها",   "لكن",     "لكنه",
    "الذي",   "التي",   "الذين",  "اللذين", "اللتين", "هو",     "هي",     "هم",      "هن",
    "نحن",    "انا",    "قد",     "لا",     "لم",     "لن",     "ما",     "ماذا",    "كما",
    "كيف",    "او",     "اي",     "كل",     "ثم",     "اذا",    "اذ",     "لو",      "هذا",
    "هذه",    "ذلك",    "تلك",    "هناك",   "هنا",    "عبر",    "وفق",    "نحو",     "اكثر",
    "اقل",    "ايضا",   "فقط",    "يوم",    "عام",    "اليوم",  "امس",    "غدا",     "مساء",
    "صباح",   "فجر",    "ظهر",    "ليل",    "ليلا",   "اسبوع",  "شهر",    "سنه",     "ساعه",
    "مليون",  "مليار",  "الف",    "مييه",   "قال",    "قالت",   "اضاف",   "اضافت",   "اكد",
    "اكدت",   "اعلن",   "اعلنت",  "صرح",    "صرحت",   "اشار",   "اشارت",  "اوضح",    "اوضحت",
    "شارك",   "شاركت",  "التقي",  "التقت",  "اجتمع",  "اجتمعت", "استقبل", "استقبلت", "زار",
    "زارت",   "دعا",    "دعت",    "بحث",    "بحثت",   "يتابع",  "تتابع",  "يزور",    "تزور",
    "يراس",   "تراس",   "يقود",   "تقود",   "قاد",    "قادت",   "وصل",    "وصلت",    "غادر",
    "غادرت",  "راي",    "رات",    "يري",    "تري",    "يقول",   "تقول",   "حذر",     "حذرت",
    "نفي",    "نفت",    "طالب",   "طالبت",  "اجري",   "اجرت",   "رحب",    "رحبت",    "وقع",
    "وقعت",   "اعتبر",  "اعتبرت", "كان",    "كانت",   "يكون",   "تكون",   "يعتزم",   "تعتزم",
    "يلتقي",  "تلتقي",  "ذكر",    "ذكرت",   "افاد",   "افادت",  "كشف",    "كشفت",    "اعرب",
    "اعربت",  "شدد",    "شددت",   "تابع",   "قام",    "قامت",   "توجه",   "توجهت",   "امر",
    "امرت",   "احد",    "اثنين",  "ثلاثاء", "اربعاء", "خميس",   "جمعه",   "سبت",     "يناير",
    "فبراير", "مارس",   "ابريل",  "مايو",   "يونيو",  "يوليو",  "اغسطس",  "سبتمبر",  "اكتوبر",
    "نوفمبر", "ديسمبر", "كانون",  "شباط",   "اذار",   "نيسان",  "ايار",   "حزيران",  "تموز",
    "اب",     "ايلول",  "تشرين",  "دولار",  "يورو",   "انترنت", "بيان",   "مصدر",    "مصادر",
    "واحد",   "اثنان",  "ثلاثه",  "اربعه",  "خمسه",   "سته",    "سبعه",   "ثمانيه",  "تسعه",
    "عشره",   "عشرات",  "مييات",  "الاف",   "عده",    "بعض",    "جميع",   "نظيره",   "نظيرها",
    "نظيرته", "نظراءه", "يرحب",   "ترحب",   "يوكد",   "توكد",   "يعتبر",  "تعتبر",   "يشدد",
    "تشدد",   "يدعو",   "تدعو",   "يطالب",  "تطالب",  "يبحث",   "تبحث",   "يصل",     "تصل",
    "يغادر",  "تغادر",  "يحذر",   "تحذر",   "ينفي",   "تنفي",   "يشارك",  "تشارك",   "يتراس",
    "تتراس",  "يعلن",   "تعلن",   "يريد",   "تريد",   "يستعد",  "تستعد",  "سيزور",   "ستزور",
    "سيلتقي", "ستلتقي",
};

/* Words that join the parts of one name: the word after them belongs to it too. "ال" alone
 * is آل (Al Thani). */
static const char *const joiners[] = {"بن", "ابن", "بنت", "ابو", "ابي", "ام", "عبد", "ذو", "ال"};

/* Clitics a word may carry, longest first (matching form). */
static const char *const clitics[] = {"وبال", "وكال", "فبال", "وال", "فال", "بال", "كال",
                                      "ولل",  "فلل",  "لل",   "ال",  "وب",  "ول",  "وك",
                                      "فب",   "فل",   "و",    "ف",   "ب",   "ل",   "ك"};

/* The lists in one map, built once: a word's bits are its title's type + 1 (the low four
 * bits), and W_STOP, W_CONSTRUCT, W_JOINER. */
enum { W_TITLE = 0xF, W_STOP = 1 << 4, W_CONSTRUCT = 1 << 5, W_JOINER = 1 << 6 };

static struct tj_strmap *lists;
static pthread_once_t lists_once = PTHREAD_ONCE_INIT;

static void list_add(const char *w, unsigned bits)
{
    size_t len = strlen(w);
    uintptr_t had = (uintptr_t)tj_strmap_get(lists, w, len);
    tj_strmap_put(lists, w, len, (void *)(had | bits));
}

static void lists_init(void)
{
    lists = tj_strmap_create();
    for (size_t i = 0; i < TJ_ARRAY_LEN(titles); i++)
        list_add(titles[i].word, (unsigned)titles[i].type + 1);
    for (size_t i = 0; i < TJ_ARRAY_LEN(stops); i++)
        list_add(stops[i], W_STOP);
    for (size_t i = 0; i < TJ_ARRAY_LEN(construct); i++)
        list_add(construct[i], W_CONSTRUCT);
    for (size_t i = 0; i < TJ_ARRAY_LEN(joiners); i++)
        list_add(joiners[i], W_JOINER);
}

static unsigned list_bits(const char *w, size_t len)
{
    pthread_once(&lists_once, lists_init);
    return (unsigned)(uintptr_t)tj_strmap_get(lists, w, len);
}

/* The bits of a word as written, and of its stem without each clitic that leaves two letters
 * (بالرئيس is a title, وقال a stop): the title of the first reading that has one. */
static unsigned word_bits(const char *w, size_t len)
{
    unsigned bits = list_bits(w, len) & ~(unsigned)W_JOINER;
    for (size_t c = 0; c < TJ_ARRAY_LEN(clitics); c++) {
        if (len < 6 || memcmp(w, clitics[c], 2) != 0)
            continue; /* every clitic starts with a two-byte letter */
        size_t cl = strlen(clitics[c]);
        if (len < cl + 4 || memcmp(w, clitics[c], cl) != 0)
            continue;
        unsigned v = list_bits(w + cl, len - cl);
        if (!(bits & W_TITLE))
            bits |= v & W_TITLE;
        bits |= v & (W_STOP | W_CONSTRUCT);
    }
    return bits;
}

/* Clitics left out of a name found in the output or looked for again; not the article, which
 * belongs to the name (العراق in والعراق). */
static const char *const name_clitics[] = {"وب", "وك", "ول", "فب", "فل", "و", "ف", "ب", "ك", "ل"};

struct aword {
    size_t ms, me; /* matching form bytes */
    size_t ss, se; /* source bytes */
    int pin;       /* the pin covering it, or -1 */
    bool arabic;
    unsigned bits; /* word_bits */
    bool joiner;   /* as written */
    bool article;  /* has_article */
};

struct ctx {
    const struct tj_segment *s;
    struct tj_mform m;
    struct aword *w;
    size_t n;
    char *target; /* the target with pins blanked, or NULL */
    size_t tlen;
    struct tj_mform tm;     /* matching form of the target, for Arabic left in it, */
    bool have_tm;           /* made when first needed */
    bool target_arabic;     /* the target has Arabic letters */
    struct tj_latin *latin; /* the target's Latin words */
    bool left_cue;          /* the engine is not the offline one */
    struct tj_name *out;
    size_t nout, alloc;
};

static size_t source_at(const struct ctx *c, size_t k, size_t skip);

static const char *mw(const struct ctx *c, size_t k, size_t *len)
{
    *len = c->w[k].me - c->w[k].ms;
    return c->m.text + c->w[k].ms;
}

static bool is_stop(const struct ctx *c, size_t k)
{
    return c->w[k].bits & W_STOP;
}

/* The type + 1 of the title word k is, 0 when it is none. */
static int title_type(const struct ctx *c, size_t k)
{
    return (int)(c->w[k].bits & W_TITLE);
}

/* True when word k carries the article (ال written with a bare alef: not the أل of ألكسندر),
 * with or without a clitic before it, and two letters after it. */
static bool has_article(const struct ctx *c, size_t k)
{
    static const char *const arts[] = {"وال", "فال", "بال", "كال", "ولل", "فلل", "لل", "ال"};
    size_t len;
    const char *w = mw(c, k, &len);
    for (size_t i = 0; i < TJ_ARRAY_LEN(arts); i++) {
        if (len < 6 || memcmp(w, arts[i], 2) != 0)
            continue; /* each starts with a two-byte letter */
        size_t al = strlen(arts[i]);
        if (len < al + 4 || memcmp(w, arts[i], al) != 0)
            continue;
        const char *alef = strstr(arts[i], "ا");
        if (!alef)
            return true; /* لل: the alef is not written */
        size_t at = source_at(c, k, (size_t)(alef - arts[i]));
        uint32_t cp = tj_utf8_next(c->s->source, c->s->source_len, &at);
        return cp == 0x0627 || cp == 0x0671;
    }
    return false;
}

/* True when word k, which starts with و or ف, reads as "and"/"so" and a word: the rest has the
 * article, is a word of the lists, or is a plural (ومسؤولين). */
static bool conjunction(const struct ctx *c, size_t k)
{
    size_t len;
    const char *w = mw(c, k, &len);
    if (len < 6)
        return false;
    const char *r = w + 2;
    size_t rl = len - 2;
    if (c->w[k].article || (list_bits(r, rl) & (W_TITLE | W_STOP | W_CONSTRUCT)))
        return true;
    static const char *const plural[] = {"ين", "ون", "ات"};
    for (size_t i = 0; i < TJ_ARRAY_LEN(plural); i++)
        if (rl >= 8 && memcmp(r + rl - 4, plural[i], 4) == 0)
            return true;
    return false;
}

/* True when only spaces stand between words k - 1 and k. */
static bool joined(const struct ctx *c, size_t k)
{
    for (size_t i = c->w[k - 1].me; i < c->w[k].ms; i++)
        if (c->m.text[i] != ' ' && c->m.text[i] != '\t')
            return false;
    return true;
}

/* Blanks every whole-word occurrence of english in t[0..len). */
static void blank(char *t, size_t len, const char *english)
{
    size_t n = strlen(english);
    if (n == 0)
        return;
    for (char *p = t; (p = strstr(p, english)); p++) {
        bool start = p == t || !((p[-1] | 0x20) >= 'a' && (p[-1] | 0x20) <= 'z');
        bool end = (size_t)(p - t) + n >= len || !((p[n] | 0x20) >= 'a' && (p[n] | 0x20) <= 'z');
        if (start && end)
            memset(p, ' ', n);
    }
}

static void ctx_init(struct ctx *c, const struct tj_segment *s)
{
    memset(c, 0, sizeof *c);
    c->s = s;
    tj_mform_init(&c->m, s->source, s->source_len);
    struct tj_word *w;
    c->n = tj_glossary_split(c->m.text, c->m.len, &w);
    c->w = tj_xcalloc(c->n ? c->n : 1, sizeof *c->w);
    for (size_t k = 0; k < c->n; k++) {
        struct aword *a = &c->w[k];
        a->ms = w[k].start;
        a->me = w[k].end;
        a->ss = c->m.map[a->ms];
        a->se = c->m.map[a->me];
        a->pin = -1;
        for (size_t p = 0; p < s->npins; p++)
            if (a->ss < s->pins[p].end && a->se > s->pins[p].start)
                a->pin = (int)p;
        a->arabic = tj_utf8_has_arabic(c->m.text + a->ms, a->me - a->ms);
        if (a->arabic) {
            const char *t = c->m.text + a->ms;
            size_t len = a->me - a->ms;
            a->bits = word_bits(t, len);
            a->joiner = list_bits(t, len) & W_JOINER;
            a->article = has_article(c, k);
        }
    }
    free(w);
    bool translated = s->target && s->origin != TJ_ORIGIN_FAILED && s->origin != TJ_ORIGIN_COPY &&
                      s->origin != TJ_ORIGIN_NONE;
    if (translated) {
        c->tlen = strlen(s->target);
        c->target = tj_xstrndup(s->target, c->tlen);
        for (size_t p = 0; p < s->npins; p++) {
            const struct tj_term *t = s->pins[p].term;
            blank(c->target, c->tlen, t->english);
            for (size_t a = 0; a < t->naliases; a++)
                blank(c->target, c->tlen, t->aliases[a]);
        }
        c->left_cue = s->origin != TJ_ORIGIN_OFFLINE;
        c->latin = tj_latin_create(c->target, c->tlen);
        c->target_arabic = tj_utf8_has_arabic(c->target, c->tlen);
    }
}

static void ctx_finish(struct ctx *c)
{
    if (c->have_tm)
        tj_mform_finish(&c->tm);
    tj_latin_destroy(c->latin);
    free(c->target);
    free(c->w);
    tj_mform_finish(&c->m);
}

/* True when the target's matching form holds key[0..len) as whole words. */
static bool target_has_arabic(struct ctx *c, const char *key, size_t len)
{
    if (!c->target_arabic || len == 0)
        return false;
    if (!c->have_tm) {
        tj_mform_init(&c->tm, c->target, c->tlen);
        c->have_tm = true;
    }
    const char *t = c->tm.text;
    for (const char *p = t; (p = memmem(p, c->tm.len - (size_t)(p - t), key, len)); p++) {
        size_t i = (size_t)(p - t);
        bool start = i == 0;
        if (!start) {
            size_t k = i;
            start = !tj_is_arabic_letter(tj_utf8_prev(t, &k));
        }
        size_t e = i + len;
        bool end = e >= c->tm.len;
        if (!end) {
            size_t k = e;
            end = !tj_is_arabic_letter(tj_utf8_next(t, c->tm.len, &k));
        }
        if (start && end)
            return true;
    }
    return false;
}

/* The key of words [a, b): their matching forms joined by single spaces, the first one from
 * byte `skip` of it (a clitic left out). */
static char *key_of(const struct ctx *c, size_t a, size_t b, size_t skip)
{
    struct tj_buf k;
    tj_buf_init(&k, 0);
    for (size_t i = a; i < b; i++) {
        if (i > a)
            tj_buf_putc(&k, ' ');
        size_t off = i == a ? skip : 0;
        tj_buf_append(&k, c->m.text + c->w[i].ms + off, c->w[i].me - c->w[i].ms - off);
    }
    return tj_buf_take(&k, NULL);
}

/* The source offset where word k starts once `skip` bytes of its matching form are left out. */
static size_t source_at(const struct ctx *c, size_t k, size_t skip)
{
    return c->m.map[c->w[k].ms + skip];
}

/* How the target writes the Arabic source[start, end) (key: its matching form): left in Arabic,
 * or Latin words that sound like it. NULL when neither. */
static char *rendering(struct ctx *c, const char *key, size_t start, size_t end, bool caps_only)
{
    if (!c->target)
        return NULL;
    if (target_has_arabic(c, key, strlen(key)))
        return tj_xstrndup(c->s->source + start, end - start);
    size_t a, b;
    if (tj_latin_find(c->latin, c->s->source + start, end - start, caps_only, &a, &b, NULL))
        return tj_xstrndup(c->target + a, b - a);
    return NULL;
}

static struct tj_name *add_name(struct ctx *c, size_t a, size_t b, size_t skip,
                                enum tj_term_type type, enum tj_name_cue cue, char *why_take)
{
    if (c->nout == c->alloc) {
        c->alloc = c->alloc ? c->alloc * 2 : 8;
        c->out = tj_xreallocarray(c->out, c->alloc, sizeof *c->out);
    }
    struct tj_name *n = &c->out[c->nout++];
    n->start = source_at(c, a, skip);
    n->end = c->w[b - 1].se;
    /* Not the spaces, tatweel or bidi marks the matching form dropped after the last word. */
    while (n->end > n->start && (c->s->source[n->end - 1] == ' '))
        n->end--;
    n->key = key_of(c, a, b, skip);
    n->type = type;
    n->cue = cue;
    n->why = why_take;
    n->rendering = NULL;
    return n;
}

/* The name after a title whose qualifiers end before word j: returns the word after it, or j
 * when there is none. */
static size_t name_after(const struct ctx *c, size_t j, bool person)
{
    size_t k = j, plain = 0, total = 0;
    bool after_joiner = false;
    while (k < c->n && total < 6) {
        if (k > j && !joined(c, k))
            break;
        if (c->w[k].pin >= 0 || !c->w[k].arabic || is_stop(c, k))
            break;
        size_t len;
        const char *w = mw(c, k, &len);
        if (after_joiner) {
            after_joiner = c->w[k].joiner;
            k++, total++;
            continue;
        }
        if (title_type(c, k))
            break;
        if (c->w[k].joiner) {
            if (k + 1 == c->n || !joined(c, k + 1))
                break;
            after_joiner = true;
            k++, total++;
            continue;
        }
        /* "and ...", "so ...", unless a person's name goes on (ستيف ويتكوف). */
        if (total > 0 && (memcmp(w, "و", 2) == 0 || memcmp(w, "ف", 2) == 0) &&
            (!person || conjunction(c, k)))
            break;
        if (c->w[k].article) {
            /* A surname with the article (هيثم الغيص) ends a person's name; after a place or
             * organisation it is an adjective, as is a feminine nisba (الروسية) after anyone. */
            bool nisba = len >= 6 && memcmp(w + len - 4, "يه", 4) == 0;
            if (total > 0 && person && !nisba && memcmp(w, "ال", 4) == 0)
                k++, total++;
            break;
        }
        if (plain == 3)
            break;
        plain++;
        k++, total++;
    }
    /* A joiner cannot end a name. */
    while (k > j && after_joiner) {
        k--;
        after_joiner = false;
    }
    return k;
}

static void find_titles(struct ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        if (c->w[i].pin >= 0 || !c->w[i].arabic)
            continue;
        int tt = title_type(c, i);
        if (!tt)
            continue;
        enum tj_term_type type = (enum tj_term_type)(tt - 1);
        /* The qualifiers: words with the article, other titles, construct nouns, and pinned
         * terms of another type (وزير خارجية روسيا). A pinned term of the title's type is the
         * name, and the glossary has it. */
        size_t j = i + 1;
        bool pinned_name = false;
        while (j < c->n && j - i <= 8 && joined(c, j)) {
            if (c->w[j].pin >= 0) {
                if (c->s->pins[c->w[j].pin].term->type == type) {
                    pinned_name = true;
                    break;
                }
                j++;
                continue;
            }
            size_t len;
            const char *w = mw(c, j, &len);
            /* A word with ل before another is "of ..." (الأمين العام لأوبك هيثم الغيص). */
            bool of = len >= 6 && memcmp(w, "ل", 2) == 0 && j + 1 < c->n && joined(c, j + 1) &&
                      c->w[j + 1].arabic && c->w[j + 1].pin < 0;
            if (c->w[j].arabic &&
                (c->w[j].article || title_type(c, j) || of || (c->w[j].bits & W_CONSTRUCT)))
                j++;
            else
                break;
        }
        if (pinned_name || j == c->n || !joined(c, j))
            continue;
        size_t end = name_after(c, j, type == TJ_TERM_PERSON);
        if (end == j)
            continue;
        char *why = tj_xasprintf("after %.*s", (int)(c->w[j - 1].se - c->w[i].ss),
                                 c->s->source + c->w[i].ss);
        struct tj_name *n = add_name(c, j, end, 0, type, TJ_CUE_TITLE, why);
        /* With a translation, the name is as long as the words of it the target renders:
         * words after a name that are no name are not written like it. */
        n->rendering = rendering(c, n->key, n->start, n->end, false);
        for (size_t e = end - 1; !n->rendering && c->target && e > j; e--) {
            char *key = key_of(c, j, e, 0);
            size_t ne = c->w[e - 1].se;
            char *r = rendering(c, key, n->start, ne, false);
            if (r) {
                free(n->key);
                n->key = key;
                n->end = ne;
                n->rendering = r;
                end = e;
            } else {
                free(key);
            }
        }
        i = end - 1;
    }
}

static void find_quotes(struct ctx *c)
{
    const char *src = c->s->source;
    size_t len = c->s->source_len;
    for (size_t i = 0; i + 1 < len; i++) {
        if ((unsigned char)src[i] != 0xC2 || (unsigned char)src[i + 1] != 0xAB) /* « */
            continue;
        const char *close = NULL;
        for (size_t k = i + 2; k + 1 < len; k++)
            if ((unsigned char)src[k] == 0xC2 && (unsigned char)src[k + 1] == 0xBB) { /* » */
                close = src + k;
                break;
            }
        if (!close)
            return;
        size_t a = i + 2, b = (size_t)(close - src);
        /* The words inside: one to four, Arabic, none pinned, nothing but spaces between. */
        size_t first = c->n, last = 0;
        bool ok = true;
        for (size_t k = 0; k < c->n; k++) {
            if (c->w[k].ss < a || c->w[k].ss >= b)
                continue;
            if (first == c->n)
                first = k;
            else if (!joined(c, k))
                ok = false;
            last = k;
            if (c->w[k].pin >= 0 || !c->w[k].arabic || is_stop(c, k))
                ok = false;
        }
        if (ok && first < c->n && last - first < 4)
            add_name(c, first, last + 1, 0, TJ_TERM_TERM, TJ_CUE_QUOTES, tj_xstrdup("in «»"));
        i = b;
    }
}

/* True when word k is taken by a name found already. */
static bool taken(const struct ctx *c, size_t k)
{
    for (size_t i = 0; i < c->nout; i++)
        if (c->w[k].ss < c->out[i].end && c->w[k].se > c->out[i].start)
            return true;
    return false;
}

/* The clitic bytes to leave out of word k for a name found in the output: none, or the clitic
 * whose stem (of three letters or more) the test scores best. A score is 0 or more, lower is
 * better, -1 for no; a tie keeps the word whole. */
static size_t stem_skip(struct ctx *c, size_t k, int (*score)(struct ctx *, size_t, size_t, void *),
                        void *ud, bool *found)
{
    size_t len;
    const char *w = mw(c, k, &len);
    int best = score(c, k, 0, ud);
    size_t skip = 0;
    for (size_t i = 0; i < TJ_ARRAY_LEN(name_clitics) && best != 0; i++) {
        if (len < 8 || memcmp(w, name_clitics[i], 2) != 0)
            continue; /* each starts with a two-byte letter and leaves three */
        size_t cl = strlen(name_clitics[i]);
        if (len < cl + 6 || memcmp(w, name_clitics[i], cl) != 0)
            continue;
        int sc = score(c, k, cl, ud);
        if (sc >= 0 && (best < 0 || sc < best)) {
            best = sc;
            skip = cl;
        }
    }
    *found = best >= 0;
    return skip;
}

static int left_score(struct ctx *c, size_t k, size_t skip, void *ud)
{
    (void)ud;
    size_t len;
    const char *w = mw(c, k, &len);
    return target_has_arabic(c, w + skip, len - skip) ? 0 : -1;
}

struct found_latin {
    size_t a, b;
    unsigned dist;
};

/* latin_score's best finding so far, and the one it tries. */
struct latin_try {
    struct found_latin best, cur;
};

/* True when word k is a nisba adjective (أوروبيون, الروسية) that the target writes as an
 * English demonym (European, Russian, Chinese, Turkish): a word of a name, not a name. */
static bool demonym(const struct ctx *c, size_t k, const struct found_latin *f)
{
    size_t len;
    const char *w = mw(c, k, &len);
    static const char *const nisba[] = {"ي", "يه", "يون", "يين", "يات"};
    bool ar = false;
    for (size_t i = 0; i < TJ_ARRAY_LEN(nisba) && !ar; i++) {
        size_t n = strlen(nisba[i]);
        ar = len > n && memcmp(w + len - n, nisba[i], n) == 0;
    }
    if (!ar)
        return false;
    static const char *const en[] = {"an", "ans", "ese", "ish"};
    for (size_t i = 0; i < TJ_ARRAY_LEN(en); i++) {
        size_t n = strlen(en[i]);
        if (f->b - f->a > n && memcmp(c->target + f->b - n, en[i], n) == 0)
            return true;
    }
    return false;
}

static int latin_score(struct ctx *c, size_t k, size_t skip, void *ud)
{
    struct latin_try *t = ud;
    struct found_latin *f = &t->cur;
    size_t s = source_at(c, k, skip), e = c->w[k].se;
    struct tj_skeleton sk;
    tj_skeleton_arabic(c->s->source + s, e - s, &sk);
    size_t required = 0;
    for (size_t i = 0; i < sk.n; i++)
        required += !sk.opt[i];
    /* Short words sound like too many English ones. */
    if (required < 3)
        return -1;
    if (!tj_latin_find(c->latin, c->s->source + s, e - s, true, &f->a, &f->b, &f->dist) ||
        demonym(c, k, f))
        return -1;
    if (f->dist < t->best.dist)
        t->best = *f;
    return (int)f->dist;
}

/* Names the engine left in Arabic, or wrote in Latin letters that sound like the Arabic. */
static void find_in_output(struct ctx *c)
{
    if (!c->target)
        return;
    /* Per word: a cue and where the target has it. */
    struct mark {
        int cue; /* 0 none, else TJ_CUE_* + 1 */
        size_t skip;
        size_t a, b; /* the Latin words, for TRANSLITERATED */
        unsigned dist;
    };
    struct mark *mk = tj_xcalloc(c->n ? c->n : 1, sizeof *mk);
    for (size_t k = 0; k < c->n; k++) {
        if (c->w[k].pin >= 0 || !c->w[k].arabic || is_stop(c, k) || taken(c, k) || title_type(c, k))
            continue;
        bool found;
        if (c->left_cue) {
            mk[k].skip = stem_skip(c, k, left_score, NULL, &found);
            if (found) {
                mk[k].cue = TJ_CUE_LEFT_ARABIC + 1;
                continue;
            }
        }
        struct latin_try t = {.best = {.dist = ~0u}};
        mk[k].skip = stem_skip(c, k, latin_score, &t, &found);
        if (found) {
            mk[k].cue = TJ_CUE_TRANSLITERATED + 1;
            mk[k].a = t.best.a;
            mk[k].b = t.best.b;
            mk[k].dist = t.best.dist;
        }
    }
    /* Latin words stand for one Arabic word: the nearest in sound keeps them, and none that
     * the rendering of a name found before holds. */
    for (size_t k = 0; k < c->n; k++) {
        if (mk[k].cue != TJ_CUE_TRANSLITERATED + 1)
            continue;
        for (size_t i = 0; i < c->nout; i++) {
            const char *r = c->out[i].rendering;
            if (r && strlen(r) == mk[k].b - mk[k].a &&
                memcmp(r, c->target + mk[k].a, strlen(r)) == 0)
                mk[k].cue = 0;
        }
        for (size_t o = k + 1; o < c->n && mk[k].cue; o++) {
            if (mk[o].cue != TJ_CUE_TRANSLITERATED + 1 || mk[o].a >= mk[k].b || mk[o].b <= mk[k].a)
                continue;
            if (mk[o].dist < mk[k].dist)
                mk[k].cue = 0;
            else
                mk[o].cue = 0;
        }
    }
    /* Neighbours with the same cue make one name: Latin words side by side in the target,
     * or Arabic words both left. */
    for (size_t k = 0; k < c->n;) {
        if (!mk[k].cue) {
            k++;
            continue;
        }
        size_t e = k + 1;
        while (e < c->n && e - k < 4 && mk[e].cue == mk[k].cue && mk[e].skip == 0 && joined(c, e)) {
            if (mk[k].cue == TJ_CUE_TRANSLITERATED + 1) {
                size_t gap_a = mk[e - 1].b, gap_b = mk[e].a;
                bool adjacent = gap_b > gap_a;
                for (size_t i = gap_a; adjacent && i < gap_b; i++)
                    adjacent = c->target[i] == ' ';
                if (!adjacent)
                    break;
            }
            e++;
        }
        enum tj_name_cue cue = (enum tj_name_cue)(mk[k].cue - 1);
        char *why;
        char *rend;
        if (cue == TJ_CUE_TRANSLITERATED) {
            rend = tj_xstrndup(c->target + mk[k].a, mk[e - 1].b - mk[k].a);
            why = tj_xasprintf("written '%s' by the engine", rend);
        } else {
            why = tj_xstrdup("left in Arabic by the engine");
            rend = NULL;
        }
        struct tj_name *n = add_name(c, k, e, mk[k].skip, TJ_TERM_TERM, cue, why);
        n->rendering = rend ? rend : tj_xstrndup(c->s->source + n->start, n->end - n->start);
        k = e;
    }
    free(mk);
}

static int by_start(const void *a, const void *b)
{
    const struct tj_name *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

/* Adds the names known() knows among the words that no pin or name found before takes:
 * runs of up to four words, the first with or without a clitic, longest first. */
static void find_known(struct ctx *c, tj_names_known_fn known, void *ud)
{
    size_t before = c->nout;
    struct tj_buf key;
    tj_buf_init(&key, 0);
    for (size_t k = 0; k < c->n;) {
        bool busy = c->w[k].pin >= 0 || !c->w[k].arabic || is_stop(c, k);
        for (size_t i = 0; !busy && i < before; i++)
            busy = c->w[k].ss < c->out[i].end && c->w[k].se > c->out[i].start;
        size_t matched = 0, mskip = 0;
        size_t wl;
        const char *w = mw(c, k, &wl);
        /* The word as it is, then without each clitic it starts with (found once, for every
         * length of run). */
        size_t skips[TJ_ARRAY_LEN(name_clitics) + 1], nskips = 0;
        skips[nskips++] = 0;
        for (size_t ci = 0; !busy && ci < TJ_ARRAY_LEN(name_clitics); ci++) {
            size_t cl = strlen(name_clitics[ci]);
            if (wl >= cl + 4 && memcmp(w, name_clitics[ci], cl) == 0)
                skips[nskips++] = cl;
        }
        for (size_t len = 4; !busy && !matched && len >= 1; len--) {
            if (k + len > c->n)
                continue;
            bool ok = true;
            for (size_t i = k + 1; ok && i < k + len; i++)
                ok = joined(c, i) && c->w[i].pin < 0 && c->w[i].arabic;
            if (!ok)
                continue;
            for (size_t si = 0; si < nskips && !matched; si++) {
                size_t cl = skips[si];
                tj_buf_reset(&key);
                tj_buf_append(&key, w + cl, wl - cl);
                for (size_t i = k + 1; i < k + len; i++) {
                    tj_buf_putc(&key, ' ');
                    tj_buf_append(&key, c->m.text + c->w[i].ms, c->w[i].me - c->w[i].ms);
                }
                if (known(ud, key.data, key.len)) {
                    matched = len;
                    mskip = cl;
                }
            }
        }
        if (!matched) {
            k++;
            continue;
        }
        struct tj_name *n =
            add_name(c, k, k + matched, mskip, TJ_TERM_TERM, TJ_CUE_KNOWN, tj_xstrdup(""));
        n->rendering = rendering(c, n->key, n->start, n->end, false);
        k += matched;
    }
    tj_buf_finish(&key);
}

size_t tj_names_find(const struct tj_segment *s, tj_names_known_fn known, void *ud,
                     struct tj_name **out)
{
    struct ctx c;
    ctx_init(&c, s);
    find_titles(&c);
    find_quotes(&c);
    /* A name in «» after a title is found twice: the title's stays. */
    for (size_t i = 0; i < c.nout; i++)
        for (size_t k = i + 1; k < c.nout; k++)
            if (c.out[k].cue == TJ_CUE_QUOTES && c.out[k].start < c.out[i].end &&
                c.out[k].end > c.out[i].start) {
                free(c.out[k].key);
                free(c.out[k].why);
                c.out[k--] = c.out[--c.nout];
            }
    for (size_t i = 0; i < c.nout; i++)
        if (c.out[i].cue == TJ_CUE_QUOTES)
            c.out[i].rendering = rendering(&c, c.out[i].key, c.out[i].start, c.out[i].end, false);
    find_in_output(&c);
    if (known)
        find_known(&c, known, ud);
    if (c.nout > 1)
        qsort(c.out, c.nout, sizeof *c.out, by_start);
    size_t n = c.nout;
    *out = c.out;
    ctx_finish(&c);
    return n;
}

size_t tj_names_known(const struct tj_segment *s, tj_names_known_fn known, void *ud,
                      struct tj_name **out)
{
    struct ctx c;
    ctx_init(&c, s);
    find_known(&c, known, ud);
    size_t n = c.nout;
    *out = c.out;
    ctx_finish(&c);
    return n;
}

void tj_names_free(struct tj_name *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].key);
        free(v[i].why);
        free(v[i].rendering);
    }
    free(v);
}

/* ---- the collection ---------------------------------------------------------------------- */

struct entry {
    char *arabic; /* as first written */
    char *key;
    enum tj_term_type type;
    char *why;
    size_t count;
    size_t order;
};

struct tj_suggest {
    struct tj_strmap *map; /* key → entry index + 1 */
    struct entry *v;
    size_t n, alloc;
};

struct tj_suggest *tj_suggest_create(void)
{
    struct tj_suggest *sg = tj_xcalloc(1, sizeof *sg);
    sg->map = tj_strmap_create();
    return sg;
}

void tj_suggest_destroy(struct tj_suggest *sg)
{
    if (!sg)
        return;
    for (size_t i = 0; i < sg->n; i++) {
        free(sg->v[i].arabic);
        free(sg->v[i].key);
        free(sg->v[i].why);
    }
    free(sg->v);
    tj_strmap_destroy(sg->map);
    free(sg);
}

void tj_suggest_add(struct tj_suggest *sg, const struct tj_document *doc)
{
    for (size_t b = 0; b < doc->nblocks; b++)
        for (size_t i = 0; i < doc->blocks[b].nsegs; i++) {
            const struct tj_segment *s = &doc->blocks[b].segs[i];
            struct tj_name *names;
            size_t n = tj_names_find(s, NULL, NULL, &names);
            for (size_t k = 0; k < n; k++) {
                struct tj_name *nm = &names[k];
                size_t kl = strlen(nm->key);
                uintptr_t at = (uintptr_t)tj_strmap_get(sg->map, nm->key, kl);
                if (at) {
                    struct entry *e = &sg->v[at - 1];
                    if (e->type == TJ_TERM_TERM && nm->type != TJ_TERM_TERM) {
                        e->type = nm->type;
                        free(e->why);
                        e->why = tj_xstrdup(nm->why);
                    }
                    continue;
                }
                if (sg->n == sg->alloc) {
                    sg->alloc = sg->alloc ? sg->alloc * 2 : 16;
                    sg->v = tj_xreallocarray(sg->v, sg->alloc, sizeof *sg->v);
                }
                struct entry *e = &sg->v[sg->n++];
                e->arabic = tj_xstrndup(s->source + nm->start, nm->end - nm->start);
                e->key = tj_xstrdup(nm->key);
                e->type = nm->type;
                e->why = tj_xstrdup(nm->why);
                e->count = 0;
                e->order = sg->n;
                tj_strmap_put(sg->map, nm->key, kl, (void *)(uintptr_t)sg->n);
            }
            tj_names_free(names, n);
        }
}

static bool counted(void *ud, const char *key, size_t len)
{
    struct tj_suggest *sg = ud;
    uintptr_t at = (uintptr_t)tj_strmap_get(sg->map, key, len);
    if (at)
        sg->v[at - 1].count++;
    return at != 0;
}

void tj_suggest_count(struct tj_suggest *sg, const struct tj_document *doc)
{
    for (size_t b = 0; b < doc->nblocks; b++)
        for (size_t i = 0; i < doc->blocks[b].nsegs; i++) {
            struct tj_name *names;
            size_t n = tj_names_known(&doc->blocks[b].segs[i], counted, sg, &names);
            tj_names_free(names, n);
        }
}

static int by_count(const void *a, const void *b)
{
    const struct entry *const *x = a, *const *y = b;
    if ((*x)->count != (*y)->count)
        return (*x)->count < (*y)->count ? 1 : -1;
    return ((*x)->order > (*y)->order) - ((*x)->order < (*y)->order);
}

void tj_suggest_write(const struct tj_suggest *sg, struct tj_translit *tr, struct tj_buf *out)
{
    const struct entry **v = tj_xcalloc(sg->n ? sg->n : 1, sizeof *v);
    for (size_t i = 0; i < sg->n; i++)
        v[i] = &sg->v[i];
    qsort(v, sg->n, sizeof *v, by_count);
    for (size_t i = 0; i < sg->n; i++) {
        const struct entry *e = v[i];
        char *english =
            tr ? tj_translit_name(tr, e->arabic, strlen(e->arabic)) : tj_xstrdup(e->arabic);
        size_t count = e->count ? e->count : 1;
        tj_buf_printf(out, "%s\t%s\t%s\tsuggested: seen %zu time%s, %s\n", e->arabic, english,
                      tj_term_type_name(e->type), count, count == 1 ? "" : "s", e->why);
        free(english);
    }
    free(v);
}

size_t tj_suggest_count_names(const struct tj_suggest *sg)
{
    return sg->n;
}
