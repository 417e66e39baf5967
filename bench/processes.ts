/**
 * Watches the processes of one Pulumi command through /proc (Linux only), every `intervalMs`:
 *
 * - the peak RSS of each process of the command by role (VmHWM in /proc/<pid>/status): the
 *   engine, the program, the dynamic provider (the node process running
 *   `@pulumi/pulumi/cmd/dynamic-provider`, started through the `pulumi-resource-pulumi-nodejs`
 *   shim, which execs it under the same pid, in the stack's program dir);
 * - the CPU time (utime + stime in /proc/<pid>/stat) of each process of the command by role: the
 *   engine (the `pulumi` CLI), the language host, the program, the provider, and moto, so that a
 *   command's wall time can be set against what kept the CPUs busy;
 * - other test runs on the machine (mocha, scripts/test.sh, scripts/demo.sh), which compete for the
 *   CPUs and would skew the times.
 *
 * A process's CPU time is its last reading before it exits, so up to one interval of it is missed.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export type Role = "engine" | "language host" | "program" | "provider" | "moto";
export const ROLES: Role[] = ["engine", "language host", "program", "provider", "moto"];

export interface ProcessReport {
    /** The largest VmHWM of a dynamic-provider process, in KiB; 0 when none was seen. */
    peakKiB: number;
    /** The largest VmHWM of a process of each role, in KiB (0: none seen). */
    peakByRole: Record<Role, number>;
    /** How many dynamic-provider (node) processes were seen. */
    providerProcesses: number;
    /** CPU seconds used during the command, by role. */
    cpu: Record<Role, number>;
    /** Command lines of other test runs seen during the command. */
    others: string[];
}

/** Whether a /proc cmdline (NUL-separated argv) is another test run: the test runner, the test or demo script. */
export function isOtherRun(cmdline: string): boolean {
    return /(^|\0|\/)mocha(\0|$)|\/\.bin\/mocha|scripts\/(test|demo)\.sh/.test(cmdline);
}

/** Whether a /proc cmdline is the dynamic provider itself (not its shim). */
export function isDynamicProvider(cmdline: string): boolean {
    return cmdline.split("\0").some((a) => /cmd\/dynamic-provider(\/index\.js)?$/.test(a));
}

/** The role of a process in a command on `programDir`, from its argv and working directory. */
export function roleOf(argv: string[], cwd: () => string | undefined, programDir: string, motoPort: string): Role | undefined {
    const cmdline = argv.join("\0");
    if (argv.some((a) => a.endsWith("moto_server")) && argv.includes(motoPort)) return "moto";
    const pwd = argv.indexOf("--pwd");
    if (pwd >= 0 && argv[pwd + 1] === programDir) return "program";
    const mayBeOurs = /pulumi|node/.test(cmdline);
    if (!mayBeOurs || cwd() !== programDir) return undefined;
    // The shim (sh), its `node -e require.resolve(...)` child and the provider all count as the provider.
    if (isDynamicProvider(cmdline) || cmdline.includes("pulumi-resource-pulumi-nodejs") || cmdline.includes("cmd/dynamic-provider"))
        return "provider";
    if (path.basename(argv[0]) === "pulumi-language-nodejs") return "language host";
    if (argv.some((a) => /cmd\/run(\/index\.js)?$/.test(a))) return "program";
    if (path.basename(argv[0]) === "pulumi") return "engine";
    return undefined;
}

function read(file: string): string | undefined {
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        return undefined; // the process is gone
    }
}

/** utime + stime of a process, in clock ticks. */
function ticks(pid: number): number | undefined {
    const stat = read(`/proc/${pid}/stat`);
    if (!stat) return undefined;
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]); // fields 14 and 15 of proc(5), counted after the comm
}

/** Clock ticks per second (USER_HZ), 100 on Linux. */
const HZ = 100;

interface Seen {
    role: Role;
    /** Ticks when the watch started (for processes already running then), else 0. */
    base: number;
    last: number;
    hwmKiB: number;
    providerNode: boolean;
}

export class ProcessWatch {
    private readonly seen = new Map<number, Seen>();
    /** Pids running when the watch started, with their ticks then. */
    private readonly before = new Map<number, number>();
    private readonly others = new Map<number, string>();
    private timer: NodeJS.Timeout | undefined;
    private started = false;

    constructor(
        private readonly programDir: string,
        private readonly motoPort: string,
    ) {}

    start(intervalMs = 50): void {
        this.scan();
        this.started = true;
        this.timer = setInterval(() => this.scan(), intervalMs);
    }

    stop(): ProcessReport {
        if (this.timer) clearInterval(this.timer);
        this.scan();
        const cpu = Object.fromEntries(ROLES.map((r) => [r, 0])) as Record<Role, number>;
        const peakByRole = { ...cpu };
        let peakKiB = 0;
        let providerProcesses = 0;
        for (const s of this.seen.values()) {
            cpu[s.role] += (s.last - s.base) / HZ;
            peakByRole[s.role] = Math.max(peakByRole[s.role], s.hwmKiB);
            if (s.providerNode) peakKiB = Math.max(peakKiB, s.hwmKiB);
            if (s.providerNode) providerProcesses++;
        }
        return { peakKiB, peakByRole, providerProcesses, cpu, others: [...this.others.values()] };
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
            if (!Number.isInteger(pid) || pid === process.pid) continue;
            // The command line is read again every time: between fork and exec a process still shows
            // its parent's, and the provider's shim execs node under the same pid.
            const cmdline = read(`/proc/${pid}/cmdline`);
            if (!cmdline) continue;
            const t = ticks(pid);
            if (t === undefined) continue;
            if (!this.started) this.before.set(pid, t);
            if (isOtherRun(cmdline)) this.others.set(pid, cmdline.split("\0").join(" ").trim().slice(0, 120));
            const argv = cmdline.split("\0").filter((a, i, all) => a !== "" || i < all.length - 1);
            const role = roleOf(
                argv,
                () => {
                    try {
                        return fs.readlinkSync(`/proc/${pid}/cwd`);
                    } catch {
                        return undefined;
                    }
                },
                this.programDir,
                this.motoPort,
            );
            if (!role) continue;
            const s = this.seen.get(pid) ?? { role, base: this.before.get(pid) ?? 0, last: 0, hwmKiB: 0, providerNode: false };
            s.role = role;
            s.last = t;
            if (role === "provider" && isDynamicProvider(cmdline) && !cmdline.includes("require.resolve")) s.providerNode = true;
            const hwm = /^VmHWM:\s+(\d+)\s+kB/m.exec(read(`/proc/${pid}/status`) ?? "");
            if (hwm) s.hwmKiB = Math.max(s.hwmKiB, Number(hwm[1]));
            this.seen.set(pid, s);
        }
    }
}
