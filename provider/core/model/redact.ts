/**
 * What may appear in a message. Messages end up in the CLI output, CI logs and pull requests, so
 * they never carry credentials, the userinfo of an endpoint URL, or a tag value (which may be a
 * Pulumi secret: the dynamic provider receives secrets in plain text), and inputs they echo are
 * cut to a readable length.
 */

/** How many characters of an echoed input a message shows. */
export const ECHO_LIMIT = 64;

/** `text` cut to `limit` characters (code points), with "…" when something was cut. */
export function truncate(text: string, limit = ECHO_LIMIT): string {
    const chars = [...text];
    return chars.length <= limit ? text : chars.slice(0, limit).join("") + "…";
}

/** `text` quoted for a message, cut to `limit` characters. */
export function quote(text: string, limit = ECHO_LIMIT): string {
    return JSON.stringify(truncate(text, limit));
}

/** How many characters of an echoed ID (an ARN: AWS allows 256) a message shows. */
export const ID_ECHO_LIMIT = 256;

/** `scheme://user:password@host` ⇒ `scheme://host`, anywhere in `text`. */
export function withoutUserinfo(text: string): string {
    return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi, "$1");
}

/**
 * A message from AWS (or the SDK) made safe to pass on:
 * - the values AWS's request validation echoes are removed: `Value 'x' at 'tags.1.member.value'
 *   failed to satisfy constraint` ⇒ `Value at 'tags.1.member.value' failed to satisfy constraint`
 *   (the quoted value may be a tag value; the path and the constraint say what is wrong);
 * - any quoted occurrence of a value of `secrets` (the tag values sent in the request) is removed;
 * - endpoint userinfo and the credentials in the environment are removed;
 * - the result is cut to 500 characters.
 */
export function scrubAwsMessage(message: string, secrets: readonly string[] = []): string {
    let m = message.replace(/\bValue (?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\[[^\]]*\]|\{[^}]*\}|null) at '/g, "Value at '");
    for (const s of secrets) {
        if (s === "") continue;
        for (const q of ["'", '"']) m = m.split(`${q}${s}${q}`).join(`${q}…${q}`);
    }
    return truncate(scrubSecrets(m), 500);
}

/** The environment's credentials and endpoint userinfo removed from `text` (a last line of defence). */
export function scrubSecrets(text: string): string {
    let t = withoutUserinfo(text);
    for (const name of ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"]) {
        const v = process.env[name];
        if (v && v.length >= 8) t = t.split(v).join("[redacted]");
    }
    return t;
}
