// Seals secret configData fields still stored in clear (SPEC.md §10.3): values written before secret fields were
// sealed sit inside config_data. Reads never return them (the repositories move them out of configData), and any
// write of the config seals them; this step moves the rest, in configs and in snapshots, into secret_data.
//
// - When: once per start-up, after the server listens, on every instance (several instances doing it at once is
//   safe, see below); the service serves meanwhile. Anything it leaves (a row locked by a writer at that moment) is
//   sealed by that write itself or by the next start-up.
// - Batches: each batch is one short write transaction: the next rows (keyset order, by primary key) whose
//   config_data holds a secret field name, locked FOR UPDATE SKIP LOCKED, then one UPDATE of exactly those rows.
//   Holding the row locks from read to write means no concurrent write is lost, and a row a writer holds is
//   skipped rather than waited for.
// - No version, no history, no updated_at: the plaintexts do not change, only where they are kept (like key
//   rotation). Idempotent: a sealed row no longer matches.
import type { JsonObject, ProviderType } from "../../domain/provider.js";
import { ALL_TENANTS } from "../../domain/tenant-scope.js";
import { Prisma } from "../../generated/prisma/client.js";
import type { Executor } from "../../infra/database/sql-executor.js";
import type { UnitOfWork } from "../../infra/database/unit-of-work.js";
import type { Logger } from "../../infra/logger.js";
import type { SecretFields } from "../catalog/secret-fields.js";
import { type CredentialTable, TABLES, type TableSpec } from "./key-rotation.repository.js";
import type { CredentialSealer } from "./provider-config.rules.js";
import { type SealedSecrets, sealSecret, separateClearSecrets } from "./secret-data.js";

export interface ClearSecretSealerDeps {
  unitOfWork: UnitOfWork;
  sealer: CredentialSealer;
  secretFields: SecretFields;
  logger?: Pick<Logger, "info" | "error">;
  batchSize?: number;
}

interface ClearRow {
  key: string;
  configId: string;
  providerType: ProviderType;
  providerName: string;
  configData: JsonObject;
  secretData: SealedSecrets;
}

const DEFAULT_BATCH_SIZE = 200;

export class ClearSecretSealer {
  private running: Promise<void> | undefined;
  private stopping = false;

  constructor(private readonly deps: ClearSecretSealerDeps) {}

  /** Runs the step in the background (start-up); a failure is logged and left to the next start-up. */
  start(): void {
    this.running ??= this.run().then(
      (sealed) => {
        if (sealed.configs + sealed.snapshots > 0) this.deps.logger?.info(sealed, "secret configData fields stored in clear were sealed");
      },
      (error: unknown) => this.deps.logger?.error({ err: error }, "sealing secret configData fields stored in clear failed"),
    );
  }

  /** Stops after the batch in flight. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  /** One pass over configs, then snapshots; returns the rows sealed in each. */
  async run(): Promise<Record<CredentialTable, number>> {
    const sealed: Record<CredentialTable, number> = { configs: 0, snapshots: 0 };
    const names = this.deps.secretFields.all();
    if (names.length === 0) return sealed;
    for (const spec of TABLES) {
      let after: string | null = null;
      while (!this.stopping) {
        const batch: { last: string | undefined; sealed: number } = await this.deps.unitOfWork.write(ALL_TENANTS, (db) =>
          this.batch(db, spec, names, after),
        );
        sealed[spec.name] += batch.sealed;
        if (batch.last === undefined) break;
        after = batch.last;
      }
    }
    return sealed;
  }

  private async batch(db: Executor, spec: TableSpec, names: readonly string[], after: string | null) {
    const rows = await db.query<ClearRow>(Prisma.sql`SELECT ${spec.key}::text AS key, ${spec.configId}::text AS "configId",
        provider_type AS "providerType", provider_name AS "providerName", config_data AS "configData", secret_data AS "secretData"
      FROM ${spec.table}
      WHERE config_data ?| ${names}::text[] ${after === null ? Prisma.empty : Prisma.sql`AND ${spec.key} > ${after}::${spec.keyType}`}
      ORDER BY ${spec.key} LIMIT ${this.deps.batchSize ?? DEFAULT_BATCH_SIZE}::int FOR UPDATE SKIP LOCKED`);
    // A provider outside the catalog may hold such a name as a plain field: it stays.
    const moved = rows
      .map((row) => ({ row, ...separateClearSecrets(row, this.deps.secretFields) }))
      .filter(({ clearSecrets }) => Object.keys(clearSecrets).length > 0)
      .map(({ row, configData, clearSecrets }) => {
        const secretData: Record<string, string> = { ...row.secretData };
        // A field both sealed and in clear keeps the sealed value: it was written later.
        for (const [name, value] of Object.entries(clearSecrets))
          secretData[name] ??= sealSecret(this.deps.sealer, row.configId, name, value);
        return { key: row.key, configData, secretData };
      });
    if (moved.length > 0) {
      await db.query(Prisma.sql`UPDATE ${spec.table} AS t SET config_data = u.config_data, secret_data = u.secret_data
        FROM unnest(${moved.map((row) => row.key)}::${spec.keyType}[], ${moved.map((row) => JSON.stringify(row.configData))}::text[]::jsonb[],
          ${moved.map((row) => JSON.stringify(row.secretData))}::text[]::jsonb[]) AS u(key, config_data, secret_data)
        WHERE t.${spec.key} = u.key RETURNING t.${spec.key}::text AS key`);
    }
    return { last: rows.at(-1)?.key, sealed: moved.length };
  }
}
