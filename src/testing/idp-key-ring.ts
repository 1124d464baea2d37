import { generateKeyPair, randomBytes, sign, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { exportJWK } from "jose";

/** Signing algorithms the test provider holds keys for. */
export type TestSigningAlgorithm = "RS256" | "ES256";

interface SigningKey {
  kid: string;
  alg: TestSigningAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
  // Not jose's JWK type: jose is ESM-only, and a CommonJS `module: node16` consumer cannot import its types.
  jwk: Record<string, unknown>;
}

const generate = promisify(generateKeyPair);
const b64url = (value: string | Buffer): string => Buffer.from(value).toString("base64url");

/** The test provider's published keys: RSA-2048 and EC P-256 pairs, newest first for signing, rotatable. */
export class IdpKeyRing {
  private readonly keys: SigningKey[] = [];
  private generation = 0;

  kids(): string[] {
    return this.keys.map((k) => k.kid);
  }

  /** The JWKS document. */
  jwks(): { keys: Record<string, unknown>[] } {
    return { keys: this.keys.map((k) => ({ ...k.jwk, kid: k.kid, alg: k.alg, use: "sig" })) };
  }

  /** The newest key for an algorithm. */
  newest(alg: TestSigningAlgorithm): SigningKey {
    for (let i = this.keys.length - 1; i >= 0; i--) if (this.keys[i].alg === alg) return this.keys[i];
    throw new Error(`TestIdentityProvider: no ${alg} key left (all retired)`);
  }

  byKid(kid: string): SigningKey {
    const key = this.keys.find((k) => k.kid === kid);
    if (!key) throw new Error(`TestIdentityProvider: no key with kid ${JSON.stringify(kid)}`);
    return key;
  }

  /** A compact JWS of `payloadText` with `header` (its `alg` and `kid` come from the key unless overridden). */
  sign(key: SigningKey, header: Record<string, unknown>, payloadText: string): string {
    const input = `${b64url(JSON.stringify({ alg: key.alg, kid: key.kid, ...header }))}.${b64url(payloadText)}`;
    const signature =
      key.alg === "ES256"
        ? sign("sha256", Buffer.from(input), { key: key.privateKey, dsaEncoding: "ieee-p1363" })
        : sign("sha256", Buffer.from(input), key.privateKey);
    return `${input}.${b64url(signature)}`;
  }

  /** Adds a new RS256 and ES256 pair; they become the default for signing, the old keys stay published. */
  async rotate(): Promise<{ RS256: string; ES256: string }> {
    const n = ++this.generation;
    const suffix = randomBytes(3).toString("hex");
    const [rsa, ec] = await Promise.all([generate("rsa", { modulusLength: 2048 }), generate("ec", { namedCurve: "P-256" })]);
    const added: SigningKey[] = [
      { kid: `rsa-${n}-${suffix}`, alg: "RS256", privateKey: rsa.privateKey, publicKey: rsa.publicKey, jwk: await exportJWK(rsa.publicKey) },
      { kid: `ec-${n}-${suffix}`, alg: "ES256", privateKey: ec.privateKey, publicKey: ec.publicKey, jwk: await exportJWK(ec.publicKey) },
    ];
    this.keys.push(...added);
    return { RS256: added[0].kid, ES256: added[1].kid };
  }

  retire(kid: string): void {
    this.keys.splice(this.keys.indexOf(this.byKid(kid)), 1);
  }
}
