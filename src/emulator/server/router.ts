import type { Route } from '../contract.ts';

/**
 * A small router: `:name` matches one segment, a trailing `*` the rest (exposed as `params['*']`).
 * When several patterns match, the one with more literal segments wins, so `/v1.0/users/delta`
 * beats `/v1.0/users/:id` and identity's `/:tenant/...` never shadows a literal Graph path.
 */
interface Compiled {
  route: Route;
  segments: string[];
  literals: number;
  wildcard: boolean;
  order: number;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export interface Router {
  /** undefined: no pattern matches the path; `methodMismatch`: it matches under another method */
  match(method: string, path: string): RouteMatch | { methodMismatch: true } | undefined;
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function compile(route: Route, order: number): Compiled {
  const segments = split(route.path);
  const wildcard = segments[segments.length - 1] === '*';
  if (wildcard) segments.pop();
  const literals = segments.filter((s) => !s.startsWith(':')).length;
  return { route, segments, literals, wildcard, order };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function matchOne(c: Compiled, parts: string[]): Record<string, string> | undefined {
  if (c.wildcard ? parts.length < c.segments.length : parts.length !== c.segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < c.segments.length; i++) {
    const pattern = c.segments[i]!;
    const part = parts[i]!;
    if (pattern.startsWith(':')) params[pattern.slice(1)] = decode(part);
    else if (pattern.toLowerCase() !== part.toLowerCase()) return undefined; // Graph paths are case-insensitive
  }
  if (c.wildcard) params['*'] = parts.slice(c.segments.length).map(decode).join('/');
  return params;
}

function better(a: Compiled, b: Compiled): boolean {
  if (a.wildcard !== b.wildcard) return !a.wildcard;
  if (a.literals !== b.literals) return a.literals > b.literals;
  if (a.segments.length !== b.segments.length) return a.segments.length > b.segments.length;
  return a.order < b.order;
}

export function createRouter(routes: Route[]): Router {
  const compiled = routes.map(compile);
  return {
    match(method, path) {
      const parts = split(path);
      let best: { c: Compiled; params: Record<string, string> } | undefined;
      let otherMethod = false;
      for (const c of compiled) {
        const params = matchOne(c, parts);
        if (!params) continue;
        if (c.route.method !== method.toUpperCase()) {
          otherMethod = true;
          continue;
        }
        if (!best || better(c, best.c)) best = { c, params };
      }
      if (best) return { route: best.c.route, params: best.params };
      return otherMethod ? { methodMismatch: true } : undefined;
    },
  };
}
