// CONFIG_ENCRYPTION_KEYS parsing (every problem at once, never key material in a message) and the development
// key file (created once with mode 0600, then reused).
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { DEV_KEY_FILE, KeyringError, loadOrCreateDevKeyring, parseKeyring } from "./keyring.js";

const material = (fill: number, bytes = 32): string => Buffer.alloc(bytes, fill).toString("base64");

function keyringError(spec: string): KeyringError {
  try {
    parseKeyring(spec);
  } catch (error) {
    if (error instanceof KeyringError) return error;
    throw error;
  }
  throw new Error("expected a KeyringError");
}

describe("parseKeyring", () => {
  test("one key: it seals and opens", () => {
    const keyring = parseKeyring(`k1:${material(1)}`);
    expect(keyring.primary).toEqual({ id: "k1", key: Buffer.alloc(32, 1) });
    expect([...keyring.byId.keys()]).toEqual(["k1"]);
  });

  test("several keys: the first is primary, all open; blanks and spaces are ignored", () => {
    const keyring = parseKeyring(` new-2:${material(2)} , ,old_1:${material(1)},`);
    expect(keyring.primary.id).toBe("new-2");
    expect(keyring.byId.get("old_1")).toEqual(Buffer.alloc(32, 1));
    expect(keyring.byId.size).toBe(2);
  });

  test("base64url key material is accepted too", () => {
    const urlSafe = Buffer.alloc(32, 0xfb).toString("base64url");
    expect(parseKeyring(`k:${urlSafe}`).primary.key).toEqual(Buffer.alloc(32, 0xfb));
  });

  test("reports every problem at once, without any key material", () => {
    const short = material(5, 16);
    const long = material(6, 48);
    const good = material(7);
    const spec = [
      `ok:${good}`,
      `short:${short}`,
      `long:${long}`,
      "nocolon",
      `bad id!:${good}`,
      `ok:${good}`,
      "empty:",
      `junk:${"*".repeat(44)}`,
    ].join(",");
    const error = keyringError(spec);
    expect(error.message).toMatch(/^CONFIG_ENCRYPTION_KEYS: /);
    for (const expected of [
      "key 'short': must be 32 bytes",
      "key 'long': must be 32 bytes",
      "entry 4: key id",
      "entry 5: key id",
      "key 'ok': listed twice",
      "key 'empty': must be 32 bytes",
      "key 'junk': must be 32 bytes",
    ]) {
      expect(error.message).toContain(expected);
    }
    for (const secret of [short, long, good, "*".repeat(44)]) expect(error.message).not.toContain(secret);
  });

  test.each(["", " ", ",,"])("%j holds no key", (spec) => {
    expect(keyringError(spec).message).toContain("no key given");
  });

  test("a key id longer than 32 characters is refused", () => {
    expect(() => parseKeyring(`${"k".repeat(33)}:${material(1)}`)).toThrow(KeyringError);
    expect(parseKeyring(`${"k".repeat(32)}:${material(1)}`).primary.id).toHaveLength(32);
  });
});

describe("loadOrCreateDevKeyring", () => {
  const dirs: string[] = [];
  const tmp = (): string => {
    const dir = mkdtempSync(join(tmpdir(), "pcs-keyring-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  test("creates the key once (mode 0600, in a new directory) and reuses it afterwards", () => {
    const dataDir = join(tmp(), "nested", ".data");
    const first = loadOrCreateDevKeyring(dataDir);
    const path = join(dataDir, DEV_KEY_FILE);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(first.primary.id).toMatch(/^dev-[0-9a-f]{8}$/);
    expect(first.primary.key).toHaveLength(32);
    const contents = readFileSync(path, "utf8");

    const second = loadOrCreateDevKeyring(dataDir);
    expect(second.primary.id).toBe(first.primary.id);
    expect(second.primary.key.equals(first.primary.key)).toBe(true);
    expect(readFileSync(path, "utf8")).toBe(contents);
  });

  test("different data directories get different keys", () => {
    expect(loadOrCreateDevKeyring(tmp()).primary.key.equals(loadOrCreateDevKeyring(tmp()).primary.key)).toBe(false);
  });

  test("a corrupt key file is an error, never silently replaced", () => {
    const dataDir = tmp();
    writeFileSync(join(dataDir, DEV_KEY_FILE), "garbage\n");
    expect(() => loadOrCreateDevKeyring(dataDir)).toThrow(KeyringError);
    expect(readFileSync(join(dataDir, DEV_KEY_FILE), "utf8")).toBe("garbage\n");
  });
});
