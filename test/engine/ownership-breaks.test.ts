/**
 * Issue 23: the five ways the ownership promise broke, and two input
 * checks, each under the real pulumi CLI with the AWS state read back after every step: a live owner
 * tag naming another creation outranks a creation-time match; a Put cut off by the deadline, or whose
 * answer is lost, orphans nothing; the grouped resource never lands in an account other than its
 * recorded one; its takeOwnership is one-shot; an adopted authorization keeps a tag it held before
 * adoption; a numeric sourceAccountId is its 12 digits; one resource's regions share one partition.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { AGGREGATOR_ACCOUNT, OTHER_ACCOUNT, SOURCE_ACCOUNT, arnOf, roleIn, useAws } from "../harness/aws";
import { PROGRAMS, declare, specOf, useStacks, type AccountSpec, type Spec } from "../harness/engine";
import { engineOwner, type Result, type Stack } from "../harness/pulumi";
import { faults, type FaultRule } from "../harness/proxy";
import { SOURCE_ACCOUNT_TYPE } from "../../provider/core/model/dynamic";
import { OWNER_TAG as OWNER } from "../../provider/core/model/types";

/** The authorization `auth` of the aggregator in us-east-1 from eu-west-1, tagged team=platform. */
const SPEC: Spec = specOf({ name: "auth" });
/** One SourceAccountAuthorizations `acct` for the same aggregator, in the credentials' account (no role, no sourceAccountId). */
const accountSpec = (over: Partial<AccountSpec> = {}): AccountSpec => ({
    name: "acct",
    authorizedAccountId: AGGREGATOR_ACCOUNT,
    authorizedAwsRegion: "us-east-1",
    regions: ["eu-west-1"],
    tags: { team: "platform" },
    ...over,
});
const CONTROL_TOWER = { "aws-control-tower": "managed-by-control-tower" };

/** The owner tag value of creation `creationId` of AggregationAuthorization `name` in `stack`. */
const ownerTag = (name: string, stack: string, creationId: unknown) => `${engineOwner(name, stack)} creation:${String(creationId)}`;
/** The owner tag value of creation `creationId` of SourceAccountAuthorizations `name` in `stack`. */
const groupedTag = (name: string, stack: string, creationId: unknown) =>
    `${engineOwner(name, stack, "engine-test", undefined, SOURCE_ACCOUNT_TYPE)} creation:${String(creationId)}`;

/** All a run printed. */
const printed = (r: Result) => `${r.stdout}\n${r.stderr}`;
/** True when one printed line names every one of `words`. */
const oneLineNames = (r: Result, ...words: (string | RegExp)[]) =>
    printed(r)
        .split("\n")
        .some((l) => words.every((w) => (typeof w === "string" ? l.includes(w) : w.test(l))));

describe("ownership breaks, under the pulumi CLI", function () {
    this.timeout(15 * 60 * 1000);
    const aws = useAws();
    const stacks = useStacks(aws);

    /** What AWS holds in the default account (SOURCE_ACCOUNT) in each of `regions`: region → creation time and exact tags. */
    async function held(regions: string[]): Promise<Record<string, { creationTime: string; tags: Record<string, string> }>> {
        const out: Record<string, { creationTime: string; tags: Record<string, string> }> = {};
        for (const region of regions) {
            for (const a of await aws.list(region)) {
                assert.equal(a.AggregationAuthorizationArn, arnOf(region), "only the aggregator of these tests");
                out[region] = { creationTime: a.CreationTime!.toISOString(), tags: await aws.rawTags(region, arnOf(region)) };
            }
        }
        return out;
    }

    /** Credentials that act in `account` (moto's STS AssumeRole), as the CLI's environment takes them. */
    async function credentialsIn(account: string): Promise<Record<string, string>> {
        const sts = new STSClient({ region: "us-east-1", endpoint: aws.moto.url, credentials: { accessKeyId: "x", secretAccessKey: "x" } });
        const c = (await sts.send(new AssumeRoleCommand({ RoleArn: roleIn(account, "ci"), RoleSessionName: "ci" }))).Credentials!;
        return { AWS_ACCESS_KEY_ID: c.AccessKeyId!, AWS_SECRET_ACCESS_KEY: c.SecretAccessKey!, AWS_SESSION_TOKEN: c.SessionToken! };
    }

    /** The AggregationAuthorization records of `s`: name → creation ID and creation time. */
    const records = (s: Stack) =>
        Object.fromEntries(
            s
                .authorizations()
                .map((r) => [r.urn.split("::").pop()!, { creationId: r.outputs!.creationId, creationTime: r.outputs!.creationTime }]),
        );

    /** The one SourceAccountAuthorizations record of `s`, or undefined. */
    const grouped = (s: Stack) => {
        const all = s.sourceAccounts();
        assert.ok(all.length <= 1, "at most one SourceAccountAuthorizations");
        return all[0]?.outputs as
            | { regions: string[]; accountId: string; creationIds: Record<string, string>; creationTimes: Record<string, string> }
            | undefined;
    };

    describe("1. a live owner tag naming another creation outranks a creation-time match", () => {
        /** t1 creates `auth`; a cleanup job removes its owner tag; t2 takes it with takeOwnership. */
        async function takenByT2(): Promise<{ t1: Stack; t2: Stack; original: string; t2Tag: string }> {
            const t1 = await stacks.authorizations([SPEC], {}, { stack: "t1" });
            await t1.up();
            const original = (await held(["eu-west-1"]))["eu-west-1"].creationTime;
            await aws.untagOutOfBand("eu-west-1", arnOf("eu-west-1"), [OWNER]);
            const t2 = await stacks.authorizations([{ ...SPEC, takeOwnership: true }], {}, { stack: "t2" });
            await t2.up();
            const t2Tag = ownerTag("auth", "t2", records(t2).auth.creationId);
            assert.deepEqual(
                await held(["eu-west-1"]),
                { "eu-west-1": { creationTime: original, tags: { team: "platform", [OWNER]: t2Tag } } },
                "t2 took it: its owner tag names t2's creation",
            );
            return { t1, t2, original, t2Tag };
        }

        it("1a. pulumi destroy of the first stack leaves the authorization a second stack took; the second's destroy deletes it", async () => {
            const { t1, t2, original, t2Tag } = await takenByT2();
            const r = await t1.destroy({ allowFail: true });
            assert.deepEqual(
                await held(["eu-west-1"]),
                { "eu-west-1": { creationTime: original, tags: { team: "platform", [OWNER]: t2Tag } } },
                "t1's destroy leaves t2's authorization as it is",
            );
            assert.equal(r.code, 0, `t1's destroy succeeds (leaving someone else's is success):\n${printed(r)}`);
            assert.deepEqual(t1.authorizations(), []);
            await t2.destroy();
            assert.deepEqual(await held(["eu-west-1"]), {}, "t2's destroy deletes it");
        });

        it("1b. per-region AggregationAuthorizations migrated in one up to a SourceAccountAuthorizations with takeOwnership: AWS keeps both", async () => {
            const REGIONS = ["ap-southeast-2", "eu-west-1"];
            const s = await stacks.authorizations(REGIONS.map((region) => ({ ...SPEC, name: `old-${region}`, region })));
            await s.up();
            const before = await held(REGIONS);
            assert.deepEqual(Object.keys(before), REGIONS);
            for (const region of REGIONS) await aws.untagOutOfBand(region, arnOf(region), [OWNER]);
            // The same stack's program now declares the grouped resource instead (same project, engine-test): the old ones are gone from it.
            fs.copyFileSync(path.join(PROGRAMS.sourceAccounts, "index.js"), path.join(s.dir, "index.js"));
            await s.setConfig({ resources: "[]", accounts: JSON.stringify([accountSpec({ regions: REGIONS, takeOwnership: true })]) });
            const r = await s.up({ allowFail: true });
            const after = await held(REGIONS);
            assert.deepEqual(Object.keys(after), REGIONS, `AWS still holds both authorizations after the migration:\n${printed(r)}`);
            assert.equal(r.code, 0, printed(r));
            const g = grouped(s)!;
            assert.deepEqual(s.authorizations(), [], "the old resources are gone from the state");
            assert.deepEqual(g.regions, REGIONS, "the state records them under the new resource");
            for (const region of REGIONS) {
                assert.deepEqual(
                    after[region],
                    {
                        creationTime: before[region].creationTime,
                        tags: { team: "platform", [OWNER]: groupedTag("acct", "test", g.creationIds[region]) },
                    },
                    `${region}: the same authorization, owned by the new resource's creation`,
                );
            }
            await s.destroy();
            assert.deepEqual(await held(REGIONS), {}, "a later destroy deletes them");
        });

        it("1c. up --refresh in each of two stacks does not flip the owner tag; the first stack's destroy leaves the second's", async () => {
            const { t1, t2, original, t2Tag } = await takenByT2();
            const theirs = { "eu-west-1": { creationTime: original, tags: { team: "platform", [OWNER]: t2Tag } } };
            const r1 = await t1.up({ refresh: true, allowFail: true });
            assert.deepEqual(await held(["eu-west-1"]), theirs, `t1's up --refresh does not write t1's owner tag back:\n${printed(r1)}`);
            assert.notEqual(r1.code, 0, "t1 declares an authorization t2 manages: its up fails");
            assert.match(printed(r1), /managed by the Pulumi resource organization\/engine-test\/t2\/auth/);
            assert.deepEqual(t1.authorizations(), [], "t1's refresh dropped what is no longer its own");
            const r2 = await t2.up({ refresh: true });
            assert.doesNotMatch(r2.stdout, /updated/, "t2 has nothing to restore");
            assert.deepEqual(await held(["eu-west-1"]), theirs, "t2's up --refresh leaves it t2's");
            await t1.destroy();
            assert.deepEqual(await held(["eu-west-1"]), theirs, "t1's destroy leaves t2's authorization");
            await t2.destroy();
            assert.deepEqual(await held(["eu-west-1"]), {});
        });
    });

    describe("2. a Put cut off by the operation deadline, or whose answer is lost, orphans nothing", () => {
        const REGIONS = ["eu-west-1", "us-west-2"];
        const SLOW = "us-west-2";
        /** The faults of each case, in SLOW only: the Put is applied by AWS, its answer late or lost. */
        const cases: { name: string; env: Record<string, string>; rule: () => FaultRule; cause: RegExp }[] = [
            {
                name: "2a. a Put applied but answered after the 5 s operation deadline",
                env: { PULUMI_AWS_CONFIG_AGGREGATION_OPERATION_TIMEOUT_MS: "5000" },
                cause: /us-west-2: creating Config aggregation authorization .*deadline of 5 s/,
                rule: () => {
                    let puts = 0;
                    return (c) =>
                        c.region === SLOW && c.operation === "PutAggregationAuthorization" && puts++ === 0
                            ? faults.delayedAnswer(8000)
                            : undefined;
                },
            },
            {
                name: "2b. a Put applied whose answer is lost, and whose confirming ListTagsForResource fails",
                env: {},
                cause: /us-west-2: creating Config aggregation authorization /,
                rule: () => {
                    let put = false;
                    return (c) => {
                        if (c.region !== SLOW) return undefined;
                        if (c.operation === "PutAggregationAuthorization") {
                            put = true;
                            return faults.lostAnswer(); // every attempt: applied, its answer lost
                        }
                        return put && c.operation === "ListTagsForResource" ? faults.internal() : undefined;
                    };
                },
            },
        ];
        for (const k of cases) {
            it(`${k.name}: the state records it or the next up takes it back as its own; destroy leaves AWS holding none`, async () => {
                const s = await stacks.sourceAccounts([accountSpec({ regions: REGIONS })]);
                aws.proxy.inject(k.rule());
                const failed = await s.up({ allowFail: true, env: k.env });
                aws.proxy.inject(undefined);
                assert.notEqual(failed.code, 0, "the up fails");
                assert.match(printed(failed), k.cause);
                assert.deepEqual(Object.keys(await held(REGIONS)), REGIONS, "AWS applied both Puts");
                const next = await s.up({ allowFail: true });
                assert.equal(next.code, 0, `the next up takes the authorization back as this resource's own:\n${printed(next)}`);
                const g = grouped(s)!;
                assert.deepEqual(g.regions, REGIONS, "the state records both");
                const inAws = await held(REGIONS);
                for (const region of REGIONS) {
                    assert.deepEqual(
                        inAws[region].tags,
                        { team: "platform", [OWNER]: groupedTag("acct", "test", g.creationIds[region]) },
                        `${region}: its owner tag names the creation the state records`,
                    );
                }
                await s.destroy();
                assert.deepEqual(await held(REGIONS), {}, "no orphan");
            });
        }
    });

    it("3. a SourceAccountAuthorizations without sourceAccountId or role refuses a region added while the credentials act in another account", async () => {
        const s = await stacks.sourceAccounts([accountSpec()]);
        await s.up();
        const before = await held(["eu-west-1", "us-west-2"]);
        assert.deepEqual(Object.keys(before), ["eu-west-1"]);
        Object.assign(s.env, await credentialsIn(OTHER_ACCOUNT));
        await s.setConfig({ accounts: JSON.stringify([accountSpec({ regions: ["eu-west-1", "us-west-2"] })]) });
        const preview = await s.preview({ allowFail: true });
        const up = await s.up({ allowFail: true });
        assert.deepEqual(await aws.listIn(OTHER_ACCOUNT, "us-west-2"), [], `nothing new in ${OTHER_ACCOUNT}:\n${printed(up)}`);
        assert.deepEqual(await aws.listIn(OTHER_ACCOUNT, "eu-west-1"), []);
        assert.deepEqual(await held(["eu-west-1", "us-west-2"]), before, `${SOURCE_ACCOUNT} unchanged`);
        assert.notEqual(preview.code, 0, `the preview fails:\n${printed(preview)}`);
        assert.ok(oneLineNames(preview, SOURCE_ACCOUNT, OTHER_ACCOUNT), `the preview names both accounts:\n${printed(preview)}`);
        assert.notEqual(up.code, 0, "the up fails");
        assert.ok(oneLineNames(up, SOURCE_ACCOUNT, OTHER_ACCOUNT), `the up names both accounts:\n${printed(up)}`);
        const g = grouped(s)!;
        assert.deepEqual([g.accountId, g.regions], [SOURCE_ACCOUNT, ["eu-west-1"]], "the state is unchanged");
    });

    it("4. takeOwnership in a SourceAccountAuthorizations is one-shot: a region added later refuses an authorization made outside Pulumi", async () => {
        const s = await stacks.sourceAccounts([accountSpec({ regions: ["us-east-1"], takeOwnership: true })]);
        await s.up();
        const terraform = { "managed-by": "terraform" };
        const existing = await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", terraform);
        const theirs = { creationTime: existing.CreationTime!.toISOString(), tags: terraform };
        await s.setConfig({ accounts: JSON.stringify([accountSpec({ regions: ["eu-west-1", "us-east-1"], takeOwnership: true })]) });
        const preview = await s.preview({ allowFail: true });
        const up = await s.up({ allowFail: true });
        assert.deepEqual(
            (await held(["eu-west-1"]))["eu-west-1"],
            theirs,
            `not taken: its tags as they were, no owner tag:\n${printed(up)}`,
        );
        const refusal = new RegExp(
            `regions: eu-west-1: creating Config aggregation authorization \\(${arnOf("eu-west-1").replace(/[/]/g, "\\/")}\\): .*already exists.*takeOwnership`,
        );
        assert.notEqual(preview.code, 0, `the preview refuses it:\n${printed(preview)}`);
        assert.match(printed(preview), refusal);
        assert.notEqual(up.code, 0, "the up refuses it");
        assert.match(printed(up), /eu-west-1: .*already exists.*takeOwnership/);
        assert.deepEqual(grouped(s)!.regions, ["us-east-1"]);
        await s.destroy();
        assert.deepEqual(await held(["eu-west-1", "us-east-1"]), { "eu-west-1": theirs }, "destroy leaves it");
    });

    it("5. an adopted authorization keeps a tag it held before adoption when the program stops declaring it, and after destroy", async () => {
        await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { ...CONTROL_TOWER, "ct-owned": "x" });
        const s = await stacks.authorizations([{ ...SPEC, adoptExisting: true, tags: { "ct-owned": "mine", team: "platform" } }]);
        await s.up();
        assert.deepEqual((await held(["eu-west-1"]))["eu-west-1"].tags, { ...CONTROL_TOWER, "ct-owned": "mine", team: "platform" });
        await declare(s, [{ ...SPEC, adoptExisting: true, tags: { team: "platform" } }]);
        await s.up();
        const afterUp = (await held(["eu-west-1"]))["eu-west-1"].tags;
        console.log(`      ct-owned after the up that stopped declaring it: ${JSON.stringify(afterUp["ct-owned"])}`);
        assert.ok("ct-owned" in afterUp, `ct-owned, held before adoption, stays: ${JSON.stringify(afterUp)}`);
        assert.deepEqual(afterUp, { ...CONTROL_TOWER, "ct-owned": afterUp["ct-owned"], team: "platform" });
        await s.destroy();
        const afterDestroy = (await held(["eu-west-1"]))["eu-west-1"].tags;
        console.log(`      ct-owned after destroy: ${JSON.stringify(afterDestroy["ct-owned"])}`);
        assert.deepEqual(afterDestroy, { ...CONTROL_TOWER, "ct-owned": afterUp["ct-owned"] }, "destroy leaves it and aws-control-tower");
    });

    it("6. a numeric sourceAccountId (as pulumi config set --path stores one) is compared as its 12 digits", async () => {
        const numeric = Number(SOURCE_ACCOUNT) as unknown as string;
        const landsElsewhere = /sourceAccountId is 123456789012, but/;
        const g = await stacks.sourceAccounts([accountSpec({ sourceAccountId: numeric })]);
        const a = await stacks.authorizations([{ ...SPEC, sourceAccountId: numeric }]);
        for (const s of [g, a]) {
            const preview = await s.preview({ allowFail: true });
            assert.doesNotMatch(printed(preview), landsElsewhere);
            assert.equal(preview.code, 0, printed(preview));
        }
        await g.up();
        assert.deepEqual(Object.keys(await held(["eu-west-1"])), ["eu-west-1"], `it lands in ${SOURCE_ACCOUNT}`);
        await g.destroy();
        await a.up();
        assert.deepEqual(Object.keys(await held(["eu-west-1"])), ["eu-west-1"]);
        await a.destroy();
    });

    it("7. regions in two partitions are refused at preview, naming regions and both partitions, before any AWS call", async () => {
        const s = await stacks.sourceAccounts([accountSpec({ regions: ["us-east-1", "cn-north-1"] })]);
        aws.proxy.clear();
        const preview = await s.preview({ allowFail: true });
        assert.notEqual(preview.code, 0, `the preview fails:\n${printed(preview)}`);
        assert.ok(
            oneLineNames(preview, "regions", /\baws\b(?![-:])/, /\baws-cn\b/),
            `names regions and both partitions:\n${printed(preview)}`,
        );
        assert.deepEqual(
            aws.proxy.calls.map((c) => c.operation),
            [],
            "no AWS call",
        );
        assert.deepEqual(await held(["us-east-1"]), {});
    });
});
