import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { ConfigurationError } from "../../../src";
import { clientAddressFor, forwardedHops } from "../../../src/transport/client-address";

/** Just what the resolver reads of a request: its headers and the socket's address. */
const req = (headers: Record<string, string>, remoteAddress = "127.0.0.1") => ({ headers, socket: { remoteAddress } }) as unknown as IncomingMessage;

describe("client address (trustProxy)", () => {
  it("is the socket's address when nothing is trusted, whatever the headers claim", () => {
    const address = clientAddressFor(undefined);
    assert.equal(address(req({ "x-forwarded-for": "203.0.113.1", forwarded: "for=203.0.113.2" })), "127.0.0.1");
    assert.equal(clientAddressFor(false)(req({ "x-forwarded-for": "203.0.113.1" })), "127.0.0.1");
    assert.equal(clientAddressFor(0)(req({ "x-forwarded-for": "203.0.113.1" })), "127.0.0.1");
  });

  it("trusts exactly the given hop count", () => {
    const xff = { "x-forwarded-for": "192.0.2.1, 192.0.2.2, 192.0.2.3" };
    assert.equal(clientAddressFor(1)(req(xff)), "192.0.2.3");
    assert.equal(clientAddressFor(2)(req(xff)), "192.0.2.2");
    assert.equal(clientAddressFor(9)(req(xff)), "192.0.2.1");
    assert.equal(clientAddressFor(true)(req(xff)), "192.0.2.1");
  });

  it("stops at the first untrusted address, and at the last trusted hop when the next one is not an IP", () => {
    const address = clientAddressFor("loopback, 10.0.0.0/8");
    assert.equal(address(req({ "x-forwarded-for": "192.0.2.9, 10.1.2.3" })), "192.0.2.9");
    assert.equal(address(req({ "x-forwarded-for": "192.0.2.9, 198.51.100.1, 10.1.2.3" })), "198.51.100.1");
    assert.equal(address(req({ "x-forwarded-for": "not-an-ip, 10.1.2.3" })), "10.1.2.3");
    assert.equal(address(req({ "x-forwarded-for": "192.0.2.9" }, "198.51.100.77")), "198.51.100.77");
    assert.equal(address(req({ "x-forwarded-for": "::ffff:192.0.2.44" })), "192.0.2.44");
    assert.equal(address(req({ "x-forwarded-for": "192.0.2.45:61234" })), "192.0.2.45");
  });

  it("reads RFC 7239 for= parameters, nearest hop first, quoted or not, with or without a port", () => {
    assert.deepEqual(forwardedHops(req({ forwarded: 'for=192.0.2.60;proto=http;by=203.0.113.43, For="[2001:db8:cafe::17]:4711"' })), ["[2001:db8:cafe::17]:4711", "192.0.2.60"]);
    assert.deepEqual(forwardedHops(req({ forwarded: "proto=https;host=x, for=_hidden, for=unknown" })), ["unknown", "_hidden", "unknown"]);
    assert.deepEqual(forwardedHops(req({ forwarded: 'for="192.0.2.1\\"x"' })), ["unknown"]);
    assert.deepEqual(forwardedHops(req({})), []);
    const address = clientAddressFor(["loopback"], "forwarded");
    assert.equal(address(req({ forwarded: 'for="[2001:db8:cafe::17]:4711"', "x-forwarded-for": "203.0.113.9" })), "2001:db8:cafe::17");
    assert.equal(address(req({ "x-forwarded-for": "203.0.113.9" })), "127.0.0.1");
  });

  it("keeps the elements a trusted proxy appended, whatever the client wrote before them", () => {
    assert.deepEqual(forwardedHops(req({ forwarded: 'for="6.6.6.6, for=192.0.2.7' })), ["192.0.2.7", "unknown"]);
    assert.deepEqual(forwardedHops(req({ forwarded: 'for=6.6.6.6;x=", for=192.0.2.8' })), ["192.0.2.8", "unknown"]);
  });

  it("refuses what it cannot read, at start-up", () => {
    for (const bad of [-1, 1.5, [], ["nope"], "", "10.0.0.0/99"]) assert.throws(() => clientAddressFor(bad as never), ConfigurationError, JSON.stringify(bad));
    assert.throws(() => clientAddressFor(1, "x-real-ip" as never), ConfigurationError);
  });
});
