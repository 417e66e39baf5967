/** Command-line flags of the bench scripts: `--flag value` or `--flag=value`. */

/** Reads a flag's value, once. */
export type Value = () => string;

/**
 * Calls `handle` for each flag of `argv` with its value reader and a positive-integer parser;
 * `handle` returns false for a flag it does not know, which fails naming `script`'s usage comment.
 */
export function eachFlag(
    argv: string[],
    script: string,
    handle: (flag: string, value: Value, int: (v: string) => number) => boolean,
): void {
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].split("=", 2);
        const value = () => inline ?? argv[++i];
        const int = (v: string) => {
            const n = Number(v);
            if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} wants a positive integer, got ${v}`);
            return n;
        };
        if (!handle(flag, value, int)) throw new Error(`unknown option ${argv[i]} (see the comment at the top of ${script})`);
    }
}
