// The service end to end on the in-memory store and the fake upstream: who may check, validation, which results are
// recorded for everyone (SPEC.md §13), the monitor's rechecks with stored keys, and no key leaking.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANONYMOUS_CALLER, type Caller, Scope } from "../../domain/caller.js";
import { ProviderType } from "../../domain/provider.js";
import { AppError } from "../../errors.js";
import { ProviderHealthChecker } from "./provider-health.checker.js";
import { ProviderStatus } from "./provider-health.model.js";
import { ProviderHealthService } from "./provider-health.service.js";
import { InMemoryProviderHealthStore } from "./provider-health.store.js";
import { captureLogger, type FakeUpstream, fakeCatalog, startFakeUpstream } from "./provider-health.test-support.js";

const KEY = "owm-KEY-d41d8cd98f00";

describe("ProviderHealthService", () => {
  let upstream: FakeUpstream;
  const logger = captureLogger();
  let store: InMemoryProviderHealthStore;
  let service: ProviderHealthService;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
  });
  afterAll(() => upstream.close());
  // A fresh memory per test: each one asserts what was recorded.
  const fresh = () => {
    store = new InMemoryProviderHealthStore();
    service = new ProviderHealthService(
      fakeCatalog,
      new ProviderHealthChecker({ timeoutMs: 1000, originOverride: upstream.origin, logger }),
      store,
    );
  };

  const rejection = async (promise: Promise<unknown>): Promise<AppError> => {
    const error = await promise.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    if (!(error instanceof AppError)) throw new Error("expected an AppError");
    return error;
  };

  const requestsDuring = async (work: () => Promise<unknown>): Promise<string[]> => {
    const before = upstream.received.length;
    await work();
    return upstream.received.slice(before).map((request) => request.url);
  };

  it("checks and records a provider that needs no key; get gives it back later", async () => {
    fresh();
    expect(await service.get(ProviderType.WEATHER, "open_meteo")).toBeNull();
    const result = await service.check(ANONYMOUS_CALLER, { providerType: ProviderType.WEATHER, providerName: "open_meteo" });
    expect(result.status).toBe(ProviderStatus.AVAILABLE);
    expect(await service.get(ProviderType.WEATHER, "open_meteo")).toEqual(result);
  });

  it("answers a check with the caller's own key but does not record it; the key is sent, never returned or logged", async () => {
    fresh();
    const result = await service.check(ANONYMOUS_CALLER, {
      providerType: ProviderType.WEATHER,
      providerName: "openweathermap",
      apiKey: KEY,
    });
    expect(result.status).toBe(ProviderStatus.RATE_LIMITED);
    expect(await service.get(ProviderType.WEATHER, "openweathermap")).toBeNull();
    expect(upstream.received.at(-1)?.url).toContain(`appid=${KEY}`);
    expect(JSON.stringify(result)).not.toContain(KEY);
    expect(logger.lines.join("\n")).not.toContain(KEY);
  });

  it("does not record a caller's key for a provider that needs none either (a bad key would make it look down)", async () => {
    fresh();
    const result = await service.check(ANONYMOUS_CALLER, {
      providerType: ProviderType.MAP,
      providerName: "openstreetmap",
      apiKey: "x-REJECTED",
    });
    expect(result.status).toBe(ProviderStatus.AVAILABLE);
    expect(await service.get(ProviderType.MAP, "openstreetmap")).toBeNull();
  });

  it("answers ERROR `API key required` for a key-requiring provider checked without a key, with no request, and records nothing", async () => {
    fresh();
    const sent = await requestsDuring(async () => {
      const result = await service.check(ANONYMOUS_CALLER, { providerType: ProviderType.PAYMENT, providerName: "stripe", apiKey: null });
      expect(result).toMatchObject({ status: ProviderStatus.ERROR, errorMessage: "API key required" });
    });
    expect(sent).toEqual([]);
    expect(await service.get(ProviderType.PAYMENT, "stripe")).toBeNull();
    expect((await store.getMany(ProviderType.PAYMENT, ["stripe"])).size).toBe(0);
  });

  it("needs config:write for some tenant: FORBIDDEN otherwise, before any request", async () => {
    fresh();
    const input = { providerType: ProviderType.WEATHER, providerName: "open_meteo" };
    const callers: Caller[] = [
      { id: "reader", tenants: "*", scopes: new Set([Scope.CONFIG_READ, Scope.SECRETS_READ]) },
      { id: "no-tenant", tenants: new Set(), scopes: new Set([Scope.CONFIG_WRITE]) },
    ];
    const sent = await requestsDuring(async () => {
      for (const caller of callers) {
        const error = await rejection(service.check(caller, input));
        expect(error.code).toBe("FORBIDDEN");
        expect(error.message).toContain("config:write");
      }
    });
    expect(sent).toEqual([]);
    const writer: Caller = { id: "writer", tenants: new Set(["acme"]), scopes: new Set([Scope.CONFIG_WRITE]) };
    expect((await service.check(writer, input)).status).toBe(ProviderStatus.AVAILABLE);
  });

  it("shares one request among concurrent identical keyless checks", async () => {
    fresh();
    const input = { providerType: ProviderType.MAP, providerName: "openstreetmap" };
    const sent = await requestsDuring(async () => {
      const results = await Promise.all([1, 2, 3].map(() => service.check(ANONYMOUS_CALLER, input)));
      expect(new Set(results).size).toBe(1);
    });
    expect(sent).toHaveLength(1);
    expect(await requestsDuring(() => service.check(ANONYMOUS_CALLER, input))).toHaveLength(1);
  });

  it("gives BAD_USER_INPUT on input.providerName for a name the catalog does not know for that type", async () => {
    fresh();
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
    fresh();
    const sent = await requestsDuring(async () => {
      for (const apiKey of ["", "k".repeat(4097)]) {
        const error = await rejection(
          service.check(ANONYMOUS_CALLER, { providerType: ProviderType.WEATHER, providerName: "open_meteo", apiKey }),
        );
        expect(error).toMatchObject({ code: "BAD_USER_INPUT", field: "input.apiKey" });
      }
    });
    expect(sent).toEqual([]);
  });

  describe("recheck, for the monitor", () => {
    it("rechecks catalog providers only, and records a provider that needs no key, without any stored key", async () => {
      fresh();
      expect(await service.recheck(ProviderType.MAP, "my_own_tiles", [])).toBeNull();
      const sent = await requestsDuring(async () => {
        expect((await service.recheck(ProviderType.MAP, "openstreetmap", ["tenant-REJECTED-key"]))?.status).toBe(ProviderStatus.AVAILABLE);
      });
      expect(sent.join()).not.toContain("REJECTED");
      expect((await service.get(ProviderType.MAP, "openstreetmap"))?.status).toBe(ProviderStatus.AVAILABLE);
    });

    it("records nothing for a key-requiring provider no tenant stored a key for", async () => {
      fresh();
      expect((await service.recheck(ProviderType.MAP, "mapbox_streets", []))?.errorMessage).toBe("API key required");
      expect(await service.get(ProviderType.MAP, "mapbox_streets")).toBeNull();
    });

    it("tries stored keys in turn until one works and records that result: one bogus key cannot demote the provider", async () => {
      fresh();
      const sent = await requestsDuring(async () => {
        const result = await service.recheck(ProviderType.MAP, "mapbox_streets", ["a-REJECTED-key", "b-good-key", "c-good-key"]);
        expect(result?.status).toBe(ProviderStatus.AVAILABLE);
      });
      expect(sent.map((url) => new URL(url, "http://fake").searchParams.get("access_token"))).toEqual(["a-REJECTED-key", "b-good-key"]);
      expect((await service.get(ProviderType.MAP, "mapbox_streets"))?.status).toBe(ProviderStatus.AVAILABLE);
      expect(logger.lines.join("\n")).not.toMatch(/REJECTED-key|good-key/);
    });

    it("records the failure when every key tried fails, trying at most 3 keys", async () => {
      fresh();
      const keys = ["a-REJECTED", "b-REJECTED", "c-REJECTED", "d-good-key"];
      const sent = await requestsDuring(() => service.recheck(ProviderType.PAYMENT, "stripe", keys));
      expect(sent).toHaveLength(3);
      expect(await service.get(ProviderType.PAYMENT, "stripe")).toMatchObject({
        status: ProviderStatus.UNAVAILABLE,
        errorMessage: "HTTP 401",
      });
    });
  });
});
