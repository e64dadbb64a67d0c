// Seals credentials with AES-256-GCM. A sealed value is `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts),
// so it names the key that opens it. The `context` is authenticated but not stored: a value sealed for one
// config and field cannot be copied to another row and still open.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { Keyring } from "./keyring.js";

const VERSION = "v1";
const IV_BYTES = 12;
/** Full-length tags only: without this, GCM would accept a truncated (down to 4-byte, forgeable) tag. */
const GCM = { authTagLength: 16 } as const;

export class SecretDecryptionError extends Error {
  override readonly name = "SecretDecryptionError";
}

export class SecretBox {
  constructor(private readonly keyring: Keyring) {}

  get primaryKeyId(): string {
    return this.keyring.primary.id;
  }

  seal(plaintext: string, context: string): string {
    const { id, key } = this.keyring.primary;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", key, iv, GCM);
    cipher.setAAD(Buffer.from(context, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [VERSION, id, iv.toString("base64url"), ciphertext.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
  }

  open(sealed: string, context: string): string {
    const [version, keyId, iv, ciphertext, tag, ...rest] = sealed.split(".");
    if (
      version !== VERSION ||
      keyId === undefined ||
      iv === undefined ||
      ciphertext === undefined ||
      tag === undefined ||
      rest.length > 0
    ) {
      throw new SecretDecryptionError("stored credential has an unknown format");
    }
    const key = this.keyring.byId.get(keyId);
    if (!key) throw new SecretDecryptionError(`stored credential was sealed with key '${keyId}', which is not configured`);
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), GCM);
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      throw new SecretDecryptionError(`stored credential failed authentication with key '${keyId}'`);
    }
  }

  /** The id of the key a sealed value was sealed with (for key rotation). */
  static keyIdOf(sealed: string): string | undefined {
    return sealed.split(".")[1];
  }
}

/** `****` plus the last 4 characters; just `****` for keys shorter than 12 (SPEC.md §7). */
export function apiKeyHint(apiKey: string): string {
  const chars = [...apiKey];
  return chars.length < 12 ? "****" : `****${chars.slice(-4).join("")}`;
}
