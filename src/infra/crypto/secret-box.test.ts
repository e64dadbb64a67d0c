// Sealing credentials (SPEC.md §7): AES-256-GCM round trip, context (AAD) binding, key ids, tampering, rotation.
import { describe, expect, test } from "vitest";
import { parseKeyring } from "./keyring.js";
import { apiKeyHint, SecretBox, SecretDecryptionError } from "./secret-box.js";

const material = (fill: number): string => Buffer.alloc(32, fill).toString("base64");
const box = (spec: string): SecretBox => new SecretBox(parseKeyring(spec));
const PLAINTEXT = "sk_live_51HxYzSecretValue";
const CONTEXT = "provider-config:11111111-1111-4111-8111-111111111111:apiKey";

function failure(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected open to fail");
}

describe("SecretBox", () => {
  const alpha = box(`alpha:${material(1)}`);

  test.each([PLAINTEXT, "x", "ключ-🔑-مفتاح", "a.b.c", "k".repeat(4096)])("%s round-trips", (plaintext) => {
    expect(alpha.open(alpha.seal(plaintext, CONTEXT), CONTEXT)).toBe(plaintext);
  });

  test("a sealed value is v1.<keyId>.<iv>.<ciphertext>.<tag>, base64url, without the plaintext", () => {
    const sealed = alpha.seal(PLAINTEXT, CONTEXT);
    expect(sealed).toMatch(/^v1\.alpha\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(sealed).not.toContain(PLAINTEXT);
    expect(SecretBox.keyIdOf(sealed)).toBe("alpha");
    expect(alpha.primaryKeyId).toBe("alpha");
  });

  test("every seal uses a fresh IV, so equal plaintexts do not look equal", () => {
    expect(alpha.seal(PLAINTEXT, CONTEXT)).not.toBe(alpha.seal(PLAINTEXT, CONTEXT));
  });

  test("the context is bound: a value does not open for another config or field", () => {
    const sealed = alpha.seal(PLAINTEXT, CONTEXT);
    for (const other of [CONTEXT.replace("apiKey", "apiSecret"), CONTEXT.replace("1111", "2222"), ""]) {
      const error = failure(() => alpha.open(sealed, other));
      expect(error).toBeInstanceOf(SecretDecryptionError);
      expect(error.message).not.toContain(PLAINTEXT);
    }
  });

  test("a value sealed with a key that is not configured names the key id only", () => {
    const sealed = box(`gone:${material(9)}`).seal(PLAINTEXT, CONTEXT);
    const error = failure(() => alpha.open(sealed, CONTEXT));
    expect(error).toBeInstanceOf(SecretDecryptionError);
    expect(error.message).toContain("'gone'");
    expect(error.message).not.toContain(material(9));
  });

  test("the same key id with other key material fails authentication", () => {
    const sealed = box(`alpha:${material(2)}`).seal(PLAINTEXT, CONTEXT);
    expect(failure(() => alpha.open(sealed, CONTEXT))).toBeInstanceOf(SecretDecryptionError);
  });

  describe("tampering is detected", () => {
    const sealed = alpha.seal(PLAINTEXT, CONTEXT);
    const parts = sealed.split(".");
    const flip = (part: string): string => {
      const bytes = Buffer.from(part, "base64url");
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes.toString("base64url");
    };
    const withPart = (index: number, value: string): string => parts.map((part, i) => (i === index ? value : part)).join(".");

    test.each([
      ["iv", withPart(2, flip(parts[2] ?? ""))],
      ["ciphertext", withPart(3, flip(parts[3] ?? ""))],
      ["tag", withPart(4, flip(parts[4] ?? ""))],
      // GCM accepts a prefix of the right tag unless the tag length is pinned: 4 bytes would be forgeable.
      [
        "tag cut to 4 bytes",
        withPart(
          4,
          Buffer.from(parts[4] ?? "", "base64url")
            .subarray(0, 4)
            .toString("base64url"),
        ),
      ],
      [
        "tag cut to 12 bytes",
        withPart(
          4,
          Buffer.from(parts[4] ?? "", "base64url")
            .subarray(0, 12)
            .toString("base64url"),
        ),
      ],
      ["version", withPart(0, "v2")],
      ["missing part", parts.slice(0, 4).join(".")],
      ["extra part", `${sealed}.x`],
      ["not sealed at all", PLAINTEXT],
      ["empty", ""],
    ])("%s", (_, tampered) => {
      const error = failure(() => alpha.open(tampered, CONTEXT));
      expect(error).toBeInstanceOf(SecretDecryptionError);
      expect(error.message).not.toContain(PLAINTEXT);
    });
  });

  test("with several keys the first seals and every one opens", () => {
    const oldBox = box(`old:${material(3)}`);
    const sealedWithOld = oldBox.seal(PLAINTEXT, CONTEXT);
    const rotated = box(`new:${material(4)},old:${material(3)}`);
    expect(rotated.primaryKeyId).toBe("new");
    expect(rotated.open(sealedWithOld, CONTEXT)).toBe(PLAINTEXT);
    const sealedWithNew = rotated.seal(PLAINTEXT, CONTEXT);
    expect(SecretBox.keyIdOf(sealedWithNew)).toBe("new");
    expect(rotated.open(sealedWithNew, CONTEXT)).toBe(PLAINTEXT);
    expect(failure(() => oldBox.open(sealedWithNew, CONTEXT))).toBeInstanceOf(SecretDecryptionError);
  });
});

describe("apiKeyHint", () => {
  test.each([
    ["k".repeat(11), "****"],
    ["abcdefgh1234", "****1234"],
    ["x", "****"],
    [`${"🔑".repeat(8)}wxyz`, "****wxyz"],
    [`${"a".repeat(8)}🔑🔑🔑🔑`, "****🔑🔑🔑🔑"],
  ])("%s → %s", (key, hint) => {
    expect(apiKeyHint(key)).toBe(hint);
  });
});
