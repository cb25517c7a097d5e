// One API call of a loop pass, run off the pass on the keyed work queue: skipped while the object's
// last call still runs, its failure logged and retried by a later pass.
import type { KeyedWork } from '../../../lib/keyed-work.ts';
import { logWriteFailure } from '../../../lib/kube.ts';
import type { Logger } from '../../../lib/log.ts';

export function inBackground(
  work: KeyedWork,
  log: Logger,
  key: string,
  fields: Record<string, unknown>,
  what: string,
  fn: () => Promise<unknown>,
): void {
  work.submit(key, async () => {
    try {
      await fn();
    } catch (err) {
      logWriteFailure(log, err, fields, `${what} failed; retried on a later pass`);
    }
  });
}
