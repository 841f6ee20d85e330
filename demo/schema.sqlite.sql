-- The example shop of examples/shop/schema.sql, translated to SQLite for the
-- demo. Times are DATETIME columns holding text 'YYYY-MM-DD HH:MM:SS': wall-clock
-- time in Europe/Amsterdam without a zone, as the MySQL schema stores them.
-- Foreign keys are enforced only on connections that turn them on
-- (PRAGMA foreign_keys = ON; the demo's DSN does), and are RESTRICT for the same
-- reason as in MySQL: rows go through the sweeper, which writes their audit record.

CREATE TABLE customers (
  id            INTEGER PRIMARY KEY,
  email         TEXT     NOT NULL UNIQUE,
  salutation    TEXT     NULL,
  first_name    TEXT     NOT NULL,
  last_name     TEXT     NOT NULL,
  phone         TEXT     NULL,
  photo_path    TEXT     NULL,
  created_at    DATETIME NOT NULL,
  last_login_at DATETIME NULL
);
CREATE INDEX idx_customers_last_login_at ON customers (last_login_at);
CREATE INDEX idx_customers_created_at ON customers (created_at);

CREATE TABLE addresses (
  id             INTEGER PRIMARY KEY,
  customer_id    INTEGER  NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
  recipient_name TEXT     NOT NULL,
  street         TEXT     NOT NULL,
  house_number   TEXT     NOT NULL,
  postcode       TEXT     NOT NULL,
  city           TEXT     NOT NULL,
  country        TEXT     NOT NULL DEFAULT 'NL',
  created_at     DATETIME NOT NULL
);
CREATE INDEX idx_addresses_customer_id ON addresses (customer_id);

CREATE TABLE orders (
  id                INTEGER PRIMARY KEY,
  order_number      TEXT     NOT NULL UNIQUE,
  customer_id       INTEGER  NULL REFERENCES customers (id) ON DELETE RESTRICT,
  email             TEXT     NOT NULL,
  salutation        TEXT     NULL,
  first_name        TEXT     NOT NULL,
  last_name         TEXT     NOT NULL,
  phone             TEXT     NULL,
  ship_name         TEXT     NOT NULL,
  ship_street       TEXT     NOT NULL,
  ship_house_number TEXT     NOT NULL,
  ship_postcode     TEXT     NOT NULL,
  ship_city         TEXT     NOT NULL,
  ship_country      TEXT     NOT NULL DEFAULT 'NL',
  total_cents       INTEGER  NOT NULL,
  status            TEXT     NOT NULL
    CHECK (status IN ('paid', 'shipped', 'delivered', 'cancelled', 'returned', 'disputed')),
  created_at        DATETIME NOT NULL
);
CREATE INDEX idx_orders_customer_id ON orders (customer_id);
CREATE INDEX idx_orders_created_at ON orders (created_at);

CREATE TABLE complaints (
  id          INTEGER PRIMARY KEY,
  customer_id INTEGER  NULL REFERENCES customers (id) ON DELETE RESTRICT,
  name        TEXT     NULL,
  email       TEXT     NOT NULL,
  subject     TEXT     NOT NULL,
  body        TEXT     NOT NULL,
  status      TEXT     NOT NULL CHECK (status IN ('open', 'in_progress', 'handled')),
  filed_at    DATETIME NOT NULL,
  handled_at  DATETIME NULL
);
CREATE INDEX idx_complaints_customer_id ON complaints (customer_id);
CREATE INDEX idx_complaints_filed_at ON complaints (filed_at);
CREATE INDEX idx_complaints_handled_at ON complaints (handled_at);

CREATE TABLE contact_messages (
  id         INTEGER PRIMARY KEY,
  name       TEXT     NOT NULL,
  email      TEXT     NOT NULL,
  phone      TEXT     NULL,
  subject    TEXT     NOT NULL,
  message    TEXT     NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE INDEX idx_contact_messages_created_at ON contact_messages (created_at);

-- email is not UNIQUE: see examples/shop/schema.sql.
CREATE TABLE newsletter_subscribers (
  id              INTEGER PRIMARY KEY,
  email           TEXT     NOT NULL,
  name            TEXT     NULL,
  subscribed_at   DATETIME NOT NULL,
  optin_ip        TEXT     NULL,
  optin_at        DATETIME NULL,
  unsubscribed_at DATETIME NULL
);
CREATE INDEX idx_newsletter_subscribers_email ON newsletter_subscribers (email);
CREATE INDEX idx_newsletter_subscribers_unsubscribed_at ON newsletter_subscribers (unsubscribed_at);
