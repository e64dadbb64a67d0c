// The background monitor with a short interval, against the fake upstream and with a slow fake to see its bounds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderType } from "../../domain/provider.js";
import { ProviderHealthChecker } from "./provider-health.checker.js";
import { ProviderStatus } from "./provider-health.model.js";
import { type EnabledProvider, ProviderHealthMonitor, type ProviderRechecker, uniqueProviders } from "./provider-health.monitor.js";
import { ProviderHealthService } from "./provider-health.service.js";
import { InMemoryProviderHealthStore } from "./provider-health.store.js";
import { captureLogger, type FakeUpstream, fakeCatalog, startFakeUpstream } from "./provider-health.test-support.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(20);
  }
}

describe("ProviderHealthMonitor", () => {
  let upstream: FakeUpstream;
  beforeAll(async () => {
    upstream = await startFakeUpstream();
  });
  afterAll(() => upstream.close());

  it("re-checks every enabled catalog provider on its interval, once per provider, with a tenant's key", async () => {
    const logger = captureLogger();
    const store = new InMemoryProviderHealthStore();
    const service = new ProviderHealthService(
      fakeCatalog,
      new ProviderHealthChecker({ timeoutMs: 500, originOverride: upstream.origin, logger }),
      store,
    );
    const enabled: EnabledProvider[] = [
      { providerType: ProviderType.MAP, providerName: "mapbox_streets", apiKey: null },
      { providerType: ProviderType.MAP, providerName: "mapbox_streets", apiKey: "tenant-b-KEY" },
      { providerType: ProviderType.WEATHER, providerName: "open_meteo", apiKey: null },
      { providerType: ProviderType.SMS, providerName: "not_in_catalog", apiKey: "x" },
    ];
    const monitor = new ProviderHealthMonitor({
      intervalSeconds: 0.05,
      listEnabledProviders: async () => enabled,
      rechecker: service,
      logger,
    });
    monitor.start();
    await until(
      async () =>
        (await store.getMany(ProviderType.MAP, ["mapbox_streets"])).size === 1 &&
        (await store.get(ProviderType.WEATHER, "open_meteo")) !== null,
    );
    await monitor.stop();
    expect((await store.get(ProviderType.MAP, "mapbox_streets"))?.status).toBe(ProviderStatus.AVAILABLE);
    expect(upstream.received.some((request) => request.url.includes("access_token=tenant-b-KEY"))).toBe(true);
    expect(logger.lines.join("\n")).not.toContain("tenant-b-KEY");

    const requestsAfterStop = upstream.received.length;
    await sleep(150);
    expect(upstream.received.length).toBe(requestsAfterStop);
  });

  it("tries several tenants' stored keys, so one tenant's bogus key does not demote the provider for everyone", async () => {
    const logger = captureLogger();
    const store = new InMemoryProviderHealthStore();
    const service = new ProviderHealthService(
      fakeCatalog,
      new ProviderHealthChecker({ timeoutMs: 500, originOverride: upstream.origin, logger }),
      store,
    );
    const enabled: EnabledProvider[] = [
      { providerType: ProviderType.PAYMENT, providerName: "stripe", apiKey: "sk_attacker_REJECTED" },
      { providerType: ProviderType.PAYMENT, providerName: "stripe", apiKey: null },
      { providerType: ProviderType.PAYMENT, providerName: "stripe", apiKey: "sk_honest_tenant" },
    ];
    const monitor = new ProviderHealthMonitor({
      intervalSeconds: 60,
      listEnabledProviders: async () => enabled,
      rechecker: service,
      logger,
    });
    const before = upstream.received.length;
    await monitor.runOnce();
    const sent = upstream.received.slice(before).map((request) => request.headers.authorization);
    expect(sent).toEqual(["Bearer sk_attacker_REJECTED", "Bearer sk_honest_tenant"]);
    // stripe's fake base URL answers 302: the honest key gets through, and that is what everyone sees.
    expect((await store.get(ProviderType.PAYMENT, "stripe"))?.status).toBe(ProviderStatus.AVAILABLE);
    expect(logger.lines.join("\n")).not.toMatch(/sk_attacker|sk_honest/);
  });

  it("hands the rechecker up to 3 distinct stored keys per provider, in the order the tenants are listed", () => {
    const stripe = (apiKey: string | null): EnabledProvider => ({ providerType: ProviderType.PAYMENT, providerName: "stripe", apiKey });
    const unique = uniqueProviders([
      stripe("k1"),
      stripe(null),
      stripe("k1"),
      stripe("k2"),
      { providerType: ProviderType.SMS, providerName: "stripe", apiKey: "sms" },
      stripe("k3"),
      stripe("k4"),
    ]);
    expect(unique).toEqual([
      { providerType: ProviderType.PAYMENT, providerName: "stripe", apiKeys: ["k1", "k2", "k3"] },
      { providerType: ProviderType.SMS, providerName: "stripe", apiKeys: ["sms"] },
    ]);
    expect(uniqueProviders([stripe(null)])).toEqual([{ providerType: ProviderType.PAYMENT, providerName: "stripe", apiKeys: [] }]);
  });

  it("runs at most `concurrency` checks at once and never overlaps rounds", async () => {
    let active = 0;
    let peak = 0;
    let rounds = 0;
    let overlapped = false;
    const slow: ProviderRechecker = {
      recheck: async () => {
        active++;
        peak = Math.max(peak, active);
        await sleep(30);
        active--;
        return null;
      },
    };
    const providers = Array.from({ length: 10 }, (_, i) => ({ providerType: ProviderType.SMS, providerName: `p${i}`, apiKey: null }));
    const monitor = new ProviderHealthMonitor({
      intervalSeconds: 0.01,
      concurrency: 3,
      rechecker: slow,
      logger: captureLogger(),
      listEnabledProviders: async () => {
        rounds++;
        // A round ends only when its last check has; a check still running here would be an overlap.
        overlapped ||= active > 0;
        return providers;
      },
    });
    monitor.start();
    await until(() => rounds >= 3);
    await monitor.stop();
    expect(peak).toBe(3);
    expect(overlapped).toBe(false);
    expect(active).toBe(0);
  });

  it("stays off with interval 0", async () => {
    let listed = 0;
    const monitor = new ProviderHealthMonitor({
      intervalSeconds: 0,
      rechecker: { recheck: async () => null },
      logger: captureLogger(),
      listEnabledProviders: async () => {
        listed++;
        return [];
      },
    });
    monitor.start();
    await sleep(50);
    await monitor.stop();
    expect(listed).toBe(0);
  });
});
