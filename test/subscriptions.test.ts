// providerConfigChanged over graphql-ws on /graphql (SPEC.md §9), through the real HTTP server with graphql-ws's own
// client: live events, `after` replay then live, the type filter, authentication (connection_init payload or
// upgrade header; 4401; FORBIDDEN and BAD_USER_INPUT as `error` messages on an open socket), every instance on one
// database, no credential in any frame, the limits HTTP has plus the per-socket ones, and a clean stop().
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { FormattedExecutionResult } from "graphql";
import { type Client, createClient } from "graphql-ws";
import { generateKeyPair } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { WebSocket } from "ws";
import { hasPostgres, hasRedis, redisEnv, redisPrefix, startTestApp, type TestApp, tenant } from "./support/app.js";
import { mintToken, TEST_JWT_SECRET, tokenFor } from "./support/tokens.js";

const UPSERT = `mutation($i: UpsertProviderConfigInput!) { upsertProviderConfig(input: $i) { id version } }`;
const CHANGES = `subscription($t: String!, $p: ProviderType, $a: String) {
  providerConfigChanged(tenantId: $t, providerType: $p, after: $a) {
    cursor change { providerType providerName version changeType hasApiKey configData }
  }
}`;

interface Event {
  cursor: string;
  change: { providerType: string; providerName: string; version: number; changeType: string; hasApiKey: boolean };
}
type Result = FormattedExecutionResult<{ providerConfigChanged: Event }>;

interface ClientOptions {
  connectionParams?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** Every frame the server sent, as text. */
  frames?: string[];
}

/** graphql-ws's client on node's `ws`, with no retries: a close is reported as it is. */
function connect(t: TestApp, options: ClientOptions = {}): Client & { closeCodes: number[] } {
  const { headers, frames } = options;
  class Socket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
      if (frames) this.on("message", (data) => frames.push(String(data)));
    }
  }
  const closeCodes: number[] = [];
  const client = createClient({
    url: `${t.url.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: Socket,
    connectionParams: options.connectionParams,
    retryAttempts: 0,
    on: { closed: (event) => closeCodes.push((event as { code: number }).code) },
  });
  return Object.assign(client, { closeCodes });
}

/** One subscription's results as they arrive, its error (an array of GraphQL errors or a close event) and end. */
class Subscription {
  readonly results: Result[] = [];
  error: unknown;
  completed = false;
  readonly unsubscribe: () => void;

  constructor(client: Client, variables: Record<string, unknown>, query = CHANGES) {
    this.unsubscribe = client.subscribe<Result["data"]>(
      { query, variables },
      {
        next: (result) => this.results.push(result as Result),
        error: (error) => {
          this.error = error;
        },
        complete: () => {
          this.completed = true;
        },
      },
    );
  }

  get events(): Event[] {
    return this.results.flatMap((result) => (result.data?.providerConfigChanged ? [result.data.providerConfigChanged] : []));
  }

  get names(): string[] {
    return this.events.map((event) => `${event.change.providerName}@${event.change.version}`);
  }

  /** The extensions.code of the `error` message, or the close code. */
  get errorCode(): unknown {
    if (Array.isArray(this.error)) return this.error[0]?.extensions?.code;
    return (this.error as { code?: number } | undefined)?.code;
  }
}

/** Streams open on the instance (the gauge), so that a test writes only once its subscription listens. */
async function openStreams(t: TestApp): Promise<number> {
  const text = await t.app.metrics.render();
  return Number(/^pcs_subscriptions_open (\d+)$/m.exec(text)?.[1] ?? 0);
}

async function subscribed(t: TestApp, client: Client, variables: Record<string, unknown>, query?: string): Promise<Subscription> {
  const before = await openStreams(t);
  const subscription = new Subscription(client, variables, query);
  await expect.poll(() => openStreams(t), { timeout: 3000 }).toBe(before + 1);
  return subscription;
}

async function upsert(t: TestApp, tenantId: string, providerName: string, extra: Record<string, unknown> = {}, headers = {}) {
  const response = await t.gql(UPSERT, { i: { tenantId, providerType: "MAP", providerName, ...extra } }, headers);
  expect(response.errors).toBeUndefined();
}

describe("providerConfigChanged over graphql-ws (no authentication)", () => {
  let t: TestApp;
  let client: ReturnType<typeof connect>;
  beforeAll(async () => {
    t = await startTestApp();
    client = connect(t);
  });
  afterAll(async () => {
    await client?.dispose();
    await t?.stop();
  });
  // Every test ends its subscriptions, so the next one can tell from the gauge when its own are listening.
  afterEach(() => expect.poll(() => openStreams(t)).toBe(0));

  test("a live event soon after the mutation", async () => {
    const tenantId = tenant("ws-live");
    const subscription = await subscribed(t, client, { t: tenantId });
    await upsert(t, tenantId, "openstreetmap", { configData: { zoom: 3 } });
    // SPEC.md §9 asks for 1 s; the test allows for a loaded CI machine (npm run bench:subscriptions measures it).
    await expect.poll(() => subscription.names, { interval: 20 }).toEqual(["openstreetmap@1"]);
    expect(subscription.events[0]?.change).toMatchObject({ providerType: "MAP", changeType: "CREATED", configData: { zoom: 3 } });
    expect(subscription.results[0]?.errors).toBeUndefined();
    subscription.unsubscribe();
    await expect.poll(() => openStreams(t)).toBe(0);
    expect(await t.app.metrics.render()).toMatch(/^pcs_subscription_events_delivered_total [1-9]/m);
  });

  test("after: the missed events first, then live ones, with no gap and no duplicate", async () => {
    const tenantId = tenant("ws-after");
    for (const name of ["first", "second", "third"]) await upsert(t, tenantId, name);
    // The first event's cursor, once the feed shows it (it waits for older transactions on the server to end).
    const firstCursor = () =>
      t
        .gql(`query($t: String!) { configChanges(tenantId: $t, limit: 1) { cursor } }`, { t: tenantId })
        .then((page) => page.data?.configChanges.cursor);
    await expect.poll(firstCursor).toBeTruthy();
    const subscription = new Subscription(client, { t: tenantId, a: await firstCursor() });
    await expect.poll(() => subscription.names).toEqual(["second@1", "third@1"]);
    await upsert(t, tenantId, "fourth");
    await upsert(t, tenantId, "second", { enabled: false });
    await expect.poll(() => subscription.names).toEqual(["second@1", "third@1", "fourth@1", "second@2"]);
    expect(new Set(subscription.events.map((event) => event.cursor)).size).toBe(4);
    // Resuming from any event's cursor gives exactly what followed it.
    const resumed = new Subscription(client, { t: tenantId, a: subscription.events[1]?.cursor });
    await expect.poll(() => resumed.names).toEqual(["fourth@1", "second@2"]);
    subscription.unsubscribe();
    resumed.unsubscribe();
  });

  test("a provider type filter gets only that type", async () => {
    const tenantId = tenant("ws-type");
    const subscription = await subscribed(t, client, { t: tenantId, p: "WEATHER" });
    await upsert(t, tenantId, "openstreetmap");
    const weather = await t.gql(UPSERT, { i: { tenantId, providerType: "WEATHER", providerName: "open_meteo" } });
    expect(weather.errors).toBeUndefined();
    await expect.poll(() => subscription.names).toEqual(["open_meteo@1"]);
    subscription.unsubscribe();
  });

  test("no frame ever carries a credential", async () => {
    const tenantId = tenant("ws-secret");
    const apiKey = "sk_live_ws_frames_0123456789abcdef";
    const apiSecret = "whsec_ws_frames_fedcba9876543210";
    const frames: string[] = [];
    const sniffed = connect(t, { frames });
    try {
      const subscription = await subscribed(t, sniffed, { t: tenantId });
      await upsert(t, tenantId, "mapbox", { apiKey, apiSecret });
      await expect.poll(() => subscription.names).toEqual(["mapbox@1"]);
      expect(subscription.events[0]?.change.hasApiKey).toBe(true);
      const all = frames.join("\n");
      expect(all).toContain("mapbox");
      for (const secret of [apiKey, apiSecret, apiKey.slice(-8), apiSecret.slice(-8)]) expect(all).not.toContain(secret);
    } finally {
      await sniffed.dispose();
    }
  });

  test("the limits of HTTP hold, and only subscriptions are served; nothing runs", async () => {
    const nested = (depth: number): string => (depth === 0 ? "name" : `ofType { ${nested(depth - 1)} }`);
    // Validation covers the whole document, as over HTTP: a subscription next to a too-deep operation is refused.
    const tooDeep = `subscription S { providerConfigChanged(tenantId: "x") { cursor } }
      query Q { __type(name: "ConfigVersion") { fields { type { ${nested(14)} } } } }`;
    const aliases = Array.from({ length: 2000 }, (_, i) => `a${i}: cursor`).join(" ");
    const cases = {
      query: new Subscription(client, {}, "{ __typename }"),
      mutation: new Subscription(client, {}, "mutation { __typename }"),
      tooDeep: new Subscription(client, {}, tooDeep),
      syntax: new Subscription(client, {}, "subscription { providerConfigChanged("),
      tooManyTokens: new Subscription(client, {}, `subscription { providerConfigChanged(tenantId: "x") { ${aliases} } }`),
      repeated: new Subscription(client, {}, `subscription { providerConfigChanged(tenantId: "x") { ${"cursor ".repeat(20)} } }`),
      badVariable: new Subscription(client, { t: "x", p: "NOPE_SECRET" }),
    };
    await expect
      .poll(() => Object.fromEntries(Object.entries(cases).map(([name, s]) => [name, s.errorCode])))
      .toEqual({
        query: "BAD_REQUEST",
        mutation: "BAD_REQUEST",
        tooDeep: "GRAPHQL_VALIDATION_FAILED",
        syntax: "GRAPHQL_PARSE_FAILED",
        tooManyTokens: "GRAPHQL_PARSE_FAILED",
        repeated: "GRAPHQL_VALIDATION_FAILED",
        badVariable: "BAD_USER_INPUT",
      });
    expect(JSON.stringify(cases.tooDeep.error)).toMatch(/depth 1\d exceeds the limit of 15/);
    expect(JSON.stringify(cases.query.error)).toMatch(/POST \/graphql/);
    expect(JSON.stringify(cases.badVariable.error)).not.toContain("NOPE_SECRET");
    expect(await openStreams(t)).toBe(0);
  });

  test("at most 100 subscriptions per connection", async () => {
    const tenantId = tenant("ws-many");
    const own = connect(t);
    try {
      const subscriptions = Array.from({ length: 100 }, () => new Subscription(own, { t: tenantId }));
      await expect.poll(() => openStreams(t), { timeout: 10_000 }).toBe(100);
      const refused = new Subscription(own, { t: tenantId });
      await expect.poll(() => refused.errorCode).toBe("BAD_REQUEST");
      expect(JSON.stringify(refused.error)).toMatch(/At most 100 subscriptions per connection/);
      // The connection stays usable: one ends, another starts.
      subscriptions[0]?.unsubscribe();
      await expect.poll(() => openStreams(t)).toBe(99);
      const replacement = new Subscription(own, { t: tenantId });
      await expect.poll(() => openStreams(t)).toBe(100);
      await upsert(t, tenantId, "openstreetmap");
      await expect.poll(() => replacement.names).toEqual(["openstreetmap@1"]);
      await expect.poll(() => subscriptions[99]?.names).toEqual(["openstreetmap@1"]);
    } finally {
      await own.dispose();
    }
    await expect.poll(() => openStreams(t)).toBe(0);
  });

  test("a message over 64 KiB closes the socket (1009)", async () => {
    const socket = new WebSocket(`${t.url.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws");
    await new Promise((resolve) => socket.once("open", resolve));
    const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
    socket.send(JSON.stringify({ type: "connection_init", payload: { pad: "x".repeat(70 * 1024) } }));
    expect(await closed).toBe(1009);
  });

  test("a cross-origin browser is refused while authentication is off; the same origin is not", async () => {
    const url = `${t.url.replace(/^http/, "ws")}/graphql`;
    const status = (origin: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(url, "graphql-transport-ws", { origin });
        socket.once("open", () => {
          socket.close();
          resolve(101);
        });
        socket.once("unexpected-response", (_request, response: IncomingMessage) => resolve(response.statusCode ?? 0));
        socket.once("error", () => {});
      });
    expect(await status("https://evil.example")).toBe(403);
    expect(await status(t.url)).toBe(101);
  });

  test("a subscription sent over HTTP is refused with a pointer to WebSocket", async () => {
    const response = await t.gql(`subscription { providerConfigChanged(tenantId: "x") { cursor } }`);
    expect(response.status).toBe(400);
    expect(response.errors?.[0]).toMatchObject({ extensions: { code: "BAD_REQUEST" } });
    expect(response.errors?.[0]?.message).toMatch(/WebSocket/);
  });
});

describe("authentication (AUTH_JWT_SECRET set)", () => {
  let t: TestApp;
  const tenantId = tenant("ws-auth");
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_JWT_SECRET: TEST_JWT_SECRET } });
  });
  afterAll(() => t?.stop());

  async function writer(): Promise<Record<string, string>> {
    return { authorization: `Bearer ${await tokenFor("writer", [tenantId])}` };
  }

  test("the token in the connection_init payload (any case of the key) or in the upgrade header", async () => {
    const token = await tokenFor("reader", [tenantId], "config:read");
    const clients = [
      connect(t, { connectionParams: { authorization: `Bearer ${token}` } }),
      connect(t, { connectionParams: { Authorization: `Bearer ${token}` } }),
      connect(t, { headers: { authorization: `Bearer ${token}` } }),
    ];
    try {
      const subscriptions: Subscription[] = [];
      for (const client of clients) subscriptions.push(await subscribed(t, client, { t: tenantId }));
      await upsert(t, tenantId, "openstreetmap", {}, await writer());
      for (const subscription of subscriptions) await expect.poll(() => subscription.names).toEqual(["openstreetmap@1"]);
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
    }
  });

  test("no token, or an invalid one: the socket closes with 4401", async () => {
    const cases = [
      connect(t),
      connect(t, { connectionParams: { authorization: "Bearer not-a-jwt" } }),
      connect(t, { connectionParams: { authorization: 42 } }),
      connect(t, { headers: { authorization: `Bearer ${await tokenFor("x", [tenantId], "config:read", { key: new Uint8Array(32) })}` } }),
    ];
    const subscriptions = cases.map((client) => new Subscription(client, { t: tenantId }));
    await expect.poll(() => subscriptions.map((s) => s.errorCode)).toEqual([4401, 4401, 4401, 4401]);
    for (const client of cases) expect(client.closeCodes).toEqual([4401]);
    await Promise.all(cases.map((client) => client.dispose()));
  });

  test("a tenant the token does not grant is FORBIDDEN, a bad cursor BAD_USER_INPUT; the socket stays open", async () => {
    const token = await tokenFor("reader", [tenantId], "config:read");
    const client = connect(t, { connectionParams: { authorization: `Bearer ${token}` } });
    try {
      // Opened first: graphql-ws's client closes a connection that has no subscription left.
      const allowed = await subscribed(t, client, { t: tenantId });
      const otherTenant = new Subscription(client, { t: tenant("ws-other") });
      const noScope = connect(t, { connectionParams: { authorization: `Bearer ${await tokenFor("r", [tenantId], "secrets:read")}` } });
      const withoutScope = new Subscription(noScope, { t: tenantId });
      const badCursor = new Subscription(client, { t: tenantId, a: "bm9wZQ" });
      await expect
        .poll(() => [otherTenant.errorCode, withoutScope.errorCode, badCursor.errorCode])
        .toEqual(["FORBIDDEN", "FORBIDDEN", "BAD_USER_INPUT"]);
      expect(badCursor.error).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field: "after" } }]);
      await noScope.dispose();
      await upsert(t, tenantId, "mapbox", { apiKey: "pk.ws-auth-0123456789" }, await writer());
      await expect.poll(() => allowed.names).toEqual(["mapbox@1"]);
      expect(client.closeCodes).toEqual([]);
    } finally {
      await client.dispose();
    }
  });

  test("a socket is closed with 4401 when its token expires", async () => {
    // Verification allows 30 s of clock skew, and so does the socket: a token 29 s past exp has about 1 s left.
    const token = await tokenFor("reader", [tenantId], "config:read", { expiresIn: -29 });
    const client = connect(t, { connectionParams: { authorization: `Bearer ${token}` } });
    const subscription = new Subscription(client, { t: tenantId });
    await expect.poll(() => subscription.errorCode, { timeout: 5000 }).toBe(4401);
    await client.dispose();
  });
});

test("an identity provider that does not answer: the socket closes with 4503 (clients retry it)", async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const down = await startTestApp({ env: { AUTH_JWKS_URL: `http://127.0.0.1:${port}/jwks` } });
  try {
    const { privateKey } = await generateKeyPair("RS256");
    const token = await mintToken({ sub: "reader", tenants: ["*"], scope: "config:read" }, { key: privateKey, alg: "RS256", kid: "k1" });
    const client = connect(down, { connectionParams: { authorization: `Bearer ${token}` } });
    const subscription = new Subscription(client, { t: tenant("ws-idp") });
    await expect.poll(() => subscription.errorCode, { timeout: 10_000 }).toBe(4503);
    await client.dispose();
  } finally {
    await down.stop();
  }
});

describe.skipIf(!hasPostgres())("every instance on one database", () => {
  for (const withRedis of [true, false]) {
    test.skipIf(withRedis && !hasRedis())(
      `subscribe on B, write on A: delivered within 1 s (${withRedis ? "Redis" : "poll only"})`,
      async () => {
        const env = withRedis ? redisEnv(redisPrefix("ws")) : {};
        const [a, b] = await Promise.all([startTestApp({ env }), startTestApp({ env })]);
        const client = connect(b);
        try {
          const tenantId = tenant("ws-cross");
          const subscription = await subscribed(b, client, { t: tenantId });
          for (let n = 1; n <= 3; n++) {
            await upsert(a, tenantId, "openstreetmap", { configData: { n } });
            await expect.poll(() => subscription.names.length, { interval: 10 }).toBe(n);
          }
          expect(subscription.names).toEqual(["openstreetmap@1", "openstreetmap@2", "openstreetmap@3"]);
        } finally {
          await client.dispose();
          await Promise.all([a.stop(), b.stop()]);
        }
      },
    );
  }
});

test("stop() with open subscriptions closes their sockets with 1001 and ends their streams", async () => {
  const t = await startTestApp();
  const client = connect(t);
  const subscription = await subscribed(t, client, { t: tenant("ws-stop") });
  const started = Date.now();
  await t.stop();
  expect(Date.now() - started).toBeLessThan(3000);
  expect(client.closeCodes).toEqual([1001]);
  expect(subscription.errorCode).toBe(1001);
  expect(await openStreams(t)).toBe(0);
  expect(await t.app.metrics.render()).toMatch(/^pcs_subscriptions_ended_total\{reason="closed"\} 1$/m);
  await client.dispose();
});
