// tenantConfig (SPEC.md §4): a tenant's configs grouped by type, with built-in map/weather defaults for a
// tenant that has stored no MAP, WEATHER or SATELLITE config at all.
import { ProviderPriority, ProviderType } from "../../domain/provider.js";
import type { ProviderConfigRecord, ProviderSettings } from "./provider-config.model.js";

export interface ProviderConfigViewRecord extends ProviderSettings {
  id: string | null;
  version: number | null;
}

export interface TenantConfigRecord {
  tenantId: string;
  isDefault: boolean;
  mapProviders: ProviderConfigViewRecord[];
  weatherProviders: ProviderConfigViewRecord[];
  satelliteProviders: ProviderConfigViewRecord[];
  paymentProviders: ProviderConfigViewRecord[];
  smsProviders: ProviderConfigViewRecord[];
  notificationProviders: ProviderConfigViewRecord[];
}

const builtIn = (providerType: ProviderType, providerName: string, priority: ProviderPriority): ProviderConfigViewRecord => ({
  id: null,
  providerType,
  providerName,
  priority,
  enabled: true,
  configData: {},
  hasApiKey: false,
  version: null,
});

const DEFAULT_MAP = [
  builtIn(ProviderType.MAP, "openstreetmap", ProviderPriority.PRIMARY),
  builtIn(ProviderType.MAP, "esri_satellite", ProviderPriority.SECONDARY),
];
const DEFAULT_WEATHER = [builtIn(ProviderType.WEATHER, "open_meteo", ProviderPriority.PRIMARY)];
/** Any stored config of these types, even a disabled one, replaces the defaults. */
const DEFAULTED_TYPES: readonly ProviderType[] = [ProviderType.MAP, ProviderType.WEATHER, ProviderType.SATELLITE];

const toView = (config: ProviderConfigRecord): ProviderConfigViewRecord => ({
  id: config.id,
  providerType: config.providerType,
  providerName: config.providerName,
  priority: config.priority,
  enabled: config.enabled,
  configData: config.configData,
  hasApiKey: config.hasApiKey,
  version: config.version,
});

/** `configs` must be the tenant's configs in API order (provider-config.order.ts). */
export function buildTenantConfig(tenantId: string, configs: readonly ProviderConfigRecord[]): TenantConfigRecord {
  const ofType = (type: ProviderType) => configs.filter((config) => config.providerType === type).map(toView);
  const isDefault = !configs.some((config) => DEFAULTED_TYPES.includes(config.providerType));
  return {
    tenantId,
    isDefault,
    mapProviders: isDefault ? DEFAULT_MAP.map((view) => ({ ...view })) : ofType(ProviderType.MAP),
    weatherProviders: isDefault ? DEFAULT_WEATHER.map((view) => ({ ...view })) : ofType(ProviderType.WEATHER),
    satelliteProviders: ofType(ProviderType.SATELLITE),
    paymentProviders: ofType(ProviderType.PAYMENT),
    smsProviders: ofType(ProviderType.SMS),
    notificationProviders: ofType(ProviderType.NOTIFICATION),
  };
}
