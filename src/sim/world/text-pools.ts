/**
 * The raw material of generated answers and metadata. The texts deliberately contain what breaks naive exporters
 * and parsers: emoji, accents, right-to-left scripts, commas, double quotes, LF and CRLF line breaks, trailing spaces.
 */

/** Languages in `UserLanguage`, with their relative frequency. */
export const LANGUAGES = ['EN', 'DE', 'FR', 'ES-ES', 'AR', 'HE', 'PT-BR'] as const;
export const LANGUAGE_WEIGHTS = [60, 10, 8, 7, 5, 5, 5] as const;
export type Language = (typeof LANGUAGES)[number];

/** Free-text answers (essays) by respondent language. */
export const ESSAYS: Record<Language, readonly string[]> = {
  EN: [
    'Great service, fast delivery.',
    'The app crashes when I upload a photo 📷 — please fix!',
    'I love the "dark mode" feature!',
    'Two things:\n1. price\n2. support hours',
    'Line one\r\nLine two (sent from Windows)',
    'Too expensive, honestly 💸💸',
    'N/A ',
    '👍',
    'Support said "we\'ll call back", they never did.',
    'ok',
  ],
  DE: ['Sehr zufrieden – schnelle Lieferung, gerne wieder!', 'Die Größe passt nicht; Rückgabe war umständlich.'],
  FR: ['Très bien, mais l’application est lente.', 'Service après-vente à améliorer : délais trop longs.'],
  'ES-ES': ['Muy buena atención, ¡gracias!', 'El envío tardó demasiado, pero el producto es genial.'],
  AR: ['الخدمة ممتازة، شكراً لكم', 'التطبيق بطيء جداً في المساء'],
  HE: ['שירות מעולה, תודה רבה!', 'האפליקציה קורסת לפעמים'],
  'PT-BR': ['Ótimo produto, recomendo!', 'Entrega rápida, mas a embalagem veio danificada.'],
};

/** Short single-line answers. */
export const WORDS: readonly string[] = ['busy', 'great 🎉', 'müde', 'tranquille', 'مرهق', 'עמוס', 'so-so', 'long, but fine'];

/** "Other, please specify" texts. */
export const OTHER_TEXTS: readonly string[] = [
  'A billboard',
  'My cat told me 🐈',
  'Conférence, Paris',
  'Newsletter "Weekly"',
  'Radio\nstation',
  'صديق',
];

/** People: display first/last name and an ASCII handle for e-mail addresses. */
export const PEOPLE: ReadonlyArray<readonly [string, string, string]> = [
  ['Anna', 'Müller', 'anna.mueller'],
  ['José', 'García', 'jose.garcia'],
  ['Sean', "O'Neil", 'sean.oneil'],
  ['Zoë', 'Dupont', 'zoe.dupont'],
  ['Łukasz', 'Nowak', 'lukasz.nowak'],
  ['Thi', 'Nguyễn', 'thi.nguyen'],
  ['فاطمة', 'الزهراء', 'fatima.z'],
  ['נועה', 'כהן', 'noa.cohen'],
  ['Chloé', 'Martin', 'chloe.martin'],
  ['Kenji', 'Sato', 'kenji.sato'],
];

/**
 * Texts made from the pools, each built once and then reused: the same string object every time lets the export
 * writers' caches find it by identity instead of comparing fresh copies character by character.
 */
export const FULL_NAMES: readonly string[] = PEOPLE.map(([first, last]) => `${first} ${last}`);
export const FORM_EMAILS: readonly string[] = PEOPLE.map(([, , handle]) => `${handle}@example.org`);

/** Documentation networks (RFC 5737) the generated IP addresses come from. */
export const IP_NETS = ['192.0.2', '198.51.100', '203.0.113'] as const;
const ipTexts = IP_NETS.map(() => new Array<string | undefined>(256).fill(undefined));

/** `<net>.<host>` for `IP_NETS[net]` and a host number from 0 to 255, built once per address. */
export function ipAddressText(net: number, host: number): string {
  const row = ipTexts[net]!;
  return (row[host] ??= `${IP_NETS[net]}.${host}`);
}

const emailTexts = PEOPLE.map(() => new Array<string | undefined>(100).fill(undefined));

/** `<handle><n>@example.com` for person `person` and a number from 0 to 99, built once per address. */
export function recipientEmailText(person: number, n: number): string {
  const row = emailTexts[person]!;
  return (row[n] ??= `${PEOPLE[person]![2]}${n}@example.com`);
}

/** Phone numbers in the fictional 555-01xx range. */
export const PHONES: readonly string[] = ['+1-202-555-0143', '+1 (312) 555-0188', '555-0100', ''];

/** City names as typed by respondents (answers to "Which city do you live in?"). */
export const CITIES_TYPED: readonly string[] = [
  'Zürich',
  'São Paulo',
  'Montréal',
  'New York, NY',
  'Köln',
  'القاهرة',
  'תל אביב',
  'Berlin',
  'london',
];

/** Geolocation points (city centroids, as IP geolocation yields), latitude then longitude in degrees. */
const POINTS: ReadonlyArray<readonly [number, number]> = [
  [40.7876, -74.06],
  [40.7513, -73.883],
  [34.1867, -118.3878],
  [47.203, -122.4882],
  [32.5109, -84.9794],
  [28.0702, -81.9641],
  [37.3029, -79.9322],
  [33.0035, -117.0696],
  [47.3769, 8.5417],
  [45.5017, -73.5673],
  [-23.5505, -46.6333],
  [52.52, 13.405],
  [48.8566, 2.3522],
  [40.4168, -3.7038],
  [30.0444, 31.2357],
  [32.0853, 34.7818],
  [-33.8688, 151.2093],
  [35.6762, 139.6503],
];

/**
 * Qualtrics stores coordinates as 32-bit floats and prints their exact decimal expansion
 * (e.g. `40.7512969970703125`), so the strings are computed that way, once.
 */
export const GEO_POINTS: ReadonlyArray<readonly [string, string]> = POINTS.map(([lat, lon]) => [
  float32Exact(lat),
  float32Exact(lon),
]);

/** Exact decimal expansion of the nearest 32-bit float to `x`. */
export function float32Exact(x: number): string {
  const f = Math.fround(x);
  if (Number.isInteger(f)) return String(f);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(f));
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn) - 1075;
  const mantissa = (bits & 0xfffffffffffffn) | 0x10000000000000n;
  // |f| = mantissa * 2^exponent with exponent < 0 here; multiply by 5^-exponent to get an exact decimal.
  const scale = -exponent;
  const digits = (mantissa * 5n ** BigInt(scale)).toString().padStart(scale + 1, '0');
  const intPart = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale).replace(/0+$/, '');
  return (f < 0 ? '-' : '') + intPart + (frac ? '.' + frac : '');
}
