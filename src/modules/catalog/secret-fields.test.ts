import { describe, expect, test } from "vitest";
import { ProviderType } from "../../domain/provider.js";
import { loadCatalog } from "./catalog.js";
import { SecretFields } from "./secret-fields.js";

const fields = new SecretFields(loadCatalog().list());

describe("SecretFields", () => {
  test("the fields each catalog provider's schema marks x-secret; none outside the catalog", () => {
    expect(fields.of(ProviderType.PAYMENT, "stripe")).toEqual(["webhookSecret"]);
    expect(fields.of(ProviderType.NOTIFICATION, "onesignal")).toEqual(["serviceAccountJson"]);
    expect(fields.of(ProviderType.MAP, "openstreetmap")).toEqual([]);
    expect(fields.of(ProviderType.PAYMENT, "own_gateway")).toEqual([]);
    expect(fields.all()).toEqual(["serviceAccountJson", "webhookSecret"]);
  });

  test("split: plain and secret fields, null kept (it removes)", () => {
    expect(fields.split(ProviderType.PAYMENT, "stripe", { currency: "USD", webhookSecret: null })).toEqual({
      plain: { currency: "USD" },
      secret: { webhookSecret: null },
    });
    const data = { webhookSecret: "x" };
    expect(fields.split(ProviderType.PAYMENT, "own_gateway", data)).toEqual({ plain: data, secret: {} });
  });
});
