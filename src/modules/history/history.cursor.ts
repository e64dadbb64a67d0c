// Opaque history cursors. A cursor names the last snapshot a page returned (by its global sequence number),
// so the next page starts strictly below it: changes made in the meantime never shift or repeat items.
// It may also carry a digest of the query it belongs to (tenant and filters, see historyQueryKey), so that a
// cursor of another tenant or of another filter is refused instead of silently paging a different list.
import { createHash } from "node:crypto";
import { ChangeType } from "../../domain/provider.js";
import { validate } from "../../domain/validation.js";
import type { HistoryFilter } from "./config-version.model.js";

const CHANGE_TYPES = Object.values(ChangeType);

const PREFIX = "h1:";
const MAX_SEQ = 2n ** 63n - 1n;

/** Identifies one configHistory query (tenant and filters); cursors issued for it are valid only for it. */
export function historyQueryKey(filter: HistoryFilter): string {
  const v1 = [filter.tenantId, filter.providerType ?? "", filter.providerName ?? "", filter.configId?.toLowerCase() ?? ""];
  const { changeTypes, changedBy, from, to } = filter;
  // Without the v2 filters the key is v1's, so cursors issued before they existed keep working.
  if (changeTypes === undefined && changedBy === undefined && from === undefined && to === undefined) return JSON.stringify(v1);
  // changeTypes is a set: the same types in another order or repeated are the same query.
  const types = changeTypes === undefined ? null : CHANGE_TYPES.filter((type) => changeTypes.includes(type));
  return JSON.stringify([...v1, types, changedBy ?? null, from?.toISOString() ?? null, to?.toISOString() ?? null]);
}

const digestOf = (query: string): string => (query ? createHash("sha256").update(query).digest("base64url").slice(0, 16) : "");

export function encodeCursor(seq: bigint, query = ""): string {
  const digest = digestOf(query);
  return Buffer.from(`${PREFIX}${seq}${digest ? `:${digest}` : ""}`, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string, field = "after", query = ""): bigint {
  const text = /^[A-Za-z0-9_-]{1,64}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const [digits = "", digest = "", ...rest] = (text.startsWith(PREFIX) ? text.slice(PREFIX.length) : "").split(":");
  const seq = /^[1-9]\d{0,18}$/.test(digits) ? BigInt(digits) : 0n;
  return validate((problems) => {
    if (seq < 1n || seq > MAX_SEQ || rest.length > 0 || digest !== digestOf(query)) {
      problems.add(
        field,
        "is not a cursor this service returned for this query; pass nextCursor of the previous page, with the same filters",
      );
    }
    return seq;
  });
}

/**
 * A page from the `limit + 1` rows a newest-first query read (the extra row tells whether another page follows):
 * the first `limit` items, and the cursor after the last of them, or null on the last page.
 */
export function pageOf<Row extends { seq: bigint }, Item>(
  rows: readonly Row[],
  limit: number,
  query: string,
  toItem: (row: Row) => Item,
): { items: Item[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(toItem), nextCursor: rows.length > limit && last ? encodeCursor(last.seq, query) : null };
}
