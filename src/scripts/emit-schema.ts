// Writes schema.graphql from the code (sorted, so diffs stay readable). `--check` fails when the committed file
// is stale instead of writing it. Runs from dist/ so that it also proves the built resolvers load under plain
// Node ESM (decorator metadata and import cycles behave differently there than under vitest).
import "reflect-metadata";
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { lexicographicSortSchema, printSchema } from "graphql";
import { buildGraphQLSchema } from "../graphql/schema.js";

const SCHEMA_FILE = fileURLToPath(new URL("../../schema.graphql", import.meta.url));
const HEADER = "# Generated from the code by `npm run schema:emit`. Do not edit by hand.\n\n";

export async function renderSchema(): Promise<string> {
  return `${HEADER}${printSchema(lexicographicSortSchema(await buildGraphQLSchema()))}\n`;
}

async function main(): Promise<void> {
  const rendered = await renderSchema();
  if (process.argv.includes("--check")) {
    const committed = await readFile(SCHEMA_FILE, "utf8").catch(() => "");
    if (committed !== rendered) {
      console.error("schema.graphql is stale: run `npm run schema:emit` and commit the result.");
      process.exit(1);
    }
    console.log("schema.graphql is up to date.");
    return;
  }
  await writeFile(SCHEMA_FILE, rendered);
  console.log(`wrote ${SCHEMA_FILE}`);
}

await main();
