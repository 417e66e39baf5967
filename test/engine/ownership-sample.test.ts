/**
 * Issue 23, the model-based test's engine-level sample: sequences drawn with fast-check (fixed seed) over
 * two stacks declaring one authorization, with out-of-band edits, run through the real pulumi CLI
 * against moto behind the AWS-faithful proxy. After every step: an authorization a tool made keeps its
 * tags, and any owner tag names one of the two stacks' resources; after destroying both, nothing the
 * stacks made remains. The provider-level model (test/provider/ownership-model.test.ts) runs thousands.
 */
import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { AGGREGATOR_ACCOUNT, arnOf, useAws } from "../harness/aws";
import { declare, specOf, useStacks } from "../harness/engine";
import { engineOwner } from "../harness/pulumi";
import { OWNER_TAG } from "../../provider/core/model/types";

type Command =
    | { kind: "up"; stack: 0 | 1; team: string }
    | { kind: "refresh"; stack: 0 | 1 }
    | { kind: "untag-owner" }
    | { kind: "delete" }
    | { kind: "tool-creates" };

const command: fc.Arbitrary<Command> = fc.oneof(
    fc.record({ kind: fc.constant("up" as const), stack: fc.constantFrom(0 as const, 1 as const), team: fc.constantFrom("a", "b") }),
    fc.record({ kind: fc.constant("refresh" as const), stack: fc.constantFrom(0 as const, 1 as const) }),
    fc.constant({ kind: "untag-owner" as const }),
    fc.constant({ kind: "delete" as const }),
    fc.constant({ kind: "tool-creates" as const }),
);

const SEED = Number(process.env.MODEL_ENGINE_SEED ?? 23);
const RUNS = Number(process.env.MODEL_ENGINE_RUNS ?? 4);
const STEPS = 8;
const ARN = arnOf("eu-west-1");
const TOOL = { tool: "terraform" };

describe("ownership sample, under the pulumi CLI", function () {
    this.timeout(30 * 60 * 1000);
    const aws = useAws();
    const stacks = useStacks(aws);

    const sequences = fc.sample(fc.array(command, { minLength: STEPS, maxLength: STEPS }), { seed: SEED, numRuns: RUNS });
    for (const [n, cmds] of sequences.entries()) {
        it(`sequence ${n} (seed ${SEED}): ${cmds.map((c) => c.kind + ("stack" in c ? c.stack : "")).join(", ")}`, async () => {
            const s = [
                await stacks.authorizations([specOf()], {}, { stack: "t0" }),
                await stacks.authorizations([specOf()], {}, { stack: "t1" }),
            ];
            const owners = [engineOwner("a", "t0"), engineOwner("a", "t1")];
            /** The creation time of the authorization a tool made, while it stands. */
            let toolMade: number | undefined;
            const held = async () => (await aws.list("eu-west-1"))[0];
            for (const c of cmds) {
                const now = await held();
                if (c.kind === "up") {
                    await declare(s[c.stack], [specOf({ tags: { team: c.team } })]);
                    await s[c.stack].up({ allowFail: true });
                } else if (c.kind === "refresh") await s[c.stack].refresh({ allowFail: true });
                else if (c.kind === "untag-owner" && now) await aws.untagOutOfBand("eu-west-1", ARN, [OWNER_TAG]);
                else if (c.kind === "delete" && now) await aws.deleteOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1");
                else if (c.kind === "tool-creates" && !now) {
                    // moto stamps whole seconds; AWS's times tell a new creation apart (docs/ownership-and-adoption.md, "Limits, honestly").
                    await new Promise((r) => setTimeout(r, 1100));
                    toolMade = (await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", TOOL)).CreationTime!.getTime();
                }
                const after = await held();
                if (!after || after.CreationTime!.getTime() !== toolMade) {
                    assert.equal(toolMade === undefined || c.kind === "delete", true, `after ${c.kind}: the tool's authorization stands`);
                    toolMade = undefined;
                }
                if (after && after.CreationTime!.getTime() === toolMade) {
                    assert.deepEqual(await aws.rawTags("eu-west-1", ARN), TOOL, `after ${c.kind}: the tool's authorization keeps its tags`);
                } else if (after) {
                    const tag = (await aws.rawTags("eu-west-1", ARN))[OWNER_TAG];
                    if (tag !== undefined)
                        assert.ok(
                            owners.some((o) => tag.startsWith(`${o} creation:`)),
                            `after ${c.kind}: owner tag ${tag}`,
                        );
                }
            }
            for (const stack of s) await stack.destroy();
            const left = await held();
            assert.equal(
                left?.CreationTime?.getTime(),
                toolMade,
                "after destroying both stacks: the tool's authorization, if it stood, and nothing else",
            );
            if (left) assert.deepEqual(await aws.rawTags("eu-west-1", ARN), TOOL);
        });
    }
});
