/**
 * The lint rules that keep the layers: no module-level state in provider/ (the run is a value,
 * provider/core/run.ts), and sdk/ reaching provider/ only through provider/shared.ts. Each rule is
 * shown to fire on code that breaks it and to pass the code as it is.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { ESLint } from "eslint";

const root = path.resolve(__dirname, "../../..");
const eslint = new ESLint({ cwd: root });

async function ruleIds(file: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
    return result.messages.map((m) => m.ruleId ?? m.message);
}

describe("layers (eslint)", function () {
    this.timeout(60000);

    for (const [what, code] of [
        ["a module-level let", "export let current = 0;\n"],
        ["a module-level var", "var current = 0;\nexport const get = () => current;\n"],
        ["a module-level empty Map", "const seen = new Map<string, number>();\nexport const get = (k: string) => seen.get(k);\n"],
        ["an exported empty Set", "export const seen = new Set<string>();\n"],
        ["a closure run once at load", "export const gate = (() => {\n    let free = 1;\n    return () => free--;\n})();\n"],
    ]) {
        it(`refuses ${what} in provider/`, async () => {
            assert.ok((await ruleIds("provider/core/example.ts", code)).includes("no-restricted-syntax"));
        });
    }

    it("allows constants and constant sets in provider/, and state inside functions and classes", async () => {
        const code =
            'export const NAMES: ReadonlySet<string> = new Set(["a", "b"]);\n' +
            "export class Counter {\n    private readonly seen = new Map<string, number>();\n    get(k: string) {\n        return this.seen.get(k);\n    }\n}\n" +
            "export function count(): number {\n    let n = 0;\n    n++;\n    return n;\n}\n";
        assert.deepEqual(await ruleIds("provider/core/example.ts", code), []);
    });

    it("allows module-level state outside provider/ (the program's own session)", async () => {
        assert.deepEqual(await ruleIds("sdk/example.ts", "let current = 0;\nexport const next = () => ++current;\n"), []);
    });

    it("refuses an import of provider internals from sdk/, and of sdk/ from provider/", async () => {
        assert.deepEqual(await ruleIds("sdk/example.ts", 'export { Run } from "../provider/core/run";\n'), ["no-restricted-imports"]);
        assert.deepEqual(await ruleIds("provider/core/example.ts", 'export { programAws } from "../../sdk/program-aws";\n'), [
            "no-restricted-imports",
        ]);
        assert.deepEqual(await ruleIds("sdk/example.ts", 'export { Aws } from "../provider/shared";\n'), []);
    });

    it("passes provider/ and sdk/ as they are", async () => {
        const results = await eslint.lintFiles(["provider/**/*.ts", "sdk/**/*.ts"]);
        const problems = results.flatMap((r) =>
            r.messages.map((m) => `${path.relative(root, r.filePath)}:${m.line} ${m.ruleId}: ${m.message}`),
        );
        assert.deepEqual(problems, []);
    });
});
