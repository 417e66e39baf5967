/**
 * The landing-zone section (issue 10): N authorizations over A accounts × 3 regions through roles,
 * each command beside the lean floor; then `up` under 10 Config calls/s per (account, region) and
 * `refresh` at each latency (default parallelism and 256), against the floors.
 *
 *   [--n 1000] [--accounts 10] [--latency-ms 250]
 */
import * as path from "node:path";
import { REPO } from "../test/harness/pulumi";
import { COMMANDS, tokenBucket, type Section } from "./measure";
import { specs, writeSpecs } from "./specs";

const [OURS, LEAN] = [path.join(REPO, "bench/programs/landing-zone"), path.join(REPO, "bench/programs/floor-lean")];
const RATE = { ratePerSecond: 10, capacity: 10 };

type Options = { n: number; accounts: number; latencyMs: number[] };

export const landingZone: Section<Options> = {
    name: "landing-zone",
    defaults: { n: 1000, accounts: 10, latencyMs: [250] },
    flags: { "--n": ["n", "int"], "--accounts": ["accounts", "int"], "--latency-ms": ["latencyMs", "ms"] },
    commands: COMMANDS,
    groups: (o) => [{ reps: 1, runs: [OURS, LEAN].map((program, i) => ({ variant: i ? "lean" : "ours", program, n: o.n })) }],
    prepare: (o, r, command) => writeSpecs(r.stack!.dir, specs(o.n, command === "update-tags" ? 2 : 1, o.accounts)),
    async after(bench, o, data) {
        await bench.moto.reset();
        const stack = await bench.stack(OURS);
        writeSpecs(stack.dir, specs(o.n, 1, o.accounts));
        bench.log(`up under ${RATE.ratePerSecond} Config calls/s per (account, region)`);
        // The account is told by the access key: each role's credentials are one key in one provider process.
        const bucket = tokenBucket(RATE, (c) => `${c.accessKeyId}/${c.region}`);
        const up = await bench.measure(stack, { n: o.n, variant: "ours", command: "up", rep: -1 }, bucket.rule);
        const [busiest, most] = [...bucket.served.entries()].sort((a, b) => b[1] - a[1])[0] ?? ["none", 0];
        // The bucket starts full: its first `capacity` calls need no wait.
        const floor = Math.max(0, most - RATE.capacity) / RATE.ratePerSecond;
        data.limited = { up, floor, busiest, buckets: bucket.served.size, ...RATE };
        if (up.error) data.failures.push(`rate-limited up: ${up.error}`);
        const latency = (data.latency = [] as unknown[]);
        for (const latencyMs of o.latencyMs)
            for (const parallel of [undefined, 256]) {
                const m = await bench.measure(stack, { n: o.n, variant: "ours", command: "refresh", rep: -2, latencyMs, parallel });
                latency.push(m);
                if (m.error) data.failures.push(`refresh under latency: ${m.error}`);
            }
        await bench.measure(stack, { n: o.n, variant: "ours", command: "destroy", rep: -1 });
    },
};
