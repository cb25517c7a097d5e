// deploy/rbac's ServiceAccounts, roles and bindings in an embedded API server, and the users the hub
// and agent act as under them: tests that run with RBAC authorization and the deploy's identities.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { ApiServer } from '../../packages/apiserver/index.ts';

export const DEPLOY_DIR = new URL('../../deploy/', import.meta.url).pathname;
export const HUB_USER = 'system:serviceaccount:kosmos-system:kosmos-hub';
export const AGENT_USER = 'system:serviceaccount:kosmos-system:kosmos-agent';

/** deploy/rbac's objects stored in the server (in kosmos-system, which must exist). */
export function installRbac(server: ApiServer): void {
  for (const file of ['rbac/hub.yaml', 'rbac/agent.yaml']) {
    for (const doc of parseAllDocuments(readFileSync(DEPLOY_DIR + file, 'utf8'))) {
      const obj = doc.toJS();
      const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
      server.api.create(server.resource(group, `${obj.kind.toLowerCase()}s`), obj);
    }
  }
}
