-- History retention (SPEC.md §11): with HISTORY_RETENTION_DAYS set, a background job deletes old snapshots in
-- bounded batches, walking all tenants' snapshots older than the cutoff in (changed_at, seq) order. The existing
-- (tenant_id, changed_at, seq) index leads with the tenant, so without this one every batch would read the table.
-- The application role already has DELETE on config_versions (row_level_security migration).

-- CreateIndex
CREATE INDEX "config_versions_changed_at_seq_idx" ON "config_versions"("changed_at", "seq");
