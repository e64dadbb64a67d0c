// What usage costs, from the catalog's prices (SPEC.md §12). One rule per provider type, next to the catalog facts
// they read; providers outside the catalog cost 0 (the service knows no price for them).
import { ProviderType } from "../../domain/provider.js";
import type { ProviderInfo } from "./catalog.model.js";

/** Usage summed over a bucket: `quantity` in the type's unit, `amountUsd` the PAYMENT transactions' total. */
export interface UsageTotals {
  readonly quantity: number;
  readonly amountUsd: number;
}

type CostRule = (details: ProviderInfo["details"], usage: UsageTotals) => number;

/** A missing or non-numeric price counts as 0 (catalog.ts checks at load that each type's price is there). */
const price = (details: ProviderInfo["details"], field: string): number => {
  const value = details[field];
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
};

const COST_RULES: Readonly<Record<ProviderType, CostRule>> = {
  [ProviderType.MAP]: (details, { quantity }) => (quantity / 1000) * price(details, "costPer1kRequests"),
  [ProviderType.WEATHER]: (details, { quantity }) => (quantity / 1000) * price(details, "costPer1kRequests"),
  [ProviderType.SATELLITE]: (details, { quantity }) => quantity * price(details, "costPerKm2"),
  [ProviderType.PAYMENT]: (details, { quantity, amountUsd }) =>
    (amountUsd * price(details, "transactionFeePercent")) / 100 + quantity * price(details, "transactionFeeFixed"),
  [ProviderType.SMS]: (details, { quantity }) => quantity * price(details, "costPerSmsUsd"),
  [ProviderType.NOTIFICATION]: (details, { quantity }) => (quantity / 1000) * price(details, "costPer1kNotifications"),
};

/** Micro-dollars: enough for a dashboard, and sums like 0.1 + 0.2 do not show binary noise. */
const COST_DECIMALS = 1e6;

/** The estimated cost in USD of `usage` of `provider` (undefined: not in the catalog, so 0). */
export function estimatedCostUsd(type: ProviderType, provider: ProviderInfo | undefined, usage: UsageTotals): number {
  if (!provider) return 0;
  return Math.round(COST_RULES[type](provider.details, usage) * COST_DECIMALS) / COST_DECIMALS;
}

/** The provider's catalog `rateLimitPerMinute`; null when it has none (or is not in the catalog). */
export function rateLimitPerMinute(provider: ProviderInfo | undefined): number | null {
  const limit = provider?.details.rateLimitPerMinute;
  return typeof limit === "number" && Number.isInteger(limit) && limit >= 0 ? limit : null;
}
