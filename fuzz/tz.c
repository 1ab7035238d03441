/* TZif reader (base/tz.c): any bytes as a zone file, then the conversions the rota and the
 * directory use, over instants from year -1000 to 3000 and around every transition. */
#include "base/tz.h"

#include "fuzz.h"

#define SPAN_S 64000000000LL /* about 2000 years */

static void probe(const tz_zone *z, int64_t t)
{
	int dst = -1;
	int32_t off = tz_offset_at(z, t, &dst);
	FUZZ_ASSERT(dst == 0 || dst == 1);
	int64_t local = t + off, u[2];
	int n = tz_local_to_utc(z, local, u);
	FUZZ_ASSERT(n >= 0 && n <= 2);
	for (int i = 0; i < n; i++)
		FUZZ_ASSERT(u[i] + tz_offset_at(z, u[i], NULL) == local);
	if (n == 2)
		FUZZ_ASSERT(u[0] < u[1]);
	(void)tz_resolve(z, local);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tz_zone *z = tz_parse(data, size);
	if (!z)
		return 0;
	for (int64_t t = -SPAN_S; t <= SPAN_S; t += SPAN_S / 40)
		probe(z, t);
	/* around instants read from the data (in a version 1 file, its transition times) */
	for (size_t i = 44; i + 8 <= size && i < 44 + 8 * 32; i += 8) {
		int64_t t = (int32_t)((uint32_t)data[i] << 24 | (uint32_t)data[i + 1] << 16 | (uint32_t)data[i + 2] << 8 | data[i + 3]);
		probe(z, t - 1);
		probe(z, t);
	}
	tz_free(z);
	return 0;
}
