// The only code that knows how the credential access log is stored. Append and read, nothing else: the
// application's database role holds INSERT and SELECT on the table, no UPDATE or DELETE (history_audit migration).
import { Prisma } from "../../generated/prisma/client.js";
import { type Executor, planEachTime } from "../../infra/database/sql-executor.js";
import type { NewCredentialAccess } from "./credential-access.model.js";

const COLUMNS = Prisma.raw(`seq, id, tenant_id AS "tenantId", at, actor, operation, config_id AS "configId",
  provider_type AS "providerType", provider_name AS "providerName", request_id AS "requestId"`);

/** One credentialAccessLog page: the tenant's entries newest first, strictly older than `beforeSeq`; at most `limit`. */
export interface AccessLogQuery {
  tenantId: string;
  limit: number;
  beforeSeq?: bigint;
}

export class CredentialAccessRepository {
  /** Appends the entries in one statement (all commit with the caller's transaction, or none does). */
  async append(db: Executor, entries: readonly NewCredentialAccess[]): Promise<void> {
    if (entries.length === 0) return;
    const column = <K extends keyof NewCredentialAccess>(key: K) => entries.map((entry) => entry[key]);
    await db.query(Prisma.sql`INSERT INTO credential_access_log (id, tenant_id, actor, operation, config_id, provider_type, provider_name, request_id)
      SELECT gen_random_uuid(), e.tenant_id, e.actor, e.operation, e.config_id::uuid, e.provider_type::"ProviderType", e.provider_name, e.request_id
      FROM unnest(${column("tenantId")}::text[], ${column("actor")}::text[], ${column("operation")}::text[], ${column("configId")}::text[],
        ${column("providerType")}::text[], ${column("providerName")}::text[], ${column("requestId")}::text[])
        AS e(tenant_id, actor, operation, config_id, provider_type, provider_name, request_id)`);
  }

  /**
   * Pages, however many aliases ask, as one statement (run by UnitOfWork.readStatement); `query` is the 0-based index
   * of the page in `queries`, and rows come page by page, each newest first. Planned on every execution (see
   * planEachTime): a cached generic plan does not know how long the tenant's log is. `queries` is not empty.
   */
  pages(queries: readonly AccessLogQuery[]): Prisma.Sql {
    const branches = queries.map(({ tenantId, limit, beforeSeq }, index) => {
      const before = beforeSeq === undefined ? Prisma.empty : Prisma.sql`AND seq < ${beforeSeq}`;
      return Prisma.sql`(SELECT ${Prisma.raw(String(index))} AS query, ${COLUMNS} FROM credential_access_log
        WHERE tenant_id = ${tenantId} ${before} ORDER BY seq DESC LIMIT ${limit}::int)`;
    });
    return planEachTime(Prisma.sql`SELECT * FROM (${Prisma.join(branches, " UNION ALL ")}) AS pages ORDER BY query, seq DESC`);
  }
}
