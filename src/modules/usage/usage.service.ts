// recordProviderUsage (SPEC.md §12): a call of 1-1000 records, possibly for several tenants, is checked as a whole
// and stored in one transaction whose tenant scope is exactly the tenants it names; it returns once committed.

import { assertTenantAccess, type Caller, Scope } from "../../domain/caller.js";
import type { ProviderType } from "../../domain/provider.js";
import { onlyTenants } from "../../domain/tenant-scope.js";
import { isTenantId, Problems } from "../../domain/validation.js";
import type { Executor } from "../../infra/database/sql-executor.js";
import type { UnitOfWork } from "../../infra/database/unit-of-work.js";
import type { AcceptedUsageGroup, NewUsageRecord, UsageInput, UsageReceipt } from "./usage.model.js";
import { MINUTE_MS, minuteStartOf } from "./usage.model.js";
import type { RateCounter } from "./usage.rate-counter.js";
import type { UsageRepository } from "./usage.repository.js";
import { type CheckedUsage, checkUsage, firstOfEachKey, providerKeyOf } from "./usage.rules.js";

/** Told, per provider type, how many records a call stored and how many were duplicates (metrics). */
export type UsageRecordedListener = (providerType: ProviderType, accepted: number, duplicates: number) => void;

export interface UsageServiceDependencies {
  unitOfWork: UnitOfWork;
  repository: UsageRepository;
  isCatalogued: (type: ProviderType, name: string) => boolean;
  rateCounter: RateCounter;
  onRecorded?: UsageRecordedListener;
  now?: () => Date;
}

export class UsageService {
  constructor(private readonly deps: UsageServiceDependencies) {}

  async record(caller: Caller, inputs: readonly UsageInput[]): Promise<UsageReceipt> {
    const now = this.deps.now?.() ?? new Date();
    const problems = new Problems();
    const checked = checkUsage(problems, inputs, now, this.deps.isCatalogued);
    // Every tenant named must be granted (malformed ids are reported as such, never looked at).
    const tenantIds = [...new Set(checked.records.map((record) => record.tenantId))].filter(isTenantId);
    for (const tenantId of tenantIds) assertTenantAccess(caller, tenantId, Scope.USAGE_WRITE);
    if (!problems.empty) {
      // Reported together with the unknown providers among the sound records (a read of only their tenants).
      const lookedUp = [...new Set(checked.uncatalogued.map((item) => item.key.tenantId))];
      if (lookedUp.length > 0)
        await this.deps.unitOfWork.read(onlyTenants(...lookedUp), (db) => this.checkProviders(db, checked, problems));
      problems.throwIfAny();
    }
    const unique = firstOfEachKey(checked.records);
    const groups = await this.deps.unitOfWork.write(onlyTenants(...tenantIds), async (db) => {
      // Checked in the transaction that stores the records: one round trip, and only for names outside the catalog.
      await this.checkProviders(db, checked, problems);
      problems.throwIfAny();
      // From the previous minute on: a batch that straddles a minute boundary counts in both minutes.
      return this.deps.repository.insert(db, unique, new Date(minuteStartOf(now).getTime() - MINUTE_MS));
    });
    await this.deps.rateCounter.add(groups);
    this.report(checked.records, groups);
    const accepted = groups.reduce((sum, group) => sum + group.events, 0);
    return { accepted, duplicates: checked.records.length - accepted };
  }

  /** Adds a problem for each record whose provider is neither in the catalog nor configured by its tenant. */
  private async checkProviders(db: Executor, checked: CheckedUsage, problems: Problems): Promise<void> {
    if (checked.uncatalogued.length === 0) return;
    const configured = await this.deps.repository.configuredProviders(
      db,
      checked.uncatalogued.map((item) => item.key),
    );
    for (const { index, key } of checked.uncatalogued) {
      if (!configured.has(providerKeyOf(key))) {
        problems.add(
          `usage[${index}].providerName`,
          `must be a ${key.providerType} provider of the catalog or one the tenant has configured`,
        );
      }
    }
  }

  private report(records: readonly NewUsageRecord[], groups: readonly AcceptedUsageGroup[]): void {
    const onRecorded = this.deps.onRecorded;
    if (!onRecorded) return;
    const totals = new Map<ProviderType, number>();
    const stored = new Map<ProviderType, number>();
    for (const record of records) totals.set(record.providerType, (totals.get(record.providerType) ?? 0) + 1);
    for (const group of groups) stored.set(group.providerType, (stored.get(group.providerType) ?? 0) + group.events);
    for (const [type, total] of totals) {
      const accepted = stored.get(type) ?? 0;
      onRecorded(type, accepted, total - accepted);
    }
  }
}
