// The bench's table (Markdown, printed and copied into the README) and its targets (issues 9 and
// 19; where both set one, issue 19's stricter bound).
import { readFileSync, writeFileSync } from "node:fs";
import { round } from "./load.mjs";

const README_START = "<!-- bench:start -->";
const README_END = "<!-- bench:end -->";

const fmt = (x, unit = "") => (x === null || x === undefined || Number.isNaN(x) ? "–" : `${x}${unit}`);
const pct = (x) => (x === null || x === undefined || Number.isNaN(x) ? "–" : `${Math.round(x * 100)} %`);
const times = (x) => (x === null || x === undefined || Number.isNaN(x) ? "–" : `${x.toFixed(2)} ×`);
const mean = (...xs) => {
  const present = xs.filter((x) => typeof x === "number");
  return present.length ? present.reduce((a, b) => a + b, 0) / present.length : null;
};
const table = (head, rows) => [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.map((c) => fmt(c)).join(" | ")} |`)].join("\n");

/** The derived figures every ratio uses, from one run's cases. */
export function figures(r) {
  const c = r.cases;
  const per = (k) => c[k]?.perSecond ?? null;
  const f = {
    derivation: c["floor.derive.sequential"]?.p50 ?? null,
    derivationsPerSecond: mean(per("floor.derive.parallel.before"), per("floor.derive.parallel.after")),
    empty: mean(per("floor.empty.before"), per("floor.empty.after")),
    peerHash: c["peer.floor.hash.sequential"]?.p50 ?? null,
    peerHashesPerSecond: mean(per("peer.floor.hash.parallel.before"), per("peer.floor.hash.parallel.after")),
    openauthHash: c["openauth.floor.hash.sequential"]?.p50 ?? null,
    openauthHashesPerSecond: mean(per("openauth.floor.hash.parallel.before"), per("openauth.floor.hash.parallel.after")),
  };
  const d = r.config.derivationsPerReset;
  const pd = r.config.peerHashesPerReset;
  f.resetCeiling = f.derivationsPerSecond / d;
  f.peerResetCeiling = f.peerHashesPerSecond ? f.peerHashesPerSecond / pd : null;
  f.resetFloorMs = f.derivation * d;
  f.peerResetFloorMs = f.peerHash ? f.peerHash * pd : null;
  const od = r.config.openauthHashesPerReset ?? 1;
  f.openauthResetCeiling = f.openauthHashesPerSecond ? f.openauthHashesPerSecond / od : null;
  f.openauthResetFloorMs = f.openauthHash ? f.openauthHash * od : null;
  return f;
}

export function targets(r) {
  const c = r.cases;
  const f = figures(r);
  const peer = (k) => c[`peer.${k}`]?.perSecond ?? null;
  const ratio = (a, b) => (typeof a === "number" && typeof b === "number" && b > 0 ? a / b : null);
  const rr = c.requestReset;
  const knownUnknown = rr ? Math.max(rr.p50Known, rr.p50Unknown) / Math.min(rr.p50Known, rr.p50Unknown) : null;
  const scaling = ["sessions.1000:sessions.1", "users.large:users.small", "codes.large:codes.small"].map((pair) => {
    const [big, small] = pair.split(":");
    return { case: big, ratio: ratio(c[`scaling.${big}`]?.p50, c[`scaling.${small}`]?.p50) };
  });
  const list = [
    { target: "reset p50 at concurrency 1 ≤ 1.2 × its derivations (issue 19)", value: ratio(c["reset.c1"]?.p50, f.resetFloorMs), ok: (x) => x <= 1.2, show: times },
    { target: "reset throughput at concurrency 16 ≥ 90 % of its hashing ceiling (issue 19)", value: ratio(c["reset.c16"]?.perSecond, f.resetCeiling), ok: (x) => x >= 0.9, show: pct },
    { target: "reset throughput at concurrency 16 ≥ 3 × the peer's", value: ratio(c["reset.c16"]?.perSecond, peer("reset.c16")), ok: (x) => x >= 3, show: times },
    { target: "request-password-reset throughput ≥ 70 % of the empty Worker's", value: ratio(rr?.perSecond, f.empty), ok: (x) => x >= 0.7, show: pct },
    { target: "request-password-reset throughput ≥ the peer's", value: ratio(rr?.perSecond, peer("requestReset")), ok: (x) => x >= 1, show: times },
    { target: "request-password-reset known and unknown p50 equal (within 1.2 ×)", value: knownUnknown, ok: (x) => x <= 1.2, show: times },
    { target: "login throughput ≥ 90 % of its hashing ceiling (issue 19)", value: ratio(c.login?.perSecond, f.derivationsPerSecond), ok: (x) => x >= 0.9, show: pct },
    { target: "login throughput ≥ 3 × the peer's", value: ratio(c.login?.perSecond, peer("login")), ok: (x) => x >= 3, show: times },
    ...scaling.map((s) => ({ target: `scaling p50 ${s.case} within 1.3 ×`, value: s.ratio, ok: (x) => x <= 1.3, show: times })),
  ];
  return list.map((t) => ({ target: t.target, measured: t.show(t.value), met: typeof t.value === "number" ? (t.ok(t.value) ? "yes" : "**no**") : "–", value: t.value }));
}

export function renderTable(r) {
  const c = r.cases;
  const f = figures(r);
  const out = [];
  const peerOn = !r.peerUnavailable;
  const openauthOn = !r.openauthUnavailable;
  out.push(
    `Bench of ${r.date.slice(0, 16).replace("T", " ")} UTC on ${r.machine.cores} × ${r.machine.cpu} (${r.machine.os}; load average at the end ${r.machine.loadAverageAtEnd.join(" / ")}), ` +
      `commit ${r.versions.commit ?? "?"}, wrangler ${r.versions.wrangler}, workerd ${r.versions.workerd}` +
      (peerOn ? `; peer Better Auth ${r.versions["better-auth"]} with ${r.versions.sqlite} on Node ${r.versions.peerNode}` : `; peer unavailable: ${r.peerUnavailable}`) +
      (openauthOn ? `; OpenAuth ${r.versions.openauth} with local KV in the same workerd` : `; OpenAuth unavailable: ${r.openauthUnavailable}`) +
      `. ${r.durationSeconds} s. Latencies in ms; throughput in requests per second; every ratio is against a floor measured in the same run.`,
  );
  out.push("\n**Floors and ceilings** (PBKDF2-SHA256 100k with the pepper HMAC, the service's `hashPassword`, in workerd; Better Auth's scrypt in Node; OpenAuth's default `ScryptHasher`, N=16384 r=8 p=1, in workerd)\n");
  const parallel = (on, key) => (on ? `${fmt(c[`${key}.before`]?.perSecond)} / ${fmt(c[`${key}.after`]?.perSecond)}` : "–");
  out.push(
    table(
      ["floor", "this service", "Better Auth", "OpenAuth"],
      [
        ["one derivation, p50 sequential (ms)", c["floor.derive.sequential"]?.p50, c["peer.floor.hash.sequential"]?.p50, c["openauth.floor.hash.sequential"]?.p50],
        ["derivations per s, 8 in parallel (before / after the run)", parallel(true, "floor.derive.parallel"), parallel(peerOn, "peer.floor.hash.parallel"), parallel(openauthOn, "openauth.floor.hash.parallel")],
        ["empty Worker per s, concurrency 16 (before / after)", `${fmt(c["floor.empty.before"]?.perSecond)} / ${fmt(c["floor.empty.after"]?.perSecond)}`, "–", "–"],
        ["our cheapest route, JWKS, per s at concurrency 16", c["floor.jwks"]?.perSecond, "–", "–"],
      ],
    ),
  );
  out.push(
    `\n**reset-password** (${r.config.derivationsPerReset} derivations per reset: same_as_current, then the new hash; the peer: ${r.config.peerHashesPerReset} scrypt). ` +
      `Floor = p50 ÷ (derivations × one derivation); ceiling = throughput ÷ (derivations per s ÷ derivations per reset).\n`,
  );
  const resetCells = (x, floorMs, ceiling) => [x?.n, x?.p50, x?.p95, x?.p99, x?.perSecond, times(x?.p50 / floorMs), pct(x?.perSecond / ceiling)];
  const resetRows = [1, 4, 16, 64].map((k) => {
    const o = c[`reset.c${k}`];
    const p = c[`peer.reset.c${k}`];
    return [k, ...resetCells(o, f.resetFloorMs, f.resetCeiling), ...resetCells(p, f.peerResetFloorMs, f.peerResetCeiling), times(o?.perSecond / p?.perSecond)];
  });
  out.push(table(["conc.", "n", "p50", "p95", "p99", "per s", "p50 ÷ floor", "of ceiling", "peer n", "p50", "p95", "p99", "per s", "p50 ÷ floor", "of ceiling", "ours ÷ peer per s"], resetRows));
  if (openauthOn) {
    out.push(
      `\n**OpenAuth's password change** beside our reset (its flow: open the change page, \`action=code\` emails a code, \`action=verify\` checks it, ` +
        `\`action=update\` hashes and stores the new password, ${r.config.openauthHashesPerReset ?? 1} scrypt, state in an encrypted cookie, users in KV). ` +
        `The reset is the update step, timed like ours and the peer's with its code checked before; the steps before it are timed on their own. Floor and ceiling from OpenAuth's own scrypt above.\n`,
    );
    const openauthRows = [1, 16].map((k) => {
      const o = c[`reset.c${k}`];
      const a = c[`openauth.reset.c${k}`];
      return [k, ...resetCells(a, f.openauthResetFloorMs, f.openauthResetCeiling), c[`openauth.prepare.c${k}`]?.p50, times(o?.perSecond / a?.perSecond), pct(o?.perSecond / f.resetCeiling)];
    });
    out.push(table(["conc.", "OpenAuth n", "p50", "p95", "p99", "per s", "p50 ÷ floor", "of ceiling", "code → verify steps p50", "ours ÷ OpenAuth per s", "ours of ceiling"], openauthRows));
  }
  out.push("\n**Other endpoints at concurrency 16** (known and unknown emails interleaved for the first two)\n");
  const endpoint = (name, key, yardstick, yardstickName) => {
    const o = c[key];
    const p = c[`peer.${key}`];
    const medians = (x) => (x?.p50Known !== undefined ? `${x.p50Known} / ${x.p50Unknown}` : "–");
    return [name, o?.n, o?.perSecond, o?.p50, medians(o), o?.p95, o?.p99, yardstick ? `${pct(o?.perSecond / yardstick)} of ${yardstickName}` : "–", p?.perSecond, p?.p50, medians(p), times(o?.perSecond / p?.perSecond)];
  };
  out.push(
    table(
      ["endpoint", "n", "per s", "p50", "p50 known / unknown", "p95", "p99", "÷ yardstick", "peer per s", "peer p50", "peer p50 known / unknown", "ours ÷ peer per s"],
      [
        endpoint("request-password-reset", "requestReset", f.empty, "empty Worker"),
        endpoint("login", "login", f.derivationsPerSecond, "hashing ceiling"),
        endpoint("refresh (token rotation)", "refresh", f.empty, "empty Worker"),
        endpoint("introspect (end-user access token)", "introspect", f.empty, "empty Worker"),
      ],
    ),
  );
  out.push("\n**Scaling** (sequential; p50 ms, each sample with its own code issued just before)\n");
  const scale = (name, small, big) => [name, c[`scaling.${small}`]?.n, c[`scaling.${small}`]?.p50, c[`scaling.${big}`]?.p50, times(c[`scaling.${big}`]?.p50 / c[`scaling.${small}`]?.p50)];
  out.push(
    table(
      ["case", "samples", "small", "large", "large ÷ small"],
      [
        scale("reset: 1 vs 1,000 sessions to revoke", "sessions.1", "sessions.1000"),
        scale(`reset: 10 vs ${r.config.counts.fillerRows.toLocaleString("en")} more users in D1`, "users.small", "users.large"),
        scale(`request-reset: ~10 vs ${r.config.counts.fillerRows.toLocaleString("en")} more open codes in D1`, "codes.small", "codes.large"),
      ],
    ),
  );
  out.push("\n**Targets** (issues 9 and 19)\n");
  out.push(table(["target", "measured", "met"], targets(r).map((t) => [t.target, t.measured, t.met])));
  return out.join("\n");
}

/** Replaces the README's bench section (between its markers) with this run's table. */
export function updateReadme(file, tableText, r) {
  const readme = readFileSync(file, "utf8");
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) return;
  const body = `${README_START}\n${tableText}\n\nRaw latencies: \`bench/results.json\`. Reproduce with \`npm run bench\` (about ${Math.ceil(r.durationSeconds / 60)} minutes here).\n${README_END}`;
  writeFileSync(file, readme.slice(0, start) + body + readme.slice(end + README_END.length));
}

export { round };
