/**
 * One message per cause (issue 25) under the pulumi CLI: when every region of every account fails for
 * one reason, a reviewer reads the reason once and one line per account, not a paragraph per region.
 */
import * as assert from "node:assert/strict";
import { AGGREGATOR_ACCOUNT, roleIn, useAws } from "../harness/aws";
import { PROGRAMS, useStacks } from "../harness/engine";
import { faults } from "../harness/proxy";

const ACCOUNTS = Array.from({ length: 40 }, (_, i) => `3000000000${String(i).padStart(2, "0")}`);
const REGIONS = ["ap-southeast-2", "eu-central-1", "eu-west-1", "us-east-1", "us-west-2"];
/** A phrase only the whole message of a role that cannot be assumed has. */
const WHOLE = "Check that the role exists, that its trust policy lets those credentials assume it";

describe("one message per cause, under the pulumi CLI", function () {
    this.timeout(30 * 60 * 1000);
    const aws = useAws();
    const stacks = useStacks(aws);

    it("40 accounts × 5 regions whose roles cannot be assumed: preview --refresh tells the cause once and each account in a line", async () => {
        const s = await stacks.create(PROGRAMS.organization, {
            aggregatorAccountId: AGGREGATOR_ACCOUNT,
            aggregatorRegion: "us-east-1",
            sources: JSON.stringify(ACCOUNTS.map((accountId) => ({ accountId, regions: REGIONS, roleArn: roleIn(accountId) }))),
        });
        await s.up();
        aws.proxy.inject((c) => (c.operation === "AssumeRole" ? faults.accessDenied("sts:AssumeRole") : undefined));
        const r = await s.preview({ diff: true, refresh: true, allowFail: true });
        const out = `${r.stdout}\n${r.stderr}`;
        assert.notEqual(r.code, 0, "the refresh fails");
        const lines = out.split("\n");
        assert.ok(lines.length < 150, `${lines.length} lines:\n${out}`);
        console.log(`      preview --refresh printed ${lines.length} lines`);
        // The engine shows an error where it happens and again under Diagnostics: the whole cause at most twice.
        const whole = out.split(WHOLE).length - 1;
        assert.ok(whole >= 1 && whole <= 2, `the whole message ${whole} times:\n${out}`);
        for (const account of ACCOUNTS) assert.ok(out.includes(`account ${account}`), `account ${account} is named`);
        assert.ok(out.includes("the same cause as for"), out);
    });
});
