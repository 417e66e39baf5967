/**
 * The `pulumi preview --diff` a reviewer reads for an organization (issue 25): 40 accounts × 4 regions
 * through roles, exporting `regionsByAccount` as docs/previews.md recommends. Each change must read in about
 * five lines per account and name what changes. docs/previews.md, "At organization scale", shows these
 * captures, condensed to the first account's block (the test checks every other account's block is
 * the same but for its account ID); `npm run previews` writes them.
 */
import * as assert from "node:assert/strict";
import { AGGREGATOR_ACCOUNT, roleIn, useAws } from "../harness/aws";
import { CAPTURED, keepCaptures } from "../harness/docs";
import { PROGRAMS, useStacks } from "../harness/engine";
import type { Stack } from "../harness/pulumi";

const START = "<!-- org-previews:start (written by test/engine/previews-organization.test.ts: npm run previews) -->";
const END = "<!-- org-previews:end -->";

const ACCOUNTS = Array.from({ length: 40 }, (_, i) => `2000000000${String(i + 1).padStart(2, "0")}`);
const REGIONS = ["ap-southeast-2", "eu-central-1", "eu-west-1", "us-east-1"];
const HEADER = /^ {4}[-+~]{1,2} ?\S+: \([a-z-]+\)$/;

/** The preview's resource blocks (header to the next header or the outputs) and what comes before and after them. */
function split(text: string): { head: string[]; blocks: string[][]; tail: string[] } {
    const lines = text
        .replace(/[ \t]+$/gm, "")
        .trim()
        .split("\n");
    const first = lines.findIndex((l) => HEADER.test(l));
    const end = lines.findIndex((l, i) => i > first && !HEADER.test(l) && !/^ {5,}/.test(l));
    const blocks: string[][] = [];
    for (const l of lines.slice(first, end)) {
        if (HEADER.test(l)) blocks.push([l]);
        else blocks[blocks.length - 1].push(l);
    }
    const account = (b: string[]) => b.join("\n").match(/org-(\d{12})\]/)?.[1] ?? "";
    blocks.sort((x, y) => account(x).localeCompare(account(y)));
    return { head: lines.slice(0, first), blocks, tail: lines.slice(end) };
}

/** Runs of more than three lines that differ only in an account ID: the first two, a count, the last. */
function condensed(lines: string[]): string[] {
    const shape = (l: string) => l.replace(/\d{12}/g, "<account>");
    const out: string[] = [];
    for (let i = 0; i < lines.length;) {
        let j = i + 1;
        while (j < lines.length && /\d{12}/.test(lines[i]) && shape(lines[j]) === shape(lines[i])) j++;
        if (j - i > 3) out.push(lines[i], lines[i + 1], `        … ${j - i - 3} more lines alike …`, lines[j - 1]);
        else out.push(...lines.slice(i, j));
        i = j;
    }
    return out;
}

describe("previews in pull requests at organization scale", function () {
    this.timeout(30 * 60 * 1000);
    const aws = useAws();
    const stacks = useStacks(aws);
    const captured: [string, string][] = [];
    const sources = (accounts: string[], regions: string[]) =>
        JSON.stringify(accounts.map((accountId) => ({ accountId, regions, roleArn: roleIn(accountId) })));
    let s: Stack;

    /** The preview, checked and condensed: every account's block is the first's but for the account ID. */
    async function capture(
        title: string,
        config: Record<string, string>,
        accounts: string[],
        tags?: Record<string, string>,
    ): Promise<{ text: string; lines: number }> {
        await s.setConfig(config);
        if (tags) await s.setConfigObjects({ tags });
        const raw = (await s.previewDiff()).stdout;
        const { head, blocks, tail } = split(raw);
        assert.equal(blocks.length, accounts.length, raw);
        const [first, ...rest] = blocks;
        rest.forEach((b, i) => assert.equal(b.join("\n"), first.join("\n").replaceAll(accounts[0], accounts[i + 1]), raw));
        const others = rest.length ? [`    … the same block for each of the other ${rest.length} accounts …`] : [];
        const text = [...head, ...first, ...others, ...condensed(tail)].join("\n").replace(/sha256:[0-9a-f]{32}/g, "sha256:<digest>");
        captured.push([title, text]);
        return { text, lines: raw.trim().split("\n").length };
    }

    beforeEach(async () => {
        s = await stacks.create(
            PROGRAMS.organization,
            {
                aggregatorAccountId: AGGREGATOR_ACCOUNT,
                aggregatorRegion: "us-east-1",
                sources: sources(ACCOUNTS, REGIONS),
                exports: JSON.stringify(["regionsByAccount"]),
            },
            { stack: "pr" },
        );
        await s.up();
    });

    it("one region added to 40 accounts: about five lines per account, each naming the region", async () => {
        const { text, lines } = await capture(
            "One region added to 40 accounts",
            { sources: sources(ACCOUNTS, [...REGIONS, "us-west-2"]) },
            ACCOUNTS,
        );
        console.log(`      ${lines} lines for 40 accounts`);
        assert.ok(lines <= 40 * 7 + 60, `${lines} lines`);
        assert.match(text, /~ regions \(hidden\)/);
        assert.match(text, /\+ us-west-2: "arn:aws:config:us-west-2:200000000001:aggregation-authorization\/111122223333\/us-east-1"/);
        assert.match(
            text,
            /~ 200000000001: "ap-southeast-2,eu-central-1,eu-west-1,us-east-1" => "ap-southeast-2,eu-central-1,eu-west-1,us-east-1,us-west-2"/,
        );
        assert.match(text, /~ 40 to update/);
        assert.doesNotMatch(text, /tagsAll|assumeRole|authorizedAccountId/, "unchanged properties are not shown");
    });

    it("a tag changed on 40 accounts: the tag, once per account", async () => {
        const { text, lines } = await capture(
            "A tag changed on every authorization of 40 accounts",
            { sources: sources(ACCOUNTS, REGIONS) },
            ACCOUNTS,
            { team: "security" },
        );
        console.log(`      ${lines} lines for 40 accounts`);
        assert.ok(lines <= 40 * 9 + 60, `${lines} lines`);
        assert.match(text, /~ team: "platform" => "security"/);
        assert.match(text, /~ 40 to update/);
        assert.doesNotMatch(text, /arns|regions|assumeRole/, "unchanged properties are not shown");
    });

    it("one account removed: its resource deleted, and the exported map loses one line, shifting nothing", async () => {
        const kept = ACCOUNTS.filter((a) => a !== "200000000020");
        const { text } = await capture("One account removed from 40", { sources: sources(kept, REGIONS) }, ["200000000020"], {
            team: "platform",
        });
        assert.match(text, /- pulumi-nodejs:dynamic\/aws-config:SourceAccountAuthorizations: \(delete\)/);
        assert.match(text, /- 200000000020: "ap-southeast-2,eu-central-1,eu-west-1,us-east-1"/);
        assert.doesNotMatch(text, /=> "2000000000\d\d"/, "no account ID reads as changed");
        assert.match(text, /- 1 to delete/);
    });

    after(() => keepCaptures(CAPTURED.previews, START, END, captured, 3));
});
