#include "svc/run.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* The fields a route flagged R_SECRET shows once; they never reach the idempotency table. */
static const char *const SECRET_FIELDS[] = {"token", "csrf_token", "link", "path", "secret", NULL};

/* Replay the answer stored under the key: 1 replayed, 0 none, -1 (err set). */
static int replay(struct svc_call *k)
{
	svc_ctx *c = k->c;
	char *body = NULL;
	int status = 0;
	int rc = idem_lookup(c->db, c->actor.org_id, c->actor.person_id, k->idem_key, k->idem_hash, k->idem_since, &status,
			     &body);
	if (rc == IDEM_OTHER_REQUEST)
		return err_set(&c->err, ERR_RULE, "idempotency_key_reused", NULL,
			       "this Idempotency-Key was used with a different request");
	if (rc < 0)
		return svc_db_err(c, rc);
	if (rc == IDEM_NEW)
		return 0;
	k->out = json_loads(body, 0, NULL);
	free(body);
	if (!k->out)
		k->out = json_object();
	k->status = status;
	k->replay = 1;
	return 1;
}

static int remember(struct svc_call *k)
{
	svc_ctx *c = k->c;
	json_t *kept = json_copy(k->out);
	if (k->m->route->flags & R_SECRET)
		for (const char *const *f = SECRET_FIELDS; *f; f++)
			json_object_del(kept, *f);
	char *text = json_dumps(kept, JSON_COMPACT);
	json_decref(kept);
	if (!text)
		return err_set(&c->err, ERR_INTERNAL, "internal", NULL, "the answer could not be stored");
	int rc = idem_store(c->db, c->actor.org_id, c->actor.person_id, k->idem_key, k->idem_hash, k->status, text, c->now);
	free(text);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

static enum tx_verdict work(void *arg, db *d)
{
	struct svc_call *k = arg;
	svc_ctx *c = k->c;
	/* the work may run again after a busy attempt: start from scratch */
	c->db = d;
	err_clear(&c->err);
	svc_cache_forget(c);
	svc_answer_text(c, NULL, 0);
	c->after.fn = NULL;
	json_decref(k->out);
	k->out = NULL;
	k->replay = 0;
	k->status = k->m->route->status;
	int rc = k->idem_key ? replay(k) : 0;
	if (rc == 0) {
		json_t *input = k->in ? json_deep_copy(k->in) : json_object();
		rc = router_invoke(c, (struct route_match *)k->m, input, &k->out);
		json_decref(input);
		if (rc == 0 && k->idem_key)
			rc = remember(k);
	}
	if (rc < 0) {
		json_decref(k->out);
		k->out = NULL;
	}
	return svc_verdict(c, rc < 0 ? -1 : 0);
}

enum tx_verdict svc_verdict(const svc_ctx *c, int rc)
{
	if (rc == 0)
		return TX_COMMIT;
	return c->err.kind == ERR_BUSY ? TX_AGAIN : TX_ROLLBACK;
}

/* The one mapping from a unit of work's result to the error a caller sees. */
static int tx_err(svc_ctx *c, enum tx_result r)
{
	switch (r) {
	case TX_DONE: return 0;
	case TX_FAILED: return -1; /* the operation's own error */
	case TX_BUSY:
		if (c->err.kind == ERR_BUSY)
			return -1;
		return err_set(&c->err, ERR_BUSY, "busy", NULL, "the database is busy; try again");
	case TX_CONFLICT: return err_set(&c->err, ERR_CONFLICT, "conflict", NULL, "this conflicts with existing data");
	case TX_UNAVAILABLE:
		return err_set(&c->err, ERR_UNAVAILABLE, "database_unavailable", NULL, "the database cannot be reached; try again");
	case TX_NOT_STARTED: return err_set(&c->err, ERR_INTERNAL, "storage_error", NULL, "the database is unavailable");
	case TX_NOT_SAVED: return err_set(&c->err, ERR_INTERNAL, "commit_failed", NULL, "the change could not be saved");
	}
	return err_set(&c->err, ERR_INTERNAL, "storage_error", NULL, "storage error");
}

/* The answer a write left to read after its commit (svc_answer_after), in a read transaction. */
static enum tx_verdict read_after(void *arg, db *d)
{
	struct svc_call *k = arg;
	svc_ctx *c = k->c;
	c->db = d;
	err_clear(&c->err);
	err_clear(&c->db_err);
	svc_answer_text(c, NULL, 0);
	json_decref(k->out);
	k->out = NULL;
	int rc = svc_db_outcome(c, c->after.fn(c, c->after.id, *c->after.id2 ? c->after.id2 : NULL, &k->out));
	return svc_verdict(c, rc);
}

/* A committed write's answer: what it left to read, read now (again after a failed read: a storage
 * error may pass).  The write is durable whatever happens here, so an answer that still cannot be
 * read is the written row's id alone, with the write's success status. */
#define AFTER_READS 3
static void answer_after(tx_runner *t, struct svc_call *k)
{
	svc_ctx *c = k->c;
	for (int i = 0; i < AFTER_READS; i++)
		if (tx_run(t, TX_READ, read_after, k) == TX_DONE && k->out)
			return;
	json_decref(k->out);
	k->out = json_pack("{s:s}", "id", c->after.id);
	svc_answer_text(c, NULL, 0);
	err_clear(&c->err);
	err_clear(&c->db_err);
}

int svc_run(tx_runner *t, struct svc_call *k)
{
	const struct route *rt = k->m->route;
	if (rt->flags & (R_PUBLIC | R_LOGOUT))
		k->idem_key = NULL; /* a sign-in or sign-out is never replayed */
	enum tx_mode mode = (rt->flags & R_OWN_TX) ? TX_OWN : strcmp(rt->method, "GET") == 0 ? TX_READ : TX_WRITE;
	if (mode == TX_READ)
		k->idem_key = NULL;
	k->out = NULL;
	/* a write batched on the group commit's one writer thread leaves its answer to read here, on
	 * the request's own thread, once durable; one with an Idempotency-Key stores it with the write */
	k->c->answer_later = mode == TX_WRITE && !k->idem_key && tx_batches(t);
	int rc = tx_err(k->c, tx_run(t, mode, work, k));
	if (rc == 0 && k->c->after.fn && !k->replay)
		answer_after(t, k);
	k->c->answer_later = 0;
	k->c->after.fn = NULL;
	k->c->db = NULL; /* the connection went back to its runner */
	if (rc) {
		json_decref(k->out);
		k->out = NULL;
	}
	return rc;
}
