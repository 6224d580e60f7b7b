/* tarjim providers: the engines, and which are configured. */
#include "cli.h"

#include "provider.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int run(int argc, char **argv)
{
    struct tj_cli_engine e;
    tj_cli_engine_init(&e);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(tj_cmd_providers.usage, stdout);
            return 0;
        }
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            e.config_path = argv[++i];
            continue;
        }
        return tj_cli_usage(&tj_cmd_providers, "unknown argument '%s'", argv[i]);
    }
    const struct tj_provider_ops *chosen_ops;
    struct tj_provider_config chosen_cfg;
    int status = tj_cli_engine_resolve(&e, &tj_cmd_providers, &chosen_ops, &chosen_cfg);
    if (status) {
        tj_cli_engine_finish(&e);
        return status;
    }
    size_t n;
    const struct tj_provider_ops *const *table = tj_provider_table(&n);
    for (size_t i = 0; i < n && !status; i++) {
        const struct tj_provider_info *info = tj_provider_class_info(table[i]);
        char *state = NULL;
        struct tj_provider_config cfg;
        const char *key_from = NULL;
        status = tj_cli_engine_config(&e, table[i], false, &cfg, &key_from);
        if (status)
            break;
        if (tj_provider_check_config(table[i], &cfg, NULL) != TJ_OK)
            state = tj_xasprintf("needs a key (%s)",
                                 tj_provider_env_var(table[i], TJ_PCFG_API_KEY)
                                     ? tj_provider_env_var(table[i], TJ_PCFG_API_KEY)
                                     : "--api-key");
        else if (key_from)
            state = tj_xasprintf("key from %s", key_from);
        else
            state = tj_xstrdup("ready");
        if (strcmp(info->name, "offline") == 0) {
            char *index = tj_xasprintf("%s/freedict-ara-eng.index", tj_cli_freedict_dir());
            if (access(index, R_OK) != 0) {
                free(state);
                state = tj_xstrdup("ready (dictionary missing: install dict-freedict-ara-eng)");
            }
            free(index);
        }
        printf("%-15s %-8s %-7s %s\n  %s\n", info->name, table[i] == chosen_ops ? "default" : "",
               info->remote ? "remote" : "local", state, info->description);
        if (cfg.url && info->remote)
            printf("  url %s\n", cfg.url);
        free(state);
    }
    tj_cli_engine_finish(&e);
    return status;
}

const struct tj_cmd tj_cmd_providers = {
    .name = "providers",
    .summary = "list the translation engines and their configuration",
    .usage = "Usage: tarjim providers [--config FILE]\n"
             "Lists each engine: name, whether it is the default, whether it sends text off\n"
             "the machine, whether it is configured and where its key comes from (the\n"
             "command line, an environment variable or the configuration file: never the key\n"
             "itself), and the URL it would use.\n",
    .run = run,
};
