// The tenants one database transaction may touch: everything, or a fixed list. The database enforces it with
// row-level security (prisma/migrations/*_row_level_security); repositories also filter by it.
export type TenantScope = { readonly all: true } | { readonly all: false; readonly tenantIds: readonly string[] };

export const ALL_TENANTS: TenantScope = { all: true };

export const onlyTenants = (...tenantIds: string[]): TenantScope => ({ all: false, tenantIds });

/** The value of the `app.tenant_id` setting the row-level-security policies read. */
export const tenantSetting = (scope: TenantScope): string => (scope.all ? "*" : scope.tenantIds.join(","));
