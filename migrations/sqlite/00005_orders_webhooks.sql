-- Orders, the outbox of events and webhooks for the embedded SQLite store:
-- the same tables, keys and rules as
-- migrations/postgres/00005_orders_webhooks.sql, in SQLite's dialect.

-- +goose Up
CREATE TABLE order_settings (
    entity_id               INTEGER PRIMARY KEY REFERENCES entities (id),
    currencies              TEXT NOT NULL DEFAULT '',
    invoice_mode            TEXT NOT NULL CHECK (invoice_mode IN ('draft', 'issued')),
    integration_may_invoice BOOLEAN NOT NULL,
    updated_at              DATETIME NOT NULL
);

CREATE TABLE orders (
    id                INTEGER PRIMARY KEY,
    entity_id         INTEGER NOT NULL REFERENCES entities (id),
    external_id       TEXT NOT NULL CHECK (external_id <> ''),
    customer_id       INTEGER NOT NULL,
    order_date        TEXT NOT NULL,
    currency          TEXT NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
    status            TEXT NOT NULL CHECK (status IN ('received', 'accepted', 'fulfilled', 'invoiced', 'cancelled')),
    notes             TEXT NOT NULL DEFAULT '',
    net_minor         INTEGER NOT NULL CHECK (net_minor >= 0),
    tax_minor         INTEGER NOT NULL,
    total_minor       INTEGER NOT NULL,
    payload           TEXT NOT NULL,
    invoice_id        INTEGER,
    created_by        INTEGER NOT NULL,
    created_at        DATETIME NOT NULL,
    updated_at        DATETIME NOT NULL,
    UNIQUE (entity_id, id),
    CONSTRAINT orders_external_id_unique UNIQUE (entity_id, external_id),
    FOREIGN KEY (entity_id, customer_id) REFERENCES customers (entity_id, id),
    FOREIGN KEY (entity_id, invoice_id) REFERENCES invoices (entity_id, id),
    CHECK ((status = 'invoiced') = (invoice_id IS NOT NULL))
);
CREATE INDEX orders_status ON orders (entity_id, status, id);
CREATE INDEX orders_customer ON orders (entity_id, customer_id, id);
CREATE INDEX orders_date ON orders (entity_id, order_date, id);
CREATE INDEX orders_invoice ON orders (entity_id, invoice_id) WHERE invoice_id IS NOT NULL;

CREATE TABLE order_lines (
    entity_id        INTEGER NOT NULL,
    order_id         INTEGER NOT NULL,
    line_no          INTEGER NOT NULL CHECK (line_no > 0),
    sku              TEXT NOT NULL DEFAULT '',
    description      TEXT NOT NULL CHECK (description <> ''),
    quantity         TEXT NOT NULL,
    unit             TEXT NOT NULL DEFAULT '',
    unit_price       TEXT NOT NULL,
    discount_percent TEXT NOT NULL DEFAULT '0',
    tax_code         TEXT NOT NULL,
    net_minor        INTEGER NOT NULL CHECK (net_minor >= 0),
    PRIMARY KEY (entity_id, order_id, line_no),
    FOREIGN KEY (entity_id, order_id) REFERENCES orders (entity_id, id)
);

CREATE TABLE order_status_changes (
    entity_id   INTEGER NOT NULL,
    order_id    INTEGER NOT NULL,
    seq         INTEGER NOT NULL CHECK (seq > 0),
    from_status TEXT,
    to_status   TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    invoice_id  INTEGER,
    changed_by  INTEGER NOT NULL,
    changed_at  DATETIME NOT NULL,
    PRIMARY KEY (entity_id, order_id, seq),
    FOREIGN KEY (entity_id, order_id) REFERENCES orders (entity_id, id)
);

ALTER TABLE invoice_lines ADD COLUMN order_id INTEGER;
ALTER TABLE invoice_lines ADD COLUMN order_line_no INTEGER; -- linked by the trigger invoice_lines_order_line

CREATE TABLE webhook_endpoints (
    id          INTEGER PRIMARY KEY,
    entity_id   INTEGER NOT NULL REFERENCES entities (id),
    url         TEXT NOT NULL CHECK (url LIKE 'http://%' OR url LIKE 'https://%'),
    secret      TEXT NOT NULL CHECK (length(secret) >= 16),
    events      TEXT NOT NULL CHECK (events LIKE ',%,'),
    description TEXT NOT NULL DEFAULT '',
    enabled     BOOLEAN NOT NULL,
    created_by  INTEGER NOT NULL,
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL,
    deleted_at  DATETIME,
    UNIQUE (entity_id, id)
);

CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    entity_id  INTEGER NOT NULL REFERENCES entities (id),
    seq        INTEGER NOT NULL CHECK (seq > 0),
    type       TEXT NOT NULL,
    data       TEXT NOT NULL,
    caused_by  INTEGER,
    created_at DATETIME NOT NULL,
    UNIQUE (entity_id, id),
    CONSTRAINT events_seq_unique UNIQUE (entity_id, seq)
);

CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY,
    entity_id        INTEGER NOT NULL,
    endpoint_id      INTEGER NOT NULL,
    event_id         INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- attempts made before the last manual redelivery: the retry schedule
    -- (backoff and the attempt limit) counts from here.
    retry_from       INTEGER NOT NULL DEFAULT 0 CHECK (retry_from >= 0 AND retry_from <= attempts),
    -- how often a worker took the delivery; a worker records its result
    -- only while this still is its claim, so a late answer after the lease
    -- ran out (or after a redelivery) changes nothing.
    claims           INTEGER NOT NULL DEFAULT 0 CHECK (claims >= 0),
    next_attempt_at  DATETIME NOT NULL,
    last_attempt_at  DATETIME,
    last_status_code INTEGER,
    last_error       TEXT NOT NULL DEFAULT '',
    delivered_at     DATETIME,
    created_at       DATETIME NOT NULL,
    UNIQUE (entity_id, id),
    CONSTRAINT webhook_deliveries_unique UNIQUE (entity_id, endpoint_id, event_id),
    FOREIGN KEY (entity_id, endpoint_id) REFERENCES webhook_endpoints (entity_id, id),
    FOREIGN KEY (entity_id, event_id) REFERENCES events (entity_id, id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (entity_id, endpoint_id, id);

CREATE TABLE webhook_attempts (
    entity_id   INTEGER NOT NULL,
    delivery_id INTEGER NOT NULL,
    attempt     INTEGER NOT NULL CHECK (attempt > 0),
    at          DATETIME NOT NULL,
    status_code INTEGER,
    error       TEXT NOT NULL DEFAULT '',
    duration_ms INTEGER NOT NULL,
    response    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (entity_id, delivery_id, attempt),
    FOREIGN KEY (entity_id, delivery_id) REFERENCES webhook_deliveries (entity_id, id)
);

-- +goose StatementBegin
CREATE TRIGGER orders_immutable_update BEFORE UPDATE ON orders
WHEN NEW.external_id IS NOT OLD.external_id OR NEW.customer_id IS NOT OLD.customer_id
    OR NEW.order_date IS NOT OLD.order_date OR NEW.currency IS NOT OLD.currency OR NEW.notes IS NOT OLD.notes
    OR NEW.net_minor IS NOT OLD.net_minor OR NEW.tax_minor IS NOT OLD.tax_minor
    OR NEW.total_minor IS NOT OLD.total_minor OR NEW.payload IS NOT OLD.payload
    OR NEW.created_by IS NOT OLD.created_by OR NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'BOL06: orders, their lines and events are immutable records');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER orders_immutable_delete BEFORE DELETE ON orders
BEGIN
    SELECT RAISE(ABORT, 'BOL06: orders, their lines and events are immutable records');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER order_lines_immutable_update BEFORE UPDATE ON order_lines
BEGIN
    SELECT RAISE(ABORT, 'BOL06: orders, their lines and events are immutable records');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER order_lines_immutable_delete BEFORE DELETE ON order_lines
BEGIN
    SELECT RAISE(ABORT, 'BOL06: orders, their lines and events are immutable records');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER order_status_changes_immutable_update BEFORE UPDATE ON order_status_changes
BEGIN
    SELECT RAISE(ABORT, 'BOL06: orders, their lines and events are immutable records');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER order_status_changes_immutable_delete BEFORE DELETE ON order_status_changes
BEGIN
    SELECT RAISE(ABORT, 'BOL06: orders, their lines and events are immutable records');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER events_immutable_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'BOL06: orders, their lines and events are immutable records');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER events_immutable_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'BOL06: orders, their lines and events are immutable records');
END;
-- +goose StatementEnd
-- +goose StatementBegin
-- The composite link an invoice line keeps to its order line, which SQLite
-- cannot add to an existing table as a foreign key.
CREATE TRIGGER invoice_lines_order_line BEFORE INSERT ON invoice_lines
WHEN NEW.order_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM order_lines
    WHERE entity_id = NEW.entity_id AND order_id = NEW.order_id AND line_no = NEW.order_line_no)
BEGIN
    SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: invoice_lines_order_line');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER invoice_lines_order_line_update BEFORE UPDATE OF order_id, order_line_no ON invoice_lines
WHEN NEW.order_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM order_lines
    WHERE entity_id = NEW.entity_id AND order_id = NEW.order_id AND line_no = NEW.order_line_no)
BEGIN
    SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: invoice_lines_order_line');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE events;
DROP TABLE webhook_endpoints;
DROP TRIGGER invoice_lines_order_line_update;
DROP TRIGGER invoice_lines_order_line;
ALTER TABLE invoice_lines DROP COLUMN order_line_no;
ALTER TABLE invoice_lines DROP COLUMN order_id;
DROP TABLE order_status_changes;
DROP TABLE order_lines;
DROP TABLE orders;
DROP TABLE order_settings;
