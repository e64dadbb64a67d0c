// Writes schema.graphql from the code; `--check` fails when the committed file is stale instead of writing it.
// Runs from dist/ so that it also proves the built resolvers load under plain Node ESM (decorator metadata and
// import cycles behave differently there than under vitest).
import "reflect-metadata";
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { renderSchema } from "../graphql/print-schema.js";
import { commandLine, runScript } from "./script-runtime.js";

const SCHEMA_FILE = fileURLToPath(new URL("../../schema.graphql", import.meta.url));
const USAGE = "usage: node dist/scripts/emit-schema.js [--check]";

async function main(): Promise<number> {
  const { values } = commandLine({ args: process.argv.slice(2), options: { check: { type: "boolean" } } }, USAGE);
  const rendered = await renderSchema();
  if (!values.check) {
    await writeFile(SCHEMA_FILE, rendered);
    console.log(`wrote ${SCHEMA_FILE}`);
    return 0;
  }
  const committed = await readFile(SCHEMA_FILE, "utf8").catch(() => "");
  if (committed !== rendered) {
    console.error("schema.graphql is stale: run `npm run schema:emit` and commit the result.");
    return 1;
  }
  console.log("schema.graphql is up to date.");
  return 0;
}

runScript(main, "Writing schema.graphql failed");
