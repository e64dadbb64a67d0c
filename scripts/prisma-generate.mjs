#!/usr/bin/env node
// `prisma generate` never runs the schema engine, but Prisma's CLI checks for (and otherwise downloads) one at
// start-up. Where no engine can be downloaded, any executable satisfies that check; a configured one wins.
import { spawnSync } from "node:child_process";

const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath };
const result = spawnSync("prisma", ["generate"], { stdio: "inherit", env, shell: process.platform === "win32" });
process.exit(result.status ?? 1);
