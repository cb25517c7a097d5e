// The report decoder (report-decode.ts) checked once against the contract as loaded: its field numbers
// and types, so a change to agenthub.proto that it does not follow stops the hub at
// start-up instead of misreading reports.
import { kosmosPackageDefinition } from '../../../lib/grpc/proto.ts';
import { checkDecodedFields, ReportDecoder } from './report-decode.ts';

interface Descriptor {
  field?: Array<{ name: string; number: number; type: string }>;
}

function descriptor(name: string): Descriptor | undefined {
  const def = kosmosPackageDefinition()[name] as { type?: Descriptor } | undefined;
  return def?.type;
}

let checked = false;

/** A report decoder, once the decoder's tables are checked against the loaded contract. */
export function checkedReportDecoder(): ReportDecoder {
  if (!checked) {
    checkDecodedFields((message) => {
      const fields = descriptor(message)?.field;
      return fields && new Map(fields.map((f) => [f.name, { number: f.number, type: f.type }]));
    });
    checked = true;
  }
  return new ReportDecoder();
}
