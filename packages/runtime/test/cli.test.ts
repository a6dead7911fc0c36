import { describe, expect, it } from "vitest";
import { parsePort } from "../src/server.js";

describe("parsePort", () => {
  it.each([
    ["0", 0],
    ["80", 80],
    ["9099", 9099],
    ["65535", 65535],
    ["08080", 8080],
  ])("takes %j as %d", (text, port) => {
    expect(parsePort(text)).toBe(port);
  });

  it.each(["", " 80", "80 ", "0x50", "1e3", "-1", "65536", "99999", "123456", "8080.0", "http"])(
    "refuses %j",
    (text) => {
      expect(parsePort(text)).toBeUndefined();
    },
  );
});
