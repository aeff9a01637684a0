import { Pool, type PoolClient } from 'pg';
import { PostgresIdempotencyStore } from '../../src/idempotency';
import { describeWithService } from '../../../../test/support/services';
import { POSTGRES } from './support/connections';
import { idempotentHandlerContract } from './support/handler-contract';
import { idempotencyStoreContract, uniqueName } from './support/store-contract';
import { transactionalStoreContract, type Ledger } from './support/transactional-contract';

describeWithService('postgres', 'PostgresIdempotencyStore', () => {
  const admin = new Pool(POSTGRES);
  const ledgerTable = uniqueName('ledger');
  afterAll(async () => {
    await admin.query(`DROP TABLE IF EXISTS ${ledgerTable}`).catch(() => undefined);
    await admin.end();
  });
  const factory = {
    create: ({ name, retentionMs }: { name: string; retentionMs?: number }) =>
      new PostgresIdempotencyStore({ connection: POSTGRES, tableName: name, retentionMs }),
    drop: async (name: string) => void (await admin.query(`DROP TABLE IF EXISTS ${name}`)),
  };

  idempotencyStoreContract(factory);

  test('uses a pool it is given and leaves it open', async () => {
    const name = uniqueName();
    const store = new PostgresIdempotencyStore({ pool: admin, tableName: name });
    expect((await store.acquire('s', 'k', 1000)).status).toBe('acquired');
    await store.close();
    expect((await admin.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await factory.drop(name);
  });

  describe('transactions', () => {
    beforeAll(() => admin.query(`CREATE TABLE ${ledgerTable} (entry TEXT NOT NULL)`));
    const ledger: Ledger<PoolClient> = {
      insert: async (tx, entry) =>
        void (await tx.query(`INSERT INTO ${ledgerTable} (entry) VALUES ($1)`, [entry])),
      entries: async () =>
        (await admin.query(`SELECT entry FROM ${ledgerTable}`)).rows.map((r) => r.entry),
      clear: async () => void (await admin.query(`DELETE FROM ${ledgerTable}`)),
    };
    transactionalStoreContract(factory, () => ledger);

    describe('behind @Idempotent() handlers', () => {
      idempotentHandlerContract(factory, () => ledger as Ledger<unknown>);
    });
  });
});
