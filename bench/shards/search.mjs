// bench:shards' rate search: which rate to offer next, from the steps run so far, and what they
// found. Pure, so that node --test checks where a ramp goes and where it stops.
//
// Coarse steps up (each `factor` × the last) until one does not keep up, however far above the
// ceiling computed beforehand: that ceiling comes from the statements per request with the model
// off, and under load the email consumer batches and makes fewer, so the real one is higher. Then
// geometric midpoints between the highest rate kept up and the lowest not kept up, until the two
// are within `fineRatio` (the resolution of the result). Never above `cap`: a ramp that keeps up
// there is reported not saturated.
import { round } from "../lib/load.mjs";

/**
 * The next rate to offer, or null when the search is done. `steps`: { rate, keptUp } in the order
 * run. A first step that does not keep up is followed by one `factor`² lower (down to `minRate`).
 */
export function nextRate(steps, { startRate, factor, fineRatio, cap, minRate = 0.5 }) {
  let next;
  const failed = steps.filter((s) => !s.keptUp).map((s) => s.rate);
  if (steps.length === 0) {
    next = Math.min(startRate, cap);
  } else if (failed.length === 0) {
    const top = Math.max(...steps.map((s) => s.rate));
    if (top >= cap) return null;
    next = Math.min(top * factor, cap);
  } else {
    const ceiling = Math.min(...failed);
    const below = steps.filter((s) => s.keptUp && s.rate < ceiling).map((s) => s.rate);
    if (below.length === 0) {
      next = ceiling / factor ** 2;
      if (next < minRate) return null;
    } else {
      const kept = Math.max(...below);
      if (ceiling / kept <= fineRatio) return null;
      next = Math.sqrt(kept * ceiling);
    }
  }
  next = round(next, 2);
  // Rounding can land on a rate already offered: nothing more to learn.
  return steps.some((s) => s.rate === next) ? null : next;
}

/**
 * What a ramp's steps found: the highest rate kept up below the lowest not kept up (the saturation
 * throughput) and those two steps; `saturated` false when every step kept up (the cap reached).
 */
export function rampOutcome(steps) {
  const failedStep = steps.filter((s) => !s.keptUp).sort((a, b) => a.rate - b.rate)[0] ?? null;
  const atSustained = steps.filter((s) => s.keptUp && (!failedStep || s.rate < failedStep.rate)).sort((a, b) => b.rate - a.rate)[0] ?? null;
  return { sustainedRate: atSustained?.rate ?? 0, atSustained, failedStep, saturated: failedStep !== null };
}
