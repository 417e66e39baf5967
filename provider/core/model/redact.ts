/** Messages reach CLI output, CI logs and pull requests: never credentials or tag values (maybe secrets). */
/** How many characters of an echoed input a message shows. */
export const ECHO_LIMIT = 64;

/** `text` cut to `limit` code points, with "…" when cut. */
export function truncate(text: string, limit = ECHO_LIMIT): string {
    const chars = [...text];
    return chars.length <= limit ? text : chars.slice(0, limit).join("") + "…";
}

export function quote(text: string, limit = ECHO_LIMIT): string {
    return JSON.stringify(truncate(text, limit));
}

/** An ARN may have 256 characters. */
export const ID_ECHO_LIMIT = 256;

/** `scheme://user:password@host` ⇒ `scheme://host`. */
export function withoutUserinfo(text: string): string {
    return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi, "$1");
}

/**
 * An AWS message made safe: without the values validation echoes (`Value 'x' at 'tags.1.member.value'`
 * may be a tag value), quoted `secrets` and credentials; cut to 500 characters.
 */
export function scrubAwsMessage(message: string, secrets: readonly string[] = []): string {
    let m = message.replace(/\bValue (?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\[[^\]]*\]|\{[^}]*\}|null) at '/g, "Value at '");
    for (const s of secrets) {
        if (s === "") continue;
        for (const q of ["'", '"']) m = m.split(`${q}${s}${q}`).join(`${q}…${q}`);
    }
    return truncate(scrubSecrets(m), 500);
}

/** A last line of defence: the environment's credentials and endpoint userinfo removed. */
export function scrubSecrets(text: string): string {
    let t = withoutUserinfo(text);
    for (const name of ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"]) {
        const v = process.env[name];
        if (v && v.length >= 8) t = t.split(v).join("[redacted]");
    }
    return t;
}
