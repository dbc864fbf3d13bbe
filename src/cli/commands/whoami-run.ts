import { type ConnectionFlags, createClient } from '../connection.ts';
import { type CliIo, processIo, table, writeJson } from '../io.ts';

/** Flags of `qsync whoami`. */
export interface WhoamiFlags extends ConnectionFlags {
  json?: boolean;
}

/** `qsync whoami`: `GET /whoami`, as a short table or (`--json`) the result object. */
export async function runWhoami(flags: WhoamiFlags, io: CliIo = processIo()): Promise<void> {
  const client = createClient(flags, io);
  const me = await client.whoami.get();
  if (flags.json) {
    writeJson(io.stdout, me);
    return;
  }
  const rows = [
    ['user', `${me.firstName} ${me.lastName} <${me.email}>`],
    ['user id', `${me.userId} (${me.userName})`],
    ['account type', me.accountType],
    ['brand', me.brandId],
    ['data center', me.datacenter],
    ['API', client.settings.baseUrl],
  ];
  io.stdout.write(`${table(rows)}\n`);
}
