// `npm run backup -- --out FILE`: writes a consistent snapshot of the whole database (SPEC.md §10.4; README
// "Backups") as one gzip'd file, while the service runs. Reads the service's environment (DATABASE_URL, or DATA_DIR
// for PGlite) and connects as the service's login. Prints a JSON summary on stdout; logs go to stderr.
// Exit status: 0 = written; 1 = error (no file, nor a partial one, is left behind).
import { parseArgs } from "node:util";
import { pino } from "pino";
import { ConfigError, loadConfig } from "../config.js";
import { writeBackup } from "../infra/backup/backup.js";
import { openDatabase } from "../infra/database/database.js";
import { createLogger } from "../infra/logger.js";

const USAGE = "usage: node dist/scripts/backup.js --out FILE";

class UsageError extends Error {}

function parseArguments(args: string[]): { out: string } {
  try {
    const { values } = parseArgs({ args, options: { out: { type: "string", short: "o" } }, strict: true, allowPositionals: false });
    if (!values.out) throw new UsageError(`--out FILE is required\n${USAGE}`);
    return { out: values.out };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
}

async function main(): Promise<number> {
  const { out } = parseArguments(process.argv.slice(2));
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, destination: pino.destination({ dest: 2, sync: true }) });
  const database = await openDatabase({
    url: config.database.url,
    directUrl: config.database.directUrl,
    pgbouncer: config.database.pgbouncer,
    dataDir: config.dataDir,
    poolMax: 1,
    onMigrationApplied: (name) => logger.info({ migration: name }, "migration applied"),
  });
  try {
    if (database.kind === "pglite") logger.warn("embedded PGlite: the service must not be running on this data directory meanwhile");
    const summary = await writeBackup(database, out);
    console.log(JSON.stringify(summary, null, 2));
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
    if (error instanceof ConfigError || error instanceof UsageError) console.error(error.message);
    else console.error("Backup failed:", error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
