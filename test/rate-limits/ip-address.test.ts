// The key a caller's IP address is counted under: IPv4 as itself, IPv6 by its /64 (one customer
// usually holds a whole /64, so counting single IPv6 addresses would be no limit at all).
import { describe, expect, it } from "vitest";
import { ipBudgetKey } from "../../src/rate-limits/ip-address";

describe("ipBudgetKey", () => {
  it("keys an IPv4 address as itself, and an IPv4-mapped IPv6 address as that IPv4 address", () => {
    expect(ipBudgetKey("192.0.2.7")).toBe("192.0.2.7");
    expect(ipBudgetKey("::ffff:192.0.2.7")).toBe("192.0.2.7");
  });

  it("keys an IPv6 address by its /64, whatever its spelling", () => {
    const key = ipBudgetKey("2001:db8:1:2::1");
    expect(key).toBe("2001:db8:1:2::/64");
    expect(ipBudgetKey("2001:0DB8:0001:0002:ffff:ffff:ffff:ffff")).toBe(key);
    expect(ipBudgetKey("2001:db8:1:3::1")).not.toBe(key);
    expect(ipBudgetKey("::1")).toBe("0:0:0:0::/64");
    expect(ipBudgetKey("1:2:3:4:5:6:7.8.9.10")).toBe("1:2:3:4::/64");
  });

  it("refuses what is not an IP address: zones, ports, spaces, lists, leading zeros", () => {
    for (const bad of ["", "localhost", "192.0.2.7:443", " 192.0.2.7", "192.0.2.7, 198.51.100.1", "01.2.3.4", "256.0.0.1", "fe80::1%eth0", "2001:db8::1::2", "[2001:db8::1]"]) {
      expect(ipBudgetKey(bad), bad).toBeNull();
    }
  });
});
