#ifndef FL_SVC_KNOWLEDGE_H
#define FL_SVC_KNOWLEDGE_H
/* Knowledge articles, their revisions, search, and links to cases (svc/directory/knowledge.c). */
#include "svc/svc.h"

extern const struct route knowledge_routes[];

/* Case view part, registered in svc/registry.c: the knowledge articles linked to a case. */
int kb_case_view(svc_ctx *c, const char *case_id, json_t *view);

/* Full-text search of the actor's organization's articles, best first (SQLite FTS5 with bm25;
 * PostgreSQL full-text search).  *items is a new array of {id, title, tags, snippet, rank}. */
int kb_search(svc_ctx *c, const char *query, int limit, json_t **items);

#endif
