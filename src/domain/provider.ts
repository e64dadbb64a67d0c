// Enumerations shared by every module. Declaration order matters: it is the API's sort order (SPEC.md §4).

export const ProviderType = {
  MAP: "MAP",
  WEATHER: "WEATHER",
  SATELLITE: "SATELLITE",
  PAYMENT: "PAYMENT",
  SMS: "SMS",
  NOTIFICATION: "NOTIFICATION",
} as const;
export type ProviderType = (typeof ProviderType)[keyof typeof ProviderType];
export const PROVIDER_TYPES = Object.values(ProviderType);

export const ProviderPriority = {
  PRIMARY: "PRIMARY",
  SECONDARY: "SECONDARY",
  TERTIARY: "TERTIARY",
  DISABLED: "DISABLED",
} as const;
export type ProviderPriority = (typeof ProviderPriority)[keyof typeof ProviderPriority];
export const PROVIDER_PRIORITIES = Object.values(ProviderPriority);

export const ChangeType = {
  CREATED: "CREATED",
  UPDATED: "UPDATED",
  ENABLED: "ENABLED",
  DISABLED: "DISABLED",
  DELETED: "DELETED",
  ROLLED_BACK: "ROLLED_BACK",
} as const;
export type ChangeType = (typeof ChangeType)[keyof typeof ChangeType];

export type JsonObject = { [key: string]: JsonValue };
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/** Sort rank for ordering by type, then priority (PRIMARY first), then name. */
export const typeRank = (type: ProviderType): number => PROVIDER_TYPES.indexOf(type);
export const priorityRank = (priority: ProviderPriority): number => PROVIDER_PRIORITIES.indexOf(priority);
