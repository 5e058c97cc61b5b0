// Which code a bench measured: the commit, and src/ as of its last commit (a bench's own commits
// leave src/ alone), and whether src/ had uncommitted changes.
import { execFileSync } from "node:child_process";

export function revision(root) {
  const git = (...args) => {
    try {
      return execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim() || null;
    } catch {
      return null;
    }
  };
  return {
    commit: git("rev-parse", "--short", "HEAD"),
    srcCommit: git("log", "-1", "--format=%h", "--", "src"),
    srcChanged: git("status", "--porcelain", "--", "src") !== null,
  };
}
