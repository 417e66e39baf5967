/**
 * The organization section (issues 18 and 24): A source accounts × R source regions, each account
 * through a role in it, as ours (one SourceAccountAuthorizations per account, a stack per latency the
 * proxy adds to every AWS call), the lean floor (a no-op resource per authorization) and the pulumi-aws
 * shape (a no-op provider-like resource per account and region beside each). The floors' `up` grows as
 * N², so they run at smaller N (whole accounts) and the report reads them at ours' N off a fit (bench/fit.ts).
 *
 *   [--accounts 300] [--regions 17] [--floor-sizes 250,500,1000] [--variants ours,lean,pulumi-aws] [--latency-ms 0,100,250]
 */
import * as path from "node:path";
import { roleIn } from "../test/harness/aws";
import { REPO } from "../test/harness/pulumi";
import { SOURCE_ACCOUNT_TYPE } from "../provider/core/model/dynamic";
import { ORGANIZATION_COMMANDS, type CommandName, type Run, type Section } from "./measure";
import { ORGANIZATION_REGIONS, sourceAccounts, writeSpecs } from "./specs";
import { ORGANIZATION_SIZE } from "./targets";

const VARIANTS = ["ours", "lean", "pulumi-aws"] as const;
const [OURS, LEAN] = [path.join(REPO, "bench/programs/organization"), path.join(REPO, "bench/programs/floor-lean")];

/** `latencyMs`: the delays added to every AWS call, ms, one stack of ours each, the first one the reference. */
type Options = { accounts: number; regions: number; floorSizes: number[]; variants: string[]; latencyMs: number[] };

/** The aggregator of ours' `key`-th latency: another key for every authorization, so that each latency's stack has its own. */
const aggregator = (key = 0) => ({ authorizedAccountId: String(222222222222 + key), authorizedAwsRegion: "us-east-1" });
/** From the add-a-region `up` on, the regions hold one more, and from the tag change on, the tag is v2. */
const after = (command: CommandName, first: CommandName) => ORGANIZATION_COMMANDS.indexOf(command) >= ORGANIZATION_COMMANDS.indexOf(first);
const regionsAt = (o: Options, c: CommandName) => ORGANIZATION_REGIONS.slice(0, o.regions + (after(c, "add-region") ? 1 : 0));
const tagAt = (c: CommandName) => (after(c, "update-tags") ? "v2" : "v1");

export const organization: Section<Options> = {
    name: "organization",
    defaults: { ...ORGANIZATION_SIZE, floorSizes: [250, 500, 1000], variants: [...VARIANTS], latencyMs: [0] },
    flags: {
        ...{ "--accounts": ["accounts", "int"], "--regions": ["regions", "int"], "--floor-sizes": ["floorSizes", "ints"] },
        ...{ "--variants": ["variants", VARIANTS], "--latency-ms": ["latencyMs", "ms"] },
    },
    commands: ORGANIZATION_COMMANDS,
    groups(o) {
        if (o.regions + 1 > ORGANIZATION_REGIONS.length) throw new Error(`--regions: at most ${ORGANIZATION_REGIONS.length - 1}`);
        const n = o.accounts * o.regions;
        const ours = o.variants.includes("ours")
            ? o.latencyMs.map((latencyMs, key): Run => ({ variant: "ours", program: OURS, n, latencyMs, key }))
            : [];
        const sizes = [...new Set(o.floorSizes.map((x) => Math.max(1, Math.round(x / o.regions))))].sort((a, b) => a - b);
        const floors = (["lean", "pulumi-aws"] as const)
            .filter((v) => o.variants.includes(v))
            .flatMap((variant) => sizes.map((a): Run => ({ variant, program: LEAN, n: a * o.regions, latencyMs: o.latencyMs[0] })));
        return [{ reps: 1, runs: [...ours, ...floors] }];
    },
    /** Sets ours' stack config, or writes a floor's resources.json, for `command`. */
    async prepare(o, r, command) {
        const stack = r.stack!;
        if (r.variant === "ours") {
            if (command === "up" || command === "preview-create") {
                await stack.setConfigObjects({ accounts: sourceAccounts(o.accounts), regions: regionsAt(o, "up") });
                await stack.setConfig({ ...aggregator(r.key), tag: tagAt("up") });
            } else if (command === "add-region") await stack.setConfig({ extraRegion: ORGANIZATION_REGIONS[o.regions] });
            else if (command === "update-tags") await stack.setConfig({ tag: tagAt(command) });
            return;
        }
        const specs = sourceAccounts(r.n / o.regions).flatMap((account) =>
            regionsAt(o, command).map((region) => ({
                ...{ name: `auth-${account}-${region}`, account, region, roleArn: roleIn(account) },
                ...(r.variant === "pulumi-aws" ? { provider: `provider-${account}-${region}` } : {}),
                ...aggregator(),
                tags: { team: "platform", bench: tagAt(command) },
            })),
        );
        writeSpecs(stack.dir, specs);
    },
    /** The state file as the backend stores it, after `up` and after the region is added, at the first latency. */
    state(o, r, command) {
        if (r.latencyMs !== o.latencyMs[0] || (command !== "up" && command !== "add-region")) return undefined;
        const { text, resources } = r.stack!.exportState();
        const count = (type: string) => resources.filter((x) => x.type === type).length;
        return {
            ...{ variant: r.variant, n: r.n, after: command, bytes: Buffer.byteLength(text) },
            resources: resources.filter((x) => x.type !== "pulumi:pulumi:Stack" && !x.type.startsWith("pulumi:providers:")).length,
            authorizations:
                r.variant === "ours"
                    ? count(SOURCE_ACCOUNT_TYPE) * regionsAt(o, command).length
                    : count("pulumi-nodejs:dynamic/bench:LeanNoop"),
        };
    },
};
