import { describe, expect, test } from 'vitest';
import { type EmailRollup, emailNote } from './delivery-log.ts';

const rollup = (over: Partial<EmailRollup>): EmailRollup => ({
  messages: 1,
  sent: 0,
  failed: 0,
  failedDetail: null,
  waitingDetail: null,
  ...over,
});

describe('what the delivery log says of an email', () => {
  test.each<[Partial<EmailRollup>, string | null]>([
    [{ messages: 0 }, null],
    [{}, 'waiting to be sent'],
    [{ waitingDetail: 'delivery not configured' }, 'waiting to be sent (delivery not configured)'],
    [{ sent: 1 }, null],
    [{ messages: 3, sent: 3 }, null],
    [{ messages: 3, sent: 2 }, '2 of 3 sent'],
    [
      { messages: 2, sent: 0, waitingDetail: 'delivery not configured' },
      '0 of 2 sent (delivery not configured)',
    ],
    [
      { failed: 1, failedDetail: 'soc@msp.test: 550 mailbox unavailable' },
      'not sent: soc@msp.test: 550 mailbox unavailable',
    ],
    [
      { messages: 3, sent: 2, failed: 1, failedDetail: 'b@x.test: expired' },
      '1 of 3 not sent: b@x.test: expired',
    ],
    [{ messages: 2, failed: 2 }, '2 of 2 not sent'],
  ])('%o reads %s', (over, want) => {
    expect(emailNote(rollup(over))).toBe(want);
  });
});
