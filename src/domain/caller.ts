// Who is calling, and which tenants and scopes they hold (SPEC.md §6). Every service method checks this first.

import { AppError, ErrorCode } from "../errors.js";
import type { TenantScope } from "./tenant-scope.js";

export const Scope = {
  CONFIG_READ: "config:read",
  CONFIG_WRITE: "config:write",
  SECRETS_READ: "secrets:read",
  /** Read the credential access log (SPEC.md §11). */
  AUDIT_READ: "audit:read",
  /** SPEC.md §12: recordProviderUsage, for every tenant a call names. */
  USAGE_WRITE: "usage:write",
} as const;
export type Scope = (typeof Scope)[keyof typeof Scope];
export const ALL_SCOPES: readonly Scope[] = Object.values(Scope);

export interface Caller {
  /** Recorded as changedBy / createdBy / updatedBy: the token's `sub`, or `anonymous` when auth is off. */
  readonly id: string;
  /** `"*"` grants every tenant. */
  readonly tenants: "*" | ReadonlySet<string>;
  readonly scopes: ReadonlySet<Scope>;
}

/** The caller of a service that runs without authentication (development only; announced at start-up). */
export const ANONYMOUS_CALLER: Caller = { id: "anonymous", tenants: "*", scopes: new Set(ALL_SCOPES) };

export const canAccessTenant = (caller: Caller, tenantId: string): boolean => caller.tenants === "*" || caller.tenants.has(tenantId);

export function tenantScope(caller: Caller): TenantScope {
  return caller.tenants === "*" ? { all: true } : { all: false, tenantIds: [...caller.tenants] };
}

const noAccessTo = (tenantId: string): AppError =>
  new AppError(ErrorCode.FORBIDDEN, `You have no access to tenant '${tenantId}'.`, "tenantId");

/** Throws FORBIDDEN unless the caller holds `scope` for `tenantId`. */
export function assertTenantAccess(caller: Caller, tenantId: string, scope: Scope): void {
  if (!canAccessTenant(caller, tenantId)) throw noAccessTo(tenantId);
  assertScope(caller, scope);
}

/**
 * A DataLoader batch over tenants' data: `load` gets only the queries of tenants the caller may see (and answers
 * them in order); the others are refused with FORBIDDEN. Services check access before they ask; loaders refuse
 * again, so that a loader used without its service still cannot read another tenant's rows.
 */
export async function loadAccessible<Q, R>(
  caller: Caller,
  queries: readonly Q[],
  tenantOf: (query: Q) => string,
  load: (allowed: Q[], tenants: string[]) => Promise<R[]>,
): Promise<Array<R | AppError>> {
  const allowed = queries.filter((query) => canAccessTenant(caller, tenantOf(query)));
  const answers = allowed.length === 0 ? [] : await load(allowed, [...new Set(allowed.map(tenantOf))]);
  let next = 0;
  return queries.map((query) => (canAccessTenant(caller, tenantOf(query)) ? (answers[next++] as R) : noAccessTo(tenantOf(query))));
}

/** Throws FORBIDDEN unless the caller holds `scope` (for data whose tenant is checked separately). */
export function assertScope(caller: Caller, scope: Scope): void {
  if (!caller.scopes.has(scope)) {
    throw new AppError(ErrorCode.FORBIDDEN, `This needs the '${scope}' scope.`);
  }
}

/**
 * Throws FORBIDDEN unless the caller holds `scope` for at least one tenant: for actions that concern no tenant's data
 * but should not be open to every token (SPEC.md §13: checkProviderHealth needs config:write for some tenant).
 */
export function assertScopeForSomeTenant(caller: Caller, scope: Scope): void {
  if (!caller.scopes.has(scope) || (caller.tenants !== "*" && caller.tenants.size === 0)) {
    throw new AppError(ErrorCode.FORBIDDEN, `This needs the '${scope}' scope for some tenant.`);
  }
}
