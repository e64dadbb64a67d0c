-- History filters, point-in-time reads and the credential access log (SPEC.md §11).
--
-- Indexes for configHistory's v2 filters and tenantConfigAt on a tenant with a long history. Row-level security
-- shapes them: under the policy, PostgreSQL uses a condition as an index condition only when its operator is
-- LEAKPROOF. Text, uuid, timestamptz and bigint comparisons are; enum comparisons are not, so a filter on
-- change_type can never be an index condition. Instead a partial index holds the rare change types (everything
-- but UPDATED): the service writes a changeTypes filter as literals, which prove the index's predicate whenever
-- UPDATED is not asked for; with UPDATED (the common type) the tenant's seq index finds matches quickly anyway.

-- CreateIndex: configHistory(changedBy), newest first.
CREATE INDEX "config_versions_tenant_id_changed_by_seq_idx" ON "config_versions"("tenant_id", "changed_by", "seq" DESC);

-- CreateIndex: configHistory(from, to): the range, then the newest of it.
CREATE INDEX "config_versions_tenant_id_changed_at_seq_idx" ON "config_versions"("tenant_id", "changed_at", "seq");

-- CreateIndex: tenantConfigAt: skip from config to config of a tenant, then the latest snapshot at or before an instant.
CREATE INDEX "config_versions_tenant_id_config_id_changed_at_seq_idx" ON "config_versions"("tenant_id", "config_id", "changed_at" DESC, "seq" DESC);

-- CreateIndex: configHistory(changeTypes) without UPDATED (see above). Not expressible in schema.prisma (no partial
-- indexes): `prisma migrate diff` does not know it, and never drops it.
CREATE INDEX "config_versions_tenant_id_seq_rare_changes_idx" ON "config_versions"("tenant_id", "seq" DESC) WHERE "change_type" <> 'UPDATED';

-- CreateTable: who read which credentials. Append-only: the application role may insert and read, never change or
-- delete; `seq` orders the entries (newest first) and is the page cursor.
CREATE TABLE "credential_access_log" (
    "seq" BIGSERIAL NOT NULL,
    "id" UUID NOT NULL,
    "tenant_id" VARCHAR(255) NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
    "actor" VARCHAR(255) NOT NULL,
    "operation" VARCHAR(64) NOT NULL,
    "config_id" UUID,
    "provider_type" "ProviderType",
    "provider_name" VARCHAR(100),
    "request_id" VARCHAR(255),

    CONSTRAINT "credential_access_log_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE UNIQUE INDEX "credential_access_log_id_key" ON "credential_access_log"("id");

-- CreateIndex: credentialAccessLog(tenantId), newest first.
CREATE INDEX "credential_access_log_tenant_id_seq_idx" ON "credential_access_log"("tenant_id", "seq" DESC);

ALTER TABLE "credential_access_log" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "credential_access_log" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "credential_access_log"
  USING ((SELECT app_visible_tenants()) = ARRAY['*'] OR "tenant_id" = ANY (CAST((SELECT app_visible_tenants()) AS text[])))
  WITH CHECK ((SELECT app_visible_tenants()) = ARRAY['*'] OR "tenant_id" = ANY (CAST((SELECT app_visible_tenants()) AS text[])));

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pcs_app') THEN
    -- No UPDATE, no DELETE: entries cannot be changed or removed through the service.
    GRANT SELECT, INSERT ON "credential_access_log" TO "pcs_app";
    GRANT USAGE, SELECT ON SEQUENCE "credential_access_log_seq_seq" TO "pcs_app";
  END IF;
END $$;
