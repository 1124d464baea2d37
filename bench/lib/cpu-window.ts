import { performance } from "node:perf_hooks";
import { machineBusyMicros, ownCpuMicros } from "./machine";

/** A span of wall time over which the CPU used by processes other than the server and this one is measured. */
export interface CpuWindow {
  /**
   * Ends the window given the server's CPU during it (microseconds) and answers the cores other processes kept
   * busy meanwhile (other people's builds and tests): anything well above zero skews the figures.
   */
  close(serverCpuMicros: number): number;
}

export function openCpuWindow(): CpuWindow {
  const [busy0, own0, wall0] = [machineBusyMicros(), ownCpuMicros(), performance.now()];
  return {
    close(serverCpuMicros) {
      const [busy1, own1, wall1] = [machineBusyMicros(), ownCpuMicros(), performance.now()];
      const others = busy1 - busy0 - (own1 - own0) - serverCpuMicros;
      return Math.max(0, others) / ((wall1 - wall0) * 1000);
    },
  };
}
