import { BadInputError } from './errors';

/**
 * How one free-text input field (a name, title, address, note, reason, search term) is checked.
 *
 * Lengths count Unicode code points (what users see as characters, and what JSON Schema `minLength`/
 * `maxLength` count in the event contracts), not UTF-16 code units: a rare CJK character such as 𠀀 or an
 * emoji is one character, as in the error messages. For text in the Basic Multilingual Plane (all common
 * Chinese) both counts are equal.
 */
export interface FreeTextRules {
  /** Most characters, in code points. */
  readonly max: number;
  /** Fewest characters of a given (non-empty) value, in code points; default 1. */
  readonly min?: number;
  /** An absent, empty or blank value is refused; otherwise it reads as `null`. Default false. */
  readonly required?: boolean;
  /** Line breaks and tabs are allowed (notes, descriptions, syllabi); otherwise the text is one line. */
  readonly multiline?: boolean;
  /** `<` and `>` are refused (names and labels that end up in HTML, PDFs or messages). */
  readonly noAngleBrackets?: boolean;
}

/** Bidirectional controls (embeddings, overrides, isolates, marks): they can disguise what a text says. */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
/** A surrogate that is not part of a pair is not text (it cannot even be encoded as UTF-8). */
const LONE_SURROGATE = /\p{Cs}/u;
/** Format characters that are part of a correct spelling, removed before format characters are refused. */
const SPELLING_JOINERS = [
  // Zero-width joiner inside an emoji sequence (👩‍🏫, 👨‍👩‍👧), after an optional variation selector or skin tone.
  /(?<=\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})?)\u200D(?=\p{Extended_Pictographic})/gu,
  // Tag characters of a subdivision flag (🏴 + tags + cancel tag).
  /(?<=\u{1F3F4})[\u{E0020}-\u{E007E}]+\u{E007F}/gu,
  // Mongolian vowel separator between Mongolian letters (traditional script, Inner Mongolia).
  /(?<=\p{Script=Mongolian})\u180E(?=\p{Script=Mongolian})/gu,
];
const FORMAT = /\p{Cf}/u;
/** Nothing visible: whitespace, default-ignorable characters (zero-width, fillers, selectors), braille blank. */
const INVISIBLE_ONLY = /^[\p{White_Space}\p{Default_Ignorable_Code_Point}\u2800]*$/u;
/** Control characters (C0, DEL, C1) other than line feed and tab. */
const CONTROL_BUT_LINES = /(?![\n\t])\p{Cc}/u;

/**
 * The one check of free text typed by people. The value is NFC-normalised and trimmed (in multi-line
 * text `\r\n` and `\r` become `\n`). Refused with `BAD_USER_INPUT` naming `field`:
 * - anything that is not a string;
 * - an empty or blank value when `required`;
 * - control characters (C0, DEL, C1); line breaks and tabs too, unless `multiline`;
 * - format characters: zero-width characters, bidi embeddings, overrides, isolates and marks, soft
 *   hyphen, byte-order mark, tags (except the joiners of emoji, flag and Mongolian spelling);
 * - lone surrogates;
 * - a value made only of invisible characters (even when not required);
 * - fewer than `min` or more than `max` code points;
 * - `<` or `>` with `noAngleBrackets`.
 *
 * Returns the cleaned text, or `null` for an absent, empty or blank optional value.
 */
export function freeText(value: unknown, field: string, rules: FreeTextRules & { readonly required: true }): string;
export function freeText(value: unknown, field: string, rules: FreeTextRules): string | null;
export function freeText(value: unknown, field: string, rules: FreeTextRules): string | null {
  const { max, min = 1, required = false, multiline = false, noAngleBrackets = false } = rules;
  if (value === undefined || value === null) {
    if (required) throw new BadInputError('Must not be empty', field);
    return null;
  }
  if (typeof value !== 'string') throw new BadInputError('Must be text', field);
  let text = value.normalize('NFC').trim();
  if (multiline) text = text.replace(/\r\n?/g, '\n');
  if (text === '') {
    if (required) throw new BadInputError('Must not be empty', field);
    return null;
  }
  const length = codePointLength(text, max);
  const lengthRule = min > 1 ? `Must be ${min} to ${max} characters` : `Must be at most ${max} characters`;
  if (length > max) throw new BadInputError(lengthRule, field);
  if (LONE_SURROGATE.test(text)) throw new BadInputError('Contains broken characters (lone surrogates)', field);
  if (CONTROL_BUT_LINES.test(text)) throw new BadInputError('Contains control characters', field);
  if (!multiline && /[\n\t]/.test(text)) throw new BadInputError('Must be a single line without tabs', field);
  if (INVISIBLE_ONLY.test(text)) throw new BadInputError('Must contain visible characters', field);
  if (BIDI.test(text)) throw new BadInputError('Contains text-direction characters that are not allowed', field);
  if (FORMAT.test(SPELLING_JOINERS.reduce((t, joiner) => t.replace(joiner, ''), text)))
    throw new BadInputError('Contains invisible characters that are not allowed', field);
  if (noAngleBrackets && /[<>]/.test(text)) throw new BadInputError('Must not contain < or >', field);
  if (length < min) throw new BadInputError(lengthRule, field);
  return text;
}

/** Code points in `text`; a text of more than 2 × `limit` UTF-16 units is over the limit without counting. */
function codePointLength(text: string, limit: number): number {
  if (text.length > 2 * limit) return text.length;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}
