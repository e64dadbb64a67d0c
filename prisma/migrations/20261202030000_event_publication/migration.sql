-- Background work on exactly one instance (SPEC.md §9 NATS, §14). Neither table holds tenant data, so neither has
-- row-level security; the application role may read and write both.

-- How far the NATS publication (and any later publisher of the change stream) has got: every event at or below
-- (txid, seq) has been acknowledged. The change history itself is the outbox; this row is the only state.

-- CreateTable
CREATE TABLE "event_publication" (
    "name" TEXT NOT NULL,
    "txid" xid8 NOT NULL,
    "seq" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_publication_pkey" PRIMARY KEY ("name")
);

-- Leader leases: taken and renewed with one UPSERT, only when free, expired or already held by the same holder;
-- times are the database's, so instances' clocks do not matter.

-- CreateTable
CREATE TABLE "leases" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "leases_pkey" PRIMARY KEY ("name")
);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pcs_app') THEN
    GRANT SELECT, INSERT, UPDATE ON "event_publication" TO "pcs_app";
    GRANT SELECT, INSERT, UPDATE, DELETE ON "leases" TO "pcs_app";
  END IF;
END $$;
