// The static provider catalog (catalog.json), validated once at load and read-only afterwards. Built by the
// composition root and injected, so tests can hand a module a catalog of their own.
import { z } from "zod";
import { PROVIDER_TYPES, ProviderPriority, ProviderType } from "../../domain/provider.js";
import { PROVIDER_NAME } from "../../domain/validation.js";
import { COST_FIELD, COUNTRY_BOUND_TYPES } from "./catalog.facts.js";
import data from "./catalog.json" with { type: "json" };
import type { ProviderInfo } from "./catalog.model.js";
import { buildConfigSchema } from "./config-schema.js";

const entrySchema = z.object({
  id: z.string().regex(PROVIDER_NAME, "must be a valid providerName"),
  name: z.string().min(1),
  nameAr: z.string().min(1),
  baseUrl: z.url().nullable(),
  requiresApiKey: z.boolean(),
  defaultPriority: z.enum(ProviderPriority),
  details: z.record(z.string(), z.json()),
});
type CatalogEntry = z.infer<typeof entrySchema>;

// The selection, failover and recommendation rules read these details; a catalog without them must not load.
function checkFacts(type: ProviderType, entry: CatalogEntry, addIssue: (message: string) => void): void {
  if (typeof entry.details[COST_FIELD[type]] !== "number") addIssue(`${entry.id}: details.${COST_FIELD[type]} must be a number`);
  const countries = entry.details.supportedCountries;
  if (COUNTRY_BOUND_TYPES.has(type) && !(Array.isArray(countries) && countries.every((c) => typeof c === "string"))) {
    addIssue(`${entry.id}: details.supportedCountries must be a list of country codes`);
  }
  if (type === ProviderType.MAP && typeof entry.details.supportsOffline !== "boolean") {
    addIssue(`${entry.id}: details.supportsOffline must be a boolean`);
  }
  // The configData schema takes its bounds from these (config-schema.ts).
  const { maxZoom, supportedCurrencies } = entry.details;
  if (type === ProviderType.MAP && !(typeof maxZoom === "number" && Number.isInteger(maxZoom) && maxZoom >= 0)) {
    addIssue(`${entry.id}: details.maxZoom must be a whole number, 0 or more`);
  }
  if (
    supportedCurrencies !== undefined &&
    !(Array.isArray(supportedCurrencies) && supportedCurrencies.every((c) => typeof c === "string" && /^[A-Z]{3}$/.test(c)))
  ) {
    addIssue(`${entry.id}: details.supportedCurrencies must be a list of three-letter currency codes`);
  }
}

const catalogSchema = z.object({ catalog: z.partialRecord(z.enum(ProviderType), z.array(entrySchema)) }).superRefine(({ catalog }, ctx) => {
  for (const type of PROVIDER_TYPES) {
    const entries = catalog[type] ?? [];
    const addIssue = (message: string) => ctx.addIssue({ code: "custom", path: ["catalog", type], message });
    if (entries.length === 0) addIssue("has no providers");
    if (new Set(entries.map((e) => e.id)).size !== entries.length) addIssue("has duplicate ids");
    for (const entry of entries) checkFacts(type, entry, addIssue);
  }
});

/** Validates raw catalog data; throws with every problem listed. Exposed for tests of malformed catalogs. */
export function parseCatalog(raw: unknown): ProviderInfo[] {
  const result = catalogSchema.safeParse(raw);
  if (!result.success) throw new Error(`Invalid provider catalog:\n${z.prettifyError(result.error)}`);
  return PROVIDER_TYPES.flatMap((type) =>
    (result.data.catalog[type] ?? []).map((entry) =>
      deepFreeze({ ...entry, providerType: type, configSchema: buildConfigSchema(type, entry) }),
    ),
  );
}

export function loadCatalog(): Catalog {
  return new Catalog(parseCatalog(data));
}

export class Catalog {
  private readonly byType = new Map<ProviderType, ProviderInfo[]>();

  /** `providers` in catalog order; the order within a type breaks ties in every ranking. */
  constructor(providers: readonly ProviderInfo[]) {
    for (const provider of providers) {
      const list = this.byType.get(provider.providerType) ?? [];
      list.push(provider);
      this.byType.set(provider.providerType, list);
    }
  }

  /** One type in catalog order, or every type in enum order. A fresh array: callers may sort it. */
  list(type?: ProviderType): ProviderInfo[] {
    const types = type === undefined ? PROVIDER_TYPES : [type];
    return types.flatMap((t) => this.byType.get(t) ?? []);
  }

  find(type: ProviderType, name: string): ProviderInfo | undefined {
    return this.byType.get(type)?.find((provider) => provider.id === name);
  }

  /** False for names outside the catalog: the config service cannot know what such a provider needs. */
  requiresApiKey(type: ProviderType, name: string): boolean {
    return this.find(type, name)?.requiresApiKey ?? false;
  }
}

// Entries are shared by every request; freezing turns an accidental mutation into an error instead of a leak.
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
