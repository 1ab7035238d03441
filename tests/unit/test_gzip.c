/* gzip for answers: which Accept-Encoding values take it, which types are worth it, and a
 * compressed body that inflates back to the original. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "harness.h"
#include "http/gzip.h"

TEST(accepts)
{
	CHECK(http_accepts_gzip("gzip") == 1);
	CHECK(http_accepts_gzip("gzip, deflate, br") == 1);
	CHECK(http_accepts_gzip("deflate, GZIP;q=0.5") == 1);
	CHECK(http_accepts_gzip("*") == 1);
	CHECK(http_accepts_gzip(" br ; q=1 , gzip ; q=0.001") == 1);
}

TEST(refuses)
{
	CHECK(http_accepts_gzip(NULL) == 0);
	CHECK(http_accepts_gzip("") == 0);
	CHECK(http_accepts_gzip("identity") == 0);
	CHECK(http_accepts_gzip("gzip;q=0") == 0);
	CHECK(http_accepts_gzip("gzip;q=0.000, deflate") == 0);
	CHECK(http_accepts_gzip("x-gzip2, gzipx") == 0);
	CHECK(http_accepts_gzip("*;q=0") == 0);
}

TEST(types)
{
	CHECK(http_gzip_type("application/json") == 1);
	CHECK(http_gzip_type("text/csv; charset=utf-8") == 1);
	CHECK(http_gzip_type("text/javascript; charset=utf-8") == 1);
	CHECK(http_gzip_type("image/png") == 0);
	CHECK(http_gzip_type("application/octet-stream") == 0);
	CHECK(http_gzip_type(NULL) == 0);
}

TEST(round_trip)
{
	size_t n = 20000;
	char *in = malloc(n);
	for (size_t i = 0; i < n; i++)
		in[i] = "{\"items\": [1, 2, 3]}"[i % 20];
	char *z = NULL;
	size_t zlen = 0;
	CHECK(http_gzip(in, n, &z, &zlen) == 0);
	CHECK(zlen < n / 10);
	CHECK((unsigned char)z[0] == 0x1f && (unsigned char)z[1] == 0x8b); /* the gzip magic */
	char *back = malloc(n);
	z_stream s;
	memset(&s, 0, sizeof s);
	CHECK(inflateInit2(&s, 15 + 16) == Z_OK);
	s.next_in = (Bytef *)z;
	s.avail_in = (uInt)zlen;
	s.next_out = (Bytef *)back;
	s.avail_out = (uInt)n;
	CHECK(inflate(&s, Z_FINISH) == Z_STREAM_END);
	CHECK(s.total_out == n && memcmp(in, back, n) == 0);
	inflateEnd(&s);
	free(z);
	free(back);
	free(in);
}

TEST(incompressible_is_refused)
{
	unsigned char in[64];
	for (size_t i = 0; i < sizeof in; i++)
		in[i] = (unsigned char)(i * 151 + 7);
	char *z = NULL;
	size_t zlen = 0;
	CHECK(http_gzip(in, sizeof in, &z, &zlen) == -1); /* not smaller: sent as it is */
	CHECK(z == NULL);
}

int main(void)
{
	RUN(accepts);
	RUN(refuses);
	RUN(types);
	RUN(round_trip);
	RUN(incompressible_is_refused);
	DONE();
}
