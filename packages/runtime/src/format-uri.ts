/**
 * `@trustspec/runtime/format-uri`: the `uri` format's check, in an entry of its own. It is
 * ajv-formats' own check, whose module takes several milliseconds to load under Node, so only the
 * generated validators that check a `uri` import it, and `@trustspec/runtime/core` does not.
 */
import { fullFormats } from "ajv-formats/dist/formats.js";

/** `uri` (RFC 3986, absolute), ajv-formats' own check. */
export const uriFormat = fullFormats.uri as (text: string) => boolean;
