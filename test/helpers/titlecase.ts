/**
 * Title case as python-titlecase writes it: the library Zapier's label check (D018) runs. Written
 * from its documented rules, not its code: small words stay lower case except first and last
 * (and after a colon or full stop); words that already carry a capital after their first letter
 * (ID, TTL, iPhone) or an inner full stop are kept; the parts of a hyphenated or slashed word are
 * cased alone, with small words kept lower case there even at the start or end of the part.
 */
const SMALL = 'a|an|and|as|at|but|by|en|for|if|in|of|on|or|the|to|v\\.?|via|vs\\.?';
const PUNCT = `!"#$%&'‘’()*+,\\-./:;?@[\\\\\\]_\`{|}~`;

const SMALL_WORD = new RegExp(`^(${SMALL})$`, 'i');
const KEPT_CAPITALS = new RegExp(`^[${PUNCT}]*?[a-zA-Z]+[A-Z]`);
const INNER_PERIOD = /[a-z][.][a-z]/i;
const FIRST_LETTER = new RegExp(`^([${PUNCT}]*?)([A-Za-z])`);
const SMALL_FIRST = new RegExp(`^([${PUNCT}]*)(${SMALL})\\b`, 'i');
const SMALL_LAST = new RegExp(`\\b(${SMALL})([${PUNCT}]?)$`, 'i');
const AFTER_STOP = new RegExp(`([:.;?!] )(${SMALL})\\b`, 'g');

const upperFirst = (word: string) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();

function word(text: string): string {
  if (INNER_PERIOD.test(text) || KEPT_CAPITALS.test(text)) return text;
  if (SMALL_WORD.test(text)) return text.toLowerCase();
  if (text.includes('/') && !text.includes('//')) {
    return text
      .split('/')
      .map((part) => titlecase(part, false))
      .join('/');
  }
  if (text.includes('-')) {
    return text
      .split('-')
      .map((part) => titlecase(part, false))
      .join('-');
  }
  return text.replace(
    FIRST_LETTER,
    (_, lead: string, letter: string) => lead + letter.toUpperCase(),
  );
}

export function titlecase(text: string, smallFirstLast = true): string {
  const line = text.split(/\s/).map(word).join(' ');
  if (!smallFirstLast) return line;
  return line
    .replace(SMALL_FIRST, (_, lead: string, small: string) => lead + upperFirst(small))
    .replace(SMALL_LAST, (_, small: string, trail: string) => upperFirst(small) + trail)
    .replace(AFTER_STOP, (_, stop: string, small: string) => stop + upperFirst(small));
}
