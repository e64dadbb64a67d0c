// Domain shapes of the usage module (SPEC.md §12), free of GraphQL and storage concerns.
import type { ProviderType } from "../../domain/provider.js";

export const UsageGranularity = {
  HOUR: "HOUR",
  DAY: "DAY",
  MONTH: "MONTH",
} as const;
export type UsageGranularity = (typeof UsageGranularity)[keyof typeof UsageGranularity];

/** One record as a calling service reports it (ProviderUsageInput). */
export interface UsageInput {
  tenantId: string;
  providerType: ProviderType;
  providerName: string;
  quantity: number;
  amountUsd?: number | null;
  at?: Date | null;
  idempotencyKey?: string | null;
}

/** A checked record, ready to store. */
export interface NewUsageRecord {
  tenantId: string;
  providerType: ProviderType;
  providerName: string;
  quantity: number;
  amountUsd: number | null;
  occurredAt: Date;
  idempotencyKey: string | null;
}

export interface UsageReceipt {
  accepted: number;
  duplicates: number;
}

/** Usage the insert accepted, grouped by provider and (for records of the last minutes) UTC minute. */
export interface AcceptedUsageGroup {
  tenantId: string;
  providerType: ProviderType;
  providerName: string;
  /** The UTC minute of these records, or null for records older than the rate-limit window. */
  minuteStart: Date | null;
  quantity: number;
  events: number;
}

/** Summed usage of one provider in one bucket, as the database returns it. */
export interface UsageBucket {
  start: Date;
  providerType: ProviderType;
  providerName: string;
  quantity: number;
  amountUsd: number;
  events: number;
}

export interface ProviderUsageRecord {
  start: Date;
  providerType: ProviderType;
  providerName: string;
  quantity: number;
  events: number;
  estimatedCostUsd: number;
}

export interface RateLimitStatusRecord {
  providerType: ProviderType;
  providerName: string;
  limitPerMinute: number | null;
  usedThisMinute: number;
  remaining: number | null;
  resetAt: Date;
}

/** A provider of a tenant, as the "catalog or configured" rule looks it up. */
export interface TenantProviderKey {
  tenantId: string;
  providerType: ProviderType;
  providerName: string;
}

export const MINUTE_MS = 60_000;
export const minuteStartOf = (at: Date): Date => new Date(Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS);
