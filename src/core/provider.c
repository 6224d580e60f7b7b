/* The provider table and instance lifecycle. */
#include "provider.h"

#include <stdlib.h>
#include <string.h>

extern const struct tj_provider_ops tj_provider_offline;

static const struct tj_provider_ops *const table[] = {
    &tj_provider_offline,
};

struct tj_provider {
    const struct tj_provider_ops *ops;
    void *state;
};

const struct tj_provider_ops *const *tj_provider_table(size_t *n)
{
    *n = TJ_ARRAY_LEN(table);
    return table;
}

const struct tj_provider_ops *tj_provider_find(const char *name)
{
    for (size_t i = 0; i < TJ_ARRAY_LEN(table); i++)
        if (strcmp(table[i]->name, name) == 0)
            return table[i];
    return NULL;
}

enum tj_status tj_provider_create(const struct tj_provider_ops *ops,
                                  const struct tj_provider_config *cfg, struct tj_provider **out,
                                  struct tj_diag *diag)
{
    void *state = NULL;
    enum tj_status rc = ops->create ? ops->create(cfg, &state, diag) : TJ_OK;
    if (rc != TJ_OK)
        return rc;
    struct tj_provider *p = tj_xcalloc(1, sizeof *p);
    p->ops = ops;
    p->state = state;
    *out = p;
    return TJ_OK;
}

void tj_provider_destroy(struct tj_provider *p)
{
    if (!p)
        return;
    if (p->ops->destroy)
        p->ops->destroy(p->state);
    free(p);
}

const struct tj_provider_ops *tj_provider_ops(const struct tj_provider *p)
{
    return p->ops;
}

void *tj_provider_state(const struct tj_provider *p)
{
    return p->state;
}

void tj_http_request_finish(struct tj_http_request *r)
{
    free(r->method);
    free(r->url);
    if (r->headers)
        for (char **h = r->headers; *h; h++)
            free(*h);
    free(r->headers);
    free(r->body);
    memset(r, 0, sizeof *r);
}

void tj_result_finish(struct tj_result *r)
{
    free(r->text);
    free(r->qa_code);
    free(r->qa_message);
    memset(r, 0, sizeof *r);
}
