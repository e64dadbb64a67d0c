// The NATS subject and payload of a change event (SPEC.md §9 NATS).
import { describe, expect, test } from "vitest";
import { subjectOf, toChangeEventMessage } from "./change-event.message.js";
import type { StoredEvent } from "./change-event.repository.js";
import { decodeChangeCursor } from "./change-position.js";

describe("subjectOf", () => {
  test.each([
    ["acme", "sahool.tenant.acme.config.updated"],
    ["acme:eu-1_x", "sahool.tenant.acme:eu-1_x.config.updated"],
    ["acme.eu", "sahool.tenant.acme_eu.config.updated"],
    ["a*b>c", "sahool.tenant.a_b_c.config.updated"],
    ["a b\tc\nd", "sahool.tenant.a_b_c_d.config.updated"],
    ["", "sahool.tenant._.config.updated"],
  ])("%j → %s", (tenantId, subject) => {
    expect(subjectOf(tenantId)).toBe(subject);
  });

  test("always exactly five tokens, none empty or a wildcard", () => {
    for (const tenantId of ["..", "*", ">", " ", "a..b", "ä.ö"]) {
      const tokens = subjectOf(tenantId).split(".");
      expect(tokens).toHaveLength(5);
      for (const token of tokens) expect(token).toMatch(/^[^\s*>]+$/);
    }
  });
});

describe("toChangeEventMessage", () => {
  const event: StoredEvent = {
    seq: 42n,
    txid: "9001",
    id: "0b7c1d5e-8a1f-4c3e-9d2a-5f6e7a8b9c0d",
    configId: "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
    tenantId: "acme.eu",
    providerType: "PAYMENT",
    providerName: "moyasar",
    priority: "PRIMARY",
    enabled: true,
    configData: { currency: "SAR" },
    secretData: { webhookSecret: "v1.k.sealed-webhook-secret" },
    clearSecrets: {},
    apiKey: "sealed:v1:secret-material",
    apiSecret: "sealed:v1:other-secret",
    apiKeyHint: "…4242",
    version: 3,
    changeType: "UPDATED",
    changedAt: new Date("2026-12-02T01:02:03.456Z"),
    changedBy: "ops@acme",
    changeReason: "rotate",
  } as StoredEvent;

  test("subject, id and the payload fields; no credential material", () => {
    const message = toChangeEventMessage(event);
    expect(message.subject).toBe("sahool.tenant.acme_eu.config.updated");
    expect(message.msgId).toBe(event.id);
    expect(message.payload).toEqual({
      eventId: event.id,
      cursor: message.payload.cursor,
      tenantId: "acme.eu",
      configId: event.configId,
      providerType: "PAYMENT",
      providerName: "moyasar",
      changeType: "UPDATED",
      version: 3,
      priority: "PRIMARY",
      enabled: true,
      configData: { currency: "SAR" },
      hasApiKey: true,
      changedAt: "2026-12-02T01:02:03.456Z",
      changedBy: "ops@acme",
      changeReason: "rotate",
    });
    expect(JSON.stringify(message)).not.toMatch(/sealed|secret-material|4242/);
  });

  test("the cursor is the tenant stream's: configChanges(tenantId, after) resumes right after the event", () => {
    const { cursor } = toChangeEventMessage(event).payload;
    expect(decodeChangeCursor(cursor, { tenantId: "acme.eu" })).toEqual({ txid: 9001n, seq: 42n });
    expect(() => decodeChangeCursor(cursor, { tenantId: "acme.eu", providerType: "PAYMENT" })).toThrow();
  });
});
