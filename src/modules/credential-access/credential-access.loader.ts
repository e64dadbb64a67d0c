// Per-request batching of credentialAccessLog: however many aliases ask, one statement per batch.
import DataLoader from "dataloader";
import { onlyTenants } from "../../domain/tenant-scope.js";
import type { UnitOfWork } from "../../infra/database/unit-of-work.js";
import type { StoredCredentialAccess } from "./credential-access.model.js";
import type { AccessLogQuery, CredentialAccessRepository } from "./credential-access.repository.js";

export type AccessLogLoader = DataLoader<AccessLogQuery, StoredCredentialAccess[], string>;

export function createAccessLogLoader(unitOfWork: UnitOfWork, repository: CredentialAccessRepository): AccessLogLoader {
  return new DataLoader(
    async (queries) => {
      // The service checked the caller's access to each tenant before asking.
      const tenants = [...new Set(queries.map((query) => query.tenantId))];
      const rows = await unitOfWork.readStatement<StoredCredentialAccess & { query: number }>(
        onlyTenants(...tenants),
        repository.pages(queries),
      );
      const pages = queries.map((): StoredCredentialAccess[] => []);
      for (const { query, ...entry } of rows) pages[query]?.push(entry);
      return pages;
    },
    { cacheKeyFn: ({ tenantId, limit, beforeSeq }) => JSON.stringify([tenantId, limit, String(beforeSeq ?? "")]) },
  );
}
