/* GET /api/providers: every engine of this build, and whether this server can use it.
 *
 * {"default": "offline", "providers": [{"name", "description", "remote", "configured"}]} */
#include "handler.h"
#include "reply.h"

#include <string.h>

static bool configured(const struct tj_handler_env *env, const char *name)
{
    for (size_t i = 0; i < env->nproviders; i++)
        if (strcmp(tj_provider_name(env->providers[i]), name) == 0)
            return true;
    return false;
}

enum MHD_Result tj_h_providers(const struct tj_request *req)
{
    const struct tj_handler_env *env = req->env;
    size_t n;
    const struct tj_provider_ops *const *table = tj_provider_table(&n);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct tj_provider_info *info = tj_provider_class_info(table[i]);
        json_array_append_new(list,
                              json_pack("{s:s,s:s,s:b,s:b}", "name", info->name, "description",
                                        info->description, "remote", info->remote, "configured",
                                        configured(env, info->name)));
    }
    return tj_reply_json(
        req->conn, MHD_HTTP_OK,
        json_pack("{s:s,s:o}", "default", tj_provider_name(env->providers[0]), "providers", list));
}
