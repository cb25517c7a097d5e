// The balancer sidecar's options (flags + KOSMOS_BALANCER_* env), validated, defaults in one place.
import { type ConfigValues, defineConfig } from '../../../lib/config.ts';

export const balancerConfig = defineConfig({
  name: 'kosmos-balancer',
  description:
    'Keeps an HAProxy backend weighted by the kosmos hub: polls HubStatus for one SLA, and through the ' +
    'HAProxy Runtime API sets each pod server weight, fills free server-template slots with new pods ' +
    'and drains the slots of pods that are gone.',
  envPrefix: 'KOSMOS_BALANCER',
  options: {
    hub: {
      flag: 'hub',
      type: 'string',
      default: 'kosmos-hub.kosmos-system.svc:7071',
      help: 'host:port of the hub status API (HubStatus gRPC).',
    },
    hubCaFile: {
      flag: 'hub-ca-file',
      type: 'string',
      help: 'PEM CA of the hub’s certificate: reach the status API over TLS (needed when the hub serves TLS, as deploy/ does).',
    },
    hubTokenFile: {
      flag: 'hub-token-file',
      type: 'string',
      help: 'file holding the bearer token of the hub’s status API (hub --status-token-file); sent over TLS only.',
    },
    haproxySocket: {
      flag: 'haproxy-socket',
      type: 'string',
      default: '/var/run/haproxy/admin.sock',
      help: 'HAProxy admin socket (stats socket ... level admin).',
    },
    backend: {
      flag: 'backend',
      type: 'string',
      required: true,
      help: 'HAProxy backend whose server-template slots hold the pods.',
    },
    sla: {
      flag: 'sla',
      type: 'string',
      required: true,
      help: 'ServiceLevelAgreement as <namespace>/<name>; its pods are balanced.',
    },
    port: {
      flag: 'port',
      type: 'int',
      default: 8080,
      min: 1,
      max: 65535,
      help: 'Port the pods serve traffic on.',
    },
    interval: {
      flag: 'interval',
      type: 'duration',
      default: '2s',
      min: 50,
      help: 'How often to poll the hub and sync HAProxy.',
    },
    kubeServer: {
      flag: 'kube-server',
      type: 'string',
      help: 'API server URL (else in-cluster or kubeconfig); pod IPs are read from it.',
    },
    kubeconfig: {
      flag: 'kubeconfig',
      type: 'string',
      help: 'Path to a kubeconfig (default: in-cluster when KUBERNETES_SERVICE_HOST is set, else $KUBECONFIG).',
    },
    logLevel: {
      flag: 'log-level',
      type: 'enum',
      choices: ['debug', 'info', 'warn', 'error'],
      default: 'info',
      help: 'Log level.',
    },
  },
});

export type BalancerConfig = ConfigValues<typeof balancerConfig.definition.options>;
