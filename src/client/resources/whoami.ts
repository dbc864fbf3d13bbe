import { APIResource, type RequestOptions } from '../internal/resource.ts';

/** `GET /whoami` result (FACTS.md §2). Never contains the token. */
export interface WhoAmI {
  /** Brand (organization) id, e.g. "wellknownbrand". */
  brandId: string;
  /** User id (`UR_…`). */
  userId: string;
  /** Login name, "user#brand". */
  userName: string;
  /** Account type, e.g. "UT_BRANDADMIN". */
  accountType: string;
  firstName: string;
  lastName: string;
  email: string;
  /** Data center the account lives in, e.g. "iad1". */
  datacenter: string;
  /** UI language, when reported. */
  language?: string;
}

/** Who the credentials belong to. */
export class WhoAmIResource extends APIResource {
  /** `GET /whoami`: the user, brand and data center behind the credentials. */
  async get(opts: RequestOptions = {}): Promise<WhoAmI> {
    return this.result<WhoAmI>({ method: 'GET', path: '/whoami' }, opts);
  }
}
