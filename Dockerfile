# syntax=docker/dockerfile:1
# entropic: a live node (libp2p, LevelDB ledger, HTTP API) in a container.
#   docker build -t entropic .
#   docker run --rm -v entropic-data:/data -p 4001:4001 -p 127.0.0.1:8080:8080 entropic
# deploy/compose.yaml runs a 4-node devnet with Prometheus and Grafana (deploy/README.md).

# ---- build: all dependencies, compile TypeScript and the dashboard page, then drop dev deps
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are here; classic-level (the
# one native dependency) loads its bundled prebuilt binary without its install script.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY web ./web
COPY scenarios ./scenarios
RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# ---- runtime: Node 20, production dependencies and dist/ only, not root
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/web/dist ./web/dist
COPY --from=build /src/scenarios ./scenarios
# The node's folder (key file, ledger): owned by the image's unprivileged `node` user (uid
# 1000) before the VOLUME line, so a fresh named volume inherits that owner.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
# 4001: libp2p (TCP); 8080: HTTP API (/v1/health, /v1/metrics, ...)
EXPOSE 4001 8080
# Node 20 has fetch; the slim image has no curl. Checks the API on port 8080 (the CMD's
# --api): give --api another port and override HEALTHCHECK too.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/v1/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
# A single node reachable from other hosts; add --announce /ip4/PUBLIC_IP/tcp/4001 (or
# /dns4/NAME/tcp/4001) and --bootstrap addresses of its peers.
CMD ["node", "--data", "/data", "--listen", "/ip4/0.0.0.0/tcp/4001", "--api-host", "0.0.0.0", "--api", "8080"]
