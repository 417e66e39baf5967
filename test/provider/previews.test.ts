/**
 * What a preview learns in `check` (issue "Previews that predict the up"): a create over an authorization
 * that exists fails the preview with the create's own message; adopting or taking one over previews the
 * tags AWS will hold; unusable credentials fail the preview unless aws:skipCredentialsValidation; the
 * tags AWS will hold (default tags included) are in the checked inputs unless a value may be secret.
 */
import * as assert from "node:assert/strict";
import { provider } from "../../provider";
import { newRun } from "../harness/run";
import { EMPTY_SETTINGS } from "../../provider/core/aws/settings";
import type { Inputs, Outputs } from "../../provider/core/model/types";
import { faults } from "../harness/proxy";
import { AGGREGATOR_ACCOUNT, arnOf, inputsFor, useAws } from "../harness/aws";

const inputs = inputsFor;
const ARN = arnOf("eu-west-1");
type Checked = Inputs & Partial<Outputs>;

describe("previews (check) against moto", function () {
    this.timeout(30000);
    const aws = useAws();

    it("fails the preview of a create over AWS Control Tower's authorization with the create's message, after one ListTagsForResource", async () => {
        await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { "aws-control-tower": "managed-by-control-tower" });
        aws.proxy.clear();
        const check = await provider.check!({} as Inputs, inputs());
        assert.deepEqual(aws.proxy.operations(), ["ListTagsForResource"], "one read by ARN");
        let created: Error | undefined;
        await provider.create(inputs()).catch((e: Error) => (created = e));
        assert.ok(created);
        assert.deepEqual(
            check.failures?.map((f) => f.reason),
            [created.message],
            "the preview says what the up would",
        );
        assert.match(
            created.message,
            /already exists, created outside Pulumi \(AWS Control Tower, another tool or a person\)\. Pulumi changed nothing\./,
        );
    });

    it("previews the tags AWS will hold when adopting or taking one over: the ones found stay", async () => {
        await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { "tf-managed": "true", team: "old" });
        for (const over of [{ adoptExisting: true }, { takeOwnership: true }]) {
            const check = await provider.check!({} as Inputs, inputs(over));
            assert.equal(check.failures, undefined);
            assert.deepEqual((check.inputs as Checked).tagsAll, { "tf-managed": "true", team: "platform" }, JSON.stringify(over));
        }
        const { outs } = await provider.create(inputs({ takeOwnership: true }));
        assert.deepEqual(await aws.tags("eu-west-1", outs!.arn), {
            "tf-managed": "true",
            team: "platform",
            "pulumi-aws-config-aggregation:owner": `${inputs().owner} creation:*`,
        });
    });

    it("makes no AWS call for an authorization the state has, and previews the tags with aws:defaultTags", async () => {
        const { outs } = await provider.create(inputs());
        newRun({ ...EMPTY_SETTINGS, defaultTags: { "cost-center": "42", team: "default" } });
        aws.proxy.clear();
        const check = await provider.check!(outs!, inputs());
        assert.deepEqual(aws.proxy.calls, [], "no call");
        assert.equal((check.inputs as Checked).arn, ARN);
        assert.deepEqual((check.inputs as Checked).tagsAll, { "cost-center": "42", team: "platform" }, "the resource's tags win");
        const secret = await provider.check!(outs!, inputs({ tagsMayBeSecret: true }));
        assert.equal((secret.inputs as Checked).tagsAll, undefined, "never a value the provider cannot mark secret");
    });

    it("fails the preview when the credentials are unusable, as the up would; aws:skipCredentialsValidation goes on without the ARN", async () => {
        const region = "sa-east-1"; // a region whose account lookup no other test made in this process
        aws.proxy.inject((c) => (c.service === "sts" ? faults.expiredToken() : undefined));
        const check = await provider.check!({} as Inputs, inputs({ region }));
        let created: Error | undefined;
        await provider.create(inputs({ region })).catch((e: Error) => (created = e));
        assert.ok(created);
        assert.deepEqual(
            check.failures?.map((f) => f.reason),
            [created.message],
        );
        assert.match(created.message, /AWS rejected the credentials \(ExpiredTokenException/);

        newRun({ ...EMPTY_SETTINGS, skipCredentialsValidation: true });
        const skipped = await provider.check!({} as Inputs, inputs({ region: "sa-east-1" }));
        assert.equal(skipped.failures, undefined);
        assert.equal((skipped.inputs as Checked).arn, undefined, "the ARN is unknown, as before");
    });
});

describe("check once the run has asked for a change (not a preview)", function () {
    this.timeout(30000);
    const aws = useAws();

    it("reads nothing for a new authorization, and the create refuses on its own what the preview would have", async () => {
        await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { "aws-control-tower": "managed-by-control-tower" });
        const preview = await provider.check!({} as Inputs, inputs());
        assert.equal(preview.failures?.length, 1, "before any change the run may be a preview: check reads");
        // The engine calls create, update and delete only outside previews: after one, check leaves the read to the create.
        await provider.create(inputs({ region: "us-west-2" }));
        aws.proxy.clear();
        const check = await provider.check!({} as Inputs, inputs());
        assert.deepEqual(aws.proxy.calls, [], "no AWS call on the engine's serial path");
        assert.equal(check.failures, undefined);
        await assert.rejects(provider.create(check.inputs!), { message: preview.failures![0].reason });
        assert.deepEqual(aws.proxy.operations(), ["ListTagsForResource"], "the create read for itself, and put nothing");
        newRun({});
        aws.proxy.clear();
        assert.equal((await provider.check!({} as Inputs, inputs())).failures?.length, 1, "a new configuration may be a preview again");
        assert.deepEqual(aws.proxy.operations(), ["ListTagsForResource"]);
    });
});
