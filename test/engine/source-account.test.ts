/**
 * SourceAccountAuthorizations under the real pulumi CLI: one resource per source account holding its
 * authorizations in many regions (issue "Organization scale"). Each test reads AWS back per account
 * and region, and the state.
 */
import * as assert from "node:assert/strict";
import { AGGREGATOR_ACCOUNT, OTHER_ACCOUNT, THIRD_ACCOUNT, created, roleIn, useAws } from "../harness/aws";
import { useStacks, type AccountSpec } from "../harness/engine";
import { engineOwner } from "../harness/pulumi";
import { SOURCE_ACCOUNT_TYPE } from "../../provider/core/model/dynamic";
import { OWNER_TAG as OWNER } from "../../provider/core/model/types";
import { faults } from "../harness/proxy";

const spec = (over: Partial<AccountSpec> = {}): AccountSpec => ({
    name: "acct",
    authorizedAccountId: AGGREGATOR_ACCOUNT,
    authorizedAwsRegion: "us-east-1",
    regions: ["us-east-1", "eu-west-1", "ap-southeast-2"],
    roleArn: roleIn(OTHER_ACCOUNT),
    sourceAccountId: OTHER_ACCOUNT,
    tags: { team: "platform" },
    ...over,
});
const CONTROL_TOWER_TAGS = { "aws-control-tower": "managed-by-control-tower" };
const arnIn = (account: string, region: string, aggregatorRegion = "us-east-1") =>
    `arn:aws:config:${region}:${account}:aggregation-authorization/${AGGREGATOR_ACCOUNT}/${aggregatorRegion}`;

describe("SourceAccountAuthorizations, under the pulumi CLI", function () {
    this.timeout(15 * 60 * 1000);
    const aws = useAws();
    const stacks = useStacks(aws);

    /** What AWS holds in `account` in each of `regions`: ARN → tags (creation IDs masked). */
    async function heldIn(account: string, regions: string[]): Promise<Record<string, Record<string, string>>> {
        const out: Record<string, Record<string, string>> = {};
        for (const region of regions) {
            for (const a of await aws.listIn(account, region)) {
                out[a.AggregationAuthorizationArn!] = await aws.tagsIn(account, region, a.AggregationAuthorizationArn!);
            }
        }
        return out;
    }
    const ALL = ["us-east-1", "eu-west-1", "ap-southeast-2", "eu-central-1", "us-west-2"];
    const ours = (name = "acct", tags: Record<string, string> = { team: "platform" }) => ({
        ...tags,
        [OWNER]: created(engineOwner(name, "test", "engine-test", undefined, SOURCE_ACCOUNT_TYPE)),
    });

    it("creates one authorization per region in the role's account, as one resource; a no-change preview makes no AWS call", async () => {
        const s = await stacks.sourceAccounts([
            spec(),
            spec({ name: "third", roleArn: roleIn(THIRD_ACCOUNT), sourceAccountId: THIRD_ACCOUNT, regions: ["eu-west-1"] }),
        ]);
        await s.up();
        assert.deepEqual(await heldIn(OTHER_ACCOUNT, ALL), {
            [arnIn(OTHER_ACCOUNT, "ap-southeast-2")]: ours(),
            [arnIn(OTHER_ACCOUNT, "eu-west-1")]: ours(),
            [arnIn(OTHER_ACCOUNT, "us-east-1")]: ours(),
        });
        assert.deepEqual(await heldIn(THIRD_ACCOUNT, ALL), { [arnIn(THIRD_ACCOUNT, "eu-west-1")]: ours("third") });
        const acct = s.sourceAccounts().find((r) => r.urn.endsWith("::acct"))!;
        assert.equal(acct.id, `${OTHER_ACCOUNT}/${AGGREGATOR_ACCOUNT}/us-east-1`);
        assert.deepEqual(acct.outputs!.regions, ["ap-southeast-2", "eu-west-1", "us-east-1"]);
        assert.deepEqual(Object.keys(acct.outputs!.creationTimes as object).sort(), ["ap-southeast-2", "eu-west-1", "us-east-1"]);
        const outputs = (await s.outputs()).accounts as Record<string, { arns: Record<string, string> }>;
        assert.deepEqual(outputs.acct.arns, {
            "ap-southeast-2": arnIn(OTHER_ACCOUNT, "ap-southeast-2"),
            "eu-west-1": arnIn(OTHER_ACCOUNT, "eu-west-1"),
            "us-east-1": arnIn(OTHER_ACCOUNT, "us-east-1"),
        });
        aws.proxy.clear();
        const preview = await s.previewJson();
        assert.deepEqual(preview.changeSummary, { same: 3 });
        assert.deepEqual(aws.proxy.operations(), [], "a no-change preview asks AWS nothing");
        await s.destroy();
        assert.deepEqual(await heldIn(OTHER_ACCOUNT, ALL), {});
        assert.deepEqual(await heldIn(THIRD_ACCOUNT, ALL), {});
    });

    it("adding a region creates exactly that authorization and removing one deletes exactly that one, in place; the preview names the region", async () => {
        const s = await stacks.sourceAccounts([spec()]);
        await s.up();
        const before = s.sourceAccounts()[0].outputs!.creationTimes as Record<string, string>;
        await s.setConfig({ accounts: JSON.stringify([spec({ regions: ["us-east-1", "eu-west-1", "eu-central-1"] })]) });
        const diff = await s.previewDiff();
        assert.match(diff.stdout, /~ pulumi-nodejs:dynamic\/aws-config:SourceAccountAuthorizations: \(update\)/);
        assert.match(diff.stdout, /- "?ap-southeast-2"?\s*: "arn:aws:config:ap-southeast-2:/);
        assert.match(diff.stdout, /\+ "?eu-central-1"?\s*: "arn:aws:config:eu-central-1:/);
        aws.proxy.clear();
        await s.up();
        const calls = aws.proxy.operations().filter((o) => o === "PutAggregationAuthorization" || o === "DeleteAggregationAuthorization");
        assert.deepEqual(calls.sort(), ["DeleteAggregationAuthorization", "PutAggregationAuthorization"], "one create, one delete");
        assert.deepEqual(Object.keys(await heldIn(OTHER_ACCOUNT, ALL)).sort(), [
            arnIn(OTHER_ACCOUNT, "eu-central-1"),
            arnIn(OTHER_ACCOUNT, "eu-west-1"),
            arnIn(OTHER_ACCOUNT, "us-east-1"),
        ]);
        const after = s.sourceAccounts()[0].outputs!.creationTimes as Record<string, string>;
        assert.equal(after["us-east-1"], before["us-east-1"], "the kept regions are the same creations");
        assert.equal(after["eu-west-1"], before["eu-west-1"]);
        assert.deepEqual((await s.previewJson()).changeSummary, { same: 2 });
        await s.destroy();
        assert.deepEqual(await heldIn(OTHER_ACCOUNT, ALL), {});
    });

    it("a tag change updates every region in place; another aggregator region replaces", async () => {
        const s = await stacks.sourceAccounts([spec()]);
        await s.up();
        await s.setConfig({ accounts: JSON.stringify([spec({ tags: { team: "security" } })]) });
        const preview = await s.previewJson();
        assert.deepEqual(preview.changeSummary, { same: 1, update: 1 });
        await s.up();
        const held = await heldIn(OTHER_ACCOUNT, ALL);
        assert.deepEqual(Object.values(held), [
            ours("acct", { team: "security" }),
            ours("acct", { team: "security" }),
            ours("acct", { team: "security" }),
        ]);
        await s.setConfig({ accounts: JSON.stringify([spec({ tags: { team: "security" }, authorizedAwsRegion: "eu-west-1" })]) });
        assert.deepEqual((await s.previewJson()).changeSummary, { replace: 1, same: 1 });
        await s.up();
        assert.deepEqual(Object.keys(await heldIn(OTHER_ACCOUNT, ALL)).sort(), [
            arnIn(OTHER_ACCOUNT, "ap-southeast-2", "eu-west-1"),
            arnIn(OTHER_ACCOUNT, "eu-west-1", "eu-west-1"),
            arnIn(OTHER_ACCOUNT, "us-east-1", "eu-west-1"),
        ]);
        await s.destroy();
        assert.deepEqual(await heldIn(OTHER_ACCOUNT, ALL), {});
    });

    it("a failure in some regions records the regions that succeeded, and the next up finishes the rest", async () => {
        const s = await stacks.sourceAccounts([spec()]);
        aws.proxy.inject((c) =>
            c.operation === "PutAggregationAuthorization" && c.region === "eu-west-1"
                ? faults.accessDenied("config:PutAggregationAuthorization")
                : undefined,
        );
        const r = await s.up({ allowFail: true });
        assert.notEqual(r.code, 0);
        assert.match(
            r.stdout + r.stderr,
            /creating SourceAccountAuthorizations of account 444455556666 for aggregator account 111122223333 in us-east-1: 1 of 3 regions failed \(eu-west-1\); the state records the 2 that AWS holds \(ap-southeast-2, us-east-1\)/,
        );
        assert.deepEqual(Object.keys(await heldIn(OTHER_ACCOUNT, ALL)).sort(), [
            arnIn(OTHER_ACCOUNT, "ap-southeast-2"),
            arnIn(OTHER_ACCOUNT, "us-east-1"),
        ]);
        assert.deepEqual(s.sourceAccounts()[0].outputs!.regions, ["ap-southeast-2", "us-east-1"], "the state knows what AWS holds");
        aws.proxy.inject(undefined);
        await s.up();
        assert.deepEqual(Object.keys(await heldIn(OTHER_ACCOUNT, ALL)).sort(), [
            arnIn(OTHER_ACCOUNT, "ap-southeast-2"),
            arnIn(OTHER_ACCOUNT, "eu-west-1"),
            arnIn(OTHER_ACCOUNT, "us-east-1"),
        ]);
        assert.deepEqual((await s.previewJson()).changeSummary, { same: 2 });
        await s.destroy();
        assert.deepEqual(await heldIn(OTHER_ACCOUNT, ALL), {});
    });

    it("an authorization of AWS Control Tower in one region fails the preview naming that region; nothing is touched", async () => {
        await aws.inAccount(OTHER_ACCOUNT, () => aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", CONTROL_TOWER_TAGS));
        const s = await stacks.sourceAccounts([spec()]);
        const r = await s.preview({ allowFail: true });
        assert.notEqual(r.code, 0);
        assert.match(
            r.stdout + r.stderr,
            /regions: eu-west-1: creating Config aggregation authorization \(arn:aws:config:eu-west-1:444455556666:aggregation-authorization\/111122223333\/us-east-1\): /,
        );
        const up = await s.up({ allowFail: true });
        assert.notEqual(up.code, 0);
        assert.deepEqual(await heldIn(OTHER_ACCOUNT, ALL), { [arnIn(OTHER_ACCOUNT, "eu-west-1")]: CONTROL_TOWER_TAGS });
        // Adopted: the declared keys are managed; destroy leaves it, and deletes the two this resource created.
        await s.setConfig({ accounts: JSON.stringify([spec({ adoptExisting: true })]) });
        await s.up();
        const held = await heldIn(OTHER_ACCOUNT, ALL);
        assert.deepEqual(held[arnIn(OTHER_ACCOUNT, "eu-west-1")], { ...CONTROL_TOWER_TAGS, team: "platform" });
        assert.deepEqual(held[arnIn(OTHER_ACCOUNT, "us-east-1")], ours());
        assert.deepEqual((await s.previewJson()).changeSummary, { same: 2 });
        await s.destroy();
        assert.deepEqual(await heldIn(OTHER_ACCOUNT, ALL), { [arnIn(OTHER_ACCOUNT, "eu-west-1")]: CONTROL_TOWER_TAGS });
    });

    it("refresh after one region's authorization was deleted outside Pulumi: the preview names it, the up creates exactly it", async () => {
        const s = await stacks.sourceAccounts([spec()]);
        await s.up();
        await aws.inAccount(OTHER_ACCOUNT, () => aws.deleteOutOfBand("ap-southeast-2", AGGREGATOR_ACCOUNT, "us-east-1"));
        await s.refresh();
        assert.deepEqual(s.sourceAccounts()[0].outputs!.regions, ["eu-west-1", "us-east-1"]);
        const diff = await s.previewDiff();
        assert.match(diff.stdout, /\+ "?ap-southeast-2"?\s*: "arn:aws:config:ap-southeast-2:/);
        await s.up();
        assert.equal(Object.keys(await heldIn(OTHER_ACCOUNT, ALL)).length, 3);
        await s.destroy();
        assert.deepEqual(await heldIn(OTHER_ACCOUNT, ALL), {});
    });
    it("pulumi up --replace: every region's authorization is a new creation, and the state knows each", async () => {
        const s = await stacks.sourceAccounts([spec()]);
        await s.up();
        const before = s.sourceAccounts()[0].outputs!.creationIds as Record<string, string>;
        const urn = s.sourceAccounts()[0].urn;
        const r = await s.up({ replace: [urn] });
        assert.match(r.stdout, /\+-1 replaced/);
        const after = s.sourceAccounts()[0].outputs!.creationIds as Record<string, string>;
        assert.deepEqual(Object.keys(after), Object.keys(before));
        for (const region of Object.keys(after)) assert.notEqual(after[region], before[region], `${region}: a new creation`);
        for (const region of Object.keys(after)) {
            const tags = await aws.inAccount(OTHER_ACCOUNT, () => aws.rawTags(region, arnIn(OTHER_ACCOUNT, region)));
            assert.equal(
                tags[OWNER],
                `${engineOwner("acct", "test", "engine-test", undefined, SOURCE_ACCOUNT_TYPE)} creation:${after[region]}`,
            );
        }
        assert.deepEqual((await s.previewJson()).changeSummary, { same: 2 });
        await s.destroy();
        assert.deepEqual(await heldIn(OTHER_ACCOUNT, ALL), {});
    });

    it("an owner tag removed in one region: refresh notices, the preview names owner, up restores it, destroy deletes all", async () => {
        const s = await stacks.sourceAccounts([spec()]);
        await s.up();
        await aws.inAccount(OTHER_ACCOUNT, () => aws.untagOutOfBand("eu-west-1", arnIn(OTHER_ACCOUNT, "eu-west-1"), [OWNER]));
        await s.refresh();
        const [step] = (await s.previewJson()).steps.filter((x) => x.op !== "same");
        assert.equal(step.op, "update");
        const [o, n] = [step.old?.inputs ?? {}, step.new?.inputs ?? {}];
        const changed = [...new Set([...Object.keys(o), ...Object.keys(n)])].filter((k) => JSON.stringify(o[k]) !== JSON.stringify(n[k]));
        assert.deepEqual(changed, ["owner"], "the preview names what the up restores");
        await s.up();
        assert.deepEqual(Object.values(await heldIn(OTHER_ACCOUNT, ALL)), [ours(), ours(), ours()]);
        await s.destroy();
        assert.deepEqual(await heldIn(OTHER_ACCOUNT, ALL), {});
    });

    it("a stack renamed, then a new stack under the old name: the new one takes none of the old one's regions", async () => {
        const old = await stacks.sourceAccounts([spec()], {}, { stack: "dev" });
        await old.up();
        await old.rename("dev-old");
        const again = await stacks.sourceAccounts([spec()], {}, { stack: "dev", backendDir: old.backendDir });
        const r = await again.up({ allowFail: true });
        assert.notEqual(r.code, 0);
        assert.match(
            r.stdout,
            /already exists and carries this resource's owner tag \(organization\/engine-test\/dev\/acct, creation [0-9a-f]{16}\), but this stack's state records no such creation\. Pulumi changed nothing\./,
        );
        assert.deepEqual(again.sourceAccounts(), [], "the new stack recorded nothing");
        await again.destroy();
        assert.equal(Object.keys(await heldIn(OTHER_ACCOUNT, ALL)).length, 3, "the new stack's destroy deletes nothing");
        await old.up();
        const owner = `${engineOwner("acct", "dev-old", "engine-test", undefined, SOURCE_ACCOUNT_TYPE)} creation:*`;
        assert.deepEqual(
            Object.values(await heldIn(OTHER_ACCOUNT, ALL)).map((t) => t[OWNER]),
            [owner, owner, owner],
        );
        await old.destroy();
        assert.deepEqual(await heldIn(OTHER_ACCOUNT, ALL), {});
    });
    it("a secret tag value stays encrypted in the state, also where one region's tags differ after a refresh", async () => {
        const SECRET = "s3cr3t-cost-center-9137";
        const s = await stacks.sourceAccounts([spec({ secretTag: "cost-center" })]);
        await s.setConfig({ secretTagValue: SECRET }, { secret: true });
        await s.up();
        assert.deepEqual((await heldIn(OTHER_ACCOUNT, ["eu-west-1"]))[arnIn(OTHER_ACCOUNT, "eu-west-1")], {
            ...ours(),
            "cost-center": SECRET,
        });
        const DRIFTED = "changed-by-hand-5521";
        await aws.inAccount(OTHER_ACCOUNT, () =>
            aws.tagOutOfBand("eu-west-1", arnIn(OTHER_ACCOUNT, "eu-west-1"), { "cost-center": DRIFTED }),
        );
        await s.refresh();
        const [acct] = s.sourceAccounts();
        assert.ok(acct.outputs!.exceptions !== undefined, "the drifted region is recorded apart");
        const state = s.exportState().text;
        assert.ok(!state.includes(SECRET), "the secret tag value is not in the state in plain text");
        assert.ok(!state.includes(DRIFTED), "nor the value the drifted region holds for that key");
        await s.up();
        assert.equal(
            (await heldIn(OTHER_ACCOUNT, ["eu-west-1"]))[arnIn(OTHER_ACCOUNT, "eu-west-1")]["cost-center"],
            SECRET,
            "the up restores it",
        );
        await s.destroy();
        assert.deepEqual(await heldIn(OTHER_ACCOUNT, ALL), {});
    });
});
