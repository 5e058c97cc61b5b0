// bench:shards' printed summary: one row per shard count and service time, then the ratios of the
// most shards to the fewest.

const pct = (x) => `${Math.round(x * 100)} %`;

/** Each database's busy share from the step's start until its emails were all consumed (else at its last arrival). */
function utilisation(step) {
  if (!step) return "–";
  return Object.entries((step.atDrain ?? step.atWindowEnd).databases)
    .map(([name, d]) => `${name} ${pct(d.utilisation)}`)
    .join(", ");
}

const perDatabase = (perRequest) =>
  Object.entries(perRequest)
    .map(([db, q]) => `${db} ${q}`)
    .join(", ");

/** The statements per request at the saturation step of the ramp at `modelMs` (else the last ramp that kept up). */
function underLoad(run, modelMs) {
  const ran = run.ramps.filter((x) => x.atSustained);
  const x = ran.find((y) => y.serviceMs === modelMs) ?? ran.at(-1);
  if (!x) return "–";
  return `${x.serviceMs} ms, ${x.sustainedRate}/s: ${x.atSustained.perRequest ? perDatabase(x.atSustained.perRequest) : "not counted (the step did not drain in 90 s)"}`;
}

export function formatTable(out) {
  const lines = [];
  lines.push(
    `bench:shards at ${out.commit} (service code: src/ of ${out.srcCommit}), ${out.generatedAt}, ${out.seconds} s in all; steps of ${out.stepSeconds} s (at least 16 requests, at most ${5 * out.stepSeconds} s), open-loop request-password-reset for known users, the email consumer (dev mailbox) and audit writes on the same databases.`,
  );
  lines.push(
    "Each ramp starts at 0.8 × the rate a 2-second closed-loop probe (32 callers) got through end to end (its answered requests over the time until their emails were consumed), rises × 1.25 a step until a step does not keep up, then tries the geometric midpoint of the highest rate kept up and the lowest not kept up until they are within 12 %; a model ramp goes no higher than 1.2 × the CPU ceiling.",
  );
  lines.push(
    "A step keeps up when every answer is a 200, answers come at ≥ 85 % of the offered rate (counted from the first answer to the last), p95 ≤ 2,000 ms + 25 × the service time and no database has more than 1,000 ms + 50 × the service time of work queued when the last arrival is sent, nor was offered more work than the step's time (utilisation above 100 %), and the step's emails are all consumed within 2,000 ms + 50 × the service time of its last answer (a request answers once its job is queued, so a saturated shard shows as jobs piling up in the queue)."
  );
  lines.push("");
  lines.push(
    "Statements per request-password-reset (consumer and audit included), per database: model off (a warm-up at 10 a second), and under load (at the highest rate kept up of the ramp at the larger service time, counted from the step's start until it drained; the consumer batches more under load):",
  );
  lines.push("");
  lines.push("| shards | per database, model off | by data, model off (user / directory / deny-list / other) | emails per request | per database, under load |");
  lines.push("|---|---|---|---|---|");
  for (const r of out.runs) {
    const per = perDatabase(r.cost.perRequest);
    const kinds = Object.entries(r.cost.kinds).map(([db, k]) => `${db} ${k.d1User} / ${k.d1Directory} / ${k.d1DenyList} / ${k.d1Other}`).join("; ");
    lines.push(`| ${r.shards} | ${per} | ${kinds} | ${r.cost.messagesPerRequest} | ${underLoad(r, out.modelMs)} |`);
  }
  lines.push("");
  lines.push("| shards | service time per statement | model's ceiling (busiest database) | highest rate kept up (/s) | peak answered (/s) | p95 there (ms) | utilisation there, until its emails were consumed | saturated first |");
  lines.push("|---|---|---|---|---|---|---|---|");
  for (const r of out.runs) {
    for (const x of r.ramps) {
      if (x.cpuBound) {
        lines.push(`| ${r.shards} | ${x.serviceMs} ms | ${x.predictedPerSecond} | not run: above 1.2 × the CPU ceiling, so CPU-bound (the ceiling below) | | | | CPU |`);
        continue;
      }
      const ms = x.serviceMs === 0 ? "0 (no model: the CPU ceiling)" : `${x.serviceMs} ms`;
      const cap = x.serviceMs === 0 ? `${x.cap}/s, the most this bench offers` : `${x.cap}/s, 1.2 × the CPU ceiling`;
      const sustained = `${x.sustainedRate}${x.saturated ? "" : ` (not saturated below the cap, ${cap})`}`;
      lines.push(`| ${r.shards} | ${ms} | ${x.predictedPerSecond ?? "–"} | ${sustained} | ${x.peakAnswered} | ${x.atSustained?.p95 ?? "–"} | ${utilisation(x.atSustained)} | ${x.firstSaturated ?? "–"} |`);
    }
  }
  const fewest = out.runs[0];
  const most = out.runs.at(-1);
  lines.push("");
  if (fewest && most && fewest !== most) {
    for (const x of most.ramps) {
      const base = fewest.ramps.find((y) => y.serviceMs === x.serviceMs);
      if (!base || x.serviceMs === 0 || x.cpuBound || base.cpuBound || !base.sustainedRate) continue;
      // A ramp not saturated below its cap gives a floor of its rate: the ratio is then a bound.
      const bound = !x.saturated && base.saturated ? "at least " : x.saturated && !base.saturated ? "at most " : !x.saturated ? "neither saturated below its cap, so no bound: " : "";
      lines.push(`${most.shards} shards vs ${fewest.shards} at ${x.serviceMs} ms: ${bound}${(x.sustainedRate / base.sustainedRate).toFixed(2)} × (${x.sustainedRate} / ${base.sustainedRate} per second; target ≥ 3.5 × for 4 vs 1).`);
    }
  }
  if (out.modelMsChosen) {
    const from = out.busiestAtCeiling ? `, from the busiest database's ${out.busiestAtCeiling} statements per request at the CPU ceiling` : "";
    lines.push(`The larger service time, ${out.modelMs} ms, was chosen so that ${out.mostShards} shards scaling linearly from 1 would saturate at 80 % of the CPU ceiling${from} (SHARDS_SERVICE_MS sets it).`);
  }
  if (out.cpuCeiling !== null) lines.push(`CPU-bound ceiling (model off, ${fewest?.shards} shard(s)): ${out.cpuCeiling} request-password-reset per second kept up on this machine.`);
  for (const s of out.skipped) lines.push(`${s.shards} shards: not run: ${s.why}`);
  return lines.join("\n");
}
