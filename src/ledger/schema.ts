/**
 * schema.ts - the ledger's tables, as numbered migrations. A database records the version it is
 * at; opening one newer than this code knows is refused rather than guessed at.
 *
 * Money columns are INTEGER counts of fen, read back as bigint. Entries are append-only: a
 * correction is a new transfer. Balances are kept on the account row for speed and can be
 * rebuilt from the entries (ledger check compares the two).
 */

export interface Migration {
  readonly version: number
  readonly sql: string
  /**
   * A query that finds a row when the database already has what `sql` adds (a column: SQLite
   * has no ADD COLUMN IF NOT EXISTS); the version is then recorded without running `sql`. A
   * ledger whose recorded version was set back, as tests of older layouts do, opens all the same.
   */
  readonly unless?: string
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE subscribers (
        msisdn TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        language TEXT NOT NULL,
        pin_hash TEXT NOT NULL,
        pin_failures INTEGER NOT NULL,
        locked_until_ms INTEGER NOT NULL,
        outgoing_day INTEGER NOT NULL,
        outgoing_minor INTEGER NOT NULL,
        pending_payment_id TEXT
      ) WITHOUT ROWID;

      CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        owner TEXT NOT NULL,
        balance_minor INTEGER NOT NULL,
        reserved_minor INTEGER NOT NULL,
        floor_minor INTEGER,
        cap_minor INTEGER,
        card_bank TEXT,
        card_last4 TEXT,
        card_token TEXT,
        UNIQUE (owner, kind)
      );

      CREATE TABLE merchants (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        category TEXT NOT NULL,
        account_id INTEGER NOT NULL,
        api_key_sha256 TEXT NOT NULL UNIQUE,
        webhook_secret TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE orders (
        order_no TEXT PRIMARY KEY,
        merchant_code TEXT NOT NULL,
        amount_minor INTEGER NOT NULL,
        reference TEXT NOT NULL,
        description TEXT NOT NULL,
        paid_payment_id TEXT,
        created_ms INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE payments (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL,
        kind TEXT NOT NULL,
        initiator TEXT NOT NULL,
        channel TEXT NOT NULL,
        payer_msisdn TEXT NOT NULL,
        funding TEXT NOT NULL,
        merchant_code TEXT,
        payee_msisdn TEXT,
        order_no TEXT,
        customer_ref TEXT,
        amount_minor INTEGER NOT NULL,
        fee_minor INTEGER NOT NULL,
        refunded_minor INTEGER NOT NULL,
        merchant_reference TEXT,
        description TEXT,
        callback_url TEXT,
        reason TEXT,
        transfer_ref TEXT,
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        expires_ms INTEGER NOT NULL
      );
      CREATE INDEX payments_payer ON payments (payer_msisdn, seq);
      CREATE INDEX payments_payee ON payments (payee_msisdn, seq) WHERE payee_msisdn IS NOT NULL;
      CREATE INDEX payments_waiting ON payments (expires_ms) WHERE state = 'awaiting_authorization';
      CREATE INDEX payments_authorized ON payments (seq) WHERE state = 'authorized';

      CREATE TABLE transfers (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        payment_id TEXT,
        created_ms INTEGER NOT NULL
      );

      CREATE TABLE entries (
        transfer_id INTEGER NOT NULL,
        leg INTEGER NOT NULL,
        account_id INTEGER NOT NULL,
        amount_minor INTEGER NOT NULL,
        PRIMARY KEY (transfer_id, leg)
      ) WITHOUT ROWID;

      CREATE TABLE command_log (
        key TEXT PRIMARY KEY,
        command_hash TEXT NOT NULL,
        result TEXT NOT NULL,
        created_ms INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        next_attempt_ms INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        delivered_ms INTEGER,
        abandoned_ms INTEGER,
        last_error TEXT
      );
      CREATE INDEX outbox_due ON outbox (kind, next_attempt_ms)
        WHERE delivered_ms IS NULL AND abandoned_ms IS NULL;
    `,
  },
  {
    // Loads awaiting the bank's capture count against the payee wallet's cap (payment-intent.ts).
    version: 2,
    sql: `
      CREATE INDEX payments_authorized_payee ON payments (payee_msisdn) WHERE state = 'authorized';
    `,
  },
  {
    // The daily outgoing total moves from the subscriber to the accounts money leaves from: a
    // payment then rewrites the payer's account row only, not the subscriber row as well.
    version: 3,
    sql: `
      ALTER TABLE accounts ADD COLUMN outgoing_day INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE accounts ADD COLUMN outgoing_minor INTEGER NOT NULL DEFAULT 0;
      UPDATE accounts SET
        outgoing_day = (SELECT s.outgoing_day FROM subscribers s WHERE s.msisdn = accounts.owner),
        outgoing_minor =
          (SELECT s.outgoing_minor FROM subscribers s WHERE s.msisdn = accounts.owner)
      WHERE kind = 'wallet' AND owner IN (SELECT msisdn FROM subscribers);
      ALTER TABLE subscribers DROP COLUMN outgoing_day;
      ALTER TABLE subscribers DROP COLUMN outgoing_minor;
    `,
  },
  {
    // Stored results are several hundred bytes: in a WITHOUT ROWID table keyed by the transport's
    // key they split pages at random places. A rowid table appends them, and only the short key
    // goes into the unique index that enforces idempotency.
    version: 4,
    sql: `
      CREATE TABLE command_log_v4 (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        command_hash TEXT NOT NULL,
        result TEXT NOT NULL,
        created_ms INTEGER NOT NULL
      );
      INSERT INTO command_log_v4 (key, command_hash, result, created_ms)
        SELECT key, command_hash, result, created_ms FROM command_log;
      DROP TABLE command_log;
      ALTER TABLE command_log_v4 RENAME TO command_log;
    `,
  },
  {
    // The mini statement reads a short list kept on the accounts each payment rewrites anyway,
    // so the index of payments by payer (a randomly placed page write per payment) goes.
    version: 5,
    sql: `
      ALTER TABLE accounts ADD COLUMN recent_payments TEXT NOT NULL DEFAULT '';
      UPDATE accounts SET recent_payments = COALESCE((
        SELECT group_concat(id, ',') FROM (
          SELECT p.id FROM payments p
          WHERE (p.payer_msisdn = accounts.owner AND p.funding = accounts.kind)
             OR (p.payee_msisdn = accounts.owner AND p.state = 'completed'
                 AND p.payer_msisdn != accounts.owner
                 AND ((p.kind = 'airtime' AND accounts.kind = 'phone_bill')
                   OR (p.kind = 'send' AND accounts.kind = 'wallet')))
             OR (p.payee_msisdn = accounts.owner AND p.kind = 'load' AND p.state = 'completed'
                 AND accounts.kind = 'wallet')
          ORDER BY p.seq DESC LIMIT 5)), '')
      WHERE kind IN ('wallet', 'phone_bill', 'bank');
      DROP INDEX payments_payer;
    `,
  },
  {
    // Statements read the recent lists on the accounts and the operator's search scans the newest
    // payments, so the index by payee (written by every SEND, airtime and LOAD) has no reader left.
    version: 6,
    sql: `
      DROP INDEX payments_payee;
    `,
  },
  {
    // A logged result whose payment is a row written by the same command keeps only the fields
    // the row may change later and names the row (stored-result.ts): 463 bytes a payment become
    // about 200. Older telepay cannot read such records, hence a version of its own.
    version: 7,
    sql: `
      ALTER TABLE command_log ADD COLUMN payment_seq INTEGER;
    `,
  },
  {
    // The recent lists are the mini statement's last five, and a payment joins its payer's list
    // only once it moves money: lists written before kept declined, cancelled and expired
    // requests, which took slots and hid real payments. They are rebuilt the way they are kept now.
    version: 8,
    sql: `
      UPDATE accounts SET recent_payments = COALESCE((
        SELECT group_concat(id, ',') FROM (
          SELECT p.id FROM payments p
          WHERE p.state = 'completed' AND (
                (p.payer_msisdn = accounts.owner AND p.funding = accounts.kind)
             OR (p.payee_msisdn = accounts.owner AND p.payer_msisdn != accounts.owner
                 AND ((p.kind = 'airtime' AND accounts.kind = 'phone_bill')
                   OR (p.kind = 'send' AND accounts.kind = 'wallet')))
             OR (p.payee_msisdn = accounts.owner AND p.kind = 'load' AND accounts.kind = 'wallet'))
          ORDER BY p.seq DESC LIMIT 5)), '')
      WHERE kind IN ('wallet', 'phone_bill', 'bank');
    `,
  },
  {
    // Reports that cost what their day or their subscriber costs, not all history: a day's
    // settlement reads the transfers of that day (appended in time order, so this index grows at
    // its right edge and costs little to write), and the operator's search of one subscriber
    // reads that subscriber's payments, older ones included, a page at a time. The payer and payee
    // indexes cost a randomly placed page write per payment (migrations 5 and 6 dropped them for
    // that); the search past the newest 200,000 payments needs them (docs/benchmarks.md, "Scale").
    version: 9,
    sql: `
      CREATE INDEX IF NOT EXISTS transfers_time ON transfers (created_ms);
      CREATE INDEX IF NOT EXISTS payments_payer ON payments (payer_msisdn, seq);
      CREATE INDEX IF NOT EXISTS payments_payee ON payments (payee_msisdn, seq)
        WHERE payee_msisdn IS NOT NULL;
    `,
  },
  {
    // The nine-step trail of each payment (src/core/trail.ts), on the row every state change
    // rewrites anyway. Payments written before have none ('').
    version: 10,
    sql: `
      ALTER TABLE payments ADD COLUMN trail TEXT NOT NULL DEFAULT '';
    `,
  },
  {
    // The bank operating model lets a card pay only merchants of its own bank, so a merchant
    // names the bank it settles with. Merchants written before have none (NULL) until set.
    version: 11,
    sql: `
      ALTER TABLE merchants ADD COLUMN settlement_bank TEXT;
    `,
    unless: "SELECT 1 FROM pragma_table_info('merchants') WHERE name = 'settlement_bank'",
  },
  {
    // A merchant's own fee rate, where its contract sets one; NULL: the platform's default
    // (limits.merchantFeeBasisPoints), as every merchant written before.
    version: 12,
    sql: `
      ALTER TABLE merchants ADD COLUMN fee_basis_points INTEGER;
    `,
    unless: "SELECT 1 FROM pragma_table_info('merchants') WHERE name = 'fee_basis_points'",
  },
  {
    // The settlement's running totals by local day, account and kind of transfer
    // (src/ledger/day-totals.ts), and from when and for which day boundary they hold.
    version: 13,
    sql: `
      CREATE TABLE day_totals (
        day_start_ms INTEGER NOT NULL,
        account_id INTEGER NOT NULL,
        kind TEXT NOT NULL,
        payments INTEGER NOT NULL,
        gross_minor INTEGER NOT NULL,
        fees_minor INTEGER NOT NULL,
        moved_minor INTEGER NOT NULL,
        PRIMARY KEY (day_start_ms, account_id, kind)
      ) WITHOUT ROWID;
      CREATE TABLE settlement_rollup (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        day_offset_ms INTEGER NOT NULL,
        since_ms INTEGER NOT NULL
      );
    `,
    unless: "SELECT 1 FROM sqlite_master WHERE name = 'day_totals'",
  },
  {
    // The message log of each phone's SMS (src/gateway/handset/message-log.ts): the operator's
    // view of what went to and from a number, and what a web handset reads back when it opens.
    // Written behind, in batches; kept per MSISDN and by age. seq orders the rows as they were
    // recorded (AUTOINCREMENT: a seq is never given twice, so a stream's Last-Event-ID stays
    // meaningful after the newest rows were pruned); the MSISDN index serves the pages and the
    // cap, the id index a state change of a held MT.
    version: 14,
    sql: `
      CREATE TABLE message_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        msisdn TEXT NOT NULL,
        direction TEXT NOT NULL,
        party TEXT NOT NULL,
        text TEXT NOT NULL,
        coding TEXT NOT NULL,
        parts INTEGER NOT NULL,
        message_id TEXT NOT NULL,
        state TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL
      );
      CREATE INDEX message_log_by_msisdn ON message_log (msisdn, seq);
      CREATE INDEX message_log_by_id ON message_log (message_id);
    `,
    unless: "SELECT 1 FROM sqlite_master WHERE name = 'message_log'",
  },
  {
    // The rest of a merchant's fee rule (src/core/fees.ts): a fixed part per payment, a floor
    // and a cap (NULL: none). Merchants written before pay their rate alone, as they did.
    version: 15,
    sql: `
      ALTER TABLE merchants ADD COLUMN fee_fixed_minor INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE merchants ADD COLUMN fee_min_minor INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE merchants ADD COLUMN fee_max_minor INTEGER;
    `,
    unless: "SELECT 1 FROM pragma_table_info('merchants') WHERE name = 'fee_fixed_minor'",
  },
  {
    // The merchant portal (issue 17). A merchant's own payments and orders, newest first a page at
    // a time, and its sales of a range of days: each read costs the merchant's rows in the page or
    // the range, not all history (a partial index: subscribers' transfers, loads and airtime are
    // not in it, and one merchant's rows sit together at its right edge, cheap to append). Each
    // webhook POST is kept with what was sent (body, signature) and what came back (the status
    // code, or none, and the first bytes of the answer or the error), so a merchant can see why
    // its endpoint refused one; at most operating.webhookAttemptsMax rows per delivery.
    version: 16,
    sql: `
      CREATE INDEX IF NOT EXISTS payments_merchant ON payments (merchant_code, created_ms)
        WHERE merchant_code IS NOT NULL;
      CREATE INDEX IF NOT EXISTS orders_merchant ON orders (merchant_code, created_ms);
      CREATE TABLE IF NOT EXISTS webhook_attempts (
        outbox_id INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        merchant_code TEXT NOT NULL,
        payment_id TEXT NOT NULL,
        url TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        body TEXT NOT NULL,
        signature TEXT NOT NULL,
        status_code INTEGER,
        response_snippet TEXT NOT NULL,
        PRIMARY KEY (outbox_id, attempt)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS webhook_attempts_merchant
        ON webhook_attempts (merchant_code, outbox_id);
    `,
    unless: "SELECT 1 FROM sqlite_master WHERE name = 'webhook_attempts'",
  },
  {
    // The RFID-SIM e-purse (issue 18). A purse is what the platform knows of a card: the loads it
    // confirmed less the purchases cleared, and the loads on their way over the air; the float
    // account holds their sum over all cards. A cleared purchase is kept under the terminal's
    // serial, which its TAC signs, so that none is posted twice (the card's offline serial is not
    // in the TAC: a terminal could claim another's, so it only finds gaps); and by the day it was
    // cleared for the daily clearing report.
    version: 17,
    sql: `
      CREATE TABLE IF NOT EXISTS purses (
        card_number TEXT PRIMARY KEY,
        msisdn TEXT NOT NULL,
        balance_minor INTEGER NOT NULL,
        loading_minor INTEGER NOT NULL,
        blacklisted INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS cleared_purchases (
        card_number TEXT NOT NULL,
        card_serial INTEGER NOT NULL,
        terminal_id TEXT NOT NULL,
        terminal_serial INTEGER NOT NULL,
        merchant_code TEXT NOT NULL,
        type INTEGER NOT NULL,
        amount_minor INTEGER NOT NULL,
        balance_after_minor INTEGER NOT NULL,
        fee_minor INTEGER NOT NULL,
        at_ms INTEGER NOT NULL,
        tac TEXT NOT NULL,
        transfer_id INTEGER,
        cleared_ms INTEGER NOT NULL,
        PRIMARY KEY (terminal_id, terminal_serial)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS cleared_purchases_by_card
        ON cleared_purchases (card_number, card_serial);
      CREATE INDEX IF NOT EXISTS cleared_purchases_by_day ON cleared_purchases (cleared_ms);
      INSERT OR IGNORE INTO accounts (kind, owner, balance_minor, reserved_minor, floor_minor,
        cap_minor) VALUES ('card_float', 'platform', 0, 0, NULL, NULL);
    `,
    unless: "SELECT 1 FROM sqlite_master WHERE name = 'purses'",
  },
]

export const schemaVersion = migrations.reduce(
  (latest, migration) => Math.max(latest, migration.version),
  0,
)
