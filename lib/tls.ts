// TLS for the agent ↔ hub stream: credentials from PEM files that are re-read periodically, so a
// rotated certificate (cert-manager, a renewed Secret) is picked up without a restart.

import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';

/** How often the PEM files are re-read. */
export const TLS_REFRESH_MS = 60_000;

export class TlsConfigError extends Error {}

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new TlsConfigError(`cannot read the ${what} ${file}: ${(err as Error).message}`);
  }
}

/** Fails fast (at start-up) on a file that is missing or does not parse as `what` (a PEM `kind`). */
function checkPem(file: string, what: string, kind: string, parse: (pem: Buffer) => unknown): void {
  const pem = readPem(file, what);
  try {
    parse(pem);
  } catch (err) {
    throw new TlsConfigError(`the ${what} ${file} is not a PEM ${kind}: ${(err as Error).message}`);
  }
}

const certificate = (pem: Buffer) => new X509Certificate(pem);

/** Server credentials presenting certFile/keyFile; clients are not asked for a certificate. */
export function serverTlsCredentials(
  certFile: string,
  keyFile: string,
  refreshMs = TLS_REFRESH_MS,
): grpc.ServerCredentials {
  checkPem(certFile, 'TLS certificate', 'certificate', certificate);
  checkPem(keyFile, 'TLS key', 'private key', createPrivateKey);
  const identity = new grpc.experimental.FileWatcherCertificateProvider({
    certificateFile: certFile,
    privateKeyFile: keyFile,
    refreshIntervalMs: refreshMs,
  });
  // grpc-js (1.14) forwards this factory's first argument as the server's identity provider and the
  // second as the CA for client certificates (none here); test/unit/lib/tls.test.ts holds it to that.
  return grpc.experimental.createCertificateProviderServerCredentials(identity, null, false);
}

/** Channel credentials that verify the server against the CA in caFile. */
export function channelTlsCredentials(caFile: string, refreshMs = TLS_REFRESH_MS): grpc.ChannelCredentials {
  checkPem(caFile, 'CA certificate', 'certificate', certificate);
  const ca = new grpc.experimental.FileWatcherCertificateProvider({
    caCertificateFile: caFile,
    refreshIntervalMs: refreshMs,
  });
  return grpc.experimental.createCertificateProviderChannelCredentials(ca, null);
}
