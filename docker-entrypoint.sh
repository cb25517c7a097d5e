#!/bin/sh
# kosmos image entrypoint: `kosmos agent ...`, `kosmos hub ...` or `kosmos kosmosctl ...`.
# The agent runs on every node under the V8 limits npm run build wrote to dist/agent.node-options
# (AGENT_NODE_OPTIONS in build-entries.ts, what npm run bench measures); KOSMOS_AGENT_NODE_OPTIONS
# replaces them. It runs with the environment of dist/agent.env too (AGENT_ENV: glibc malloc settings).
# The hub runs under the V8 options of dist/hub.node-options (HUB_NODE_OPTIONS, what npm run bench's
# hub-plan and grpc-reports measure); KOSMOS_HUB_NODE_OPTIONS replaces them.
set -e
cmd="${1:-hub}"
[ "$#" -gt 0 ] && shift
case "$cmd" in
  agent) exec env $(cat /app/dist/agent.env) node ${KOSMOS_AGENT_NODE_OPTIONS:-$(cat /app/dist/agent.node-options)} /app/dist/agent.mjs "$@" ;;
  hub) exec node ${KOSMOS_HUB_NODE_OPTIONS:-$(cat /app/dist/hub.node-options)} /app/dist/hub.mjs "$@" ;;
  kosmosctl) exec node /app/dist/kosmosctl.mjs "$@" ;;
  sample-app) exec node /app/dist/sample-app.mjs "$@" ;;
  balancer) exec node /app/dist/balancer.mjs "$@" ;;
  *) echo "usage: kosmos agent|hub|kosmosctl|balancer|sample-app [flags] (try --help)" >&2; exit 64 ;;
esac
