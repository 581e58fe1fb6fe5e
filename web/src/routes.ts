// Every piece of view state lives in the URL's hash, so that any view at any
// moment can be shared as a link and the server only has to serve `/`:
//
//   #/                                      choose an organization
//   #/o/ORG                                 choose one of its strategies
//   #/o/ORG/s/STRATEGY                      overview: målstatus per satsingsområde
//   #/o/ORG/s/STRATEGY/omrade/AREA          one focus area
//   #/o/ORG/s/STRATEGY/omrade/AREA/mal/GOAL one goal
//   #/o/ORG/s/STRATEGY/utvikling            attainment over time
//   #/o/ORG/s/STRATEGY/tiltak               all actions and benefits
//
// followed by `?validAt=YYYY-MM-DD&asOf=RFC3339&lang=nn` when they are not
// the defaults (today, now, bokmål). Ids are the API's UUIDs rather than
// numbers, because numbers can change over time (a renumbered area) while a
// link must keep pointing at the same thing at every date.

export const LANGS = ['nb', 'nn', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export type View =
  | { name: 'organizations' }
  | { name: 'organization'; org: string }
  | { name: 'overview'; org: string; strategy: string }
  | { name: 'area'; org: string; strategy: string; area: string }
  | { name: 'goal'; org: string; strategy: string; area: string; goal: string }
  | { name: 'attainment'; org: string; strategy: string }
  | { name: 'actions'; org: string; strategy: string };

export interface Route {
  view: View;
  /** The world at this date ("Vis status per dato"); absent: today. */
  validAt?: string;
  /** What the system showed at this instant ("Slik det så ut da"); absent: now. */
  asOf?: string;
  lang: Lang;
}

const ID = /^[0-9a-fA-F-]{1,64}$/;

export function isDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

export function isInstant(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value));
}

function parseView(segments: string[]): View {
  const [o, org, s, strategy, kind, area, m, goal] = segments;
  if (segments.length === 0) return { name: 'organizations' };
  if (o !== 'o' || !org || !ID.test(org)) return { name: 'organizations' };
  if (segments.length === 2) return { name: 'organization', org };
  if (s !== 's' || !strategy || !ID.test(strategy)) return { name: 'organization', org };
  if (segments.length === 4) return { name: 'overview', org, strategy };
  if (segments.length === 5 && kind === 'utvikling') return { name: 'attainment', org, strategy };
  if (segments.length === 5 && kind === 'tiltak') return { name: 'actions', org, strategy };
  if (kind === 'omrade' && area && ID.test(area)) {
    if (segments.length === 6) return { name: 'area', org, strategy, area };
    if (segments.length === 8 && m === 'mal' && goal && ID.test(goal)) {
      return { name: 'goal', org, strategy, area, goal };
    }
  }
  return { name: 'overview', org, strategy };
}

/** Reads a route from `location.hash`; anything unknown falls back to the nearest valid view. */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [path, query = ''] = raw.split('?', 2);
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  const route: Route = { view: parseView(segments), lang: 'nb' };
  const validAt = params.get('validAt');
  if (validAt && isDate(validAt)) route.validAt = validAt;
  const asOf = params.get('asOf');
  if (asOf && isInstant(asOf)) route.asOf = asOf;
  const lang = params.get('lang');
  if (lang && (LANGS as readonly string[]).includes(lang)) route.lang = lang as Lang;
  return route;
}

function viewPath(view: View): string {
  switch (view.name) {
    case 'organizations':
      return '/';
    case 'organization':
      return `/o/${view.org}`;
    case 'overview':
      return `/o/${view.org}/s/${view.strategy}`;
    case 'attainment':
      return `/o/${view.org}/s/${view.strategy}/utvikling`;
    case 'actions':
      return `/o/${view.org}/s/${view.strategy}/tiltak`;
    case 'area':
      return `/o/${view.org}/s/${view.strategy}/omrade/${view.area}`;
    case 'goal':
      return `/o/${view.org}/s/${view.strategy}/omrade/${view.area}/mal/${view.goal}`;
  }
}

/** The hash for a route; the inverse of `parseHash`. */
export function formatHash(route: Route): string {
  const params = new URLSearchParams();
  if (route.validAt) params.set('validAt', route.validAt);
  if (route.asOf) params.set('asOf', route.asOf);
  if (route.lang !== 'nb') params.set('lang', route.lang);
  const query = params.toString();
  return `#${viewPath(route.view)}${query ? `?${query}` : ''}`;
}

/** True when the page shows another moment than "now". */
export function isTimeTravel(route: Route): boolean {
  return route.validAt !== undefined || route.asOf !== undefined;
}
