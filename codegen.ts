// Typed documents for the operations the integration tests send (test/operations/*.graphql), generated from the
// committed schema.graphql into test/generated/. `npm run codegen` regenerates; CI runs `npm run codegen:check`.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: ["test/operations/**/*.graphql"],
  // Otherwise gql.ts and index.ts import "./graphql" without ".js", which NodeNext rejects (TS2835).
  emitLegacyCommonJSImports: false,
  generates: {
    "test/generated/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: { DateTime: "string", JSON: "unknown", JSONObject: "Record<string, unknown>", UUID: "string" },
      },
    },
  },
};

export default config;
