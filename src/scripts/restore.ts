// `npm run restore -- FILE`: loads a backup (`npm run backup`) into an empty database — PostgreSQL by DATABASE_URL,
// else PGlite in DATA_DIR, as the service chooses (SPEC.md §10.4; README "Backups"). Migrations are applied first,
// as at service start; a non-empty database, a backup from newer code, or a corrupt or truncated file is refused
// with nothing written. Prints a JSON summary on stdout; logs go to stderr. Exit status: 0 = restored; 1 = refused
// or failed.
import { parseArgs } from "node:util";
import { pino } from "pino";
import { ConfigError, loadConfig } from "../config.js";
import { RestoreError, restoreBackup } from "../infra/backup/restore.js";
import { openDatabase } from "../infra/database/database.js";
import { readMigrations } from "../infra/database/migrator.js";
import { createLogger } from "../infra/logger.js";

const USAGE = "usage: node dist/scripts/restore.js FILE";

class UsageError extends Error {}

function parseArguments(args: string[]): { file: string } {
  try {
    const { positionals } = parseArgs({ args, options: {}, strict: true, allowPositionals: true });
    const [file, ...rest] = positionals;
    if (!file || rest.length > 0) throw new UsageError(`name exactly one backup file\n${USAGE}`);
    return { file };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
}

async function main(): Promise<number> {
  const { file } = parseArguments(process.argv.slice(2));
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, destination: pino.destination({ dest: 2, sync: true }) });
  const migrations = await readMigrations();
  const database = await openDatabase({
    url: config.database.url,
    directUrl: config.database.directUrl,
    pgbouncer: config.database.pgbouncer,
    dataDir: config.dataDir,
    poolMax: 1,
    onMigrationApplied: (name) => logger.info({ migration: name }, "migration applied"),
  });
  try {
    logger.info({ database: database.kind, file }, "restore started");
    const summary = await database.loginSession((session) =>
      restoreBackup(session, file, {
        knownMigrations: migrations.map((migration) => migration.name),
        onProgress: (message, details) => logger.info(details, message),
      }),
    );
    console.log(JSON.stringify({ database: database.kind, ...summary }, null, 2));
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof UsageError || error instanceof RestoreError) console.error(error.message);
    else console.error("Restore failed:", error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
