// Opaque history cursors. A cursor names the last snapshot a page returned (by its global sequence number),
// so the next page starts strictly below it: changes made in the meantime never shift or repeat items.
// It also carries a digest of the query it belongs to (tenant and filters), so that a cursor of another
// tenant or of another filter is refused instead of silently paging a different list.
import { createHash } from "node:crypto";
import { validate } from "../../domain/validation.js";
import type { HistoryFilter } from "./config-version.model.js";

const PREFIX = "h1:";
const MAX_SEQ = 2n ** 63n - 1n;

function queryDigest(filter: HistoryFilter): string {
  const parts = [filter.tenantId, filter.providerType ?? "", filter.providerName ?? "", filter.configId?.toLowerCase() ?? ""];
  return createHash("sha256").update(JSON.stringify(parts)).digest("base64url").slice(0, 16);
}

export function encodeCursor(seq: bigint, filter: HistoryFilter): string {
  return Buffer.from(`${PREFIX}${seq}:${queryDigest(filter)}`, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string, filter: HistoryFilter, field = "after"): bigint {
  const text = /^[A-Za-z0-9_-]{1,64}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const [digits = "", digest] = (text.startsWith(PREFIX) ? text.slice(PREFIX.length) : "").split(":");
  const seq = /^[1-9]\d{0,18}$/.test(digits) ? BigInt(digits) : 0n;
  return validate((problems) => {
    if (seq < 1n || seq > MAX_SEQ || digest !== queryDigest(filter)) {
      problems.add(field, "is not a cursor this service returned for this query; pass nextCursor of the previous page, with the same filters");
    }
    return seq;
  });
}
