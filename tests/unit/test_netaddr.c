/* Client addresses behind trusted proxies (issue 13 item 3): X-Forwarded-For is believed only
 * from listed proxies, walked from the right, and never lets a client choose its own address. */
#include "base/netaddr.h"
#include "harness.h"

static const char *client(const char *peer, const char *xff, const char *trusted)
{
	static char out[64];
	netaddr_client(peer, xff, trusted, out, sizeof out);
	return out;
}

TEST(untrusted_peer_is_the_client)
{
	CHECK(strcmp(client("203.0.113.9", "198.51.100.1", NULL), "203.0.113.9") == 0);
	CHECK(strcmp(client("203.0.113.9", "198.51.100.1", ""), "203.0.113.9") == 0);
	CHECK(strcmp(client("203.0.113.9", "198.51.100.1", "127.0.0.1"), "203.0.113.9") == 0);
	CHECK(strcmp(client("127.0.0.1", NULL, "127.0.0.1"), "127.0.0.1") == 0);
}

TEST(trusted_proxy_names_the_client)
{
	CHECK(strcmp(client("127.0.0.1", "198.51.100.1", "127.0.0.1"), "198.51.100.1") == 0);
	/* a client-supplied entry on the left is not believed: the proxy appended the real one */
	CHECK(strcmp(client("127.0.0.1", "1.1.1.1, 198.51.100.1", "127.0.0.1"), "198.51.100.1") == 0);
	/* two proxies in a row, a range and an IPv6 address */
	CHECK(strcmp(client("10.0.0.5", "198.51.100.1, 10.1.2.3", "10.0.0.0/8"), "198.51.100.1") == 0);
	CHECK(strcmp(client("::1", "2001:db8::7", "::1, 10.0.0.0/8"), "2001:db8::7") == 0);
	CHECK(strcmp(client("10.0.0.5", "2001:db8::7,10.9.9.9", "10.0.0.0/8 2001:db8::/32"), "2001:db8::7") == 0);
	/* everything trusted: the leftmost address */
	CHECK(strcmp(client("10.0.0.5", "10.0.0.1, 10.0.0.2", "10.0.0.0/8"), "10.0.0.1") == 0);
}

TEST(garbage_ends_the_walk)
{
	CHECK(strcmp(client("127.0.0.1", "not-an-ip", "127.0.0.1"), "127.0.0.1") == 0);
	CHECK(strcmp(client("127.0.0.1", "198.51.100.1, ", "127.0.0.1"), "127.0.0.1") == 0);
	CHECK(strcmp(client("127.0.0.1", "x, 198.51.100.1", "127.0.0.1"), "198.51.100.1") == 0);
	CHECK(strcmp(client("10.0.0.5", "x, 10.0.0.1", "10.0.0.0/8"), "10.0.0.1") == 0);
	char huge[600];
	memset(huge, '1', sizeof huge - 1);
	huge[sizeof huge - 1] = '\0';
	CHECK(strcmp(client("127.0.0.1", huge, "127.0.0.1"), "127.0.0.1") == 0);
}

TEST(ranges)
{
	CHECK(strcmp(client("192.168.1.200", "198.51.100.1", "192.168.1.128/25"), "198.51.100.1") == 0);
	CHECK(strcmp(client("192.168.1.100", "198.51.100.1", "192.168.1.128/25"), "192.168.1.100") == 0);
	CHECK(strcmp(client("192.168.1.100", "198.51.100.1", "0.0.0.0/0"), "198.51.100.1") == 0);
	CHECK(strcmp(client("192.168.1.100", "198.51.100.1", "::/0"), "192.168.1.100") == 0); /* families differ */
}

TEST(list_validation)
{
	CHECK(netaddr_list_ok(NULL) && netaddr_list_ok("") && netaddr_list_ok("127.0.0.1"));
	CHECK(netaddr_list_ok("10.0.0.0/8, ::1,2001:db8::/32"));
	CHECK(!netaddr_list_ok("localhost"));
	CHECK(!netaddr_list_ok("10.0.0.0/33"));
	CHECK(!netaddr_list_ok("10.0.0.0/"));
	CHECK(!netaddr_list_ok("::1/129"));
	CHECK(!netaddr_list_ok("10.0.0.0/8x"));
}

int main(void)
{
	RUN(untrusted_peer_is_the_client);
	RUN(trusted_proxy_names_the_client);
	RUN(garbage_ends_the_walk);
	RUN(ranges);
	RUN(list_validation);
	DONE();
}
