// Reading HAProxy's answers (texts captured from HAProxy 2.6) and writing its Runtime API commands.
import { describe, expect, it } from 'vitest';
import { commandLine, isSuccess, parseServerSlots } from '../../../../hub/src/balancer/haproxy-runtime.ts';

const SERVERS_STATE = `1
# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port
3 pods 1 pod1 127.0.0.1 2 4 200 1 278 6 3 4 6 0 0 0 - 18081 - 0 0 - - 0
3 pods 2 pod2 127.0.0.1 0 12 1 1 0 8 2 0 6 0 0 0 - 1 - 0 0 - - 0
3 pods 3 pod3 127.0.0.1 0 5 1 1 326 1 0 0 14 0 0 0 - 1 - 0 0 - - 0
`;

const STAT = `# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight
pods,pod1,1,0,4,1,,1,82,495,,0,,0,0,0,0,UP,200
pods,pod2,0,0,2,0,,0,0,0,,0,,0,0,0,0,DOWN,1
pods,pod3,0,0,0,0,,0,0,0,,0,,0,0,0,0,MAINT,1
other,pod1,0,0,9,0,,0,0,0,,0,,0,0,0,0,UP,1
`;

describe('parseServerSlots', () => {
  it('reads address, port, weight, admin state and in-flight requests of each slot of the backend', () => {
    expect(parseServerSlots('pods', SERVERS_STATE, STAT)).toEqual([
      { name: 'pod1', address: '127.0.0.1', port: 18081, state: 'active', weight: 200, inFlight: 5 },
      // admin 12 = config-disabled (sticky) + forced drain: draining even though its checks fail
      { name: 'pod2', address: '127.0.0.1', port: 1, state: 'draining', weight: 1, inFlight: 2 },
      { name: 'pod3', address: '127.0.0.1', port: 1, state: 'maint', weight: 1, inFlight: 0 },
    ]);
  });

  it('knows no slots of another backend', () => {
    expect(parseServerSlots('missing', SERVERS_STATE, STAT)).toEqual([]);
  });
});

describe('commandLine and isSuccess', () => {
  it.each([
    [
      { op: 'addr', server: 'pod1', address: '10.1.2.3', port: 8080 },
      'set server web/pod1 addr 10.1.2.3 port 8080',
    ],
    [{ op: 'weight', server: 'pod1', weight: 128 }, 'set server web/pod1 weight 128'],
    [{ op: 'state', server: 'pod2', state: 'drain' }, 'set server web/pod2 state drain'],
  ] as const)('%j → %s', (cmd, line) => {
    expect(commandLine('web', cmd)).toBe(line);
  });

  it.each([
    ['set server web/pod1 weight 10', '\n', true],
    ['set server web/pod1 weight 10', 'No such server.\n', false],
    [
      'set server web/pod1 addr 10.0.0.1 port 80',
      "IP changed from '127.0.0.1' to '10.0.0.1' by 'stats socket command'\n",
      true,
    ],
    [
      'set server web/pod1 addr 127.0.0.1 port 80',
      "no need to change the addr, port changed from '1' to '80' by 'stats socket command'\n",
      true,
    ],
    ['set server web/pod1 addr x port 80', 'Invalid addr.\n', false],
  ])('%s answered %j is success=%s', (line, response, ok) => {
    expect(isSuccess(line, response)).toBe(ok);
  });
});
