// A typed client generated from the server's own API document (openapi-typescript types +
// openapi-fetch) opens a case, offers it and has the recipient accept it, against a real server.
// tsc --strict checks this file against the generated types (client/api.d.ts, made by the test
// from /api/v1/openapi.json): a path, a parameter, a body field or a response field that the
// document does not have fails the compile; a server that answers otherwise than the document
// says fails the checks below.  Run by tests/e2e/test_generated_client.py:
//   BASE_URL=http://127.0.0.1:PORT ORG=vendor-co FROM=chris@... TO=pat@... PASSWORD=... node client/out/client-test.js
import createClient from "openapi-fetch";
import type { paths, components } from "./client/api.js";

type Case = components["schemas"]["Case"];
type Offer = components["schemas"]["Offer"];

const env = (name: string): string => {
	const v = process.env[name];
	if (!v) throw new Error(`${name} is not set`);
	return v;
};
const baseUrl = env("BASE_URL");
let checks = 0;
function check(cond: unknown, what: string): asserts cond {
	if (!cond) throw new Error(`check failed: ${what}`);
	checks++;
}

async function signIn(email: string) {
	const anon = createClient<paths>({ baseUrl });
	const { data, error, response } = await anon.POST("/api/v1/auth/login", {
		body: { org: env("ORG"), email, password: env("PASSWORD") },
	});
	check(response.status === 200 && data, `sign-in of ${email}: ${response.status} ${JSON.stringify(error)}`);
	check(typeof data.token === "string" && data.token.length > 20, "a session token");
	return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${data.token}` } });
}

const chris = await signIn(env("FROM"));
const pat = await signIn(env("TO"));

const me = await pat.GET("/api/v1/me");
check(me.data && me.data.email === env("TO"), "GET /me names the recipient");
const patId: string = me.data.id;

const opened = await chris.POST("/api/v1/cases", {
	body: { subject: "Generated client: printer jams", channel: "chat", customer_name: "Casey Client" },
	headers: { "Idempotency-Key": "generated-client-open-1" },
});
check(opened.response.status === 201 && opened.data, `open a case: ${opened.response.status}`);
const kase: Case = opened.data;
check(kase.status === "open" && typeof kase.number === "number", "an open case with a number");

const offered = await chris.POST("/api/v1/cases/{id}/offers", {
	params: { path: { id: kase.id } },
	body: { to: env("TO"), note: "you know this printer" },
});
check(offered.response.status === 201 && offered.data, `offer it: ${offered.response.status}`);
const offer: Offer = offered.data;
check(offer.status === "pending", "the offer is pending");

const waiting = await pat.GET("/api/v1/offers", { params: { query: { status: "pending", limit: 10 } } });
check(waiting.data && waiting.data.items.some((o) => o.id === offer.id), "the recipient sees it in their offers");
check(waiting.data.next === null || typeof waiting.data.next === "string", "the list has a next cursor field");

const accepted = await pat.POST("/api/v1/offers/{id}/accept", { params: { path: { id: offer.id } } });
check(accepted.response.status === 200 && accepted.data, `accept it: ${accepted.response.status}`);
check(accepted.data.status === "accepted", "the offer is accepted");

const shown = await chris.GET("/api/v1/cases/{id}", { params: { path: { id: kase.id } } });
check(shown.data && shown.data.owner && shown.data.owner.id === patId, "the case is the recipient's now");

// an error is typed too: accepting again is 409 offer_not_pending
const again = await pat.POST("/api/v1/offers/{id}/accept", { params: { path: { id: offer.id } } });
check(again.response.status === 409 && again.error, `accepting twice: ${again.response.status}`);
check(again.error.error.code === "offer_not_pending", `its code: ${again.error.error.code}`);

console.log(`${checks} passed, 0 failed`);
