# syntax=docker/dockerfile:1
# Waymark: a multi-stage image. The build stage installs everything and builds the web app;
# the runtime stage has production dependencies, the built app and the sources (TypeScript
# runs directly on Node 24), and runs as the unprivileged `node` user.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY src ./src
COPY vite.config.ts tsconfig.json ./
# npm ci runs the postinstall step: the web app into dist/web (and a PGlite template).
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    WAYMARK_DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node bin ./bin
COPY --chown=node:node src/server ./src/server
COPY --chown=node:node src/cli ./src/cli
COPY --chown=node:node content ./content
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--import", "./src/server/preload.ts", "src/server/main.ts"]
