/**
 * A process drawing as fast as it can from the shared budget: `node --import tsx budget-child.ts <url> <scope>
 * <perMinute> <startAt> <ms>`. From epoch ms `startAt` for `ms` milliseconds; then prints the epoch ms of every
 * admission, one JSON array on stdout.
 */
import { coordTarget, createSharedBudget, openCoordConnection } from '../../src/coord/index.ts';

const [url, scope, perMinute, startAt, ms] = process.argv.slice(2);
const db = await openCoordConnection(coordTarget(url!));
const budget = createSharedBudget(db, { scope: scope!, share: 1, brandPerMinute: Number(perMinute) });
// Both processes start together, whatever their start-up times were.
await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
const end = Date.now() + Number(ms);
const admitted: number[] = [];
// Four requests in flight at a time, like a worker's concurrent surveys.
await Promise.all(
  Array.from({ length: 4 }, async () => {
    while (Date.now() < end) {
      await budget.acquire({});
      admitted.push(Date.now());
    }
  }),
);
await db.end();
process.stdout.write(JSON.stringify(admitted.filter((t) => t <= end)));
