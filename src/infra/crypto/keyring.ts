// Encryption keys for credentials at rest (SPEC.md §7): `CONFIG_ENCRYPTION_KEYS=keyId:base64-32-bytes[,…]`.
// The first key seals new values; every listed key opens old ones. Outside production, a development key is
// generated once and kept in <dataDir>/encryption-key, so restarts can still read what was stored.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

export interface Keyring {
  /** Seals every new value. */
  primary: EncryptionKey;
  byId: ReadonlyMap<string, Buffer>;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

export class KeyringError extends Error {
  override readonly name = "KeyringError";
}

/** Parses `keyId:base64[,keyId:base64]`. Messages never include key material. */
export function parseKeyring(spec: string): Keyring {
  const problems: string[] = [];
  const keys: EncryptionKey[] = [];
  const entries = spec
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  entries.forEach((entry, index) => {
    const separator = entry.indexOf(":");
    const id = separator < 0 ? "" : entry.slice(0, separator);
    const material = separator < 0 ? "" : entry.slice(separator + 1);
    if (!KEY_ID.test(id)) {
      problems.push(`entry ${index + 1}: key id must be 1-32 characters of [A-Za-z0-9_-], followed by ':'`);
      return;
    }
    const key = BASE64.test(material) ? Buffer.from(material, "base64") : Buffer.alloc(0);
    if (key.length !== 32) problems.push(`key '${id}': must be 32 bytes, base64-encoded`);
    else if (keys.some((existing) => existing.id === id)) problems.push(`key '${id}': listed twice`);
    else keys.push({ id, key });
  });
  if (entries.length === 0) problems.push("no key given");
  const [primary] = keys;
  if (problems.length > 0 || !primary) throw new KeyringError(`CONFIG_ENCRYPTION_KEYS: ${problems.join("; ")}`);
  return { primary, byId: new Map(keys.map((k) => [k.id, k.key])) };
}

export const DEV_KEY_FILE = "encryption-key";

/** Loads the development key from `dataDir`, creating it (mode 0600) the first time. Never used in production. */
export function loadOrCreateDevKeyring(dataDir: string): Keyring {
  const path = join(dataDir, DEV_KEY_FILE);
  try {
    return parseKeyring(readFileSync(path, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const spec = `dev-${randomBytes(4).toString("hex")}:${randomBytes(32).toString("base64")}`;
  try {
    writeFileSync(path, `${spec}\n`, { flag: "wx", mode: 0o600 });
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return parseKeyring(readFileSync(path, "utf8"));
  }
  chmodSync(path, 0o600);
  return parseKeyring(spec);
}

/**
 * The keyring the service (and `rotate-keys`) runs with: `encryptionKeys` (CONFIG_ENCRYPTION_KEYS) when set, else
 * the development key in `dataDir` (config.ts already refuses production without keys). `warn` is told, with a
 * message naming no key material, when the development key is used.
 */
export function loadKeyring(source: { encryptionKeys?: string; dataDir: string }, warn?: (message: string) => void): Keyring {
  if (source.encryptionKeys) return parseKeyring(source.encryptionKeys);
  warn?.("CONFIG_ENCRYPTION_KEYS is not set: using the development key kept in the data directory");
  return loadOrCreateDevKeyring(source.dataDir);
}
