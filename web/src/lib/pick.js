// Choices for pickers: people, teams, locations, policies, skills and articles, read once per page
// from the API and offered as searchable lists, so nobody types an id or an exact email.
import { get, optional } from './api.js';

const cache = new Map();
function cached(key, load) {
  if (!cache.has(key)) cache.set(key, load().catch(() => []));
  return cache.get(key);
}
export function forgetChoices() { cache.clear(); }

const items = async (path) => { const r = await optional(path); return r ? r.items || [] : []; };

// value: what the API takes (email or name); label: what a person recognises.
export const peopleChoices = () => cached('people', async () => (await items('/api/v1/people?limit=500'))
  .filter((p) => p.active !== false)
  .map((p) => ({ value: p.email, label: p.name + (p.team ? ' · ' + p.team : '') + (p.title ? ' · ' + p.title : ''), id: p.id, person: p })));
export const teamChoices = () => cached('teams', async () => (await items('/api/v1/teams')).map((team) => ({ value: team.name, label: team.name, id: team.id })));
export const locationChoices = () => cached('locations', async () => (await items('/api/v1/locations')).map((l) => ({ value: l.name, label: l.name, id: l.id, tz: l.tz })));
export const policyChoices = () => cached('policies', async () => (await items('/api/v1/policies')).map((p) => ({ value: p.name, label: p.name, id: p.id })));
export const skillChoices = () => cached('skills', async () => (await items('/api/v1/skills')).map((k) => ({ value: k.name, label: k.name, id: k.id })));
export const articleChoices = () => cached('articles', async () => (await items('/api/v1/articles?limit=200')).map((a) => ({ value: a.id, label: a.title, id: a.id })));
export const leaderChoices = async () => (await peopleChoices()).filter((p) => p.person.role === 'leader');
