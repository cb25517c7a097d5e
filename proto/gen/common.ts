import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Resources as _kosmos_v1_Resources, Resources__Output as _kosmos_v1_Resources__Output } from './kosmos/v1/Resources.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  kosmos: {
    v1: {
      Resources: MessageTypeDefinition<_kosmos_v1_Resources, _kosmos_v1_Resources__Output>
    }
  }
}

