// The geo bench's markdown table: calls per operation (before the answer + after it) and p50 per
// profile. Counts are the `far` run's medians per sample, with the largest where a sample made more
// (the directory's isolate cache missed); a median that differs between the profiles is flagged.

const num = (x) => (Number.isInteger(x) ? String(x) : x.toFixed(2));
const pair = (before, after) => (after ? `${num(before)} + ${num(after)}` : num(before));

/** Median before (+ after), and "(max …)" where some sample made more. */
function cell(calls, target) {
  const { median, max } = calls;
  const common = pair(median.before[target], median.after[target]);
  const most = pair(max.before[target], max.after[target]);
  return most === common ? common : `${common} (max ${most})`;
}

/** Median D1 round trips (before + after) by the data they touch. */
function byData(median) {
  const total = (kind) => median.before[kind] + median.after[kind];
  const other = total("d1Other") ? ` / other ${num(total("d1Other"))}` : "";
  return `${num(total("d1User"))} / ${num(total("d1Directory"))} / ${num(total("d1DenyList"))}${other}`;
}

function sameCounts(a, b) {
  return ["before", "after", "object"].every((phase) => Object.keys(a[phase]).every((k) => a[phase][k] === b[phase][k]));
}

export function formatTable(out) {
  const { same, far } = out.profiles;
  const lines = [
    `bench:geo at ${out.commit ?? "?"} (service code: src/ of ${out.srcCommit ?? "?"}${out.srcChanged ? " with uncommitted changes" : ""}), ${out.generatedAt}, ${out.samples} samples per operation and profile, one at a time; the two profiles side by side; ${out.seconds} s in all.`,
    "Calls per request (median of the samples; max where a sample made more, the tenant/policy/branding isolate cache of 5 s having missed):",
    "before the answer + after it (waitUntil). `same`: every call 5 ms away; `far`: the D1 primary 200 ms, all else 5 ms.",
    "",
    "| operation | D1 primary | D1 replica | D1 by data: user / directory / deny-list | Durable Object | queue sends (by the object itself) | p50 same (ms) | p50 far (ms) | far − same (ms) |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const [name, f] of Object.entries(far.ops)) {
    const s = same.ops[name];
    const flag = s && !sameCounts(s.calls.median, f.calls.median) ? " ⚠ median counts differ between profiles (see geo.json)" : "";
    const objectQueue = f.calls.median.object.queue;
    const queue = `${cell(f.calls, "queue")}${objectQueue ? ` (${num(objectQueue)})` : ""}`;
    lines.push(
      `| ${name}${flag} | ${cell(f.calls, "d1Primary")} | ${cell(f.calls, "d1Replica")} | ${byData(f.calls.median)} | ${cell(f.calls, "durableObject")} | ${queue} | ${s?.p50 ?? "–"} | ${f.p50} | ${s ? (f.p50 - s.p50).toFixed(1) : "–"} |`,
    );
  }
  const c = far.consumer;
  lines.push(
    `| email consumer, per message (${c.messages} messages) | ${num(c.perMessage.d1Primary)} | ${num(c.perMessage.d1Replica)} | ${num(c.perMessage.d1User)} / ${num(c.perMessage.d1Directory)} / ${num(c.perMessage.d1DenyList)} | ${num(c.perMessage.durableObject)} | ${num(c.perMessage.queue)} | – | – | – |`,
  );
  lines.push("");
  lines.push(`The consumer's mail provider is the dev mailbox here (${num(c.perMessage.mail)} insert per message, counted apart, 5 ms in both profiles).`);
  lines.push("");
  lines.push("| email consumer, one invocation | same (ms) | far (ms) |");
  lines.push("|---|---|---|");
  lines.push(`| batch of 1 (p50 of ${same.consumer.batches.filter((b) => b.messages === 1).length} / ${c.batches.filter((b) => b.messages === 1).length}) | ${same.consumer.batchOf1Ms ?? "–"} | ${c.batchOf1Ms ?? "–"} |`);
  lines.push(`| batch of ${c.largestBatch} (same: ${same.consumer.largestBatch}) | ${same.consumer.largestBatchMs ?? "–"} | ${c.largestBatchMs ?? "–"} |`);
  return lines.join("\n");
}
