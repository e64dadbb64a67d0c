// The sealed map of secret configData fields on a fake sealer: merge (omitted keeps, null removes, same plaintext
// keeps the sealed value, clear values get sealed), rollback restore and diff by plaintext.
import { describe, expect, test } from "vitest";
import type { CredentialSealer } from "./provider-config.rules.js";
import {
  changedSecretFields,
  mergeSecrets,
  openSecrets,
  restoreSecrets,
  type StoredSecrets,
  sealSecret,
  secretFieldNames,
} from "./secret-data.js";

/** Readable, bound to its context, and every seal distinct (like AES-GCM with a random IV). */
class FakeSealer implements CredentialSealer {
  private seals = 0;
  seal(plaintext: string, context: string): string {
    return `sealed#${++this.seals}(${context}):${plaintext}`;
  }
  open(sealed: string, context: string): string {
    const match = /^sealed#\d+\((.*?)\):(.*)$/s.exec(sealed);
    if (!match || match[1] !== context) throw new Error("does not open");
    return match[2] as string;
  }
}

const ID = "config-1";
const sealer = new FakeSealer();
const stored = (values: Record<string, string>, clearSecrets: StoredSecrets["clearSecrets"] = {}): StoredSecrets => ({
  secretData: Object.fromEntries(Object.entries(values).map(([name, value]) => [name, sealSecret(sealer, ID, name, value)])),
  clearSecrets,
});

describe("mergeSecrets", () => {
  const current = stored({ webhookSecret: "a" });

  test("omitted keeps the sealed value; the same plaintext keeps it too; a new one is sealed; null removes", () => {
    expect(mergeSecrets(sealer, ID, current)).toEqual(current.secretData);
    expect(mergeSecrets(sealer, ID, current, { webhookSecret: "a" })).toEqual(current.secretData);
    const changed = mergeSecrets(sealer, ID, current, { webhookSecret: "b" });
    expect(changed.webhookSecret).not.toBe(current.secretData.webhookSecret);
    expect(openSecrets(sealer, ID, { secretData: changed, clearSecrets: {} })).toEqual({ webhookSecret: "b" });
    expect(mergeSecrets(sealer, ID, current, { webhookSecret: null })).toEqual({});
  });

  test("a value stored in clear is sealed by any write", () => {
    const merged = mergeSecrets(sealer, ID, { secretData: {}, clearSecrets: { webhookSecret: "c" } });
    expect(openSecrets(sealer, ID, { secretData: merged, clearSecrets: {} })).toEqual({ webhookSecret: "c" });
  });

  test("bound to the config and field: another config's sealed value does not open", () => {
    const sealed = mergeSecrets(sealer, "config-2", null, { webhookSecret: "x" });
    expect(() => openSecrets(sealer, ID, { secretData: sealed, clearSecrets: {} })).toThrow();
  });
});

describe("restoreSecrets and changedSecretFields", () => {
  test("the target's fields; the current sealed value where the plaintext is the same", () => {
    const target = stored({ webhookSecret: "a", other: "o" });
    const current = stored({ webhookSecret: "a", extra: "e" });
    const restored = restoreSecrets(sealer, ID, target, current);
    expect(restored).toEqual({ webhookSecret: current.secretData.webhookSecret, other: target.secretData.other });
    expect(restoreSecrets(sealer, ID, { secretData: {}, clearSecrets: { webhookSecret: "c" } }, null)).toHaveProperty("webhookSecret");
  });

  test("changed by plaintext, not by sealed value; a clear value compares as its plaintext", () => {
    const a = stored({ webhookSecret: "a", same: "s" });
    const resealed = stored({ webhookSecret: "a", same: "s" });
    expect(changedSecretFields(sealer, ID, a, resealed)).toEqual([]);
    expect(changedSecretFields(sealer, ID, a, stored({ webhookSecret: "b" }))).toEqual(["same", "webhookSecret"]);
    expect(changedSecretFields(sealer, ID, a, { secretData: {}, clearSecrets: { webhookSecret: "a", same: "s" } })).toEqual([]);
    expect(secretFieldNames({ secretData: { b: "x" }, clearSecrets: { a: "y" } })).toEqual(["a", "b"]);
  });
});
