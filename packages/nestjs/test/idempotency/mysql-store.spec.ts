import { createPool, type PoolConnection, type RowDataPacket } from 'mysql2/promise';
import { MysqlIdempotencyStore } from '../../src/idempotency';
import { describeWithService } from '../../../../test/support/services';
import { MARIADB } from './support/connections';
import { idempotentHandlerContract } from './support/handler-contract';
import { idempotencyStoreContract, uniqueName } from './support/store-contract';
import { transactionalStoreContract, type Ledger } from './support/transactional-contract';

describeWithService('mariadb', 'MysqlIdempotencyStore', () => {
  const admin = createPool(MARIADB);
  const ledgerTable = uniqueName('ledger');
  afterAll(async () => {
    await admin.query(`DROP TABLE IF EXISTS ${ledgerTable}`).catch(() => undefined);
    await admin.end();
  });
  const factory = {
    create: ({ name, retentionMs }: { name: string; retentionMs?: number }) =>
      new MysqlIdempotencyStore({ connection: MARIADB, tableName: name, retentionMs }),
    drop: async (name: string) => void (await admin.query(`DROP TABLE IF EXISTS ${name}`)),
  };

  idempotencyStoreContract(factory);

  describe('transactions', () => {
    beforeAll(() => admin.query(`CREATE TABLE ${ledgerTable} (entry TEXT NOT NULL) ENGINE=InnoDB`));
    const ledger: Ledger<PoolConnection> = {
      insert: async (tx, entry) =>
        void (await tx.execute(`INSERT INTO ${ledgerTable} (entry) VALUES (?)`, [entry])),
      entries: async () => {
        const [rows] = await admin.query<RowDataPacket[]>(`SELECT entry FROM ${ledgerTable}`);
        return rows.map((r) => r.entry as string);
      },
      clear: async () => void (await admin.query(`DELETE FROM ${ledgerTable}`)),
    };
    transactionalStoreContract(factory, () => ledger);

    describe('behind @Idempotent() handlers', () => {
      idempotentHandlerContract(factory, () => ledger as Ledger<unknown>);
    });
  });
});
