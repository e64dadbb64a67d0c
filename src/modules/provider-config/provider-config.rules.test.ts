// planUpsert (SPEC.md §2-§3) on a fake sealer: defaults, omitted-vs-null, no-op detection, change types, the
// API-key rule and expectedVersion; planRestore and planRevival (rollback).
import { describe, expect, test } from "vitest";
import { ChangeType, ProviderPriority, ProviderType } from "../../domain/provider.js";
import { AppError, ErrorCode } from "../../errors.js";
import { loadCatalog } from "../catalog/catalog.js";
import { SecretFields } from "../catalog/secret-fields.js";
import type { StoredConfig } from "./provider-config.model.js";
import {
  type ConfigPatch,
  type CredentialSealer,
  credentialContext,
  fixedChanges,
  type PlanOptions,
  planRestore,
  planRevival,
  planUpsert,
  sameState,
} from "./provider-config.rules.js";

/** Readable and bound to its context like the real one; every seal is distinct, like AES-GCM with a random IV. */
class FakeSealer implements CredentialSealer {
  seals = 0;
  seal(plaintext: string, context: string): string {
    this.seals++;
    return `sealed#${this.seals}|${context}|${plaintext}`;
  }
  open(sealed: string, context: string): string {
    const [, sealedFor, plaintext] = sealed.split("|");
    if (sealedFor !== context || plaintext === undefined) throw new Error("cannot open");
    return plaintext;
  }
}

const ID = "11111111-1111-4111-8111-111111111111";
const KEY = { tenantId: "acme", providerType: ProviderType.PAYMENT, providerName: "stripe" };

function stored(sealer: FakeSealer, overrides: Partial<StoredConfig> = {}): StoredConfig {
  return {
    ...KEY,
    id: ID,
    priority: ProviderPriority.SECONDARY,
    enabled: true,
    configData: { currency: "YER", limits: { daily: 100 } },
    secretData: {},
    clearSecrets: {},
    apiKey: sealer.seal("sk_live_abcdefgh1234", credentialContext(ID, "apiKey")),
    apiSecret: sealer.seal("whsec_1", credentialContext(ID, "apiSecret")),
    apiKeyHint: "****1234",
    version: 3,
    createdAt: new Date("2026-01-01T00:00:00Z"),
    updatedAt: new Date("2026-01-02T00:00:00Z"),
    createdBy: "alice",
    updatedBy: "bob",
    ...overrides,
  };
}

const CATALOG_SECRETS = new SecretFields(loadCatalog().list());

function plan(current: StoredConfig | null, patch: Partial<ConfigPatch>, options: Partial<PlanOptions> & { sealer: FakeSealer }) {
  return planUpsert(
    current,
    { ...KEY, ...patch },
    {
      secretFields: CATALOG_SECRETS,
      requiresApiKey: false,
      fieldPrefix: "input.",
      newId: () => "new-id",
      ...options,
    },
  );
}

function thrown(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError");
}

describe("create", () => {
  test("applies the defaults: PRIMARY, enabled, {} and no credentials", () => {
    const sealer = new FakeSealer();
    expect(plan(null, {}, { sealer })).toEqual({
      kind: "create",
      id: "new-id",
      state: { priority: "PRIMARY", enabled: true, configData: {}, secretData: {}, apiKey: null, apiSecret: null, apiKeyHint: null },
    });
  });

  test("keeps the provider's secret configData fields apart, sealed for the new id", () => {
    const sealer = new FakeSealer();
    const result = plan(null, { configData: { currency: "USD", webhookSecret: "whsec_1" } }, { sealer });
    if (result.kind !== "create") throw new Error(result.kind);
    expect(result.state.configData).toEqual({ currency: "USD" });
    expect(sealer.open(result.state.secretData.webhookSecret ?? "", credentialContext("new-id", "configData.webhookSecret"))).toBe(
      '"whsec_1"',
    );
  });

  test("seals credentials for the new id and field, with the key's hint", () => {
    const sealer = new FakeSealer();
    const result = plan(null, { apiKey: "sk_live_abcdefgh9876", apiSecret: "s" }, { sealer });
    if (result.kind !== "create") throw new Error(result.kind);
    expect(sealer.open(result.state.apiKey ?? "", credentialContext("new-id", "apiKey"))).toBe("sk_live_abcdefgh9876");
    expect(sealer.open(result.state.apiSecret ?? "", credentialContext("new-id", "apiSecret"))).toBe("s");
    expect(result.state.apiKeyHint).toBe("****9876");
  });
});

describe("omitted keeps, null removes", () => {
  test("an empty patch changes nothing", () => {
    const sealer = new FakeSealer();
    const current = stored(sealer);
    expect(plan(current, {}, { sealer })).toEqual({ kind: "unchanged", config: current });
  });

  test("apiKey: null removes the key and its hint; the secret is kept", () => {
    const sealer = new FakeSealer();
    const current = stored(sealer);
    const result = plan(current, { apiKey: null }, { sealer });
    expect(result).toMatchObject({
      kind: "update",
      changeType: "UPDATED",
      state: { apiKey: null, apiKeyHint: null, apiSecret: current.apiSecret },
    });
  });

  test("apiSecret: null removes only the secret", () => {
    const sealer = new FakeSealer();
    const current = stored(sealer);
    const result = plan(current, { apiSecret: null }, { sealer });
    expect(result).toMatchObject({ kind: "update", state: { apiKey: current.apiKey, apiKeyHint: "****1234", apiSecret: null } });
  });

  test("a given field replaces the stored one; the others are kept", () => {
    const sealer = new FakeSealer();
    const current = stored(sealer);
    const result = plan(current, { configData: { currency: "SAR" } }, { sealer });
    expect(result).toMatchObject({
      kind: "update",
      state: {
        priority: "SECONDARY",
        enabled: true,
        configData: { currency: "SAR" },
        apiKey: current.apiKey,
        apiSecret: current.apiSecret,
      },
    });
  });
});

describe("no-op detection", () => {
  test("credentials compare by plaintext: re-sending them keeps the sealed values and seals nothing", () => {
    const sealer = new FakeSealer();
    const current = stored(sealer);
    const seals = sealer.seals;
    expect(plan(current, { apiKey: "sk_live_abcdefgh1234", apiSecret: "whsec_1" }, { sealer }).kind).toBe("unchanged");
    expect(sealer.seals).toBe(seals);
  });

  test("a new plaintext is a change, sealed anew, with a new hint", () => {
    const sealer = new FakeSealer();
    const current = stored(sealer);
    const result = plan(current, { apiKey: "sk_live_abcdefgh5678" }, { sealer });
    if (result.kind !== "update") throw new Error(result.kind);
    expect(result.state.apiKey).not.toBe(current.apiKey);
    expect(sealer.open(result.state.apiKey ?? "", credentialContext(ID, "apiKey"))).toBe("sk_live_abcdefgh5678");
    expect(result.state.apiKeyHint).toBe("****5678");
  });

  test("a stored value that no longer opens is replaced, even by the same plaintext", () => {
    const sealer = new FakeSealer();
    const current = stored(sealer, { apiKey: sealer.seal("sk_live_abcdefgh1234", "another-context") });
    expect(plan(current, { apiKey: "sk_live_abcdefgh1234" }, { sealer }).kind).toBe("update");
  });

  test("configData compares as JSON: key order does not matter, array order does", () => {
    const sealer = new FakeSealer();
    const current = stored(sealer, { configData: { a: 1, b: { c: [1, 2], d: null } } });
    expect(plan(current, { configData: { b: { d: null, c: [1, 2] }, a: 1 } }, { sealer }).kind).toBe("unchanged");
    expect(plan(current, { configData: { a: 1, b: { c: [2, 1], d: null } } }, { sealer }).kind).toBe("update");
    expect(plan(current, { configData: { a: 1, b: { c: [1, 2] } } }, { sealer }).kind).toBe("update");
  });

  test("the same priority and enabled flag are no change", () => {
    const sealer = new FakeSealer();
    expect(plan(stored(sealer), { priority: ProviderPriority.SECONDARY, enabled: true }, { sealer }).kind).toBe("unchanged");
  });
});

describe("change types", () => {
  test.each([
    [{ priority: ProviderPriority.TERTIARY }, true, ChangeType.UPDATED],
    [{ enabled: false }, true, ChangeType.DISABLED],
    [{ enabled: false, priority: ProviderPriority.PRIMARY, configData: { x: 1 } }, true, ChangeType.DISABLED],
    [{ enabled: true, apiKey: "another-key-0000" }, false, ChangeType.ENABLED],
    [{ configData: {} }, false, ChangeType.UPDATED],
  ])("%o on a config enabled=%s is %s", (patch, enabled, changeType) => {
    const sealer = new FakeSealer();
    expect(plan(stored(sealer, { enabled }), patch, { sealer })).toMatchObject({ kind: "update", changeType });
  });
});

describe("the API-key rule", () => {
  test("an enabled provider that requires a key cannot be created without one", () => {
    const error = thrown(() => plan(null, {}, { sealer: new FakeSealer(), requiresApiKey: true, fieldPrefix: "configs[2]." }));
    expect(error).toMatchObject({ code: ErrorCode.BAD_USER_INPUT, field: "configs[2].apiKey" });
    expect(error.message).toContain("stripe");
  });

  test.each([
    ["created disabled", null, { enabled: false }],
    ["created with a key", null, { apiKey: "sk_1" }],
    ["stored key kept", "stored", { priority: ProviderPriority.PRIMARY }],
    ["key removed while disabling", "stored", { apiKey: null, enabled: false }],
  ])("allowed: %s", (_, existing, patch) => {
    const sealer = new FakeSealer();
    expect(() => plan(existing ? stored(sealer) : null, patch, { sealer, requiresApiKey: true })).not.toThrow();
  });

  test.each([
    ["key removed while enabled", { apiKey: null }, true],
    ["enabling a config without a key", { enabled: true }, false],
  ])("refused: %s", (_, patch, enabled) => {
    const sealer = new FakeSealer();
    const current = stored(sealer, { enabled, apiKey: enabled ? stored(sealer).apiKey : null, apiKeyHint: null });
    expect(thrown(() => plan(current, patch, { sealer, requiresApiKey: true })).field).toBe("input.apiKey");
  });

  test("providers that need no key may have none", () => {
    const sealer = new FakeSealer();
    expect(plan(stored(sealer), { apiKey: null }, { sealer, requiresApiKey: false }).kind).toBe("update");
  });
});

describe("expectedVersion", () => {
  test("matching the stored version lets the write through", () => {
    const sealer = new FakeSealer();
    expect(plan(stored(sealer), { enabled: false }, { sealer, expectedVersion: 3 }).kind).toBe("update");
    expect(plan(stored(sealer), {}, { sealer, expectedVersion: 3 }).kind).toBe("unchanged");
    expect(plan(null, {}, { sealer, expectedVersion: 0 }).kind).toBe("create");
  });

  test.each([
    ["stale version", true, 2, "is at version 3"],
    ["0 on an existing config", true, 0, "is at version 3"],
    ["a version of a config that does not exist", false, 1, "does not exist"],
  ])("%s is a CONFLICT naming the field, and nothing is sealed", (_, exists, expectedVersion, says) => {
    const sealer = new FakeSealer();
    const current = exists ? stored(sealer) : null;
    const seals = sealer.seals;
    const error = thrown(() => plan(current, { apiKey: "sk_new" }, { sealer, expectedVersion, fieldPrefix: "input." }));
    expect(error).toMatchObject({ code: ErrorCode.CONFLICT, field: "input.expectedVersion" });
    expect(error.message).toContain(says);
    expect(sealer.seals).toBe(seals);
  });
});

describe("fixedChanges (the patch the database applies in one statement)", () => {
  test("is undefined when a credential is given in plaintext", () => {
    expect(fixedChanges({ ...KEY, apiKey: "sk_new" }, CATALOG_SECRETS)).toBeUndefined();
    expect(fixedChanges({ ...KEY, apiSecret: "whsec_2" }, CATALOG_SECRETS)).toBeUndefined();
  });

  test("is undefined for any write of a provider with secret fields (the transaction seals values still in clear)", () => {
    expect(fixedChanges({ ...KEY, configData: { currency: "USD" } }, CATALOG_SECRETS)).toBeUndefined();
    expect(fixedChanges({ ...KEY, priority: ProviderPriority.SECONDARY }, CATALOG_SECRETS)).toBeUndefined();
    const weather = { tenantId: "acme", providerType: ProviderType.WEATHER, providerName: "open_meteo" };
    expect(fixedChanges({ ...weather, priority: ProviderPriority.SECONDARY }, CATALOG_SECRETS)).toEqual({
      priority: ProviderPriority.SECONDARY,
    });
  });

  // update_provider_config sets the fields it is given over the stored ones (jsonb_populate_record) and writes when
  // the result differs: the same state and the same no-op verdict as planUpsert's, every time.
  const patches: Array<Partial<ConfigPatch>> = [
    {},
    { priority: ProviderPriority.SECONDARY },
    { priority: ProviderPriority.TERTIARY },
    { enabled: true },
    { enabled: false, configData: { currency: "USD" } },
    { configData: { limits: { daily: 100 }, currency: "YER" } },
    { apiKey: null },
    { apiSecret: null, enabled: false },
    { apiKey: null, apiSecret: null, priority: ProviderPriority.DISABLED },
  ];
  test.each(patches.flatMap((patch) => [true, false].map((enabled) => [patch, enabled] as const)))(
    "%j over a stored config with enabled %s: the same state, no-op and change type as planUpsert",
    (patch, enabled) => {
      const sealer = new FakeSealer();
      const current = stored(sealer, { enabled });
      // No secret fields here, so that configData patches take the one-statement path too.
      const changes = fixedChanges({ ...KEY, ...patch }, new SecretFields([]));
      const merged = { ...current, ...changes };
      const planned = plan(current, patch, { sealer });
      if (planned.kind === "unchanged") expect(sameState(merged, current, sealer)).toBe(true);
      else {
        expect(planned.kind).toBe("update");
        if (planned.kind !== "update") return;
        expect(merged).toMatchObject(planned.state);
        expect(sameState(merged, current, sealer)).toBe(false);
      }
    },
  );
});

describe("planRestore and planRevival", () => {
  const target = (sealer: FakeSealer, overrides: Partial<StoredConfig> = {}) => ({ ...stored(sealer, overrides), configId: ID });

  test("the same plaintexts under other sealed values (key rotation since) are a no-op", () => {
    const sealer = new FakeSealer();
    const version = target(sealer);
    const current = stored(sealer, { version: 5 });
    expect(current.apiKey).not.toBe(version.apiKey);
    expect(planRestore(current, version, sealer)).toEqual({ kind: "unchanged", config: current });
  });

  test("a different state is a ROLLED_BACK update that keeps the current sealed value of an unchanged credential", () => {
    const sealer = new FakeSealer();
    const current = stored(sealer, { enabled: false, apiSecret: null });
    const planned = planRestore(current, target(sealer, { priority: ProviderPriority.PRIMARY }), sealer);
    expect(planned).toMatchObject({ kind: "update", changeType: ChangeType.ROLLED_BACK });
    if (planned.kind !== "update") return;
    expect(planned.state).toMatchObject({ priority: ProviderPriority.PRIMARY, enabled: true, apiKey: current.apiKey });
    expect(planned.state.apiSecret).not.toBeNull();
  });

  test("a deleted config is created again under its id, as the revival says", () => {
    const sealer = new FakeSealer();
    const version = target(sealer);
    const revival = { version: 4, createdAt: new Date("2026-01-01T00:00:00Z"), createdBy: "alice" };
    expect(planRevival(version, revival, sealer)).toMatchObject({ kind: "create", id: ID, state: { apiKey: version.apiKey }, revival });
  });
});
