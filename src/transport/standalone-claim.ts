import type { Redis } from "ioredis";
import { presenceOf, type SessionBus } from "./session-bus";
import type { SessionKeys } from "./session-record";

// KEYS[1] the session's hash; ARGV: this instance, the presence channel prefix, "1" to take over regardless.
// One script, so two instances claiming at once cannot both win (each ending the other's stream, for ever).
const CLAIM = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local holder = redis.call('HGET', KEYS[1], 'sh')
if holder and holder ~= ARGV[1] and ARGV[3] ~= '1' and redis.call('PUBSUB', 'NUMSUB', ARGV[2] .. holder)[2] > 0 then return 0 end
redis.call('HSET', KEYS[1], 'sh', ARGV[1])
return 1`;

const RELEASE = `
if redis.call('HGET', KEYS[1], 'sh') == ARGV[1] then redis.call('HDEL', KEYS[1], 'sh') end
return 0`;

/**
 * Which instance carries a shared session's standalone stream: the field `sh` of its record. A claim held by an
 * instance whose bus listener is gone from Redis (it died, or lost Redis) lapses at once, so a client's reconnect
 * after a crash is served by the next instance it reaches, with no timeout to wait out.
 */
export class StandaloneClaims {
  constructor(
    private readonly redis: Redis,
    private readonly keys: SessionKeys,
    private readonly bus: SessionBus,
  ) {}

  /** True: this instance carries it now, and the others were told to end theirs. False: a live one holds it. */
  async claim(sid: string, force: boolean): Promise<boolean> {
    const won = await this.redis.eval(CLAIM, 1, this.keys.hash(sid), this.bus.instance, presenceOf(this.bus.channel, ""), force ? "1" : "0");
    if (won !== 1) return false;
    await this.bus.publish({ t: "standalone", from: this.bus.instance, sid });
    return true;
  }

  /** Gives the claim up, if it is still this instance's. */
  async release(sid: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.keys.hash(sid), this.bus.instance);
  }
}
