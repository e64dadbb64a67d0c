// Where a reader is in the one ordered stream of change events (SPEC.md §9): after the event (txid, seq), or —
// with seq 0 — before every event of transaction `txid` and after everything of older transactions. Readers see
// only events below the oldest transaction still running (the watermark), so positions only ever move forward:
// whatever becomes visible later sorts after whatever was visible before.
import { createHash } from "node:crypto";
import type { ProviderType } from "../../domain/provider.js";
import { validate } from "../../domain/validation.js";

export interface ChangePosition {
  readonly txid: bigint;
  readonly seq: bigint;
}

export const compare = (a: ChangePosition, b: ChangePosition): number =>
  a.txid !== b.txid ? (a.txid < b.txid ? -1 : 1) : a.seq === b.seq ? 0 : a.seq < b.seq ? -1 : 1;

/** Before every event of transaction `txid` and of every later one: where a reader stands at a watermark. */
export const atWatermark = (txid: bigint): ChangePosition => ({ txid, seq: 0n });

/** The stream a cursor belongs to: one tenant, optionally one provider type. */
export interface ChangeFilter {
  readonly tenantId: string;
  readonly providerType?: ProviderType | null;
}

const PREFIX = "c1:";
const MAX_INT64 = 2n ** 63n - 1n;
const DIGITS = /^(0|[1-9]\d{0,19})$/;

const digestOf = (filter: ChangeFilter): string =>
  createHash("sha256")
    .update(JSON.stringify([filter.tenantId, filter.providerType ?? ""]))
    .digest("base64url")
    .slice(0, 16);

/** Opaque: the position and a digest of the stream, so that a cursor of another tenant or filter is refused. */
export function encodeChangeCursor(position: ChangePosition, filter: ChangeFilter): string {
  return Buffer.from(`${PREFIX}${position.txid}:${position.seq}:${digestOf(filter)}`, "utf8").toString("base64url");
}

/** The position a cursor names; BAD_USER_INPUT (field `field`) for anything this service did not issue for this stream. */
export function decodeChangeCursor(cursor: string, filter: ChangeFilter, field = "after"): ChangePosition {
  const text = /^[A-Za-z0-9_-]{1,96}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const [txid = "", seq = "", digest = "", ...rest] = (text.startsWith(PREFIX) ? text.slice(PREFIX.length) : "").split(":");
  return validate((problems) => {
    const valid = DIGITS.test(txid) && DIGITS.test(seq) && BigInt(txid) <= MAX_INT64 && BigInt(seq) <= MAX_INT64;
    if (!valid || rest.length > 0 || digest !== digestOf(filter)) {
      problems.add(
        field,
        "is not a cursor this service issued for this tenant and provider type; pass the cursor of an event or page of the same stream",
      );
    }
    return valid ? { txid: BigInt(txid), seq: BigInt(seq) } : { txid: 0n, seq: 0n };
  });
}
