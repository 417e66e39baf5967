/**
 * Issue 17, items 5 and 14, under the pulumi CLI: a preview with --refresh (as the GitHub Actions
 * example runs it) shows an authorization deleted outside Pulumi as the create the `up --refresh` makes;
 * `AggregationAuthorization.get` reads an authorization in another account through a role; and
 * removing an adopted authorization from the stack leaves it in AWS without the tags the stack set,
 * saying so. The AWS state is read back after each step.
 */
import * as assert from "node:assert/strict";
import { AGGREGATOR_ACCOUNT, OTHER_ACCOUNT, arnOf, created, roleIn, useAws } from "../harness/aws";
import { engineOwner, isSecret } from "../harness/pulumi";
import { useStacks, specOf } from "../harness/engine";
import { OWNER_TAG } from "../../provider/core/model/types";

const EXTERNAL_ID = "get-external-id-secret-17";

const spec = specOf;

describe("out of band, under the pulumi CLI", function () {
    this.timeout(10 * 60 * 1000);
    const aws = useAws();
    const stacks = useStacks(aws);

    it("previews with --refresh an authorization deleted outside Pulumi as the create that up --refresh makes", async () => {
        const s = await stacks.authorizations([spec()]);
        await s.up();
        const before = s.authorizations()[0].outputs!.creationTime;
        await aws.deleteOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1");
        await s.setConfig({ resources: JSON.stringify([spec({ tags: { team: "platform", env: "prod" } })]) });

        aws.proxy.clear();
        const preview = await s.preview({ diff: true, refresh: true });
        assert.match(preview.stdout, /^ {4}\+ 1 to create$/m, preview.stdout);
        assert.doesNotMatch(preview.stdout, /to update/, "not the update that would fail on it");
        assert.deepEqual(
            aws.proxy.operations(),
            ["ListTagsForResource", "DescribeAggregationAuthorizations", "ListTagsForResource"],
            "reads only: the refresh's, then the preview's read of the create's ARN",
        );
        assert.equal(s.authorizations()[0].outputs!.creationTime, before, "a preview does not save what its refresh read");

        await s.up({ refresh: true });
        const [listed] = await aws.list("eu-west-1");
        assert.equal(listed.AggregationAuthorizationArn, arnOf("eu-west-1"));
        assert.deepEqual(await aws.tags("eu-west-1", arnOf("eu-west-1")), {
            team: "platform",
            env: "prod",
            [OWNER_TAG]: created(engineOwner("a")),
        });
        assert.equal(s.authorizations()[0].outputs!.creationTime, listed.CreationTime!.toISOString());
    });

    it("get reads an authorization in another account through a role, the external ID kept secret", async () => {
        const existing = await aws.inAccount(OTHER_ACCOUNT, () =>
            aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { "aws-control-tower": "managed-by-control-tower" }),
        );
        const arn = arnOf("eu-west-1", "us-east-1", AGGREGATOR_ACCOUNT, OTHER_ACCOUNT);
        assert.equal(existing.AggregationAuthorizationArn, arn);
        const s = await stacks.authorizations([], {
            gets: JSON.stringify([
                { name: "by-arn", id: arn, roleArn: roleIn(OTHER_ACCOUNT), secretExternalId: true },
                {
                    name: "by-key",
                    id: `${AGGREGATOR_ACCOUNT}:us-east-1`,
                    region: "eu-west-1",
                    roleArn: roleIn(OTHER_ACCOUNT),
                    secretExternalId: true,
                },
            ]),
        });
        await s.setConfig({ externalId: EXTERNAL_ID }, { secret: true });
        aws.proxy.clear();
        await s.up();
        const expected = {
            arn,
            accountId: OTHER_ACCOUNT,
            region: "eu-west-1",
            creationTime: existing.CreationTime!.toISOString(),
            tags: { "aws-control-tower": "managed-by-control-tower" },
        };
        assert.deepEqual((await s.outputs()).read, { "by-arn": expected, "by-key": expected });
        const assumed = aws.proxy.calls.filter((c) => c.operation === "AssumeRole");
        assert.deepEqual(
            [...new Set(assumed.map((c) => `${c.params?.RoleArn} ${c.params?.ExternalId}`))],
            [`${roleIn(OTHER_ACCOUNT)} ${EXTERNAL_ID}`],
        );
        // Each read: one ListTagsForResource, and one DescribeAggregationAuthorizations (the lookup by key, or the creation time).
        assert.deepEqual(aws.proxy.operations().sort(), [
            "DescribeAggregationAuthorizations",
            "DescribeAggregationAuthorizations",
            "ListTagsForResource",
            "ListTagsForResource",
        ]);

        const state = s.exportState();
        assert.ok(!state.text.includes(EXTERNAL_ID), "the external ID is not in the state in plain text");
        const read = state.resources.filter((r) => r.urn.endsWith("::by-arn") || r.urn.endsWith("::by-key"));
        assert.equal(read.length, 2);
        for (const r of read) {
            assert.deepEqual(r.outputs!.assumeRole, { roleArn: roleIn(OTHER_ACCOUNT) });
            assert.ok(isSecret(r.outputs!.assumeRoleExternalId), `${r.urn}: the external ID is stored as a secret`);
        }

        await s.destroy();
        assert.deepEqual(await aws.listIn(OTHER_ACCOUNT, "eu-west-1"), [existing], "destroy leaves what get read");
        assert.deepEqual(await aws.tagsIn(OTHER_ACCOUNT, "eu-west-1", arn), { "aws-control-tower": "managed-by-control-tower" });
    });

    it("destroy leaves an adopted authorization in AWS, removes the tags the stack set, and says so", async () => {
        const existing = await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", {
            "aws-control-tower": "managed-by-control-tower",
        });
        const s = await stacks.authorizations([spec({ name: "ct", adoptExisting: true, tags: { team: "platform", env: "prod" } })]);
        await s.up();
        assert.deepEqual(await aws.tags("eu-west-1", arnOf("eu-west-1")), {
            "aws-control-tower": "managed-by-control-tower",
            team: "platform",
            env: "prod",
        });
        const r = await s.destroy();
        assert.deepEqual(await aws.list("eu-west-1"), [existing], "left in AWS, the same creation");
        assert.deepEqual(await aws.tags("eu-west-1", arnOf("eu-west-1")), { "aws-control-tower": "managed-by-control-tower" });
        assert.match(
            r.stdout,
            new RegExp(
                `pulumi-aws-config-aggregation: left the adopted authorization ${arnOf("eu-west-1").replace(/[/]/g, "\\/")} in AWS ` +
                    `\\(this stack did not create it\\); removed the tags this resource set on it: env, team\\.`,
            ),
            r.stdout,
        );
        assert.deepEqual(s.authorizations(), []);
    });
});
