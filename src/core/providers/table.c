/* The provider table: every engine this build has, in the order `tarjim providers` lists them.
 * Adding a provider means one new file in this folder and one line here. */
#include "provider_int.h"

#include <string.h>

extern const struct tj_provider_ops tj_provider_offline;
extern const struct tj_provider_ops tj_provider_libretranslate;
extern const struct tj_provider_ops tj_provider_deepl;
extern const struct tj_provider_ops tj_provider_google;
extern const struct tj_provider_ops tj_provider_microsoft;
extern const struct tj_provider_ops tj_provider_mymemory;
extern const struct tj_provider_ops tj_provider_apertium;
extern const struct tj_provider_ops tj_provider_openai;

static const struct tj_provider_ops *const table[] = {
    &tj_provider_offline,   &tj_provider_libretranslate, &tj_provider_deepl,    &tj_provider_google,
    &tj_provider_microsoft, &tj_provider_mymemory,       &tj_provider_apertium, &tj_provider_openai,
};

const struct tj_provider_ops *const *tj_provider_table(size_t *n)
{
    *n = TJ_ARRAY_LEN(table);
    return table;
}

const struct tj_provider_ops *tj_provider_find(const char *name)
{
    for (size_t i = 0; i < TJ_ARRAY_LEN(table); i++)
        if (strcmp(table[i]->info.name, name) == 0)
            return table[i];
    return NULL;
}
