import { createLocalJWKSet, jwtVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { KeySet, processKeys, type SigningKey } from "../../core/keyset.js";

/*
 * KeySet.signAhead is a cache of signatures: whatever was signed ahead, in whatever order, and however
 * many were dropped unasked, `sign()` gives the token it would give without it, and a valid one.
 */

let keys: readonly SigningKey[];
beforeAll(async () => {
  keys = await processKeys("test-sign-ahead", 2, "sign-ahead.test");
});

const claimsOf = (n: number) => ({ sub: `user-${n}`, iat: 1_700_000_000 + n, exp: 1_700_003_600 + n });

describe("KeySet.signAhead", () => {
  it("never changes what sign() gives, for tokens asked for, dropped or never signed ahead", async () => {
    const reference = new KeySet(keys);
    const ahead = new KeySet(keys);
    // More than the set keeps, asked for in another order, some twice, some never signed ahead.
    for (let n = 0; n < 7; n++) ahead.signAhead(claimsOf(n), { x5t: keys[0]!.x5t });
    for (const n of [6, 0, 3, 3, 5, 1, 8, 2, 4]) {
      const header = { x5t: keys[0]!.x5t };
      const expected = await reference.sign(claimsOf(n), header);
      expect(await ahead.sign(claimsOf(n), header), `token ${n}`).toBe(expected);
    }
    const token = await ahead.sign(claimsOf(9), { x5t: keys[0]!.x5t });
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(ahead.jwks()), {
      currentDate: new Date(1_700_000_100_000),
    });
    expect(payload).toEqual(claimsOf(9));
    expect(protectedHeader).toEqual({ typ: "JWT", alg: "RS256", kid: keys[0]!.kid, x5t: keys[0]!.x5t });
  });

  it("is not taken for another header: the same claims signed ahead with other header members", async () => {
    const ahead = new KeySet(keys);
    ahead.signAhead(claimsOf(1), { x5t: keys[0]!.x5t });
    const token = await ahead.sign(claimsOf(1));
    expect(JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString())).toEqual({
      typ: "JWT",
      alg: "RS256",
      kid: keys[0]!.kid,
    });
    expect(token).toBe(await new KeySet(keys).sign(claimsOf(1)));
  });
});
