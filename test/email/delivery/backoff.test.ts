import { describe, expect, it } from "vitest";
import { MAX_RETRY_DELAY_SECONDS, retryBaseSeconds, retryDelaySeconds } from "../../../src/email/delivery/backoff";

describe("retry backoff", () => {
  it("doubles from the base after each failed attempt, up to an hour", () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => retryDelaySeconds(a, 30))).toEqual([30, 60, 120, 240, 480, 960]);
    expect(retryDelaySeconds(20, 30)).toBe(MAX_RETRY_DELAY_SECONDS);
    expect(MAX_RETRY_DELAY_SECONDS).toBe(3600);
  });

  it("takes its base from EMAIL_RETRY_DELAY_SECONDS, 30 by default", () => {
    expect(retryBaseSeconds({ EMAIL_RETRY_DELAY_SECONDS: "" })).toBe(30);
    expect(retryBaseSeconds({ EMAIL_RETRY_DELAY_SECONDS: "nonsense" })).toBe(30);
    expect(retryBaseSeconds({ EMAIL_RETRY_DELAY_SECONDS: "-1" })).toBe(30);
    expect(retryBaseSeconds({ EMAIL_RETRY_DELAY_SECONDS: "5" })).toBe(5);
  });
});
