/**
 * Strict ISO 8601 / RFC 3339 instants, checked before any value reaches SQL: a real calendar
 * date, years 0001–9999 (four digits: no extended years), a time zone for a time of day.
 */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-](\d{2}):(\d{2})))?$/;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A calendar date YYYY-MM-DD, years 0001–9999. */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return m !== null && validDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

function validDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 && leap ? 29 : (DAYS[month - 1] ?? 0);
  return day <= days;
}

/**
 * The instant as text PostgreSQL reads the same on every server, or undefined when it is not
 * one: a date-time with a zone (`Z` or an offset up to ±14:00), or a date alone (midnight UTC).
 */
export function parseInstant(text: string): string | undefined {
  const m = INSTANT.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, , zone, oh, om] = m;
  if (!validDate(Number(y), Number(mo), Number(d))) return undefined;
  if (h === undefined) return `${y}-${mo}-${d}T00:00:00Z`;
  if (Number(h) > 23 || Number(mi) > 59 || (s !== undefined && Number(s) > 59)) return undefined;
  if (zone !== "Z" && zone !== "z" && (Number(oh) > 14 || Number(om) > 59)) return undefined;
  return text.replace(" ", "T");
}
