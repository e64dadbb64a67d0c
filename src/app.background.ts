// The composition of background work (SPEC.md §14): everything that must run on one instance at a time. The
// health monitor, history retention and scheduled backups run while this instance holds the `background-work`
// lease; the NATS publication (SPEC.md §9) holds a lease of its own, one per stream. Part of the composition root
// (app.ts), split out to keep each file readable.
import type { AppOptions } from "./app.js";
import type { AppConfig } from "./config.js";
import { writeBackup } from "./infra/backup/backup.js";
import { BackupScheduler } from "./infra/backup/backup-scheduler.js";
import type { Database } from "./infra/database/database.js";
import type { UnitOfWork } from "./infra/database/unit-of-work.js";
import { LeaderLease } from "./infra/leadership/lease.js";
import { LeaseStore } from "./infra/leadership/lease.store.js";
import type { Logger } from "./infra/logger.js";
import type { Metrics } from "./infra/metrics.js";
import { JetStreamSink } from "./infra/nats/jetstream-sink.js";
import { ALL_TENANTS_SUBJECT } from "./modules/change-events/change-event.message.js";
import type { ChangeEventRepository } from "./modules/change-events/change-event.repository.js";
import { EventPublicationRepository } from "./modules/change-events/event-publication.repository.js";
import { EventPublisher } from "./modules/change-events/event-publisher.js";
import { HistoryRetention } from "./modules/history/history.retention.js";
import {
  type EnabledProvidersSource,
  ProviderHealthMonitor,
  type ProviderRechecker,
} from "./modules/provider-health/provider-health.monitor.js";

/** The leader lease of the health monitor, retention and backups (one instance at a time). */
export const BACKGROUND_LEASE = "background-work";

export interface BackgroundWorkDeps {
  config: AppConfig;
  options: AppOptions;
  logger: Logger;
  metrics: Metrics;
  unitOfWork: UnitOfWork;
  database: Database;
  changeEvents: ChangeEventRepository;
  healthMonitor: { listEnabledProviders: EnabledProvidersSource; rechecker: ProviderRechecker };
}

export interface BackgroundWork {
  readonly eventPublisher?: EventPublisher;
  readonly historyRetention?: HistoryRetention;
  /** Once the server listens. */
  start(): void;
  /** Finishes what is in flight, releases the leases, drains NATS. */
  stop(): Promise<void>;
}

export function createBackgroundWork(deps: BackgroundWorkDeps): BackgroundWork {
  const { config, options, logger, metrics, unitOfWork, database } = deps;
  const leaseStore = new LeaseStore(unitOfWork);
  const leaseOf = (name: string) => {
    metrics.leader(name, false);
    return new LeaderLease({
      name,
      backend: leaseStore,
      logger,
      ttlMs: config.leaderLease.ttlSeconds * 1000,
      onChange: (leading) => metrics.leader(name, leading),
    });
  };

  /** One publication (position row and lease) per stream: a new NATS_STREAM starts afresh (NATS_PUBLISH_FROM). */
  const publicationName = (nats: NonNullable<AppConfig["nats"]>) => `nats-publication.${nats.stream}`;
  const eventPublisher = config.nats
    ? new EventPublisher({
        name: publicationName(config.nats),
        unitOfWork,
        events: deps.changeEvents,
        publications: new EventPublicationRepository(),
        sink: new JetStreamSink({
          servers: config.nats.servers,
          stream: config.nats.stream,
          subjects: [ALL_TENANTS_SUBJECT],
          token: config.nats.token,
          credsFile: config.nats.credsFile,
        }),
        lease: leaseOf(publicationName(config.nats)),
        publishFrom: config.nats.publishFrom,
        logger,
        metrics: {
          eventsPublished: (count) => metrics.eventsPublished(count),
          publicationLag: (seconds) => metrics.eventPublicationLag(seconds),
        },
      })
    : undefined;

  const runsLeaderWork =
    config.providerCheck.monitorIntervalSeconds > 0 || config.historyRetention !== undefined || config.backup !== undefined;
  const backgroundLease = runsLeaderWork ? leaseOf(BACKGROUND_LEASE) : undefined;
  const isLeader = () => backgroundLease?.leading ?? false;

  const healthMonitor = new ProviderHealthMonitor({
    isLeader,
    intervalSeconds: config.providerCheck.monitorIntervalSeconds,
    ...deps.healthMonitor,
    logger,
  });

  // History retention (SPEC.md §11); unpublished NATS events stay.
  const historyRetention = config.historyRetention
    ? new HistoryRetention({
        unitOfWork,
        logger,
        days: config.historyRetention.days,
        intervalMinutes: config.historyRetention.intervalMinutes,
        isLeader,
        publication: config.nats ? publicationName(config.nats) : undefined,
        onRun: (outcome, purged) => metrics.historyRetentionRun(outcome, purged),
      })
    : undefined;

  const backups = config.backup
    ? new BackupScheduler({
        directory: config.backup.directory,
        intervalMs: options.backupIntervalMs ?? config.backup.intervalMinutes * 60_000,
        keep: config.backup.keep,
        isLeader,
        backup: (file) => writeBackup(database, file),
        logger,
        onOutcome: (outcome) => metrics.backupFinished(outcome),
      })
    : undefined;

  return {
    eventPublisher,
    historyRetention,
    start() {
      backgroundLease?.start();
      healthMonitor.start();
      backups?.start();
      eventPublisher?.start();
      historyRetention?.start();
    },
    async stop() {
      await healthMonitor.stop();
      await historyRetention?.stop();
      await backups?.stop();
      await backgroundLease?.stop();
      // The publish in flight finishes and is recorded, the lease is released, the NATS connection drained.
      await eventPublisher?.stop();
    },
  };
}
