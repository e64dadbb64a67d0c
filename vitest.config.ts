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
    // Change events become visible once every older write transaction on the PostgreSQL server has ended (SPEC.md
    // §9's watermark), and test files run in parallel against one server: a poll waits for that, not for a
    // deadline. Latency is measured by npm run bench:subscriptions, not asserted here.
    expect: { poll: { timeout: 15_000 } },
    env: { TZ: "UTC" },
  },
});
