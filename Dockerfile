# One image, two entrypoints: `agent` (DaemonSet) and `hub` (Deployment).
# The image runs a bundled, tree-shaken JS build (npm run build → dist/*.mjs): no type stripping
# at run time and no unused client code loaded, so the agent's resident memory stays small.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# The workspace manifests npm ci links (packages/*); their code is not part of the image.
COPY packages/apiserver/package.json ./packages/apiserver/
# Dev dependencies too (esbuild); install scripts fetch esbuild's platform binary.
RUN npm ci --no-audit --no-fund && npm cache clean --force
COPY build.ts build-entries.ts tsconfig.json ./
COPY lib ./lib
COPY proto ./proto
COPY agent/src ./agent/src
COPY hub/src ./hub/src
COPY sample ./sample
RUN node build.ts --out /src/dist

FROM ${NODE_IMAGE} AS runtime
# IMAGE_ENV in build-entries.ts (npm run bench starts the agent with it)
ENV NODE_ENV=production
WORKDIR /app
# The bundles carry their dependencies: no node_modules in the image.
COPY --from=build /src/dist ./dist
COPY deploy/crds ./deploy/crds
COPY docker-entrypoint.sh /usr/local/bin/kosmos
# The node image's unprivileged user (uid 1000); nothing is written to the root filesystem.
USER 1000:1000
ENTRYPOINT ["/usr/local/bin/kosmos"]
CMD ["hub"]
