// credentialAccessLog (SPEC.md §11): a tenant's entries newest first, with cursor paging bound to the tenant.

import { assertTenantAccess, type Caller, Scope } from "../../domain/caller.js";
import { checkPageLimit, checkTenantId, validate } from "../../domain/validation.js";
import { decodeCursor, pageOf } from "../history/history.cursor.js";
import type { AccessLogLoader } from "./credential-access.loader.js";
import type { CredentialAccessRecord } from "./credential-access.model.js";

export interface CredentialAccessPage {
  items: CredentialAccessRecord[];
  nextCursor: string | null;
}

/** A cursor of one tenant's log is refused for another tenant's (and for configHistory's). */
const queryKey = (tenantId: string): string => JSON.stringify(["credentialAccessLog", tenantId]);

/** Checks what callers ask and may see; the per-request loader reads (see credential-access.loader.ts). */
export class CredentialAccessService {
  async page(
    caller: Caller,
    loader: AccessLogLoader,
    tenantId: string,
    limit: number,
    after?: string | null,
  ): Promise<CredentialAccessPage> {
    validate((problems) => {
      checkTenantId(problems, tenantId);
      checkPageLimit(problems, limit);
    });
    assertTenantAccess(caller, tenantId, Scope.AUDIT_READ);
    const beforeSeq = after ? decodeCursor(after, "after", queryKey(tenantId)) : undefined;
    const rows = await loader.load({ tenantId, limit: limit + 1, beforeSeq });
    return pageOf(rows, limit, queryKey(tenantId), ({ seq: _, ...entry }) => entry);
  }
}
