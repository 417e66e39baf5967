/**
 * Watches the processes of one Pulumi command through /proc every 50 ms: peak RSS (VmHWM) and CPU
 * time (utime + stime) by role (engine, language host, program, dynamic provider with its shim, moto),
 * and other test runs on the machine. A process's CPU time is its last reading, up to 50 ms short.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export type Role = "engine" | "language host" | "program" | "provider" | "moto";
export const ROLES: Role[] = ["engine", "language host", "program", "provider", "moto"];

/**
 * The largest VmHWM of a dynamic-provider (node) process, KiB (0: none seen), and of each role; how many dynamic-provider processes were seen; CPU
 * seconds during the command by role; the command lines of other test runs seen meanwhile.
 */
export type ProcessReport = { peakKiB: number; peakByRole: Record<Role, number>; providerProcesses: number; cpu: Record<Role, number> } & {
    others: string[];
};

const isDynamicProvider = (cmdline: string) => cmdline.split("\0").some((a) => /cmd\/dynamic-provider(\/index\.js)?$/.test(a));

function roleOf(argv: string[], cwd: () => string | undefined, programDir: string, motoPort: string): Role | undefined {
    const cmdline = argv.join("\0");
    if (argv.some((a) => a.endsWith("moto_server")) && argv.includes(motoPort)) return "moto";
    const pwd = argv.indexOf("--pwd");
    if (pwd >= 0 && argv[pwd + 1] === programDir) return "program";
    if (!/pulumi|node/.test(cmdline) || cwd() !== programDir) return undefined;
    // The shim (sh), its `node -e require.resolve(...)` child and the provider all count as the provider.
    if (cmdline.includes("pulumi-resource-pulumi-nodejs") || cmdline.includes("cmd/dynamic-provider")) return "provider";
    if (path.basename(argv[0]) === "pulumi-language-nodejs") return "language host";
    if (argv.some((a) => /cmd\/run(\/index\.js)?$/.test(a))) return "program";
    return path.basename(argv[0]) === "pulumi" ? "engine" : undefined;
}

/** A /proc file's text, or undefined when the process is gone. */
const read = (file: string, link = false) => {
    try {
        return link ? fs.readlinkSync(file) : fs.readFileSync(file, "utf8");
    } catch {
        return undefined;
    }
};

/** Clock ticks per second (USER_HZ), 100 on Linux. */
const HZ = 100;

export class ProcessWatch {
    private readonly seen = new Map<number, { role: Role; base: number; last: number; hwmKiB: number; providerNode: boolean }>();
    /** Pids running when the watch started, with their ticks then. */
    private readonly before = new Map<number, number>();
    private readonly others = new Map<number, string>();
    private timer: NodeJS.Timeout | undefined;
    private started = false;

    constructor(
        private readonly programDir: string,
        private readonly motoPort: string,
    ) {}

    start(): void {
        this.scan();
        this.started = true;
        this.timer = setInterval(() => this.scan(), 50);
    }

    stop(): ProcessReport {
        clearInterval(this.timer);
        this.scan();
        const cpu = Object.fromEntries(ROLES.map((r) => [r, 0])) as Record<Role, number>;
        const peakByRole = { ...cpu };
        let [peakKiB, providerProcesses] = [0, 0];
        for (const s of this.seen.values()) {
            cpu[s.role] += (s.last - s.base) / HZ;
            peakByRole[s.role] = Math.max(peakByRole[s.role], s.hwmKiB);
            if (s.providerNode) [peakKiB, providerProcesses] = [Math.max(peakKiB, s.hwmKiB), providerProcesses + 1];
        }
        return { peakKiB, peakByRole, providerProcesses, cpu, others: [...this.others.values()] };
    }

    private scan(): void {
        for (const e of fs.readdirSync("/proc")) {
            const pid = Number(e);
            if (!Number.isInteger(pid) || pid === process.pid) continue;
            // Read again every time: between fork and exec a process shows its parent's command line.
            const cmdline = read(`/proc/${pid}/cmdline`);
            const stat = read(`/proc/${pid}/stat`);
            if (!cmdline || !stat) continue;
            const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
            const ticks = Number(fields[11]) + Number(fields[12]); // utime and stime, fields 14 and 15 of proc(5)
            if (!this.started) this.before.set(pid, ticks);
            if (/(^|\0|\/)mocha(\0|$)|\/\.bin\/mocha|scripts\/(test|demo)\.sh/.test(cmdline))
                this.others.set(pid, cmdline.split("\0").join(" ").trim().slice(0, 120));
            const argv = cmdline.split("\0").filter((a, i, all) => a !== "" || i < all.length - 1);
            const role = roleOf(argv, () => read(`/proc/${pid}/cwd`, true), this.programDir, this.motoPort);
            if (!role) continue;
            const s = this.seen.get(pid) ?? { role, base: this.before.get(pid) ?? 0, last: 0, hwmKiB: 0, providerNode: false };
            Object.assign(s, { role, last: ticks });
            if (role === "provider" && isDynamicProvider(cmdline) && !cmdline.includes("require.resolve")) s.providerNode = true;
            const hwm = /^VmHWM:\s+(\d+)\s+kB/m.exec(read(`/proc/${pid}/status`) ?? "");
            if (hwm) s.hwmKiB = Math.max(s.hwmKiB, Number(hwm[1]));
            this.seen.set(pid, s);
        }
    }
}
