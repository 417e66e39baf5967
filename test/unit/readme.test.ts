import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { SUPPORTED } from "../../provider/core/aws/settings";
import * as sdk from "../../sdk";
import { TABLE, type Decision } from "../../provider/core/ownership";
import { CAPTURED, REPO, anchors, docFiles, headings, links, markdownFiles, prose, readDoc, section } from "../harness/docs";

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

describe("README and docs: links", () => {
    it("README stays a front door: at most 400 lines", () => {
        const lines = readDoc("README.md").split("\n").length;
        assert.ok(lines <= 400, `README.md has ${lines} lines`);
    });

    it("resolves every relative link of every markdown file: the file exists, and so does the #anchor in it", () => {
        const files = markdownFiles();
        assert.ok(files.includes("README.md") && files.includes("docs/recovery.md"), files.join(", "));
        const broken: string[] = [];
        for (const file of files) {
            for (const { target, line } of links(readDoc(file))) {
                if (/^[a-z]+:/i.test(target)) continue;
                const [ref, anchor] = target.split("#");
                const to = ref === "" ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), ref));
                const where = `${file}:${line}: ${target}`;
                if (!fs.existsSync(path.join(REPO, to))) broken.push(`${where} (no ${to})`);
                else if (anchor !== undefined && (!to.endsWith(".md") || !anchors(readDoc(to)).has(anchor)))
                    broken.push(`${where} (no heading #${anchor} in ${to})`);
            }
        }
        assert.deepEqual(broken, []);
    });

    it("defines every reference-style link where it is used", () => {
        const undefinedRefs: string[] = [];
        for (const file of markdownFiles()) {
            const text = prose(readDoc(file));
            const defined = new Set([...text.matchAll(/^\[([^\]]+)\]: /gm)].map((m) => m[1].toLowerCase()));
            for (const m of text.matchAll(/\]\[([^\]]+)\]/g))
                if (!defined.has(m[1].toLowerCase())) undefinedRefs.push(`${file}: [${m[1]}]`);
        }
        assert.deepEqual(undefinedRefs, []);
    });

    it("keeps the sections the engine tier writes and runs in the pages it reads (captured previews, recovery commands)", () => {
        const markers = {
            [CAPTURED.previews]: [
                "<!-- previews:start (written by",
                "<!-- previews:end -->",
                "<!-- org-previews:start (written by",
                "<!-- org-previews:end -->",
            ],
            [CAPTURED.recovery]: [
                "<!-- recovery: authorization -->",
                "<!-- /recovery: authorization -->",
                "<!-- recovery: source-account -->",
            ],
        };
        for (const [page, wanted] of Object.entries(markers)) {
            for (const marker of wanted) assert.deepEqual(holding(marker), [page], marker);
        }
    });
});

/**
 * The messages of the package (provider/, sdk/), as their string literals spell them: a concatenation
 * with + joined, each substitution as "…".
 */
function messages(): { file: string; text: string }[] {
    const found: { file: string; text: string }[] = [];
    const sources = ["provider", "sdk"].flatMap((dir) =>
        (fs.readdirSync(path.join(REPO, dir), { recursive: true }) as string[]).filter((n) => n.endsWith(".ts")).map((n) => `${dir}/${n}`),
    );
    const isPlus = (n: ts.Node): n is ts.BinaryExpression => ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.PlusToken;
    const flatten = (n: ts.Node): string => {
        if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) return n.text;
        if (ts.isTemplateExpression(n)) return n.head.text + n.templateSpans.map((s) => `…${s.literal.text}`).join("");
        if (isPlus(n)) return flatten(n.left) + flatten(n.right);
        if (ts.isParenthesizedExpression(n)) return flatten(n.expression);
        return "…";
    };
    for (const file of sources) {
        const sf = ts.createSourceFile(file, fs.readFileSync(path.join(REPO, file), "utf8"), ts.ScriptTarget.ES2022, true);
        const visit = (n: ts.Node): void => {
            const literal = ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateExpression(n);
            let up = n.parent;
            while (up !== undefined && ts.isParenthesizedExpression(up)) up = up.parent;
            if ((isPlus(n) || literal) && !(up !== undefined && isPlus(up))) found.push({ file, text: flatten(n) });
            ts.forEachChild(n, visit);
        };
        visit(sf);
    }
    return found;
}

describe("messages that cite the docs", () => {
    it("name a page of docs/ and sections it has, never the README", () => {
        const all = messages();
        const cited: string[] = [];
        const wrong: string[] = [];
        for (const { file, text } of all) {
            if (/README/.test(text)) wrong.push(`${file}: cites the README: ${text}`);
            for (const m of text.matchAll(/docs\/([\w-]+\.md)((?:,? "[^"]+")+)/g)) {
                const page = `docs/${m[1]}`;
                const names = [...m[2].matchAll(/"([^"]+)"/g)].map((q) => q[1]);
                cited.push(`${page}: ${names.join(", ")}`);
                if (!fs.existsSync(path.join(REPO, page))) wrong.push(`${file}: no ${page}`);
                else
                    for (const name of names)
                        if (!headings(readDoc(page)).includes(name)) wrong.push(`${file}: ${page} has no section "${name}"`);
            }
            for (const m of text.matchAll(
                /https:\/\/github\.com\/pulumi-aws-config-aggregation\/pulumi-aws-config-aggregation\/blob\/main\/([\w/.-]+\.md)#([\w-]+)/g,
            )) {
                cited.push(`${m[1]}#${m[2]}`);
                if (!fs.existsSync(path.join(REPO, m[1])) || !anchors(readDoc(m[1])).has(m[2]))
                    wrong.push(`${file}: ${m[0]} leads nowhere`);
            }
        }
        assert.deepEqual(wrong, []);
        // The citations this test keeps true (adding one is fine; each must resolve).
        for (const c of [
            "docs/ownership-and-adoption.md: Adopting an existing authorization",
            "docs/migration.md: Migrating from pulumi-aws or Terraform",
            "docs/ownership-and-adoption.md: Guarantees",
            "docs/configuration.md: IAM permissions",
            "docs/configuration.md: IAM permissions, The aggregator account",
            "docs/many-accounts.md: Accounts from AWS Organizations",
            "docs/configuration.md#the-aggregator-account",
        ])
            assert.ok(cited.includes(c), `${c} among ${cited.join("; ")}`);
    });
});
