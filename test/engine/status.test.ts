/**
 * aggregatorSourcesStatus in a program under the pulumi CLI (issue 25): a failed read ends the run
 * with one message, no stack trace, within seconds of the error. The read runs in an apply, as
 * docs/is-aggregation-working.md writes it: a failure there was an unhandled exception, which Pulumi
 * formats with util.inspect, and Node's inspect spun for 50–110 s on it (docs/is-aggregation-working.md).
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { AGGREGATOR_ACCOUNT, OTHER_ACCOUNT, SOURCE_ACCOUNT, roleIn, useAws } from "../harness/aws";
import { REPO, type Result, type Stack } from "../harness/pulumi";
import { useStacks } from "../harness/engine";
import { faults, type Fault } from "../harness/proxy";

const PROGRAM = path.join(REPO, "test/engine/programs/status");
/** How long after its error a failing run may take to end. */
const ENDS_WITHIN_MS = 15_000;

/** A command's output lines, each with when it came, and when the command ended (`performance.now()`, ms). */
interface Timed {
    result: Result;
    lines: { at: number; text: string }[];
    endedAt: number;
}

async function timed(run: (onOutput: (chunk: string) => void) => Promise<Result>): Promise<Timed> {
    const lines: Timed["lines"] = [];
    let partial = "";
    const result = await run((chunk) => {
        const parts = (partial + chunk).split("\n");
        partial = parts.pop()!;
        for (const text of parts) lines.push({ at: performance.now(), text });
    });
    if (partial) lines.push({ at: performance.now(), text: partial });
    return { result, lines, endedAt: performance.now() };
}

/**
 * Asserts that a failed run printed one error, `message` (in the progress display and once under
 * Diagnostics), with no stack trace or object dump, and that it printed it, and ended, within 15 s of
 * `failedAt` (when the proxy answered the read that failed); returns the seconds from then to the end.
 */
function assertOneQuickError(run: Timed, message: RegExp, failedAt: number): number {
    const output = run.lines.map((l) => l.text).join("\n");
    assert.notEqual(run.result.code, 0, output);
    const errors = run.lines.filter((l) => /\berror: /.test(l.text));
    assert.ok(errors.length > 0, output);
    const said = [...new Set(errors.map((l) => l.text.slice(l.text.indexOf("error: ") + "error: ".length)))];
    assert.equal(said.length, 1, `more than one error message:\n${said.join("\n")}`);
    assert.match(said[0], message);
    const diagnostics = output.slice(output.indexOf("Diagnostics:"));
    assert.equal(diagnostics.split(said[0]).length - 1, 1, diagnostics);
    assert.doesNotMatch(output, /^\s+at \S/m, "a stack trace");
    assert.doesNotMatch(output, /unhandled exception|__awsConfigAggregationError|\$metadata/, "an unhandled exception's dump");
    const printedMs = errors[0].at - failedAt;
    const endedMs = run.endedAt - failedAt;
    assert.ok(printedMs <= ENDS_WITHIN_MS, `the error was printed ${(printedMs / 1000).toFixed(1)} s after the read failed:\n${output}`);
    assert.ok(endedMs <= ENDS_WITHIN_MS, `the run ended ${(endedMs / 1000).toFixed(1)} s after the read failed:\n${output}`);
    return endedMs / 1000;
}

describe("aggregator source status under the pulumi CLI", function () {
    this.timeout(5 * 60 * 1000);
    const aws = useAws();
    const stacks = useStacks(aws);

    it("a read of an aggregator that does not exist: pending in a preview; an up's gate fails with one message, ending at once", async () => {
        const expected = [SOURCE_ACCOUNT, OTHER_ACCOUNT].map((accountId) => ({ accountId, region: "eu-west-1" }));
        const stack: Stack = await stacks.create(PROGRAM, {
            aggregatorName: "org",
            roleArn: roleIn(AGGREGATOR_ACCOUNT),
            expected: JSON.stringify(expected),
            "aws:region": "us-east-1",
        });
        const preview = await stack.preview();
        assert.match(
            preview.stdout,
            /aggregator org \(region us-east-1\) does not exist \(yet\): .*so its sources are reported as pending/,
        );
        assert.doesNotMatch(preview.stdout + preview.stderr, /\berror: /);

        // When the proxy answered each status read (the last one is where the run fails), and what it answers.
        let lastRead = 0;
        const endpoint: { answer?: Fault } = {};
        aws.proxy.inject((c) => {
            if (c.operation !== "DescribeConfigurationAggregatorSourcesStatus") return undefined;
            lastRead = performance.now();
            return endpoint.answer;
        });
        await stack.setConfig({ waitSeconds: "1" });
        const missing = await timed((onOutput) => stack.up({ allowFail: true, onOutput }));
        const missingTook = assertOneQuickError(
            missing,
            new RegExp(
                `^reading the source status of Config aggregator org \\(region us-east-1\\): the aggregator did not exist within 1 s ` +
                    `\\(\\d+ reads: config:DescribeConfigurationAggregatorSourcesStatus answered NoSuchConfigurationAggregatorException\\), ` +
                    `so none of the 2 expected sources succeeded\\. Create it \\(aws\\.cfg\\.ConfigurationAggregator\\) in region us-east-1 ` +
                    `of the account the credentials act in \\(role ${roleIn(AGGREGATOR_ACCOUNT)} assumed from the AWS_ACCESS_KEY_ID environment variable\\)`,
            ),
            lastRead,
        );

        // An endpoint without the operation (moto's 500 page): called that, at once.
        endpoint.answer = faults.html(500);
        aws.proxy.clear();
        const unimplemented = await timed((onOutput) => stack.up({ allowFail: true, onOutput }));
        const unimplementedTook = assertOneQuickError(
            unimplemented,
            new RegExp(
                `^reading the source status of Config aggregator org \\(region us-east-1\\): the endpoint \\S+ does not implement ` +
                    `config:DescribeConfigurationAggregatorSourcesStatus: it answered HTTP 500 with an HTML page \\(not retried\\)\\.`,
            ),
            lastRead,
        );
        assert.equal(
            aws.proxy.calls.filter((c) => c.operation === "DescribeConfigurationAggregatorSourcesStatus" && c.status === 500).length,
            1,
        );
        console.log(`      the runs ended ${missingTook.toFixed(1)} s and ${unimplementedTook.toFixed(1)} s after their read failed`);
    });
});
