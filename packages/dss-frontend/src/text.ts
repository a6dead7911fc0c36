// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL_SOURCE = /[\u0000-\u001f\u007f]/;

/** Whether text contains a C0 control character or DEL. */
export function hasControlCharacters(text: string): boolean {
  return CONTROL_SOURCE.test(text);
}

/** Text without its C0 control characters and DEL. */
export function withoutControlCharacters(text: string): string {
  return text.replace(new RegExp(CONTROL_SOURCE.source, "g"), "");
}
