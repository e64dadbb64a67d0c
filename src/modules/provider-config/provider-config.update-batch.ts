// Group commit for the common write (issue 15): the one-statement updates that requests ask for while the event
// loop is busy are sent together, as one autocommit statement of update_provider_config calls (one per change, each
// guarded by its own tenants), instead of one statement and one commit each. PostgreSQL's cost of a write is mostly
// per transaction (the round trip, the snapshot, the commit's WAL flush): a statement of eight updates costs it a
// third to a quarter of what eight statements do (BENCHMARKS.md, Writes).
//
// What it keeps:
// - Isolation: each call takes its own tenant setting before it touches a table (row-level security per change).
// - Order: the changes of a batch are applied in key order (compareConfigKeys), the order every write that locks
//   several configs takes its locks in, so that a batch never deadlocks another batch or such a transaction.
//   Within a batch, changes to one key keep the order they were asked in, each seeing the one before.
// - Failure: a batch commits or fails whole; when a batch of several fails (a deadlock with some other writer, a
//   statement error), each of its changes is run again alone, so one change's failure is its own.
// - No waiting on others: a change of a batch that waits for a row lock (a config held by a long transaction) more
//   than BATCH_LOCK_TIMEOUT_MS fails the batch, and the others then run alone instead of waiting with it.
// Latency: a batch is sent on the next turn of the event loop (setImmediate), after the requests that arrived
// together have reached it; alone, a change is sent at once on that turn, as before.
import DataLoader from "dataloader";
import type { TenantScope } from "../../domain/tenant-scope.js";
import type { UnitOfWork } from "../../infra/database/unit-of-work.js";
import { type ChangeAudit, type ConfigKey, compareConfigKeys } from "./provider-config.model.js";
import type { ProviderConfigRepository, StoredChange, UpdateResult } from "./provider-config.repository.js";

/** At most this many changes in one statement (a larger burst takes several). */
export const MAX_UPDATE_BATCH = 32;
/**
 * How long a change in a batch may wait for a row lock. A config held by a long transaction (an import, a tenant
 * reset) would otherwise hold up every other change of the batch; past this the batch fails and each change runs
 * alone, where only the blocked one waits (without a limit, as a single update always has).
 */
export const BATCH_LOCK_TIMEOUT_MS = 200;

export interface UpdateRequest {
  tenants: TenantScope;
  key: ConfigKey;
  change: StoredChange;
  audit: ChangeAudit;
}

export class ConfigUpdateBatch {
  private readonly loader: DataLoader<UpdateRequest, UpdateResult | null>;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly repository: ProviderConfigRepository,
  ) {
    this.loader = new DataLoader((requests) => this.runBatch(requests), {
      cache: false,
      maxBatchSize: MAX_UPDATE_BATCH,
      batchScheduleFn: (send) => setImmediate(send),
    });
  }

  /** The change applied (or not: `written: false` with the stored config); null when there is no such config. */
  async update(request: UpdateRequest): Promise<UpdateResult | null> {
    try {
      return await this.loader.load(request);
    } catch (error) {
      if (!(error instanceof BatchFailed)) throw error;
      // Nothing of the batch was written: this change again, alone, with its own outcome (each change of the
      // failed batch does so on its own, none waiting for another).
      const [result] = await this.run([request]);
      return result ?? null;
    }
  }

  private async runBatch(requests: readonly UpdateRequest[]): Promise<Array<UpdateResult | null | Error>> {
    if (requests.length === 1) return this.run(requests);
    try {
      return await this.run(requests);
    } catch {
      return requests.map(() => new BatchFailed());
    }
  }

  /** One statement; results follow `requests`. */
  private async run(requests: readonly UpdateRequest[]): Promise<Array<UpdateResult | null>> {
    const keyOf = (index: number) => (requests[index] as UpdateRequest).key;
    const order = requests.map((_, index) => index).sort((a, b) => compareConfigKeys(keyOf(a), keyOf(b)) || a - b);
    const sorted = order.map((index) => requests[index] as UpdateRequest);
    const results = await this.unitOfWork.autocommit((db) =>
      this.repository.updateInOneStatement(
        db,
        sorted.map(({ tenants, key, change, audit }) => ({ guard: this.unitOfWork.guard(tenants), key, change, audit })),
        { lockTimeoutMs: requests.length > 1 ? BATCH_LOCK_TIMEOUT_MS : undefined },
      ),
    );
    const byRequest: Array<UpdateResult | null> = requests.map(() => null);
    order.forEach((index, position) => {
      byRequest[index] = results[position] ?? null;
    });
    return byRequest;
  }
}

/** What each change of a batch that failed as a whole is told: run again, alone. */
class BatchFailed extends Error {}
