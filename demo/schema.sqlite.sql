-- Kleintjesgeluk (kleintjesgeluk.nl), the card shop of examples/kleintjesgeluk:
-- its schema.sql, translated from MySQL/MariaDB to SQLite for the demo. The
-- tables, columns, keys, foreign keys and indexes are the same, under the same
-- names; see that file for what each table holds and why. What changes:
--
-- * Every moment is a DATETIME column holding text 'YYYY-MM-DD HH:MM:SS':
--   wall-clock time in Europe/Amsterdam without a zone, as the MySQL schema
--   stores them.
-- * AUTO_INCREMENT keys are INTEGER PRIMARY KEY (SQLite's rowid), declared
--   NOT NULL as they are in MySQL. INT UNSIGNED is INTEGER, TINYINT(1) an
--   INTEGER 0 or 1, MEDIUMTEXT is TEXT.
-- * VARCHAR(n) and CHAR(n) keep their length: SQLite does not enforce it, but
--   `sweeper check` reads it, and refuses a redact or hash strategy on a
--   column too short for its value, as it would on MySQL.
-- * UNIQUE KEY and KEY become CREATE UNIQUE INDEX and CREATE INDEX.
-- * Foreign keys are enforced only on connections that turn them on
--   (PRAGMA foreign_keys = ON; the demo's DSN does). They are ON DELETE
--   RESTRICT, as in MySQL: a CASCADE would delete rows without an audit
--   record; what goes with a row is a [[rule.related]] in the config.

CREATE TABLE customers (
  id                    INTEGER      NOT NULL PRIMARY KEY,
  email                 VARCHAR(254) NOT NULL,
  password_hash         VARCHAR(255) NOT NULL,
  first_name            VARCHAR(100) NOT NULL,
  last_name             VARCHAR(100) NOT NULL,
  phone                 VARCHAR(32)  NULL,
  company_name          VARCHAR(200) NULL,
  created_at            DATETIME     NOT NULL,
  last_login_at         DATETIME     NULL,
  deletion_requested_at DATETIME     NULL -- set by the shop when the customer asks for the account to be deleted
);
CREATE UNIQUE INDEX uq_customers_email ON customers (email);
CREATE INDEX idx_customers_last_login_at ON customers (last_login_at);
CREATE INDEX idx_customers_created_at ON customers (created_at);
CREATE INDEX idx_customers_deletion_requested_at ON customers (deletion_requested_at);

CREATE TABLE customer_addresses (
  id             INTEGER      NOT NULL PRIMARY KEY,
  customer_id    INTEGER      NOT NULL,
  label          VARCHAR(100) NULL, -- e.g. "oma", "eigen adres"
  recipient_name VARCHAR(200) NOT NULL,
  street         VARCHAR(200) NOT NULL,
  house_number   VARCHAR(20)  NOT NULL,
  postcode       VARCHAR(10)  NOT NULL,
  city           VARCHAR(100) NOT NULL,
  country        CHAR(2)      NOT NULL DEFAULT 'NL',
  created_at     DATETIME     NOT NULL,
  CONSTRAINT fk_customer_addresses_customer FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE RESTRICT
);
CREATE INDEX idx_customer_addresses_customer_id ON customer_addresses (customer_id);

CREATE TABLE favourites (
  id          INTEGER     NOT NULL PRIMARY KEY,
  customer_id INTEGER     NOT NULL,
  product_sku VARCHAR(40) NOT NULL,
  created_at  DATETIME    NOT NULL,
  CONSTRAINT fk_favourites_customer FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE RESTRICT
);
CREATE UNIQUE INDEX uq_favourites_customer_product ON favourites (customer_id, product_sku);

CREATE TABLE quotes (
  id           INTEGER      NOT NULL PRIMARY KEY,
  quote_number VARCHAR(20)  NOT NULL,
  customer_id  INTEGER      NULL, -- NULL: asked without an account, or the account is gone
  company_name VARCHAR(200) NULL,
  contact_name VARCHAR(200) NOT NULL,
  email        VARCHAR(254) NOT NULL,
  phone        VARCHAR(32)  NULL,
  street       VARCHAR(200) NULL,
  house_number VARCHAR(20)  NULL,
  postcode     VARCHAR(10)  NULL,
  city         VARCHAR(100) NULL,
  description  TEXT         NOT NULL,
  total_cents  INTEGER      NOT NULL,
  status       VARCHAR(16)  NOT NULL,
  created_at   DATETIME     NOT NULL, -- the date of the quote
  CONSTRAINT fk_quotes_customer FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE RESTRICT,
  CONSTRAINT chk_quotes_status CHECK (status IN ('requested', 'sent', 'accepted', 'declined', 'expired'))
);
CREATE UNIQUE INDEX uq_quotes_quote_number ON quotes (quote_number);
CREATE INDEX idx_quotes_customer_id ON quotes (customer_id);
CREATE INDEX idx_quotes_created_at ON quotes (created_at);

CREATE TABLE quote_lines (
  id          INTEGER      NOT NULL PRIMARY KEY,
  quote_id    INTEGER      NOT NULL,
  description VARCHAR(255) NOT NULL,
  quantity    INTEGER      NOT NULL,
  price_cents INTEGER      NOT NULL,
  CONSTRAINT fk_quote_lines_quote FOREIGN KEY (quote_id)
    REFERENCES quotes (id) ON DELETE RESTRICT
);
CREATE INDEX idx_quote_lines_quote_id ON quote_lines (quote_id);

CREATE TABLE orders (
  id           INTEGER      NOT NULL PRIMARY KEY,
  order_number VARCHAR(20)  NOT NULL,
  customer_id  INTEGER      NULL, -- NULL: guest order, or the account is gone
  quote_id     INTEGER      NULL, -- the quote this order came from
  email        VARCHAR(254) NOT NULL,
  first_name   VARCHAR(100) NOT NULL,
  last_name    VARCHAR(100) NOT NULL,
  phone        VARCHAR(32)  NULL,
  street       VARCHAR(200) NOT NULL,
  house_number VARCHAR(20)  NOT NULL,
  postcode     VARCHAR(10)  NOT NULL,
  city         VARCHAR(100) NOT NULL,
  country      CHAR(2)      NOT NULL DEFAULT 'NL',
  total_cents  INTEGER      NOT NULL,
  status       VARCHAR(16)  NOT NULL,
  ordered_at   DATETIME     NOT NULL,
  CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE RESTRICT,
  CONSTRAINT fk_orders_quote FOREIGN KEY (quote_id)
    REFERENCES quotes (id) ON DELETE RESTRICT,
  CONSTRAINT chk_orders_status CHECK (status IN ('pending', 'paid', 'printing', 'shipped', 'cancelled', 'returned'))
);
CREATE UNIQUE INDEX uq_orders_order_number ON orders (order_number);
CREATE INDEX idx_orders_customer_id ON orders (customer_id);
CREATE INDEX idx_orders_quote_id ON orders (quote_id);
CREATE INDEX idx_orders_ordered_at ON orders (ordered_at);

CREATE TABLE order_lines (
  id               INTEGER      NOT NULL PRIMARY KEY,
  order_id         INTEGER      NOT NULL,
  product_sku      VARCHAR(40)  NOT NULL,
  description      VARCHAR(255) NOT NULL,
  quantity         INTEGER      NOT NULL,
  unit_price_cents INTEGER      NOT NULL,
  ship_to_name     VARCHAR(200) NULL,
  ship_to_address  VARCHAR(400) NULL,
  CONSTRAINT fk_order_lines_order FOREIGN KEY (order_id)
    REFERENCES orders (id) ON DELETE RESTRICT
);
CREATE INDEX idx_order_lines_order_id ON order_lines (order_id);

CREATE TABLE card_designs (
  id          INTEGER      NOT NULL PRIMARY KEY,
  customer_id INTEGER      NULL, -- NULL: a guest design
  guest_token CHAR(32)     NULL, -- the editor session of a guest
  order_id    INTEGER      NULL, -- the order it was printed for
  product_sku VARCHAR(40)  NOT NULL,
  title       VARCHAR(200) NULL,
  content     TEXT         NOT NULL, -- the design as JSON: texts, names, dates, image references
  created_at  DATETIME     NOT NULL,
  updated_at  DATETIME     NOT NULL,
  CONSTRAINT fk_card_designs_customer FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE RESTRICT,
  CONSTRAINT fk_card_designs_order FOREIGN KEY (order_id)
    REFERENCES orders (id) ON DELETE RESTRICT
);
CREATE INDEX idx_card_designs_customer_id ON card_designs (customer_id);
CREATE INDEX idx_card_designs_order_id ON card_designs (order_id);
CREATE INDEX idx_card_designs_updated_at ON card_designs (updated_at);

CREATE TABLE invoices (
  id             INTEGER      NOT NULL PRIMARY KEY,
  invoice_number VARCHAR(20)  NOT NULL,
  order_id       INTEGER      NULL, -- NULL once the order itself is gone (after 7 years)
  customer_id    INTEGER      NULL,
  billing_name   VARCHAR(200) NOT NULL,
  company_name   VARCHAR(200) NULL,
  vat_number     VARCHAR(20)  NULL,
  street         VARCHAR(200) NOT NULL,
  house_number   VARCHAR(20)  NOT NULL,
  postcode       VARCHAR(10)  NOT NULL,
  city           VARCHAR(100) NOT NULL,
  country        CHAR(2)      NOT NULL DEFAULT 'NL',
  email          VARCHAR(254) NOT NULL,
  total_cents    INTEGER      NOT NULL,
  vat_cents      INTEGER      NOT NULL,
  invoice_date   DATETIME     NOT NULL,
  CONSTRAINT fk_invoices_order FOREIGN KEY (order_id)
    REFERENCES orders (id) ON DELETE RESTRICT,
  CONSTRAINT fk_invoices_customer FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE RESTRICT
);
CREATE UNIQUE INDEX uq_invoices_invoice_number ON invoices (invoice_number);
CREATE INDEX idx_invoices_order_id ON invoices (order_id);
CREATE INDEX idx_invoices_customer_id ON invoices (customer_id);
CREATE INDEX idx_invoices_invoice_date ON invoices (invoice_date);

CREATE TABLE invoice_lines (
  id               INTEGER      NOT NULL PRIMARY KEY,
  invoice_id       INTEGER      NOT NULL,
  description      VARCHAR(255) NOT NULL,
  quantity         INTEGER      NOT NULL,
  unit_price_cents INTEGER      NOT NULL,
  vat_rate         DECIMAL(4,2) NOT NULL,
  CONSTRAINT fk_invoice_lines_invoice FOREIGN KEY (invoice_id)
    REFERENCES invoices (id) ON DELETE RESTRICT
);
CREATE INDEX idx_invoice_lines_invoice_id ON invoice_lines (invoice_id);

CREATE TABLE payments (
  id             INTEGER      NOT NULL PRIMARY KEY,
  order_id       INTEGER      NULL,
  invoice_id     INTEGER      NULL,
  method         VARCHAR(20)  NOT NULL,
  amount_cents   INTEGER      NOT NULL,
  psp_reference  VARCHAR(64)  NULL, -- the payment provider's transaction id
  iban           VARCHAR(34)  NULL,
  account_holder VARCHAR(200) NULL,
  paid_at        DATETIME     NOT NULL,
  CONSTRAINT fk_payments_order FOREIGN KEY (order_id)
    REFERENCES orders (id) ON DELETE RESTRICT,
  CONSTRAINT fk_payments_invoice FOREIGN KEY (invoice_id)
    REFERENCES invoices (id) ON DELETE RESTRICT
);
CREATE INDEX idx_payments_order_id ON payments (order_id);
CREATE INDEX idx_payments_invoice_id ON payments (invoice_id);
CREATE INDEX idx_payments_paid_at ON payments (paid_at);

CREATE TABLE contact_messages (
  id          INTEGER      NOT NULL PRIMARY KEY,
  customer_id INTEGER      NULL,
  channel     VARCHAR(16)  NOT NULL,
  name        VARCHAR(200) NULL,
  email       VARCHAR(254) NULL,
  phone       VARCHAR(32)  NULL,
  subject     VARCHAR(200) NOT NULL,
  message     TEXT         NOT NULL, -- the message, or the notes of a phone call
  received_at DATETIME     NOT NULL,
  CONSTRAINT fk_contact_messages_customer FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE RESTRICT,
  CONSTRAINT chk_contact_messages_channel CHECK (channel IN ('phone', 'email', 'form', 'whatsapp'))
);
CREATE INDEX idx_contact_messages_customer_id ON contact_messages (customer_id);
CREATE INDEX idx_contact_messages_received_at ON contact_messages (received_at);

CREATE TABLE service_requests (
  id            INTEGER      NOT NULL PRIMARY KEY,
  customer_id   INTEGER      NULL,
  kind          VARCHAR(16)  NOT NULL,
  category      VARCHAR(40)  NOT NULL, -- e.g. delivery, print quality, editor
  order_number  VARCHAR(20)  NULL,
  name          VARCHAR(200) NULL,
  email         VARCHAR(254) NOT NULL,
  phone         VARCHAR(32)  NULL,
  message       TEXT         NOT NULL,
  design_access INTEGER      NOT NULL DEFAULT 0, -- TINYINT(1): the customer let staff open their card designs
  status        VARCHAR(16)  NOT NULL,
  received_at   DATETIME     NOT NULL,
  handled_at    DATETIME     NULL, -- NULL while open; cleared again when the customer reopens it
  CONSTRAINT fk_service_requests_customer FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE RESTRICT,
  CONSTRAINT chk_service_requests_kind CHECK (kind IN ('question', 'complaint')),
  CONSTRAINT chk_service_requests_status CHECK (status IN ('open', 'waiting', 'handled'))
);
CREATE INDEX idx_service_requests_customer_id ON service_requests (customer_id);
CREATE INDEX idx_service_requests_received_at ON service_requests (received_at);
CREATE INDEX idx_service_requests_handled_at ON service_requests (handled_at);

-- email is not UNIQUE: see examples/kleintjesgeluk/schema.sql.
CREATE TABLE newsletter_subscribers (
  id              INTEGER      NOT NULL PRIMARY KEY,
  email           VARCHAR(254) NOT NULL,
  name            VARCHAR(200) NULL,
  source          VARCHAR(16)  NOT NULL, -- signup (double opt-in) or customer (soft opt-in at checkout)
  subscribed_at   DATETIME     NOT NULL,
  confirmed_at    DATETIME     NULL, -- NULL: the confirmation link was never clicked
  unsubscribed_at DATETIME     NULL,
  CONSTRAINT chk_newsletter_subscribers_source CHECK (source IN ('signup', 'customer'))
);
CREATE INDEX idx_newsletter_subscribers_email ON newsletter_subscribers (email);
CREATE INDEX idx_newsletter_subscribers_subscribed_at ON newsletter_subscribers (subscribed_at);
CREATE INDEX idx_newsletter_subscribers_unsubscribed_at ON newsletter_subscribers (unsubscribed_at);

CREATE TABLE newsletter_optins (
  id                 INTEGER      NOT NULL PRIMARY KEY,
  subscriber_id      INTEGER      NOT NULL,
  consent_text       VARCHAR(500) NOT NULL, -- the text next to the checkbox, as shown
  requested_at       DATETIME     NOT NULL,
  request_ip         VARCHAR(45)  NOT NULL,
  confirmed_at       DATETIME     NULL,
  confirm_ip         VARCHAR(45)  NULL,
  confirm_user_agent VARCHAR(255) NULL,
  CONSTRAINT fk_newsletter_optins_subscriber FOREIGN KEY (subscriber_id)
    REFERENCES newsletter_subscribers (id) ON DELETE RESTRICT
);
CREATE INDEX idx_newsletter_optins_subscriber_id ON newsletter_optins (subscriber_id);

CREATE TABLE contests (
  id             INTEGER      NOT NULL PRIMARY KEY,
  title          VARCHAR(200) NOT NULL,
  terms_url      VARCHAR(255) NOT NULL,
  starts_at      DATETIME     NOT NULL,
  ends_at        DATETIME     NOT NULL,
  retention_days INTEGER      NOT NULL -- from the terms: entries are kept this many days after ends_at
);
CREATE INDEX idx_contests_ends_at ON contests (ends_at);

CREATE TABLE contest_entries (
  id         INTEGER      NOT NULL PRIMARY KEY,
  contest_id INTEGER      NOT NULL,
  name       VARCHAR(200) NOT NULL,
  email      VARCHAR(254) NULL,
  address    VARCHAR(400) NULL,
  answer     TEXT         NULL,
  is_winner  INTEGER      NOT NULL DEFAULT 0, -- TINYINT(1)
  entered_at DATETIME     NOT NULL,
  CONSTRAINT fk_contest_entries_contest FOREIGN KEY (contest_id)
    REFERENCES contests (id) ON DELETE RESTRICT
);
CREATE INDEX idx_contest_entries_contest_id ON contest_entries (contest_id);

CREATE TABLE research_studies (
  id           INTEGER      NOT NULL PRIMARY KEY,
  title        VARCHAR(200) NOT NULL,
  kind         VARCHAR(16)  NOT NULL,
  started_at   DATETIME     NOT NULL,
  finalized_at DATETIME     NULL, -- NULL while the study runs or is being analysed
  summary      TEXT         NULL, -- the anonymous outcome
  CONSTRAINT chk_research_studies_kind CHECK (kind IN ('customer', 'market'))
);
CREATE INDEX idx_research_studies_finalized_at ON research_studies (finalized_at);

CREATE TABLE research_participants (
  id           INTEGER      NOT NULL PRIMARY KEY,
  study_id     INTEGER      NOT NULL,
  customer_id  INTEGER      NULL,
  email        VARCHAR(254) NULL,
  phone        VARCHAR(32)  NULL,
  invited_at   DATETIME     NOT NULL,
  responded_at DATETIME     NULL,
  CONSTRAINT fk_research_participants_study FOREIGN KEY (study_id)
    REFERENCES research_studies (id) ON DELETE RESTRICT,
  CONSTRAINT fk_research_participants_customer FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE RESTRICT
);
CREATE INDEX idx_research_participants_study_id ON research_participants (study_id);
CREATE INDEX idx_research_participants_customer_id ON research_participants (customer_id);

CREATE TABLE research_responses (
  id             INTEGER  NOT NULL PRIMARY KEY,
  participant_id INTEGER  NOT NULL,
  question_no    INTEGER  NOT NULL,
  answer         TEXT     NOT NULL,
  CONSTRAINT fk_research_responses_participant FOREIGN KEY (participant_id)
    REFERENCES research_participants (id) ON DELETE RESTRICT
);
CREATE INDEX idx_research_responses_participant_id ON research_responses (participant_id);
