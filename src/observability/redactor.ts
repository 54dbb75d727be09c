/**
 * Replaces known secret values wherever they appear in a log line, whatever the path: a value
 * quoted in an error message, embedded in a URL, or nested where no redaction path reaches.
 * The secrets manager adds every value it resolves; the logger runs each line through redact().
 *
 * Each value is registered in the forms it takes inside a JSON log line (as is, JSON-escaped)
 * and inside a URL (percent-encoded). A plain `includes` scan per form is used rather than one
 * alternation regex: for the handful of secrets a deployment has the two measured within noise of
 * each other (bench/redaction), and the scan needs no escaping or rebuilding.
 */
export interface Redactor {
  /** Registers a value; values shorter than the minimum are ignored (they would censor ordinary words). */
  add(value: string): void;
  /** The text with every registered value replaced by the censor. */
  redact(text: string): string;
  /** How many forms are registered. */
  readonly size: number;
}

export interface RedactorOptions {
  /** Shortest value worth redacting (default 6): shorter ones are not secrets anyone should rely on. */
  minimumLength?: number;
  /** What a value is replaced with (default `[secret]`). */
  censor?: string;
}

export function createRedactor({ minimumLength = 6, censor = '[secret]' }: RedactorOptions = {}): Redactor {
  const forms = new Set<string>();
  // Longest first, so a value that contains another is replaced whole.
  let ordered: string[] = [];

  return {
    add(value) {
      if (typeof value !== 'string' || value.length < minimumLength) return;
      const before = forms.size;
      for (const form of [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]) {
        if (form.length >= minimumLength) forms.add(form);
      }
      if (forms.size !== before) ordered = [...forms].sort((left, right) => right.length - left.length);
    },
    redact(text) {
      let result = text;
      for (const form of ordered) {
        if (result.includes(form)) result = result.replaceAll(form, censor);
      }
      return result;
    },
    get size() {
      return forms.size;
    },
  };
}
