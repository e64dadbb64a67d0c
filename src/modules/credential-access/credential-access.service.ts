// credentialAccessLog (SPEC.md §11): a tenant's entries newest first, with cursor paging bound to the tenant.

import { assertTenantAccess, type Caller, Scope } from "../../domain/caller.js";
import { onlyTenants } from "../../domain/tenant-scope.js";
import { checkPageLimit, checkTenantId, validate } from "../../domain/validation.js";
import type { UnitOfWork } from "../../infra/database/unit-of-work.js";
import { decodeCursor, pageOf } from "../history/history.cursor.js";
import type { CredentialAccessRecord } from "./credential-access.model.js";
import type { CredentialAccessRepository } from "./credential-access.repository.js";

export interface CredentialAccessPage {
  items: CredentialAccessRecord[];
  nextCursor: string | null;
}

/** A cursor of one tenant's log is refused for another tenant's (and for configHistory's). */
const queryKey = (tenantId: string): string => JSON.stringify(["credentialAccessLog", tenantId]);

export class CredentialAccessService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly repository: CredentialAccessRepository,
  ) {}

  async page(caller: Caller, tenantId: string, limit: number, after?: string | null): Promise<CredentialAccessPage> {
    validate((problems) => {
      checkTenantId(problems, tenantId);
      checkPageLimit(problems, limit);
    });
    assertTenantAccess(caller, tenantId, Scope.AUDIT_READ);
    const beforeSeq = after ? decodeCursor(after, "after", queryKey(tenantId)) : undefined;
    const rows = await this.unitOfWork.read(onlyTenants(tenantId), (db) => this.repository.page(db, tenantId, limit + 1, beforeSeq));
    return pageOf(rows, limit, queryKey(tenantId), ({ seq: _, ...entry }) => entry);
  }
}
