/**
 * What may appear in a message. Messages end up in the CLI output, CI logs and pull requests, so
 * inputs they echo are cut to a readable length.
 */

/** How many characters of an echoed input a message shows. */
export const ECHO_LIMIT = 64;

/** How many characters of an echoed ID (an ARN: AWS allows 256) a message shows. */
export const ID_ECHO_LIMIT = 256;

/** `text` cut to `limit` characters (code points), with "…" when something was cut. */
export function truncate(text: string, limit = ECHO_LIMIT): string {
    const chars = [...text];
    return chars.length <= limit ? text : chars.slice(0, limit).join("") + "…";
}

/** `text` quoted for a message, cut to `limit` characters. */
export function quote(text: string, limit = ECHO_LIMIT): string {
    return JSON.stringify(truncate(text, limit));
}
