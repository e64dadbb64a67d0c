// Prisma CLI configuration. DATABASE_URL is read directly (not with prisma/config's env()), because env()
// throws when the variable is unset, even for `prisma generate`, which needs no database.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/provider_config_dev" },
});
