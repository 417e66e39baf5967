/**
 * Migrations without a gap and the recovery from an interrupted `up`, as docs/migration.md, "Moving to
 * SourceAccountAuthorizations with no gap", and docs/recovery.md, "Recovering from an interrupted up",
 * describe them, under the real pulumi CLI with the AWS state read back after every step: from the
 * component's earlier per-region children, from another stack (`pulumi state move`), and the recovery
 * commands run as they stand in docs/recovery.md.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { AGGREGATOR_ACCOUNT, OTHER_ACCOUNT, SOURCE_ACCOUNT, arnOf, roleIn, useAws, withoutDigest } from "../harness/aws";
import { CAPTURED } from "../harness/docs";
import { PROGRAMS, declare, nameOf, specOf, upKilled, useStacks, type AccountSpec, type Spec } from "../harness/engine";
import { REPO, engineOwner, type Result, type Stack } from "../harness/pulumi";
import { SOURCE_ACCOUNT_TYPE } from "../../provider/core/model/dynamic";
import { OWNER_TAG as OWNER } from "../../provider/core/model/types";

/** The component's type token (sdk/authorizations.ts). */
const COMPONENT = "pulumi-aws-config-aggregation:index:AggregationAuthorizations";
const REGIONS = ["ap-southeast-2", "eu-west-1", "us-west-2"];
/** The calls that create or delete an authorization. */
const PUT_OR_DELETE = ["PutAggregationAuthorization", "DeleteAggregationAuthorization"];

/** All a run printed. */
const printed = (r: Result) => `${r.stdout}\n${r.stderr}`;

/** One SourceAccountAuthorizations `acct` of the aggregator in us-east-1, in the credentials' account. */
const accountSpec = (over: Partial<AccountSpec> = {}): AccountSpec => ({
    name: "acct",
    authorizedAccountId: AGGREGATOR_ACCOUNT,
    authorizedAwsRegion: "us-east-1",
    regions: REGIONS,
    tags: { team: "platform" },
    ...over,
});

/** The owner tag value of creation `creationId` of `name`, a resource of `type` in `stack` of `project`, under a `parentType` component or the stack. */
const ownerTag = (creationId: unknown, name: string, stack: string, project: string, parentType?: string, type?: string) =>
    `${engineOwner(name, stack, project, parentType, type)} creation:${String(creationId)}`;

/**
 * The shell commands of docs/recovery.md's fenced block between `<!-- recovery: <name> -->` and
 * `<!-- /recovery: <name> -->`, one per line, as they stand (comments are bash's to drop).
 */
function readmeCommands(name: string): string[] {
    const readme = fs.readFileSync(path.join(REPO, CAPTURED.recovery), "utf8");
    const start = readme.indexOf(`<!-- recovery: ${name} -->`);
    const end = readme.indexOf(`<!-- /recovery: ${name} -->`);
    assert.ok(start >= 0 && end > start, `${CAPTURED.recovery} marks the recovery commands "${name}"`);
    const fence = /```sh\n([\s\S]*?)```/.exec(readme.slice(start, end));
    assert.ok(fence, `a sh block between the "${name}" markers`);
    return fence[1].split("\n").filter((l) => l.trim() !== "");
}

/** The ARNs a refused `up` names in its reclaim command, sorted. */
const reclaimNamed = (r: Result) =>
    [...new Set([...printed(r).matchAll(/PULUMI_AWS_CONFIG_AGGREGATION_RECLAIM=(\S+) pulumi up/g)].map((m) => m[1]))].sort();

describe("migration and recovery, under the pulumi CLI", function () {
    this.timeout(15 * 60 * 1000);
    const aws = useAws();
    const stacks = useStacks(aws);

    type Held = Record<string, { creationTime: string; tags: Record<string, string> }>;
    /** What AWS holds in `regions` of each of `accounts`, as `<account>/<region>` → creation time and exact tags; only this aggregator's. */
    async function held(accounts: string[], regions: string[] = REGIONS): Promise<Held> {
        const out: Held = {};
        for (const account of accounts) {
            const read = async () => {
                for (const region of regions) {
                    for (const a of await aws.list(region)) {
                        const arn = arnOf(region, "us-east-1", AGGREGATOR_ACCOUNT, account);
                        assert.equal(a.AggregationAuthorizationArn, arn, "only the aggregator of these tests");
                        out[`${account}/${region}`] = { creationTime: a.CreationTime!.toISOString(), tags: await aws.rawTags(region, arn) };
                    }
                }
            };
            await (account === SOURCE_ACCOUNT ? read() : aws.inAccount(account, read));
        }
        return out;
    }

    /** The types of the pending operations `s`'s state holds. */
    const pendingTypes = (s: Stack) => ((s.exportState().deployment.pending_operations ?? []) as { type: string }[]).map((op) => op.type);

    /** The UntagResource calls that removed the owner tag since the proxy's log was last cleared. */
    const ownerUntags = () =>
        aws.proxy.calls.filter((c) => c.operation === "UntagResource" && ((c.body?.TagKeys as string[] | undefined) ?? []).includes(OWNER));

    /** The Put and Delete calls that reached AWS since the proxy's log was last cleared. */
    const putsAndDeletes = () => aws.proxy.operations().filter((op) => PUT_OR_DELETE.includes(op));

    /** The SourceAccountAuthorizations records of `s`, by name. */
    const grouped = (s: Stack) =>
        Object.fromEntries(
            s
                .sourceAccounts()
                .map((r) => [
                    nameOf(r.urn),
                    r.outputs as { regions: string[]; creationIds: Record<string, string>; creationTimes: Record<string, string> },
                ]),
        );

    /** The AggregationAuthorization records of `s`, by name. */
    const singles = (s: Stack) =>
        Object.fromEntries(
            s.authorizations().map((r) => [nameOf(r.urn), r.outputs as { creationId: string; creationTime: string; region: string }]),
        );

    it("1. migrates the component's earlier per-region children to its SourceAccountAuthorizations children with takeOwnership, no gap", async () => {
        const ACCOUNTS = [SOURCE_ACCOUNT, OTHER_ACCOUNT];
        const sources = [
            { accountId: SOURCE_ACCOUNT, regions: REGIONS },
            { accountId: OTHER_ACCOUNT, regions: REGIONS, roleArn: roleIn(OTHER_ACCOUNT) },
        ];
        // The stack as an earlier version of the component left it: org-<account>-<region> under `org`.
        const s = await stacks.create(PROGRAMS.organizationPerRegion, {
            aggregatorAccountId: AGGREGATOR_ACCOUNT,
            aggregatorRegion: "us-east-1",
            sources: JSON.stringify(sources),
        });
        await s.up();
        const old = singles(s);
        const keys = ACCOUNTS.flatMap((a) => REGIONS.map((r) => `${a}/${r}`));
        assert.deepEqual(Object.keys(old).sort(), keys.map((k) => `org-${k.replace("/", "-")}`).sort());
        const before = await held(ACCOUNTS);
        assert.deepEqual(Object.keys(before).sort(), keys.sort());
        for (const k of keys) {
            const name = `org-${k.replace("/", "-")}`;
            assert.deepEqual(before[k].tags, {
                team: "platform",
                [OWNER]: ownerTag(old[name].creationId, name, "test", "engine-org", COMPONENT),
            });
        }

        // The upgrade: the current component (same project, stack and name), with takeOwnership for this up.
        fs.copyFileSync(path.join(PROGRAMS.organization, "index.js"), path.join(s.dir, "index.js"));
        await s.setConfig({ takeOwnership: "true" });
        aws.proxy.clear();
        const up = await s.up({ allowFail: true });
        const after = await held(ACCOUNTS);
        assert.deepEqual(Object.keys(after).sort(), keys.sort(), `AWS holds every authorization after the upgrade:\n${printed(up)}`);
        assert.equal(up.code, 0, printed(up));
        assert.deepEqual(putsAndDeletes(), [], "no Put, no Delete reached AWS");
        assert.deepEqual(ownerUntags(), [], "no owner tag removed on the way: one replaces the other");
        assert.match(up.stdout, /\+ 2 created\b/, "a SourceAccountAuthorizations per account created");
        assert.match(up.stdout, /- 6 deleted\b/, "the per-region children deleted (from the state only)");
        assert.deepEqual(s.authorizations(), [], "the per-region children are gone from the state");
        const g = grouped(s);
        assert.deepEqual(Object.keys(g).sort(), ACCOUNTS.map((a) => `org-${a}`).sort(), "one SourceAccountAuthorizations per account");
        for (const k of keys) {
            const [account, region] = k.split("/");
            const name = `org-${account}`;
            assert.deepEqual(g[name].regions, REGIONS);
            assert.deepEqual(
                after[k],
                {
                    creationTime: before[k].creationTime,
                    tags: {
                        team: "platform",
                        [OWNER]: ownerTag(g[name].creationIds[region], name, "test", "engine-org", COMPONENT, SOURCE_ACCOUNT_TYPE),
                    },
                },
                `${k}: the same authorization, its owner tag naming the new child's creation`,
            );
            assert.equal(g[name].creationTimes[region], before[k].creationTime, `${k}: the state records the creation time AWS reports`);
        }

        // The docs' step 2: drop the flag; no AWS change.
        await s.shell("pulumi config rm takeOwnership");
        aws.proxy.clear();
        await s.up();
        assert.deepEqual(
            aws.proxy.operations().filter((op) => [...PUT_OR_DELETE, "TagResource", "UntagResource"].includes(op)),
            [],
            "no call that changes AWS",
        );
        assert.deepEqual(await held(ACCOUNTS), after, "AWS as after the upgrade");
        const records = grouped(s);
        for (const name of Object.keys(g)) {
            const { takeOwnership, ...rest } = g[name] as (typeof g)[string] & { takeOwnership?: boolean };
            assert.equal(takeOwnership, true, `${name} recorded the flag of the upgrade`);
            // The digest of the inputs it was made from changes with them (input-changes.ts).
            assert.deepEqual(withoutDigest(records[name]), withoutDigest(rest), `${name}: the same record, without the flag`);
        }

        await s.destroy();
        assert.deepEqual(await held(ACCOUNTS), {}, "destroy deletes every authorization");
    });

    it("2. moves two AggregationAuthorizations to another stack with pulumi state move, then to a SourceAccountAuthorizations there, no gap", async () => {
        const TWO = ["ap-southeast-2", "eu-west-1"];
        const specs: Spec[] = TWO.map((region) => specOf({ name: `old-${region}`, region }));
        const a = await stacks.authorizations(specs, {}, { stack: "a" });
        await a.up();
        const created = singles(a);
        const first = await held([SOURCE_ACCOUNT], TWO);
        /** AWS holds both authorizations as first created, each tagged for exactly `tag(name)`. */
        const assertHeld = async (tag: (spec: Spec) => string, step: string) => {
            const now = await held([SOURCE_ACCOUNT], TWO);
            assert.deepEqual(
                now,
                Object.fromEntries(
                    specs.map((spec) => {
                        const k = `${SOURCE_ACCOUNT}/${spec.region}`;
                        return [k, { creationTime: first[k].creationTime, tags: { team: "platform", [OWNER]: tag(spec) } }];
                    }),
                ),
                step,
            );
        };
        await assertHeld((spec) => ownerTag(created[spec.name].creationId, spec.name, "a", "engine-test"), "after a's up");

        // The declarations move with the state: b declares them (same names), a no longer does.
        const b = await stacks.authorizations(specs, {}, { stack: "b", backendDir: a.backendDir });
        await declare(a, []);
        aws.proxy.clear();
        const move = await a.stateMove(
            b,
            a.authorizations().map((r) => r.urn),
            { allowFail: true },
        );
        assert.equal(move.code, 0, `pulumi state move:\n${printed(move)}`);
        assert.deepEqual(a.authorizations(), [], "a's state no longer holds them");
        assert.deepEqual(singles(b), created, "b's state holds them, their recorded creations with them");
        await assertHeld(
            (spec) => ownerTag(created[spec.name].creationId, spec.name, "a", "engine-test"),
            "the move changes nothing in AWS",
        );

        const up = await b.up();
        await assertHeld(
            (spec) => ownerTag(singles(b)[spec.name].creationId, spec.name, "b", "engine-test"),
            `after b's up, the owner tags name b's resources:\n${printed(up)}`,
        );

        // The one-stack migration in b.
        fs.copyFileSync(path.join(PROGRAMS.sourceAccounts, "index.js"), path.join(b.dir, "index.js"));
        await b.setConfig({ resources: "[]", accounts: JSON.stringify([accountSpec({ regions: TWO, takeOwnership: true })]) });
        const migrated = await b.up({ allowFail: true });
        const g = grouped(b).acct;
        assert.ok(g, `b holds the SourceAccountAuthorizations:\n${printed(migrated)}`);
        await assertHeld(
            (spec) => ownerTag(g.creationIds[spec.region!], "acct", "b", "engine-test", undefined, SOURCE_ACCOUNT_TYPE),
            `after the migration in b, the owner tags name the SourceAccountAuthorizations' creations:\n${printed(migrated)}`,
        );
        assert.equal(migrated.code, 0, printed(migrated));
        assert.deepEqual(b.authorizations(), [], "b's AggregationAuthorizations are gone from its state");

        const destroyed = await a.destroy();
        await assertHeld(
            (spec) => ownerTag(g.creationIds[spec.region!], "acct", "b", "engine-test", undefined, SOURCE_ACCOUNT_TYPE),
            `a's destroy deletes nothing:\n${printed(destroyed)}`,
        );
        assert.deepEqual(putsAndDeletes(), [], "no Put, no Delete reached AWS on the way");
        assert.deepEqual(ownerUntags(), [], "no owner tag removed on the way: one replaces the other");

        await b.destroy();
        assert.deepEqual(await held([SOURCE_ACCOUNT], TWO), {}, "b's destroy deletes them");
    });

    describe("3. docs: Recovering from an interrupted up, its commands as they stand", () => {
        /**
         * Runs docs/recovery.md's block `block` in `s`: `pulumi cancel`, the jq command over the state (its line:
         * the ARNs to reclaim, `listed`), the `up` that refuses what the killed run created (naming `refused`),
         * and the reclaiming `up` with jq's line in place of `<arns>`. Returns the types of the pending operations
         * the state held right after the refusing `up`.
         */
        async function recoverAsReadme(s: Stack, block: string, refused: string[], listed: string[]): Promise<string[]> {
            const [cancel, jq, up, reclaim, ...rest] = readmeCommands(block);
            assert.deepEqual(rest, [], `four commands in docs/recovery.md's "${block}" block`);
            const cancelled = await s.shell(cancel, { allowFail: true });
            if (cancelled.code !== 0) {
                // docs/recovery.md: a kill while the file backend wrote its sidecar `.attrs` leaves it empty; delete it.
                assert.match(cancelled.stderr, /failed to load checkpoint: EOF/, printed(cancelled));
                assert.notDeepEqual(s.removeCutShortSidecars(), [], "a cut-short sidecar to remove");
                await s.shell(cancel);
            }
            const line = (await s.shell(jq)).stdout.trim();
            assert.deepEqual(line.split(",").sort(), listed, `the jq command lists the pending ARNs: ${line}`);
            const refusal = await s.shell(up, { allowFail: true });
            assert.notEqual(refusal.code, 0, `the up refuses what the killed run created:\n${printed(refusal)}`);
            assert.deepEqual(reclaimNamed(refusal), refused, `the up names the reclaim of each:\n${printed(refusal)}`);
            for (const arn of refused) assert.ok(line.split(",").includes(arn), `${arn} is on jq's line`);
            const pendingAfterRefusal = pendingTypes(s);
            assert.match(reclaim, /<arns>/);
            const r = await s.shell(reclaim.replace("<arns>", line), { allowFail: true });
            assert.equal(r.code, 0, `the reclaiming up:\n${printed(r)}`);
            return pendingAfterRefusal;
        }

        /** AWS holds exactly `acct`'s regions, each with the owner tag of the creation its state records. */
        async function assertConverged(s: Stack, regions: string[]): Promise<void> {
            const g = grouped(s).acct;
            assert.deepEqual(g.regions, regions, "the state records every region");
            assert.deepEqual(
                await held([SOURCE_ACCOUNT]),
                Object.fromEntries(
                    regions.map((region) => [
                        `${SOURCE_ACCOUNT}/${region}`,
                        {
                            creationTime: g.creationTimes[region],
                            tags: {
                                team: "platform",
                                [OWNER]: ownerTag(g.creationIds[region], "acct", "test", "engine-test", undefined, SOURCE_ACCOUNT_TYPE),
                            },
                        },
                    ]),
                ),
                "AWS holds exactly the program's authorizations, each this resource's recorded creation",
            );
        }

        it("3a. SourceAccountAuthorizations: an up creating 3 regions, killed once its first Put reached AWS", async () => {
            const s = await stacks.sourceAccounts([accountSpec()]);
            await upKilled(aws, s, (op, n) => op === "PutAggregationAuthorization" && n === 1);
            const orphans = Object.keys(await held([SOURCE_ACCOUNT])).map((k) => arnOf(k.split("/")[1]));
            assert.notDeepEqual(orphans, [], "the killed run's Put reached AWS");
            assert.deepEqual(pendingTypes(s), ["creating"]);
            const pendingLeft = await recoverAsReadme(s, "source-account", orphans.sort(), REGIONS.map((r) => arnOf(r)).sort());
            assert.deepEqual(pendingLeft, ["creating"], "a pending create outlives the refusing up");
            await assertConverged(s, REGIONS);
            await s.destroy();
            assert.deepEqual(await held([SOURCE_ACCOUNT]), {}, "destroy leaves none");
        });

        it("3b. SourceAccountAuthorizations: an up adding a region (updating), killed once that region's Put reached AWS", async () => {
            const [added, ...kept] = REGIONS;
            const s = await stacks.sourceAccounts([accountSpec({ regions: kept })]);
            await s.up();
            const before = grouped(s).acct;
            await s.setConfig({ accounts: JSON.stringify([accountSpec()]) });
            await upKilled(aws, s, (op) => op === "PutAggregationAuthorization");
            assert.deepEqual(
                Object.keys(await held([SOURCE_ACCOUNT])).sort(),
                REGIONS.map((r) => `${SOURCE_ACCOUNT}/${r}`),
            );
            assert.deepEqual(pendingTypes(s), ["updating"]);
            const pendingLeft = await recoverAsReadme(s, "source-account", [arnOf(added)], [arnOf(added)]);
            assert.deepEqual(pendingLeft, [], "the refusing up dropped the pending update: hence the docs' jq right after pulumi cancel");
            await assertConverged(s, REGIONS);
            const after = grouped(s).acct;
            for (const region of kept) {
                assert.equal(after.creationIds[region], before.creationIds[region], `${region}: the same creation`);
                assert.equal(after.creationTimes[region], before.creationTimes[region]);
            }
            await s.destroy();
            assert.deepEqual(await held([SOURCE_ACCOUNT]), {}, "destroy leaves none");
        });

        it("3c. AggregationAuthorization: an up creating 3, killed once the first Put reached AWS", async () => {
            const specs: Spec[] = REGIONS.map((region) => specOf({ name: `auth-${region}`, region }));
            const s = await stacks.authorizations(specs);
            await upKilled(aws, s, (op, n) => op === "PutAggregationAuthorization" && n === 1);
            const inAws = Object.keys(await held([SOURCE_ACCOUNT])).map((k) => k.split("/")[1]);
            const pending = (s.exportState().deployment.pending_operations as { type: string; resource: { inputs: { region: string } } }[])
                .filter((op) => op.type === "creating")
                .map((op) => arnOf(op.resource.inputs.region))
                .sort();
            await recoverAsReadme(s, "authorization", inAws.map((r) => arnOf(r)).sort(), pending);
            const records = singles(s);
            assert.deepEqual(
                await held([SOURCE_ACCOUNT]),
                Object.fromEntries(
                    specs.map((spec) => [
                        `${SOURCE_ACCOUNT}/${spec.region}`,
                        {
                            creationTime: records[spec.name].creationTime,
                            tags: { team: "platform", [OWNER]: ownerTag(records[spec.name].creationId, spec.name, "test", "engine-test") },
                        },
                    ]),
                ),
            );
            await s.destroy();
            assert.deepEqual(await held([SOURCE_ACCOUNT]), {}, "destroy leaves none");
        });
    });
});
