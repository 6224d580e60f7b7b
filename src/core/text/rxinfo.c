/* A recursive-descent reader of regex syntax that computes first/last character sets,
 * nullability and maximum length, combining them as the regex operators do:
 *   AB:   first = first(A) + (A nullable ? first(B)) ; last = last(B) + (B nullable ? last(A))
 *   A|B:  unions ; X{m,n}: sets of X, nullable when m = 0, length n * max(X). */
#include "rxinfo.h"

#include "tj.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

struct node {
    struct tj_cpset first;
    struct tj_cpset last;
    struct tj_cpset last2; /* characters right before the last one, inside the match */
    bool nullable;
    bool can1; /* some match is exactly one character long */
    size_t max_len;
};

struct reader {
    const char *s;
    size_t len;
    size_t i;
    bool icase;
    bool extended;
};

static void set_add(struct tj_cpset *s, uint32_t lo, uint32_t hi)
{
    if (s->any)
        return;
    s->r = tj_xreallocarray(s->r, s->n + 1, sizeof *s->r);
    s->r[s->n++] = (struct tj_cprange){lo, hi};
}

static void set_any(struct tj_cpset *s)
{
    free(s->r);
    s->r = NULL;
    s->n = 0;
    s->any = true;
}

static void set_union(struct tj_cpset *to, const struct tj_cpset *from)
{
    if (from->any) {
        set_any(to);
        return;
    }
    for (size_t i = 0; i < from->n; i++)
        set_add(to, from->r[i].lo, from->r[i].hi);
}

static void set_free(struct tj_cpset *s)
{
    free(s->r);
    memset(s, 0, sizeof *s);
}

bool tj_cpset_has(const struct tj_cpset *s, uint32_t cp)
{
    if (s->any)
        return true;
    for (size_t i = 0; i < s->n; i++)
        if (cp >= s->r[i].lo && cp <= s->r[i].hi)
            return true;
    return false;
}

static void node_free(struct node *n)
{
    set_free(&n->first);
    set_free(&n->last);
    set_free(&n->last2);
}

static struct node empty_node(void)
{
    struct node n = {.nullable = true, .max_len = 0};
    return n;
}

static struct node any_node(size_t max_len)
{
    struct node n = {.nullable = false, .can1 = true, .max_len = max_len};
    n.first.any = n.last.any = n.last2.any = true;
    return n;
}

static size_t add_len(size_t a, size_t b)
{
    return a == TJ_RX_UNBOUNDED || b == TJ_RX_UNBOUNDED ? TJ_RX_UNBOUNDED : a + b;
}

/* Appends b to a (concatenation); b is consumed. */
static void concat(struct node *a, struct node *b)
{
    if (b->can1)
        set_union(&b->last2, &a->last);
    if (b->nullable)
        set_union(&b->last2, &a->last2);
    set_free(&a->last2);
    a->last2 = b->last2;
    b->last2 = (struct tj_cpset){0};
    a->can1 = (a->can1 && b->nullable) || (a->nullable && b->can1);
    if (a->nullable)
        set_union(&a->first, &b->first);
    if (b->nullable)
        set_union(&b->last, &a->last);
    set_free(&a->last);
    a->last = b->last;
    b->last = (struct tj_cpset){0};
    a->nullable = a->nullable && b->nullable;
    a->max_len = add_len(a->max_len, b->max_len);
    node_free(b);
}

/* Merges b into a (alternation); b is consumed. */
static void alternate(struct node *a, struct node *b)
{
    set_union(&a->first, &b->first);
    set_union(&a->last, &b->last);
    set_union(&a->last2, &b->last2);
    a->nullable = a->nullable || b->nullable;
    a->can1 = a->can1 || b->can1;
    if (b->max_len > a->max_len)
        a->max_len = b->max_len;
    node_free(b);
}

static bool at_end(const struct reader *r)
{
    return r->i >= r->len;
}

static uint32_t next_cp(struct reader *r)
{
    return tj_utf8_next(r->s, r->len, &r->i);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Reads hex digits: \x{h..}, \xhh or (Java) \uhhhh. Returns false when malformed. */
static bool read_hex(struct reader *r, size_t fixed, uint32_t *out)
{
    uint32_t v = 0;
    if (!fixed && r->i < r->len && r->s[r->i] == '{') {
        r->i++;
        size_t digits = 0;
        while (r->i < r->len && r->s[r->i] != '}') {
            int h = hexval(r->s[r->i++]);
            if (h < 0 || ++digits > 6)
                return false;
            v = v * 16 + (uint32_t)h;
        }
        if (at_end(r))
            return false;
        r->i++;
    } else {
        size_t want = fixed ? fixed : 2;
        for (size_t k = 0; k < want; k++) {
            int h = r->i < r->len ? hexval(r->s[r->i]) : -1;
            if (h < 0)
                return false;
            r->i++;
            v = v * 16 + (uint32_t)h;
        }
    }
    *out = v;
    return true;
}

static void add_spaces(struct tj_cpset *s)
{
    set_add(s, 0x09, 0x0D);
    set_add(s, 0x20, 0x20);
    set_add(s, 0x85, 0x85);
    set_add(s, 0xA0, 0xA0);
    set_add(s, 0x1680, 0x1680);
    set_add(s, 0x2000, 0x200A);
    set_add(s, 0x2028, 0x2029);
    set_add(s, 0x202F, 0x202F);
    set_add(s, 0x205F, 0x205F);
    set_add(s, 0x3000, 0x3000);
}

/* Adds a literal, with its other case when matching ignores case. */
static void add_literal(struct tj_cpset *s, uint32_t cp, bool icase)
{
    set_add(s, cp, cp);
    if (icase) {
        if (cp >= 'a' && cp <= 'z')
            set_add(s, cp - 32, cp - 32);
        else if (cp >= 'A' && cp <= 'Z')
            set_add(s, cp + 32, cp + 32);
        else if (cp >= 0x80)
            set_any(s); /* non-ASCII case folding: do not guess */
    }
}

/* Letters, digits and marks outside ASCII all lie at or above U+00AA: the classes below are
 * read as that range plus their ASCII members, a superset that is exact where it matters
 * (whitespace and ASCII punctuation are never in them). */
static void add_word_superset(struct tj_cpset *s, bool letters)
{
    set_add(s, '0', '9');
    if (letters) {
        set_add(s, 'A', 'Z');
        set_add(s, '_', '_');
        set_add(s, 'a', 'z');
    }
    set_add(s, 0xAA, 0x10FFFF);
}

/* The superset of a Unicode property named name[0..len) ("L", "Lu", "Arabic", "Cf", ...), added
 * to s; false for a name this reader does not know. */
static bool property_superset(const char *name, size_t len, struct tj_cpset *s)
{
    if (len >= 1 && name[0] == 'L' && len <= 2) {
        set_add(s, 'A', 'Z');
        set_add(s, 'a', 'z');
        set_add(s, 0xAA, 0x10FFFF);
        return true;
    }
    if (len >= 1 && name[0] == 'N' && len <= 2) {
        set_add(s, '0', '9');
        set_add(s, 0xAA, 0x10FFFF);
        return true;
    }
    if (len >= 1 && name[0] == 'M' && len <= 2) {
        set_add(s, 0x300, 0x10FFFF);
        return true;
    }
    if (len == 2 && memcmp(name, "Cf", 2) == 0) {
        set_add(s, 0xAD, 0x10FFFF);
        return true;
    }
    if ((len == 6 && memcmp(name, "Arabic", 6) == 0) ||
        (len == 4 && memcmp(name, "Arab", 4) == 0)) {
        set_add(s, 0x600, 0x6FF);
        set_add(s, 0x750, 0x77F);
        set_add(s, 0x870, 0x8FF);
        set_add(s, 0xFB50, 0xFDFF);
        set_add(s, 0xFE70, 0xFEFF);
        set_add(s, 0x10E60, 0x10EFF);
        set_add(s, 0x1EC70, 0x1EEFF);
        return true;
    }
    return false;
}

enum esc { ESC_CHAR, ESC_SET, ESC_ZERO, ESC_ANY };

/* Reads the escape after a backslash. ESC_CHAR: *cp is a literal; ESC_SET: *set holds the
 * class; ESC_ZERO: an assertion; ESC_ANY: something unknown of length 1 (or more: *len). */
static enum esc read_escape(struct reader *r, uint32_t *cp, struct tj_cpset *set, size_t *len)
{
    *len = 1;
    if (at_end(r))
        return ESC_ANY;
    char c = r->s[r->i];
    switch (c) {
    case 'b':
    case 'B':
    case 'A':
    case 'z':
    case 'Z':
    case 'G':
        r->i++;
        return ESC_ZERO;
    case 's':
        r->i++;
        add_spaces(set);
        return ESC_SET;
    case 'n':
    case 't':
    case 'r':
    case 'f':
        r->i++;
        *cp = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : '\f';
        return ESC_CHAR;
    case 'x':
        r->i++;
        return read_hex(r, 0, cp) ? ESC_CHAR : ESC_ANY;
    case 'u':
        r->i++;
        return read_hex(r, 4, cp) ? ESC_CHAR : ESC_ANY;
    case 'p':
    case 'P': {
        bool negated = c == 'P';
        r->i++;
        size_t name = r->i, name_len = 1;
        if (r->i < r->len && r->s[r->i] == '{') {
            name = ++r->i;
            while (r->i < r->len && r->s[r->i] != '}')
                r->i++;
            name_len = r->i - name;
            r->i += r->i < r->len;
        } else {
            r->i += r->i < r->len;
        }
        if (!negated && name_len < 32 && property_superset(r->s + name, name_len, set))
            return ESC_SET;
        return ESC_ANY;
    }
    default:
        if (c == 'R' || c == 'X' || (c >= '1' && c <= '9')) { /* \R, \X, a back reference */
            r->i++;
            *len = TJ_RX_UNBOUNDED;
            return ESC_ANY;
        }
        if (c == 'd' || c == 'w') {
            r->i++;
            add_word_superset(set, c == 'w');
            return ESC_SET;
        }
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            r->i++; /* \S \D \W \h \v ... */
            return ESC_ANY;
        }
        *cp = next_cp(r); /* an escaped metacharacter */
        return ESC_CHAR;
    }
}

/* Reads a [...] class after its '['. */
static struct node read_class(struct reader *r)
{
    struct node n = {.nullable = false, .can1 = true, .max_len = 1};
    struct tj_cpset set = {0};
    bool negated = false, unknown = false;
    if (r->i < r->len && r->s[r->i] == '^') {
        negated = true;
        r->i++;
    }
    bool first = true;
    while (!at_end(r)) {
        uint32_t cp = next_cp(r);
        if (cp == ']' && !first)
            break;
        first = false;
        if (cp == '[') {
            /* POSIX [:name:] or a nested class (Java): do not guess. */
            unknown = true;
            int depth = 1;
            while (!at_end(r) && depth) {
                uint32_t c = next_cp(r);
                depth += c == '[';
                depth -= c == ']';
            }
            continue;
        }
        if (cp == '&' && r->i < r->len && r->s[r->i] == '&') {
            unknown = true;
            continue;
        }
        size_t len;
        if (cp == '\\') {
            enum esc e = read_escape(r, &cp, &set, &len);
            if (e == ESC_SET)
                continue;
            if (e != ESC_CHAR) {
                unknown = true;
                continue;
            }
        }
        uint32_t hi = cp;
        if (r->i + 1 < r->len && r->s[r->i] == '-' && r->s[r->i + 1] != ']') {
            r->i++;
            hi = next_cp(r);
            if (hi == '\\') {
                uint32_t h;
                struct tj_cpset dummy = {0};
                if (read_escape(r, &h, &dummy, &len) != ESC_CHAR)
                    unknown = true;
                set_free(&dummy);
                hi = h;
            }
        }
        if (r->icase && (cp < 0x80 || hi < 0x80)) {
            for (uint32_t c = cp; c <= hi && c < 0x80; c++)
                add_literal(&set, c, true);
            if (hi >= 0x80)
                set_add(&set, 0x80, hi);
        } else {
            set_add(&set, cp, hi);
            if (r->icase && hi >= 0x80)
                unknown = true;
        }
    }
    if (negated || unknown) {
        set_free(&set);
        return any_node(1);
    }
    n.first = set;
    n.last.any = false;
    set_union(&n.last, &set);
    return n;
}

static struct node read_alternation(struct reader *r);

/* Reads "(...)" after its '(': groups, lookarounds, inline options. */
static struct node read_group(struct reader *r)
{
    bool zero_width = false;
    bool saved_icase = r->icase;
    if (r->i < r->len && r->s[r->i] == '?') {
        r->i++;
        char c = r->i < r->len ? r->s[r->i] : 0;
        if (c == '=' || c == '!') {
            r->i++;
            zero_width = true;
        } else if (c == '<' && r->i + 1 < r->len &&
                   (r->s[r->i + 1] == '=' || r->s[r->i + 1] == '!')) {
            r->i += 2;
            zero_width = true;
        } else if (c == ':' || c == '>' || c == '|') {
            r->i++;
        } else if (c == '<' || c == 'P' || c == '\'') {
            /* named group: skip the name */
            while (r->i < r->len && r->s[r->i] != '>' && r->s[r->i] != '\'')
                r->i++;
            r->i += r->i < r->len;
        } else {
            /* inline options: (?i) or (?i:...) or (?-i) */
            bool on = true, scoped = false;
            while (r->i < r->len && r->s[r->i] != ')' && r->s[r->i] != ':') {
                char o = r->s[r->i++];
                if (o == '-')
                    on = false;
                else if (o == 'i')
                    r->icase = on;
                else if (o == 'x')
                    r->extended = on;
            }
            if (at_end(r))
                return any_node(TJ_RX_UNBOUNDED);
            scoped = r->s[r->i] == ':';
            r->i++;
            if (!scoped)
                return empty_node(); /* applies to the rest of the enclosing group */
        }
    }
    struct node n = read_alternation(r);
    if (!at_end(r) && r->s[r->i] == ')')
        r->i++;
    else {
        node_free(&n);
        n = any_node(TJ_RX_UNBOUNDED);
    }
    r->icase = saved_icase;
    if (zero_width) {
        node_free(&n);
        return empty_node();
    }
    return n;
}

static struct node read_atom(struct reader *r)
{
    uint32_t cp = next_cp(r);
    switch (cp) {
    case '(':
        return read_group(r);
    case '[':
        return read_class(r);
    case '.':
        return any_node(1);
    case '^':
    case '$':
        return empty_node();
    case '\\': {
        if (r->i < r->len && r->s[r->i] == 'Q') { /* \Q...\E: literal run */
            r->i++;
            struct node n = empty_node();
            while (!at_end(r)) {
                if (r->i + 1 < r->len && r->s[r->i] == '\\' && r->s[r->i + 1] == 'E') {
                    r->i += 2;
                    break;
                }
                uint32_t c = next_cp(r);
                struct node lit = {.nullable = false, .can1 = true, .max_len = 1};
                add_literal(&lit.first, c, r->icase);
                add_literal(&lit.last, c, r->icase);
                concat(&n, &lit);
            }
            return n;
        }
        struct tj_cpset set = {0};
        size_t len;
        enum esc e = read_escape(r, &cp, &set, &len);
        if (e == ESC_ZERO)
            return empty_node();
        if (e == ESC_ANY) {
            set_free(&set);
            return any_node(len);
        }
        struct node n = {.nullable = false, .can1 = true, .max_len = 1};
        if (e == ESC_SET) {
            n.first = set;
            set_union(&n.last, &set);
            return n;
        }
        add_literal(&n.first, cp, r->icase);
        add_literal(&n.last, cp, r->icase);
        return n;
    }
    default: {
        struct node n = {.nullable = false, .can1 = true, .max_len = 1};
        add_literal(&n.first, cp, r->icase);
        add_literal(&n.last, cp, r->icase);
        return n;
    }
    }
}

static bool read_number(struct reader *r, size_t *out)
{
    size_t v = 0, digits = 0;
    while (r->i < r->len && r->s[r->i] >= '0' && r->s[r->i] <= '9') {
        v = v * 10 + (size_t)(r->s[r->i++] - '0');
        if (++digits > 6)
            return false;
    }
    *out = v;
    return digits > 0;
}

/* Applies a quantifier, if one follows, to n. */
static void read_quantifier(struct reader *r, struct node *n)
{
    if (at_end(r))
        return;
    char c = r->s[r->i];
    size_t min, max;
    if (c == '*' || c == '+' || c == '?') {
        r->i++;
        min = c == '+' ? 1 : 0;
        max = c == '?' ? 1 : TJ_RX_UNBOUNDED;
    } else if (c == '{') {
        size_t save = r->i++;
        if (!read_number(r, &min)) {
            r->i = save; /* a literal '{' */
            return;
        }
        max = min;
        if (r->i < r->len && r->s[r->i] == ',') {
            r->i++;
            if (!read_number(r, &max))
                max = TJ_RX_UNBOUNDED;
        }
        if (at_end(r) || r->s[r->i] != '}') {
            r->i = save;
            return;
        }
        r->i++;
    } else {
        return;
    }
    if (r->i < r->len && (r->s[r->i] == '?' || r->s[r->i] == '+'))
        r->i++; /* lazy or possessive: the same sets */
    if (min == 0)
        n->nullable = true;
    if (max >= 2) /* two repetitions: one's last character precedes the other's */
        set_union(&n->last2, &n->last);
    if (max == TJ_RX_UNBOUNDED || n->max_len == TJ_RX_UNBOUNDED)
        n->max_len = n->max_len == 0 ? 0 : TJ_RX_UNBOUNDED;
    else
        n->max_len *= max;
}

static struct node read_sequence(struct reader *r)
{
    struct node seq = empty_node();
    while (!at_end(r) && r->s[r->i] != '|' && r->s[r->i] != ')') {
        if (r->extended && (r->s[r->i] == ' ' || r->s[r->i] == '\n' || r->s[r->i] == '\t')) {
            r->i++;
            continue;
        }
        struct node a = read_atom(r);
        read_quantifier(r, &a);
        concat(&seq, &a);
    }
    return seq;
}

static struct node read_alternation(struct reader *r)
{
    struct node n = read_sequence(r);
    while (!at_end(r) && r->s[r->i] == '|') {
        r->i++;
        struct node b = read_sequence(r);
        alternate(&n, &b);
    }
    return n;
}

void tj_rxinfo_init(struct tj_rxinfo *info, const char *pattern, size_t len)
{
    struct reader r = {.s = pattern, .len = len, .i = 0};
    struct node n = read_alternation(&r);
    if (!at_end(&r)) { /* an unbalanced ')' */
        node_free(&n);
        n = any_node(TJ_RX_UNBOUNDED);
        n.nullable = true;
    }
    info->first = n.first;
    info->last = n.last;
    info->last2 = n.last2;
    info->can1 = n.can1;
    info->nullable = n.nullable;
    info->max_len = n.max_len;
}

void tj_rxinfo_finish(struct tj_rxinfo *info)
{
    set_free(&info->first);
    set_free(&info->last);
    set_free(&info->last2);
}
