// Composition root: infra → repositories → services → resolvers → schema → HTTP. Nothing else constructs
// services; modules receive what they need through their constructors.

import { createHash, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { InMemoryLRUCache } from "@apollo/utils.keyvaluecache";
import type { PGlite } from "@electric-sql/pglite";
import { type DocumentNode, type GraphQLSchema, printSchema } from "graphql";
import { createBackgroundWork } from "./app.background.js";
import type { AppConfig } from "./config.js";
import type { Caller } from "./domain/caller.js";
import { cacheableCaller, requestCaller } from "./graphql/authentication.js";
import type { RequestContext, RequestLoaders } from "./graphql/context.js";
import { DocumentInspector, queryTextOf } from "./graphql/document-inspector.js";
import { createFormatError } from "./graphql/format-error.js";
import { costLimitPlugin } from "./graphql/limits/cost-limit.plugin.js";
import { MAX_DOCUMENT_TOKENS } from "./graphql/limits/document-shape.js";
import { operationLimitsRule } from "./graphql/limits/operation-limits.js";
import { noStorePlugin } from "./graphql/plugins/no-store.plugin.js";
import { createRequestRecorder, requestLogPlugin } from "./graphql/plugins/request-log.js";
import { subscriptionsOverHttpPlugin } from "./graphql/plugins/subscriptions-over-http.plugin.js";
import { responseCacheFastPath, responseCachePlugin } from "./graphql/response-cache/response-cache.js";
import { buildGraphQLSchema } from "./graphql/schema.js";
import { subscriptionOperations } from "./graphql/subscription-operation.js";
import { CacheDependencies } from "./infra/cache/dependencies.js";
import type { CacheEvents, GenerationalCache } from "./infra/cache/generational-cache.js";
import { InProcessCache } from "./infra/cache/memory-cache.js";
import { closeRedisClient, createRedisClient } from "./infra/cache/redis.js";
import { RedisCache } from "./infra/cache/redis-cache.js";
import { loadKeyring } from "./infra/crypto/keyring.js";
import { SecretBox } from "./infra/crypto/secret-box.js";
import { APPLICATION_ROLE, type Database, openDatabase } from "./infra/database/database.js";
import { UnitOfWork } from "./infra/database/unit-of-work.js";
import { apolloHandler, searchOf } from "./infra/http/apollo-handler.js";
import { createGraphiQLRouter } from "./infra/http/graphiql.js";
import { graphqlFront } from "./infra/http/graphql-front.js";
import { type RequestRecord, recordOf } from "./infra/http/request-record.js";
import { createHttpApp, type ReadinessReport } from "./infra/http/server.js";
import { createSubscriptionServer } from "./infra/http/subscription-server.js";
import { createLogger, type Logger } from "./infra/logger.js";
import { Metrics } from "./infra/metrics.js";
import { createAuthenticator } from "./modules/access/authenticator.js";
import { loadCatalog } from "./modules/catalog/catalog.js";
import { CatalogResolver } from "./modules/catalog/catalog.resolver.js";
import { CatalogService } from "./modules/catalog/catalog.service.js";
import { ConfigSchemaValidator } from "./modules/catalog/config-schema.validator.js";
import { SecretFields } from "./modules/catalog/secret-fields.js";
import { ChangeEventRepository } from "./modules/change-events/change-event.repository.js";
import { ChangeFeedResolver } from "./modules/change-events/change-feed.resolver.js";
import { ChangeFeedService } from "./modules/change-events/change-feed.service.js";
import { ChangeHub } from "./modules/change-events/change-hub.js";
import { NO_SIGNAL, redisChangeSignal } from "./modules/change-events/change-signal.js";
import { ChangeSubscriptionResolver, type SubscriptionContext } from "./modules/change-events/change-subscription.resolver.js";
import { ChangeSubscriptionService } from "./modules/change-events/change-subscription.service.js";
import type { EventPublisher } from "./modules/change-events/event-publisher.js";
import { ConfigExportService } from "./modules/config-transfer/config-export.service.js";
import { ConfigImportService } from "./modules/config-transfer/config-import.service.js";
import { deriveTemplates } from "./modules/config-transfer/config-template.js";
import { ConfigTemplateResolver } from "./modules/config-transfer/config-template.resolver.js";
import { ConfigTemplateService } from "./modules/config-transfer/config-template.service.js";
import { ConfigTransferResolver } from "./modules/config-transfer/config-transfer.resolver.js";
import { secretExportAudit } from "./modules/credential-access/credential-access.export-audit.js";
import { createAccessLogLoader } from "./modules/credential-access/credential-access.loader.js";
import { CredentialAccessRecorder } from "./modules/credential-access/credential-access.recorder.js";
import { CredentialAccessRepository } from "./modules/credential-access/credential-access.repository.js";
import { CredentialAccessResolver } from "./modules/credential-access/credential-access.resolver.js";
import { CredentialAccessService } from "./modules/credential-access/credential-access.service.js";
import { ConfigDiffService } from "./modules/history/config-diff.service.js";
import {
  createHistoryPageLoader,
  createRecentVersionsLoader,
  createSnapshotLoader,
  createStateAtLoader,
} from "./modules/history/history.loader.js";
import { HistoryRepository } from "./modules/history/history.repository.js";
import { HistoryResolver } from "./modules/history/history.resolver.js";
import type { HistoryRetention } from "./modules/history/history.retention.js";
import { HistoryService } from "./modules/history/history.service.js";
import { RollbackService } from "./modules/history/rollback.service.js";
import { enabledProvidersSource } from "./modules/provider-config/provider-config.enabled-source.js";
import { FailoverConfigReader } from "./modules/provider-config/provider-config.failover-reader.js";
import { createConfigLoaders } from "./modules/provider-config/provider-config.loaders.js";
import { ProviderConfigQueries } from "./modules/provider-config/provider-config.queries.js";
import { ProviderConfigRepository } from "./modules/provider-config/provider-config.repository.js";
import { ProviderConfigResolver } from "./modules/provider-config/provider-config.resolver.js";
import { type ConfigChangeListener, ProviderConfigService } from "./modules/provider-config/provider-config.service.js";
import { CachedTenantConfigSource, DatabaseTenantConfigSource } from "./modules/provider-config/provider-config.source.js";
import { ProviderConfigCatalogResolver } from "./modules/provider-config/provider-config-catalog.resolver.js";
import { ClearSecretSealer } from "./modules/provider-config/secret-fields.sealer.js";
import { TenantConfigLimit } from "./modules/provider-config/tenant-config-limit.js";
import { ProviderHealthChecker } from "./modules/provider-health/provider-health.checker.js";
import { ProviderStatus } from "./modules/provider-health/provider-health.model.js";
import { ObservedProviderHealthStore } from "./modules/provider-health/provider-health.observed-store.js";
import { RedisProviderHealthStore } from "./modules/provider-health/provider-health.redis-store.js";
import { ProviderHealthResolver } from "./modules/provider-health/provider-health.resolver.js";
import { ProviderHealthService } from "./modules/provider-health/provider-health.service.js";
import { InMemoryProviderHealthStore, type ProviderHealthStore } from "./modules/provider-health/provider-health.store.js";
import { UsageQueries } from "./modules/usage/usage.queries.js";
import { DATABASE_ONLY, RedisRateCounter } from "./modules/usage/usage.rate-counter.js";
import { UsageRepository } from "./modules/usage/usage.repository.js";
import { UsageResolver } from "./modules/usage/usage.resolver.js";
import { UsageRetention } from "./modules/usage/usage.retention.js";
import { UsageService } from "./modules/usage/usage.service.js";

/** Apollo's parsed-document memo (counted as the documents' JSON length) and persisted-query texts. */
const DOCUMENT_STORE_BYTES = 8 * 1024 * 1024;
const PERSISTED_QUERY_BYTES = 8 * 1024 * 1024;

export interface AppOptions {
  logger?: Logger;
  /** An open PGlite to use instead of <dataDir>/pglite (tests). */
  pglite?: PGlite;
  /** Told the SQL of every statement sent to the database (tests count round trips). */
  onQuery?: (sql: string) => void;
  /** Scheduled backups this often instead of BACKUP_INTERVAL_MINUTES (tests). */
  backupIntervalMs?: number;
}

export interface App {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly database: Database;
  readonly schema: GraphQLSchema;
  readonly server: Server;
  readonly apollo: ApolloServer<RequestContext>;
  readonly metrics: Metrics;
  /** providerConfigChanged streams (graphql-ws serves them; tests open them directly). */
  readonly changes: ChangeSubscriptionService;
  /** The NATS publication (SPEC.md §9), when NATS_URL is set. */
  readonly eventPublisher?: EventPublisher;
  /** History retention (SPEC.md §11), when HISTORY_RETENTION_DAYS is set; runOnce() runs a pass now. */
  readonly historyRetention?: HistoryRetention;
  /** Seals secret configData fields stored in clear (SPEC.md §10.3): started by listen(); run() runs a pass now. */
  readonly clearSecrets: ClearSecretSealer;
  listen(port?: number, host?: string): Promise<string>;
  stop(): Promise<void>;
}

export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, pretty: !config.production && process.stdout.isTTY });
  const sealer = new SecretBox(loadKeyring(config, (message) => logger.warn({ dataDir: config.dataDir }, message)));

  const database = await openDatabase({
    url: config.database.url,
    directUrl: config.database.directUrl,
    pgbouncer: config.database.pgbouncer,
    dataDir: config.dataDir,
    poolMax: config.database.poolMax,
    pglite: options.pglite,
    onMigrationApplied: (name) => logger.info({ migration: name }, "migration applied"),
    onPoolError: (error) => logger.warn({ err: { message: error.message } }, "idle database connection failed"),
  });
  logger.info(
    { database: database.kind, migrationsApplied: database.migrations.applied.length, rowLevelSecurity: database.rowLevelSecurity },
    "database ready",
  );
  if (database.rowLevelSecurity === "bypassed") {
    const why = `the database user bypasses row-level security (it is a superuser or has BYPASSRLS) and is not a member of the ${APPLICATION_ROLE} role`;
    // SPEC.md §13. main.ts prints this as "Failed to start: <message>": it names the fix, never the URL or a password.
    if (config.database.requireRowLevelSecurity) {
      await database.close().catch(() => {});
      throw new Error(
        `Refusing to start in production: ${why}. Connect as a user without BYPASSRLS, or GRANT ${APPLICATION_ROLE} to this user.`,
      );
    }
    logger.warn(`ROW-LEVEL SECURITY IS BYPASSED: ${why}; tenants are kept apart by the service's own checks only.`);
  }
  const metrics = new Metrics({ providerStatuses: Object.values(ProviderStatus) });
  metrics.migrationsApplied(database.migrations.applied.length);
  metrics.observeDatabasePool(() => database.poolStats());

  const redisTarget = config.redis.url ?? config.redis.sentinel ?? config.redis.cluster;
  const redis = redisTarget ? createRedisClient(redisTarget, logger) : undefined;
  const catalog = loadCatalog();
  // Compiled once: every write that carries configData is checked against its provider's schema (SPEC.md §10.3).
  const secretFields = new SecretFields(catalog.list());
  const configSchemas = new ConfigSchemaValidator(catalog.list(), secretFields);
  const unitOfWork = new UnitOfWork(database.adapter, options.onQuery, database.transactionRole);
  const configRepository = new ProviderConfigRepository(secretFields);
  const historyRepository = new HistoryRepository(secretFields);
  const cacheEvents: CacheEvents = {
    hit: (name, count) => metrics.cacheHit(name, count),
    miss: (name, count) => metrics.cacheMiss(name, count),
    error: (name) => metrics.cacheError(name),
    skipped: (name, count) => metrics.cacheSkipped(name, count),
  };
  const cache: GenerationalCache = redis
    ? new RedisCache(redis, { ttlSeconds: config.cacheTtlSeconds, keyPrefix: config.redis.keyPrefix, events: cacheEvents })
    : new InProcessCache(config.cacheTtlSeconds, cacheEvents);
  const tenantSource = new CachedTenantConfigSource(new DatabaseTenantConfigSource(unitOfWork, configRepository), cache);
  // Every committed change moves its tenant to a new cache generation before the write is acknowledged.
  // ... and wakes the change hubs: this instance's at once, the others' through Redis (SPEC.md §9).
  const changeEvents = new ChangeEventRepository(secretFields);
  const changeFeed = new ChangeFeedService(unitOfWork, changeEvents);
  const changeHub = new ChangeHub({ unitOfWork, repository: changeEvents, logger });
  const changeSignal = redis ? await redisChangeSignal(redis, `${config.redis.keyPrefix}changes`, () => changeHub.wake()) : NO_SIGNAL;
  const listener: ConfigChangeListener = {
    async configsChanged(tenantId) {
      await tenantSource.configsChanged(tenantId);
      changeHub.wake();
      changeSignal.publish();
    },
  };
  const changeSubscriptions = new ChangeSubscriptionService(changeFeed, changeHub, {
    onOpen: () => metrics.subscriptionOpened(),
    onEnd: (reason) => metrics.subscriptionEnded(reason),
  });
  const limit = new TenantConfigLimit(configRepository, config.maxConfigsPerTenant);
  // Its own unit of work: start-up maintenance, not request work (options.onQuery observes requests).
  const clearSecrets = new ClearSecretSealer({
    unitOfWork: new UnitOfWork(database.adapter, undefined, database.transactionRole),
    sealer,
    secretFields,
    logger,
  });

  const configService = new ProviderConfigService({
    unitOfWork,
    repository: configRepository,
    sealer,
    secretFields,
    requiresApiKey: (type, name) => catalog.requiresApiKey(type, name),
    configSchemas,
    listener,
    limit,
  });
  const credentialAccessRepository = new CredentialAccessRepository();
  const credentialAccess = new CredentialAccessRecorder(credentialAccessRepository);
  const configQueries = new ProviderConfigQueries(unitOfWork, configRepository, sealer, credentialAccess);
  const configExport = new ConfigExportService({
    unitOfWork,
    repository: configRepository,
    sealer,
    audit: secretExportAudit(unitOfWork, credentialAccess, credentialAccessRepository),
  });
  const configImport = new ConfigImportService(configService, configSchemas);
  // Derived once from the catalog: the templates follow the catalog's facts and the selection/recommendation rules.
  const configTemplates = new ConfigTemplateService(deriveTemplates(catalog), configService, configSchemas);
  const historyService = new HistoryService();
  const diffService = new ConfigDiffService(unitOfWork, historyRepository, sealer);
  const credentialAccessService = new CredentialAccessService();
  const rollbackService = new RollbackService(historyRepository, configService);

  // Health memory in Redis when there is one, so that every instance sees the last check. Results expire (SPEC.md §13).
  const ttlSeconds = config.providerCheck.resultTtlSeconds;
  const healthStore: ProviderHealthStore = new ObservedProviderHealthStore(
    redis
      ? new RedisProviderHealthStore(redis, { logger, keyPrefix: config.redis.keyPrefix, ttlSeconds })
      : new InMemoryProviderHealthStore({ ttlSeconds }),
    (result) => metrics.providerHealth(result.providerType, result.providerName, result.status),
  );
  const healthChecker = new ProviderHealthChecker({
    timeoutMs: config.providerCheck.timeoutMs,
    originOverride: config.providerCheck.originOverride,
    logger,
  });
  const healthService = new ProviderHealthService((type, name) => catalog.find(type, name), healthChecker, healthStore);
  const catalogService = new CatalogService(catalog, healthStore);
  // Everything that runs on one instance at a time (SPEC.md §14): see app.background.ts.
  const background = createBackgroundWork({
    config,
    options,
    logger,
    metrics,
    unitOfWork,
    database,
    changeEvents,
    healthMonitor: {
      listEnabledProviders: enabledProvidersSource(unitOfWork, configRepository, sealer),
      rechecker: healthService,
    },
  });

  // Usage (SPEC.md §12): the current minute's counts in Redis when there is one; the database is the truth.
  const usageRepository = new UsageRepository();
  const rateCounter = redis ? new RedisRateCounter(redis, { keyPrefix: config.redis.keyPrefix, logger }) : DATABASE_ONLY;
  const findProvider = (type: Parameters<typeof catalog.find>[0], name: string) => catalog.find(type, name);
  const usageService = new UsageService({
    unitOfWork,
    repository: usageRepository,
    isCatalogued: (type, name) => findProvider(type, name) !== undefined,
    rateCounter,
    onRecorded: (type, accepted, duplicates) => metrics.usageRecorded(type, accepted, duplicates),
  });
  const usageQueries = new UsageQueries({ unitOfWork, repository: usageRepository, findProvider, rateCounter });
  const usageRetention = new UsageRetention({
    unitOfWork,
    repository: usageRepository,
    logger,
    intervalMinutes: config.usageRetentionIntervalMinutes,
  });

  const schema = await buildGraphQLSchema({
    providerConfig: new ProviderConfigResolver(configQueries, configService),
    providerConfigCatalog: new ProviderConfigCatalogResolver(catalog),
    history: new HistoryResolver(historyService, rollbackService, diffService),
    catalog: new CatalogResolver(catalogService),
    providerHealth: new ProviderHealthResolver(healthService),
    changeFeed: new ChangeFeedResolver(changeFeed),
    changeSubscription: new ChangeSubscriptionResolver(),
    credentialAccess: new CredentialAccessResolver(credentialAccessService),
    configTransfer: new ConfigTransferResolver(configExport, configImport),
    configTemplate: new ConfigTemplateResolver(configTemplates),
    usage: new UsageResolver(usageService, usageQueries),
  });

  const createContext = (caller: Caller, requestId: string, record?: RequestRecord): RequestContext => {
    const cacheDependencies = new CacheDependencies();
    const configs = createConfigLoaders(caller, unitOfWork, configRepository, tenantSource, cacheDependencies);
    const loaders: RequestLoaders = {
      configs,
      history: createRecentVersionsLoader(caller, unitOfWork, historyRepository, cacheDependencies),
      snapshots: createSnapshotLoader(caller, unitOfWork, historyRepository, cacheDependencies),
      configsAt: createStateAtLoader(caller, unitOfWork, historyRepository, cacheDependencies),
      historyPages: createHistoryPageLoader(caller, unitOfWork, historyRepository, cacheDependencies),
      accessLog: createAccessLogLoader(caller, unitOfWork, credentialAccessRepository),
      tenantProviders: new FailoverConfigReader(configs),
    };
    return { requestId, caller, loaders, cacheDependencies, record };
  };

  // One recorder (metrics + the request log line) for every GraphQL request, whichever part of the pipeline answers.
  const recordRequest = createRequestRecorder(metrics, logger);
  // One walk per distinct text: shape, limits, cacheability, operation names (document-inspector.ts).
  const documents = new DocumentInspector();
  const factsOf = documents.factsOf.bind(documents);
  // Slow clients (SPEC.md §13): headers within 10 s, a whole request (at most 1 MiB) within 30 s, or the socket closes.
  const httpServer = createServer({ headersTimeout: 10_000, requestTimeout: 30_000 });
  const apollo = new ApolloServer<RequestContext>({
    schema,
    // SPEC.md §13: the parser stops at this many tokens, so no document is large enough to stall validation.
    parseOptions: { maxTokens: MAX_DOCUMENT_TOKENS },
    // Apollo's defaults are 30 MiB each; both are bounded in bytes (sizes as Apollo's LRU counts them).
    documentStore: new InMemoryLRUCache<DocumentNode>({ maxSize: DOCUMENT_STORE_BYTES }),
    cache: new InMemoryLRUCache<string>({ maxSize: PERSISTED_QUERY_BYTES }),
    formatError: createFormatError(logger),
    introspection: config.introspection,
    // SPEC.md §8 limits: depth and root fields by document shape, cost once the operation and variables are known.
    validationRules: [operationLimitsRule(factsOf)],
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGTERM/SIGINT: it drains through app.stop(), which also closes the database.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      noStorePlugin(),
      // On stop: no new connections, in-flight requests finish (up to 10 s), idle keep-alive sockets close.
      ApolloServerPluginDrainHttpServer({ httpServer }),
      requestLogPlugin(recordRequest, factsOf),
      responseCachePlugin(cache),
      costLimitPlugin(),
      subscriptionsOverHttpPlugin(),
    ],
  });
  await apollo.start();

  const readiness = async (): Promise<ReadinessReport> => {
    const databaseUp = await database.ping().then(
      () => true,
      () => false,
    );
    // Redis is an accelerator: its state is reported, but the service is ready without it.
    return { ready: databaseUp, database: databaseUp ? "up" : "down", cache: cache.state() };
  };
  // One authenticator for the context and the whole-response cache: a cache hit needs the same valid token.
  const authenticator = createAuthenticator(config.auth);
  // Apollo, with the context every HTTP request gets: the front hands it JSON POSTs, express the rest of /graphql.
  const graphql = apolloHandler(apollo, async (request, body) => {
    const record = recordOf(request);
    // Refused here, before Apollo's plugins run: recorded as a request that did not parse.
    const rejected = (code: string) => {
      record.outcome = code;
      record.errorCodes = [code];
      recordRequest(record);
    };
    const caller = await requestCaller(authenticator, request, rejected);
    // Refused before Apollo validates it (SPEC.md §13); inspected only now that the caller is authenticated.
    const query = queryTextOf(request.method, body, searchOf(request.url));
    const problem = query === undefined ? null : documents.inspect(query).problem;
    if (problem) {
      rejected(String(problem.extensions.code));
      throw problem;
    }
    return createContext(caller, record.id, record);
  });
  const front = graphqlFront(
    createHttpApp({
      graphql,
      readiness,
      metrics,
      graphiql: config.graphiql ? createGraphiQLRouter({ authHeader: authenticator.required }) : undefined,
    }),
    responseCacheFastPath({
      cache,
      documents,
      schemaId: createHash("sha256").update(printSchema(schema)).digest("base64url").slice(0, 16),
      callerOf: (request) => cacheableCaller(authenticator, request),
      recordRequest,
    }),
    graphql,
    (error) => logger.error({ reason: error instanceof Error ? error.name : "unknown" }, "response cache fast path failed"),
  );
  httpServer.on("request", front);
  // Subscriptions (SPEC.md §9): graphql-ws on the same server and path; the same limits, authenticator and formatError.
  const subscriptionServer = createSubscriptionServer({
    httpServer,
    path: "/graphql",
    schema,
    operations: subscriptionOperations(schema, { introspection: config.introspection, documents }),
    authenticator,
    contextOf: (caller): SubscriptionContext => ({ ...createContext(caller, randomUUID()), changeSubscriptions }),
    formatError: createFormatError(logger),
    metrics,
    logger,
  });

  if (!authenticator.required) {
    logger.warn(
      "AUTHENTICATION IS OFF: every caller is 'anonymous' with every tenant and every scope, secrets:read included. Never run like this in production.",
    );
  }

  let stopped = false;
  return {
    config,
    logger,
    database,
    schema,
    server: httpServer,
    apollo,
    metrics,
    changes: changeSubscriptions,
    eventPublisher: background.eventPublisher,
    historyRetention: background.historyRetention,
    clearSecrets,
    listen: (port = config.port, host = config.host) =>
      new Promise((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, host, () => {
          httpServer.off("error", reject);
          background.start();
          usageRetention.start();
          clearSecrets.start();
          const address = httpServer.address() as AddressInfo;
          const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
          resolve(`http://${shownHost === "0.0.0.0" ? "127.0.0.1" : shownHost}:${address.port}`);
        });
      }),
    async stop() {
      if (stopped) return;
      stopped = true;
      // WebSockets first (close 1001; their streams end): the HTTP server's close waits for every socket. Then
      // Apollo's drain plugin closes the HTTP server and waits for in-flight requests; then the database goes.
      await subscriptionServer.stop();
      await apollo.stop();
      await background.stop();
      await usageRetention.stop();
      await clearSecrets.stop();
      await changeHub.stop();
      await changeSignal.close();
      if (redis) await closeRedisClient(redis);
      await database.close();
    },
  };
}
