/** Command-line flags of the bench scripts: `--flag value` or `--flag=value`. */
import * as path from "node:path";
import { RAW_DIR } from "./runner";

/** Reads a flag's value, once. */
export type Value = () => string;
/** Reads a flag's optional value: the next argument unless it is a flag itself. */
export type OptionalValue = () => string | undefined;

/**
 * Calls `handle` for each flag of `argv` with its value reader and a positive-integer parser;
 * `handle` returns false for a flag it does not know, which fails naming `script`'s usage comment.
 */
export function eachFlag(
    argv: string[],
    script: string,
    handle: (flag: string, value: Value, int: (v: string) => number, optional: OptionalValue) => boolean,
): void {
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].split("=", 2);
        const value = () => inline ?? argv[++i];
        const optional = () => inline ?? (i + 1 < argv.length && !argv[i + 1].startsWith("--") ? argv[++i] : undefined);
        const int = (v: string) => {
            const n = Number(v);
            if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} wants a positive integer, got ${v}`);
            return n;
        };
        if (!handle(flag, value, int, optional)) throw new Error(`unknown option ${argv[i]} (see the comment at the top of ${script})`);
    }
}

/** The directory of `--raw [dir]`: the one given, else RAW_DIR (outside git). */
export function rawDir(optional: OptionalValue): string {
    const dir = optional();
    return dir === undefined ? RAW_DIR : path.resolve(dir);
}
