// GET /metrics (SPEC.md §1): requests, latency and outcomes per operation, errors by code, database pool, migrations,
// provider health and process metrics; operation names are capped; no credential ever appears in it or in a log line.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type FakeUpstream, startFakeUpstream } from "../src/modules/provider-health/provider-health.test-support.js";
import { codeOf, startTestApp, type TestApp, tenant } from "./support/app.js";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, sample lines only. */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[key as string] = value as string;
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

/** Samples of `name` whose labels include `labels`. */
const find = (samples: Sample[], name: string, labels: Record<string, string> = {}): Sample[] =>
  samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));

const UPSERT = `mutation SaveConfig($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id version hasApiKey } }`;
const LIST = `query ListConfigs($t: String!) { providerConfigs(tenantId: $t) { id } }`;

let t: TestApp;
let upstream: FakeUpstream;
const apiKey = `sk_live_${randomBytes(12).toString("hex")}`;
const inlineKey = `sk_inline_${randomBytes(12).toString("hex")}`;
const checkKey = `owm_${randomBytes(12).toString("hex")}`;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  t = await startTestApp({ env: { PROVIDER_CHECK_ORIGIN_OVERRIDE: upstream.origin } });
});
afterAll(async () => {
  await t?.stop();
  await upstream?.close();
});

async function scrape(): Promise<{ text: string; samples: Sample[] }> {
  const response = await fetch(`${t.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  return { text, samples: parse(text) };
}

describe("GET /metrics", () => {
  test("counts requests per operation and outcome, times them, and counts errors by code", async () => {
    const tenantId = tenant("metrics");
    const saved = await t.gql(UPSERT, { input: { tenantId, providerType: "PAYMENT", providerName: "stripe", apiKey } });
    expect(saved.data?.upsertProviderConfig.hasApiKey).toBe(true);
    // A credential as an inline literal in the query text: the text itself must not be logged.
    const inline = await t.gql(
      `mutation SaveInline { upsertProviderConfig(input: {tenantId: "${tenantId}", providerType: SMS, providerName: "twilio", apiKey: "${inlineKey}"}) { version } }`,
    );
    expect(inline.errors).toBeUndefined();
    expect((await t.gql(LIST, { t: tenantId })).data?.providerConfigs).toHaveLength(2);
    expect((await t.gql(LIST, { t: tenantId })).errors).toBeUndefined();
    const bad = await t.gql(UPSERT.replace("SaveConfig", "BadSave"), {
      input: { tenantId: "no spaces allowed", providerType: "PAYMENT", providerName: "stripe", apiKey },
    });
    expect(codeOf(bad)).toBe("BAD_USER_INPUT");
    expect((await t.gql(`{ __typename }`)).errors).toBeUndefined();
    expect(codeOf(await t.gql(`query Broken { nope }`))).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(codeOf(await t.gql(`query Unparsable {`))).toBe("GRAPHQL_PARSE_FAILED");

    const { samples } = await scrape();
    const requests = (labels: Record<string, string>) => find(samples, "pcs_graphql_requests_total", labels).map((s) => s.value);
    expect(requests({ operation: "ListConfigs", type: "query", outcome: "ok" })).toEqual([2]);
    expect(requests({ operation: "SaveConfig", type: "mutation", outcome: "ok" })).toEqual([1]);
    expect(requests({ operation: "SaveInline", type: "mutation", outcome: "ok" })).toEqual([1]);
    expect(requests({ operation: "BadSave", type: "mutation", outcome: "BAD_USER_INPUT" })).toEqual([1]);
    expect(requests({ operation: "anonymous", type: "query", outcome: "ok" })).toEqual([1]);
    expect(requests({ operation: "Broken", type: "query", outcome: "GRAPHQL_VALIDATION_FAILED" })).toEqual([1]);
    expect(requests({ operation: "anonymous", type: "unknown", outcome: "GRAPHQL_PARSE_FAILED" })).toEqual([1]);
    expect(find(samples, "pcs_graphql_errors_total", { code: "BAD_USER_INPUT" })[0]?.value).toBe(1);
    expect(find(samples, "pcs_graphql_errors_total", { code: "GRAPHQL_VALIDATION_FAILED" })[0]?.value).toBe(1);

    const count = find(samples, "pcs_graphql_request_duration_seconds_count", { operation: "ListConfigs", type: "query" });
    expect(count.map((s) => s.value)).toEqual([2]);
    const buckets = find(samples, "pcs_graphql_request_duration_seconds_bucket", { operation: "ListConfigs" }).map((s) => s.labels.le);
    expect(buckets).toEqual(["0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"]);
  });

  test("database pool (PostgreSQL only), migrations and process metrics", async () => {
    const { samples } = await scrape();
    const pool = find(samples, "pcs_db_pool_connections");
    if (t.app.database.kind === "postgresql") {
      expect(pool.map((s) => s.labels.state).sort()).toEqual(["idle", "max", "total", "waiting"]);
      expect(find(samples, "pcs_db_pool_connections", { state: "max" })[0]?.value).toBe(t.app.config.database.poolMax);
      expect(find(samples, "pcs_db_pool_connections", { state: "total" })[0]?.value).toBeGreaterThan(0);
    } else {
      expect(pool).toEqual([]);
    }
    expect(find(samples, "pcs_migrations_applied_total")[0]?.value).toBe(t.app.database.migrations.applied.length);
    expect(find(samples, "process_cpu_user_seconds_total")).toHaveLength(1);
    expect(find(samples, "nodejs_eventloop_lag_seconds")).toHaveLength(1);
  });

  test("provider health: 1 for the status of the last recorded check, 0 for the others; the key is nowhere", async () => {
    const CHECK = `mutation Check($input: ProviderCheckInput!) { checkProviderHealth(input: $input) { status } }`;
    const keyless = await t.gql(CHECK, { input: { providerType: "WEATHER", providerName: "open_meteo" } });
    expect(keyless.data?.checkProviderHealth.status).toBe("AVAILABLE");
    // A check with the caller's key is answered but not recorded (SPEC.md §13), so it sets no series.
    const keyed = await t.gql(CHECK, { input: { providerType: "WEATHER", providerName: "openweathermap", apiKey: checkKey } });
    expect(keyed.data?.checkProviderHealth.status).toBe("AVAILABLE");
    const { samples } = await scrape();
    const health = find(samples, "pcs_provider_health_status", { provider_type: "WEATHER", provider: "open_meteo" });
    expect(Object.fromEntries(health.map((s) => [s.labels.status, s.value]))).toEqual({
      AVAILABLE: 1,
      UNAVAILABLE: 0,
      RATE_LIMITED: 0,
      ERROR: 0,
    });
    expect(find(samples, "pcs_provider_health_status", { provider: "openweathermap" })).toEqual([]);
  });

  test("cache results as the cache reports them", async () => {
    t.app.metrics.cacheHit("provider_configs");
    t.app.metrics.cacheMiss("provider_configs");
    t.app.metrics.cacheError("provider_configs");
    const { samples } = await scrape();
    const results = find(samples, "pcs_cache_requests_total", { cache: "provider_configs" });
    expect(Object.fromEntries(results.map((s) => [s.labels.result, s.value]))).toEqual({ hit: 1, miss: 1, error: 1 });
  });

  test("operation names are capped: long names and new names beyond 200 distinct ones count as other", async () => {
    const named = (samples: Sample[]) =>
      new Set(
        find(samples, "pcs_graphql_requests_total")
          .map((s) => s.labels.operation)
          .filter((name) => name !== "anonymous" && name !== "other"),
      );
    const others = (samples: Sample[]) =>
      find(samples, "pcs_graphql_requests_total", { operation: "other" }).reduce((sum, s) => sum + s.value, 0);
    const before = (await scrape()).samples;
    await t.gql(`query ${"L".repeat(100)} { __typename }`);
    for (let start = 0; start < 220; start += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, i) => t.gql(`query Op${start + i} { __typename }`)));
    }
    const after = (await scrape()).samples;
    expect(named(after).size).toBe(200);
    expect(named(after).has("L".repeat(100))).toBe(false);
    expect(others(after) - others(before)).toBe(1 + 220 - (200 - named(before).size));
  });

  test("no credential appears in /metrics or in any log line", async () => {
    const { text } = await scrape();
    const logs = JSON.stringify(t.logs);
    for (const secret of [apiKey, inlineKey, checkKey]) {
      expect(text).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    expect(upstream.received.some((request) => JSON.stringify(request).includes(checkKey))).toBe(true);
  });
});
