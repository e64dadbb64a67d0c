-- Row-level security: the database itself keeps tenants apart (SPEC.md §6), so that a bug in one resolver
-- cannot cross tenants. The service sets `app.tenant_id` at the start of every transaction, with
-- set_config(..., true) so that it ends with the transaction and never leaks to the next user of a pooled
-- connection. Its value is a comma-separated list of tenant ids, or '*' for every tenant (callers granted all
-- tenants, the health monitor, key rotation). Unset or empty: no rows at all.

-- The tenants this statement may see. STABLE, and used as `(SELECT app_visible_tenants())` in the policies so
-- that PostgreSQL evaluates it once per statement (an InitPlan), not once per row.
CREATE FUNCTION app_visible_tenants() RETURNS text[]
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT string_to_array(nullif(current_setting('app.tenant_id', true), ''), ',') $$;

ALTER TABLE "provider_configs" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "provider_configs" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "provider_configs"
  USING ((SELECT app_visible_tenants()) = ARRAY['*'] OR "tenant_id" = ANY (CAST((SELECT app_visible_tenants()) AS text[])))
  WITH CHECK ((SELECT app_visible_tenants()) = ARRAY['*'] OR "tenant_id" = ANY (CAST((SELECT app_visible_tenants()) AS text[])));

ALTER TABLE "config_versions" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "config_versions" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "config_versions"
  USING ((SELECT app_visible_tenants()) = ARRAY['*'] OR "tenant_id" = ANY (CAST((SELECT app_visible_tenants()) AS text[])))
  WITH CHECK ((SELECT app_visible_tenants()) = ARRAY['*'] OR "tenant_id" = ANY (CAST((SELECT app_visible_tenants()) AS text[])));

-- Superusers and roles with BYPASSRLS are not subject to any policy, FORCE or not. When the service connects as
-- such a user (the default `postgres` in development, embedded PGlite), it switches to this role, which owns
-- nothing and can only read and write the two tables. A database user that may not create roles skips this;
-- the service then warns at start-up if its own user bypasses row-level security.
DO $$
BEGIN
  CREATE ROLE "pcs_app" NOLOGIN NOSUPERUSER NOBYPASSRLS;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL; -- created by another database on this server, or a concurrent start
  WHEN insufficient_privilege THEN RAISE NOTICE 'role pcs_app not created: %', SQLERRM;
END $$;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pcs_app') THEN
    GRANT USAGE ON SCHEMA public TO "pcs_app";
    GRANT SELECT, INSERT, UPDATE, DELETE ON "provider_configs", "config_versions" TO "pcs_app";
    GRANT USAGE, SELECT ON SEQUENCE "config_versions_seq_seq" TO "pcs_app";
    GRANT EXECUTE ON FUNCTION app_visible_tenants() TO "pcs_app";
  END IF;
END $$;
