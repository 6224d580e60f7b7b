/* tarjim: the command-line front door. Dispatches to one command from the table. */
#include "cli.h"

#include "config.h"

#include <stdio.h>
#include <string.h>

static const struct tj_cmd *const commands[] = {
    &tj_cmd_translate, &tj_cmd_segment, &tj_cmd_glossary,
    &tj_cmd_providers, &tj_cmd_serve,   &tj_cmd_tm,
};

static void usage(FILE *f)
{
    fputs("Usage: tarjim COMMAND [OPTIONS] [FILE...]\n"
          "Arabic news articles into English drafts you can trust: names pinned by a "
          "glossary,\nevery sentence checked.\n\nCommands:\n",
          f);
    for (size_t i = 0; i < TJ_ARRAY_LEN(commands); i++)
        fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
    fputs("\nRun 'tarjim COMMAND --help' for a command's options.\n"
          "Exit status: 0 ok, 64 usage, 65 bad input data, 66 input missing, 69 provider\n"
          "unreachable, 73 cannot create an output file, 74 I/O error, 75 partial, 77\n"
          "credentials refused, 78 bad configuration.\n",
          f);
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return TJ_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return TJ_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("tarjim %s\n", TJ_VERSION);
        return TJ_EXIT_OK;
    }
    for (size_t i = 0; i < TJ_ARRAY_LEN(commands); i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i]->run(argc - 1, argv + 1);
    tj_cli_error("unknown command '%s'", name);
    usage(stderr);
    return TJ_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    /* Output that never reached the disk is an error whichever command wrote it. */
    return tj_cli_stdout_close(run(argc, argv));
}
