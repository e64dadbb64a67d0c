// Writes to provider configs: upsert, batch upsert, rollback, delete and reset (SPEC.md §2-§3). Each change and its
// history snapshot are stored together or not at all; listeners (the cache) hear of a change only after commit.
import { randomUUID } from "node:crypto";
import { assertTenantAccess, type Caller, Scope, tenantScope } from "../../domain/caller.js";
import { ChangeType, type ProviderType } from "../../domain/provider.js";
import { onlyTenants } from "../../domain/tenant-scope.js";
import { checkChangeReason, checkTenantId, Problems, validate } from "../../domain/validation.js";
import { conflict } from "../../errors.js";
import type { Executor } from "../../infra/database/sql-executor.js";
import { LOST_RACE, type LostRace, type UnitOfWork } from "../../infra/database/unit-of-work.js";
import type { SecretFields } from "../catalog/secret-fields.js";
import { type ConfigDataSchemas, type PatchInput, type UpsertInput, validateBatch, validateUpsert } from "./provider-config.input-rules.js";
import {
  type ChangeAudit,
  type ConfigKey,
  compareConfigKeys,
  type ProviderConfigRecord,
  type RestoredVersion,
  type StoredConfig,
  toRecord,
} from "./provider-config.model.js";
import { sortConfigs } from "./provider-config.order.js";
import type { ProviderConfigRepository } from "./provider-config.repository.js";
import {
  type ConfigPatch,
  type CredentialSealer,
  checkExpectedVersion,
  fixedChanges,
  notFoundConfig,
  type PlannedWrite,
  planRestore,
  planRevival,
  planUpsert,
} from "./provider-config.rules.js";
import {
  countChanges,
  keyOf,
  type PlanCounts,
  type PlannedChange,
  planTenant,
  predictedConfigs,
  type TenantEntry,
  type TenantPlan,
  viewOf,
} from "./provider-config.tenant-plan.js";
import { ConfigUpdateBatch } from "./provider-config.update-batch.js";
import type { ProviderConfigViewRecord } from "./tenant-config.model.js";
import type { TenantConfigLimit } from "./tenant-config-limit.js";

/** Told about every committed change, e.g. to invalidate cached reads of that tenant. */
export interface ConfigChangeListener {
  configsChanged(tenantId: string): Promise<void>;
}

export interface ProviderConfigServiceDeps {
  unitOfWork: UnitOfWork;
  repository: ProviderConfigRepository;
  sealer: CredentialSealer;
  /** Which configData fields are sealed apart (SPEC.md §10.3). */
  secretFields: SecretFields;
  requiresApiKey: (providerType: ProviderType, providerName: string) => boolean;
  /** Every configData written by upsert and batch is checked against its provider's schema. */
  configSchemas: ConfigDataSchemas;
  listener: ConfigChangeListener;
  /** MAX_CONFIGS_PER_TENANT, checked by every write that creates configs. */
  limit: TenantConfigLimit;
}

/** A written config, and whether the write changed it (a no-op writes nothing). */
interface Written {
  config: StoredConfig;
  changed: boolean;
}

export interface DeletedConfig {
  id: string;
  version: number;
}

export interface TenantApplyOptions {
  /** Also delete the tenant's configs that no entry names. */
  replace: boolean;
  /** Plan and report only; nothing is written. */
  dryRun: boolean;
  changeReason: string;
  /**
   * Problems the caller already found in the input (an import document's shape): reported together with the
   * plan's own (API-key rule), so that one response lists them all. Entries are still planned, never written.
   */
  problems?: Problems;
}

export interface TenantApplyResult extends PlanCounts {
  tenantId: string;
  dryRun: boolean;
  changes: PlannedChange[];
  /** The tenant's configs afterwards (for a dry run: as they would be; new ones without id and version). */
  configs: ProviderConfigViewRecord[];
}

export class ProviderConfigService {
  /** The one-statement updates, sent together when several are asked for at once (group commit). */
  private readonly updates: ConfigUpdateBatch;

  constructor(private readonly deps: ProviderConfigServiceDeps) {
    this.updates = new ConfigUpdateBatch(deps.unitOfWork, deps.repository);
  }

  async upsert(caller: Caller, input: UpsertInput): Promise<ProviderConfigRecord> {
    const { patch, expectedVersion, changeReason } = validateUpsert(input, this.deps.configSchemas);
    assertTenantAccess(caller, input.tenantId, Scope.CONFIG_WRITE);
    const audit = { changedBy: caller.id, changeReason };
    const written =
      (await this.updateInOneStatement(patch, expectedVersion, audit)) ??
      (await this.deps.unitOfWork.write(onlyTenants(patch.tenantId), async (db) => {
        const current = await this.deps.repository.findByKey(db, patch, { lock: true });
        const plan = this.plan(current, patch, expectedVersion, "input.");
        if (plan.kind === "create") await this.deps.limit.ensureRoom(db, patch.tenantId, [patch], "input.tenantId");
        return this.write(db, plan, patch, audit);
      }));
    return this.committed(written);
  }

  /**
   * rollbackProviderConfig's write (SPEC.md §3): `findTarget` reads, in the write's transaction, the version to
   * restore and checks that the caller may (history's part). A deleted config comes back under its id, where its
   * key is still free and MAX_CONFIGS_PER_TENANT allows.
   */
  async restore(
    caller: Caller,
    findTarget: (db: Executor) => Promise<RestoredVersion>,
    changeReason?: string | null,
  ): Promise<ProviderConfigRecord> {
    const audit = { changedBy: caller.id, changeReason: changeReason ?? null };
    const written = await this.deps.unitOfWork.write(tenantScope(caller), async (db) => {
      const target = await findTarget(db);
      const current = await this.deps.repository.findById(db, target.configId, tenantScope(caller), { lock: true });
      const plan = current ? planRestore(current, target, this.deps.sealer) : await this.planRevival(db, target);
      if (plan === LOST_RACE) return LOST_RACE;
      if (plan.kind === "create") await this.deps.limit.ensureRoom(db, target.tenantId, [target], "configId");
      return this.write(db, plan, target, audit);
    });
    return this.committed(written);
  }

  /** All or nothing: every patch is applied in one transaction, or none is. Results follow the input order. */
  async upsertMany(
    caller: Caller,
    tenantId: string,
    inputs: readonly PatchInput[],
    changeReason?: string | null,
  ): Promise<ProviderConfigRecord[]> {
    const patches = validateBatch(tenantId, inputs, changeReason, this.deps.configSchemas);
    assertTenantAccess(caller, tenantId, Scope.CONFIG_WRITE);
    const audit = { changedBy: caller.id, changeReason: changeReason ?? null };
    const results = await this.deps.unitOfWork.write(onlyTenants(tenantId), async (db) => {
      const locked = await this.deps.repository.lockByKeys(db, tenantId, patches);
      const byKey = new Map(locked.map((config) => [`${config.providerType}/${config.providerName}`, config]));
      // Every patch is planned (and checked) before anything is written, so the limit sees all the batch's creates.
      const plans = patches.map((patch, index) =>
        this.plan(byKey.get(`${patch.providerType}/${patch.providerName}`) ?? null, patch, undefined, `configs[${index}].`),
      );
      const created = patches.filter((_, index) => plans[index]?.kind === "create");
      await this.deps.limit.ensureRoom(db, tenantId, created, "configs");
      const written = new Map<ConfigPatch, Written>();
      // Key order, not input order, so that concurrent batches insert new keys in the same order.
      for (const [index, patch] of [...patches.entries()].sort(([, a], [, b]) => compareConfigKeys(a, b))) {
        const result = await this.write(db, plans[index] as PlannedWrite, patch, audit);
        if (result === LOST_RACE) return LOST_RACE;
        written.set(patch, result);
      }
      return patches.map((patch) => written.get(patch) as Written);
    });
    if (results.some((result) => result.changed)) await this.deps.listener.configsChanged(tenantId);
    return results.map((result) => toRecord(result.config));
  }

  async delete(caller: Caller, id: string, expectedVersion?: number | null, changeReason?: string | null): Promise<DeletedConfig> {
    validate((problems) => checkChangeReason(problems, changeReason));
    const audit = { changedBy: caller.id, changeReason: changeReason ?? null };
    const deleted = await this.deps.unitOfWork.write(tenantScope(caller), async (db) => {
      const current = await this.deps.repository.findById(db, id, tenantScope(caller), { lock: true });
      if (!current) throw notFoundConfig(id);
      assertTenantAccess(caller, current.tenantId, Scope.CONFIG_WRITE);
      checkExpectedVersion(current, expectedVersion ?? undefined, "expectedVersion");
      const version = await this.deps.repository.delete(db, current.id, current.version, audit);
      return version === LOST_RACE ? LOST_RACE : { id, version, tenantId: current.tenantId, providerType: current.providerType };
    });
    await this.deps.listener.configsChanged(deleted.tenantId);
    return { id: deleted.id, version: deleted.version };
  }

  /** Deletes every config of the tenant in one statement; each gets its DELETED history entry. */
  async reset(caller: Caller, tenantId: string, changeReason?: string | null): Promise<number> {
    validate((problems) => {
      checkTenantId(problems, tenantId);
      checkChangeReason(problems, changeReason);
    });
    assertTenantAccess(caller, tenantId, Scope.CONFIG_WRITE);
    const audit = { changedBy: caller.id, changeReason: changeReason ?? null };
    // One statement; run through the unit of work so that a deadlock with a concurrent batch is retried.
    const deleted = await this.deps.unitOfWork.write(onlyTenants(tenantId), (db) =>
      this.deps.repository.deleteAllOfTenant(db, tenantId, audit),
    );
    if (deleted.length > 0) await this.deps.listener.configsChanged(tenantId);
    return deleted.length;
  }

  /**
   * Brings the tenant's configs to `entries` in one transaction (import and templates, SPEC.md §10): each entry is
   * planned by the upsert rules, every problem is reported at once (nothing written), changes get their history
   * entries, entries that change nothing write nothing. `entries` are checked by the caller, one per key.
   */
  async applyToTenant(
    caller: Caller,
    tenantId: string,
    entries: readonly TenantEntry[],
    options: TenantApplyOptions,
  ): Promise<TenantApplyResult> {
    assertTenantAccess(caller, tenantId, Scope.CONFIG_WRITE);
    const { repository, limit } = this.deps;
    // Input already known to be invalid is planned (for the rest of its problems) without locking anything.
    if (options.dryRun || (options.problems && !options.problems.empty)) {
      const stored = await this.deps.unitOfWork.read(onlyTenants(tenantId), (db) => repository.listByTenants(db, [tenantId]));
      const plan = this.planTenant(stored, entries, options);
      const refused = limit.check(stored.length - plan.deletes.length + countChanges(plan.changes).created, "configs");
      if (refused) throw refused;
      return { tenantId, dryRun: true, ...countChanges(plan.changes), changes: plan.changes, configs: predictedConfigs(stored, plan) };
    }
    const audit = { changedBy: caller.id, changeReason: options.changeReason };
    const { plan, configs } = await this.deps.unitOfWork.write(onlyTenants(tenantId), async (db) => {
      const stored = await repository.lockAllOfTenant(db, tenantId);
      const plan = this.planTenant(stored, entries, options);
      // Deletes first, so that REPLACE frees room before the limit counts the creates.
      for (const config of plan.deletes) {
        if ((await repository.delete(db, config.id, config.version, audit)) === LOST_RACE) return LOST_RACE;
      }
      const creates = plan.writes.filter(({ plan: write }) => write.kind === "create").map(({ patch }) => patch);
      await limit.ensureRoom(db, tenantId, creates, "configs");
      const after = new Map(stored.map((config) => [keyOf(config), config]));
      for (const config of plan.deletes) after.delete(keyOf(config));
      // Key order, as in upsertMany, so that concurrent writers insert new keys in the same order.
      for (const { patch, plan: write } of [...plan.writes].sort((a, b) => compareConfigKeys(a.patch, b.patch))) {
        const result = await this.write(db, write, patch, audit);
        if (result === LOST_RACE) return LOST_RACE;
        after.set(keyOf(patch), result.config);
      }
      return { plan, configs: [...after.values()] };
    });
    if (plan.changes.some((change) => change.action !== "UNCHANGED")) await this.deps.listener.configsChanged(tenantId);
    return { tenantId, dryRun: false, ...countChanges(plan.changes), changes: plan.changes, configs: sortConfigs(configs).map(viewOf) };
  }

  /**
   * The common upsert, a change to an existing config, in one round trip (the database merges `patch` into the
   * stored state). Whatever the statement does not write, the rules decide against the stored config it returns: a
   * failed expectedVersion or a missing API key throws, a no-op returns it. Undefined when only the transaction can
   * decide: a create (the tenant's limit), a credential given in plaintext, a plan that would still write.
   */
  private async updateInOneStatement(
    patch: ConfigPatch,
    expectedVersion: number | undefined,
    audit: ChangeAudit,
  ): Promise<Written | undefined> {
    const changes = fixedChanges(patch, this.deps.secretFields);
    if (!changes) return undefined;
    const requiresApiKey = this.deps.requiresApiKey(patch.providerType, patch.providerName);
    const result = await this.updates.update({
      tenants: onlyTenants(patch.tenantId),
      key: { tenantId: patch.tenantId, providerType: patch.providerType, providerName: patch.providerName },
      change: { changes, expectedVersion, requiresApiKey },
      audit,
    });
    if (!result) return undefined;
    if (result.written) return { config: result.config, changed: true };
    const plan = this.plan(result.config, patch, expectedVersion, "input.");
    return plan.kind === "unchanged" ? { config: plan.config, changed: false } : undefined;
  }

  /** Brings the deleted config of `target` back, unless its key is taken. */
  private async planRevival(db: Executor, target: RestoredVersion): Promise<PlannedWrite | LostRace> {
    const occupant = await this.deps.repository.findByKey(db, target);
    // A concurrent rollback brought this very config back after our read: start again from the restored config.
    if (occupant?.id === target.configId) return LOST_RACE;
    if (occupant) {
      throw conflict(
        `Config '${target.configId}' was deleted and ${target.providerType}/${target.providerName} of tenant '${target.tenantId}' now belongs to config '${occupant.id}'; roll that one back instead, or delete it first.`,
      );
    }
    const revival = await this.deps.repository.revivalOf(db, target.configId);
    return revival ? planRevival(target, revival, this.deps.sealer) : LOST_RACE;
  }

  /** Plans a whole-tenant write; throws every problem of every entry at once. */
  private planTenant(stored: readonly StoredConfig[], entries: readonly TenantEntry[], options: TenantApplyOptions): TenantPlan {
    const problems = options.problems ?? new Problems();
    const plan = planTenant(stored, entries, {
      replace: options.replace,
      sealer: this.deps.sealer,
      secretFields: this.deps.secretFields,
      requiresApiKey: this.deps.requiresApiKey,
      newId: randomUUID,
      problems,
    });
    problems.throwIfAny();
    return plan;
  }

  /** Plans one upsert against `current` (pure: throws on invalid input or a failed expectedVersion). */
  private plan(current: StoredConfig | null, patch: ConfigPatch, expectedVersion: number | undefined, fieldPrefix: string): PlannedWrite {
    return planUpsert(current, patch, {
      sealer: this.deps.sealer,
      secretFields: this.deps.secretFields,
      requiresApiKey: this.deps.requiresApiKey(patch.providerType, patch.providerName),
      expectedVersion,
      fieldPrefix,
      newId: randomUUID,
    });
  }

  /** Writes a planned change to the config at `key`; LOST_RACE when the compare-and-set failed. */
  private async write(db: Executor, plan: PlannedWrite, key: ConfigKey, audit: ChangeAudit): Promise<Written | LostRace> {
    const { repository } = this.deps;
    let written: StoredConfig | LostRace;
    if (plan.kind === "unchanged") return { config: plan.config, changed: false };
    if (plan.kind === "create") {
      const { tenantId, providerType, providerName } = key;
      const config = { tenantId, providerType, providerName, ...plan.state, id: plan.id, version: 1, ...plan.revival };
      written = await repository.insert(db, config, plan.revival ? ChangeType.ROLLED_BACK : ChangeType.CREATED, audit);
    } else {
      written = await repository.update(db, plan.config.id, plan.config.version, plan.state, plan.changeType, audit);
    }
    return written === LOST_RACE ? LOST_RACE : { config: written, changed: true };
  }

  /** After the commit: the listener hears of a change, the caller gets the config. */
  private async committed({ config, changed }: Written): Promise<ProviderConfigRecord> {
    if (changed) await this.deps.listener.configsChanged(config.tenantId);
    return toRecord(config);
  }
}
