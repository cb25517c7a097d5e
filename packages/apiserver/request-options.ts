// Query options of a write or read (dryRun, fieldValidation, fieldManager, force,
// resourceVersionMatch), parsed and checked as the real server's handlers do: an unsupported
// value is a 422 on CreateOptions/UpdateOptions/PatchOptions/DeleteOptions/ListOptions.
import { ApiError, CauseReason, type StatusCause } from './errors.ts';

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';
export type OptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' | 'DeleteOptions';

export interface WriteQuery {
  dryRun: boolean;
  /** The server's default is Warn (kubectl sends Strict unless --validate=false/warn). */
  fieldValidation: FieldValidation;
  fieldManager?: string;
  force: boolean;
}

const FIELD_VALIDATIONS: FieldValidation[] = ['Ignore', 'Warn', 'Strict'];
/** apimachinery's FieldManagerMaxLength. */
const FIELD_MANAGER_MAX = 128;

function optionsInvalid(kind: string, causes: StatusCause[]): ApiError {
  const list = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
  return new ApiError(
    422,
    'Invalid',
    `${kind}.meta.k8s.io "" is invalid: ${causes.length === 1 ? list : `[${list}]`}`,
    {
      group: 'meta.k8s.io',
      kind,
      causes,
    },
  );
}

/** Parse and validate the options of a create/update/patch/delete (422 on bad values). */
export function writeQuery(kind: OptionsKind, query: URLSearchParams, isApply = false): WriteQuery {
  const causes: StatusCause[] = [];
  const dryRuns = query.getAll('dryRun');
  if (dryRuns.some((d) => d !== 'All')) {
    causes.push({
      field: 'dryRun',
      reason: CauseReason.NotSupported,
      message: `Unsupported value: ${JSON.stringify(dryRuns)}: supported values: "All"`,
    });
  }
  const fv = query.get('fieldValidation') ?? '';
  if (kind !== 'DeleteOptions' && fv !== '' && !FIELD_VALIDATIONS.includes(fv as FieldValidation)) {
    causes.push({
      field: 'fieldValidation',
      reason: CauseReason.NotSupported,
      message: `Unsupported value: "${fv}": supported values: "Ignore", "Strict", "Warn"`,
    });
  }
  const fieldManager = query.get('fieldManager') ?? undefined;
  if (fieldManager !== undefined && fieldManager.length > FIELD_MANAGER_MAX) {
    causes.push({
      field: 'fieldManager',
      reason: CauseReason.TooLong,
      message: `Too long: may not be more than ${FIELD_MANAGER_MAX} bytes`,
    });
  }
  if (isApply && !fieldManager) {
    causes.push({
      field: 'fieldManager',
      reason: CauseReason.Required,
      message: 'Required value: is required for apply patch',
    });
  }
  const forceParam = query.get('force');
  const force = forceParam === 'true';
  if (forceParam !== null && kind === 'PatchOptions' && !isApply && force) {
    causes.push({
      field: 'force',
      reason: CauseReason.Forbidden,
      message: 'Forbidden: may not be specified for non-apply patch',
    });
  }
  if (causes.length > 0) throw optionsInvalid(kind, causes);
  return {
    dryRun: dryRuns.length > 0,
    fieldValidation: (fv || 'Warn') as FieldValidation,
    fieldManager,
    force,
  };
}

export type RvMatch = 'Exact' | 'NotOlderThan' | undefined;

export interface ListQuery {
  resourceVersion?: string;
  resourceVersionMatch: RvMatch;
  limit: number;
  continueToken?: string;
}

/** Parse and validate the options of a list (422 on bad combinations, as ValidateListOptions). */
export function listQuery(query: URLSearchParams): ListQuery {
  const rv = query.get('resourceVersion') ?? undefined;
  const match = query.get('resourceVersionMatch') ?? '';
  const limitParam = query.get('limit');
  const limit = limitParam === null || limitParam === '' ? 0 : Number(limitParam);
  const continueToken = query.get('continue') || undefined;
  const causes: StatusCause[] = [];
  if (!Number.isInteger(limit) || limit < 0) {
    throw new ApiError(400, 'BadRequest', `invalid value for limit: ${limitParam}`);
  }
  if (match !== '') {
    if (match !== 'Exact' && match !== 'NotOlderThan') {
      causes.push({
        field: 'resourceVersionMatch',
        reason: CauseReason.NotSupported,
        message: `Unsupported value: "${match}": supported values: "Exact", "NotOlderThan", ""`,
      });
    } else if (!rv) {
      causes.push({
        field: 'resourceVersionMatch',
        reason: CauseReason.Forbidden,
        message: 'Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
      });
    } else if (continueToken) {
      causes.push({
        field: 'resourceVersionMatch',
        reason: CauseReason.Forbidden,
        message: 'Forbidden: resourceVersionMatch is forbidden when continue is provided',
      });
    } else if (match === 'Exact' && rv === '0') {
      causes.push({
        field: 'resourceVersionMatch',
        reason: CauseReason.Forbidden,
        message: 'Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
      });
    }
  }
  if (causes.length > 0) throw optionsInvalid('ListOptions', causes);
  if (continueToken && rv && rv !== '0') {
    throw new ApiError(400, 'BadRequest', 'specifying resource version is not allowed when using continue');
  }
  return { resourceVersion: rv, resourceVersionMatch: (match || undefined) as RvMatch, limit, continueToken };
}

/** A resourceVersion query value as a number (400 when it is not one). */
export function parseResourceVersion(rv: string): number {
  const n = Number(rv);
  if (!/^\d+$/.test(rv) || !Number.isSafeInteger(n)) {
    throw new ApiError(400, 'BadRequest', `invalid resource version "${rv}"`);
  }
  return n;
}

/** 504 Timeout: the server has not reached the requested resourceVersion (etcd3 "too large"). */
export function tooLargeResourceVersion(requested: number, current: number): ApiError {
  return new ApiError(
    504,
    'Timeout',
    `Timeout: Too large resource version: ${requested}, current: ${current}`,
    {
      causes: [
        {
          reason: 'ResourceVersionTooLarge',
          message: `Too large resource version`,
          field: '',
        },
      ],
      retryAfterSeconds: 1,
    },
  );
}
