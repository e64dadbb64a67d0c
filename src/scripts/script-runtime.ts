// What the operator commands (rotate-keys, backup, restore) share: the service's environment, a logger on stderr
// (stdout carries the command's JSON summary), the database opened as the service opens it, and one way to end.
import { type ParseArgsConfig, parseArgs } from "node:util";
import { pino } from "pino";
import { type AppConfig, ConfigError, loadConfig } from "../config.js";
import { type Database, openDatabase } from "../infra/database/database.js";
import { createLogger, type Logger } from "../infra/logger.js";

/** A mistake in the command line: printed with the usage, without a stack trace. */
export class UsageError extends Error {}

/** node:util parseArgs (strict by default), its complaints turned into UsageErrors that end with `usage`. */
export function commandLine<T extends ParseArgsConfig>(config: T, usage: string): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`);
  }
}

export interface ScriptContext {
  config: AppConfig;
  logger: Logger;
}

export function scriptContext(): ScriptContext {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, destination: pino.destination({ dest: 2, sync: true }) });
  return { config, logger };
}

/** The database by DATABASE_URL (PostgreSQL) or DATA_DIR (PGlite), migrated, as the service opens it. */
export function openScriptDatabase({ config, logger }: ScriptContext): Promise<Database> {
  return openDatabase({
    url: config.database.url,
    directUrl: config.database.directUrl,
    pgbouncer: config.database.pgbouncer,
    dataDir: config.dataDir,
    poolMax: 2,
    onMigrationApplied: (name) => logger.info({ migration: name }, "migration applied"),
    onPoolError: (error) => logger.warn({ err: { message: error.message } }, "idle database connection failed"),
  });
}

/**
 * Runs `main` and sets the exit status it returns; on an error, status 1. Errors of the `operatorErrors` classes
 * (and configuration and usage problems) are the operator's to fix: their message alone, no stack trace.
 */
export function runScript(
  main: () => Promise<number>,
  failure: string,
  operatorErrors: ReadonlyArray<abstract new (...args: never[]) => Error> = [],
): void {
  main().then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      const known = [ConfigError, UsageError, ...operatorErrors].some((type) => error instanceof type);
      if (known) console.error((error as Error).message);
      else console.error(`${failure}:`, error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
