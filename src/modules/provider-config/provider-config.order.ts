// The API's one order for configs: by type (enum order), then priority (PRIMARY first), then name.

import type { ProviderPriority, ProviderType } from "../../domain/provider.js";
import { priorityRank, typeRank } from "../../domain/provider.js";

interface Sortable {
  providerType: ProviderType;
  priority: ProviderPriority;
  providerName: string;
}

/** Names compare by code unit, not by locale, so the order is the same on every database and machine. */
export const compareNames = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function compareConfigs(a: Sortable, b: Sortable): number {
  return (
    typeRank(a.providerType) - typeRank(b.providerType) ||
    priorityRank(a.priority) - priorityRank(b.priority) ||
    compareNames(a.providerName, b.providerName)
  );
}

export const sortConfigs = <T extends Sortable>(configs: readonly T[]): T[] => [...configs].sort(compareConfigs);
