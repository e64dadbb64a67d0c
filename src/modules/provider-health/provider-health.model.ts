// The result of one live check of a provider (SPEC.md §4 checkProviderHealth), as kept by the health memory.
import type { ProviderType } from "../../domain/provider.js";

export const ProviderStatus = {
  AVAILABLE: "AVAILABLE",
  UNAVAILABLE: "UNAVAILABLE",
  RATE_LIMITED: "RATE_LIMITED",
  ERROR: "ERROR",
} as const;
export type ProviderStatus = (typeof ProviderStatus)[keyof typeof ProviderStatus];

/** The statuses skipUnhealthy demotes (SPEC.md §4); the others mean the provider answers. */
export const isFailing = (status: ProviderStatus): boolean => status === ProviderStatus.UNAVAILABLE || status === ProviderStatus.ERROR;

export interface ProviderHealthRecord {
  providerType: ProviderType;
  providerName: string;
  status: ProviderStatus;
  checkedAt: Date;
  responseTimeMs: number | null;
  errorMessage: string | null;
}

/** Reads the last known health of providers (null: never checked). */
export interface ProviderHealthReader {
  get(providerType: ProviderType, providerName: string): Promise<ProviderHealthRecord | null>;
  /** Batched form for failover chains: one lookup for many providers of one type. */
  getMany(providerType: ProviderType, providerNames: readonly string[]): Promise<Map<string, ProviderHealthRecord>>;
}
