// A retried reset email states the minutes its codes have left, which can be one.
import { describe, expect, it } from "vitest";
import { LANGUAGES, copyFor } from "../../src/copy/catalog";

describe("an email's validity line", () => {
  it.each(LANGUAGES)("%s: says one minute in the singular and more in the plural, for the link and the OTP email", (language) => {
    const { resetLink, resetOtp } = copyFor(language).email;
    for (const validity of [resetLink.validity, resetOtp.validity]) {
      expect(validity(1)).toMatch(/\b1 Minute?\b/i);
      expect(validity(1)).not.toMatch(/\b1 (minutes|Minuten)\b/);
      expect(validity(15)).toMatch(/\b15 (minutes|Minuten)\b/);
    }
  });
});
