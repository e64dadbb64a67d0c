-- The common write, a change to an existing config, in one round trip (issue 15): one autocommit statement that
-- calls this function instead of a transaction of five (BEGIN, tenant setting, SELECT … FOR UPDATE, the write,
-- COMMIT). The statement is its own transaction, so the change and its snapshot still commit together, with one
-- transaction id (SPEC.md §9), and nothing outlives it (safe behind PgBouncer in transaction mode, SPEC.md §14).
--
-- Row-level security guards it as it guards every transaction: SECURITY INVOKER, so its statements run as the
-- caller (pcs_app), and the tenant setting (and, behind PgBouncer, the role) is taken first, before any table is
-- read. The service keeps the rules (SPEC.md §3): the function writes only what it was asked to, and returns the
-- stored config unwritten whenever the service must decide — a failed expectedVersion, a write that changes
-- nothing, a provider left enabled without its required API key. No row at all: there is no such config (or it
-- belongs to a tenant outside `tenants`); the service then creates it in a transaction of its own.
--
-- `patch` holds the state columns to change, by column name (jsonb_populate_record: absent keeps, null clears), so
-- a new state column needs only its place in the UPDATE and the snapshot below.
CREATE FUNCTION update_provider_config(
  tenants text,
  role_name text,
  key_tenant_id text,
  key_provider_type "ProviderType",
  key_provider_name text,
  expected_version integer,
  patch jsonb,
  requires_api_key boolean,
  changed_by text,
  change_reason text
) RETURNS TABLE (written boolean, config provider_configs)
  LANGUAGE plpgsql SECURITY INVOKER
  AS $$
DECLARE
  stored provider_configs;
  next provider_configs;
BEGIN
  -- Transaction-local, as the unit of work sets them: they end with this statement.
  PERFORM set_config('app.tenant_id', tenants, true);
  IF role_name IS NOT NULL THEN
    PERFORM set_config('role', role_name, true);
  END IF;

  SELECT * INTO stored FROM provider_configs
    WHERE tenant_id = key_tenant_id AND provider_type = key_provider_type AND provider_name = key_provider_name
    FOR UPDATE;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  -- Identity, version and audit columns are never taken from the patch.
  next := jsonb_populate_record(stored, patch - ARRAY['id', 'tenant_id', 'provider_type', 'provider_name', 'version',
    'created_at', 'updated_at', 'created_by', 'updated_by']);
  IF (expected_version IS NOT NULL AND stored.version <> expected_version)
    OR next IS NOT DISTINCT FROM stored
    OR (requires_api_key AND next.enabled AND next.api_key IS NULL) THEN
    RETURN QUERY SELECT false, stored;
    RETURN;
  END IF;

  UPDATE provider_configs SET priority = next.priority, enabled = next.enabled, config_data = next.config_data,
    secret_data = next.secret_data, api_key = next.api_key, api_secret = next.api_secret, api_key_hint = next.api_key_hint,
    version = stored.version + 1, updated_at = clock_timestamp(), updated_by = changed_by
  WHERE id = stored.id
  RETURNING * INTO next;
  -- The change type as provider-config.rules.ts changeTypeOf gives it: ENABLED/DISABLED when the flag flips.
  INSERT INTO config_versions (id, config_id, tenant_id, provider_type, provider_name, priority, enabled, config_data,
      secret_data, api_key, api_secret, api_key_hint, version, change_type, changed_at, changed_by, change_reason)
    VALUES (gen_random_uuid(), next.id, next.tenant_id, next.provider_type, next.provider_name, next.priority, next.enabled,
      next.config_data, next.secret_data, next.api_key, next.api_secret, next.api_key_hint, next.version,
      CASE WHEN next.enabled = stored.enabled THEN 'UPDATED' WHEN next.enabled THEN 'ENABLED' ELSE 'DISABLED' END::"ChangeType",
      next.updated_at, changed_by, change_reason);
  RETURN QUERY SELECT true, next;
END
$$;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pcs_app') THEN
    GRANT EXECUTE ON FUNCTION update_provider_config(text, text, text, "ProviderType", text, integer, jsonb, boolean, text, text) TO "pcs_app";
  END IF;
END $$;
