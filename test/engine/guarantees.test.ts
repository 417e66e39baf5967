/**
 * The guarantees of docs/ownership-and-adoption.md, "Guarantees", under the real pulumi CLI against moto, with the AWS state
 * read back independently after each step: faults, interruption, ownership, renames and moves, and
 * two stacks claiming one authorization.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { AGGREGATOR_ACCOUNT, SOURCE_ACCOUNT, useAws, type AwsFixture, created as tagged } from "../harness/aws";
import { Stack, engineOwner } from "../harness/pulumi";
import { declare, upKilled, useStacks, type Spec } from "../harness/engine";
import { faults, type Fault } from "../harness/proxy";
import { seeded } from "../harness/random";
import { TYPE } from "../../provider/core/model/dynamic";
import { OWNER_TAG } from "../../provider/core/model/types";

const OWNER = OWNER_TAG;
const REGIONS = ["eu-west-1", "us-west-2", "ap-southeast-2"];
/** The component type of the test program's `parent` groups. */
const GROUP = "test:index:Group";

/** `n` authorizations spread over the three source regions, each with a distinct key. */
function fleet(n: number, tags: Record<string, string> = { team: "platform" }): Spec[] {
    return Array.from({ length: n }, (_, i) => ({
        name: `auth-${i}`,
        authorizedAccountId: String(111100000000 + Math.floor(i / REGIONS.length)),
        authorizedAwsRegion: "us-east-1",
        region: REGIONS[i % REGIONS.length],
        tags,
    }));
}

/** The authorizations AWS holds in every region the tests use, as `region/account/aggregator region` → tags. */
async function awsState(aws: AwsFixture): Promise<Record<string, Record<string, string>>> {
    const out: Record<string, Record<string, string>> = {};
    for (const region of [...REGIONS, "eu-central-1"]) {
        for (const a of await aws.list(region))
            out[`${region}/${a.AuthorizedAccountId}/${a.AuthorizedAwsRegion}`] = await aws.tags(region, a.AggregationAuthorizationArn!);
    }
    return out;
}

/** One authorization of the aggregator in us-east-1, from eu-west-1, tagged team=platform. */
function single(name: string): Spec {
    return {
        name,
        authorizedAccountId: AGGREGATOR_ACCOUNT,
        authorizedAwsRegion: "us-east-1",
        region: "eu-west-1",
        tags: { team: "platform" },
    };
}

/** What AWS should hold for `specs` created by stack `stack` of the engine-test project. */
function expected(specs: Spec[], stack = "test"): Record<string, Record<string, string>> {
    return Object.fromEntries(
        specs.map((s) => [
            `${s.region}/${s.authorizedAccountId}/${s.authorizedAwsRegion}`,
            { ...s.tags, [OWNER]: tagged(engineOwner(s.name, stack, "engine-test", s.parent ? GROUP : undefined)) },
        ]),
    );
}

/** Asserts the state holds exactly `specs`, each with the ARN and tags AWS has. */
async function assertStateMatches(stack: Stack, specs: Spec[]): Promise<void> {
    const inState = stack.authorizations();
    assert.deepEqual(inState.map((r) => r.urn.split("::").pop()).sort(), specs.map((s) => s.name).sort(), "resources in state");
    for (const s of specs) {
        const r = inState.find((x) => x.urn.endsWith(`::${s.name}`))!;
        assert.equal(
            r.id,
            `arn:aws:config:${s.region}:${SOURCE_ACCOUNT}:aggregation-authorization/${s.authorizedAccountId}/${s.authorizedAwsRegion}`,
        );
        assert.deepEqual(r.outputs!.tags, s.tags ?? {}, `${s.name} tags in state`);
    }
}

describe("guarantees under the pulumi CLI", function () {
    this.timeout(15 * 60 * 1000);
    const aws = useAws();
    const stacks = useStacks(aws);
    const program = (specs: Spec[], opts: { stack?: string } = {}) =>
        stacks.authorizations(specs, {}, { ...opts, env: { AWS_MAX_ATTEMPTS: "8" } });

    describe("faults", () => {
        const seed = Number(process.env.FAULT_SEED ?? 20261125);
        it(`up, a tag change, refresh and destroy of 30 authorizations in 3 regions all succeed with 20% of Config calls failing (FAULT_SEED=${seed})`, async () => {
            const random = seeded(seed);
            const kinds: (() => Fault)[] = [faults.throttle, faults.internal, faults.unavailable, faults.reset, faults.lostAnswer];
            let injected = 0;
            aws.proxy.inject((c) => {
                if (c.service !== "config" || random() >= 0.2) return undefined;
                injected++;
                return kinds[Math.floor(random() * kinds.length)]();
            });
            const specs = fleet(30);
            const s = await program(specs);

            await s.up();
            assert.deepEqual(await awsState(aws), expected(specs), "after up");
            await assertStateMatches(s, specs);

            const retagged = fleet(30, { team: "security", env: "prod" });
            await declare(s, retagged);
            await s.up();
            assert.deepEqual(await awsState(aws), expected(retagged), "after the tag change");
            await assertStateMatches(s, retagged);

            await s.refresh();
            assert.deepEqual(await awsState(aws), expected(retagged), "after refresh");
            await assertStateMatches(s, retagged);

            await s.destroy();
            assert.deepEqual(await awsState(aws), {}, "after destroy");
            assert.deepEqual(s.authorizations(), []);
            assert.ok(injected >= 20, `faults injected: ${injected}`);
        });
    });

    describe("interruption", () => {
        /** The documented recovery (docs/recovery.md, "Recovering from an interrupted up"). */
        async function recover(s: Stack): Promise<void> {
            const cancel = await s.cancel({ allowFail: true });
            if (cancel.code !== 0) {
                // The kill landed while the file backend wrote a sidecar `.attrs` file (docs/recovery.md).
                assert.match(cancel.stderr, /failed to load checkpoint: EOF/, cancel.stderr);
                assert.notDeepEqual(s.removeCutShortSidecars(), [], "a cut-short sidecar to remove");
                await s.cancel();
            }
            const up = await s.up({ allowFail: true });
            if (up.code === 0) return;
            // AWS created some authorizations the state never recorded: the create (or the up's check)
            // refuses its own authorization, since it cannot tell this stack's interrupted create from a
            // stack that once had this name, and names the command. docs/recovery.md: check the ARN against the
            // state's pending creates, then reclaim them (all of them at once: comma-separated).
            const named = [...up.stdout.matchAll(/PULUMI_AWS_CONFIG_AGGREGATION_RECLAIM=(\S+) pulumi up/g)].map((m) => m[1]);
            assert.notDeepEqual(named, [], up.stdout);
            const ops = (s.exportState().deployment.pending_operations ?? []) as { type: string; resource: { inputs: { arn?: string } } }[];
            const pending = ops.filter((op) => op.type === "creating").map((op) => op.resource.inputs.arn!);
            for (const arn of named) assert.ok(pending.includes(arn), `${arn} is a pending create of this stack: ${pending.join(", ")}`);
            await s.up({ env: { PULUMI_AWS_CONFIG_AGGREGATION_RECLAIM: pending.join(",") } });
        }

        it("recovers as the docs say when a kill cut short the state's sidecar: cancel names the EOF, deleting the empty .attrs loses nothing", async () => {
            const specs = fleet(3);
            const s = await program(specs);
            await s.up();
            const [sidecar] = s.backendFiles().filter((f) => f.endsWith(`${s.name}.json.attrs`));
            fs.writeFileSync(sidecar, ""); // what a SIGKILL between fileblob's os.Create and its write leaves
            const cancel = await s.cancel({ allowFail: true });
            assert.equal(cancel.code, 1);
            assert.equal(cancel.stderr.trim(), "error: failed to load checkpoint: EOF");
            assert.deepEqual(s.removeCutShortSidecars(), [sidecar]);
            await s.cancel();
            const preview = await s.previewJson();
            assert.deepEqual(
                preview.changeSummary,
                { same: specs.length + 1 },
                "the stack and its authorizations, nothing to do: the state is whole",
            );
            await assertStateMatches(s, specs);
        });

        for (const [point, before, after, when] of [
            ["during creates", [] as Spec[], fleet(12), (op: string, n: number) => op === "PutAggregationAuthorization" && n === 5],
            ["during tag updates", fleet(12), fleet(12, { team: "security" }), (op: string, n: number) => op === "TagResource" && n === 5],
            [
                "during replacements",
                fleet(12),
                fleet(12).map((s) => ({ ...s, authorizedAwsRegion: "eu-central-1" })),
                (op: string, n: number) => op === "DeleteAggregationAuthorization" && n === 3,
            ],
        ] as const) {
            it(`converges after a SIGKILL ${point} with pulumi cancel and pulumi up, nothing orphaned or lost`, async () => {
                const s = await program([...before]);
                if (before.length) await s.up();
                await declare(s, [...after]);
                await upKilled(aws, s, when);
                await recover(s);
                assert.deepEqual(await awsState(aws), expected([...after]), "AWS equals the program");
                await assertStateMatches(s, [...after]);
                // The interrupted run's bookkeeping; the resources themselves are already right.
                await s.refresh({ clearPendingCreates: true });
                assert.deepEqual(s.exportState().deployment.pending_operations ?? [], []);
                assert.deepEqual(await awsState(aws), expected([...after]));
                await s.destroy();
                assert.deepEqual(await awsState(aws), {}, "destroy removes all, nothing orphaned");
            });
        }
    });

    describe("ownership", () => {
        it("never takes over an existing authorization silently; adopts it on adoptExisting, and destroy leaves it", async () => {
            const existing = await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", {
                "aws-control-tower": "managed-by-control-tower",
            });
            const spec = single("ct");
            const s = await program([spec]);
            const r = await s.up({ allowFail: true });
            assert.notEqual(r.code, 0);
            assert.match(
                r.stdout,
                /in source region eu-west-1 already exists, created outside Pulumi \(AWS Control Tower, another tool or a person\)\. Pulumi changed nothing\./,
            );
            assert.deepEqual(await awsState(aws), {
                [`eu-west-1/${AGGREGATOR_ACCOUNT}/us-east-1`]: { "aws-control-tower": "managed-by-control-tower" },
            });
            assert.deepEqual(s.authorizations(), []);

            await declare(s, [{ ...spec, adoptExisting: true }]);
            await s.up();
            assert.deepEqual(
                await awsState(aws),
                { [`eu-west-1/${AGGREGATOR_ACCOUNT}/us-east-1`]: { "aws-control-tower": "managed-by-control-tower", team: "platform" } },
                "the declared tag is added, Control Tower's stays, no owner tag",
            );
            const [adopted] = s.authorizations();
            assert.equal(adopted.outputs!.adopted, true);
            assert.equal(adopted.outputs!.creationTime, existing.CreationTime!.toISOString());

            await s.destroy();
            assert.deepEqual(
                (await aws.list("eu-west-1")).map((a) => a.AggregationAuthorizationArn),
                [existing.AggregationAuthorizationArn],
                "destroy leaves it",
            );
            assert.deepEqual(s.authorizations(), []);
        });

        it("fails the second stack that declares the same authorization, naming the owner, and leaves the first untouched", async () => {
            const specs = fleet(1);
            const first = await program(specs, { stack: "first" });
            await first.up();
            const before = await aws.list("eu-west-1");
            const second = await program(specs, { stack: "second" });
            const r = await second.up({ allowFail: true });
            assert.notEqual(r.code, 0);
            assert.match(
                r.stdout,
                /managed by the Pulumi resource organization\/engine-test\/first\/auth-0 \(its pulumi-aws-config-aggregation:owner tag\)\. Pulumi changed nothing\. Two stacks cannot both manage it\./,
            );
            assert.deepEqual(await aws.list("eu-west-1"), before);
            assert.deepEqual(await awsState(aws), expected(specs, "first"));
            assert.deepEqual(second.authorizations(), []);
            await second.destroy();
            assert.deepEqual(await awsState(aws), expected(specs, "first"), "the second stack's destroy deletes nothing");
            await first.destroy();
            assert.deepEqual(await awsState(aws), {});
        });
    });

    describe("components", () => {
        it("runs three authorizations under one component: preview, up and destroy", async () => {
            const specs = fleet(3).map((s) => ({ ...s, name: `group-${s.region}`, parent: "group" }));
            const s = await program(specs);
            const preview = await s.previewJson();
            assert.deepEqual(
                preview.steps
                    .filter((x) => x.op === "create")
                    .map((x) => x.urn.split("::").slice(-2).join("::"))
                    .sort(),
                [
                    "pulumi:pulumi:Stack::engine-test-test",
                    "test:index:Group::group",
                    ...specs.map((x) => `test:index:Group$${TYPE}::${x.name}`),
                ].sort(),
            );
            await s.up();
            assert.deepEqual(await awsState(aws), expected(specs), "each child carries its own owner");
            await assertStateMatches(s, specs);
            await s.destroy();
            assert.deepEqual(await awsState(aws), {});
        });
    });

    describe("migration", () => {
        it("takes over an authorization made by pulumi-aws or Terraform with takeOwnership, keeping the tags it found, never deleting it, and destroy deletes it", async () => {
            const before = await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { Name: "made-by-terraform" });
            const spec = single("migrated");
            const s = await program([{ ...spec, takeOwnership: true }]);
            aws.proxy.clear();
            await s.up();
            // Then the docs' last step: drop the flag; nothing changes in AWS.
            await declare(s, [spec]);
            await s.up();
            assert.ok(!aws.proxy.operations().includes("DeleteAggregationAuthorization"), "never deleted on the way");
            assert.ok(!aws.proxy.operations().includes("PutAggregationAuthorization"), "never created again");
            assert.deepEqual(
                (await aws.list("eu-west-1")).map((a) => a.CreationTime!.toISOString()),
                [before.CreationTime!.toISOString()],
            );
            const [[key, tags]] = Object.entries(expected([spec]));
            assert.deepEqual(
                await awsState(aws),
                { [key]: { Name: "made-by-terraform", ...tags } },
                "the tag it found and the program does not declare stays",
            );
            const [owned] = s.authorizations();
            assert.equal(owned.outputs!.adopted, false);
            await s.destroy();
            assert.deepEqual(await awsState(aws), {}, "now it is this stack's: destroy deletes it");
        });

        it("fails a rename without an alias even with adoptExisting, so the old name's delete never removes it", async () => {
            const base = single("old");
            const s = await program([base]);
            await s.up();
            await declare(s, [{ ...base, name: "new", adoptExisting: true }]);
            const r = await s.up({ allowFail: true });
            assert.notEqual(r.code, 0);
            assert.match(r.stdout, /adoptExisting does not apply to authorizations that a Pulumi resource manages/);
            assert.deepEqual(await awsState(aws), expected([base]), "AWS keeps it, with the old owner");
            assert.deepEqual(
                s.authorizations().map((x) => x.urn.split("::").pop()),
                ["old"],
            );
        });
    });

    describe("renames and moves", () => {
        const base = single("old");
        const KEY = `eu-west-1/${AGGREGATOR_ACCOUNT}/us-east-1`;

        async function created(): Promise<{ s: Stack; creationTime: string }> {
            const s = await program([base]);
            await s.up();
            return { s, creationTime: (await aws.list("eu-west-1"))[0].CreationTime!.toISOString() };
        }
        const sameAuthorization = async (creationTime: string) =>
            assert.deepEqual(
                (await aws.list("eu-west-1")).map((a) => a.CreationTime!.toISOString()),
                [creationTime],
                "the same authorization, never deleted",
            );

        it("renames with an alias in place: no create, no delete, the owner tag follows", async () => {
            const { s, creationTime } = await created();
            aws.proxy.clear();
            await declare(s, [{ ...base, name: "new", aliases: [{ name: "old" }] }]);
            await s.up();
            assert.deepEqual(aws.proxy.operations(), ["ListTagsForResource", "TagResource"], "is it still ours? then retag");
            await sameAuthorization(creationTime);
            assert.deepEqual(await awsState(aws), { [KEY]: { team: "platform", [OWNER]: tagged(engineOwner("new")) } });
        });

        it("fails a rename without an alias, suggesting one, and keeps the authorization", async () => {
            const { s, creationTime } = await created();
            await declare(s, [{ ...base, name: "new" }]);
            const r = await s.up({ allowFail: true });
            assert.notEqual(r.code, 0);
            assert.match(
                r.stdout,
                /organization\/engine-test\/test\/old is in this stack\. If you renamed that resource .* \(aliases: \[\{ name: "old" \}\] for a rename\)/,
            );
            await sameAuthorization(creationTime);
            assert.deepEqual(
                s.authorizations().map((x) => x.urn.split("::").pop()),
                ["old"],
                "the state still has it",
            );
            await declare(s, [{ ...base, name: "new", aliases: [{ name: "old" }] }]);
            await s.up();
            await sameAuthorization(creationTime);
            assert.deepEqual(await awsState(aws), { [KEY]: { team: "platform", [OWNER]: tagged(engineOwner("new")) } });
        });

        it("moves into a component with an alias in place, and fails safe without one", async () => {
            const { s, creationTime } = await created();
            await declare(s, [{ ...base, parent: "group" }]);
            const r = await s.up({ allowFail: true });
            assert.notEqual(r.code, 0, "without an alias the create meets the old authorization");
            await sameAuthorization(creationTime);
            await declare(s, [{ ...base, parent: "group", aliases: [{ parent: "root" }] }]);
            await s.up();
            await sameAuthorization(creationTime);
            assert.deepEqual(await awsState(aws), {
                [KEY]: { team: "platform", [OWNER]: tagged(engineOwner("old", "test", "engine-test", GROUP)) },
            });
            await s.destroy();
            assert.deepEqual(await awsState(aws), {});
        });
    });
});
