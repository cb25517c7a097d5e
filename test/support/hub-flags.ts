// Hub flags every in-process test hub shares: every port picked by the OS, loopback only.
export const LOOPBACK_HUB_FLAGS: readonly string[] = [
  '--grpc-port=0',
  '--status-port=0',
  '--metrics-port=0',
  '--bind-address=127.0.0.1',
];
