// Header values built from data cannot start a new header line.
import { describe, expect, it } from "vitest";
import { displayName, headerValue, mailbox, recipientAddress } from "../../../src/email/providers/headers";
import { DeliveryError } from "../../../src/email/providers/provider";

const decode = (word: string) => new TextDecoder().decode(Uint8Array.from(atob(word.slice(10, -2)), (c) => c.charCodeAt(0)));

describe("email headers", () => {
  it("refuses control characters in a display name, permanently", () => {
    for (const name of ["Acme\r\nBcc: victim@evil.example", "Acme\nX", "Acme\u0000", "Acme\u007f"]) {
      expect(() => displayName(name)).toThrow(DeliveryError);
      try {
        displayName(name);
      } catch (e) {
        expect(e).toMatchObject({ code: "invalid_sender_name", permanent: true });
      }
    }
    expect(displayName("Acme, Inc.")).toBe("Acme, Inc.");
  });

  it("refuses a recipient that is not one plain address", () => {
    for (const to of ["a@example.com\r\nBcc: b@example.com", "a@example.com, b@example.com", "A <a@example.com>"]) {
      expect(() => recipientAddress(to)).toThrow(DeliveryError);
    }
  });

  it("leaves printable ASCII as it is and encodes anything else as RFC 2047 words", () => {
    expect(headerValue("Reset your Acme password")).toBe("Reset your Acme password");
    const encoded = headerValue("Réinitialisez votre mot de passe Ünïcødé 🚀 and a long tail to need two words");
    expect(encoded).toMatch(/^(=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=)( =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=)+$/);
    for (const word of encoded.split(" ")) expect(word.length).toBeLessThanOrEqual(75);
    expect(encoded.split(" ").map(decode).join("")).toBe("Réinitialisez votre mot de passe Ünïcødé 🚀 and a long tail to need two words");
  });

  it("makes a CR or LF in a value inert", () => {
    const v = headerValue("Subject\r\nBcc: victim@evil.example");
    expect(v).not.toMatch(/[\r\n]/);
    expect(decode(v)).toBe("Subject\r\nBcc: victim@evil.example");
  });

  it("quotes a display name, escaping quotes and backslashes, or encodes it", () => {
    expect(mailbox('The "Best" \\ App', "no-reply@example.com")).toBe('"The \\"Best\\" \\\\ App" <no-reply@example.com>');
    expect(mailbox("Café", "no-reply@example.com")).toBe(`${headerValue("Café")} <no-reply@example.com>`);
  });
});
