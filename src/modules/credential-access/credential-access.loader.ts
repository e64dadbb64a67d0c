// Per-request batching of credentialAccessLog: however many aliases ask, one statement per batch.
import DataLoader from "dataloader";
import { type Caller, loadAccessible } from "../../domain/caller.js";
import { onlyTenants } from "../../domain/tenant-scope.js";
import { newestFirst, type UnitOfWork } from "../../infra/database/unit-of-work.js";
import type { StoredCredentialAccess } from "./credential-access.model.js";
import type { AccessLogQuery, CredentialAccessRepository } from "./credential-access.repository.js";

export type AccessLogLoader = DataLoader<AccessLogQuery, StoredCredentialAccess[], string>;

export function createAccessLogLoader(caller: Caller, unitOfWork: UnitOfWork, repository: CredentialAccessRepository): AccessLogLoader {
  return new DataLoader<AccessLogQuery, StoredCredentialAccess[], string>(
    (queries) =>
      loadAccessible(
        caller,
        queries,
        (query) => query.tenantId,
        async (allowed, tenants) => {
          const rows = await unitOfWork.readStatement<StoredCredentialAccess & { query: number }>(
            onlyTenants(...tenants),
            repository.pages(allowed),
          );
          const pages = allowed.map((): StoredCredentialAccess[] => []);
          for (const { query, ...entry } of rows) pages[query]?.push(entry);
          for (const page of pages) page.sort(newestFirst);
          return pages;
        },
      ),
    { cacheKeyFn: ({ tenantId, limit, beforeSeq }) => JSON.stringify([tenantId, limit, String(beforeSeq ?? "")]) },
  );
}
