/**
 * The peak RSS of the dynamic-provider processes a Pulumi command starts: every `intervalMs` it
 * looks through /proc for the node process running `@pulumi/pulumi/cmd/dynamic-provider` (reached
 * through the `pulumi-resource-pulumi-nodejs` shim, which execs it under the same pid) whose
 * working directory is the stack's program dir, and reads its high-water mark (VmHWM) from
 * /proc/<pid>/status. Linux only.
 */
import * as fs from "node:fs";

export interface RssResult {
    /** The largest VmHWM seen, in KiB; 0 when no provider process was seen. */
    peakKiB: number;
    /** How many provider processes were seen. */
    processes: number;
}

/** Whether a /proc cmdline (NUL-separated argv) is the dynamic provider or its shim. */
export function isDynamicProvider(cmdline: string): boolean {
    const argv = cmdline.split("\0");
    return argv.some((a) => /cmd\/dynamic-provider(\/index\.js)?$/.test(a) || a.endsWith("/pulumi-resource-pulumi-nodejs"));
}

function read(file: string): string | undefined {
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        return undefined; // the process is gone, or not ours to read
    }
}

export class PeakRss {
    /** Pids already looked at that are not a provider of this stack. */
    private readonly ignored = new Set<number>();
    /** Provider pids of this stack and their largest VmHWM, KiB. */
    private readonly watched = new Map<number, number>();
    private timer: NodeJS.Timeout | undefined;

    constructor(private readonly programDir: string) {}

    start(intervalMs = 75): void {
        this.scan();
        this.timer = setInterval(() => this.scan(), intervalMs);
    }

    stop(): RssResult {
        if (this.timer) clearInterval(this.timer);
        this.scan();
        return { peakKiB: Math.max(0, ...this.watched.values()), processes: this.watched.size };
    }

    private scan(): void {
        let entries: string[];
        try {
            entries = fs.readdirSync("/proc");
        } catch {
            return;
        }
        for (const e of entries) {
            const pid = Number(e);
            if (!Number.isInteger(pid) || this.ignored.has(pid)) continue;
            if (!this.watched.has(pid)) {
                const cmdline = read(`/proc/${pid}/cmdline`);
                if (cmdline === undefined) continue;
                let cwd: string | undefined;
                try {
                    cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
                } catch {
                    cwd = undefined;
                }
                if (!isDynamicProvider(cmdline) || cmdline.includes("require.resolve") || cwd !== this.programDir) {
                    this.ignored.add(pid);
                    continue;
                }
                this.watched.set(pid, 0);
            }
            const hwm = /^VmHWM:\s+(\d+)\s+kB/m.exec(read(`/proc/${pid}/status`) ?? "");
            if (hwm) this.watched.set(pid, Math.max(this.watched.get(pid)!, Number(hwm[1])));
        }
    }
}
