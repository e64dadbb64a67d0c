-- Provider usage, cost and rate limits (SPEC.md §12). Raw records (kept 35 days), idempotency keys (honoured for 7
-- days), hourly buckets written in the same statement as the records (kept forever; providerUsage reads only these)
-- and per-minute buckets of the last minutes (rateLimitStatus when Redis is missing or down). Every table is a
-- tenant table under the same row-level-security policy as the configs.

-- CreateTable
CREATE TABLE "provider_usage_records" (
    "seq" BIGSERIAL NOT NULL,
    "tenant_id" VARCHAR(255) NOT NULL,
    "provider_type" "ProviderType" NOT NULL,
    "provider_name" VARCHAR(100) NOT NULL,
    "quantity" DOUBLE PRECISION NOT NULL,
    "amount_usd" DOUBLE PRECISION,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "idempotency_key" VARCHAR(255),

    CONSTRAINT "provider_usage_records_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "provider_usage_keys" (
    "tenant_id" VARCHAR(255) NOT NULL,
    "idempotency_key" VARCHAR(255) NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "provider_usage_keys_pkey" PRIMARY KEY ("tenant_id","idempotency_key")
);

-- CreateTable
CREATE TABLE "provider_usage_hours" (
    "tenant_id" VARCHAR(255) NOT NULL,
    "hour_start" TIMESTAMPTZ(3) NOT NULL,
    "provider_type" "ProviderType" NOT NULL,
    "provider_name" VARCHAR(100) NOT NULL,
    "quantity" DOUBLE PRECISION NOT NULL,
    "amount_usd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "events" BIGINT NOT NULL,

    CONSTRAINT "provider_usage_hours_pkey" PRIMARY KEY ("tenant_id","hour_start","provider_type","provider_name")
);

-- CreateTable
CREATE TABLE "provider_usage_minutes" (
    "tenant_id" VARCHAR(255) NOT NULL,
    "provider_type" "ProviderType" NOT NULL,
    "provider_name" VARCHAR(100) NOT NULL,
    "minute_start" TIMESTAMPTZ(3) NOT NULL,
    "quantity" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "provider_usage_minutes_pkey" PRIMARY KEY ("tenant_id","provider_type","provider_name","minute_start")
);

-- CreateIndex
CREATE INDEX "provider_usage_records_recorded_at_idx" ON "provider_usage_records" USING BRIN ("recorded_at");

-- CreateIndex
CREATE INDEX "provider_usage_keys_recorded_at_idx" ON "provider_usage_keys" USING BRIN ("recorded_at");

-- CreateIndex
CREATE INDEX "provider_usage_minutes_minute_start_idx" ON "provider_usage_minutes"("minute_start");



-- Buckets are updated in place by every batch (quantity, amount_usd, events: no indexed column), so leave room on each
-- page for the new row version: updates then stay on the page (HOT) and touch no index.
ALTER TABLE "provider_usage_hours" SET (fillfactor = 70);
ALTER TABLE "provider_usage_minutes" SET (fillfactor = 70);

ALTER TABLE "provider_usage_records" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "provider_usage_records" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "provider_usage_records"
  USING ((SELECT app_visible_tenants()) = ARRAY['*'] OR "tenant_id" = ANY (CAST((SELECT app_visible_tenants()) AS text[])))
  WITH CHECK ((SELECT app_visible_tenants()) = ARRAY['*'] OR "tenant_id" = ANY (CAST((SELECT app_visible_tenants()) AS text[])));

ALTER TABLE "provider_usage_keys" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "provider_usage_keys" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "provider_usage_keys"
  USING ((SELECT app_visible_tenants()) = ARRAY['*'] OR "tenant_id" = ANY (CAST((SELECT app_visible_tenants()) AS text[])))
  WITH CHECK ((SELECT app_visible_tenants()) = ARRAY['*'] OR "tenant_id" = ANY (CAST((SELECT app_visible_tenants()) AS text[])));

ALTER TABLE "provider_usage_hours" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "provider_usage_hours" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "provider_usage_hours"
  USING ((SELECT app_visible_tenants()) = ARRAY['*'] OR "tenant_id" = ANY (CAST((SELECT app_visible_tenants()) AS text[])))
  WITH CHECK ((SELECT app_visible_tenants()) = ARRAY['*'] OR "tenant_id" = ANY (CAST((SELECT app_visible_tenants()) AS text[])));

ALTER TABLE "provider_usage_minutes" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "provider_usage_minutes" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "provider_usage_minutes"
  USING ((SELECT app_visible_tenants()) = ARRAY['*'] OR "tenant_id" = ANY (CAST((SELECT app_visible_tenants()) AS text[])))
  WITH CHECK ((SELECT app_visible_tenants()) = ARRAY['*'] OR "tenant_id" = ANY (CAST((SELECT app_visible_tenants()) AS text[])));

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pcs_app') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON "provider_usage_records", "provider_usage_keys", "provider_usage_hours", "provider_usage_minutes" TO "pcs_app";
    GRANT USAGE, SELECT ON SEQUENCE "provider_usage_records_seq_seq" TO "pcs_app";
  END IF;
END $$;
