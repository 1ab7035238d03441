#include "store/pool.h"

#include <pthread.h>
#include <stdlib.h>

#include "base/util.h"

struct db_pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int n, nfree;
	uint64_t waits; /* takes that found no free connection */
	db **all;
	db **free_list;
};

db_pool *db_pool_open(const char *url, int n, char *err, unsigned long errlen)
{
	db_pool *p = xcalloc(1, sizeof *p);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->all = xcalloc((size_t)n, sizeof *p->all);
	p->free_list = xcalloc((size_t)n, sizeof *p->free_list);
	for (int i = 0; i < n; i++) {
		if (db_open(url, &p->all[i], err, errlen) != DB_OK) {
			p->n = i;
			db_pool_close(p);
			return NULL;
		}
		p->free_list[p->nfree++] = p->all[i];
	}
	p->n = n;
	return p;
}

void db_pool_close(db_pool *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->n; i++)
		db_close(p->all[i]);
	free(p->all);
	free(p->free_list);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
}

db *db_pool_take(db_pool *p)
{
	pthread_mutex_lock(&p->mu);
	p->waits += p->nfree == 0;
	while (p->nfree == 0)
		pthread_cond_wait(&p->cv, &p->mu);
	db *d = p->free_list[--p->nfree];
	pthread_mutex_unlock(&p->mu);
	return d;
}

void db_pool_give(db_pool *p, db *d)
{
	db_rollback(d);
	pthread_mutex_lock(&p->mu);
	p->free_list[p->nfree++] = d;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

void db_pool_stats(db_pool *p, int *size, int *in_use, uint64_t *waits)
{
	pthread_mutex_lock(&p->mu);
	*size = p->n;
	*in_use = p->n - p->nfree;
	*waits = p->waits;
	pthread_mutex_unlock(&p->mu);
}
