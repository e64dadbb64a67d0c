// `npm run backup -- --out FILE`: writes a consistent snapshot of the whole database (SPEC.md §10.4; README
// "Backups") as one gzip'd file, while the service runs. Reads the service's environment (DATABASE_URL, or DATA_DIR
// for PGlite) and connects as the service's login. Prints a JSON summary on stdout; logs go to stderr.
// Exit status: 0 = written; 1 = error (no file, nor a partial one, is left behind).
import { writeBackup } from "../infra/backup/backup.js";
import { commandLine, openScriptDatabase, runScript, scriptContext, UsageError } from "./script-runtime.js";

const USAGE = "usage: node dist/scripts/backup.js --out FILE";

function parseArguments(args: string[]): { out: string } {
  const { values } = commandLine({ args, options: { out: { type: "string", short: "o" } } }, USAGE);
  if (!values.out) throw new UsageError(`--out FILE is required\n${USAGE}`);
  return { out: values.out };
}

async function main(): Promise<number> {
  const { out } = parseArguments(process.argv.slice(2));
  const context = scriptContext();
  const { logger } = context;
  const database = await openScriptDatabase(context);
  try {
    if (database.kind === "pglite") logger.warn("embedded PGlite: the service must not be running on this data directory meanwhile");
    const summary = await writeBackup(database, out);
    console.log(JSON.stringify(summary, null, 2));
    return 0;
  } finally {
    await database.close();
  }
}

runScript(main, "Backup failed");
