import { defineConfig } from "vitest/config";

export default defineConfig({
  // Vite 8 transforms TypeScript with oxc, which emits the decorator metadata type-graphql reads.
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  // One graphql copy: Vite would otherwise load index.mjs next to Node's CJS index.js ("another realm").
  resolve: { alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }] },
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    setupFiles: ["reflect-metadata"],
    globalSetup: ["test/global-setup.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { TZ: "UTC" },
  },
});
