// autocannon ships no types; this declares only the part of its programmatic API the bench uses.
declare module "autocannon" {
  namespace autocannon {
    interface Histogram {
      average: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      p50: number;
      p90: number;
      p97_5: number;
      p99: number;
    }
    interface Options {
      url: string;
      method?: "POST" | "GET";
      connections?: number;
      /** Seconds. */
      duration?: number;
      /** Stop after this many requests instead of after `duration`. */
      amount?: number;
      headers?: Record<string, string>;
      body?: string;
      /** Replace every `[<id>]` in the body with one fresh id per request. */
      idReplacement?: boolean;
      /** A falsy answer counts the response in `mismatches`. */
      verifyBody?: (body: string) => boolean;
      /** Seconds before a request counts as a timeout. */
      timeout?: number;
    }
    interface Result {
      /** Seconds. */
      duration: number;
      errors: number;
      timeouts: number;
      mismatches: number;
      non2xx: number;
      statusCodeStats: Record<string, { count: number }>;
      /** Milliseconds. */
      latency: Histogram;
      /** Per-second samples; `total` is the number of completed requests. */
      requests: Histogram & { sent: number };
    }
    interface Instance extends PromiseLike<Result> {
      stop(): void;
    }
  }
  function autocannon(options: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
