let lastStamp = 0;

/**
 * A last-use score for the principal's session set: sub-millisecond and strictly increasing in this process, so
 * sessions opened or used within one millisecond still rank (a Redis score is a double: microseconds fit).
 */
export function useStamp(): number {
  const now = performance.timeOrigin + performance.now();
  lastStamp = now > lastStamp ? now : lastStamp + 0.001;
  return lastStamp;
}
