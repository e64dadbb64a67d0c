// The service end to end on the in-memory store and the fake upstream: validation, recording, and no key leaking.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderType } from "../../domain/provider.js";
import { AppError } from "../../errors.js";
import { ANONYMOUS_CALLER } from "../access/caller.js";
import { ProviderHealthChecker } from "./provider-health.checker.js";
import { ProviderStatus } from "./provider-health.model.js";
import { ProviderHealthService } from "./provider-health.service.js";
import { InMemoryProviderHealthStore } from "./provider-health.store.js";
import { captureLogger, type FakeUpstream, fakeCatalog, startFakeUpstream } from "./provider-health.test-support.js";

const KEY = "owm-KEY-d41d8cd98f00";

describe("ProviderHealthService", () => {
  let upstream: FakeUpstream;
  const logger = captureLogger();
  const store = new InMemoryProviderHealthStore();
  let service: ProviderHealthService;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    service = new ProviderHealthService(
      fakeCatalog,
      new ProviderHealthChecker({ timeoutMs: 1000, originOverride: upstream.origin, logger }),
      store,
    );
  });
  afterAll(() => upstream.close());

  const rejection = async (promise: Promise<unknown>): Promise<AppError> => {
    const error = await promise.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    if (!(error instanceof AppError)) throw new Error("expected an AppError");
    return error;
  };

  it("checks, records and returns the result; get gives it back later", async () => {
    expect(await service.get(ProviderType.WEATHER, "openweathermap")).toBeNull();
    const result = await service.check(ANONYMOUS_CALLER, {
      providerType: ProviderType.WEATHER,
      providerName: "openweathermap",
      apiKey: KEY,
    });
    expect(result.status).toBe(ProviderStatus.RATE_LIMITED);
    expect(await service.get(ProviderType.WEATHER, "openweathermap")).toEqual(result);
    expect(upstream.received.at(-1)?.url).toContain(`appid=${KEY}`);
    expect(JSON.stringify(result)).not.toContain(KEY);
    expect(logger.lines.join("\n")).not.toContain(KEY);
  });

  it("gives BAD_USER_INPUT on input.providerName for a name the catalog does not know for that type", async () => {
    for (const [providerType, providerName] of [
      [ProviderType.WEATHER, "no_such_provider"],
      [ProviderType.MAP, "open_meteo"],
      [ProviderType.SMS, "x".repeat(500)],
    ] as const) {
      const error = await rejection(service.check(ANONYMOUS_CALLER, { providerType, providerName }));
      expect(error).toMatchObject({ code: "BAD_USER_INPUT", field: "input.providerName" });
      expect(error.message.length).toBeLessThan(200);
    }
  });

  it("gives BAD_USER_INPUT on input.apiKey for an empty or over-long key, before any request", async () => {
    const before = upstream.received.length;
    for (const apiKey of ["", "k".repeat(4097)]) {
      const error = await rejection(
        service.check(ANONYMOUS_CALLER, { providerType: ProviderType.WEATHER, providerName: "open_meteo", apiKey }),
      );
      expect(error).toMatchObject({ code: "BAD_USER_INPUT", field: "input.apiKey" });
    }
    expect(upstream.received.length).toBe(before);
  });

  it("records ERROR `API key required` for a key-requiring provider checked without a key, with no request", async () => {
    const before = upstream.received.length;
    const result = await service.check(ANONYMOUS_CALLER, { providerType: ProviderType.WEATHER, providerName: "weather_api", apiKey: null });
    expect(result).toMatchObject({ status: ProviderStatus.ERROR, errorMessage: "API key required" });
    expect(upstream.received.length).toBe(before);
    expect((await service.get(ProviderType.WEATHER, "weather_api"))?.errorMessage).toBe("API key required");
  });

  it("rechecks catalog providers only, for the monitor", async () => {
    expect(await service.recheck(ProviderType.MAP, "my_own_tiles", null)).toBeNull();
    expect((await service.recheck(ProviderType.MAP, "openstreetmap", null))?.status).toBe(ProviderStatus.AVAILABLE);
  });
});
