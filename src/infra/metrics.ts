// Prometheus metrics (SPEC.md §1 GET /metrics). Each app owns its own Registry rather than prom-client's global one,
// so several instances in one process (tests) never collide. Labels only ever take bounded values: operation names
// are client-chosen, so they are shape-checked and capped; no label ever holds a tenant, URL, key or other input.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { PROVIDER_NAME } from "../domain/validation.js";
import type { PoolStats } from "./database/database.js";

/** GraphQL operation names as the grammar allows them, at most 64 characters. */
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Error codes and cache names are ours, but a shape check keeps a future mistake from leaking input into a label. */
const CODE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Leader lease names: ours, with a NATS stream name in them. */
const LEASE_NAME = /^[A-Za-z0-9_.:-]{1,100}$/;

/** 0.5 ms … 5 s: a cached read takes about a millisecond, a slow database write or health check seconds. */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export type CacheResult = "hit" | "miss" | "error";

export interface OperationOutcome {
  /** The operation's name as the client gave it, or null for an anonymous operation. */
  name: string | null;
  /** query, mutation, subscription, or unknown when the document never resolved to an operation. */
  type: string;
  /** ok, or the code of the first error. */
  outcome: string;
  /** One entry per error in the response. */
  errorCodes: readonly string[];
}

export interface MetricsOptions {
  /** Every status a provider health check can report, so that a gauge series exists (0) for each. */
  providerStatuses?: readonly string[];
  /** Most distinct operation / provider label values kept before the rest count as "other". */
  maxLabelValues?: number;
}

/**
 * A label whose values come from outside: values of the wrong shape, and new values once `max` distinct ones have
 * been seen, become `other`. Values already admitted stay admitted, so a series never changes name midway.
 */
export class BoundedLabel {
  private readonly admitted = new Set<string>();

  constructor(
    private readonly shape: RegExp,
    private readonly max: number,
  ) {}

  valueOf(value: string): string {
    if (this.admitted.has(value)) return value;
    if (!this.shape.test(value) || this.admitted.size >= this.max) return "other";
    this.admitted.add(value);
    return value;
  }
}

export class Metrics {
  readonly registry = new Registry();
  private readonly operationNames: BoundedLabel;
  private readonly providerNames: BoundedLabel;
  private readonly providerStatuses: readonly string[];
  private poolStats: () => PoolStats | undefined = () => undefined;
  /** The request counter and duration histogram of each operation series, looked up once (as many as there are series). */
  private readonly operationSeries = new Map<string, { requests: { inc(): void }; duration: { observe(value: number): void } }>();

  private readonly requests = new Counter({
    name: "pcs_graphql_requests_total",
    help: "GraphQL requests by operation name, operation type and outcome (ok or the first error code).",
    labelNames: ["operation", "type", "outcome"] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: "pcs_graphql_request_duration_seconds",
    help: "GraphQL request duration, from request start to response, by operation name and type.",
    labelNames: ["operation", "type"] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: "pcs_graphql_errors_total",
    help: "Errors returned in GraphQL responses, by extensions.code.",
    labelNames: ["code"] as const,
    registers: [this.registry],
  });
  private readonly cacheRequests = new Counter({
    name: "pcs_cache_requests_total",
    help: "Cache lookups by cache and result (hit, miss, error).",
    labelNames: ["cache", "result"] as const,
    registers: [this.registry],
  });
  private readonly cacheSkips = new Counter({
    name: "pcs_cache_skipped_total",
    help: "Values not cached because they are over the per-value byte cap (read from the database each time instead).",
    labelNames: ["cache"] as const,
    registers: [this.registry],
  });
  private readonly migrations = new Counter({
    name: "pcs_migrations_applied_total",
    help: "Database migrations this instance applied at start-up.",
    registers: [this.registry],
  });
  private readonly leaders = new Gauge({
    name: "pcs_leader",
    help: "1 while this instance holds the leader lease of that name (background work on exactly one instance), else 0.",
    labelNames: ["lease"] as const,
    registers: [this.registry],
  });
  private readonly published = new Counter({
    name: "pcs_events_published_total",
    help: "Change events published to NATS JetStream and acknowledged (a re-publish after a failure counts again).",
    registers: [this.registry],
  });
  private readonly publicationLag = new Gauge({
    name: "pcs_event_publication_lag_seconds",
    help: "Age of the oldest change event not yet published to NATS, on the publishing instance; 0 when caught up.",
    registers: [this.registry],
  });
  private readonly providerHealthStatus = new Gauge({
    name: "pcs_provider_health_status",
    help: "Last health check result this instance recorded per provider: 1 for the current status, 0 for the others.",
    labelNames: ["provider_type", "provider", "status"] as const,
    registers: [this.registry],
  });

  private readonly subscriptionsOpen = new Gauge({
    name: "pcs_subscriptions_open",
    help: "providerConfigChanged subscriptions open on this instance.",
    registers: [this.registry],
  });
  private readonly subscriptionsEnded = new Counter({
    name: "pcs_subscriptions_ended_total",
    help: "providerConfigChanged subscriptions ended, by reason: closed (by the client or at shutdown), too-slow (over 1,000 undelivered events), failed (the history could not be read).",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  private readonly subscriptionEvents = new Counter({
    name: "pcs_subscription_events_delivered_total",
    help: "Change events sent to subscribers over WebSocket.",
    registers: [this.registry],
  });
  private webSocketCount: () => number = () => 0;
  private readonly historyRetentionRuns = new Counter({
    name: "pcs_history_retention_runs_total",
    help: "History retention runs on the leader, by outcome (ok or failed).",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  private readonly historySnapshotsPurged = new Counter({
    name: "pcs_history_snapshots_purged_total",
    help: "config_versions snapshots deleted by history retention (HISTORY_RETENTION_DAYS).",
    registers: [this.registry],
  });
  private readonly backups = new Counter({
    name: "pcs_backups_total",
    help: "Scheduled backups this instance wrote (BACKUP_DIR), by outcome: success or failure (nothing left behind).",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  private readonly lastBackup = new Gauge({
    name: "pcs_backup_last_success_timestamp_seconds",
    help: "When this instance last finished a scheduled backup, in Unix seconds (0 until the first).",
    registers: [this.registry],
  });
  private readonly usageRecords = new Counter({
    name: "pcs_usage_records_total",
    help: "Usage records received by recordProviderUsage, by provider type and outcome (accepted, or duplicate of an idempotency key).",
    labelNames: ["provider_type", "outcome"] as const,
    registers: [this.registry],
  });

  constructor(options: MetricsOptions = {}) {
    const max = options.maxLabelValues ?? 200;
    this.operationNames = new BoundedLabel(OPERATION_NAME, max);
    this.providerNames = new BoundedLabel(PROVIDER_NAME, max);
    this.providerStatuses = options.providerStatuses ?? [];
    collectDefaultMetrics({ register: this.registry });
    const metrics = this;
    new Gauge({
      name: "pcs_db_pool_connections",
      help: "PostgreSQL connection pool: total, idle and waiting clients, and the pool's maximum (absent on PGlite).",
      labelNames: ["state"] as const,
      registers: [this.registry],
      // Read at scrape time, so the numbers are current and nothing polls in between.
      collect() {
        this.reset();
        const stats = metrics.poolStats();
        if (!stats) return;
        for (const state of ["total", "idle", "waiting", "max"] as const) this.set({ state }, stats[state]);
      },
    });
    new Gauge({
      name: "pcs_websocket_connections",
      help: "graphql-ws connections open on this instance.",
      registers: [this.registry],
      collect() {
        this.set(metrics.webSocketCount());
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  operation(operation: OperationOutcome, durationSeconds: number): void {
    const name = operation.name === null ? "anonymous" : this.operationNames.valueOf(operation.name);
    const type = safe(operation.type);
    const outcome = safe(operation.outcome);
    const key = `${name} ${type} ${outcome}`;
    let series = this.operationSeries.get(key);
    if (!series) {
      series = { requests: this.requests.labels(name, type, outcome), duration: this.duration.labels(name, type) };
      this.operationSeries.set(key, series);
    }
    series.requests.inc();
    series.duration.observe(durationSeconds);
    for (const code of operation.errorCodes) this.errors.inc({ code: safe(code) });
  }

  /** `count` lookups of one batch (a read of many tenants is one round trip but many lookups). */
  cacheHit(cache: string, count = 1): void {
    if (count > 0) this.cacheRequests.inc({ cache: safe(cache), result: "hit" }, count);
  }

  cacheMiss(cache: string, count = 1): void {
    if (count > 0) this.cacheRequests.inc({ cache: safe(cache), result: "miss" }, count);
  }

  cacheError(cache: string): void {
    this.cacheRequests.inc({ cache: safe(cache), result: "error" });
  }

  cacheSkipped(cache: string, count = 1): void {
    if (count > 0) this.cacheSkips.inc({ cache: safe(cache) }, count);
  }

  /** Where pool use is read from at each scrape (Database.poolStats: undefined on PGlite). */
  observeDatabasePool(poolStats: () => PoolStats | undefined): void {
    this.poolStats = poolStats;
  }

  subscriptionOpened(): void {
    this.subscriptionsOpen.inc();
  }

  subscriptionEnded(reason: "closed" | "too-slow" | "failed"): void {
    this.subscriptionsOpen.dec();
    this.subscriptionsEnded.inc({ reason });
  }

  subscriptionEventDelivered(): void {
    this.subscriptionEvents.inc();
  }

  /** Where the number of open WebSocket connections is read from at each scrape. */
  observeWebSocketConnections(count: () => number): void {
    this.webSocketCount = count;
  }

  migrationsApplied(count: number): void {
    this.migrations.inc(count);
  }

  /** Lease names are the service's own (e.g. nats-publication.<stream>); the shape check guards a future mistake. */
  leader(lease: string, leading: boolean): void {
    this.leaders.set({ lease: LEASE_NAME.test(lease) ? lease : "other" }, leading ? 1 : 0);
  }

  eventsPublished(count: number): void {
    if (count > 0) this.published.inc(count);
  }

  eventPublicationLag(seconds: number): void {
    this.publicationLag.set(seconds);
  }

  /** One history retention run: its outcome and how many snapshots it deleted. */
  historyRetentionRun(outcome: "ok" | "failed", purged: number): void {
    this.historyRetentionRuns.inc({ outcome });
    if (purged > 0) this.historySnapshotsPurged.inc(purged);
  }

  /** One recordProviderUsage call's records of one provider type. */
  usageRecorded(providerType: string, accepted: number, duplicates: number): void {
    const type = safe(providerType);
    if (accepted > 0) this.usageRecords.inc({ provider_type: type, outcome: "accepted" }, accepted);
    if (duplicates > 0) this.usageRecords.inc({ provider_type: type, outcome: "duplicate" }, duplicates);
  }

  backupFinished(outcome: "success" | "failure", at = new Date()): void {
    this.backups.inc({ outcome });
    if (outcome === "success") this.lastBackup.set(at.getTime() / 1000);
  }

  providerHealth(providerType: string, providerName: string, status: string): void {
    const labels = { provider_type: safe(providerType), provider: this.providerNames.valueOf(providerName) };
    for (const other of this.providerStatuses) this.providerHealthStatus.set({ ...labels, status: other }, 0);
    this.providerHealthStatus.set({ ...labels, status: safe(status) }, 1);
  }
}

const safe = (value: string): string => (CODE.test(value) ? value : "other");
