#!/bin/sh
# kosmos image entrypoint: `kosmos agent ...`, `kosmos hub ...` or `kosmos kosmosctl ...`.
set -e
cmd="${1:-hub}"
[ "$#" -gt 0 ] && shift
case "$cmd" in
  agent) exec node /app/agent/src/main.ts "$@" ;;
  hub) exec node /app/hub/src/main.ts "$@" ;;
  kosmosctl) exec node /app/hub/src/cli/kosmosctl.ts "$@" ;;
  sample-app) exec node /app/sample/app.ts "$@" ;;
  balancer) exec node /app/hub/src/balancer/main.ts "$@" ;;
  *) echo "usage: kosmos agent|hub|kosmosctl|balancer|sample-app [flags] (try --help)" >&2; exit 64 ;;
esac
