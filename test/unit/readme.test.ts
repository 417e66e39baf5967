import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { SUPPORTED } from "../../provider/core/aws/settings";
import * as sdk from "../../sdk";
import { TABLE, type Decision } from "../../provider/core/ownership";

const REPO = path.resolve(__dirname, "../../..");

describe("README", () => {
    it("shows the examples exactly as they are (the engine tier runs them)", () => {
        const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
        const blocks = [...readme.matchAll(/<!-- file: (\S+) -->\n```ts\n([\s\S]*?)```\n/g)];
        assert.deepEqual(
            blocks.map((b) => b[1]),
            ["examples/source-account/index.ts", "examples/aggregator/index.ts"],
        );
        for (const [, file, code] of blocks) assert.equal(code, fs.readFileSync(path.join(REPO, file), "utf8"), file);
    });
});

describe("README: compiled snippets", () => {
    it("type-checks each snippet marked <!-- compiled --> against the built package and @pulumi/pulumi, as a user's program", function () {
        this.timeout(60000);
        const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
        const blocks = [...readme.matchAll(/<!-- compiled -->\n```ts\n([\s\S]*?)```\n/g)].map((b) => b[1]);
        assert.ok(blocks.length >= 1, "README has a compiled snippet");
        // Each snippet a file of its own at the repository's root: "pulumi-aws-config-aggregation" resolves to
        // the package through node_modules (scripts/link-self.js), its types those the build emitted (dist/sdk).
        const files = new Map(blocks.map((code, i) => [path.join(REPO, `readme-snippet-${i}.ts`), code]));
        const options: ts.CompilerOptions = {
            strict: true,
            target: ts.ScriptTarget.ES2022,
            module: ts.ModuleKind.CommonJS,
            moduleResolution: ts.ModuleResolutionKind.Node10,
            esModuleInterop: true,
            skipLibCheck: true,
            types: ["node"],
            noEmit: true,
        };
        const host = ts.createCompilerHost(options);
        const { fileExists, readFile, getSourceFile } = host;
        host.fileExists = (f) => files.has(f) || fileExists(f);
        host.readFile = (f) => files.get(f) ?? readFile(f);
        host.getSourceFile = (f, v, ...rest) => (files.has(f) ? ts.createSourceFile(f, files.get(f)!, v) : getSourceFile(f, v, ...rest));
        const program = ts.createProgram([...files.keys()], options, host);
        const problems = ts.getPreEmitDiagnostics(program).map((d) => {
            const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
            const file = d.file ? path.basename(d.file.fileName) : "";
            return `${file}${where ? `:${where.line + 1}:${where.character + 1}` : ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
        });
        assert.deepEqual(problems, []);
    });
});

/** The cells of a markdown table row, trimmed. */
const cells = (row: string) =>
    row
        .replace(/^\||\|$/g, "")
        .split(" | ")
        .map((c) => c.trim());

describe("README: Compared with Terraform, pulumi-aws and CloudFormation", () => {
    const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Compared with"), readme.indexOf("## Troubleshooting"));
    const rows = section
        .split("\n")
        .filter((l) => l.startsWith("| ") && !l.startsWith("| |") && !l.startsWith("|---"))
        .map(cells);
    /** This package's cell of each row, by the row's label. */
    const ours = Object.fromEntries(rows.map((r) => [r[0], r[1]]));
    const source = (file: string) => fs.readFileSync(path.join(REPO, file), "utf8");

    /** Every name this package's column may show in backticks: exports, inputs and outputs, stack settings, AWS operations the provider sends, CLI commands. */
    const known = new Set<string>([
        ...Object.keys(sdk),
        ...[...source("sdk/authorization.ts").matchAll(/readonly (\w+)\??:/g)].map((m) => m[1]),
        ...[...source("sdk/authorizations.ts").matchAll(/readonly (\w+)\??:/g)].map((m) => m[1]),
        ...SUPPORTED,
        "aws:skipRegionValidation",
        ...[...source("provider/core/aws/calls.ts").matchAll(/\b(\w+)Command\b/g)].map((m) => m[1]),
        // The program-side reads (sdk/reads/): the aggregator's source status.
        ...[...source("sdk/reads/status.ts").matchAll(/\b(\w+)Command\b/g)].map((m) => m[1]),
        ...[...source("sdk/reads/regions.ts").matchAll(/\bpaginate(\w+)\b/g)].map((m) => m[1]),
        "up",
        "pulumi import",
    ]);

    it("has the rows it had, each with a cell for this package", () => {
        assert.deepEqual(Object.keys(ours), [
            "Resource",
            "Aggregator account, region",
            "Source region",
            "Several source accounts in one program",
            "Create when the authorization already exists",
            "Taking one over on purpose",
            "Destroy",
            "Refresh of one authorization",
            "Creation time",
            "Tag changes",
            "Tags for every resource",
            "Is aggregation working?",
            "Regions an account has enabled",
            "Pending requests from other aggregators",
        ]);
        for (const r of rows) assert.equal(r.length, 5, r[0]);
    });

    it("names only what the package has in this package's column", () => {
        for (const [label, cell] of Object.entries(ours)) {
            for (const [, code] of cell.matchAll(/`([^`]+)`/g)) {
                for (const name of code.split("/")) {
                    assert.ok(
                        known.has(name.replace(/: true$/, "")),
                        `${label}: \`${name}\` is not an export, input, output, setting or call of the package`,
                    );
                }
            }
        }
    });

    it("says what main does: several accounts, default tags, creation time, in-place tags", () => {
        for (const [label, cell] of Object.entries(ours)) {
            assert.doesNotMatch(cell, /not on main|^no\b/i, label);
        }
        assert.match(
            ours["Several source accounts in one program"],
            /^yes: each resource's `assumeRole` input .*`AggregationAuthorizations` component over `sources`/,
        );
        assert.match(ours["Tags for every resource"], /`aws:defaultTags`.*`tagsAll`/);
        assert.match(ours["Creation time"], /`creationTime` output/);
        assert.match(ours["Tag changes"], /`TagResource`\/`UntagResource`/);
        // The refresh reads by ARN with ListTagsForResource, never DescribeAggregationAuthorizations.
        assert.match(source("provider/core/aws/calls.ts"), /export async function findTagsByArn[\s\S]*?ListTagsForResourceCommand/);
    });
});

describe("README: Install", () => {
    const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
    const install = readme.slice(readme.indexOf("## Install"), readme.indexOf("## Usage"));
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));

    it("installs today from a packed tarball of this version, and says the registry install is for later", () => {
        assert.ok(
            install.includes(`npm install /path/to/pulumi-aws-config-aggregation/${pkg.name}-${pkg.version}.tgz @pulumi/pulumi`),
            install,
        );
        assert.ok(install.includes(`git clone ${pkg.repository.url.replace(/^git\+/, "")}`), install);
        assert.match(install, /not on the npm registry yet/);
        assert.match(
            install,
            /Once the package is published, this will be the whole of it:\n\n```sh\nnpm install pulumi-aws-config-aggregation @pulumi\/pulumi\n```/,
        );
        // `npm pack` builds the package: its prepack script compiles dist/.
        assert.match(pkg.scripts.prepack, /tsc -p tsconfig\.build\.json/);
        // A git URL install builds only through a `prepare` script: the README says it does not work while there is none.
        assert.equal(pkg.scripts.prepare, undefined, "a prepare script exists: README Install can offer npm install from git");
    });
});

/** The decision table of ownership.ts as README "Guarantees" shows it: one line a row. */
export function renderOwnershipTable(): string {
    const any = (xs: readonly string[] | undefined) => (xs === undefined ? "any" : xs.join(" / "));
    const decision = (d: Decision): string => {
        switch (d.act) {
            case "ask":
                return "look up AWS's creation time, decide again";
            case "create":
                return "create: Put a new creation";
            case "take":
                return d.mode === "own"
                    ? "take back as its own (a new creation)"
                    : d.mode === "taken"
                      ? "take over: a new creation's owner tag"
                      : "adopt: declared keys only";
            case "keep":
                return d.tagged ? "this resource's" : "this resource's; write the owner tag back";
            case "manage":
                return "adopted: declared keys only";
            case "leave":
                return `leave it (${d.why})`;
            case "refuse":
                return `refuse (${d.why}), changing nothing`;
        }
    };
    const lines = TABLE.map(({ when, then }, i) => {
        const facts = [
            when.inputs ? when.inputs.join(" + ") : "",
            when.time ? `creation time ${when.time.join(", ")}` : "",
            when.unconfirmed ? "unconfirmed create" : "",
        ].filter(Boolean);
        return `| ${i + 1} | ${any(when.op)} | ${any(when.aws)} | ${any(when.state)} | ${facts.join("; ") || "–"} | ${decision(then)} |`;
    });
    return ["| # | operation | AWS holds | state | inputs, time | decision |", "|---|---|---|---|---|---|", ...lines].join("\n");
}

describe("README: the ownership decision table", () => {
    it("shows the rows of ownership.ts's TABLE, in order", () => {
        const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
        const start = readme.indexOf("<!-- ownership table -->\n");
        const end = readme.indexOf("\n<!-- /ownership table -->");
        assert.ok(start >= 0 && end > start, "README has the table's markers");
        assert.equal(readme.slice(start + "<!-- ownership table -->\n".length, end), renderOwnershipTable());
    });
});
