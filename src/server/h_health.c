/* GET /healthz: the server is up. Open without a token, for load balancers and containers. */
#include "handler.h"
#include "reply.h"

enum MHD_Result tj_h_health(const struct tj_request *req)
{
    return tj_reply_json(req->conn, MHD_HTTP_OK, json_pack("{s:s}", "status", "ok"));
}
