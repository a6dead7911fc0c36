/**
 * UTF-8 bytes of a text: Node's `Buffer` where there is one (several times faster than
 * `TextEncoder` for answers of a few kilobytes, and `node:http` writes it as it is), `TextEncoder`
 * elsewhere (a browser or a service worker running the mocks).
 */
export const utf8: (text: string) => Uint8Array =
  typeof globalThis.Buffer === "function"
    ? (text) => globalThis.Buffer.from(text, "utf8")
    : (
        (encoder) => (text: string) =>
          encoder.encode(text)
      )(new TextEncoder());
