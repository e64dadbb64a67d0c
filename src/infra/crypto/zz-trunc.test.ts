import { test } from "vitest";
import { SecretBox } from "./secret-box.js";
import { parseKeyring } from "./keyring.js";
test("t", () => {
const b = new SecretBox(parseKeyring(`a:${Buffer.alloc(32,1).toString("base64")}`));
const s = b.seal("hello", "c").split(".");
for (const n of [4, 8, 12, 15]) {
  const tag = Buffer.from(s[4] ?? "", "base64url").subarray(0, n).toString("base64url");
  try { console.log(n, b.open([...s.slice(0,4), tag].join("."), "c")); } catch (e) { console.log(n, (e as Error).message); }
}
});
