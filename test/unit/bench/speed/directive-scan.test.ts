import { describe, expect, it } from 'vitest';
import { scanHubMessage } from '../../../../bench/speed/directive-scan.ts';
import { kosmosProto } from '../../../../lib/grpc/proto.ts';

describe('scanHubMessage', () => {
  const connect = kosmosProto().kosmos.v1.AgentHub.service.Connect;

  it('reads a welcome', () => {
    const bytes = connect.responseSerialize({
      welcome: { protocolVersion: 1, hubId: 'h', tickPeriodMs: 1000 },
    });
    expect(scanHubMessage(bytes)).toEqual({ welcome: true });
  });

  it.each([0, 1, 127, 128, 300_000])('reads in_reply_to %s and the pod count of a directive', (inReplyTo) => {
    const pods = ['a', 'b', 'c'].map((uid) => ({
      uid,
      name: `pod-${uid}`,
      desired: { cpuMilli: 500, memoryBytes: 256 * 1024 * 1024 },
      priority: 1.5,
    }));
    const bytes = connect.responseSerialize({
      directive: {
        nodeName: 'n1',
        inReplyTo,
        pods,
        policy: 'ARBITRATION_POLICY_MINIMUM_FIRST',
        tickPeriodMs: 1000,
      },
    });
    expect(scanHubMessage(bytes)).toEqual({ welcome: false, directive: { inReplyTo, pods: 3 } });
  });
});
