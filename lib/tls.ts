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

/** Fails fast (at start-up) on files that are missing or not what they should be. */
function checkCertificate(file: string, what: string): void {
  try {
    new X509Certificate(readPem(file, what));
  } catch (err) {
    if (err instanceof TlsConfigError) throw err;
    throw new TlsConfigError(`the ${what} ${file} is not a PEM certificate: ${(err as Error).message}`);
  }
}

function checkKey(file: string): void {
  try {
    createPrivateKey(readPem(file, 'TLS key'));
  } catch (err) {
    if (err instanceof TlsConfigError) throw err;
    throw new TlsConfigError(`the TLS key ${file} is not a PEM private key: ${(err as Error).message}`);
  }
}

/** Server credentials presenting certFile/keyFile; clients are not asked for a certificate. */
export function serverTlsCredentials(
  certFile: string,
  keyFile: string,
  refreshMs = TLS_REFRESH_MS,
): grpc.ServerCredentials {
  checkCertificate(certFile, 'TLS certificate');
  checkKey(keyFile);
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
  checkCertificate(caFile, 'CA certificate');
  const ca = new grpc.experimental.FileWatcherCertificateProvider({
    caCertificateFile: caFile,
    refreshIntervalMs: refreshMs,
  });
  return grpc.experimental.createCertificateProviderChannelCredentials(ca, null);
}
