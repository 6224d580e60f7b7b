/* The server's glossaries (server/desk): a view taken before an add keeps pinning with the old
 * glossary while later views pin the new entry, also with readers on other threads during adds;
 * the desk glossary file after adds, replaces and refusals (its mode kept, no temporary file
 * left); searches by Arabic spelling variants, clitics and English. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "desk.h"
#include "pin.h"

#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/tarjim-desk-XXXXXX";
static char base_path[256], desk_path[256];

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* The English the glossary pins for text, or NULL. */
static const char *pinned(const struct tj_glossary *g, const char *text)
{
    struct tj_pin *pins = NULL;
    size_t n = tj_pin_find(g, text, strlen(text), &pins);
    const char *english = n ? pins[0].term->english : NULL;
    free(pins);
    return english;
}

struct fixture {
    struct tj_glossary *g;
    struct tj_desk *desk;
};

static int setup(void **state)
{
    memcpy(dir + sizeof dir - 7, "XXXXXX", 6);
    if (!mkdtemp(dir))
        return -1;
    snprintf(base_path, sizeof base_path, "%s/base.tsv", dir);
    snprintf(desk_path, sizeof desk_path, "%s/desk.tsv", dir);
    write_file(base_path,
               "بوتين\tPutin\tperson\nأوكرانيا\tUkraine\tplace\nالكرملين\tKremlin\torg\n");
    write_file(desk_path, "# desk\n");
    chmod(desk_path, 0640);
    struct fixture *fx = calloc(1, sizeof *fx);
    fx->g = tj_glossary_create();
    if (tj_glossary_load_file(fx->g, base_path, NULL) != TJ_OK ||
        tj_glossary_load_file(fx->g, desk_path, NULL) != TJ_OK)
        return -1;
    const char *files[] = {base_path};
    struct tj_desk_config cfg = {.glossary = fx->g, .files = files, .nfiles = 1, .path = desk_path};
    struct tj_diag diag;
    if (tj_desk_create(&cfg, &fx->desk, &diag) != TJ_OK)
        return -1;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    tj_desk_destroy(fx->desk);
    tj_glossary_destroy(fx->g);
    free(fx);
    unlink(base_path);
    unlink(desk_path);
    rmdir(dir);
    return 0;
}

static enum tj_desk_outcome add(struct tj_desk *d, const char *arabic, const char *english,
                                const char *type, bool replace, struct tj_diag *diag)
{
    struct tj_desk_entry e = {arabic, english, type, NULL, replace};
    return tj_desk_add(d, &e, diag);
}

static void test_views(void **state)
{
    struct fixture *fx = *state;
    struct tj_desk_view *before = tj_desk_acquire(fx->desk);
    assert_ptr_equal(tj_desk_glossary(before), fx->g);
    struct tj_diag diag;
    assert_int_equal(add(fx->desk, "كاراباخوف", "Karabakhov", "person", false, &diag),
                     TJ_DESK_ADDED);
    struct tj_desk_view *after = tj_desk_acquire(fx->desk);
    /* A translation that started before the add pins as it started; later ones pin the entry. */
    assert_null(pinned(tj_desk_glossary(before), "التقى كاراباخوف"));
    assert_string_equal(pinned(tj_desk_glossary(after), "وكاراباخوف"), "Karabakhov");
    assert_string_equal(pinned(tj_desk_glossary(after), "قال بوتين"), "Putin");
    /* The desk's rows win over the files'. */
    assert_int_equal(add(fx->desk, "بوتين", "Vladimir Putin", "person", false, &diag),
                     TJ_DESK_ADDED);
    struct tj_desk_view *third = tj_desk_acquire(fx->desk);
    assert_string_equal(pinned(tj_desk_glossary(third), "قال بوتين"), "Vladimir Putin");
    /* The view replaced twice is still whole for its holder. */
    assert_string_equal(pinned(tj_desk_glossary(after), "قال بوتين"), "Putin");
    tj_desk_release(before);
    tj_desk_release(after);
    tj_desk_release(third);
}

static void test_file(void **state)
{
    struct fixture *fx = *state;
    struct tj_diag diag;
    assert_int_equal(add(fx->desk, "نافالني", "Navalny", "person", false, &diag), TJ_DESK_ADDED);
    assert_string_equal(read_file(desk_path), "# desk\nنافالني\tNavalny\tperson\n");
    /* The same entry again writes nothing; another English is a conflict; replace replaces. */
    assert_int_equal(add(fx->desk, "نافالني", "Navalny", "person", false, &diag), TJ_DESK_EXISTS);
    assert_int_equal(add(fx->desk, "نافالنى", "Navalnyy", "person", false, &diag),
                     TJ_DESK_CONFLICT);
    assert_non_null(strstr(diag.message, "Navalny"));
    assert_int_equal(add(fx->desk, "نافالني", "Navalnyy", NULL, true, &diag), TJ_DESK_ADDED);
    assert_string_equal(read_file(desk_path), "# desk\nنافالني\tNavalnyy\tterm\n");
    /* Refused rows leave the file as it was. */
    const char *bad[][2] = {{"Navalny", "Navalny"},   {"نافالني", "نافالني"},
                            {"نافا\tلني", "Navalny"}, {"نافالني", "Nava\nlny"},
                            {"#نافالني", "Navalny"},  {"نافالني", ""}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(add(fx->desk, bad[i][0], bad[i][1], NULL, false, &diag), TJ_DESK_BAD);
    assert_int_equal(add(fx->desk, "نافالني", "Navalny", "city", false, &diag), TJ_DESK_BAD);
    assert_string_equal(read_file(desk_path), "# desk\nنافالني\tNavalnyy\tterm\n");
    /* Written whole and renamed: the file keeps its mode, nothing else is left in the folder. */
    struct stat st;
    assert_int_equal(stat(desk_path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t files = 0;
    while ((de = readdir(d)))
        files += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
    closedir(d);
    assert_int_equal(files, 2); /* base.tsv and desk.tsv */
}

static void test_no_desk(void **state)
{
    (void)state;
    struct tj_desk *d;
    struct tj_desk_config cfg = {0};
    assert_int_equal(tj_desk_create(&cfg, &d, NULL), TJ_OK);
    struct tj_diag diag;
    assert_int_equal(add(d, "بوتين", "Putin", NULL, false, &diag), TJ_DESK_NONE);
    struct tj_desk_view *v = tj_desk_acquire(d);
    assert_null(tj_desk_glossary(v));
    const struct tj_term *out[4];
    assert_int_equal(tj_desk_search(v, "x", 1, out, 4), 0);
    tj_desk_release(v);
    tj_desk_destroy(d);
}

static void test_search(void **state)
{
    struct fixture *fx = *state;
    struct tj_desk_view *v = tj_desk_acquire(fx->desk);
    const struct tj_term *out[TJ_DESK_SEARCH_MAX];
    /* Hamza or bare alef, a clitic before the word, a prefix of the word. */
    const char *queries[] = {"أوكرانيا", "اوكرانيا", "وأوكرانيا", "أوكر", "ukr", "UKRAINE"};
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        size_t n = tj_desk_search(v, queries[i], strlen(queries[i]), out, TJ_DESK_SEARCH_MAX);
        if (n == 0 || strcmp(out[0]->english, "Ukraine") != 0)
            fail_msg("'%s' does not find Ukraine first", queries[i]);
        assert_string_equal(tj_desk_file_name(out[0]), "base.tsv");
    }
    assert_int_equal(tj_desk_search(v, "zzz", 3, out, TJ_DESK_SEARCH_MAX), 0);
    tj_desk_release(v);
}

struct reader {
    struct tj_desk *desk;
    atomic_bool *stop;
    atomic_size_t views;
};

static void *read_views(void *arg)
{
    struct reader *r = arg;
    while (!atomic_load(r->stop)) {
        struct tj_desk_view *v = tj_desk_acquire(r->desk);
        if (!pinned(tj_desk_glossary(v), "قال بوتين"))
            abort();
        const struct tj_term *out[TJ_DESK_SEARCH_MAX];
        tj_desk_search(v, "بوتين", strlen("بوتين"), out, 5);
        tj_desk_release(v);
        atomic_fetch_add(&r->views, 1);
    }
    return NULL;
}

/* Readers on other threads take and drop views while adds replace them (run under the
 * sanitizers, a view freed too early is caught). */
static void test_threads(void **state)
{
    struct fixture *fx = *state;
    atomic_bool stop = false;
    pthread_t t[4];
    struct reader r[4];
    for (int i = 0; i < 4; i++) {
        r[i].desk = fx->desk;
        r[i].stop = &stop;
        atomic_init(&r[i].views, 0);
        assert_int_equal(pthread_create(&t[i], NULL, read_views, &r[i]), 0);
    }
    /* Every reader under way before the first add. */
    for (int i = 0; i < 4; i++)
        while (atomic_load(&r[i].views) == 0)
            sched_yield();
    static const char *const names[] = {"ألف", "باء", "تاء", "ثاء", "جيم", "حاء", "خاء", "دال"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char english[32];
        snprintf(english, sizeof english, "Name %zu", i);
        struct tj_diag diag;
        assert_int_equal(add(fx->desk, names[i], english, NULL, false, &diag), TJ_DESK_ADDED);
    }
    atomic_store(&stop, true);
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_true(atomic_load(&r[i].views) > 0);
    }
    struct tj_desk_view *v = tj_desk_acquire(fx->desk);
    assert_string_equal(pinned(tj_desk_glossary(v), "دال"), "Name 7");
    tj_desk_release(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_views, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file, setup, teardown),
        cmocka_unit_test(test_no_desk),
        cmocka_unit_test_setup_teardown(test_search, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
