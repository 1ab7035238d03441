/* Request counters and the /metrics exposition (http/metrics.h). */
#include "http/metrics.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "svc/metrics.h"
#include "svc/tick.h"

#define NBUCKETS 12
static const double BUCKETS[NBUCKETS] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};
static const char *const METHODS[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other", NULL};
#define METHOD_OTHER 7
#define SLOTS	     2048 /* series (route, method, status) kept; past that they count as route "other" */

struct series {
	const char *route; /* NULL = free slot */
	int method, status;
	uint64_t count, buckets[NBUCKETS];
	double sum;
};

struct http_metrics {
	pthread_mutex_t mu;
	long in_flight;
	time_t started;
	struct series s[SLOTS];
};

struct http_metrics *http_metrics_new(void)
{
	struct http_metrics *m = xcalloc(1, sizeof *m);
	pthread_mutex_init(&m->mu, NULL);
	m->started = time(NULL);
	return m;
}

void http_metrics_free(struct http_metrics *m)
{
	if (!m)
		return;
	pthread_mutex_destroy(&m->mu);
	free(m);
}

static int method_index(const char *method)
{
	for (int i = 0; i < METHOD_OTHER; i++)
		if (strcmp(method, METHODS[i]) == 0)
			return i;
	return METHOD_OTHER;
}

/* The slot of (route, method, status), taken if new; NULL when the table is full. */
static struct series *slot(struct http_metrics *m, const char *route, int method, int status)
{
	size_t h = ((size_t)(uintptr_t)route >> 3) * 31 + (size_t)method * 7 + (size_t)status;
	for (size_t i = 0; i < SLOTS; i++) {
		struct series *s = &m->s[(h + i) % SLOTS];
		if (!s->route) {
			*s = (struct series){.route = route, .method = method, .status = status};
			return s;
		}
		if (s->route == route && s->method == method && s->status == status)
			return s;
	}
	return NULL;
}

void http_metrics_observe(struct http_metrics *m, const char *route, const char *method, int status, int64_t us)
{
	double secs = (double)us / 1e6;
	pthread_mutex_lock(&m->mu);
	struct series *s = slot(m, route, method_index(method), status);
	if (!s)
		s = slot(m, "other", method_index(method), status);
	if (s) {
		s->count++;
		s->sum += secs;
		for (int b = 0; b < NBUCKETS; b++)
			s->buckets[b] += secs <= BUCKETS[b];
	}
	pthread_mutex_unlock(&m->mu);
}

void http_metrics_in_flight(struct http_metrics *m, int delta)
{
	pthread_mutex_lock(&m->mu);
	m->in_flight += delta;
	pthread_mutex_unlock(&m->mu);
}

long http_metrics_in_flight_now(struct http_metrics *m)
{
	pthread_mutex_lock(&m->mu);
	long n = m->in_flight;
	pthread_mutex_unlock(&m->mu);
	return n;
}

static int series_cmp(const void *a, const void *b)
{
	const struct series *x = a, *y = b;
	int c = strcmp(x->route, y->route);
	return c ? c : x->method != y->method ? x->method - y->method : x->status - y->status;
}

static void labels(FILE *out, const struct series *s)
{
	fputs("{route=\"", out);
	metrics_label(out, s->route);
	fprintf(out, "\",method=\"%s\"", METHODS[s->method]);
}

/* The request counter, then the histogram per route and method (its statuses summed). */
static void write_requests(FILE *out, const struct series *all, size_t n)
{
	fputs("# HELP frontline_http_requests_total HTTP requests answered, by route pattern, method and status.\n"
	      "# TYPE frontline_http_requests_total counter\n",
	      out);
	for (size_t i = 0; i < n; i++) {
		fputs("frontline_http_requests_total", out);
		labels(out, &all[i]);
		fprintf(out, ",status=\"%d\"} %llu\n", all[i].status, (unsigned long long)all[i].count);
	}
	fputs("# HELP frontline_http_request_duration_seconds Time from a request's headers to its answer, by route and method.\n"
	      "# TYPE frontline_http_request_duration_seconds histogram\n",
	      out);
	for (size_t i = 0; i < n;) {
		struct series sum = all[i];
		size_t j = i + 1;
		for (; j < n && all[j].route == all[i].route && all[j].method == all[i].method; j++) {
			sum.count += all[j].count;
			sum.sum += all[j].sum;
			for (int b = 0; b < NBUCKETS; b++)
				sum.buckets[b] += all[j].buckets[b];
		}
		for (int b = 0; b < NBUCKETS; b++) {
			fputs("frontline_http_request_duration_seconds_bucket", out);
			labels(out, &sum);
			fprintf(out, ",le=\"%g\"} %llu\n", BUCKETS[b], (unsigned long long)sum.buckets[b]);
		}
		fputs("frontline_http_request_duration_seconds_bucket", out);
		labels(out, &sum);
		fprintf(out, ",le=\"+Inf\"} %llu\n", (unsigned long long)sum.count);
		fputs("frontline_http_request_duration_seconds_sum", out);
		labels(out, &sum);
		fprintf(out, "} %.6f\n", sum.sum);
		fputs("frontline_http_request_duration_seconds_count", out);
		labels(out, &sum);
		fprintf(out, "} %llu\n", (unsigned long long)sum.count);
		i = j;
	}
}

static void write_pool(FILE *out, tx_runner *tx)
{
	struct tx_stats st;
	tx_stats(tx, &st);
	fprintf(out,
		"# HELP frontline_db_connections The server's pooled database connections, lent out (in_use) or free (idle).\n"
		"# TYPE frontline_db_connections gauge\n"
		"frontline_db_connections{state=\"in_use\"} %d\n"
		"frontline_db_connections{state=\"idle\"} %d\n"
		"# HELP frontline_db_pool_waits_total Times a request or task waited for a free database connection.\n"
		"# TYPE frontline_db_pool_waits_total counter\n"
		"frontline_db_pool_waits_total %llu\n"
		"# HELP frontline_db_transactions_total Units of work run (one transaction each, retries included once).\n"
		"# TYPE frontline_db_transactions_total counter\n"
		"frontline_db_transactions_total %llu\n"
		"# HELP frontline_db_transaction_retries_total Attempts run again because the database was busy.\n"
		"# TYPE frontline_db_transaction_retries_total counter\n"
		"frontline_db_transaction_retries_total %llu\n"
		"# HELP frontline_db_transactions_busy_total Units of work that stayed busy through every retry (answered 503).\n"
		"# TYPE frontline_db_transactions_busy_total counter\n"
		"frontline_db_transactions_busy_total %llu\n"
		"# HELP frontline_db_transactions_failed_total Units of work that did not commit (refused, rolled back, busy, lost).\n"
		"# TYPE frontline_db_transactions_failed_total counter\n"
		"frontline_db_transactions_failed_total %llu\n",
		st.in_use, st.connections - st.in_use, (unsigned long long)st.waits, (unsigned long long)st.runs,
		(unsigned long long)st.retries, (unsigned long long)st.busy, (unsigned long long)st.failed);
}

/* The read replica's lag as the server last measured it (store/replica.h); -1 = unreachable. */
static void write_replica(FILE *out, replica *r)
{
	struct replica_status st;
	replica_status(r, &st);
	fprintf(out,
		"# HELP frontline_replica_lag_seconds The read replica's replay lag at the last measure (-1: unreachable).\n"
		"# TYPE frontline_replica_lag_seconds gauge\nfrontline_replica_lag_seconds %.3f\n"
		"# HELP frontline_replica_reading Whether reports and searches read the replica now (1) or the primary (0).\n"
		"# TYPE frontline_replica_reading gauge\nfrontline_replica_reading %d\n",
		st.lag_ms < 0 ? -1.0 : (double)st.lag_ms / 1000.0, st.reading);
}

struct db_part {
	svc_ctx *c;
	char *text;
	size_t len;
	int ok;
};

static enum tx_verdict db_work(void *arg, db *d)
{
	struct db_part *p = arg;
	free(p->text);
	p->text = NULL;
	FILE *f = open_memstream(&p->text, &p->len);
	p->c->db = d;
	err_clear(&p->c->err);
	err_clear(&p->c->db_err);
	p->ok = metrics_write_db(p->c, f) == 0;
	fclose(f);
	return p->c->db_err.kind == ERR_BUSY ? TX_AGAIN : TX_COMMIT;
}

char *http_metrics_render(struct http_metrics *m, tx_runner *tx, replica *r, fl_clock *clock, size_t *len)
{
	char *text = NULL;
	FILE *out = open_memstream(&text, len);
	pthread_mutex_lock(&m->mu);
	struct series *all = xmalloc(sizeof m->s);
	size_t n = 0;
	for (size_t i = 0; i < SLOTS; i++)
		if (m->s[i].route)
			all[n++] = m->s[i];
	long in_flight = m->in_flight;
	pthread_mutex_unlock(&m->mu);
	qsort(all, n, sizeof *all, series_cmp);
	write_requests(out, all, n);
	free(all);
	fprintf(out,
		"# HELP frontline_http_requests_in_flight Requests being read, run or answered now.\n"
		"# TYPE frontline_http_requests_in_flight gauge\nfrontline_http_requests_in_flight %ld\n"
		"# HELP frontline_process_start_time_seconds When this server started (Unix time).\n"
		"# TYPE frontline_process_start_time_seconds gauge\nfrontline_process_start_time_seconds %lld\n",
		in_flight, (long long)m->started);
	write_pool(out, tx);
	if (r)
		write_replica(out, r);
	svc_ctx c = {.clock = clock, .now = clock_now(clock)};
	tick_as_system(&c, "");
	struct db_part p = {.c = &c};
	int done = tx_run(tx, TX_READ, db_work, &p) == TX_DONE && p.ok;
	svc_ctx_release(&c);
	if (p.text)
		fwrite(p.text, 1, p.len, out);
	free(p.text);
	fprintf(out,
		"# HELP frontline_db_up Whether the database gauges above could be read (1) or not (0).\n"
		"# TYPE frontline_db_up gauge\nfrontline_db_up %d\n",
		done);
	fclose(out);
	return text;
}
