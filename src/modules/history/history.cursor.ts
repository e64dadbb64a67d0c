// Opaque history cursors. A cursor names the last snapshot a page returned (by its global sequence number),
// so the next page starts strictly below it: changes made in the meantime never shift or repeat items.
import { badInput } from "../../errors.js";

const PREFIX = "h1:";

export function encodeCursor(seq: bigint): string {
  return Buffer.from(`${PREFIX}${seq}`, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string, field = "after"): bigint {
  const text = /^[A-Za-z0-9_-]{1,64}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const digits = text.startsWith(PREFIX) ? text.slice(PREFIX.length) : "";
  if (!/^[1-9]\d{0,18}$/.test(digits))
    throw badInput(field, "is not a cursor this service returned; pass nextCursor from the previous page");
  return BigInt(digits);
}
