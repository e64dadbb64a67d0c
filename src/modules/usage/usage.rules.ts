// The input rules of recordProviderUsage (SPEC.md §12), as pure functions: a call is checked as a whole and every
// problem is reported with its `usage[i].field` path. The "catalog or configured" rule needs the database for names
// outside the catalog; those are returned for the service to look up.
import { ProviderType } from "../../domain/provider.js";
import { checkProviderName, checkTenantId, type Problems, textIssue } from "../../domain/validation.js";
import type { NewUsageRecord, TenantProviderKey, UsageInput } from "./usage.model.js";

export const MAX_USAGE_RECORDS = 1000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
/** Clocks of calling services run a little ahead; more than this is a mistake. */
export const MAX_FUTURE_MS = 5 * 60_000;
/** Raw records are kept this long; older usage could not be stored and purged consistently. */
export const MAX_AGE_MS = 35 * 24 * 60 * 60_000;

export interface CheckedUsage {
  /** The records in input order; meaningful only when no problem was found. */
  records: NewUsageRecord[];
  /** Well-formed records whose provider is not in the catalog: valid only if the tenant has configured it. */
  uncatalogued: Array<{ index: number; key: TenantProviderKey }>;
}

export function checkUsage(
  problems: Problems,
  inputs: readonly UsageInput[],
  now: Date,
  isCatalogued: (type: ProviderType, name: string) => boolean,
): CheckedUsage {
  // Invalid as a whole: listing the problems of 5,000 records too would only bury this one.
  if (inputs.length === 0 || inputs.length > MAX_USAGE_RECORDS) {
    problems.add("usage", `must hold 1 to ${MAX_USAGE_RECORDS} records, not ${inputs.length}`);
    return { records: [], uncatalogued: [] };
  }
  const earliest = now.getTime() - MAX_AGE_MS;
  const latest = now.getTime() + MAX_FUTURE_MS;
  const records: NewUsageRecord[] = [];
  const uncatalogued: CheckedUsage["uncatalogued"] = [];
  inputs.forEach((input, index) => {
    const field = (name: string) => `usage[${index}].${name}`;
    const before = problems.count;
    checkTenantId(problems, input.tenantId, field("tenantId"));
    checkProviderName(problems, input.providerName, field("providerName"));
    if (typeof input.quantity !== "number" || !Number.isFinite(input.quantity) || input.quantity <= 0) {
      problems.add(field("quantity"), "must be a finite number greater than 0");
    }
    const amountUsd = input.amountUsd ?? null;
    if (amountUsd !== null && input.providerType !== ProviderType.PAYMENT) {
      problems.add(field("amountUsd"), "is only for PAYMENT usage");
    } else if (amountUsd !== null && !(Number.isFinite(amountUsd) && amountUsd >= 0)) {
      problems.add(field("amountUsd"), "must be a finite number of at least 0");
    }
    const at = input.at ?? now;
    if (Number.isNaN(at.getTime())) problems.add(field("at"), "must be a valid time");
    else if (at.getTime() > latest) problems.add(field("at"), "must not be more than 5 minutes in the future");
    else if (at.getTime() < earliest) problems.add(field("at"), "must not be older than 35 days");
    const key = input.idempotencyKey ?? null;
    if (key !== null) {
      if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
        problems.add(field("idempotencyKey"), `must be 1-${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
      } else {
        const issue = textIssue(key);
        if (issue) problems.add(field("idempotencyKey"), issue);
      }
    }
    const record: NewUsageRecord = {
      tenantId: input.tenantId,
      providerType: input.providerType,
      providerName: input.providerName,
      quantity: input.quantity,
      amountUsd,
      occurredAt: at,
      idempotencyKey: key,
    };
    records.push(record);
    // Looked up only when the record is otherwise sound: its tenant and name are safe to send to the database.
    if (problems.count === before && !isCatalogued(input.providerType, input.providerName)) {
      uncatalogued.push({ index, key: { tenantId: input.tenantId, providerType: input.providerType, providerName: input.providerName } });
    }
  });
  return { records, uncatalogued };
}

export const providerKeyOf = (key: TenantProviderKey): string => `${key.tenantId}\u0000${key.providerType}\u0000${key.providerName}`;

/**
 * The records to store: a key repeated within the call counts once (its first record); the others are duplicates.
 * Whether a key was recorded by an earlier call is for the database to say.
 */
export function firstOfEachKey(records: readonly NewUsageRecord[]): NewUsageRecord[] {
  const seen = new Set<string>();
  return records.filter((record) => {
    if (record.idempotencyKey === null) return true;
    const key = `${record.tenantId}\u0000${record.idempotencyKey}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
