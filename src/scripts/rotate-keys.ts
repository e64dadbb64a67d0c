// `npm run rotate-keys [-- --dry-run] [-- --batch-size N]`: re-seals every stored credential (configs and history
// snapshots) under the first key of CONFIG_ENCRYPTION_KEYS, while the service runs (README "Key rotation";
// modules/provider-config/key-rotation.ts). Reads the service's environment (loadConfig) and opens the database as
// the service does. Prints a JSON summary on stdout; logs (JSON, counts and ids only) go to stderr.
// Exit status: 0 = nothing is left under another key (the old keys can be removed); 2 = something is (a value no
// configured key opens, rows a writer kept busy, or, with --dry-run, anything not yet rotated); 1 = error.
import { KeyringError, loadKeyring } from "../infra/crypto/keyring.js";
import { SecretBox } from "../infra/crypto/secret-box.js";
import { UnitOfWork } from "../infra/database/unit-of-work.js";
import { DEFAULT_BATCH_SIZE, KeyRotationService } from "../modules/provider-config/key-rotation.js";
import { commandLine, openScriptDatabase, runScript, scriptContext, UsageError } from "./script-runtime.js";

const USAGE = "usage: node dist/scripts/rotate-keys.js [--dry-run] [--batch-size N]";
const ROWS_REMAIN = 2;

function parseArguments(args: string[]): { dryRun: boolean; batchSize: number } {
  const { values } = commandLine(
    { args, options: { "dry-run": { type: "boolean" }, "batch-size": { type: "string", default: String(DEFAULT_BATCH_SIZE) } } },
    USAGE,
  );
  const batchSize = values["batch-size"];
  if (!/^\d+$/.test(batchSize) || Number(batchSize) < 1 || Number(batchSize) > 10_000) {
    throw new UsageError(`--batch-size must be a whole number from 1 to 10000\n${USAGE}`);
  }
  return { dryRun: values["dry-run"] ?? false, batchSize: Number(batchSize) };
}

async function main(): Promise<number> {
  const { dryRun, batchSize } = parseArguments(process.argv.slice(2));
  const context = scriptContext();
  const { config, logger } = context;
  const sealer = new SecretBox(loadKeyring(config, (message) => logger.warn({ dataDir: config.dataDir }, message)));
  const database = await openScriptDatabase(context);
  try {
    if (database.kind === "pglite") logger.warn("embedded PGlite: the service must not be running on this data directory meanwhile");
    const rotation = new KeyRotationService({
      unitOfWork: new UnitOfWork(database.adapter, undefined, database.transactionRole),
      sealer,
      logger,
    });
    logger.info({ primaryKeyId: sealer.primaryKeyId, dryRun, batchSize }, "key rotation started");
    if (dryRun) {
      const count = await rotation.countRemaining();
      console.log(JSON.stringify({ dryRun: true, ...count }, null, 2));
      return count.remaining === 0 ? 0 : ROWS_REMAIN;
    }
    const report = await rotation.rotate({ batchSize });
    console.log(JSON.stringify(report, null, 2));
    if (report.remaining > 0) {
      logger.warn(
        { remaining: report.remaining, failed: report.configs.failed + report.snapshots.failed },
        "key rotation finished with values still under another key: keep the old keys, see the failures, run again",
      );
    } else logger.info("key rotation finished: every stored credential is sealed under the primary key");
    return report.remaining === 0 ? 0 : ROWS_REMAIN;
  } finally {
    await database.close();
  }
}

runScript(main, "Key rotation failed", [KeyringError]);
