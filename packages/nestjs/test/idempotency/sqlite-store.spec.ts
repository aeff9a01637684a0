import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteIdempotencyStore, IdempotencyTransaction } from '../../src/idempotency';
import { tempDir } from '../../../../test/support/temp-dir';
import { idempotentHandlerContract } from './support/handler-contract';
import { idempotencyStoreContract } from './support/store-contract';
import { transactionalStoreContract, type Ledger } from './support/transactional-contract';

const filename = join(tempDir('rocketnest-idem-'), 'nested', 'idempotency.sqlite');
const factory = {
  create: ({ name, retentionMs }: { name: string; retentionMs?: number }) =>
    new SqliteIdempotencyStore({ filename, tableName: name, retentionMs }),
  drop: async (name: string) => {
    const db = new Database(filename);
    db.exec(`DROP TABLE IF EXISTS ${name}`);
    db.close();
  },
};

describe('SqliteIdempotencyStore', () => {
  idempotencyStoreContract(factory);

  test('creates its file and directory in WAL mode', async () => {
    const store = factory.create({ name: 'wal_check' });
    await store.init();
    const db = new Database(filename, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    await store.close();
  });

  describe('transactions', () => {
    let db: Database.Database;
    beforeAll(async () => {
      await factory.create({ name: 'creates_the_file' }).close();
      db = new Database(filename);
      db.exec('CREATE TABLE ledger (entry TEXT NOT NULL)');
    });
    afterAll(() => db.close());
    const ledger: Ledger<Database.Database> = {
      insert: async (tx, entry) => {
        tx.prepare('INSERT INTO ledger (entry) VALUES (?)').run(entry);
      },
      entries: async () => db.prepare('SELECT entry FROM ledger').pluck().all() as string[],
      clear: async () => void db.exec('DELETE FROM ledger'),
    };
    transactionalStoreContract(factory, () => ledger);

    describe('behind @Idempotent() handlers', () => {
      idempotentHandlerContract(factory, () => ledger as Ledger<unknown>);
    });

    test('the current transaction is only available inside a transactional handler', () => {
      expect(IdempotencyTransaction.find()).toBeUndefined();
      expect(() => IdempotencyTransaction.current()).toThrow(/transactional: true/);
    });
  });
});
