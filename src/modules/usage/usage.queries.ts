// providerUsage and rateLimitStatus (SPEC.md §12): reads of one tenant's usage, with config:read.

import { assertTenantAccess, type Caller, Scope } from "../../domain/caller.js";
import type { ProviderType } from "../../domain/provider.js";
import { onlyTenants } from "../../domain/tenant-scope.js";
import { checkProviderName, checkTenantId, validate } from "../../domain/validation.js";
import type { UnitOfWork } from "../../infra/database/unit-of-work.js";
import type { ProviderInfo } from "../catalog/catalog.model.js";
import { estimatedCostUsd, rateLimitPerMinute } from "../catalog/usage-cost.js";
import {
  MINUTE_MS,
  minuteStartOf,
  type ProviderUsageRecord,
  type RateLimitStatusRecord,
  type TenantProviderKey,
  UsageGranularity,
} from "./usage.model.js";
import type { RateCounter } from "./usage.rate-counter.js";
import type { UsageRepository } from "./usage.repository.js";

export const MAX_USAGE_ROWS = 10_000;
/** GraphQL's Int is 32-bit: a busier bucket (about 830 records/s for a month) reports this many events. */
export const MAX_REPORTED_EVENTS = 2_147_483_647;

export interface ProviderUsageQuery {
  tenantId: string;
  from: Date;
  to: Date;
  granularity?: UsageGranularity;
  providerType?: ProviderType;
}

export interface UsageQueriesDependencies {
  unitOfWork: UnitOfWork;
  repository: UsageRepository;
  findProvider: (type: ProviderType, name: string) => ProviderInfo | undefined;
  rateCounter: RateCounter;
  now?: () => Date;
}

export class UsageQueries {
  constructor(private readonly deps: UsageQueriesDependencies) {}

  /** Per UTC bucket and provider; buckets without usage are absent. More than MAX_USAGE_ROWS rows → BAD_USER_INPUT. */
  async providerUsage(caller: Caller, query: ProviderUsageQuery): Promise<ProviderUsageRecord[]> {
    validate((problems) => {
      checkTenantId(problems, query.tenantId);
      if (Number.isNaN(query.from.getTime())) problems.add("from", "must be a valid time");
      else if (Number.isNaN(query.to.getTime())) problems.add("to", "must be a valid time");
      else if (query.from.getTime() >= query.to.getTime()) problems.add("to", "must be later than from");
    });
    assertTenantAccess(caller, query.tenantId, Scope.CONFIG_READ);
    const granularity = query.granularity ?? UsageGranularity.DAY;
    // One row more than allowed tells that the answer would be too large.
    const buckets = await this.deps.unitOfWork.read(onlyTenants(query.tenantId), (db) =>
      this.deps.repository.buckets(db, { ...query, granularity }, MAX_USAGE_ROWS + 1),
    );
    validate((problems) => {
      if (buckets.length > MAX_USAGE_ROWS) {
        problems.add(
          "granularity",
          `the answer would exceed ${MAX_USAGE_ROWS} rows; ask for a shorter range, a coarser granularity or one providerType`,
        );
      }
    });
    return buckets.map((bucket) => ({
      start: bucket.start,
      providerType: bucket.providerType,
      providerName: bucket.providerName,
      quantity: bucket.quantity,
      events: Math.min(bucket.events, MAX_REPORTED_EVENTS),
      estimatedCostUsd: estimatedCostUsd(bucket.providerType, this.deps.findProvider(bucket.providerType, bucket.providerName), bucket),
    }));
  }

  /** The current UTC minute's usage of one provider against its catalog limit; Redis first, else the database. */
  async rateLimitStatus(caller: Caller, key: TenantProviderKey): Promise<RateLimitStatusRecord> {
    validate((problems) => {
      checkTenantId(problems, key.tenantId);
      checkProviderName(problems, key.providerName);
    });
    assertTenantAccess(caller, key.tenantId, Scope.CONFIG_READ);
    const minuteStart = minuteStartOf(this.deps.now?.() ?? new Date());
    const used =
      (await this.deps.rateCounter.used(key, minuteStart)) ??
      (await this.deps.unitOfWork.read(onlyTenants(key.tenantId), (db) => this.deps.repository.usedInMinute(db, key, minuteStart)));
    const limit = rateLimitPerMinute(this.deps.findProvider(key.providerType, key.providerName));
    return {
      providerType: key.providerType,
      providerName: key.providerName,
      limitPerMinute: limit,
      usedThisMinute: used,
      remaining: limit === null ? null : Math.max(0, limit - used),
      resetAt: new Date(minuteStart.getTime() + MINUTE_MS),
    };
  }
}
