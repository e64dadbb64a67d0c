-- Secret configData fields (SPEC.md §10.3): the fields a provider's schema marks "x-secret" are kept apart from
-- config_data, sealed like API keys (field name -> sealed value, each bound to its config and field), in configs and
-- in their snapshots. Adding a column with a constant default rewrites nothing. Values written in clear before this
-- migration stay in config_data until the service's start-up step seals them (secret-fields.sealer.ts); reads leave
-- them out meanwhile.

-- AlterTable
ALTER TABLE "provider_configs" ADD COLUMN "secret_data" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "config_versions" ADD COLUMN "secret_data" JSONB NOT NULL DEFAULT '{}';
