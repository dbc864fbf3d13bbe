import { QualtricsError } from './errors.ts';

/** One page of a list endpoint: `result.elements` and `result.nextPage` (a full URL, null on the last page). */
export interface Page<T> {
  elements: T[];
  nextPage: string | null;
}

/** Fetches the first page (`next` undefined) or the page at a `nextPage` URL. */
export type PageFetcher<T> = (next: string | undefined) => Promise<Page<T>>;

/**
 * A list result (openai-node `PagePromise`, octokit `paginate.iterator`): `await list` gives the first page,
 * `for await (const item of list)` gives every item across pages, `list.pages()` every page. Pages are fetched
 * lazily, one at a time, following `result.nextPage` verbatim. The first page is fetched once and reused.
 */
export class PagedList<T> implements AsyncIterable<T> {
  #first: Promise<Page<T>> | undefined;

  constructor(private readonly fetchPage: PageFetcher<T>) {}

  /** The first page. */
  firstPage(): Promise<Page<T>> {
    this.#first ??= this.fetchPage(undefined);
    return this.#first;
  }

  // biome-ignore lint/suspicious/noThenProperty: an awaitable list (first page) is the documented API, as in openai-node.
  then<R1 = Page<T>, R2 = never>(
    onFulfilled?: ((page: Page<T>) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.firstPage().then(onFulfilled, onRejected);
  }

  /** Every page in order. Stops when `nextPage` is null, absent or empty; refuses a `nextPage` seen before. */
  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    let page = await this.firstPage();
    const seen = new Set<string>();
    for (;;) {
      yield page;
      const next = page.nextPage;
      if (!next) return;
      if (seen.has(next)) throw new QualtricsError('result.nextPage points back to a page already read; stopping');
      seen.add(next);
      page = await this.fetchPage(next);
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.elements;
  }

  /** Collects every item (mind the memory: use `for await` on large lists). */
  async toArray(): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this) out.push(item);
    return out;
  }
}

/** Checks that a `nextPage` URL stays on the client's origin (credentials must never leave it). */
export function assertSameOrigin(nextPage: string, origin: string): void {
  let url: URL;
  try {
    url = new URL(nextPage);
  } catch {
    throw new QualtricsError('result.nextPage is not an absolute URL; refusing to follow it');
  }
  const base = new URL(origin);
  if (url.origin !== base.origin) {
    throw new QualtricsError(`refusing to follow result.nextPage to another origin (${url.host}, expected ${base.host})`);
  }
}
