-- Change events (SPEC.md §9): every config_versions row is an event. Its transaction id orders events in a way a
-- reader can trust: readers take only rows below the oldest transaction still running
-- (pg_snapshot_xmin(pg_current_snapshot())), so a transaction that took its sequence number early and commits
-- late is never skipped; every event made visible later has a larger (txid, seq) than every event seen before.
-- Existing rows get the id of this migration's transaction, which is older than any change made after it.

-- AlterTable
ALTER TABLE "config_versions" ADD COLUMN     "txid" xid8 NOT NULL DEFAULT pg_current_xact_id();

-- CreateIndex
CREATE INDEX "config_versions_tenant_id_txid_seq_idx" ON "config_versions"("tenant_id", "txid", "seq");

-- CreateIndex
CREATE INDEX "config_versions_txid_seq_idx" ON "config_versions"("txid", "seq");
