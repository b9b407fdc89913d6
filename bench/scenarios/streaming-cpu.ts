import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

let ticksPerSecond: number | undefined;

/** `getconf CLK_TCK`: the unit of /proc's CPU times (100 on every Linux in practice). */
function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    } catch {
      ticksPerSecond = 100;
    }
    if (!Number.isFinite(ticksPerSecond) || ticksPerSecond <= 0) ticksPerSecond = 100;
  }
  return ticksPerSecond;
}

/**
 * CPU time (user + system, all threads) a process has used so far, in milliseconds, from the
 * kernel's own accounting (`/proc/<pid>/stat`): what the process cost, whatever else runs on the
 * machine.
 * @throws when the process is gone or the platform has no /proc.
 */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14 (utime) and 15 (stime) of proc(5), i.e. 12 and 13 after the state field.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / clockTicksPerSecond();
}

/**
 * The process whose command line contains every one of `words` (e.g. Portkey's start-server script
 * and its `--port=N`), for processes started by code that does not hand back their pid.
 * @throws when no such process runs.
 */
export function findProcess(words: readonly string[]): number {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let commandLine: string;
    try {
      commandLine = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ");
    } catch {
      continue;
    }
    if (words.every((word) => commandLine.includes(word))) return Number(entry);
  }
  throw new Error(`no process runs with ${words.join(" ")}`);
}
