// Header values that come from data (the sender's display name, the subject, which carries the
// application's name) must not be able to start a new header line. Names with control characters
// are refused outright; values outside printable ASCII travel as RFC 2047 encoded-words, so a CR
// or LF inside them is inert.
import { DeliveryError } from "./provider";

const CONTROL = /[\u0000-\u001f\u007f]/;
const PRINTABLE_ASCII = /^[\u0020-\u007e]*$/;

export function displayName(name: string): string {
  if (CONTROL.test(name)) throw new DeliveryError("invalid_sender_name", true);
  return name;
}

export function recipientAddress(address: string): string {
  if (CONTROL.test(address) || /[\s<>,"]/.test(address)) throw new DeliveryError("invalid_recipient", true);
  return address;
}

/** RFC 2047 B-encoding, in words of at most 75 characters, never splitting a character. */
export function headerValue(value: string): string {
  if (PRINTABLE_ASCII.test(value)) return value;
  const words: string[] = [];
  let chunk = "";
  for (const ch of value) {
    if (utf8Length(chunk + ch) > 45) {
      words.push(encodedWord(chunk));
      chunk = "";
    }
    chunk += ch;
  }
  if (chunk) words.push(encodedWord(chunk));
  return words.join(" ");
}

/** `"Name" <address>`, the name quoted or encoded. */
export function mailbox(name: string, address: string): string {
  const n = displayName(name);
  const phrase = PRINTABLE_ASCII.test(n) ? `"${n.replace(/["\\]/g, (c) => `\\${c}`)}"` : headerValue(n);
  return `${phrase} <${address}>`;
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

function encodedWord(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return `=?UTF-8?B?${btoa(binary)}?=`;
}
