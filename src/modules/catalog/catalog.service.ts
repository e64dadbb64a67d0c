// The catalog's use cases: validates arguments, gathers what the pure rules need, and runs them.

import { assertTenantAccess, type Caller, Scope } from "../../domain/caller.js";
import { ProviderType } from "../../domain/provider.js";
import type { ProviderHealthReader } from "../provider-health/provider-health.model.js";
import type { Budget } from "./budget.model.js";
import type { Catalog } from "./catalog.js";
import type { ProviderInfo, TenantProviderReader } from "./catalog.model.js";
import { parseCountry, parseTenantId, parseUseCase } from "./catalog.validation.js";
import { buildFailoverChain, type FailoverChain } from "./failover.js";
import { type Recommendations, recommendProviders } from "./recommendation.js";
import { type ProviderSelection, selectProviders } from "./selection.js";

export interface FailoverChainArgs {
  providerType: ProviderType;
  tenantId?: string;
  country?: string;
  skipUnhealthy: boolean;
}

export class CatalogService {
  constructor(
    private readonly catalog: Catalog,
    private readonly health: ProviderHealthReader,
  ) {}

  listProviders(providerType?: ProviderType): ProviderInfo[] {
    return this.catalog.list(providerType);
  }

  /**
   * A read of the tenant's configs when a tenant is given (config:read); otherwise catalog facts only.
   * `tenantConfigs` is the request's reader, so that many chains in one request share one batched read.
   */
  async failoverChain(caller: Caller, tenantConfigs: TenantProviderReader, args: FailoverChainArgs): Promise<FailoverChain> {
    const tenantId = args.tenantId === undefined ? undefined : parseTenantId(args.tenantId);
    const country = args.country === undefined ? undefined : parseCountry(args.country);
    if (tenantId !== undefined) assertTenantAccess(caller, tenantId, Scope.CONFIG_READ);
    const catalog = this.catalog.list(args.providerType);
    const stored = tenantId === undefined ? undefined : await tenantConfigs.listForFailover(caller, tenantId, args.providerType);
    // Every name that could be in the chain, in one batched lookup; which of them end up in it is the rule's business.
    const names = new Set([...catalog.map((p) => p.id), ...(stored ?? []).map((c) => c.providerName)]);
    const health = await this.health.getMany(args.providerType, [...names]);
    const entries = buildFailoverChain({
      providerType: args.providerType,
      catalog,
      stored,
      country,
      health,
      skipUnhealthy: args.skipUnhealthy,
    });
    return { providerType: args.providerType, country: country ?? null, tenantId: tenantId ?? null, entries };
  }

  selectProviders(args: { providerType: ProviderType; country?: string; includeFallback: boolean }): ProviderSelection {
    const country = args.country === undefined ? undefined : parseCountry(args.country);
    return selectProviders({ ...args, country, catalog: this.catalog.list(args.providerType) });
  }

  recommendProviders(args: { budget: Budget; useCase: string; offlineRequired: boolean }): Recommendations {
    return recommendProviders({ ...args, useCase: parseUseCase(args.useCase), mapCatalog: this.catalog.list(ProviderType.MAP) });
  }
}
