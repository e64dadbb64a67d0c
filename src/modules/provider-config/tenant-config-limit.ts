// SPEC.md §13: a tenant holds at most MAX_CONFIGS_PER_TENANT configs; a write that would go beyond is
// BAD_USER_INPUT and writes nothing. Checked inside the write's own transaction, after taking the tenant's growth
// lock: under READ COMMITTED the count (a later statement than the lock) sees every config committed by the
// writer that held the lock before, so two creates at limit - 1 cannot both see room for one. Only writes that
// create configs take the lock; updates of existing configs never wait for it.
import { type AppError, badInput } from "../../errors.js";
import type { Executor } from "../../infra/database/sql-executor.js";
import type { ConfigKey } from "./provider-config.model.js";
import type { ProviderConfigRepository } from "./provider-config.repository.js";

export class TenantConfigLimit {
  constructor(
    private readonly repository: ProviderConfigRepository,
    readonly maxConfigs: number,
  ) {}

  /**
   * Throws unless the tenant has room for the configs at `created` (keys this write found free). `field` names
   * what the error is about in the caller's input. Must run in the write's transaction, before its inserts.
   */
  async ensureRoom(db: Executor, tenantId: string, created: ReadonlyArray<Omit<ConfigKey, "tenantId">>, field: string): Promise<void> {
    if (created.length === 0) return;
    await this.repository.lockTenantGrowth(db, tenantId);
    // A key created by a concurrent writer since this write read it is not counted twice: this write's insert of
    // it then loses the race and the whole write runs again, as an update of that config.
    const total = (await this.repository.countOtherConfigs(db, tenantId, created)) + created.length;
    const refused = this.check(total, field);
    if (refused) throw refused;
  }

  /** The error for a write that would leave the tenant with `total` configs; null when that is within the limit. */
  check(total: number, field: string): AppError | null {
    if (total <= this.maxConfigs) return null;
    return badInput(
      field,
      `Invalid input. ${field}: a tenant may hold at most ${this.maxConfigs} provider configs, and this write would make ${total}; nothing was written. Delete configs first.`,
    );
  }
}
