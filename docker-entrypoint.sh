#!/bin/sh
# kosmos image entrypoint: `kosmos agent ...`, `kosmos hub ...` or `kosmos kosmosctl ...`.
# The agent runs on every node: V8's young generation is held to 1 MiB semi-spaces and the old
# generation to 64 MiB (measured with npm run bench -- --only resize-latency --agent-bundle);
# KOSMOS_AGENT_NODE_OPTIONS replaces these limits.
set -e
cmd="${1:-hub}"
[ "$#" -gt 0 ] && shift
case "$cmd" in
  agent) exec node ${KOSMOS_AGENT_NODE_OPTIONS:---max-semi-space-size=1 --max-old-space-size=64} /app/dist/agent.mjs "$@" ;;
  hub) exec node /app/dist/hub.mjs "$@" ;;
  kosmosctl) exec node /app/dist/kosmosctl.mjs "$@" ;;
  sample-app) exec node /app/dist/sample-app.mjs "$@" ;;
  balancer) exec node /app/dist/balancer.mjs "$@" ;;
  *) echo "usage: kosmos agent|hub|kosmosctl|balancer|sample-app [flags] (try --help)" >&2; exit 64 ;;
esac
