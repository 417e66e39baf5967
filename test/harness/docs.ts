/**
 * The repository's documentation as the tests read it: README.md and the pages of docs/, their
 * headings as GitHub anchors them, and their links.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const REPO = path.resolve(__dirname, "../../..");

/** README.md and every page of docs/, as paths relative to the repository. */
export function docFiles(): string[] {
    const pages = fs
        .readdirSync(path.join(REPO, "docs"))
        .filter((n) => n.endsWith(".md"))
        .sort();
    return ["README.md", ...pages.map((n) => `docs/${n}`)];
}

export const readDoc = (file: string): string => fs.readFileSync(path.join(REPO, file), "utf8");

/** The text with fenced code blocks blanked (lines kept, so that line numbers hold) and inline code spans replaced by `code`. */
export function prose(text: string): string {
    let fenced = false;
    return text
        .split("\n")
        .map((line) => {
            if (/^\s*```/.test(line)) {
                fenced = !fenced;
                return "";
            }
            return fenced ? "" : line.replace(/`[^`\n]*`/g, "code");
        })
        .join("\n");
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, each space a dash. */
export const slug = (heading: string): string =>
    heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\- _]/gu, "")
        .replace(/ /g, "-");

/** The headings of a markdown text (outside code blocks), without their #s. */
export function headings(text: string): string[] {
    let fenced = false;
    const found: string[] = [];
    for (const line of text.split("\n")) {
        if (/^\s*```/.test(line)) fenced = !fenced;
        else if (!fenced) {
            const m = /^#{1,6} (.+)$/.exec(line);
            if (m) found.push(m[1].replace(/`/g, ""));
        }
    }
    return found;
}

/** The anchors GitHub gives the headings of a markdown text; a repeated one gets -1, -2, … */
export function anchors(text: string): Set<string> {
    const seen = new Map<string, number>();
    const result = new Set<string>();
    for (const h of headings(text)) {
        const s = slug(h);
        const n = seen.get(s) ?? 0;
        seen.set(s, n + 1);
        result.add(n === 0 ? s : `${s}-${n}`);
    }
    return result;
}

/** The inline links `[text](target)` and reference definitions `[ref]: target` of a markdown text, outside code. */
export function links(text: string): { target: string; line: number }[] {
    const found: { target: string; line: number }[] = [];
    prose(text)
        .split("\n")
        .forEach((l, i) => {
            for (const m of l.matchAll(/\]\(([^)\s]+)\)/g)) found.push({ target: m[1], line: i + 1 });
            const def = /^\[[^\]]+\]: (\S+)$/.exec(l);
            if (def) found.push({ target: def[1], line: i + 1 });
        });
    return found;
}

/** The section of `file` under the heading `title` (any level), up to the next heading of the same or a higher level. */
export function section(file: string, title: string): string {
    const lines = readDoc(file).split("\n");
    let fenced = false;
    let level = 0;
    const body: string[] = [];
    for (const line of lines) {
        if (/^\s*```/.test(line)) fenced = !fenced;
        const h = fenced ? null : /^(#{1,6}) (.+)$/.exec(line);
        if (level === 0) {
            if (h && h[2] === title) level = h[1].length;
        } else if (h && h[1].length <= level) break;
        else body.push(line);
    }
    if (level === 0) throw new Error(`${file} has no heading "${title}"`);
    return body.join("\n");
}

/** The pages holding sections the engine tier writes or runs: captured previews, and the recovery commands it runs as they stand. */
export const CAPTURED = { previews: "docs/previews.md", recovery: "docs/recovery.md" } as const;

/** Every markdown file of the repository (relative paths), outside dependencies, builds and hidden folders. */
export function markdownFiles(dir = ""): string[] {
    return fs
        .readdirSync(path.join(REPO, dir), { withFileTypes: true })
        .flatMap((e) => {
            const rel = dir ? `${dir}/${e.name}` : e.name;
            if (e.isDirectory()) return e.name.startsWith(".") || ["node_modules", "dist"].includes(e.name) ? [] : markdownFiles(rel);
            return e.name.endsWith(".md") ? [rel] : [];
        })
        .sort();
}

/**
 * Writes the captured sections between `start` and `end` of `page` (UPDATE_README_PREVIEWS=1), or
 * checks that the page holds them, once all `expected` captures of the file were taken.
 */
export function keepCaptures(page: string, start: string, end: string, captured: [string, string][], expected: number): void {
    const section = [start, ...captured.flatMap(([title, text]) => [`**${title}**`, "", "```", text, "```", ""]), end].join("\n");
    const file = path.join(REPO, page);
    const [before, rest] = fs.readFileSync(file, "utf8").split(start);
    if (rest === undefined || !rest.includes(end)) throw new Error(`${page} has no markers ${start} … ${end}`);
    if (process.env.UPDATE_README_PREVIEWS === "1") fs.writeFileSync(file, before + section + rest.split(end).slice(1).join(end));
    else if (captured.length === expected && start + rest.split(end)[0] + end !== section)
        throw new Error(`${page} is out of date: run npm run previews`);
}
