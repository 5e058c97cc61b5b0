// Rate Limiting bindings count in fixed 60 s windows on the wall clock (locally exact).

/** Runs `attempt` again, once, if a 60 s window boundary fell inside it (fresh callers each time). */
export async function inOneWindow(attempt: () => Promise<void>): Promise<void> {
  const window = () => Math.floor(Date.now() / 60_000);
  const before = window();
  try {
    await attempt();
  } catch (e) {
    if (window() === before) throw e;
    await attempt();
  }
}
