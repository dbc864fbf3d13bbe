/**
 * What a store believes about its surveys' layouts, by survey id. Either store drops it whole when DDL may have
 * been rolled back or another process may have changed a layout; a miss reloads from `survey_columns`.
 */
import type { Layout } from '../types.ts';
import { type BaseLayoutState, snapshot } from './layout-state.ts';

/** Layout states by survey id. */
export class LayoutCache<S extends BaseLayoutState> {
  readonly #states = new Map<string, S>();

  /** The cached state of `surveyId`, or undefined. */
  get(surveyId: string): S | undefined {
    return this.#states.get(surveyId);
  }

  /** Caches a state just loaded (null, for a survey without a wide table yet, is not cached) and returns it. */
  keep(surveyId: string, state: S | null): S | null {
    if (state) this.#states.set(surveyId, state);
    return state;
  }

  /** Caches the state `ensureLayout` produced and returns the frozen snapshot callers receive. */
  remember(surveyId: string, state: S): Layout {
    this.#states.set(surveyId, state);
    return snapshot(state);
  }

  /** Forgets one survey's state (its survey row changed). */
  delete(surveyId: string): void {
    this.#states.delete(surveyId);
  }

  /** Forgets every state. */
  clear(): void {
    this.#states.clear();
  }
}
