/**
 * Ownership across the life of a stack (issue "Ownership across the life of a stack"), under the real
 * pulumi CLI: a forced replacement, a stack renamed and created again under its old name, an owner tag
 * removed by a cleanup job, takeOwnership beside AWS Control Tower, and the fan-out component's account
 * check. Each ends with the AWS state read back, the state, the exit code and the message.
 */
import * as assert from "node:assert/strict";
import { AGGREGATOR_ACCOUNT, OTHER_ACCOUNT, SOURCE_ACCOUNT, THIRD_ACCOUNT, arnOf, roleIn, useAws } from "../harness/aws";
import { PROGRAMS, declare, useStacks, type Spec } from "../harness/engine";
import { engineOwner, type Stack } from "../harness/pulumi";
import { TYPE } from "../../provider/core/model/dynamic";
import { OWNER_TAG as OWNER } from "../../provider/core/model/types";

const ARN = arnOf("eu-west-1");
const SPEC: Spec = {
    name: "auth",
    authorizedAccountId: AGGREGATOR_ACCOUNT,
    authorizedAwsRegion: "us-east-1",
    region: "eu-west-1",
    tags: { team: "platform" },
};
const urnOf = (stack: string, name = "auth") => `urn:pulumi:${stack}::engine-test::${TYPE}::${name}`;

describe("ownership across the life of a stack, under the pulumi CLI", function () {
    this.timeout(15 * 60 * 1000);
    const aws = useAws();
    const stacks = useStacks(aws);

    /** The one authorization AWS holds in eu-west-1: its creation time and exact tags. */
    async function held(): Promise<{ creationTime: string; tags: Record<string, string> }[]> {
        return Promise.all(
            (await aws.list("eu-west-1")).map(async (a) => ({
                creationTime: a.CreationTime!.toISOString(),
                tags: await aws.rawTags("eu-west-1", a.AggregationAuthorizationArn!),
            })),
        );
    }

    /** The state's record of the authorization: its ID, creation ID and creation time. */
    function recorded(s: Stack): { id?: string; creationId?: unknown; creationTime?: unknown }[] {
        return s.authorizations().map((r) => ({ id: r.id, creationId: r.outputs!.creationId, creationTime: r.outputs!.creationTime }));
    }

    /** Waits past the second of `time`: moto stamps creation times in whole seconds; AWS gives each creation its own. */
    async function afterSecondOf(time: string): Promise<void> {
        const second = Math.floor(Date.parse(time) / 1000);
        while (Math.floor(Date.now() / 1000) <= second) await new Promise((r) => setTimeout(r, 50));
    }

    for (const how of ["replace", "targetReplace"] as const) {
        it(`pulumi up --${how === "replace" ? "replace" : "target-replace"} leaves AWS holding the authorization as a new creation, and the state knows it`, async () => {
            const s = await stacks.authorizations([SPEC]);
            await s.up();
            const [before] = recorded(s);
            await afterSecondOf(String(before.creationTime));
            const r = await s.up({ [how]: [urnOf(s.name)] });
            assert.match(r.stdout, /\+-1 replaced/);
            const [after] = recorded(s);
            assert.equal(after.id, ARN);
            assert.notEqual(after.creationId, before.creationId, "a new creation");
            const [inAws] = await held();
            assert.ok(inAws, "AWS still holds the authorization");
            assert.equal(inAws.creationTime, after.creationTime, "the one the state records");
            assert.deepEqual(inAws.tags, { team: "platform", [OWNER]: `${engineOwner("auth")} creation:${after.creationId}` });
            const preview = await s.previewJson();
            assert.deepEqual(preview.changeSummary, { same: 2 }, "nothing left to do");
            await s.refresh();
            assert.deepEqual(recorded(s), [after], "refresh finds it as recorded");
            await s.destroy();
            assert.deepEqual(await held(), []);
        });
    }

    it("a stack renamed, then a new stack under the old name: the new one never takes the old one's authorization", async () => {
        const old = await stacks.authorizations([SPEC], {}, { stack: "dev" });
        await old.up();
        const [mine] = recorded(old);
        await old.rename("dev-old");
        const again = await stacks.authorizations([SPEC], {}, { stack: "dev", backendDir: old.backendDir });
        const r = await again.up({ allowFail: true });
        assert.notEqual(r.code, 0);
        assert.match(
            r.stdout,
            new RegExp(
                `already exists and carries this resource's owner tag \\(organization/engine-test/dev/auth, creation ${mine.creationId}\\), ` +
                    `but this stack's state records no such creation\\. Pulumi changed nothing\\.`,
            ),
        );
        assert.ok(r.stdout.includes(`PULUMI_AWS_CONFIG_AGGREGATION_RECLAIM=${ARN} pulumi up`), r.stdout);
        assert.deepEqual(again.authorizations(), [], "the new stack recorded nothing");
        assert.deepEqual(
            (await held()).map((h) => h.tags[OWNER]),
            [`${engineOwner("auth", "dev")} creation:${mine.creationId}`],
            "AWS unchanged",
        );
        await again.destroy();
        assert.equal((await held()).length, 1, "the new stack's destroy deletes nothing");

        // The renamed stack carries on: its next up moves the owner tag to its new name, its destroy deletes it.
        await old.up();
        assert.deepEqual(
            (await held()).map((h) => h.tags[OWNER]),
            [`${engineOwner("auth", "dev-old")} creation:${mine.creationId}`],
        );
        assert.deepEqual(recorded(old), [mine]);
        await old.destroy();
        assert.deepEqual(await held(), []);
    });

    it("an owner tag removed by a cleanup job: refresh notices, up restores it, destroy still deletes the authorization", async () => {
        const s = await stacks.authorizations([SPEC]);
        await s.up();
        const [mine] = recorded(s);
        await aws.untagOutOfBand("eu-west-1", ARN, [OWNER]);
        await s.refresh();
        const preview = await s.previewJson();
        const [step] = preview.steps.filter((x) => x.op !== "same");
        assert.equal(step.op, "update");
        const [o, n] = [step.old?.inputs ?? {}, step.new?.inputs ?? {}];
        const changed = [...new Set([...Object.keys(o), ...Object.keys(n)])].filter((k) => JSON.stringify(o[k]) !== JSON.stringify(n[k]));
        assert.deepEqual(changed, ["owner"], "the preview names what the up restores");
        await s.up();
        assert.deepEqual(
            (await held()).map((h) => h.tags),
            [{ team: "platform", [OWNER]: `${engineOwner("auth")} creation:${mine.creationId}` }],
        );

        await aws.untagOutOfBand("eu-west-1", ARN, [OWNER]); // and again, right before a destroy without refresh
        const r = await s.destroy();
        assert.match(r.stdout, /AggregationAuthorization auth deleted/);
        assert.deepEqual(await held(), [], "the cross-account grant is gone from AWS");
    });

    it("takeOwnership beside AWS Control Tower: refused unless acknowledged, and then Control Tower's tag stays", async () => {
        const ct = { "aws-control-tower": "managed-by-control-tower" };
        const existing = await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", ct);
        const s = await stacks.authorizations([{ ...SPEC, takeOwnership: true }]);
        const r = await s.up({ allowFail: true });
        assert.notEqual(r.code, 0);
        assert.match(r.stdout, /already exists and carries AWS Control Tower's aws-control-tower tag: Control Tower created it/);
        assert.match(r.stdout, /takeOwnership does not take it\. Pulumi changed nothing\./);
        assert.deepEqual(
            (await held()).map((h) => h.tags),
            [ct],
        );
        assert.deepEqual(s.authorizations(), []);

        await declare(s, [{ ...SPEC, takeOwnership: true, takeOwnershipFromControlTower: true }]);
        await s.up();
        const [mine] = recorded(s);
        assert.deepEqual(await held(), [
            {
                creationTime: existing.CreationTime!.toISOString(),
                tags: { ...ct, team: "platform", [OWNER]: `${engineOwner("auth")} creation:${mine.creationId}` },
            },
        ]);
        await s.destroy();
        assert.deepEqual(await held(), [], "acknowledged: now this stack's, destroy deletes it");
    });

    describe("the fan-out component lands every authorization in its declared account", () => {
        const program = (sources: object[]) =>
            stacks.create(PROGRAMS.organization, {
                aggregatorAccountId: AGGREGATOR_ACCOUNT,
                aggregatorRegion: "us-east-1",
                sources: JSON.stringify(sources),
            });

        it("fails the preview of a source without a role whose account is not the credentials'", async () => {
            const s = await program([{ accountId: OTHER_ACCOUNT, regions: ["eu-west-1"] }]);
            const r = await s.preview({ allowFail: true });
            assert.notEqual(r.code, 0);
            assert.match(
                r.stdout,
                new RegExp(
                    `sourceAccountId is ${OTHER_ACCOUNT}, but the credentials in use \\(the AWS_ACCESS_KEY_ID environment variable\\) act in account ${SOURCE_ACCOUNT}: ` +
                        `the authorization would land in account ${SOURCE_ACCOUNT}, where an aggregator expecting account ${OTHER_ACCOUNT} would never find it\\.`,
                ),
            );
            const up = await s.up({ allowFail: true });
            assert.notEqual(up.code, 0);
            assert.deepEqual(await aws.listIn(SOURCE_ACCOUNT, "eu-west-1"), [], "nothing in the credentials' account");
            assert.deepEqual(await aws.listIn(OTHER_ACCOUNT, "eu-west-1"), []);
            assert.deepEqual(s.sourceAccounts(), [], "the account's resource recorded nothing");
        });

        it("fails a source whose role, given as an Output, is in another account, before any Put", async () => {
            const s = await program([
                { accountId: OTHER_ACCOUNT, regions: ["eu-west-1"], roleArn: roleIn(THIRD_ACCOUNT), roleAsOutput: true },
            ]);
            aws.proxy.clear();
            const r = await s.up({ allowFail: true });
            assert.notEqual(r.code, 0);
            assert.match(
                r.stdout,
                new RegExp(
                    `sourceAccountId is ${OTHER_ACCOUNT}, but the role ${roleIn(THIRD_ACCOUNT)} acts in account ${THIRD_ACCOUNT}: the authorization would land in account ${THIRD_ACCOUNT}`,
                ),
            );
            assert.ok(!aws.proxy.operations().includes("PutAggregationAuthorization"), "no Put");
            assert.deepEqual(await aws.listIn(THIRD_ACCOUNT, "eu-west-1"), []);
            assert.deepEqual(await aws.listIn(OTHER_ACCOUNT, "eu-west-1"), []);
            assert.deepEqual(s.sourceAccounts(), [], "the account's resource recorded nothing");
        });
    });
});
