-- Kleintjesgeluk (kleintjesgeluk.nl): a web shop for birth, wedding and
-- greeting cards, posters and stickers. Customers design their cards in an
-- editor, order with or without an account, ask for quotes (businesses,
-- large print runs), write to customer service, subscribe to the newsletter,
-- enter contests and take part in customer research.
--
-- This is the schema examples/kleintjesgeluk/config.toml runs against; every
-- retention promise of the shop's privacy statement (quoted in README.md) is
-- a rule there. MySQL 8 / MariaDB 10.6+, InnoDB, utf8mb4.
--
--   mysql -e 'CREATE DATABASE kleintjesgeluk'
--   mysql kleintjesgeluk < examples/kleintjesgeluk/schema.sql
--
-- Conventions the sweeper relies on:
--
-- * Every moment is a DATETIME: wall-clock time in Europe/Amsterdam, without
--   a zone, as the shop software writes it (sweeper.timezone names that zone).
--   No DEFAULT CURRENT_TIMESTAMP: that follows the session time zone, and the
--   sweeper's sessions run in UTC.
-- * Every column a rule dates rows by has an index of its own.
-- * Foreign keys are ON DELETE RESTRICT: a CASCADE would delete rows without
--   an audit record. What goes with a row is a [[rule.related]] in the config,
--   and a row that must outlive its parent has a nullable foreign key the
--   sweeper detaches (sets NULL).
-- * Orders, invoices and quotes copy the customer's name and address: the
--   fiscal record must show what was sold to whom, whatever becomes of the
--   account, so they survive the account's deletion (detached).

SET NAMES utf8mb4;

-- Accounts. The e-mail address is the login name. An account is kept while
-- the customer uses it: the sweeper deletes it after 7 years without a login
-- (last_login_at, or created_at for an account never logged in to since the
-- registration), or a day after the customer asked for its deletion.
CREATE TABLE customers (
  id                    INT UNSIGNED NOT NULL AUTO_INCREMENT,
  email                 VARCHAR(254) NOT NULL,
  password_hash         VARCHAR(255) NOT NULL,
  first_name            VARCHAR(100) NOT NULL,
  last_name             VARCHAR(100) NOT NULL,
  phone                 VARCHAR(32)  NULL,
  company_name          VARCHAR(200) NULL,
  created_at            DATETIME     NOT NULL,
  last_login_at         DATETIME     NULL,
  deletion_requested_at DATETIME     NULL COMMENT 'set by the shop when the customer asks for the account to be deleted',
  PRIMARY KEY (id),
  UNIQUE KEY uq_customers_email (email),
  KEY idx_customers_last_login_at (last_login_at),
  KEY idx_customers_created_at (created_at),
  KEY idx_customers_deletion_requested_at (deletion_requested_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The account's address book: the customer's own address and those of the
-- people they send cards to ("het opslaan van adresgegevens van ontvangers").
CREATE TABLE customer_addresses (
  id             INT UNSIGNED NOT NULL AUTO_INCREMENT,
  customer_id    INT UNSIGNED NOT NULL,
  label          VARCHAR(100) NULL COMMENT 'e.g. "oma", "eigen adres"',
  recipient_name VARCHAR(200) NOT NULL,
  street         VARCHAR(200) NOT NULL,
  house_number   VARCHAR(20)  NOT NULL,
  postcode       VARCHAR(10)  NOT NULL,
  city           VARCHAR(100) NOT NULL,
  country        CHAR(2)      NOT NULL DEFAULT 'NL',
  created_at     DATETIME     NOT NULL,
  PRIMARY KEY (id),
  KEY idx_customer_addresses_customer_id (customer_id),
  CONSTRAINT fk_customer_addresses_customer FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Favourite cards ("het opslaan van favoriete kaartjes").
CREATE TABLE favourites (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT,
  customer_id INT UNSIGNED NOT NULL,
  product_sku VARCHAR(40)  NOT NULL,
  created_at  DATETIME     NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_favourites_customer_product (customer_id, product_sku),
  CONSTRAINT fk_favourites_customer FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Quotes, for businesses and large print runs. "We bewaren offertes 8 jaar."
-- An accepted quote becomes an order (orders.quote_id).
CREATE TABLE quotes (
  id           INT UNSIGNED NOT NULL AUTO_INCREMENT,
  quote_number VARCHAR(20)  NOT NULL,
  customer_id  INT UNSIGNED NULL COMMENT 'NULL: asked without an account, or the account is gone',
  company_name VARCHAR(200) NULL,
  contact_name VARCHAR(200) NOT NULL,
  email        VARCHAR(254) NOT NULL,
  phone        VARCHAR(32)  NULL,
  street       VARCHAR(200) NULL,
  house_number VARCHAR(20)  NULL,
  postcode     VARCHAR(10)  NULL,
  city         VARCHAR(100) NULL,
  description  TEXT         NOT NULL,
  total_cents  INT UNSIGNED NOT NULL,
  status       VARCHAR(16)  NOT NULL,
  created_at   DATETIME     NOT NULL COMMENT 'the date of the quote',
  PRIMARY KEY (id),
  UNIQUE KEY uq_quotes_quote_number (quote_number),
  KEY idx_quotes_customer_id (customer_id),
  KEY idx_quotes_created_at (created_at),
  CONSTRAINT fk_quotes_customer FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE RESTRICT,
  CONSTRAINT chk_quotes_status CHECK (status IN ('requested', 'sent', 'accepted', 'declined', 'expired'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE quote_lines (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT,
  quote_id    INT UNSIGNED NOT NULL,
  description VARCHAR(255) NOT NULL,
  quantity    INT UNSIGNED NOT NULL,
  price_cents INT UNSIGNED NOT NULL,
  PRIMARY KEY (id),
  KEY idx_quote_lines_quote_id (quote_id),
  CONSTRAINT fk_quote_lines_quote FOREIGN KEY (quote_id)
    REFERENCES quotes (id) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Orders, from accounts and guests alike; the buyer's details are copied at
-- checkout. "We zijn wettelijk verplicht de gegevens gerelateerd aan je
-- bestelling 7 jaar te bewaren."
CREATE TABLE orders (
  id           INT UNSIGNED NOT NULL AUTO_INCREMENT,
  order_number VARCHAR(20)  NOT NULL,
  customer_id  INT UNSIGNED NULL COMMENT 'NULL: guest order, or the account is gone',
  quote_id     INT UNSIGNED NULL COMMENT 'the quote this order came from',
  email        VARCHAR(254) NOT NULL,
  first_name   VARCHAR(100) NOT NULL,
  last_name    VARCHAR(100) NOT NULL,
  phone        VARCHAR(32)  NULL,
  street       VARCHAR(200) NOT NULL,
  house_number VARCHAR(20)  NOT NULL,
  postcode     VARCHAR(10)  NOT NULL,
  city         VARCHAR(100) NOT NULL,
  country      CHAR(2)      NOT NULL DEFAULT 'NL',
  total_cents  INT UNSIGNED NOT NULL,
  status       VARCHAR(16)  NOT NULL,
  ordered_at   DATETIME     NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_orders_order_number (order_number),
  KEY idx_orders_customer_id (customer_id),
  KEY idx_orders_quote_id (quote_id),
  KEY idx_orders_ordered_at (ordered_at),
  CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE RESTRICT,
  CONSTRAINT fk_orders_quote FOREIGN KEY (quote_id)
    REFERENCES quotes (id) ON DELETE RESTRICT,
  CONSTRAINT chk_orders_status CHECK (status IN ('pending', 'paid', 'printing', 'shipped', 'cancelled', 'returned'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One line per card or product; the recipient's address when the shop sends
-- the cards straight to the people on the list.
CREATE TABLE order_lines (
  id               INT UNSIGNED NOT NULL AUTO_INCREMENT,
  order_id         INT UNSIGNED NOT NULL,
  product_sku      VARCHAR(40)  NOT NULL,
  description      VARCHAR(255) NOT NULL,
  quantity         INT UNSIGNED NOT NULL,
  unit_price_cents INT UNSIGNED NOT NULL,
  ship_to_name     VARCHAR(200) NULL,
  ship_to_address  VARCHAR(400) NULL,
  PRIMARY KEY (id),
  KEY idx_order_lines_order_id (order_id),
  CONSTRAINT fk_order_lines_order FOREIGN KEY (order_id)
    REFERENCES orders (id) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Card designs from the editor: the names, dates and photos the customer
-- put on the card ("De gegevens die u zelf toevoegt aan het kaartontwerp(en)
-- zijn en blijven van u"). A design is saved in an account (customer_id), or
-- made by a guest (guest_token, the editor's session) and then printed for a
-- guest order (order_id).
CREATE TABLE card_designs (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT,
  customer_id INT UNSIGNED NULL COMMENT 'NULL: a guest design',
  guest_token CHAR(32)     NULL COMMENT 'the editor session of a guest',
  order_id    INT UNSIGNED NULL COMMENT 'the order it was printed for',
  product_sku VARCHAR(40)  NOT NULL,
  title       VARCHAR(200) NULL,
  content     MEDIUMTEXT   NOT NULL COMMENT 'the design as JSON: texts, names, dates, image references',
  created_at  DATETIME     NOT NULL,
  updated_at  DATETIME     NOT NULL,
  PRIMARY KEY (id),
  KEY idx_card_designs_customer_id (customer_id),
  KEY idx_card_designs_order_id (order_id),
  KEY idx_card_designs_updated_at (updated_at),
  CONSTRAINT fk_card_designs_customer FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE RESTRICT,
  CONSTRAINT fk_card_designs_order FOREIGN KEY (order_id)
    REFERENCES orders (id) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Invoices copy the billing details: an invoice must name the buyer. "We
-- bewaren offertes, facturen en betaalgegevens 8 jaar."
CREATE TABLE invoices (
  id             INT UNSIGNED NOT NULL AUTO_INCREMENT,
  invoice_number VARCHAR(20)  NOT NULL,
  order_id       INT UNSIGNED NULL COMMENT 'NULL once the order itself is gone (after 7 years)',
  customer_id    INT UNSIGNED NULL,
  billing_name   VARCHAR(200) NOT NULL,
  company_name   VARCHAR(200) NULL,
  vat_number     VARCHAR(20)  NULL,
  street         VARCHAR(200) NOT NULL,
  house_number   VARCHAR(20)  NOT NULL,
  postcode       VARCHAR(10)  NOT NULL,
  city           VARCHAR(100) NOT NULL,
  country        CHAR(2)      NOT NULL DEFAULT 'NL',
  email          VARCHAR(254) NOT NULL,
  total_cents    INT UNSIGNED NOT NULL,
  vat_cents      INT UNSIGNED NOT NULL,
  invoice_date   DATETIME     NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_invoices_invoice_number (invoice_number),
  KEY idx_invoices_order_id (order_id),
  KEY idx_invoices_customer_id (customer_id),
  KEY idx_invoices_invoice_date (invoice_date),
  CONSTRAINT fk_invoices_order FOREIGN KEY (order_id)
    REFERENCES orders (id) ON DELETE RESTRICT,
  CONSTRAINT fk_invoices_customer FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE invoice_lines (
  id               INT UNSIGNED NOT NULL AUTO_INCREMENT,
  invoice_id       INT UNSIGNED NOT NULL,
  description      VARCHAR(255) NOT NULL,
  quantity         INT UNSIGNED NOT NULL,
  unit_price_cents INT UNSIGNED NOT NULL,
  vat_rate         DECIMAL(4,2) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_invoice_lines_invoice_id (invoice_id),
  CONSTRAINT fk_invoice_lines_invoice FOREIGN KEY (invoice_id)
    REFERENCES invoices (id) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Payments (iDEAL, bank transfer). "Bij betaling zullen we bovendien te zien
-- krijgen van welke rekening dit komt en wie de rekeninghouder is": iban and
-- account_holder.
CREATE TABLE payments (
  id             INT UNSIGNED NOT NULL AUTO_INCREMENT,
  order_id       INT UNSIGNED NULL,
  invoice_id     INT UNSIGNED NULL,
  method         VARCHAR(20)  NOT NULL,
  amount_cents   INT UNSIGNED NOT NULL,
  psp_reference  VARCHAR(64)  NULL COMMENT 'the payment provider''s transaction id',
  iban           VARCHAR(34)  NULL,
  account_holder VARCHAR(200) NULL,
  paid_at        DATETIME     NOT NULL,
  PRIMARY KEY (id),
  KEY idx_payments_order_id (order_id),
  KEY idx_payments_invoice_id (invoice_id),
  KEY idx_payments_paid_at (paid_at),
  CONSTRAINT fk_payments_order FOREIGN KEY (order_id)
    REFERENCES orders (id) ON DELETE RESTRICT,
  CONSTRAINT fk_payments_invoice FOREIGN KEY (invoice_id)
    REFERENCES invoices (id) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The contact history: every contact by phone, e-mail, the contact form or
-- WhatsApp, "om bijvoorbeeld te kunnen zien wanneer we voor het laatst
-- contact hebben gehad, waar dat over is gegaan en hoe je toen reageerde".
-- Kept at most 5 years. (Contact through the shop's personal social media
-- account is on that platform, not here.)
CREATE TABLE contact_messages (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT,
  customer_id INT UNSIGNED NULL,
  channel     VARCHAR(16)  NOT NULL,
  name        VARCHAR(200) NULL,
  email       VARCHAR(254) NULL,
  phone       VARCHAR(32)  NULL,
  subject     VARCHAR(200) NOT NULL,
  message     TEXT         NOT NULL COMMENT 'the message, or the notes of a phone call',
  received_at DATETIME     NOT NULL,
  PRIMARY KEY (id),
  KEY idx_contact_messages_customer_id (customer_id),
  KEY idx_contact_messages_received_at (received_at),
  CONSTRAINT fk_contact_messages_customer FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE RESTRICT,
  CONSTRAINT chk_contact_messages_channel CHECK (channel IN ('phone', 'email', 'form', 'whatsapp'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Customer service: questions and complaints about an order or the service,
-- through the customer-service form or by e-mail. The personal details go
-- once the request is handled; what stays (kind, category, dates) feeds the
-- "algemene statistieken ten behoeve van verbetering van onze dienstverlening".
CREATE TABLE service_requests (
  id            INT UNSIGNED NOT NULL AUTO_INCREMENT,
  customer_id   INT UNSIGNED NULL,
  kind          VARCHAR(16)  NOT NULL,
  category      VARCHAR(40)  NOT NULL COMMENT 'e.g. delivery, print quality, editor',
  order_number  VARCHAR(20)  NULL,
  name          VARCHAR(200) NULL,
  email         VARCHAR(254) NOT NULL,
  phone         VARCHAR(32)  NULL,
  message       TEXT         NOT NULL,
  design_access TINYINT(1)   NOT NULL DEFAULT 0 COMMENT 'the customer let staff open their card designs',
  status        VARCHAR(16)  NOT NULL,
  received_at   DATETIME     NOT NULL,
  handled_at    DATETIME     NULL COMMENT 'NULL while open; cleared again when the customer reopens it',
  PRIMARY KEY (id),
  KEY idx_service_requests_customer_id (customer_id),
  KEY idx_service_requests_received_at (received_at),
  KEY idx_service_requests_handled_at (handled_at),
  CONSTRAINT fk_service_requests_customer FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE RESTRICT,
  CONSTRAINT chk_service_requests_kind CHECK (kind IN ('question', 'complaint')),
  CONSTRAINT chk_service_requests_status CHECK (status IN ('open', 'waiting', 'handled'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Newsletter subscriptions, one row per subscription: a re-subscription is a
-- new row with its own opt-in. email is stored lower-cased and is not UNIQUE:
-- after unsubscribing it is replaced by its keyed hash, and two old
-- subscriptions of one person hash alike.
CREATE TABLE newsletter_subscribers (
  id              INT UNSIGNED NOT NULL AUTO_INCREMENT,
  email           VARCHAR(254) NOT NULL,
  name            VARCHAR(200) NULL,
  source          VARCHAR(16)  NOT NULL COMMENT 'signup (double opt-in) or customer (soft opt-in at checkout)',
  subscribed_at   DATETIME     NOT NULL,
  confirmed_at    DATETIME     NULL COMMENT 'NULL: the confirmation link was never clicked',
  unsubscribed_at DATETIME     NULL,
  PRIMARY KEY (id),
  KEY idx_newsletter_subscribers_email (email),
  KEY idx_newsletter_subscribers_subscribed_at (subscribed_at),
  KEY idx_newsletter_subscribers_unsubscribed_at (unsubscribed_at),
  CONSTRAINT chk_newsletter_subscribers_source CHECK (source IN ('signup', 'customer'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The proof of the opt-in: what the form said, when and from where it was
-- filled in and confirmed. "de bewijsplicht van vijf jaar voor e-mail opt-ins".
CREATE TABLE newsletter_optins (
  id                 INT UNSIGNED NOT NULL AUTO_INCREMENT,
  subscriber_id      INT UNSIGNED NOT NULL,
  consent_text       VARCHAR(500) NOT NULL COMMENT 'the text next to the checkbox, as shown',
  requested_at       DATETIME     NOT NULL,
  request_ip         VARCHAR(45)  NOT NULL,
  confirmed_at       DATETIME     NULL,
  confirm_ip         VARCHAR(45)  NULL,
  confirm_user_agent VARCHAR(255) NULL,
  PRIMARY KEY (id),
  KEY idx_newsletter_optins_subscriber_id (subscriber_id),
  CONSTRAINT fk_newsletter_optins_subscriber FOREIGN KEY (subscriber_id)
    REFERENCES newsletter_subscribers (id) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Contests and promotions. Each has its own terms ("In de voorwaarden van de
-- betreffende prijsvraag of actie kunt u terugvinden ... hoelang wij deze
-- bewaren"); retention_days is the period those terms name, counted from
-- the end of the contest.
CREATE TABLE contests (
  id             INT UNSIGNED NOT NULL AUTO_INCREMENT,
  title          VARCHAR(200) NOT NULL,
  terms_url      VARCHAR(255) NOT NULL,
  starts_at      DATETIME     NOT NULL,
  ends_at        DATETIME     NOT NULL,
  retention_days INT UNSIGNED NOT NULL COMMENT 'from the terms: entries are kept this many days after ends_at',
  PRIMARY KEY (id),
  KEY idx_contests_ends_at (ends_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE contest_entries (
  id         INT UNSIGNED NOT NULL AUTO_INCREMENT,
  contest_id INT UNSIGNED NOT NULL,
  name       VARCHAR(200) NOT NULL,
  email      VARCHAR(254) NULL,
  address    VARCHAR(400) NULL,
  answer     TEXT         NULL,
  is_winner  TINYINT(1)   NOT NULL DEFAULT 0,
  entered_at DATETIME     NOT NULL,
  PRIMARY KEY (id),
  KEY idx_contest_entries_contest_id (contest_id),
  CONSTRAINT fk_contest_entries_contest FOREIGN KEY (contest_id)
    REFERENCES contests (id) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Customer and market research. A study is "definitief afgerond" when the
-- shop sets finalized_at; its anonymous outcome stays in summary.
CREATE TABLE research_studies (
  id           INT UNSIGNED NOT NULL AUTO_INCREMENT,
  title        VARCHAR(200) NOT NULL,
  kind         VARCHAR(16)  NOT NULL,
  started_at   DATETIME     NOT NULL,
  finalized_at DATETIME     NULL COMMENT 'NULL while the study runs or is being analysed',
  summary      TEXT         NULL COMMENT 'the anonymous outcome',
  PRIMARY KEY (id),
  KEY idx_research_studies_finalized_at (finalized_at),
  CONSTRAINT chk_research_studies_kind CHECK (kind IN ('customer', 'market'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The panel of a study: the people invited (by e-mail and/or phone) and
-- whether they took part.
CREATE TABLE research_participants (
  id           INT UNSIGNED NOT NULL AUTO_INCREMENT,
  study_id     INT UNSIGNED NOT NULL,
  customer_id  INT UNSIGNED NULL,
  email        VARCHAR(254) NULL,
  phone        VARCHAR(32)  NULL,
  invited_at   DATETIME     NOT NULL,
  responded_at DATETIME     NULL,
  PRIMARY KEY (id),
  KEY idx_research_participants_study_id (study_id),
  KEY idx_research_participants_customer_id (customer_id),
  CONSTRAINT fk_research_participants_study FOREIGN KEY (study_id)
    REFERENCES research_studies (id) ON DELETE RESTRICT,
  CONSTRAINT fk_research_participants_customer FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A participant's answers: "uw gegevens gekoppeld aan de uitslagen".
CREATE TABLE research_responses (
  id             INT UNSIGNED NOT NULL AUTO_INCREMENT,
  participant_id INT UNSIGNED NOT NULL,
  question_no    SMALLINT UNSIGNED NOT NULL,
  answer         TEXT         NOT NULL,
  PRIMARY KEY (id),
  KEY idx_research_responses_participant_id (participant_id),
  CONSTRAINT fk_research_responses_participant FOREIGN KEY (participant_id)
    REFERENCES research_participants (id) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
