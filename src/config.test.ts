// loadConfig (SPEC.md §1, §6, §7): defaults, every problem reported at once, the production start-up checks, and
// empty variables counting as unset.
import { describe, expect, test } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

const KEYS = `k1:${Buffer.alloc(32, 1).toString("base64")}`;
const JWT_SECRET = "s".repeat(32);
const PRODUCTION = { NODE_ENV: "production", AUTH_JWT_SECRET: JWT_SECRET, CONFIG_ENCRYPTION_KEYS: KEYS };

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  test("defaults for an empty environment (development, open, embedded database)", () => {
    expect(loadConfig({})).toEqual({
      production: false,
      port: 8104,
      host: "0.0.0.0",
      dataDir: "./.data",
      database: { url: undefined, directUrl: undefined, pgbouncer: false, poolMax: 20, requireRowLevelSecurity: false },
      maxConfigsPerTenant: 500,
      usageRetentionIntervalMinutes: 60,
      historyRetention: undefined,
      backup: undefined,
      redis: { url: undefined, keyPrefix: "pcs:" },
      cacheTtlSeconds: 300,
      auth: { jwtSecret: undefined, jwksUrl: undefined, issuer: undefined, audience: undefined, requireExp: false },
      encryptionKeys: undefined,
      providerCheck: { originOverride: undefined, timeoutMs: 5000, monitorIntervalSeconds: 0, resultTtlSeconds: 900 },
      logLevel: "info",
      graphiql: true,
      introspection: true,
      nats: undefined,
      leaderLease: { ttlSeconds: 15 },
    });
  });

  test("reads every variable", () => {
    const config = loadConfig({
      PORT: "9000",
      HOST: "127.0.0.1",
      DATABASE_URL: "postgresql://u@db:5432/pcs",
      REDIS_URL: "redis://cache:6379",
      CACHE_TTL_SECONDS: "60",
      AUTH_JWKS_URL: "https://idp.example/jwks.json",
      CONFIG_ENCRYPTION_KEYS: KEYS,
      PROVIDER_CHECK_ORIGIN_OVERRIDE: "http://127.0.0.1:9999",
      PROVIDER_CHECK_TIMEOUT_MS: "250",
      LOG_LEVEL: "warn",
      GRAPHIQL_ENABLED: "no",
      USAGE_RETENTION_INTERVAL_MINUTES: "0",
      HISTORY_RETENTION_DAYS: "90",
      HISTORY_RETENTION_INTERVAL_MINUTES: "15",
      BACKUP_DIR: "/var/backups/pcs",
      BACKUP_INTERVAL_MINUTES: "15",
      BACKUP_KEEP: "96",
    });
    expect(config).toMatchObject({
      usageRetentionIntervalMinutes: 0,
      historyRetention: { days: 90, intervalMinutes: 15 },
      backup: { directory: "/var/backups/pcs", intervalMinutes: 15, keep: 96 },
      port: 9000,
      host: "127.0.0.1",
      database: { url: "postgresql://u@db:5432/pcs" },
      redis: { url: "redis://cache:6379", keyPrefix: "pcs:" },
      cacheTtlSeconds: 60,
      auth: { jwksUrl: "https://idp.example/jwks.json" },
      encryptionKeys: KEYS,
      providerCheck: { originOverride: "http://127.0.0.1:9999", timeoutMs: 250 },
      logLevel: "warn",
      graphiql: false,
      introspection: true,
    });
  });

  test("reports every problem at once, each naming its variable", () => {
    const problems = problemsOf({
      PORT: "eighty",
      DATABASE_URL: "mysql://db/pcs",
      REDIS_URL: "not a url",
      CACHE_TTL_SECONDS: "0",
      LOG_LEVEL: "loud",
      GRAPHIQL_ENABLED: "maybe",
      AUTH_JWT_SECRET: "short",
      USAGE_RETENTION_INTERVAL_MINUTES: "-5",
    });
    for (const variable of [
      "PORT",
      "DATABASE_URL",
      "REDIS_URL",
      "CACHE_TTL_SECONDS",
      "LOG_LEVEL",
      "GRAPHIQL_ENABLED",
      "AUTH_JWT_SECRET",
      "USAGE_RETENTION_INTERVAL_MINUTES",
    ]) {
      expect(
        problems.filter((problem) => problem.startsWith(`${variable}:`)),
        variable,
      ).toHaveLength(1);
    }
    expect(problems).toHaveLength(8);
  });

  test("REDIS_SENTINELS + REDIS_SENTINEL_NAME: a Sentinel group instead of REDIS_URL", () => {
    expect(
      loadConfig({
        REDIS_SENTINELS: " sentinel-1:26379, 10.0.0.2:26380 ,[::1]:26381",
        REDIS_SENTINEL_NAME: "pcsmaster",
        REDIS_PASSWORD: "master-secret",
        REDIS_SENTINEL_PASSWORD: "sentinel-secret",
      }).redis,
    ).toEqual({
      url: undefined,
      sentinel: {
        sentinels: [
          { host: "sentinel-1", port: 26379 },
          { host: "10.0.0.2", port: 26380 },
          { host: "::1", port: 26381 },
        ],
        name: "pcsmaster",
        password: "master-secret",
        sentinelPassword: "sentinel-secret",
      },
      cluster: undefined,
      keyPrefix: "pcs:",
    });
    expect(loadConfig({ REDIS_SENTINELS: "s:26379", REDIS_SENTINEL_NAME: "m" }).redis.sentinel).toEqual({
      sentinels: [{ host: "s", port: 26379 }],
      name: "m",
    });
    for (const sentinels of ["s", "s:0", "s:65536", "s:26379,bad", "s:port", "http://s:26379", ","]) {
      expect(problemsOf({ REDIS_SENTINELS: sentinels, REDIS_SENTINEL_NAME: "m" }), sentinels).toEqual([
        "REDIS_SENTINELS: must be a comma-separated list of host:port (port 1-65535)",
      ]);
    }
    // Every problem at once: both URL and Sentinels, no master name, a bad list.
    expect(problemsOf({ REDIS_URL: "redis://cache:6379", REDIS_SENTINELS: "s:1,s" }).sort()).toEqual([
      "REDIS_SENTINELS: must be a comma-separated list of host:port (port 1-65535)",
      "REDIS_SENTINEL_NAME: required with REDIS_SENTINELS (the master's name)",
      "REDIS_URL and REDIS_SENTINELS: set one of them, not both",
    ]);
    expect(problemsOf({ REDIS_SENTINELS: "s:26379", REDIS_SENTINEL_NAME: "bad name" })).toEqual([
      expect.stringMatching(/^REDIS_SENTINEL_NAME:/),
    ]);
    expect(problemsOf({ REDIS_URL: "redis://cache:6379", REDIS_SENTINEL_NAME: "m", REDIS_PASSWORD: "p" })).toEqual([
      "REDIS_SENTINEL_NAME: has no effect without REDIS_SENTINELS",
      "REDIS_PASSWORD: has no effect without REDIS_SENTINELS or REDIS_CLUSTER_NODES",
    ]);
  });

  test("REDIS_CLUSTER_NODES: a Redis Cluster, exclusive with REDIS_URL and REDIS_SENTINELS", () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: "redis-1:7000, redis-2:7001", REDIS_PASSWORD: "cluster-secret" }).redis).toEqual({
      url: undefined,
      sentinel: undefined,
      cluster: {
        nodes: [
          { host: "redis-1", port: 7000 },
          { host: "redis-2", port: 7001 },
        ],
        password: "cluster-secret",
      },
      keyPrefix: "pcs:",
    });
    expect(problemsOf({ REDIS_CLUSTER_NODES: "redis-1" })).toEqual([
      "REDIS_CLUSTER_NODES: must be a comma-separated list of host:port (port 1-65535)",
    ]);
    expect(problemsOf({ REDIS_URL: "redis://cache:6379", REDIS_CLUSTER_NODES: "r:7000" })).toEqual([
      "REDIS_URL and REDIS_CLUSTER_NODES: set one of them, not both",
    ]);
    expect(
      problemsOf({ REDIS_URL: "redis://cache:6379", REDIS_SENTINELS: "s:1", REDIS_SENTINEL_NAME: "m", REDIS_CLUSTER_NODES: "r:7000" }),
    ).toEqual(["REDIS_URL and REDIS_SENTINELS and REDIS_CLUSTER_NODES: set one of them, not all"]);
    expect(problemsOf({ REDIS_CLUSTER_NODES: "r:7000", REDIS_SENTINEL_NAME: "m" })).toEqual([
      "REDIS_SENTINEL_NAME: has no effect without REDIS_SENTINELS",
    ]);
  });

  test("HISTORY_RETENTION_DAYS: 1..36500, the interval defaults to 60 and needs the days", () => {
    expect(loadConfig({ HISTORY_RETENTION_DAYS: "1" }).historyRetention).toEqual({ days: 1, intervalMinutes: 60 });
    expect(loadConfig({ HISTORY_RETENTION_DAYS: "36500" }).historyRetention).toEqual({ days: 36_500, intervalMinutes: 60 });
    for (const days of ["0", "36501", "-1", "ten"]) {
      expect(problemsOf({ HISTORY_RETENTION_DAYS: days }), days).toEqual([expect.stringMatching(/^HISTORY_RETENTION_DAYS:/)]);
    }
    expect(problemsOf({ HISTORY_RETENTION_DAYS: "30", HISTORY_RETENTION_INTERVAL_MINUTES: "0" })).toEqual([
      expect.stringMatching(/^HISTORY_RETENTION_INTERVAL_MINUTES:/),
    ]);
    expect(problemsOf({ HISTORY_RETENTION_INTERVAL_MINUTES: "30" })).toEqual([
      "HISTORY_RETENTION_INTERVAL_MINUTES: has no effect without HISTORY_RETENTION_DAYS",
    ]);
  });

  test("the ConfigError message lists each problem on its own line", () => {
    const error = (() => {
      try {
        loadConfig({ PORT: "-1", LOG_LEVEL: "loud" });
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.message.split("\n")).toEqual([
      "Invalid configuration:",
      expect.stringMatching(/^ {2}- PORT: /),
      expect.stringMatching(/^ {2}- LOG_LEVEL: /),
    ]);
  });

  test("a malformed CONFIG_ENCRYPTION_KEYS is reported with the others, without key material", () => {
    const material = Buffer.alloc(16, 3).toString("base64");
    const problems = problemsOf({ PORT: "x", CONFIG_ENCRYPTION_KEYS: `k1:${material}` });
    expect(problems).toHaveLength(2);
    expect(problems[1]).toMatch(/^CONFIG_ENCRYPTION_KEYS: key 'k1': must be 32 bytes/);
    expect(problems.join("\n")).not.toContain(material);
  });
});

describe("scheduled backups (SPEC.md §10.4)", () => {
  test("BACKUP_DIR turns them on, every 60 minutes keeping 24 unless told otherwise", () => {
    expect(loadConfig({ BACKUP_DIR: "/backups" }).backup).toEqual({ directory: "/backups", intervalMinutes: 60, keep: 24 });
  });

  test("malformed values, and settings without BACKUP_DIR, are reported", () => {
    expect(problemsOf({ BACKUP_DIR: "/backups", BACKUP_INTERVAL_MINUTES: "0", BACKUP_KEEP: "1.5" })).toEqual([
      expect.stringMatching(/^BACKUP_INTERVAL_MINUTES: /),
      expect.stringMatching(/^BACKUP_KEEP: /),
    ]);
    expect(problemsOf({ BACKUP_KEEP: "3" })).toEqual(["BACKUP_KEEP: has no effect without BACKUP_DIR"]);
  });
});

describe("NATS publication (SPEC.md §9)", () => {
  test("NATS_URL turns it on, with the stream, start and auth settings", () => {
    expect(loadConfig({ NATS_URL: "nats://n1:4222, tls://n2:4222" }).nats).toEqual({
      servers: ["nats://n1:4222", "tls://n2:4222"],
      stream: "PROVIDER_CONFIG_EVENTS",
      publishFrom: "now",
      token: undefined,
      credsFile: undefined,
    });
    const config = loadConfig({
      NATS_URL: "nats://n1:4222",
      NATS_STREAM: "PCS_EVENTS",
      NATS_PUBLISH_FROM: "beginning",
      NATS_TOKEN: "t0ken",
      LEADER_LEASE_TTL_SECONDS: "6",
    });
    expect(config.nats).toMatchObject({ stream: "PCS_EVENTS", publishFrom: "beginning", token: "t0ken" });
    expect(config.leaderLease).toEqual({ ttlSeconds: 6 });
  });

  test("malformed NATS settings are reported with the others", () => {
    const problems = problemsOf({
      NATS_URL: "http://n1:4222",
      NATS_STREAM: "events.all",
      NATS_PUBLISH_FROM: "yesterday",
      LEADER_LEASE_TTL_SECONDS: "60",
      NATS_TOKEN: "a",
      NATS_CREDS: "/run/nats.creds",
    });
    expect(problems.map((problem) => problem.split(":")[0])).toEqual([
      "NATS_URL.0",
      "NATS_STREAM",
      "NATS_PUBLISH_FROM",
      "LEADER_LEASE_TTL_SECONDS",
      "NATS_TOKEN and NATS_CREDS",
    ]);
    expect(problemsOf({ NATS_TOKEN: "a" })).toEqual(["NATS_TOKEN: has no effect without NATS_URL"]);
    expect(problemsOf({ NATS_URL: " , " })).toHaveLength(1);
  });
});

describe("production", () => {
  test("starts with auth and encryption keys, with GraphiQL and introspection off by default", () => {
    expect(loadConfig(PRODUCTION)).toMatchObject({ production: true, graphiql: false, introspection: false });
    expect(loadConfig({ ...PRODUCTION, AUTH_JWT_SECRET: undefined, AUTH_JWKS_URL: "https://idp.example/jwks" }).production).toBe(true);
  });

  test("refuses to start without auth config", () => {
    expect(problemsOf({ ...PRODUCTION, AUTH_JWT_SECRET: undefined })).toEqual([
      "AUTH_JWT_SECRET or AUTH_JWKS_URL: one is required when NODE_ENV=production",
    ]);
  });

  test("refuses to start without CONFIG_ENCRYPTION_KEYS", () => {
    expect(problemsOf({ ...PRODUCTION, CONFIG_ENCRYPTION_KEYS: undefined })).toEqual([
      "CONFIG_ENCRYPTION_KEYS: required when NODE_ENV=production",
    ]);
  });

  test("requires exp on tokens and row-level security (SPEC.md §13)", () => {
    expect(loadConfig(PRODUCTION)).toMatchObject({ auth: { requireExp: true }, database: { requireRowLevelSecurity: true } });
  });

  test("refuses a JWKS URL that is not https", () => {
    expect(problemsOf({ ...PRODUCTION, AUTH_JWKS_URL: "http://idp.example/jwks" })).toEqual([
      "AUTH_JWKS_URL: must be an https:// URL when NODE_ENV=production",
    ]);
    expect(loadConfig({ AUTH_JWKS_URL: "http://127.0.0.1:9/jwks" }).auth.jwksUrl).toBe("http://127.0.0.1:9/jwks");
  });

  test("refuses the provider-check origin override", () => {
    expect(problemsOf({ ...PRODUCTION, PROVIDER_CHECK_ORIGIN_OVERRIDE: "https://elsewhere.example" })).toEqual([
      "PROVIDER_CHECK_ORIGIN_OVERRIDE: not allowed when NODE_ENV=production (it would send tenants' keys to another host)",
    ]);
  });

  test("reports the missing settings together with malformed variables", () => {
    const problems = problemsOf({ NODE_ENV: "production", PORT: "eighty" });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^PORT: /);
    expect(problems.slice(1).map((problem) => problem.split(":")[0])).toEqual([
      "AUTH_JWT_SECRET or AUTH_JWKS_URL",
      "CONFIG_ENCRYPTION_KEYS",
    ]);
  });
});

describe("empty variables count as unset", () => {
  test.each(["", "   "])("%j takes the default", (empty) => {
    expect(loadConfig({ PORT: empty, HOST: empty, DATABASE_URL: empty, LOG_LEVEL: empty, CACHE_TTL_SECONDS: empty })).toMatchObject({
      port: 8104,
      host: "0.0.0.0",
      database: { url: undefined },
      logLevel: "info",
      cacheTtlSeconds: 300,
    });
  });

  test("an empty secret or key list does not satisfy production", () => {
    expect(problemsOf({ NODE_ENV: "production", AUTH_JWT_SECRET: "  ", AUTH_JWKS_URL: "", CONFIG_ENCRYPTION_KEYS: "" })).toEqual([
      "AUTH_JWT_SECRET or AUTH_JWKS_URL: one is required when NODE_ENV=production",
      "CONFIG_ENCRYPTION_KEYS: required when NODE_ENV=production",
    ]);
  });
});
