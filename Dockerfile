# syntax=docker/dockerfile:1
# Anvil's container image (docs/operations.md, "Containers").
#
# Two stages. `build` installs every dependency and compiles the server (tsc) and the dashboard
# (Vite) into dist/. `runtime` starts again from the slim base, installs production dependencies
# only, copies dist/ in, and runs as the unprivileged `node` user. One image serves every role:
# the command picks it (`serve`, `serve --no-workers`, `worker`, `migrate`, `keys …`).
# test/deploy/dockerfile.test.ts checks this file against the CLI and the configuration.
ARG NODE_IMAGE=node:22-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# `prepare` would build before the sources are here; the build runs below instead. No dependency
# needs its install script to build (esbuild and Rollup ship their binaries as packages).
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY web ./web
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only. The one install script among them (protobufjs) checks versions
# of its command-line tools, which the server does not use.
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# The embedded database (used when DATABASE_URL is not set) lives in /data, the one writable place.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
# A container is reached from outside it, so the API binds every interface; without an API key in
# the database the server then refuses to start (docs/security.md), which is the point.
ENV ANVIL_HOST=0.0.0.0 \
    ANVIL_PORT=8080 \
    ANVIL_DATA_DIR=/data
EXPOSE 8080
# The slim base has no curl or wget: Node's own fetch asks the liveness endpoint.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.ANVIL_PORT || 8080) + '/healthz').then((response) => process.exit(response.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/cli/index.js"]
CMD ["serve"]
