// NATS publication (SPEC.md §9): every change event reaches JetStream on its tenant's subject, in commit order per
// config, without credentials, and nothing is lost while NATS or the service is down or when the publishing instance
// dies (another takes the lease over). A private nats-server per file; each test publishes to a stream of its own
// (its own position row and lease) and reads only its own tenant's subject, as the database is shared with other
// files.
import { randomBytes } from "node:crypto";
import { type JetStreamManager, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { Prisma } from "../src/generated/prisma/client.js";
import { subjectOf } from "../src/modules/change-events/change-event.message.js";
import { hasPostgres, startTestApp, type TestApp, tenant } from "./support/app.js";
import { natsServerAvailable, type PrivateNats, startPrivateNats } from "./support/nats-server.js";

const UPSERT = `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id version } }`;
const BATCH = `mutation($t: String!, $configs: [ProviderConfigPatch!]!) { upsertProviderConfigs(tenantId: $t, configs: $configs) { id version } }`;
const DELETE = `mutation($id: UUID!) { deleteProviderConfig(id: $id) { id version } }`;
const HISTORY = `query($t: String!) { configHistory(tenantId: $t, limit: 100) { items { id configId version changeType } } }`;
const CHANGES = `query($t: String!, $after: String) { configChanges(tenantId: $t, after: $after) { items { change { id } } } }`;
const API_KEY = "sk_live_nats_never_published_4242";

interface Published {
  subject: string;
  msgId: string | undefined;
  raw: string;
  // biome-ignore lint/suspicious/noExplicitAny: the payload's shape is what the assertions check.
  payload: Record<string, any>;
}

let nats: PrivateNats;
let client: NatsConnection;
let manager: JetStreamManager;
const apps: TestApp[] = [];

beforeAll(async () => {
  if (!natsServerAvailable()) return;
  nats = await startPrivateNats();
}, 30_000);

// Streams may not overlap in subjects: each test's apps stop and its stream goes before the next test makes one.
const streams: string[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.stop().catch(() => {})));
  for (const stream of streams.splice(0)) await (await jsm()).streams.delete(stream).catch(() => {});
});

afterAll(async () => {
  await client?.close().catch(() => {});
  await nats?.dispose();
});

/** A client of the test's own, (re)connected after the server restarted. */
async function jsm(): Promise<JetStreamManager> {
  if (!client || client.isClosed()) {
    client = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
    manager = await jetstreamManager(client);
  }
  return manager;
}

function newStream(): string {
  const stream = `PCS_T_${randomBytes(4).toString("hex")}`;
  streams.push(stream);
  return stream;
}

async function start(stream: string, env: Record<string, string> = {}): Promise<TestApp> {
  const app = await startTestApp({ env: { NATS_URL: nats.url, NATS_STREAM: stream, LEADER_LEASE_TTL_SECONDS: "2", ...env } });
  apps.push(app);
  return app;
}

/** Waits until the publication has recorded where it starts (the first leader's first round). */
async function publicationStarted(app: TestApp, stream: string): Promise<void> {
  await waitFor(async () => {
    const rows = await app.asAllTenants((db) =>
      db.query(Prisma.sql`SELECT 1 FROM event_publication WHERE name = ${`nats-publication.${stream}`}`),
    );
    return rows.length === 1;
  }, "the publication to start");
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every message the stream holds on `subject`, in stream order. */
async function messagesOf(stream: string, subject: string): Promise<Published[]> {
  const m = await jsm();
  const info = await m.streams.info(stream);
  const found: Published[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const message = await m.streams.getMessage(stream, { seq }).catch(() => null);
    if (!message || message.subject !== subject) continue;
    const raw = new TextDecoder().decode(message.data);
    found.push({ subject: message.subject, msgId: message.header.get("Nats-Msg-Id"), raw, payload: JSON.parse(raw) });
  }
  return found;
}

async function historyOf(app: TestApp, tenantId: string): Promise<Array<{ id: string; configId: string; version: number }>> {
  const response = await app.gql(HISTORY, { t: tenantId });
  return response.data?.configHistory.items ?? [];
}

/** Waits until the stream holds every event of the tenant, then returns the messages. */
async function allPublished(app: TestApp, stream: string, tenantId: string, timeoutMs?: number): Promise<Published[]> {
  const expected = (await historyOf(app, tenantId)).length;
  let messages: Published[] = [];
  await waitFor(
    async () => {
      messages = await messagesOf(stream, subjectOf(tenantId));
      return messages.length >= expected;
    },
    `${expected} events on ${subjectOf(tenantId)}`,
    timeoutMs,
  );
  return messages;
}

/** Creates, updates, batch-writes and deletes: six events over three configs. */
async function writeSome(app: TestApp, tenantId: string): Promise<void> {
  const created = await app.gql(UPSERT, { input: { tenantId, providerType: "PAYMENT", providerName: "moyasar", apiKey: API_KEY } });
  expect(created.errors).toBeUndefined();
  await app.gql(UPSERT, { input: { tenantId, providerType: "PAYMENT", providerName: "moyasar", priority: "SECONDARY" } });
  const batch = await app.gql(BATCH, {
    t: tenantId,
    configs: [
      { providerType: "SMS", providerName: "unifonic", apiKey: API_KEY, configData: { sender: "SAHOOL" } },
      { providerType: "MAP", providerName: "mapbox", enabled: false },
    ],
  });
  expect(batch.errors).toBeUndefined();
  await app.gql(UPSERT, { input: { tenantId, providerType: "SMS", providerName: "unifonic", configData: { sender: "SAHOOL2" } } });
  const deleted = await app.gql(DELETE, { id: created.data?.upsertProviderConfig.id });
  expect(deleted.errors).toBeUndefined();
}

/** Every event once (by id), and for each config its versions in increasing order. */
function expectCompleteAndOrdered(messages: Published[], history: Array<{ id: string; configId: string; version: number }>): void {
  const ids = new Set(messages.map((message) => message.payload.eventId));
  expect([...ids].sort()).toEqual(history.map((entry) => entry.id).sort());
  expect(messages).toHaveLength(history.length); // JetStream dropped any re-publish by Nats-Msg-Id
  const versions = new Map<string, number>();
  for (const { payload } of messages) {
    expect(payload.version).toBeGreaterThan(versions.get(payload.configId) ?? 0);
    versions.set(payload.configId, payload.version);
  }
}

describe.skipIf(!natsServerAvailable())("publication to JetStream", () => {
  test("every write's event on the tenant's subject, with the payload and Nats-Msg-Id, in order, never a credential", async () => {
    const stream = newStream();
    const app = await start(stream);
    await publicationStarted(app, stream);
    const tenantId = `${tenant("n")}.eu`; // a '.' is a subject separator: it becomes '_'
    await writeSome(app, tenantId);

    const messages = await allPublished(app, stream, tenantId);
    const history = await historyOf(app, tenantId);
    expect(history).toHaveLength(6);
    expectCompleteAndOrdered(messages, history);
    expect(messages[0]?.subject).toBe(`sahool.tenant.${tenantId.replace(".", "_")}.config.updated`);
    for (const message of messages) {
      expect(message.msgId).toBe(message.payload.eventId);
      expect(message.raw).not.toContain(API_KEY);
      expect(message.raw).not.toMatch(/apiKey"|apiSecret|api_key|apiKeyHint/);
      expect(Object.keys(message.payload).sort()).toEqual(
        [
          "eventId",
          "cursor",
          "tenantId",
          "configId",
          "providerType",
          "providerName",
          "changeType",
          "version",
          "priority",
          "enabled",
          "configData",
          "hasApiKey",
          "changedAt",
          "changedBy",
          "changeReason",
        ].sort(),
      );
      expect(message.payload.tenantId).toBe(tenantId);
      expect(new Date(message.payload.changedAt).toISOString()).toBe(message.payload.changedAt);
    }
    const first = messages[0]?.payload;
    expect(first).toMatchObject({ providerType: "PAYMENT", providerName: "moyasar", changeType: "CREATED", version: 1, hasApiKey: true });
    expect(messages.at(-1)?.payload).toMatchObject({ changeType: "DELETED", providerName: "moyasar" });
    expect(messages.find((m) => m.payload.providerName === "mapbox")?.payload).toMatchObject({ enabled: false, hasApiKey: false });

    // The cursor resumes configChanges right after that event.
    const rest = await app.gql(CHANGES, { t: tenantId, after: first?.cursor });
    expect(rest.data?.configChanges.items.map((item: { change: { id: string } }) => item.change.id)).toEqual(
      messages.slice(1).map((message) => message.payload.eventId),
    );

    const metrics = await app.app.metrics.render();
    expect(metrics).toMatch(new RegExp(`pcs_leader\\{lease="nats-publication.${stream}"\\} 1`));
    expect(metrics).toMatch(/pcs_events_published_total [1-9]/);
    await waitFor(async () => /pcs_event_publication_lag_seconds 0\n/.test(await app.app.metrics.render()), "the lag to read 0");
  });

  test("NATS unreachable from the start: the service starts, is ready and writes succeed", async () => {
    const stream = newStream();
    const app = await start(stream, { NATS_URL: "nats://127.0.0.1:1" });
    await publicationStarted(app, stream); // recorded in the database, NATS or not
    const tenantId = tenant("nonats");
    const written = await app.gql(UPSERT, { input: { tenantId, providerType: "MAP", providerName: "openstreetmap" } });
    expect(written.errors).toBeUndefined();
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    await waitFor(async () => app.logs.some((line) => line.msg === "event publication round failed; retrying"), "a failed round");
  });

  test("NATS down: writes still succeed; once it is back every event is published, none twice", async () => {
    const stream = newStream();
    const app = await start(stream);
    await publicationStarted(app, stream);
    const tenantId = tenant("down");
    await app.gql(UPSERT, { input: { tenantId, providerType: "MAP", providerName: "openstreetmap" } });
    await allPublished(app, stream, tenantId);

    await nats.stop();
    try {
      await writeSome(app, tenantId); // asserts every write succeeded
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await app.app.metrics.render()).toMatch(/pcs_event_publication_lag_seconds (0\.\d*[1-9]|[1-9])/);
    } finally {
      await nats.start();
    }
    const messages = await allPublished(app, stream, tenantId, 30_000);
    expectCompleteAndOrdered(messages, await historyOf(app, tenantId));
    const failure = app.logs.find((line) => line.msg === "event publication round failed; retrying");
    expect(failure).toMatchObject({ reason: "EventSinkError", detail: expect.any(String) });
    expect(JSON.stringify(app.logs)).not.toContain(API_KEY);
  }, 60_000);
});

describe.skipIf(!natsServerAvailable() || !hasPostgres())("restarts and several instances (PostgreSQL)", () => {
  test("service restart: what was written while it was stopped is published from the recorded position", async () => {
    const stream = newStream();
    const tenantId = tenant("restart");
    const first = await start(stream);
    await publicationStarted(first, stream);
    await first.gql(UPSERT, { input: { tenantId, providerType: "MAP", providerName: "openstreetmap" } });
    await allPublished(first, stream, tenantId);
    const database = first.app.config.database.url as string;
    await first.stop();

    // Written by an instance without NATS (or any other writer) while the publisher is away.
    const writer = await startTestApp({ env: { DATABASE_URL: database } });
    apps.push(writer);
    await writeSome(writer, tenantId);
    await writer.stop();
    const second = await start(stream);
    expectCompleteAndOrdered(await allPublished(second, stream, tenantId), await historyOf(second, tenantId));
  });
  test("only the lease holder publishes; when it dies the other takes over within the TTL, nothing lost", async () => {
    const stream = newStream();
    const [a, b] = await Promise.all([start(stream), start(stream)]);
    if (!a || !b) throw new Error("two instances expected");
    await publicationStarted(a, stream);
    const leading = async (app: TestApp) => /pcs_leader\{lease="[^"]+"\} 1/.test(await app.app.metrics.render());
    await waitFor(async () => (await leading(a)) !== (await leading(b)), "exactly one leader");
    const [leader, follower] = (await leading(a)) ? [a, b] : [b, a];
    const published = async (app: TestApp) => Number(/pcs_events_published_total (\d+)/.exec(await app.app.metrics.render())?.[1]);

    const tenantId = tenant("lease");
    await writeSome(follower, tenantId);
    await allPublished(follower, stream, tenantId);
    expect(await published(follower)).toBe(0);
    expect(await published(leader)).toBeGreaterThanOrEqual(6);

    // The leader dies: it stops without releasing its lease, which has to expire first.
    const diedAt = Date.now();
    await leader.app.eventPublisher?.stop({ release: false });
    await follower.gql(UPSERT, { input: { tenantId, providerType: "WEATHER", providerName: "openweathermap" } });
    await waitFor(() => leading(follower), "the follower to take the lease over");
    expect(Date.now() - diedAt).toBeLessThan(10_000); // TTL 2 s + a renewal interval; 15 s + 5 s by default
    expectCompleteAndOrdered(await allPublished(follower, stream, tenantId), await historyOf(follower, tenantId));
    expect(follower.logs.some((line) => line.msg === "lease acquired")).toBe(true);
  }, 60_000);
});
