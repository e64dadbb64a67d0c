// Runs versioned writes so that concurrent writers never lose an update and versions stay contiguous.
//
// Every write statement is a compare-and-set: it changes a config only if its version is still the one the
// writer read (or, for a create, only if the key is still free), and writes the history snapshot in the same
// statement. A writer that loses the race gets LOST_RACE back and starts again from a fresh read.
//
// `write` first tries without a transaction (one read, one statement: the fast path) and, after a few lost
// races on a hot row, falls back to a transaction that reads with FOR UPDATE, so it cannot starve.
// `transaction` is for work that must be atomic across several statements (batches, rollback of many rows).

import { serviceUnavailable } from "../../errors.js";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";
import { classifyDatabaseError } from "./errors.js";

/** A Prisma client or an interactive transaction: repositories accept either. */
export type Executor = Prisma.TransactionClient;

/** Returned by a write statement whose compare-and-set found the row changed (or the key taken). */
export const LOST_RACE: unique symbol = Symbol("lost-race");
export type LostRace = typeof LOST_RACE;

export interface AttemptMode {
  /** True inside a transaction: reads must lock the rows they will change (FOR UPDATE). */
  readonly locked: boolean;
}
export type Attempt<T> = (db: Executor, mode: AttemptMode) => Promise<T | LostRace>;

const OPTIMISTIC_ATTEMPTS = 3;
const MAX_ATTEMPTS = 12;
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 20_000 } as const;

class RetryTransaction extends Error {}

export class UnitOfWork {
  constructor(private readonly prisma: PrismaClient) {}

  /** For reads and single statements that need neither retries nor a transaction. */
  get db(): Executor {
    return this.prisma;
  }

  /** Optimistic first, then locked. For work on a single config. */
  write<T>(attempt: Attempt<T>): Promise<T> {
    return this.run(attempt, OPTIMISTIC_ATTEMPTS);
  }

  /** Always inside one transaction, with row locks: all of it commits or none of it does. */
  transaction<T>(attempt: Attempt<T>): Promise<T> {
    return this.run(attempt, 0);
  }

  private async run<T>(attempt: Attempt<T>, optimisticAttempts: number): Promise<T> {
    for (let round = 0; round < MAX_ATTEMPTS; round++) {
      try {
        const result = round < optimisticAttempts ? await attempt(this.prisma, { locked: false }) : await this.locked(attempt);
        if (result !== LOST_RACE) return result;
      } catch (error) {
        // A concurrent create of the same key, a deadlock or a serialization failure: nothing was written.
        const kind = classifyDatabaseError(error);
        if (!(error instanceof RetryTransaction) && kind !== "unique-violation" && kind !== "retryable") throw error;
      }
      if (round >= optimisticAttempts) await backoff(round);
    }
    throw serviceUnavailable("The config is being changed by many writers at once; try again.");
  }

  private locked<T>(attempt: Attempt<T>): Promise<T> {
    return this.prisma.$transaction(async (tx) => {
      const result = await attempt(tx, { locked: true });
      // Throwing rolls back whatever this attempt already wrote.
      if (result === LOST_RACE) throw new RetryTransaction();
      return result;
    }, TRANSACTION_OPTIONS);
  }
}

const backoff = (round: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** round)));
