"""The database keeps the ledger's rules, whatever code writes to it.

- Append-only: rows of ledger_ledgertransaction and ledger_ledgerentry are never updated
  or deleted. The one way around is a transaction that sets ``ledger.allow_purge`` to on
  (``SET LOCAL``): erasing a closed reseller's books under a retention rule, and tests.
- Balanced: at commit, each transaction's debits equal its credits, and its entries are in
  its own reseller and currency (a constraint trigger, deferred to the end of the
  transaction so that the entries can be inserted one by one).
"""

from django.db import migrations

APPEND_ONLY = """
CREATE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    IF current_setting('ledger.allow_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'ledger rows are append-only (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_transaction_append_only BEFORE UPDATE OR DELETE ON ledger_ledgertransaction
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
"""

BALANCED = """
CREATE FUNCTION ledger_check_balanced() RETURNS trigger AS $$
DECLARE
    unbalanced bigint;
    foreign_entries integer;
BEGIN
    SELECT COALESCE(SUM(CASE WHEN e.direction = 'debit' THEN e.amount_minor ELSE -e.amount_minor END), 0)
      INTO unbalanced
      FROM ledger_ledgerentry e WHERE e.transaction_id = NEW.transaction_id;
    IF unbalanced <> 0 THEN
        RAISE EXCEPTION 'ledger transaction % does not balance (debits - credits = %)',
            NEW.transaction_id, unbalanced USING ERRCODE = 'check_violation';
    END IF;
    SELECT COUNT(*) INTO foreign_entries
      FROM ledger_ledgerentry e JOIN ledger_ledgertransaction t ON t.id = e.transaction_id
     WHERE e.transaction_id = NEW.transaction_id
       AND (e.currency <> t.currency OR e.tenant_id <> t.tenant_id);
    IF foreign_entries > 0 THEN
        RAISE EXCEPTION 'ledger transaction % has entries in another currency or reseller',
            NEW.transaction_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER ledger_entry_balanced AFTER INSERT ON ledger_ledgerentry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();
"""

REMOVE = """
DROP TRIGGER IF EXISTS ledger_entry_balanced ON ledger_ledgerentry;
DROP FUNCTION IF EXISTS ledger_check_balanced();
DROP TRIGGER IF EXISTS ledger_entry_append_only ON ledger_ledgerentry;
DROP TRIGGER IF EXISTS ledger_transaction_append_only ON ledger_ledgertransaction;
DROP FUNCTION IF EXISTS ledger_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_ledger")]
    operations = [migrations.RunSQL(APPEND_ONLY + BALANCED, REMOVE)]
