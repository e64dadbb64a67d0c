// The configData JSON Schema of each catalog provider (SPEC.md §10.3): its type's base schema (config-schemas.json,
// data beside the catalog) with the provider's own catalog facts filled in, so that the schema and the catalog can
// never disagree (a MAP provider's maxZoom bound is its catalog maxZoom, a PAYMENT provider's currencies its list).
import type { JsonObject, JsonValue, ProviderType } from "../../domain/provider.js";
import bases from "./config-schemas.json" with { type: "json" };

export const JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema";
/** Marks a configData property whose value is a secret (SPEC.md §10.3); an annotation, never a constraint. */
export const SECRET_KEYWORD = "x-secret";

type Properties = Record<string, JsonObject>;

const strings = (value: JsonValue | undefined): string[] | undefined =>
  Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === "string") ? (value as string[]) : undefined;

/** What each type takes from its provider's catalog details; a fact the catalog lacks leaves the base schema as it is. */
const FILL_FACTS: Partial<Record<ProviderType, (properties: Properties, details: JsonObject) => void>> = {
  MAP(properties, details) {
    const { maxZoom } = details;
    if (typeof maxZoom === "number" && Number.isInteger(maxZoom) && properties.maxZoom) {
      properties.maxZoom = { ...properties.maxZoom, maximum: maxZoom, description: `0 to ${maxZoom}, the provider's highest zoom level.` };
    }
  },
  PAYMENT(properties, details) {
    const currencies = strings(details.supportedCurrencies);
    if (currencies && properties.currency) properties.currency = { ...properties.currency, enum: currencies };
  },
  SATELLITE(properties, details) {
    const indices = strings(details.indices);
    if (indices && properties.indices) properties.indices = { ...properties.indices, items: { type: "string", enum: indices } };
  },
};

/** A fresh schema (draft 2020-12) for one provider; unknown properties stay allowed (no additionalProperties). */
export function buildConfigSchema(providerType: ProviderType, provider: { id: string; name: string; details: JsonObject }): JsonObject {
  const base = (bases as unknown as Record<ProviderType, { properties: Properties }>)[providerType];
  const properties: Properties = structuredClone(base.properties);
  FILL_FACTS[providerType]?.(properties, provider.details);
  return {
    $schema: JSON_SCHEMA_DIALECT,
    title: `configData of ${provider.name} (${providerType} ${provider.id})`,
    type: "object",
    properties,
  };
}

/** The properties a schema marks secret, e.g. ["webhookSecret"]. */
export function secretProperties(schema: JsonObject): string[] {
  const properties = schema.properties;
  if (typeof properties !== "object" || properties === null || Array.isArray(properties)) return [];
  return Object.entries(properties)
    .filter(
      ([, property]) => typeof property === "object" && property !== null && !Array.isArray(property) && property[SECRET_KEYWORD] === true,
    )
    .map(([name]) => name);
}
