/* tarjim providers: the engines, and which are configured. */
#include "cli.h"

#include "provider.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int run(int argc, char **argv)
{
    if (argc > 1) {
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
            fputs(tj_cmd_providers.usage, stdout);
            return 0;
        }
        return tj_cli_usage(&tj_cmd_providers, "takes no arguments");
    }
    const char *chosen = getenv("TARJIM_PROVIDER");
    if (!chosen || !*chosen)
        chosen = "offline";
    size_t n;
    const struct tj_provider_ops *const *table = tj_provider_table(&n);
    for (size_t i = 0; i < n; i++) {
        const struct tj_provider_info *ops = tj_provider_class_info(table[i]);
        const char *state;
        char *index = NULL;
        struct tj_provider_config cfg = {0};
        tj_provider_env_apply(table[i], &cfg, NULL, NULL);
        if (tj_provider_check_config(table[i], &cfg, NULL) != TJ_OK)
            state = "needs a key";
        else
            state = ops->needs_key ? "key set" : "ready";
        if (strcmp(ops->name, "offline") == 0) {
            index = tj_xasprintf("%s/freedict-ara-eng.index", tj_cli_freedict_dir());
            if (access(index, R_OK) != 0)
                state = "ready (dictionary missing: install dict-freedict-ara-eng)";
        }
        printf("%-15s %-8s %-7s %s\n  %s\n", ops->name,
               strcmp(ops->name, chosen) == 0 ? "default" : "", ops->remote ? "remote" : "local",
               state, ops->description);
        free(index);
    }
    return 0;
}

const struct tj_cmd tj_cmd_providers = {
    .name = "providers",
    .summary = "list the translation engines and their configuration",
    .usage = "Usage: tarjim providers\n"
             "Lists each engine: name, whether it is the default, whether it sends text off\n"
             "the machine, and whether it is configured.\n",
    .run = run,
};
