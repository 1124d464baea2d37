import { createServer } from "node:net";
import type { AddressInfo } from "node:net";

/**
 * A port the OS just handed out for 127.0.0.1, released again. For servers that take a port but never say
 * which one they bound (fastmcp's `start()` resolves to nothing); the reuse window is milliseconds.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
