/**
 * The `pulumi preview --diff` a reviewer reads in a pull request, for the common changes. The page
 * docs/previews.md shows these outputs as captured here: this test fails when they differ, and
 * `npm run previews` (UPDATE_README_PREVIEWS=1) writes the new ones into it.
 */
import * as assert from "node:assert/strict";
import { AGGREGATOR_ACCOUNT, OTHER_ACCOUNT, THIRD_ACCOUNT, arnOf, roleIn, useAws } from "../harness/aws";
import { Stack } from "../harness/pulumi";
import { CAPTURED, keepCaptures } from "../harness/docs";
import { PROGRAMS, useStacks, type AccountSpec, type Spec } from "../harness/engine";

const START = "<!-- previews:start (written by test/engine/previews.test.ts: npm run previews) -->";
const END = "<!-- previews:end -->";

const spec = (over: Partial<Spec> = {}): Spec => ({
    name: "authorize-eu-west-1",
    authorizedAccountId: AGGREGATOR_ACCOUNT,
    authorizedAwsRegion: "us-east-1",
    region: "eu-west-1",
    tags: { team: "platform", env: "dev" },
    ...over,
});

/**
 * The preview with each run of sibling resource blocks in URN order. The engine serves the program's
 * registrations concurrently, so resources registered together (a component's children) are shown in
 * the order their registrations happen to arrive, which differs from run to run.
 */
function inUrnOrder(text: string): string {
    const lines = text.split("\n");
    const header = /^ {4}[-+~]{1,2} ?\S+: \([a-z-]+\)$/;
    const out: string[] = [];
    for (let i = 0; i < lines.length;) {
        if (!header.test(lines[i])) {
            out.push(lines[i++]);
            continue;
        }
        const blocks: string[][] = [];
        while (i < lines.length && header.test(lines[i])) {
            const block = [lines[i++]];
            while (i < lines.length && /^ {5,}/.test(lines[i])) block.push(lines[i++]);
            blocks.push(block);
        }
        const urn = (b: string[]) => b.find((l) => l.trim().startsWith("[urn=")) ?? b.join("\n");
        out.push(...blocks.sort((x, y) => urn(x).localeCompare(urn(y))).flat());
    }
    return out.join("\n");
}

/** The lines of the resource block of a preview whose URN ends with `::name`: its header, URN and properties. */
function blockOf(text: string, name: string): string {
    const lines = text.split("\n");
    const at = lines.findIndex((l) => l.trim().startsWith("[urn=") && l.trim().endsWith(`::${name}]`));
    assert.ok(at >= 0, `${name} in the preview:\n${text}`);
    let start = at;
    while (start > 0 && /^ {6,}/.test(lines[start])) start--;
    let end = at + 1;
    while (end < lines.length && /^ {6,}/.test(lines[end])) end++;
    return lines.slice(start, end).join("\n");
}

describe("previews in pull requests", function () {
    this.timeout(10 * 60 * 1000);
    const aws = useAws();
    const captured: [string, string][] = [];
    const stacks = useStacks(aws);
    const program = (resources: Spec[]) => stacks.authorizations(resources, {}, { stack: "pr" });
    async function capture(title: string, s: Stack, config: Spec[] | Record<string, string>): Promise<string> {
        await s.setConfig(Array.isArray(config) ? { resources: JSON.stringify(config) } : config);
        // Creation times differ from run to run; nothing else in these previews does.
        const text = inUrnOrder((await s.previewDiff()).stdout)
            .replace(/[ \t]+$/gm, "")
            .replace(/"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"/g, '"<creation time>"')
            .trim();
        captured.push([title, text]);
        return text;
    }

    it("a tag added, changed and removed is one in-place update naming each key", async () => {
        const s = await program([spec()]);
        await s.up();
        const text = await capture("A tag added, one changed and one removed", s, [spec({ tags: { team: "security", owner: "ops" } })]);
        assert.match(text, /~ pulumi-nodejs:dynamic\/aws-config:AggregationAuthorization: \(update\)/);
        assert.match(text, /- env +: "dev"/);
        assert.match(text, /\+ owner: "ops"/);
        assert.match(text, /~ team +: "platform" => "security"/);
    });

    it("a change of the aggregator region is a replacement naming the input", async () => {
        const s = await program([spec()]);
        await s.up();
        const text = await capture("The aggregator region changed (a replacement)", s, [spec({ authorizedAwsRegion: "eu-central-1" })]);
        assert.match(text, /\+-pulumi-nodejs:dynamic\/aws-config:AggregationAuthorization: \(replace\)/);
        assert.match(text, /~ authorizedAwsRegion: "us-east-1" => "eu-central-1"/);
    });

    it("adopting an authorization AWS Control Tower made is a create with adoptExisting", async () => {
        await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { "aws-control-tower": "managed-by-control-tower" });
        const s = await program([]);
        const text = await capture("Adopting an authorization that AWS Control Tower created", s, [spec({ adoptExisting: true })]);
        assert.match(text, /\+ pulumi-nodejs:dynamic\/aws-config:AggregationAuthorization: \(create\)/);
        assert.match(text, /adoptExisting +: true/);
    });

    it("after a refresh that found drift, the preview names the keys the up restores", async () => {
        const s = await program([spec()]);
        await s.up();
        await aws.tagOutOfBand("eu-west-1", arnOf("eu-west-1"), { env: "prod", intruder: "yes" });
        await s.refresh();
        const text = await capture("After `pulumi refresh` found tags changed outside Pulumi", s, [spec()]);
        assert.match(text, /- intruder: "yes"/);
        assert.match(text, /~ env +: "prod" => "dev"/);
    });

    it("SourceAccountAuthorizations gaining a region and a renamed tag key is one in-place update naming the region and both keys", async () => {
        const account = (over: Partial<AccountSpec> = {}): AccountSpec => ({
            name: `source-${OTHER_ACCOUNT}`,
            authorizedAccountId: AGGREGATOR_ACCOUNT,
            authorizedAwsRegion: "us-east-1",
            regions: ["eu-west-1", "us-east-1"],
            roleArn: roleIn(OTHER_ACCOUNT),
            sourceAccountId: OTHER_ACCOUNT,
            tags: { team: "platform", env: "dev" },
            ...over,
        });
        const s = await stacks.sourceAccounts([account()], {}, { stack: "pr" });
        await s.up();
        const text = await capture("`SourceAccountAuthorizations` gains a region, and a tag key is renamed", s, {
            accounts: JSON.stringify([
                account({ regions: ["eu-west-1", "us-east-1", "eu-central-1"], tags: { team: "platform", environment: "dev" } }),
            ]),
        });
        const block = blockOf(text, `source-${OTHER_ACCOUNT}`);
        assert.match(block, /^ {4}~ pulumi-nodejs:dynamic\/aws-config:SourceAccountAuthorizations: \(update\)$/m);
        assert.match(
            block,
            new RegExp(
                `\\+ eu-central-1: "arn:aws:config:eu-central-1:${OTHER_ACCOUNT}:aggregation-authorization/${AGGREGATOR_ACCOUNT}/us-east-1"`,
            ),
        );
        assert.match(block, /- env +: "dev"/);
        assert.match(block, /\+ environment: "dev"/);
        assert.match(text, /~ 1 to update/);
        assert.doesNotMatch(text, /to create|to replace|to delete/);
    });

    it("the fan-out component adding a region previews as an in-place update of each account's resource, naming the region", async () => {
        const accounts = [OTHER_ACCOUNT, THIRD_ACCOUNT];
        const sources = (regions: string[]) =>
            JSON.stringify(accounts.map((accountId) => ({ accountId, regions, roleArn: roleIn(accountId) })));
        const s = await stacks.create(
            PROGRAMS.organization,
            { aggregatorAccountId: AGGREGATOR_ACCOUNT, aggregatorRegion: "us-east-1", sources: sources(["eu-west-1"]) },
            { stack: "pr" },
        );
        await s.up();
        const text = await capture("`AggregationAuthorizations` over two accounts gains a region", s, {
            sources: sources(["eu-west-1", "us-west-2"]),
        });
        // One SourceAccountAuthorizations per account, each updated in place: its arns gain the region's ARN, nothing else.
        for (const account of accounts) {
            const block = blockOf(text, `org-${account}`);
            assert.match(block, /^ {4}~ pulumi-nodejs:dynamic\/aws-config:SourceAccountAuthorizations: \(update\)$/m);
            assert.match(
                block,
                new RegExp(
                    `\\+ us-west-2: "arn:aws:config:us-west-2:${account}:aggregation-authorization/${AGGREGATOR_ACCOUNT}/us-east-1"`,
                ),
            );
            assert.doesNotMatch(block, /~ tags/);
        }
        assert.match(text, /~ 2 to update/);
        assert.doesNotMatch(text, /to create|to replace|to delete/);
    });

    it("a create over an authorization that exists fails the preview, naming the holder and the safe step", async () => {
        await aws.putOutOfBand("eu-west-1", AGGREGATOR_ACCOUNT, "us-east-1", { "aws-control-tower": "managed-by-control-tower" });
        const s = await program([]);
        await s.setConfig({ resources: JSON.stringify([spec()]) });
        const r = await s.preview({ diff: true, allowFail: true });
        assert.notEqual(r.code, 0, "the preview fails, as the up would");
        const [problem] = `${r.stdout}\n${r.stderr}`.split("\n").filter((l) => l.includes("has a problem:"));
        assert.ok(problem, `${r.stdout}\n${r.stderr}`);
        captured.push(["A create over an authorization that exists (the preview fails as the up would)", problem.trim()]);
        assert.match(
            problem,
            /already exists, created outside Pulumi \(AWS Control Tower, another tool or a person\)\. Pulumi changed nothing\. To manage its tags from this resource, set adoptExisting: true/,
        );
        assert.deepEqual(s.authorizations(), []);
    });

    it("a change of aws:defaultTags previews as updates naming the tag keys (tagsAll)", async () => {
        const s = await program([spec()]);
        await s.setConfig({ "aws:defaultTags": JSON.stringify({ tags: { "cost-center": "42", "data-class": "internal" } }) });
        await s.up();
        const text = await capture("The stack's `aws:defaultTags` changed", s, {
            "aws:defaultTags": JSON.stringify({ tags: { "cost-center": "43", "data-class": "internal", "managed-by": "pulumi" } }),
        });
        assert.match(text, /~ pulumi-nodejs:dynamic\/aws-config:AggregationAuthorization: \(update\)/);
        assert.match(text, /~ tagsAll +: \{/);
        assert.match(text, /~ cost-center *: "42" => "43"/);
        assert.match(text, /\+ managed-by *: "pulumi"/);
    });

    after(() => keepCaptures(CAPTURED.previews, START, END, captured, 8));
});
