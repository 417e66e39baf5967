import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { SUPPORTED } from "../../provider/core/aws/settings";
import * as sdk from "../../sdk";
import { TABLE, type Decision } from "../../provider/core/ownership";
import { REPO, docFiles, readDoc, section } from "../harness/docs";

/** The files of README and docs/ whose text holds `marker`. */
const holding = (marker: string) => docFiles().filter((f) => readDoc(f).includes(marker));

describe("README and docs", () => {
    it("show the examples exactly as they are (the engine tier runs them)", () => {
        const blocks = docFiles().flatMap((f) => [...readDoc(f).matchAll(/<!-- file: (\S+) -->\n```ts\n([\s\S]*?)```\n/g)]);
        assert.deepEqual(
            blocks.map((b) => b[1]),
            ["examples/source-account/index.ts", "examples/aggregator/index.ts"],
        );
        for (const [, file, code] of blocks) assert.equal(code, fs.readFileSync(path.join(REPO, file), "utf8"), file);
    });
});

describe("README and docs: compiled snippets", () => {
    it("type-checks each snippet marked <!-- compiled --> against the built package and @pulumi/pulumi, as a user's program", function () {
        this.timeout(60000);
        const blocks = docFiles().flatMap((f) => {
            const text = readDoc(f);
            const found = [...text.matchAll(/<!-- compiled -->\n```ts\n([\s\S]*?)```\n/g)].map((b, i) => ({
                name: `${f}#${i}`,
                code: b[1],
            }));
            assert.equal(
                found.length,
                text.split("<!-- compiled -->").length - 1,
                `${f}: each <!-- compiled --> is right above a ts block`,
            );
            return found;
        });
        assert.ok(blocks.length >= 3, "the docs have their compiled snippets");
        // Each snippet a file of its own at the repository's root: "pulumi-aws-config-aggregation" resolves to
        // the package through node_modules (scripts/link-self.js), its types those the build emitted (dist/sdk).
        const files = new Map(blocks.map(({ code }, i) => [path.join(REPO, `doc-snippet-${i}.ts`), code]));
        const names = new Map(blocks.map(({ name }, i) => [`doc-snippet-${i}.ts`, name]));
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
            const file = d.file ? (names.get(path.basename(d.file.fileName)) ?? path.basename(d.file.fileName)) : "";
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

describe("docs: Compared with Terraform, pulumi-aws and CloudFormation", () => {
    const rows = section("docs/comparison.md", "Compared with Terraform, pulumi-aws and CloudFormation")
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
    const install = section("README.md", "Install");
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

/** The decision table of ownership.ts as docs/ownership-and-adoption.md, "Guarantees", shows it: one line a row. */
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

describe("docs: the ownership decision table", () => {
    it("shows the rows of ownership.ts's TABLE, in order", () => {
        assert.deepEqual(holding("<!-- ownership table -->"), ["docs/ownership-and-adoption.md"]);
        const page = readDoc("docs/ownership-and-adoption.md");
        const start = page.indexOf("<!-- ownership table -->\n");
        const end = page.indexOf("\n<!-- /ownership table -->");
        assert.ok(start >= 0 && end > start, "the page has the table's markers");
        assert.ok(section("docs/ownership-and-adoption.md", "Guarantees").includes("<!-- ownership table -->"), "under Guarantees");
        assert.equal(page.slice(start + "<!-- ownership table -->\n".length, end), renderOwnershipTable());
    });
});
