// `npm run restore -- FILE`: loads a backup (`npm run backup`) into an empty database — PostgreSQL by DATABASE_URL,
// else PGlite in DATA_DIR, as the service chooses (SPEC.md §10.4; README "Backups"). Migrations are applied first,
// as at service start; a non-empty database, a backup from newer code, or a corrupt or truncated file is refused
// with nothing written. Prints a JSON summary on stdout; logs go to stderr. Exit status: 0 = restored; 1 = refused
// or failed.
import { RestoreError, restoreBackup } from "../infra/backup/restore.js";
import { readMigrations } from "../infra/database/migrator.js";
import { commandLine, openScriptDatabase, runScript, scriptContext, UsageError } from "./script-runtime.js";

const USAGE = "usage: node dist/scripts/restore.js FILE";

function parseArguments(args: string[]): { file: string } {
  const [file, ...rest] = commandLine({ args, allowPositionals: true }, USAGE).positionals;
  if (!file || rest.length > 0) throw new UsageError(`name exactly one backup file\n${USAGE}`);
  return { file };
}

async function main(): Promise<number> {
  const { file } = parseArguments(process.argv.slice(2));
  const context = scriptContext();
  const { logger } = context;
  const migrations = await readMigrations();
  const database = await openScriptDatabase(context);
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

runScript(main, "Restore failed", [RestoreError]);
