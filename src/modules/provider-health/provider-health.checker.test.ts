// The checker against a real local HTTP server: every outcome of SPEC.md §4, and the key never leaking.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderType } from "../../domain/provider.js";
import { CheckLimiter } from "./provider-check.limiter.js";
import { ProviderHealthChecker } from "./provider-health.checker.js";
import { ProviderStatus } from "./provider-health.model.js";
import { captureLogger, closedPortOrigin, type FakeUpstream, startFakeUpstream, TARGETS } from "./provider-health.test-support.js";

const KEY = "sk_live_SECRET-7f3a9c";
const TIMEOUT_MS = 300;

describe("ProviderHealthChecker", () => {
  let upstream: FakeUpstream;
  const logger = captureLogger();
  let checker: ProviderHealthChecker;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    checker = new ProviderHealthChecker({ timeoutMs: TIMEOUT_MS, originOverride: upstream.origin, logger });
  });
  afterAll(() => upstream.close());

  it("reports a 200 as AVAILABLE with a response time, having sent the key to the upstream only", async () => {
    const result = await checker.check(ProviderType.MAP, "mapbox_streets", TARGETS.mapbox_streets, KEY);
    expect(result).toMatchObject({
      providerType: "MAP",
      providerName: "mapbox_streets",
      status: ProviderStatus.AVAILABLE,
      errorMessage: null,
    });
    expect(result.responseTimeMs).toBeGreaterThanOrEqual(0);
    expect(result.checkedAt).toBeInstanceOf(Date);
    expect(upstream.received.at(-1)?.url).toBe(`/ok/tiles/10/512/512?access_token=${KEY}`);
    expect(JSON.stringify(result)).not.toContain(KEY);
  });

  it("sends the key as a bearer header to other types and counts a redirect as AVAILABLE without following it", async () => {
    const before = upstream.received.length;
    const result = await checker.check(ProviderType.PAYMENT, "stripe", TARGETS.stripe, KEY);
    expect(result.status).toBe(ProviderStatus.AVAILABLE);
    expect(upstream.received.length).toBe(before + 1);
    expect(upstream.received.at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("reports 429 as RATE_LIMITED and 500 as UNAVAILABLE with `HTTP <code>`", async () => {
    const limited = await checker.check(ProviderType.WEATHER, "openweathermap", TARGETS.openweathermap, KEY);
    expect(limited).toMatchObject({ status: ProviderStatus.RATE_LIMITED, errorMessage: "HTTP 429" });
    expect(upstream.received.at(-1)?.url).toBe(`/limited/2.5/weather?lat=15.37&lon=44.19&appid=${KEY}`);
    const broken = await checker.check(ProviderType.WEATHER, "weather_api", TARGETS.weather_api, KEY);
    expect(broken).toMatchObject({ status: ProviderStatus.UNAVAILABLE, errorMessage: "HTTP 500" });
  });

  it("ends a hanging check with ERROR soon after the timeout", async () => {
    const started = performance.now();
    const result = await checker.check(ProviderType.WEATHER, "visual_crossing", TARGETS.visual_crossing, KEY);
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ status: ProviderStatus.ERROR, errorMessage: `timeout after ${TIMEOUT_MS} ms`, responseTimeMs: null });
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 2000);
  });

  it("reports a closed port as ERROR `connection refused`", async () => {
    const refused = new ProviderHealthChecker({ timeoutMs: 2000, originOverride: await closedPortOrigin(), logger });
    const result = await refused.check(ProviderType.WEATHER, "open_meteo", TARGETS.open_meteo, null);
    expect(result).toMatchObject({ status: ProviderStatus.ERROR, errorMessage: "connection refused", responseTimeMs: null });
  });

  it("checks a key-requiring provider without a key as ERROR `API key required`, sending nothing", async () => {
    const before = upstream.received.length;
    const result = await checker.check(ProviderType.MAP, "mapbox_streets", TARGETS.mapbox_streets, null);
    expect(result).toMatchObject({ status: ProviderStatus.ERROR, errorMessage: "API key required", responseTimeMs: null });
    expect(upstream.received.length).toBe(before);
  });

  it("logged every check, and no line holds the key or the upstream address", () => {
    expect(logger.lines.length).toBeGreaterThanOrEqual(6);
    for (const line of logger.lines) {
      expect(line).not.toContain(KEY);
      expect(line).not.toContain("127.0.0.1");
    }
  });

  it("bounds the requests in flight: beyond the limiter's line a check is SERVICE_UNAVAILABLE, and a keyless refusal takes no slot", async () => {
    const bounded = new ProviderHealthChecker({
      timeoutMs: TIMEOUT_MS,
      originOverride: upstream.origin,
      logger,
      limiter: new CheckLimiter(1, 0),
    });
    const hanging = bounded.check(ProviderType.WEATHER, "visual_crossing", TARGETS.visual_crossing, KEY);
    await expect(bounded.check(ProviderType.WEATHER, "open_meteo", TARGETS.open_meteo, null)).rejects.toMatchObject({
      code: "SERVICE_UNAVAILABLE",
    });
    expect((await bounded.check(ProviderType.PAYMENT, "stripe", TARGETS.stripe, null)).errorMessage).toBe("API key required");
    expect((await hanging).status).toBe(ProviderStatus.ERROR);
    expect((await bounded.check(ProviderType.WEATHER, "open_meteo", TARGETS.open_meteo, null)).status).toBe(ProviderStatus.AVAILABLE);
  });
});
