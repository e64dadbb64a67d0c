-- CreateEnum
CREATE TYPE "ProviderType" AS ENUM ('MAP', 'WEATHER', 'SATELLITE', 'PAYMENT', 'SMS', 'NOTIFICATION');

-- CreateEnum
CREATE TYPE "ProviderPriority" AS ENUM ('PRIMARY', 'SECONDARY', 'TERTIARY', 'DISABLED');

-- CreateEnum
CREATE TYPE "ChangeType" AS ENUM ('CREATED', 'UPDATED', 'ENABLED', 'DISABLED', 'DELETED', 'ROLLED_BACK');

-- CreateTable
CREATE TABLE "provider_configs" (
    "id" UUID NOT NULL,
    "tenant_id" VARCHAR(255) NOT NULL,
    "provider_type" "ProviderType" NOT NULL,
    "provider_name" VARCHAR(100) NOT NULL,
    "priority" "ProviderPriority" NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "config_data" JSONB NOT NULL,
    "api_key" TEXT,
    "api_secret" TEXT,
    "api_key_hint" VARCHAR(16),
    "version" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "created_by" VARCHAR(255),
    "updated_by" VARCHAR(255),

    CONSTRAINT "provider_configs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "config_versions" (
    "seq" BIGSERIAL NOT NULL,
    "id" UUID NOT NULL,
    "config_id" UUID NOT NULL,
    "tenant_id" VARCHAR(255) NOT NULL,
    "provider_type" "ProviderType" NOT NULL,
    "provider_name" VARCHAR(100) NOT NULL,
    "priority" "ProviderPriority" NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "config_data" JSONB NOT NULL,
    "api_key" TEXT,
    "api_secret" TEXT,
    "api_key_hint" VARCHAR(16),
    "version" INTEGER NOT NULL,
    "change_type" "ChangeType" NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL,
    "changed_by" VARCHAR(255),
    "change_reason" VARCHAR(1000),

    CONSTRAINT "config_versions_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE UNIQUE INDEX "provider_configs_tenant_id_provider_type_provider_name_key" ON "provider_configs"("tenant_id", "provider_type", "provider_name");

-- CreateIndex
CREATE UNIQUE INDEX "config_versions_id_key" ON "config_versions"("id");

-- CreateIndex
CREATE INDEX "config_versions_tenant_id_seq_idx" ON "config_versions"("tenant_id", "seq" DESC);

-- CreateIndex
CREATE INDEX "config_versions_tenant_id_provider_type_provider_name_seq_idx" ON "config_versions"("tenant_id", "provider_type", "provider_name", "seq" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "config_versions_config_id_version_key" ON "config_versions"("config_id", "version");
