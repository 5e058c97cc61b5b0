import { describe, expect, it } from "vitest";
import { placementOf } from "../../src/policy/object-location";

describe("placementOf", () => {
  it("none: no jurisdiction and no hint; eu: the jurisdiction alone; a hint: the hint in the plain namespace", () => {
    expect(placementOf(null)).toEqual({ jurisdiction: null });
    expect(placementOf("eu")).toEqual({ jurisdiction: "eu" });
    expect(placementOf("weur")).toEqual({ jurisdiction: null, locationHint: "weur" });
    expect(placementOf("apac")).toEqual({ jurisdiction: null, locationHint: "apac" });
  });
});
