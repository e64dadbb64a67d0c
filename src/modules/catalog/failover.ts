// SPEC.md §4 failoverChain as a pure function: the order in which a client should try the providers of one type.
import { ProviderPriority, type ProviderType, priorityRank } from "../../domain/provider.js";
import { type ProviderHealthRecord, ProviderStatus } from "../provider-health/provider-health.model.js";
import { availableIn } from "./catalog.facts.js";
import type { ProviderInfo, StoredProviderRef } from "./catalog.model.js";

export interface FailoverEntry {
  /** 1-based position in the chain. */
  order: number;
  providerName: string;
  priority: ProviderPriority;
  /** From the tenant's stored configs (true) or the catalog defaults (false). */
  configured: boolean;
  /** Null for a stored name the catalog does not know. */
  provider: ProviderInfo | null;
  health: ProviderHealthRecord | null;
  /** Moved to the end by skipUnhealthy. */
  skipped: boolean;
}

export interface FailoverChain {
  providerType: ProviderType;
  country: string | null;
  tenantId: string | null;
  entries: FailoverEntry[];
}

export interface FailoverInput {
  providerType: ProviderType;
  /** The catalog providers of `providerType`, in catalog order. */
  catalog: readonly ProviderInfo[];
  /** Every stored config of the tenant for that type (disabled ones too); undefined when no tenant was given. */
  stored?: readonly StoredProviderRef[];
  /** Any case; it only narrows PAYMENT and SMS. */
  country?: string;
  /** Last known health by provider name; a missing name was never checked. */
  health?: ReadonlyMap<string, ProviderHealthRecord>;
  skipUnhealthy: boolean;
}

type Candidate = Pick<FailoverEntry, "providerName" | "priority" | "configured" | "provider">;

// RATE_LIMITED is transient and says the provider works, so only these two demote it.
const UNHEALTHY: ReadonlySet<ProviderStatus> = new Set([ProviderStatus.UNAVAILABLE, ProviderStatus.ERROR]);

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function buildFailoverChain(input: FailoverInput): FailoverEntry[] {
  const country = input.country?.toUpperCase();
  const candidates = (input.stored?.length ? configuredCandidates(input.stored, input.catalog) : catalogCandidates(input.catalog)).filter(
    // A stored name outside the catalog has no known countries; dropping it would silently ignore the tenant's choice.
    ({ provider }) => !provider || availableIn(provider, country),
  );
  const entries = candidates.map((candidate) => {
    const health = input.health?.get(candidate.providerName) ?? null;
    return { ...candidate, health, skipped: input.skipUnhealthy && health !== null && UNHEALTHY.has(health.status) };
  });
  // Demoted rather than dropped: when every provider looks down, the client still has something to try.
  const ordered = [...entries.filter((e) => !e.skipped), ...entries.filter((e) => e.skipped)];
  return ordered.map((entry, index) => ({ order: index + 1, ...entry }));
}

// The tenant's choice is respected: a tenant whose configs are all disabled gets an empty chain, not the defaults.
function configuredCandidates(stored: readonly StoredProviderRef[], catalog: readonly ProviderInfo[]): Candidate[] {
  return stored
    .filter((config) => config.enabled && config.priority !== ProviderPriority.DISABLED)
    .sort((a, b) => priorityRank(a.priority) - priorityRank(b.priority) || byCodeUnits(a.providerName, b.providerName))
    .map((config) => ({
      providerName: config.providerName,
      priority: config.priority,
      configured: true,
      provider: catalog.find((p) => p.id === config.providerName) ?? null,
    }));
}

function catalogCandidates(catalog: readonly ProviderInfo[]): Candidate[] {
  return [...catalog]
    .sort((a, b) => priorityRank(a.defaultPriority) - priorityRank(b.defaultPriority))
    .map((provider) => ({ providerName: provider.id, priority: provider.defaultPriority, configured: false, provider }));
}
