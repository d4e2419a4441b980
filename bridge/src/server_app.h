/* What server.c calls in server_app.c: finding an application method, and the session hooks. */
#pragma once

#include <sel4bridge/app.h>

#include "server_internal.h"

/* The method an application label names, or NULL with *@why SB_ERR_UNKNOWN_INTERFACE/_METHOD. */
const sb_method_t *sb_app_method(const sb_server_t *s, seL4_Word label, sb_status_t *why);

/* Before a session's bundle is granted: the open hook (may refuse). */
sb_status_t sb_app_session_open(sb_server_t *s, uint32_t session);
/* A session ends (@closed: its client closed it; else its bundle was revoked): its deferred
 * calls are answered `revoked`, then the close or revoke hook runs. */
void sb_app_session_end(sb_server_t *s, uint32_t session, bool closed);
