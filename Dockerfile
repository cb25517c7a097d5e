# One image, two entrypoints: `agent` (DaemonSet) and `hub` (Deployment).
# Node 24 runs the TypeScript sources directly (type stripping); no build step.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only; the `node` devDependency (the pinned runtime) is not needed here.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NODE_OPTIONS=--disable-warning=ExperimentalWarning
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY lib ./lib
COPY proto ./proto
COPY agent/src ./agent/src
COPY hub/src ./hub/src
COPY sample ./sample
COPY deploy/crds ./deploy/crds
COPY docker-entrypoint.sh /usr/local/bin/kosmos
# The node image's unprivileged user (uid 1000); nothing is written to the root filesystem.
USER 1000:1000
ENTRYPOINT ["/usr/local/bin/kosmos"]
CMD ["hub"]
