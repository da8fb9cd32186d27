// The word lists fake values are drawn from. Changing, adding or reordering an entry changes the
// generated data for every seed, which breaks the "same seed, same records" promise across
// versions: only append when it is worth a note in the changelog.

export const FIRST_NAMES = [
  'Ada', 'Alan', 'Amara', 'Ana', 'Arjun', 'Astrid', 'Bruno', 'Chen', 'Chiara', 'Dmitri',
  'Elena', 'Emeka', 'Fatima', 'Grace', 'Hana', 'Hugo', 'Ines', 'Ivan', 'Jamal', 'Jin',
  'Kai', 'Lars', 'Leila', 'Linus', 'Lucia', 'Mateo', 'Maya', 'Mei', 'Nadia', 'Noah',
  'Olga', 'Omar', 'Priya', 'Rafael', 'Rosa', 'Sami', 'Sofia', 'Tariq', 'Yara', 'Zoe',
] as const;

export const LAST_NAMES = [
  'Andersen', 'Bauer', 'Costa', 'Dubois', 'Eriksson', 'Fischer', 'Garcia', 'Haddad', 'Ito', 'Jensen',
  'Kowalski', 'Lovelace', 'Martin', 'Nakamura', 'Novak', 'Okafor', 'Patel', 'Quinn', 'Rossi', 'Silva',
  'Tanaka', 'Turing', 'Usman', 'Varga', 'Wang', 'Weber', 'Xu', 'Yilmaz', 'Zhang', 'Zimmermann',
] as const;

export const STREET_NAMES = [
  'Oak', 'Maple', 'Cedar', 'Elm', 'Pine', 'Willow', 'Birch', 'Chestnut', 'Harbor', 'Mill',
  'River', 'Lake', 'Hill', 'Park', 'Station', 'Market', 'Church', 'Garden', 'Bridge', 'Meadow',
] as const;

export const STREET_SUFFIXES = ['Street', 'Avenue', 'Road', 'Lane', 'Way', 'Boulevard', 'Court', 'Place'] as const;

export const CITIES = [
  { city: 'Lisbon', country_code: 'PT' },
  { city: 'Porto', country_code: 'PT' },
  { city: 'Lyon', country_code: 'FR' },
  { city: 'Berlin', country_code: 'DE' },
  { city: 'Hamburg', country_code: 'DE' },
  { city: 'Oslo', country_code: 'NO' },
  { city: 'Kraków', country_code: 'PL' },
  { city: 'Osaka', country_code: 'JP' },
  { city: 'Lagos', country_code: 'NG' },
  { city: 'Nairobi', country_code: 'KE' },
  { city: 'Pune', country_code: 'IN' },
  { city: 'Austin', country_code: 'US' },
  { city: 'Denver', country_code: 'US' },
  { city: 'Toronto', country_code: 'CA' },
  { city: 'Recife', country_code: 'BR' },
  { city: 'Melbourne', country_code: 'AU' },
] as const;

/** Products with the price range (in currency units) a purchase of one may cost. */
export const PRODUCTS = [
  { name: 'Notebook', min: 3, max: 15 },
  { name: 'Fountain pen', min: 12, max: 90 },
  { name: 'Desk lamp', min: 20, max: 140 },
  { name: 'Headphones', min: 25, max: 350 },
  { name: 'Mechanical keyboard', min: 45, max: 220 },
  { name: 'Coffee grinder', min: 30, max: 260 },
  { name: 'Backpack', min: 35, max: 180 },
  { name: 'Running shoes', min: 50, max: 200 },
  { name: 'Yoga mat', min: 15, max: 90 },
  { name: 'Water bottle', min: 8, max: 45 },
  { name: 'Board game', min: 20, max: 80 },
  { name: 'Houseplant', min: 6, max: 60 },
] as const;
