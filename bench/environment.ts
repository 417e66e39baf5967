/** What the benchmark ran on: machine, tool and package versions, and the date. */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO } from "../test/harness/pulumi";

export type Environment = ReturnType<typeof environment>;
const DEPENDENCIES = ["@pulumi/pulumi", "@aws-sdk/client-config-service", "@aws-sdk/client-sts"];
const versionOf = (pkg: string) => run("node", ["-p", `require("${pkg}/package.json").version`]) ?? "not installed";

function run(cmd: string, args: string[], trim = true): string | undefined {
    try {
        const out = execFileSync(cmd, args, { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
        return trim ? out.trim() : out;
    } catch {
        return undefined;
    }
}

/** The moto version, asked of the Python that runs `moto_server` (through a pyenv shim if need be). */
function motoVersion(): string {
    const firstLine = (f: string) => fs.readFileSync(f, "utf8").split("\n")[0];
    const on = (d: string) => fs.existsSync(path.join(d, "moto_server"));
    let script = (process.env.PATH ?? "").split(path.delimiter).find(on)?.concat(path.sep, "moto_server");
    if (script && !firstLine(script).includes("python")) script = run("pyenv", ["which", "moto_server"]) ?? script;
    const shebang = script ? /^#!\s*(\S+)/.exec(firstLine(script))?.[1] : undefined;
    return run(shebang?.includes("python") ? shebang : "python3", ["-c", "import moto; print(moto.__version__)"]) ?? "unknown";
}

export function environment() {
    const cpuinfo = fs.readFileSync("/proc/cpuinfo", "utf8");
    const memKiB = Number(/^MemTotal:\s+(\d+)/m.exec(fs.readFileSync("/proc/meminfo", "utf8"))?.[1] ?? 0);
    const own = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
    const head = run("git", ["rev-parse", "--short", "HEAD"]) ?? "unknown";
    const status = run("git", ["status", "--porcelain", "--", "provider", "sdk", "package.json", "package-lock.json"], false) ?? "";
    const dirty = status
        .split("\n")
        .filter(Boolean)
        .map((l) => l.slice(3));
    return {
        date: new Date().toISOString(),
        nproc: run("nproc", []) ?? String(os.availableParallelism()),
        cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? "unknown",
        memory: `${(memKiB / 1024 / 1024).toFixed(1)} GiB`,
        kernel: `${os.type()} ${os.release()}`,
        node: run("node", ["--version"]) ?? process.version,
        pulumi: run("pulumi", ["version"]) ?? "unknown",
        packages: { [own.name]: own.version, ...Object.fromEntries(DEPENDENCIES.map((pkg) => [pkg, versionOf(pkg)])) },
        moto: motoVersion(),
        git: dirty.length ? `${head} with uncommitted changes to ${dirty.join(", ")}` : `${head} (provider/ and sdk/ as committed)`,
    };
}

/** The 1, 5 and 15 minute load averages: other work on the machine would skew the times. */
export function loadAverage(): string {
    return fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}
