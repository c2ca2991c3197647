import { useCallback, useEffect, useState } from 'react';
import { api } from './api.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

interface State<T> {
  url: string | null;
  data?: T;
  error?: unknown;
  loading: boolean;
}

/**
 * GETs `url` (null: nothing yet). A reload keeps the data shown until the new answer arrives,
 * so pages do not flash; a new `url` starts empty, so one tenant's data never shows under
 * another's name. `pollMs` re-reads on a timer while set (a running sync).
 */
export function useApi<T>(url: string | null, pollMs?: number): Loaded<T> {
  const [state, setState] = useState<State<T>>({ url, loading: url !== null });
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: tick is the reload trigger
  useEffect(() => {
    if (!url) return;
    let live = true;
    setState((s) => (s.url === url ? { ...s, loading: true } : { url, loading: true }));
    api<T>('GET', url).then(
      (data) => live && setState({ url, data, loading: false }),
      (error: unknown) => live && setState((s) => ({ ...s, url, error, loading: false })),
    );
    return () => {
      live = false;
    };
  }, [url, tick]);
  useEffect(() => {
    if (!pollMs || !url) return;
    const timer = setInterval(() => setTick((t) => t + 1), pollMs);
    return () => clearInterval(timer);
  }, [pollMs, url]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const mine = state.url === url;
  return {
    data: mine ? state.data : undefined,
    error: mine ? state.error : undefined,
    loading: !mine || state.loading,
    reload,
  };
}
