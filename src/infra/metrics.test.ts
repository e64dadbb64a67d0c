import { describe, expect, test } from "vitest";
import { BoundedLabel, Metrics } from "./metrics.js";

/** The value of the one sample of `name` whose labels include `labels`, or undefined. */
async function sampleOf(metrics: Metrics, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((candidate) => candidate.name === name);
  const values = (metric?.values ?? []) as Array<{ labels: Record<string, string | number>; value: number }>;
  return values.find((value) => Object.entries(labels).every(([key, expected]) => value.labels[key] === expected))?.value;
}

describe("BoundedLabel", () => {
  test("admits well-shaped values up to the cap, then maps new ones to other; admitted values stay", () => {
    const label = new BoundedLabel(/^[a-z]+$/, 2);
    expect(label.valueOf("alpha")).toBe("alpha");
    expect(label.valueOf("Not-A-Name")).toBe("other");
    expect(label.valueOf("beta")).toBe("beta");
    expect(label.valueOf("gamma")).toBe("other");
    expect(label.valueOf("alpha")).toBe("alpha");
  });
});

describe("Metrics", () => {
  test("operations: anonymous, capped names, outcome and errors by code", async () => {
    const metrics = new Metrics({ maxLabelValues: 1 });
    const record = { type: "query", outcome: "ok", errorCodes: [] };
    metrics.operation({ ...record, name: "First" }, 0.002);
    metrics.operation({ ...record, name: "Second" }, 0.002);
    metrics.operation({ ...record, name: null }, 0.002);
    metrics.operation({ ...record, name: "First", outcome: "BAD_USER_INPUT", errorCodes: ["BAD_USER_INPUT", "BAD_USER_INPUT"] }, 0.002);
    expect(await sampleOf(metrics, "pcs_graphql_requests_total", { operation: "First", outcome: "ok" })).toBe(1);
    expect(await sampleOf(metrics, "pcs_graphql_requests_total", { operation: "other" })).toBe(1);
    expect(await sampleOf(metrics, "pcs_graphql_requests_total", { operation: "anonymous" })).toBe(1);
    expect(await sampleOf(metrics, "pcs_graphql_requests_total", { operation: "First", outcome: "BAD_USER_INPUT" })).toBe(1);
    expect(await sampleOf(metrics, "pcs_graphql_errors_total", { code: "BAD_USER_INPUT" })).toBe(2);
  });

  test("pool gauges are read at scrape time and absent without a pool (PGlite)", async () => {
    const metrics = new Metrics();
    expect(await sampleOf(metrics, "pcs_db_pool_connections")).toBeUndefined();
    let stats = { total: 3, idle: 2, waiting: 0, max: 20 };
    metrics.observeDatabasePool(() => stats);
    expect(await sampleOf(metrics, "pcs_db_pool_connections", { state: "total" })).toBe(3);
    stats = { ...stats, total: 5 };
    expect(await sampleOf(metrics, "pcs_db_pool_connections", { state: "total" })).toBe(5);
    expect(await sampleOf(metrics, "pcs_db_pool_connections", { state: "max" })).toBe(20);
  });

  test("provider health: 1 for the current status, 0 for the others", async () => {
    const metrics = new Metrics({ providerStatuses: ["AVAILABLE", "ERROR"] });
    metrics.providerHealth("WEATHER", "open_meteo", "ERROR");
    metrics.providerHealth("WEATHER", "open_meteo", "AVAILABLE");
    const labels = { provider_type: "WEATHER", provider: "open_meteo" };
    expect(await sampleOf(metrics, "pcs_provider_health_status", { ...labels, status: "AVAILABLE" })).toBe(1);
    expect(await sampleOf(metrics, "pcs_provider_health_status", { ...labels, status: "ERROR" })).toBe(0);
  });

  test("leader leases and NATS publication", async () => {
    const metrics = new Metrics();
    metrics.leader("nats-publication.PROVIDER_CONFIG_EVENTS", true);
    metrics.leader("nats-publication.PROVIDER_CONFIG_EVENTS", false);
    metrics.leader("a lease { with } junk", true);
    metrics.eventsPublished(3);
    metrics.eventsPublished(0);
    metrics.eventPublicationLag(12.5);
    expect(await sampleOf(metrics, "pcs_leader", { lease: "nats-publication.PROVIDER_CONFIG_EVENTS" })).toBe(0);
    expect(await sampleOf(metrics, "pcs_leader", { lease: "other" })).toBe(1);
    expect(await sampleOf(metrics, "pcs_events_published_total")).toBe(3);
    expect(await sampleOf(metrics, "pcs_event_publication_lag_seconds")).toBe(12.5);
  });

  test("cache results and labels that are not names", async () => {
    const metrics = new Metrics();
    metrics.cacheHit("configs");
    metrics.cacheMiss("configs");
    metrics.cacheError("configs");
    metrics.cacheHit("tenant:acme");
    expect(await sampleOf(metrics, "pcs_cache_requests_total", { cache: "configs", result: "error" })).toBe(1);
    expect(await sampleOf(metrics, "pcs_cache_requests_total", { cache: "other", result: "hit" })).toBe(1);
  });
});
