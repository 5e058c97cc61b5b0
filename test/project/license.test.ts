// The project is open source: a licence file, and the same licence declared to npm.
import { describe, expect, it } from "vitest";
import licenseText from "../../LICENSE?raw";
import pkg from "../../package.json";

describe("the licence", () => {
  it("is Apache-2.0, in LICENSE and in package.json", () => {
    expect(pkg.license).toBe("Apache-2.0");
    expect(licenseText).toContain("Apache License");
    expect(licenseText).toContain("Version 2.0, January 2004");
    expect(licenseText).toContain("TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION");
  });
});
