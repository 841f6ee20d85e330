-- The example webshop that config.example.toml runs against: a small card shop
-- with customer accounts, guest checkout, complaints, a contact form and a
-- newsletter. MySQL 8 / MariaDB 10.6+, InnoDB, utf8mb4.
--
--   mysql -e 'CREATE DATABASE shop'
--   mysql shop < examples/shop/schema.sql
--
-- Conventions the sweeper relies on:
--
-- * Every moment is a DATETIME: wall-clock time in the shop's own timezone
--   (Europe/Amsterdam), without a zone, the way most shop software writes it.
--   sweeper.timezone must name that zone. No DEFAULT CURRENT_TIMESTAMP: that
--   follows the session time zone, and the sweeper's sessions run in UTC.
-- * Every column a rule measures age by has an index, so a sweep reads a range
--   instead of the whole table (`sweeper check` warns about the ones that lack it).
-- * Foreign keys are ON DELETE RESTRICT on purpose: a CASCADE would remove rows
--   behind the sweeper's back, without an audit record. Rows that go with a
--   customer are listed as [[rule.related]] in the config instead.
-- * The sweeper creates its own audit table (sweeper.audit_table) on first run.

SET NAMES utf8mb4;

CREATE TABLE customers (
  id            INT UNSIGNED NOT NULL AUTO_INCREMENT,
  email         VARCHAR(254) NOT NULL COMMENT 'also the login name',
  salutation    VARCHAR(20)  NULL,
  first_name    VARCHAR(100) NOT NULL,
  last_name     VARCHAR(100) NOT NULL,
  phone         VARCHAR(32)  NULL,
  photo_path    VARCHAR(255) NULL COMMENT 'profile photo, relative to the photo directory',
  created_at    DATETIME     NOT NULL,
  last_login_at DATETIME     NULL COMMENT 'NULL: never logged in since logins were recorded',
  PRIMARY KEY (id),
  UNIQUE KEY uq_customers_email (email),
  KEY idx_customers_last_login_at (last_login_at),
  KEY idx_customers_created_at (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The account's address book: the customer's own address and those of the
-- people they send cards to. It has no life of its own without the account.
CREATE TABLE addresses (
  id             INT UNSIGNED NOT NULL AUTO_INCREMENT,
  customer_id    INT UNSIGNED NOT NULL,
  recipient_name VARCHAR(200) NOT NULL,
  street         VARCHAR(200) NOT NULL,
  house_number   VARCHAR(20)  NOT NULL,
  postcode       VARCHAR(10)  NOT NULL,
  city           VARCHAR(100) NOT NULL,
  country        CHAR(2)      NOT NULL DEFAULT 'NL',
  created_at     DATETIME     NOT NULL,
  PRIMARY KEY (id),
  KEY idx_addresses_customer_id (customer_id),
  CONSTRAINT fk_addresses_customer FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Orders copy the buyer's details at checkout: the fiscal record must show what
-- was invoiced to whom, whatever happens to the account later. customer_id is
-- NULL for guest orders and for orders whose account has been deleted.
CREATE TABLE orders (
  id                INT UNSIGNED NOT NULL AUTO_INCREMENT,
  order_number      VARCHAR(20)  NOT NULL,
  customer_id       INT UNSIGNED NULL,
  email             VARCHAR(254) NOT NULL,
  salutation        VARCHAR(20)  NULL,
  first_name        VARCHAR(100) NOT NULL,
  last_name         VARCHAR(100) NOT NULL,
  phone             VARCHAR(32)  NULL,
  ship_name         VARCHAR(200) NOT NULL,
  ship_street       VARCHAR(200) NOT NULL,
  ship_house_number VARCHAR(20)  NOT NULL,
  ship_postcode     VARCHAR(10)  NOT NULL,
  ship_city         VARCHAR(100) NOT NULL,
  ship_country      CHAR(2)      NOT NULL DEFAULT 'NL',
  total_cents       INT UNSIGNED NOT NULL,
  status            VARCHAR(16)  NOT NULL,
  created_at        DATETIME     NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_orders_order_number (order_number),
  KEY idx_orders_customer_id (customer_id),
  KEY idx_orders_created_at (created_at),
  CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE RESTRICT,
  CONSTRAINT chk_orders_status
    CHECK (status IN ('paid', 'shipped', 'delivered', 'cancelled', 'returned', 'disputed'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Complaints come in by mail or through the account; customer_id is NULL when
-- the sender has no account.
CREATE TABLE complaints (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT,
  customer_id INT UNSIGNED NULL,
  name        VARCHAR(200) NULL,
  email       VARCHAR(254) NOT NULL,
  subject     VARCHAR(200) NOT NULL,
  body        TEXT         NOT NULL,
  status      VARCHAR(16)  NOT NULL,
  filed_at    DATETIME     NOT NULL,
  handled_at  DATETIME     NULL COMMENT 'NULL while the complaint is open',
  PRIMARY KEY (id),
  KEY idx_complaints_customer_id (customer_id),
  KEY idx_complaints_filed_at (filed_at),
  KEY idx_complaints_handled_at (handled_at),
  CONSTRAINT fk_complaints_customer FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE RESTRICT,
  CONSTRAINT chk_complaints_status
    CHECK (status IN ('open', 'in_progress', 'handled'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The contact form. Not linked to accounts: most senders have none.
CREATE TABLE contact_messages (
  id         INT UNSIGNED NOT NULL AUTO_INCREMENT,
  name       VARCHAR(200) NOT NULL,
  email      VARCHAR(254) NOT NULL,
  phone      VARCHAR(32)  NULL,
  subject    VARCHAR(200) NOT NULL,
  message    TEXT         NOT NULL,
  created_at DATETIME     NOT NULL,
  PRIMARY KEY (id),
  KEY idx_contact_messages_created_at (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per subscription (double opt-in). email is deliberately not UNIQUE:
-- a re-subscription is a new row with its own opt-in proof, and once the
-- sweeper has replaced the addresses of two old subscriptions of one person by
-- their keyed hash, those two hashes are equal.
CREATE TABLE newsletter_subscribers (
  id              INT UNSIGNED NOT NULL AUTO_INCREMENT,
  email           VARCHAR(254) NOT NULL COMMENT 'stored lower-cased, so its hash can be found again',
  name            VARCHAR(200) NULL,
  subscribed_at   DATETIME     NOT NULL,
  optin_ip        VARCHAR(45)  NULL COMMENT 'where the confirmation link was clicked',
  optin_at        DATETIME     NULL COMMENT 'NULL: never confirmed',
  unsubscribed_at DATETIME     NULL,
  PRIMARY KEY (id),
  KEY idx_newsletter_subscribers_email (email),
  KEY idx_newsletter_subscribers_unsubscribed_at (unsubscribed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
