/**
 * The emulator's notion of time. Throttle windows, token expiry and audit timestamps all read
 * this, so a test can advance time instead of sleeping.
 */
export interface Clock {
  /** milliseconds since the epoch */
  now(): number;
}

export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(epochMs: number): void;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to. */
export function manualClock(start: number | string | Date = Date.now()): ManualClock {
  let t = new Date(start).getTime();
  return {
    now: () => t,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0)
        throw new RangeError('advance(ms) needs a finite, non-negative number');
      t += ms;
    },
    set(epochMs) {
      t = epochMs;
    },
  };
}

export function isManualClock(clock: Clock): clock is ManualClock {
  return typeof (clock as Partial<ManualClock>).advance === 'function';
}
