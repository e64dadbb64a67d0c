// The text of schema.graphql. Types and fields keep the order in which the code declares them (deterministic),
// and arguments keep the contract's order; graphql's lexicographicSortSchema would sort arguments too.
import { printSchema } from "graphql";
import { buildGraphQLSchema } from "./schema.js";

const HEADER = "# Generated from the code by `npm run schema:emit`. Do not edit by hand.\n\n";

export async function renderSchema(): Promise<string> {
  return `${HEADER}${printSchema(await buildGraphQLSchema())}\n`;
}
