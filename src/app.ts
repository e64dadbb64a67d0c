// Composition root: infra → repositories → services → resolvers → schema → HTTP. Nothing else constructs
// services; modules receive what they need through their constructors.

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import type { PGlite } from "@electric-sql/pglite";
import type { GraphQLSchema } from "graphql";
import type { AppConfig } from "./config.js";
import type { RequestContext, RequestLoaders } from "./graphql/context.js";
import { createFormatError } from "./graphql/format-error.js";
import { buildGraphQLSchema } from "./graphql/schema.js";
import { createRedisClient } from "./infra/cache/redis.js";
import { type Keyring, loadOrCreateDevKeyring, parseKeyring } from "./infra/crypto/keyring.js";
import { SecretBox } from "./infra/crypto/secret-box.js";
import { type Database, openDatabase } from "./infra/database/database.js";
import { UnitOfWork } from "./infra/database/unit-of-work.js";
import { createHttpApp, type ReadinessReport } from "./infra/http/server.js";
import { createLogger, type Logger } from "./infra/logger.js";
import { ANONYMOUS_CALLER, type Caller } from "./modules/access/caller.js";
import { loadCatalog } from "./modules/catalog/catalog.js";
import { CatalogResolver } from "./modules/catalog/catalog.resolver.js";
import { CatalogService } from "./modules/catalog/catalog.service.js";
import { createRecentVersionsLoader } from "./modules/history/history.loader.js";
import { HistoryRepository } from "./modules/history/history.repository.js";
import { HistoryResolver } from "./modules/history/history.resolver.js";
import { HistoryService } from "./modules/history/history.service.js";
import { RollbackService } from "./modules/history/rollback.service.js";
import { enabledProvidersSource } from "./modules/provider-config/provider-config.enabled-source.js";
import { FailoverConfigReader } from "./modules/provider-config/provider-config.failover-reader.js";
import { createConfigLoaders } from "./modules/provider-config/provider-config.loaders.js";
import { ProviderConfigQueries } from "./modules/provider-config/provider-config.queries.js";
import { ProviderConfigRepository } from "./modules/provider-config/provider-config.repository.js";
import { ProviderConfigResolver } from "./modules/provider-config/provider-config.resolver.js";
import { type ConfigChangeListener, ProviderConfigService } from "./modules/provider-config/provider-config.service.js";
import { DatabaseTenantConfigSource } from "./modules/provider-config/provider-config.source.js";
import { ProviderConfigCatalogResolver } from "./modules/provider-config/provider-config-catalog.resolver.js";
import { ProviderHealthChecker } from "./modules/provider-health/provider-health.checker.js";
import { ProviderHealthMonitor } from "./modules/provider-health/provider-health.monitor.js";
import { RedisProviderHealthStore } from "./modules/provider-health/provider-health.redis-store.js";
import { ProviderHealthResolver } from "./modules/provider-health/provider-health.resolver.js";
import { ProviderHealthService } from "./modules/provider-health/provider-health.service.js";
import { InMemoryProviderHealthStore, type ProviderHealthStore } from "./modules/provider-health/provider-health.store.js";

export interface AppOptions {
  logger?: Logger;
  /** An open PGlite to use instead of <dataDir>/pglite (tests). */
  pglite?: PGlite;
}

export interface App {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly database: Database;
  readonly schema: GraphQLSchema;
  readonly server: Server;
  readonly apollo: ApolloServer<RequestContext>;
  /** Builds a request context as the HTTP layer does (for executeOperation in tests). */
  createContext(caller?: Caller): RequestContext;
  listen(port?: number, host?: string): Promise<string>;
  stop(): Promise<void>;
}

export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, pretty: !config.production && process.stdout.isTTY });
  const sealer = new SecretBox(loadKeyring(config, logger));

  const database = await openDatabase({
    url: config.database.url,
    dataDir: config.dataDir,
    poolMax: config.database.poolMax,
    pglite: options.pglite,
    onMigrationApplied: (name) => logger.info({ migration: name }, "migration applied"),
    onPoolError: (error) => logger.warn({ err: { message: error.message } }, "idle database connection failed"),
  });
  logger.info({ database: database.kind, migrationsApplied: database.migrations.applied.length }, "database ready");

  const redis = config.redis.url ? createRedisClient(config.redis.url, logger) : undefined;
  const catalog = loadCatalog();
  const unitOfWork = new UnitOfWork(database.prisma);
  const configRepository = new ProviderConfigRepository();
  const historyRepository = new HistoryRepository();
  const tenantSource = new DatabaseTenantConfigSource(unitOfWork.db, configRepository);
  // Caching (SPEC.md §5) subscribes here; until then a committed change has nobody to tell.
  const listener: ConfigChangeListener = { configsChanged: async () => {} };

  const configService = new ProviderConfigService({
    unitOfWork,
    repository: configRepository,
    sealer,
    requiresApiKey: (type, name) => catalog.requiresApiKey(type, name),
    listener,
  });
  const configQueries = new ProviderConfigQueries(unitOfWork.db, configRepository, sealer);
  const historyService = new HistoryService(unitOfWork, historyRepository);
  const rollbackService = new RollbackService({ unitOfWork, configs: configRepository, history: historyRepository, sealer, listener });

  // Health memory in Redis when there is one, so that every instance sees the last check.
  const healthStore: ProviderHealthStore = redis ? new RedisProviderHealthStore(redis, { logger }) : new InMemoryProviderHealthStore();
  const healthChecker = new ProviderHealthChecker({
    timeoutMs: config.providerCheck.timeoutMs,
    originOverride: config.providerCheck.originOverride,
    logger,
  });
  const healthService = new ProviderHealthService((type, name) => catalog.find(type, name), healthChecker, healthStore);
  const catalogService = new CatalogService(catalog, new FailoverConfigReader(tenantSource), healthStore);
  const healthMonitor = new ProviderHealthMonitor({
    intervalSeconds: config.providerCheck.monitorIntervalSeconds,
    listEnabledProviders: enabledProvidersSource(unitOfWork.db, configRepository, sealer),
    rechecker: healthService,
    logger,
  });

  const schema = await buildGraphQLSchema([
    new ProviderConfigResolver(configQueries, configService),
    new ProviderConfigCatalogResolver(catalog),
    new HistoryResolver(historyService, rollbackService),
    new CatalogResolver(catalogService),
    new ProviderHealthResolver(healthService),
  ]);

  const createLoaders = (caller: Caller): RequestLoaders => ({
    configs: createConfigLoaders(caller, unitOfWork.db, configRepository, tenantSource),
    history: createRecentVersionsLoader(caller, unitOfWork.db, historyRepository),
  });
  const createContext = (caller: Caller = ANONYMOUS_CALLER, requestId = "internal"): RequestContext => ({
    requestId,
    caller,
    loaders: createLoaders(caller),
  });

  const httpServer = createServer();
  const apollo = new ApolloServer<RequestContext>({
    schema,
    formatError: createFormatError(logger),
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGTERM/SIGINT: it drains through app.stop(), which also closes the database.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // On stop: no new connections, in-flight requests finish (up to 10 s), idle keep-alive sockets close.
      ApolloServerPluginDrainHttpServer({ httpServer }),
    ],
  });
  await apollo.start();

  const readiness = async (): Promise<ReadinessReport> => {
    const databaseUp = await database.ping().then(
      () => true,
      () => false,
    );
    // Redis is an accelerator: its state is reported, but the service is ready without it.
    const cache = redis ? (redis.status === "ready" ? "redis: up" : `redis: ${redis.status}`) : "in-process";
    return { ready: databaseUp, database: databaseUp ? "up" : "down", cache };
  };
  httpServer.on(
    "request",
    createHttpApp({
      apollo,
      createContext: async (_request, requestId) => createContext(ANONYMOUS_CALLER, requestId),
      readiness,
    }),
  );

  if (!config.auth.jwtSecret && !config.auth.jwksUrl) {
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
    createContext: (caller) => createContext(caller),
    listen: (port = config.port, host = config.host) =>
      new Promise((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, host, () => {
          httpServer.off("error", reject);
          healthMonitor.start();
          const address = httpServer.address() as AddressInfo;
          const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
          resolve(`http://${shownHost === "0.0.0.0" ? "127.0.0.1" : shownHost}:${address.port}`);
        });
      }),
    async stop() {
      if (stopped) return;
      stopped = true;
      // Apollo's drain plugin closes the HTTP server and waits for in-flight requests; then the database goes.
      await apollo.stop();
      await healthMonitor.stop();
      redis?.disconnect();
      await database.close();
    },
  };
}

function loadKeyring(config: AppConfig, logger: Logger): Keyring {
  if (config.encryptionKeys) return parseKeyring(config.encryptionKeys);
  // config.ts already refused production without keys.
  logger.warn({ dataDir: config.dataDir }, "CONFIG_ENCRYPTION_KEYS is not set: using the development key kept in the data directory");
  return loadOrCreateDevKeyring(config.dataDir);
}
