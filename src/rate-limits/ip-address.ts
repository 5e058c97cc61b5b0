// A caller's IP address as the key its budget is counted under. An IPv6 customer is usually given
// a whole /64 (RFC 6177), so budgets count the /64: a single address per budget would let one
// customer pick from 2^64 fresh budgets.
import { z } from "zod";

const IPV4 = z.ipv4();
const IPV6 = z.ipv6();

/** The eight 16-bit groups of a valid IPv6 address (a dotted IPv4 tail counts as two). */
function groupsOf(ip: string): number[] {
  const [head = "", tail] = ip.split("::");
  const parse = (part: string): number[] =>
    part === ""
      ? []
      : part.split(":").flatMap((g) => {
          if (!g.includes(".")) return [Number.parseInt(g, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = g.split(".").map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const front = parse(head);
  if (tail === undefined) return front;
  const back = parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/**
 * The budget key of an IP address: IPv4 as itself (an IPv4-mapped IPv6 address too), IPv6 as its
 * /64 in canonical form. Null for anything that is not one plain address (no port, zone or list).
 */
export function ipBudgetKey(ip: string): string | null {
  if (IPV4.safeParse(ip).success) return ip;
  if (!IPV6.safeParse(ip).success) return null;
  const groups = groupsOf(ip.toLowerCase());
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join(".");
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(":")}::/64`;
}
