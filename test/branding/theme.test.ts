import { describe, expect, it } from "vitest";
import { resolveTheme, textOnColor } from "../../src/branding/theme";

describe("theme", () => {
  it("takes the tenant's value over the application's over the defaults; null inherits", () => {
    const theme = resolveTheme("acme", { displayName: "Acme", primaryColor: "#0f766e" }, { displayName: "Initech", primaryColor: null });
    expect(theme).toEqual({ displayName: "Initech", logoUrl: null, primaryColor: "#0f766e", supportEmail: null, defaultLanguage: "en" });
  });

  it("writes white on dark colours and black on light ones", () => {
    expect(textOnColor("#1d4ed8")).toBe("#ffffff");
    expect(textOnColor("#000000")).toBe("#ffffff");
    expect(textOnColor("#facc15")).toBe("#000000");
    expect(textOnColor("#ffffff")).toBe("#000000");
  });
});
