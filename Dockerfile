# syntax=docker/dockerfile:1
# Provider Config Service: build with the full toolchain, run on production dependencies only, as a non-root user.
# `docker compose up` (docker-compose.yml) runs it with PostgreSQL and Redis.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so this layer is reused while only the sources change. --ignore-scripts: no dependency's
# install script is needed (Prisma's engines one would try to download binaries); the project's own postinstall,
# prisma generate (src/generated/prisma), runs explicitly through npm, which puts node_modules/.bin on PATH.
COPY package.json package-lock.json .npmrc ./
COPY scripts/prisma-generate.mjs scripts/
COPY prisma.config.ts ./
COPY prisma/ prisma/
RUN npm ci --no-audit --no-fund --ignore-scripts && npm run postinstall
COPY tsconfig.json tsconfig.build.json ./
COPY src/ src/
# tsc compiles the generated client to dist/generated/prisma; at run time it needs only @prisma/client.
RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=8104 \
    DATA_DIR=/data
WORKDIR /app
# The migrator reads prisma/migrations next to dist/ (src/infra/database/migrator.ts); package.json says "type": "module".
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules/ node_modules/
COPY --from=build /app/dist/ dist/
COPY --from=build /app/prisma/migrations/ prisma/migrations/
# DATA_DIR is only used without DATABASE_URL (embedded PGlite); the image's own files stay read-only to the service.
RUN mkdir /data && chown node:node /data
USER node
EXPOSE 8104
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
