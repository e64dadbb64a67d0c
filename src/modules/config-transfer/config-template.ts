// The built-in config templates (SPEC.md §10.2), derived once from the catalog by the catalog's own rules: one per
// budget of recommendProviders, one per country that PAYMENT or SMS providers serve (selectProviders). No rule is
// restated here; when the catalog or the rules change, the templates follow.
import { type JsonObject, ProviderPriority, ProviderType } from "../../domain/provider.js";
import { Problems } from "../../domain/validation.js";
import { Budget } from "../catalog/budget.model.js";
import { ANY_COUNTRY, COUNTRY_BOUND_TYPES, supportedCountries } from "../catalog/catalog.facts.js";
import type { Catalog } from "../catalog/catalog.js";
import type { ProviderInfo } from "../catalog/catalog.model.js";
import { recommendProviders } from "../catalog/recommendation.js";
import { BUDGET_WORDS, type Phrase } from "../catalog/recommendation.text.js";
import { selectProviders } from "../catalog/selection.js";
import type { ConfigDataSchemas } from "../provider-config/provider-config.input-rules.js";

/**
 * The list sizes the cost limit assumes for configTemplates and a template's entries (a few budgets, a dozen
 * countries; at most every PAYMENT and SMS provider). config-template.test.ts holds the catalog to them.
 */
export const TEMPLATE_LIST_SIZE = 40;
export const TEMPLATE_ENTRIES_SIZE = 20;

export interface ConfigTemplateEntry {
  providerType: ProviderType;
  providerName: string;
  priority: ProviderPriority;
  /** False for a provider that needs an API key: a template carries no keys. */
  enabled: boolean;
  configData: JsonObject;
}

export interface ConfigTemplate {
  name: string;
  description: string;
  descriptionAr: string;
  entries: ConfigTemplateEntry[];
}

/** The n-th pick of a type: the first is PRIMARY, the second SECONDARY, any later one TERTIARY. */
const priorityAt = (index: number): ProviderPriority =>
  index === 0 ? ProviderPriority.PRIMARY : index === 1 ? ProviderPriority.SECONDARY : ProviderPriority.TERTIARY;

const entryOf = (provider: ProviderInfo, priority: ProviderPriority): ConfigTemplateEntry => ({
  providerType: provider.providerType,
  providerName: provider.id,
  priority,
  enabled: !provider.requiresApiKey,
  configData: {},
});

const TYPE_WORDS: Readonly<Record<ProviderType, Phrase>> = {
  [ProviderType.MAP]: { en: "maps", ar: "الخرائط" },
  [ProviderType.WEATHER]: { en: "weather", ar: "الطقس" },
  [ProviderType.SATELLITE]: { en: "satellite imagery", ar: "صور الأقمار الصناعية" },
  [ProviderType.PAYMENT]: { en: "payment", ar: "الدفع" },
  [ProviderType.SMS]: { en: "SMS", ar: "الرسائل القصيرة" },
  [ProviderType.NOTIFICATION]: { en: "notifications", ar: "الإشعارات" },
};

const KEY_NOTE: Phrase = {
  en: " Providers that need an API key are added disabled: add the key, then enable them.",
  ar: " المزوّدون الذين يحتاجون إلى مفتاح API يُضافون معطَّلين: أضف المفتاح ثم فعّلهم.",
};

export function deriveTemplates(catalog: Catalog): ConfigTemplate[] {
  return [
    ...Object.values(Budget).map((budget) => budgetTemplate(catalog, budget)),
    ...countryCodes(catalog).map((code) => countryTemplate(catalog, code)),
  ];
}

/**
 * recommendProviders for the budget, with the tier's own picks (offlineRequired: false: whether maps must work
 * offline is the tenant's call, not the budget's), each type's picks in their order.
 */
function budgetTemplate(catalog: Catalog, budget: Budget): ConfigTemplate {
  const picks = recommendProviders({ budget, useCase: "agricultural", offlineRequired: false, mapCatalog: catalog.list(ProviderType.MAP) });
  const groups = [picks.map, picks.weather, picks.satellite].map((items) =>
    items.map((item) => catalogProvider(catalog, item.providerType, item.providerName)),
  );
  const words = BUDGET_WORDS[budget];
  return describe(
    catalog,
    budget.toLowerCase(),
    { en: `Starter set for a ${words.en} budget`, ar: `مجموعة بداية لميزانية ${words.ar}` },
    groups.map((providers) => providers.map((provider, index) => entryOf(provider, priorityAt(index)))),
  );
}

/** PAYMENT and SMS by selectProviders for the country: the selected ones PRIMARY, the fallbacks SECONDARY. */
function countryTemplate(catalog: Catalog, code: string): ConfigTemplate {
  const groups = [ProviderType.PAYMENT, ProviderType.SMS].map((providerType) => {
    const selection = selectProviders({ providerType, catalog: catalog.list(providerType), country: code, includeFallback: true });
    return [
      ...selection.selected.map((provider) => entryOf(provider, ProviderPriority.PRIMARY)),
      ...selection.fallbackProviders.map((provider) => entryOf(provider, ProviderPriority.SECONDARY)),
    ];
  });
  return describe(
    catalog,
    `country-${code.toLowerCase()}`,
    { en: `Payment and SMS providers for ${code}`, ar: `مزوّدو الدفع والرسائل القصيرة في ${code}` },
    groups,
  );
}

/** Every country code (upper case, sorted) that a PAYMENT or SMS provider names; `*` is not a country. */
function countryCodes(catalog: Catalog): string[] {
  const codes = [...COUNTRY_BOUND_TYPES].flatMap((type) => catalog.list(type).flatMap(supportedCountries));
  return [...new Set(codes.map((code) => code.toUpperCase()).filter((code) => code !== ANY_COUNTRY))].sort();
}

/** Names the template and lists its providers per type in both languages, with the API-key note when it applies. */
function describe(catalog: Catalog, name: string, title: Phrase, groups: ConfigTemplateEntry[][]): ConfigTemplate {
  const entries = groups.flat();
  const nameOf = (entry: ConfigTemplateEntry, lang: keyof Phrase) => {
    const provider = catalog.find(entry.providerType, entry.providerName);
    return (lang === "en" ? provider?.name : provider?.nameAr) ?? entry.providerName;
  };
  const list = (lang: keyof Phrase, separator: string, comma: string) =>
    groups
      .filter((group) => group.length > 0)
      .map(
        (group) => `${TYPE_WORDS[group[0]?.providerType as ProviderType][lang]}: ${group.map((entry) => nameOf(entry, lang)).join(comma)}`,
      )
      .join(separator);
  const note = entries.some((entry) => !entry.enabled) ? KEY_NOTE : { en: "", ar: "" };
  return {
    name,
    description: `${title.en} (${list("en", "; ", ", ")}).${note.en}`,
    descriptionAr: `${title.ar} (${list("ar", "؛ ", "، ")}).${note.ar}`,
    entries,
  };
}

function catalogProvider(catalog: Catalog, providerType: ProviderType, name: string): ProviderInfo {
  const provider = catalog.find(providerType, name);
  // recommendProviders names only catalog providers (catalog tests hold it to that); this guards a changed catalog.
  if (!provider) throw new Error(`Config templates: ${providerType} provider '${name}' is not in the catalog`);
  return provider;
}

/**
 * A template's configData is written to the configs it creates, so it must pass the providers' schemas like any
 * write (SPEC.md §10.3). The templates are fixed at start-up: checked once there, a bad one stops the start.
 */
export function checkTemplates(templates: readonly ConfigTemplate[], schemas: ConfigDataSchemas): void {
  const problems = new Problems();
  for (const template of templates) {
    for (const [index, entry] of template.entries.entries()) {
      schemas.check(problems, entry.providerType, entry.providerName, entry.configData, `${template.name}.entries[${index}].configData`);
    }
  }
  try {
    problems.throwIfAny();
  } catch (error) {
    throw new Error(`Config templates break the configData schemas: ${(error as Error).message}`);
  }
}
