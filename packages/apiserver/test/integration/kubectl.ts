// Runs the real kubectl against an embedded API server: finds the binary (1.32 on the PATH,
// kubectl.1.33 beside it), isolates its discovery cache, and returns exit code and output.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

/** The kubectl on the PATH (its real path), or undefined. */
export function findKubectl(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, 'kubectl');
    if (dir && existsSync(candidate)) return realpathSync(candidate);
  }
  return undefined;
}

/** kubectl.1.33 in the directory of the kubectl the PATH links to, or undefined. */
export function findKubectl133(): string | undefined {
  const main = findKubectl();
  const candidate = main ? join(dirname(main), 'kubectl.1.33') : undefined;
  return candidate && existsSync(candidate) ? candidate : undefined;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Kubectl {
  (args: string[], opts?: { stdin?: string }): Promise<KubectlResult>;
  binary: string;
}

export function kubectlFor(binary: string, kubeconfigPath: string): Kubectl {
  const cacheDir = mkdtempSync(join(tmpdir(), 'kubectl-cache-'));
  const run = (args: string[], opts: { stdin?: string } = {}) =>
    new Promise<KubectlResult>((resolve) => {
      const child = execFile(
        binary,
        args,
        {
          env: { ...process.env, KUBECONFIG: kubeconfigPath, KUBECACHEDIR: cacheDir },
          timeout: 20_000,
        },
        (err, stdout, stderr) => {
          const code = err ? ((err as { code?: number }).code ?? 1) : 0;
          resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
        },
      );
      if (opts.stdin !== undefined) child.stdin?.end(opts.stdin);
    });
  return Object.assign(run, { binary });
}
