import { describe, expect, it } from "vitest";
import type { JsonObject, ProviderType } from "../../domain/provider.js";
import { Problems } from "../../domain/validation.js";
import type { AppError, Problem } from "../../errors.js";
import { loadCatalog } from "./catalog.js";
import type { ProviderInfo } from "./catalog.model.js";
import { problemPath } from "./config-schema.errors.js";
import { ConfigSchemaValidator } from "./config-schema.validator.js";

const catalog = loadCatalog();
const validator = new ConfigSchemaValidator(catalog.list());

function problemsOf(type: ProviderType, name: string, configData: JsonObject, field = "configData"): Problem[] {
  const problems = new Problems();
  validator.check(problems, type, name, configData, field);
  try {
    problems.throwIfAny();
    return [];
  } catch (error) {
    return [...((error as AppError).problems ?? [])];
  }
}

describe("ConfigSchemaValidator accepts", () => {
  it.each([
    ["MAP", "openstreetmap", {}],
    ["MAP", "openstreetmap", { maxZoom: 0, style: "dark", language: "ar" }],
    ["MAP", "openstreetmap", { maxZoom: 19 }],
    ["MAP", "mapbox_streets", { maxZoom: 22 }],
    ["MAP", "openstreetmap", { maxZoom: 12.0, tiles: "hot", anything: { nested: [1, null] } }],
    ["WEATHER", "open_meteo", { units: "metric", language: "en" }],
    ["WEATHER", "openweathermap", { units: "imperial" }],
    ["SATELLITE", "landsat", { resolutionMeters: 30, indices: ["NDVI"] }],
    ["SATELLITE", "sentinel_hub", { resolutionMeters: 0.5, indices: ["NDVI", "LAI"], cloudCover: 20 }],
    ["PAYMENT", "stripe", { currency: "YER", merchantId: "acct_1", webhookSecret: "whsec_x" }],
    ["PAYMENT", "moyasar", { currency: "SAR" }],
    ["SMS", "twilio", { senderId: "SAHOOL 1", from: "+14155550100" }],
    ["SMS", "unifonic", { senderId: "A", from: "+96" }],
    ["SMS", "vonage", { from: "+123456789012345" }],
    ["NOTIFICATION", "firebase_fcm", { serviceAccountJson: '{"type":"service_account"}', appId: "1:2:web:3" }],
    // null removes a secret field (SPEC.md 10.3): a removal, not a value the schema checks.
    ["PAYMENT", "stripe", { currency: "USD", webhookSecret: null }],
    ["NOTIFICATION", "firebase_fcm", { serviceAccountJson: null }],
  ] as const)("%s %s %j", (type, name, configData) => {
    expect(problemsOf(type, name, configData as unknown as JsonObject)).toEqual([]);
  });

  it.each([
    ["MAP", "my_own_tiles"],
    ["PAYMENT", "in_house_pay"],
    ["SMS", "openstreetmap"], // a catalog name under another type is outside the catalog for this type
  ] as const)("any object for %s %s (outside the catalog)", (type, name) => {
    expect(problemsOf(type, name, { maxZoom: 99, currency: 1, from: "nope", units: ["x"] })).toEqual([]);
  });
});

describe("ConfigSchemaValidator refuses", () => {
  it.each([
    ["MAP", "openstreetmap", { maxZoom: 20 }, [{ path: "configData.maxZoom", message: "must be at most 19" }]],
    ["MAP", "opentopomap", { maxZoom: 18 }, [{ path: "configData.maxZoom", message: "must be at most 17" }]],
    ["MAP", "openstreetmap", { maxZoom: -1 }, [{ path: "configData.maxZoom", message: "must be at least 0" }]],
    ["MAP", "openstreetmap", { maxZoom: 2.5 }, [{ path: "configData.maxZoom", message: "must be a whole number" }]],
    ["MAP", "openstreetmap", { maxZoom: "10" }, [{ path: "configData.maxZoom", message: "must be a whole number" }]],
    [
      "MAP",
      "openstreetmap",
      { style: 1, language: null },
      [
        { path: "configData.style", message: "must be a string" },
        { path: "configData.language", message: "must be a string" },
      ],
    ],
    ["WEATHER", "open_meteo", { units: "kelvin" }, [{ path: "configData.units", message: "must be one of metric, imperial" }]],
    ["WEATHER", "open_meteo", { language: 3 }, [{ path: "configData.language", message: "must be a string" }]],
    ["SATELLITE", "landsat", { resolutionMeters: 0 }, [{ path: "configData.resolutionMeters", message: "must be greater than 0" }]],
    [
      "SATELLITE",
      "landsat",
      { indices: ["NDVI", "LAI"] },
      [{ path: "configData.indices[1]", message: "must be one of NDVI, NDWI, EVI, SAVI" }],
    ],
    ["SATELLITE", "landsat", { indices: "NDVI" }, [{ path: "configData.indices", message: "must be a list" }]],
    ["PAYMENT", "moyasar", { currency: "USD" }, [{ path: "configData.currency", message: "must be one of SAR" }]],
    [
      "PAYMENT",
      "moyasar",
      { currency: "sar" },
      [{ path: "configData.currency", message: "must be one of SAR and must be three capital letters (ISO 4217, e.g. USD)" }],
    ],
    [
      "PAYMENT",
      "stripe",
      { merchantId: 42, webhookSecret: 42 },
      [
        { path: "configData.merchantId", message: "must be a string" },
        { path: "configData.webhookSecret", message: "must be a string" },
      ],
    ],
    // Only a secret field may be null; any other known field is still checked.
    ["PAYMENT", "stripe", { merchantId: null, webhookSecret: null }, [{ path: "configData.merchantId", message: "must be a string" }]],
    ["SMS", "twilio", { senderId: "" }, [{ path: "configData.senderId", message: "must be 1 to 11 letters, digits or spaces" }]],
    [
      "SMS",
      "twilio",
      { senderId: "TWELVE CHARS" },
      [{ path: "configData.senderId", message: "must be 1 to 11 letters, digits or spaces" }],
    ],
    ["SMS", "twilio", { senderId: "ACME-1" }, [{ path: "configData.senderId", message: "must be 1 to 11 letters, digits or spaces" }]],
    ...["ACME", "+0123", "967712345678", "+1", "+1234567890123456", "+967 712"].map(
      (from) =>
        [
          "SMS",
          "yamamah",
          { from },
          [{ path: "configData.from", message: "must be an E.164 number: + and 2 to 15 digits, e.g. +14155550100" }],
        ] as const,
    ),
    [
      "NOTIFICATION",
      "onesignal",
      { serviceAccountJson: { type: "x" } },
      [{ path: "configData.serviceAccountJson", message: "must be a string" }],
    ],
    ["NOTIFICATION", "pusher", { appId: 7 }, [{ path: "configData.appId", message: "must be a string" }]],
  ] as const)("%s %s %j", (type, name, configData, expected) => {
    expect(problemsOf(type, name, configData as unknown as JsonObject)).toEqual(expected);
  });

  it("lists every invalid field under the given prefix", () => {
    expect(problemsOf("PAYMENT", "paypal", { currency: "YER", webhookSecret: 1, extra: true }, "configs[2].configData")).toEqual([
      { path: "configs[2].configData.currency", message: "must be one of USD, EUR, SAR, AED" },
      { path: "configs[2].configData.webhookSecret", message: "must be a string" },
    ]);
  });

  it("never echoes the value, secret or not", () => {
    const secret = "sk_live_do_not_echo_0042";
    const problems = problemsOf("PAYMENT", "stripe", { currency: secret, merchantId: [secret], webhookSecret: { secret } });
    expect(problems).toHaveLength(3);
    expect(JSON.stringify(problems)).not.toContain("do_not_echo");
    expect(JSON.stringify(problemsOf("SMS", "twilio", { from: secret, senderId: secret }))).not.toContain("do_not_echo");
  });
});

describe("ConfigSchemaValidator at start-up", () => {
  const provider = (configSchema: JsonObject): ProviderInfo => ({
    ...(catalog.find("MAP", "openstreetmap") as ProviderInfo),
    configSchema,
  });

  it("compiles with the x-secret keyword allowed", () => {
    expect(
      () => new ConfigSchemaValidator([provider({ type: "object", properties: { k: { type: "string", "x-secret": true } } })]),
    ).not.toThrow();
  });

  it.each([
    ["an unknown keyword", { type: "object", properties: { maxZoom: { type: "integer", maximun: 3 } } }, "maximun"],
    ["a mistyped x-secret", { type: "object", properties: { k: { type: "string", "x-secret": "yes" } } }, "x-secret"],
    ["a bad type", { type: "object", properties: { k: { type: "text" } } }, "openstreetmap"],
  ])("refuses a schema with %s (strict mode), naming the provider", (_, schema, message) => {
    expect(() => new ConfigSchemaValidator([provider(schema as JsonObject)])).toThrow(message);
  });
});

describe("problemPath", () => {
  it.each([
    ["", "configData"],
    ["/maxZoom", "configData.maxZoom"],
    ["/indices/2", "configData.indices[2]"],
    ["/a~1b/c~0d", 'configData["a/b"]["c~d"]'],
    ["/with space/x", 'configData["with space"].x'],
  ])("%j → %s", (pointer, path) => {
    expect(problemPath("configData", pointer)).toBe(path);
  });
});
