import "reflect-metadata";
import { createApp } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";
import { KeyringError } from "./infra/crypto/keyring.js";

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  const url = await app.listen();
  app.logger.info({ url: `${url}/graphql` }, "provider config service listening");

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, "shutting down: draining in-flight requests");
    // Whatever still holds the event loop open after a clean stop gets a grace period, then the process ends.
    setTimeout(() => process.exit(process.exitCode ?? 1), 15_000).unref();
    app.stop().then(
      () => {
        app.logger.info("stopped");
        process.exitCode = 0;
      },
      (error: unknown) => {
        app.logger.error({ err: error instanceof Error ? error.message : String(error) }, "shutdown failed");
        process.exitCode = 1;
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  // Configuration problems are the operator's to fix: say what is wrong, without a stack trace.
  if (error instanceof ConfigError || error instanceof KeyringError) console.error(error.message);
  else console.error("Failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
